"""Tenant- and scope-filtered queries of the condolence domain, shared by its services (rosters here,
the review chain, notice, visits and payments in `workflow/`).

- `campaigns()`, `get_campaign()`: campaigns are county-wide (every user of the tenant with
  condolence.read sees them);
- `lines_visible(ctx)`, `batches_visible(ctx)`: lines/batches of unions inside the user's org subtree
  (the whole county for the federation);
- `township_of(org_id)`, `township_ids_of(org_ids)`: the township (乡镇/街道) union above an org.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import aliased

from ...core.db import TenantRepository
from ...core.errors import NotFound
from ...core.security import RequestContext
from ...core.tenancy import current_tenant_id
from ...extensions import db
from ..orgs.models import Org
from ..orgs.repository import subtree_clause
from .models import CondolenceBatch, CondolenceCampaign, CondolenceCategory, CondolenceLine, CondolenceQuota


class CampaignRepository(TenantRepository[CondolenceCampaign]):
    model = CondolenceCampaign
    not_found_message = "慰问活动不存在"


def get_campaign(ctx: RequestContext, campaign_id: int, *, for_update: bool = False) -> CondolenceCampaign:
    ctx.require_tenant()
    stmt = CampaignRepository().select().where(CondolenceCampaign.id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update()
    obj = db.session.execute(stmt).scalar_one_or_none()
    if obj is None:
        raise NotFound("慰问活动不存在")
    return obj  # type: ignore[no-any-return]


def categories(campaign_id: int) -> list[CondolenceCategory]:
    return list(db.session.execute(select(CondolenceCategory).where(
        CondolenceCategory.tenant_id == current_tenant_id(), CondolenceCategory.campaign_id == campaign_id)
        .order_by(CondolenceCategory.id)).scalars())


def quotas(campaign_id: int) -> list[CondolenceQuota]:
    return list(db.session.execute(select(CondolenceQuota).where(
        CondolenceQuota.tenant_id == current_tenant_id(), CondolenceQuota.campaign_id == campaign_id)
        .order_by(CondolenceQuota.id)).scalars())


def _in_scope(stmt: Select[Any], org_id_col: Any, ctx: RequestContext) -> Select[Any]:
    if ctx.scope_is_root or not ctx.scope_path:
        return stmt
    o = aliased(Org)
    return stmt.join(o, and_(o.tenant_id == current_tenant_id(), o.id == org_id_col)).where(
        subtree_clause(o.path, ctx.scope_path))


def batches_visible(ctx: RequestContext) -> Select[Any]:
    """Batches of the unions in the user's subtree."""
    stmt = select(CondolenceBatch).where(CondolenceBatch.tenant_id == current_tenant_id())
    return _in_scope(stmt, CondolenceBatch.org_id, ctx)


def lines_visible(ctx: RequestContext) -> Select[Any]:
    """Lines nominated by the unions in the user's subtree (the WORKFLOW stages use this too)."""
    stmt = select(CondolenceLine).where(CondolenceLine.tenant_id == current_tenant_id())
    return _in_scope(stmt, CondolenceLine.org_id, ctx)


def get_batch(ctx: RequestContext, batch_id: int) -> CondolenceBatch:
    ctx.require_tenant()
    obj = db.session.execute(batches_visible(ctx).where(CondolenceBatch.id == batch_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound("推荐批次不存在")
    return obj  # type: ignore[no-any-return]


def get_line(ctx: RequestContext, line_id: int) -> CondolenceLine:
    ctx.require_tenant()
    obj = db.session.execute(lines_visible(ctx).where(CondolenceLine.id == line_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound("名单记录不存在")
    return obj  # type: ignore[no-any-return]


def township_ids_of(org_ids: set[int]) -> dict[int, int | None]:
    """org id → the id of the township union above it (or itself), None when there is none."""
    ids = {i for i in org_ids if i is not None}
    if not ids:
        return {}
    tid = current_tenant_id()
    org, town = aliased(Org), aliased(Org)
    rows = db.session.execute(
        select(org.id, town.id, town.depth)
        .select_from(org)
        .join(town, and_(town.tenant_id == tid, town.org_type == "township", org.path.startswith(town.path)))
        .where(org.tenant_id == tid, org.id.in_(ids))
    ).all()
    best: dict[int, tuple[int, int]] = {}
    for oid, town_id, depth in rows:
        if oid not in best or depth > best[oid][1]:
            best[oid] = (town_id, depth)
    return {i: best[i][0] if i in best else None for i in ids}


def township_of(org_id: int) -> int | None:
    return township_ids_of({org_id}).get(org_id)


def org_names(ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Org.id, Org.name).where(Org.tenant_id == current_tenant_id(), Org.id.in_(ids)))
    return {int(i): n for i, n in rows}
