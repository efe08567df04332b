"""Login, sessions, password changes, the platform admin's tenant switch, and user management."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import delete, func, or_, select

from ...core import audit
from ...core.audit import AuditLog
from ...core.db import transaction
from ...core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from ...core.passwords import hash_password, needs_rehash, password_problems, verify_password
from ...core.redis import get_redis
from ...core.security import RequestContext
from ...core.tenancy import system_context, tenant_context
from ...extensions import db
from ..orgs.models import Org
from ..tenants.models import Tenant
from .models import AuthSession, User
from .permissions import ROLE_LABELS, permissions_for

log = logging.getLogger(__name__)

BAD_CREDENTIALS = "用户名或密码错误"


def _now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _throttle_ip(ip: str | None) -> None:
    """At most LOGIN_IP_LIMIT_PER_MINUTE attempts per client address per minute."""
    if not ip:
        return
    limit = current_app.config["LOGIN_IP_LIMIT_PER_MINUTE"]
    key = f"uh:login:ip:{ip}:{int(_now().timestamp() // 60)}"
    try:
        r = get_redis()
        count = r.incr(key)
        if count == 1:
            r.expire(key, 120)
    except RedisError:  # throttling must not take logins down with Redis; the lockout still applies
        log.warning("login throttle unavailable (redis)")
        return
    if int(count) > limit:  # type: ignore[arg-type]
        raise TooManyRequests("登录尝试过于频繁，请一分钟后再试")


@dataclass
class LoginResult:
    token: str
    user: User


def login(username: str, password: str, *, ip: str | None, user_agent: str | None) -> LoginResult:
    _throttle_ip(ip)
    with system_context("login"), transaction():
        user = db.session.execute(
            select(User).where(func.lower(User.username) == username.strip().lower())
        ).scalar_one_or_none()
        now = _now()
        if user is not None and user.locked_until is not None and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            raise TooManyRequests(f"账户已锁定，请{minutes}分钟后再试")
        ok = verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.is_active:
            if user is not None and not ok:
                _register_failure(user, now)
            db.session.commit()
            raise Unauthorized(BAD_CREDENTIALS if (user is None or not ok) else "账户已停用，请联系管理员")
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        token = secrets.token_urlsafe(32)
        db.session.add(AuthSession(
            token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
            expires_at=now + current_app.config["SESSION_ABSOLUTE_TIMEOUT"], ip=ip,
            user_agent=(user_agent or "")[:300],
        ))
        if user.tenant_id is not None:
            audit.record(_ctx_for(user, ip), "auth.login", "user", user.id, tenant_id=user.tenant_id)
        return LoginResult(token=token, user=user)


def _register_failure(user: User, now: datetime) -> None:
    user.failed_logins += 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
        user.failed_logins = 0
        if user.tenant_id is not None:
            audit.record(_ctx_for(user, None), "auth.lockout", "user", user.id, tenant_id=user.tenant_id)


def _ctx_for(user: User, ip: str | None) -> Any:
    return RequestContext(user_id=user.id, username=user.username, display_name=user.display_name,
                          role=user.role, tenant_id=user.tenant_id, permissions=frozenset(), ip=ip)


def logout(token: str | None) -> None:
    if not token:
        return
    with system_context("logout"), transaction():
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == _token_hash(token)))


def resolve_session(token: str | None, ip: str | None) -> RequestContext | None:
    """The principal behind a session cookie, or None if it is missing, expired or revoked."""
    if not token:
        return None
    now = _now()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    with system_context("resolve session"):
        row = db.session.execute(
            select(AuthSession, User).join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == _token_hash(token))
        ).one_or_none()
        if row is None:
            return None
        sess, user = row
        if sess.expires_at <= now or sess.last_seen_at + idle <= now or not user.is_active:
            db.session.delete(sess)
            db.session.commit()
            return None
        if now - sess.last_seen_at > timedelta(minutes=1):
            sess.last_seen_at = now
            db.session.commit()
        is_platform = user.role == "platform_admin"
        tenant_id = sess.acting_tenant_id if is_platform else user.tenant_id
        scope_org_id = user.scope_org_id
        scope_path: str | None = None
        scope_is_root = True
        if tenant_id is not None and not is_platform and scope_org_id is not None:
            org = db.session.get(Org, (tenant_id, scope_org_id))
            if org is None:  # scope org vanished: no access rather than all access
                return None
            scope_path, scope_is_root = org.path, org.parent_id is None
        elif tenant_id is not None and not is_platform:
            return None  # a tenant user always has a scope
        ctx = RequestContext(
            user_id=user.id, username=user.username, display_name=user.display_name, role=user.role,
            tenant_id=tenant_id,
            permissions=permissions_for(user.role, switched_into_tenant=is_platform and tenant_id is not None),
            scope_org_id=scope_org_id if not is_platform else None, scope_path=scope_path,
            scope_is_root=scope_is_root, is_platform_admin=is_platform, session_id=sess.id, ip=ip,
            extra={"must_change_password": user.must_change_password},
        )
        db.session.commit()
        return ctx


def me(ctx: RequestContext) -> dict[str, Any]:
    with system_context("me"):
        user = db.session.get(User, ctx.user_id)
        assert user is not None
        tenant = db.session.get(Tenant, ctx.tenant_id) if ctx.tenant_id is not None else None
        scope = None
        if ctx.tenant_id is not None:
            if ctx.scope_org_id is not None:
                org = db.session.get(Org, (ctx.tenant_id, ctx.scope_org_id))
            else:
                org = db.session.execute(
                    select(Org).where(Org.tenant_id == ctx.tenant_id, Org.parent_id.is_(None)).limit(1)
                ).scalar_one_or_none()
            if org is not None:
                scope = {"org_id": org.id, "org_name": org.name, "org_type": org.org_type,
                         "is_root": org.parent_id is None}
        # Build the plain result while the rows are readable (outside, RLS may hide them).
        return {
            "user": user_view(user),
            "tenant": {c: getattr(tenant, c) for c in ("id", "code", "name", "region_code")} if tenant else None,
            "permissions": sorted(ctx.permissions),
            "scope": scope,
            "scope_org_ids": [scope["org_id"]] if scope else [],
            "is_platform_admin": ctx.is_platform_admin,
            "acting_tenant_switch": ctx.is_platform_admin and ctx.tenant_id is not None,
        }


def user_view(user: User) -> dict[str, Any]:
    data = {c: getattr(user, c) for c in ("id", "username", "display_name", "role", "tenant_id", "scope_org_id",
                                          "mobile", "is_active", "must_change_password", "last_login_at", "version")}
    data["role_label"] = ROLE_LABELS.get(user.role, user.role)
    return data


def change_password(ctx: RequestContext, current_password: str, new_password: str) -> None:
    with system_context("change password"), transaction():
        user = db.session.get(User, ctx.user_id)
        assert user is not None
        if not verify_password(user.password_hash, current_password):
            raise ValidationFailed({"current_password": "当前密码不正确"})
        problems = password_problems(new_password, user.username)
        if problems:
            raise ValidationFailed({"new_password": problems})
        if verify_password(user.password_hash, new_password):
            raise ValidationFailed({"new_password": "新密码不能与当前密码相同"})
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        user.password_changed_at = _now()
        # Every other session of this user ends; the current one stays.
        db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.id != ctx.session_id))
        if user.tenant_id is not None:
            audit.record(ctx, "auth.password_change", "user", user.id, tenant_id=user.tenant_id)


def switch_tenant(ctx: RequestContext, tenant_id: int | None) -> None:
    """A platform admin enters (or leaves) a tenant. Audited in the tenant entered or left."""
    if not ctx.is_platform_admin:
        raise PermissionDenied("只有平台管理员可以切换租户")
    with system_context("platform admin switches tenant"), transaction():
        sess = db.session.get(AuthSession, ctx.session_id)
        assert sess is not None
        if tenant_id is not None:
            tenant = db.session.get(Tenant, tenant_id)
            if tenant is None:
                raise NotFound("租户不存在")
            if tenant.status != "active":
                raise InvalidState("该租户已停用")
        if sess.acting_tenant_id is not None and sess.acting_tenant_id != tenant_id:
            audit.record(ctx, "platform.leave_tenant", "tenant", sess.acting_tenant_id,
                         tenant_id=sess.acting_tenant_id)
        if tenant_id is not None:
            audit.record(ctx, "platform.switch_tenant", "tenant", tenant_id,
                         {"from_tenant_id": sess.acting_tenant_id}, tenant_id=tenant_id)
        sess.acting_tenant_id = tenant_id


# ---------------------------------------------------------------------------------------------
# User management inside a tenant (federation admin)


def _scope_org(ctx: RequestContext, org_id: int) -> Org:
    org = db.session.get(Org, (ctx.require_tenant(), org_id))
    if org is None or not ctx.in_scope(org.path):
        raise ValidationFailed({"scope_org_id": "管辖组织不存在或不在您的管辖范围内"})
    return org


def list_users_stmt(ctx: RequestContext, q: str | None, role: str | None) -> Any:
    stmt = select(User).where(User.tenant_id == ctx.require_tenant()).order_by(User.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    if role:
        stmt = stmt.where(User.role == role)
    return stmt


def get_user(ctx: RequestContext, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.tenant_id != ctx.tenant_id:
        raise NotFound("用户不存在")
    return user


def create_user(ctx: RequestContext, data: dict[str, Any]) -> User:
    with transaction():
        _scope_org(ctx, data["scope_org_id"])
        problems = password_problems(data["password"], data["username"])
        if problems:
            raise ValidationFailed({"password": problems})
        with system_context("username uniqueness is platform-wide"):
            taken = db.session.execute(
                select(User.id).where(func.lower(User.username) == data["username"].lower())
            ).first()
        if taken:
            raise Conflict("用户名已被使用", {"json": {"username": ["用户名已被使用"]}})
        user = User(
            tenant_id=ctx.tenant_id, username=data["username"], display_name=data["display_name"],
            password_hash=hash_password(data["password"]), role=data["role"], scope_org_id=data["scope_org_id"],
            mobile=data.get("mobile"), must_change_password=True,
        )
        db.session.add(user)
        db.session.flush()
        audit.record(ctx, "user.create", "user", user.id, audit.snapshot(user))
    return user


def update_user(ctx: RequestContext, user: User, data: dict[str, Any]) -> User:
    with transaction():
        if "scope_org_id" in data:
            _scope_org(ctx, data["scope_org_id"])
        for key, value in data.items():
            setattr(user, key, value)
        changes = audit.diff(user)
        if user.id == ctx.user_id and ("role" in changes or data.get("is_active") is False):
            raise ValidationFailed({"role": "不能修改自己的角色或停用自己"})
        if data.get("is_active") is False:
            db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        audit.record(ctx, "user.update", "user", user.id, changes)
    return user


def reset_password(ctx: RequestContext, user: User, new_password: str) -> None:
    with transaction():
        problems = password_problems(new_password, user.username)
        if problems:
            raise ValidationFailed({"new_password": problems})
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        audit.record(ctx, "user.reset_password", "user", user.id)


def tenant_scope(ctx: RequestContext) -> Any:
    return tenant_context(ctx.require_tenant())


def audit_log_stmt(ctx: RequestContext, args: dict[str, Any]) -> Any:
    """The tenant's audit trail, newest first (federation admins and auditors)."""
    stmt = select(AuditLog).where(AuditLog.tenant_id == ctx.require_tenant())
    for key in ("entity_type", "entity_id", "actor_user_id", "action"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(AuditLog, key) == args[key])
    if args.get("since"):
        stmt = stmt.where(AuditLog.at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(AuditLog.at < args["until"])
    return stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc())
