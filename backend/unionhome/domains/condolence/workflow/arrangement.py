"""The arrangement table (安排表) of a visiting group, as the district union of domain.md W1-a attached
one per group to its Spring Festival plan: who leads, which departments take part, when and where the
group meets, and the households it visits with what it brings."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...hardship.models import HardshipHousehold
from ...orgs.models import Org
from ..models import CondolenceCategory, CondolenceLine
from ..workflow_models import CondolenceVisitGroup
from .scope import get_campaign, require_county, township_expr
from .sheets import Col, Export, Progress, Sheet, counted, safe_name, write_workbook, yuan

WEEKDAYS = "一二三四五六日"
COLUMNS = (Col("序号", 6), Col("所在镇街", 16), Col("慰问对象", 10), Col("慰问类别", 12), Col("工作单位", 26),
           Col("家庭住址", 28), Col("联系电话", 14, text=True), Col("困难原因", 26),
           Col("慰问金（元）", 11, money=True), Col("慰问品（元）", 11, money=True), Col("备注", 12))


def _when(d: date, t: time | None) -> str:
    s = f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）"
    if t is not None:
        s += f"{'上午' if t.hour < 12 else '下午'}{t.hour if t.hour <= 12 else t.hour - 12}:{t.minute:02d}"
    return s


def arrangement_xlsx(ctx: RequestContext, group: CondolenceVisitGroup, progress: Progress | None = None) -> Export:
    """Needs CONDOLENCE_MANAGE: the table holds full names, phone numbers and addresses for the group."""
    require_county(ctx)
    campaign = get_campaign(ctx, group.campaign_id)
    tid = current_tenant_id()
    line_org, township = aliased(Org, name="line_org"), aliased(Org, name="township")
    stmt = (select(township.name, CondolenceLine.name, CondolenceCategory.name, CondolenceLine.category_code,
                   CondolenceLine.work_unit, line_org.name, HardshipHousehold.address, CondolenceLine.mobile,
                   CondolenceLine.reason, CondolenceLine.cash_fen, CondolenceLine.goods_fen)
            .select_from(CondolenceLine)
            .join(line_org, and_(line_org.tenant_id == tid, line_org.id == CondolenceLine.org_id))
            .outerjoin(township, and_(township.tenant_id == tid, township.id == township_expr(line_org)))
            .outerjoin(CondolenceCategory, and_(CondolenceCategory.tenant_id == tid,
                                                CondolenceCategory.campaign_id == CondolenceLine.campaign_id,
                                                CondolenceCategory.code == CondolenceLine.category_code))
            .outerjoin(HardshipHousehold, and_(HardshipHousehold.tenant_id == tid,
                                               HardshipHousehold.id == CondolenceLine.household_id))
            .where(CondolenceLine.tenant_id == tid, CondolenceLine.visit_group_id == group.id)
            .order_by(line_org.path, CondolenceLine.row_no, CondolenceLine.id))
    rows: list[list[Any]] = []
    cash = goods = 0
    categories: dict[str, None] = {}
    for tname, name, cat_name, cat_code, unit, org_name, address, mobile, reason, c, g in counted(
            db.session.execute(stmt.execution_options(yield_per=2000)), progress, None):
        label = cat_name or cat_code or ""
        if label:
            categories[label] = None
        rows.append([tname or "县直", name, label, unit or org_name, address or "", mobile or "", reason or "",
                     yuan(c), yuan(g), ""])
        cash, goods = cash + c, goods + g
    title = f"{campaign.name}“{'、'.join(categories) or '慰问对象'}”安排表（{group.name}）"
    info = [
        f"带队领导：{group.leader}    参加单位：{'、'.join(group.departments or []) or '—'}",
        f"慰问时间：{_when(group.visit_date, group.visit_time)}"
        + (f"    集合：{group.meeting_time.strftime('%H:%M') if group.meeting_time else ''}"
           f"{group.meeting_point or ''}" if group.meeting_point or group.meeting_time else "")
        + (f"    联系人：{group.contact}" if group.contact else ""),
    ]
    footer = [f"合计：{len(rows)}户，慰问金{cash / 100:.2f}元，慰问品{goods / 100:.2f}元"]
    if group.remark:
        footer.append(f"备注：{group.remark}")
    out, n = write_workbook([Sheet(title=title, columns=COLUMNS, rows=rows, info=info, footer=footer, name="安排表")])
    return Export(out, f"{safe_name(campaign.name)}-{safe_name(group.name)}-安排表.xlsx",
                  f"arrangement-{group.id}.xlsx", n)
