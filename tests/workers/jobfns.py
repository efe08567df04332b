"""Job functions for the engine tests, imported by workers as `tests.workers.jobfns` (burst workers in
the test process, and `python -m workers.worker` subprocesses started with the repo on PYTHONPATH).

Their visible effect is a row per unit of work in `test_job_effects` (created by the tests), with a
primary key (job_id, seq): a unit done twice would fail the job, and `ord` (a sequence) records the
order in which units finished, across jobs and tenants.
"""

from __future__ import annotations

import os
import time
from typing import Any

from sqlalchemy import text

from unionhome.core.jobs import JobError
from unionhome.core.redis import get_redis
from unionhome.domains.jobs import repository as repo
from unionhome.domains.jobs.context import JobContext
from unionhome.extensions import db

EFFECTS_DDL = (
    "CREATE TABLE IF NOT EXISTS test_job_effects (ord bigserial, job_id bigint NOT NULL, seq int NOT NULL, "
    "pid int NOT NULL, PRIMARY KEY (job_id, seq))"
)


def _effect(job_id: int, seq: int) -> None:
    db.session.execute(text("INSERT INTO test_job_effects (job_id, seq, pid) VALUES (:j, :s, :p)"),
                       {"j": job_id, "s": seq, "p": os.getpid()})


def count_to(tenant_id: int, job_id: int, n: int, delay: float = 0.0, slice_every: int = 0) -> dict[str, Any]:
    """Count to n, one checkpointed unit at a time; resumes after a crash; optionally in slices."""
    ctx = JobContext.current()
    get_redis().set(f"test:jobpid:{job_id}", os.getpid())
    start = int(ctx.state.get("next", 0))
    for i in range(start, n):
        if ctx.cancelled():
            return {"stopped_at": i}
        time.sleep(delay)
        _effect(job_id, i)
        ctx.checkpoint({"next": i + 1}, done=i + 1, total=n, add_counts={"items": 1})
        if slice_every and (i + 1) % slice_every == 0 and i + 1 < n:
            return ctx.continue_later()  # type: ignore[return-value]
    return {"counted": n, "resumed_from": start}


def tiny(tenant_id: int, job_id: int, seq: int = 0) -> None:
    """One small unit of work."""
    _effect(job_id, seq)
    JobContext.current().checkpoint(add_counts={"items": 1})


def fan_out(tenant_id: int, job_id: int, n: int, fail_at: int = -1) -> Any:
    ctx = JobContext.current()
    args = [[i] if i != fail_at else [i, "fail"] for i in range(n)]
    return ctx.spawn_chunks(chunk, args, kind="test.chunk")


def share_out(tenant_id: int, job_id: int, items: int, chunks: int) -> Any:
    """A parent whose chunks share out `items` among themselves and report them as they go."""
    ctx = JobContext.current()
    return ctx.spawn_chunks(share, [[items // chunks]] * chunks, kind="test.share", progress_total=items)


def share(tenant_id: int, job_id: int, items: int) -> None:
    ctx = JobContext.current()
    for i in range(items):
        _effect(job_id, i)
        ctx.add_parent_progress(1)
        ctx.checkpoint(add_counts={"items": 1})


def chunk(tenant_id: int, job_id: int, seq: int, fail: str = "") -> None:
    if fail:
        raise JobError(f"第{seq}个分片的数据有误")
    tiny(tenant_id, job_id, seq)


def flaky(tenant_id: int, job_id: int, key: str) -> dict[str, Any]:
    """Fails with a technical error on its first run, succeeds on the next."""
    if int(get_redis().incr(key)) == 1:  # type: ignore[arg-type]
        raise ConnectionError("upstream timed out")
    return {"ok": True}


def bad_input(tenant_id: int, job_id: int) -> None:
    raise JobError("第3行：身份证号码校验位错误")


def sleeper(tenant_id: int, job_id: int, seconds: float) -> None:
    time.sleep(seconds)


def cancel_self_then_wait(tenant_id: int, job_id: int) -> dict[str, Any]:
    """Asks for its own cancellation (as a user would, from elsewhere), then works until it notices."""
    ctx = JobContext.current()
    with ctx._engine.begin() as conn:
        repo.request_cancel(conn, tenant_id, job_id)
    for i in range(200):
        if ctx.cancelled():
            return {"noticed_after": i}
        time.sleep(0.02)
    return {"never_noticed": True}


def report(tenant_id: int, job_id: int, n: int) -> None:
    """Reports through the short-transaction calls only (no checkpoints)."""
    ctx = JobContext.current()
    for i in range(n):
        ctx.progress(i + 1, n)
    ctx.set_counts(rows=n, invalid=0)
    ctx.set_counts({"invalid": 2})
    ctx.set_result({"summary": f"共{n}行"})
