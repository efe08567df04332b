"""Condolence API: visiting groups (慰问小组), households assigned to them, the arrangement table (安排表)
per group, and visit records (cash and goods given). Photos and signed receipts are evidence items of
subject type `condolence_visit`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ
from ..workflow import arrangement, visits
from ..workflow.schemas import (
    CondolenceWorkflowLineSchema,
)
from ..workflow.scope import load_campaign
from ..workflow.sheets import XLSX_MIMETYPE
from ..workflow.stage_schemas import (
    CondolenceAssignResultSchema,
    CondolenceAssignSchema,
    CondolenceUnassignSchema,
    CondolenceVisitCreateSchema,
    CondolenceVisitGroupCreateSchema,
    CondolenceVisitGroupSchema,
    CondolenceVisitGroupUpdateSchema,
    CondolenceVisitQueryArgsSchema,
    CondolenceVisitSchema,
    CondolenceVisitUpdateSchema,
)
from ..workflow.views import line_views
from . import blp
from .notices import FILE_DOC, send_export


@blp.route("/condolence/campaigns/<int:campaign_id>/visit-groups")
class VisitGroups(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceVisitGroupSchema(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters: Any) -> Any:
        """The campaign's visiting groups by date, with households assigned, their money and visits done."""
        return visits.group_views(list(paginate(visits.groups_stmt(current_ctx(), campaign_id), pagination_parameters)))

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceVisitGroupCreateSchema)
    @blp.response(201, CondolenceVisitGroupSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """A visiting group: name (第一组), leader (带队领导), participating departments, date and time,
        meeting time and point, the township it covers. After the roster is frozen."""
        return visits.group_views([visits.create_group(current_ctx(), campaign_id, data)])[0]


@blp.route("/condolence/visit-groups/<int:visit_group_id>")
class VisitGroupById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.etag
    @blp.response(200, CondolenceVisitGroupSchema)
    def get(self, visit_group_id: int) -> Any:
        """One visiting group."""
        g = visits.get_group(current_ctx(), visit_group_id)
        blp.set_etag(etag_data(g))
        return visits.group_views([g])[0]

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.etag
    @blp.arguments(CondolenceVisitGroupUpdateSchema)
    @blp.response(200, CondolenceVisitGroupSchema)
    def patch(self, data: dict[str, Any], visit_group_id: int) -> Any:
        """Edit a group (If-Match)."""
        ctx = current_ctx()
        g = visits.get_group(ctx, visit_group_id)
        blp.check_etag(etag_data(g))
        g = visits.update_group(ctx, g, data)
        blp.set_etag(etag_data(g))
        return visits.group_views([g])[0]

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.etag
    @blp.response(204)
    def delete(self, visit_group_id: int) -> None:
        """Delete a group without visit records; its households become unassigned (If-Match)."""
        ctx = current_ctx()
        g = visits.get_group(ctx, visit_group_id)
        blp.check_etag(etag_data(g))
        visits.delete_group(ctx, g)


@blp.route("/condolence/visit-groups/<int:visit_group_id>/assign")
class VisitGroupAssign(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.arguments(CondolenceAssignSchema)
    @blp.response(200, CondolenceAssignResultSchema)
    def post(self, data: dict[str, Any], visit_group_id: int) -> Any:
        """Assign households: `line_ids` (all must be county-approved, not refused after an objection, and
        not in another group unless `move`), or every such unassigned line of the subtree `org_id`."""
        ctx = current_ctx()
        return visits.assign(ctx, visits.get_group(ctx, visit_group_id), data)


@blp.route("/condolence/visit-groups/<int:visit_group_id>/unassign")
class VisitGroupUnassign(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.arguments(CondolenceUnassignSchema)
    @blp.response(200, CondolenceAssignResultSchema)
    def post(self, data: dict[str, Any], visit_group_id: int) -> Any:
        """Take households out of the group."""
        ctx = current_ctx()
        return visits.unassign(ctx, visits.get_group(ctx, visit_group_id), data["line_ids"])


@blp.route("/condolence/visit-groups/<int:visit_group_id>/lines")
class VisitGroupLines(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.response(200, CondolenceWorkflowLineSchema(many=True))
    @blp.paginate()
    def get(self, visit_group_id: int, pagination_parameters: Any) -> Any:
        """The households assigned to the group (of the user's subtree)."""
        ctx = current_ctx()
        return line_views(paginate(visits.group_lines_stmt(ctx, visits.get_group(ctx, visit_group_id)),
                                   pagination_parameters))


@blp.route("/condolence/visit-groups/<int:visit_group_id>/arrangement.xlsx")
class VisitGroupArrangement(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(visits.get_group, "visit_group_id")
    @blp.response(200, FILE_DOC, description="慰问安排表 (.xlsx)", content_type=XLSX_MIMETYPE)
    def get(self, visit_group_id: int) -> Any:
        """安排表 of the group: leader, departments, time, meeting point, and per household its township,
        name, category, work unit, address, phone, hardship reason, cash and goods; totals at the foot."""
        ctx = current_ctx()
        return send_export(arrangement.arrangement_xlsx(ctx, visits.get_group(ctx, visit_group_id)))


@blp.route("/condolence/campaigns/<int:campaign_id>/visits")
class Visits(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceVisitQueryArgsSchema, location="query")
    @blp.response(200, CondolenceVisitSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], campaign_id: int, pagination_parameters: Any) -> Any:
        """Visit records of the user's subtree, latest first."""
        rows = paginate(visits.visits_stmt(current_ctx(), campaign_id, args), pagination_parameters, scalars=False)
        return [visits.visit_view(v, line) for v, line in rows]

    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceVisitCreateSchema)
    @blp.response(201, CondolenceVisitSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Record a household's visit (one per household): date, cash handed over, goods and their value,
        notes. Cash is a payment: allowed only once the line's notice window has closed without an
        objection, and never for a line already in a bank batch or paid (409)."""
        return visits.visit_view(visits.create_visit(current_ctx(), campaign_id, data))


@blp.route("/condolence/visits/<int:visit_id>")
class VisitById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(visits.get_visit, "visit_id")
    @blp.etag
    @blp.response(200, CondolenceVisitSchema)
    def get(self, visit_id: int) -> Any:
        """One visit record."""
        v = visits.get_visit(current_ctx(), visit_id)
        blp.set_etag(etag_data(v))
        return visits.visit_view(v)

    @require_permission(CONDOLENCE_READ)
    @ensure_exists(visits.get_visit, "visit_id")
    @blp.etag
    @blp.arguments(CondolenceVisitUpdateSchema)
    @blp.response(200, CondolenceVisitSchema)
    def patch(self, data: dict[str, Any], visit_id: int) -> Any:
        """Correct a visit record (If-Match); the cash amount cannot change (delete and record again)."""
        ctx = current_ctx()
        v = visits.get_visit(ctx, visit_id)
        blp.check_etag(etag_data(v))
        v = visits.update_visit(ctx, v, data)
        blp.set_etag(etag_data(v))
        return visits.visit_view(v)

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(visits.get_visit, "visit_id")
    @blp.etag
    @blp.response(204)
    def delete(self, visit_id: int) -> None:
        """Withdraw a visit record (county, If-Match); a cash payment it recorded is cancelled."""
        ctx = current_ctx()
        v = visits.get_visit(ctx, visit_id)
        blp.check_etag(etag_data(v))
        visits.delete_visit(ctx, v)
