from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import HARDSHIP_READ, HARDSHIP_REVEAL_PII, HARDSHIP_WRITE
from ..schemas import (
    HardshipHistoryEntrySchema,
    HardshipHouseholdCreateSchema,
    HardshipHouseholdDetailSchema,
    HardshipHouseholdQueryArgsSchema,
    HardshipHouseholdSchema,
    HardshipHouseholdSensitiveSchema,
    HardshipHouseholdUpdateSchema,
)
from ..services import households as svc
from ..services.common import get_household
from . import blp


@blp.route("/hardship/households")
class Households(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.arguments(HardshipHouseholdQueryArgsSchema, location="query")
    @blp.response(200, HardshipHouseholdSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """The hardship file in the user's subtree (ID and bank card numbers masked). `q`: name prefix,
        full ID number, last 4 ID digits or file number; `under`: a township's (or any org's) subtree;
        `review_overdue`: filed households past their review date."""
        return svc.views(list(paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)))

    @require_permission(HARDSHIP_WRITE)
    @blp.arguments(HardshipHouseholdCreateSchema)
    @blp.response(201, HardshipHouseholdDetailSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Apply (职工申请) or nominate (基层工会推荐): a candidate file, judged at once by the policy in
        force. Members are counted by the W1-b household-size rule. A person already in an open file of
        the county (head or member) is refused with 409 naming the union and the file number."""
        return svc.detail_view(svc.create_household(current_ctx(), data))


@blp.route("/hardship/households/<int:household_id>")
class HouseholdById(MethodView):
    @require_permission(HARDSHIP_READ)
    @ensure_exists(get_household, "household_id")
    @blp.etag
    @blp.response(200, HardshipHouseholdDetailSchema)
    def get(self, household_id: int) -> Any:
        """One household with its members and the assessment by today's policy: which rule it meets, or
        why it meets none (amounts in yuan, in Chinese)."""
        obj = get_household(current_ctx(), household_id)
        blp.set_etag(etag_data(obj))
        return svc.detail_view(obj)

    @require_permission(HARDSHIP_WRITE)
    @ensure_exists(get_household, "household_id")
    @blp.etag
    @blp.arguments(HardshipHouseholdUpdateSchema)
    @blp.response(200, HardshipHouseholdDetailSchema)
    def patch(self, data: dict[str, Any], household_id: int) -> Any:
        """Edit an open file (`members` replaces the whole list). Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = get_household(ctx, household_id)
        blp.check_etag(etag_data(obj))
        obj = svc.update_household(ctx, obj, data)
        blp.set_etag(etag_data(obj))
        return svc.detail_view(obj)


@blp.route("/hardship/households/<int:household_id>/id-numbers")
class HouseholdSensitive(MethodView):
    @require_permission(HARDSHIP_REVEAL_PII)
    @ensure_exists(get_household, "household_id")
    @blp.response(200, HardshipHouseholdSensitiveSchema)
    def get(self, household_id: int) -> Any:
        """Full ID numbers (head and members) and the bank card number. Needs its own permission;
        every reveal is written to the audit log."""
        ctx = current_ctx()
        return svc.reveal(ctx, get_household(ctx, household_id))


@blp.route("/hardship/households/<int:household_id>/history")
class HouseholdHistory(MethodView):
    @require_permission(HARDSHIP_READ)
    @ensure_exists(get_household, "household_id")
    @blp.response(200, HardshipHistoryEntrySchema(many=True))
    @blp.paginate()
    def get(self, household_id: int, pagination_parameters: Any) -> Any:
        """Everything that happened to the file (audit log), newest first."""
        return svc.history_views(list(paginate(svc.history_stmt(household_id), pagination_parameters)))
