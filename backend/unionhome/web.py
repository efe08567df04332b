"""Non-API routes: the built SPA at "/" (embedded demo; nginx serves it in compose), Swagger UI assets,
and the health endpoint."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, jsonify, send_from_directory
from sqlalchemy import text

from .extensions import db

REPO_ROOT = Path(__file__).resolve().parents[2]

FALLBACK_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>职工之家云 UnionHome</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>职工之家云 UnionHome</h1><p>前端尚未构建（运行 <code>make demo</code> 会自动构建）。</p>
<p><a href="/api/docs">API 文档 / API docs</a></p></body></html>"""


def init_web(app: Flask) -> None:
    dist = Path(app.config.get("FRONTEND_DIST") or REPO_ROOT / "frontend" / "dist")

    try:
        import swagger_ui_bundle

        swagger_dir = Path(swagger_ui_bundle.swagger_ui_path)
    except ImportError:  # pragma: no cover - the dependency is pinned
        swagger_dir = None

    @app.get("/api/static/swagger-ui/<path:filename>")
    def _swagger_assets(filename: str):  # type: ignore[no-untyped-def]
        if swagger_dir is None:
            abort(404)
        return send_from_directory(swagger_dir, filename)

    @app.get("/healthz")
    def _health():  # type: ignore[no-untyped-def]
        db.session.execute(text("select 1"))
        db.session.rollback()
        return jsonify({"status": "ok"})

    @app.get("/")
    @app.get("/<path:path>")
    def _spa(path: str = ""):  # type: ignore[no-untyped-def]
        if path.startswith("api/"):
            abort(404)
        if (dist / "index.html").is_file():
            if path and (dist / path).is_file():
                return send_from_directory(dist, path)
            response = send_from_directory(dist, "index.html")
            response.headers["Cache-Control"] = "no-cache"
            return response
        return FALLBACK_PAGE
