"""A throwaway environment for one benchmark: servers, the Flask app, the migrated schema, gunicorn.

    with BenchEnv() as env:            # PostgreSQL/Redis/SeaweedFS on free ports, in a tmp dir
        env.migrate()                  # alembic upgrade head (as the owner role)
        with env.app.app_context(): …  # seeding through the app (as the app role, under RLS)
        with env.gunicorn(workers=2, threads=4) as base_url: …

Everything started here is stopped on exit (the tmp dir is deleted); nothing is left running.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from infra.local.services import LocalServices, ServiceUrls

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# Test-style secrets: the servers live for one run on loopback only.
PII_KEY = "YmVuY2gtb25seS1waWktbWFzdGVyLWtleS0zMmJ5dGU="
SECRET_KEY = "bench"

# A production-like (modest) server configuration; durability is off like the tests' throwaway
# servers (LocalServices sets fsync/synchronous_commit/full_page_writes off when not persistent).
PG_SETTINGS = {
    "shared_buffers": "1GB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "max_connections": "200",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def plain_dsn(sqlalchemy_url: str) -> str:
    """`postgresql+psycopg://…` → a libpq URL psycopg accepts."""
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


def machine_info() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = 0.0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gb": round(mem_gb, 1), "python": platform.python_version(),
            "kernel": platform.release()}


class BenchEnv:
    def __init__(self, name: str = "bench", pg_settings: dict[str, str] | None = None) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix=f"uh-{name}-"))
        self.services = LocalServices(self.tmp, persistent=False, pg_settings=pg_settings or PG_SETTINGS)
        self.urls: ServiceUrls | None = None
        self.app: Any = None

    def __enter__(self) -> BenchEnv:
        try:
            self.urls = self.services.start()
            from unionhome import create_app

            self.app = create_app(self.app_config())
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.app is not None:
                from unionhome.extensions import db

                with self.app.app_context():
                    db.engine.dispose()
        self.services.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- configuration --------------------------------------------------------------------------

    def app_config(self) -> dict[str, Any]:
        assert self.urls is not None
        u = self.urls
        return {
            "DATABASE_URL": u.database_url, "REDIS_URL": u.redis_url, "S3_ENDPOINT_URL": u.s3_endpoint_url,
            "S3_ACCESS_KEY": u.s3_access_key, "S3_SECRET_KEY": u.s3_secret_key, "S3_REGION": u.s3_region,
            "PII_MASTER_KEY": PII_KEY, "SECRET_KEY": SECRET_KEY, "LOGIN_IP_LIMIT_PER_MINUTE": 100_000,
            "LOG_LEVEL": "WARNING",
        }

    def server_env(self) -> dict[str, str]:
        """The same configuration for a gunicorn process (config.py reads these names)."""
        assert self.urls is not None
        env = dict(os.environ)
        env.update(self.urls.as_env())
        env.update({"PII_MASTER_KEY": PII_KEY, "SECRET_KEY": SECRET_KEY,
                    "APP_LOGIN_IP_LIMIT_PER_MINUTE": "100000", "APP_LOG_LEVEL": "WARNING"})
        return env

    @property
    def owner_dsn(self) -> str:
        assert self.urls is not None
        return plain_dsn(self.urls.database_url)

    @property
    def app_dsn(self) -> str:
        return plain_dsn(self.app.config["SQLALCHEMY_DATABASE_URI"])

    def owner_connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(self.owner_dsn, **kwargs)

    # -- steps -----------------------------------------------------------------------------------

    def migrate(self) -> None:
        from flask_migrate import upgrade

        with self.app.app_context():
            upgrade(directory=self.app.extensions["migrate"].directory)

    def pg_version(self) -> str:
        with self.owner_connect() as conn:
            row = conn.execute("show server_version").fetchone()
            return str(row[0]) if row else "?"

    @contextlib.contextmanager
    def gunicorn(self, *, workers: int = 2, threads: int = 4, timeout: float = 60.0) -> Iterator[str]:
        """`gunicorn unionhome.wsgi:app` on a free loopback port; yields the base URL, stops it after."""
        port = free_port()
        log_path = self.tmp / "gunicorn.log"
        argv = [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
                "--keep-alive", "30", "--log-level", "warning", "unionhome.wsgi:app"]
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(argv, cwd=ROOT, env=self.server_env(), stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited ({proc.returncode}): {log_path.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as resp:
                        if resp.status == 200 and json.loads(resp.read()).get("status") == "ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz in time")
                time.sleep(0.2)
            yield base
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its own workers
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
