"""The steps of the roster job, each its own transaction (the job functions in `jobs` chain them):

- `claim`: take the campaign's uploaded batches (and batches a dead job left half-read);
- `BatchReader.read`: fetch one workbook from S3 and write its rows as lines to be judged (待校验),
  or fail the batch with the file's problem; committed with the job's checkpoint;
- `judge_campaign`: judge every line of the campaign set-based (`repository.judge`).

All run in the tenant's context; a step repeated after a crash leaves the same result (a batch read
again first deletes the lines of its previous reading; the judgement is deterministic).
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from ....core import audit
from ....core.clock import CHINA_TZ
from ....core.clock import today as china_today
from ....core.pii import get_cipher
from ....core.spreadsheets import SpreadsheetError
from ....core.storage import get_storage
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...hardship.models import CATEGORIES as HARDSHIP_CATEGORIES
from ...hardship.models import HardshipPolicy
from ..models import CondolenceBatch, CondolenceCampaign, CondolenceCategory
from ..repository import township_ids_of
from . import checks, local, parse, repository
from .rules import effective_rules

log = logging.getLogger(__name__)

FROZEN_STATUSES = ("frozen", "noticing", "paying", "closed")
READ_FAILED = "读取文件时发生内部错误，请稍后点“重新校验”；如仍失败请联系管理员"


@dataclass(frozen=True)
class Claimed:
    batch_id: int
    size: int


def claim(tenant_id: int, campaign_id: int, job_id: int | None) -> list[Claimed]:
    """Mark the campaign's uploaded batches as being read by this job. Batches another job claimed
    and left unread (that job is no longer queued or running) are taken over. Not committed."""
    rows = db.session.execute(text("""
        UPDATE condolence_batches b SET status = 'processing', job_id = :job, parsed_at = NULL,
               error_message = NULL, version = b.version + 1, updated_at = now()
        WHERE b.tenant_id = :tid AND b.campaign_id = :cid AND b.source = 'upload'
          AND (b.status = 'uploaded'
               OR (b.status = 'processing' AND b.parsed_at IS NULL AND NOT EXISTS (
                   SELECT 1 FROM jobs j WHERE j.tenant_id = b.tenant_id AND j.id = b.job_id
                     AND j.status IN ('queued', 'running'))))
        RETURNING b.id, coalesce(b.file_size, 0)"""), {"tid": tenant_id, "cid": campaign_id, "job": job_id}).all()
    return sorted((Claimed(int(i), int(s)) for i, s in rows), key=lambda c: c.batch_id)


def categories_of(campaign_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(select(CondolenceCategory.code, CondolenceCategory.name).where(
        CondolenceCategory.tenant_id == current_tenant_id(), CondolenceCategory.campaign_id == campaign_id)
        .order_by(CondolenceCategory.id)).all()
    return [(c, n) for c, n in rows]


def category_lookup(campaign_id: int) -> parse.Categories:
    items = categories_of(campaign_id)
    return parse.Categories.of(items, {label: code for code, label in HARDSHIP_CATEGORIES.items()})


def local_params(tenant_id: int, campaign_id: int) -> dict[str, Any]:
    """The parameters of the line-local checks (`local`) for the campaign as it stands."""
    campaign = db.session.get(CondolenceCampaign, (tenant_id, campaign_id))
    if campaign is None:
        raise LookupError(f"campaign {campaign_id} of tenant {tenant_id}")
    rules = effective_rules(campaign.rules)
    ref = reference_date(campaign)
    return local.params(tenant_id=tenant_id, campaign_id=campaign_id, rules=rules, ref_date=ref,
                        income_limit_fen=income_limit_fen(rules, ref), categories=categories_of(campaign_id))


def check_basis(tenant_id: int, campaign_id: int) -> str:
    """The basis the lines read from now on are checked against (taken before reading: see `local`)."""
    return local.basis(db.session, local_params(tenant_id, campaign_id))


class BatchReader:
    """Reads claimed batches of one campaign (the keys, categories and check parameters are looked up
    once). `basis`: what the job took before reading (`check_basis`), recorded on each batch read."""

    def __init__(self, tenant_id: int, campaign_id: int, basis: str | None = None) -> None:
        self.tenant_id = tenant_id
        self.campaign_id = campaign_id
        self.basis = basis or check_basis(tenant_id, campaign_id)
        self.crypto = checks.RowCrypto(get_cipher(), tenant_id)
        self.categories = category_lookup(campaign_id)
        self.local_params = local_params(tenant_id, campaign_id)
        self.today = china_today()
        self.timings: dict[str, float] = {}
        self._ahead: dict[int, Future[Path]] = {}
        self._keys: dict[int, str] = {}
        self._townships: dict[int, int | None] = {}  # org → its township union (looked up per plan)
        self._pool: ThreadPoolExecutor | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    # -- fetching one workbook ahead --------------------------------------------------------------
    # An S3 GET is mostly waiting (~15 ms a workbook, plus the transfer): while one workbook is parsed
    # and written, a thread downloads the next one (`prefetch`).

    def plan(self, batch_ids: list[int]) -> BatchReader:
        """The batches this reader may read (their storage keys and townships are looked up once)."""
        rows = db.session.execute(select(CondolenceBatch.id, CondolenceBatch.storage_key, CondolenceBatch.org_id).where(
            CondolenceBatch.tenant_id == self.tenant_id, CondolenceBatch.id.in_(batch_ids))).all()
        self._keys = {int(i): k for i, k, _ in rows if k}
        self._townships.update(township_ids_of({int(o) for _, _, o in rows}))
        if len(self._keys) > 1:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-fetch")
            self._tmp = tempfile.TemporaryDirectory(prefix="uh-roster-ahead-")
            self._storage = get_storage()
        return self

    def prefetch(self, batch_id: int | None) -> None:
        """Start downloading the workbook of `batch_id` (read next) while the current one is read."""
        if self._pool is None or batch_id is None or batch_id in self._ahead or batch_id not in self._keys:
            return
        path = Path(self._tmp.name) / f"{batch_id}"  # type: ignore[union-attr]
        self._ahead[batch_id] = self._pool.submit(_fetch_to, self._storage, self._keys[batch_id], path)

    def _drop_ahead(self, keep: int | None) -> None:
        """Forget workbooks fetched ahead for batches other than `keep` (another reader took them)."""
        for batch_id in [b for b in self._ahead if b != keep]:
            future = self._ahead.pop(batch_id)
            with contextlib.suppress(Exception):
                future.result().unlink(missing_ok=True)

    # -- taking batches (readers side by side) ----------------------------------------------------
    # Several readers (chunk jobs) may read one roster job's batches at once: each takes the next
    # unread batch with a row lock that the others skip, so no batch is read twice at the same time.
    # The lock lasts until the reader commits (its checkpoint, with the batch's lines); a batch taken
    # before that commit and not read yet is taken again afterwards (`retake`).

    _TAKE = """
        SELECT id FROM condolence_batches
        WHERE tenant_id = :tid AND id = ANY(:ids) AND status = 'processing' AND parsed_at IS NULL
          AND id IS DISTINCT FROM :besides
        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"""

    def take_next(self, batch_ids: list[int], besides: int | None = None) -> int | None:
        """Lock the first unread batch of `batch_ids` no other reader holds (not `besides`, which this
        reader holds already) and start fetching its workbook; None when none is left."""
        found = db.session.execute(text(self._TAKE), {"tid": self.tenant_id, "ids": batch_ids,
                                                      "besides": besides}).scalar()
        batch_id = int(found) if found is not None else None
        self._drop_ahead(keep=besides)
        self.prefetch(batch_id)
        return batch_id

    def retake(self, batch_id: int) -> bool:
        """After a commit released its lock: lock `batch_id` again if it is still unread and free."""
        found = db.session.execute(text(self._TAKE), {"tid": self.tenant_id, "ids": [batch_id],
                                                      "besides": None}).scalar()
        if found is None:
            self._drop_ahead(keep=None)
        return found is not None

    def _take(self, batch_id: int, key: str, path: Path) -> Path:
        future = self._ahead.pop(batch_id, None)
        if future is not None:
            try:
                return future.result()
            except Exception:  # noqa: BLE001 - fetched again below, where a missing file is reported
                log.warning("roster batch %s: fetching ahead failed, fetching again", batch_id, exc_info=True)
        _fetch(key, path)
        return path

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._ahead.clear()

    def __enter__(self) -> BatchReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, batch_id: int) -> dict[str, Any]:
        """Write one batch's rows as lines (not committed: the caller's checkpoint commits them). A batch
        not in 'processing' any more (withdrawn meanwhile) is left alone."""
        batch = db.session.get(CondolenceBatch, (self.tenant_id, batch_id))
        if batch is None or batch.status != "processing" or batch.parsed_at is not None:
            return {"batch_id": batch_id, "skipped": True}
        repository.clear_lines(db.session, self.tenant_id, [batch_id])
        result = parse.ReadResult()
        builder = parse.RowBuilder(self.crypto, self.categories, self.today)
        if batch.org_id not in self._townships:
            self._townships.update(township_ids_of({batch.org_id}))
        township = self._townships[batch.org_id]
        try:
            with tempfile.TemporaryDirectory(prefix="uh-roster-") as tmp:
                path = Path(tmp) / "nominations"
                t0 = time.perf_counter()
                path = self._take(batch_id, batch.storage_key or "", path)
                self.timings["fetch"] = self.timings.get("fetch", 0.0) + time.perf_counter() - t0
                try:
                    with db.session.begin_nested():
                        n = repository.copy_lines(
                            db.session, tenant_id=self.tenant_id, campaign_id=self.campaign_id, batch_id=batch_id,
                            org_id=batch.org_id, township_org_id=township,
                            rows=parse.read_rows(path, batch.filename or "", builder, result),
                            local_params=self.local_params, timings=self.timings)
                finally:
                    path.unlink(missing_ok=True)  # a workbook fetched ahead lives in the reader's directory
        except SpreadsheetError as err:
            _fail(batch, err.message)
            return {"batch_id": batch_id, "failed": err.code}
        except FileNotFoundError:
            _fail(batch, "找不到上传的文件，请重新上传")
            return {"batch_id": batch_id, "failed": "missing"}
        except Exception:
            log.exception("roster batch %s of tenant %s: reading failed", batch_id, self.tenant_id)
            _fail(batch, READ_FAILED)
            return {"batch_id": batch_id, "failed": "internal"}
        batch.parsed_at = datetime.now(UTC)
        batch.checked_basis = self.basis
        batch.rows_skipped = result.rows_skipped
        batch.lines_total = n
        batch.sheet_name = result.sheet_name
        batch.header_row = result.header_row
        batch.notice = result.notice
        batch.error_message = None
        return {"batch_id": batch_id, "rows": n, "skipped": result.skipped}


def _fetch(key: str, path: Path) -> None:
    _fetch_to(get_storage(), key, path)


def _fetch_to(storage: Any, key: str, path: Path) -> Path:
    with path.open("wb") as f:
        for chunk in storage.iter_chunks(key):
            f.write(chunk)
    return path


def _fail(batch: CondolenceBatch, message: str) -> None:
    batch.status = "failed"
    batch.error_message = message[:1000]
    batch.parsed_at = None
    batch.lines_total = batch.lines_ok = batch.lines_rejected = batch.rows_skipped = 0


def fail_unread(tenant_id: int, batch_ids: list[int]) -> int:
    """Batches of this job still unread when it comes to judge (a chunk job failed for good)."""
    if not batch_ids:
        return 0
    return int(db.session.execute(text("""
        UPDATE condolence_batches SET status = 'failed', error_message = :msg, version = version + 1,
               updated_at = now()
        WHERE tenant_id = :tid AND id = ANY(:ids) AND status = 'processing' AND parsed_at IS NULL"""),
        {"tid": tenant_id, "ids": batch_ids, "msg": READ_FAILED}).rowcount)  # type: ignore[attr-defined]


def reference_date(campaign: CondolenceCampaign) -> date:
    """The day the campaign's checks are judged as of: its nomination deadline (Beijing time), else the
    day it was created."""
    when = campaign.nomination_deadline or campaign.created_at
    if when is None:
        return china_today()
    return when.astimezone(CHINA_TZ).date()


def income_limit_fen(rules: dict[str, Any], on: date) -> int | None:
    pct = rules.get("income_limit_pct")
    if not pct:
        return None
    policy = db.session.execute(select(HardshipPolicy).where(
        HardshipPolicy.tenant_id == current_tenant_id(), HardshipPolicy.effective_from <= on)
        .order_by(HardshipPolicy.effective_from.desc()).limit(1)).scalar_one_or_none()
    if policy is None:
        return None
    return int(policy.min_living_line_fen) * int(pct) // 100


def _refresh_statistics(engine: Any) -> tuple[bool, float]:
    started = time.perf_counter()
    refreshed = repository.refresh_line_statistics(engine)
    return refreshed, round(time.perf_counter() - started, 3)


def judge_campaign(tenant_id: int, campaign_id: int, *, actor: Any = None) -> dict[str, Any]:
    """Judge the campaign's lines (not committed). A frozen campaign (the county approved its roster) is
    never judged again: batches read for it meanwhile, if any, fail."""
    # The campaign row first, as every service that changes the campaign's batches takes it (FOR UPDATE)
    # before their rows: the judgement writes batch rows and then the campaign, and taking the locks in
    # another order would deadlock with a union submitting meanwhile (it waits for the judgement instead).
    campaign = db.session.execute(select(CondolenceCampaign).where(
        CondolenceCampaign.tenant_id == tenant_id, CondolenceCampaign.id == campaign_id)
        .with_for_update(key_share=True)).scalar_one_or_none()
    if campaign is None:
        return {"campaign_id": campaign_id, "status": "missing"}
    if campaign.status in FROZEN_STATUSES:
        db.session.execute(text("""
            UPDATE condolence_batches SET status = 'failed', error_message = '县总工会已审定名单，不再接收推荐',
                   version = version + 1, updated_at = now()
            WHERE tenant_id = :tid AND campaign_id = :cid AND status = 'processing'"""),
            {"tid": tenant_id, "cid": campaign_id})
        db.session.execute(text("""
            DELETE FROM condolence_lines l USING condolence_batches b
            WHERE l.tenant_id = :tid AND l.campaign_id = :cid AND b.tenant_id = l.tenant_id AND b.id = l.batch_id
              AND b.status = 'failed' AND l.check_status = 'pending'"""), {"tid": tenant_id, "cid": campaign_id})
        return {"campaign_id": campaign_id, "status": "frozen"}
    rules = effective_rules(campaign.rules)
    ref = reference_date(campaign)
    # The line statistics are refreshed on another connection while the judgement's first steps (the
    # batches, earlier campaigns) run: that waits up to ~1 s for autovacuum to make way, on the core the
    # judgement leaves idle.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-statistics") as pool:
        refreshing = pool.submit(_refresh_statistics, db.engine)
        summary = repository.judge(db.session, tenant_id, campaign, categories_of(campaign_id), rules=rules,
                                   ref_date=ref, income_limit_fen=income_limit_fen(rules, ref),
                                   statistics=refreshing.result)
        refreshed, statistics_s = refreshing.result()
    summary["timings"] = {"statistics": statistics_s, **summary["timings"]}
    summary["statistics_refreshed"] = refreshed
    audit.record(actor, "condolence.roster_judged", "condolence_campaign", campaign_id,
                 {k: summary[k] for k in ("lines", "by_status", "ok", "ok_cash_fen", "updated")},
                 tenant_id=tenant_id)
    return {"campaign_id": campaign_id, "status": "judged", **summary}
