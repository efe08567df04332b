from __future__ import annotations

import marshmallow as ma

from ...core.schemas import BaseSchema, Id, Str, choice
from .models import TENANT_STATUSES


class TenantSchema(BaseSchema):
    id = Id(dump_only=True)
    code = ma.fields.String()
    name = ma.fields.String()
    region_code = ma.fields.String()
    province = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    contact_phone = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    version = ma.fields.Integer()


class TenantCreateSchema(BaseSchema):
    code = Str(required=True, max_length=40, validate=[ma.validate.Regexp(r"^[a-z][a-z0-9\-]{1,39}$",
               error="代码只能由小写字母、数字和横线组成，以字母开头")])
    name = Str(required=True, max_length=100)
    region_code = Str(required=True, max_length=6, validate=[ma.validate.Regexp(r"^\d{6}$", error="行政区划代码应为6位数字")])
    province = Str(max_length=40, allow_none=True)
    city = Str(max_length=40, allow_none=True)
    address = Str(max_length=200, allow_none=True)
    contact_phone = Str(max_length=40, allow_none=True)
    admin_username = Str(required=True, max_length=60, validate=[ma.validate.Regexp(
        r"^[A-Za-z0-9_.\-]{3,60}$", error="用户名只能包含字母、数字、下划线、点和横线，3到60位")])
    admin_password = ma.fields.String(required=True, validate=ma.validate.Length(max=128))
    admin_display_name = Str(required=True, max_length=60)


class TenantUpdateSchema(BaseSchema):
    name = Str(max_length=100)
    province = Str(max_length=40, allow_none=True)
    city = Str(max_length=40, allow_none=True)
    address = Str(max_length=200, allow_none=True)
    contact_phone = Str(max_length=40, allow_none=True)
    status = ma.fields.String(validate=choice(TENANT_STATUSES, "状态"))
