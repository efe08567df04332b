"""The current principal (`RequestContext`), CSRF double-submit, and permission decorators.

Services take a `RequestContext` instead of touching `request`/`g` (STYLE §6.1); routes get it from
`current_ctx()`. The auth domain resolves the session cookie into a context before each request.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from .errors import NotFound, PermissionDenied, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RequestContext:
    user_id: int
    username: str
    display_name: str
    role: str
    tenant_id: int | None
    permissions: frozenset[str]
    # The user's org subtree: None for tenant-wide access (federation root) or no tenant.
    scope_org_id: int | None = None
    scope_path: str | None = None
    scope_is_root: bool = True
    is_platform_admin: bool = False
    session_id: int | None = None
    ip: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDenied("没有执行此操作的权限")

    def require_tenant(self) -> int:
        if self.tenant_id is None:
            raise PermissionDenied("请先切换到一个租户（县总工会）")
        return self.tenant_id

    def in_scope(self, path: str) -> bool:
        """Is an org with materialised `path` inside the user's subtree?"""
        return self.scope_is_root or (self.scope_path is not None and path.startswith(self.scope_path))

    def as_actor(self) -> dict[str, Any]:
        """The user as plain JSON, for a background job that acts on the user's behalf (`from_actor`)."""
        return {"user_id": self.user_id, "username": self.username, "display_name": self.display_name,
                "role": self.role, "permissions": sorted(self.permissions), "scope_org_id": self.scope_org_id,
                "scope_path": self.scope_path, "scope_is_root": self.scope_is_root}

    @classmethod
    def from_actor(cls, actor: dict[str, Any], tenant_id: int) -> RequestContext:
        """The context a job acts in, from `as_actor()`'s JSON, in `tenant_id`."""
        return cls(user_id=actor["user_id"], username=actor["username"], display_name=actor["display_name"],
                   role=actor["role"], tenant_id=tenant_id, permissions=frozenset(actor["permissions"]),
                   scope_org_id=actor["scope_org_id"], scope_path=actor["scope_path"],
                   scope_is_root=actor["scope_is_root"])


def current_ctx() -> RequestContext:
    ctx = getattr(g, "uh_ctx", None)
    if ctx is None:
        raise Unauthorized("请先登录")
    return ctx


def current_ctx_or_none() -> RequestContext | None:
    return getattr(g, "uh_ctx", None)


def login_required(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_ctx()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_permission(permission: str, *, hide: bool = False) -> Callable[[F], F]:
    """Route decorator. `hide=True` answers 404 instead of 403 (platform endpoints with ids, so a
    tenant user cannot tell them from missing ones)."""

    def decorator(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            ctx = current_ctx()
            if permission not in ctx.permissions:
                if hide:
                    raise NotFound("记录不存在")
                raise PermissionDenied("没有执行此操作的权限")
            if permission not in _PLATFORM_PERMISSIONS:
                ctx.require_tenant()
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


_PLATFORM_PERMISSIONS = frozenset({"tenants.manage", "tenants.switch"})


# ---------------------------------------------------------------------------------------------
# CSRF: double submit. The server sets a readable `csrf_token` cookie; unsafe requests echo it in
# the X-CSRF-Token header. A cross-site page can make the browser send the cookie but cannot read it.
# The token is minted only by GET /auth/csrf (when the client has none) and by login: were every
# cookie-less answer to mint one, a client's first requests in parallel would each set a different
# cookie, and the token it read from /auth/csrf could be replaced before it used it (a 403).


def ensure_csrf_cookie(response: Any) -> Any:
    token = getattr(g, "uh_new_csrf", None)
    if token is not None:
        response.set_cookie(
            current_app.config["CSRF_COOKIE_NAME"], token, httponly=False, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
            path="/",
        )
    return response


def new_csrf_token() -> str:
    token = secrets.token_urlsafe(32)
    g.uh_new_csrf = token
    return token


def current_csrf_token() -> str:
    return getattr(g, "uh_new_csrf", None) or request.cookies.get(current_app.config["CSRF_COOKIE_NAME"]) or ""


def check_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    cookie = request.cookies.get(current_app.config["CSRF_COOKIE_NAME"], "")
    header = request.headers.get(current_app.config["CSRF_HEADER_NAME"], "")
    if not cookie or not header or not hmac.compare_digest(cookie, header):
        raise PermissionDenied("CSRF 校验失败：请刷新页面后重试")


def ensure_exists(loader: Callable[[RequestContext, int], Any], id_arg: str) -> Callable[[F], F]:
    """Route decorator, placed right under the permission check: answer 404 for a missing, foreign or
    out-of-scope id *before* the body or If-Match is looked at, so a probe learns nothing."""

    def decorator(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            loader(current_ctx(), kwargs[id_arg])
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
