from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import or_

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import ORGS_READ, ORGS_WRITE
from ..models import (
    CADRE_POSTS,
    EMPLOYMENT_TYPES,
    MEMBER_CARD_STATUSES,
    MEMBER_STATUSES,
    ORG_TYPES,
    OWNERSHIP_TYPES,
    UNION_STATUSES,
    Org,
)
from ..repository import OrgRepository, subtree_clause
from ..schemas import (
    CodebookSchema,
    OrgCreateSchema,
    OrgMoveSchema,
    OrgQueryArgsSchema,
    OrgSchema,
    OrgUpdateSchema,
)
from ..services import tree as svc
from ..services.common import org_in_scope_or_404
from . import blp


def org_views(orgs: list[Org]) -> list[dict[str, Any]]:
    repo = OrgRepository()
    counts = repo.child_counts([o.id for o in orgs])
    parents = repo.names({o.parent_id for o in orgs if o.parent_id is not None})
    out = []
    for o in orgs:
        data = {c.key: getattr(o, c.key) for c in Org.__table__.columns if c.key != "tenant_id"}
        data.update(child_count=counts.get(o.id, 0), org_type_label=ORG_TYPES.get(o.org_type, o.org_type),
                    parent_name=parents.get(o.parent_id) if o.parent_id else None)
        out.append(data)
    return out


@blp.route("/orgs")
class Orgs(MethodView):
    @require_permission(ORGS_READ)
    @blp.arguments(OrgQueryArgsSchema, location="query")
    @blp.response(200, OrgSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Orgs in the user's subtree: children of `parent_id`, the subtree `under` an org, or a search."""
        ctx = current_ctx()
        stmt = OrgRepository().scoped(ctx)
        if args.get("roots"):
            stmt = stmt.where(Org.path == ctx.scope_path) if not ctx.scope_is_root else stmt.where(Org.parent_id.is_(None))
        if args.get("parent_id") is not None:
            stmt = stmt.where(Org.parent_id == args["parent_id"])
        if args.get("under") is not None:
            stmt = stmt.where(subtree_clause(Org.path, org_in_scope_or_404(ctx, args["under"]).path))
        if args.get("org_type"):
            stmt = stmt.where(Org.org_type == args["org_type"])
        if q := args.get("q"):
            stmt = stmt.where(or_(Org.name.ilike(f"%{q}%"), Org.short_name.ilike(f"%{q}%")))
        stmt = stmt.order_by(Org.depth, Org.name, Org.id)
        return org_views(list(paginate(stmt, pagination_parameters)))

    @require_permission(ORGS_WRITE)
    @blp.arguments(OrgCreateSchema)
    @blp.response(201, OrgSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create an org under a parent in the user's subtree."""
        return org_views([svc.create_org(current_ctx(), data)])[0]


@blp.route("/orgs/<int:org_id>")
class OrgById(MethodView):
    @require_permission(ORGS_READ)
    @ensure_exists(svc.get_org, "org_id")
    @blp.etag
    @blp.response(200, OrgSchema)
    def get(self, org_id: int) -> Any:
        """One org (404 if missing, in another tenant, or outside the user's subtree)."""
        org = svc.get_org(current_ctx(), org_id)
        blp.set_etag(etag_data(org))
        return org_views([org])[0]

    @require_permission(ORGS_WRITE)
    @ensure_exists(svc.get_org, "org_id")
    @blp.etag
    @blp.arguments(OrgUpdateSchema)
    @blp.response(200, OrgSchema)
    def patch(self, data: dict[str, Any], org_id: int) -> Any:
        """Edit an org. Send the ETag from GET in If-Match."""
        ctx = current_ctx()
        org = svc.get_org(ctx, org_id)
        blp.check_etag(etag_data(org))
        org = svc.update_org(ctx, org, data)
        blp.set_etag(etag_data(org))
        return org_views([org])[0]

    @require_permission(ORGS_WRITE)
    @ensure_exists(svc.get_org, "org_id")
    @blp.etag
    @blp.response(204)
    def delete(self, org_id: int) -> None:
        """Delete an org nothing refers to any more. Send the ETag from GET in If-Match."""
        ctx = current_ctx()
        org = svc.get_org(ctx, org_id)
        blp.check_etag(etag_data(org))
        svc.delete_org(ctx, org)


@blp.route("/orgs/<int:org_id>/move")
class OrgMove(MethodView):
    @require_permission(ORGS_WRITE)
    @ensure_exists(svc.get_org, "org_id")
    @blp.arguments(OrgMoveSchema)
    @blp.response(200, OrgSchema)
    def post(self, data: dict[str, Any], org_id: int) -> Any:
        """Move an org, with its whole subtree, under another parent."""
        ctx = current_ctx()
        return org_views([svc.move_org(ctx, svc.get_org(ctx, org_id), data["parent_id"])])[0]


@blp.route("/codebook")
class Codebook(MethodView):
    @require_permission(ORGS_READ)
    @blp.response(200, CodebookSchema)
    def get(self) -> Any:
        """Code lists with their Chinese labels (org types, ownership types, posts …)."""
        def pairs(d: dict[str, str]) -> list[dict[str, str]]:
            return [{"code": k, "label": v} for k, v in d.items()]

        return {
            "org_types": pairs(ORG_TYPES), "ownership_types": pairs(OWNERSHIP_TYPES),
            "union_statuses": pairs(UNION_STATUSES), "employment_types": pairs(EMPLOYMENT_TYPES),
            "member_card_statuses": pairs(MEMBER_CARD_STATUSES), "member_statuses": pairs(MEMBER_STATUSES),
            "cadre_posts": pairs(CADRE_POSTS),
        }
