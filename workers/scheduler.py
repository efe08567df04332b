"""The scheduler process: enqueues each periodic job of `schedule.PERIODIC_JOBS` when it is due.

State lives in Redis under the job's stable id (`uh:schedule:<id>` = next due time), and the
due check-and-set is atomic (SET NX on a per-slot key), so restarts or a second scheduler never
enqueue the same run twice. Run: `python -m workers.scheduler`.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from rq import Queue

from unionhome import create_app
from unionhome.core.jobs import FAILURE_TTL, RESULT_TTL
from unionhome.core.redis import get_redis

from .schedule import PERIODIC_JOBS, PeriodicJob

log = logging.getLogger(__name__)


def run_due(redis: Any, now: float, jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS) -> list[str]:
    """Enqueue every job whose slot `floor(now / interval)` has not been claimed yet."""
    enqueued = []
    for job in jobs:
        slot = int(now // job.interval_s)
        claim_key = f"uh:schedule:{job.id}:{slot}"
        if redis.set(claim_key, "1", nx=True, ex=job.interval_s * 2):
            Queue(job.queue, connection=redis).enqueue(
                job.func, None, job_id=f"periodic-{job.id.replace('.', '_')}-{slot}", job_timeout=job.timeout_s,
                result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, meta={"tenant_id": None, "periodic": job.id},
            )
            enqueued.append(job.id)
    return enqueued


def main() -> None:
    app = create_app()
    stop = False

    def _stop(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with app.app_context():
        redis = get_redis()
        log.info("scheduler started with %d periodic jobs", len(PERIODIC_JOBS))
        while not stop:
            for job_id in run_due(redis, time.time()):
                log.info("enqueued periodic job %s", job_id)
            time.sleep(5)


if __name__ == "__main__":
    main()
