"""Evidence archive: files attached to any record (subject type + id), stored in S3 under the
tenant's prefix, verified by a job (size, SHA-256, sniffed type) and kept under object-lock
retention; bundles pack a record's verified files into a zip with a manifest of hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...core.db import IdMixin, TimestampMixin, VersionMixin
from ...core.tenancy import TenantMixin
from ...extensions import db

PENDING_UPLOAD, VERIFYING, VERIFIED, REJECTED, TAMPERED = "pending_upload", "verifying", "verified", "rejected", "tampered"
ITEM_STATUSES: dict[str, str] = {
    PENDING_UPLOAD: "待上传",
    VERIFYING: "核验中",
    VERIFIED: "已核验",
    REJECTED: "已拒收",
    TAMPERED: "疑似篡改",
}

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
BUNDLE_STATUSES: dict[str, str] = {QUEUED: "排队中", RUNNING: "打包中", SUCCEEDED: "已完成", FAILED: "失败"}


class EvidenceItem(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """One uploaded file. `declared_*` is what the client announced; `size`/`sha256`/`detected_type`
    are what the verification job measured on the stored bytes (S3 version `s3_version_id`)."""

    __tablename__ = "evidence_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "storage_key", name="uq_evidence_items_storage_key"),
        Index("ix_evidence_items_subject", "tenant_id", "subject_type", "subject_id", "id"),
        Index("ix_evidence_items_status", "tenant_id", "status", "created_at"),
    )

    subject_type: Mapped[str] = mapped_column(String(40), nullable=False)
    subject_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(String(500))
    declared_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    declared_type: Mapped[str] = mapped_column(String(120), nullable=False)
    declared_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(300), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=PENDING_UPLOAD)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    detected_type: Mapped[str | None] = mapped_column(String(120))
    s3_version_id: Mapped[str | None] = mapped_column(String(200))
    s3_etag: Mapped[str | None] = mapped_column(String(200))
    retention_mode: Mapped[str | None] = mapped_column(String(20))
    retain_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    uploader_name: Mapped[str] = mapped_column(String(60), nullable=False)
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # the last verification job (jobs row)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class EvidenceBundle(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """A zip of all verified evidence of one record, with manifest.json and manifest.csv."""

    __tablename__ = "evidence_bundles"
    __table_args__ = (Index("ix_evidence_bundles_subject", "tenant_id", "subject_type", "subject_id", "id"),)

    subject_type: Mapped[str] = mapped_column(String(40), nullable=False)
    subject_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    subject_name: Mapped[str | None] = mapped_column(String(200))  # as it was when requested
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=QUEUED)
    error: Mapped[str | None] = mapped_column(String(1000))
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # the jobs row that builds it
    requested_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    requester_name: Mapped[str] = mapped_column(String(60), nullable=False)
    storage_key: Mapped[str | None] = mapped_column(String(300))
    item_count: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    s3_version_id: Mapped[str | None] = mapped_column(String(200))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
