"""Condolence API: campaigns (set-up, opening/closing nominations, copy from a template, re-judging)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ
from ..models import BATCH_STATUSES, CAMPAIGN_STATUSES, CHECK_STATUSES, FESTIVALS, REVIEW_STATUSES
from ..roster.rules import CHECK_CODES, DEFAULT_RULES, RULE_LABELS
from ..schemas import (
    CondolenceCampaignCopySchema,
    CondolenceCampaignCreateSchema,
    CondolenceCampaignQueryArgsSchema,
    CondolenceCampaignSchema,
    CondolenceCampaignUpdateSchema,
    CondolenceMetaSchema,
)
from ..services import campaigns as svc
from . import blp


def _etag(campaign: Any) -> dict[str, Any]:
    """The version users edit, and what the roster job writes on the campaign (its summary): a new
    judgement changes the representation, so it changes the ETag too (no stale 304)."""
    return {**etag_data(campaign), "judged_at": str(campaign.judged_at), "roster_job_id": campaign.roster_job_id}


def _one(campaign: Any) -> Any:
    blp.set_etag(_etag(campaign))
    return svc.views([campaign])[0]


@blp.route("/condolence/meta")
class Meta(MethodView):
    @require_permission(CONDOLENCE_READ)
    @blp.response(200, CondolenceMetaSchema)
    def get(self) -> Any:
        """Code lists of the condolence screens: festivals, statuses, check codes (reasons), rules."""
        def labels(d: dict[str, str]) -> list[dict[str, Any]]:
            return [{"code": k, "label": v, "group": None} for k, v in d.items()]

        return {
            "festivals": labels(FESTIVALS), "campaign_statuses": labels(CAMPAIGN_STATUSES),
            "batch_statuses": labels(BATCH_STATUSES), "check_statuses": labels(CHECK_STATUSES),
            "check_codes": [{"code": k, "label": label, "group": group} for k, (group, label) in CHECK_CODES.items()],
            "review_statuses": labels(REVIEW_STATUSES), "rules": labels(RULE_LABELS), "default_rules": DEFAULT_RULES,
        }


@blp.route("/condolence/campaigns")
class Campaigns(MethodView):
    @require_permission(CONDOLENCE_READ)
    @blp.arguments(CondolenceCampaignQueryArgsSchema, location="query")
    @blp.response(200, CondolenceCampaignSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """The county's campaigns (节日慰问活动), newest year first."""
        return svc.views(list(paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)))

    @require_permission(CONDOLENCE_MANAGE)
    @blp.arguments(CondolenceCampaignCreateSchema)
    @blp.response(201, CondolenceCampaignSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Set up a campaign (a draft): festival, year, basis document, budgets (fen), deadline, rules,
        categories with standard amounts per household, quotas per org (and category)."""
        return _one(svc.create_campaign(current_ctx(), data))


@blp.route("/condolence/campaigns/<int:campaign_id>")
class CampaignById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.etag
    @blp.response(200, CondolenceCampaignSchema)
    def get(self, campaign_id: int) -> Any:
        """One campaign with its categories, quotas and the roster's last judgement summary."""
        return _one(svc.get_campaign(current_ctx(), campaign_id))

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.etag
    @blp.arguments(CondolenceCampaignUpdateSchema)
    @blp.response(200, CondolenceCampaignSchema)
    def patch(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Edit the set-up (categories and quotas, when given, replace the current ones). Lines already
        nominated are judged again with the new rules. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_campaign(ctx, campaign_id)
        blp.check_etag(_etag(obj))
        return _one(svc.update_campaign(ctx, obj, data))

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.etag
    @blp.response(204)
    def delete(self, campaign_id: int) -> None:
        """Delete a draft campaign that has no nominations. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_campaign(ctx, campaign_id)
        blp.check_etag(_etag(obj))
        svc.delete_campaign(ctx, obj)


@blp.route("/condolence/campaigns/<int:campaign_id>/open")
class CampaignOpen(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.response(200, CondolenceCampaignSchema)
    def post(self, campaign_id: int) -> Any:
        """Start nominations (筹备中 → 推荐申报中): unions may upload and enter nominations until the deadline."""
        ctx = current_ctx()
        return _one(svc.open_nominations(ctx, svc.get_campaign(ctx, campaign_id)))


@blp.route("/condolence/campaigns/<int:campaign_id>/close-nominations")
class CampaignCloseNominations(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.response(200, CondolenceCampaignSchema)
    def post(self, campaign_id: int) -> Any:
        """End nominations (推荐申报中 → 审核中)."""
        ctx = current_ctx()
        return _one(svc.close_nominations(ctx, svc.get_campaign(ctx, campaign_id)))


@blp.route("/condolence/campaigns/<int:campaign_id>/copy")
class CampaignCopy(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.arguments(CondolenceCampaignCopySchema)
    @blp.response(201, CondolenceCampaignSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """以去年为模板新建: a new draft with this campaign's festival, rules, budgets, categories and quotas."""
        ctx = current_ctx()
        return _one(svc.copy_campaign(ctx, svc.get_campaign(ctx, campaign_id), data))


@blp.route("/condolence/campaigns/<int:campaign_id>/rejudge")
class CampaignRejudge(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(svc.get_campaign, "campaign_id")
    @blp.response(202, CondolenceCampaignSchema)
    def post(self, campaign_id: int) -> Any:
        """重新校验: judge the whole roster again (a background job; `roster_job_id` follows it)."""
        ctx = current_ctx()
        campaign = svc.get_campaign(ctx, campaign_id)
        svc.rejudge(ctx, campaign)
        return _one(svc.get_campaign(ctx, campaign_id))
