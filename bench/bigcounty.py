"""Bulk-load one county with up to 1,000,000 members, fast: the demo generator + PostgreSQL COPY.

The county is 新乡县 from `unionhome.demo` resized (`XINXIANG.resized(members=…, employers=…)`), so the
org tree grows realistically with the membership (branch unions and union groups), every ID number is
valid (GB 11643) and unique, and the names, mobiles and employment types follow the demo's
distributions. Rows go in with COPY as the owner role (RLS does not apply to it), ids reserved from
the identity sequences with nextval as `unionhome.demo.loader` does; ID numbers are encrypted and
hashed with the app's own cipher (`unionhome.core.pii.get_cipher()`), so the app reads them back.
The logins are the demo's (`unionhome.demo.loader._insert_users`), so `xinxiang.admin` /
`xinxiang.staff` … work with the demo password. Call `seed_demo(size="tiny")` afterwards for the
platform admin and the second (tiny) county: it skips the county loaded here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from unionhome.demo.county import generate_county
from unionhome.demo.profiles import XINXIANG
from unionhome.demo.records import County

from .env import BenchEnv
from .pgcopy import copy_rows, reserve_ids

CODE, SEED, PROVINCE, CITY = "xinxiang", 410721, "河南省", "新乡市"

MEMBER_COLUMNS = ("tenant_id", "id", "name", "id_number_enc", "id_number_hash", "id_region_code", "id_last4",
                  "birth_date", "gender", "mobile", "org_id", "employer_id", "join_date", "employment_type",
                  "member_card_status", "status", "version")


@dataclass
class LoadedCounty:
    tenant_id: int
    county: County
    org_ids: dict[str, int]
    employer_ids: dict[str, int]
    member_ids: list[int]  # aligned with county.members
    timings: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)


def _insert_users(tid: int, county: County, org_ids: dict[str, int]) -> None:
    """The demo's six logins (`unionhome.demo.loader.DEMO_ROLES`): root, first township, a grassroots union
    with members (in a big county they sit in its branch unions)."""
    from unionhome.core.passwords import hash_password
    from unionhome.demo.loader import DEMO_PASSWORD, DEMO_ROLES
    from unionhome.domains.auth.models import User
    from unionhome.extensions import db

    root = next(o for o in county.orgs if o.parent_key is None)
    township = next(o for o in county.orgs if o.org_type == "township")
    parent = {o.key: o.parent_key for o in county.orgs}
    enrolling = {m.org_key for m in county.members}
    with_members = enrolling | {parent[k] for k in enrolling if parent[k]}
    grassroots = next(o for o in county.orgs if o.org_type == "grassroots" and o.key in with_members)
    scopes = {"root": root.key, "township": township.key, "grassroots": grassroots.key}
    password_hash = hash_password(DEMO_PASSWORD)
    for role, suffix, display, scope in DEMO_ROLES:
        db.session.add(User(tenant_id=tid, username=f"{CODE}.{suffix}", display_name=display,
                            password_hash=password_hash, role=role, scope_org_id=org_ids[scopes[scope]]))
    db.session.flush()


def load_big_county(env: BenchEnv, *, members: int = 1_000_000, employers: int = 20_000,
                    log: Any = print) -> LoadedCounty:
    from unionhome.core.db import transaction
    from unionhome.core.pii import get_cipher
    from unionhome.core.tenancy import system_context, tenant_context
    from unionhome.domains.tenants.models import Tenant
    from unionhome.extensions import db

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    profile = replace(XINXIANG.resized(members=members, employers=employers), as_of=date.today())
    county = generate_county(profile, SEED)
    timings["generate"] = time.perf_counter() - t0
    log(f"  generated {len(county.orgs):,} orgs, {len(county.employers):,} employers, "
        f"{len(county.members):,} members in {timings['generate']:.1f} s")

    app = env.app
    with app.app_context(), system_context("bench: create tenant"), transaction():
        tenant = Tenant(code=CODE, name=county.federation_name, region_code=county.region_code, province=PROVINCE,
                        city=CITY, address=f"{profile.county}{profile.roads[0]}", contact_phone=None)
        db.session.add(tenant)
        db.session.flush()
        tid = int(tenant.id)
    with app.app_context():
        cipher = get_cipher()

    t1 = time.perf_counter()
    with env.owner_connect() as conn, conn.cursor() as cur:
        # Foreign keys are checked once, set-based, after the load (verify_references) instead of by a
        # trigger per row, which would make COPY ~10x slower. Superuser, this session only.
        cur.execute("SET session_replication_role = replica")
        org_ids = dict(zip((o.key for o in county.orgs), reserve_ids(cur, "orgs", len(county.orgs)), strict=True))
        emp_ids = dict(zip((e.key for e in county.employers), reserve_ids(cur, "employers", len(county.employers)),
                           strict=True))
        mem_ids = reserve_ids(cur, "members", len(county.members))
        paths: dict[str, str] = {}
        org_rows = []
        for o in county.orgs:
            paths[o.key] = f"{paths[o.parent_key] if o.parent_key else '/'}{org_ids[o.key]}/"
            org_rows.append((tid, org_ids[o.key], org_ids[o.parent_key] if o.parent_key else None, paths[o.key],
                             paths[o.key].count("/") - 2, o.name, o.org_type, o.approval_number, o.approval_date,
                             o.founded_date, o.reelection_due, o.office_address, o.office_phone, o.project_name,
                             True, 1))
        copy_rows(cur, "orgs", ("tenant_id", "id", "parent_id", "path", "depth", "name", "org_type", "approval_number",
                                "approval_date", "founded_date", "reelection_due_date", "office_address",
                                "office_phone", "project_name", "is_active", "version"), org_rows)
        copy_rows(cur, "employers", ("tenant_id", "id", "name", "credit_code", "ownership_type", "sector", "staff_count",
                                     "women_count", "migrant_count", "address", "legal_representative",
                                     "township_org_id", "union_status", "covering_org_id", "version"),
                  [(tid, emp_ids[e.key], e.name, e.credit_code, e.ownership, e.sector, e.staff_count, e.women_count,
                    e.migrant_count, e.address, e.legal_representative, org_ids[e.township_key], e.union_status,
                    org_ids[e.covering_org_key] if e.covering_org_key else None, 1) for e in county.employers])
        cur.executemany("UPDATE orgs SET employer_id = %s WHERE tenant_id = %s AND id = %s",
                        [(emp_ids[o.employer_key], tid, org_ids[o.key]) for o in county.orgs
                         if o.employer_key and o.org_type in ("grassroots", "temporary")])
        conn.commit()
        timings["orgs_employers"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        encrypt, lookup_hash = cipher.encrypt, cipher.lookup_hash

        def member_rows() -> Iterator[tuple[Any, ...]]:
            for mid, m in zip(mem_ids, county.members, strict=True):
                number = m.id_number
                yield (tid, mid, m.name, encrypt(tid, number), lookup_hash(tid, "id_number", number), number[:6],
                       number[-4:], m.birth_date, m.gender, m.mobile, org_ids[m.org_key],
                       emp_ids[m.employer_key] if m.employer_key else None, m.join_date, m.employment_type,
                       m.member_card_status, "active", 1)

        n = copy_rows(cur, "members", MEMBER_COLUMNS, member_rows())
        conn.commit()
        timings["members_copy"] = time.perf_counter() - t2
        log(f"  COPY {n:,} members (encrypting each ID number) in {timings['members_copy']:.1f} s "
            f"({n / timings['members_copy']:,.0f} rows/s)")

        t3 = time.perf_counter()
        id_of = dict(zip((m.key for m in county.members), mem_ids, strict=True))
        copy_rows(cur, "member_transfers", ("tenant_id", "member_id", "from_org_id", "to_org_id", "transfer_date",
                                            "reason"),
                  [(tid, id_of[t.member_key], org_ids[t.from_org_key], org_ids[t.to_org_key], t.transfer_date, t.reason)
                   for t in county.transfers])
        today = date.today()
        copy_rows(cur, "cadres", ("tenant_id", "name", "gender", "member_id", "org_id", "post", "full_time",
                                  "term_start", "term_end", "office_phone", "mobile", "is_current", "version"),
                  [(tid, c.name, c.gender, id_of[c.member_key] if c.member_key else None, org_ids[c.org_key], c.post,
                    c.full_time, c.term_start, c.term_end, c.office_phone, c.mobile, c.term_end >= today, 1)
                   for c in county.cadres])
        conn.commit()
        del id_of
        timings["transfers_cadres"] = time.perf_counter() - t3

    timings["verify_references"] = verify_references(env)

    with app.app_context(), tenant_context(tid), transaction():
        _insert_users(tid, county, org_ids)

    t4 = time.perf_counter()
    with env.owner_connect(autocommit=True) as conn:
        for table in ("orgs", "employers", "members", "member_transfers", "cadres", "users", "tenants"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    timings["vacuum_analyze"] = time.perf_counter() - t4
    timings["total"] = time.perf_counter() - t0
    sizes = {"orgs": len(county.orgs), "employers": len(county.employers), "members": len(county.members),
             "transfers": len(county.transfers), "cadres": len(county.cadres)}
    return LoadedCounty(tid, county, org_ids, emp_ids, mem_ids, timings, sizes)


# (child table, child columns, parent table) for every foreign key the load bypassed
_REFERENCES = (
    ("orgs", ("parent_id",), "orgs"), ("orgs", ("employer_id",), "employers"),
    ("employers", ("township_org_id",), "orgs"), ("employers", ("covering_org_id",), "orgs"),
    ("members", ("org_id",), "orgs"), ("members", ("employer_id",), "employers"),
    ("member_transfers", ("member_id",), "members"), ("member_transfers", ("from_org_id",), "orgs"),
    ("member_transfers", ("to_org_id",), "orgs"), ("cadres", ("member_id",), "members"),
    ("cadres", ("org_id",), "orgs"),
)


def verify_references(env: BenchEnv) -> float:
    """What the bypassed foreign-key triggers would have checked, as one anti-join per key."""
    t = time.perf_counter()
    with env.owner_connect() as conn:
        for child, (col,), parent in _REFERENCES:
            row = conn.execute(
                f"SELECT count(*) FROM {child} c WHERE c.{col} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {parent} p WHERE p.tenant_id = c.tenant_id AND p.id = c.{col})").fetchone()
            if row and row[0]:
                raise RuntimeError(f"{row[0]} rows of {child}.{col} reference no {parent} row")
            row = conn.execute(f"SELECT count(*) FROM {child} c WHERE NOT EXISTS "
                               f"(SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)").fetchone()
            if row and row[0]:
                raise RuntimeError(f"{row[0]} rows of {child} reference no tenant")
    return time.perf_counter() - t


def table_sizes(env: BenchEnv) -> dict[str, str]:
    with env.owner_connect() as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_size_pretty(pg_table_size(c.oid)), pg_size_pretty(pg_indexes_size(c.oid)) "
            "FROM pg_class c WHERE c.relname IN ('members', 'orgs', 'employers') ORDER BY 1").fetchall()
    return {r[0]: f"table {r[1]}, indexes {r[2]}" for r in rows}
