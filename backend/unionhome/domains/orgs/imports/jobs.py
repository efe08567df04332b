"""Job entry points of imports: the dry run and the commit of one batch, by ids (STYLE §6.5).

``start_job`` (core.jobs) calls them as ``fn(tenant_id, job_id, import_id)`` on the ``long`` queue;
progress (rows read / rows in the sheet) and cancellation go through the running ``JobContext``.
Both are idempotent: ``engine.run`` leaves a batch alone once its phase is done, a run that dies
midway has written nothing (one transaction), and the commit upserts by natural key.

Without a job engine (``core.jobs.start_job`` missing) ``start`` returns None and the services run the
phase in-process right after the batch is committed (``run_now_if_no_engine``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....core import jobs as core_jobs
from ....core.security import RequestContext
from . import engine
from .models import ImportBatch


def _job_context() -> Any:
    job_context = getattr(core_jobs, "JobContext", None)
    if job_context is None:
        return None
    try:
        return job_context.current()
    except Exception:  # not inside a job (called directly, e.g. in tests)
        return None


def _run(tenant_id: int, import_id: int, phase: str) -> dict[str, Any]:
    jctx = _job_context()
    return engine.run(tenant_id, import_id, phase, progress=jctx.progress if jctx is not None else None,
                      cancelled=jctx.cancelled if jctx is not None else None)


def dry_run_job(tenant_id: int, job_id: int, import_id: int) -> dict[str, Any]:
    return _run(tenant_id, import_id, "dry_run")


def commit_job(tenant_id: int, job_id: int, import_id: int) -> dict[str, Any]:
    return _run(tenant_id, import_id, "commit")


JOB_FUNCTIONS: dict[str, Callable[..., dict[str, Any]]] = {"dry_run": dry_run_job, "commit": commit_job}


def start(ctx: RequestContext, batch: ImportBatch, phase: str) -> int | None:
    """Start the phase as a background job, enqueued once the caller's transaction commits; return the
    job's id (None when there is no job engine)."""
    start_job = getattr(core_jobs, "start_job", None)
    if start_job is None:
        return None
    job = start_job(ctx, f"orgs.import_{batch.kind}_{phase}", JOB_FUNCTIONS[phase], batch.id,
                    queue=getattr(core_jobs, "LONG", "long"))
    return int(job.id)


def run_now_if_no_engine(batch: ImportBatch, phase: str) -> None:
    job_id = batch.dry_run_job_id if phase == "dry_run" else batch.commit_job_id
    if job_id is None:
        engine.run(batch.tenant_id, batch.id, phase)
