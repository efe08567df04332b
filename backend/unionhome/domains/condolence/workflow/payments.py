"""Disbursement by bank card (打卡发放): batches of payable lines, the bank batch file, the bank's
return file, and the guarantees that no line is ever paid twice.

* A batch takes payable lines only (eligibility.Payability): approved, noticed with the window closed,
  no undecided or upheld objection, not in another live payment. Asking for anything else is a 409 that
  names each line and why; nothing is created.
* At most one live payment (exported or paid) per line: a partial unique index in the database, the
  service check above, and the campaign row locked while a batch is built.
* The bank file carries full card numbers: county only, every download audited.
* The return file is matched row by row (序号, name, amount, card) and applied all or nothing; a payment
  already settled keeps its result, so re-importing the same file changes nothing, and a file that
  contradicts a settled result is refused. A failed line can go into a later batch.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    String,
    and_,
    case,
    column,
    func,
    insert,
    literal,
    select,
    update,
    values,
)
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_READ
from ...orgs.repository import subtree_clause
from ..models import CondolenceCampaign, CondolenceLine
from ..workflow_models import (
    PAYMENT_BATCH_STATUSES,
    PAYMENT_METHODS,
    PAYMENT_STATUSES,
    CondolencePayment,
    CondolencePaymentBatch,
)
from . import preparing
from .eligibility import BLOCK_REASONS, Payability, reason_text
from .scope import LineScope, get_campaign, org_in_scope, require_county, township_expr
from .sheets import CSV_MIMETYPE, Col, Export, Progress, Sheet, counted, safe_name, write_workbook

PAYING_CAMPAIGN = ("frozen", "noticing", "paying")
BANK_COLUMNS = (Col("序号", 7), Col("姓名", 12), Col("银行卡号", 24, text=True), Col("金额", 12, money=True),
                Col("开户行", 24), Col("备注", 30))


def _payability(ctx: RequestContext, campaign_id: int) -> tuple[Payability, LineScope]:
    return Payability(china_today(), bank=True), LineScope(ctx, campaign_id)


def preview(ctx: RequestContext, campaign_id: int, org_id: int | None = None) -> dict[str, Any]:
    """How many approved lines are payable now and, for the rest, why not (counts per reason)."""
    get_campaign(ctx, campaign_id)
    pay, scope = _payability(ctx, campaign_id)
    stmt = pay.joins(scope.select(pay.reason, func.count(), func.coalesce(func.sum(CondolenceLine.cash_fen), 0)))
    stmt = stmt.where(CondolenceLine.review_status == "county_approved")
    if org_id is not None:
        stmt = stmt.where(subtree_clause(scope.org.path, org_in_scope(ctx, org_id).path))
    rows = db.session.execute(stmt.group_by(pay.reason)).all()
    payable = next(((int(n), int(s)) for r, n, s in rows if r is None), (0, 0))
    blocked = [{"reason": r, "label": BLOCK_REASONS.get(r, r), "count": int(n), "amount_fen": int(s)}
               for r, n, s in rows if r is not None]
    blocked.sort(key=lambda b: list(BLOCK_REASONS).index(b["reason"]) if b["reason"] in BLOCK_REASONS else 99)
    return {"campaign_id": campaign_id, "payable": payable[0], "payable_fen": payable[1], "blocked": blocked}


def create_batch(ctx: RequestContext, campaign_id: int, data: dict[str, Any]) -> CondolencePaymentBatch:
    """Check the request and record the batch as `preparing`; its job (`fill_batch_job`) takes the
    payable lines. What can be refused at once is refused here (409, nothing created): a campaign not
    frozen, a batch already being prepared, named lines that are not payable, nothing payable at all."""
    require_county(ctx)
    line_ids = list(dict.fromkeys(data.get("line_ids") or []))
    org_id = data.get("org_id")
    with transaction():
        campaign = get_campaign(ctx, campaign_id, lock=True)
        if campaign.status not in PAYING_CAMPAIGN:
            raise InvalidState("名单经县总工会审定并公示后才能发放")
        preparing.refuse_busy(CondolencePaymentBatch, campaign_id, "发放批次")
        pay, scope = _payability(ctx, campaign_id)
        if line_ids:
            _refuse_unpayable(pay, scope, line_ids)
        else:
            conds = _conditions(ctx, scope, [], org_id)
            if db.session.execute(pay.joins(scope.select(CondolenceLine.id)).where(*conds, pay.reason.is_(None))
                                  .limit(1)).first() is None:
                _refuse_nothing_payable(ctx, campaign_id, org_id)
        seq_no = 1 + int(db.session.execute(select(func.count()).select_from(CondolencePaymentBatch).where(
            CondolencePaymentBatch.tenant_id == current_tenant_id(),
            CondolencePaymentBatch.campaign_id == campaign_id)).scalar_one())
        batch = CondolencePaymentBatch(
            campaign_id=campaign_id, batch_no=f"{campaign.year}-{campaign.id}-{seq_no:03d}", status=preparing.PREPARING,
            remark=data.get("remark") or f"{campaign.name}慰问金", payer_account=data.get("payer_account"),
            created_by=ctx.user_id, creator_name=ctx.display_name[:100])
        db.session.add(batch)
        db.session.flush()
        preparing.start(ctx, JOB_KIND, fill_batch_job, batch, {"line_ids": line_ids or None, "org_id": org_id})
    return batch


JOB_KIND = "condolence.payment_batch"


def _conditions(ctx: RequestContext, scope: LineScope, line_ids: list[int], org_id: int | None) -> list[Any]:
    if line_ids:
        return [CondolenceLine.id.in_(line_ids)]
    conds: list[Any] = [CondolenceLine.review_status == "county_approved"]
    if org_id is not None:
        conds.append(subtree_clause(scope.org.path, org_in_scope(ctx, org_id).path))
    return conds


def _refuse_nothing_payable(ctx: RequestContext, campaign_id: int, org_id: int | None) -> None:
    summary = preview(ctx, campaign_id, org_id)
    reasons = "、".join(f"{b['label']}{b['count']}户" for b in summary["blocked"]) or "没有已审定的对象"
    raise Conflict(f"没有可以发放的对象（{reasons}）", {"blocked": summary["blocked"]})


def fill_batch_job(tenant_id: int, job_id: int, batch_id: int, params: dict[str, Any],
                   actor: dict[str, Any]) -> dict[str, Any]:
    """The job: take the payable lines into the batch (see `preparing.run`)."""
    return preparing.run(tenant_id, CondolencePaymentBatch, batch_id, actor,
                         lambda ctx, batch, progress: _fill_batch(ctx, batch, params, progress))


def _fill_batch(ctx: RequestContext, batch: CondolencePaymentBatch, params: dict[str, Any],
                progress: preparing.Progress) -> dict[str, Any]:
    """Under the campaign's lock, in the job's one transaction: the payable lines (checked again, the
    roster may have moved since the request) become the batch's payments, numbered in file order.
    Nothing is written into the lines: "awaiting the bank" is their live exported payment."""
    campaign_id = batch.campaign_id
    campaign = get_campaign(ctx, campaign_id)
    if campaign.status not in PAYING_CAMPAIGN:
        raise InvalidState("名单经县总工会审定并公示后才能发放")
    line_ids = list(params.get("line_ids") or [])
    org_id = params.get("org_id")
    pay, scope = _payability(ctx, campaign_id)
    if line_ids:
        _refuse_unpayable(pay, scope, line_ids)
    conds = _conditions(ctx, scope, line_ids, org_id)
    payable = pay.joins(scope.select(
        literal(current_tenant_id(), BigInteger), literal(campaign_id, BigInteger), CondolenceLine.id,
        literal("bank", String), literal(batch.id, BigInteger),
        func.row_number().over(order_by=(township_expr(scope.org), scope.org.path, CondolenceLine.batch_id,
                                         CondolenceLine.row_no, CondolenceLine.id)),
        CondolenceLine.cash_fen, literal("exported", String))).where(*conds, pay.reason.is_(None))
    try:
        with db.session.begin_nested():
            db.session.execute(insert(CondolencePayment.__table__).from_select(
                ["tenant_id", "campaign_id", "line_id", "method", "batch_id", "seq", "amount_fen", "status"],
                payable))
    except IntegrityError:
        # The database's own guarantee (one live payment per line): another batch took a line meanwhile.
        raise Conflict("部分对象刚被列入其他发放批次或已发放，请重新生成") from None
    progress(2)
    batch.status = "exported"
    _recount(batch)
    if not batch.line_count:
        _refuse_nothing_payable(ctx, campaign_id, org_id)
    if campaign.status in ("frozen", "noticing"):
        campaign.status = "paying"
    batch.error = None
    audit.record(ctx, "condolence.payment_batch.create", "condolence_payment_batch", batch.id,
                 {"batch_no": batch.batch_no, "lines": batch.line_count, "total_fen": batch.total_fen,
                  "line_ids": line_ids or None, "org_id": org_id, "job_id": batch.job_id})
    progress(3)
    return {"payment_batch_id": batch.id, "batch_no": batch.batch_no, "lines": batch.line_count,
            "total_fen": batch.total_fen}


def _refuse_unpayable(pay: Payability, scope: LineScope, line_ids: list[int]) -> None:
    rows = db.session.execute(pay.joins(scope.select(CondolenceLine.id, CondolenceLine.name, pay.reason,
                                                     pay.notice.end_date))
                              .where(CondolenceLine.id.in_(line_ids))).all()
    found = {r.id: r for r in rows}
    missing = [i for i in line_ids if i not in found]
    if missing:
        raise ValidationFailed({"line_ids": f"以下对象不存在或不在本活动中：{'、'.join(map(str, missing[:10]))}"})
    refused = {r.id: f"{r.name}：{reason_text(r.reason, r.end_date)}" for r in rows if r.reason is not None}
    if refused:
        shown = "；".join(list(refused.values())[:5])
        more = f"等{len(refused)}户" if len(refused) > 5 else ""
        raise Conflict(f"以下对象不能发放：{shown}{more}；未生成发放批次", {"lines": {str(k): v for k, v in refused.items()}})


def _recount(batch: CondolencePaymentBatch) -> None:
    tid = current_tenant_id()
    p = CondolencePayment
    row = db.session.execute(select(
        func.count().filter(p.status != "cancelled"), func.coalesce(func.sum(p.amount_fen).filter(p.status != "cancelled"), 0),
        func.count().filter(p.status == "paid"), func.coalesce(func.sum(p.amount_fen).filter(p.status == "paid"), 0),
        func.count().filter(p.status == "failed"), func.count().filter(p.status == "exported"),
    ).where(p.tenant_id == tid, p.batch_id == batch.id)).one()
    batch.line_count, batch.total_fen, batch.paid_count, batch.paid_fen, batch.failed_count = map(int, row[:5])
    if batch.status != "cancelled" and batch.results_imported_at is not None:
        batch.status = "completed" if int(row[5]) == 0 else "partial"


# ---- reading -------------------------------------------------------------------------------------


def get_batch(ctx: RequestContext, payment_batch_id: int) -> CondolencePaymentBatch:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    batch = db.session.execute(select(CondolencePaymentBatch).where(
        CondolencePaymentBatch.tenant_id == current_tenant_id(),
        CondolencePaymentBatch.id == payment_batch_id)).scalar_one_or_none()
    if batch is None:
        raise NotFound("发放批次不存在")
    preparing.settle_if_gone(batch)
    return batch


def batches_stmt(ctx: RequestContext, campaign_id: int) -> Select[Any]:
    get_campaign(ctx, campaign_id)
    return (select(CondolencePaymentBatch).where(CondolencePaymentBatch.tenant_id == current_tenant_id(),
                                                 CondolencePaymentBatch.campaign_id == campaign_id)
            .order_by(CondolencePaymentBatch.id.desc()))


def batch_view(b: CondolencePaymentBatch) -> dict[str, Any]:
    return {"id": b.id, "campaign_id": b.campaign_id, "batch_no": b.batch_no, "status": b.status,
            "status_label": PAYMENT_BATCH_STATUSES.get(b.status), "line_count": b.line_count, "total_fen": b.total_fen,
            "paid_count": b.paid_count, "paid_fen": b.paid_fen, "failed_count": b.failed_count,
            "pending_count": max(0, b.line_count - b.paid_count - b.failed_count), "remark": b.remark,
            "payer_account": b.payer_account, "downloads": b.downloads, "result_filename": b.result_filename,
            "results_imported_at": b.results_imported_at, "creator_name": b.creator_name, "created_at": b.created_at,
            "version": b.version, "job_id": b.job_id, "error": b.error}


def payments_stmt(ctx: RequestContext, batch: CondolencePaymentBatch, args: dict[str, Any]) -> Select[Any]:
    scope = LineScope(ctx, batch.campaign_id)
    stmt = scope.select(CondolencePayment, CondolenceLine).join(
        CondolencePayment, and_(CondolencePayment.tenant_id == scope.tid, CondolencePayment.line_id == CondolenceLine.id)
    ).where(CondolencePayment.batch_id == batch.id)
    if args.get("status"):
        stmt = stmt.where(CondolencePayment.status == args["status"])
    return stmt.order_by(CondolencePayment.seq)


def payment_view(p: CondolencePayment, line: CondolenceLine) -> dict[str, Any]:
    return {"id": p.id, "batch_id": p.batch_id, "seq": p.seq, "line_id": p.line_id, "name": line.name,
            "bank_card_masked": f"**** **** **** {line.bank_card_last4}" if line.bank_card_last4 else None,
            "bank_name": line.bank_name, "method": p.method, "method_label": PAYMENT_METHODS.get(p.method),
            "amount_fen": p.amount_fen, "status": p.status, "status_label": PAYMENT_STATUSES.get(p.status),
            "failure_reason": p.failure_reason, "paid_at": p.paid_at}


# ---- the bank file -------------------------------------------------------------------------------


def bank_file(ctx: RequestContext, batch: CondolencePaymentBatch, fmt: str) -> Export:
    """The file for the bank, with full card numbers (decrypted here, county only, audited)."""
    export = bank_file_export(ctx, batch, fmt)
    with transaction():
        batch.downloads += 1
        audit.record(ctx, "condolence.payment_batch.download", "condolence_payment_batch", batch.id,
                     {"format": fmt, "rows": export.rows, "full_card_numbers": True})
    return export


def bank_file_export(ctx: RequestContext, batch: CondolencePaymentBatch, fmt: str,
                     progress: Progress | None = None) -> Export:
    """Build the bank file (no audit: `bank_file` and the export download audit each download)."""
    require_county(ctx)
    require_ready(batch)
    campaign = db.session.get(CondolenceCampaign, (batch.tenant_id, batch.campaign_id))
    assert campaign is not None
    cipher, tid = get_cipher(), current_tenant_id()
    stmt = (select(CondolencePayment.seq, CondolenceLine.name, CondolenceLine.bank_card_enc, CondolencePayment.amount_fen,
                   CondolenceLine.bank_name)
            .join(CondolenceLine, and_(CondolenceLine.tenant_id == tid, CondolenceLine.id == CondolencePayment.line_id))
            .where(CondolencePayment.tenant_id == tid, CondolencePayment.batch_id == batch.id,
                   CondolencePayment.status.in_(("exported", "paid", "failed")))
            .order_by(CondolencePayment.seq))
    rows = [(seq, name, cipher.decrypt(tid, card) if card is not None else "", amount, bank or "", batch.remark or "")
            for seq, name, card, amount, bank in counted(
                db.session.execute(stmt.execution_options(yield_per=5000)), progress, batch.line_count)]
    base = f"{safe_name(campaign.name)}-打卡发放-{batch.batch_no}"
    if fmt == "csv":
        export = _csv(rows, f"{base}.csv", f"bank-{batch.batch_no}.csv")
    else:
        out, n = write_workbook([Sheet(title=f"{campaign.name}慰问金打卡发放明细（批次{batch.batch_no}）",
                                       columns=BANK_COLUMNS, numbered=False, name="发放明细",
                                       rows=([s, nm, c, a / 100, b, r] for s, nm, c, a, b, r in rows),
                                       info=[f"付款账户：{batch.payer_account or '—'}    笔数：{batch.line_count}    "
                                             f"金额合计：{batch.total_fen / 100:.2f}元"])])
        export = Export(out, f"{base}.xlsx", f"bank-{batch.batch_no}.xlsx", n)
    return export


def _csv(rows: list[tuple[Any, ...]], filename: str, ascii_name: str) -> Export:
    """GB18030, the encoding Chinese banks' batch systems and Excel on Chinese Windows read."""
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\r\n")
    w.writerow([c.header for c in BANK_COLUMNS])
    for seq, name, card, amount, bank, remark in rows:
        w.writerow([seq, name, card, f"{amount / 100:.2f}", bank, remark])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to send_file, which closes it
    out.write(text.getvalue().encode("gb18030"))
    out.seek(0)
    return Export(out, filename, ascii_name, len(rows), CSV_MIMETYPE)


def require_ready(batch: CondolencePaymentBatch) -> None:
    """A batch whose payments are written and that still stands (files, results)."""
    if batch.status == preparing.PREPARING:
        raise InvalidState("该发放批次正在生成，请稍候")
    if batch.status == preparing.FAILED:
        raise InvalidState(f"该发放批次生成失败（{batch.error or '未知原因'}），没有发放对象，请重新生成批次")
    if batch.status == "cancelled":
        raise InvalidState("该发放批次已撤销")


def cancel_batch(ctx: RequestContext, batch: CondolencePaymentBatch, comment: str | None) -> CondolencePaymentBatch:
    """Withdraw a batch the bank has not answered yet: its lines become payable again."""
    require_county(ctx)
    if batch.status in (preparing.PREPARING, preparing.FAILED, "cancelled"):
        require_ready(batch)
    if batch.status != "exported":
        raise InvalidState("银行已回盘的批次不能撤销")
    with transaction():
        tid = current_tenant_id()
        ids = list(db.session.execute(update(CondolencePayment).where(
            CondolencePayment.tenant_id == tid, CondolencePayment.batch_id == batch.id,
            CondolencePayment.status == "exported").values(status="cancelled")
            .returning(CondolencePayment.line_id).execution_options(synchronize_session=False)).scalars())
        # Lines are no longer marked exported when batched (their live payment says so); lines marked
        # before that change go back to unpaid.
        db.session.execute(update(CondolenceLine).where(CondolenceLine.tenant_id == tid, CondolenceLine.id.in_(ids),
                                                        CondolenceLine.payment_status == "exported")
                           .values(payment_status="unpaid").execution_options(synchronize_session=False))
        batch.status = "cancelled"
        _recount(batch)
        audit.record(ctx, "condolence.payment_batch.cancel", "condolence_payment_batch", batch.id,
                     {"lines": len(ids), "comment": comment})
    return batch


def save_upload(upload: Any) -> tuple[str, str]:
    """(temporary path, clean filename) of an uploaded file; the caller removes the path."""
    filename = os.path.basename((getattr(upload, "filename", None) or "upload").replace("\\", "/"))[:255] or "upload"
    fd, path = tempfile.mkstemp(suffix=os.path.splitext(filename)[1].lower()[:8])
    with os.fdopen(fd, "wb") as f:
        while chunk := upload.stream.read(1 << 20):
            f.write(chunk)
    return path, filename


def apply_results(ctx: RequestContext, batch: CondolencePaymentBatch, results: dict[int, tuple[str, str | None]],
                  filename: str) -> dict[str, Any]:
    """Apply checked results {payment id: (paid|failed, reason)} inside the caller's transaction;
    settled payments keep theirs (a re-imported file changes nothing)."""
    tid = current_tenant_id()
    now = datetime.now(UTC)
    current = dict(db.session.execute(select(CondolencePayment.id, CondolencePayment.status).where(
        CondolencePayment.tenant_id == tid, CondolencePayment.batch_id == batch.id,
        CondolencePayment.id.in_(list(results)))).all())
    changes = [(pid, st, reason) for pid, (st, reason) in results.items() if current.get(pid) == "exported"]
    paid = sum(1 for _, st, _ in changes if st == "paid")
    if changes:
        v = values(column("id", BigInteger), column("status", String), column("reason", String), name="v").data(changes)
        db.session.execute(
            update(CondolencePayment).where(CondolencePayment.tenant_id == tid, CondolencePayment.id == v.c.id,
                                            CondolencePayment.status == "exported")
            .values(status=v.c.status, failure_reason=v.c.reason, updated_at=now,
                    paid_at=case((v.c.status == "paid", literal(now)), else_=None))
            .execution_options(synchronize_session=False))
        db.session.execute(
            update(CondolenceLine).where(CondolenceLine.tenant_id == tid, CondolencePayment.tenant_id == tid,
                                         CondolencePayment.line_id == CondolenceLine.id,
                                         CondolencePayment.id.in_([c[0] for c in changes]))
            .values(payment_status=CondolencePayment.status, paid_at=CondolencePayment.paid_at)
            .execution_options(synchronize_session=False))
    batch.result_filename, batch.results_imported_at = filename[:255], now
    _recount(batch)
    summary = {"rows": len(results), "paid": paid, "failed": len(changes) - paid, "unchanged": len(results) - len(changes)}
    audit.record(ctx, "condolence.payment_batch.results", "condolence_payment_batch", batch.id,
                 {"file": filename, **summary})
    return summary
