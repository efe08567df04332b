"""The reaper: finds jobs rows that RQ lost and puts them back on the queue.

- A queued row whose RQ job is missing (Redis restarted empty, or the enqueue after commit failed)
  or already over (failed/stopped/cancelled), or whose RQ job was popped by a worker that then
  died, is re-dispatched.
- A running row whose heartbeat stopped (its worker was killed) is re-dispatched; the job function
  resumes from its last checkpoint. After JOBS_MAX_RECOVERIES crashes the job is failed instead.
- A cancel the running job did not honour within JOBS_CANCEL_GRACE_S is enforced with RQ's
  stop-job command.

Each re-dispatch gives the row a new token in one conditional UPDATE, so two reapers (the periodic
job and a worker's own check) cannot both requeue a row, and the lost RQ job, should it reappear,
is stale. Runs as the periodic job `jobs.reap` (workers/schedule.py) and inside every worker, at
start and every JOBS_REAP_INTERVAL_S.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from redis.exceptions import RedisError
from rq import Queue
from rq.command import send_stop_job_command
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus
from sqlalchemy import func, or_, select, update

from ...core.jobs import Dispatch, dispatch, setting, tenant_queue_name
from ...core.redis import get_redis
from ...core.tenancy import system_context
from ...extensions import db
from . import repository as repo
from .models import CANCELLED, FAILED, QUEUED, RUNNING

log = logging.getLogger(__name__)

LOCK_KEY = "uh:jobs:reaper"
ORPHAN_CHECK_AFTER_S = 600  # a queued RQ job not on its queue after this long was popped by a dead worker
LPOS_BUDGET = 20
_RQ_OVER = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED}
TOO_MANY_CRASHES = "任务多次意外中断，已停止自动重试。请重新发起，如仍失败请联系管理员"


def reap_if_due(interval_s: float | None = None) -> dict[str, int] | None:
    """Reap unless another process did within the interval (one reaper per interval cluster-wide)."""
    interval = interval_s if interval_s is not None else setting("JOBS_REAP_INTERVAL_S")
    try:
        if not get_redis().set(LOCK_KEY, "1", nx=True, px=max(1, int(interval * 1000))):
            return None
    except RedisError:
        return None
    return reap()


def reap(*, stale_after_s: float | None = None, queued_grace_s: float | None = None,
         limit: int = 1000) -> dict[str, int]:
    stale = setting("JOBS_STALE_AFTER_S") if stale_after_s is None else stale_after_s
    grace = setting("JOBS_QUEUED_GRACE_S") if queued_grace_s is None else queued_grace_s
    stats = {"requeued": 0, "failed": 0, "cancelled": 0, "stopped": 0}
    budget = [LPOS_BUDGET]
    with system_context("job reaper"):
        with db.engine.begin() as conn:
            rows = _candidates(conn, limit, stale, grace)
        for row in rows:
            try:
                with db.engine.begin() as conn:
                    dispatches = _reap_one(conn, row, stale, grace, stats, budget)
                dispatch(dispatches)
            except Exception:  # one bad row must not stop the others
                log.exception("reaper: job %s #%s", row["tenant_id"], row["id"])
    if any(stats.values()):
        log.info("reaper: %s", stats)
    return stats


def _candidates(conn: Any, limit: int, stale: float, grace: float) -> list[Mapping[str, Any]]:
    """Running rows whose heartbeat is stale or whose cancel is pending, and queued rows past the
    grace period (or cancelled), oldest first. Fresh rows are not even read."""
    T = repo.T
    age = lambda col: func.extract("epoch", func.now() - col)  # noqa: E731
    cols = [T, age(T.c.queued_at).label("queued_age"), age(T.c.heartbeat_at).label("heartbeat_age"),
            age(T.c.cancel_requested_at).label("cancel_age")]
    running = conn.execute(
        select(*cols).where(T.c.status == RUNNING, T.c.waiting.is_(False),
                            or_(T.c.heartbeat_at.is_(None), T.c.heartbeat_at < repo._ago(stale),
                                T.c.cancel_requested_at.is_not(None)))
        .order_by(T.c.heartbeat_at).limit(limit)
    ).mappings().all()
    queued = conn.execute(
        select(*cols).where(T.c.status == QUEUED,
                            or_(T.c.queued_at < repo._ago(grace), T.c.cancel_requested_at.is_not(None)))
        .order_by(T.c.queued_at).limit(limit)
    ).mappings().all()
    return [*running, *queued]


def _reap_one(conn: Any, row: Mapping[str, Any], stale: float, grace: float, stats: dict[str, int],
              budget: list[int]) -> list[Dispatch]:
    tenant_id, job_id, token = row["tenant_id"], row["id"], row["rq_job_id"]
    if row["status"] == QUEUED:
        if row["cancel_requested_at"] is not None and not row["attempts"]:  # never started (see repo.claim)
            moved, dispatches = repo.finish(conn, tenant_id, job_id, token, CANCELLED, from_statuses=(QUEUED,))
            stats["cancelled"] += int(moved)
            _cancel_rq(token)
            return dispatches
        if float(row["queued_age"]) < grace or not _rq_lost(row, stale, budget):
            return []
        return _count(recover(conn, row, f"RQ job {token} lost while queued"), stats)
    heartbeat_age = row["heartbeat_age"]
    dead = heartbeat_age is None or float(heartbeat_age) >= stale
    if dead and row["cancel_requested_at"] is not None:  # died while being cancelled: done
        moved, dispatches = repo.finish(conn, tenant_id, job_id, token, CANCELLED)
        stats["cancelled"] += int(moved)
        return dispatches
    if dead:
        return _count(recover(conn, row, f"no heartbeat for {heartbeat_age}s (worker {row['worker_name']})",
                              stale_s=stale), stats)
    if row["cancel_age"] is not None and float(row["cancel_age"]) >= setting("JOBS_CANCEL_GRACE_S"):
        try:
            send_stop_job_command(get_redis(), token)
            stats["stopped"] += 1
        except Exception:  # noqa: BLE001 - not running there any more; the heartbeat decides
            log.info("reaper: could not stop %s", token)
    return []


def _count(result: tuple[str, list[Dispatch]], stats: dict[str, int]) -> list[Dispatch]:
    outcome, dispatches = result
    if outcome:
        stats[outcome] += 1
    return dispatches


def _rq_lost(row: Mapping[str, Any], stale: float, budget: list[int]) -> bool:
    """Is the queued row's RQ job gone, over, or popped off its queue by a worker that died?"""
    redis = get_redis()
    try:
        rq_job = RQJob.fetch(row["rq_job_id"], connection=redis)
        status = rq_job.get_status(refresh=False)
    except NoSuchJobError:
        return True
    if status in _RQ_OVER:
        return True
    if float(row["queued_age"]) < stale:
        return False
    if status == JobStatus.STARTED:
        return True  # started by a worker long ago, yet never claimed the row: that worker died
    if status == JobStatus.QUEUED and float(row["queued_age"]) >= ORPHAN_CHECK_AFTER_S and budget[0] > 0:
        budget[0] -= 1  # LPOS scans the queue: a few per run (the case is a worker dying mid-pop)
        key = Queue(tenant_queue_name(row["queue"], row["tenant_id"]), connection=redis).key
        try:
            return redis.lpos(key, row["rq_job_id"]) is None  # popped by a worker that died at once
        except RedisError:
            return False
    return False


def _cancel_rq(token: str) -> None:
    with contextlib.suppress(Exception):  # gone already or not cancellable: the row decides
        RQJob.fetch(token, connection=get_redis()).cancel()


def recover(conn: Any, row: Mapping[str, Any], reason: str, *,
            stale_s: float | None = None) -> tuple[str, list[Dispatch]]:
    """Re-dispatch a row whose execution was lost (or fail it after too many crashes)."""
    tenant_id, job_id, token = row["tenant_id"], row["id"], row["rq_job_id"]
    if row["recoveries"] >= setting("JOBS_MAX_RECOVERIES"):
        moved, dispatches = repo.finish(conn, tenant_id, job_id, token, FAILED, from_statuses=(row["status"],),
                                        error=TOO_MANY_CRASHES, error_detail=reason)
        return ("failed" if moved else "", dispatches)
    if row["status"] == RUNNING and stale_s is not None:
        # Only if the heartbeat is still stale now (it may have just come back).
        still_dead = conn.execute(
            update(repo.T).where(repo.T.c.tenant_id == tenant_id, repo.T.c.id == job_id,
                                 repo.T.c.rq_job_id == token, repo.T.c.status == RUNNING,
                                 or_(repo.T.c.heartbeat_at.is_(None), repo.T.c.heartbeat_at < repo._ago(stale_s)))
            .values(updated_at=func.now())
        ).rowcount
        if not still_dead:
            return "", []
    item = repo.requeue(conn, row, from_status=row["status"], recovery=True)
    if item is None:
        return "", []
    log.warning("reaper: job %s #%s requeued as %s: %s", tenant_id, job_id, item.token, reason)
    return "requeued", [item]
