"""/api/v1/tenants: platform administration; /api/v1/tenants/current for everyone in a tenant."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ...core.pagination import paginate
from ...core.security import current_ctx, login_required, require_permission
from ...core.tenancy import system_context
from . import services
from .schemas import TenantCreateSchema, TenantSchema, TenantUpdateSchema

blp = Blueprint("tenants", __name__, url_prefix="/api/v1/tenants", description="租户（县总工会） / Tenants")


@blp.route("")
class Tenants(MethodView):
    @require_permission("tenants.manage")
    @blp.response(200, TenantSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> Any:
        """Platform admin: all tenants."""
        with system_context("platform admin lists tenants"):
            return paginate(services.list_stmt(), pagination_parameters)

    @require_permission("tenants.manage")
    @blp.arguments(TenantCreateSchema)
    @blp.response(201, TenantSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Platform admin: create a county federation with its root org and first admin."""
        return services.create_tenant(current_ctx(), data)


@blp.route("/current")
class CurrentTenant(MethodView):
    @login_required
    @blp.response(200, TenantSchema)
    def get(self) -> Any:
        """The tenant the current user works in."""
        return services.get_tenant(current_ctx().require_tenant())


@blp.route("/<int:tenant_id>")
class TenantById(MethodView):
    @require_permission("tenants.manage", hide=True)
    @blp.response(200, TenantSchema)
    def get(self, tenant_id: int) -> Any:
        """Platform admin: one tenant."""
        return services.get_tenant(tenant_id)

    @require_permission("tenants.manage", hide=True)
    @blp.arguments(TenantUpdateSchema)
    @blp.response(200, TenantSchema)
    def patch(self, data: dict[str, Any], tenant_id: int) -> Any:
        """Platform admin: rename, suspend or reactivate a tenant."""
        return services.update_tenant(current_ctx(), tenant_id, data)
