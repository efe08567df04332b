"""The RQ entrypoint for every jobs row: claim the row, run the job function, record the outcome.

RQ runs `run(tenant_id, job_id)` (the worker has already set the tenant context from `job.meta`).
The RQ job's id is the row's dispatch token: if the row has moved on (re-dispatched, finished,
cancelled), the RQ job is stale and does nothing.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

from rq import get_current_job
from rq.timeouts import JobTimeoutException
from rq.utils import import_attribute
from sqlalchemy import case, func, select, update

from ...core.db import after_commit
from ...core.errors import DomainError
from ...core.jobs import Dispatch, JobCancelled, JobError, JobSuperseded, dispatch, setting
from ...core.tenancy import tenant_context
from ...extensions import db
from . import repository as repo
from .context import Continue, JobContext, WaitForChunks
from .models import CANCELLED, FAILED, QUEUED, RUNNING, SUCCEEDED

log = logging.getLogger(__name__)


def run(tenant_id: int, job_id: int) -> str:
    rq_job = get_current_job()
    if rq_job is None:
        raise RuntimeError("jobs run only in an RQ worker")
    token = rq_job.id
    with tenant_context(tenant_id):
        with db.engine.begin() as conn:
            row = repo.claim(conn, tenant_id, job_id, token, rq_job.worker_name, setting("JOBS_STALE_AFTER_S"))
            dispatches = [] if row is not None else _not_claimed(conn, tenant_id, job_id, token)
        dispatch(dispatches)
        if row is None:
            log.info("job %s #%s: dispatch %s is stale, skipped", tenant_id, job_id, token)
            return "skipped"
        return _execute(row, token, rq_job)


def _not_claimed(conn: Any, tenant_id: int, job_id: int, token: str) -> list[Dispatch]:
    """A job cancelled while it waited in the queue ends here, before it ever starts."""
    row = conn.execute(select(repo.T.c.status, repo.T.c.rq_job_id, repo.T.c.cancel_requested_at)
                       .where(repo.T.c.tenant_id == tenant_id, repo.T.c.id == job_id)).one_or_none()
    if row is not None and row[0] == QUEUED and row[1] == token and row[2] is not None:
        return repo.finish(conn, tenant_id, job_id, token, CANCELLED, from_statuses=(QUEUED,))[1]
    return []


def _execute(row: Mapping[str, Any], token: str, rq_job: Any) -> str:
    tenant_id, job_id = int(row["tenant_id"]), int(row["id"])
    ctx = JobContext(row, token)
    ctx.start()
    try:
        fn = import_attribute(row["func"])
        outcome = fn(tenant_id, job_id, *(row["args"] or []))
        ctx.flush_progress()
        return _complete(ctx, row, outcome)
    except JobCancelled:
        db.session.rollback()
        _final(tenant_id, job_id, token, CANCELLED)
        return "cancelled"
    except JobSuperseded:
        db.session.rollback()
        log.warning("job %s #%s: dispatch %s was superseded, stopped", tenant_id, job_id, token)
        return "superseded"
    except Exception as exc:
        db.session.rollback()
        _failed(row, token, rq_job, exc)
        raise
    finally:
        ctx.stop()


def _complete(ctx: JobContext, row: Mapping[str, Any], outcome: Any) -> str:
    """Record the outcome in the job's own transaction, so its pending work commits with it."""
    tenant_id, job_id, token = ctx.tenant_id, ctx.job_id, ctx.token
    if isinstance(outcome, WaitForChunks):
        return "waiting"  # spawn_chunks committed; the last chunk finishes (or resumes) this job
    if isinstance(outcome, Continue):
        state = outcome.state if outcome.state is not None else ctx.state
        item = repo.requeue(db.session, {**row, "rq_job_id": token}, from_status=RUNNING, recovery=False,
                            state=state, set_state=True)
        if item is None:
            db.session.rollback()
            return "superseded"
        after_commit(lambda: dispatch([item]))
        db.session.commit()
        return "continued"
    result = dict(outcome) if isinstance(outcome, Mapping) else ctx.result
    status = CANCELLED if ctx.cancel_seen else SUCCEEDED
    values: dict[str, Any] = {}
    if result is not None:
        values["result"] = repo.jsonb(result)
    if status == SUCCEEDED:
        values["progress_done"] = case((repo.T.c.progress_total.is_not(None), repo.T.c.progress_total),
                                       else_=repo.T.c.progress_done)
    moved, dispatches = repo.finish(db.session, tenant_id, job_id, token, status, **values)
    if not moved:
        db.session.rollback()
        return "superseded"
    if dispatches:
        after_commit(lambda: dispatch(dispatches))
    db.session.commit()
    return status


def describe(exc: BaseException, job_id: int, timeout_s: int) -> tuple[str, bool]:
    """(message for users, retryable)."""
    if isinstance(exc, JobError | DomainError):
        return exc.message, False
    if isinstance(exc, JobTimeoutException):
        return f"任务超时：超过 {timeout_s} 秒仍未完成，已终止。请缩小数据范围后重试，或联系管理员", False
    return f"任务执行出错（任务编号 {job_id}），请稍后重试；如仍失败请联系管理员", True


def _failed(row: Mapping[str, Any], token: str, rq_job: Any, exc: Exception) -> None:
    tenant_id, job_id = int(row["tenant_id"]), int(row["id"])
    message, retryable = describe(exc, job_id, int(row["timeout_s"]))
    detail = traceback.format_exc()[-8000:]
    dispatches: list[Dispatch] = []
    with tenant_context(tenant_id), db.engine.begin() as conn:
        if retryable and (rq_job.retries_left or 0) > 0 and row["retries"] < row["max_retries"]:
            # RQ retries this RQ job (same token) after its back-off interval.
            conn.execute(update(repo.T).where(repo.T.c.tenant_id == tenant_id, repo.T.c.id == job_id,
                                              repo.T.c.rq_job_id == token, repo.T.c.status == RUNNING)
                         .values(status=QUEUED, retries=repo.T.c.retries + 1, error_detail=detail,
                                 queued_at=func.now(), worker_name=None, updated_at=func.now()))
        else:
            rq_job.retries_left = 0  # failed for good: RQ must not retry it either
            _, dispatches = repo.finish(conn, tenant_id, job_id, token, FAILED, error=message[:1000],
                                        error_detail=detail)
    dispatch(dispatches)


def _final(tenant_id: int, job_id: int, token: str, status: str, **values: Any) -> bool:
    with tenant_context(tenant_id), db.engine.begin() as conn:
        moved, dispatches = repo.finish(conn, tenant_id, job_id, token, status, **values)
    dispatch(dispatches)
    return moved


# ---------------------------------------------------------------------------------------------
# Called by the worker's main process when a job's process ended abnormally


def horse_died(tenant_id: int, job_id: int, token: str, *, timed_out: bool, timeout_s: int, detail: str) -> None:
    """The job's process was killed: past its timeout (fail it), or by something else such as the
    OOM killer (requeue it, like the reaper would, but at once)."""
    from .reaper import recover

    if timed_out:
        message = describe(JobTimeoutException(), job_id, timeout_s)[0]
        _final(tenant_id, job_id, token, FAILED, error=message, error_detail=detail)
        return
    with tenant_context(tenant_id), db.engine.begin() as conn:
        row = conn.execute(select(repo.T).where(repo.T.c.tenant_id == tenant_id, repo.T.c.id == job_id,
                                                repo.T.c.rq_job_id == token, repo.T.c.status == RUNNING)
                           ).mappings().one_or_none()
        dispatches = recover(conn, dict(row), detail)[1] if row is not None else []
    dispatch(dispatches)


def stopped(tenant_id: int, job_id: int, token: str) -> None:
    """The job's process was stopped on request (a cancel that the job did not honour in time)."""
    if _final(tenant_id, job_id, token, CANCELLED):
        log.info("job %s #%s: stopped after a cancel request", tenant_id, job_id)
