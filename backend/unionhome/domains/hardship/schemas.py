"""Schemas of the hardship file: output, create, update (partial), action bodies and query args."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from ...core.schemas import BaseSchema, Id, Str, choice
from .eligibility import RULES
from .models import (
    CATEGORIES,
    CAUSES,
    EMPLOYMENT_STATUSES,
    EXIT_REASONS,
    HEALTH,
    MARITAL_STATUSES,
    PAYMENT_METHODS,
    RELATIONS,
    RELIEF_KINDS,
    SCHOOL_STAGES,
    SOURCES,
    STATUSES,
)

F = ma.fields
MAX_FEN = 10_000_000_000  # 1 亿元: beyond any household's monthly income or a relief payment
MAX_MEMBERS = 20


def Fen(**kwargs: Any) -> F.Integer:  # noqa: N802 - a field factory
    kwargs.setdefault("metadata", {"description": "金额，单位：分"})
    return F.Integer(strict=True, validate=ma.validate.Range(min=0, max=MAX_FEN, error="金额应在0到1亿元之间（单位：分）"),
                     **kwargs)


class HardshipCodeLabelSchema(BaseSchema):
    code = F.String()
    label = F.String()


class HardshipCodebookSchema(BaseSchema):
    categories = F.List(F.Nested(HardshipCodeLabelSchema))
    causes = F.List(F.Nested(HardshipCodeLabelSchema))
    special_causes = F.List(F.String())
    major_causes = F.List(F.String())
    statuses = F.List(F.Nested(HardshipCodeLabelSchema))
    sources = F.List(F.Nested(HardshipCodeLabelSchema))
    exit_reasons = F.List(F.Nested(HardshipCodeLabelSchema))
    marital_statuses = F.List(F.Nested(HardshipCodeLabelSchema))
    employment_statuses = F.List(F.Nested(HardshipCodeLabelSchema))
    relations = F.List(F.Nested(HardshipCodeLabelSchema))
    health = F.List(F.Nested(HardshipCodeLabelSchema))
    school_stages = F.List(F.Nested(HardshipCodeLabelSchema))
    relief_kinds = F.List(F.Nested(HardshipCodeLabelSchema))
    after_exit_kinds = F.List(F.String())
    payment_methods = F.List(F.Nested(HardshipCodeLabelSchema))
    visit_kinds = F.List(F.Nested(HardshipCodeLabelSchema))
    visit_outcomes = F.List(F.Nested(HardshipCodeLabelSchema))
    rules = F.List(F.Nested(HardshipCodeLabelSchema))


# ---- policies -------------------------------------------------------------------------------------

class HardshipPolicySchema(BaseSchema):
    id = Id()
    name = F.String()
    basis_document = F.String(allow_none=True)
    effective_from = F.Date()
    effective_to = F.Date(allow_none=True, metadata={"description": "the day before the next policy takes effect"})
    in_force = F.Boolean()
    min_living_line_fen = F.Integer()
    basic_pct = F.Integer()
    special_pct = F.Integer()
    major_pct = F.Integer()
    self_paid_threshold_fen = F.Integer()
    exit_pct = F.Integer()
    stable_employment_months = F.Integer()
    review_interval_months = F.Integer()
    reminder_days = F.Integer()
    thresholds = F.Dict(keys=F.String(), values=F.Integer(), metadata={"description": "each rule's limit in fen"})
    households = F.Integer(metadata={"description": "assessments that used this policy"})
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


def _pct(label: str, lo: int = 100, hi: int = 1000) -> F.Integer:
    return F.Integer(strict=True, validate=ma.validate.Range(min=lo, max=hi, error=f"{label}应在{lo}%到{hi}%之间"))


class HardshipPolicyWritableFields(BaseSchema):
    name = Str(max_length=120)
    basis_document = Str(max_length=200, allow_none=True)
    effective_from = F.Date()
    min_living_line_fen = F.Integer(strict=True, validate=ma.validate.Range(
        min=1, max=10_000_000, error="最低生活保障线应在0.01元到10万元之间（单位：分）"))
    basic_pct = _pct("第一项标准")
    special_pct = _pct("第二项标准")
    major_pct = _pct("第三项标准")
    self_paid_threshold_fen = F.Integer(strict=True, validate=ma.validate.Range(
        min=1, max=MAX_FEN, error="自负费用标准应大于0（单位：分）"))
    exit_pct = _pct("脱困标准")
    stable_employment_months = F.Integer(strict=True, validate=ma.validate.Range(
        min=1, max=60, error="稳定就业月数应在1到60之间"))
    review_interval_months = F.Integer(strict=True, validate=ma.validate.Range(
        min=1, max=60, error="复核周期应在1到60个月之间"))
    reminder_days = F.Integer(strict=True, validate=ma.validate.Range(min=0, max=365, error="提前提醒天数应在0到365之间"))


class HardshipPolicyCreateSchema(HardshipPolicyWritableFields):
    name = Str(required=True, max_length=120)
    effective_from = F.Date(required=True)
    min_living_line_fen = F.Integer(required=True, strict=True, validate=ma.validate.Range(
        min=1, max=10_000_000, error="最低生活保障线应在0.01元到10万元之间（单位：分）"))


class HardshipPolicyUpdateSchema(HardshipPolicyWritableFields):
    pass


class HardshipPolicyQueryArgsSchema(BaseSchema):
    on = F.Date(metadata={"description": "the policy in force on this day (default today)"})


# ---- households -----------------------------------------------------------------------------------

class HardshipAssessmentRuleSchema(BaseSchema):
    code = F.String()
    label = F.String()
    met = F.Boolean()
    detail = F.String()
    threshold_fen = F.Integer(allow_none=True)


class HardshipAssessmentSchema(BaseSchema):
    rule_code = F.String(allow_none=True)
    rule_label = F.String(allow_none=True)
    met = F.Boolean()
    explanation = F.String()
    per_capita_income_fen = F.Integer()
    household_size = F.Integer()
    min_living_line_fen = F.Integer()
    exit_standard_fen = F.Integer()
    income_reaches_exit_standard = F.Boolean()
    rules = F.List(F.Nested(HardshipAssessmentRuleSchema))
    policy_id = Id(allow_none=True)
    policy_name = F.String(allow_none=True)
    size_explanation = F.String(allow_none=True)


class HardshipHouseholdMemberSchema(BaseSchema):
    id = Id()
    name = F.String()
    relation = F.String()
    id_number_masked = F.String(allow_none=True)
    birth_date = F.Date(allow_none=True)
    gender = F.String(allow_none=True)
    marital_status = F.String(allow_none=True)
    health = F.String()
    school_stage = F.String(allow_none=True)
    school_name = F.String(allow_none=True)
    occupation = F.String(allow_none=True)
    monthly_income_fen = F.Integer()
    counted = F.Boolean()


class HardshipHouseholdSchema(BaseSchema):
    id = Id()
    file_no = F.String()
    org_id = Id()
    org_name = F.String(allow_none=True)
    township_id = Id(allow_none=True)
    township_name = F.String(allow_none=True, metadata={"description": "镇街/系统: the union's top-level ancestor"})
    member_id = Id(allow_none=True)
    head_name = F.String()
    head_id_masked = F.String()
    head_gender = F.String()
    head_birth_date = F.Date()
    mobile = F.String(allow_none=True)
    address = F.String(allow_none=True)
    employer_id = Id(allow_none=True)
    employer_name = F.String(allow_none=True)
    employment_status = F.String()
    stable_employment_since = F.Date(allow_none=True)
    marital_status = F.String()
    head_health = F.String()
    category = F.String()
    causes = F.List(F.String())
    household_size = F.Integer()
    household_income_fen = F.Integer()
    per_capita_income_fen = F.Integer()
    self_paid_medical_fen = F.Integer()
    disaster_loss_fen = F.Integer()
    bank_card_masked = F.String(allow_none=True)
    bank_name = F.String(allow_none=True)
    status = F.String()
    source = F.String()
    rule_code = F.String(allow_none=True)
    claimed_rule = F.String(allow_none=True)
    policy_id = Id(allow_none=True)
    applied_on = F.Date()
    verified_on = F.Date(allow_none=True)
    filed_on = F.Date(allow_none=True)
    last_review_on = F.Date(allow_none=True)
    next_review_due = F.Date(allow_none=True)
    review_reminded_on = F.Date(allow_none=True)
    review_overdue = F.Boolean()
    exit_recommended = F.Boolean()
    exited_on = F.Date(allow_none=True)
    exit_reason = F.String(allow_none=True)
    exit_note = F.String(allow_none=True)
    rejected_reason = F.String(allow_none=True)
    remark = F.String(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class HardshipHouseholdDetailSchema(HardshipHouseholdSchema):
    members = F.List(F.Nested(HardshipHouseholdMemberSchema))
    assessment = F.Nested(HardshipAssessmentSchema, allow_none=True)
    relief_total_fen = F.Integer()
    relief_count = F.Integer()


class HardshipHouseholdMemberInputSchema(BaseSchema):
    id = Id(metadata={"description": "a listed member kept in an edit: its stored ID number stays unless "
                                     "`id_number` is given"})
    name = Str(required=True, max_length=60)
    relation = F.String(required=True, validate=choice(RELATIONS, "与户主关系"))
    id_number = Str(max_length=40, allow_none=True)
    marital_status = F.String(allow_none=True, validate=choice(MARITAL_STATUSES, "婚姻状况"))
    health = F.String(validate=choice(HEALTH, "健康状况"))
    school_stage = F.String(allow_none=True, validate=choice(SCHOOL_STAGES, "就学阶段"))
    school_name = Str(max_length=120, allow_none=True)
    occupation = Str(max_length=60, allow_none=True)
    monthly_income_fen = Fen()


class HardshipHouseholdWritableFields(BaseSchema):
    org_id = Id()
    member_id = Id(allow_none=True)
    head_name = Str(max_length=60)
    id_number = Str(max_length=40)
    mobile = Str(max_length=20, allow_none=True)
    address = Str(max_length=200, allow_none=True)
    employer_id = Id(allow_none=True)
    employer_name = Str(max_length=200, allow_none=True)
    employment_status = F.String(validate=choice(EMPLOYMENT_STATUSES, "就业状况"))
    stable_employment_since = F.Date(allow_none=True)
    marital_status = F.String(validate=choice(MARITAL_STATUSES, "婚姻状况"))
    head_health = F.String(validate=choice(HEALTH, "健康状况"))
    category = F.String(validate=choice(CATEGORIES, "困难类别"))
    causes = F.List(F.String(validate=choice(CAUSES, "致困原因")),
                    validate=ma.validate.Length(min=1, max=len(CAUSES), error="请选择至少一项致困原因"))
    household_size = F.Integer(strict=True, allow_none=True, validate=ma.validate.Range(
        min=1, max=MAX_MEMBERS + 1, error=f"家庭人口应在1到{MAX_MEMBERS + 1}人之间"),
        metadata={"description": "only when no members are listed (else the W1-b rule counts them)"})
    household_income_fen = Fen(allow_none=True, metadata={"description": "家庭月总收入（分）"})
    per_capita_income_fen = Fen(allow_none=True, metadata={"description": "人均月收入（分）, if only this is known"})
    self_paid_medical_fen = Fen()
    disaster_loss_fen = Fen()
    bank_card = Str(max_length=40, allow_none=True)
    bank_name = Str(max_length=60, allow_none=True)
    claimed_rule = F.String(allow_none=True, validate=choice(RULES, "申请依据"))
    remark = Str(max_length=2000, allow_none=True)
    members = F.List(F.Nested(HardshipHouseholdMemberInputSchema), validate=ma.validate.Length(
        max=MAX_MEMBERS, error=f"家庭成员最多{MAX_MEMBERS}人"))


class HardshipHouseholdCreateSchema(HardshipHouseholdWritableFields):
    org_id = Id(required=True)
    head_name = Str(required=True, max_length=60)
    id_number = Str(required=True, max_length=40)
    marital_status = F.String(required=True, validate=choice(MARITAL_STATUSES, "婚姻状况"))
    category = F.String(required=True, validate=choice(CATEGORIES, "困难类别"))
    causes = F.List(F.String(validate=choice(CAUSES, "致困原因")), required=True,
                    validate=ma.validate.Length(min=1, max=len(CAUSES), error="请选择至少一项致困原因"))
    source = F.String(validate=choice({k: v for k, v in SOURCES.items() if k != "import"}, "来源"))
    applied_on = F.Date()


class HardshipHouseholdUpdateSchema(HardshipHouseholdWritableFields):
    pass


class HardshipHouseholdQueryArgsSchema(BaseSchema):
    q = Str(max_length=60, metadata={"description": "name prefix, full ID number, last 4 ID digits or file number"})
    status = F.String(validate=choice(STATUSES, "状态"))
    category = F.String(validate=choice(CATEGORIES, "困难类别"))
    cause = F.String(validate=choice(CAUSES, "致困原因"))
    org_id = Id(metadata={"description": "this union only"})
    under = Id(metadata={"description": "the whole subtree below this org (e.g. a township)"})
    review_overdue = F.Boolean(metadata={"description": "filed households past their review date"})
    exit_recommended = F.Boolean()
    exit_reason = F.String(validate=choice(EXIT_REASONS, "退档原因"))
    rule_code = F.String(validate=choice(RULES, "符合标准"))
    filed_from = F.Date()
    filed_to = F.Date()
    sort = F.String(validate=choice(["file_no", "-file_no", "filed_on", "-filed_on", "next_review_due",
                                     "-next_review_due", "per_capita_income_fen", "-per_capita_income_fen",
                                     "head_name", "-head_name"], "排序"))


class HardshipMemberIdNumberSchema(BaseSchema):
    id = Id()
    name = F.String()
    id_number = F.String(allow_none=True)


class HardshipHouseholdSensitiveSchema(BaseSchema):
    id_number = F.String()
    bank_card_number = F.String(allow_none=True)
    members = F.List(F.Nested(HardshipMemberIdNumberSchema))


# ---- lifecycle actions ----------------------------------------------------------------------------

class HardshipVisitSchema(BaseSchema):
    id = Id()
    household_id = Id()
    kind = F.String()
    visited_on = F.Date()
    visitors = F.String()
    findings = F.String()
    outcome = F.String()
    household_income_fen = F.Integer(allow_none=True)
    created_by = Id(allow_none=True)
    created_at = F.DateTime()


class HardshipVisitCreateSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(["verification", "follow_up"], "走访类型"))
    visited_on = F.Date(required=True)
    visitors = Str(required=True, max_length=200)
    findings = Str(required=True, max_length=5000)
    outcome = F.String(required=True, validate=choice(["confirmed", "changed", "not_eligible"], "核实结论"))
    household_income_fen = Fen(allow_none=True, metadata={"description": "家庭月总收入 as found on the visit"})


class HardshipReviewCreateSchema(BaseSchema):
    visited_on = F.Date(required=True)
    visitors = Str(required=True, max_length=200)
    findings = Str(required=True, max_length=5000)
    household_income_fen = Fen(required=True, metadata={"description": "家庭月总收入 found on the review"})
    causes = F.List(F.String(validate=choice(CAUSES, "致困原因")), validate=ma.validate.Length(max=len(CAUSES)))
    self_paid_medical_fen = Fen()
    disaster_loss_fen = Fen()
    employment_status = F.String(validate=choice(EMPLOYMENT_STATUSES, "就业状况"))
    stable_employment_since = F.Date(allow_none=True)


class HardshipReviewResultSchema(BaseSchema):
    household = F.Nested(HardshipHouseholdDetailSchema)
    visit = F.Nested(HardshipVisitSchema)


class HardshipFileSchema(BaseSchema):
    filed_on = F.Date(metadata={"description": "建档日期 (default today)"})


class HardshipExitSchema(BaseSchema):
    reason = F.String(required=True, validate=choice(EXIT_REASONS, "退档原因"))
    exited_on = F.Date(metadata={"description": "退档日期 (default today)"})
    note = Str(max_length=500, allow_none=True)


class HardshipRejectSchema(BaseSchema):
    reason = Str(required=True, max_length=500)


class HardshipHistoryEntrySchema(BaseSchema):
    id = Id()
    at = F.DateTime()
    actor_name = F.String(allow_none=True)
    action = F.String()
    action_label = F.String()
    changes = F.Dict(allow_none=True)


# ---- reliefs --------------------------------------------------------------------------------------

class HardshipReliefSchema(BaseSchema):
    id = Id()
    household_id = Id()
    file_no = F.String(allow_none=True)
    head_name = F.String(allow_none=True)
    org_name = F.String(allow_none=True)
    kind = F.String()
    amount_fen = F.Integer()
    goods_value_fen = F.Integer()
    goods_description = F.String(allow_none=True)
    paid_on = F.Date()
    payment_method = F.String()
    beneficiary_name = F.String(allow_none=True)
    school_stage = F.String(allow_none=True)
    source = F.String(allow_none=True)
    note = F.String(allow_none=True)
    created_at = F.DateTime()


class HardshipReliefCreateSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(RELIEF_KINDS, "帮扶种类"))
    amount_fen = Fen(required=True)
    goods_value_fen = Fen()
    goods_description = Str(max_length=200, allow_none=True)
    paid_on = F.Date(required=True)
    payment_method = F.String(required=True, validate=choice(PAYMENT_METHODS, "发放方式"))
    beneficiary_member_id = Id(allow_none=True, metadata={"description": "the student (a listed member)"})
    beneficiary_name = Str(max_length=60, allow_none=True)
    school_stage = F.String(allow_none=True, validate=choice(SCHOOL_STAGES, "就学阶段"))
    note = Str(max_length=500, allow_none=True)


class HardshipReliefQueryArgsSchema(BaseSchema):
    kind = F.String(validate=choice(RELIEF_KINDS, "帮扶种类"))
    household_id = Id()
    under = Id()
    paid_from = F.Date()
    paid_to = F.Date()
    payment_method = F.String(validate=choice(PAYMENT_METHODS, "发放方式"))


# ---- reviews due, statistics ----------------------------------------------------------------------

class HardshipReviewsDueQueryArgsSchema(BaseSchema):
    under = Id()
    org_id = Id()
    overdue_only = F.Boolean()


class HardshipOrgDueSchema(BaseSchema):
    org_id = Id()
    org_name = F.String()
    due_soon = F.Integer()
    overdue = F.Integer()


class HardshipReviewsDueSummarySchema(BaseSchema):
    due_soon = F.Integer()
    overdue = F.Integer()
    total = F.Integer()
    exit_recommended = F.Integer()
    reminder_days = F.Integer()
    by_org = F.List(F.Nested(HardshipOrgDueSchema))


class HardshipStatisticsQueryArgsSchema(BaseSchema):
    under = Id()
    date_from = F.Date(metadata={"description": "start of the period (default 1 January this year)"})
    date_to = F.Date(metadata={"description": "end of the period (default today)"})

    @ma.validates_schema
    def _range(self, data: dict, **kwargs: object) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("开始日期不能晚于结束日期", "date_from")


class HardshipCountSchema(BaseSchema):
    code = F.String()
    label = F.String()
    households = F.Integer()


class HardshipAreaSchema(BaseSchema):
    org_id = Id(allow_none=True)
    name = F.String()
    households = F.Integer()
    filed = F.Integer()
    relief_people = F.Integer()
    relief_fen = F.Integer()


class HardshipReliefKindSchema(BaseSchema):
    code = F.String()
    label = F.String()
    people = F.Integer(metadata={"description": "households helped (distinct)"})
    times = F.Integer()
    amount_fen = F.Integer()
    goods_value_fen = F.Integer()


class HardshipCategoryMoneySchema(BaseSchema):
    code = F.String()
    label = F.String()
    households = F.Integer(metadata={"description": "open files (candidate, verified, filed)"})
    filed = F.Integer()
    relief_people = F.Integer()
    relief_fen = F.Integer()


class HardshipStatisticsSchema(BaseSchema):
    date_from = F.Date()
    date_to = F.Date()
    total = F.Integer()
    by_status = F.List(F.Nested(HardshipCountSchema))
    by_category = F.List(F.Nested(HardshipCategoryMoneySchema))
    by_cause = F.List(F.Nested(HardshipCountSchema))
    by_township = F.List(F.Nested(HardshipAreaSchema))
    filed_in_period = F.Integer()
    exits_in_period = F.Integer()
    exits_by_reason = F.List(F.Nested(HardshipCountSchema))
    relief_by_kind = F.List(F.Nested(HardshipReliefKindSchema))
    relief_people = F.Integer()
    relief_times = F.Integer()
    relief_amount_fen = F.Integer()
    review_overdue = F.Integer()
    review_due_soon = F.Integer()
    exit_recommended = F.Integer()
