"""Condolence API: summaries by category, township and festival, year on year, and the report a county
sends upward (xlsx, aggregates only)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.clock import today as china_today
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_READ
from ..workflow import summaries
from ..workflow.scope import load_campaign
from ..workflow.sheets import XLSX_MIMETYPE
from ..workflow.stage_schemas import (
    CondolenceCampaignSummarySchema,
    CondolenceFestivalSummaryArgsSchema,
    CondolenceFestivalSummarySchema,
)
from . import blp
from .notices import FILE_DOC, send_export


@blp.route("/condolence/campaigns/<int:campaign_id>/summary")
class CampaignSummary(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceCampaignSummarySchema)
    def get(self, campaign_id: int) -> Any:
        """The approved households of the user's subtree and their money — approved cash and goods, paid
        (bank and cash at visits), visits done, goods given — by category and by township, each beside the
        same festival last year (`last_year_*`, `*_change_pct`). Totals are the sums of the rows."""
        return summaries.campaign_summary(current_ctx(), campaign_id)


@blp.route("/condolence/summaries/festivals")
class FestivalSummary(MethodView):
    @require_permission(CONDOLENCE_READ)
    @blp.arguments(CondolenceFestivalSummaryArgsSchema, location="query")
    @blp.response(200, CondolenceFestivalSummarySchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Every festival's approved households and money in `year` (default: this year) and the year
        before, for the user's subtree."""
        return summaries.festival_summary(current_ctx(), args.get("year") or china_today().year)


@blp.route("/condolence/campaigns/<int:campaign_id>/upward-report.xlsx")
class UpwardReport(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, FILE_DOC, description="上报统计表 (.xlsx)", content_type=XLSX_MIMETYPE)
    def get(self, campaign_id: int) -> Any:
        """The report a county sends to the city federation: by category, by township, by festival, with
        last year beside this year. Aggregates only — no names or ID numbers."""
        return send_export(summaries.upward_report(current_ctx(), campaign_id))
