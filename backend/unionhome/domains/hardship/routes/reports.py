from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, require_permission
from ...auth.permissions import HARDSHIP_READ
from ..eligibility import RULES
from ..models import (
    AFTER_EXIT_KINDS,
    CATEGORIES,
    CAUSES,
    EMPLOYMENT_STATUSES,
    EXIT_REASONS,
    HEALTH,
    MAJOR_CAUSES,
    MARITAL_STATUSES,
    PAYMENT_METHODS,
    RELATIONS,
    RELIEF_KINDS,
    SCHOOL_STAGES,
    SOURCES,
    SPECIAL_CAUSES,
    STATUSES,
    VISIT_KINDS,
    VISIT_OUTCOMES,
)
from ..schemas import (
    HardshipCodebookSchema,
    HardshipHouseholdSchema,
    HardshipReviewsDueQueryArgsSchema,
    HardshipReviewsDueSummarySchema,
    HardshipStatisticsQueryArgsSchema,
    HardshipStatisticsSchema,
)
from ..services import households, reviews, statistics
from . import blp


def _pairs(d: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": k, "label": v} for k, v in d.items()]


@blp.route("/hardship/codebook")
class Codebook(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.response(200, HardshipCodebookSchema)
    def get(self) -> Any:
        """Codes and Chinese labels of the hardship file."""
        return {
            "categories": _pairs(CATEGORIES), "causes": _pairs(CAUSES), "special_causes": sorted(SPECIAL_CAUSES),
            "major_causes": sorted(MAJOR_CAUSES), "statuses": _pairs(STATUSES), "sources": _pairs(SOURCES),
            "exit_reasons": _pairs(EXIT_REASONS), "marital_statuses": _pairs(MARITAL_STATUSES),
            "employment_statuses": _pairs(EMPLOYMENT_STATUSES), "relations": _pairs(RELATIONS),
            "health": _pairs(HEALTH), "school_stages": _pairs(SCHOOL_STAGES), "relief_kinds": _pairs(RELIEF_KINDS),
            "after_exit_kinds": sorted(AFTER_EXIT_KINDS), "payment_methods": _pairs(PAYMENT_METHODS),
            "visit_kinds": _pairs(VISIT_KINDS), "visit_outcomes": _pairs(VISIT_OUTCOMES), "rules": _pairs(RULES),
        }


@blp.route("/hardship/reviews-due")
class ReviewsDue(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.arguments(HardshipReviewsDueQueryArgsSchema, location="query")
    @blp.response(200, HardshipHouseholdSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """待复核: filed households in the user's subtree whose review is overdue or due within the
        policy's reminder window, most urgent first."""
        return households.views(list(paginate(reviews.due_stmt(current_ctx(), args), pagination_parameters)))


@blp.route("/hardship/reviews-due/summary")
class ReviewsDueSummary(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.arguments(HardshipReviewsDueQueryArgsSchema, location="query")
    @blp.response(200, HardshipReviewsDueSummarySchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Counts of reviews due soon and overdue (for a badge), and the unions with the most."""
        return reviews.summary(current_ctx(), args)


@blp.route("/hardship/statistics")
class Statistics(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.arguments(HardshipStatisticsQueryArgsSchema, location="query")
    @blp.response(200, HardshipStatisticsSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """The file in numbers, for the user's subtree (or `under`): households by status, category,
        cause and area (镇街/系统); filings and exits (by reason) in the period (default: this year);
        relief people and money by kind in the period; reviews overdue and due soon."""
        return statistics.statistics(current_ctx(), args)
