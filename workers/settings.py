"""Which queues a worker listens to, most urgent first."""

from __future__ import annotations

import os

from unionhome.core.jobs import QUEUES

WORKER_QUEUES = [q for q in os.environ.get("WORKER_QUEUES", ",".join(QUEUES)).split(",") if q]
HEARTBEAT_MAX_AGE_S = 60
