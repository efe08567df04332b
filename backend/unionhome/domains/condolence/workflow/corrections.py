"""退回修改: a line returned by a reviewer goes back to the union that nominated it, which corrects it and
sends it up again. The corrected line waits for the roster job's judgement (`check_status` pending) and
starts the review chain again from the bottom; the job is requested in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ....core import audit
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import InvalidState, PermissionDenied, ValidationFailed
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_NOMINATE
from ..models import CondolenceCategory, CondolenceLine
from ..roster import checks as roster_checks
from ..roster import jobs as roster_jobs
from ..roster import local as roster_local
from ..workflow_models import CondolenceReview
from .reviews import check_campaign_open, steps_for
from .scope import get_campaign, get_line

EDITABLE = ("name", "id_number", "bank_card", "bank_name", "mobile", "category_code", "cash_fen", "goods_fen",
            "reason", "work_unit")


# The read-time checks (roster/parse.py) in column order: the field, its parse code, and how its
# messages start (every message of the reader names its column first).
FIELD_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("name", "invalid_name", "姓名"),
    ("id_number", "invalid_id", "身份证"),
    ("bank_card", "invalid_bank_card", "银行卡"),
    ("mobile", "invalid_mobile", "联系电话"),
    ("category_code", "invalid_category", "慰问类别"),
    ("cash_fen", "invalid_amount", "慰问金"),
    ("goods_fen", "invalid_amount", "慰问品"),
)
# The reader's column keys (roster/columns.py LABELS) as the line's editable fields.
COLUMN_FIELDS = {"name": "name", "id_number": "id_number", "bank_card": "bank_card", "mobile": "mobile",
                 "category": "category_code", "cash": "cash_fen", "goods": "goods_fen", "bank_name": "bank_name",
                 "reason": "reason", "work_unit": "work_unit"}
_FORMULA = "是公式或错误值"


def recheck(line: CondolenceLine, corrected: set[str]) -> tuple[str | None, str | None]:
    """The line's read-time problems after a correction, from all its fields: (parse_code, parse_reason).

    A field the union corrected was checked with the reader's own checks (`_validated`); the name is
    checked again as stored; a field kept as it was keeps the problem the reader found in it (the raw
    cell is not kept, only the message, so that message stands until the field is corrected). A
    formula/error-cell problem goes once every column it names has been corrected."""
    from ..roster.columns import LABELS

    old = [seg for seg in (line.parse_reason or "").split("；") if seg]
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    for seg in old:
        field = next((f for f, _, prefix in FIELD_CHECKS if seg.startswith(prefix)), None)
        if field is None or _FORMULA in seg:
            other.append(seg)
        else:
            by_field.setdefault(field, []).append(seg)
    present = {
        "id_number": line.id_enc is not None, "bank_card": line.bank_card_enc is not None,
        "mobile": line.mobile is not None, "category_code": line.category_code is not None,
    }
    problems: list[tuple[str, str]] = []
    for field, code, _ in FIELD_CHECKS:
        if field == "name":
            _, err = roster_checks.parse_name(line.name) if line.name else (None, "姓名为空")
            if err:
                problems.append((code, err))
            continue
        if field in corrected or present.get(field, False):
            continue
        problems += [(code, seg) for seg in by_field.get(field, [])]
        if field == "id_number" and not by_field.get(field):
            problems.append((code, "身份证号为空"))  # a line has no ID number only when the reader refused it
    label_fields = {label: COLUMN_FIELDS.get(key) for key, label in LABELS.items()}
    for seg in other:
        if _FORMULA in seg:
            named = [label_fields.get(label) for label in seg.split(_FORMULA, 1)[0].split("、")]
            if named and all(f is not None and f in corrected for f in named):
                continue
            problems.append(("invalid_cell", seg))
        else:
            problems.append((line.parse_code or "invalid_cell", seg))
    if not problems:
        return None, None
    return problems[0][0], "；".join(p[1] for p in problems)[:500]


def _validated(campaign_id: int, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    tid, cipher = current_tenant_id(), get_cipher()
    # The roster reader's own per-cell checks (roster/checks.py), so a corrected value is judged as an
    # uploaded one would be.
    if "name" in data:
        name, err = roster_checks.parse_name(data["name"]) if data["name"] else (None, "姓名不能为空")
        if err:
            errors["name"] = err
        out["name"] = name
    if "id_number" in data:
        number, err = roster_checks.IdChecker(china_today()).parse(data["id_number"]) if data["id_number"] \
            else (None, "身份证号不能为空")
        if number is None:
            errors["id_number"] = err or "身份证号无效"
        else:
            out.update(id_enc=cipher.encrypt(tid, number), id_hash=cipher.lookup_hash(tid, "id_number", number),
                       id_last4=number[-4:], id_region=number[:6], id_raw_masked=None)
    if "bank_card" in data:
        if data["bank_card"]:
            card, err = roster_checks.parse_bank_card(data["bank_card"])
            if card is None:
                errors["bank_card"] = err or "银行卡号无效"
            else:
                out.update(bank_card_enc=cipher.encrypt(tid, card), bank_card_last4=card[-4:],
                           bank_card_hash=cipher.lookup_hash(tid, "bank_card", card))
        else:
            out.update(bank_card_enc=None, bank_card_hash=None, bank_card_last4=None)
    if data.get("mobile"):
        mobile, err = roster_checks.parse_mobile(data["mobile"])
        if mobile is None:
            errors["mobile"] = err or "联系电话无效"
        else:
            out["mobile"] = mobile
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
        # The read-time problems are worked out again from all the line's fields: correcting one field
        # of a line with several problems leaves the others standing.
        if line.parse_code or line.parse_reason:
            corrected = {k for k in EDITABLE if k in data} | {k for k in ("cash_fen", "goods_fen") if k in fields}
            line.parse_code, line.parse_reason = recheck(line, corrected)
        if "category_code" in fields:
            line.sheet_category_code = fields["category_code"]
        line.check_status, line.check_code, line.check_reason = "pending", None, None
        roster_local.invalidate(db.session, line.tenant_id, line.batch_id)  # its local checks are made again
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
