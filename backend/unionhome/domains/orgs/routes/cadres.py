from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CADRES_READ, CADRES_WRITE
from ..schemas import CadreCreateSchema, CadreQueryArgsSchema, CadreSchema, CadreUpdateSchema
from ..services import cadres as svc
from . import blp


@blp.route("/cadres")
class Cadres(MethodView):
    @require_permission(CADRES_READ)
    @blp.arguments(CadreQueryArgsSchema, location="query")
    @blp.response(200, CadreSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Cadres of the orgs in the user's subtree."""
        return svc.views(list(paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)))

    @require_permission(CADRES_WRITE)
    @blp.arguments(CadreCreateSchema)
    @blp.response(201, CadreSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a cadre post."""
        return svc.views([svc.create_cadre(current_ctx(), data)])[0]


@blp.route("/cadres/<int:cadre_id>")
class CadreById(MethodView):
    @require_permission(CADRES_READ)
    @ensure_exists(svc.get_cadre, "cadre_id")
    @blp.etag
    @blp.response(200, CadreSchema)
    def get(self, cadre_id: int) -> Any:
        """One cadre post."""
        obj = svc.get_cadre(current_ctx(), cadre_id)
        blp.set_etag(etag_data(obj))
        return svc.views([obj])[0]

    @require_permission(CADRES_WRITE)
    @ensure_exists(svc.get_cadre, "cadre_id")
    @blp.etag
    @blp.arguments(CadreUpdateSchema)
    @blp.response(200, CadreSchema)
    def patch(self, data: dict[str, Any], cadre_id: int) -> Any:
        """Edit a cadre post. Send the ETag from GET in If-Match."""
        ctx = current_ctx()
        obj = svc.get_cadre(ctx, cadre_id)
        blp.check_etag(etag_data(obj))
        obj = svc.update_cadre(ctx, obj, data)
        blp.set_etag(etag_data(obj))
        return svc.views([obj])[0]

    @require_permission(CADRES_WRITE)
    @ensure_exists(svc.get_cadre, "cadre_id")
    @blp.etag
    @blp.response(204)
    def delete(self, cadre_id: int) -> None:
        """Remove a cadre post. Send the ETag from GET in If-Match."""
        ctx = current_ctx()
        obj = svc.get_cadre(ctx, cadre_id)
        blp.check_etag(etag_data(obj))
        svc.delete_cadre(ctx, obj)
