"""Plain records of a generated county; the loader maps them onto models and bulk inserts them.

Keys (``org-0001``, ``emp-00001``, ``mem-000001``, ``cad-00001``) are local to one generated county and
stable for a given profile and seed. Lists are in insertion-safe order: every org comes after its
parent, so ``orgs`` can be inserted front to back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from unionhome.core.cnid import Gender

OrgType = Literal[
    "federation",  # 县总工会, the root
    "township",  # 乡镇(街道)工会, 开发区工会工作委员会
    "community",  # 村(社区)工会
    "industry",  # 产业工会 (教育、卫生、建设)
    "sector",  # 系统/"口" 工会联合会 (机关、建设口、交通口、商务口)
    "regional_federation",  # 区域性/行业性工会联合会
    "grassroots",  # 基层工会 of one employer
    "joint_grassroots",  # 联合工会委员会 covering several small employers
    "branch",  # 分工会
    "group",  # 工会小组
    "temporary",  # 在建项目临时工会
]
Ownership = Literal[
    "state_owned",
    "collective",
    "private",
    "foreign",
    "hk_macao_taiwan",
    "individual",
    "agency",
    "public_institution",
    "social_org",
    "cooperative",
]
UnionStatus = Literal["founded", "covered_by_joint", "not_founded"]
EmploymentType = Literal["regular", "dispatched", "migrant", "flexible", "retired"]
CardStatus = Literal["not_collected", "collected", "issued"]
Post = Literal[
    "chair",
    "vice_chair",
    "committee_member",
    "branch_chair",
    "group_leader",
    "full_time_cadre",
    "audit_committee",
    "womens_committee",
    "grid_head",
    "grid_worker",
]

# Orgs that enrol members directly (a member's org_key is one of these or a branch).
MEMBERSHIP_ORG_TYPES: frozenset[str] = frozenset({"grassroots", "joint_grassroots", "community", "temporary"})


@dataclass(slots=True)
class Org:
    key: str
    parent_key: str | None
    name: str
    org_type: OrgType
    # The township/street union whose subtree holds this org (itself for a township); None for the
    # root and for the county-wide industry, sector and industry-federation subtrees.
    township_key: str | None
    founded_date: date
    last_election_date: date
    reelection_due: date  # last election + 5-year term; in the past means overdue
    office_address: str | None = None
    office_phone: str | None = None  # None for union groups
    approval_number: str | None = None  # e.g. 新工批〔2019〕23号; None for root, branches and groups
    approval_date: date | None = None
    employer_key: str | None = None  # grassroots/temporary: its employer; branches and groups inherit it
    project_name: str | None = None  # temporary unions only
    credit_code: str | None = None  # union legal-person USCC (81…), for unions that hold one
    chair_name: str = ""  # the chair, branch chair or group leader


@dataclass(slots=True)
class Employer:
    key: str
    name: str
    credit_code: str
    ownership: Ownership
    sector: str  # Chinese sector label, e.g. 制造业, 物流快递
    staff_count: int
    women_count: int
    migrant_count: int
    address: str
    township_key: str  # the township/street union of the place where it is located
    legal_representative: str
    union_status: UnionStatus = "not_founded"
    covering_org_key: str | None = None  # its own grassroots/temporary union, or the joint/community union


@dataclass(slots=True)
class Member:
    key: str
    name: str
    gender: Gender
    id_number: str
    birth_date: date
    mobile: str
    org_key: str  # grassroots, branch, joint_grassroots, community or temporary union
    employer_key: str | None  # None only for scattered flexible workers in a community union
    join_date: date  # first joined a union
    employment_type: EmploymentType
    member_card_status: CardStatus
    bank_card: str | None = None


@dataclass(slots=True)
class Transfer:
    """One past move of a member's union relationship (组织关系转接); the latest one ends in org_key."""

    member_key: str
    from_org_key: str
    to_org_key: str
    transfer_date: date
    reason: str


@dataclass(slots=True)
class Cadre:
    key: str
    org_key: str
    post: Post
    name: str
    gender: Gender
    id_number: str
    mobile: str
    member_key: str | None  # None for cadres who are not members of a union in this county's data
    full_time: bool
    term_start: date
    term_end: date
    office_phone: str | None = None


@dataclass(slots=True)
class County:
    federation_name: str  # 新乡县总工会
    county_name: str  # 新乡县
    region_code: str
    seed: int
    as_of: date
    orgs: list[Org] = field(default_factory=list)
    employers: list[Employer] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    cadres: list[Cadre] = field(default_factory=list)
