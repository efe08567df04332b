"""`JobContext`: what a running job function uses to report and to cooperate.

    def import_members(tenant_id: int, job_id: int, upload_id: int) -> dict:
        ctx = JobContext.current()
        start = ctx.state.get("next_row", 0)             # resume point after a crash or a slice
        for batch in read_batches(upload_id, start):
            if ctx.cancelled():
                return {"stopped_at": batch.start}       # status becomes cancelled
            upsert(batch)                                 # idempotent writes in db.session ...
            ctx.checkpoint({"next_row": batch.end}, done=batch.end,
                           add_counts={"imported": batch.ok, "invalid": batch.bad})  # ... committed with this
            if ctx.should_yield():
                return ctx.continue_later()              # back of the tenant's queue; resumes at next_row
        return {"imported": ...}                          # the result summary

Two kinds of writes:
- `progress`, `heartbeat`, `set_counts`, `set_result` run in their own short transactions (so they
  never commit the job's half-done work) and are idempotent (absolute values);
- `checkpoint` adds the row update to the job's own transaction (`db.session`) and commits it, so
  the work of a chunk, its counts and the resume point commit together: a chunk replayed after a
  crash is neither lost nor counted twice.

A heartbeat thread keeps `jobs.heartbeat_at` fresh while the function runs (the reaper requeues a
job whose heartbeat stops) and notices a cancel request or a re-dispatch (then `cancelled()` is true
and writes raise `JobSuperseded`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from rq import Retry
from sqlalchemy import func, update

from ...core.db import after_commit
from ...core.jobs import (
    QUEUES,
    JobCancelled,
    JobSuperseded,
    dispatch,
    dispatch_of,
    dispatch_token,
    new_job_row,
    setting,
)
from ...core.tenancy import tenant_context
from ...extensions import db
from . import repository as repo
from .models import Job

_current: ContextVar[JobContext | None] = ContextVar("uh_job_context", default=None)


@dataclass(frozen=True)
class Continue:
    """Returned by a job function: requeue me (at the back of my tenant's queue) with `state`."""

    state: dict[str, Any] | None


@dataclass(frozen=True)
class WaitForChunks:
    """Returned by a job function after `spawn_chunks`: finish (or resume) when the chunks are done."""

    count: int


class JobContext:
    """The running job: identity, resume state and the calls to report progress and cooperate."""

    def __init__(self, row: Mapping[str, Any], token: str) -> None:
        self.tenant_id: int = int(row["tenant_id"])
        self.job_id: int = int(row["id"])
        self.kind: str = row["kind"]
        self.queue: str = row["queue"]
        self.parent_id: int | None = row["parent_id"]
        self.started_by: int | None = row["started_by"]
        self.scope_path: str | None = row["scope_path"]
        self.attempt: int = int(row["attempts"])  # 1 on the first execution, higher after a retry/recovery
        self.state: dict[str, Any] = dict(row["state"] or {})  # the last checkpoint's state ({} at first)
        self.chunks = {"total": row["chunks_total"], "done": row["chunks_done"], "failed": row["chunks_failed"]}
        self.token = token
        self.result: dict[str, Any] | None = None
        self._engine = db.engine
        self._started = time.monotonic()
        self._progress: tuple[int, int | None] | None = None
        self._progress_written = 0.0
        self._cancel_seen = row.get("cancel_requested_at") is not None  # resumed only to stop (repo.claim)
        self._cancel_checked = 0.0
        self._superseded = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- access ---------------------------------------------------------------------------

    @staticmethod
    def current() -> JobContext:
        ctx = _current.get()
        if ctx is None:
            raise RuntimeError("JobContext.current() outside a job")
        return ctx

    def _short_tx(self, fn: Callable[[Any], Any]) -> Any:
        with tenant_context(self.tenant_id), self._engine.begin() as conn:
            return fn(conn)

    # -- progress and liveness (own short transactions) --------------------------------------

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Report `done` of `total` (absolute numbers). Writes at most every 0.5 s unless `force`
        or done == total."""
        self._progress = (int(done), None if total is None else int(total))
        now = time.monotonic()
        if force or (total is not None and done >= total) or \
                now - self._progress_written >= setting("JOBS_PROGRESS_INTERVAL_S"):
            self.flush_progress()

    def flush_progress(self) -> None:
        if self._progress is None:
            return
        done, total = self._progress
        values: dict[str, Any] = {"progress_done": done}
        if total is not None:
            values["progress_total"] = total
        self._write(values)
        self._progress = None
        self._progress_written = time.monotonic()

    def heartbeat(self) -> None:
        """Tell the reaper this job is alive (the heartbeat thread does it every JOBS_HEARTBEAT_S)."""
        ours, cancel = self._short_tx(lambda c: repo.heartbeat(c, self.tenant_id, self.job_id, self.token))
        self._superseded = self._superseded or not ours
        self._cancel_seen = self._cancel_seen or cancel

    def cancelled(self) -> bool:
        """Has a user asked to cancel this job (or its parent)? Check between chunks and stop: return
        from the job function (status becomes cancelled) or call `raise_if_cancelled()`."""
        now = time.monotonic()
        if not (self._cancel_seen or self._superseded) and now - self._cancel_checked >= 1.0:
            self._cancel_checked = now
            ours, cancel = self._short_tx(
                lambda c: repo.cancel_requested(c, self.tenant_id, self.job_id, self.token))
            self._superseded = self._superseded or not ours
            self._cancel_seen = self._cancel_seen or cancel
        return self._cancel_seen or self._superseded

    def raise_if_cancelled(self) -> None:
        if self.cancelled():
            raise JobSuperseded() if self._superseded else JobCancelled()

    def set_counts(self, counts: Mapping[str, Any] | None = None, /, **more: Any) -> None:
        """Set counters shown with the job (absolute values, merged into the existing ones)."""
        values = {**(counts or {}), **more}
        self._write({"counts": repo.T.c.counts.op("||")(repo.jsonb(values))})

    def set_result(self, result: Mapping[str, Any]) -> None:
        """The result summary shown when the job is done (also: return a dict from the job function)."""
        self.result = dict(result)
        self._write({"result": repo.jsonb(self.result)})

    def _write(self, values: dict[str, Any]) -> None:
        if self._superseded:
            raise JobSuperseded()
        ok = self._short_tx(lambda c: repo.update_running(c, self.tenant_id, self.job_id, self.token, **values))
        if not ok:
            self._superseded = True
            raise JobSuperseded()

    # -- exactly-once checkpoints (the job's own transaction) ---------------------------------

    def checkpoint(self, state: Mapping[str, Any] | None = None, *, done: int | None = None,
                   total: int | None = None, add_counts: Mapping[str, int] | None = None) -> None:
        """Commit the job's pending work in `db.session` together with its resume `state`, progress
        and counter increments. After a crash the job restarts from the last checkpoint's state."""
        values: dict[str, Any] = {"heartbeat_at": func.now(), "updated_at": func.now()}
        if state is not None:
            self.state = dict(state)
            values["state"] = repo.jsonb(self.state)
        if done is not None:
            values["progress_done"] = int(done)
        if total is not None:
            values["progress_total"] = int(total)
        if add_counts:
            values["counts"] = repo.counts_plus(add_counts)
        result = db.session.execute(
            update(repo.T).where(repo.T.c.tenant_id == self.tenant_id, repo.T.c.id == self.job_id,
                                 repo.T.c.rq_job_id == self.token, repo.T.c.status == "running").values(**values)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            db.session.rollback()
            self._superseded = True
            raise JobSuperseded()
        db.session.commit()
        self._progress = None

    # -- fairness: slices and chunks -------------------------------------------------------

    def should_yield(self) -> bool:
        """True once this execution has run for JOBS_SLICE_S: time to `return ctx.continue_later()`
        so other tenants' jobs get the worker."""
        return time.monotonic() - self._started >= setting("JOBS_SLICE_S")

    def continue_later(self, state: Mapping[str, Any] | None = None) -> Continue:
        """Return this from the job function to be requeued at the back of the tenant's queue. The
        pending work in db.session commits together with `state` (default: the last checkpoint's)."""
        return Continue(dict(state) if state is not None else None)

    def spawn_chunks(self, fn: Callable[..., Any] | str, chunk_args: Iterable[Sequence[Any]], *,
                     kind: str | None = None, queue: str | None = None, timeout: int | None = None,
                     retry: int | Retry | None = None, resume: bool = False,
                     state: Mapping[str, Any] | None = None, progress_total: int | None = None) -> WaitForChunks:
        """Split the job: one chunk job per item of `chunk_args`, each run as
        `fn(tenant_id, chunk_job_id, *args)` with its own JobContext, in parallel on any worker. Return
        the result from the job function. This job then finishes when its chunks are done (failed if
        any failed; chunk counts are summed into it), or with `resume=True` runs again with `state`
        and `ctx.chunks` (done/failed) to finish up.

        Its progress counts the chunks done, or, with `progress_total`, items the chunks report as
        they go (`add_parent_progress`: chunks that share out the work among themselves)."""
        queue = queue or self.queue
        assert queue in QUEUES
        rows = [new_job_row(tenant_id=self.tenant_id, kind=kind or f"{self.kind}.chunk", fn=fn, args=args,
                            queue=queue, total=None, timeout=timeout, retry=retry, started_by=self.started_by,
                            scope_path=self.scope_path, parent_id=self.job_id) for args in chunk_args]
        if not rows:
            raise ValueError("spawn_chunks needs at least one chunk")
        db.session.add_all(rows)
        db.session.flush()
        for row in rows:
            row.rq_job_id = dispatch_token(self.tenant_id, row.id, 0)
        values: dict[str, Any] = dict(chunks_total=repo.T.c.chunks_total + len(rows), waiting=True,
                                      resume_after_chunks=resume, progress_done=0,
                                      progress_items=progress_total is not None,
                                      progress_total=len(rows) if progress_total is None else progress_total)
        if state is not None:
            self.state = dict(state)
            values["state"] = repo.jsonb(self.state)
        result = db.session.execute(
            update(repo.T).where(repo.T.c.tenant_id == self.tenant_id, repo.T.c.id == self.job_id,
                                 repo.T.c.rq_job_id == self.token, repo.T.c.status == "running").values(**values)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            db.session.rollback()
            raise JobSuperseded()
        items = [dispatch_of(row) for row in rows]
        after_commit(lambda: dispatch(items))
        db.session.commit()
        return WaitForChunks(len(rows))

    def add_parent_progress(self, n: int) -> None:
        """A chunk of a parent that counts items (`spawn_chunks(progress_total=…)`): `n` more items done.
        Written in `db.session`, so it commits with this chunk's next checkpoint, exactly once."""
        if self.parent_id is None or n <= 0:
            return
        db.session.execute(update(repo.T).where(repo.T.c.tenant_id == self.tenant_id, repo.T.c.id == self.parent_id)
                           .values(progress_done=repo.T.c.progress_done + int(n)))

    # -- lifecycle (used by the runner) ------------------------------------------------------

    def start(self) -> None:
        _current.set(self)
        interval = setting("JOBS_HEARTBEAT_S")
        self._thread = threading.Thread(target=self._beat, args=(interval,), name="uh-job-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        _current.set(None)

    def _beat(self, interval: float) -> None:
        while not self._stop.wait(interval):
            with contextlib.suppress(Exception):  # a missed beat is retried; the reaper has slack
                self.heartbeat()

    @property
    def cancel_seen(self) -> bool:
        return self._cancel_seen

    @property
    def superseded(self) -> bool:
        return self._superseded


__all__ = ["Continue", "Job", "JobContext", "WaitForChunks"]
