"""Loads generated demo counties into the database (idempotent: existing tenants are skipped).

Rows are inserted with ids reserved from the identity sequences in one round trip per table and
set-based inserts, so the full demo (two counties, ~40,000 members) loads in seconds.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, text

from ..core.db import transaction
from ..core.passwords import hash_password
from ..core.pii import get_cipher
from ..core.tenancy import system_context, tenant_context
from ..domains.auth.models import User
from ..domains.orgs.models import Cadre, Employer, Member, MemberTransfer, Org
from ..domains.tenants.models import Tenant
from ..extensions import db
from .condolence import seed_condolence
from .county import generate_county
from .hardship import seed_hardship
from .profiles import HUOJIA, XINXIANG, CountyProfile, CountySizes
from .records import County

log = logging.getLogger(__name__)

SIZES = {
    "full": CountySizes(),
    "small": CountySizes(grassroots=60, employers=800, members=3000),
    "tiny": CountySizes(townships=3, communities_per_township=1, grassroots=12, employers=60, members=200),
}

# (tenant code, profile, seed, province, city)
DEMO_COUNTIES: tuple[tuple[str, CountyProfile, int, str, str], ...] = (
    ("xinxiang", XINXIANG, 410721, "河南省", "新乡市"),
    ("huojia", HUOJIA, 410724, "河南省", "新乡市"),
)

PLATFORM_ADMIN = ("platform.admin", "Platform@2026", "平台管理员")

# One login per role per tenant: (role, username suffix, display name, where the scope points)
DEMO_ROLES = (
    ("federation_admin", "admin", "总工会管理员", "root"),
    ("org_staff", "staff", "镇街工会干部", "township"),
    ("grassroots_chair", "chair", "基层工会主席", "grassroots"),
    ("grid_officer", "grid", "网格员", "township"),
    ("auditor", "auditor", "经审委员", "root"),
    ("judge", "judge", "竞赛评委", "root"),
)
DEMO_PASSWORD = "Demo@2026"


def _reserve_ids(table: str, n: int) -> list[int]:
    if n == 0:
        return []
    rows = db.session.execute(
        text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"), {"n": n}
    ).scalars()
    return list(rows)


def seed_demo(size: str = "full") -> list[dict[str, Any]]:
    """Create the platform admin and both demo counties; return the demo logins."""
    logins: list[dict[str, Any]] = [{"tenant": None, "role": "platform_admin", "username": PLATFORM_ADMIN[0],
                                     "password": PLATFORM_ADMIN[1]}]
    with system_context("seed demo"), transaction():
        exists = db.session.execute(select(User.id).where(User.username == PLATFORM_ADMIN[0])).first()
        if not exists:
            db.session.add(User(tenant_id=None, username=PLATFORM_ADMIN[0], display_name=PLATFORM_ADMIN[2],
                                password_hash=hash_password(PLATFORM_ADMIN[1]), role="platform_admin"))
    for code, profile, seed, province, city in DEMO_COUNTIES:
        profile = replace(profile, sizes=SIZES[size], as_of=date.today())
        logins.extend(load_county(code, profile, seed, province, city))
    return logins


def load_county(code: str, profile: CountyProfile, seed: int, province: str, city: str) -> list[dict[str, Any]]:
    logins = [{"tenant": profile.federation_name, "role": role, "username": f"{code}.{suffix}",
               "password": DEMO_PASSWORD} for role, suffix, _, _ in DEMO_ROLES]
    with system_context("seed demo tenant"):
        existing = db.session.execute(select(Tenant).where(Tenant.code == code)).scalar_one_or_none()
        db.session.rollback()
    if existing is not None:
        log.info("demo tenant %s exists; skipped", code)
        return logins
    county = generate_county(profile, seed)
    with system_context("seed demo tenant"), transaction():
        tenant = Tenant(code=code, name=county.federation_name, region_code=county.region_code, province=province,
                        city=city, address=f"{profile.county}{profile.roads[0]}", contact_phone=None)
        db.session.add(tenant)
        db.session.flush()
        tenant_id = tenant.id
    with tenant_context(tenant_id), transaction():
        ids = _insert_county(tenant_id, county)
        _insert_users(tenant_id, code, county, ids)
        seed_hardship(tenant_id, county, ids["orgs"], ids["members"], seed)
    with tenant_context(tenant_id):
        seed_condolence(tenant_id, seed, profile.as_of)
    log.info("loaded demo tenant %s: %d orgs, %d employers, %d members", code, len(county.orgs),
             len(county.employers), len(county.members))
    return logins


def _insert_county(tenant_id: int, county: County) -> dict[str, dict[str, int]]:
    s = db.session
    org_ids = dict(zip((o.key for o in county.orgs), _reserve_ids("orgs", len(county.orgs)), strict=True))
    emp_ids = dict(zip((e.key for e in county.employers), _reserve_ids("employers", len(county.employers)),
                       strict=True))
    mem_ids = dict(zip((m.key for m in county.members), _reserve_ids("members", len(county.members)), strict=True))

    paths: dict[str, str] = {}
    org_rows = []
    for o in county.orgs:
        parent_path = paths[o.parent_key] if o.parent_key else "/"
        paths[o.key] = f"{parent_path}{org_ids[o.key]}/"
        org_rows.append({
            "tenant_id": tenant_id, "id": org_ids[o.key], "parent_id": org_ids[o.parent_key] if o.parent_key else None,
            "path": paths[o.key], "depth": paths[o.key].count("/") - 2, "name": o.name, "org_type": o.org_type,
            "approval_number": o.approval_number, "approval_date": o.approval_date, "founded_date": o.founded_date,
            "reelection_due_date": o.reelection_due, "office_address": o.office_address,
            "office_phone": o.office_phone, "project_name": o.project_name, "is_active": True, "version": 1,
            "employer_id": None,
        })
    s.execute(insert(Org.__table__), org_rows)

    s.execute(insert(Employer.__table__), [{
        "tenant_id": tenant_id, "id": emp_ids[e.key], "name": e.name, "credit_code": e.credit_code,
        "ownership_type": e.ownership, "sector": e.sector, "staff_count": e.staff_count,
        "women_count": e.women_count, "migrant_count": e.migrant_count, "address": e.address,
        "legal_representative": e.legal_representative, "contact_phone": None,
        "township_org_id": org_ids[e.township_key], "union_status": e.union_status,
        "covering_org_id": org_ids[e.covering_org_key] if e.covering_org_key else None, "version": 1,
    } for e in county.employers])
    org_employer = [{"oid": org_ids[o.key], "eid": emp_ids[o.employer_key]}
                    for o in county.orgs if o.employer_key and o.org_type in ("grassroots", "temporary")]
    if org_employer:
        s.execute(text("UPDATE orgs SET employer_id = :eid WHERE tenant_id = :tid AND id = :oid"),
                  [{**row, "tid": tenant_id} for row in org_employer])

    cipher = get_cipher()
    s.execute(insert(Member.__table__), [{
        "tenant_id": tenant_id, "id": mem_ids[m.key], "name": m.name,
        "id_number_enc": cipher.encrypt(tenant_id, m.id_number),
        "id_number_hash": cipher.lookup_hash(tenant_id, "id_number", m.id_number),
        "id_region_code": m.id_number[:6], "id_last4": m.id_number[-4:], "birth_date": m.birth_date,
        "gender": m.gender, "mobile": m.mobile, "org_id": org_ids[m.org_key],
        "employer_id": emp_ids[m.employer_key] if m.employer_key else None, "join_date": m.join_date,
        "employment_type": m.employment_type, "member_card_status": m.member_card_status,
        "status": "active", "version": 1,
    } for m in county.members])
    if county.transfers:
        s.execute(insert(MemberTransfer.__table__), [{
            "tenant_id": tenant_id, "member_id": mem_ids[t.member_key], "from_org_id": org_ids[t.from_org_key],
            "to_org_id": org_ids[t.to_org_key], "transfer_date": t.transfer_date, "reason": t.reason,
        } for t in county.transfers])
    if county.cadres:
        today = date.today()
        s.execute(insert(Cadre.__table__), [{
            "tenant_id": tenant_id, "name": c.name, "gender": c.gender,
            "member_id": mem_ids[c.member_key] if c.member_key else None, "org_id": org_ids[c.org_key],
            "post": c.post, "full_time": c.full_time, "term_start": c.term_start, "term_end": c.term_end,
            "office_phone": c.office_phone, "mobile": c.mobile, "is_current": c.term_end >= today, "version": 1,
        } for c in county.cadres])
    return {"orgs": org_ids, "employers": emp_ids, "members": mem_ids}


def _insert_users(tenant_id: int, code: str, county: County, ids: dict[str, dict[str, int]]) -> None:
    org_ids = ids["orgs"]
    root = next(o for o in county.orgs if o.parent_key is None)
    township = next(o for o in county.orgs if o.org_type == "township")
    # A grassroots union with members, so the chair's view is not empty.
    member_orgs = {m.org_key for m in county.members}
    grassroots = next(o for o in county.orgs if o.org_type == "grassroots" and o.key in member_orgs)
    scope_keys = {"root": root.key, "township": township.key, "grassroots": grassroots.key}
    password_hash = hash_password(DEMO_PASSWORD)
    for role, suffix, display, scope in DEMO_ROLES:
        db.session.add(User(tenant_id=tenant_id, username=f"{code}.{suffix}", display_name=display,
                            password_hash=password_hash, role=role, scope_org_id=org_ids[scope_keys[scope]]))
    db.session.flush()


def demo_tenant_count() -> int:
    with system_context("count demo tenants"):
        return int(db.session.execute(select(func.count()).select_from(Tenant)).scalar_one())
