"""One uploaded spreadsheet and what became of it (dry run, commit)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ....core.db import IdMixin, TimestampMixin
from ....core.tenancy import TenantMixin, current_tenant_id
from ....extensions import db

IMPORT_KINDS: dict[str, str] = {"members": "会员", "employers": "单位"}
IMPORT_KINDS["hardship_households"] = "困难职工档案"  # defined in domains/hardship/imports.py
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
# What a running phase is doing (import_batches.step), for the progress shown with the import.
STEPS: dict[str, str] = {"read": "读取校验", "check": "查重汇总", "annotate": "生成错误标注", "apply": "写入数据",
                         "finish": "汇总结果", "cleanup": "清理临时数据", "done": "完成"}


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
    # Progress of the running phase: its step (STEPS) and rows done of rows expected in that step.
    step: Mapped[str | None] = mapped_column(String(20))
    step_done: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    step_total: Mapped[int | None] = mapped_column(BigInteger)


# ---- staging: what a running dry run / commit has read so far (deleted when it ends) -------------
#
# A phase of a batch works in slices (a job that hands the worker on every few seconds and may be
# killed at any point): each chunk of parsed rows is staged here and committed together with the
# job's checkpoint, so a resumed run neither loses nor repeats a chunk. Duplicates across the whole
# file, the counts and the final upsert are then set-based SQL over these tables. Rows carry the
# batch and are deleted when the phase ends; `jobs.cleanup_imports` removes what an abandoned run left
# behind (and rows of batches that no longer exist). No foreign keys on purpose: two FK checks per
# staged row were most of the cost of staging a million rows; the key columns are the tenant's and
# the batch's ids, tenant first, like every tenant-owned key.


class _Staged(TenantMixin):
    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - TenantMixin's column without its foreign key
        return mapped_column(BigInteger, primary_key=True, nullable=False, sort_order=-100,
                             default=current_tenant_id)


class _StagedRow(_Staged):
    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, sort_order=-90)
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-89)  # the sheet's row (1-based)
    digest: Mapped[str] = mapped_column(String(32), nullable=False, sort_order=-87)  # equal content ↔ digest
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=true(), sort_order=-86)


class ImportMemberRow(_StagedRow, db.Model):  # type: ignore[name-defined,misc]
    """A valid member row of a running import (natural key: the ID number's HMAC)."""

    __tablename__ = "import_member_rows"

    key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, sort_order=-88)
    id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # only for ID numbers not registered yet
    region_code: Mapped[str | None] = mapped_column(Text)
    last4: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    mobile: Mapped[str | None] = mapped_column(Text)
    org_id: Mapped[int | None] = mapped_column(BigInteger)
    employer_id: Mapped[int | None] = mapped_column(BigInteger)
    join_date: Mapped[date | None] = mapped_column(Date)
    employment_type: Mapped[str | None] = mapped_column(Text)
    member_card_number: Mapped[str | None] = mapped_column(Text)
    remark: Mapped[str | None] = mapped_column(Text)


class ImportEmployerRow(_StagedRow, db.Model):  # type: ignore[name-defined,misc]
    """A valid employer row of a running import (natural key: the unified social credit code)."""

    __tablename__ = "import_employer_rows"

    key: Mapped[str] = mapped_column(Text, nullable=False, sort_order=-88)
    is_new: Mapped[bool] = mapped_column(Boolean, nullable=False)
    name: Mapped[str | None] = mapped_column(Text)
    ownership_type: Mapped[str | None] = mapped_column(Text)
    sector: Mapped[str | None] = mapped_column(Text)
    staff_count: Mapped[int | None] = mapped_column(Integer)
    women_count: Mapped[int | None] = mapped_column(Integer)
    migrant_count: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(Text)
    legal_representative: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(Text)
    township_org_id: Mapped[int | None] = mapped_column(BigInteger)
    union_status: Mapped[str | None] = mapped_column(Text)
    covering_org_id: Mapped[int | None] = mapped_column(BigInteger)
    remark: Mapped[str | None] = mapped_column(Text)


class ImportIssue(_Staged, db.Model):  # type: ignore[name-defined,misc]
    """A problem of one row of a running import (``seq``: its place among the row's problems)."""

    __tablename__ = "import_issues"

    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    col: Mapped[int | None] = mapped_column(Integer)  # 0-based column, NULL for the whole row
    label: Mapped[str] = mapped_column(Text, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)


class ImportPart(_Staged, db.Model):  # type: ignore[name-defined,misc]
    """A compressed piece of the annotated workbook being written, one per slice and stream
    (``s`` sheet, ``c`` comments, ``v`` their drawing); assembled into the .xlsx at the end."""

    __tablename__ = "import_parts"

    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    stream: Mapped[str] = mapped_column(String(1), primary_key=True)
    part_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


STAGING_MODELS = (ImportMemberRow, ImportEmployerRow, ImportIssue, ImportPart)
