"""Tenant context and its enforcement (DESIGN "Multi-tenancy", STYLE §6.2).

Three layers keep tenants apart:
1. repositories filter by tenant explicitly;
2. `_add_tenant_criteria` (a `do_orm_execute` listener) adds the tenant criterion to every ORM
   statement and refuses to run one without a tenant context, unless inside `system_context()`;
3. PostgreSQL row-level security: `_sync_tenant_guc` (a `before_cursor_execute` listener) keeps the
   session variables `app.tenant_id` / `app.system` of each connection equal to the current context,
   and the RLS policies created by the migrations read them. An unset tenant sees no rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

log = logging.getLogger(__name__)

_tenant_id: ContextVar[int | None] = ContextVar("uh_tenant_id", default=None)
_system: ContextVar[str | None] = ContextVar("uh_system_reason", default=None)


class TenantContextMissing(RuntimeError):
    """An ORM query ran with neither a tenant nor an explicit system context."""


def current_tenant_id() -> int:
    tid = _tenant_id.get()
    if tid is None:
        raise TenantContextMissing("no tenant in context")
    return tid


def current_tenant_id_or_none() -> int | None:
    return _tenant_id.get()


def in_system_context() -> bool:
    return _system.get() is not None


@contextmanager
def tenant_context(tenant_id: int) -> Iterator[int]:
    """Run the block as `tenant_id` (request handling, jobs)."""
    token = _tenant_id.set(int(tenant_id))
    system_token = _system.set(None)
    try:
        yield int(tenant_id)
    finally:
        _system.reset(system_token)
        _tenant_id.reset(token)


@contextmanager
def system_context(reason: str) -> Iterator[None]:
    """Cross-tenant access (login lookup, platform admin, migrations, seeding). Always give a reason;
    it is logged, and platform-admin actions that use it are audited by their services."""
    log.debug("system context: %s", reason)
    token = _system.set(reason)
    tenant_token = _tenant_id.set(None)
    try:
        yield
    finally:
        _tenant_id.reset(tenant_token)
        _system.reset(token)


def set_request_tenant(tenant_id: int | None) -> None:
    """Set the tenant for the rest of the current request (the app context ends with the request)."""
    _tenant_id.set(tenant_id)
    _system.set(None)


def clear_context() -> None:
    _tenant_id.set(None)
    _system.set(None)


def _default_tenant_id() -> int:
    """New rows belong to the tenant in context (RLS refuses any other)."""
    return current_tenant_id()


class TenantMixin:
    """Every tenant-owned model. `tenant_id` is the first column of its primary key."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            BigInteger, ForeignKey("tenants.id"), primary_key=True, nullable=False, sort_order=-100,
            default=_default_tenant_id,
        )


def _add_tenant_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        # Lazy loads inherit the criteria added to the parent statement (propagate_to_loaders).
        return
    if in_system_context():
        return
    tid = _tenant_id.get()
    if tid is None:
        raise TenantContextMissing("ORM query without tenant context; use tenant_context() or system_context()")
    state.statement = state.statement.options(
        with_loader_criteria(TenantMixin, lambda cls: cls.tenant_id == tid, include_aliases=True)
    )


_GUC_SQL = "select set_config('app.tenant_id', %s, false), set_config('app.system', %s, false)"


_TX_CONTROL = ("ROLLBACK", "RELEASE", "SAVEPOINT", "COMMIT", "BEGIN")


def _sync_tenant_guc(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    if statement.lstrip()[:9].upper().startswith(_TX_CONTROL):
        return  # never before transaction control: a failed transaction must still be able to roll back
    tid = _tenant_id.get()
    wanted = ("" if tid is None else str(tid), "on" if _system.get() is not None else "")
    info = conn.connection.info if conn.connection is not None else {}
    if info.get("uh_guc") != wanted:
        cursor.execute(_GUC_SQL, wanted)
        info["uh_guc"] = wanted


def _forget_guc(conn: Any, *args: Any) -> None:
    # A rolled-back transaction also rolls back set_config() done inside it: re-sync next time.
    if conn.connection is not None:
        conn.connection.info.pop("uh_guc", None)


def _forget_guc_on_reset(dbapi_conn: Any, record: Any, reset_state: Any = None) -> None:
    # The pool's reset-on-return rolls back whatever was open, settings made in it included.
    record.info.pop("uh_guc", None)




def install(engine: Engine, session_class: type[Session] | Any) -> None:
    """Attach the safety net to an engine and a session class (idempotent)."""
    if not event.contains(engine, "before_cursor_execute", _sync_tenant_guc):
        event.listen(engine, "before_cursor_execute", _sync_tenant_guc)
        event.listen(engine, "rollback", _forget_guc)
        event.listen(engine, "rollback_savepoint", _forget_guc)
        event.listen(engine.pool, "reset", _forget_guc_on_reset)
    if not event.contains(session_class, "do_orm_execute", _add_tenant_criteria):
        event.listen(session_class, "do_orm_execute", _add_tenant_criteria)
