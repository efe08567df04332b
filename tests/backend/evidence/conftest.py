"""Helpers for the evidence tests: sample files, presigned uploads with urllib, boto3 access to the
test SeaweedFS, and a `live` client on COMMITTED data for the flows a worker must see."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig
from sqlalchemy import create_engine, text

from unionhome.core.redis import get_redis

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64 + b"IEND\xaeB`\x82"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"\xef\xbb\xbf  <!DOCTYPE html><html><body><script>fetch('/api/v1/me')</script></body></html>"
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


def office_zip(kind: str = "word", *, macro: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("_rels/.rels", "<Relationships/>")
        zf.writestr(f"{kind}/document.xml", "<document>" + "职工之家" * 500 + "</document>")
        if macro:
            zf.writestr(f"{kind}/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def announce(client: Any, subject: tuple[str, int], data: bytes, filename: str, content_type: str | None,
             **extra: Any) -> Any:
    body = {"subject_type": subject[0], "subject_id": subject[1], "filename": filename, "size": len(data),
            "content_type": content_type, "sha256": sha(data), **extra}
    return client.post("/api/v1/evidence", body)


def http(url: str, *, method: str = "GET", data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def put_presigned(item: dict[str, Any], data: bytes) -> int:
    up = item["upload"]
    return http(up["url"], method=up["method"], data=data, headers=up["headers"])[0]


@pytest.fixture(scope="session")
def s3(app: Any) -> Any:
    """A plain boto3 client on the test SeaweedFS: the "someone with S3 credentials" of the tamper tests."""
    cfg = app.config
    return boto3.client(
        "s3", endpoint_url=cfg["S3_ENDPOINT_URL"], aws_access_key_id=cfg["S3_ACCESS_KEY"],
        aws_secret_access_key=cfg["S3_SECRET_KEY"], region_name=cfg["S3_REGION"],
        config=BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"},
                          request_checksum_calculation="when_required", response_checksum_validation="when_required"))


class LiveClient:
    """A test client whose requests commit (no `db_session`): for flows a worker must see."""

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

    def request(self, method: str, url: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        headers = dict(headers or {})
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            headers.setdefault("X-CSRF-Token", self._csrf())
        return self.http.open(url, method=method, headers=headers, json=json)

    def get(self, url: str, **kw: Any) -> Any:
        return self.request("GET", url, **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.request("POST", url, json=json, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.request("DELETE", url, **kw)


@pytest.fixture(scope="module")
def owner_db(app: Any, database: Any) -> Iterator[Any]:
    engine = create_engine(app.config["DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture
def live(app: Any, database: Any, logins: Any, owner_db: Any) -> Iterator[Any]:
    """`live(role, tenant=0)` → a logged-in LiveClient. Rows the test made are deleted afterwards."""
    with owner_db.connect() as conn:
        marks = {t: conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one()
                 for t in ("evidence_items", "evidence_bundles", "jobs", "audit_log")}

    def _login(role: str, tenant: int = 0) -> LiveClient:
        item = logins.find(tenant, role)
        c = LiveClient(app)
        resp = c.post("/api/v1/auth/login", {"username": item["username"], "password": item["password"]})
        assert resp.status_code == 200, resp.get_json()
        c.user = resp.get_json()
        return c

    yield _login
    with owner_db.begin() as conn:
        conn.execute(text("DELETE FROM evidence_bundles WHERE id > :m"), {"m": marks["evidence_bundles"]})
        conn.execute(text("DELETE FROM evidence_items WHERE id > :m"), {"m": marks["evidence_items"]})
        conn.execute(text("DELETE FROM jobs WHERE id > :m AND kind LIKE 'evidence.%'"), {"m": marks["jobs"]})
        conn.execute(text("DELETE FROM audit_log WHERE id > :m AND entity_type LIKE 'evidence%'"),
                     {"m": marks["audit_log"]})


@pytest.fixture
def run_jobs(app: Any) -> Any:
    """Run every queued job with a real burst worker (its own process per job, its own connections)."""

    def _run() -> None:
        from workers.worker import UnionHomeWorker

        with app.app_context():
            UnionHomeWorker.flask_app = app
            UnionHomeWorker(["high", "default", "long"], connection=get_redis()).work(
                burst=True, logging_level="WARNING")

    return _run
