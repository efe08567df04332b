"""退回修改: a line returned by a reviewer goes back to the union that nominated it, which corrects it and
sends it up again. The corrected line waits for the roster job's judgement (`check_status` pending) and
starts the review chain again from the bottom; the job is requested in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ....core import audit, cnid
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import InvalidState, PermissionDenied, ValidationFailed
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_NOMINATE
from ..models import CondolenceCategory, CondolenceLine
from ..roster import jobs as roster_jobs
from ..workflow_models import CondolenceReview
from .reviews import check_campaign_open, steps_for
from .scope import get_campaign, get_line

EDITABLE = ("name", "id_number", "bank_card", "bank_name", "mobile", "category_code", "cash_fen", "goods_fen",
            "reason", "work_unit")


# Which corrected input fields settle a read-time problem (roster/ parse codes).
PARSE_CODE_FIELDS: dict[str, tuple[str, ...]] = {
    "invalid_id": ("id_number",),
    "invalid_bank_card": ("bank_card",),
    "invalid_mobile": ("mobile",),
    "invalid_name": ("name",),
    "invalid_amount": ("cash_fen", "goods_fen"),
    "invalid_category": ("category_code",),
}


def _validated(campaign_id: int, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    tid, cipher = current_tenant_id(), get_cipher()
    if "name" in data:
        name = cnid.normalize_person_name(data["name"] or "")
        if not name or any(ch.isdigit() for ch in name):
            errors["name"] = "姓名不能为空，也不能包含数字"
        out["name"] = name
    if "id_number" in data:
        try:
            number = cnid.parse_id_number(data["id_number"], today=china_today()).number
            out.update(id_enc=cipher.encrypt(tid, number), id_hash=cipher.lookup_hash(tid, "id_number", number),
                       id_last4=number[-4:], id_region=number[:6], id_raw_masked=None)
        except cnid.InvalidIdentifier as e:
            errors["id_number"] = e.message
    if "bank_card" in data:
        if data["bank_card"]:
            try:
                card = cnid.parse_bank_card(data["bank_card"])
                out.update(bank_card_enc=cipher.encrypt(tid, card), bank_card_last4=card[-4:],
                           bank_card_hash=cipher.lookup_hash(tid, "bank_card", card))
            except cnid.InvalidIdentifier as e:
                errors["bank_card"] = e.message
        else:
            out.update(bank_card_enc=None, bank_card_hash=None, bank_card_last4=None)
    if data.get("mobile"):
        try:
            out["mobile"] = cnid.parse_mobile(data["mobile"])
        except cnid.InvalidIdentifier as e:
            errors["mobile"] = e.message
    elif "mobile" in data:
        out["mobile"] = None
    if data.get("category_code") is not None:
        cat = db.session.execute(select(CondolenceCategory).where(
            CondolenceCategory.tenant_id == tid, CondolenceCategory.campaign_id == campaign_id,
            CondolenceCategory.code == data["category_code"])).scalar_one_or_none()
        if cat is None:
            errors["category_code"] = "该类别不在本活动的类别中"
        else:
            out["category_code"] = cat.code
            out.setdefault("cash_fen", cat.standard_cash_fen)
            out.setdefault("goods_fen", cat.standard_goods_fen)
    for key in ("cash_fen", "goods_fen"):
        if data.get(key) is not None:
            out[key] = data[key]
    for key in ("bank_name", "reason", "work_unit"):
        if key in data:
            out[key] = (data[key] or "").strip() or None
    if errors:
        raise ValidationFailed(errors)
    return out


def correct_line(ctx: RequestContext, line_id: int, data: dict[str, Any]) -> CondolenceLine:
    """The nominating union corrects a returned line and sends it up again (audited, kept in history)."""
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_NOMINATE):
        raise PermissionDenied("没有修改推荐名单的权限")
    line, org = get_line(ctx, line_id)
    if not any(k in data for k in EDITABLE) and not data.get("comment"):
        raise ValidationFailed({"comment": "请修改内容或填写说明后再提交"})
    with transaction():
        campaign = get_campaign(ctx, line.campaign_id, lock=True)
        check_campaign_open(campaign)
        db.session.refresh(line, with_for_update=True)
        if line.review_status != "returned":
            raise InvalidState("只有被退回修改的对象才能修改后重新提交")
        fields = _validated(line.campaign_id, {k: v for k, v in data.items() if k in EDITABLE})
        before = {k: getattr(line, k) for k in fields}
        for key, value in fields.items():
            setattr(line, key, value)
        # The judgement recomputes cash_fen/goods_fen from the amounts as nominated: a corrected amount is
        # the new nominated amount.
        if "cash_fen" in fields:
            line.sheet_cash_fen = fields["cash_fen"]
        if "goods_fen" in fields:
            line.sheet_goods_fen = fields["goods_fen"]
        # A problem found when the row was read stays until the field it is about has been corrected
        # (the correction was validated above).
        if line.parse_code and any(f in data for f in PARSE_CODE_FIELDS.get(line.parse_code, ())):
            line.parse_code, line.parse_reason = None, None
        line.check_status, line.check_code, line.check_reason = "pending", None, None
        line.review_status, line.review_comment = "pending", (data.get("comment") or "").strip() or None
        depth = org.path.count("/") - 2
        db.session.add(CondolenceReview(
            campaign_id=line.campaign_id, scope="line", line_id=line.id, batch_id=line.batch_id, line_count=1,
            level=steps_for(depth)[0], action="correct", to_status="pending", comment=line.review_comment,
            org_id=line.org_id, actor_id=ctx.user_id, actor_name=ctx.display_name[:100]))
        audit.record(ctx, "condolence.line.correct", "condolence_line", line.id,
                     {k: ["***", "***"] if k.endswith(("_enc", "_hash")) else [_plain(before[k]), _plain(v)]
                      for k, v in fields.items()} | {"review_status": ["returned", "pending"]})
        roster_jobs.request(ctx, campaign)
    return line


def _plain(value: Any) -> Any:
    return "<encrypted>" if isinstance(value, bytes) else value
