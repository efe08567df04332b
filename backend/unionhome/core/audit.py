"""Audit log: one row for every change (who, when, what changed) and every sensitive read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, func, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .db import IdMixin
from .tenancy import TenantMixin, current_tenant_id


class AuditLog(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "tenant_id", "entity_type", "entity_id"),)

    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    ip: Mapped[str | None] = mapped_column(String(64))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return "<encrypted>"
    return value


SENSITIVE_ATTRS = {"id_number_enc", "id_number_hash", "password_hash", "bank_card_enc", "bank_card_hash"}


def diff(obj: Any) -> dict[str, list[Any]]:
    """Changed column attributes of a pending/dirty object: {attr: [old, new]}."""
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in ("updated_at", "created_at", "version"):
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if attr.key in SENSITIVE_ATTRS:
                changes[attr.key] = ["***", "***"]
            else:
                changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def snapshot(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {
        a.key: ("***" if a.key in SENSITIVE_ATTRS else _plain(getattr(obj, a.key)))
        for a in state.mapper.column_attrs
        if a.key not in ("tenant_id",)
    }


def record(
    ctx: Any,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: dict[str, Any] | None = None,
    *,
    tenant_id: int | None = None,
) -> AuditLog:
    """Add an audit row to the current transaction (it commits with the change it describes)."""
    row = AuditLog(
        tenant_id=tenant_id if tenant_id is not None else current_tenant_id(),
        actor_user_id=getattr(ctx, "user_id", None),
        actor_name=getattr(ctx, "username", None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes,
        ip=(request.remote_addr if has_request_context() else None),
    )
    db.session.add(row)
    return row
