"""Visits (走访慰问, domain.md W1-a): visiting groups led by a leader with participating departments, a
date, time and meeting point; approved households assigned to groups; the arrangement table (安排表)
per group; and a visit record per household — cash and goods given, photo and signed receipt as
evidence (subject `condolence_visit`). Cash handed over at a visit is a payment like a bank transfer:
it needs the same clearance (noticed, window closed, no objection) and can happen only once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ, CONDOLENCE_REVIEW
from ...orgs.models import Org
from ...orgs.repository import subtree_clause
from ..models import CondolenceLine
from ..workflow_models import CondolencePayment, CondolenceVisit, CondolenceVisitGroup
from .eligibility import Payability, reason_text
from .scope import LineScope, get_campaign, get_line, org_in_scope, org_names, require_county
from .statuses import APPROVED_AT

VISIT_CAMPAIGN = ("frozen", "noticing", "paying")
GROUP_FIELDS = ("name", "leader", "departments", "visit_date", "visit_time", "meeting_time", "meeting_point",
                "area_org_id", "contact", "remark")


# ---- groups --------------------------------------------------------------------------------------


def get_group(ctx: RequestContext, group_id: int) -> CondolenceVisitGroup:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    group = db.session.execute(select(CondolenceVisitGroup).where(
        CondolenceVisitGroup.tenant_id == current_tenant_id(), CondolenceVisitGroup.id == group_id)).scalar_one_or_none()
    if group is None:
        raise NotFound("慰问小组不存在")
    return group


def groups_stmt(ctx: RequestContext, campaign_id: int) -> Select[Any]:
    get_campaign(ctx, campaign_id)
    return (select(CondolenceVisitGroup).where(CondolenceVisitGroup.tenant_id == current_tenant_id(),
                                               CondolenceVisitGroup.campaign_id == campaign_id)
            .order_by(CondolenceVisitGroup.visit_date, CondolenceVisitGroup.name, CondolenceVisitGroup.id))


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Times as text for the audit log's JSON (the audit helper knows dates, not times of day)."""
    def one(v: Any) -> Any:
        if isinstance(v, time):
            return v.isoformat()
        if isinstance(v, list):
            return [one(x) for x in v]
        return v

    return {k: one(v) for k, v in values.items()}


def _check_group_data(ctx: RequestContext, data: dict[str, Any]) -> None:
    if data.get("area_org_id") is not None:
        org_in_scope(ctx, data["area_org_id"], "area_org_id")
    if "departments" in data:
        data["departments"] = [d.strip() for d in data["departments"] or [] if d and d.strip()]


def create_group(ctx: RequestContext, campaign_id: int, data: dict[str, Any]) -> CondolenceVisitGroup:
    require_county(ctx)
    _check_group_data(ctx, data)
    with transaction():
        campaign = get_campaign(ctx, campaign_id)
        if campaign.status not in VISIT_CAMPAIGN:
            raise InvalidState("名单经县总工会审定（冻结）后才能安排走访")
        group = CondolenceVisitGroup(campaign_id=campaign_id, created_by=ctx.user_id,
                                     **{k: data.get(k) for k in GROUP_FIELDS if k in data})
        if group.departments is None:
            group.departments = []
        db.session.add(group)
        try:
            db.session.flush()
        except IntegrityError:
            raise ValidationFailed({"name": "本活动已有同名的慰问小组"}) from None
        audit.record(ctx, "condolence.visit_group.create", "condolence_visit_group", group.id,
                     _plain(audit.snapshot(group)))
    return group


def update_group(ctx: RequestContext, group: CondolenceVisitGroup, data: dict[str, Any]) -> CondolenceVisitGroup:
    require_county(ctx)
    _check_group_data(ctx, data)
    with transaction():
        for key in GROUP_FIELDS:
            if key in data:
                setattr(group, key, data[key] if key != "departments" else (data[key] or []))
        changes = _plain(audit.diff(group))
        try:
            db.session.flush()
        except IntegrityError:
            raise ValidationFailed({"name": "本活动已有同名的慰问小组"}) from None
        audit.record(ctx, "condolence.visit_group.update", "condolence_visit_group", group.id, changes)
    return group


def delete_group(ctx: RequestContext, group: CondolenceVisitGroup) -> None:
    require_county(ctx)
    visited = db.session.execute(select(func.count()).select_from(CondolenceVisit).where(
        CondolenceVisit.tenant_id == group.tenant_id, CondolenceVisit.group_id == group.id)).scalar_one()
    if visited:
        raise InvalidState(f"该小组已登记{visited}条走访记录，不能删除")
    with transaction():
        n = len(db.session.execute(update(CondolenceLine).where(
            CondolenceLine.tenant_id == group.tenant_id, CondolenceLine.visit_group_id == group.id)
            .values(visit_group_id=None).returning(CondolenceLine.id).execution_options(synchronize_session=False)).all())
        audit.record(ctx, "condolence.visit_group.delete", "condolence_visit_group", group.id,
                     {**_plain(audit.snapshot(group)), "unassigned": n})
        db.session.delete(group)


def assign(ctx: RequestContext, group: CondolenceVisitGroup, data: dict[str, Any]) -> dict[str, Any]:
    """Assign households: the listed lines (all or nothing), or every approved, not yet assigned line of a
    subtree (`org_id`). Lines already in another group move only with `move=true`."""
    require_county(ctx)
    line_ids, org_id, move = data.get("line_ids"), data.get("org_id"), data.get("move", False)
    if not line_ids and org_id is None:
        raise ValidationFailed({"line_ids": "请选择要分配的对象，或指定一个镇街（组织）"})
    with transaction():
        campaign = get_campaign(ctx, group.campaign_id, lock=True)
        if campaign.status not in VISIT_CAMPAIGN:
            raise InvalidState("名单经县总工会审定（冻结）后才能安排走访")
        scope = LineScope(ctx, group.campaign_id)
        conds = scope.join_conditions()
        if line_ids:
            ids = list(dict.fromkeys(line_ids))
            rows = db.session.execute(scope.select(CondolenceLine.id, CondolenceLine.name, CondolenceLine.review_status,
                                                   CondolenceLine.visit_group_id, CondolenceLine.objection_upheld)
                                      .where(CondolenceLine.id.in_(ids))).all()
            found = {r.id: r for r in rows}
            missing = [i for i in ids if i not in found]
            if missing:
                raise ValidationFailed({"line_ids": f"以下对象不存在或不在本活动中：{'、'.join(map(str, missing[:10]))}"})
            refused = {}
            for r in rows:
                if r.review_status != APPROVED_AT["county"]:
                    refused[r.id] = f"{r.name}：未经县总工会审定"
                elif r.objection_upheld:
                    refused[r.id] = f"{r.name}：公示异议成立"
                elif r.visit_group_id not in (None, group.id) and not move:
                    refused[r.id] = f"{r.name}：已分配到其他小组"
            if refused:
                raise Conflict("；".join(list(refused.values())[:5]) + "；本次未做任何分配",
                               {"lines": {str(k): v for k, v in refused.items()}})
            conds.append(CondolenceLine.id.in_(ids))
        else:
            under = org_in_scope(ctx, org_id)
            conds += [subtree_clause(scope.org.path, under.path), CondolenceLine.review_status == APPROVED_AT["county"],
                      CondolenceLine.objection_upheld.is_(False)]
            if not move:
                conds.append(CondolenceLine.visit_group_id.is_(None))
        n = len(db.session.execute(update(CondolenceLine).where(*conds).values(visit_group_id=group.id)
                                   .returning(CondolenceLine.id).execution_options(synchronize_session=False)).all())
        if not n and not line_ids:
            raise Conflict("该范围内没有待分配的已审定对象")
        audit.record(ctx, "condolence.visit_group.assign", "condolence_visit_group", group.id,
                     {"line_ids": line_ids, "org_id": org_id, "move": move, "assigned": n})
    return {"assigned": n, "message": f"已分配{n}户到{group.name}"}


def unassign(ctx: RequestContext, group: CondolenceVisitGroup, line_ids: list[int]) -> dict[str, Any]:
    require_county(ctx)
    with transaction():
        n = len(db.session.execute(update(CondolenceLine).where(
            CondolenceLine.tenant_id == group.tenant_id, CondolenceLine.visit_group_id == group.id,
            CondolenceLine.id.in_(line_ids)).values(visit_group_id=None)
            .returning(CondolenceLine.id).execution_options(synchronize_session=False)).all())
        audit.record(ctx, "condolence.visit_group.unassign", "condolence_visit_group", group.id,
                     {"line_ids": line_ids, "unassigned": n})
    return {"assigned": -n, "message": f"已从{group.name}移出{n}户"}


def group_lines_stmt(ctx: RequestContext, group: CondolenceVisitGroup) -> Select[Any]:
    scope = LineScope(ctx, group.campaign_id)
    return scope.select().where(CondolenceLine.visit_group_id == group.id).order_by(
        scope.org.path, CondolenceLine.row_no, CondolenceLine.id)


def group_views(groups: list[CondolenceVisitGroup]) -> list[dict[str, Any]]:
    if not groups:
        return []
    tid = current_tenant_id()
    ids = [g.id for g in groups]
    counts = {gid: (int(n), int(c), int(gd)) for gid, n, c, gd in db.session.execute(
        select(CondolenceLine.visit_group_id, func.count(), func.coalesce(func.sum(CondolenceLine.cash_fen), 0),
               func.coalesce(func.sum(CondolenceLine.goods_fen), 0))
        .where(CondolenceLine.tenant_id == tid, CondolenceLine.visit_group_id.in_(ids))
        .group_by(CondolenceLine.visit_group_id))}
    visited = dict(db.session.execute(
        select(CondolenceVisit.group_id, func.count()).where(CondolenceVisit.tenant_id == tid,
                                                             CondolenceVisit.group_id.in_(ids))
        .group_by(CondolenceVisit.group_id)).all())
    names = org_names({g.area_org_id for g in groups})
    out = []
    for g in groups:
        n, cash, goods = counts.get(g.id, (0, 0, 0))
        out.append({"id": g.id, "campaign_id": g.campaign_id, "name": g.name, "leader": g.leader,
                    "departments": list(g.departments or []), "visit_date": g.visit_date, "visit_time": g.visit_time,
                    "meeting_time": g.meeting_time, "meeting_point": g.meeting_point, "area_org_id": g.area_org_id,
                    "area_org_name": names.get(g.area_org_id or 0), "contact": g.contact, "remark": g.remark,
                    "households": n, "cash_fen": cash, "goods_fen": goods, "visited": int(visited.get(g.id, 0)),
                    "version": g.version, "created_at": g.created_at})
    return out


# ---- visit records -------------------------------------------------------------------------------


def _require_visit_writer(ctx: RequestContext) -> None:
    ctx.require_tenant()
    if not (ctx.can(CONDOLENCE_MANAGE) or ctx.can(CONDOLENCE_REVIEW)):
        raise PermissionDenied("没有登记走访记录的权限")


def get_visit(ctx: RequestContext, visit_id: int) -> CondolenceVisit:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    visit = db.session.execute(select(CondolenceVisit).where(
        CondolenceVisit.tenant_id == current_tenant_id(), CondolenceVisit.id == visit_id)).scalar_one_or_none()
    if visit is None:
        raise NotFound("走访记录不存在")
    try:
        get_line(ctx, visit.line_id)
    except NotFound:
        raise NotFound("走访记录不存在") from None
    return visit


def visits_stmt(ctx: RequestContext, campaign_id: int, args: dict[str, Any]) -> Select[Any]:
    get_campaign(ctx, campaign_id)
    scope = LineScope(ctx, campaign_id)
    stmt = scope.select(CondolenceVisit, CondolenceLine).join(
        CondolenceVisit, and_(CondolenceVisit.tenant_id == scope.tid, CondolenceVisit.line_id == CondolenceLine.id))
    if args.get("group_id"):
        stmt = stmt.where(CondolenceVisit.group_id == args["group_id"])
    return stmt.order_by(CondolenceVisit.visited_on.desc(), CondolenceVisit.id.desc())


def visited_scope_ids(ctx: RequestContext) -> Select[Any]:
    """Ids of the visit records whose line lies in the user's subtree (evidence lists)."""
    tid = current_tenant_id()
    stmt = (select(CondolenceVisit.id).join(CondolenceLine, and_(CondolenceLine.tenant_id == tid,
                                                                 CondolenceLine.id == CondolenceVisit.line_id))
            .join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceLine.org_id))
            .where(CondolenceVisit.tenant_id == tid))
    if not ctx.scope_is_root and ctx.scope_path:
        stmt = stmt.where(subtree_clause(Org.path, ctx.scope_path))
    return stmt


def _check_amounts(line: CondolenceLine, data: dict[str, Any]) -> None:
    if data.get("cash_fen", 0) > line.cash_fen:
        raise ValidationFailed({"cash_fen": f"现场发放的慰问金不能超过审定金额（{line.cash_fen / 100:.2f}元）"})
    visited_on: date | None = data.get("visited_on")
    if visited_on is not None and visited_on > china_today():
        raise ValidationFailed({"visited_on": "走访日期不能晚于今天"})


def create_visit(ctx: RequestContext, campaign_id: int, data: dict[str, Any]) -> CondolenceVisit:
    _require_visit_writer(ctx)
    try:
        line, _ = get_line(ctx, data["line_id"])
    except NotFound:
        raise ValidationFailed({"line_id": "该对象不存在或不在您的管辖范围内"}) from None
    if line.campaign_id != campaign_id:
        raise ValidationFailed({"line_id": "该对象不属于本活动"})
    _check_amounts(line, data)
    cash, who = int(data.get("cash_fen") or 0), line.name
    with transaction():
        campaign = get_campaign(ctx, campaign_id, lock=True)
        if campaign.status not in VISIT_CAMPAIGN:
            raise InvalidState("名单经县总工会审定（冻结）后才能登记走访")
        if line.review_status != APPROVED_AT["county"]:
            raise InvalidState(f"{line.name}未经县总工会审定，不能登记走访")
        if data.get("group_id") is not None:
            group = db.session.execute(select(CondolenceVisitGroup.id).where(
                CondolenceVisitGroup.tenant_id == current_tenant_id(), CondolenceVisitGroup.id == data["group_id"],
                CondolenceVisitGroup.campaign_id == campaign_id)).scalar_one_or_none()
            if group is None:
                raise ValidationFailed({"group_id": "慰问小组不存在"})
        if cash:
            _check_payable_in_cash(line)
        visit = CondolenceVisit(campaign_id=campaign_id, line_id=line.id,
                                group_id=data.get("group_id", line.visit_group_id), visited_on=data["visited_on"],
                                cash_fen=cash, goods_desc=data.get("goods_desc"),
                                goods_fen=int(data.get("goods_fen") or 0), notes=data.get("notes"),
                                recorded_by=ctx.user_id, recorder_name=ctx.display_name[:100])
        if db.session.execute(select(CondolenceVisit.id).where(CondolenceVisit.tenant_id == line.tenant_id,
                                                               CondolenceVisit.line_id == line.id)).first():
            raise Conflict(f"{who}已登记过走访记录")
        db.session.add(visit)
        try:
            db.session.flush()
        except IntegrityError:  # recorded meanwhile by someone else
            raise Conflict(f"{who}已登记过走访记录") from None
        if cash:
            _pay_cash(visit, line.id, who)
        audit.record(ctx, "condolence.visit.create", "condolence_visit", visit.id, audit.snapshot(visit))
    return visit


def _check_payable_in_cash(line: CondolenceLine) -> None:
    pay = Payability(china_today(), bank=False)
    code, end = db.session.execute(pay.select().where(CondolenceLine.tenant_id == line.tenant_id,
                                                      CondolenceLine.id == line.id)).one()
    if code is not None:
        raise Conflict(f"{line.name}不能现场发放慰问金：{reason_text(code, end)}（可只登记慰问品）")


def _pay_cash(visit: CondolenceVisit, line_id: int, who: str) -> None:
    paid_at = datetime.combine(visit.visited_on, datetime.min.time(), tzinfo=UTC)
    db.session.add(CondolencePayment(campaign_id=visit.campaign_id, line_id=line_id, method="cash", visit_id=visit.id,
                                     amount_fen=visit.cash_fen, status="paid", paid_at=paid_at))
    try:
        db.session.flush()
    except IntegrityError:  # a bank batch took the line meanwhile: never paid twice
        raise Conflict(f"{who}已在发放批次中或已发放，不能重复发放") from None
    db.session.execute(update(CondolenceLine).where(CondolenceLine.tenant_id == visit.tenant_id,
                                                    CondolenceLine.id == line_id)
                       .values(payment_status="paid", paid_at=paid_at).execution_options(synchronize_session=False))


def update_visit(ctx: RequestContext, visit: CondolenceVisit, data: dict[str, Any]) -> CondolenceVisit:
    _require_visit_writer(ctx)
    if "cash_fen" in data and data["cash_fen"] != visit.cash_fen:
        raise InvalidState("慰问金已按登记发放，如需更正请删除该走访记录后重新登记")
    line, _ = get_line(ctx, visit.line_id)
    _check_amounts(line, {k: v for k, v in data.items() if k != "cash_fen"})
    with transaction():
        for key in ("visited_on", "goods_desc", "goods_fen", "notes", "group_id"):
            if key in data:
                setattr(visit, key, data[key])
        changes = audit.diff(visit)
        audit.record(ctx, "condolence.visit.update", "condolence_visit", visit.id, changes)
    return visit


def delete_visit(ctx: RequestContext, visit: CondolenceVisit) -> None:
    """Withdraw a visit record (county only); its cash payment is cancelled and the line is unpaid again."""
    require_county(ctx)
    with transaction():
        cancelled = len(db.session.execute(update(CondolencePayment).where(
            CondolencePayment.tenant_id == visit.tenant_id, CondolencePayment.visit_id == visit.id,
            CondolencePayment.status == "paid").values(status="cancelled", visit_id=None)
            .returning(CondolencePayment.id).execution_options(synchronize_session=False)).all())
        if cancelled:
            db.session.execute(update(CondolenceLine).where(CondolenceLine.tenant_id == visit.tenant_id,
                                                            CondolenceLine.id == visit.line_id)
                               .values(payment_status="unpaid", paid_at=None).execution_options(synchronize_session=False))
        audit.record(ctx, "condolence.visit.delete", "condolence_visit", visit.id,
                     {**audit.snapshot(visit), "cash_payment_cancelled": bool(cancelled)})
        db.session.delete(visit)


def visit_view(v: CondolenceVisit, line: CondolenceLine | None = None) -> dict[str, Any]:
    return {"id": v.id, "campaign_id": v.campaign_id, "line_id": v.line_id, "line_name": line.name if line else None,
            "group_id": v.group_id, "visited_on": v.visited_on, "cash_fen": v.cash_fen, "goods_desc": v.goods_desc,
            "goods_fen": v.goods_fen, "notes": v.notes, "recorder_name": v.recorder_name, "version": v.version,
            "created_at": v.created_at}
