"""Display names of users, for lists that record who did something by user id (jobs, imports)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ...extensions import db
from .models import User


def display_names(ids: Iterable[int | None]) -> dict[int, str]:
    """user id → display name, for the users row-level security lets the current tenant see."""
    wanted = {int(i) for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {int(i): n for i, n in rows}
