"""Platform administration of tenants (one tenant = one county federation)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ...core import audit
from ...core.db import transaction
from ...core.errors import Conflict, NotFound, ValidationFailed
from ...core.passwords import hash_password, password_problems
from ...core.security import RequestContext
from ...core.tenancy import system_context, tenant_context
from ...extensions import db
from .models import Tenant


def list_stmt() -> Any:
    return select(Tenant).order_by(Tenant.id)


def get_tenant(tenant_id: int) -> Tenant:
    with system_context("platform admin reads tenant"):
        tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("租户不存在")
    return tenant


def create_tenant(ctx: RequestContext, data: dict[str, Any]) -> Tenant:
    """A new county: the tenant row, its root federation org and its first federation admin."""
    from ..auth.models import User
    from ..orgs.services.tree import create_root

    problems = password_problems(data["admin_password"], data["admin_username"])
    if problems:
        raise ValidationFailed({"admin_password": problems})
    with system_context("platform admin creates tenant"), transaction():
        if db.session.execute(select(Tenant.id).where(Tenant.code == data["code"])).first():
            raise Conflict("租户代码已存在", {"json": {"code": ["租户代码已存在"]}})
        if db.session.execute(select(User.id).where(func.lower(User.username) == data["admin_username"].lower())).first():
            raise Conflict("用户名已被使用", {"json": {"admin_username": ["用户名已被使用"]}})
        tenant = Tenant(**{k: data.get(k) for k in ("code", "name", "region_code", "province", "city", "address",
                                                    "contact_phone")})
        db.session.add(tenant)
        db.session.flush()
    with tenant_context(tenant.id), transaction():
        root = create_root(tenant.id, tenant.name)
        admin = User(tenant_id=tenant.id, username=data["admin_username"], display_name=data["admin_display_name"],
                     password_hash=hash_password(data["admin_password"]), role="federation_admin",
                     scope_org_id=root.id, must_change_password=True)
        db.session.add(admin)
        audit.record(ctx, "tenant.create", "tenant", tenant.id, {"name": tenant.name, "by_platform_admin": ctx.username})
    return tenant


def update_tenant(ctx: RequestContext, tenant_id: int, data: dict[str, Any]) -> Tenant:
    with system_context("platform admin updates tenant"), transaction():
        tenant = db.session.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("租户不存在")
        for key, value in data.items():
            setattr(tenant, key, value)
        audit.record(ctx, "tenant.update", "tenant", tenant.id, audit.diff(tenant), tenant_id=tenant.id)
    return tenant
