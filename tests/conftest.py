"""Test fixtures: real PostgreSQL, Redis and SeaweedFS started on free ports for the run.

- `services`: the three servers (throwaway, in a tmp dir), stopped at the end of the session.
- `app`: `create_app()` pointed at them; `database`: migrated once and seeded with two tiny demo
  counties (committed), which every test sees.
- `db_session` (autouse for tests that use `client`): each test runs inside one outer transaction
  on one connection; services' commits become savepoint releases; all is rolled back afterwards.
- `client`: a test client that handles the CSRF double-submit; `login_as(username)` logs in.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from infra.local.services import LocalServices, ServiceUrls


class _ConnectionBoundSession(Session):
    """A plain SQLAlchemy session (Flask-SQLAlchemy's own picks its engine itself, ignoring `bind`)."""

    def __init__(self, db: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)


TEST_PII_KEY = "dGVzdC1vbmx5LXBpaS1tYXN0ZXIta2V5LTMyYnl0ZSE="


@pytest.fixture(scope="session")
def services() -> Iterator[ServiceUrls]:
    tmp = Path(tempfile.mkdtemp(prefix="uh-test-"))
    svc = LocalServices(tmp, persistent=False)
    urls = svc.start()
    try:
        yield urls
    finally:
        svc.stop()


@pytest.fixture(scope="session")
def app(services: ServiceUrls) -> Any:
    from unionhome import create_app

    app = create_app({
        "TESTING": True,
        "DATABASE_URL": services.database_url,
        "REDIS_URL": services.redis_url,
        "S3_ENDPOINT_URL": services.s3_endpoint_url,
        "S3_ACCESS_KEY": services.s3_access_key,
        "S3_SECRET_KEY": services.s3_secret_key,
        "S3_REGION": services.s3_region,
        "PII_MASTER_KEY": TEST_PII_KEY,
        "SECRET_KEY": "test",
        "LOGIN_IP_LIMIT_PER_MINUTE": 10_000,
    })
    return app


@pytest.fixture(scope="session")
def database(app: Any) -> dict[str, Any]:
    """Migrate and seed once; returns the demo data handles (tenants, logins)."""
    from flask_migrate import upgrade

    from unionhome.demo.loader import seed_demo

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        logins = seed_demo(size="tiny")
    return {"logins": logins}


@pytest.fixture
def db_session(app: Any, database: dict[str, Any]) -> Iterator[Any]:
    from unionhome.extensions import db

    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": _ConnectionBoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


class ApiClient:
    """Flask test client that echoes the CSRF cookie in X-CSRF-Token on unsafe methods."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.http = app.test_client()
        self.user: dict[str, Any] | None = None

    def _csrf(self) -> str:
        cookie = self.http.get_cookie("csrf_token")
        if cookie is None:
            self.http.get("/api/v1/auth/csrf")
            cookie = self.http.get_cookie("csrf_token")
        assert cookie is not None
        return cookie.value

    def request(self, method: str, url: str, *, json_body: Any = None, headers: dict[str, str] | None = None,
                csrf: bool = True, **kwargs: Any) -> Any:
        headers = dict(headers or {})
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"} and csrf:
            headers.setdefault("X-CSRF-Token", self._csrf())
        if json_body is not None:
            kwargs["json"] = json_body
        return self.http.open(url, method=method.upper(), headers=headers, **kwargs)

    def get(self, url: str, **kw: Any) -> Any:
        return self.request("GET", url, **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.request("POST", url, json_body=json, **kw)

    def patch(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.request("PATCH", url, json_body=json, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.request("DELETE", url, **kw)

    def login(self, username: str, password: str) -> Any:
        return self.post("/api/v1/auth/login", {"username": username, "password": password})


class Logins:
    def __init__(self, logins: list[dict[str, Any]]) -> None:
        self.items = logins

    def find(self, tenant_index: int | None, role: str) -> dict[str, Any]:
        tenants = sorted({i["tenant"] for i in self.items if i["tenant"]})
        tenant = None if tenant_index is None else tenants[tenant_index]
        for item in self.items:
            if item["tenant"] == tenant and item["role"] == role:
                return item
        raise KeyError((tenant, role))


@pytest.fixture
def logins(database: dict[str, Any]) -> Logins:
    return Logins(database["logins"])


@pytest.fixture
def client(app: Any, db_session: Any) -> ApiClient:
    return ApiClient(app)


@pytest.fixture
def login_as(app: Any, db_session: Any, logins: Logins) -> Any:
    """`login_as(role, tenant=0)` → a logged-in ApiClient (tenant 0 or 1; None for the platform admin)."""

    def _login(role: str, tenant: int | None = 0) -> ApiClient:
        item = logins.find(tenant, role)
        c = ApiClient(app)
        resp = c.login(item["username"], item["password"])
        assert resp.status_code == 200, resp.get_json()
        c.user = resp.get_json()
        return c

    return _login


def pytest_configure(config: Any) -> None:
    os.environ.setdefault("UH_TESTING", "1")


def dump(resp: Any) -> str:
    return json.dumps(resp.get_json(), ensure_ascii=False, indent=1)
