"""UnionHome (职工之家云): the Flask application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .config import Config
from .core import tenancy
from .core.db import app_database_url, install_session_hooks
from .core.errors import register_error_handlers
from .extensions import api, db, migrate


class BigintConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    # Path ids beyond bigint answer 404 (no route) instead of reaching the database.
    app.url_map.converters["int"] = BigintConverter
    app.config.from_object(Config)
    app.config.from_prefixed_env("APP")
    if overrides:
        app.config.update(overrides)
    if app.config.get("BEHIND_PROXY"):
        # nginx in front (compose): trust one hop of X-Forwarded-* for client address and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable Chinese in responses
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep schema field order
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app_database_url(
            app.config["DATABASE_URL"], app.config["APP_DB_ROLE"], app.config["APP_DB_PASSWORD"]
        )
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))

    from .domains import register_models

    register_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    api.init_app(app)
    register_error_handlers(app)

    with app.app_context():
        tenancy.install(db.engine, Session)
        install_session_hooks(Session)

    from .domains import register_blueprints
    from .domains.auth import init_app as init_auth

    init_auth(app)
    register_blueprints(api)

    from .web import init_web

    init_web(app)

    @app.teardown_request
    def _end_session(_exc: BaseException | None) -> None:
        # One ORM session per request (also when an outer app context outlives the request).
        db.session.remove()

    from .cli import register_cli

    register_cli(app)
    return app
