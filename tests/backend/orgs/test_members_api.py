"""Members: validation, PII masking and reveal, concurrency, transfers, scope and tenant isolation."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration


def _member_org(c) -> dict:
    return c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]


def test_list_is_paginated_and_masked(login_as):
    c = login_as("federation_admin")
    resp = c.get("/api/v1/members?page=1&page_size=20")
    assert resp.status_code == 200
    meta = json.loads(resp.headers["X-Pagination"])
    assert meta["total"] >= 100 and meta["page"] == 1
    items = resp.get_json()
    assert len(items) == 20
    for m in items:
        assert "*" in m["id_number_masked"] and len(m["id_number_masked"]) == 18
        assert "id_number" not in m and "id_number_enc" not in m
    assert c.get("/api/v1/members?page_size=101").status_code == 422


def test_invalid_id_number_is_a_field_error(login_as):
    c = login_as("federation_admin")
    org = _member_org(c)
    resp = c.post("/api/v1/members", {"name": "张三", "id_number": "410721199001011235", "org_id": org["id"]})
    assert resp.status_code == 422
    assert "校验" in resp.get_json()["errors"]["json"]["id_number"][0]
    resp = c.post("/api/v1/members", {"name": "张三", "id_number": "4.10721199001e+17", "org_id": org["id"]})
    assert resp.status_code == 422
    assert "数字" in resp.get_json()["errors"]["json"]["id_number"][0]
    resp = c.post("/api/v1/members", {"name": "", "id_number": "x", "org_id": org["id"], "bogus": 1})
    errors = resp.get_json()["errors"]["json"]
    assert resp.status_code == 422 and "bogus" in errors
    resp = c.post("/api/v1/members", {"name": "张" * 61, "id_number": "x", "org_id": org["id"]})
    assert resp.status_code == 422 and "name" in resp.get_json()["errors"]["json"]


def test_create_reveal_and_duplicate(login_as, new_id_number):
    c = login_as("federation_admin")
    org = _member_org(c)
    number = new_id_number()
    # full-width digits and a lower-case x are normalised
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    resp = c.post("/api/v1/members", {"name": "李四", "id_number": typed, "org_id": org["id"],
                                      "mobile": "138 0013 8000", "employment_type": "migrant"})
    assert resp.status_code == 201, resp.get_json()
    member = resp.get_json()
    assert member["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert member["mobile"] == "13800138000"
    assert member["birth_date"] == f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    assert member["gender"] == ("M" if int(number[16]) % 2 else "F")
    # search by full ID number finds it
    found = c.get(f"/api/v1/members?q={number}").get_json()
    assert [m["id"] for m in found] == [member["id"]]
    # reveal needs the permission and is audited
    assert c.get(f"/api/v1/members/{member['id']}/id-number").get_json() == {"id_number": number}
    staff = login_as("org_staff")
    assert staff.get(f"/api/v1/members/{member['id']}/id-number").status_code in (403, 404)
    # the same person cannot be registered twice
    resp = c.post("/api/v1/members", {"name": "李四", "id_number": number, "org_id": org["id"]})
    assert resp.status_code == 422
    assert "已登记" in resp.get_json()["errors"]["json"]["id_number"][0]


def test_optimistic_concurrency(login_as):
    c = login_as("federation_admin")
    member = c.get("/api/v1/members?page_size=1").get_json()[0]
    url = f"/api/v1/members/{member['id']}"
    resp = c.get(url)
    etag = resp.headers["ETag"]
    assert c.patch(url, {"remark": "无 If-Match"}).status_code == 428
    resp = c.patch(url, {"remark": "第一次修改"}, headers={"If-Match": etag})
    assert resp.status_code == 200 and resp.get_json()["version"] == member["version"] + 1
    resp = c.patch(url, {"remark": "用旧版本修改"}, headers={"If-Match": etag})
    assert resp.status_code == 412
    assert c.get(url).get_json()["remark"] == "第一次修改"


def test_transfer_moves_member_and_keeps_history(login_as):
    c = login_as("federation_admin")
    orgs = c.get("/api/v1/orgs?org_type=grassroots&page_size=5").get_json()
    member = c.get(f"/api/v1/members?org_id={orgs[0]['id']}&page_size=1").get_json()[0]
    target = next(o for o in orgs if o["id"] != member["org_id"])
    resp = c.post(f"/api/v1/members/{member['id']}/transfers",
                  {"to_org_id": target["id"], "transfer_date": "2026-01-05", "reason": "工作调动"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["from_org_id"] == member["org_id"]
    assert c.get(f"/api/v1/members/{member['id']}").get_json()["org_id"] == target["id"]
    history = c.get(f"/api/v1/members/{member['id']}/transfers").get_json()
    assert history[0]["to_org_name"] == target["name"]
    resp = c.post(f"/api/v1/members/{member['id']}/transfers",
                  {"to_org_id": target["id"], "transfer_date": "2026-01-06"})
    assert resp.status_code == 422  # already there
    # changing org through PATCH is refused
    etag = c.get(f"/api/v1/members/{member['id']}").headers["ETag"]
    resp = c.patch(f"/api/v1/members/{member['id']}", {"org_id": member["org_id"]}, headers={"If-Match": etag})
    assert resp.status_code == 422


def test_scope_limits_org_staff(login_as):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    scope = staff.get("/api/v1/me").get_json()["scope"]
    scope_org = admin.get(f"/api/v1/orgs/{scope['org_id']}").get_json()
    visible = staff.get("/api/v1/members?page_size=100").get_json()
    assert visible
    all_orgs = {o["id"]: o for o in admin.get(f"/api/v1/orgs?under={scope['org_id']}&page_size=100").get_json()}
    assert all(m["org_id"] in all_orgs for m in visible)
    # a member outside the subtree is not found
    outside = next(m for m in admin.get("/api/v1/members?page_size=100").get_json() if m["org_id"] not in all_orgs)
    assert staff.get(f"/api/v1/members/{outside['id']}").status_code == 404
    assert scope_org["path"]


def test_other_tenant_members_are_invisible(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    a_member = a.get("/api/v1/members?page_size=1").get_json()[0]
    assert b.get(f"/api/v1/members/{a_member['id']}").status_code == 404
    assert b.patch(f"/api/v1/members/{a_member['id']}", {"remark": "x"}).status_code == 404
    assert b.delete(f"/api/v1/members/{a_member['id']}").status_code == 404
    assert b.get(f"/api/v1/members/{a_member['id']}/id-number").status_code == 404
    assert b.post(f"/api/v1/members/{a_member['id']}/transfers", {}).status_code == 404
    b_ids = {m["id"] for m in b.get("/api/v1/members?page_size=100").get_json()}
    assert a_member["id"] not in b_ids
    # an org of tenant A cannot be used by tenant B
    a_org = _member_org(a)
    resp = b.post("/api/v1/members", {"name": "王五", "id_number": "11010519491231002X", "org_id": a_org["id"]})
    assert resp.status_code == 422 and "org_id" in resp.get_json()["errors"]["json"]
