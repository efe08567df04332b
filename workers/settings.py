"""Which queues a worker serves, most urgent first (latency classes; each class's per-tenant
sub-queues `<class>:t<tenant_id>` are discovered at run time). `WORKER_QUEUES=high,default` or
`python -m workers.worker --queues high,default` to specialise a worker."""

from __future__ import annotations

import os

from unionhome.core.jobs import QUEUES

WORKER_QUEUES = [q for q in os.environ.get("WORKER_QUEUES", ",".join(QUEUES)).split(",") if q]
HEARTBEAT_MAX_AGE_S = 60
# How long an idle worker blocks on its known queues before it looks for new tenant sub-queues: the
# longest a county's first job (or its first in a class) waits for an idle worker. A look is one
# SMEMBERS; Redis ≥ 6 (the project runs 6.2+) takes a BLPOP timeout in fractions of a second. At 1 s the
# roster job of a county new to the `long` queue waited ~0.9 s before it started (bench/README.md).
DISCOVERY_INTERVAL_S = 0.2
# An idle worker's heartbeat (RQ's worker key TTL) at most this often, not at every look.
IDLE_HEARTBEAT_S = 1.0
# The worker's main process checks on the running job this often (RQ heartbeats, hard kill).
JOB_MONITORING_INTERVAL_S = 5
