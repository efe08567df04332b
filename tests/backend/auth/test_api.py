"""Login, CSRF, lockout, sessions, password change, tenant switch and user management."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_login_requires_csrf_token(client, logins):
    item = logins.find(0, "federation_admin")
    resp = client.post("/api/v1/auth/login", {"username": item["username"], "password": item["password"]},
                       csrf=False)
    assert resp.status_code == 403
    assert "CSRF" in resp.get_json()["message"]


def test_login_sets_httponly_session_cookie_and_me_works(client, logins):
    item = logins.find(0, "federation_admin")
    resp = client.login(item["username"], item["password"])
    assert resp.status_code == 200
    cookies = resp.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("uh_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    me = client.get("/api/v1/me").get_json()
    assert me["user"]["username"] == item["username"]
    assert me["tenant"]["name"] == item["tenant"]
    assert "members.read" in me["permissions"]
    assert me["scope"]["is_root"] is True
    assert me["is_platform_admin"] is False


def test_me_requires_login(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.get_json()["message"] == "请先登录"


def test_wrong_password_then_lockout(client, logins):
    item = logins.find(0, "judge")
    for _ in range(5):
        resp = client.login(item["username"], "wrong-password-1")
        assert resp.status_code == 401
        assert resp.get_json()["message"] == "用户名或密码错误"
    # locked now, even with the right password
    resp = client.login(item["username"], item["password"])
    assert resp.status_code == 429
    assert "锁定" in resp.get_json()["message"]


def test_unknown_user_gets_same_message(client):
    resp = client.login("nobody.here", "whatever1")
    assert resp.status_code == 401
    assert resp.get_json()["message"] == "用户名或密码错误"


def test_malformed_login_bodies(client):
    assert client.post("/api/v1/auth/login", {"username": "a"}).status_code == 422
    resp = client.post("/api/v1/auth/login", {"username": "a", "password": "b", "extra": 1})
    assert resp.status_code == 422 and "extra" in resp.get_json()["errors"]["json"]
    resp = client.request("POST", "/api/v1/auth/login", data="{not json", headers={"Content-Type": "application/json"})
    assert 400 <= resp.status_code < 500
    resp = client.post("/api/v1/auth/login", {"username": 5, "password": ["x"]})
    assert resp.status_code == 422


def test_logout_ends_session(login_as):
    c = login_as("federation_admin")
    assert c.get("/api/v1/me").status_code == 200
    assert c.post("/api/v1/auth/logout").status_code == 204
    assert c.get("/api/v1/me").status_code == 401


def test_password_change_rules_and_effect(login_as, logins, app):
    c = login_as("org_staff")
    item = logins.find(0, "org_staff")
    resp = c.post("/api/v1/auth/password", {"current_password": "wrong", "new_password": "NewPass2026"})
    assert resp.status_code == 422 and "current_password" in resp.get_json()["errors"]["json"]
    resp = c.post("/api/v1/auth/password", {"current_password": item["password"], "new_password": "short"})
    assert resp.status_code == 422 and "new_password" in resp.get_json()["errors"]["json"]
    resp = c.post("/api/v1/auth/password", {"current_password": item["password"], "new_password": "NewPass2026"})
    assert resp.status_code == 204
    other = type(c)(app)
    assert other.login(item["username"], item["password"]).status_code == 401
    assert other.login(item["username"], "NewPass2026").status_code == 200


def test_platform_admin_switch_is_explicit_and_audited(login_as, logins):
    c = login_as("platform_admin", tenant=None)
    me = c.get("/api/v1/me").get_json()
    assert me["is_platform_admin"] and me["tenant"] is None
    # no tenant data before the switch
    assert c.get("/api/v1/members").status_code == 403
    tenants = c.get("/api/v1/tenants").get_json()
    assert len(tenants) >= 2
    target = tenants[0]
    resp = c.post("/api/v1/auth/switch-tenant", {"tenant_id": target["id"]})
    assert resp.status_code == 200
    assert resp.get_json()["tenant"]["id"] == target["id"]
    assert resp.get_json()["acting_tenant_switch"] is True
    assert c.get("/api/v1/members").status_code == 200
    # the switch is in that tenant's audit log, read by the county's own admin
    index = 0 if target["name"] == logins.find(0, "federation_admin")["tenant"] else 1
    admin = login_as("federation_admin", tenant=index)
    rows = admin.get("/api/v1/audit-log?action=platform.switch_tenant").get_json()
    assert rows and rows[0]["actor_name"] == "platform.admin" and rows[0]["entity_id"] == target["id"]
    resp = c.post("/api/v1/auth/switch-tenant", {"tenant_id": None})
    assert resp.get_json()["tenant"] is None
    assert c.post("/api/v1/auth/switch-tenant", {"tenant_id": 999999}).status_code == 404


def test_tenant_user_cannot_use_platform_endpoints(login_as):
    c = login_as("federation_admin")
    assert c.get("/api/v1/tenants").status_code == 403
    own = c.get("/api/v1/tenants/current").get_json()
    assert c.get(f"/api/v1/tenants/{own['id']}").status_code == 404
    assert c.post("/api/v1/auth/switch-tenant", {"tenant_id": own["id"]}).status_code == 403


def test_user_management_in_tenant(login_as):
    c = login_as("federation_admin")
    me = c.get("/api/v1/me").get_json()
    resp = c.post("/api/v1/users", {"username": "new.staffer", "display_name": "新干部", "password": "Passw0rd!x",
                                    "role": "org_staff", "scope_org_id": me["scope"]["org_id"]})
    assert resp.status_code == 201, resp.get_json()
    user = resp.get_json()
    assert user["must_change_password"] is True
    resp = c.post("/api/v1/users", {"username": "new.staffer", "display_name": "x", "password": "Passw0rd!x",
                                    "role": "org_staff", "scope_org_id": me["scope"]["org_id"]})
    assert resp.status_code == 409
    listing = c.get("/api/v1/users?q=new.staffer").get_json()
    assert [u["username"] for u in listing] == ["new.staffer"]
    # other tenant's admin cannot see or touch it
    other = login_as("federation_admin", tenant=1)
    assert other.get(f"/api/v1/users/{user['id']}").status_code == 404
    assert other.patch(f"/api/v1/users/{user['id']}", {"display_name": "x"}).status_code == 404
    assert "new.staffer" not in [u["username"] for u in other.get("/api/v1/users?page_size=100").get_json()]
    # a scope org of the other tenant is refused
    resp = other.post("/api/v1/users", {"username": "bad.scope", "display_name": "x", "password": "Passw0rd!x",
                                        "role": "org_staff", "scope_org_id": me["scope"]["org_id"]})
    assert resp.status_code == 422 and "scope_org_id" in resp.get_json()["errors"]["json"]


def test_roles_limit_permissions(login_as):
    judge = login_as("judge")
    assert judge.get("/api/v1/members").status_code == 403
    assert judge.get("/api/v1/users").status_code == 403
    chair = login_as("grassroots_chair")
    assert chair.get("/api/v1/users").status_code == 403
    assert chair.get("/api/v1/members").status_code == 200


def test_audit_log_is_per_tenant_and_needs_permission(login_as):
    a = login_as("federation_admin", tenant=0)
    member = a.get("/api/v1/members?page_size=1").get_json()[0]
    a.get(f"/api/v1/members/{member['id']}/id-number")
    rows = a.get(f"/api/v1/audit-log?entity_type=member&entity_id={member['id']}").get_json()
    assert rows[0]["action"] == "member.reveal_id_number"
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"/api/v1/audit-log?entity_type=member&entity_id={member['id']}").get_json() == []
    assert login_as("org_staff").get("/api/v1/audit-log").status_code == 403


def test_only_the_csrf_endpoint_and_login_mint_the_token(app, logins):
    # A client's first requests, sent before it has a cookie, must not each set a different token
    # (the one it read from GET /auth/csrf would be replaced: a 403 on its next POST).
    http = app.test_client()
    assert not [c for c in http.get("/api/v1/me").headers.getlist("Set-Cookie") if c.startswith("csrf_token=")]
    assert not [c for c in http.get("/api/v1/healthz").headers.getlist("Set-Cookie") if c.startswith("csrf_token=")]
    token = http.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    assert http.get_cookie("csrf_token").value == token
    http.get("/api/v1/me")  # another cookie-less-looking request changes nothing now
    assert http.get_cookie("csrf_token").value == token
    again = http.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    assert again == token  # the client's token is kept, not re-minted
    item = logins.find(0, "federation_admin")
    resp = http.post("/api/v1/auth/login", json={"username": item["username"], "password": item["password"]},
                     headers={"X-CSRF-Token": token})
    assert resp.status_code == 200
    assert http.get_cookie("csrf_token").value != token  # a fresh token after login
