"""Nomination batches (推荐批次): a union's uploaded workbook or the lines it enters by hand.

A batch is a dry run (试算) until the union submits it (上报): it is read and judged like any other,
against the submitted lines, but counts for nobody (quotas, budgets, other unions' duplicates). Upload
with `submit=true` to submit at once: the batch then takes its place in the stable order at upload
time, whatever order the workers finish reading in. Nothing is accepted after the nomination deadline
or for a union outside the user's org subtree.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import Select, delete, func, select

from ....core import audit, cnid
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, ValidationFailed
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.spreadsheets import DEFAULT_LIMITS
from ....core.storage import get_storage, object_key
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_NOMINATE
from ...orgs.models import Org
from ...orgs.repository import OrgRepository
from .. import repository as repo
from ..models import BATCH_STATUSES, CHECK_STATUSES, CondolenceBatch, CondolenceCampaign, CondolenceLine
from ..roster import checks
from ..roster import jobs as roster_jobs
from .campaigns import require_nominations_open

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_EXT = (".xlsx", ".xls", ".csv")
PROBLEMS_SHOWN = 50


def list_stmt(ctx: RequestContext, campaign: CondolenceCampaign, args: dict[str, Any]) -> Select[Any]:
    stmt = repo.batches_visible(ctx).where(CondolenceBatch.campaign_id == campaign.id)
    for key in ("org_id", "status", "source"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(CondolenceBatch, key) == args[key])
    return stmt.order_by(CondolenceBatch.id.desc())


def get_batch(ctx: RequestContext, batch_id: int) -> CondolenceBatch:
    return repo.get_batch(ctx, batch_id)


def _nominating_org(ctx: RequestContext, org_id: int | None) -> Org:
    org_id = org_id or ctx.scope_org_id
    if org_id is None:
        raise ValidationFailed({"org_id": "请选择推荐单位（工会）"})
    org = OrgRepository().get_in_scope(ctx, org_id)
    if org is None:
        raise ValidationFailed({"org_id": "推荐单位不存在或不在您的管辖范围内"})
    return org


def _save(stream: IO[bytes]) -> tuple[IO[bytes], int, str]:
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1 << 20):
        size += len(chunk)
        if size > DEFAULT_LIMITS.max_file_bytes:
            tmp.close()
            raise ValidationFailed({"file": f"文件过大，上限为 {DEFAULT_LIMITS.max_file_bytes // 1048576} MB"})
        tmp.write(chunk)
        digest.update(chunk)
    tmp.seek(0)
    return tmp, size, digest.hexdigest()


def upload_batch(ctx: RequestContext, campaign_id: int, data: dict[str, Any], upload: Any, *,
                 start: bool = True) -> CondolenceBatch:
    """Store the workbook under the tenant's prefix, record the batch and have the roster job read it.
    `start=False` leaves it for a later `request` (the benchmark uploads first, then times the job)."""
    ctx.require(CONDOLENCE_NOMINATE)
    campaign = repo.get_campaign(ctx, campaign_id)
    require_nominations_open(campaign)
    org = _nominating_org(ctx, data.get("org_id"))
    if upload is None:
        raise ValidationFailed({"file": "请选择要上传的推荐名单文件"})
    filename = os.path.basename((getattr(upload, "filename", None) or "").replace("\\", "/"))[:255] or "推荐名单.xlsx"
    ext = os.path.splitext(filename)[1].lower()
    if ext not in ALLOWED_EXT:
        raise ValidationFailed({"file": "请上传 Excel(.xlsx/.xls) 或 CSV 文件"})
    tmp, size, sha = _save(upload.stream)
    with tmp:
        if size == 0:
            raise ValidationFailed({"file": "文件为空（0字节），请检查后重新上传"})
        tid = current_tenant_id()
        same = db.session.execute(select(CondolenceBatch).where(
            CondolenceBatch.tenant_id == tid, CondolenceBatch.campaign_id == campaign.id,
            CondolenceBatch.org_id == org.id, CondolenceBatch.file_sha256 == sha,
            CondolenceBatch.status != "failed")).scalars().first()
        if same is not None:
            raise Conflict(f"同一文件已上传过（批次#{same.id}，{BATCH_STATUSES.get(same.status, same.status)}），"
                           "无需重复上传；修改后的名单请另存后上传")
        key = object_key(tid, "condolence", ext)
        get_storage().put(key, tmp, content_type=XLSX if ext == ".xlsx" else "application/octet-stream")
    with transaction():
        campaign = repo.get_campaign(ctx, campaign_id, for_update=True)
        require_nominations_open(campaign)  # again, under the lock
        now = datetime.now(UTC)
        batch = CondolenceBatch(tenant_id=tid, campaign_id=campaign.id, org_id=org.id, source="upload",
                                filename=filename, storage_key=key, file_sha256=sha, file_size=size, status="uploaded",
                                submitted_at=now if data.get("submit") else None, created_by=ctx.user_id)
        db.session.add(batch)
        db.session.flush()
        audit.record(ctx, "condolence.batch_upload", "condolence_batch", batch.id,
                     {"campaign_id": campaign.id, "org_id": org.id, "filename": filename, "size": size, "sha256": sha,
                      "submit": bool(data.get("submit"))})
        if start:
            batch.job_id = roster_jobs.request(ctx, campaign)
    return batch


def create_manual_batch(ctx: RequestContext, campaign_id: int, data: dict[str, Any]) -> CondolenceBatch:
    ctx.require(CONDOLENCE_NOMINATE)
    with transaction():
        campaign = repo.get_campaign(ctx, campaign_id, for_update=True)
        require_nominations_open(campaign)
        org = _nominating_org(ctx, data.get("org_id"))
        batch = CondolenceBatch(tenant_id=current_tenant_id(), campaign_id=campaign.id, org_id=org.id, source="manual",
                                filename=None, status="processed", created_by=ctx.user_id)
        db.session.add(batch)
        db.session.flush()
        audit.record(ctx, "condolence.batch_create", "condolence_batch", batch.id,
                     {"campaign_id": campaign.id, "org_id": org.id, "source": "manual"})
    return batch


def _campaign_open_for(ctx: RequestContext, batch: CondolenceBatch) -> CondolenceCampaign:
    ctx.require(CONDOLENCE_NOMINATE)
    campaign = repo.get_campaign(ctx, batch.campaign_id, for_update=True)
    require_nominations_open(campaign)
    return campaign


def submit_batch(ctx: RequestContext, batch: CondolenceBatch) -> CondolenceBatch:
    """上报: the batch's lines now count (quotas, budget, others' duplicates), after those already
    submitted."""
    with transaction():
        campaign = _campaign_open_for(ctx, batch)
        db.session.refresh(batch)
        if batch.status == "submitted":
            raise InvalidState("该批次已上报")
        if batch.status != "processed":
            raise InvalidState(f"批次当前状态为“{BATCH_STATUSES.get(batch.status, batch.status)}”，校验完成后才能上报")
        pending = db.session.execute(select(func.count()).where(
            CondolenceLine.tenant_id == batch.tenant_id, CondolenceLine.batch_id == batch.id)).scalar_one()
        if not pending:
            raise InvalidState("批次中没有推荐名单，不能上报")
        batch.status = "submitted"
        batch.submitted_at = datetime.now(UTC)
        audit.record(ctx, "condolence.batch_submit", "condolence_batch", batch.id, {"status": ["processed", "submitted"]})
        roster_jobs.request(ctx, campaign)
    return batch


def reprocess_batch(ctx: RequestContext, batch: CondolenceBatch) -> CondolenceBatch:
    """重新校验 one uploaded batch that failed or is still a dry run: read its workbook again."""
    with transaction():
        campaign = _campaign_open_for(ctx, batch)
        db.session.refresh(batch)
        if batch.source != "upload":
            raise InvalidState("手工录入的批次无需重新读取文件")
        if batch.status not in ("failed", "processed"):
            raise InvalidState(f"批次当前状态为“{BATCH_STATUSES.get(batch.status, batch.status)}”，不能重新校验")
        old = batch.status
        batch.status = "uploaded"
        batch.error_message = None
        audit.record(ctx, "condolence.batch_reprocess", "condolence_batch", batch.id, {"status": [old, "uploaded"]})
        batch.job_id = roster_jobs.request(ctx, campaign)
    return batch


def delete_batch(ctx: RequestContext, batch: CondolenceBatch) -> None:
    """Delete a batch that was never submitted (a dry run or a failed upload) with its lines."""
    ctx.require(CONDOLENCE_NOMINATE)
    with transaction():
        repo.get_campaign(ctx, batch.campaign_id, for_update=True)
        db.session.refresh(batch)
        if batch.status == "submitted":
            raise InvalidState("已上报的批次不能删除，请在审核中退回或驳回")
        if batch.status == "processing":
            raise InvalidState("批次正在校验中，请稍后再删除")
        tid = current_tenant_id()
        db.session.execute(delete(CondolenceLine).where(CondolenceLine.tenant_id == tid,
                                                        CondolenceLine.batch_id == batch.id))
        audit.record(ctx, "condolence.batch_delete", "condolence_batch", batch.id,
                     {"filename": batch.filename, "status": batch.status, "lines": batch.lines_total})
        db.session.delete(batch)


# ---- manual lines ------------------------------------------------------------------------------

def _line_fields(campaign: CondolenceCampaign, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a hand-entered line like a workbook row, but refuse it (422) instead of keeping a bad line."""
    errors: dict[str, str] = {}
    name, err = checks.parse_name(data["name"])
    if err:
        errors["name"] = err
    try:
        number = cnid.parse_id_number(data["id_number"], today=china_today()).number
    except cnid.InvalidIdentifier as e:
        errors["id_number"] = f"身份证号{e.message}" if not e.message.startswith("身份证") else e.message
        number = ""
    card = None
    if data.get("bank_card"):
        try:
            card = cnid.parse_bank_card(data["bank_card"])
        except cnid.InvalidIdentifier as e:
            errors["bank_card"] = f"银行卡号{e.message}" if not e.message.startswith("银行卡") else e.message
    mobile = None
    if data.get("mobile"):
        try:
            mobile = cnid.parse_mobile(data["mobile"])
        except cnid.InvalidIdentifier as e:
            errors["mobile"] = e.message
    codes = {c.code: c for c in repo.categories(campaign.id)}
    cat = data.get("category_code")
    if cat and cat not in codes:
        errors["category_code"] = f"类别“{cat}”不在本活动的类别中（可选：{'、'.join(c.name for c in codes.values())}）"
    if errors:
        raise ValidationFailed(errors)
    cipher, tid = get_cipher(), current_tenant_id()
    return {
        "name": name, "id_enc": cipher.encrypt(tid, number), "id_hash": cipher.lookup_hash(tid, "id_number", number),
        "id_last4": number[-4:], "id_region": number[:6],
        "bank_card_enc": cipher.encrypt(tid, card) if card else None,
        "bank_card_hash": cipher.lookup_hash(tid, "bank_card", card) if card else None,
        "bank_card_last4": card[-4:] if card else None, "bank_name": data.get("bank_name"), "mobile": mobile,
        "category_code": cat or None, "reason": data.get("reason"), "work_unit": data.get("work_unit"),
    }


def add_line(ctx: RequestContext, batch: CondolenceBatch, data: dict[str, Any]) -> CondolenceLine:
    with transaction():
        campaign = _campaign_open_for(ctx, batch)
        db.session.refresh(batch)
        if batch.source != "manual":
            raise InvalidState("上传的批次不能逐条添加，请修改文件后重新上传")
        if batch.status != "processed" or batch.submitted_at is not None:
            raise InvalidState("已上报的批次不能再添加")
        fields = _line_fields(campaign, data)
        tid = current_tenant_id()
        row_no = int(db.session.execute(select(func.coalesce(func.max(CondolenceLine.row_no), 0)).where(
            CondolenceLine.tenant_id == tid, CondolenceLine.batch_id == batch.id)).scalar_one()) + 1
        cash, goods = data.get("cash_fen"), data.get("goods_fen")
        cats = {c.code: c for c in repo.categories(campaign.id)}
        if fields["category_code"]:
            cat = cats[fields["category_code"]]
            cash = cat.standard_cash_fen if cash is None else cash
            goods = cat.standard_goods_fen if goods is None else goods
        line = CondolenceLine(tenant_id=tid, campaign_id=campaign.id, batch_id=batch.id, org_id=batch.org_id,
                              township_org_id=repo.township_of(batch.org_id), row_no=row_no, cash_fen=cash or 0,
                              goods_fen=goods or 0, sheet_cash_fen=data.get("cash_fen"),
                              sheet_goods_fen=data.get("goods_fen"), check_status="pending", review_status="pending",
                              payment_status="unpaid", objection_upheld=False, **fields)
        line.sheet_category_code = line.category_code
        db.session.add(line)
        db.session.flush()
        batch.lines_total = row_no
        batch.checked_basis = None  # the next judgement checks the batch's lines again
        audit.record(ctx, "condolence.line_add", "condolence_line", line.id,
                     {"batch_id": batch.id, "name": line.name, "id_last4": line.id_last4})
        roster_jobs.request(ctx, campaign)
    return line


def delete_line(ctx: RequestContext, line: CondolenceLine) -> None:
    with transaction():
        batch = repo.get_batch(ctx, line.batch_id)
        _campaign_open_for(ctx, batch)
        if batch.source != "manual" or batch.submitted_at is not None:
            raise InvalidState("只能删除未上报的手工录入批次中的名单")
        audit.record(ctx, "condolence.line_delete", "condolence_line", line.id,
                     {"batch_id": batch.id, "name": line.name, "id_last4": line.id_last4})
        db.session.delete(line)
        batch.lines_total = max(0, batch.lines_total - 1)


# ---- views -------------------------------------------------------------------------------------

def views(items: list[CondolenceBatch], *, detail: bool = False) -> list[dict[str, Any]]:
    names = repo.org_names({b.org_id for b in items})
    out = []
    for b in items:
        data = {k: getattr(b, k) for k in (
            "id", "campaign_id", "org_id", "source", "filename", "file_size", "status", "error_message", "notice",
            "job_id", "sheet_name", "header_row", "lines_total", "rows_skipped", "lines_ok", "lines_rejected",
            "submitted_at", "created_by", "created_at", "updated_at", "version")}
        data["org_name"] = names.get(b.org_id)
        data["status_label"] = BATCH_STATUSES.get(b.status, b.status)
        data["counted"] = b.submitted_at is not None and b.status == "submitted"
        if detail:
            data.update(_detail(b))
        out.append(data)
    return out


def _detail(b: CondolenceBatch) -> dict[str, Any]:
    tid = current_tenant_id()
    by_status = {s: int(n) for s, n in db.session.execute(
        select(CondolenceLine.check_status, func.count()).where(
            CondolenceLine.tenant_id == tid, CondolenceLine.batch_id == b.id).group_by(CondolenceLine.check_status))}
    by_code = {c: int(n) for c, n in db.session.execute(
        select(CondolenceLine.check_code, func.count()).where(
            CondolenceLine.tenant_id == tid, CondolenceLine.batch_id == b.id,
            CondolenceLine.check_code.is_not(None)).group_by(CondolenceLine.check_code))}
    problems = [{"line_id": lid, "row_no": row, "name": name, "check_status": st, "check_code": code,
                 "check_reason": reason}
                for lid, row, name, st, code, reason in db.session.execute(
                    select(CondolenceLine.id, CondolenceLine.row_no, CondolenceLine.name, CondolenceLine.check_status,
                           CondolenceLine.check_code, CondolenceLine.check_reason)
                    .where(CondolenceLine.tenant_id == tid, CondolenceLine.batch_id == b.id,
                           CondolenceLine.check_status.not_in(("ok", "pending")))
                    .order_by(CondolenceLine.row_no).limit(PROBLEMS_SHOWN))]
    return {"by_status": {k: by_status.get(k, 0) for k in CHECK_STATUSES if by_status.get(k)}, "by_code": by_code,
            "problems": problems}
