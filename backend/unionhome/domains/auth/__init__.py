"""Accounts, sessions and the per-request principal."""

from __future__ import annotations

from flask import Flask, g, request

from ...core.security import check_csrf, ensure_csrf_cookie
from ...core.tenancy import clear_context, set_request_tenant


def init_app(app: Flask) -> None:
    @app.before_request
    def _load_principal() -> None:
        clear_context()
        g.uh_ctx = None
        if not request.path.startswith("/api/"):
            return
        check_csrf()
        from .services import resolve_session

        ctx = resolve_session(request.cookies.get(app.config["SESSION_COOKIE_NAME"]), request.remote_addr)
        g.uh_ctx = ctx
        set_request_tenant(ctx.tenant_id if ctx else None)

    @app.after_request
    def _csrf_cookie(response):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            ensure_csrf_cookie(response)
        return response

    @app.teardown_request
    def _clear(_exc: BaseException | None) -> None:
        clear_context()


__all__ = ["init_app"]
