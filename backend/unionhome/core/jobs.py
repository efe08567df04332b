"""Background jobs: the API services use to start them (DESIGN "Background jobs", STYLE §6.5).

    job = start_job(ctx, "orgs.import_members", import_members, upload_id, queue=LONG, total=n_rows)

inserts a `jobs` row in the current transaction and enqueues it on RQ only after that transaction
commits (`after_commit`). The job function runs later in a worker as `fn(tenant_id, job_id, *args)`
(ids and plain values only, never ORM objects), inside its tenant's context, and reports through
`JobContext.current()`: progress, counts, cancellation, checkpoints (see `domains/jobs/context.py`).

Queues are latency classes (`high`, `default`, `long`). Every tenant gets its own sub-queue per class
(`long:t42`); workers discover them and serve the tenants of a class in rotation, so one county's
10,000 queued chunks delay another county's job by about one chunk, not by 10,000 (fairness). Big
jobs therefore work in slices: `ctx.continue_later(state)` or `ctx.spawn_chunks(...)`.

The row, not RQ, is the source of truth: a reaper (`domains/jobs/reaper.py`) re-dispatches rows whose
RQ job vanished or whose worker died, and the dispatch token in the row makes sure only one RQ job
runs a row at a time and that a finished job never runs again.

`enqueue()` is the low-level call for internal fire-and-forget work without a jobs row (periodic
housekeeping); product features use `start_job`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .db import after_commit
from .redis import get_redis
from .tenancy import current_tenant_id_or_none

if TYPE_CHECKING:
    from ..domains.jobs.context import JobContext
    from ..domains.jobs.models import Job

log = logging.getLogger(__name__)

HIGH, DEFAULT, LONG = "high", "default", "long"
QUEUES = (HIGH, DEFAULT, LONG)  # most urgent first
DEFAULT_TIMEOUTS = {HIGH: 60, DEFAULT: 600, LONG: 3600}
FAILURE_TTL = 7 * 24 * 3600  # failed RQ jobs are kept 7 days
RESULT_TTL = 24 * 3600
RETRY_INTERVALS = (10, 30, 60)  # back-off for `retry=n`
RUNNER = "unionhome.domains.jobs.runner.run"  # the RQ entrypoint for every jobs row

# Tunables, overridable in the app config (e.g. APP_JOBS_STALE_AFTER_S=120).
SETTINGS: dict[str, float] = {
    "JOBS_HEARTBEAT_S": 10,  # a running job's row gets a heartbeat this often (from a thread)
    "JOBS_STALE_AFTER_S": 60,  # no heartbeat for this long: its worker is presumed dead
    "JOBS_QUEUED_GRACE_S": 30,  # a queued row whose RQ job is missing is re-dispatched after this
    "JOBS_REAP_INTERVAL_S": 30,  # how often workers run the reaper
    "JOBS_SLICE_S": 5,  # `ctx.should_yield()` turns true after this long: hand the worker on
    "JOBS_PROGRESS_INTERVAL_S": 0.5,  # progress writes are throttled to this
    "JOBS_HARD_KILL_GRACE_S": 15,  # past its timeout + this, the worker kills a job's process
    "JOBS_CANCEL_GRACE_S": 30,  # a cancel not honoured within this is enforced with a stop command
    "JOBS_MAX_RECOVERIES": 5,  # re-dispatches after crashes before a job is failed for good
}


def setting(name: str) -> float:
    return float(current_app.config.get(name, SETTINGS[name]))


class JobError(Exception):
    """Raise in a job function to fail the job with a message for users (Chinese). Never retried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JobCancelled(Exception):  # noqa: N818 - it is a signal, not an error
    """Raised by `ctx.raise_if_cancelled()`: the job stops and is marked cancelled."""


class JobSuperseded(Exception):  # noqa: N818
    """This execution no longer owns its jobs row (re-dispatched elsewhere): stop without writing."""


# ---------------------------------------------------------------------------------------------
# Queue names: one sub-queue per tenant and latency class

_TENANT_QUEUE = re.compile(r"^(high|default|long):t(\d+)$")


def tenant_queue_name(queue: str, tenant_id: int | None) -> str:
    """`long` + tenant 42 → `long:t42`; platform jobs (no tenant) use the class queue itself."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue}")
    return queue if tenant_id is None else f"{queue}:t{int(tenant_id)}"


def parse_queue_name(name: str) -> tuple[str, int | None] | None:
    """`long:t42` → ("long", 42); `long` → ("long", None); anything else → None."""
    if name in QUEUES:
        return name, None
    m = _TENANT_QUEUE.match(name)
    return (m.group(1), int(m.group(2))) if m else None


def queue(name: str) -> Queue:
    if parse_queue_name(name) is None:
        raise ValueError(f"unknown queue {name}")
    return Queue(name, connection=get_redis())


def enqueue(fn: Callable[..., Any] | str, *args: Any, queue_name: str = DEFAULT, tenant_id: int | None,
            actor_id: int | None = None, timeout: int | None = None, retry: Retry | None = None,
            job_id: str | None = None) -> Any:
    """Low level: enqueue `fn(tenant_id, *args)` on RQ with no jobs row (no progress, no recovery).
    A tenant's job goes to the tenant's sub-queue of `queue_name`. Prefer `start_job`."""
    name = tenant_queue_name(queue_name, tenant_id)
    return queue(name).enqueue(
        fn, tenant_id, *args,  # type: ignore[type-var]
        job_timeout=timeout or DEFAULT_TIMEOUTS[queue_name], result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
        retry=retry, job_id=job_id, meta={"tenant_id": tenant_id, "actor_id": actor_id},
    )


# ---------------------------------------------------------------------------------------------
# Dispatch: put a jobs row on RQ


@dataclass(frozen=True)
class Dispatch:
    tenant_id: int
    job_id: int
    token: str  # the RQ job id, also stored in jobs.rq_job_id
    queue: str  # latency class
    timeout_s: int
    retries_left: int
    retry_intervals: tuple[int, ...]
    actor_id: int | None
    description: str


def dispatch_token(tenant_id: int, job_id: int, seq: int) -> str:
    return f"uhjob-{tenant_id}-{job_id}-{seq}"


def dispatch_of(job: Any) -> Dispatch:
    """The dispatch for a jobs row (ORM object or a mapping of its columns) as it is now."""
    def get(key: str) -> Any:
        return job[key] if isinstance(job, dict) else getattr(job, key)

    retries = int(get("retries"))
    retries_left = max(0, int(get("max_retries")) - retries)
    return Dispatch(
        tenant_id=int(get("tenant_id")), job_id=int(get("id")), token=str(get("rq_job_id")), queue=get("queue"),
        timeout_s=int(get("timeout_s")), retries_left=retries_left,
        retry_intervals=tuple((get("retry_intervals") or [])[retries:]), actor_id=get("started_by"),
        description=f"{get('kind')} #{get('id')} (tenant {get('tenant_id')})",
    )


def dispatch(items: Sequence[Dispatch]) -> None:
    """Enqueue the RQ jobs for jobs rows (already committed). If Redis is unavailable the rows
    stay queued and the reaper dispatches them later, so this never fails the caller."""
    by_queue: dict[str, list[Any]] = {}
    for d in items:
        intervals = list(d.retry_intervals) or [0]
        by_queue.setdefault(tenant_queue_name(d.queue, d.tenant_id), []).append(Queue.prepare_data(
            RUNNER, args=(d.tenant_id, d.job_id), timeout=d.timeout_s, result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL, description=d.description, job_id=d.token,
            meta={"tenant_id": d.tenant_id, "actor_id": d.actor_id, "uh_job_id": d.job_id},
            retry=Retry(max=d.retries_left, interval=intervals) if d.retries_left > 0 else None,
        ))
    try:
        for name, datas in by_queue.items():
            Queue(name, connection=get_redis()).enqueue_many(datas)
    except RedisError:
        log.warning("could not enqueue %d job(s); the reaper will dispatch them", len(items), exc_info=True)


# ---------------------------------------------------------------------------------------------
# start_job


def func_path(fn: Callable[..., Any] | str) -> str:
    if isinstance(fn, str):
        return fn
    qualname = getattr(fn, "__qualname__", "")
    if "<" in qualname or not getattr(fn, "__module__", None):
        raise ValueError("a job function must be a module-level function")
    return f"{fn.__module__}.{qualname}"


def retry_policy(retry: int | Retry | None) -> tuple[int, list[int] | None]:
    """`retry=None` → never retried; `retry=3` → 3 retries after 10, 30, 60 s; or an RQ `Retry`."""
    if retry is None or retry == 0:
        return 0, None
    if isinstance(retry, Retry):
        intervals = list(retry.intervals or [0])
        return int(retry.max), [int(i) for i in (intervals + intervals[-1:] * retry.max)[: retry.max]]
    n = int(retry)
    return n, [RETRY_INTERVALS[min(i, len(RETRY_INTERVALS) - 1)] for i in range(n)]


def new_job_row(*, tenant_id: int, kind: str, fn: Callable[..., Any] | str, args: Sequence[Any], queue: str,
                total: int | None, timeout: int | None, retry: int | Retry | None, started_by: int | None,
                scope_path: str | None, parent_id: int | None = None, idempotency_key: str | None = None) -> Job:
    from ..domains.jobs.models import Job

    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue}")
    if not kind or len(kind) > 80:
        raise ValueError("job kind must be 1 to 80 characters")
    args = list(args)
    try:
        json.dumps(args)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"job arguments must be ids and plain JSON values: {exc}") from None
    max_retries, intervals = retry_policy(retry)
    return Job(
        tenant_id=tenant_id, kind=kind, queue=queue, status="queued", started_by=started_by, scope_path=scope_path,
        func=func_path(fn), args=args, progress_done=0, progress_total=total, counts={},
        timeout_s=int(timeout or DEFAULT_TIMEOUTS[queue]), max_retries=max_retries, retry_intervals=intervals,
        parent_id=parent_id, idempotency_key=idempotency_key, dispatch_seq=0, attempts=0, retries=0,
        recoveries=0, chunks_total=0, chunks_done=0, chunks_failed=0, waiting=False, resume_after_chunks=False,
    )


def start_job(ctx: Any, kind: str, fn: Callable[..., Any] | str, *args: Any, queue: str = DEFAULT,
              total: int | None = None, timeout: int | None = None, retry: int | Retry | None = None,
              idempotency_key: str | None = None) -> Job:
    """Start a background job for the tenant of `ctx` and return its `jobs` row.

    - `ctx`: the `RequestContext` of the user starting it (or a `JobContext`, or None: tenant in context).
    - `kind`: what it is, `"<domain>.<action>"`, e.g. `"orgs.import_members"` (the SPA labels it).
    - `fn`: a module-level function (or its dotted path) called as `fn(tenant_id, job_id, *args)`.
    - `args`: ids and plain JSON values only.
    - `queue`: latency class `high` (seconds, interactive), `default`, `long` (imports, archives).
    - `total`: the progress total if known now (else `ctx.progress(done, total)` later).
    - `timeout`: seconds per execution (default by queue: 60 / 600 / 3600); the process is killed
      past it. A job that works in slices (`continue_later`) gets it for every slice.
    - `retry`: only for idempotent, IO-bound jobs: `n` retries after 10/30/60 s, or an RQ `Retry`.
      Errors raised as `JobError` (bad input) and timeouts are never retried.
    - `idempotency_key`: a second call with the same (kind, key) returns the existing row.

    Call it inside the service's `transaction()`: the row commits with the rest of the use case and
    the RQ job is enqueued only after that commit (nothing is enqueued on rollback).
    """
    tenant_id = getattr(ctx, "tenant_id", None) if ctx is not None else current_tenant_id_or_none()
    if tenant_id is None:
        raise ValueError("start_job needs a tenant")
    if idempotency_key is not None:
        existing = _find_idempotent(tenant_id, kind, idempotency_key)
        if existing is not None:
            return existing
    scope_path = getattr(ctx, "scope_path", None)
    if getattr(ctx, "scope_is_root", False):
        scope_path = None
    # A user (RequestContext.user_id), or the user who started the job that starts this one.
    started_by = getattr(ctx, "started_by", getattr(ctx, "user_id", None))
    job = new_job_row(tenant_id=tenant_id, kind=kind, fn=fn, args=args, queue=queue, total=total, timeout=timeout,
                      retry=retry, started_by=started_by, scope_path=scope_path, idempotency_key=idempotency_key,
                      parent_id=None)
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:
        if idempotency_key is None:
            raise
        existing = _find_idempotent(tenant_id, kind, idempotency_key)
        assert existing is not None
        return existing
    job.rq_job_id = dispatch_token(tenant_id, job.id, 0)
    db.session.flush()
    item = dispatch_of(job)
    after_commit(lambda: dispatch([item]))
    return job


def _find_idempotent(tenant_id: int, kind: str, key: str) -> Job | None:
    from ..domains.jobs.models import Job

    return db.session.execute(
        select(Job).where(Job.tenant_id == tenant_id, Job.kind == kind, Job.idempotency_key == key)
    ).scalar_one_or_none()


def __getattr__(name: str) -> Any:
    # `JobContext` lives with the jobs domain; re-exported here lazily (it imports this module).
    if name in ("JobContext", "Continue", "WaitForChunks"):
        from ..domains.jobs import context

        return getattr(context, name)
    raise AttributeError(name)


__all__ = [
    "DEFAULT", "HIGH", "LONG", "QUEUES", "JobCancelled", "JobContext", "JobError", "JobSuperseded", "enqueue",
    "start_job", "tenant_queue_name",
]
