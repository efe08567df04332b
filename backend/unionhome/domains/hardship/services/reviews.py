"""Reviews due (待复核): filed households whose next review falls within the policy's reminder window
or is overdue, in the user's scope; the counts for a badge; and the scheduler's daily reminder, which
marks them (`review_reminded_on`) and writes one audit row per household, once per day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select, text

from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ..models import HardshipHousehold
from ..repository import HouseholdRepository, PolicyRepository
from .common import ENTITY, under_path

DEFAULT_REMINDER_DAYS = 30


def reminder_days(on: date | None = None) -> int:
    policy = PolicyRepository().in_force(on or china_today())
    return policy.reminder_days if policy is not None else DEFAULT_REMINDER_DAYS


def _due_clause(today: date, days: int) -> Any:
    h = HardshipHousehold
    return and_(h.status == "filed", h.next_review_due.is_not(None), h.next_review_due <= today + timedelta(days=days))


def due_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    today = china_today()
    h = HardshipHousehold
    stmt = HouseholdRepository().scoped(ctx, under_path(ctx, args.get("under"))).where(
        _due_clause(today, reminder_days(today)))
    if args.get("org_id") is not None:
        stmt = stmt.where(h.org_id == args["org_id"])
    if args.get("overdue_only"):
        stmt = stmt.where(h.next_review_due < today)
    return stmt.order_by(h.next_review_due, h.id)


def summary(ctx: RequestContext, args: dict[str, Any]) -> dict[str, Any]:
    """Counts for the header badge and the to-do list, with the unions that have the most."""
    today = china_today()
    days = reminder_days(today)
    h = HardshipHousehold
    overdue = func.count().filter(h.next_review_due < today)
    scoped = HouseholdRepository().scoped(ctx, under_path(ctx, args.get("under")))
    due = scoped.where(_due_clause(today, days))
    total, n_overdue = db.session.execute(due.with_only_columns(func.count(), overdue)).one()
    recommended = db.session.execute(scoped.where(h.status == "filed", h.exit_recommended.is_(True))
                                     .with_only_columns(func.count())).scalar_one()
    tid = current_tenant_id()
    per_org = (due.with_only_columns(h.org_id, func.count().label("n"), overdue.label("late"))
               .group_by(h.org_id).subquery())
    rows = db.session.execute(
        select(per_org.c.org_id, Org.name, per_org.c.n, per_org.c.late)
        .join(Org, and_(Org.tenant_id == tid, Org.id == per_org.c.org_id))
        .order_by(per_org.c.late.desc(), per_org.c.n.desc(), per_org.c.org_id).limit(20)).all()
    return {
        "due_soon": int(total) - int(n_overdue), "overdue": int(n_overdue), "total": int(total),
        "exit_recommended": int(recommended), "reminder_days": days,
        "by_org": [{"org_id": o, "org_name": n, "due_soon": int(c) - int(late), "overdue": int(late)}
                   for o, n, c, late in rows],
    }


def remind_due_reviews(today: date | None = None) -> int:
    """Mark the households due for review (within the reminder window or overdue) as reminded today and
    write one audit row each. Set-based; running again the same day changes nothing."""
    today = today or china_today()
    horizon = today + timedelta(days=reminder_days(today))
    with transaction():
        result = db.session.execute(text("""
            WITH reminded AS (
                UPDATE hardship_households SET review_reminded_on = :today
                 WHERE tenant_id = :tid AND status = 'filed' AND next_review_due IS NOT NULL
                   AND next_review_due <= :horizon
                   AND (review_reminded_on IS NULL OR review_reminded_on < :today)
             RETURNING id, next_review_due)
            INSERT INTO audit_log (tenant_id, actor_name, action, entity_type, entity_id, changes)
            SELECT :tid, '系统', 'hardship.review.remind', :entity, id,
                   jsonb_build_object('next_review_due', next_review_due, 'reminded_on', CAST(:today AS date),
                                      'overdue', next_review_due < :today)
              FROM reminded
        """), {"today": today, "horizon": horizon, "tid": current_tenant_id(), "entity": ENTITY})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
