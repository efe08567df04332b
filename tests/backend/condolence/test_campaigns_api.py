"""/api/v1/condolence/campaigns: set-up (categories, quotas, rules, budget, deadline), validation, ETags,
opening/closing nominations, a new campaign from an earlier one, re-judging, permissions, the other
tenant (404) and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from unionhome.core.audit import AuditLog
from unionhome.core.tenancy import tenant_context
from unionhome.extensions import db

from .conftest import campaign_payload, create_campaign, orgs_of_type, tenant_of

pytestmark = pytest.mark.integration


def _etag(c, cid: int) -> str:
    resp = c.get(f"/api/v1/condolence/campaigns/{cid}")
    assert resp.status_code == 200
    return resp.headers["ETag"]


def test_set_up_a_campaign_and_read_it_back(login_as):
    c = login_as("federation_admin")
    towns = orgs_of_type(c, "township", 2)
    data = campaign_payload(towns, quotas=[{"org_id": towns[0]["id"], "max_households": 30},
                                           {"org_id": towns[0]["id"], "category_code": "model_worker",
                                            "max_households": 3}])
    resp = c.post("/api/v1/condolence/campaigns", data)
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert got["status"] == "draft" and got["status_label"] == "筹备中" and got["festival_label"] == "元旦春节"
    assert [x["code"] for x in got["categories"]] == ["ordinary", "model_worker"]
    assert got["categories"][1]["standard_cash_fen"] == 100000
    assert {(q["org_name"], q["category_code"], q["max_households"]) for q in got["quotas"]} == {
        (towns[0]["name"], None, 30), (towns[0]["name"], "model_worker", 3)}
    assert got["rules"]["cooldown_months"] == 6 and got["rules"]["exclude_review_overdue"] is False
    assert got["nominations_open"] is False
    listed = c.get("/api/v1/condolence/campaigns?festival=spring&year=2027").get_json()
    assert got["id"] in {x["id"] for x in listed}
    with tenant_context(tenant_of(c)):
        rows = db.session.execute(select(AuditLog.action).where(AuditLog.entity_type == "condolence_campaign",
                                                                AuditLog.entity_id == got["id"])).scalars().all()
    assert "condolence.campaign_create" in rows


@pytest.mark.parametrize(("patch", "field"), [
    ({"festival": "qingming"}, "festival"),
    ({"year": 1999}, "year"),
    ({"budget_cash_fen": -1}, "budget_cash_fen"),
    ({"nomination_deadline": "2027-01-10T17:30:00"}, "nomination_deadline"),  # no time zone
    ({"rules": {"cooldown_months": 99}}, "rules"),
    ({"categories": [{"code": "a b", "name": "x"}]}, "categories"),
    ({"categories": [{"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}]}, "categories"),
    ({"quotas": [{"org_id": 999999999, "max_households": 3}]}, "quotas.0.org_id"),
    ({"quotas": [{"org_id": 1, "category_code": "nope", "max_households": 3}]}, "quotas.0"),
])
def test_bad_set_up_is_refused_field_by_field(login_as, patch, field):
    c = login_as("federation_admin")
    if "quotas" in patch and patch["quotas"][0]["org_id"] == 1:
        patch = {"quotas": [{**patch["quotas"][0], "org_id": orgs_of_type(c, "township", 1)[0]["id"]}]}
    resp = c.post("/api/v1/condolence/campaigns", campaign_payload(**patch))
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]["json"]
    assert any(k == field or k.startswith(field) for k in errors), errors


def test_same_name_twice_is_a_field_error(login_as):
    c = login_as("federation_admin")
    data = campaign_payload()
    assert c.post("/api/v1/condolence/campaigns", data).status_code == 201
    resp = c.post("/api/v1/condolence/campaigns", data)
    assert resp.status_code == 422 and resp.get_json()["errors"]["json"]["name"] == ["已有同名的慰问活动"]


def test_edit_with_etag_open_and_close(login_as):
    c = login_as("federation_admin")
    campaign = create_campaign(c, open_it=False)
    cid = campaign["id"]
    assert c.patch(f"/api/v1/condolence/campaigns/{cid}", {"remark": "x"}).status_code == 428
    assert c.patch(f"/api/v1/condolence/campaigns/{cid}", {"remark": "x"},
                   headers={"If-Match": '"stale"'}).status_code == 412
    resp = c.patch(f"/api/v1/condolence/campaigns/{cid}", {"budget_cash_fen": 123400, "categories": [
        {"code": "ordinary", "name": "困难职工", "standard_cash_fen": 60000}]}, headers={"If-Match": _etag(c, cid)})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["budget_cash_fen"] == 123400 and len(resp.get_json()["categories"]) == 1
    opened = c.post(f"/api/v1/condolence/campaigns/{cid}/open")
    assert opened.status_code == 200 and opened.get_json()["status"] == "nominating"
    assert opened.get_json()["nominations_open"] is True
    assert c.post(f"/api/v1/condolence/campaigns/{cid}/open").status_code == 409
    closed = c.post(f"/api/v1/condolence/campaigns/{cid}/close-nominations")
    assert closed.status_code == 200 and closed.get_json()["status"] == "reviewing"


def test_opening_needs_categories_and_a_future_deadline(login_as):
    c = login_as("federation_admin")
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    cid = create_campaign(c, open_it=False, nomination_deadline=past)["id"]
    resp = c.post(f"/api/v1/condolence/campaigns/{cid}/open")
    assert resp.status_code == 422 and "nomination_deadline" in resp.get_json()["errors"]["json"]
    cid = create_campaign(c, open_it=False, categories=[])["id"]
    resp = c.post(f"/api/v1/condolence/campaigns/{cid}/open")
    assert resp.status_code == 422 and "categories" in resp.get_json()["errors"]["json"]


def test_new_campaign_from_last_years(login_as):
    c = login_as("federation_admin")
    town = orgs_of_type(c, "township", 1)[0]
    source = create_campaign(c, townships=[town], budget_cash_fen=888800)
    resp = c.post(f"/api/v1/condolence/campaigns/{source['id']}/copy", {"name": "2028年元旦春节送温暖", "year": 2028})
    assert resp.status_code == 201, resp.get_json()
    copy = resp.get_json()
    assert copy["status"] == "draft" and copy["template_id"] == source["id"] and copy["template_name"] == source["name"]
    assert copy["year"] == 2028 and copy["festival"] == "spring" and copy["budget_cash_fen"] == 888800
    assert [(x["code"], x["standard_cash_fen"]) for x in copy["categories"]] == [
        (x["code"], x["standard_cash_fen"]) for x in source["categories"]]
    assert [(q["org_id"], q["max_households"]) for q in copy["quotas"]] == [(town["id"], 100)]
    assert copy["rules"] == source["rules"]


def test_permissions_and_deletion(login_as):
    admin = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    staff = login_as("org_staff")
    assert chair.post("/api/v1/condolence/campaigns", campaign_payload()).status_code == 403
    assert login_as("grid_officer").get("/api/v1/condolence/campaigns").status_code == 403
    cid = create_campaign(admin, open_it=False)["id"]
    assert staff.get(f"/api/v1/condolence/campaigns/{cid}").status_code == 200  # county-wide, read-only
    assert staff.post(f"/api/v1/condolence/campaigns/{cid}/open").status_code == 403
    assert staff.post(f"/api/v1/condolence/campaigns/{cid}/rejudge").status_code == 403
    assert admin.delete(f"/api/v1/condolence/campaigns/{cid}", headers={"If-Match": _etag(admin, cid)}).status_code == 204
    assert admin.get(f"/api/v1/condolence/campaigns/{cid}").status_code == 404


def test_the_other_tenant_sees_nothing(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    cid = create_campaign(a)["id"]
    assert cid not in {x["id"] for x in b.get("/api/v1/condolence/campaigns?page_size=100").get_json()}
    for method, url in (("get", ""), ("post", "/open"), ("post", "/close-nominations"), ("post", "/rejudge"),
                        ("post", "/copy"), ("get", "/batches"), ("get", "/lines"), ("get", "/lines.xlsx"),
                        ("post", "/manual-batches")):
        kwargs = {"json": {"name": "x", "year": 2030}} if url == "/copy" else {}
        resp = getattr(b, method)(f"/api/v1/condolence/campaigns/{cid}{url}", **kwargs)
        assert resp.status_code == 404, (method, url, resp.status_code)
    assert b.patch(f"/api/v1/condolence/campaigns/{cid}", {"remark": "x"}, headers={"If-Match": "*"}).status_code == 404


def test_rejudge_starts_one_roster_job(login_as):
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    resp = c.post(f"/api/v1/condolence/campaigns/{cid}/rejudge")
    assert resp.status_code == 202, resp.get_json()
    job_id = resp.get_json()["roster_job_id"]
    job = c.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["kind"] == "condolence.roster" and job["status"] == "queued"
    # A second request while that job waits in the queue reuses it.
    assert c.post(f"/api/v1/condolence/campaigns/{cid}/rejudge").get_json()["roster_job_id"] == job_id


def test_code_lists(login_as):
    meta = login_as("grassroots_chair").get("/api/v1/condolence/meta").get_json()
    codes = {x["code"]: x for x in meta["check_codes"]}
    assert codes["duplicate_id"]["group"] == "duplicate" and codes["not_filed"]["label"] == "未建档困难职工"
    assert {x["code"] for x in meta["check_statuses"]} >= {"ok", "invalid", "duplicate", "ineligible", "over_quota",
                                                          "over_budget", "pending"}
    assert meta["default_rules"]["require_hardship_file"] is True


def test_the_demo_county_has_a_campaign_in_progress(login_as):
    c = login_as("federation_admin")
    current = [x for x in c.get("/api/v1/condolence/campaigns?status=nominating").get_json()
               if x["name"].endswith("元旦春节送温暖活动")]
    assert current, "the demo has no campaign in progress"
    summary = current[0]["roster_summary"]
    assert summary and summary["lines"] > 20 and summary["ok"] > 10
    codes = set(summary["by_code"])
    assert {"duplicate_id", "invalid_id", "not_filed", "file_exited", "cooldown"} <= codes, summary["by_code"]
    batches = c.get(f"/api/v1/condolence/campaigns/{current[0]['id']}/batches").get_json()
    assert {b["status"] for b in batches} == {"submitted", "processed"}
    assert sum(b["rows_skipped"] for b in batches) > 0
    chair = login_as("grassroots_chair")
    assert chair.get(f"/api/v1/condolence/campaigns/{current[0]['id']}/lines").get_json()
