"""Verification visit → filing → reviews → exit (and rejection), each step by the rules of W2."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from tests.backend.hardship.helpers import (
    apply,
    counts,
    etag,
    file,
    filed_household,
    grassroots_org,
    payload,
    scope_org,
    tenant_of,
    verify,
)
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.domains.hardship.eligibility import add_months
from unionhome.domains.hardship.models import HardshipHousehold, HardshipPolicy
from unionhome.extensions import db

URL = "/api/v1/hardship/households"


def post(client, household_id: int, action: str, body: dict, *, if_match: str | None = None):
    return client.post(f"{URL}/{household_id}/{action}", body,
                       headers={"If-Match": if_match or etag(client, household_id)})


def review_body(income: int, **extra) -> dict:
    return {"visited_on": china_today().isoformat(), "visitors": "镇工会 王强", "findings": "复核入户", "household_income_fen": income,
            **extra}


def test_the_whole_life_of_a_file(login_as, rng):
    c = login_as("federation_admin")
    h = apply(c, payload(rng, grassroots_org(c)))
    # Filing before the door-to-door visit is refused
    resp = file(c, h["id"])
    assert resp.status_code == 409 and "已核实" in resp.get_json()["message"]
    visit = verify(c, h["id"], income=210000)
    assert visit["kind"] == "verification"
    detail = c.get(f"{URL}/{h['id']}").get_json()
    assert detail["status"] == "verified" and detail["household_income_fen"] == 210000
    assert detail["per_capita_income_fen"] == 70000
    resp = file(c, h["id"])
    assert resp.status_code == 200, resp.get_json()
    filed = resp.get_json()
    today = china_today()
    assert filed["status"] == "filed" and filed["filed_on"] == today.isoformat()
    assert filed["next_review_due"] == add_months(today, 12).isoformat()
    assert filed["rule_code"] == "basic" and filed["policy_id"]

    # A review that still finds hardship: next review moves on, no exit recommended
    resp = post(c, h["id"], "reviews", review_body(400000))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["visit"]["outcome"] == "changed" and not body["household"]["exit_recommended"]
    assert body["household"]["rule_code"] == "special"  # 1,333.33 元: above 150%, within 200% with schooling
    assert body["household"]["last_review_on"] == today.isoformat()

    # A review that finds the income well above every rule recommends exit
    resp = post(c, h["id"], "reviews", review_body(900000))
    body = resp.get_json()
    assert body["visit"]["outcome"] == "recommend_exit"
    assert body["household"]["exit_recommended"] and body["household"]["rule_code"] is None
    assert "不符合任何一项建档标准" in body["household"]["assessment"]["explanation"]

    # Exit without a reason, or with a reason that does not hold, changes nothing
    before = counts(tenant_of(c))
    resp = post(c, h["id"], "exit", {})
    assert resp.status_code == 422 and "reason" in resp.get_json()["errors"]["json"]
    resp = post(c, h["id"], "exit", {"reason": "stable_employment"})
    assert resp.status_code == 422 and "稳定就业" in resp.get_json()["errors"]["json"]["reason"][0]
    resp = post(c, h["id"], "exit", {"reason": "cause_gone"})
    assert resp.status_code == 422 and "note" in resp.get_json()["errors"]["json"]
    assert counts(tenant_of(c)) == before

    resp = post(c, h["id"], "exit", {"reason": "income_reached"})
    assert resp.status_code == 200, resp.get_json()
    exited = resp.get_json()
    assert exited["status"] == "exited" and exited["exit_reason"] == "income_reached"
    assert exited["exited_on"] == today.isoformat() and exited["next_review_due"] is None

    actions = [row["action"] for row in c.get(f"{URL}/{h['id']}/history?page_size=50").get_json()]
    assert actions[:4] == ["hardship.household.exit", "hardship.household.review", "hardship.household.review",
                           "hardship.household.file"]
    assert "hardship.visit.create" in actions and actions[-1] == "hardship.household.create"
    kinds = [v["kind"] for v in c.get(f"{URL}/{h['id']}/visits").get_json()]
    assert sorted(kinds) == ["review", "review", "verification"]

    # The person is free again: a new application is accepted after exit
    data = payload(rng, grassroots_org(c))
    data["id_number"] = c.get(f"{URL}/{h['id']}/id-numbers").get_json()["id_number"]
    assert c.post(URL, data).status_code == 201


def test_income_reached_needs_the_exit_standard(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c)))  # 800 元 per person
    resp = post(c, h["id"], "exit", {"reason": "income_reached"})
    assert resp.status_code == 422
    msg = resp.get_json()["errors"]["json"]["reason"][0]
    assert "800.00元" in msg and "1,170.00元" in msg
    assert c.get(f"{URL}/{h['id']}").get_json()["status"] == "filed"


def test_stable_employment_needs_six_months_by_the_exit_day(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c)))
    today = china_today()
    five_months = add_months(today, -5)
    resp = post(c, h["id"], "reviews", review_body(240000, employment_status="employed",
                                                   stable_employment_since=five_months.isoformat()))
    assert resp.status_code == 201, resp.get_json()
    resp = post(c, h["id"], "exit", {"reason": "stable_employment"})
    assert resp.status_code == 422 and "不满6个月" in resp.get_json()["errors"]["json"]["reason"][0]
    resp = c.patch(f"{URL}/{h['id']}", {"stable_employment_since": add_months(today, -6).isoformat()},
                   headers={"If-Match": etag(c, h["id"])})
    assert resp.status_code == 200, resp.get_json()
    resp = post(c, h["id"], "exit", {"reason": "stable_employment", "note": "在县工业园区稳定就业"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["exit_note"] == "在县工业园区稳定就业"


def test_filing_needs_a_rule_met_and_a_policy_in_force(login_as, rng):
    c = login_as("federation_admin")
    # 3 × 2,000 元 with schooling only: 2,000 元 > 200% of 780 元 — no rule
    h = apply(c, payload(rng, grassroots_org(c), household_income_fen=600000))
    assert h["rule_code"] is None and not h["assessment"]["met"]
    verify(c, h["id"])
    resp = file(c, h["id"])
    assert resp.status_code == 409
    assert "不符合建档标准" in resp.get_json()["message"] and "2,000.00元" in resp.get_json()["message"]
    # Rejected with its reason; the person is free again
    resp = post(c, h["id"], "reject", {"reason": "人均收入超过标准"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    assert post(c, h["id"], "reject", {"reason": "再次"}).status_code == 409

    h2 = apply(c, payload(rng, grassroots_org(c)))
    verify(c, h2["id"])
    tenant = tenant_of(c)
    with tenant_context(tenant):
        db.session.execute(HardshipHousehold.__table__.update().values(policy_id=None))
        db.session.execute(delete(HardshipPolicy))
        db.session.commit()
    before = counts(tenant)
    resp = file(c, h2["id"])
    assert resp.status_code == 409 and "没有生效的困难职工建档标准" in resp.get_json()["message"]
    resp = c.post(URL, payload(rng, grassroots_org(c)))
    assert resp.status_code == 409 and "帮扶政策" in resp.get_json()["message"]
    assert counts(tenant) == before
    assert c.get(f"{URL}/{h2['id']}").get_json()["status"] == "verified"


def test_a_visit_that_finds_the_household_ineligible_keeps_it_a_candidate(login_as, rng):
    c = login_as("federation_admin")
    h = apply(c, payload(rng, grassroots_org(c)))
    verify(c, h["id"], outcome="not_eligible")
    assert c.get(f"{URL}/{h['id']}").get_json()["status"] == "candidate"
    assert file(c, h["id"]).status_code == 409


def test_actions_need_the_current_etag(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c)))
    url = f"{URL}/{h['id']}/reviews"
    assert c.post(url, review_body(240000)).status_code == 428
    assert c.post(url, review_body(240000), headers={"If-Match": '"old"'}).status_code == 412


def test_dates_are_checked(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c)))
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    resp = post(c, h["id"], "reviews", {**review_body(240000), "visited_on": tomorrow})
    assert resp.status_code == 422 and "晚于今天" in resp.get_json()["errors"]["json"]["visited_on"][0]
    before_filing = (china_today() - timedelta(days=3)).isoformat()
    resp = post(c, h["id"], "reviews", {**review_body(240000), "visited_on": before_filing})
    assert resp.status_code == 422 and "建档日期" in resp.get_json()["errors"]["json"]["visited_on"][0]


def test_a_review_by_someone_outside_the_scope_is_refused_and_writes_nothing(login_as, rng):
    admin = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    h = filed_household(admin, payload(rng, grassroots_org(admin, not_in=scope_org(chair))))
    before = counts(tenant_of(admin))
    resp = chair.post(f"{URL}/{h['id']}/reviews", review_body(240000), headers={"If-Match": "*"})
    assert resp.status_code == 404 and "管辖范围" in resp.get_json()["message"]
    assert counts(tenant_of(admin)) == before
    # Inside the scope the chair may review, but not file or exit (federation only)
    mine = apply(admin, payload(rng, scope_org(chair)))
    verify(chair, mine["id"])
    assert file(chair, mine["id"]).status_code == 403
    filed = file(admin, mine["id"]).get_json()
    assert post(chair, filed["id"], "reviews", review_body(240000)).status_code == 201
    assert post(chair, filed["id"], "exit", {"reason": "moved_away"}).status_code == 403
