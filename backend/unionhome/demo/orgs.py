"""The union tree of a demo county: fixed upper structure, then unions founded at employers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from unionhome.core.cnid import make_uscc
from unionhome.demo.employers import EmployerDraft
from unionhome.demo.names import BRAND_WORDS
from unionhome.demo.profiles import CountyProfile, Township
from unionhome.demo.records import Org, OrgType
from unionhome.demo.timeline import add_years, between, term_of_office

# Share of unions holding a union legal-person certificate (and so a 81… credit code).
_LEGAL_PERSON_SHARE = 0.7
_NO_LEGAL_PERSON: frozenset[str] = frozenset({"branch", "group", "temporary"})


@dataclass(frozen=True)
class UnionBudget:
    """How the ``grassroots`` size splits, and how many 25+ staff employers that needs.

    About 90% of employers with 25+ staff have their own union, and about 8% of single-employer
    unions are at smaller employers.
    """

    temporary: int
    joint: int
    single_large: int
    single_small: int
    large_employers: int

    @classmethod
    def for_sizes(cls, grassroots: int, employers: int) -> UnionBudget:
        if grassroots < 1 or employers < 2 * grassroots:
            raise ValueError("need grassroots >= 1 and employers >= 2 * grassroots")
        temporary = max(1, round(grassroots * 0.03)) if grassroots >= 8 else 0
        joint = max(1, round(grassroots * 0.08)) if grassroots >= 4 else 0
        single = grassroots - temporary - joint
        single_small = round(single * 0.08)
        single_large = single - single_small
        return cls(temporary, joint, single_large, single_small, math.ceil(single_large / 0.9))


@dataclass
class Structure:
    root: Org
    townships: dict[str, Org]  # by township name
    communities: dict[tuple[str, str], Org]  # by (township name, village)
    industry: dict[str, Org]  # education, health, construction
    sector: dict[str, Org]  # agency, property, transport, commerce
    park: Org | None  # the industrial park's regional federation
    logistics: Org  # the county-wide courier and logistics industry federation

    def town_name(self, township_key: str) -> str:
        return next(name for name, org in self.townships.items() if org.key == township_key)


@dataclass
class OrgBuilder:
    profile: CountyProfile
    rng: Random
    as_of: date
    orgs: list[Org] = field(default_factory=list)
    by_key: dict[str, Org] = field(default_factory=dict)
    _phones: set[str] = field(default_factory=set)

    def phone(self) -> str:
        while True:
            digits = 7 - (len(self.profile.phone_prefix) - self.profile.phone_prefix.index("-") - 1)
            number = f"{self.profile.phone_prefix}{self.rng.randrange(10**digits):0{digits}d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def address(self, town: str, place: str | None = None) -> str:
        p = self.profile
        if place:
            return f"{p.locality(town)}{place}"
        return f"{p.locality(town)}{self.rng.choice(p.roads)}{self.rng.randint(1, 399)}号"

    def add(self, name: str, org_type: OrgType, parent: Org | None, founded: date, *, address: str | None = None,
            employer_key: str | None = None, project_name: str | None = None) -> Org:  # fmt: skip
        rng = self.rng
        founded = min(founded, self.as_of - timedelta(days=30))
        last, due = term_of_office(rng, founded, self.as_of)
        key = f"org-{len(self.orgs) + 1:04d}"
        numbered = parent is not None and org_type not in ("branch", "group")
        org = Org(
            key=key,
            parent_key=parent.key if parent else None,
            name=name,
            org_type=org_type,
            township_key=key if org_type == "township" else parent.township_key if parent else None,
            founded_date=founded,
            last_election_date=last,
            reelection_due=due,
            office_address=address,
            office_phone=None if org_type == "group" else self.phone(),
            approval_date=founded - timedelta(days=rng.randint(7, 45)) if numbered else None,
            employer_key=employer_key,
            project_name=project_name,
        )
        if org_type not in _NO_LEGAL_PERSON and rng.random() < _LEGAL_PERSON_SHARE:
            org.credit_code = make_uscc(rng, self.profile.region_code, "8", "1")
        self.orgs.append(org)
        self.by_key[key] = org
        return org

    def number_approvals(self) -> None:
        """Approval numbers run per year in date order: 新工批〔2019〕1号, 2号 …"""
        per_year: dict[int, int] = {}
        for org in sorted((o for o in self.orgs if o.approval_date), key=lambda o: (o.approval_date, o.key)):
            assert org.approval_date is not None
            n = per_year[org.approval_date.year] = per_year.get(org.approval_date.year, 0) + 1
            org.approval_number = f"{self.profile.approval_prefix}〔{org.approval_date.year}〕{n}号"


def build_structure(b: OrgBuilder, towns: list[Township], communities_per_township: int) -> Structure:
    p, rng = b.profile, b.rng
    seat = p.seat if any(t.name == p.seat for t in towns) else towns[0].name
    root = b.add(p.federation_name, "federation", None, date(1950 + rng.randint(0, 6), rng.randint(1, 12), 1),
                 address=b.address(seat))  # fmt: skip
    townships: dict[str, Org] = {}
    communities: dict[tuple[str, str], Org] = {}
    for t in towns:
        zone = "开发区" in t.name
        founded = (
            between(rng, date(2008, 1, 1), date(2014, 12, 31))
            if zone
            else between(rng, date(1983, 1, 1), date(2005, 12, 31))
        )
        office = "管理委员会院内" if zone else "人民政府院内"
        townships[t.name] = b.add(t.union, "township", root, founded, address=f"{p.locality(t.name)}{office}")
    for t in towns:
        for village in t.villages[:communities_per_township]:
            suffix = "工会联合会" if village.endswith("社区") else "工会委员会"
            founded = between(rng, date(2008, 1, 1), add_years(b.as_of, -2))
            communities[(t.name, village)] = b.add(f"{t.name}{village}{suffix}", "community", townships[t.name], founded,
                                                   address=b.address(t.name, f"{village}党群服务中心"))  # fmt: skip
    county_office = b.address(seat)

    def county_wide(name: str, org_type: OrgType, start: int, end: int) -> Org:
        return b.add(f"{p.county}{name}", org_type, root, between(rng, date(start, 1, 1), date(end, 12, 31)),
                     address=county_office)  # fmt: skip

    industry = {
        "education": county_wide("教育工会", "industry", 1985, 2000),
        "health": county_wide("卫生工会", "industry", 1985, 2005),
        "construction": county_wide("建设工会", "industry", 1995, 2012),
    }
    sector = {
        "agency": county_wide("直属机关工会联合会", "sector", 1990, 2005),
        "property": county_wide("住建系统工会联合会", "sector", 2000, 2015),
        "transport": county_wide("交通系统工会联合会", "sector", 2000, 2015),
        "commerce": county_wide("商务系统工会联合会", "sector", 2000, 2015),
    }
    park = None
    if p.industrial_township in townships:
        park = b.add(f"{p.industrial_township}工业园区工会联合会", "regional_federation", townships[p.industrial_township],
                     between(rng, date(2012, 1, 1), date(2020, 12, 31)),
                     address=b.address(p.industrial_township, "工业园区管理办公室"))  # fmt: skip
    logistics = county_wide("快递物流行业工会联合会", "regional_federation", 2016, 2022)
    return Structure(root, townships, communities, industry, sector, park, logistics)


_AGENCY_SECTORS = (("教育局", "education"), ("卫生健康", "health"), ("住房和城乡建设", "property"),
                   ("交通运输", "transport"), ("商务局", "commerce"))  # fmt: skip


def parent_for(s: Structure, d: EmployerDraft, seat: str, rng: Random) -> Org:
    """Where the own union of an employer sits: its system or industry, else the place (属地管理)."""
    e = d.record
    town_name = s.town_name(e.township_key)
    match d.affiliation:
        case "agency":
            system = next((code for word, code in _AGENCY_SECTORS if word in e.name), "agency")
            return s.industry.get(system) or s.sector[system]
        case "education" | "health" | "construction":
            return s.industry[d.affiliation]
        case "property" | "transport":
            return s.sector[d.affiliation]
        case "logistics":
            return s.logistics
        case "commerce" if town_name == seat and e.staff_count >= 25:
            return s.sector["commerce"]
        case "industrial" if s.park is not None and s.park.township_key == e.township_key:
            return s.park
    community = s.communities.get((town_name, d.village or ""))
    if community is not None and e.staff_count < 25 and rng.random() < 0.5:
        return community
    return s.townships[town_name]


def union_name(d: EmployerDraft) -> str:
    if d.record.ownership == "agency":
        return f"{d.record.name}机关工会委员会"
    return f"{d.record.name}工会委员会"


def found_single(b: OrgBuilder, s: Structure, d: EmployerDraft, seat: str) -> Org:
    rng, e = b.rng, d.record
    if d.fixed:  # public bodies have had unions for decades
        founded = between(rng, date(1980, 1, 1), date(2005, 12, 31))
    else:
        founded = between(rng, date(2003, 1, 1), b.as_of - timedelta(days=60))
    org = b.add(union_name(d), "grassroots", parent_for(s, d, seat, rng), founded, address=e.address,
                employer_key=e.key)  # fmt: skip
    e.union_status, e.covering_org_key = "founded", org.key
    return org


def found_temporary(b: OrgBuilder, s: Structure, d: EmployerDraft) -> Org:
    e = d.record
    founded = between(b.rng, add_years(b.as_of, -2), b.as_of - timedelta(days=30))
    org = b.add(f"{d.project}临时工会委员会", "temporary", s.industry["construction"], founded,
                address=e.address, employer_key=e.key, project_name=d.project)  # fmt: skip
    e.union_status, e.covering_org_key = "founded", org.key
    return org


def cover(org: Org, drafts: list[EmployerDraft]) -> None:
    for d in drafts:
        d.record.union_status, d.record.covering_org_key = "covered_by_joint", org.key


def found_joint(
    b: OrgBuilder, s: Structure, pool: list[EmployerDraft], town: Township, flavor: str
) -> Org | None:
    """A 联合工会委员会 over 3–15 small employers of one township (or of one trade, county-wide)."""
    rng = b.rng
    size = min(15, 3 + int(rng.expovariate(1 / 4)))
    if flavor == "logistics":
        chosen = [d for d in pool if d.kind == "logistics"][:size]
        parent, name, place = s.logistics, f"{b.profile.county}快递行业联合工会委员会", None
    else:
        local = [d for d in pool if d.record.township_key == s.townships[town.name].key]
        wanted = {
            "park": {"factory", "collective", "trading"},
            "market": {"shop", "eatery", "services", "hotel"},
        }
        if flavor == "village" and local:  # one village's small units: 划零为整, 地域相同
            village = local[0].village
            preferred = [d for d in local if d.village == village] + [
                d for d in local if d.village != village
            ]
        else:
            preferred = [d for d in local if d.kind in wanted.get(flavor, ())] or local
        chosen = preferred[:size]
        village = chosen[0].village if chosen else None
        if flavor == "park" and s.park is not None:
            parent, name, place = (
                s.park,
                f"{town.name}工业园区{rng.choice(BRAND_WORDS)}联合工会委员会",
                "工业园区",
            )
        elif flavor == "market":
            parent, name, place = (
                s.townships[town.name],
                f"{town.name}{rng.choice(BRAND_WORDS)}商贸城联合工会委员会",
                None,
            )
        else:
            parent = s.communities.get((town.name, village or "")) or s.townships[town.name]
            name, place = f"{town.name}{village}联合工会委员会", village
    if len(chosen) < 2 or any(o.name == name for o in b.orgs):
        return None
    founded = between(rng, date(2012, 1, 1), b.as_of - timedelta(days=90))
    org = b.add(name, "joint_grassroots", parent, founded, address=b.address(town.name, place))
    cover(org, chosen)
    for d in chosen:
        pool.remove(d)
    return org
