"""When may a line be paid (by bank card or in cash at the visit)? One SQL expression, used both to
select the payable lines set-based and to tell the user why a line is not payable.

A line is payable when the county approved it, it is in a posted notice whose window has closed, no
objection against it is undecided or upheld, it has no live payment (exported or paid) and an amount;
for the bank file it also needs a card number.

"In a batch awaiting the bank" is not written into the line (a county batch would rewrite 300,000 lines
for it): it is the line's live `exported` payment, at most one per line (the partial unique index), joined
here and in the line views (`exported_line_ids`). The line's own `payment_status` says what was settled:
unpaid, paid (by the bank or in cash at the visit) or failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, literal, select
from sqlalchemy.orm import aliased

from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..models import CondolenceLine
from ..workflow_models import CondolenceNotice, CondolenceNoticeLine, CondolenceObjection, CondolencePayment
from .statuses import APPROVED_AT

BLOCK_REASONS: dict[str, str] = {
    "not_approved": "未经县总工会审定",
    "not_noticed": "尚未公示",
    "not_posted": "公示尚未张贴",
    "window_open": "公示期未结束",
    "objection_pending": "有待核实的公示异议",
    "objection_upheld": "公示异议成立",
    "exported": "已在发放批次中，等待银行回盘",
    "paid": "已发放",
    "no_amount": "慰问金为0",
    "no_bank_card": "没有银行卡号",
}


class Payability:
    """`select()` gives lines with `reason` (None when payable) and the notice's end date."""

    def __init__(self, today: date, *, bank: bool) -> None:
        self.tid = current_tenant_id()
        self.nl = aliased(CondolenceNoticeLine, name="nl")
        self.notice = aliased(CondolenceNotice, name="nt")
        self.exported = aliased(CondolencePayment, name="pe")
        tid, nl, n = self.tid, self.nl, self.notice
        pending = exists().where(CondolenceObjection.tenant_id == tid, CondolenceObjection.line_id == CondolenceLine.id,
                                 CondolenceObjection.outcome == "pending")
        whens: list[tuple[Any, str]] = [
            (CondolenceLine.review_status != APPROVED_AT["county"], "not_approved"),
            (nl.line_id.is_(None), "not_noticed"),
            (n.status != "posted", "not_posted"),
            (n.end_date >= today, "window_open"),
            (pending, "objection_pending"),
            (CondolenceLine.objection_upheld.is_(True), "objection_upheld"),
            (self.exported.id.is_not(None) | (CondolenceLine.payment_status == "exported"), "exported"),
            (CondolenceLine.payment_status == "paid", "paid"),
            (CondolenceLine.cash_fen <= 0, "no_amount"),
        ]
        if bank:
            whens.append((CondolenceLine.bank_card_enc.is_(None), "no_bank_card"))
        self.reason = case(*whens, else_=literal(None)).label("reason")

    def joins(self, stmt: Any) -> Any:
        tid, nl, n, pe = self.tid, self.nl, self.notice, self.exported
        return (stmt.outerjoin(nl, and_(nl.tenant_id == tid, nl.line_id == CondolenceLine.id))
                .outerjoin(n, and_(n.tenant_id == tid, n.id == nl.notice_id))
                .outerjoin(pe, and_(pe.tenant_id == tid, pe.line_id == CondolenceLine.id, pe.status == "exported")))

    def select(self, *columns: Any) -> Any:
        return self.joins(select(*columns, self.reason, self.notice.end_date).select_from(CondolenceLine))


def exported_line_ids(line_ids: Iterable[int]) -> set[int]:
    """Of these lines, those in a bank batch awaiting the bank (their payment status shows as exported)."""
    ids = list(set(line_ids))
    if not ids:
        return set()
    tid = current_tenant_id()
    return set(db.session.execute(select(CondolencePayment.line_id).where(
        CondolencePayment.tenant_id == tid, CondolencePayment.line_id.in_(ids),
        CondolencePayment.status == "exported")).scalars())


def shown_payment_status(line: Any, exported: set[int]) -> str:
    return "exported" if line.id in exported and line.payment_status != "paid" else str(line.payment_status)


def reason_text(code: str, end_date: date | None = None) -> str:
    text = BLOCK_REASONS.get(code, code)
    if code == "window_open" and end_date is not None:
        text += f"（{end_date}结束）"
    return text
