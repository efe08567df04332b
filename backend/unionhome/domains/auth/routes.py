"""Auth endpoints: /api/v1/auth/*, /api/v1/me and tenant user management /api/v1/users."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, make_response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ...core.pagination import paginate
from ...core.security import (
    current_csrf_token,
    current_ctx,
    ensure_exists,
    login_required,
    new_csrf_token,
    require_permission,
)
from . import services
from .permissions import AUDIT_READ, USERS_MANAGE
from .schemas import (
    AuditLogQueryArgsSchema,
    AuditLogSchema,
    CsrfSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    SwitchTenantSchema,
    UserCreateSchema,
    UserQueryArgsSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录、会话与账号 / Login, sessions and accounts")


@blp.route("/auth/csrf")
class Csrf(MethodView):
    @blp.response(200, CsrfSchema)
    def get(self) -> dict[str, str]:
        """Get (and set as cookie) the CSRF token to echo in `X-CSRF-Token` on unsafe requests."""
        return {"csrf_token": current_csrf_token() or new_csrf_token()}


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="用户名或密码错误")
    @blp.alt_response(429, description="尝试过于频繁或账户已锁定")
    def post(self, data: dict[str, Any]) -> Any:
        """Log in with username and password; sets the session cookie."""
        result = services.login(data["username"], data["password"], ip=request.remote_addr,
                                user_agent=request.headers.get("User-Agent"))
        ctx = services.resolve_session(result.token, request.remote_addr)
        assert ctx is not None
        body = MeSchema().dump(services.me(ctx))
        response = make_response(jsonify(body), 200)
        cfg = current_app.config
        response.set_cookie(cfg["SESSION_COOKIE_NAME"], result.token, httponly=True, samesite="Lax",
                            secure=cfg["SESSION_COOKIE_SECURE"], path="/")
        # A fresh CSRF token after login (session fixation hygiene).
        response.set_cookie(cfg["CSRF_COOKIE_NAME"], new_csrf_token(), httponly=False, samesite="Lax",
                            secure=cfg["SESSION_COOKIE_SECURE"], path="/")
        return response


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> Any:
        """End the current session."""
        services.logout(request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]))
        response = make_response("", 204)
        response.delete_cookie(current_app.config["SESSION_COOKIE_NAME"], path="/")
        return response


@blp.route("/auth/password")
class PasswordChange(MethodView):
    @login_required
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, data: dict[str, Any]) -> None:
        """Change the current user's password; other sessions of the user end."""
        services.change_password(current_ctx(), data["current_password"], data["new_password"])


@blp.route("/auth/switch-tenant")
class SwitchTenant(MethodView):
    @require_permission("tenants.switch")
    @blp.arguments(SwitchTenantSchema)
    @blp.response(200, MeSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Platform admin: act inside a tenant (or leave it with `tenant_id: null`). Audited."""
        ctx = current_ctx()
        services.switch_tenant(ctx, data["tenant_id"])
        new_ctx = services.resolve_session(request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]),
                                           request.remote_addr)
        assert new_ctx is not None
        return services.me(new_ctx)


@blp.route("/me")
class Me(MethodView):
    @login_required
    @blp.response(200, MeSchema)
    def get(self) -> Any:
        """The current user, tenant, permissions and org scope."""
        return services.me(current_ctx())


@blp.route("/users")
class Users(MethodView):
    @require_permission(USERS_MANAGE)
    @blp.arguments(UserQueryArgsSchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Users of the current tenant."""
        stmt = services.list_users_stmt(current_ctx(), args.get("q"), args.get("role"))
        return [services.user_view(u) for u in paginate(stmt, pagination_parameters)]

    @require_permission(USERS_MANAGE)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user in the current tenant (must change the password at first login)."""
        return services.user_view(services.create_user(current_ctx(), data))


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    @require_permission(USERS_MANAGE)
    @ensure_exists(services.get_user, "user_id")
    @blp.response(200, UserSchema)
    def get(self, user_id: int) -> Any:
        """One user of the current tenant."""
        return services.user_view(services.get_user(current_ctx(), user_id))

    @require_permission(USERS_MANAGE)
    @ensure_exists(services.get_user, "user_id")
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data: dict[str, Any], user_id: int) -> Any:
        """Change a user's name, role, scope or active flag."""
        ctx = current_ctx()
        return services.user_view(services.update_user(ctx, services.get_user(ctx, user_id), data))


@blp.route("/users/<int:user_id>/reset-password")
class UserResetPassword(MethodView):
    @require_permission(USERS_MANAGE)
    @ensure_exists(services.get_user, "user_id")
    @blp.arguments(PasswordResetSchema)
    @blp.response(204)
    def post(self, data: dict[str, Any], user_id: int) -> None:
        """Set a new password for a user, who must change it at next login; ends their sessions."""
        ctx = current_ctx()
        services.reset_password(ctx, services.get_user(ctx, user_id), data["new_password"])


@blp.route("/audit-log")
class AuditLogList(MethodView):
    @require_permission(AUDIT_READ)
    @blp.arguments(AuditLogQueryArgsSchema, location="query")
    @blp.response(200, AuditLogSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Who changed what, when (and every reveal of a full ID number), newest first."""
        return paginate(services.audit_log_stmt(current_ctx(), args), pagination_parameters)
