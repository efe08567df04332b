"""Condolence API: the roster's lines (filters, detail, Excel export of the filtered view)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, send_file
from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_NOMINATE, CONDOLENCE_READ
from ..schemas import CondolenceLineQueryArgsSchema, CondolenceLineSchema
from ..services import batches as batches_svc
from ..services import campaigns as campaigns_svc
from ..services import lines as svc
from . import blp


@blp.route("/condolence/campaigns/<int:campaign_id>/lines")
class CampaignLines(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(campaigns_svc.get_campaign, "campaign_id")
    @blp.arguments(CondolenceLineQueryArgsSchema, location="query")
    @blp.response(200, CondolenceLineSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], campaign_id: int, pagination_parameters: Any) -> Any:
        """The roster's lines nominated by unions in the user's subtree, with the judgement of each
        (`check_status`, `check_code`, `check_reason` in Chinese). Filters: status, reason code, review
        status, township, union (and below), batch, category; `q`: a name prefix, a full ID number or its
        last four digits. ID numbers, cards and mobiles are masked."""
        ctx = current_ctx()
        stmt = svc.list_stmt(ctx, campaigns_svc.get_campaign(ctx, campaign_id), args)
        return svc.views(list(paginate(stmt, pagination_parameters)))


@blp.route("/condolence/campaigns/<int:campaign_id>/lines.xlsx")
class CampaignLinesExport(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(campaigns_svc.get_campaign, "campaign_id")
    @blp.arguments(CondolenceLineQueryArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, description="the filtered lines (.xlsx)",
                  content_type=svc.XLSX_MIMETYPE)
    def get(self, args: dict[str, Any], campaign_id: int) -> Any:
        """The filtered view as an Excel workbook (masked numbers), up to 200,000 lines."""
        ctx = current_ctx()
        out, filename, rows = svc.export(ctx, campaigns_svc.get_campaign(ctx, campaign_id), args)
        resp: Response = send_file(out, mimetype=svc.XLSX_MIMETYPE, as_attachment=True, download_name=filename)
        resp.headers["Content-Disposition"] = (f'attachment; filename="roster-{campaign_id}.xlsx"; '
                                               f"filename*=UTF-8''{quote(filename, safe='')}")
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Row-Count"] = str(rows)
        return resp


@blp.route("/condolence/lines/<int:line_id>")
class LineById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(svc.get_line, "line_id")
    @blp.response(200, CondolenceLineSchema)
    def get(self, line_id: int) -> Any:
        """One roster line (masked)."""
        return svc.views([svc.get_line(current_ctx(), line_id)])[0]

    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(svc.get_line, "line_id")
    @blp.response(204)
    def delete(self, line_id: int) -> None:
        """Delete a hand-entered line of a manual batch that was not submitted."""
        ctx = current_ctx()
        batches_svc.delete_line(ctx, svc.get_line(ctx, line_id))
