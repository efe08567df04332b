"""Consolidation and balancing (汇总平衡) at county level, and the freeze of the roster.

The federation sees, per township and per category, what was nominated, what passed the checks, what
waits for its decision and what it approved, against the quotas and the budget (cash and goods). It
decides: reject lines (核减), raise a quota (调增名额), or accept going over a quota or the budget with a
comment. Each decision is kept in `condolence_balancing_decisions` and audited. The roster can be
frozen (县总审定) only when nothing waits for the county and every overrun has been decided.

All numbers come from one aggregate of the lines per (union, category) — set-based, so a 1,000,000-line
roster is summed in one scan — then joined to the quotas by org subtree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, literal, select, update

from ....core import audit
from ....core.db import transaction
from ....core.errors import Conflict, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ..models import CondolenceCampaign, CondolenceCategory, CondolenceLine, CondolenceQuota
from ..roster import jobs as roster_jobs
from ..workflow_models import BALANCING_KINDS, CondolenceBalancingDecision, CondolenceReview
from .reviews import check_campaign_open, decide_lines, lock_campaign_shared, rejudge_after_reject
from .scope import COUNTY, LineScope, get_campaign, org_names, require_county, township_expr
from .statuses import APPROVED_AT


def _aggregate(ctx: RequestContext, campaign_id: int) -> list[dict[str, Any]]:
    """One scan of the lines: per (union, township, category) nominated, ok, awaiting the county,
    approved, and the money. A few thousand rows at most (unions × categories); everything else is
    summed from them."""
    scope = LineScope(ctx, campaign_id)
    org = scope.org
    rs = CondolenceLine.review_status
    ok = CondolenceLine.check_status == "ok"
    awaiting = and_(ok, (rs == APPROVED_AT["township"]) | and_(rs == "pending", org.depth == 0))
    approved = rs == APPROVED_AT[COUNTY]
    zero = literal(0)
    township = township_expr(org).label("township_id")
    stmt = scope.select(
        CondolenceLine.org_id, org.path.label("path"), township, CondolenceLine.category_code,
        func.count().label("nominated"),
        func.count().filter(ok).label("ok"),
        func.count().filter(awaiting).label("awaiting"),
        func.count().filter(approved).label("approved"),
        func.coalesce(func.sum(CondolenceLine.cash_fen).filter(approved), zero).label("approved_cash"),
        func.coalesce(func.sum(CondolenceLine.goods_fen).filter(approved), zero).label("approved_goods"),
        func.coalesce(func.sum(CondolenceLine.cash_fen).filter(awaiting), zero).label("awaiting_cash"),
        func.coalesce(func.sum(CondolenceLine.goods_fen).filter(awaiting), zero).label("awaiting_goods"),
        func.count().filter(CondolenceLine.check_status == "over_quota").label("over_quota_lines"),
        func.count().filter(CondolenceLine.check_status == "over_budget").label("over_budget_lines"),
        func.coalesce(func.sum(CondolenceLine.cash_fen).filter(CondolenceLine.check_status == "over_budget"),
                      zero).label("over_budget_line_fen"),
    ).group_by(CondolenceLine.org_id, org.path, township, CondolenceLine.category_code)
    return [{"path": r.path, "township_id": r.township_id, "category_code": r.category_code, **_row(r)}
            for r in db.session.execute(stmt)]


# over_*_lines: lines the roster job judged over a quota or a budget (in the stable order of nominations)
# — the overruns the county sees here and decides on (调增名额 / 调增预算 gives them a place).
_MEASURES = ("nominated", "ok", "awaiting", "approved", "approved_cash", "approved_goods", "awaiting_cash",
             "awaiting_goods", "over_quota_lines", "over_budget_lines", "over_budget_line_fen")


def _row(r: Any) -> dict[str, int]:
    return {m: int(getattr(r, m)) for m in _MEASURES}


def _sum(rows: list[dict[str, Any]], key: str | None = None) -> dict[Any, dict[str, int]]:
    """Measures summed per `key` (all rows under None when no key)."""
    out: dict[Any, dict[str, int]] = {}
    for r in rows:
        acc = out.setdefault(r[key] if key else None, dict.fromkeys(_MEASURES, 0))
        for m in _MEASURES:
            acc[m] += r[m]
    return out


def compute(ctx: RequestContext, campaign_id: int) -> dict[str, Any]:
    campaign = get_campaign(ctx, campaign_id)
    tid = current_tenant_id()
    rows = _aggregate(ctx, campaign_id)

    towns = _sum(rows, "township_id")
    names = org_names(set(towns))
    by_township = [{"township_org_id": k, "township_name": names.get(k) if k else "县总工会直属", **v}
                   for k, v in sorted(towns.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]

    categories = {c.code: c for c in db.session.execute(
        select(CondolenceCategory).where(CondolenceCategory.tenant_id == tid,
                                         CondolenceCategory.campaign_id == campaign_id)).scalars()}
    decisions = list(db.session.execute(
        select(CondolenceBalancingDecision).where(CondolenceBalancingDecision.tenant_id == tid,
                                                  CondolenceBalancingDecision.campaign_id == campaign_id)
        .order_by(CondolenceBalancingDecision.id)).scalars())
    by_category: list[dict[str, Any]] = []
    for code, v in sorted(_sum(rows, "category_code").items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        cat = categories.get(code or "")
        row: dict[str, Any] = {"category_code": code, "category_name": cat.name if cat else (code or "未分类"),
                               "standard_cash_fen": cat.standard_cash_fen if cat else None,
                               "standard_goods_fen": cat.standard_goods_fen if cat else None,
                               "budget_cash_fen": cat.budget_cash_fen if cat else None, **v}
        row["over_budget_fen"] = _over(row["approved_cash"], row["budget_cash_fen"])
        row["over_budget_accepted"] = _accepted(decisions, "accept_over_budget", row["approved_cash"],
                                                category_code=code, budget_kind="cash")
        by_category.append(row)

    quotas = _quota_usage(campaign_id, rows, decisions)
    totals = _sum(rows).get(None, dict.fromkeys(_MEASURES, 0))
    budget = []
    for kind, limit, used, pending in (("cash", campaign.budget_cash_fen, totals["approved_cash"], totals["awaiting_cash"]),
                                       ("goods", campaign.budget_goods_fen, totals["approved_goods"],
                                        totals["awaiting_goods"])):
        budget.append({"kind": kind, "label": "慰问金" if kind == "cash" else "慰问品", "budget_fen": limit,
                       "approved_fen": used, "awaiting_fen": pending, "over_fen": _over(used, limit or None),
                       "projected_over_fen": _over(used + pending, limit or None),
                       "accepted": _accepted(decisions, "accept_over_budget", used, category_code=None, budget_kind=kind)})
    result = {"campaign_id": campaign.id, "campaign_status": campaign.status, "totals": totals,
              "by_township": by_township, "by_category": by_category, "quotas": quotas, "budget": budget}
    result["blockers"] = _blockers(result) if ctx.scope_is_root else []
    result["can_freeze"] = ctx.scope_is_root and not result["blockers"] and campaign.status in ("nominating", "reviewing")
    return result


def _over(used: int, limit: int | None) -> int:
    return max(0, used - limit) if limit is not None else 0


def _accepted(decisions: list[CondolenceBalancingDecision], kind: str, value: int, **match: Any) -> bool:
    """Is `value` covered by the latest acceptance of this kind for this quota/budget?"""
    latest = None
    for d in decisions:
        if d.kind == kind and all(getattr(d, k) == v for k, v in match.items()):
            latest = d
    return latest is not None and latest.accepted_value is not None and value <= latest.accepted_value


def _quota_usage(campaign_id: int, rows: list[dict[str, Any]], decisions: list[CondolenceBalancingDecision]
                 ) -> list[dict[str, Any]]:
    """Each quota against the lines of its org's subtree (and category)."""
    tid = current_tenant_id()
    quotas = db.session.execute(
        select(CondolenceQuota.id, CondolenceQuota.org_id, Org.name, Org.path, CondolenceQuota.category_id,
               CondolenceCategory.code, CondolenceCategory.name.label("category_name"), CondolenceQuota.max_households)
        .join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceQuota.org_id))
        .outerjoin(CondolenceCategory, and_(CondolenceCategory.tenant_id == tid,
                                            CondolenceCategory.id == CondolenceQuota.category_id))
        .where(CondolenceQuota.tenant_id == tid, CondolenceQuota.campaign_id == campaign_id)
        .order_by(Org.path, CondolenceQuota.id)).all()
    out = []
    for q in quotas:
        inside = [r for r in rows if r["path"].startswith(q.path) and (q.category_id is None or r["category_code"] == q.code)]
        used = _sum(inside).get(None, dict.fromkeys(_MEASURES, 0))
        row = {"quota_id": q.id, "org_id": q.org_id, "org_name": q.name, "category_id": q.category_id,
               "category_code": q.code, "category_name": q.category_name or "全部类别", "max_households": q.max_households,
               **used}
        row["over"] = _over(row["approved"], q.max_households)
        row["projected_over"] = _over(row["approved"] + row["awaiting"], q.max_households)
        row["over_accepted"] = _accepted(decisions, "accept_over_quota", row["approved"], quota_id=q.id)
        out.append(row)
    return out


def _blockers(b: dict[str, Any]) -> list[str]:
    out = []
    if b["totals"]["awaiting"]:
        out.append(f"还有{b['totals']['awaiting']}户待县总工会审核")
    if not b["totals"]["approved"]:
        out.append("还没有审定的慰问对象")
    for q in b["quotas"]:
        if q["over"] and not q["over_accepted"]:
            out.append(f"{q['org_name']}（{q['category_name']}）超出名额{q['over']}户，请核减对象、调增名额或同意超额")
    for item in b["budget"]:
        if item["over_fen"] and not item["accepted"]:
            out.append(f"{item['label']}超出预算{item['over_fen'] / 100:.2f}元，请核减对象或同意超支")
    for c in b["by_category"]:
        if c["over_budget_fen"] and not c["over_budget_accepted"]:
            out.append(f"{c['category_name']}慰问金超出类别预算{c['over_budget_fen'] / 100:.2f}元，请核减对象或同意超支")
    return out


# ---- decisions -----------------------------------------------------------------------------------


# Decisions after which the roster is judged again (they write the campaign row: taken exclusively).
REJUDGING_KINDS = ("reject_lines", "raise_quota", "raise_budget")


def decide(ctx: RequestContext, campaign_id: int, data: dict[str, Any]) -> CondolenceBalancingDecision:
    require_county(ctx)
    kind, comment = data["kind"], (data.get("comment") or "").strip()
    if not comment:
        raise ValidationFailed({"comment": "请填写平衡决定的理由"})
    with transaction():
        campaign = lock_campaign_shared(ctx, campaign_id, exclusive=kind in REJUDGING_KINDS)
        check_campaign_open(campaign)
        decision = CondolenceBalancingDecision(campaign_id=campaign_id, kind=kind, comment=comment,
                                               actor_id=ctx.user_id, actor_name=ctx.display_name[:100])
        if kind == "reject_lines":
            ids = list(dict.fromkeys(data.get("line_ids") or []))
            if not ids:
                raise ValidationFailed({"line_ids": "请选择要核减的对象"})
            freed = decide_lines(ctx, COUNTY, campaign_id, ids, "reject", f"汇总平衡核减：{comment}")
            rejudge_after_reject(ctx, campaign, freed)
            decision.line_count = len(ids)
        elif kind in ("raise_quota", "accept_over_quota"):
            _quota_decision(ctx, campaign, decision, data)
        elif kind == "raise_budget":
            _raise_budget(ctx, campaign, decision, data)
        elif kind == "accept_over_budget":
            _budget_decision(ctx, campaign, decision, data)
        else:  # the schema's choice() refuses it first
            raise ValidationFailed({"kind": "不支持的平衡决定"})
        db.session.add(decision)
        db.session.flush()
        audit.record(ctx, f"condolence.balancing.{kind}", "condolence_campaign", campaign_id,
                     {"decision_id": decision.id, "quota_id": decision.quota_id, "category_code": decision.category_code,
                      "budget_kind": decision.budget_kind, "old": decision.old_value, "new": decision.new_value,
                      "accepted": decision.accepted_value, "lines": decision.line_count, "comment": comment})
    return decision


def _quota_decision(ctx: RequestContext, campaign: CondolenceCampaign, decision: CondolenceBalancingDecision,
                    data: dict[str, Any]) -> None:
    campaign_id = campaign.id
    quota_id = data.get("quota_id")
    if quota_id is None:
        raise ValidationFailed({"quota_id": "请选择名额"})
    quota = db.session.execute(
        select(CondolenceQuota).where(CondolenceQuota.tenant_id == current_tenant_id(), CondolenceQuota.id == quota_id,
                                      CondolenceQuota.campaign_id == campaign_id).with_for_update()).scalar_one_or_none()
    if quota is None:
        raise ValidationFailed({"quota_id": "该名额不属于本活动"})
    decision.quota_id = quota.id
    decision.old_value = quota.max_households
    usage = next(q for q in _quota_usage(campaign_id, _aggregate(ctx, campaign_id), []) if q["quota_id"] == quota.id)
    if decision.kind == "raise_quota":
        new = data.get("new_max_households")
        if new is None:
            raise ValidationFailed({"new_max_households": "请填写调整后的名额"})
        if new <= quota.max_households:
            raise ValidationFailed({"new_max_households": f"调整后的名额应大于原名额（{quota.max_households}户）"})
        db.session.execute(update(CondolenceQuota).where(CondolenceQuota.tenant_id == quota.tenant_id,
                                                         CondolenceQuota.id == quota.id)
                           .values(max_households=new).execution_options(synchronize_session=False))
        decision.new_value = new
        # Lines the roster job judged over this quota may fit now: judge the campaign again.
        roster_jobs.request(ctx, campaign)
    else:
        if usage["approved"] <= quota.max_households:
            raise Conflict(f"该名额未超出（已审定{usage['approved']}户，名额{quota.max_households}户），无需同意超额")
        decision.accepted_value = usage["approved"]
        decision.new_value = usage["approved"]


def _raise_budget(ctx: RequestContext, campaign: CondolenceCampaign, decision: CondolenceBalancingDecision,
                  data: dict[str, Any]) -> None:
    """调增预算: a category's cash budget (`category_code`) or the campaign's cash or goods budget
    (`budget_kind`) goes up to `new_budget_fen`; lines the roster job judged over it may fit now, so the
    roster is judged again."""
    new = data.get("new_budget_fen")
    if new is None:
        raise ValidationFailed({"new_budget_fen": "请填写调整后的预算（分）"})
    code = data.get("category_code")
    tid = current_tenant_id()
    cat: CondolenceCategory | None = None
    if code:
        if (data.get("budget_kind") or "cash") != "cash":
            raise ValidationFailed({"budget_kind": "类别预算只限慰问金"})
        cat = db.session.execute(select(CondolenceCategory).where(
            CondolenceCategory.tenant_id == tid, CondolenceCategory.campaign_id == campaign.id,
            CondolenceCategory.code == code).with_for_update()).scalar_one_or_none()
        if cat is None:
            raise ValidationFailed({"category_code": "本活动没有该类别"})
        if cat.budget_cash_fen is None:
            raise ValidationFailed({"category_code": f"“{cat.name}”没有单独的预算上限，无需调增"})
        old = int(cat.budget_cash_fen)
        budget_kind = "cash"
    else:
        budget_kind = data.get("budget_kind") or "cash"
        old = int(campaign.budget_cash_fen if budget_kind == "cash" else campaign.budget_goods_fen)
    if new <= old:
        raise ValidationFailed({"new_budget_fen": f"调整后的预算应大于原预算（{old / 100:.2f}元）"})
    if cat is not None:
        cat.budget_cash_fen = new
        db.session.flush()
    else:  # through the ORM object: the set-up changed, so does its version (ETag)
        setattr(campaign, "budget_cash_fen" if budget_kind == "cash" else "budget_goods_fen", new)
        db.session.flush()
    decision.category_code, decision.budget_kind = code, budget_kind
    decision.old_value, decision.new_value = old, new
    roster_jobs.request(ctx, campaign)


def _budget_decision(ctx: RequestContext, campaign: CondolenceCampaign, decision: CondolenceBalancingDecision,
                     data: dict[str, Any]) -> None:
    budget_kind = data.get("budget_kind") or "cash"
    code = data.get("category_code")
    b = compute(ctx, campaign.id)
    if code:
        row = next((c for c in b["by_category"] if c["category_code"] == code), None)
        if row is None:
            raise ValidationFailed({"category_code": "本活动没有该类别的对象"})
        if budget_kind != "cash":
            raise ValidationFailed({"budget_kind": "类别预算只限慰问金"})
        used, limit = row["approved_cash"], row["budget_cash_fen"]
    else:
        item = next(i for i in b["budget"] if i["kind"] == budget_kind)
        used, limit = item["approved_fen"], item["budget_fen"] or None
    if not _over(used, limit):
        raise Conflict("预算未超出，无需同意超支")
    decision.category_code, decision.budget_kind = code, budget_kind
    decision.old_value, decision.accepted_value, decision.new_value = limit, used, used


def decisions_stmt(ctx: RequestContext, campaign_id: int) -> Any:
    get_campaign(ctx, campaign_id)
    return (select(CondolenceBalancingDecision)
            .where(CondolenceBalancingDecision.tenant_id == current_tenant_id(),
                   CondolenceBalancingDecision.campaign_id == campaign_id)
            .order_by(CondolenceBalancingDecision.id.desc()))


def decision_view(d: CondolenceBalancingDecision) -> dict[str, Any]:
    return {"id": d.id, "campaign_id": d.campaign_id, "kind": d.kind, "kind_label": BALANCING_KINDS.get(d.kind),
            "quota_id": d.quota_id, "category_code": d.category_code, "budget_kind": d.budget_kind,
            "old_value": d.old_value, "new_value": d.new_value, "accepted_value": d.accepted_value,
            "line_count": d.line_count, "comment": d.comment, "actor_name": d.actor_name, "created_at": d.created_at}


# ---- the freeze ----------------------------------------------------------------------------------


def freeze(ctx: RequestContext, campaign_id: int, comment: str | None) -> dict[str, Any]:
    """县总审定: the county approves the roster as it stands and freezes it (audited). Refused (409) while
    lines wait for the county or an overrun is undecided. Lines still below the county stay out."""
    require_county(ctx)
    with transaction():
        campaign = get_campaign(ctx, campaign_id, lock=True)
        check_campaign_open(campaign)
        b = compute(ctx, campaign_id)
        if b["blockers"]:
            raise Conflict("还不能审定名单：" + "；".join(b["blockers"]), {"blockers": b["blockers"]})
        now = datetime.now(UTC)
        approved = b["totals"]["approved"]
        excluded = b["totals"]["nominated"] - approved
        old_status = campaign.status
        campaign.status, campaign.frozen_at, campaign.frozen_by = "frozen", now, ctx.user_id
        db.session.add(CondolenceReview(
            campaign_id=campaign_id, scope="campaign", line_count=approved, level=COUNTY, action="freeze",
            to_status="frozen", comment=(comment or "").strip() or None, org_id=ctx.scope_org_id,
            actor_id=ctx.user_id, actor_name=ctx.display_name[:100]))
        audit.record(ctx, "condolence.campaign.freeze", "condolence_campaign", campaign_id,
                     {"status": [old_status, "frozen"], "approved": approved, "excluded": excluded,
                      "cash_fen": b["totals"]["approved_cash"], "goods_fen": b["totals"]["approved_goods"],
                      "comment": comment})
    return {"campaign_id": campaign_id, "status": "frozen", "frozen_at": now, "approved": approved,
            "excluded": excluded, "approved_cash_fen": b["totals"]["approved_cash"],
            "approved_goods_fen": b["totals"]["approved_goods"]}
