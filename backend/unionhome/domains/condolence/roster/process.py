"""The steps of the roster job, each its own transaction (the job functions in `jobs` chain them):

- `claim`: take the campaign's uploaded batches (and batches a dead job left half-read);
- `BatchReader.read`: fetch one workbook from S3 and write its rows as lines to be judged (待校验),
  or fail the batch with the file's problem; committed with the job's checkpoint;
- `judge_campaign`: judge every line of the campaign set-based (`repository.judge`).

All run in the tenant's context; a step repeated after a crash leaves the same result (a batch read
again first deletes the lines of its previous reading; the judgement is deterministic).
"""

from __future__ import annotations

import logging
import tempfile
import time
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
from ..repository import township_of
from . import checks, parse, repository
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


class BatchReader:
    """Reads claimed batches of one campaign (the keys and categories are looked up once)."""

    def __init__(self, tenant_id: int, campaign_id: int) -> None:
        self.tenant_id = tenant_id
        self.campaign_id = campaign_id
        self.crypto = checks.RowCrypto(get_cipher(), tenant_id)
        self.categories = category_lookup(campaign_id)
        self.today = china_today()
        self.timings: dict[str, float] = {}

    def read(self, batch_id: int) -> dict[str, Any]:
        """Write one batch's rows as lines (not committed: the caller's checkpoint commits them). A batch
        not in 'processing' any more (withdrawn meanwhile) is left alone."""
        batch = db.session.get(CondolenceBatch, (self.tenant_id, batch_id))
        if batch is None or batch.status != "processing" or batch.parsed_at is not None:
            return {"batch_id": batch_id, "skipped": True}
        repository.clear_lines(db.session, self.tenant_id, [batch_id])
        result = parse.ReadResult()
        builder = parse.RowBuilder(self.crypto, self.categories, self.today)
        township = township_of(batch.org_id)
        try:
            with tempfile.TemporaryDirectory(prefix="uh-roster-") as tmp:
                path = Path(tmp) / "nominations"
                t0 = time.perf_counter()
                _fetch(batch.storage_key or "", path)
                self.timings["fetch"] = self.timings.get("fetch", 0.0) + time.perf_counter() - t0
                with db.session.begin_nested():
                    n = repository.copy_lines(
                        db.session, tenant_id=self.tenant_id, campaign_id=self.campaign_id, batch_id=batch_id,
                        org_id=batch.org_id, township_org_id=township,
                        rows=parse.read_rows(path, batch.filename or "", builder, result), timings=self.timings)
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
        batch.rows_skipped = result.rows_skipped
        batch.lines_total = n
        batch.sheet_name = result.sheet_name
        batch.header_row = result.header_row
        batch.notice = result.notice
        batch.error_message = None
        return {"batch_id": batch_id, "rows": n, "skipped": result.skipped}


def _fetch(key: str, path: Path) -> None:
    with path.open("wb") as f:
        for chunk in get_storage().iter_chunks(key):
            f.write(chunk)


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


def judge_campaign(tenant_id: int, campaign_id: int, *, actor: Any = None) -> dict[str, Any]:
    """Judge the campaign's lines (not committed). A frozen campaign (the county approved its roster) is
    never judged again: batches read for it meanwhile, if any, fail."""
    campaign = db.session.get(CondolenceCampaign, (tenant_id, campaign_id))
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
    summary = repository.judge(db.session, tenant_id, campaign, categories_of(campaign_id), rules=rules,
                               ref_date=ref, income_limit_fen=income_limit_fen(rules, ref))
    audit.record(actor, "condolence.roster_judged", "condolence_campaign", campaign_id,
                 {k: summary[k] for k in ("lines", "by_status", "ok", "ok_cash_fen", "updated")},
                 tenant_id=tenant_id)
    return {"campaign_id": campaign_id, "status": "judged", **summary}
