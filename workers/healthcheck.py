"""Health check for worker containers: healthy if a worker on this host sent a heartbeat within
HEARTBEAT_MAX_AGE_S (busy or idle). Exit code 0 = healthy, 1 = not."""

from __future__ import annotations

import socket
import sys
from datetime import UTC, datetime

from rq import Worker

from unionhome import create_app
from unionhome.core.redis import get_redis

from .settings import HEARTBEAT_MAX_AGE_S


def check(hostname: str | None = None) -> tuple[bool, str]:
    app = create_app()
    with app.app_context():
        workers = Worker.all(connection=get_redis())
    host = hostname or socket.gethostname()
    now = datetime.now(UTC)
    for w in workers:
        if w.hostname != host or w.last_heartbeat is None:
            continue
        beat = w.last_heartbeat if w.last_heartbeat.tzinfo else w.last_heartbeat.replace(tzinfo=UTC)
        age = (now - beat).total_seconds()
        if age <= HEARTBEAT_MAX_AGE_S:
            return True, f"{w.name}: {w.get_state()} (heartbeat {age:.0f}s ago)"
    return False, f"no live worker on {host}"


def main() -> None:
    ok, message = check()
    print(message)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
