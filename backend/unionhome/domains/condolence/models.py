"""Festival condolence campaigns (节日慰问 / 送温暖, domain.md W1): the campaign and its rules, the
categories with standard amounts, the quotas, the nomination batches and the roster lines they hold.

A roster line is one nominated household in one campaign. The mass roster job judges every line
(`check_status`/`check_code`/`check_reason`), set-based; the review chain moves `review_status`
(grassroots → township → county) and the later stages (notice, visits, disbursement) hang off the line.
ID and bank card numbers are encrypted with HMACs beside them; de-duplication compares HMACs only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ...core.db import IdMixin, TimestampMixin, VersionMixin
from ...core.tenancy import TenantMixin, current_tenant_id
from ...extensions import db

FESTIVALS: dict[str, str] = {
    "spring": "元旦春节",
    "dragon_boat": "端午",
    "mid_autumn": "中秋",
    "jinqiu": "金秋助学",
    "summer_cool": "夏送清凉",
    "labour_day": "五一",
    "other": "其他",
}

# draft → nominating (unions may nominate until the deadline) → reviewing → frozen (county approved the
# roster; nothing about who is on it changes any more) → noticing → paying → closed.
CAMPAIGN_STATUSES: dict[str, str] = {
    "draft": "筹备中",
    "nominating": "推荐申报中",
    "reviewing": "审核中",
    "frozen": "县总已审定",
    "noticing": "公示中",
    "paying": "发放中",
    "closed": "已结束",
}

# The judgement of the roster job, one per line. Rows that are not nominations (blank, 合计/小计, 填表人
# footers) are skipped and never become lines.
CHECK_STATUSES: dict[str, str] = {
    "pending": "待校验",  # entered or uploaded, the roster job has not judged it yet
    "ok": "通过",
    "invalid": "信息有误",
    "duplicate": "重复推荐",
    "ineligible": "不符合条件",
    "over_quota": "超出名额",
    "over_budget": "超出预算",
}

REVIEW_STATUSES: dict[str, str] = {
    "pending": "待基层审核",
    "grassroots_approved": "基层工会已审核",
    "township_approved": "镇街工会已审核",
    "county_approved": "县总工会已审定",
    "rejected": "未通过",
    "returned": "退回修改",
}

BATCH_STATUSES: dict[str, str] = {
    "uploaded": "已上传",
    "processing": "校验中",
    "processed": "已校验",
    "failed": "文件无法读取",
    "submitted": "已上报",
}


def _tenant_default() -> int:
    return current_tenant_id()


class CondolenceCampaign(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "condolence_campaigns"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "template_id"], ["condolence_campaigns.tenant_id", "condolence_campaigns.id"]),
        UniqueConstraint("tenant_id", "name", name="uq_condolence_campaigns_name"),
        Index("ix_condolence_campaigns_festival_year", "tenant_id", "festival", "year"),
    )

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    festival: Mapped[str] = mapped_column(String(20), nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    basis_document: Mapped[str | None] = mapped_column(String(200))
    budget_cash_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    budget_goods_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    nomination_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    # The rules the roster job applies, e.g. {"require_hardship_file": true, "exclude_exited": true,
    # "exclude_review_overdue": false, "cooldown_months": 6, "once_per_festival": true}.
    rules: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    template_id: Mapped[int | None] = mapped_column(BigInteger)  # the campaign this one was started from
    notice_start: Mapped[date | None] = mapped_column(Date)
    notice_end: Mapped[date | None] = mapped_column(Date)
    notice_place: Mapped[str | None] = mapped_column(String(200))
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    frozen_by: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    remark: Mapped[str | None] = mapped_column(Text)
    # The roster job: the last one started for this campaign, when it last judged, and its summary.
    roster_job_id: Mapped[int | None] = mapped_column(BigInteger)
    judged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    roster_summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class CondolenceCategory(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """A recipient category with its standard amount per household (e.g. 困难劳模 1000 元 + 500 元物资)."""

    __tablename__ = "condolence_categories"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "campaign_id"], ["condolence_campaigns.tenant_id", "condolence_campaigns.id"],
                             ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "campaign_id", "code", name="uq_condolence_categories_code"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    code: Mapped[str] = mapped_column(String(30), nullable=False)  # hardship category code or own code
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    standard_cash_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    standard_goods_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    budget_cash_fen: Mapped[int | None] = mapped_column(BigInteger)  # a cap for this category, if any


class CondolenceQuota(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """At most `max_households` lines (optionally of one category) for the subtree of `org_id`."""

    __tablename__ = "condolence_quotas"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "campaign_id"], ["condolence_campaigns.tenant_id", "condolence_campaigns.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "org_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "category_id"], ["condolence_categories.tenant_id", "condolence_categories.id"],
                             ondelete="CASCADE"),
        Index("uq_condolence_quotas_org_category", "tenant_id", "campaign_id", "org_id", "category_id",
              unique=True, postgresql_nulls_not_distinct=True),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    max_households: Mapped[int] = mapped_column(Integer, nullable=False)


class CondolenceBatch(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """One nomination submission of one union: an uploaded workbook, or the lines entered in the SPA."""

    __tablename__ = "condolence_batches"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "campaign_id"], ["condolence_campaigns.tenant_id", "condolence_campaigns.id"]),
        ForeignKeyConstraint(["tenant_id", "org_id"], ["orgs.tenant_id", "orgs.id"]),
        Index("ix_condolence_batches_campaign", "tenant_id", "campaign_id", "org_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)  # the nominating union
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="upload")  # upload | manual
    filename: Mapped[str | None] = mapped_column(String(255))
    storage_key: Mapped[str | None] = mapped_column(String(300))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="uploaded")
    error_message: Mapped[str | None] = mapped_column(String(1000))
    job_id: Mapped[int | None] = mapped_column(BigInteger)
    # Counts of the last judgement
    lines_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lines_ok: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lines_rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    # What the line-local checks of this batch's lines were made against (`roster.local.basis`: the
    # campaign's rules and categories and the hardship file); NULL when a line changed since. A judgement
    # with another basis checks those lines again before judging.
    checked_basis: Mapped[str | None] = mapped_column(String(64))
    # The workbook has been read into lines (still 待校验) and the next judgement has yet to judge them.
    parsed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sheet_name: Mapped[str | None] = mapped_column(String(100))
    header_row: Mapped[int | None] = mapped_column(Integer)
    notice: Mapped[str | None] = mapped_column(String(500))  # e.g. reading stopped at a run of blank rows


class CondolenceLine(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """One nominated household in one campaign (a roster line). Written in bulk by the roster job as it
    reads the workbooks (INSERT … SELECT, 待校验), then judged set-based; it carries no ORM version
    counter, later stages update it set-based too.

    Its parents are checked per statement, not per row (migration 0008: ~30 µs per row for three
    row-level foreign keys would be half a minute per million lines): a statement trigger refuses rows
    whose (tenant_id, campaign_id, batch_id) is no batch, and deleting a batch deletes its lines. So
    `tenant_id` here is the mixin's column without its per-row foreign key to `tenants`: the batch it
    must belong to has that key."""

    __tablename__ = "condolence_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "batch_id", "row_no", name="uq_condolence_lines_batch_row"),
        # No index on id_hash (a random key: ~40 % of a line's INSERT cost, bench/README.md): the
        # judgement matches ID numbers with hash joins, a search by ID number within a campaign scans it.
        # No index holds check_status either: the judgement's verdict updates stay HOT (room is left
        # on each page, fillfactor 90); filters by status read the campaign's lines in id order.
        Index("ix_condolence_lines_campaign_review", "tenant_id", "campaign_id", "review_status"),
        Index("ix_condolence_lines_campaign_org", "tenant_id", "campaign_id", "org_id"),
        {"postgresql_with": {"fillfactor": "90"}},
    )

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, nullable=False, sort_order=-100,
                                           default=_tenant_default)
    campaign_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    batch_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)  # the nominating union (denormalised)
    township_org_id: Mapped[int | None] = mapped_column(BigInteger)  # its township, for quotas and summaries
    row_no: Mapped[int] = mapped_column(Integer, nullable=False)  # the sheet row (Excel numbering)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    id_region: Mapped[str | None] = mapped_column(String(6))
    id_raw_masked: Mapped[str | None] = mapped_column(String(40))  # what was typed, masked, when it is invalid
    bank_card_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    bank_card_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    bank_card_last4: Mapped[str | None] = mapped_column(String(4))
    bank_name: Mapped[str | None] = mapped_column(String(60))
    mobile: Mapped[str | None] = mapped_column(String(11))
    category_code: Mapped[str | None] = mapped_column(String(30))  # as settled (sheet, file or the only one)
    sheet_category_code: Mapped[str | None] = mapped_column(String(30))  # as nominated (None: left blank)
    cash_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    goods_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # The amounts as nominated (None: left blank, the category's standard applies); cash_fen/goods_fen
    # above are what the judgement settled on.
    sheet_cash_fen: Mapped[int | None] = mapped_column(BigInteger)
    sheet_goods_fen: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(500))  # 困难原因 as nominated
    work_unit: Mapped[str | None] = mapped_column(String(200))  # 工作单位 as nominated
    # What was wrong with the row itself (bad ID number, bad card, amount in words …), found when it was
    # read; the judgement starts from it (an invalid row stays invalid whatever else changes).
    parse_code: Mapped[str | None] = mapped_column(String(40))
    parse_reason: Mapped[str | None] = mapped_column(String(500))
    household_id: Mapped[int | None] = mapped_column(BigInteger)  # the hardship file match
    # The line-local verdict (`roster.local`): the row's own problems, its category and amounts, the
    # hardship file. Written when the line is read (and again when its basis changed); the judgement
    # adds what needs the whole campaign (duplicates, earlier campaigns, quotas, budget).
    pre_code: Mapped[str | None] = mapped_column(String(40))
    pre_reason: Mapped[str | None] = mapped_column(String(500))
    # The roster job's judgement
    check_status: Mapped[str] = mapped_column(String(20), nullable=False, default="ok")
    check_code: Mapped[str | None] = mapped_column(String(40))
    check_reason: Mapped[str | None] = mapped_column(String(500))
    duplicate_of: Mapped[int | None] = mapped_column(BigInteger)  # the line kept when this one is a duplicate
    # Review chain
    review_status: Mapped[str] = mapped_column(String(30), nullable=False, default="pending")
    review_comment: Mapped[str | None] = mapped_column(String(500))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Later stages
    objection_upheld: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    visit_group_id: Mapped[int | None] = mapped_column(BigInteger)
    payment_status: Mapped[str] = mapped_column(String(20), nullable=False, default="unpaid")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

