"""Notices and payment batches whose lines are written by a background job.

A county notice or bank batch takes every approved line of the county (300,000 at scale): writing its
rows took 4 s (notice) and 10 s (batch) inside the request. So the request checks what it can check
cheaply (permissions, the campaign's state, explicit lines, that there is anything to take at all),
records the notice / batch as `preparing` with its job, and answers 202; the job (queue `default`)
then does the work in ONE transaction under the campaign's lock, as the request did:

* nothing is half-applied: the lines, totals, audit record and the `preparing → draft / exported`
  move commit together, or the job's transaction rolls back and the object is marked `failed` with
  the reason (a Chinese message) and holds no line;
* idempotent: the job does nothing unless its object is still `preparing` (a re-dispatch after a
  crash redoes the whole transaction, which never committed);
* one preparation per campaign and kind at a time (a second request is a 409), and the database's
  guarantees (one notice per line, one live payment per line) still hold whatever happens.

A `preparing` object whose job ended without saying so (its worker died for good) is marked failed
when it is next read, like the exports (`exports._job_gone`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ....core.db import transaction
from ....core.errors import Conflict, DomainError
from ....core.jobs import DEFAULT, JobCancelled, JobError, start_job
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id, tenant_context
from ....extensions import db
from ..workflow_models import CondolenceNotice, CondolencePaymentBatch
from .scope import get_campaign

PREPARING, FAILED = "preparing", "failed"
TIMEOUT_S = 900
Prepared = CondolenceNotice | CondolencePaymentBatch
Progress = Callable[[int], None]
STEPS = 3  # progress in steps: locked and checked, lines written, totals and audit


def job_gone(obj: Prepared) -> bool:
    """A `preparing` object whose job has ended (failed for good, cancelled before it ran) without
    marking it: mark it failed now. The caller commits."""
    from ...jobs.models import Job

    if obj.status != PREPARING or obj.job_id is None:
        return False
    job = db.session.get(Job, (obj.tenant_id, obj.job_id))
    if job is not None and job.status in ("queued", "running"):
        return False
    obj.status = FAILED
    obj.error = (job.error if job is not None and job.error else "生成任务已中断，未生成任何内容，请重新生成")[:500]
    return True


def settle_if_gone(obj: Prepared) -> None:
    """On reading: a stale `preparing` object becomes `failed` (committed at once)."""
    if obj.status == PREPARING and obj.job_id is not None:
        with transaction():
            job_gone(obj)


def refuse_busy(model: type[Prepared], campaign_id: int, what: str) -> None:
    """One preparation per campaign and kind at a time (call with the campaign locked)."""
    busy: list[Any] = list(db.session.execute(select(model).where(model.tenant_id == current_tenant_id(),
                                                  model.campaign_id == campaign_id, model.status == PREPARING)
                              .with_for_update()).scalars())
    if any(not job_gone(o) for o in busy):
        raise Conflict(f"本活动有{what}正在生成，请等它生成完成后再试")


def start(ctx: RequestContext, kind: str, fn: Callable[..., Any], obj: Prepared, params: dict[str, Any]) -> None:
    """Start the job that fills `obj` (inside the request's transaction: enqueued after commit)."""
    job = start_job(ctx, kind, fn, int(obj.id), params, ctx.as_actor(), queue=DEFAULT, timeout=TIMEOUT_S,
                    total=STEPS)
    obj.job_id = job.id


def _job_context() -> Any:
    from ...jobs.context import JobContext

    try:
        return JobContext.current()
    except RuntimeError:
        return None


def run(tenant_id: int, model: type[Prepared], obj_id: int, actor: dict[str, Any],
        work: Callable[[RequestContext, Any, Progress], dict[str, Any]]) -> dict[str, Any]:
    """The body of both jobs: lock the campaign, then the object; `work` fills it in the same
    transaction. Any failure rolls all of it back and marks the object failed with the reason."""
    jctx = _job_context()

    def progress(done: int) -> None:
        if jctx is not None:
            jctx.progress(done, STEPS)
            jctx.raise_if_cancelled()

    with tenant_context(tenant_id):
        ctx = RequestContext.from_actor(actor, tenant_id)
        try:
            with transaction():
                campaign_id = db.session.execute(select(model.campaign_id).where(
                    model.tenant_id == tenant_id, model.id == obj_id)).scalar_one_or_none()
                if campaign_id is None:
                    return {"skipped": True, "reason": "gone"}
                get_campaign(ctx, campaign_id, lock=True)
                obj: Any = db.session.execute(select(model).where(model.tenant_id == tenant_id, model.id == obj_id)
                                         .with_for_update()).scalar_one_or_none()
                if obj is None or obj.status != PREPARING:
                    return {"skipped": True, "reason": "done" if obj is not None else "gone"}
                progress(1)
                return work(ctx, obj, progress)
        except JobCancelled:
            _fail(tenant_id, model, obj_id, "已取消生成，未生成任何内容")
            raise
        except DomainError as err:
            _fail(tenant_id, model, obj_id, err.message)
            raise JobError(err.message) from None
        except JobError as err:
            _fail(tenant_id, model, obj_id, err.message)
            raise
        except Exception:
            _fail(tenant_id, model, obj_id, "生成时出错，未生成任何内容，请稍后重新生成；如仍失败请联系管理员")
            raise


def _fail(tenant_id: int, model: type[Prepared], obj_id: int, message: str) -> None:
    with transaction():
        obj: Any = db.session.execute(select(model).where(model.tenant_id == tenant_id, model.id == obj_id)
                                      .with_for_update()).scalar_one_or_none()
        if obj is not None and obj.status == PREPARING:
            obj.status, obj.error = FAILED, message[:500]
