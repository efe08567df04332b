"""Job entrypoints of the hardship file. They take ids (or nothing, when the scheduler runs them for
every tenant) and are idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...core.tenancy import system_context, tenant_context
from ...extensions import db
from ..tenants.models import Tenant


def remind_reviews(tenant_id: int | None = None) -> dict[str, Any]:
    """Periodic (daily): mark the filed households whose review is due within the policy's reminder
    window, or overdue, as reminded today (one audit row each). Running it again the same day
    changes nothing; a household is reminded again the next day while its review stays undone."""
    from .services.reviews import remind_due_reviews

    if tenant_id is not None:
        tenant_ids = [tenant_id]
    else:
        with system_context("hardship review reminders: list tenants"):
            tenant_ids = list(db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars())
            db.session.rollback()
    reminded: dict[int, int] = {}
    for tid in tenant_ids:
        with tenant_context(tid):
            reminded[tid] = remind_due_reviews()
    return {"reminded": sum(reminded.values()), "tenants": len(tenant_ids)}
