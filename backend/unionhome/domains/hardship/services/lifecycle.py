"""The life of a file (domain.md W2): verification visit → filing (建档) → reviews (复核) → exit (脱困/退档);
or rejection. Every step is judged by the policy in force on its day and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from ....core import audit
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import InvalidState, NotFound, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..eligibility import add_months, assess, exit_income_reached, months_between, per_capita, yuan
from ..models import EXIT_REASONS, HardshipHousehold, HardshipVisit
from ..repository import HouseholdRepository, PersonClaims
from .common import ENTITY, check_day, policy_in_force, require_status


def visit_view(v: HardshipVisit) -> dict[str, Any]:
    return {k: getattr(v, k) for k in ("id", "household_id", "kind", "visited_on", "visitors", "findings", "outcome",
                                       "household_income_fen", "created_by", "created_at")}


def visits_stmt(household_id: int) -> Select[Any]:
    return HouseholdRepository().visits(household_id)


def _set_income(household: HardshipHousehold, total: int | None) -> None:
    if total is not None:
        household.household_income_fen = total
        household.per_capita_income_fen = per_capita(total, household.household_size)


def record_visit(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]) -> HardshipVisit:
    """入户核实 (candidate/verified: the door-to-door check that filing needs) or 回访 (a filed household).
    A verification that finds the situation as stated (or changed) marks the household verified; the
    income found replaces the stated one and the household is judged again."""
    kind = data["kind"]
    if kind == "verification":
        require_status(household, ("candidate", "verified"), "入户核实")
        if data["outcome"] not in ("confirmed", "changed", "not_eligible"):
            raise ValidationFailed({"outcome": "入户核实的结论应为情况属实、情况有变化或不符合建档标准"})
    else:
        require_status(household, ("filed",), "回访")
        if data["outcome"] not in ("confirmed", "changed"):
            raise ValidationFailed({"outcome": "回访的结论应为情况属实或情况有变化；复核请使用“复核”"})
    check_day("visited_on", data["visited_on"], "走访日期", not_before=household.applied_on, not_before_label="申请日期")
    with transaction():
        visit = HardshipVisit(household_id=household.id, kind=kind, visited_on=data["visited_on"],
                              visitors=data["visitors"], findings=data["findings"], outcome=data["outcome"],
                              household_income_fen=data.get("household_income_fen"), created_by=ctx.user_id)
        db.session.add(visit)
        _set_income(household, data.get("household_income_fen"))
        if kind == "verification":
            household.verified_on = data["visited_on"]
            household.status = "candidate" if data["outcome"] == "not_eligible" else "verified"
        policy = policy_in_force(data["visited_on"], field="visited_on")
        household.rule_code = assess(household, [], policy).rule_code
        db.session.flush()
        changes: dict[str, Any] = dict(audit.diff(household))
        changes.update(visit_id=visit.id, kind=kind, outcome=data["outcome"], visitors=data["visitors"])
        audit.record(ctx, "hardship.visit.create", ENTITY, household.id, changes)
    return visit


def file_household(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]) -> HardshipHousehold:
    """建档: needs a verification visit and a rule met under the policy in force on the filing day."""
    require_status(household, ("verified",), "建档")
    repo = HouseholdRepository()
    last = repo.last_visit(household.id, "verification")
    if last is None:
        raise InvalidState("建档前须先完成入户核实")
    if last.outcome == "not_eligible":
        raise InvalidState("最近一次入户核实的结论为“不符合建档标准”，不能建档")
    filed_on = data.get("filed_on") or china_today()
    check_day("filed_on", filed_on, "建档日期", not_before=last.visited_on, not_before_label="入户核实日期")
    policy = policy_in_force(filed_on, field="filed_on")
    result = assess(household, repo.members(household.id), policy)
    if not result.met:
        raise InvalidState(f"不符合建档标准，不能建档：{result.explanation_zh}")
    with transaction():
        household.status = "filed"
        household.filed_on = filed_on
        household.rule_code = result.rule_code
        household.policy_id = policy.id
        household.next_review_due = add_months(filed_on, policy.review_interval_months)
        household.review_reminded_on = None
        household.exit_recommended = False
        changes: dict[str, Any] = dict(audit.diff(household))
        changes["rule"] = result.rule(result.rule_code).label if result.rule_code else None
        audit.record(ctx, "hardship.household.file", ENTITY, household.id, changes)
    return household


def review_household(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]
                     ) -> tuple[HardshipHousehold, HardshipVisit]:
    """复核: a review visit with the income found; the household is judged again, the next review moves
    on by the policy's interval, and a household that meets no rule any more is recommended for exit."""
    require_status(household, ("filed",), "复核")
    visited_on = data["visited_on"]
    check_day("visited_on", visited_on, "复核日期", not_before=household.filed_on, not_before_label="建档日期")
    since = data.get("stable_employment_since")
    check_day("stable_employment_since", since, "稳定就业起始日期")
    if "causes" in data and not data["causes"]:
        raise ValidationFailed({"causes": "请选择至少一项致困原因"})
    policy = policy_in_force(visited_on, field="visited_on")
    members = HouseholdRepository().members(household.id)
    income_before = household.household_income_fen
    with transaction():
        for key in ("causes", "self_paid_medical_fen", "disaster_loss_fen", "employment_status",
                    "stable_employment_since"):
            if key in data:
                setattr(household, key, list(dict.fromkeys(data[key])) if key == "causes" else data[key])
        _set_income(household, data["household_income_fen"])
        result = assess(household, members, policy)
        changed = income_before != household.household_income_fen or any(
            k in data for k in ("causes", "self_paid_medical_fen", "disaster_loss_fen", "employment_status"))
        outcome = "recommend_exit" if not result.met else ("changed" if changed else "confirmed")
        findings = data["findings"]
        visit = HardshipVisit(household_id=household.id, kind="review", visited_on=visited_on,
                              visitors=data["visitors"], findings=findings, outcome=outcome,
                              household_income_fen=data["household_income_fen"], created_by=ctx.user_id)
        db.session.add(visit)
        household.rule_code = result.rule_code
        household.policy_id = policy.id
        household.last_review_on = visited_on
        household.next_review_due = add_months(visited_on, policy.review_interval_months)
        household.review_reminded_on = None
        household.exit_recommended = not result.met
        db.session.flush()
        changes: dict[str, Any] = dict(audit.diff(household))
        changes.update(visit_id=visit.id, outcome=outcome, explanation=result.explanation_zh)
        audit.record(ctx, "hardship.household.review", ENTITY, household.id, changes)
    return household, visit


def exit_household(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]) -> HardshipHousehold:
    """脱困/退档 with a reason and a date. "stable_employment" needs stable work for the policy's months
    (6) by the exit day; "income_reached" needs per-capita income at the exit standard."""
    require_status(household, ("filed",), "脱困退档")
    reason = data["reason"]
    exited_on = data.get("exited_on") or china_today()
    check_day("exited_on", exited_on, "退档日期", not_before=household.filed_on, not_before_label="建档日期")
    note = (data.get("note") or "").strip() or None
    policy = policy_in_force(exited_on, field="exited_on")
    if reason == "stable_employment":
        since = household.stable_employment_since
        months = policy.stable_employment_months
        if since is None:
            raise ValidationFailed({"reason": f"档案中没有稳定就业起始日期，不能以“{EXIT_REASONS[reason]}”退档；"
                                              "请先在复核或修改档案时填写稳定就业起始日期"})
        if months_between(since, exited_on) < months:
            raise ValidationFailed({"reason": f"自{since.isoformat()}起稳定就业，到{exited_on.isoformat()}"
                                              f"不满{months}个月，不能以“{EXIT_REASONS[reason]}”退档"})
    if reason == "income_reached" and not exit_income_reached(household.per_capita_income_fen, policy):
        standard = policy.min_living_line_fen * policy.exit_pct // 100
        raise ValidationFailed({"reason": f"家庭人均月收入{yuan(household.per_capita_income_fen)}，未达到脱困标准"
                                          f"{yuan(standard)}（最低生活保障线的{policy.exit_pct}%），"
                                          "不能以“收入达到脱困标准”退档；请先复核收入"})
    if reason in ("cause_gone", "other") and not note:
        raise ValidationFailed({"note": "请说明致困原因如何消失（或其他退档原因）"})
    with transaction():
        household.status = "exited"
        household.exited_on = exited_on
        household.exit_reason = reason
        household.exit_note = note
        household.exit_recommended = False
        household.next_review_due = None
        PersonClaims().release(household.id)
        changes = audit.diff(household)
        audit.record(ctx, "hardship.household.exit", ENTITY, household.id, changes)
    return household


def reject_household(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]) -> HardshipHousehold:
    """不予建档: an application that the visit or the federation found ineligible, with the reason."""
    require_status(household, ("candidate", "verified"), "不予建档")
    with transaction():
        household.status = "rejected"
        household.rejected_reason = data["reason"]
        PersonClaims().release(household.id)
        audit.record(ctx, "hardship.household.reject", ENTITY, household.id, audit.diff(household))
    return household


def get_visit(ctx: RequestContext, visit_id: int) -> HardshipVisit:
    """A visit whose household is in the user's subtree (the evidence subject `hardship_visit`)."""
    visit = db.session.get(HardshipVisit, (current_tenant_id(), visit_id))
    if visit is None or HouseholdRepository().get_scoped(ctx, visit.household_id) is None:
        raise NotFound("走访记录不存在或不在您的管辖范围内")
    return visit


def visit_ids_stmt(ctx: RequestContext) -> Select[Any]:
    tid = current_tenant_id()
    households = HouseholdRepository().scoped(ctx).with_only_columns(HardshipHousehold.id)
    return select(HardshipVisit.id).where(HardshipVisit.tenant_id == tid,
                                          HardshipVisit.household_id.in_(households.scalar_subquery()))
