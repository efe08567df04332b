"""Condolence API: the review chain (grassroots → township → county), consolidation and balancing, and
the county's freeze of the roster."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_NOMINATE, CONDOLENCE_READ, CONDOLENCE_REVIEW
from ..workflow import balancing, corrections, reviews
from ..workflow.schemas import (
    CondolenceBalancingDecisionCreateSchema,
    CondolenceBalancingDecisionSchema,
    CondolenceBalancingSchema,
    CondolenceFreezeResultSchema,
    CondolenceFreezeSchema,
    CondolenceLineCorrectionSchema,
    CondolenceQueueQueryArgsSchema,
    CondolenceReviewActionSchema,
    CondolenceReviewBatchSchema,
    CondolenceReviewHistoryQueryArgsSchema,
    CondolenceReviewLinesSchema,
    CondolenceReviewOverviewSchema,
    CondolenceReviewResultSchema,
    CondolenceReviewSchema,
    CondolenceWorkflowLineSchema,
)
from ..workflow.scope import load_batch, load_campaign, load_line, org_names
from ..workflow.views import line_views
from . import blp


@blp.route("/condolence/campaigns/<int:campaign_id>/review-overview")
class ReviewOverview(MethodView):
    @require_permission(CONDOLENCE_REVIEW)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceReviewOverviewSchema)
    def get(self, campaign_id: int) -> Any:
        """The user's review level (基层工会 / 镇街工会 / 县总工会, from the top of its org subtree), how many
        lines of its subtree wait for it (`awaiting`; `awaiting_ok` of them passed the roster checks) and
        the subtree's lines by review status."""
        return reviews.overview(current_ctx(), campaign_id)


@blp.route("/condolence/campaigns/<int:campaign_id>/review-queue")
class ReviewQueue(MethodView):
    @require_permission(CONDOLENCE_REVIEW)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceQueueQueryArgsSchema, location="query")
    @blp.response(200, CondolenceWorkflowLineSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], campaign_id: int, pagination_parameters: Any) -> Any:
        """Lines of the user's subtree for review. `view=awaiting` (default): the lines of submitted
        batches that wait for the user's level — the level below approved them (a township sees only what
        its grassroots unions approved, the county what the townships approved); `approved`, `returned`,
        `rejected`, `all`. ID and card numbers are masked."""
        return line_views(paginate(reviews.queue_stmt(current_ctx(), campaign_id, args), pagination_parameters))


@blp.route("/condolence/campaigns/<int:campaign_id>/review-batches")
class ReviewBatches(MethodView):
    @require_permission(CONDOLENCE_REVIEW)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceReviewBatchSchema(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters: Any) -> Any:
        """The batches of the user's subtree with their lines counted for the user's level: awaiting,
        approved here, returned, rejected. Batches with lines waiting come first."""
        ctx = current_ctx()
        rows = paginate(reviews.batches_stmt(ctx, campaign_id), pagination_parameters, scalars=False)
        return reviews.batch_rows(rows)


@blp.route("/condolence/campaigns/<int:campaign_id>/reviews")
class CampaignReviews(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceReviewHistoryQueryArgsSchema, location="query")
    @blp.response(200, CondolenceReviewSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], campaign_id: int, pagination_parameters: Any) -> Any:
        """The review history of the campaign (what the user's subtree was part of), newest first."""
        items = paginate(reviews.history_stmt(current_ctx(), campaign_id, args), pagination_parameters)
        names = org_names({r.org_id for r in items})
        return [reviews.review_view(r, names) for r in items]

    @require_permission(CONDOLENCE_REVIEW)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceReviewLinesSchema)
    @blp.response(200, CondolenceReviewResultSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Decide several lines at the user's level (approve / reject / return, a comment for the last two),
        all or nothing: a 409 names every line that may not take the action (approved out of order, already
        decided above, failed the checks …) and nothing changes."""
        return reviews.review_lines(current_ctx(), campaign_id, data["line_ids"], data["action"], data.get("comment"))


@blp.route("/condolence/lines/<int:line_id>/review")
class LineReview(MethodView):
    @require_permission(CONDOLENCE_REVIEW)
    @ensure_exists(load_line, "line_id")
    @blp.arguments(CondolenceReviewActionSchema)
    @blp.response(200, CondolenceReviewResultSchema)
    def post(self, data: dict[str, Any], line_id: int) -> Any:
        """Decide one line at the user's level. 409 when it is not this level's turn (e.g. a township
        approving a line its grassroots union has not approved) or the roster is frozen."""
        ctx = current_ctx()
        line = load_line(ctx, line_id)
        return reviews.review_lines(ctx, line.campaign_id, [line_id], data["action"], data.get("comment"))


@blp.route("/condolence/lines/<int:line_id>/reviews")
class LineReviews(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_line, "line_id")
    @blp.response(200, CondolenceReviewSchema(many=True))
    def get(self, line_id: int) -> Any:
        """Every decision about one line, oldest first: its own, its batch's, the county's freeze."""
        items = reviews.line_history(current_ctx(), line_id)
        names = org_names({r.org_id for r in items})
        return [reviews.review_view(r, names) for r in items]


@blp.route("/condolence/lines/<int:line_id>/correct")
class LineCorrect(MethodView):
    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(load_line, "line_id")
    @blp.arguments(CondolenceLineCorrectionSchema)
    @blp.response(200, CondolenceWorkflowLineSchema)
    def post(self, data: dict[str, Any], line_id: int) -> Any:
        """退回修改 → 重新提交: the nominating union corrects a returned line (any of name, ID number, card,
        bank, mobile, category, amounts, reason, work unit; with a comment). The line is judged again by
        the roster job and climbs the review chain from the bottom. 409 unless the line was returned."""
        return line_views([corrections.correct_line(current_ctx(), line_id, data)])[0]


@blp.route("/condolence/batches/<int:batch_id>/review")
class BatchReview(MethodView):
    @require_permission(CONDOLENCE_REVIEW)
    @ensure_exists(load_batch, "batch_id")
    @blp.arguments(CondolenceReviewActionSchema)
    @blp.response(200, CondolenceReviewResultSchema)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Decide every line of a submitted batch that waits for the user's level, in one statement.
        Approving skips lines that failed the roster checks (counted in `skipped`). 409 when no line of
        the batch waits for this level (and says where its lines are)."""
        return reviews.review_batch(current_ctx(), batch_id, data["action"], data.get("comment"))


@blp.route("/condolence/campaigns/<int:campaign_id>/balancing")
class Balancing(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceBalancingSchema)
    def get(self, campaign_id: int) -> Any:
        """汇总平衡: per township and per category the lines nominated, passing the checks (`ok`), awaiting
        the county, approved by it, with their cash and goods; each quota with its use and overrun; cash and
        goods against the budget. `blockers` (county only) lists what prevents freezing the roster."""
        return balancing.compute(current_ctx(), campaign_id)


@blp.route("/condolence/campaigns/<int:campaign_id>/balancing/decisions")
class BalancingDecisions(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceBalancingDecisionSchema(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters: Any) -> Any:
        """The county's balancing decisions, newest first."""
        items = paginate(balancing.decisions_stmt(current_ctx(), campaign_id), pagination_parameters)
        return [balancing.decision_view(d) for d in items]

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceBalancingDecisionCreateSchema)
    @blp.response(201, CondolenceBalancingDecisionSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """A county decision (audited, with its reason): `reject_lines` (核减: `line_ids`), `raise_quota`
        (`quota_id`, `new_max_households`), `accept_over_quota` (`quota_id`), `accept_over_budget`
        (`budget_kind` cash|goods, or a `category_code`'s own cash budget). An acceptance covers the
        amount approved at the time; approving more blocks the freeze again."""
        return balancing.decision_view(balancing.decide(current_ctx(), campaign_id, data))


@blp.route("/condolence/campaigns/<int:campaign_id>/freeze")
class Freeze(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceFreezeSchema)
    @blp.response(200, CondolenceFreezeResultSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """县总审定: approve the roster as it stands and freeze it (status `frozen`, audited): no more
        nominations or review changes. 409 with the `blockers` while lines wait for the county or an
        overrun of a quota or budget is undecided."""
        return balancing.freeze(current_ctx(), campaign_id, data.get("comment"))
