"""The hardship-worker file (困难职工档案, domain.md W2): households, their members, the county's
eligibility policy (versioned), verification and review visits, and the relief paid against the file.

One household per filed worker (户主 = the worker). ID and bank card numbers are stored encrypted with an
HMAC beside them (DESIGN "Sensitive personal data"); the HMACs are what de-duplication uses, here and in
the festival rosters of the `condolence` domain, which read `hardship_households` by `head_id_hash`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from ...core.db import IdMixin, TimestampMixin, VersionMixin
from ...core.tenancy import TenantMixin
from ...extensions import db

# 困难类别 (domain.md §5.1 HardshipFile; the list).
CATEGORIES: dict[str, str] = {
    "model_worker": "困难劳模",
    "extreme": "特困职工",
    "ordinary": "困难职工",
    "migrant": "困难农民工",
    "laid_off": "下岗/失业职工",
    "dispatched": "困难派遣职工",
}

# 致困原因. "special" causes raise the income ceiling to 200% of the line (W1-b rule 2), "major" ones to
# 300% (rule 3) and open the self-paid-costs rule (rule 4).
CAUSES: dict[str, str] = {
    "major_illness": "本人或家庭成员患重大疾病",
    "disaster": "遭受重大意外灾害(伤害)",
    "disability": "残疾",
    "single_parent": "单亲家庭",
    "schooling": "子女上学",
    "unemployment": "失业/下岗",
    "low_income": "收入低",
    "other": "其他特殊原因",
}
SPECIAL_CAUSES = frozenset({"schooling", "disability", "single_parent", "other"})
MAJOR_CAUSES = frozenset({"major_illness", "disaster"})

# Lifecycle (domain.md W2 proposed model): candidate → verified → filed → exited; rejected ends an
# application that met no rule. "Review due" is not a status: it is `next_review_due` in the past.
STATUSES: dict[str, str] = {
    "candidate": "待核实",
    "verified": "已核实",
    "filed": "已建档",
    "exited": "已脱困退档",
    "rejected": "未通过",
}
ACTIVE_STATUSES = ("candidate", "verified", "filed")  # a person may be in at most one of these per tenant

SOURCES: dict[str, str] = {"application": "职工申请", "nomination": "基层工会推荐", "import": "历史档案导入"}

EXIT_REASONS: dict[str, str] = {
    "cause_gone": "致困原因消失",
    "income_reached": "家庭人均收入达到脱困标准",
    "stable_employment": "实现稳定就业6个月以上",
    "deceased": "本人去世",
    "moved_away": "迁出本县",
    "other": "其他",
}

MARITAL_STATUSES: dict[str, str] = {"married": "已婚", "unmarried": "未婚", "divorced": "离异", "widowed": "丧偶"}
EMPLOYMENT_STATUSES: dict[str, str] = {
    "employed": "在岗",
    "dispatched": "派遣",
    "flexible": "灵活就业",
    "laid_off": "下岗",
    "unemployed": "失业",
    "retired": "退休",
}

RELATIONS: dict[str, str] = {
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "sibling": "兄弟姐妹",
    "grandparent": "祖父母/外祖父母",
    "other": "其他",
}
HEALTH: dict[str, str] = {"healthy": "健康", "chronic": "慢性病", "major_illness": "重大疾病", "disability": "残疾"}
SCHOOL_STAGES: dict[str, str] = {
    "preschool": "学前",
    "compulsory": "义务教育",
    "high_school": "高中/中职",
    "university": "大学(含高职)",
}

# 帮扶记录的种类 (W2–W4). An exited household keeps only the kinds in AFTER_EXIT_KINDS (W2 "precise exit").
RELIEF_KINDS: dict[str, str] = {
    "living": "生活救助",
    "major_illness": "大病救助",
    "education_jinqiu": "金秋助学",
    "education_yuanmeng": "圆梦计划",
    "mutual_aid": "互助保障理赔",
    "festival": "节日慰问",
}
AFTER_EXIT_KINDS = frozenset({"major_illness", "education_jinqiu", "education_yuanmeng"})
PAYMENT_METHODS: dict[str, str] = {"bank_card": "打卡发放", "cash": "现金", "goods": "实物"}

VISIT_KINDS: dict[str, str] = {"verification": "入户核实", "review": "复核", "follow_up": "回访"}
VISIT_OUTCOMES: dict[str, str] = {
    "confirmed": "情况属实",
    "changed": "情况有变化",
    "recommend_exit": "建议脱困退档",
    "not_eligible": "不符合建档标准",
}


class HardshipPolicy(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """The county's standards, versioned by effective date: the policy in force on a day is the one with
    the latest `effective_from` on or before it. Percentages are of the minimum living line (低保线)."""

    __tablename__ = "hardship_policies"
    __table_args__ = (UniqueConstraint("tenant_id", "effective_from", name="uq_hardship_policies_effective_from"),)

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    basis_document: Mapped[str | None] = mapped_column(String(200))
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    # Monthly per-capita minimum living line in fen (e.g. 78000 = 780 元).
    min_living_line_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    basic_pct: Mapped[int] = mapped_column(Integer, nullable=False, default=150)  # rule 1
    special_pct: Mapped[int] = mapped_column(Integer, nullable=False, default=200)  # rule 2, with a special cause
    major_pct: Mapped[int] = mapped_column(Integer, nullable=False, default=300)  # rule 3, major illness/disaster
    self_paid_threshold_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=2_000_000)  # rule 4
    exit_pct: Mapped[int] = mapped_column(Integer, nullable=False, default=150)  # 脱困标准
    stable_employment_months: Mapped[int] = mapped_column(Integer, nullable=False, default=6)
    review_interval_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    reminder_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class HardshipHousehold(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "hardship_households"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "org_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        ForeignKeyConstraint(["tenant_id", "employer_id"], ["employers.tenant_id", "employers.id"]),
        ForeignKeyConstraint(["tenant_id", "policy_id"], ["hardship_policies.tenant_id", "hardship_policies.id"]),
        UniqueConstraint("tenant_id", "file_no", name="uq_hardship_households_file_no"),
        # One open file per person in a county: a second application is refused by the service with a
        # message naming the union that holds it; this index is the guarantee under concurrency.
        Index("uq_hardship_households_active_head", "tenant_id", "head_id_hash", unique=True,
              postgresql_where=text("status IN ('candidate', 'verified', 'filed')")),
        Index("ix_hardship_households_head", "tenant_id", "head_id_hash"),
        Index("ix_hardship_households_org", "tenant_id", "org_id", "id"),
        Index("ix_hardship_households_status_due", "tenant_id", "status", "next_review_due"),
        Index("ix_hardship_households_category", "tenant_id", "category"),
        Index("ix_hardship_households_last4", "tenant_id", "head_id_last4"),
    )

    file_no: Mapped[str] = mapped_column(String(30), nullable=False)  # 档案编号
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)  # the union that files and reviews it
    member_id: Mapped[int | None] = mapped_column(BigInteger)  # the worker's member record, if a member
    # 户主 (the worker)
    head_name: Mapped[str] = mapped_column(String(60), nullable=False)
    head_id_enc: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    head_id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    head_id_region: Mapped[str] = mapped_column(String(6), nullable=False)
    head_id_last4: Mapped[str] = mapped_column(String(4), nullable=False)
    head_birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    head_gender: Mapped[str] = mapped_column(String(1), nullable=False)
    mobile: Mapped[str | None] = mapped_column(String(11))
    address: Mapped[str | None] = mapped_column(String(200))
    employer_id: Mapped[int | None] = mapped_column(BigInteger)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employment_status: Mapped[str] = mapped_column(String(20), nullable=False, default="employed")
    stable_employment_since: Mapped[date | None] = mapped_column(Date)
    marital_status: Mapped[str] = mapped_column(String(20), nullable=False, default="married")
    head_health: Mapped[str] = mapped_column(String(20), nullable=False, default="healthy")
    # Classification and the numbers the rules read
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    causes: Mapped[list[str]] = mapped_column(ARRAY(String(20)), nullable=False, default=list)
    household_size: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # by the W1-b rule
    household_income_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # monthly, all members
    per_capita_income_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # monthly
    self_paid_medical_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # this year
    disaster_loss_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # 帮扶资金发放卡
    bank_card_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    bank_card_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    bank_card_last4: Mapped[str | None] = mapped_column(String(4))
    bank_name: Mapped[str | None] = mapped_column(String(60))
    # Lifecycle
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="candidate")
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="application")
    rule_code: Mapped[str | None] = mapped_column(String(20))  # the eligibility rule met at the last assessment
    claimed_rule: Mapped[str | None] = mapped_column(String(20))  # the rule the application cites (申请依据)
    # A review found no rule met any more: the household waits for the exit decision (退档).
    exit_recommended: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                   server_default=text("false"))
    policy_id: Mapped[int | None] = mapped_column(BigInteger)  # the policy of that assessment
    applied_on: Mapped[date] = mapped_column(Date, nullable=False)
    verified_on: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)
    last_review_on: Mapped[date | None] = mapped_column(Date)
    next_review_due: Mapped[date | None] = mapped_column(Date)
    review_reminded_on: Mapped[date | None] = mapped_column(Date)  # the scheduler's last reminder
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(30))
    exit_note: Mapped[str | None] = mapped_column(String(500))
    rejected_reason: Mapped[str | None] = mapped_column(String(500))
    remark: Mapped[str | None] = mapped_column(Text)


class HardshipHouseholdMember(TenantMixin, IdMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """A family member other than the head. `counted` says whether the household-size rule counts them."""

    __tablename__ = "hardship_household_members"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "household_id"],
                             ["hardship_households.tenant_id", "hardship_households.id"], ondelete="CASCADE"),
        Index("ix_hardship_household_members_household", "tenant_id", "household_id"),
        Index("ix_hardship_household_members_id_hash", "tenant_id", "id_number_hash"),
    )

    household_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    relation: Mapped[str] = mapped_column(String(20), nullable=False)
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    marital_status: Mapped[str | None] = mapped_column(String(20))
    health: Mapped[str] = mapped_column(String(20), nullable=False, default="healthy")
    school_stage: Mapped[str | None] = mapped_column(String(20))  # a student's stage
    school_name: Mapped[str | None] = mapped_column(String(120))
    occupation: Mapped[str | None] = mapped_column(String(60))
    monthly_income_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    counted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class HardshipRevision(TenantMixin, db.Model):  # type: ignore[name-defined,misc]
    """How many statements have changed the tenant's hardship file: raised by statement triggers on
    `hardship_households` (migration 0011), read by the festival rosters to know whether the line checks
    made earlier still hold (`condolence.roster.local.basis`). Never written by the application."""

    __tablename__ = "hardship_revisions"

    revision: Mapped[int] = mapped_column(BigInteger, nullable=False)


class HardshipActivePerson(TenantMixin, db.Model):  # type: ignore[name-defined,misc]
    """Every person (head or listed member, by ID-number HMAC) of an open file (candidate, verified,
    filed): the primary key makes "one open file per person in a county" hold under concurrency for
    members too, and across roles (the head of one household listed as a member of another). Rows are
    written with the household and removed when it is exited or rejected."""

    __tablename__ = "hardship_active_persons"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "household_id"],
                             ["hardship_households.tenant_id", "hardship_households.id"], ondelete="CASCADE"),
        Index("ix_hardship_active_persons_household", "tenant_id", "household_id"),
    )

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    household_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    role: Mapped[str] = mapped_column(String(10), nullable=False)  # head | member
    name: Mapped[str] = mapped_column(String(60), nullable=False)


class HardshipVisit(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """A door-to-door verification (入户核实), a review (复核) or a follow-up visit."""

    __tablename__ = "hardship_visits"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "household_id"],
                             ["hardship_households.tenant_id", "hardship_households.id"], ondelete="CASCADE"),
        Index("ix_hardship_visits_household", "tenant_id", "household_id", "visited_on"),
    )

    household_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    visitors: Mapped[str] = mapped_column(String(200), nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    household_income_fen: Mapped[int | None] = mapped_column(BigInteger)  # as found on the visit
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class HardshipRelief(TenantMixin, IdMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    """Money or goods given to a filed household (or, after exit, illness and schooling aid)."""

    __tablename__ = "hardship_reliefs"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "household_id"],
                             ["hardship_households.tenant_id", "hardship_households.id"]),
        Index("ix_hardship_reliefs_household", "tenant_id", "household_id", "paid_on"),
        Index("ix_hardship_reliefs_kind_paid", "tenant_id", "kind", "paid_on"),
    )

    household_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goods_value_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    goods_description: Mapped[str | None] = mapped_column(String(200))
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    payment_method: Mapped[str] = mapped_column(String(20), nullable=False, default="bank_card")
    beneficiary_name: Mapped[str | None] = mapped_column(String(60))  # e.g. the student for education aid
    school_stage: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(60))  # e.g. "condolence:<campaign id>"
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class ImportHardshipRow(TenantMixin, db.Model):  # type: ignore[name-defined,misc]
    """A valid row of a running import of an existing hardship file (the import engine's staging, like
    `import_member_rows`; natural key: the head's ID-number HMAC). Deleted when the phase ends."""

    __tablename__ = "import_hardship_rows"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "batch_id"], ["import_batches.tenant_id", "import_batches.id"],
                             name="fk_import_hardship_rows_batch", ondelete="CASCADE"),
    )

    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, sort_order=-90)
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-89)
    key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, sort_order=-88)
    digest: Mapped[str] = mapped_column(String(32), nullable=False, sort_order=-87)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"), sort_order=-86)
    existing_id: Mapped[int | None] = mapped_column(BigInteger)  # the open file of this head (same union)
    id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    region_code: Mapped[str | None] = mapped_column(Text)
    last4: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    org_id: Mapped[int | None] = mapped_column(BigInteger)
    file_no: Mapped[str | None] = mapped_column(Text)
    employer_name: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[str | None] = mapped_column(Text)  # comma-separated codes
    marital_status: Mapped[str | None] = mapped_column(Text)
    household_size: Mapped[int | None] = mapped_column(Integer)
    household_income_fen: Mapped[int | None] = mapped_column(BigInteger)
    per_capita_income_fen: Mapped[int | None] = mapped_column(BigInteger)
    self_paid_medical_fen: Mapped[int | None] = mapped_column(BigInteger)
    disaster_loss_fen: Mapped[int | None] = mapped_column(BigInteger)
    mobile: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    bank_card_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    bank_card_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    bank_card_last4: Mapped[str | None] = mapped_column(Text)
    bank_name: Mapped[str | None] = mapped_column(Text)
    filed_on: Mapped[date | None] = mapped_column(Date)
    next_review_due: Mapped[date | None] = mapped_column(Date)
    policy_id: Mapped[int | None] = mapped_column(BigInteger)
    rule_code: Mapped[str | None] = mapped_column(Text)
    remark: Mapped[str | None] = mapped_column(Text)
