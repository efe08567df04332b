from __future__ import annotations

import marshmallow as ma

from ...core.schemas import BaseSchema, Id, Str, choice
from .permissions import ROLE_PERMISSIONS, TENANT_ROLES


class LoginSchema(BaseSchema):
    username = Str(required=True, max_length=60)
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=128))


class PasswordChangeSchema(BaseSchema):
    current_password = ma.fields.String(required=True, validate=ma.validate.Length(max=128))
    new_password = ma.fields.String(required=True, validate=ma.validate.Length(max=128))


class SwitchTenantSchema(BaseSchema):
    tenant_id = Id(required=True, allow_none=True, metadata={"description": "null leaves the tenant"})


class CsrfSchema(BaseSchema):
    csrf_token = ma.fields.String()


class UserSchema(BaseSchema):
    id = Id()
    username = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String(validate=choice(ROLE_PERMISSIONS))
    role_label = ma.fields.String()
    tenant_id = Id(allow_none=True)
    scope_org_id = Id(allow_none=True)
    mobile = ma.fields.String(allow_none=True)
    is_active = ma.fields.Boolean()
    must_change_password = ma.fields.Boolean()
    last_login_at = ma.fields.DateTime(allow_none=True)
    version = ma.fields.Integer()


class TenantBriefSchema(BaseSchema):
    id = Id()
    code = ma.fields.String()
    name = ma.fields.String()
    region_code = ma.fields.String()


class ScopeSchema(BaseSchema):
    org_id = Id()
    org_name = ma.fields.String()
    org_type = ma.fields.String()
    is_root = ma.fields.Boolean()


class MeSchema(BaseSchema):
    user = ma.fields.Nested(UserSchema)
    tenant = ma.fields.Nested(TenantBriefSchema, allow_none=True)
    permissions = ma.fields.List(ma.fields.String())
    scope = ma.fields.Nested(ScopeSchema, allow_none=True)
    scope_org_ids = ma.fields.List(ma.fields.Integer(), metadata={"description": "root of the user's subtree"})
    is_platform_admin = ma.fields.Boolean()
    acting_tenant_switch = ma.fields.Boolean()


class UserCreateSchema(BaseSchema):
    username = Str(required=True, max_length=60, validate=[ma.validate.Regexp(r"^[A-Za-z0-9_.\-]{3,60}$",
                   error="用户名只能包含字母、数字、下划线、点和横线，3到60位")])
    display_name = Str(required=True, max_length=60)
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=128))
    role = ma.fields.String(required=True, validate=choice(TENANT_ROLES, "角色"))
    scope_org_id = Id(required=True)
    mobile = Str(max_length=20, allow_none=True)


class UserUpdateSchema(BaseSchema):
    display_name = Str(max_length=60)
    role = ma.fields.String(validate=choice(TENANT_ROLES, "角色"))
    scope_org_id = Id()
    mobile = Str(max_length=20, allow_none=True)
    is_active = ma.fields.Boolean()


class UserQueryArgsSchema(BaseSchema):
    q = Str(max_length=60, metadata={"description": "username or display name contains"})
    role = ma.fields.String(validate=choice(TENANT_ROLES, "角色"))


class PasswordResetSchema(BaseSchema):
    new_password = ma.fields.String(required=True, validate=ma.validate.Length(max=128))


class AuditLogSchema(BaseSchema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_user_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    entity_type = ma.fields.String()
    entity_id = ma.fields.Integer(allow_none=True)
    changes = ma.fields.Dict(allow_none=True)
    ip = ma.fields.String(allow_none=True)


class AuditLogQueryArgsSchema(BaseSchema):
    entity_type = Str(max_length=60)
    entity_id = Id()
    actor_user_id = Id()
    action = Str(max_length=60)
    since = ma.fields.DateTime()
    until = ma.fields.DateTime()
