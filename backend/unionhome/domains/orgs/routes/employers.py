from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import EMPLOYERS_READ, EMPLOYERS_WRITE
from ..schemas import EmployerCreateSchema, EmployerQueryArgsSchema, EmployerSchema, EmployerUpdateSchema
from ..services import employers as svc
from . import blp


@blp.route("/employers")
class Employers(MethodView):
    @require_permission(EMPLOYERS_READ)
    @blp.arguments(EmployerQueryArgsSchema, location="query")
    @blp.response(200, EmployerSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Employers located in or covered by the user's subtree."""
        return paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)

    @require_permission(EMPLOYERS_WRITE)
    @blp.arguments(EmployerCreateSchema)
    @blp.response(201, EmployerSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register an employer (统一社会信用代码 checked per GB 32100)."""
        return svc.create_employer(current_ctx(), data)


@blp.route("/employers/<int:employer_id>")
class EmployerById(MethodView):
    @require_permission(EMPLOYERS_READ)
    @ensure_exists(svc.get_employer, "employer_id")
    @blp.etag
    @blp.response(200, EmployerSchema)
    def get(self, employer_id: int) -> Any:
        """One employer."""
        obj = svc.get_employer(current_ctx(), employer_id)
        blp.set_etag(etag_data(obj))
        return obj

    @require_permission(EMPLOYERS_WRITE)
    @ensure_exists(svc.get_employer, "employer_id")
    @blp.etag
    @blp.arguments(EmployerUpdateSchema)
    @blp.response(200, EmployerSchema)
    def patch(self, data: dict[str, Any], employer_id: int) -> Any:
        """Edit an employer. Send the ETag from GET in If-Match."""
        ctx = current_ctx()
        obj = svc.get_employer(ctx, employer_id)
        blp.check_etag(etag_data(obj))
        obj = svc.update_employer(ctx, obj, data)
        blp.set_etag(etag_data(obj))
        return obj

    @require_permission(EMPLOYERS_WRITE)
    @ensure_exists(svc.get_employer, "employer_id")
    @blp.etag
    @blp.response(204)
    def delete(self, employer_id: int) -> None:
        """Delete an employer with no members and no union. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_employer(ctx, employer_id)
        blp.check_etag(etag_data(obj))
        svc.delete_employer(ctx, obj)
