"""The org tree: type rules, paths, move, delete, scope, audit and tenant isolation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def _root(c) -> dict:
    return c.get("/api/v1/orgs?roots=true").get_json()[0]


def test_tree_listing_by_parent(login_as):
    c = login_as("federation_admin")
    root = _root(c)
    assert root["org_type"] == "federation" and root["parent_id"] is None
    children = c.get(f"/api/v1/orgs?parent_id={root['id']}&page_size=100").get_json()
    assert {ch["org_type"] for ch in children} >= {"township"}
    assert all(ch["path"].startswith(root["path"]) and ch["depth"] == 1 for ch in children)
    assert any(ch["child_count"] > 0 for ch in children)


def test_create_edit_move_delete(login_as):
    c = login_as("federation_admin")
    root = _root(c)
    townships = c.get(f"/api/v1/orgs?parent_id={root['id']}&org_type=township").get_json()
    t1, t2 = townships[0], townships[1]
    resp = c.post("/api/v1/orgs", {"parent_id": t1["id"], "name": "测试机械有限公司工会", "org_type": "grassroots",
                                   "office_phone": "0373-5551234", "founded_date": "2024-03-01",
                                   "approval_number": "新工批〔2024〕7号"})
    assert resp.status_code == 201, resp.get_json()
    org = resp.get_json()
    assert org["path"] == f"{t1['path']}{org['id']}/" and org["depth"] == t1["depth"] + 1
    # sibling with the same name
    resp = c.post("/api/v1/orgs", {"parent_id": t1["id"], "name": "测试机械有限公司工会", "org_type": "grassroots"})
    assert resp.status_code == 422 and "name" in resp.get_json()["errors"]["json"]
    # type rules: a township cannot sit under a grassroots union
    resp = c.post("/api/v1/orgs", {"parent_id": org["id"], "name": "错误", "org_type": "township"})
    assert resp.status_code == 422 and "org_type" in resp.get_json()["errors"]["json"]
    branch = c.post("/api/v1/orgs", {"parent_id": org["id"], "name": "一车间分工会", "org_type": "branch"}).get_json()
    # edit with ETag
    resp = c.get(f"/api/v1/orgs/{org['id']}")
    resp = c.patch(f"/api/v1/orgs/{org['id']}", {"office_address": "七里营镇工业大道1号"},
                   headers={"If-Match": resp.headers["ETag"]})
    assert resp.status_code == 200 and resp.get_json()["office_address"] == "七里营镇工业大道1号"
    # move under the other township: the branch's path follows
    resp = c.post(f"/api/v1/orgs/{org['id']}/move", {"parent_id": t2["id"]})
    assert resp.status_code == 200, resp.get_json()
    moved_branch = c.get(f"/api/v1/orgs/{branch['id']}").get_json()
    assert moved_branch["path"] == f"{t2['path']}{org['id']}/{branch['id']}/"
    # cannot move under its own descendant
    resp = c.post(f"/api/v1/orgs/{org['id']}/move", {"parent_id": branch["id"]})
    assert resp.status_code == 422
    # cannot delete while it has a child
    etag = c.get(f"/api/v1/orgs/{org['id']}").headers["ETag"]
    resp = c.delete(f"/api/v1/orgs/{org['id']}", headers={"If-Match": etag})
    assert resp.status_code == 409 and "下级组织" in resp.get_json()["message"]
    etag = c.get(f"/api/v1/orgs/{branch['id']}").headers["ETag"]
    assert c.delete(f"/api/v1/orgs/{branch['id']}", headers={"If-Match": etag}).status_code == 204
    assert c.get(f"/api/v1/orgs/{branch['id']}").status_code == 404


def test_org_staff_cannot_act_outside_subtree(login_as):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    scope_id = staff.get("/api/v1/me").get_json()["scope"]["org_id"]
    root = _root(admin)
    townships = admin.get(f"/api/v1/orgs?parent_id={root['id']}&org_type=township").get_json()
    other = next(t for t in townships if t["id"] != scope_id)
    assert staff.get(f"/api/v1/orgs/{other['id']}").status_code == 404
    resp = staff.post("/api/v1/orgs", {"parent_id": other["id"], "name": "越权工会", "org_type": "grassroots"})
    assert resp.status_code == 422 and "parent_id" in resp.get_json()["errors"]["json"]
    listed = staff.get("/api/v1/orgs?page_size=100").get_json()
    scope_path = staff.get(f"/api/v1/orgs/{scope_id}").get_json()["path"]
    assert listed and all(o["path"].startswith(scope_path) for o in listed)


def test_other_tenant_orgs_are_invisible(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    a_root = _root(a)
    for method, kwargs in (("get", {}), ("patch", {"json": {"name": "x"}}), ("delete", {})):
        resp = getattr(b, method)(f"/api/v1/orgs/{a_root['id']}", **kwargs)
        assert resp.status_code == 404, (method, resp.get_json())
    assert b.post(f"/api/v1/orgs/{a_root['id']}/move", {"parent_id": a_root["id"]}).status_code == 404
    resp = b.post("/api/v1/orgs", {"parent_id": a_root["id"], "name": "x", "org_type": "township"})
    assert resp.status_code == 422
    assert a_root["id"] not in {o["id"] for o in b.get("/api/v1/orgs?page_size=100").get_json()}


def test_changes_are_audited(login_as, app):
    from sqlalchemy import select

    from unionhome.core.audit import AuditLog
    from unionhome.core.tenancy import tenant_context
    from unionhome.extensions import db

    c = login_as("federation_admin")
    root = _root(c)
    township = c.get(f"/api/v1/orgs?parent_id={root['id']}&org_type=township").get_json()[0]
    org = c.post("/api/v1/orgs", {"parent_id": township["id"], "name": "审计测试工会", "org_type": "grassroots"}).get_json()
    me = c.get("/api/v1/me").get_json()
    with tenant_context(me["tenant"]["id"]):
        rows = db.session.execute(select(AuditLog).where(AuditLog.entity_type == "org",
                                                         AuditLog.entity_id == org["id"])).scalars().all()
    assert [r.action for r in rows] == ["org.create"]
    assert rows[0].actor_user_id == me["user"]["id"]
    assert rows[0].changes["name"] == "审计测试工会"
