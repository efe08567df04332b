"""The roster's line table: filters (status, reason code, township, union, category, batch, search),
masked views, and the Excel export of the filtered view."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from ....core import audit
from ....core.clock import CHINA_TZ
from ....core.cnid import InvalidIdNumber, mask_mobile, parse_id_number
from ....core.errors import ValidationFailed
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ...orgs.repository import OrgRepository, subtree_clause
from .. import repository as repo
from ..models import (
    CHECK_STATUSES,
    REVIEW_STATUSES,
    CondolenceBatch,
    CondolenceCampaign,
    CondolenceCategory,
    CondolenceLine,
)
from ..roster.rules import CHECK_CODES
from ..workflow.eligibility import exported_line_ids, shown_payment_status
from ..xlsx import write_xlsx

_ID_LIKE = re.compile(r"^[0-9０-９]{17}[0-9Xx０-９Ｘｘ]$")
_LAST4 = re.compile(r"^[0-9]{3}[0-9Xx]$")
EXPORT_MAX_ROWS = 200_000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_stmt(ctx: RequestContext, campaign: CondolenceCampaign, args: dict[str, Any]) -> Select[Any]:
    stmt = repo.lines_visible(ctx).where(CondolenceLine.campaign_id == campaign.id)
    for key in ("check_status", "check_code", "review_status", "township_org_id", "batch_id", "category_code"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(CondolenceLine, key) == args[key])
    if args.get("org_id") is not None:
        org = OrgRepository().get_in_scope(ctx, args["org_id"])
        if org is None:
            raise ValidationFailed({"org_id": "工会不存在或不在您的管辖范围内"})
        under = select(Org.id).where(Org.tenant_id == current_tenant_id(), subtree_clause(Org.path, org.path))
        stmt = stmt.where(CondolenceLine.org_id.in_(under.scalar_subquery()))
    if q := (args.get("q") or "").strip():
        stmt = stmt.where(_search(q))
    return stmt.order_by(CondolenceLine.id)


def _search(q: str) -> Any:
    if _ID_LIKE.match(q):
        try:
            number = parse_id_number(q).number
        except InvalidIdNumber:
            return CondolenceLine.id == -1
        return CondolenceLine.id_hash == get_cipher().lookup_hash(current_tenant_id(), "id_number", number)
    if _LAST4.match(q):
        return CondolenceLine.id_last4 == q.upper()
    return CondolenceLine.name.startswith(q, autoescape=True)


def get_line(ctx: RequestContext, line_id: int) -> CondolenceLine:
    return repo.get_line(ctx, line_id)


def masked_id(line: Any) -> str | None:
    if line.id_region and line.id_last4:
        return f"{line.id_region}********{line.id_last4}"
    return line.id_raw_masked


def views(items: list[CondolenceLine]) -> list[dict[str, Any]]:
    if not items:
        return []
    tid = current_tenant_id()
    names = repo.org_names({i.org_id for i in items} | {i.township_org_id for i in items if i.township_org_id})
    cats = {(c.campaign_id, c.code): c.name for c in db.session.execute(select(CondolenceCategory).where(
        CondolenceCategory.tenant_id == tid,
        CondolenceCategory.campaign_id.in_({i.campaign_id for i in items}))).scalars()}
    exported = exported_line_ids(i.id for i in items)
    # A batch read but not judged yet: its lines carry the checks made as they were read, not a verdict.
    unjudged = set(db.session.execute(select(CondolenceBatch.id).where(
        CondolenceBatch.tenant_id == tid, CondolenceBatch.id.in_({i.batch_id for i in items}),
        CondolenceBatch.status == "processing")).scalars())
    out = []
    for line in items:
        data = {k: getattr(line, k) for k in (
            "id", "campaign_id", "batch_id", "org_id", "township_org_id", "row_no", "name", "bank_name", "work_unit",
            "category_code", "cash_fen", "goods_fen", "reason", "household_id", "check_status", "check_code",
            "check_reason", "duplicate_of", "review_status", "payment_status")}
        data["payment_status"] = shown_payment_status(line, exported)
        data["org_name"] = names.get(line.org_id)
        data["township_name"] = names.get(line.township_org_id) if line.township_org_id else None
        data["id_number_masked"] = masked_id(line)
        data["bank_card_masked"] = f"**** **** **** {line.bank_card_last4}" if line.bank_card_last4 else None
        data["mobile_masked"] = mask_mobile(line.mobile) if line.mobile else None
        data["category_name"] = cats.get((line.campaign_id, line.category_code)) if line.category_code else None
        if line.batch_id in unjudged:
            data.update(check_status="pending", check_code=None, check_reason=None, duplicate_of=None)
        data["check_status_label"] = CHECK_STATUSES.get(data["check_status"], data["check_status"])
        data["check_code_label"] = CHECK_CODES[data["check_code"]][1] if data["check_code"] in CHECK_CODES else None
        data["review_status_label"] = REVIEW_STATUSES.get(line.review_status, line.review_status)
        out.append(data)
    return out


_EXPORT_COLUMNS = (
    ("序号", 6), ("推荐工会", 24), ("所属镇街", 16), ("行号", 6), ("姓名", 10), ("身份证号", 21), ("慰问类别", 12),
    ("慰问金(元)", 10), ("慰问品(元)", 10), ("银行卡号", 22), ("开户银行", 18), ("联系电话", 13), ("工作单位", 24),
    ("困难原因", 24), ("校验结果", 10), ("原因", 40), ("审核状态", 12),
)


def export(ctx: RequestContext, campaign: CondolenceCampaign, args: dict[str, Any]) -> tuple[io.BytesIO, str, int]:
    """The filtered view as .xlsx (ID numbers and cards masked), with the filters in the title row."""
    stmt = list_stmt(ctx, campaign, args)
    rows = list(db.session.execute(stmt.limit(EXPORT_MAX_ROWS + 1)).scalars())
    if len(rows) > EXPORT_MAX_ROWS:
        raise ValidationFailed({"_": f"筛选结果超过{EXPORT_MAX_ROWS}行，请按镇街或工会缩小范围后再导出"},
                               message=f"筛选结果超过{EXPORT_MAX_ROWS}行")
    title = f"{campaign.name} 推荐名单（导出于{datetime.now(CHINA_TZ):%Y-%m-%d %H:%M}，共{len(rows)}户）"
    data: list[list[Any]] = [[title], [c for c, _ in _EXPORT_COLUMNS]]
    for chunk_start in range(0, len(rows), 5000):
        for n, v in enumerate(views(rows[chunk_start:chunk_start + 5000]), start=chunk_start + 1):
            data.append([n, v["org_name"], v["township_name"], v["row_no"], v["name"], v["id_number_masked"],
                         v["category_name"] or v["category_code"], v["cash_fen"] / 100, v["goods_fen"] / 100,
                         v["bank_card_masked"], v["bank_name"], v["mobile_masked"], v["work_unit"], v["reason"],
                         v["check_status_label"], v["check_reason"], v["review_status_label"]])
    out = io.BytesIO()
    write_xlsx(out, data, sheet_name="推荐名单", merges=["A1:Q1"], bold_rows=[2],
               widths=[w for _, w in _EXPORT_COLUMNS])
    out.seek(0)
    audit.record(ctx, "condolence.lines_export", "condolence_campaign", campaign.id,
                 {"rows": len(rows), "filters": {k: v for k, v in args.items() if v is not None}})
    db.session.commit()
    return out, f"{campaign.name}-推荐名单-{datetime.now(CHINA_TZ):%Y%m%d}.xlsx", len(rows)

