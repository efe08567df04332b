"""Response dicts of roster lines for the workflow screens: ID and bank card numbers masked, names in
full (internal screens; the public notice masks names too, see notice_files)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..models import CHECK_STATUSES, REVIEW_STATUSES, CondolenceCategory, CondolenceLine
from .eligibility import exported_line_ids, shown_payment_status
from .scope import org_names
from .statuses import PAYMENT_STATUS_LABELS


def masked_id(line: Any) -> str | None:
    """410721********1234 from the plain parts kept beside the ciphertext (never decrypted)."""
    if line.id_region and line.id_last4:
        return f"{line.id_region}********{line.id_last4}"
    return line.id_raw_masked


def masked_card(last4: str | None) -> str | None:
    return f"**** **** **** {last4}" if last4 else None


def category_names(campaign_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    ids = set(campaign_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CondolenceCategory.campaign_id, CondolenceCategory.code, CondolenceCategory.name)
        .where(CondolenceCategory.tenant_id == current_tenant_id(), CondolenceCategory.campaign_id.in_(ids))
    ).all()
    return {(c, code): name for c, code, name in rows}


def line_views(lines: Sequence[CondolenceLine]) -> list[dict[str, Any]]:
    ids: set[int | None] = {ln.org_id for ln in lines}
    ids |= {ln.township_org_id for ln in lines}
    names = org_names(ids)
    cats = category_names({ln.campaign_id for ln in lines})
    exported = exported_line_ids(ln.id for ln in lines)
    return [line_view(ln, names, cats, exported) for ln in lines]


def line_view(line: CondolenceLine, names: dict[int, str], cats: dict[tuple[int, str], str],
              exported: set[int] | None = None) -> dict[str, Any]:
    payment_status = shown_payment_status(line, exported or set())
    return {
        "id": line.id, "campaign_id": line.campaign_id, "batch_id": line.batch_id, "org_id": line.org_id,
        "org_name": names.get(line.org_id), "township_org_id": line.township_org_id,
        "township_name": names.get(line.township_org_id) if line.township_org_id else None,
        "row_no": line.row_no, "name": line.name, "id_number_masked": masked_id(line),
        "bank_card_masked": masked_card(line.bank_card_last4), "bank_name": line.bank_name,
        "has_bank_card": line.bank_card_enc is not None,
        "category_code": line.category_code,
        "category_name": cats.get((line.campaign_id, line.category_code or ""), line.category_code),
        "cash_fen": line.cash_fen, "goods_fen": line.goods_fen, "reason": line.reason,
        "work_unit": getattr(line, "work_unit", None),
        "check_status": line.check_status, "check_status_label": CHECK_STATUSES.get(line.check_status),
        "check_reason": line.check_reason,
        "review_status": line.review_status, "review_status_label": REVIEW_STATUSES.get(line.review_status),
        "review_comment": line.review_comment, "reviewed_at": line.reviewed_at,
        "objection_upheld": line.objection_upheld, "visit_group_id": line.visit_group_id,
        "payment_status": payment_status, "payment_status_label": PAYMENT_STATUS_LABELS.get(payment_status),
        "paid_at": line.paid_at,
    }
