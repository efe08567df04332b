"""Helpers shared by the org-register services."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from ....core.errors import NotFound, ValidationFailed
from ....core.security import RequestContext
from ..models import Org
from ..repository import OrgRepository


def org_in_scope_or_404(ctx: RequestContext, org_id: int) -> Org:
    org = OrgRepository().get_in_scope(ctx, org_id)
    if org is None:
        raise NotFound("组织不存在")
    return org


def org_field_in_scope(ctx: RequestContext, field: str, org_id: int | None, *, allowed_types: Any = None,
                       label: str = "组织") -> Org | None:
    """Resolve an org reference inside a payload; a foreign or out-of-scope id is a field error."""
    if org_id is None:
        return None
    org = OrgRepository().get_in_scope(ctx, org_id)
    if org is None:
        raise ValidationFailed({field: f"{label}不存在或不在您的管辖范围内"})
    if allowed_types is not None and org.org_type not in allowed_types:
        raise ValidationFailed({field: f"{label}类型不符合要求"})
    return org


def apply(obj: Any, data: dict[str, Any]) -> None:
    for key, value in data.items():
        setattr(obj, key, value)


def unique_violation(err: IntegrityError, constraint: str) -> bool:
    return constraint in str(getattr(err, "orig", err))
