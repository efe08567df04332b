"""Who sees what in the workflow: the review level of a user, the lines and batches of a campaign
inside the user's org subtree, the township of a line, and loaders that answer 404 for anything
missing, of another tenant or outside the subtree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Select, and_, cast, exists, func, select
from sqlalchemy.orm import aliased

from ....core.errors import NotFound, PermissionDenied, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ, CONDOLENCE_REVIEW
from ...orgs.models import Org
from ...orgs.repository import OrgRepository, subtree_clause
from ..models import CondolenceBatch, CondolenceCampaign, CondolenceLine

COUNTY, TOWNSHIP, GRASSROOTS = "county", "township", "grassroots"


def path_depth(path: str) -> int:
    """`/1/` → 0 (the federation), `/1/5/` → 1 (a township), deeper → grassroots unions and below."""
    return path.count("/") - 2


def user_level(ctx: RequestContext) -> str:
    """The review level a user works at, from the top of its org subtree."""
    if ctx.scope_is_root or not ctx.scope_path:
        return COUNTY
    return TOWNSHIP if path_depth(ctx.scope_path) == 1 else GRASSROOTS


def require_review(ctx: RequestContext) -> str:
    """The user's level, checking it may review there (the county's decisions need CONDOLENCE_MANAGE)."""
    ctx.require_tenant()
    level = user_level(ctx)
    if level == COUNTY:
        if not ctx.can(CONDOLENCE_MANAGE):
            raise PermissionDenied("县总工会审定需要节日慰问管理权限")
    elif not ctx.can(CONDOLENCE_REVIEW):
        raise PermissionDenied("没有审核慰问名单的权限")
    return level


def require_county(ctx: RequestContext) -> None:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_MANAGE) or user_level(ctx) != COUNTY:
        raise PermissionDenied("只有县总工会可以执行此操作")


def scope_filter(ctx: RequestContext, path_col: Any) -> list[Any]:
    """Conditions keeping `path_col` (an org path) inside the user's subtree (none for the county)."""
    if ctx.scope_is_root or not ctx.scope_path:
        return []
    return [subtree_clause(path_col, ctx.scope_path)]


def township_expr(line_org: Any) -> Any:
    """The township (depth-1 org) holding a line: its own column when the roster job filled it, else the
    second id of its nominating union's path (None for the federation's own nominations)."""
    derived = cast(func.nullif(func.split_part(line_org.path, "/", 3), ""), BigInteger)
    return func.coalesce(CondolenceLine.township_org_id, derived)


class LineScope:
    """The campaign's lines inside the user's subtree, joined to their nominating union (`org`) and, with
    `with_batch`, to their batch (`batch`).

        scope = LineScope(ctx, campaign_id)
        stmt = scope.select(CondolenceLine.id, scope.org.depth)
    """

    def __init__(self, ctx: RequestContext, campaign_id: int, *, with_batch: bool = False) -> None:
        self.org = aliased(Org, name="line_org")
        self.batch = aliased(CondolenceBatch, name="line_batch") if with_batch else None
        self.tid = current_tenant_id()
        self.conditions = [CondolenceLine.tenant_id == self.tid, CondolenceLine.campaign_id == campaign_id,
                           *scope_filter(ctx, self.org.path)]

    def join_conditions(self) -> list[Any]:
        """For UPDATE … FROM: the joins as plain conditions."""
        joins = [self.org.tenant_id == self.tid, self.org.id == CondolenceLine.org_id]
        if self.batch is not None:
            joins += [self.batch.tenant_id == self.tid, self.batch.id == CondolenceLine.batch_id]
        return [*joins, *self.conditions]

    def submitted(self) -> Any:
        """SQL condition: the line's batch has been submitted (上报); drafts are not reviewed."""
        if self.batch is not None:
            return self.batch.submitted_at.is_not(None)
        return exists().where(CondolenceBatch.tenant_id == CondolenceLine.tenant_id,
                              CondolenceBatch.id == CondolenceLine.batch_id, CondolenceBatch.submitted_at.is_not(None))

    def select(self, *columns: Any) -> Select[Any]:
        stmt = select(*columns) if columns else select(CondolenceLine)
        stmt = (stmt.select_from(CondolenceLine)
                .join(self.org, and_(self.org.tenant_id == self.tid, self.org.id == CondolenceLine.org_id)))
        if self.batch is not None:
            stmt = stmt.join(self.batch, and_(self.batch.tenant_id == self.tid, self.batch.id == CondolenceLine.batch_id))
        return stmt.where(*self.conditions)


def get_campaign(ctx: RequestContext, campaign_id: int, *, lock: bool = False) -> CondolenceCampaign:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    stmt = select(CondolenceCampaign).where(CondolenceCampaign.tenant_id == current_tenant_id(),
                                            CondolenceCampaign.id == campaign_id)
    if lock:
        stmt = stmt.with_for_update()
    campaign = db.session.execute(stmt).scalar_one_or_none()
    if campaign is None:
        raise NotFound("慰问活动不存在")
    return campaign


def load_campaign(ctx: RequestContext, campaign_id: int) -> CondolenceCampaign:
    """For `ensure_exists`: 404 before anything else is looked at."""
    return get_campaign(ctx, campaign_id)


def get_line(ctx: RequestContext, line_id: int) -> tuple[CondolenceLine, Org]:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    tid = current_tenant_id()
    row = db.session.execute(
        select(CondolenceLine, Org).join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceLine.org_id))
        .where(CondolenceLine.tenant_id == tid, CondolenceLine.id == line_id)
    ).one_or_none()
    if row is None or not ctx.in_scope(row[1].path):
        raise NotFound("慰问对象不存在")
    return row[0], row[1]


def load_line(ctx: RequestContext, line_id: int) -> CondolenceLine:
    return get_line(ctx, line_id)[0]


def get_batch(ctx: RequestContext, batch_id: int) -> tuple[CondolenceBatch, Org]:
    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    tid = current_tenant_id()
    row = db.session.execute(
        select(CondolenceBatch, Org).join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceBatch.org_id))
        .where(CondolenceBatch.tenant_id == tid, CondolenceBatch.id == batch_id)
    ).one_or_none()
    if row is None or not ctx.in_scope(row[1].path):
        raise NotFound("推荐批次不存在")
    return row[0], row[1]


def load_batch(ctx: RequestContext, batch_id: int) -> CondolenceBatch:
    return get_batch(ctx, batch_id)[0]


def org_in_scope(ctx: RequestContext, org_id: int | None, field: str = "org_id") -> Org:
    """The org a request names (default: the top of the user's subtree), inside the subtree."""
    repo = OrgRepository()
    if org_id is None:
        org = repo.get(ctx.scope_org_id) if ctx.scope_org_id is not None else repo.root()
        if org is None:
            raise NotFound("组织不存在")
        return org
    found = repo.get_in_scope(ctx, org_id)
    if found is None:
        raise ValidationFailed({field: "组织不存在或不在您的管辖范围内"})
    return found


def org_names(ids: set[int | None]) -> dict[int, str]:
    return OrgRepository().names({i for i in ids if i is not None})


def root_org() -> Org:
    root = OrgRepository().root()
    if root is None:
        raise NotFound("组织不存在")
    return root
