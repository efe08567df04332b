"""One uploaded spreadsheet and what became of it (dry run, commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ....core.db import IdMixin, TimestampMixin
from ....core.tenancy import TenantMixin
from ....extensions import db

IMPORT_KINDS: dict[str, str] = {"members": "会员", "employers": "单位"}
IMPORT_MODES: dict[str, str] = {"all_or_nothing": "全部正确才导入", "valid_only": "导入正确的行，报告其余"}
IMPORT_STATUSES: dict[str, str] = {
    "pending": "等待校验",
    "validating": "校验中",
    "validated": "校验完成",
    "invalid": "文件无法导入",
    "committing": "导入中",
    "committed": "已导入",
    "rejected": "有错误，未导入",
    "failed": "处理失败",
    "cancelled": "已取消",
}
# Statuses after which nothing more happens to a batch.
FINAL_STATUSES = frozenset({"invalid", "committed", "rejected", "failed", "cancelled"})


class ImportBatch(TenantMixin, IdMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "import_batches"
    __table_args__ = (
        Index("ix_import_batches_created", "tenant_id", "created_at"),
        Index("ix_import_batches_user", "tenant_id", "created_by"),
    )

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    mode: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    file_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    source_key: Mapped[str] = mapped_column(String(300), nullable=False)
    annotated_key: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    # The principal the jobs act as (user, role, permissions, org scope), frozen when the user acted.
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    default_org_id: Mapped[int | None] = mapped_column(BigInteger)
    sheet_name: Mapped[str | None] = mapped_column(String(100))
    header_row: Mapped[int | None] = mapped_column(Integer)
    columns: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # field → header found
    ignored_columns: Mapped[list[str] | None] = mapped_column(JSONB)
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    valid_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    notice: Mapped[str | None] = mapped_column(Text)
    dry_run_job_id: Mapped[int | None] = mapped_column(BigInteger)
    commit_job_id: Mapped[int | None] = mapped_column(BigInteger)
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
