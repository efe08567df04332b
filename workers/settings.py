"""Which queues a worker serves, most urgent first (latency classes; each class's per-tenant
sub-queues `<class>:t<tenant_id>` are discovered at run time). `WORKER_QUEUES=high,default` or
`python -m workers.worker --queues high,default` to specialise a worker."""

from __future__ import annotations

import os

from unionhome.core.jobs import QUEUES

WORKER_QUEUES = [q for q in os.environ.get("WORKER_QUEUES", ",".join(QUEUES)).split(",") if q]
HEARTBEAT_MAX_AGE_S = 60
# How long an idle worker blocks on its known queues before it looks for new tenant sub-queues: the
# longest a county's first job waits for an idle worker (a look is one SMEMBERS; 1 s is the BLPOP minimum).
DISCOVERY_INTERVAL_S = 1
# The worker's main process checks on the running job this often (RQ heartbeats, hard kill).
JOB_MONITORING_INTERVAL_S = 5
