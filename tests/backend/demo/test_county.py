"""The demo county generator: validity of every identifier, tree shape, coverage consistency, determinism."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import date

import pytest

from unionhome.core.cnid import parse_bank_card, parse_id_number, parse_mobile, parse_uscc
from unionhome.demo import HUOJIA, XINXIANG, County, CountyProfile, CountySizes, generate_county
from unionhome.demo.records import MEMBERSHIP_ORG_TYPES
from unionhome.demo.timeline import add_years

pytestmark = pytest.mark.unit

ORG_TYPES = {"federation", "township", "community", "industry", "sector", "regional_federation", "grassroots",
             "joint_grassroots", "branch", "group", "temporary"}  # fmt: skip
POSTS = {"chair", "vice_chair", "committee_member", "branch_chair", "group_leader", "full_time_cadre",
         "audit_committee", "womens_committee", "grid_head", "grid_worker"}  # fmt: skip
ALLOWED_PARENTS = {
    "township": {"federation"},
    "community": {"township"},
    "industry": {"federation"},
    "sector": {"federation"},
    "regional_federation": {"federation", "township"},
    "grassroots": {"township", "community", "industry", "sector", "regional_federation"},
    "joint_grassroots": {"township", "community", "regional_federation"},
    "temporary": {"industry", "township"},
    "branch": {"grassroots"},
    "group": {"branch", "grassroots"},
}
TINY = CountySizes.tiny()
TODAY = date.today()


def tiny(profile: CountyProfile) -> CountyProfile:
    return profile.resized(**vars(TINY))


@pytest.fixture(scope="module", params=[XINXIANG, HUOJIA], ids=["xinxiang", "huojia"])
def county(request: pytest.FixtureRequest) -> County:
    return generate_county(tiny(request.param), seed=7)


def test_tiny_sizes(county: County) -> None:
    assert len(county.employers) == TINY.employers
    assert len(county.members) == TINY.members
    types = Counter(o.org_type for o in county.orgs)
    assert types["grassroots"] + types["joint_grassroots"] + types["temporary"] == TINY.grassroots
    assert types["township"] == 3
    assert types["community"] == 3
    assert types["federation"] == 1
    assert 25 <= len(county.orgs) <= 45


def test_tiny_generation_is_fast() -> None:
    started = time.perf_counter()
    generate_county(tiny(XINXIANG), seed=1)
    assert time.perf_counter() - started < 1.0


def test_org_tree_shape(county: County) -> None:
    seen: dict[str, str] = {}
    for org in county.orgs:
        assert org.key not in seen, "keys are unique"
        assert org.org_type in ORG_TYPES
        if org.parent_key is None:
            assert org.org_type == "federation"
        else:
            assert org.parent_key in seen, "parents come before children"
            assert seen[org.parent_key] in ALLOWED_PARENTS[org.org_type], (org.name, org.org_type)
        seen[org.key] = org.org_type
    assert sum(1 for o in county.orgs if o.parent_key is None) == 1
    assert county.orgs[0].name == county.federation_name


def test_org_township_key_is_the_township_ancestor(county: County) -> None:
    by_key = {o.key: o for o in county.orgs}
    for org in county.orgs:
        ancestors = []
        node = org
        while node is not None:
            ancestors.append(node)
            node = by_key.get(node.parent_key or "")
        townships = [a.key for a in ancestors if a.org_type == "township"]
        assert org.township_key == (townships[0] if townships else None), org.name


def test_org_details(county: County) -> None:
    names = [o.name for o in county.orgs]
    assert len(names) == len(set(names))
    prefix = "新工批" if county.region_code == "410721" else "获工批"
    numbers = [o.approval_number for o in county.orgs if o.approval_number]
    assert len(numbers) == len(set(numbers))
    for org in county.orgs:
        assert org.founded_date <= county.as_of
        assert org.last_election_date >= org.founded_date
        assert org.reelection_due == add_years(org.last_election_date, 5)
        assert org.chair_name, f"{org.name} has no head"
        if org.org_type in ("branch", "group") or org.parent_key is None:
            assert org.approval_number is None
        else:
            assert org.approval_date is not None and org.approval_date <= org.founded_date
            match = re.fullmatch(rf"{prefix}〔(\d{{4}})〕(\d+)号", org.approval_number or "")
            assert match and int(match[1]) == org.approval_date.year
        if org.org_type != "group":
            assert org.office_phone and re.fullmatch(r"0373-\d{7}", org.office_phone)
            assert org.office_address
        if org.credit_code:
            assert parse_uscc(org.credit_code).category == "81"
        assert (org.project_name is not None) == (org.org_type == "temporary")
        if org.org_type == "temporary":
            assert org.project_name in org.name


def test_every_employer_is_valid_and_consistently_covered(county: County) -> None:
    orgs = {o.key: o for o in county.orgs}
    townships = {o.key for o in county.orgs if o.org_type == "township"}
    codes = [e.credit_code for e in county.employers]
    assert len(codes) == len(set(codes))
    assert len({e.name for e in county.employers}) == len(county.employers)
    for e in county.employers:
        parsed = parse_uscc(e.credit_code)
        assert parsed.region_code == county.region_code
        assert e.township_key in townships
        assert 0 <= e.women_count <= e.staff_count and 0 <= e.migrant_count <= e.staff_count
        assert e.staff_count >= 1
        if e.union_status == "not_founded":
            assert e.covering_org_key is None
            continue
        union = orgs[e.covering_org_key or ""]
        if e.union_status == "founded":
            assert union.org_type in ("grassroots", "temporary") and union.employer_key == e.key
        else:
            assert union.org_type in ("joint_grassroots", "community")
            assert e.staff_count < 25
        if union.township_key is not None:
            assert union.township_key == e.township_key, (e.name, union.name)


def test_ownership_matches_the_credit_code_category(county: County) -> None:
    expected = {"individual": "92", "cooperative": "93", "agency": "11", "public_institution": "12"}
    for e in county.employers:
        if e.ownership in expected:
            assert e.credit_code[:2] == expected[e.ownership], e.name


def test_members_are_valid_and_consistent(county: County) -> None:
    orgs = {o.key: o for o in county.orgs}
    employers = {e.key: e for e in county.employers}
    assert len({m.key for m in county.members}) == len(county.members)
    assert len({m.id_number for m in county.members}) == len(county.members)
    assert len({m.mobile for m in county.members}) == len(county.members)
    per_employer: Counter[str] = Counter()
    women: Counter[str] = Counter()
    migrants: Counter[str] = Counter()
    for m in county.members:
        parsed = parse_id_number(m.id_number, today=TODAY)
        assert (parsed.gender, parsed.birth_date) == (m.gender, m.birth_date)
        assert parse_mobile(m.mobile) == m.mobile
        if m.bank_card:
            assert parse_bank_card(m.bank_card) == m.bank_card
        if m.employment_type != "migrant":
            assert parsed.region_code == county.region_code
        age = parsed.age_on(county.as_of)
        assert 18 <= age <= (75 if m.employment_type == "retired" else 60), (m, age)
        assert add_years(m.birth_date, 18) <= m.join_date <= county.as_of
        org = orgs[m.org_key]
        union = orgs[org.parent_key or ""] if org.org_type == "branch" else org
        assert union.org_type in MEMBERSHIP_ORG_TYPES
        if m.employer_key is None:
            assert union.org_type == "community" and m.employment_type == "flexible"
            continue
        assert employers[m.employer_key].covering_org_key == union.key
        per_employer[m.employer_key] += 1
        women[m.employer_key] += m.gender == "F"
        migrants[m.employer_key] += m.employment_type == "migrant"
    for key, count in per_employer.items():
        e = employers[key]
        assert count <= e.staff_count and women[key] <= e.women_count and migrants[key] <= e.migrant_count


def test_every_founded_union_has_members(county: County) -> None:
    orgs = {o.key: o for o in county.orgs}
    unions_with_members = {orgs[m.org_key].parent_key if orgs[m.org_key].org_type == "branch" else m.org_key
                           for m in county.members}  # fmt: skip
    for org in county.orgs:
        if org.org_type in ("grassroots", "temporary", "joint_grassroots"):
            assert org.key in unions_with_members, org.name


def test_transfers(county: County) -> None:
    orgs = {o.key: o for o in county.orgs}
    members = {m.key: m for m in county.members}
    by_member: dict[str, list] = {}
    for t in county.transfers:
        by_member.setdefault(t.member_key, []).append(t)
        assert orgs[t.from_org_key].org_type in MEMBERSHIP_ORG_TYPES
        assert t.from_org_key != t.to_org_key
        assert orgs[t.from_org_key].founded_date <= t.transfer_date <= county.as_of
        assert orgs[t.to_org_key].founded_date <= t.transfer_date
        assert t.reason
    for key, moves in by_member.items():
        moves.sort(key=lambda t: t.transfer_date)
        assert moves[-1].to_org_key == members[key].org_key
        assert all(a.to_org_key == b.from_org_key for a, b in zip(moves, moves[1:], strict=False))
        assert members[key].join_date <= moves[0].transfer_date


def test_cadres(county: County) -> None:
    orgs = {o.key: o for o in county.orgs}
    members = {m.key: m for m in county.members}
    heads: Counter[str] = Counter()
    for c in county.cadres:
        org = orgs[c.org_key]
        assert c.post in POSTS
        parsed = parse_id_number(c.id_number, today=TODAY)
        assert parsed.gender == c.gender
        assert parse_mobile(c.mobile) == c.mobile
        assert (c.term_start, c.term_end) == (org.last_election_date, org.reelection_due)
        if c.post in ("chair", "branch_chair", "group_leader"):
            heads[c.org_key] += 1
            assert org.chair_name == c.name
        if c.post == "womens_committee":
            assert c.gender == "F"
        if c.member_key is not None:
            member = members[c.member_key]
            assert (member.name, member.id_number, member.mobile) == (c.name, c.id_number, c.mobile)
            member_org = orgs[member.org_key]
            # A cadre is a member of that union (or of one of its branches); a group leader is a member
            # of the union or branch the group belongs to.
            assert member_org.key in (c.org_key, org.parent_key) or member_org.parent_key == c.org_key
    assert all(heads[o.key] == 1 for o in county.orgs), "every org has exactly one head"
    posts = Counter(c.post for c in county.cadres)
    assert posts["full_time_cadre"] >= 3  # every township union has one
    township_full_time = [c for c in county.cadres if orgs[c.org_key].org_type == "township" and c.full_time]
    assert township_full_time and all(c.member_key is None for c in township_full_time)


def test_deterministic_for_a_seed() -> None:
    a = generate_county(tiny(HUOJIA), seed=11)
    b = generate_county(tiny(HUOJIA), seed=11)
    c = generate_county(tiny(HUOJIA), seed=12)
    assert a == b
    assert a.members != c.members


_DIGEST = """
import hashlib
from unionhome.demo import XINXIANG, CountySizes, generate_county
c = generate_county(XINXIANG.resized(**vars(CountySizes.tiny())), seed=5)
print(hashlib.sha256(repr(c).encode()).hexdigest())
"""


def test_deterministic_across_processes() -> None:
    """String hashing is randomised per process; the generator must not depend on it."""
    here = generate_county(tiny(XINXIANG), seed=5)
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # differs from this process's random hash seed
    out = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == hashlib.sha256(repr(here).encode()).hexdigest()


@pytest.mark.parametrize(
    "sizes",
    [
        CountySizes(townships=1, communities_per_township=0, grassroots=1, employers=2, members=5),
        CountySizes(townships=2, communities_per_township=0, grassroots=5, employers=10, members=40),
        CountySizes(townships=4, communities_per_township=2, grassroots=30, employers=60, members=3000),
    ],
    ids=["minimal", "no-communities", "crowded"],
)
def test_odd_sizes_still_generate(sizes: CountySizes) -> None:
    county = generate_county(XINXIANG.resized(**vars(sizes)), seed=3)
    assert len(county.members) == sizes.members and len(county.employers) == sizes.employers
    employers = {e.key: e for e in county.employers}
    counts = Counter(m.employer_key for m in county.members if m.employer_key)
    assert all(n <= employers[k].staff_count for k, n in counts.items())


def test_sizes_are_validated() -> None:
    with pytest.raises(ValueError):
        generate_county(XINXIANG.resized(grassroots=50, employers=60), seed=1)


def test_full_size_is_realistic_and_fast() -> None:
    started = time.perf_counter()
    county = generate_county(XINXIANG, seed=410721)
    assert time.perf_counter() - started < 10
    assert len(county.employers) == 5000 and len(county.members) == 20000
    types = Counter(o.org_type for o in county.orgs)
    assert types["grassroots"] + types["joint_grassroots"] + types["temporary"] == 200
    assert types["township"] == 8 and types["branch"] > 10 and types["group"] > 50
    assert types["joint_grassroots"] >= 10 and types["temporary"] >= 3
    big = [e for e in county.employers if e.staff_count >= 25]
    founded_share = sum(e.union_status == "founded" for e in big) / len(big)
    assert 0.85 <= founded_share <= 0.95
    small = [e for e in county.employers if e.staff_count < 25]
    assert sum(e.union_status != "not_founded" for e in small) / len(small) < 0.2
    assert max(e.staff_count for e in county.employers) >= 500
    assert Counter(m.gender for m in county.members)["F"] / len(county.members) > 0.3
    assert len(county.transfers) > 100
    assert all(parse_uscc(e.credit_code) for e in county.employers)
