"""Tenant-scoped queries of the evidence archive (and the quota lock, raw SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, text

from ...core.db import TenantRepository
from ...core.security import RequestContext
from ...core.tenancy import current_tenant_id
from .models import PENDING_UPLOAD, TAMPERED, VERIFIED, VERIFYING, EvidenceBundle, EvidenceItem
from .subjects import SubjectType


class EvidenceRepository(TenantRepository[EvidenceItem]):
    model = EvidenceItem
    not_found_message = "证据文件不存在"

    def for_subject(self, subject_type: str, subject_id: int) -> Select[Any]:
        return self.select().where(EvidenceItem.subject_type == subject_type, EvidenceItem.subject_id == subject_id)

    def visible(self, ctx: RequestContext, types: list[SubjectType]) -> Select[Any]:
        """Items of every subject the user may read: the subject types it holds the read permission
        of, and inside its org subtree (each type's `scoped_ids`)."""
        clauses = []
        for st in types:
            if not ctx.can(st.read_permission):
                continue
            clause = EvidenceItem.subject_type == st.code
            if not ctx.scope_is_root:
                clause = and_(clause, EvidenceItem.subject_id.in_(st.scoped_ids(ctx).scalar_subquery()))
            clauses.append(clause)
        return self.select().where(or_(*clauses) if clauses else false())

    def verified_of(self, subject_type: str, subject_id: int) -> list[EvidenceItem]:
        stmt = (self.for_subject(subject_type, subject_id)
                .where(EvidenceItem.status == VERIFIED, EvidenceItem.deleted_at.is_(None))
                .order_by(EvidenceItem.id))
        return list(self.session.execute(stmt).scalars())

    def lock_quota(self) -> None:
        """Serialise quota checks of one tenant until the transaction ends."""
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('evidence-quota'), :tid)"),
                             {"tid": current_tenant_id()})

    def used_bytes(self, pending_since: datetime) -> int:
        """Bytes the tenant's archive holds or has reserved: verified (and tampered) items, plus
        uploads announced since `pending_since` (their presigned URL may still be used)."""
        size = func.coalesce(EvidenceItem.size, EvidenceItem.declared_size)
        stmt = select(func.coalesce(func.sum(size), 0)).where(
            EvidenceItem.tenant_id == current_tenant_id(),
            EvidenceItem.deleted_at.is_(None),
            or_(EvidenceItem.status.in_((VERIFIED, TAMPERED, VERIFYING)),
                and_(EvidenceItem.status == PENDING_UPLOAD, EvidenceItem.created_at >= pending_since)),
        )
        return int(self.session.execute(stmt).scalar_one())

    def due_for_check(self, before: datetime, limit: int) -> list[int]:
        """Verified items last checked before `before`, least recently checked first."""
        stmt = (select(EvidenceItem.id).where(EvidenceItem.tenant_id == current_tenant_id(),
                                              EvidenceItem.status == VERIFIED, EvidenceItem.deleted_at.is_(None),
                                              EvidenceItem.checked_at < before)
                .order_by(EvidenceItem.checked_at, EvidenceItem.id).limit(limit))
        return list(self.session.execute(stmt).scalars())

    def stale_pending(self, before: datetime, limit: int = 500) -> list[EvidenceItem]:
        stmt = (self.select().where(EvidenceItem.status == PENDING_UPLOAD, EvidenceItem.created_at < before)
                .order_by(EvidenceItem.id).limit(limit))
        return list(self.session.execute(stmt).scalars())


class BundleRepository(TenantRepository[EvidenceBundle]):
    model = EvidenceBundle
    not_found_message = "证据包不存在"

    def visible(self, ctx: RequestContext, types: list[SubjectType]) -> Select[Any]:
        clauses = []
        for st in types:
            if not ctx.can(st.read_permission):
                continue
            clause = EvidenceBundle.subject_type == st.code
            if not ctx.scope_is_root:
                clause = and_(clause, EvidenceBundle.subject_id.in_(st.scoped_ids(ctx).scalar_subquery()))
            clauses.append(clause)
        return self.select().where(or_(*clauses) if clauses else false())
