"""The hardship-worker file (困难职工档案). Registers its evidence subjects: documents attach to a
household (ID and hukou copies, diagnosis, bills) and photos to a visit."""

from __future__ import annotations

from typing import Any

from ..auth.permissions import HARDSHIP_READ, HARDSHIP_WRITE
from ..evidence.subjects import SubjectType, register


def _get_household(ctx: Any, household_id: int) -> Any:
    from .services.common import get_household

    return get_household(ctx, household_id)


def _household_ids(ctx: Any) -> Any:
    from .models import HardshipHousehold
    from .repository import HouseholdRepository

    return HouseholdRepository().scoped(ctx).with_only_columns(HardshipHousehold.id)


def _get_visit(ctx: Any, visit_id: int) -> Any:
    from .services.lifecycle import get_visit

    return get_visit(ctx, visit_id)


def _visit_ids(ctx: Any) -> Any:
    from .services.lifecycle import visit_ids_stmt

    return visit_ids_stmt(ctx)


register(SubjectType("hardship_household", "困难职工档案", HARDSHIP_READ, HARDSHIP_WRITE, _get_household,
                     _household_ids, describe=lambda h: f"{h.head_name}（{h.file_no}）"))
register(SubjectType("hardship_visit", "困难职工走访记录", HARDSHIP_READ, HARDSHIP_WRITE, _get_visit, _visit_ids,
                     describe=lambda v: f"走访 {v.visited_on.isoformat()}"))
