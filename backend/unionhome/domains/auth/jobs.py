"""Periodic housekeeping of accounts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, or_

from ...core.db import transaction
from ...core.tenancy import system_context
from ...extensions import db
from .models import AuthSession


def purge_expired_sessions(tenant_id: None = None) -> int:
    """Delete login sessions past their absolute expiry or idle timeout. Idempotent."""
    from flask import current_app

    now = datetime.now(UTC)
    idle_cutoff = now - current_app.config["SESSION_IDLE_TIMEOUT"]
    with system_context("purge expired sessions"), transaction():
        result = db.session.execute(
            delete(AuthSession).where(or_(AuthSession.expires_at <= now, AuthSession.last_seen_at <= idle_cutoff))
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
