"""Whatever a client sends, the answer is a 4xx in the error shape, never a 500.

Driven by the OpenAPI document: every operation gets malformed JSON, wrong types for each body field
and query parameter, over-long strings and unknown fields."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration

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
    return re.sub(r"{([^}]+)}", lambda m: str(ids[m.group(1)]), path)


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
