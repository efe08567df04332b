from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import HARDSHIP_APPROVE, HARDSHIP_READ, HARDSHIP_WRITE
from ..schemas import (
    HardshipExitSchema,
    HardshipFileSchema,
    HardshipHouseholdDetailSchema,
    HardshipRejectSchema,
    HardshipReviewCreateSchema,
    HardshipReviewResultSchema,
    HardshipVisitCreateSchema,
    HardshipVisitSchema,
)
from ..services import households as views
from ..services import lifecycle as svc
from ..services.common import get_household
from . import blp
from .common import require_if_match


def _detail(obj: Any) -> Any:
    blp.set_etag(etag_data(obj))
    return views.detail_view(obj)


@blp.route("/hardship/households/<int:household_id>/visits")
class Visits(MethodView):
    @require_permission(HARDSHIP_READ)
    @ensure_exists(get_household, "household_id")
    @blp.response(200, HardshipVisitSchema(many=True))
    @blp.paginate()
    def get(self, household_id: int, pagination_parameters: Any) -> Any:
        """Verification, review and follow-up visits, newest first."""
        return [svc.visit_view(v) for v in paginate(svc.visits_stmt(household_id), pagination_parameters)]

    @require_permission(HARDSHIP_WRITE)
    @ensure_exists(get_household, "household_id")
    @blp.arguments(HardshipVisitCreateSchema)
    @blp.response(201, HardshipVisitSchema)
    def post(self, data: dict[str, Any], household_id: int) -> Any:
        """Record a visit: 入户核实 (`verification`, before filing: who, when, findings, outcome, income
        found) or 回访 (`follow_up`, a filed household). Photos go to the evidence API as subject
        `hardship_visit`. Send the household's ETag in If-Match."""
        ctx = current_ctx()
        obj = get_household(ctx, household_id)
        require_if_match(obj)
        return svc.visit_view(svc.record_visit(ctx, obj, data))


@blp.route("/hardship/households/<int:household_id>/file")
class FileHousehold(MethodView):
    @require_permission(HARDSHIP_APPROVE)
    @ensure_exists(get_household, "household_id")
    @blp.etag
    @blp.arguments(HardshipFileSchema)
    @blp.response(200, HardshipHouseholdDetailSchema)
    def post(self, data: dict[str, Any], household_id: int) -> Any:
        """建档: a verified household that meets a rule of the policy in force on `filed_on` is filed;
        its first review falls due after the policy's review interval. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = get_household(ctx, household_id)
        require_if_match(obj)
        return _detail(svc.file_household(ctx, obj, data))


@blp.route("/hardship/households/<int:household_id>/reviews")
class Reviews(MethodView):
    @require_permission(HARDSHIP_WRITE)
    @ensure_exists(get_household, "household_id")
    @blp.etag
    @blp.arguments(HardshipReviewCreateSchema)
    @blp.response(201, HardshipReviewResultSchema)
    def post(self, data: dict[str, Any], household_id: int) -> Any:
        """复核: a review visit with the income found. The household is judged again, the next review
        moves on, and one that meets no rule any more is recommended for exit (`exit_recommended`).
        Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = get_household(ctx, household_id)
        require_if_match(obj)
        household, visit = svc.review_household(ctx, obj, data)
        return {"household": _detail(household), "visit": svc.visit_view(visit)}


@blp.route("/hardship/households/<int:household_id>/exit")
class ExitHousehold(MethodView):
    @require_permission(HARDSHIP_APPROVE)
    @ensure_exists(get_household, "household_id")
    @blp.etag
    @blp.arguments(HardshipExitSchema)
    @blp.response(200, HardshipHouseholdDetailSchema)
    def post(self, data: dict[str, Any], household_id: int) -> Any:
        """脱困/退档 with a reason and a date. The household keeps major-illness and education aid.
        Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = get_household(ctx, household_id)
        require_if_match(obj)
        return _detail(svc.exit_household(ctx, obj, data))


@blp.route("/hardship/households/<int:household_id>/reject")
class RejectHousehold(MethodView):
    @require_permission(HARDSHIP_APPROVE)
    @ensure_exists(get_household, "household_id")
    @blp.etag
    @blp.arguments(HardshipRejectSchema)
    @blp.response(200, HardshipHouseholdDetailSchema)
    def post(self, data: dict[str, Any], household_id: int) -> Any:
        """不予建档, with the reason. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = get_household(ctx, household_id)
        require_if_match(obj)
        return _detail(svc.reject_household(ctx, obj, data))
