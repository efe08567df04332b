"""Tenant- and scope-filtered queries of the hardship file.

A household belongs to the union that files and reviews it (`org_id`); a user sees the households of
the unions in its org subtree. Every select here carries the tenant criterion explicitly (layer 1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, delete, select

from ...core.db import TenantRepository
from ...core.security import RequestContext
from ...core.tenancy import current_tenant_id
from ..orgs.models import Org
from ..orgs.repository import scope_paths, subtree_clause
from .models import (
    HardshipActivePerson,
    HardshipHousehold,
    HardshipHouseholdMember,
    HardshipPolicy,
    HardshipRelief,
    HardshipVisit,
)


def join_scope(stmt: Select[Any], org_id_col: Any, ctx: RequestContext, under_path: str | None = None) -> Select[Any]:
    """Keep the rows whose org lies in the user's subtree (and under `under_path`)."""
    paths = scope_paths(ctx, under_path)
    if not paths:
        return stmt
    stmt = stmt.join(Org, and_(Org.tenant_id == current_tenant_id(), Org.id == org_id_col))
    for p in paths:
        stmt = stmt.where(subtree_clause(Org.path, p))
    return stmt


class PolicyRepository(TenantRepository[HardshipPolicy]):
    model = HardshipPolicy
    not_found_message = "帮扶政策不存在"

    def in_force(self, on: date) -> HardshipPolicy | None:
        """The policy with the latest `effective_from` on or before `on`."""
        stmt = (self.select().where(HardshipPolicy.effective_from <= on)
                .order_by(HardshipPolicy.effective_from.desc()).limit(1))
        return self.session.execute(stmt).scalars().first()

    def by_effective_from(self, day: date) -> HardshipPolicy | None:
        return self.session.execute(self.select().where(HardshipPolicy.effective_from == day)).scalars().first()


class HouseholdRepository(TenantRepository[HardshipHousehold]):
    model = HardshipHousehold
    not_found_message = "困难职工档案不存在或不在您的管辖范围内"

    def scoped(self, ctx: RequestContext, under_path: str | None = None) -> Select[Any]:
        return join_scope(self.select(), HardshipHousehold.org_id, ctx, under_path)

    def get_scoped(self, ctx: RequestContext, household_id: int) -> HardshipHousehold | None:
        stmt = self.scoped(ctx).where(HardshipHousehold.id == household_id)
        return self.session.execute(stmt).scalar_one_or_none()

    def members(self, household_id: int) -> list[HardshipHouseholdMember]:
        stmt = (select(HardshipHouseholdMember)
                .where(HardshipHouseholdMember.tenant_id == current_tenant_id(),
                       HardshipHouseholdMember.household_id == household_id)
                .order_by(HardshipHouseholdMember.id))
        return list(self.session.execute(stmt).scalars())

    def members_of(self, household_ids: list[int]) -> dict[int, list[HardshipHouseholdMember]]:
        out: dict[int, list[HardshipHouseholdMember]] = {i: [] for i in household_ids}
        if not household_ids:
            return out
        stmt = (select(HardshipHouseholdMember)
                .where(HardshipHouseholdMember.tenant_id == current_tenant_id(),
                       HardshipHouseholdMember.household_id.in_(household_ids))
                .order_by(HardshipHouseholdMember.id))
        for m in self.session.execute(stmt).scalars():
            out[m.household_id].append(m)
        return out

    def visits(self, household_id: int) -> Select[Any]:
        return (select(HardshipVisit)
                .where(HardshipVisit.tenant_id == current_tenant_id(), HardshipVisit.household_id == household_id)
                .order_by(HardshipVisit.visited_on.desc(), HardshipVisit.id.desc()))

    def has_visit(self, household_id: int, kind: str) -> bool:
        stmt = (select(HardshipVisit.id)
                .where(HardshipVisit.tenant_id == current_tenant_id(), HardshipVisit.household_id == household_id,
                       HardshipVisit.kind == kind).limit(1))
        return self.session.execute(stmt).first() is not None

    def last_visit(self, household_id: int, kind: str) -> HardshipVisit | None:
        stmt = (select(HardshipVisit)
                .where(HardshipVisit.tenant_id == current_tenant_id(), HardshipVisit.household_id == household_id,
                       HardshipVisit.kind == kind)
                .order_by(HardshipVisit.visited_on.desc(), HardshipVisit.id.desc()).limit(1))
        return self.session.execute(stmt).scalars().first()


class PersonClaims:
    """The `hardship_active_persons` rows: who is in an open file, and where."""

    def __init__(self) -> None:
        self.session = HouseholdRepository().session

    def holders(self, id_hashes: list[bytes], exclude_household_id: int | None = None
                ) -> list[tuple[HardshipActivePerson, HardshipHousehold, str]]:
        """(claim, household, union name) for each hash already in an open file (other than `exclude`)."""
        if not id_hashes:
            return []
        tid = current_tenant_id()
        stmt = (select(HardshipActivePerson, HardshipHousehold, Org.name)
                .join(HardshipHousehold, and_(HardshipHousehold.tenant_id == tid,
                                              HardshipHousehold.id == HardshipActivePerson.household_id))
                .join(Org, and_(Org.tenant_id == tid, Org.id == HardshipHousehold.org_id))
                .where(HardshipActivePerson.tenant_id == tid, HardshipActivePerson.id_hash.in_(id_hashes)))
        if exclude_household_id is not None:
            stmt = stmt.where(HardshipActivePerson.household_id != exclude_household_id)
        return [(c, h, n) for c, h, n in self.session.execute(stmt).all()]

    def release(self, household_id: int) -> None:
        self.session.execute(delete(HardshipActivePerson).where(
            HardshipActivePerson.tenant_id == current_tenant_id(), HardshipActivePerson.household_id == household_id))

    def claim(self, household_id: int, people: list[tuple[bytes, str, str]]) -> None:
        """Add (id_hash, role, name) rows for the household (the caller released its old ones)."""
        tid = current_tenant_id()
        for id_hash, role, name in people:
            self.session.add(HardshipActivePerson(tenant_id=tid, id_hash=id_hash, household_id=household_id,
                                                  role=role, name=name))


class ReliefRepository(TenantRepository[HardshipRelief]):
    model = HardshipRelief
    not_found_message = "帮扶记录不存在"

    def scoped(self, ctx: RequestContext, under_path: str | None = None) -> Select[Any]:
        tid = current_tenant_id()
        stmt = self.select().join(HardshipHousehold, and_(HardshipHousehold.tenant_id == tid,
                                                          HardshipHousehold.id == HardshipRelief.household_id))
        return join_scope(stmt, HardshipHousehold.org_id, ctx, under_path)
