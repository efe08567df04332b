"""The SQL of the job state machine. Every transition is one conditional UPDATE on the row's
dispatch token (`rq_job_id`) and status, so concurrent actors (two RQ copies of a job, the reaper,
a cancel) can never both win. Functions take the connection or session to run on; callers commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB

from ...core.jobs import Dispatch, dispatch_of, dispatch_token
from ...core.security import RequestContext
from .models import ACTIVE_STATUSES, CANCELLED, FAILED, QUEUED, RUNNING, SUCCEEDED, Job

T = Job.__table__


def _key(tenant_id: int, job_id: int) -> Any:
    return and_(T.c.tenant_id == tenant_id, T.c.id == job_id)


def _ago(seconds: float) -> Any:
    return func.now() - bindparam(None, timedelta(seconds=seconds))


# ---------------------------------------------------------------------------------------------
# API reads


def visible_jobs(ctx: RequestContext) -> Select[Any]:
    """The jobs a user may see: with `jobs.read` those of the tenant inside the user's org subtree,
    otherwise only the user's own."""
    stmt = select(Job).where(Job.tenant_id == ctx.require_tenant())
    mine = Job.started_by == ctx.user_id
    if not ctx.can("jobs.read"):
        return stmt.where(mine)
    if not ctx.scope_is_root and ctx.scope_path:
        # Paths hold only digits and slashes, so LIKE needs no escaping.
        stmt = stmt.where(or_(mine, Job.scope_path.like(f"{ctx.scope_path}%")))
    return stmt


# ---------------------------------------------------------------------------------------------
# Execution


def claim(conn: Any, tenant_id: int, job_id: int, token: str, worker: str | None, stale_s: float) -> Any:
    """Take the row for this RQ job: only if the token is current and the row is queued, or running
    with a dead heartbeat (the same RQ job rerun after its worker died). Returns the row or None.
    A cancelled row is taken only if it has run before (queued between slices or for a retry): the
    job function then sees `ctx.cancelled()` and stops its own way; a never-started one is not run."""
    return conn.execute(
        update(T).where(
            _key(tenant_id, job_id), T.c.rq_job_id == token, or_(T.c.cancel_requested_at.is_(None), T.c.attempts > 0),
            or_(T.c.status == QUEUED, and_(T.c.status == RUNNING, T.c.heartbeat_at < _ago(stale_s))),
        ).values(status=RUNNING, attempts=T.c.attempts + 1, started_at=func.coalesce(T.c.started_at, func.now()),
                 heartbeat_at=func.now(), worker_name=worker, updated_at=func.now())
        .returning(*T.c)
    ).mappings().one_or_none()


def heartbeat(conn: Any, tenant_id: int, job_id: int, token: str) -> tuple[bool, bool]:
    """(still ours, cancel requested)."""
    row = conn.execute(
        update(T).where(_key(tenant_id, job_id), T.c.rq_job_id == token, T.c.status == RUNNING)
        .values(heartbeat_at=func.now()).returning(T.c.cancel_requested_at)
    ).one_or_none()
    return (row is not None, row is not None and row[0] is not None)


def cancel_requested(conn: Any, tenant_id: int, job_id: int, token: str) -> tuple[bool, bool]:
    row = conn.execute(
        select(T.c.rq_job_id, T.c.status, T.c.cancel_requested_at).where(_key(tenant_id, job_id))
    ).one_or_none()
    ours = row is not None and row[0] == token and row[1] == RUNNING
    return ours, row is not None and row[2] is not None


def counts_plus(deltas: Mapping[str, int]) -> Any:
    expr: Any = T.c.counts
    for key, value in deltas.items():
        current = func.coalesce(T.c.counts[key].astext.cast(BigInteger), 0)
        expr = expr.op("||")(func.jsonb_build_object(key, current + int(value)))
    return expr


def update_running(conn: Any, tenant_id: int, job_id: int, token: str, **values: Any) -> bool:
    """Update a running row this execution owns; False if it no longer does."""
    values.setdefault("heartbeat_at", func.now())
    values["updated_at"] = func.now()
    result = conn.execute(
        update(T).where(_key(tenant_id, job_id), T.c.rq_job_id == token, T.c.status == RUNNING).values(**values)
    )
    return bool(result.rowcount)


def jsonb(value: Any) -> Any:
    return bindparam(None, value, type_=JSONB)


def requeue(conn: Any, row: Mapping[str, Any], *, from_status: str, recovery: bool, state: Any = None,
            set_state: bool = False, error_detail: str | None = None) -> Dispatch | None:
    """Give the row a new dispatch token and status queued (continuation, recovery). The old RQ job,
    if it still exists anywhere, is now stale. Returns the dispatch to do after commit."""
    seq = int(row["dispatch_seq"]) + 1
    token = dispatch_token(row["tenant_id"], row["id"], seq)
    values: dict[str, Any] = dict(status=QUEUED, rq_job_id=token, dispatch_seq=seq, queued_at=func.now(),
                                  worker_name=None, updated_at=func.now())
    if recovery:
        values["recoveries"] = T.c.recoveries + 1
    if set_state:
        values["state"] = jsonb(state)
    if error_detail is not None:
        values["error_detail"] = error_detail
    new = conn.execute(
        update(T).where(_key(row["tenant_id"], row["id"]), T.c.rq_job_id == row["rq_job_id"],
                        T.c.status == from_status).values(**values).returning(*T.c)
    ).mappings().one_or_none()
    return dispatch_of(dict(new)) if new is not None else None


def finish(conn: Any, tenant_id: int, job_id: int, token: str | None, status: str, *,
           from_statuses: tuple[str, ...] = (RUNNING,), **values: Any) -> tuple[bool, list[Dispatch]]:
    """Move the row (if still this token's and in `from_statuses`) to a final status, then account
    for it in its parent. Returns (moved, dispatches to do after commit)."""
    cond = [_key(tenant_id, job_id), T.c.status.in_(from_statuses)]
    if token is not None:
        cond.append(T.c.rq_job_id == token)
    values.update(status=status, finished_at=func.now(), waiting=False, updated_at=func.now())
    row = conn.execute(update(T).where(*cond).values(**values).returning(*T.c)).mappings().one_or_none()
    if row is None:
        return False, []
    dispatches: list[Dispatch] = []
    if row["parent_id"] is not None:
        dispatches += child_finished(conn, tenant_id, row["parent_id"], status, row["counts"] or {}, row["error"])
    return True, dispatches


def child_finished(conn: Any, tenant_id: int, parent_id: int, status: str, counts: Mapping[str, Any],
                   error: str | None) -> list[Dispatch]:
    """A chunk reached a final status: count it in the parent (in the chunk's own transaction, so
    exactly once), add its counts, and when it was the last one finish or resume the parent."""
    parent = conn.execute(select(T).where(_key(tenant_id, parent_id)).with_for_update()).mappings().one_or_none()
    if parent is None or parent["status"] not in ACTIVE_STATUSES:
        return []
    ok = status == SUCCEEDED
    done, failed = parent["chunks_done"] + int(ok), parent["chunks_failed"] + int(not ok)
    values: dict[str, Any] = dict(chunks_done=done, chunks_failed=failed, heartbeat_at=func.now(),
                                  updated_at=func.now())
    if not parent["progress_items"]:  # else its chunks add the items they did (`add_parent_progress`)
        values["progress_done"] = done + failed
    if ok and counts:
        values["counts"] = jsonb(merge_counts(parent["counts"] or {}, counts))
    if not ok and error and not parent["error"]:
        values["error"] = error[:900]
    if done + failed < parent["chunks_total"] or not parent["waiting"]:
        conn.execute(update(T).where(_key(tenant_id, parent_id)).values(**values))
        return []
    # The last chunk: the parent is complete.
    if parent["cancel_requested_at"] is not None:
        final = CANCELLED
    elif parent["resume_after_chunks"]:
        conn.execute(update(T).where(_key(tenant_id, parent_id)).values(waiting=False, **values))
        item = requeue(conn, {**parent, "status": RUNNING}, from_status=RUNNING, recovery=False)
        return [item] if item else []
    else:
        final = FAILED if failed else SUCCEEDED
    if final == FAILED:
        first = values.get("error") or parent["error"] or ""
        values["error"] = f"共 {failed} 个分片失败" + (f"：{first}" if first else "")
    _, more = finish(conn, tenant_id, parent_id, None, final, **values)
    return more


def merge_counts(base: Mapping[str, Any], add: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in add.items():
        old = merged.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and isinstance(old, int | float | None):
            merged[key] = (old or 0) + value
        else:
            merged[key] = value
    return merged


# ---------------------------------------------------------------------------------------------
# Cancel


def request_cancel(conn: Any, tenant_id: int, job_id: int) -> None:
    """Flag the job and its unfinished chunks (and theirs). Deepest first: a finishing chunk locks
    itself and then its parent, so taking the locks in the same order cannot deadlock with it."""
    levels = [[job_id]]
    while levels[-1]:
        levels.append(list(conn.execute(
            select(T.c.id).where(T.c.tenant_id == tenant_id, T.c.parent_id.in_(levels[-1]),
                                 T.c.status.in_(ACTIVE_STATUSES))
        ).scalars()))
    for ids in reversed(levels):
        if ids:
            conn.execute(update(T).where(T.c.tenant_id == tenant_id, T.c.id.in_(ids),
                                         T.c.status.in_(ACTIVE_STATUSES), T.c.cancel_requested_at.is_(None))
                         .values(cancel_requested_at=func.now(), updated_at=func.now()))
