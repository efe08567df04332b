"""marshmallow schemas of the workflow API, second half: public notice and objections, visits,
payments, summaries (schemas.py has lines, the review chain and balancing). Money is integer fen."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields as F
from marshmallow import validate

from ....core.schemas import BaseSchema, Id, Str, choice
from ..workflow_models import EXPORT_KINDS, OBJECTION_OUTCOMES, PAYMENT_STATUSES
from .schemas import CondolenceWorkflowLineSchema, IdList, Money

# ---- notice and objections ---------------------------------------------------------------------------


class CondolenceNoticeCreateSchema(BaseSchema):
    org_id = Id(metadata={"description": "the subtree noticed (default: the whole county)"})
    title = Str(max_length=200)
    start_date = F.Date(required=True)
    end_date = F.Date(required=True)
    place = Str(max_length=200, required=True, metadata={"description": "公示地点"})
    contact = Str(max_length=200, allow_none=True, metadata={"description": "异议受理联系方式"})
    remark = Str(max_length=500, allow_none=True)


class CondolenceNoticeUpdateSchema(BaseSchema):
    title = Str(max_length=200)
    start_date = F.Date()
    end_date = F.Date()
    place = Str(max_length=200)
    contact = Str(max_length=200, allow_none=True)
    remark = Str(max_length=500, allow_none=True)


class CondolenceNoticePostSchema(BaseSchema):
    posted_on = F.Date(metadata={"description": "张贴日期 (default: today)"})


class CondolenceNoticeSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    org_id = F.Integer()
    org_name = F.String(allow_none=True)
    title = F.String()
    start_date = F.Date()
    end_date = F.Date()
    days = F.Integer()
    place = F.String()
    contact = F.String(allow_none=True)
    remark = F.String(allow_none=True)
    status = F.String()
    status_label = F.String(allow_none=True)
    window_state = F.String(metadata={"description": "not_posted | scheduled | open | closed"})
    window_label = F.String()
    posted_on = F.Date(allow_none=True)
    line_count = F.Integer()
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    objections_pending = F.Integer()
    objections_upheld = F.Integer()
    objections_dismissed = F.Integer()
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()
    job_id = F.Integer(allow_none=True, metadata={"description": "the job writing its lines while `preparing`"})
    error = F.String(allow_none=True, metadata={"description": "why preparing it failed (`failed`)"})


class CondolenceNoticeLineSchema(CondolenceWorkflowLineSchema):
    seq = F.Integer()
    public_name = F.String(metadata={"description": "the name as the notice shows it (张*明)"})


class CondolenceNoticeLinesQueryArgsSchema(BaseSchema):
    q = Str(max_length=60)
    objection_upheld = F.Boolean()


class CondolenceObjectionCreateSchema(BaseSchema):
    line_id = Id(required=True)
    content = Str(max_length=1000, required=True)
    received_on = F.Date(required=True)
    received_from = Str(max_length=100, allow_none=True)
    contact = Str(max_length=100, allow_none=True)


class CondolenceObjectionDecideSchema(BaseSchema):
    outcome = F.String(required=True, validate=choice(("upheld", "dismissed"), "核实结论"))
    outcome_note = Str(max_length=500, allow_none=True)


class CondolenceObjectionQueryArgsSchema(BaseSchema):
    outcome = F.String(validate=choice(OBJECTION_OUTCOMES, "核实结论"))


class CondolenceObjectionSchema(BaseSchema):
    id = F.Integer()
    notice_id = F.Integer()
    line_id = F.Integer()
    line_name = F.String(allow_none=True)
    content = F.String()
    received_on = F.Date()
    received_from = F.String(allow_none=True)
    contact = F.String(allow_none=True)
    outcome = F.String()
    outcome_label = F.String(allow_none=True)
    outcome_note = F.String(allow_none=True)
    decided_at = F.DateTime(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()


# ---- visits ------------------------------------------------------------------------------------------


class CondolenceVisitGroupCreateSchema(BaseSchema):
    name = Str(max_length=60, required=True)
    leader = Str(max_length=100, required=True, metadata={"description": "带队领导"})
    departments = F.List(Str(max_length=60), validate=validate.Length(max=20, error="参加单位最多20个"))
    visit_date = F.Date(required=True)
    visit_time = F.Time(allow_none=True)
    meeting_time = F.Time(allow_none=True)
    meeting_point = Str(max_length=200, allow_none=True)
    area_org_id = Id(allow_none=True)
    contact = Str(max_length=100, allow_none=True)
    remark = Str(max_length=500, allow_none=True)


class CondolenceVisitGroupUpdateSchema(CondolenceVisitGroupCreateSchema):
    name = Str(max_length=60)
    leader = Str(max_length=100)
    visit_date = F.Date()


class CondolenceVisitGroupSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    name = F.String()
    leader = F.String()
    departments = F.List(F.String())
    visit_date = F.Date()
    visit_time = F.Time(allow_none=True)
    meeting_time = F.Time(allow_none=True)
    meeting_point = F.String(allow_none=True)
    area_org_id = F.Integer(allow_none=True)
    area_org_name = F.String(allow_none=True)
    contact = F.String(allow_none=True)
    remark = F.String(allow_none=True)
    households = F.Integer()
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    visited = F.Integer()
    version = F.Integer()
    created_at = F.DateTime()


class CondolenceAssignSchema(BaseSchema):
    line_ids = IdList()
    org_id = Id(metadata={"description": "every approved, unassigned line of this subtree"})
    move = F.Boolean(load_default=False, metadata={"description": "also take lines from other groups"})


class CondolenceUnassignSchema(BaseSchema):
    line_ids = IdList(required=True)


class CondolenceAssignResultSchema(BaseSchema):
    assigned = F.Integer()
    message = F.String()


class CondolenceVisitCreateSchema(BaseSchema):
    line_id = Id(required=True)
    group_id = Id(allow_none=True)
    visited_on = F.Date(required=True)
    cash_fen = Money(load_default=0, metadata={"description": "cash handed over (a payment: needs the notice cleared)"})
    goods_desc = Str(max_length=200, allow_none=True)
    goods_fen = Money(load_default=0)
    notes = Str(max_length=2000, allow_none=True)


class CondolenceVisitUpdateSchema(BaseSchema):
    group_id = Id(allow_none=True)
    visited_on = F.Date()
    cash_fen = Money()
    goods_desc = Str(max_length=200, allow_none=True)
    goods_fen = Money()
    notes = Str(max_length=2000, allow_none=True)


class CondolenceVisitQueryArgsSchema(BaseSchema):
    group_id = Id()


class CondolenceVisitSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    line_id = F.Integer()
    line_name = F.String(allow_none=True)
    group_id = F.Integer(allow_none=True)
    visited_on = F.Date()
    cash_fen = F.Integer()
    goods_desc = F.String(allow_none=True)
    goods_fen = F.Integer()
    notes = F.String(allow_none=True)
    recorder_name = F.String(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()


# ---- payments ----------------------------------------------------------------------------------------


class CondolenceBlockedSchema(BaseSchema):
    reason = F.String()
    label = F.String()
    count = F.Integer()
    amount_fen = F.Integer()


class CondolencePayablePreviewSchema(BaseSchema):
    campaign_id = F.Integer()
    payable = F.Integer()
    payable_fen = F.Integer()
    blocked = F.List(F.Nested(CondolenceBlockedSchema))


class CondolencePayableQueryArgsSchema(BaseSchema):
    org_id = Id()


class CondolencePaymentBatchCreateSchema(BaseSchema):
    line_ids = IdList(metadata={"description": "these lines only (all must be payable); default: every payable line"})
    org_id = Id(metadata={"description": "every payable line of this subtree"})
    remark = Str(max_length=200, allow_none=True, metadata={"description": "备注 on every row of the bank file"})
    payer_account = Str(max_length=100, allow_none=True)


class CondolencePaymentBatchSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    batch_no = F.String()
    status = F.String()
    status_label = F.String(allow_none=True)
    line_count = F.Integer()
    total_fen = F.Integer()
    paid_count = F.Integer()
    paid_fen = F.Integer()
    failed_count = F.Integer()
    pending_count = F.Integer()
    remark = F.String(allow_none=True)
    payer_account = F.String(allow_none=True)
    downloads = F.Integer()
    result_filename = F.String(allow_none=True)
    results_imported_at = F.DateTime(allow_none=True)
    creator_name = F.String(allow_none=True)
    created_at = F.DateTime()
    version = F.Integer()
    job_id = F.Integer(allow_none=True, metadata={"description": "the job writing its payments while `preparing`"})
    error = F.String(allow_none=True, metadata={"description": "why preparing it failed (`failed`)"})


class CondolencePaymentSchema(BaseSchema):
    id = F.Integer()
    batch_id = F.Integer(allow_none=True)
    seq = F.Integer(allow_none=True)
    line_id = F.Integer()
    name = F.String()
    bank_card_masked = F.String(allow_none=True)
    bank_name = F.String(allow_none=True)
    method = F.String()
    method_label = F.String(allow_none=True)
    amount_fen = F.Integer()
    status = F.String()
    status_label = F.String(allow_none=True)
    failure_reason = F.String(allow_none=True)
    paid_at = F.DateTime(allow_none=True)


class CondolencePaymentQueryArgsSchema(BaseSchema):
    status = F.String(validate=choice(PAYMENT_STATUSES, "发放状态"))


class CondolenceBankFileArgsSchema(BaseSchema):
    format = F.String(load_default="xlsx", validate=choice(("xlsx", "csv"), "文件格式"))


class CondolenceResultFileSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "the bank's return file (.xlsx/.xls/.csv)"})


class CondolenceResultImportSchema(BaseSchema):
    rows = F.Integer()
    paid = F.Integer()
    failed = F.Integer()
    unchanged = F.Integer()
    batch = F.Nested(CondolencePaymentBatchSchema)


class CondolenceCancelSchema(BaseSchema):
    comment = Str(max_length=500, allow_none=True)


# ---- summaries ---------------------------------------------------------------------------------------


class CondolenceSummaryMeasuresSchema(BaseSchema):
    households = F.Integer()
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    paid_households = F.Integer()
    paid_fen = F.Integer()
    bank_paid_fen = F.Integer()
    cash_paid_fen = F.Integer()
    visited = F.Integer()
    goods_given_fen = F.Integer()
    last_year_households = F.Integer(allow_none=True)
    last_year_cash_fen = F.Integer(allow_none=True)
    last_year_goods_fen = F.Integer(allow_none=True)
    households_change_pct = F.String(allow_none=True, metadata={"description": "e.g. \"12.5\"; null without last year"})
    cash_change_pct = F.String(allow_none=True)


class CondolenceSummaryRowSchema(CondolenceSummaryMeasuresSchema):
    category_code = F.String(allow_none=True)
    township_org_id = F.Integer(allow_none=True)
    label = F.String()


class CondolenceCampaignSummarySchema(BaseSchema):
    campaign_id = F.Integer()
    campaign_name = F.String()
    festival = F.String()
    festival_label = F.String()
    year = F.Integer()
    status = F.String()
    budget_cash_fen = F.Integer()
    budget_goods_fen = F.Integer()
    previous_campaign_id = F.Integer(allow_none=True)
    previous_campaign_name = F.String(allow_none=True)
    totals = F.Nested(CondolenceSummaryMeasuresSchema)
    by_category = F.List(F.Nested(CondolenceSummaryRowSchema))
    by_township = F.List(F.Nested(CondolenceSummaryRowSchema))


class CondolenceFestivalSummaryArgsSchema(BaseSchema):
    year = F.Integer(validate=validate.Range(min=2000, max=2100, error="年份应在2000到2100之间"))


class CondolenceFestivalRowSchema(BaseSchema):
    festival = F.String()
    label = F.String()
    campaigns = F.Integer()
    households = F.Integer()
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    paid_fen = F.Integer()
    last_year_campaigns = F.Integer()
    last_year_households = F.Integer()
    last_year_cash_fen = F.Integer()
    last_year_goods_fen = F.Integer()
    last_year_paid_fen = F.Integer()
    households_change_pct = F.String(allow_none=True)
    cash_change_pct = F.String(allow_none=True)


class CondolenceFestivalTotalsSchema(BaseSchema):
    campaigns = F.Integer()
    households = F.Integer()
    cash_fen = F.Integer()
    goods_fen = F.Integer()
    paid_fen = F.Integer()
    last_year_households = F.Integer()
    last_year_cash_fen = F.Integer()


class CondolenceFestivalSummarySchema(BaseSchema):
    year = F.Integer()
    by_festival = F.List(F.Nested(CondolenceFestivalRowSchema))
    totals = F.Nested(CondolenceFestivalTotalsSchema)


# ---- generated files (background jobs) --------------------------------------------------------------


class CondolenceExportCreateSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(EXPORT_KINDS, "文件类型"),
                    metadata={"description": "notice | bank | arrangement | report"})
    subject_id = Id(required=True, metadata={"description": "the notice, payment batch, visit group or campaign "
                                                            "(report) the file is of"})
    format = F.String(load_default="xlsx", validate=choice(("xlsx", "pdf", "csv"), "文件格式"),
                      metadata={"description": "notice: xlsx | pdf; bank: xlsx | csv; others: xlsx"})


class CondolenceExportQueryArgsSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(EXPORT_KINDS, "文件类型"))
    subject_id = Id(required=True)


class CondolenceExportSchema(BaseSchema):
    id = F.Integer()
    campaign_id = F.Integer()
    kind = F.String()
    kind_label = F.String(allow_none=True)
    subject_id = F.Integer()
    format = F.String()
    status = F.String(metadata={"description": "queued | running | succeeded | failed"})
    status_label = F.String(allow_none=True)
    job_id = F.Integer(allow_none=True, metadata={"description": "follow its progress at /jobs/{job_id}"})
    filename = F.String(allow_none=True)
    size = F.Integer(allow_none=True)
    rows = F.Integer(allow_none=True)
    error = F.String(allow_none=True)
    downloads = F.Integer()
    requester_name = F.String(allow_none=True)
    created_at = F.DateTime()
    finished_at = F.DateTime(allow_none=True)
