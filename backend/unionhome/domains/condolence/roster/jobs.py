"""The roster job (`condolence.roster`, queue `long`): read a campaign's uploaded workbooks and judge all
its lines. Started by an upload, a submission, a manual line or "重新校验"; one queued job serves any
number of uploads (`request`).

    roster_job(tenant_id, job_id, campaign_id)
      claim   → take the uploaded batches
      read    → a few workbooks: read them here, one checkpoint per batch, yielding every slice;
                many: one chunk job per ~CHUNK_BYTES of workbooks (`read_chunk_job`), run in parallel
                by the workers, and resume when they are done
      judge   → one set-based judgement of the whole campaign

Fairness: reading yields (`continue_later`) when the slice is used up and chunks are separate jobs in
the tenant's queue, so another county's job waits for one chunk, not for a million rows. Idempotence:
a batch read twice has its lines once (the previous reading's are deleted first, in the same
transaction as the new ones and the checkpoint), and the judgement is deterministic.

Without a job engine around (tests, the demo loader) `run_inline` runs the same steps in-process.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import update

from ....core import jobs as core_jobs
from ....core.tenancy import tenant_context
from ....extensions import db
from ..models import CondolenceCampaign
from . import process

KIND = "condolence.roster"
CHUNK_KIND = "condolence.roster.read"
CHUNK_BYTES = 3 * 1024 * 1024  # workbook bytes per chunk job (~32,000 rows: ~1.5 s of work)
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
            groups = _groups(claimed)
            basis = process.check_basis(tenant_id, campaign_id) if ids else None
            if len(groups) > 1:
                state = {"phase": "judge", "batches": ids}
                jctx.checkpoint(state, done=0, total=len(groups))
                return jctx.spawn_chunks(read_chunk_job, [[campaign_id, g, basis] for g in groups], kind=CHUNK_KIND,
                                         timeout=TIMEOUT_S, resume=True, state=state)
            state = {"phase": "read", "batches": ids, "done": [], "basis": basis}
            jctx.checkpoint(state, done=0, total=len(ids))
            phase = "read"
        if phase == "read":
            done = list(state.get("done", []))
            with process.BatchReader(tenant_id, campaign_id, state.get("basis")) as reader:
                reader.plan([b for b in state["batches"] if b not in done])
                for batch_id in state["batches"]:
                    if batch_id in done:
                        continue
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
    """Read a group of claimed batches (a chunk of a roster job); `basis` is the parent's (see `local`)."""
    jctx = _job_context()
    with tenant_context(tenant_id):
        done = list(jctx.state.get("done", [])) if jctx is not None else []
        rows = 0
        pending: dict[str, int] = {}  # counts of the batches read since the last checkpoint
        last = time.monotonic()
        with process.BatchReader(tenant_id, campaign_id, basis) as reader:
            todo = [b for b in batch_ids if b not in done]
            reader.plan(todo)
            for n, batch_id in enumerate(todo, 1):
                out = reader.read(batch_id)
                done.append(batch_id)
                rows += int(out.get("rows", 0))
                if jctx is None:
                    db.session.commit()
                    continue
                for key, value in {"rows": int(out.get("rows", 0)), "files": 1,
                                   "failed_files": 1 if out.get("failed") else 0,
                                   **{f"ms_{k}": round(v * 1000) for k, v in reader.timings.items()}}.items():
                    pending[key] = pending.get(key, 0) + value
                reader.timings.clear()
                # The batches read so far commit with the checkpoint; after a crash the ones read since
                # are read again. Checkpoints at most every CHECKPOINT_S keep their cost (an update of
                # the job row and a commit per ~0.1 s batch) off the reading.
                last_one = n == len(todo)
                yielding = not last_one and jctx.should_yield()
                if last_one or yielding or time.monotonic() - last >= CHECKPOINT_S:
                    jctx.checkpoint({"done": done}, done=len(done), total=len(batch_ids), add_counts=pending)
                    pending, last = {}, time.monotonic()
                if yielding:
                    return jctx.continue_later({"done": done})
        return {"batches": len(batch_ids), "rows": rows}


def _groups(claimed: list[process.Claimed]) -> list[list[int]]:
    """Batches in groups of about CHUNK_BYTES of workbook (in id order)."""
    groups: list[list[int]] = []
    size = 0
    for c in claimed:
        if not groups or size + c.size > CHUNK_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(c.batch_id)
        size += c.size
    return groups


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
            for c in claimed:
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
