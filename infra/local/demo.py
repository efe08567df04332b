"""`make demo`: the whole product on embedded defaults, data kept under `.demo/`.

Starts PostgreSQL (pip wheel, unless DATABASE_URL is set), Redis and SeaweedFS, migrates, loads
the demo counties on first run, then runs the API (serving the built SPA), one RQ worker and the
scheduler. Prints the URL and the demo logins; Ctrl-C stops everything it started.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from .services import LocalServices

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = Path(os.environ.get("DEMO_DIR", ROOT / ".demo"))
BIN = Path(sys.executable).parent


def _secrets() -> dict[str, str]:
    """Keys generated once and kept with the data (the PII key must not change under stored data)."""
    path = DEMO_DIR / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PII_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "APP_DB_PASSWORD": secrets.token_urlsafe(16),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "unionhome.wsgi:app", "uh", *args], env=env, cwd=ROOT,
                   check=True)


def _wait_http(url: str, alive: subprocess.Popen[Any], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and alive.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"API did not answer at {url}; see {DEMO_DIR / 'logs'}")


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def main() -> None:
    port = int(os.environ.get("PORT", "5000"))
    host = os.environ.get("HOST", "127.0.0.1")
    if _port_taken(host, port):
        raise SystemExit(f"端口 {port} 已被占用 / port {port} is in use: stop that program or run `PORT=5001 make demo`")
    services = LocalServices(DEMO_DIR, persistent=True)
    urls = services.start()
    children: list[subprocess.Popen[Any]] = []
    try:
        env = {**os.environ, **urls.as_env(), **_secrets(), "FRONTEND_DIST": str(ROOT / "frontend" / "dist")}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "backend"), env.get("PYTHONPATH", "")])
        _flask(env, "migrate")
        logins_file = DEMO_DIR / "logins.json"
        if not logins_file.exists():
            print("首次运行：正在生成演示数据（两个县，约需半分钟）…", flush=True)
            _flask(env, "seed-demo", "--logins-file", str(logins_file))
        logs = DEMO_DIR / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        commands = {
            "api": [str(BIN / "gunicorn"), "-b", f"{host}:{port}", "-w", "2", "--threads", "4",
                    "--access-logfile", str(logs / "api-access.log"), "unionhome.wsgi:app"],
            "worker": [sys.executable, "-m", "workers.worker"],
            "scheduler": [sys.executable, "-m", "workers.scheduler"],
        }
        for name, argv in commands.items():
            log = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child's lifetime
            children.append(subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True))
        base = f"http://{host}:{port}"
        _wait_http(f"{base}/healthz", alive=children[0])
        logins = json.loads(logins_file.read_text())
        print("\n职工之家云 UnionHome is running")
        print(f"  App:      {base}/")
        print(f"  API docs: {base}/api/docs")
        print(f"  Data:     {DEMO_DIR} (logs in {logs})\n")
        print("  Demo logins (also in .demo/logins.json):")
        for item in logins:
            print(f"    {item['tenant'] or '平台 platform':<12} {item['role']:<18} {item['username']:<22} {item['password']}")
        print("\nPress Ctrl-C to stop.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(c.poll() is None for c in children):
            time.sleep(1)
        dead = [name for name, c in zip(commands, children, strict=True) if c.poll() is not None]
        print(f"stopped: {', '.join(dead)} exited; see {logs}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nstopping…")
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        services.stop()


if __name__ == "__main__":
    main()
