"""Schemas of the org register's reports: organisation-building indicators and the four real-name
registration forms (query args only; the forms themselves are .xlsx files)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from ...core.schemas import BaseSchema, Id

F = ma.fields

RATE_DESCRIPTION = "percentage with two decimals as a string, e.g. \"95.24\" = 95.24%; null when the denominator is 0"


def _rate(description: str) -> ma.fields.Decimal:
    return F.Decimal(as_string=True, places=2, allow_none=True, metadata={
        "description": description, "type": "string", "format": "decimal", "example": "95.24"})


# ---- query args -------------------------------------------------------------------------------------

class IndicatorQueryArgsSchema(BaseSchema):
    org_id = F.Integer(metadata={"description": "top of the subtree (must lie in the user's scope; "
                                                "default: the top of the scope)"})


class FormQueryArgsSchema(BaseSchema):
    org_id = F.Integer(metadata={"description": "export the subtree under this org (must lie in the user's "
                                                "scope; default: the whole scope)"})


class MemberFormQueryArgsSchema(FormQueryArgsSchema):
    reveal = F.Boolean(load_default=False, metadata={
        "description": "write full ID numbers (needs members.reveal_pii; the export is written to the audit "
                       "log). Default: masked, e.g. 410721********1234"})


class TransferFormQueryArgsSchema(FormQueryArgsSchema):
    date_from = F.Date(metadata={"description": "transfers on or after this date"})
    date_to = F.Date(metadata={"description": "transfers on or before this date"})

    @ma.validates_schema
    def _range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ma.ValidationError("结束日期不能早于开始日期", "date_to")


# ---- indicators -------------------------------------------------------------------------------------

class IndicatorOrgSchema(BaseSchema):
    id = F.Integer()
    name = F.String()
    org_type = F.String()
    org_type_label = F.String()


class FoundingRateSchema(BaseSchema):
    total = F.Integer(metadata={"description": "employers located (township) or covered in the subtree"})
    founded = F.Integer(metadata={"description": "founded_single + covered_by_joint"})
    founded_single = F.Integer(metadata={"description": "union_status = founded (own union)"})
    covered_by_joint = F.Integer(metadata={"description": "union_status = covered_by_joint"})
    not_founded = F.Integer()
    rate = _rate("建会率 = founded / total. " + RATE_DESCRIPTION)


class MembershipRateSchema(BaseSchema):
    members = F.Integer(metadata={"description": "active members of unions in the subtree"})
    unionised_staff = F.Integer(metadata={
        "description": "staff_count of founded / covered_by_joint employers whose covering union is in the subtree"})
    rate = _rate("入会率 = members / unionised_staff. " + RATE_DESCRIPTION + "; may exceed 100")


class ShareSchema(BaseSchema):
    count = F.Integer()
    share = _rate("share of active members. " + RATE_DESCRIPTION)


class CadrePostCountSchema(BaseSchema):
    post = F.String()
    post_label = F.String()
    full_time = F.Integer()
    part_time = F.Integer()
    total = F.Integer()


class CadreCountsSchema(BaseSchema):
    total = F.Integer(metadata={"description": "current cadres (is_current) of orgs in the subtree"})
    full_time = F.Integer()
    part_time = F.Integer()
    by_post = F.List(F.Nested(CadrePostCountSchema))


class OrgTypeCountSchema(BaseSchema):
    org_type = F.String()
    org_type_label = F.String()
    count = F.Integer()


class OrgCountsSchema(BaseSchema):
    total = F.Integer(metadata={"description": "active orgs of the subtree, the top node included"})
    by_type = F.List(F.Nested(OrgTypeCountSchema))
    reelection_overdue = F.Integer(metadata={"description": "active orgs with reelection_due_date before today"})


class IndicatorBlockSchema(BaseSchema):
    founding_25_plus = F.Nested(FoundingRateSchema, metadata={"description": "employers with ≥ 25 staff"})
    founding_all = F.Nested(FoundingRateSchema, metadata={"description": "all employers"})
    membership = F.Nested(MembershipRateSchema)
    migrant_members = F.Nested(ShareSchema, metadata={"description": "active members, employment_type = migrant"})
    female_members = F.Nested(ShareSchema, metadata={"description": "active members, gender = F"})
    cadres = F.Nested(CadreCountsSchema)
    orgs = F.Nested(OrgCountsSchema)


class IndicatorRowSchema(IndicatorBlockSchema):
    org = F.Nested(IndicatorOrgSchema)
    is_self = F.Boolean(metadata={"description": "the top node's own row (本级): records attached to the node "
                                                 "itself rather than to one of its children"})


class IndicatorsSchema(BaseSchema):
    org = F.Nested(IndicatorOrgSchema, metadata={"description": "top of the subtree"})
    as_of = F.Date()
    totals = F.Nested(IndicatorBlockSchema)
    by_child = F.List(F.Nested(IndicatorRowSchema), metadata={
        "description": "the node's own row first, then one row per direct child; the rows sum to the totals"})


# ---- members over time ------------------------------------------------------------------------------

MEMBERS_OVER_TIME_MAX_MONTHS = 60


class MembersOverTimeQueryArgsSchema(BaseSchema):
    org_id = Id(metadata={"description": "top of the subtree (must lie in the user's scope; default: the top of "
                                         "the scope)"})
    months = F.Integer(load_default=24, validate=ma.validate.Range(
        min=1, max=MEMBERS_OVER_TIME_MAX_MONTHS, error=f"月数应在1到{MEMBERS_OVER_TIME_MAX_MONTHS}之间"),
        metadata={"description": "how many months, the current one included (default 24)"})


class MemberMonthSchema(BaseSchema):
    month = F.String(metadata={"description": "YYYY-MM (Beijing time)", "example": "2025-03"})
    joined = F.Integer(metadata={"description": "入会: join_date in the month, first union in the subtree"})
    transferred_in = F.Integer(metadata={"description": "转入: transfers in the month from outside the subtree"})
    transferred_out = F.Integer(metadata={"description": "转出: transfers in the month to outside the subtree"})
    left = F.Integer(metadata={"description": "退会: lapsed / transferred-out members, dated by their last change"})
    net = F.Integer(metadata={"description": "joined + transferred_in - transferred_out - left"})
    members_end = F.Integer(metadata={"description": "active members at the end of the month (the current month: "
                                                     "now), counted back from today's number"})


class MemberFlowTotalsSchema(BaseSchema):
    joined = F.Integer()
    transferred_in = F.Integer()
    transferred_out = F.Integer()
    left = F.Integer()
    net = F.Integer()


class MembersOverTimeSchema(BaseSchema):
    org = F.Nested(IndicatorOrgSchema, metadata={"description": "top of the subtree"})
    as_of = F.Date()
    months = F.Integer()
    members_now = F.Integer(metadata={"description": "active members of the subtree today"})
    members_start = F.Integer(metadata={"description": "active members just before the first month"})
    unknown_join_date = F.Integer(metadata={
        "description": "active members without a join date: counted as members from before the first month"})
    totals = F.Nested(MemberFlowTotalsSchema, metadata={"description": "sums over the months"})
    series = F.List(F.Nested(MemberMonthSchema), metadata={"description": "oldest month first"})
