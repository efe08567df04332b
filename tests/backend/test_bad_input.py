"""Whatever a client sends, the answer is a 4xx in the error shape, never a 500.

Driven by the OpenAPI document: every operation gets malformed JSON, wrong types for each body field
and query parameter, over-long strings and unknown fields."""

from __future__ import annotations

import hashlib
import io
import re
from types import SimpleNamespace

import pytest

from tests.backend.condolence.workflow_fixtures import seed_workflow_rows
from unionhome.core.jobs import start_job
from unionhome.core.tenancy import tenant_context
from unionhome.domains.evidence.models import EvidenceBundle
from unionhome.extensions import db

pytestmark = pytest.mark.integration

# The condolence workflow's path ids: rows of every workflow table, seeded once per tenant.
WORKFLOW_PARAMS = ("campaign_id", "batch_id", "line_id", "notice_id", "objection_id", "visit_group_id", "visit_id",
                   "payment_batch_id", "export_id")
WRONG_VALUES = [{"nested": True}, ["list"], "x" * 5000, -1, 10**20, True, None, "２０２４年１３月"]


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _real_url(client, path: str) -> str:
    """Fill path ids with ids the user can see, so the request reaches validation."""
    ids = {
        "org_id": client.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]["id"],
        "employer_id": client.get("/api/v1/employers?page_size=1").get_json()[0]["id"],
        "member_id": client.get("/api/v1/members?page_size=1").get_json()[0]["id"],
        "cadre_id": client.get("/api/v1/cadres?page_size=1").get_json()[0]["id"],
        "user_id": client.get("/api/v1/users?page_size=1").get_json()[0]["id"],
        "tenant_id": client.get("/api/v1/me").get_json()["tenant"]["id"],
    }
    if "{evidence_id}" in path or "{bundle_id}" in path:
        ids.update(_evidence_ids(client))
    if "{import_id}" in path:
        ids["import_id"] = _an_import(client)
    if "{job_id}" in path:
        ids["job_id"] = _job_id(client)
    if "{household_id}" in path or "{policy_id}" in path:
        ids["household_id"] = client.get("/api/v1/hardship/households?status=filed&page_size=1").get_json()[0]["id"]
        ids["policy_id"] = client.get("/api/v1/hardship/policies?page_size=1").get_json()[0]["id"]
    if any(f"{{{name}}}" in path for name in WORKFLOW_PARAMS):
        ids.update(seed_workflow_rows(client.get("/api/v1/me").get_json()["tenant"]["id"]))
    return re.sub(r"{([^}]+)}", lambda m: str(ids[m.group(1)]), path)


def _evidence_ids(client) -> dict[str, int]:
    """An evidence item of the client's tenant (announced through the API, so pending) and a bundle
    (inserted: building one needs verified files, which need a worker). Made once per client."""
    if not hasattr(client, "evidence_ids"):
        member = client.get("/api/v1/members?page_size=1").get_json()[0]
        data = b"%PDF-1.4 bad input"
        item = client.post("/api/v1/evidence", {"subject_type": "member", "subject_id": member["id"],
                                                "filename": "x.pdf", "size": len(data),
                                                "sha256": hashlib.sha256(data).hexdigest()}).get_json()
        tenant_id = client.get("/api/v1/me").get_json()["tenant"]["id"]
        with tenant_context(tenant_id):
            bundle = EvidenceBundle(tenant_id=tenant_id, subject_type="member", subject_id=member["id"],
                                    status="failed", requester_name="test")
            db.session.add(bundle)
            db.session.commit()
            client.evidence_ids = {"evidence_id": item["id"], "bundle_id": bundle.id}
    return client.evidence_ids


def _job_id(client) -> int:
    """A background job of the client's tenant (the demo data has none: start one, rolled back with
    the test; no worker sees it)."""
    jobs = client.get("/api/v1/jobs?page_size=1").get_json()
    if jobs:
        return jobs[0]["id"]
    me = client.get("/api/v1/me").get_json()
    with tenant_context(me["tenant"]["id"]):
        job = start_job(SimpleNamespace(user_id=me["user"]["id"], tenant_id=me["tenant"]["id"]), "test.bad_input",
                        "tests.workers.jobfns.tiny", queue="default")
        db.session.commit()
        return int(job.id)


def _an_import(client) -> int:
    """An import batch of the client's tenant (a tiny CSV upload), made once per client."""
    if not hasattr(client, "import_id"):
        data = {"kind": "members", "file": (io.BytesIO("姓名,身份证号\n".encode()), "m.csv")}
        resp = client.request("POST", "/api/v1/imports", data=data, content_type="multipart/form-data")
        assert resp.status_code == 201, resp.get_data(True)
        client.import_id = resp.get_json()["id"]
    return client.import_id


def _check(resp, what: str) -> None:
    assert resp.status_code < 500, f"{what}: {resp.status_code} {resp.get_data(True)[:300]}"
    if resp.status_code >= 400 and resp.is_json:
        body = resp.get_json()
        assert {"code", "status"} <= set(body), what


def test_no_input_produces_a_server_error(login_as):
    c = login_as("federation_admin")
    spec = c.get("/api/openapi.json").get_json()
    checked = 0
    for path, item in spec["paths"].items():
        if "switch-tenant" in path or path.endswith("/auth/logout") or "reset-password" in path:
            continue
        url = _real_url(c, path)
        for method, op in item.items():
            if method not in {"get", "post", "patch", "delete"}:
                continue
            headers = {"If-Match": '"not-the-etag"'}
            for param in op.get("parameters", []):
                if param.get("in") != "query":
                    continue
                for value in WRONG_VALUES[:4]:
                    resp = getattr(c, method)(f"{url}?{param['name']}={value}", headers=headers)
                    _check(resp, f"{method} {url} ?{param['name']}={value!r}")
                    checked += 1
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if method in {"post", "patch"} and body:
                schema = _resolve(spec, body["schema"])
                resp = c.request(method, url, data="{bad json", headers={**headers, "Content-Type": "application/json"})
                _check(resp, f"{method} {url} malformed json")
                resp = getattr(c, method)(url, json=["not", "an", "object"], headers=headers)
                _check(resp, f"{method} {url} array body")
                resp = getattr(c, method)(url, json={"unknown_field_xyz": 1}, headers=headers)
                _check(resp, f"{method} {url} unknown field")
                for field in schema.get("properties", {}):
                    for value in WRONG_VALUES:
                        resp = getattr(c, method)(url, json={field: value}, headers=headers)
                        _check(resp, f"{method} {url} {field}={value!r}")
                        checked += 1
    assert checked > 200
