"""Use cases of the jobs API: list, read and cancel the jobs a user may see."""

from __future__ import annotations

import contextlib
from typing import Any

from rq.job import Job as RQJob
from sqlalchemy import Select, select

from ...core import audit
from ...core.db import after_commit, transaction
from ...core.errors import InvalidState, NotFound, PermissionDenied
from ...core.jobs import Dispatch, dispatch
from ...core.redis import get_redis
from ...core.security import RequestContext
from ...extensions import db
from ..auth.names import display_names
from . import repository as repo
from .models import CANCELLED, FINAL_STATUSES, QUEUED, STATUS_LABELS, Job

NOT_FOUND = "任务不存在"


def list_jobs_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    stmt = repo.visible_jobs(ctx)
    parent_id = args.get("parent_id")
    stmt = stmt.where(Job.parent_id == parent_id) if parent_id else stmt.where(Job.parent_id.is_(None))
    if args.get("status"):
        stmt = stmt.where(Job.status == args["status"])
    kind = args.get("kind")
    if kind:
        stmt = stmt.where(Job.kind.startswith(kind, autoescape=True) if kind.endswith(".") else Job.kind == kind)
    if args.get("mine"):
        stmt = stmt.where(Job.started_by == ctx.user_id)
    return stmt.order_by(Job.id.desc())


def get_job(ctx: RequestContext, job_id: int) -> Job:
    """A job the user may see; anything else (missing, another tenant's, not visible) is 404."""
    job = db.session.execute(repo.visible_jobs(ctx).where(Job.id == job_id)).scalar_one_or_none()
    if job is None:
        raise NotFound(NOT_FOUND)
    return job


def can_cancel(ctx: RequestContext, job: Job) -> bool:
    return job.started_by == ctx.user_id or (ctx.can("jobs.read") and ctx.scope_is_root)


def cancel_job(ctx: RequestContext, job_id: int) -> Job:
    """Ask a job (and its chunks) to stop. Queued parts are cancelled at once; a running job stops at
    its next `ctx.cancelled()` check, and is stopped by force if it has not within a grace period."""
    job = get_job(ctx, job_id)
    if not can_cancel(ctx, job):
        raise PermissionDenied("只能取消自己发起的任务")
    if job.status in FINAL_STATUSES:
        raise InvalidState("任务已结束，无法取消")
    tenant_id = ctx.require_tenant()
    tokens: list[str] = []
    dispatches: list[Dispatch] = []
    with transaction():
        repo.request_cancel(db.session, tenant_id, job_id)
        for jid, token in _queued_family(tenant_id, job_id):
            moved, more = repo.finish(db.session, tenant_id, jid, token, CANCELLED, from_statuses=(QUEUED,))
            dispatches += more
            if moved and token:
                tokens.append(token)
        audit.record(ctx, "job.cancel", "job", job_id, {"kind": job.kind, "status": job.status})
        after_commit(lambda: _after_cancel(tokens, dispatches))
    db.session.refresh(job)
    return job


def _queued_family(tenant_id: int, job_id: int) -> list[tuple[int, str | None]]:
    """The job and its descendants that are still queued (never started)."""
    found: list[tuple[int, str | None]] = []
    ids = [job_id]
    first = True
    while ids:
        col = repo.T.c.id if first else repo.T.c.parent_id
        rows = db.session.execute(
            select(repo.T.c.id, repo.T.c.rq_job_id, repo.T.c.status, repo.T.c.attempts)
            .where(repo.T.c.tenant_id == tenant_id, col.in_(ids))
        ).all()
        # Queued between two slices (or for a retry), a job has started: it runs once more, sees the
        # cancel and stops its own way (e.g. deletes what it staged); only never-started ones end here.
        found += [(r[0], r[1]) for r in rows if r[2] == QUEUED and not r[3]]
        ids = [r[0] for r in rows if r[2] not in FINAL_STATUSES]
        first = False
    return found


def _after_cancel(tokens: list[str], dispatches: list[Dispatch]) -> None:
    redis = get_redis()
    for token in tokens:  # take them off the queues (a stale one would be skipped anyway)
        with contextlib.suppress(Exception):  # already gone
            RQJob.fetch(token, connection=redis).cancel()
    dispatch(dispatches)


def job_views(ctx: RequestContext, jobs: list[Job]) -> list[dict[str, Any]]:
    names = display_names(j.started_by for j in jobs)
    return [job_view(ctx, j, names) for j in jobs]


def job_view(ctx: RequestContext, job: Job, names: dict[int, str] | None = None) -> dict[str, Any]:
    if names is None:
        names = display_names([job.started_by])
    data = {c: getattr(job, c) for c in (
        "id", "kind", "queue", "status", "parent_id", "started_by", "progress_done", "progress_total", "counts",
        "result", "error", "attempts", "retries", "max_retries", "recoveries", "chunks_total", "chunks_done",
        "chunks_failed", "created_at", "started_at", "heartbeat_at", "finished_at")}
    data["status_label"] = STATUS_LABELS.get(job.status, job.status)
    data["started_by_name"] = names.get(job.started_by) if job.started_by is not None else None
    total = job.progress_total
    data["progress_percent"] = round(100.0 * min(job.progress_done, total) / total, 1) if total else None
    data["cancel_requested"] = job.cancel_requested_at is not None
    data["error_detail"] = job.error_detail if ctx.is_platform_admin else None
    return data
