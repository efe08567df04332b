"""The `jobs` table: the source of truth for every background job the product starts.

RQ only delivers work. A row records what to run (`func` + `args`, ids only), for whom, its
status and progress, and the *dispatch token* (`rq_job_id`) of the one RQ job allowed to run it:
a re-dispatch (reaper, continuation, recovery) changes the token, so a stale or duplicated RQ job
finds the row no longer its own and does nothing. That is what makes "requeued after Redis lost
everything" and "worker killed mid-job" end with the work done exactly once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy import func as sql_func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ...core.db import IdMixin
from ...core.tenancy import TenantMixin
from ...extensions import db

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
ACTIVE_STATUSES = (QUEUED, RUNNING)
FINAL_STATUSES = (SUCCEEDED, FAILED, CANCELLED)
STATUS_LABELS = {QUEUED: "排队中", RUNNING: "运行中", SUCCEEDED: "已完成", FAILED: "失败", CANCELLED: "已取消"}


class Job(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "jobs"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["jobs.tenant_id", "jobs.id"], ondelete="CASCADE"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        Index("ix_jobs_parent", "tenant_id", "parent_id"),
        Index("ix_jobs_started_by", "tenant_id", "started_by"),
        # The reaper scans active rows of every tenant.
        Index("ix_jobs_active", "status", "heartbeat_at", postgresql_where=text("status IN ('queued', 'running')")),
        Index("uq_jobs_idempotency", "tenant_id", "kind", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL")),
    )

    parent_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(80), nullable=False)
    queue: Mapped[str] = mapped_column(String(20), nullable=False)  # latency class: high/default/long
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=QUEUED)
    started_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    # The starter's org subtree (NULL: tenant-wide); org-scoped readers see the jobs inside theirs.
    scope_path: Mapped[str | None] = mapped_column(String(500))

    func: Mapped[str] = mapped_column(String(200), nullable=False)  # dotted path of the job function
    args: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, default=list)  # ids and plain values only
    state: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the job's checkpoint (resume point)

    progress_done: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(String(1000))  # for users, in Chinese
    error_detail: Mapped[str | None] = mapped_column(Text)  # technical (traceback): platform admins and logs

    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # executions started
    retries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # retries after an error, used
    max_retries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    retry_intervals: Mapped[list[int] | None] = mapped_column(JSONB)
    recoveries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # re-dispatches by the reaper
    timeout_s: Mapped[int] = mapped_column(Integer, nullable=False)

    rq_job_id: Mapped[str | None] = mapped_column(String(100))  # dispatch token of the current RQ job
    dispatch_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worker_name: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(120))
    cancel_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Fan-out: a job that split itself into chunk jobs (children) waits for them.
    chunks_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    chunks_failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    waiting: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    resume_after_chunks: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Its progress counts items its chunks report (`spawn_chunks(progress_total=…)`), not chunks done.
    progress_items: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                 server_default=text("false"))

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=sql_func.now(), nullable=False)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=sql_func.now(), nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=sql_func.now(), onupdate=sql_func.now(), nullable=False
    )
