"""The condolence workflow after nomination (domain.md W1): the review chain's decisions, the county's
balancing decisions, public notices with their lines and objections, visiting groups and visit
records, bank payment batches and payments.

Every table is tenant-owned: `tenant_id` leads every key and foreign key, RLS in migration 0009.
A line is never paid twice: at most one live payment (exported or paid) per line is a partial unique
index, and a line cannot be deleted while a payment points at it (the foreign key has no cascade).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from ...core.db import IdMixin, TimestampMixin, VersionMixin
from ...core.tenancy import TenantMixin, current_tenant_id
from ...extensions import db

REVIEW_LEVELS: dict[str, str] = {"grassroots": "基层工会", "township": "镇街工会", "county": "县总工会"}
REVIEW_ACTIONS: dict[str, str] = {
    "approve": "审核通过",
    "reject": "不予通过",
    "return": "退回修改",
    "correct": "修改后重新提交",
    "freeze": "审定并冻结名单",
}
REVIEW_SCOPES: dict[str, str] = {"line": "逐条", "batch": "整批", "campaign": "整个活动"}

BALANCING_KINDS: dict[str, str] = {
    "raise_quota": "调增名额",
    "raise_budget": "调增预算",
    "accept_over_quota": "同意超出名额",
    "accept_over_budget": "同意超出预算",
    "reject_lines": "核减对象",
}

# `preparing`: a job is writing its lines (a county notice is 300,000 of them); `failed`: that job
# failed and wrote nothing (the notice can be withdrawn and prepared again).
NOTICE_STATUSES: dict[str, str] = {"preparing": "生成中", "failed": "生成失败", "draft": "待张贴", "posted": "已张贴"}
OBJECTION_OUTCOMES: dict[str, str] = {"pending": "待核实", "upheld": "异议成立", "dismissed": "异议不成立"}

PAYMENT_METHODS: dict[str, str] = {"bank": "打卡发放", "cash": "现金（走访时发放）"}
PAYMENT_STATUSES: dict[str, str] = {
    "exported": "已生成发放文件",
    "paid": "已发放",
    "failed": "发放失败",
    "cancelled": "已撤销",
}
LIVE_PAYMENT_STATUSES = ("exported", "paid")
EXPORT_KINDS: dict[str, str] = {
    "notice": "公示名单",
    "bank": "银行代发文件",
    "arrangement": "走访安排表",
    "report": "上报统计表",
}
EXPORT_STATUSES: dict[str, str] = {"queued": "排队中", "running": "生成中", "succeeded": "已生成", "failed": "生成失败"}
# `preparing`: a job is selecting the payable lines and writing the payments; `failed`: that job failed
# and wrote no payment.
PAYMENT_BATCH_STATUSES: dict[str, str] = {
    "preparing": "生成中",
    "failed": "生成失败",
    "exported": "待银行回盘",
    "partial": "部分回盘",
    "completed": "回盘完成",
    "cancelled": "已撤销",
}


def _tenant_default() -> int:
    return current_tenant_id()


def _campaign_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "campaign_id"],
                                ["condolence_campaigns.tenant_id", "condolence_campaigns.id"])


class CondolenceReview(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """One decision of the review chain: on one line, on a batch (`line_ids` lists the lines it moved)
    or on the whole campaign (the county's freeze). Never updated, never deleted."""

    __tablename__ = "condolence_reviews"
    __table_args__ = (
        _campaign_fk(),
        ForeignKeyConstraint(["tenant_id", "batch_id"], ["condolence_batches.tenant_id", "condolence_batches.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "line_id"], ["condolence_lines.tenant_id", "condolence_lines.id"],
                             ondelete="CASCADE"),
        Index("ix_condolence_reviews_campaign", "tenant_id", "campaign_id", "id"),
        Index("ix_condolence_reviews_line", "tenant_id", "line_id"),
        Index("ix_condolence_reviews_batch", "tenant_id", "batch_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    scope: Mapped[str] = mapped_column(String(10), nullable=False)  # line | batch | campaign
    batch_id: Mapped[int | None] = mapped_column(BigInteger)
    line_id: Mapped[int | None] = mapped_column(BigInteger)
    line_ids: Mapped[list[int] | None] = mapped_column(ARRAY(BigInteger))  # a batch decision's lines
    line_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    to_status: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(String(500))
    org_id: Mapped[int | None] = mapped_column(BigInteger)  # the reviewing union (None: the county)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class CondolenceBalancingDecision(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """A decision of the county's consolidation and balancing (汇总平衡). `accepted_value` is what an
    acceptance covers (households for a quota, fen for a budget): more than that blocks the freeze again."""

    __tablename__ = "condolence_balancing_decisions"
    __table_args__ = (
        _campaign_fk(),
        ForeignKeyConstraint(["tenant_id", "quota_id"], ["condolence_quotas.tenant_id", "condolence_quotas.id"],
                             ondelete="CASCADE"),
        Index("ix_condolence_balancing_campaign", "tenant_id", "campaign_id", "id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    quota_id: Mapped[int | None] = mapped_column(BigInteger)
    category_code: Mapped[str | None] = mapped_column(String(30))  # a category budget; None: the campaign's
    budget_kind: Mapped[str | None] = mapped_column(String(10))  # cash | goods
    old_value: Mapped[int | None] = mapped_column(BigInteger)
    new_value: Mapped[int | None] = mapped_column(BigInteger)
    accepted_value: Mapped[int | None] = mapped_column(BigInteger)
    line_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    comment: Mapped[str] = mapped_column(String(500), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class CondolenceNotice(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """A public notice (公示) of the approved lines of a subtree (`org_id`; the federation: all of them)."""

    __tablename__ = "condolence_notices"
    __table_args__ = (
        _campaign_fk(),
        ForeignKeyConstraint(["tenant_id", "org_id"], ["orgs.tenant_id", "orgs.id"]),
        Index("ix_condolence_notices_campaign", "tenant_id", "campaign_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(200), nullable=False)
    contact: Mapped[str | None] = mapped_column(String(200))  # where objections go (电话, 地址)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    line_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cash_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    goods_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    posted_on: Mapped[date | None] = mapped_column(Date)
    posted_by: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    remark: Mapped[str | None] = mapped_column(String(500))
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # the job that writes its lines (preparing)
    error: Mapped[str | None] = mapped_column(String(500))  # why that job failed


class CondolenceNoticeLine(TenantMixin, db.Model):  # type: ignore[name-defined,misc]
    """The lines a notice shows; a line appears in one notice only.

    A county notice has every approved line of the county (300,000 at scale), written by one INSERT …
    SELECT: its parents (notice, line, tenant) are checked per statement, not per row (migration 0010,
    like condolence_lines in 0008), and deleting a notice or a line deletes its rows here."""

    __tablename__ = "condolence_notice_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "line_id", name="uq_condolence_notice_lines_line"),
    )

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, nullable=False, sort_order=-100,
                                           default=_tenant_default)
    notice_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    line_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)  # 序号 on the notice


class CondolenceObjection(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """An objection (异议) against a noticed line, received during the notice window."""

    __tablename__ = "condolence_objections"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "notice_id"], ["condolence_notices.tenant_id", "condolence_notices.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "line_id"], ["condolence_lines.tenant_id", "condolence_lines.id"],
                             ondelete="CASCADE"),
        Index("ix_condolence_objections_notice", "tenant_id", "notice_id"),
        Index("ix_condolence_objections_line", "tenant_id", "line_id"),
    )

    notice_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    line_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    content: Mapped[str] = mapped_column(String(1000), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    received_from: Mapped[str | None] = mapped_column(String(100))  # 反映人 (may stay anonymous)
    contact: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    outcome_note: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class CondolenceVisitGroup(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """A visiting group (慰问小组): led by a leader, with participating departments, meeting at a place
    and time (domain.md W1-a). Households are assigned through `condolence_lines.visit_group_id`."""

    __tablename__ = "condolence_visit_groups"
    __table_args__ = (
        _campaign_fk(),
        ForeignKeyConstraint(["tenant_id", "area_org_id"], ["orgs.tenant_id", "orgs.id"]),
        UniqueConstraint("tenant_id", "campaign_id", "name", name="uq_condolence_visit_groups_name"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)  # 第一组
    leader: Mapped[str] = mapped_column(String(100), nullable=False)  # 带队领导 (name and post)
    departments: Mapped[list[str]] = mapped_column(ARRAY(String(60)), nullable=False, default=list)
    visit_date: Mapped[date] = mapped_column(Date, nullable=False)
    visit_time: Mapped[time | None] = mapped_column(Time)
    meeting_time: Mapped[time | None] = mapped_column(Time)
    meeting_point: Mapped[str | None] = mapped_column(String(200))
    area_org_id: Mapped[int | None] = mapped_column(BigInteger)  # the township it covers, if any
    contact: Mapped[str | None] = mapped_column(String(100))
    remark: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class CondolenceVisit(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """What was given at a household's visit; photo and signed receipt are evidence items."""

    __tablename__ = "condolence_visits"
    __table_args__ = (
        _campaign_fk(),
        ForeignKeyConstraint(["tenant_id", "line_id"], ["condolence_lines.tenant_id", "condolence_lines.id"]),
        ForeignKeyConstraint(["tenant_id", "group_id"], ["condolence_visit_groups.tenant_id",
                                                         "condolence_visit_groups.id"]),
        UniqueConstraint("tenant_id", "line_id", name="uq_condolence_visits_line"),
        Index("ix_condolence_visits_campaign", "tenant_id", "campaign_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    line_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    cash_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    goods_desc: Mapped[str | None] = mapped_column(String(200))
    goods_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    recorder_name: Mapped[str | None] = mapped_column(String(100))


class CondolencePaymentBatch(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """One bank batch file (打卡发放) and what the bank's return file said about it."""

    __tablename__ = "condolence_payment_batches"
    __table_args__ = (
        _campaign_fk(),
        UniqueConstraint("tenant_id", "batch_no", name="uq_condolence_payment_batches_no"),
        Index("ix_condolence_payment_batches_campaign", "tenant_id", "campaign_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    batch_no: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="exported")
    line_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    paid_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    payer_account: Mapped[str | None] = mapped_column(String(100))  # 付款账户 as the bank needs it
    remark: Mapped[str | None] = mapped_column(String(200))  # 备注 on every line of the file
    downloads: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    result_filename: Mapped[str | None] = mapped_column(String(255))
    results_imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    creator_name: Mapped[str | None] = mapped_column(String(100))
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # the job that writes its payments (preparing)
    error: Mapped[str | None] = mapped_column(String(500))  # why that job failed


class CondolencePayment(TenantMixin, IdMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """One payment of one line: a row of a bank batch, or cash handed over at the visit.

    A bank batch takes up to every line of the county in one INSERT … SELECT: the parents (campaign,
    line, batch, tenant) are checked per statement (migration 0010), and a line, batch or campaign
    that payments point at cannot be deleted (a statement trigger refuses it, as the foreign keys did)."""

    __tablename__ = "condolence_payments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "visit_id"], ["condolence_visits.tenant_id", "condolence_visits.id"]),
        UniqueConstraint("tenant_id", "batch_id", "seq", name="uq_condolence_payments_batch_seq"),
        # Never paid twice: one live (exported or paid) payment per line at most.
        Index("uq_condolence_payments_live_line", "tenant_id", "line_id", unique=True,
              postgresql_where=text("status IN ('exported', 'paid')")),
        Index("ix_condolence_payments_campaign", "tenant_id", "campaign_id", "status"),
    )

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, nullable=False, sort_order=-100,
                                           default=_tenant_default)
    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    line_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    method: Mapped[str] = mapped_column(String(10), nullable=False)  # bank | cash
    batch_id: Mapped[int | None] = mapped_column(BigInteger)
    seq: Mapped[int | None] = mapped_column(Integer)  # 序号 in the bank file
    visit_id: Mapped[int | None] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CondolenceExport(TenantMixin, IdMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """A generated file of the workflow (the notice as xlsx/pdf, a bank batch file, a group's arrangement
    table, the upward report), built by a background job and kept in S3, encrypted with a key of its
    own (`key_enc`, itself encrypted with the tenant's PII key): bank files carry full card numbers and
    the bucket's retention keeps objects, so forgetting the key is how a file is made unreadable.
    `subject_id` is the notice, payment batch, visit group or campaign the file is of."""

    __tablename__ = "condolence_exports"
    __table_args__ = (
        _campaign_fk(),
        Index("ix_condolence_exports_subject", "tenant_id", "kind", "subject_id", "id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # notice | bank | arrangement | report
    subject_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    format: Mapped[str] = mapped_column(String(10), nullable=False)  # xlsx | pdf | csv
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    job_id: Mapped[int | None] = mapped_column(BigInteger)
    filename: Mapped[str | None] = mapped_column(String(255))
    ascii_filename: Mapped[str | None] = mapped_column(String(255))
    mimetype: Mapped[str | None] = mapped_column(String(100))
    storage_key: Mapped[str | None] = mapped_column(String(300))
    s3_version_id: Mapped[str | None] = mapped_column(String(200))
    key_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int | None] = mapped_column(BigInteger)  # plain bytes
    rows: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    downloads: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    requested_by: Mapped[int | None] = mapped_column(BigInteger)
    requester_name: Mapped[str | None] = mapped_column(String(100))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
