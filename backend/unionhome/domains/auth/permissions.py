"""Roles (DESIGN "Who uses it") and the permission codes each one holds."""

from __future__ import annotations

TENANTS_MANAGE = "tenants.manage"
TENANTS_SWITCH = "tenants.switch"
USERS_MANAGE = "users.manage"
AUDIT_READ = "audit.read"
ORGS_READ = "orgs.read"
ORGS_WRITE = "orgs.write"
EMPLOYERS_READ = "employers.read"
EMPLOYERS_WRITE = "employers.write"
MEMBERS_READ = "members.read"
MEMBERS_WRITE = "members.write"
MEMBERS_TRANSFER = "members.transfer"
MEMBERS_REVEAL_PII = "members.reveal_pii"
CADRES_READ = "cadres.read"
CADRES_WRITE = "cadres.write"
REPORTS_READ = "reports.read"
FUNDS_READ = "funds.read"
COMPETITIONS_SCORE = "competitions.score"
JOBS_READ = "jobs.read"
# Hardship file (困难职工档案): health and income details are visible only with HARDSHIP_READ.
HARDSHIP_READ = "hardship.read"
HARDSHIP_WRITE = "hardship.write"  # apply/nominate, verification visits, reviews, relief records
HARDSHIP_APPROVE = "hardship.approve"  # file (建档), exit (退档), reject; the county's policy
HARDSHIP_REVEAL_PII = "hardship.reveal_pii"
# Festival condolence (节日慰问)
CONDOLENCE_READ = "condolence.read"
CONDOLENCE_NOMINATE = "condolence.nominate"  # a union nominates households of its subtree
CONDOLENCE_REVIEW = "condolence.review"  # approve/reject/return lines of the subtree (grassroots, township)
CONDOLENCE_MANAGE = "condolence.manage"  # the county: campaigns, final approval and balancing, notice, pay

TENANT_PERMISSIONS = (
    USERS_MANAGE, AUDIT_READ, ORGS_READ, ORGS_WRITE, EMPLOYERS_READ, EMPLOYERS_WRITE, MEMBERS_READ,
    MEMBERS_WRITE, MEMBERS_TRANSFER, MEMBERS_REVEAL_PII, CADRES_READ, CADRES_WRITE, REPORTS_READ,
    FUNDS_READ, COMPETITIONS_SCORE, JOBS_READ, HARDSHIP_READ, HARDSHIP_WRITE, HARDSHIP_APPROVE,
    HARDSHIP_REVEAL_PII, CONDOLENCE_READ, CONDOLENCE_NOMINATE, CONDOLENCE_REVIEW, CONDOLENCE_MANAGE,
)

ROLE_LABELS = {
    "platform_admin": "平台管理员",
    "federation_admin": "总工会管理员",
    "org_staff": "镇街/产业工会干部",
    "grassroots_chair": "基层工会主席",
    "grid_officer": "网格员",
    "auditor": "经审人员",
    "judge": "竞赛评委",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # A platform admin acts inside a tenant only after an explicit, audited switch; while switched
    # it holds the federation admin's permissions there.
    "platform_admin": frozenset({TENANTS_MANAGE, TENANTS_SWITCH}),
    "federation_admin": frozenset(TENANT_PERMISSIONS),
    "org_staff": frozenset({
        ORGS_READ, ORGS_WRITE, EMPLOYERS_READ, EMPLOYERS_WRITE, MEMBERS_READ, MEMBERS_WRITE,
        MEMBERS_TRANSFER, CADRES_READ, CADRES_WRITE, REPORTS_READ, JOBS_READ,
        HARDSHIP_READ, HARDSHIP_WRITE, CONDOLENCE_READ, CONDOLENCE_NOMINATE, CONDOLENCE_REVIEW,
    }),
    "grassroots_chair": frozenset({
        ORGS_READ, EMPLOYERS_READ, MEMBERS_READ, MEMBERS_WRITE, MEMBERS_TRANSFER, CADRES_READ, CADRES_WRITE,
        REPORTS_READ, JOBS_READ, HARDSHIP_READ, HARDSHIP_WRITE, CONDOLENCE_READ, CONDOLENCE_NOMINATE,
        CONDOLENCE_REVIEW,
    }),
    "grid_officer": frozenset({ORGS_READ, EMPLOYERS_READ, EMPLOYERS_WRITE, MEMBERS_READ, CADRES_READ, REPORTS_READ}),
    "auditor": frozenset({ORGS_READ, EMPLOYERS_READ, FUNDS_READ, REPORTS_READ, AUDIT_READ}),
    "judge": frozenset({ORGS_READ, COMPETITIONS_SCORE}),
}

TENANT_ROLES = tuple(r for r in ROLE_PERMISSIONS if r != "platform_admin")


def permissions_for(role: str, *, switched_into_tenant: bool = False) -> frozenset[str]:
    perms = ROLE_PERMISSIONS.get(role, frozenset())
    if role == "platform_admin" and switched_into_tenant:
        perms = perms | ROLE_PERMISSIONS["federation_admin"]
    return perms
