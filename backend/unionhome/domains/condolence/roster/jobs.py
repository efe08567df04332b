"""The roster job (`condolence.roster`, queue `long`): read a campaign's uploaded workbooks and judge all
its lines. Started by an upload, a submission, a manual line or "重新校验"; one queued job serves any
number of uploads (`request`).

    roster_job(tenant_id, job_id, campaign_id)
      claim   → take the uploaded batches
      read    → a few workbooks: read them here, one checkpoint per batch, yielding every slice;
                more than CHUNK_BYTES of them: reader jobs (`read_chunk_job`, one per worker, at most
                one per CHUNK_BYTES) read them side by side, each taking the next unread batch until
                none is left, and the job resumes when they are done
      judge   → one set-based judgement of the whole campaign

Why readers take batches rather than each reading a fixed share: every job runs in a fresh process
with fresh database connections (~0.1 s between two jobs, and a cold backend), and fixed shares end
unevenly (one worker idles while the other reads the last share: 0.5–2.5 s of a million rows). A
reader stops only when nothing is left, so the workers finish within one workbook of each other.

Fairness: readers yield (`continue_later`) when the slice is used up, like every job, so another
county's job waits for one slice, not for a million rows. Idempotence: a batch read twice has its lines
once (the previous reading's are deleted first, in the same transaction as the new ones and the
checkpoint), two readers never hold the same batch (a row lock), and the judgement is deterministic.

Without a job engine around (tests, the demo loader) `run_inline` runs the same steps in-process.
"""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import update

from ....core import jobs as core_jobs
from ....core.tenancy import tenant_context
from ....extensions import db
from ..models import CondolenceCampaign
from . import process

log = logging.getLogger(__name__)

KIND = "condolence.roster"
CHUNK_KIND = "condolence.roster.read"
CHUNK_BYTES = 3 * 1024 * 1024  # workbook bytes worth a reader of its own (~32,000 rows: ~1.5 s of work)
MAX_READERS = 8
TIMEOUT_S = 1800
CHECKPOINT_S = 1.0  # a chunk job commits the batches it has read at most this often


def _job_context() -> Any:
    try:
        return core_jobs.JobContext.current()
    except RuntimeError:
        return None


def _actor(jctx: Any) -> Any:
    return SimpleNamespace(user_id=getattr(jctx, "started_by", None), username="roster-job")


def roster_job(tenant_id: int, job_id: int, campaign_id: int) -> Any:
    jctx = _job_context()
    if jctx is None:
        return run_inline(tenant_id, campaign_id, job_id=job_id)
    with tenant_context(tenant_id):
        state = dict(jctx.state)
        phase = state.get("phase", "claim")
        if phase == "claim":
            claimed = process.claim(tenant_id, campaign_id, job_id)
            ids = [c.batch_id for c in claimed]
            basis = process.check_basis(tenant_id, campaign_id) if ids else None
            readers = _readers(claimed)
            if readers > 1:
                state = {"phase": "judge", "batches": ids}
                jctx.checkpoint(state, done=0, total=len(ids))
                return jctx.spawn_chunks(read_chunk_job, [[campaign_id, ids, basis]] * readers, kind=CHUNK_KIND,
                                         timeout=TIMEOUT_S, resume=True, state=state, progress_total=len(ids))
            state = {"phase": "read", "batches": ids, "done": [], "basis": basis}
            jctx.checkpoint(state, done=0, total=len(ids))
            phase = "read"
        if phase == "read":
            done = list(state.get("done", []))
            with process.BatchReader(tenant_id, campaign_id, state.get("basis")) as reader:
                todo = [b for b in state["batches"] if b not in done]
                reader.plan(todo)
                for n, batch_id in enumerate(todo):
                    reader.prefetch(todo[n + 1] if n + 1 < len(todo) else None)
                    out = reader.read(batch_id)
                    done.append(batch_id)
                    state = {**state, "done": done}
                    jctx.checkpoint(state, done=len(done), total=len(state["batches"]),
                                    add_counts={"rows": int(out.get("rows", 0)), "files": 1,
                                                "failed_files": 1 if out.get("failed") else 0})
                    if jctx.should_yield() and len(done) < len(state["batches"]):
                        return jctx.continue_later(state)
            state = {**state, "phase": "judge"}
            jctx.checkpoint(state)
        # judge
        process.fail_unread(tenant_id, list(state.get("batches", [])))
        summary = process.judge_campaign(tenant_id, campaign_id, actor=_actor(jctx))
        jctx.checkpoint({**state, "phase": "done"})
        return _result(summary, state)


def read_chunk_job(tenant_id: int, job_id: int, campaign_id: int, batch_ids: list[int],
                   basis: str | None = None) -> Any:
    """A reader of a roster job: reads the unread batches of `batch_ids`, taking one at a time (the
    readers beside it skip the batches it holds), until none is left. `basis` is the parent's (see
    `local`)."""
    jctx = _job_context()
    with tenant_context(tenant_id):
        done = list(jctx.state.get("done", [])) if jctx is not None else []
        rows = 0
        pending: dict[str, int] = {}  # counts of the batches read since the last checkpoint
        last = time.monotonic()
        with process.BatchReader(tenant_id, campaign_id, basis) as reader:
            reader.plan(batch_ids)
            current = reader.take_next(batch_ids)
            while current is not None:
                upcoming = reader.take_next(batch_ids, besides=current)  # fetched while this one is read
                out = reader.read(current)
                done.append(current)
                rows += int(out.get("rows", 0))
                committed = False
                if jctx is None:
                    db.session.commit()
                    committed = True
                else:
                    for key, value in {"rows": int(out.get("rows", 0)), "files": 1,
                                       "failed_files": 1 if out.get("failed") else 0,
                                       **{f"ms_{k}": round(v * 1000) for k, v in reader.timings.items()}}.items():
                        pending[key] = pending.get(key, 0) + value
                    reader.timings.clear()
                    # The batches read so far commit with the checkpoint; after a crash the ones read
                    # since are read again. Checkpoints at most every CHECKPOINT_S keep their cost (an
                    # update of the job row and a commit per ~0.1 s batch) off the reading.
                    yielding = upcoming is not None and jctx.should_yield()
                    if upcoming is None or yielding or time.monotonic() - last >= CHECKPOINT_S:
                        jctx.add_parent_progress(pending.get("files", 0))  # the roster job's progress: batches
                        jctx.checkpoint({"done": done}, done=len(done), total=len(batch_ids), add_counts=pending)
                        pending, last, committed = {}, time.monotonic(), True
                    if yielding:
                        return jctx.continue_later({"done": done})
                if committed and upcoming is not None and not reader.retake(upcoming):
                    upcoming = reader.take_next(batch_ids)  # another reader took it meanwhile
                current = upcoming
        return {"batches": len(done), "rows": rows}


def _readers(claimed: list[process.Claimed]) -> int:
    """How many readers to split the claimed batches among: one per CHUNK_BYTES of workbooks, no more
    than the workers there are (a reader more would only wait) and MAX_READERS."""
    wanted = -(-sum(c.size for c in claimed) // CHUNK_BYTES) if len(claimed) > 1 else 1
    return max(1, min(wanted, MAX_READERS, _workers()))


def _workers() -> int:
    """The RQ workers registered now (each takes a reader); 1 if Redis can't tell."""
    try:
        from rq import Worker

        from ....core.redis import get_redis

        return int(Worker.count(connection=get_redis()))
    except Exception:  # noqa: BLE001 - a count is an optimisation: one reader is always right
        log.warning("could not count the workers: the roster is read by one reader", exc_info=True)
        return 1


def _result(summary: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    keys = ("campaign_id", "status", "lines", "by_status", "ok", "ok_cash_fen", "ok_goods_fen", "inserted", "updated", "rechecked",
            "timings")
    return {"batches_read": len(state.get("batches", [])), **{k: summary[k] for k in keys if k in summary}}


def run_inline(tenant_id: int, campaign_id: int, *, job_id: int | None = None) -> dict[str, Any]:
    """All steps in this process, each committed (tests, demo data, a deployment without workers)."""
    with tenant_context(tenant_id):
        claimed = process.claim(tenant_id, campaign_id, job_id)
        db.session.commit()
        with process.BatchReader(tenant_id, campaign_id, process.check_basis(tenant_id, campaign_id)) as reader:
            reader.plan([c.batch_id for c in claimed])
            for n, c in enumerate(claimed):
                reader.prefetch(claimed[n + 1].batch_id if n + 1 < len(claimed) else None)
                reader.read(c.batch_id)
                db.session.commit()
        summary = process.judge_campaign(tenant_id, campaign_id, actor=SimpleNamespace(user_id=None, username=None))
        db.session.commit()
        return _result(summary, {"batches": [c.batch_id for c in claimed]})


def request(ctx: Any, campaign: CondolenceCampaign) -> int | None:
    """Make sure a roster job will run for `campaign` after the caller's transaction commits: reuse the
    campaign's queued job that has not started yet, else start one. Call inside the transaction that
    recorded the change (with the campaign row locked). Returns the job id."""
    from ...jobs.models import Job

    if campaign.roster_job_id is not None:
        job = db.session.get(Job, (campaign.tenant_id, campaign.roster_job_id))
        if job is not None and job.status == "queued" and not job.state:
            return int(job.id)
    job = core_jobs.start_job(ctx, KIND, roster_job, campaign.id, queue=core_jobs.LONG, timeout=TIMEOUT_S)
    # Not through the ORM object: the campaign's version (its ETag) is about what users edit.
    db.session.execute(update(CondolenceCampaign).where(
        CondolenceCampaign.tenant_id == campaign.tenant_id, CondolenceCampaign.id == campaign.id)
        .values(roster_job_id=job.id).execution_options(synchronize_session=False))
    return int(job.id)
