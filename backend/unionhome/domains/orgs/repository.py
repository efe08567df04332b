"""Tenant- and scope-filtered queries for the org register. Raw SQL for the subtree move lives here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, or_, select, text, true
from sqlalchemy.orm import aliased

from ...core.db import TenantRepository
from ...core.security import RequestContext
from ...core.tenancy import current_tenant_id
from .models import Cadre, Employer, Member, MemberTransfer, Org


def subtree_clause(path_col: Any, path: str) -> Any:
    """`path LIKE '/1/5/%'` (paths only hold digits and slashes, so nothing needs escaping).

    For a path ending in "/" it is written as the equivalent byte-wise range `'/1/5/' <= path <
    '/1/50'` ("0" follows "/"): row-level security lets PostgreSQL use an index (ix_orgs_path,
    text_pattern_ops) only for leakproof operators, which `~>=~`/`~<~` are and LIKE is not."""
    if isinstance(path, str) and path.endswith("/"):
        return and_(path_col.op("~>=~", is_comparison=True)(path),
                    path_col.op("~<~", is_comparison=True)(path[:-1] + "0"))
    return path_col.like(f"{path}%")


class OrgRepository(TenantRepository[Org]):
    model = Org
    not_found_message = "组织不存在"

    def scoped(self, ctx: RequestContext) -> Select[Any]:
        stmt = self.select()
        if not ctx.scope_is_root and ctx.scope_path:
            stmt = stmt.where(subtree_clause(Org.path, ctx.scope_path))
        return stmt

    def get_in_scope(self, ctx: RequestContext, org_id: int) -> Org | None:
        org = self.get(org_id)
        if org is None or not ctx.in_scope(org.path):
            return None
        return org

    def root(self) -> Org | None:
        return self.session.execute(self.select().where(Org.parent_id.is_(None))).scalars().first()

    def child_counts(self, parent_ids: list[int]) -> dict[int, int]:
        if not parent_ids:
            return {}
        rows = self.session.execute(
            select(Org.parent_id, func.count()).where(Org.tenant_id == current_tenant_id(),
                                                      Org.parent_id.in_(parent_ids)).group_by(Org.parent_id)
        ).all()
        return {int(pid): int(n) for pid, n in rows if pid is not None}

    def move_subtree(self, old_path: str, new_path: str, depth_delta: int) -> None:
        self.session.execute(
            text(
                "UPDATE orgs SET path = :new_path || substr(path, :cut), depth = depth + :delta, "
                "version = version + 1 WHERE tenant_id = :tid AND path LIKE :old_like"
            ),
            {"new_path": new_path, "cut": len(old_path) + 1, "delta": depth_delta, "tid": current_tenant_id(),
             "old_like": f"{old_path}%"},
        )

    def names(self, ids: set[int]) -> dict[int, str]:
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        rows = self.session.execute(select(Org.id, Org.name).where(Org.tenant_id == current_tenant_id(),
                                                                   Org.id.in_(ids))).all()
        return {i: n for i, n in rows}


class EmployerRepository(TenantRepository[Employer]):
    model = Employer
    not_found_message = "单位不存在"

    def scoped(self, ctx: RequestContext) -> Select[Any]:
        stmt = self.select()
        if not ctx.scope_is_root and ctx.scope_path:
            township, covering = aliased(Org), aliased(Org)
            tid = current_tenant_id()
            stmt = (
                stmt.outerjoin(township, and_(township.tenant_id == tid, township.id == Employer.township_org_id))
                .outerjoin(covering, and_(covering.tenant_id == tid, covering.id == Employer.covering_org_id))
                .where(or_(subtree_clause(township.path, ctx.scope_path),
                           subtree_clause(covering.path, ctx.scope_path)))
            )
        return stmt

    def by_credit_code(self, code: str) -> Employer | None:
        return self.session.execute(self.select().where(Employer.credit_code == code)).scalar_one_or_none()


def scope_paths(ctx: RequestContext, under_path: str | None = None) -> list[str]:
    """The subtrees a query must stay in: the user's scope (unless it is the whole county) and `under`."""
    return [p for p in (None if ctx.scope_is_root else ctx.scope_path, under_path) if p]


def _join_org_scope(stmt: Select[Any], org_id_col: Any, ctx: RequestContext, under_path: str | None) -> Select[Any]:
    paths = scope_paths(ctx, under_path)
    if not paths:
        return stmt
    tid = current_tenant_id()
    stmt = stmt.join(Org, and_(Org.tenant_id == tid, Org.id == org_id_col))
    for p in paths:
        stmt = stmt.where(subtree_clause(Org.path, p))
    return stmt


class MemberRepository(TenantRepository[Member]):
    model = Member
    not_found_message = "会员不存在"

    def scoped(self, ctx: RequestContext, under_path: str | None = None) -> Select[Any]:
        return _join_org_scope(self.select(), Member.org_id, ctx, under_path)

    def first_ids_per_org(self, paths: list[str], filters: list[Any], limit: int, offset: int) -> Select[Any]:
        """Ids of the page (`ORDER BY id LIMIT limit OFFSET offset`) of the members matching `filters`
        in the subtrees `paths`, read per org: the first `offset + limit` ids of each org of the
        subtree (ix_members_org), merged and cut.

        The same page as joining orgs and walking the members in id order, but the work is bounded by
        the subtree's orgs instead of by how many other members come first in id order (a township
        registered after the rest of the county: hundreds of thousands)."""
        tid = current_tenant_id()
        org = aliased(Org)
        per_org = (select(Member.id)
                   .where(Member.tenant_id == tid, Member.org_id == org.id, *filters)
                   .order_by(Member.id).limit(offset + limit).lateral("per_org"))
        stmt = (select(per_org.c.id).select_from(org).join(per_org, true())
                .where(org.tenant_id == tid, *(subtree_clause(org.path, p) for p in paths)))
        return stmt.order_by(per_org.c.id).limit(limit).offset(offset)

    def by_id_hash(self, id_hash: bytes) -> Member | None:
        return self.session.execute(self.select().where(Member.id_number_hash == id_hash)).scalar_one_or_none()

    def transfers(self, member_id: int) -> list[MemberTransfer]:
        stmt = (select(MemberTransfer).where(MemberTransfer.tenant_id == current_tenant_id(),
                                             MemberTransfer.member_id == member_id)
                .order_by(MemberTransfer.transfer_date.desc(), MemberTransfer.id.desc()))
        return list(self.session.execute(stmt).scalars())


class CadreRepository(TenantRepository[Cadre]):
    model = Cadre
    not_found_message = "工会干部不存在"

    def scoped(self, ctx: RequestContext, under_path: str | None = None) -> Select[Any]:
        return _join_org_scope(self.select(), Cadre.org_id, ctx, under_path)


def transfers_scoped(ctx: RequestContext, under_path: str | None = None) -> Select[Any]:
    """Transfers whose source or destination org lies in the user's scope (and under `under_path`)."""
    tid = current_tenant_id()
    src, dst = aliased(Org), aliased(Org)
    stmt = (select(MemberTransfer).where(MemberTransfer.tenant_id == tid)
            .join(src, and_(src.tenant_id == tid, src.id == MemberTransfer.from_org_id))
            .join(dst, and_(dst.tenant_id == tid, dst.id == MemberTransfer.to_org_id)))
    for p in [p for p in (None if ctx.scope_is_root else ctx.scope_path, under_path) if p]:
        stmt = stmt.where(or_(subtree_clause(src.path, p), subtree_clause(dst.path, p)))
    return stmt
