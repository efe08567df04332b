"""Job entry points of imports: the dry run and the commit of one batch, by ids (STYLE §6.5), and the
periodic clean-up of what abandoned runs left behind.

``start_job`` (core.jobs) calls the phases as ``fn(tenant_id, job_id, import_id)`` on the ``long``
queue. Each call runs one slice of the phase (``engine.run_slice``): a few seconds of work (the job
engine's ``JOBS_SLICE_S``), checkpointed chunk by chunk, then ``continue_later()`` puts the job at the
back of its tenant's queue so other counties' jobs get the worker. Killed at any point, the job is
re-dispatched by the reaper and resumes from its last checkpoint: every row is staged and written
exactly once. Progress (rows done / expected, over all passes) and cancellation go through the
running ``JobContext``.

Called outside a worker (no ``JobContext``), a phase runs to its end in the caller (``engine.run``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ....core import audit
from ....core import jobs as core_jobs
from ....core.jobs import JobError
from ....core.security import RequestContext
from ....core.tenancy import tenant_context
from ....extensions import db
from . import engine, files
from . import repository as sql
from .models import ImportBatch

log = logging.getLogger(__name__)


class JobSlicer:
    """``engine.Slicer`` over the running job's ``JobContext``."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.state: dict[str, Any] = dict(ctx.state or {})

    def checkpoint(self, state: dict[str, Any], done: int | None = None, total: int | None = None) -> None:
        self.ctx.checkpoint(state, done=done, total=total)
        self.state = dict(state)

    def should_yield(self) -> bool:
        return bool(self.ctx.should_yield())

    def cancelled(self) -> bool:
        return bool(self.ctx.cancelled())


def _job_context() -> Any:
    try:
        return core_jobs.JobContext.current()
    except RuntimeError:  # not inside a job (called directly, e.g. in tests)
        return None


def _run(tenant_id: int, import_id: int, phase: str) -> Any:
    jctx = _job_context()
    if jctx is None:
        return engine.run(tenant_id, import_id, phase)
    result = engine.run_slice(tenant_id, import_id, phase, JobSlicer(jctx))
    if result is None:
        return jctx.continue_later()
    if result.get("status") == "failed":  # the batch says why; the job fails with it (never retried)
        with tenant_context(tenant_id):
            batch = db.session.get(ImportBatch, (tenant_id, import_id))
            message = (batch.error_message if batch is not None else None) or engine.INTERNAL_ERROR
            db.session.rollback()
        raise JobError(message)
    return result


def dry_run_job(tenant_id: int, job_id: int, import_id: int) -> Any:
    return _run(tenant_id, import_id, "dry_run")


def commit_job(tenant_id: int, job_id: int, import_id: int) -> Any:
    return _run(tenant_id, import_id, "commit")


JOB_FUNCTIONS: dict[str, Callable[..., Any]] = {"dry_run": dry_run_job, "commit": commit_job}


def start(ctx: RequestContext, batch: ImportBatch, phase: str) -> int | None:
    """Start the phase as a background job, enqueued once the caller's transaction commits; return the
    job's id."""
    job = core_jobs.start_job(ctx, f"orgs.import_{batch.kind}_{phase}", JOB_FUNCTIONS[phase], batch.id,
                              queue=core_jobs.LONG)
    return int(job.id)


def run_now_if_no_engine(batch: ImportBatch, phase: str) -> None:
    job_id = batch.dry_run_job_id if phase == "dry_run" else batch.commit_job_id
    if job_id is None:
        engine.run(batch.tenant_id, batch.id, phase)


# ---- housekeeping ------------------------------------------------------------------------------------

ABANDONED = "后台处理意外中止（{reason}），本次导入未完成；请重新上传文件后再试"


def cleanup_imports(tenant_id: None = None, *, grace_s: int = 300) -> dict[str, int]:
    """Periodic (workers/schedule.py, system context): batches whose job ended without finishing them
    (failed for good after repeated crashes, cancelled while queued) are closed as failed/cancelled;
    staged rows, problems and pieces of batches that are not running any more are deleted; working
    directories unused for a day are removed from this machine."""
    closed = sql.close_abandoned_batches(db.session(), grace_s)
    for tid, batch_id, status, reason in closed:
        audit.record(None, "import.abandoned", "import_batch", batch_id, {"status": status, "reason": reason},
                     tenant_id=tid)
    db.session.commit()
    deleted = 0
    while True:
        n = sql.delete_abandoned_staging(db.session(), engine.staging_tables())
        db.session.commit()
        deleted += n
        if not n:
            break
    purged = files.purge_stale()
    if closed or deleted or purged:
        log.info("imports cleanup: %d batches closed, %d staged rows deleted, %d work dirs removed",
                 len(closed), deleted, purged)
    return {"closed": len(closed), "deleted": deleted, "purged": purged}
