"""Employers (credit-code checks, union status consistency) and cadres."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_employer_credit_code_is_checked(login_as, new_credit_code):
    c = login_as("federation_admin")
    township = c.get("/api/v1/orgs?org_type=township&page_size=1").get_json()[0]
    base = {"name": "新乡县测试商贸有限公司", "ownership_type": "private", "staff_count": 30,
            "township_org_id": township["id"], "union_status": "not_founded"}
    resp = c.post("/api/v1/employers", {**base, "credit_code": "91410721MA00000000"})
    assert resp.status_code == 422 and "credit_code" in resp.get_json()["errors"]["json"]
    code = new_credit_code()
    resp = c.post("/api/v1/employers", {**base, "credit_code": code.lower()})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["credit_code"] == code
    resp = c.post("/api/v1/employers", {**base, "credit_code": code})
    assert resp.status_code == 422 and "已登记" in resp.get_json()["errors"]["json"]["credit_code"][0]
    resp = c.post("/api/v1/employers", {**base, "credit_code": new_credit_code(), "women_count": 31})
    assert resp.status_code == 422 and "women_count" in resp.get_json()["errors"]["json"]
    resp = c.post("/api/v1/employers", {**base, "credit_code": new_credit_code(), "union_status": "founded"})
    assert resp.status_code == 422 and "covering_org_id" in resp.get_json()["errors"]["json"]
    found = c.get(f"/api/v1/employers?q={code}").get_json()
    assert len(found) == 1


def test_employer_filters(login_as):
    c = login_as("federation_admin")
    big = c.get("/api/v1/employers?min_staff=25&page_size=100").get_json()
    assert big and all(e["staff_count"] >= 25 for e in big)
    none = c.get("/api/v1/employers?union_status=not_founded&page_size=100").get_json()
    assert all(e["covering_org_id"] is None for e in none)


def test_other_tenant_employers_and_cadres(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    emp = a.get("/api/v1/employers?page_size=1").get_json()[0]
    cadre = a.get("/api/v1/cadres?page_size=1").get_json()[0]
    assert b.get(f"/api/v1/employers/{emp['id']}").status_code == 404
    assert b.patch(f"/api/v1/employers/{emp['id']}", {"name": "x"}).status_code == 404
    assert b.get(f"/api/v1/cadres/{cadre['id']}").status_code == 404
    assert b.delete(f"/api/v1/cadres/{cadre['id']}").status_code == 404
    assert emp["id"] not in {e["id"] for e in b.get("/api/v1/employers?page_size=100").get_json()}


def test_cadre_rules(login_as):
    c = login_as("federation_admin")
    org = c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]
    resp = c.post("/api/v1/cadres", {"org_id": org["id"], "post": "group_leader", "name": "赵六"})
    assert resp.status_code == 422 and "post" in resp.get_json()["errors"]["json"]
    resp = c.post("/api/v1/cadres", {"org_id": org["id"], "post": "vice_chair", "name": "赵六",
                                     "term_start": "2025-01-01", "term_end": "2024-01-01"})
    assert resp.status_code == 422 and "term_end" in resp.get_json()["errors"]["json"]
    resp = c.post("/api/v1/cadres", {"org_id": org["id"], "post": "vice_chair", "name": "赵六", "full_time": False,
                                     "term_start": "2024-01-01", "term_end": "2028-12-31", "mobile": "13912345678"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["org_name"] == org["name"]
    listed = c.get(f"/api/v1/cadres?org_id={org['id']}&post=vice_chair").get_json()
    assert any(x["name"] == "赵六" for x in listed)
