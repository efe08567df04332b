"""Offset pagination for `@blp.paginate()` views: limit/offset on a SQLAlchemy 2 select, plus the total
for `X-Pagination`.

The total is exact up to `EXACT_COUNT_LIMIT` rows. Counting more than that on every page (a county's
1,000,000 members) costs more than the page itself, so beyond it the total is PostgreSQL's planner
estimate of the same query and `X-Pagination` says so with `"total_is_estimate": true` (the key is
absent when the total is exact). A page that comes back short is the last one: its total is exact and
needs no count at all. See bench/README.md.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from flask import after_this_request, has_request_context
from sqlalchemy import Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal

from ..extensions import db

log = logging.getLogger(__name__)

# Up to this many matching rows (by the planner's estimate) the total is counted exactly, reading at
# most this many + 1 rows; above it the planner's estimate is the total.
EXACT_COUNT_LIMIT = 10_000
PAGINATION_HEADER = "X-Pagination"
ESTIMATE_KEY = "total_is_estimate"


PageBuilder = Callable[[int, int], Select[Any]]
_PAGE_BUILDER = "uh_page_builder"


def with_page_builder(stmt: Select[Any], builder: PageBuilder) -> Select[Any]:
    """Let `paginate` read the page with `builder(limit, offset)` instead of `stmt.limit().offset()`;
    `stmt` still defines the total. For a page that a different query shape reads faster."""
    return stmt.execution_options(**{_PAGE_BUILDER: builder})


def paginate(stmt: Select[Any], pagination_parameters: Any, *, scalars: bool = True) -> Sequence[Any]:
    """Fill `pagination_parameters.item_count` (→ `X-Pagination`) and return the requested page.

    `stmt` must already carry a stable `order_by` (ending on a unique column)."""
    page, size = pagination_parameters.page, pagination_parameters.page_size
    offset = (page - 1) * size
    builder: PageBuilder | None = stmt.get_execution_options().get(_PAGE_BUILDER)
    page_stmt = builder(size, offset) if builder is not None else stmt.limit(size).offset(offset)
    result = db.session.execute(page_stmt)
    items = result.scalars().all() if scalars else result.all()
    total, estimated = count_total(stmt, offset, len(items), size)
    pagination_parameters.item_count = total
    if estimated:
        _mark_estimate()
    return items


def count_total(stmt: Select[Any], offset: int, returned: int, page_size: int) -> tuple[int, bool]:
    """(total, is_estimate) of `stmt`, given that the page at `offset` returned `returned` rows.

    A short page is the last one: exact, no query. Otherwise a count reading at most
    EXACT_COUNT_LIMIT + 1 rows decides; past that cap the planner's estimate is the total, never below
    what the pages have shown to exist."""
    if 0 < returned < page_size or (returned == 0 and offset == 0):
        return offset + returned, False
    known = offset + returned  # rows that certainly exist
    # Count exactly, reading at most EXACT_COUNT_LIMIT + 1 rows: the planner's statistics can be far off
    # (a table that just had a bulk load rolled back), so they are only trusted beyond the cap.
    bounded = select(func.count()).select_from(stmt.order_by(None).limit(EXACT_COUNT_LIMIT + 1).subquery())
    n = int(db.session.execute(bounded).scalar_one())
    if n <= EXACT_COUNT_LIMIT:
        return n, False
    estimate = planner_rows(stmt.order_by(None))
    log.debug("pagination: more than %d rows, planner estimates %d", EXACT_COUNT_LIMIT, estimate)
    # A full page may have more after it: leave room for a next page.
    return max(estimate, n, known + (1 if returned == page_size else 0)), True


class _Explain(Executable, ClauseElement):
    """`EXPLAIN (FORMAT JSON) <select>`, compiled and bound like the select itself (and cached like it)."""

    inherit_cache = True
    _traverse_internals = [("stmt", InternalTraversal.dp_clauseelement)]

    def __init__(self, stmt: Select[Any]) -> None:
        self.stmt = stmt

    @property
    def _all_selected_columns(self) -> list[Any]:  # read when a cached compilation is reused
        return []


@compiles(_Explain)
def _compile_explain(element: _Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.stmt, **kw)


def explain(stmt: Select[Any]) -> dict[str, Any]:
    """The root node of PostgreSQL's plan for `stmt` (EXPLAIN: planned, not executed)."""
    plan = db.session.execute(_Explain(stmt)).scalar_one()
    if isinstance(plan, str | bytes):
        plan = json.loads(plan)
    return dict(plan[0]["Plan"])


def planner_rows(stmt: Select[Any]) -> int:
    """PostgreSQL's estimate of how many rows `stmt` returns."""
    return int(explain(stmt)["Plan Rows"])


def _mark_estimate() -> None:
    if not has_request_context():
        return

    @after_this_request
    def add_flag(response: Any) -> Any:
        raw = response.headers.get(PAGINATION_HEADER)
        if raw:
            meta = json.loads(raw)
            meta[ESTIMATE_KEY] = True
            response.headers[PAGINATION_HEADER] = json.dumps(meta)
        return response
