"""Schemas of campaigns, nomination batches and roster lines (money in integer fen everywhere)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from ...core.schemas import BaseSchema, Id, Str, choice
from .models import BATCH_STATUSES, CAMPAIGN_STATUSES, CHECK_STATUSES, FESTIVALS, REVIEW_STATUSES
from .roster.rules import CHECK_CODES

F = ma.fields
MAX_FEN = 100_000_000_000  # 10 亿元: beyond any county's budget
FEN = ma.validate.Range(min=0, max=MAX_FEN, error="金额应在0到10亿元之间（单位：分）")
HOUSEHOLD_FEN = ma.validate.Range(min=0, max=100_000_000, error="每户金额应在0到100万元之间（单位：分）")
CODE = ma.validate.Regexp(r"^[A-Za-z0-9_\-]{1,30}$", error="类别代码只能由字母、数字、下划线组成（1到30位）")


# ---- campaigns -------------------------------------------------------------------------------

class CondolenceRulesSchema(BaseSchema):
    require_hardship_file = F.Boolean(metadata={"description": "只慰问已建档困难职工"})
    exclude_exited = F.Boolean(metadata={"description": "已脱困退档的不予慰问"})
    exclude_review_overdue = F.Boolean(metadata={"description": "档案复核逾期的不予慰问"})
    income_limit_pct = F.Integer(allow_none=True, validate=ma.validate.Range(
        min=50, max=500, error="收入标准应为低保线的50%到500%"))
    once_per_festival = F.Boolean(metadata={"description": "同一节日同一年度不重复慰问"})
    cooldown_months = F.Integer(validate=ma.validate.Range(min=0, max=36, error="间隔月数应在0到36之间"))


class CondolenceCategorySchema(BaseSchema):
    id = Id(dump_only=True)
    code = Str(required=True, max_length=30, validate=[CODE])
    name = Str(required=True, max_length=60)
    standard_cash_fen = F.Integer(load_default=0, validate=HOUSEHOLD_FEN)
    standard_goods_fen = F.Integer(load_default=0, validate=HOUSEHOLD_FEN)
    budget_cash_fen = F.Integer(allow_none=True, validate=FEN)


class CondolenceQuotaSchema(BaseSchema):
    id = Id(dump_only=True)
    org_id = Id(required=True)
    org_name = F.String(dump_only=True)
    category_code = Str(max_length=30, allow_none=True)
    max_households = F.Integer(required=True, validate=ma.validate.Range(
        min=0, max=1_000_000, error="名额应在0到1000000户之间"))


class CondolenceCampaignSchema(BaseSchema):
    id = Id()
    name = F.String()
    festival = F.String()
    festival_label = F.String()
    year = F.Integer()
    basis_document = F.String(allow_none=True)
    budget_cash_fen = F.Integer()
    budget_goods_fen = F.Integer()
    nomination_deadline = F.DateTime(allow_none=True)
    status = F.String()
    status_label = F.String()
    rules = F.Nested(CondolenceRulesSchema)
    template_id = Id(allow_none=True)
    template_name = F.String(allow_none=True)
    notice_start = F.Date(allow_none=True)
    notice_end = F.Date(allow_none=True)
    notice_place = F.String(allow_none=True)
    frozen_at = F.DateTime(allow_none=True)
    remark = F.String(allow_none=True)
    categories = F.List(F.Nested(CondolenceCategorySchema))
    quotas = F.List(F.Nested(CondolenceQuotaSchema))
    nominations_open = F.Boolean(metadata={"description": "unions may nominate now (status and deadline)"})
    roster_job_id = Id(allow_none=True)
    judged_at = F.DateTime(allow_none=True)
    roster_summary = F.Dict(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class CondolenceCampaignWritableFields(BaseSchema):
    name = Str(max_length=120)
    festival = F.String(validate=choice(FESTIVALS, "节日"))
    year = F.Integer(validate=ma.validate.Range(min=2000, max=2100, error="年度应在2000到2100之间"))
    basis_document = Str(max_length=200, allow_none=True)
    budget_cash_fen = F.Integer(validate=FEN)
    budget_goods_fen = F.Integer(validate=FEN)
    nomination_deadline = F.AwareDateTime(allow_none=True, default_timezone=None,
                                          metadata={"description": "ISO 8601 with a time zone"})
    rules = F.Nested(CondolenceRulesSchema)
    remark = Str(max_length=2000, allow_none=True)
    categories = F.List(F.Nested(CondolenceCategorySchema), validate=ma.validate.Length(max=30, error="类别最多30个"))
    quotas = F.List(F.Nested(CondolenceQuotaSchema), validate=ma.validate.Length(max=2000, error="名额最多2000条"))


class CondolenceCampaignCreateSchema(CondolenceCampaignWritableFields):
    name = Str(required=True, max_length=120)
    festival = F.String(required=True, validate=choice(FESTIVALS, "节日"))
    year = F.Integer(required=True, validate=ma.validate.Range(min=2000, max=2100, error="年度应在2000到2100之间"))


class CondolenceCampaignUpdateSchema(CondolenceCampaignWritableFields):
    pass


class CondolenceCampaignCopySchema(BaseSchema):
    name = Str(required=True, max_length=120)
    year = F.Integer(required=True, validate=ma.validate.Range(min=2000, max=2100, error="年度应在2000到2100之间"))
    nomination_deadline = F.AwareDateTime(allow_none=True, default_timezone=None)


class CondolenceCampaignQueryArgsSchema(BaseSchema):
    q = Str(max_length=100)
    festival = F.String(validate=choice(FESTIVALS, "节日"))
    year = F.Integer(validate=ma.validate.Range(min=2000, max=2100))
    status = F.String(validate=choice(CAMPAIGN_STATUSES, "状态"))


# ---- batches ---------------------------------------------------------------------------------

class CondolenceProblemSchema(BaseSchema):
    line_id = Id()
    row_no = F.Integer()
    name = F.String()
    check_status = F.String()
    check_code = F.String(allow_none=True)
    check_reason = F.String(allow_none=True)


class CondolenceBatchSchema(BaseSchema):
    id = Id()
    campaign_id = Id()
    org_id = Id()
    org_name = F.String(allow_none=True)
    source = F.String(metadata={"description": "upload | manual"})
    filename = F.String(allow_none=True)
    file_size = F.Integer(allow_none=True)
    status = F.String()
    status_label = F.String()
    counted = F.Boolean(metadata={"description": "submitted (上报): counts against quotas and others' duplicates"})
    error_message = F.String(allow_none=True)
    notice = F.String(allow_none=True)
    job_id = Id(allow_none=True)
    sheet_name = F.String(allow_none=True)
    header_row = F.Integer(allow_none=True)
    lines_total = F.Integer()
    rows_skipped = F.Integer()
    lines_ok = F.Integer()
    lines_rejected = F.Integer()
    by_status = F.Dict(keys=F.String(), values=F.Integer(), metadata={"description": "detail only"})
    by_code = F.Dict(keys=F.String(), values=F.Integer(), metadata={"description": "detail only"})
    problems = F.List(F.Nested(CondolenceProblemSchema), metadata={"description": "detail only: the first lines not ok"})
    submitted_at = F.DateTime(allow_none=True)
    created_by = Id(allow_none=True)
    created_at = F.DateTime()
    updated_at = F.DateTime()
    version = F.Integer()


class CondolenceBatchUploadSchema(BaseSchema):
    org_id = Id(metadata={"description": "the nominating union (default: the user's own org)"})
    submit = F.Boolean(load_default=False, metadata={
        "description": "submit (上报) once read; false = a dry run (试算) that counts for nobody"})


class CondolenceBatchFileSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "the nomination workbook: .xlsx, .xls or .csv"})


class CondolenceManualBatchCreateSchema(BaseSchema):
    org_id = Id(metadata={"description": "the nominating union (default: the user's own org)"})


class CondolenceBatchQueryArgsSchema(BaseSchema):
    org_id = Id()
    status = F.String(validate=choice(BATCH_STATUSES, "状态"))
    source = F.String(validate=choice(["upload", "manual"], "来源"))


# ---- lines -----------------------------------------------------------------------------------

class CondolenceLineSchema(BaseSchema):
    id = Id()
    campaign_id = Id()
    batch_id = Id()
    org_id = Id()
    org_name = F.String(allow_none=True)
    township_org_id = Id(allow_none=True)
    township_name = F.String(allow_none=True)
    row_no = F.Integer()
    name = F.String()
    id_number_masked = F.String(allow_none=True, metadata={"description": "410721********1234"})
    bank_card_masked = F.String(allow_none=True)
    bank_name = F.String(allow_none=True)
    mobile_masked = F.String(allow_none=True)
    work_unit = F.String(allow_none=True)
    category_code = F.String(allow_none=True)
    category_name = F.String(allow_none=True)
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    reason = F.String(allow_none=True)
    household_id = Id(allow_none=True)
    check_status = F.String()
    check_status_label = F.String()
    check_code = F.String(allow_none=True)
    check_code_label = F.String(allow_none=True)
    check_reason = F.String(allow_none=True)
    duplicate_of = Id(allow_none=True)
    review_status = F.String()
    review_status_label = F.String()
    payment_status = F.String()


class CondolenceLineCreateSchema(BaseSchema):
    name = Str(required=True, max_length=60)
    id_number = Str(required=True, max_length=40)
    bank_card = Str(max_length=40, allow_none=True)
    bank_name = Str(max_length=60, allow_none=True)
    mobile = Str(max_length=20, allow_none=True)
    category_code = Str(max_length=30, allow_none=True)
    cash_fen = F.Integer(allow_none=True, validate=HOUSEHOLD_FEN)
    goods_fen = F.Integer(allow_none=True, validate=HOUSEHOLD_FEN)
    reason = Str(max_length=500, allow_none=True)
    work_unit = Str(max_length=200, allow_none=True)


class CondolenceLineQueryArgsSchema(BaseSchema):
    q = Str(max_length=60, metadata={"description": "name prefix, full ID number, or its last 4 digits"})
    check_status = F.String(validate=choice(CHECK_STATUSES, "校验结果"))
    check_code = F.String(validate=choice(CHECK_CODES, "原因"))
    review_status = F.String(validate=choice(REVIEW_STATUSES, "审核状态"))
    township_org_id = Id()
    org_id = Id(metadata={"description": "the nominating union (and the unions below it)"})
    batch_id = Id()
    category_code = Str(max_length=30)


class CondolenceLabelSchema(BaseSchema):
    code = F.String()
    label = F.String()
    group = F.String(allow_none=True)


class CondolenceMetaSchema(BaseSchema):
    festivals = F.List(F.Nested(CondolenceLabelSchema))
    campaign_statuses = F.List(F.Nested(CondolenceLabelSchema))
    batch_statuses = F.List(F.Nested(CondolenceLabelSchema))
    check_statuses = F.List(F.Nested(CondolenceLabelSchema))
    check_codes = F.List(F.Nested(CondolenceLabelSchema))
    review_statuses = F.List(F.Nested(CondolenceLabelSchema))
    rules = F.List(F.Nested(CondolenceLabelSchema))
    default_rules = F.Nested(CondolenceRulesSchema)
