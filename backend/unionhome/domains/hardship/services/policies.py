"""The county's hardship policy (帮扶政策), versioned by effective date: the minimum living line and the
entry rules built on it, the exit standard, the review interval. Set by the federation only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..eligibility import pct_of_line
from ..models import HardshipHousehold, HardshipPolicy
from ..repository import PolicyRepository

ENTITY = "hardship_policy"
DEFAULTS = {"basic_pct": 150, "special_pct": 200, "major_pct": 300, "self_paid_threshold_fen": 2_000_000,
            "exit_pct": 150, "stable_employment_months": 6, "review_interval_months": 12, "reminder_days": 30}


def require_county(ctx: RequestContext) -> None:
    if not ctx.scope_is_root:
        raise PermissionDenied("帮扶政策由县总工会统一制定")


def list_stmt() -> Select[Any]:
    return PolicyRepository().select().order_by(HardshipPolicy.effective_from.desc(), HardshipPolicy.id.desc())


def get_policy(ctx: RequestContext, policy_id: int) -> HardshipPolicy:
    obj = PolicyRepository().get(policy_id)
    if obj is None:
        raise NotFound("帮扶政策不存在")
    return obj


def in_force(on: date | None) -> HardshipPolicy:
    day = on or china_today()
    policy = PolicyRepository().in_force(day)
    if policy is None:
        raise NotFound(f"{day.isoformat()}没有生效的帮扶政策")
    return policy


def views(policies: list[HardshipPolicy]) -> list[dict[str, Any]]:
    tid = current_tenant_id()
    all_dates = sorted(db.session.execute(select(HardshipPolicy.effective_from)
                                          .where(HardshipPolicy.tenant_id == tid)).scalars())
    used = dict(db.session.execute(
        select(HardshipHousehold.policy_id, func.count()).where(
            HardshipHousehold.tenant_id == tid, HardshipHousehold.policy_id.in_([p.id for p in policies]))
        .group_by(HardshipHousehold.policy_id)).all()) if policies else {}
    today = china_today()
    out = []
    for p in policies:
        later = [d for d in all_dates if d > p.effective_from]
        effective_to = later[0] - timedelta(days=1) if later else None
        data = {k: getattr(p, k) for k in ("id", "name", "basis_document", "effective_from", "min_living_line_fen",
                                           "basic_pct", "special_pct", "major_pct", "self_paid_threshold_fen",
                                           "exit_pct", "stable_employment_months", "review_interval_months",
                                           "reminder_days", "version", "created_at", "updated_at")}
        data.update(
            effective_to=effective_to,
            in_force=p.effective_from <= today and (effective_to is None or today <= effective_to),
            thresholds={"basic": pct_of_line(p, p.basic_pct), "special": pct_of_line(p, p.special_pct),
                        "major": pct_of_line(p, p.major_pct), "self_paid": p.self_paid_threshold_fen,
                        "exit": pct_of_line(p, p.exit_pct)},
            households=int(used.get(p.id, 0)),
        )
        out.append(data)
    return out


def _check(values: dict[str, Any]) -> None:
    basic, special, major = values["basic_pct"], values["special_pct"], values["major_pct"]
    if not basic <= special <= major:
        raise ValidationFailed({"special_pct": "各项标准应逐级放宽：第一项≤第二项≤第三项（占最低生活保障线的百分比）"})


def create_policy(ctx: RequestContext, data: dict[str, Any]) -> HardshipPolicy:
    require_county(ctx)
    values = {**DEFAULTS, **data}
    _check(values)
    if PolicyRepository().by_effective_from(values["effective_from"]) is not None:
        raise ValidationFailed({"effective_from": "该生效日期已有一项政策，请修改那一项或换一个生效日期"})
    try:
        with transaction():
            policy = PolicyRepository().add(HardshipPolicy(created_by=ctx.user_id, **values))
            db.session.flush()
            audit.record(ctx, "hardship.policy.create", ENTITY, policy.id, audit.snapshot(policy))
    except IntegrityError as err:
        if "uq_hardship_policies_effective_from" in str(err.orig):
            raise ValidationFailed({"effective_from": "该生效日期已有一项政策"}) from err
        raise
    return policy


def update_policy(ctx: RequestContext, policy: HardshipPolicy, data: dict[str, Any]) -> HardshipPolicy:
    require_county(ctx)
    merged = {k: data.get(k, getattr(policy, k)) for k in DEFAULTS}
    _check(merged)
    day = data.get("effective_from")
    if day is not None and day != policy.effective_from:
        other = PolicyRepository().by_effective_from(day)
        if other is not None and other.id != policy.id:
            raise ValidationFailed({"effective_from": "该生效日期已有一项政策"})
    try:
        with transaction():
            for key, value in data.items():
                setattr(policy, key, value)
            changes = audit.diff(policy)
            db.session.flush()
            audit.record(ctx, "hardship.policy.update", ENTITY, policy.id, changes)
    except IntegrityError as err:
        if "uq_hardship_policies_effective_from" in str(err.orig):
            raise ValidationFailed({"effective_from": "该生效日期已有一项政策"}) from err
        raise
    return policy


def delete_policy(ctx: RequestContext, policy: HardshipPolicy) -> None:
    require_county(ctx)
    used = db.session.execute(select(func.count()).where(HardshipHousehold.tenant_id == current_tenant_id(),
                                                         HardshipHousehold.policy_id == policy.id)).scalar_one()
    if used:
        raise Conflict(f"已有{used}户依据该政策建档或复核，不能删除；如标准调整，请新增一项政策并设置新的生效日期")
    with transaction():
        audit.record(ctx, "hardship.policy.delete", ENTITY, policy.id, audit.snapshot(policy))
        db.session.delete(policy)
