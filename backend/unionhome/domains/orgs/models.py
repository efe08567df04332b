"""The real-name register: the union org tree, employers (法人单位), members (会员) with their
organisational-relation transfers (组织关系接转), and cadres (工会干部)."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from ...core.db import IdMixin, TimestampMixin, VersionMixin
from ...core.tenancy import TenantMixin
from ...extensions import db

# Org types of domain.md §1 and §5.1, with the Chinese labels used on screens and forms.
ORG_TYPES: dict[str, str] = {
    "federation": "总工会",
    "township": "乡镇(街道)工会",
    "community": "村(社区)工会",
    "industry": "产业工会",
    "sector": "系统(口)工会联合会",
    "regional_federation": "区域性/行业性工会联合会",
    "grassroots": "基层工会",
    "joint_grassroots": "联合基层工会",
    "branch": "分工会",
    "group": "工会小组",
    "temporary": "临时工会(在建项目)",
}

# Which org types may sit under which parent type.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    "federation": frozenset({"township", "industry", "sector", "regional_federation", "grassroots",
                             "joint_grassroots", "temporary"}),
    "township": frozenset({"community", "grassroots", "joint_grassroots", "regional_federation", "temporary"}),
    "community": frozenset({"grassroots", "joint_grassroots", "group"}),
    "industry": frozenset({"grassroots", "joint_grassroots"}),
    "sector": frozenset({"grassroots", "joint_grassroots"}),
    "regional_federation": frozenset({"grassroots", "joint_grassroots"}),
    "grassroots": frozenset({"branch", "group"}),
    "joint_grassroots": frozenset({"branch", "group"}),
    "temporary": frozenset({"group"}),
    "branch": frozenset({"group"}),
    "group": frozenset(),
}

OWNERSHIP_TYPES: dict[str, str] = {
    "state_owned": "国有企业",
    "collective": "集体企业",
    "private": "私营企业",
    "foreign": "外商投资企业",
    "hk_macao_taiwan": "港澳台投资企业",
    "individual": "个体工商户",
    "agency": "机关",
    "public_institution": "事业单位",
    "social_org": "社会组织",
    "cooperative": "农民专业合作社",
}

UNION_STATUSES: dict[str, str] = {
    "founded": "已单独建会",
    "covered_by_joint": "联合建会覆盖",
    "not_founded": "未建会",
}

EMPLOYMENT_TYPES: dict[str, str] = {
    "regular": "正式职工",
    "dispatched": "劳务派遣",
    "migrant": "农民工",
    "flexible": "灵活就业",
    "retired": "离退休",
}

MEMBER_CARD_STATUSES: dict[str, str] = {
    "not_collected": "未采集",
    "collected": "已采集",
    "issued": "已发卡",
}

MEMBER_STATUSES: dict[str, str] = {"active": "在籍", "transferred_out": "已转出", "lapsed": "已退会"}

CADRE_POSTS: dict[str, str] = {
    "chair": "主席",
    "vice_chair": "副主席",
    "committee_member": "委员",
    "branch_chair": "分会主席",
    "group_leader": "工会小组长",
    "full_time_cadre": "专职工会干部",
    "audit_committee": "经审委员",
    "womens_committee": "女职工委员",
    "grid_head": "网格长",
    "grid_worker": "网格员",
}


class Org(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "orgs"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "employer_id"], ["employers.tenant_id", "employers.id"],
                             use_alter=True, name="fk_orgs_employer"),
        UniqueConstraint("tenant_id", "parent_id", "name", name="uq_orgs_sibling_name"),
        Index("ix_orgs_path", "tenant_id", "path", postgresql_ops={"path": "text_pattern_ops"}),
        Index("ix_orgs_parent", "tenant_id", "parent_id"),
    )

    parent_id: Mapped[int | None] = mapped_column(BigInteger)
    # Materialised path of ids, "/1/5/23/": a subtree is `path LIKE '/1/5/%'`.
    path: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    short_name: Mapped[str | None] = mapped_column(String(60))
    org_type: Mapped[str] = mapped_column(String(30), nullable=False)
    employer_id: Mapped[int | None] = mapped_column(BigInteger)
    approval_number: Mapped[str | None] = mapped_column(String(60))
    approval_date: Mapped[date | None] = mapped_column(Date)
    founded_date: Mapped[date | None] = mapped_column(Date)
    reelection_due_date: Mapped[date | None] = mapped_column(Date)
    office_address: Mapped[str | None] = mapped_column(String(200))
    office_phone: Mapped[str | None] = mapped_column(String(40))
    project_name: Mapped[str | None] = mapped_column(String(200))
    project_end_date: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    remark: Mapped[str | None] = mapped_column(Text)


class Employer(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "employers"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "township_org_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "covering_org_id"], ["orgs.tenant_id", "orgs.id"]),
        UniqueConstraint("tenant_id", "credit_code", name="uq_employers_credit_code"),
        Index("ix_employers_township", "tenant_id", "township_org_id"),
        Index("ix_employers_covering", "tenant_id", "covering_org_id"),
        Index("ix_employers_name", "tenant_id", "name"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    credit_code: Mapped[str] = mapped_column(String(18), nullable=False)
    ownership_type: Mapped[str] = mapped_column(String(30), nullable=False)
    sector: Mapped[str | None] = mapped_column(String(60))
    staff_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    women_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    migrant_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    address: Mapped[str | None] = mapped_column(String(200))
    legal_representative: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    township_org_id: Mapped[int | None] = mapped_column(BigInteger)
    union_status: Mapped[str] = mapped_column(String(20), nullable=False, default="not_founded")
    covering_org_id: Mapped[int | None] = mapped_column(BigInteger)
    remark: Mapped[str | None] = mapped_column(Text)


class Member(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """ID numbers are stored encrypted, with an HMAC for exact lookup and the few plain parts a
    screen needs (DESIGN "Sensitive personal data")."""

    __tablename__ = "members"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "org_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "employer_id"], ["employers.tenant_id", "employers.id"]),
        UniqueConstraint("tenant_id", "id_number_hash", name="uq_members_id_number"),
        Index("ix_members_org", "tenant_id", "org_id", "id"),
        Index("ix_members_employer", "tenant_id", "employer_id"),
        Index("ix_members_name", "tenant_id", "name"),
    )

    name: Mapped[str] = mapped_column(String(60), nullable=False)
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    id_number_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    id_region_code: Mapped[str] = mapped_column(String(6), nullable=False)
    id_last4: Mapped[str] = mapped_column(String(4), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    gender: Mapped[str] = mapped_column(String(1), nullable=False)
    mobile: Mapped[str | None] = mapped_column(String(11))
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    employer_id: Mapped[int | None] = mapped_column(BigInteger)
    join_date: Mapped[date | None] = mapped_column(Date)
    employment_type: Mapped[str] = mapped_column(String(20), nullable=False, default="regular")
    member_card_status: Mapped[str] = mapped_column(String(20), nullable=False, default="not_collected")
    member_card_number: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    remark: Mapped[str | None] = mapped_column(Text)


class MemberTransfer(TenantMixin, IdMixin, db.Model):  # type: ignore[name-defined,misc]
    """One organisational-relation transfer (会员组织关系接转)."""

    __tablename__ = "member_transfers"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        ForeignKeyConstraint(["tenant_id", "from_org_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "to_org_id"], ["orgs.tenant_id", "orgs.id"]),
        Index("ix_member_transfers_member", "tenant_id", "member_id"),
    )

    member_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    from_org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    to_org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    transfer_date: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Cadre(TenantMixin, IdMixin, TimestampMixin, VersionMixin, db.Model):  # type: ignore[name-defined,misc]
    """A union cadre's post: the public card of the 三亮 campaign."""

    __tablename__ = "cadres"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "org_id"], ["orgs.tenant_id", "orgs.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_cadres_org", "tenant_id", "org_id"),
    )

    name: Mapped[str] = mapped_column(String(60), nullable=False)
    gender: Mapped[str | None] = mapped_column(String(1))
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    org_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    post: Mapped[str] = mapped_column(String(30), nullable=False)
    full_time: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    office_phone: Mapped[str | None] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(11))
    duties: Mapped[str | None] = mapped_column(String(500))
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
