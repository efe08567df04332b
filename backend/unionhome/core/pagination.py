"""Offset pagination for `@blp.paginate()` views: count + limit/offset on a SQLAlchemy 2 select."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db


def paginate(stmt: Select[Any], pagination_parameters: Any, *, scalars: bool = True) -> Sequence[Any]:
    """Fill `pagination_parameters.item_count` (→ `X-Pagination`) and return the requested page.

    `stmt` must already carry a stable `order_by` (ending on a unique column)."""
    count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    pagination_parameters.item_count = db.session.execute(count_stmt).scalar_one()
    page, size = pagination_parameters.page, pagination_parameters.page_size
    page_stmt = stmt.limit(size).offset((page - 1) * size)
    result = db.session.execute(page_stmt)
    return result.scalars().all() if scalars else result.all()
