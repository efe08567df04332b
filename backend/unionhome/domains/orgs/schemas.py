"""Schemas of the org register: output, create, update (partial) and query args per resource."""

from __future__ import annotations

import marshmallow as ma

from ...core.schemas import BaseSchema, Id, Str, choice
from .models import (
    CADRE_POSTS,
    EMPLOYMENT_TYPES,
    MEMBER_CARD_STATUSES,
    MEMBER_STATUSES,
    ORG_TYPES,
    OWNERSHIP_TYPES,
    UNION_STATUSES,
)

F = ma.fields
PHONE = [ma.validate.Regexp(r"^[0-9\-+ ()转]{5,40}$", error="电话号码格式不正确")]


# ---- orgs -------------------------------------------------------------------------------------

class OrgSchema(BaseSchema):
    id = Id()
    parent_id = Id(allow_none=True)
    parent_name = F.String(allow_none=True)
    path = F.String()
    depth = F.Integer()
    name = F.String()
    short_name = F.String(allow_none=True)
    org_type = F.String()
    org_type_label = F.String()
    employer_id = Id(allow_none=True)
    approval_number = F.String(allow_none=True)
    approval_date = F.Date(allow_none=True)
    founded_date = F.Date(allow_none=True)
    reelection_due_date = F.Date(allow_none=True)
    office_address = F.String(allow_none=True)
    office_phone = F.String(allow_none=True)
    project_name = F.String(allow_none=True)
    project_end_date = F.Date(allow_none=True)
    is_active = F.Boolean()
    remark = F.String(allow_none=True)
    child_count = F.Integer()
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class OrgWritableFields(BaseSchema):
    name = Str(max_length=200)
    short_name = Str(max_length=60, allow_none=True)
    org_type = F.String(validate=choice(ORG_TYPES, "组织类型"))
    employer_id = Id(allow_none=True)
    approval_number = Str(max_length=60, allow_none=True)
    approval_date = F.Date(allow_none=True)
    founded_date = F.Date(allow_none=True)
    reelection_due_date = F.Date(allow_none=True)
    office_address = Str(max_length=200, allow_none=True)
    office_phone = Str(max_length=40, allow_none=True, validate=PHONE)
    project_name = Str(max_length=200, allow_none=True)
    project_end_date = F.Date(allow_none=True)
    is_active = F.Boolean()
    remark = Str(max_length=2000, allow_none=True)

    @ma.validates_schema
    def _dates(self, data: dict, **kwargs: object) -> None:
        if data.get("reelection_due_date") and data.get("founded_date") and data["reelection_due_date"] < data["founded_date"]:
            raise ma.ValidationError("换届日期不能早于成立日期", "reelection_due_date")


class OrgCreateSchema(OrgWritableFields):
    parent_id = Id(required=True)
    name = Str(required=True, max_length=200)
    org_type = F.String(required=True, validate=choice(ORG_TYPES, "组织类型"))


class OrgUpdateSchema(OrgWritableFields):
    pass


class OrgMoveSchema(BaseSchema):
    parent_id = Id(required=True)


class OrgQueryArgsSchema(BaseSchema):
    q = Str(max_length=100)
    parent_id = Id(metadata={"description": "direct children of this org"})
    under = F.Integer(metadata={"description": "the whole subtree below this org"})
    org_type = F.String(validate=choice(ORG_TYPES, "组织类型"))
    roots = F.Boolean(metadata={"description": "only the top of the user's scope"})


# ---- employers --------------------------------------------------------------------------------

class EmployerSchema(BaseSchema):
    id = Id()
    name = F.String()
    credit_code = F.String()
    ownership_type = F.String()
    sector = F.String(allow_none=True)
    staff_count = F.Integer()
    women_count = F.Integer()
    migrant_count = F.Integer()
    address = F.String(allow_none=True)
    legal_representative = F.String(allow_none=True)
    contact_phone = F.String(allow_none=True)
    township_org_id = Id(allow_none=True)
    union_status = F.String()
    covering_org_id = Id(allow_none=True)
    remark = F.String(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class EmployerWritableFields(BaseSchema):
    name = Str(max_length=200)
    credit_code = Str(max_length=40)
    ownership_type = F.String(validate=choice(OWNERSHIP_TYPES, "单位性质"))
    sector = Str(max_length=60, allow_none=True)
    staff_count = F.Integer(validate=ma.validate.Range(min=0, max=1_000_000, error="职工人数应在0到1000000之间"))
    women_count = F.Integer(validate=ma.validate.Range(min=0, max=1_000_000, error="女职工人数应在0到1000000之间"))
    migrant_count = F.Integer(validate=ma.validate.Range(min=0, max=1_000_000, error="农民工人数应在0到1000000之间"))
    address = Str(max_length=200, allow_none=True)
    legal_representative = Str(max_length=60, allow_none=True)
    contact_phone = Str(max_length=40, allow_none=True, validate=PHONE)
    township_org_id = Id(allow_none=True)
    union_status = F.String(validate=choice(UNION_STATUSES, "建会状态"))
    covering_org_id = Id(allow_none=True)
    remark = Str(max_length=2000, allow_none=True)


class EmployerCreateSchema(EmployerWritableFields):
    name = Str(required=True, max_length=200)
    credit_code = Str(required=True, max_length=40)
    ownership_type = F.String(required=True, validate=choice(OWNERSHIP_TYPES, "单位性质"))
    staff_count = F.Integer(required=True, validate=ma.validate.Range(min=0, max=1_000_000))


class EmployerUpdateSchema(EmployerWritableFields):
    pass


class EmployerQueryArgsSchema(BaseSchema):
    q = Str(max_length=100, metadata={"description": "name contains, or exact credit code"})
    ownership_type = F.String(validate=choice(OWNERSHIP_TYPES, "单位性质"))
    union_status = F.String(validate=choice(UNION_STATUSES, "建会状态"))
    township_org_id = Id()
    covering_org_id = Id()
    sector = Str(max_length=60)
    min_staff = F.Integer(validate=ma.validate.Range(min=0, max=10_000_000))
    max_staff = F.Integer(validate=ma.validate.Range(min=0, max=10_000_000))
    sort = F.String(validate=choice(["name", "-name", "staff_count", "-staff_count", "created_at", "-created_at"], "排序"))


# ---- members ----------------------------------------------------------------------------------

class MemberSchema(BaseSchema):
    id = Id()
    name = F.String()
    id_number_masked = F.String(metadata={"description": "e.g. 410721********1234"})
    gender = F.String()
    birth_date = F.Date()
    mobile = F.String(allow_none=True)
    org_id = Id()
    org_name = F.String(allow_none=True)
    employer_id = Id(allow_none=True)
    employer_name = F.String(allow_none=True)
    join_date = F.Date(allow_none=True)
    employment_type = F.String()
    member_card_status = F.String()
    member_card_number = F.String(allow_none=True)
    status = F.String()
    remark = F.String(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class MemberWritableFields(BaseSchema):
    name = Str(max_length=60)
    id_number = Str(max_length=40)
    mobile = Str(max_length=20, allow_none=True)
    org_id = Id()
    employer_id = Id(allow_none=True)
    join_date = F.Date(allow_none=True)
    employment_type = F.String(validate=choice(EMPLOYMENT_TYPES, "用工类型"))
    member_card_status = F.String(validate=choice(MEMBER_CARD_STATUSES, "会员卡状态"))
    member_card_number = Str(max_length=30, allow_none=True)
    remark = Str(max_length=2000, allow_none=True)


class MemberCreateSchema(MemberWritableFields):
    name = Str(required=True, max_length=60)
    id_number = Str(required=True, max_length=40)
    org_id = Id(required=True)


class MemberUpdateSchema(MemberWritableFields):
    pass


class MemberQueryArgsSchema(BaseSchema):
    q = Str(max_length=60, metadata={"description": "name prefix, full ID number, mobile, or last 4 ID digits"})
    org_id = Id()
    under = F.Integer()
    employer_id = Id()
    employment_type = F.String(validate=choice(EMPLOYMENT_TYPES, "用工类型"))
    member_card_status = F.String(validate=choice(MEMBER_CARD_STATUSES, "会员卡状态"))
    status = F.String(validate=choice(MEMBER_STATUSES, "会籍状态"))
    gender = F.String(validate=choice(["M", "F"], "性别"))
    joined_from = F.Date()
    joined_to = F.Date()
    sort = F.String(validate=choice(["name", "-name", "join_date", "-join_date", "birth_date", "-birth_date"], "排序"))


class IdNumberRevealSchema(BaseSchema):
    id_number = F.String()


class MemberTransferCreateSchema(BaseSchema):
    to_org_id = Id(required=True)
    to_employer_id = Id(allow_none=True)
    transfer_date = F.Date(required=True)
    reason = Str(max_length=200, allow_none=True)


class MemberTransferSchema(BaseSchema):
    id = Id()
    member_id = Id()
    member_name = F.String(allow_none=True)
    from_org_id = Id()
    from_org_name = F.String(allow_none=True)
    to_org_id = Id()
    to_org_name = F.String(allow_none=True)
    transfer_date = F.Date()
    reason = F.String(allow_none=True)
    created_at = F.DateTime()


class MemberTransferQueryArgsSchema(BaseSchema):
    member_id = Id()
    under = F.Integer()
    date_from = F.Date()
    date_to = F.Date()


# ---- cadres -----------------------------------------------------------------------------------

class CadreSchema(BaseSchema):
    id = Id()
    name = F.String()
    gender = F.String(allow_none=True)
    member_id = Id(allow_none=True)
    org_id = Id()
    org_name = F.String(allow_none=True)
    post = F.String()
    full_time = F.Boolean()
    term_start = F.Date(allow_none=True)
    term_end = F.Date(allow_none=True)
    office_phone = F.String(allow_none=True)
    mobile = F.String(allow_none=True)
    duties = F.String(allow_none=True)
    is_current = F.Boolean()
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class CadreWritableFields(BaseSchema):
    name = Str(max_length=60)
    gender = F.String(validate=choice(["M", "F"], "性别"), allow_none=True)
    member_id = Id(allow_none=True)
    org_id = Id()
    post = F.String(validate=choice(CADRE_POSTS, "职务"))
    full_time = F.Boolean()
    term_start = F.Date(allow_none=True)
    term_end = F.Date(allow_none=True)
    office_phone = Str(max_length=40, allow_none=True, validate=PHONE)
    mobile = Str(max_length=20, allow_none=True)
    duties = Str(max_length=500, allow_none=True)
    is_current = F.Boolean()


class CadreCreateSchema(CadreWritableFields):
    org_id = Id(required=True)
    post = F.String(required=True, validate=choice(CADRE_POSTS, "职务"))


class CadreUpdateSchema(CadreWritableFields):
    pass


class CadreQueryArgsSchema(BaseSchema):
    q = Str(max_length=60)
    org_id = Id()
    under = F.Integer()
    post = F.String(validate=choice(CADRE_POSTS, "职务"))
    full_time = F.Boolean()
    is_current = F.Boolean()


# ---- reference data & indicators ---------------------------------------------------------------

class CodeLabelSchema(BaseSchema):
    code = F.String()
    label = F.String()


class CodebookSchema(BaseSchema):
    org_types = F.List(F.Nested(CodeLabelSchema))
    ownership_types = F.List(F.Nested(CodeLabelSchema))
    union_statuses = F.List(F.Nested(CodeLabelSchema))
    employment_types = F.List(F.Nested(CodeLabelSchema))
    member_card_statuses = F.List(F.Nested(CodeLabelSchema))
    member_statuses = F.List(F.Nested(CodeLabelSchema))
    cadre_posts = F.List(F.Nested(CodeLabelSchema))
