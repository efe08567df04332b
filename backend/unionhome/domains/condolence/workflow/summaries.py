"""Summaries of a campaign — households and money by category and by township, against the same
festival last year — by festival over a year, and the report a county sends upward (xlsx, aggregates
only: no names, no ID numbers).

Households are the lines the county approved — less those refused after the notice (an upheld
objection: never paid, nobody was helped); money is what was approved (慰问金 cash, 慰问品 goods) and
what was actually paid (bank transfers and cash at visits, settled payments only). Every figure is one
set-based aggregate over the lines, so the totals are the sums of the rows by construction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal, select

from ....core.clock import today as china_today
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ..models import FESTIVALS, CondolenceCampaign, CondolenceCategory, CondolenceLine
from ..workflow_models import CondolencePayment, CondolenceVisit
from .scope import LineScope, get_campaign, org_names, root_org, scope_filter, township_expr
from .sheets import Col, Export, Sheet, safe_name, write_workbook, yuan

MEASURES = ("households", "cash_fen", "goods_fen", "paid_households", "paid_fen", "bank_paid_fen", "cash_paid_fen",
            "visited", "goods_given_fen")


def _per_line_payments(campaign_id: int | None = None) -> Any:
    """Settled payments per line (of one campaign when given), bank and cash apart."""
    tid = current_tenant_id()
    p = CondolencePayment
    stmt = (select(p.line_id, func.sum(p.amount_fen).label("paid"),
                   func.coalesce(func.sum(p.amount_fen).filter(p.method == "bank"), 0).label("bank"),
                   func.coalesce(func.sum(p.amount_fen).filter(p.method == "cash"), 0).label("cash"))
            .where(p.tenant_id == tid, p.status == "paid"))
    if campaign_id is not None:
        stmt = stmt.where(p.campaign_id == campaign_id)
    return stmt.group_by(p.line_id).subquery("paid")


def _aggregate(ctx: RequestContext, campaign_id: int) -> list[dict[str, Any]]:
    """One scan: approved lines per (township, category) with their money, payments and visits."""
    scope = LineScope(ctx, campaign_id)
    paid = _per_line_payments(campaign_id)
    township = township_expr(scope.org).label("township_id")
    zero = literal(0)
    stmt = (scope.select(township, CondolenceLine.category_code,
                         func.count().label("households"),
                         func.coalesce(func.sum(CondolenceLine.cash_fen), zero).label("cash_fen"),
                         func.coalesce(func.sum(CondolenceLine.goods_fen), zero).label("goods_fen"),
                         func.count(paid.c.line_id).label("paid_households"),
                         func.coalesce(func.sum(paid.c.paid), zero).label("paid_fen"),
                         func.coalesce(func.sum(paid.c.bank), zero).label("bank_paid_fen"),
                         func.coalesce(func.sum(paid.c.cash), zero).label("cash_paid_fen"),
                         func.count(CondolenceVisit.id).label("visited"),
                         func.coalesce(func.sum(CondolenceVisit.goods_fen), zero).label("goods_given_fen"))
            .outerjoin(paid, paid.c.line_id == CondolenceLine.id)
            .outerjoin(CondolenceVisit, and_(CondolenceVisit.tenant_id == scope.tid,
                                             CondolenceVisit.line_id == CondolenceLine.id))
            .where(CondolenceLine.review_status == "county_approved", CondolenceLine.objection_upheld.is_(False))
            .group_by(township, CondolenceLine.category_code))
    return [{"township_id": r.township_id, "category_code": r.category_code, **_vals(r)} for r in db.session.execute(stmt)]


def _vals(r: Any) -> dict[str, int]:
    return {m: int(getattr(r, m)) for m in MEASURES}


def _sum(rows: list[dict[str, Any]], key: str | None = None) -> dict[Any, dict[str, int]]:
    out: dict[Any, dict[str, int]] = {}
    for r in rows:
        acc = out.setdefault(r[key] if key else None, dict.fromkeys(MEASURES, 0))
        for m in MEASURES:
            acc[m] += r[m]
    return out


def _breakdown(ctx: RequestContext, campaign_id: int) -> tuple[dict[str | None, dict[str, int]],
                                                               dict[int | None, dict[str, int]], dict[str, int]]:
    rows = _aggregate(ctx, campaign_id)
    return (_sum(rows, "category_code"), _sum(rows, "township_id"),
            _sum(rows).get(None, dict.fromkeys(MEASURES, 0)))


def previous_campaign(campaign: CondolenceCampaign) -> CondolenceCampaign | None:
    """The same festival a year earlier (the latest such campaign, if there were several)."""
    return db.session.execute(
        select(CondolenceCampaign).where(CondolenceCampaign.tenant_id == current_tenant_id(),
                                         CondolenceCampaign.festival == campaign.festival,
                                         CondolenceCampaign.year == campaign.year - 1)
        .order_by(CondolenceCampaign.id.desc()).limit(1)).scalar_one_or_none()


def _change(now: int, before: int | None) -> str | None:
    """Percentage change with one decimal, as text ("12.5", "-3.0"); None without a base."""
    if not before:
        return None
    return f"{(now - before) * 100 / before:.1f}"


def campaign_summary(ctx: RequestContext, campaign_id: int) -> dict[str, Any]:
    campaign = get_campaign(ctx, campaign_id)
    by_cat, by_town, total = _breakdown(ctx, campaign_id)
    prev = previous_campaign(campaign)
    p_cat, p_town, p_total = _breakdown(ctx, prev.id) if prev else ({}, {}, None)
    tid = current_tenant_id()
    cat_names = dict(db.session.execute(select(CondolenceCategory.code, CondolenceCategory.name).where(
        CondolenceCategory.tenant_id == tid, CondolenceCategory.campaign_id.in_([campaign.id] + ([prev.id] if prev else []))
    )).all())
    names = org_names(set(by_town) | set(p_town))

    def rows(cur: dict[Any, dict[str, int]], old: dict[Any, dict[str, int]], label: Any, key_name: str) -> list[dict[str, Any]]:
        out = []
        for key in sorted(set(cur) | set(old), key=lambda k: (k is None, str(k))):
            c, o = cur.get(key, dict.fromkeys(MEASURES, 0)), old.get(key)
            out.append({key_name: key, "label": label(key), **c,
                        "last_year_households": o["households"] if o else None,
                        "last_year_cash_fen": o["cash_fen"] if o else None,
                        "last_year_goods_fen": o["goods_fen"] if o else None,
                        "households_change_pct": _change(c["households"], o["households"] if o else None),
                        "cash_change_pct": _change(c["cash_fen"], o["cash_fen"] if o else None)})
        return out

    return {
        "campaign_id": campaign.id, "campaign_name": campaign.name, "festival": campaign.festival,
        "festival_label": FESTIVALS.get(campaign.festival, campaign.festival), "year": campaign.year,
        "status": campaign.status, "budget_cash_fen": campaign.budget_cash_fen,
        "budget_goods_fen": campaign.budget_goods_fen,
        "previous_campaign_id": prev.id if prev else None, "previous_campaign_name": prev.name if prev else None,
        "totals": {**total, "last_year_households": p_total["households"] if p_total else None,
                   "last_year_cash_fen": p_total["cash_fen"] if p_total else None,
                   "last_year_goods_fen": p_total["goods_fen"] if p_total else None,
                   "households_change_pct": _change(total["households"], p_total["households"] if p_total else None),
                   "cash_change_pct": _change(total["cash_fen"], p_total["cash_fen"] if p_total else None)},
        "by_category": rows(by_cat, p_cat, lambda k: cat_names.get(k, k or "未分类"), "category_code"),
        "by_township": rows(by_town, p_town, lambda k: names.get(k, "县总工会直属") if k else "县总工会直属",
                            "township_org_id"),
    }


def festival_summary(ctx: RequestContext, year: int) -> dict[str, Any]:
    """Every festival's approved households and money in `year` and the year before (set-based)."""
    ctx.require_tenant()
    tid = current_tenant_id()
    paid = _per_line_payments()
    stmt = (select(CondolenceCampaign.festival, CondolenceCampaign.year,
                   func.count(func.distinct(CondolenceCampaign.id)).label("campaigns"),
                   func.count(CondolenceLine.id).label("households"),
                   func.coalesce(func.sum(CondolenceLine.cash_fen), 0).label("cash_fen"),
                   func.coalesce(func.sum(CondolenceLine.goods_fen), 0).label("goods_fen"),
                   func.coalesce(func.sum(paid.c.paid), 0).label("paid_fen"))
            .select_from(CondolenceLine)
            .join(CondolenceCampaign, and_(CondolenceCampaign.tenant_id == tid,
                                           CondolenceCampaign.id == CondolenceLine.campaign_id))
            .join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceLine.org_id))
            .outerjoin(paid, paid.c.line_id == CondolenceLine.id)
            .where(CondolenceLine.tenant_id == tid, CondolenceLine.review_status == "county_approved",
                   CondolenceLine.objection_upheld.is_(False),
                   CondolenceCampaign.year.in_((year, year - 1)), *scope_filter(ctx, Org.path))
            .group_by(CondolenceCampaign.festival, CondolenceCampaign.year))
    found: dict[tuple[str, int], Any] = {(r.festival, r.year): r for r in db.session.execute(stmt)}
    festivals = [f for f in FESTIVALS if (f, year) in found or (f, year - 1) in found]
    out: list[dict[str, Any]] = []
    for f in festivals:
        cur, old = found.get((f, year)), found.get((f, year - 1))
        row: dict[str, Any] = {"festival": f, "label": FESTIVALS[f]}
        for prefix, r in (("", cur), ("last_year_", old)):
            for m in ("campaigns", "households", "cash_fen", "goods_fen", "paid_fen"):
                row[prefix + m] = int(getattr(r, m)) if r is not None else 0
        row["households_change_pct"] = _change(row["households"], row["last_year_households"])
        row["cash_change_pct"] = _change(row["cash_fen"], row["last_year_cash_fen"])
        out.append(row)
    totals = {m: sum(r[m] for r in out) for m in ("campaigns", "households", "cash_fen", "goods_fen", "paid_fen",
                                                   "last_year_households", "last_year_cash_fen")}
    return {"year": year, "by_festival": out, "totals": totals}


def upward_report(ctx: RequestContext, campaign_id: int) -> Export:
    """县总工会 → 市总工会: the campaign's figures by category and township, with last year beside them,
    and the year's festivals. Aggregates only."""
    s = campaign_summary(ctx, campaign_id)
    root = root_org()
    cols = (Col("序号", 6), Col("项目", 22), Col("户数", 9), Col("慰问金（元）", 14, money=True),
            Col("慰问品（元）", 14, money=True), Col("合计（元）", 14, money=True), Col("已发放户数", 11),
            Col("已发放金额（元）", 15, money=True), Col("上年户数", 9), Col("上年慰问金（元）", 15, money=True),
            Col("户数增减（%）", 12), Col("慰问金增减（%）", 13))

    def table(rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[r["label"], r["households"], yuan(r["cash_fen"]), yuan(r["goods_fen"]),
                 yuan(r["cash_fen"] + r["goods_fen"]), r["paid_households"], yuan(r["paid_fen"]),
                 r["last_year_households"], yuan(r["last_year_cash_fen"]), r["households_change_pct"],
                 r["cash_change_pct"]] for r in rows]

    t = s["totals"]
    total = ["合计", t["households"], yuan(t["cash_fen"]), yuan(t["goods_fen"]), yuan(t["cash_fen"] + t["goods_fen"]),
             t["paid_households"], yuan(t["paid_fen"]), t["last_year_households"], yuan(t["last_year_cash_fen"]),
             t["households_change_pct"], t["cash_change_pct"]]
    info = [f"填报单位：{root.name}    活动：{s['campaign_name']}（{s['festival_label']}，{s['year']}年）    "
            f"填报日期：{china_today().isoformat()}",
            f"预算：慰问金{s['budget_cash_fen'] / 100:.2f}元，慰问品{s['budget_goods_fen'] / 100:.2f}元    "
            f"对比：{s['previous_campaign_name'] or '上年无同期活动'}"]
    fest = festival_summary(ctx, s["year"])
    fcols = (Col("序号", 6), Col("节日", 14), Col("活动数", 8), Col("户数", 9), Col("慰问金（元）", 14, money=True),
             Col("慰问品（元）", 14, money=True), Col("已发放金额（元）", 15, money=True), Col("上年户数", 9),
             Col("上年慰问金（元）", 15, money=True), Col("户数增减（%）", 12))
    frows = [[r["label"], r["campaigns"], r["households"], yuan(r["cash_fen"]), yuan(r["goods_fen"]), yuan(r["paid_fen"]),
              r["last_year_households"], yuan(r["last_year_cash_fen"]), r["households_change_pct"]] for r in fest["by_festival"]]
    title = f"{root.name}{s['campaign_name']}情况统计表"
    out, n = write_workbook([
        Sheet(title=f"{title}（按类别）", columns=cols, rows=table(s["by_category"]), info=info, name="按类别", total=total),
        Sheet(title=f"{title}（按镇街）", columns=cols, rows=table(s["by_township"]), info=info, name="按镇街", total=total),
        Sheet(title=f"{root.name}{s['year']}年节日慰问情况统计表", columns=fcols, rows=frows, info=info[:1], name="按节日"),
    ])
    return Export(out, f"{safe_name(root.name)}-{safe_name(s['campaign_name'])}-上报统计表.xlsx",
                  f"condolence-report-{campaign_id}.xlsx", n)
