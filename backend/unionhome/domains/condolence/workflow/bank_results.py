"""The bank's return file (回盘文件) of a payment batch: which transfers went through and which failed.

Banks return the batch file with a result column added, in their own layouts: the header is found by
synonyms (序号/编号, 姓名/户名/收款人, 金额/交易金额, 处理结果/状态/交易结果, 失败原因/错误信息 …), below
any title rows. Every row must match its payment by 序号, name, amount and (when given) the card's last
four digits; one problem anywhere and nothing is applied, with every problem listed by sheet row.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, select

from ....core.cnid import normalize_code, normalize_person_name
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, ValidationFailed
from ....core.security import RequestContext
from ....core.spreadsheets import Column, SpreadsheetError, open_file
from ....core.spreadsheets.cells import as_text, integer, person_name, text
from ....core.spreadsheets.errors import CellError
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..models import CondolenceLine
from ..workflow_models import PAYMENT_STATUSES, CondolencePayment, CondolencePaymentBatch
from .payments import apply_results, require_ready, save_upload
from .scope import require_county

MAX_ERRORS = 50
_PAID_WORDS = ("成功", "已入账", "入账", "已支付", "已到账", "已发放", "success", "succeeded", "ok", "paid")
_FAILED_WORDS = ("失败", "退回", "退票", "未入账", "拒绝", "异常", "fail", "failed", "error", "rejected")


def _money(value: Any) -> int:
    """Yuan as typed (500, 500.00, ￥1,000.5, 500元) → fen; more than two decimals is an error."""
    if isinstance(value, bool):
        raise CellError("金额应为数字")
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    else:
        s = normalize_code(as_text(value)).replace(",", "").replace("￥", "").replace("¥", "").removesuffix("元")
        try:
            amount = Decimal(s)
        except InvalidOperation:
            raise CellError("金额应为数字（元）") from None
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise CellError("金额最多保留两位小数")
    return int(fen)


def _card(value: Any) -> str:
    if isinstance(value, float):  # a card number typed as a number has lost its last digits
        raise CellError("银行卡号被存成了数字，末几位已丢失")
    return normalize_code(as_text(value))


COLUMNS = (
    Column("seq", "序号", ("编号", "行号", "顺序号", "流水序号", "明细序号"), required=True, parse=integer(1, 10**7, units="")),
    Column("name", "姓名", ("户名", "收款人", "收款人姓名", "账户名称", "收款户名", "账户名", "收款人户名"), required=True,
           parse=person_name(60)),
    Column("card", "银行卡号", ("卡号", "账号", "收款账号", "银行账号", "收款人账号", "收款卡号"), parse=_card),
    Column("amount", "金额", ("交易金额", "发放金额", "实发金额", "入账金额", "付款金额"), parse=_money),
    Column("result", "处理结果", ("状态", "交易状态", "结果", "处理状态", "交易结果", "入账结果", "是否成功", "回盘结果"),
           required=True, parse=text(60)),
    Column("reason", "失败原因", ("原因", "错误信息", "失败信息", "返回信息", "失败说明", "处理说明", "返回原因", "错误原因"),
           parse=text(200)),
)


def _outcome(raw: str) -> str | None:
    s = re.sub(r"\s+", "", raw).lower()
    if any(w in s for w in _FAILED_WORDS):
        return "failed"
    if any(w in s for w in _PAID_WORDS):
        return "paid"
    return None


def import_results(ctx: RequestContext, batch: CondolencePaymentBatch, upload: Any) -> dict[str, Any]:
    require_county(ctx)
    if batch.status == "cancelled":
        raise InvalidState("该发放批次已撤销，不能导入回盘")
    require_ready(batch)
    path, filename = save_upload(upload)
    try:
        try:
            with open_file(path, filename, COLUMNS) as opened:
                rows = [r for chunk in opened.reader().chunks(5000) for r in chunk]
        except SpreadsheetError as err:
            raise ValidationFailed({"file": str(err)}, "回盘文件无法读取") from None
    finally:
        os.unlink(path)
    if not rows:
        raise ValidationFailed({"file": "回盘文件中没有记录"}, "回盘文件中没有记录")
    with transaction():
        db.session.refresh(batch, with_for_update=True)
        payments = _payments(batch)
        results, errors, conflicts = _match(rows, payments)
        if errors:
            raise ValidationFailed({"file": errors[:MAX_ERRORS]},
                                   f"回盘文件有{len(errors)}处问题，未做任何修改：{errors[0]}")
        if conflicts:
            raise Conflict(f"回盘文件与已导入的结果不一致，未做任何修改：{conflicts[0]}", {"rows": conflicts[:MAX_ERRORS]})
        return apply_results(ctx, batch, results, filename)


def _payments(batch: CondolencePaymentBatch) -> dict[int, Any]:
    tid = current_tenant_id()
    rows = db.session.execute(
        select(CondolencePayment.seq, CondolencePayment.id, CondolencePayment.status, CondolencePayment.amount_fen,
               CondolenceLine.name, CondolenceLine.bank_card_last4)
        .join(CondolenceLine, and_(CondolenceLine.tenant_id == tid, CondolenceLine.id == CondolencePayment.line_id))
        .where(CondolencePayment.tenant_id == tid, CondolencePayment.batch_id == batch.id)).all()
    return {r.seq: r for r in rows}


def _match(rows: list[Any], payments: dict[int, Any]) -> tuple[dict[int, tuple[str, str | None]], list[str], list[str]]:
    results: dict[int, tuple[str, str | None]] = {}
    errors: list[str] = []
    conflicts: list[str] = []
    seen: dict[int, int] = {}
    for r in rows:
        if r.ok:
            _check_row(r, payments, seen, results, conflicts)
        errors += [i.text() for i in r.issues]
    return results, errors, conflicts


def _check_row(r: Any, payments: dict[int, Any], seen: dict[int, int], results: dict[int, tuple[str, str | None]],
               conflicts: list[str]) -> None:
    v = r.values
    seq = v["seq"]
    p = payments.get(seq)
    if p is None:
        r.error("seq", f"序号{seq}不在本发放批次中")
        return
    if seq in seen:
        r.error("seq", f"序号{seq}重复（第{seen[seq]}行已有）")
        return
    seen[seq] = r.number
    if normalize_person_name(v["name"]) != p.name:
        r.error("name", f"姓名与发放文件不一致（序号{seq}应为{p.name}）")
    if v.get("amount") is not None and v["amount"] != p.amount_fen:
        r.error("amount", f"金额与发放文件不一致（序号{seq}应为{p.amount_fen / 100:.2f}元）")
    card = v.get("card")
    if card:
        digits = re.sub(r"\D", "", card)
        if len(digits) < 4 or digits[-4:] != (p.bank_card_last4 or ""):
            r.error("card", f"银行卡号与发放文件不一致（序号{seq}）")
    outcome = _outcome(v["result"])
    if outcome is None:
        r.error("result", f"无法识别的处理结果“{v['result'][:20]}”，应为成功或失败")
    if not r.ok or outcome is None:
        return
    if p.status == "cancelled":
        r.error("seq", f"序号{seq}所在的发放已撤销")
        return
    if p.status in ("paid", "failed") and p.status != outcome:
        conflicts.append(f"第{r.number}行 序号{seq}（{p.name}）已回盘为{PAYMENT_STATUSES[p.status]}，本文件为"
                         f"{PAYMENT_STATUSES[outcome]}")
        return
    reason = (v.get("reason") or "").strip() or None
    results[p.id] = (outcome, None if outcome == "paid" else (reason or "银行未注明原因"))
