"""The evidence API without a worker: what an upload announcement accepts and refuses, access by
record type and org scope, other tenants, deletion (marks only), and the states that refuse actions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .conftest import JPEG, PDF, announce, http, sha

pytestmark = pytest.mark.integration


def _first(c: Any, url: str) -> dict[str, Any]:
    items = c.get(url).get_json()
    assert items, url
    return items[0]


def _member(c: Any) -> tuple[str, int]:
    return "member", _first(c, "/api/v1/members?page_size=1")["id"]


def test_announce_returns_a_presigned_put_under_the_tenant_prefix(login_as):
    c = login_as("federation_admin")
    tenant_id = c.get("/api/v1/me").get_json()["tenant"]["id"]
    resp = announce(c, _member(c), PDF, "  ../../困难职工申请表.pdf", None, description="入户核查材料")
    assert resp.status_code == 201, resp.get_json()
    item = resp.get_json()
    assert item["status"] == "pending_upload" and item["status_label"] == "待上传"
    assert item["filename"] == "困难职工申请表.pdf"  # path parts dropped
    assert item["declared_type"] == "application/pdf"  # from the extension when the browser gave none
    assert re.fullmatch(rf"t/{tenant_id}/evidence/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.pdf", item["storage_key"])
    up = item["upload"]
    assert up["method"] == "PUT" and "X-Amz-Signature=" in up["url"]
    assert up["headers"]["Content-Type"] == "application/pdf"
    assert up["headers"]["x-amz-checksum-sha256"]  # the declared hash is part of the signature
    rows = c.get(f"/api/v1/audit-log?entity_type=evidence&entity_id={item['id']}").get_json()
    assert [r["action"] for r in rows] == ["evidence.create"]
    # the pending item is listed under its record
    listed = c.get(f"/api/v1/evidence?subject_type=member&subject_id={item['subject_id']}").get_json()
    assert [i["id"] for i in listed] == [item["id"]] and "upload" not in listed[0]


@pytest.mark.parametrize(("filename", "content_type", "size", "field", "text"), [
    ("setup.exe", "application/x-msdownload", 100, "filename", "可执行程序"),
    ("page.html", "text/html", 100, "filename", "网页"),
    ("photo.jpg", "text/html", 100, "content_type", "不支持的文件类型"),
    ("photo", "image/jpeg", 100, "filename", "扩展名"),
    ("photo.png", "image/jpeg", 100, "filename", "不符"),
    ("archive.zip", "application/zip", 100, "content_type", "不支持"),
    ("empty.pdf", "application/pdf", 0, "size", "文件为空"),
    ("huge.pdf", "application/pdf", 101 * 1024 * 1024, "size", "上限"),
])
def test_announce_refuses_bad_files(login_as, filename, content_type, size, field, text):
    c = login_as("federation_admin")
    kind, subject_id = _member(c)
    body = {"subject_type": kind, "subject_id": subject_id, "filename": filename, "size": size,
            "content_type": content_type, "sha256": sha(b"x")}
    resp = c.post("/api/v1/evidence", body)
    assert resp.status_code == 422, resp.get_json()
    assert text in resp.get_json()["errors"]["json"][field][0]


def test_announce_checks_hash_subject_and_quota(login_as, app, monkeypatch):
    c = login_as("federation_admin")
    subject = _member(c)
    resp = c.post("/api/v1/evidence", {"subject_type": "member", "subject_id": subject[1], "filename": "a.jpg",
                                       "size": 10, "sha256": "not-a-hash"})
    assert resp.status_code == 422 and "sha256" in resp.get_json()["errors"]["json"]
    assert announce(c, ("spaceship", 1), JPEG, "a.jpg", "image/jpeg").status_code == 422
    assert announce(c, ("member", 2**62), JPEG, "a.jpg", "image/jpeg").status_code == 404
    b = login_as("federation_admin", tenant=1)
    assert announce(b, subject, JPEG, "a.jpg", "image/jpeg").status_code == 404  # another county's member
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_TENANT_BYTES", len(JPEG) * 2 + 10)
    assert announce(c, subject, JPEG, "a.jpg", "image/jpeg").status_code == 201
    assert announce(c, subject, JPEG, "b.jpg", "image/jpeg").status_code == 201
    resp = announce(c, subject, JPEG, "c.jpg", "image/jpeg")
    assert resp.status_code == 409 and "存储空间不足" in resp.get_json()["message"]


def test_access_follows_the_record(login_as):
    admin = login_as("federation_admin")
    member = _member(admin)
    item = announce(admin, member, JPEG, "a.jpg", "image/jpeg").get_json()
    # an auditor may read orgs but not members: no member evidence for it
    auditor = login_as("auditor")
    assert announce(auditor, member, JPEG, "a.jpg", "image/jpeg").status_code == 403
    assert auditor.get(f"/api/v1/evidence/{item['id']}").status_code == 403
    assert item["id"] not in {i["id"] for i in auditor.get("/api/v1/evidence?page_size=100").get_json()}
    # a grassroots chair sees the evidence of its own union's members only
    chair = login_as("grassroots_chair")
    own = _member(chair)
    mine = announce(chair, own, JPEG, "mine.jpg", "image/jpeg")
    assert mine.status_code == 201, mine.get_json()
    outside = next(m for m in admin.get("/api/v1/members?page_size=100").get_json()
                   if chair.get(f"/api/v1/members/{m['id']}").status_code == 404)
    theirs = announce(admin, ("member", outside["id"]), JPEG, "b.jpg", "image/jpeg").get_json()
    assert chair.get(f"/api/v1/evidence/{theirs['id']}").status_code == 404
    assert announce(chair, ("member", outside["id"]), JPEG, "b.jpg", "image/jpeg").status_code == 404
    visible = {i["id"] for i in chair.get("/api/v1/evidence?page_size=100").get_json()}
    assert mine.get_json()["id"] in visible and theirs["id"] not in visible
    assert chair.get(f"/api/v1/evidence?subject_type=member&subject_id={outside['id']}").status_code == 404


def test_other_tenant_gets_404_everywhere(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    item = announce(a, _member(a), JPEG, "a.jpg", "image/jpeg").get_json()
    base = f"/api/v1/evidence/{item['id']}"
    for method, url in [("get", base), ("get", f"{base}/download"), ("post", f"{base}/confirm"),
                        ("post", f"{base}/reverify"), ("delete", base)]:
        resp = getattr(b, method)(url, headers={"If-Match": "*"})
        assert resp.status_code == 404, (method, url, resp.status_code)
    assert item["id"] not in {i["id"] for i in b.get("/api/v1/evidence?page_size=100").get_json()}
    assert b.get(f"/api/v1/evidence?subject_type=member&subject_id={item['subject_id']}").status_code == 404


def test_states_that_refuse_actions_and_soft_delete(login_as):
    c = login_as("federation_admin")
    subject = _member(c)
    item = announce(c, subject, JPEG, "a.jpg", "image/jpeg").get_json()
    base = f"/api/v1/evidence/{item['id']}"
    assert c.get(f"{base}/download").status_code == 409  # not verified
    assert c.post(f"{base}/reverify").status_code == 409
    resp = c.post("/api/v1/evidence/bundles", {"subject_type": subject[0], "subject_id": subject[1]})
    assert resp.status_code == 409 and "没有核验通过" in resp.get_json()["message"]
    assert c.delete(base).status_code == 428  # If-Match required
    etag = c.get(base).headers["ETag"]
    assert c.delete(base, headers={"If-Match": etag}).status_code == 204
    got = c.get(base).get_json()
    assert got["deleted_at"] and got["status_label"] == "已删除"
    assert c.delete(base, headers={"If-Match": c.get(base).headers["ETag"]}).status_code == 409
    assert c.post(f"{base}/confirm").status_code == 409
    listed = {i["id"] for i in c.get(f"/api/v1/evidence?subject_type=member&subject_id={subject[1]}").get_json()}
    assert item["id"] not in listed
    with_deleted = c.get(f"/api/v1/evidence?subject_type=member&subject_id={subject[1]}&include_deleted=true")
    assert item["id"] in {i["id"] for i in with_deleted.get_json()}
    actions = [r["action"] for r in c.get(f"/api/v1/audit-log?entity_type=evidence&entity_id={item['id']}").get_json()]
    assert "evidence.delete" in actions


def test_options_and_query_validation(login_as):
    c = login_as("org_staff")
    opts = c.get("/api/v1/evidence/options").get_json()
    assert {"org", "employer", "member", "cadre"} <= {s["code"] for s in opts["subject_types"]}
    assert "image/jpeg" in {t["mime"] for t in opts["allowed_types"]} and opts["max_file_bytes"] > 0
    assert c.get("/api/v1/evidence?subject_id=1").status_code == 422  # a record number needs its type
    assert c.get("/api/v1/evidence?subject_type=nothing").status_code == 422
    assert c.get("/api/v1/evidence?uploaded_from=2026-02-01&uploaded_to=2026-01-01").status_code == 422
    assert c.get("/api/v1/evidence?status=lost").status_code == 422
    assert c.get("/api/v1/evidence/bundles?subject_id=1").status_code == 422
    platform = login_as("platform_admin", tenant=None)
    assert platform.get("/api/v1/evidence").status_code == 403  # not switched into a county


def test_presigned_get_is_refused_without_signature(login_as, app):
    c = login_as("federation_admin")
    item = announce(c, _member(c), JPEG, "a.jpg", "image/jpeg").get_json()
    # the URL handed out is signed for PUT with these headers only: a GET with it is refused
    status, _, _ = http(item["upload"]["url"])
    assert status == 403


def test_stale_announcements_expire(login_as):
    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.evidence.services.verification import expire_stale_uploads

    c = login_as("federation_admin")
    tenant_id = c.get("/api/v1/me").get_json()["tenant"]["id"]
    item = announce(c, _member(c), JPEG, "a.jpg", "image/jpeg").get_json()
    with tenant_context(tenant_id):
        assert expire_stale_uploads() == 0  # its URL may still be used
        assert expire_stale_uploads(older_than_s=0) >= 1
    got = c.get(f"/api/v1/evidence/{item['id']}").get_json()
    assert got["status"] == "rejected" and "过期" in got["status_reason"]


def test_archive_filters_by_type_file_name_uploader_and_day(login_as):
    admin = login_as("federation_admin")
    member = _member(admin)
    org = ("org", _first(admin, "/api/v1/orgs?page_size=1")["id"])
    photo = announce(admin, member, JPEG, "入户走访_王某.jpg", "image/jpeg").get_json()
    form = announce(admin, org, PDF, "慰问签收单_100%.pdf", None).get_json()
    me = admin.get("/api/v1/me").get_json()["user"]["display_name"]

    def ids(query: str, client: Any = admin) -> set[int]:
        resp = client.get(f"/api/v1/evidence?page_size=100&{query}")
        assert resp.status_code == 200, resp.get_json()
        return {i["id"] for i in resp.get_json()}

    assert photo["id"] in ids("subject_type=member") and form["id"] not in ids("subject_type=member")
    assert form["id"] in ids("subject_type=org") and photo["id"] not in ids("subject_type=org")
    assert ids("q=走访") >= {photo["id"]} and form["id"] not in ids("q=走访")
    assert form["id"] in ids("q=100%25") and photo["id"] not in ids("q=_1")  # % and _ are literal
    assert {photo["id"], form["id"]} <= ids(f"uploader={me[:2]}")
    assert not ids("uploader=没有这个人") & {photo["id"], form["id"]}
    today = datetime.fromisoformat(photo["created_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert {photo["id"], form["id"]} <= ids(f"uploaded_from={today}&uploaded_to={today}")
    assert not ids("uploaded_to=2000-01-01") & {photo["id"], form["id"]}
    # a type the user may not read is refused, not silently empty
    assert login_as("auditor").get("/api/v1/evidence?subject_type=member").status_code == 403
    # the other county sees none of it, whatever the filter
    other = login_as("federation_admin", tenant=1)
    assert not ids("subject_type=member&q=走访", other) & {photo["id"]}
    assert not ids(f"uploaded_from={today}", other) & {photo["id"], form["id"]}
