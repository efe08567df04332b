"""Generate a realistic, internally consistent county for demos, benchmarks and tests.

Deterministic: the same profile and seed give the same county in any process (each stage draws from
its own ``Random`` seeded with a string, and nothing iterates over a set). No database access; the
loader bulk inserts the records.

Invariants the tests check: every ID number and credit code is valid; the org tree has one root and
parents before children; an employer's covering union is its own (founded) or a joint/community
union (covered_by_joint), and sits in the employer's township subtree unless it hangs under a
county-wide industry or sector federation; each member's employer is covered by the member's union;
no employer has more members than staff (nor more women or migrant members than it employs).
"""

from __future__ import annotations

from datetime import date
from random import Random

from unionhome.demo.cadres import CadreMaker
from unionhome.demo.employers import EmployerDraft, EmployerFactory, scale_staff
from unionhome.demo.members import MemberMaker, add_subunits, allocate, make_transfers, scattered_count
from unionhome.demo.orgs import (
    OrgBuilder,
    Structure,
    UnionBudget,
    build_structure,
    cover,
    found_joint,
    found_single,
    found_temporary,
)
from unionhome.demo.people import PersonFactory
from unionhome.demo.profiles import CountyProfile, Township
from unionhome.demo.records import County, Member, Org

_PROJECTS = (
    "安置区建设项目",
    "标准化厂房建设项目",
    "道路改造提升项目",
    "学校教学楼新建项目",
    "污水处理厂建设项目",
    "卫生院迁建项目",
    "保障性住房项目",
)


def generate_county(profile: CountyProfile, seed: int, *, as_of: date | None = None) -> County:
    as_of = as_of or profile.as_of
    sizes = profile.sizes

    def rng(stage: str) -> Random:
        return Random(f"{profile.region_code}:{seed}:{stage}")

    towns = list(profile.townships[: sizes.townships] if sizes.townships else profile.townships)
    if not towns:
        raise ValueError("a county needs at least one township")
    seat = next((t for t in towns if t.name == profile.seat), towns[0])
    budget = UnionBudget.for_sizes(sizes.grassroots, sizes.employers)

    builder = OrgBuilder(profile, rng("orgs"), as_of)
    structure = build_structure(builder, towns, sizes.communities_per_township)
    people = PersonFactory(profile, rng("people"), as_of)
    drafts = _employers(profile, towns, seat, structure, budget, rng("employers"), people)
    _found_unions(builder, structure, drafts, budget, towns, seat, rng("founding"))

    scattered = scattered_count(sizes.members, len(structure.communities))
    counts = allocate(drafts, sizes.members, scattered)
    members = _enrol(builder, structure, drafts, counts, scattered, people, rng("members"), as_of)
    builder.number_approvals()
    transfers = make_transfers(members, builder.orgs, rng("transfers"), as_of)

    members_by_org: dict[str, list[Member]] = {}
    for m in members:
        members_by_org.setdefault(m.org_key, []).append(m)
    children: dict[str, list[Org]] = {}
    for o in builder.orgs:
        if o.parent_key:
            children.setdefault(o.parent_key, []).append(o)
    cadres = CadreMaker(people, rng("cadres"), members_by_org)
    for org in builder.orgs:
        cadres.staff(org, children)

    return County(
        federation_name=profile.federation_name,
        county_name=profile.county,
        region_code=profile.region_code,
        seed=seed,
        as_of=as_of,
        orgs=builder.orgs,
        employers=[d.record for d in drafts],
        members=members,
        transfers=transfers,
        cadres=cadres.cadres,
    )


def _employers(profile: CountyProfile, towns: list[Township], seat: Township, structure: Structure,
               budget: UnionBudget, rng: Random, people: PersonFactory) -> list[EmployerDraft]:  # fmt: skip
    factory = EmployerFactory(profile, towns, rng, people.namer)
    factory.town_keys = {name: org.key for name, org in structure.townships.items()}
    fixed = factory.add_fixed(max(1, int(budget.single_large * 0.35)), seat)
    projects: set[str] = set()
    for _ in range(budget.temporary):
        town = rng.choice(towns)
        project = f"{profile.locality(town.name)}{rng.choice(_PROJECTS)}"
        for phase in "二三四五六七八九":
            if project not in projects:
                break
            project = project.removesuffix("项目") + f"（{phase}期）项目"
        projects.add(project)
        factory.add_contractor(project, town)
    drawn_count = profile.sizes.employers - len(factory.drafts)
    factory.add_drawn(drawn_count, max(0, budget.large_employers - len(fixed)))
    return factory.drafts


def _found_unions(b: OrgBuilder, s: Structure, drafts: list[EmployerDraft], budget: UnionBudget,
                  towns: list[Township], seat: Township, rng: Random) -> None:  # fmt: skip
    for d in drafts:
        if d.project:
            found_temporary(b, s, d)
    # Large employers: public bodies first, then the bigger businesses (with noise) until the budget is used.
    large = [d for d in drafts if d.record.staff_count >= 25 and not d.project]
    large.sort(key=lambda d: (not d.fixed, -d.record.staff_count * rng.lognormvariate(0, 0.8)))
    for d in large[: budget.single_large]:
        found_single(b, s, d, seat.name)
    small = [d for d in drafts if d.record.staff_count < 25 and d.record.ownership != "individual"]
    rng.shuffle(small)
    for d in small[: budget.single_small]:
        if d.record.staff_count < 8:
            scale_staff(d.record, rng.randint(8, 20))
        found_single(b, s, d, seat.name)

    pool = [d for d in drafts if d.record.staff_count < 25 and d.record.union_status == "not_founded"]
    rng.shuffle(pool)
    made = 0
    if budget.joint >= 3 and found_joint(b, s, pool, seat, "logistics"):
        made += 1
    flavors = ("village", "market", "park")
    town_weights = [sum(1 for d in pool if d.record.township_key == s.townships[t.name].key) for t in towns]
    for attempt in range(budget.joint * 10):
        if made >= budget.joint or not any(town_weights):
            break
        town = rng.choices(towns, weights=town_weights)[0]
        flavor = flavors[attempt % 3] if town.name == b.profile.industrial_township else flavors[attempt % 2]
        if found_joint(b, s, pool, town, flavor):
            made += 1
    # Community unions also take in a few small units of their village (社区工会覆盖).
    for (town_name, village), community in s.communities.items():
        town_key = s.townships[town_name].key
        nearby = [d for d in pool if d.record.township_key == town_key and d.village == village]
        chosen = nearby[: rng.randint(0, 5)]
        cover(community, chosen)
        for d in chosen:
            pool.remove(d)


def _enrol(b: OrgBuilder, s: Structure, drafts: list[EmployerDraft], counts: dict[str, int], scattered: int,
           people: PersonFactory, rng: Random, as_of: date) -> list[Member]:  # fmt: skip
    maker = MemberMaker(people, rng, as_of)
    by_key = b.by_key
    for d in drafts:
        count = counts.get(d.record.key, 0)
        if not count:
            continue
        union = by_key[d.record.covering_org_key or ""]
        if union.org_type in ("grassroots", "temporary") and union.employer_key == d.record.key:
            units = (
                add_subunits(b, union, d.kind, count) if union.org_type == "grassroots" else [(union, count)]
            )
        else:
            units = [(union, count)]
        for org, n in units:  # members of a branch may have joined the union before the branch existed
            maker.enrol(org, d.record, d.kind, n, union.founded_date)
    communities = list(s.communities.values())
    for i, n in enumerate(_spread(scattered, len(communities))):
        maker.enrol(communities[i], None, None, n, communities[i].founded_date)
    return maker.members


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)] if parts else []
