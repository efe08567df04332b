"""marshmallow schemas of the workflow API, first half: roster lines, the review chain, balancing and the
freeze (stage_schemas.py has notice, visits, payments and summaries). Money is integer fen (`*_fen`)."""

from __future__ import annotations

from marshmallow import fields as F
from marshmallow import validate

from ....core.schemas import BaseSchema, Id, Str, choice
from ..models import CHECK_STATUSES
from ..workflow_models import (
    BALANCING_KINDS,
    REVIEW_ACTIONS,
    REVIEW_LEVELS,
)
from .reviews import QUEUE_VIEWS

MAX_FEN = 10**11  # 10亿元: more than any condolence budget
Money = lambda **kw: F.Integer(validate=validate.Range(min=0, max=MAX_FEN, error="金额应在0到1000000000元之间"), **kw)  # noqa: E731
IdList = lambda **kw: F.List(Id(), validate=validate.Length(min=1, max=1000, error="一次可选1到1000条"), **kw)  # noqa: E731
DECISIONS = ("approve", "reject", "return")


# ---- lines and the review chain --------------------------------------------------------------------


class CondolenceWorkflowLineSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    batch_id = F.Integer()
    org_id = F.Integer()
    org_name = F.String(allow_none=True)
    township_org_id = F.Integer(allow_none=True)
    township_name = F.String(allow_none=True)
    row_no = F.Integer()
    name = F.String()
    id_number_masked = F.String(allow_none=True, metadata={"description": "410721********1234"})
    bank_card_masked = F.String(allow_none=True)
    bank_name = F.String(allow_none=True)
    has_bank_card = F.Boolean()
    category_code = F.String(allow_none=True)
    category_name = F.String(allow_none=True)
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    reason = F.String(allow_none=True)
    work_unit = F.String(allow_none=True)
    check_status = F.String()
    check_status_label = F.String(allow_none=True)
    check_reason = F.String(allow_none=True)
    review_status = F.String()
    review_status_label = F.String(allow_none=True)
    review_comment = F.String(allow_none=True)
    reviewed_at = F.DateTime(allow_none=True)
    objection_upheld = F.Boolean()
    visit_group_id = F.Integer(allow_none=True)
    payment_status = F.String()
    payment_status_label = F.String(allow_none=True)
    paid_at = F.DateTime(allow_none=True)


class CondolenceReviewActionSchema(BaseSchema):
    action = F.String(required=True, validate=choice(DECISIONS, "审核操作"),
                      metadata={"description": "approve 审核通过 | reject 不予通过 | return 退回修改"})
    comment = Str(max_length=500, allow_none=True, metadata={"description": "required for reject and return"})


class CondolenceReviewLinesSchema(CondolenceReviewActionSchema):
    line_ids = IdList(required=True)


class CondolenceReviewResultSchema(BaseSchema):
    level = F.String()
    level_label = F.String()
    action = F.String()
    affected = F.Integer()
    skipped = F.Integer()
    message = F.String()


class CondolenceQueueQueryArgsSchema(BaseSchema):
    view = F.String(load_default="awaiting", validate=choice(QUEUE_VIEWS, "视图"))
    batch_id = Id()
    org_id = Id()
    check_status = F.String(validate=choice(CHECK_STATUSES, "校验结果"))
    category_code = Str(max_length=30)
    q = Str(max_length=60, metadata={"description": "name prefix"})


class CondolenceStatusCountSchema(BaseSchema):
    status = F.String()
    label = F.String()
    count = F.Integer()


class CondolenceReviewOverviewSchema(BaseSchema):
    campaign_id = F.Integer()
    campaign_status = F.String()
    level = F.String()
    level_label = F.String()
    frozen = F.Boolean()
    can_review = F.Boolean()
    awaiting = F.Integer()
    awaiting_ok = F.Integer()
    total = F.Integer()
    by_status = F.List(F.Nested(CondolenceStatusCountSchema))


class CondolenceReviewBatchSchema(BaseSchema):
    batch_id = F.Integer()
    org_id = F.Integer()
    org_name = F.String(allow_none=True)
    filename = F.String(allow_none=True)
    source = F.String(allow_none=True)
    submitted_at = F.DateTime(allow_none=True)
    awaiting = F.Integer()
    awaiting_ok = F.Integer()
    approved = F.Integer()
    returned = F.Integer()
    rejected = F.Integer()
    total = F.Integer()


class CondolenceReviewSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    scope = F.String()
    batch_id = F.Integer(allow_none=True)
    line_id = F.Integer(allow_none=True)
    line_count = F.Integer()
    level = F.String()
    level_label = F.String()
    action = F.String()
    action_label = F.String()
    to_status = F.String(allow_none=True)
    comment = F.String(allow_none=True)
    org_id = F.Integer(allow_none=True)
    org_name = F.String(allow_none=True)
    actor_name = F.String(allow_none=True)
    created_at = F.DateTime()


class CondolenceReviewHistoryQueryArgsSchema(BaseSchema):
    level = F.String(validate=choice(REVIEW_LEVELS, "审核层级"))
    action = F.String(validate=choice(REVIEW_ACTIONS, "审核操作"))


class CondolenceLineCorrectionSchema(BaseSchema):
    name = Str(max_length=60)
    id_number = Str(max_length=40)
    bank_card = Str(max_length=40, allow_none=True)
    bank_name = Str(max_length=60, allow_none=True)
    mobile = Str(max_length=20, allow_none=True)
    category_code = Str(max_length=30)
    cash_fen = Money()
    goods_fen = Money()
    reason = Str(max_length=500, allow_none=True)
    work_unit = Str(max_length=200, allow_none=True)
    comment = Str(max_length=500, allow_none=True, metadata={"description": "修改说明"})


# ---- balancing ---------------------------------------------------------------------------------------


class CondolenceBalancingMeasuresSchema(BaseSchema):
    nominated = F.Integer()
    ok = F.Integer()
    awaiting = F.Integer()
    approved = F.Integer()
    approved_cash = F.Integer()
    approved_goods = F.Integer()
    awaiting_cash = F.Integer()
    awaiting_goods = F.Integer()
    over_quota_lines = F.Integer(metadata={"description": "lines the roster job judged 超出名额"})
    over_budget_lines = F.Integer(metadata={"description": "lines the roster job judged 超出预算"})
    over_budget_line_fen = F.Integer(metadata={"description": "their cash (fen)"})


class CondolenceBalancingTownshipSchema(CondolenceBalancingMeasuresSchema):
    township_org_id = F.Integer(allow_none=True)
    township_name = F.String()


class CondolenceBalancingCategorySchema(CondolenceBalancingMeasuresSchema):
    category_code = F.String(allow_none=True)
    category_name = F.String()
    standard_cash_fen = F.Integer(allow_none=True)
    standard_goods_fen = F.Integer(allow_none=True)
    budget_cash_fen = F.Integer(allow_none=True)
    over_budget_fen = F.Integer()
    over_budget_accepted = F.Boolean()


class CondolenceBalancingQuotaSchema(CondolenceBalancingMeasuresSchema):
    quota_id = F.Integer()
    org_id = F.Integer()
    org_name = F.String()
    category_id = F.Integer(allow_none=True)
    category_code = F.String(allow_none=True)
    category_name = F.String()
    max_households = F.Integer()
    over = F.Integer()
    projected_over = F.Integer()
    over_accepted = F.Boolean()


class CondolenceBalancingBudgetSchema(BaseSchema):
    kind = F.String()
    label = F.String()
    budget_fen = F.Integer()
    approved_fen = F.Integer()
    awaiting_fen = F.Integer()
    over_fen = F.Integer()
    projected_over_fen = F.Integer()
    accepted = F.Boolean()


class CondolenceBalancingSchema(BaseSchema):
    campaign_id = F.Integer()
    campaign_status = F.String()
    totals = F.Nested(CondolenceBalancingMeasuresSchema)
    by_township = F.List(F.Nested(CondolenceBalancingTownshipSchema))
    by_category = F.List(F.Nested(CondolenceBalancingCategorySchema))
    quotas = F.List(F.Nested(CondolenceBalancingQuotaSchema))
    budget = F.List(F.Nested(CondolenceBalancingBudgetSchema))
    blockers = F.List(F.String())
    can_freeze = F.Boolean()


class CondolenceBalancingDecisionCreateSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(BALANCING_KINDS, "平衡决定"))
    comment = Str(max_length=500, required=True)
    quota_id = Id(metadata={"description": "raise_quota, accept_over_quota"})
    new_max_households = F.Integer(validate=validate.Range(min=1, max=10**7, error="名额应在1到10000000户之间"))
    new_budget_fen = F.Integer(validate=validate.Range(min=1, max=10**11, error="预算应在0.01元到10亿元之间（单位：分）"),
                               metadata={"description": "raise_budget: the new budget (fen) of `category_code`'s cash, "
                                                        "or of the campaign's `budget_kind`"})
    budget_kind = F.String(validate=choice(("cash", "goods"), "预算类型"))
    category_code = Str(max_length=30, allow_none=True, metadata={"description": "a category's own budget"})
    line_ids = IdList(metadata={"description": "reject_lines"})


class CondolenceBalancingDecisionSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    kind = F.String()
    kind_label = F.String(allow_none=True)
    quota_id = F.Integer(allow_none=True)
    category_code = F.String(allow_none=True)
    budget_kind = F.String(allow_none=True)
    old_value = F.Integer(allow_none=True)
    new_value = F.Integer(allow_none=True)
    accepted_value = F.Integer(allow_none=True)
    line_count = F.Integer()
    comment = F.String()
    actor_name = F.String(allow_none=True)
    created_at = F.DateTime()


class CondolenceFreezeSchema(BaseSchema):
    comment = Str(max_length=500, allow_none=True)


class CondolenceFreezeResultSchema(BaseSchema):
    campaign_id = F.Integer()
    status = F.String()
    frozen_at = F.DateTime()
    approved = F.Integer()
    excluded = F.Integer()
    approved_cash_fen = F.Integer()
    approved_goods_fen = F.Integer()
