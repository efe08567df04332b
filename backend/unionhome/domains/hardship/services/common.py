"""Helpers shared by the hardship services: loading a household in scope, the policy in force, dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from ....core.clock import today as china_today
from ....core.errors import InvalidState, NotFound, ValidationFailed
from ....core.security import RequestContext
from ...orgs.repository import OrgRepository
from ..models import STATUSES, HardshipHousehold, HardshipPolicy
from ..repository import HouseholdRepository, PolicyRepository

ENTITY = "hardship_household"  # audit rows of a household and of its visits and reliefs


def get_household(ctx: RequestContext, household_id: int) -> HardshipHousehold:
    """The household if it is in the tenant and inside the user's org subtree; else 404."""
    obj = HouseholdRepository().get_scoped(ctx, household_id)
    if obj is None:
        raise NotFound(HouseholdRepository.not_found_message)
    return obj


def under_path(ctx: RequestContext, under: int | None) -> str | None:
    """The path of an `under` filter's org: 404 when it is missing, foreign or outside the scope."""
    if under is None:
        return None
    org = OrgRepository().get_in_scope(ctx, under)
    if org is None:
        raise NotFound("组织不存在或不在您的管辖范围内")
    return org.path


def policy_in_force(on: date, *, field: str | None = None) -> HardshipPolicy:
    """The county's policy in force on `on`; without one nothing can be judged (a clear 409)."""
    policy = PolicyRepository().in_force(on)
    if policy is None:
        message = (f"{on.isoformat()}没有生效的困难职工建档标准（帮扶政策），无法认定；"
                   "请县总工会先在“帮扶政策”中设置最低生活保障线和建档、脱困标准")
        raise InvalidState(message, {"json": {field: [message]}} if field else None)
    return policy


def require_status(household: HardshipHousehold, allowed: tuple[str, ...], action: str) -> None:
    if household.status not in allowed:
        wanted = "、".join(STATUSES[s] for s in allowed)
        raise InvalidState(f"档案当前状态为“{STATUSES.get(household.status, household.status)}”，"
                           f"只有“{wanted}”的档案可以{action}")


def check_day(field: str, day: date | None, label: str, *, not_before: date | None = None,
              not_before_label: str = "") -> None:
    """A date that must not lie in the future (Beijing time) nor before another date."""
    if day is None:
        return
    if day > china_today():
        raise ValidationFailed({field: f"{label}不能晚于今天"})
    if not_before is not None and day < not_before:
        raise ValidationFailed({field: f"{label}不能早于{not_before_label}（{not_before.isoformat()}）"})


def status_label(status: str) -> str:
    return STATUSES.get(status, status)


def plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
