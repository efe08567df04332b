"""Members of a demo county: how many per employer, branch unions and groups, records, transfers."""

from __future__ import annotations

import math
from datetime import date, timedelta
from random import Random

from unionhome.core.cnid import make_bank_card
from unionhome.demo.employers import EmployerDraft, scale_staff
from unionhome.demo.orgs import OrgBuilder
from unionhome.demo.people import PersonFactory
from unionhome.demo.records import CardStatus, Employer, EmploymentType, Member, Org, Transfer
from unionhome.demo.timeline import add_years, between

_ENROLMENT_RATE = {"founded": 0.9, "covered_by_joint": 0.6}  # members / staff at most
_SCATTERED_SHARE = 0.015  # flexible workers enrolled directly in community unions
_RETIREE_KINDS = frozenset({"gov", "agency", "hospital", "health_center", "school", "soe", "collective"})
_DISPATCH_KINDS = frozenset({"soe", "hospital", "factory", "foreign", "hmt"})
_FLEXIBLE_KINDS = frozenset({"logistics", "housekeeping"})
_BANK_BINS = ("622848", "622202", "621700", "623668")
_NUMERALS = "一二三四五六七八九十"
_DEPARTMENTS = {
    "factory": ("一车间", "二车间", "三车间", "机加工车间", "装配车间", "质检部", "销售部", "后勤保障部"),
    "hospital": ("内科", "外科", "医技科室", "护理部", "行政后勤"),
    "school": ("高中部", "初中部", "教务处", "行政后勤"),
    "other": ("综合办公室", "业务一部", "业务二部", "营销部", "后勤服务部"),
}
_DEPARTMENT_FAMILY = {"factory": "factory", "foreign": "factory", "hmt": "factory", "collective": "factory",
                      "hospital": "hospital", "health_center": "hospital", "school": "school"}  # fmt: skip
_TRANSFER_REASONS = ("工作调动", "重新就业", "企业改制重组", "单位合并", "劳务派遣单位变更")


def scattered_count(members: int, communities: int) -> int:
    """Flexible workers enrolled straight into community unions, with no employer."""
    return min(round(members * _SCATTERED_SHARE), 15 * communities)


def allocate(drafts: list[EmployerDraft], total: int, scattered: int) -> dict[str, int]:
    """Members per covered employer summing to ``total - scattered``, never above the enrolment rate.

    If the covered employers are too small for the wanted total, the unionised (founded) ones grow;
    joint-covered employers keep under 25 staff.
    """
    covered = [d for d in drafts if d.record.covering_org_key]
    wanted = total - scattered
    for _ in range(20):
        capacity = {
            d.record.key: d.record.staff_count * _ENROLMENT_RATE[d.record.union_status] for d in covered
        }
        room = sum(capacity.values())
        if room == 0:
            raise ValueError("no employer is covered by a union")
        if wanted <= room:
            break
        factor = wanted / room * 1.05
        for d in covered:
            if d.record.union_status == "founded":
                scale_staff(d.record, math.ceil(d.record.staff_count * factor))
    else:
        raise RuntimeError("cannot fit the members into the covered employers")
    quotas = {k: wanted * c / room for k, c in capacity.items()}
    counts = {k: int(q) for k, q in quotas.items()}
    short = wanted - sum(counts.values())
    for k in sorted(quotas, key=lambda k: quotas[k] - counts[k], reverse=True)[:short]:
        counts[k] += 1
    _give_every_union_members(covered, counts)
    return counts


def _give_every_union_members(covered: list[EmployerDraft], counts: dict[str, int], least: int = 3) -> None:
    """Move members from the biggest employers until each union has ``least`` (or all its staff)."""
    by_union: dict[str, list[Employer]] = {}
    for d in covered:
        by_union.setdefault(d.record.covering_org_key or "", []).append(d.record)
    for employers in by_union.values():
        need = min(least, sum(e.staff_count for e in employers)) - sum(counts[e.key] for e in employers)
        own = {e.key for e in employers}
        for e in sorted(employers, key=lambda e: e.staff_count - counts[e.key], reverse=True):
            while need > 0 and counts[e.key] < e.staff_count:
                donor = max(counts, key=lambda k: counts[k])
                if counts[donor] <= least or donor in own:
                    return
                counts[donor] -= 1
                counts[e.key] += 1
                need -= 1


def _split(rng: Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(parts), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def add_subunits(b: OrgBuilder, union: Org, kind: str, members: int) -> list[tuple[Org, int]]:
    """Branch unions (200+ members) with groups, or just groups (50+); returns (enrolling org, count)."""
    rng = b.rng

    def groups(parent: Org, count: int, prefix: str) -> None:
        for i in range(count):
            founded = between(
                rng, parent.founded_date, min(add_years(parent.founded_date, 3), b.as_of - timedelta(days=30))
            )
            b.add(f"{prefix}第{_NUMERALS[i]}工会小组", "group", parent, founded, address=parent.office_address,
                  employer_key=parent.employer_key)  # fmt: skip

    base = union.name.removesuffix("委员会")
    if members >= 200:
        departments = _DEPARTMENTS[_DEPARTMENT_FAMILY.get(kind, "other")]
        n = max(2, min(len(departments), members // 120))
        out = []
        for dept, count in zip(departments[:n], _split(rng, members, n), strict=True):
            founded = between(
                rng, union.founded_date, min(add_years(union.founded_date, 3), b.as_of - timedelta(days=60))
            )
            branch = b.add(f"{base}{dept}分工会", "branch", union, founded, address=union.office_address,
                           employer_key=union.employer_key)  # fmt: skip
            groups(branch, max(1, min(5, count // 30)) if count >= 30 else 0, f"{base}{dept}分工会")
            out.append((branch, count))
        return out
    if members >= 50:
        groups(union, max(2, min(6, members // 25)), base)
    return [(union, members)]


def _employment(rng: Random, kind: str | None, migrant: bool) -> EmploymentType:
    if migrant:
        return "migrant"
    r = rng.random()
    if kind in _RETIREE_KINDS and r < 0.03:
        return "retired"
    if kind in _FLEXIBLE_KINDS and r < 0.4:
        return "flexible"
    if kind in _DISPATCH_KINDS and r < 0.06:
        return "dispatched"
    return "regular"


def _card_status(rng: Random, join: date, as_of: date) -> CardStatus:
    r = rng.random()
    if (as_of - join).days < 180:
        return "not_collected" if r < 0.7 else "collected"
    return "issued" if r < 0.65 else "collected" if r < 0.87 else "not_collected"


class MemberMaker:
    def __init__(self, people: PersonFactory, rng: Random, as_of: date) -> None:
        self.people = people
        self.rng = rng
        self.as_of = as_of
        self.members: list[Member] = []

    def enrol(
        self, org: Org, employer: Employer | None, kind: str | None, count: int, earliest: date
    ) -> None:
        """``count`` members of ``employer`` (or scattered flexible workers) in ``org``."""
        rng = self.rng
        if employer is None:
            women, migrants = round(count * 0.4), 0
        else:
            staff = employer.staff_count
            women = round(count * employer.women_count / staff)
            women = max(count - (staff - employer.women_count), min(employer.women_count, count, women))
            migrants = round(count * employer.migrant_count / staff)
            migrants = max(
                count - (staff - employer.migrant_count), min(employer.migrant_count, count, migrants)
            )
        genders = ["F"] * women + ["M"] * (count - women)
        flags = [True] * migrants + [False] * (count - migrants)
        rng.shuffle(genders)
        rng.shuffle(flags)
        for gender, migrant in zip(genders, flags, strict=True):
            kind_type = _employment(rng, kind, migrant) if employer else "flexible"
            if kind_type == "retired":
                age = rng.randint(60, 72) if gender == "M" else rng.randint(55, 68)
            elif migrant:
                age = round(rng.triangular(19, 55, 32))
            else:
                age = None
            p = self.people.person("F" if gender == "F" else "M", age=age, migrant=migrant)
            join = between(
                rng, max(add_years(p.birth_date, 18), earliest), self.as_of - timedelta(days=1), 1.3
            )
            self.members.append(
                Member(
                    key=f"mem-{len(self.members) + 1:06d}",
                    name=p.name,
                    gender=p.gender,
                    id_number=p.id_number,
                    birth_date=p.birth_date,
                    mobile=p.mobile,
                    org_key=org.key,
                    employer_key=employer.key if employer else None,
                    join_date=join,
                    employment_type=kind_type,
                    member_card_status=_card_status(rng, join, self.as_of),
                    bank_card=make_bank_card(rng, rng.choice(_BANK_BINS)) if rng.random() < 0.35 else None,
                )
            )


def make_transfers(
    members: list[Member], orgs: list[Org], rng: Random, as_of: date, share: float = 0.05
) -> list[Transfer]:
    """Past moves into each chosen member's current org; the member's join date moves back to the first org."""
    by_key = {o.key: o for o in orgs}
    sources = [o for o in orgs if o.org_type in ("grassroots", "joint_grassroots", "community")]
    transfers: list[Transfer] = []
    for m in members:
        if rng.random() >= share or m.employment_type == "retired":
            continue
        current = by_key[m.org_key]
        hops = 2 if rng.random() < 0.2 else 1
        chain: list[Org] = []
        for _ in range(hops):
            source = rng.choice(sources)
            if source.key != current.key and source not in chain:
                chain.append(source)
        if not chain:
            continue
        adult = add_years(m.birth_date, 18)
        first_join = max(adult, max(o.founded_date for o in chain))
        moved_in = max(current.founded_date, first_join + timedelta(days=180))
        if moved_in >= as_of - timedelta(days=30):
            continue
        dates = sorted(between(rng, moved_in, as_of - timedelta(days=30)) for _ in chain)
        m.join_date = (
            between(rng, first_join, dates[0] - timedelta(days=90))
            if dates[0] - first_join > timedelta(days=90)
            else first_join
        )
        hops_to = [*chain[1:], current]
        for src, dst, when in zip(chain, hops_to, dates, strict=True):
            reason = (
                "劳务派遣单位变更" if m.employment_type == "dispatched" else rng.choice(_TRANSFER_REASONS[:4])
            )
            transfers.append(Transfer(m.key, src.key, dst.key, when, reason))
    return transfers
