"""Enqueueing background jobs: queue names by latency class, explicit timeouts, tenant in job meta.

Services call `after_commit(lambda: enqueue(...))` so a job never sees uncommitted data. The API
never imports `workers/`; job functions live in each domain's `jobs.py` and take ids, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rq import Queue, Retry

from .redis import get_redis

HIGH, DEFAULT, LONG = "high", "default", "long"
QUEUES = (HIGH, DEFAULT, LONG)
DEFAULT_TIMEOUTS = {HIGH: 60, DEFAULT: 600, LONG: 3600}
FAILURE_TTL = 7 * 24 * 3600
RESULT_TTL = 24 * 3600


def queue(name: str) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name}")
    return Queue(name, connection=get_redis())


def enqueue(fn: Callable[..., Any], *args: Any, queue_name: str = DEFAULT, tenant_id: int | None,
            actor_id: int | None = None, timeout: int | None = None, retry: Retry | None = None,
            job_id: str | None = None) -> Any:
    """Enqueue `fn(tenant_id, *args)`. A job's first argument is always its tenant id (None for
    platform jobs), recorded in `job.meta` together with the actor."""
    return queue(queue_name).enqueue(
        fn, tenant_id, *args,
        job_timeout=timeout or DEFAULT_TIMEOUTS[queue_name], result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
        retry=retry, job_id=job_id, meta={"tenant_id": tenant_id, "actor_id": actor_id},
    )
