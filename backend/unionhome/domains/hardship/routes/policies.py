from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import HARDSHIP_APPROVE, HARDSHIP_READ
from ..schemas import (
    HardshipPolicyCreateSchema,
    HardshipPolicyQueryArgsSchema,
    HardshipPolicySchema,
    HardshipPolicyUpdateSchema,
)
from ..services import policies as svc
from . import blp


@blp.route("/hardship/policies")
class Policies(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.response(200, HardshipPolicySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> Any:
        """The county's policies (帮扶政策), newest effective date first, each with the day it ends."""
        return svc.views(list(paginate(svc.list_stmt(), pagination_parameters)))

    @require_permission(HARDSHIP_APPROVE)
    @blp.arguments(HardshipPolicyCreateSchema)
    @blp.response(201, HardshipPolicySchema)
    def post(self, data: dict[str, Any]) -> Any:
        """A new policy version from `effective_from` (county federation only). Percentages are of the
        minimum living line: rules 1–3 (150/200/300), the exit standard; money in fen."""
        return svc.views([svc.create_policy(current_ctx(), data)])[0]


@blp.route("/hardship/policies/current")
class PolicyInForce(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.arguments(HardshipPolicyQueryArgsSchema, location="query")
    @blp.response(200, HardshipPolicySchema)
    def get(self, args: dict[str, Any]) -> Any:
        """The policy in force on `on` (default today); 404 when none is."""
        return svc.views([svc.in_force(args.get("on"))])[0]


@blp.route("/hardship/policies/<int:policy_id>")
class PolicyById(MethodView):
    @require_permission(HARDSHIP_READ)
    @ensure_exists(svc.get_policy, "policy_id")
    @blp.etag
    @blp.response(200, HardshipPolicySchema)
    def get(self, policy_id: int) -> Any:
        """One policy."""
        obj = svc.get_policy(current_ctx(), policy_id)
        blp.set_etag(etag_data(obj))
        return svc.views([obj])[0]

    @require_permission(HARDSHIP_APPROVE)
    @ensure_exists(svc.get_policy, "policy_id")
    @blp.etag
    @blp.arguments(HardshipPolicyUpdateSchema)
    @blp.response(200, HardshipPolicySchema)
    def patch(self, data: dict[str, Any], policy_id: int) -> Any:
        """Correct a policy (audited). A change of standards is a new policy with its own effective date.
        Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_policy(ctx, policy_id)
        blp.check_etag(etag_data(obj))
        obj = svc.update_policy(ctx, obj, data)
        blp.set_etag(etag_data(obj))
        return svc.views([obj])[0]

    @require_permission(HARDSHIP_APPROVE)
    @ensure_exists(svc.get_policy, "policy_id")
    @blp.etag
    @blp.response(204)
    def delete(self, policy_id: int) -> None:
        """Delete a policy no household was judged by. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_policy(ctx, policy_id)
        blp.check_etag(etag_data(obj))
        svc.delete_policy(ctx, obj)
