"""Union cadres (工会干部) of a demo county.

Grassroots posts go to members of that union; the county federation, township unions and the
industry/sector federations are staffed by officials who are not in this county's member data.
Committee size follows the union's size; women's committees exist where 10+ women are members.
"""

from __future__ import annotations

from collections.abc import Iterable
from random import Random

from unionhome.core.cnid import Gender
from unionhome.demo.people import Person, PersonFactory
from unionhome.demo.records import Cadre, Member, Org, Post

_HEAD_POSTS: frozenset[str] = frozenset({"chair", "branch_chair", "group_leader"})  # fill Org.chair_name
_OFFICE_POSTS: frozenset[str] = frozenset({"chair", "vice_chair", "full_time_cadre", "branch_chair"})


class CadreMaker:
    def __init__(self, people: PersonFactory, rng: Random, members_by_org: dict[str, list[Member]]) -> None:
        self.people = people
        self.rng = rng
        self.members_by_org = members_by_org
        self.cadres: list[Cadre] = []

    def _add(self, org: Org, post: Post, who: Member | Person, *, full_time: bool = False) -> None:
        self.cadres.append(
            Cadre(
                key=f"cad-{len(self.cadres) + 1:05d}",
                org_key=org.key,
                post=post,
                name=who.name,
                gender=who.gender,
                id_number=who.id_number,
                mobile=who.mobile,
                member_key=who.key if isinstance(who, Member) else None,
                full_time=full_time,
                term_start=org.last_election_date,
                term_end=org.reelection_due,
                office_phone=org.office_phone if post in _OFFICE_POSTS else None,
            )
        )
        if post in _HEAD_POSTS:
            org.chair_name = who.name

    def _officials(self, org: Org, posts: Iterable[tuple[Post, int, bool]]) -> None:
        for post, count, full_time in posts:
            for _ in range(count):
                gender: Gender = "F" if post == "womens_committee" or self.rng.random() < 0.3 else "M"
                self._add(
                    org, post, self.people.person(gender, age=self.rng.randint(32, 58)), full_time=full_time
                )

    def staff(self, org: Org, children: dict[str, list[Org]]) -> None:
        rng = self.rng
        match org.org_type:
            case "federation":
                self._officials(org, [("chair", 1, True), ("vice_chair", 3, True), ("full_time_cadre", 4, True),
                                      ("audit_committee", 3, False), ("womens_committee", 3, False)])  # fmt: skip
            case "township":
                # The chair is a deputy township head holding the post part-time; ≥1 full-time cadre.
                self._officials(org, [("chair", 1, False), ("vice_chair", 1, True),
                                      ("full_time_cadre", rng.randint(1, 2), True)])  # fmt: skip
            case "industry" | "sector" | "regional_federation":
                full_time = org.org_type == "industry"
                self._officials(org, [("chair", 1, False), ("vice_chair", 1, full_time),
                                      ("full_time_cadre", int(full_time), True), ("committee_member", 2, False)])  # fmt: skip
            case "grassroots" | "joint_grassroots" | "temporary" | "community":
                pool = self._pool(org, children)
                self._committee(org, pool)
                if org.org_type == "community":
                    self._grid(org, pool)
            case "branch":
                self._lead(org, "branch_chair", self.members_by_org.get(org.key, []))
            case "group":
                parent_pool = self.members_by_org.get(org.parent_key or "", [])
                self._lead(org, "group_leader", parent_pool)

    def _pool(self, org: Org, children: dict[str, list[Org]]) -> list[Member]:
        pool = list(self.members_by_org.get(org.key, []))
        for child in children.get(org.key, []):
            pool += self.members_by_org.get(child.key, [])
        return [m for m in pool if m.employment_type != "retired"] or pool

    def _lead(self, org: Org, post: Post, pool: list[Member]) -> None:
        self._add(
            org, post, self.rng.choice(pool) if pool else self.people.person(age=self.rng.randint(28, 55))
        )

    def _committee(self, org: Org, pool: list[Member]) -> None:
        rng = self.rng
        m = len(pool)
        if m == 0:
            self._officials(org, [("chair", 1, False)])
            return
        size = 3 if m < 25 else 5 if m < 100 else 7 if m < 200 else 9
        vices = 0 if m < 25 else 1 if m < 200 else 2
        audit = 1 if m < 25 else 3
        picked = rng.sample(pool, min(m, size + audit))
        chair, rest = picked[0], picked[1:]
        self._add(org, "chair", chair, full_time=m >= 300 or (m >= 200 and rng.random() < 0.5))
        for member in rest[:vices]:
            self._add(org, "vice_chair", member)
        for member in rest[vices : size - 1]:
            self._add(org, "committee_member", member)
        for member in rest[size - 1 :]:
            self._add(org, "audit_committee", member)
        women = [p for p in pool if p.gender == "F"]
        if len(women) >= 10:
            for member in rng.sample(women, 5 if len(women) >= 50 else 3):
                self._add(org, "womens_committee", member)

    def _grid(self, org: Org, pool: list[Member]) -> None:
        rng = self.rng
        workers = rng.randint(2, 4)
        people: list[Member | Person] = list(rng.sample(pool, min(len(pool), workers + 1)))
        while len(people) < workers + 1:
            people.append(self.people.person(age=rng.randint(28, 55)))
        self._add(org, "grid_head", people[0])
        for p in people[1:]:
            self._add(org, "grid_worker", p)
