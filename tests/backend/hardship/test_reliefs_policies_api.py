"""Relief against the file (who may receive what) and the county's versioned policy."""

from __future__ import annotations

from datetime import date, timedelta

from tests.backend.hardship.helpers import (
    apply,
    counts,
    etag,
    filed_household,
    grassroots_org,
    payload,
    tenant_of,
)
from unionhome.core.clock import today as china_today

URL = "/api/v1/hardship/households"
POLICIES = "/api/v1/hardship/policies"


def relief(kind: str = "living", amount: int = 200000, method: str = "bank_card", **extra) -> dict:
    return {"kind": kind, "amount_fen": amount, "paid_on": china_today().isoformat(), "payment_method": method,
            **extra}


def test_relief_for_a_filed_household_and_the_totals(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c)))
    resp = c.post(f"{URL}/{h['id']}/reliefs", relief())
    assert resp.status_code == 201, resp.get_json()
    r = resp.get_json()
    assert r["kind"] == "living" and r["amount_fen"] == 200000 and r["file_no"] == h["file_no"]
    student = next(m for m in h["members"] if m["relation"] == "child")
    resp = c.post(f"{URL}/{h['id']}/reliefs", relief("education_jinqiu", 100000, beneficiary_member_id=student["id"]))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["beneficiary_name"] == student["name"]
    assert resp.get_json()["school_stage"] == "compulsory"
    detail = c.get(f"{URL}/{h['id']}").get_json()
    assert detail["relief_total_fen"] == 300000 and detail["relief_count"] == 2
    rows = c.get(f"/api/v1/hardship/reliefs?household_id={h['id']}").get_json()
    assert {x["kind"] for x in rows} == {"living", "education_jinqiu"}
    assert c.get(f"{URL}/{h['id']}/history").get_json()[0]["action"] == "hardship.relief.create"


def test_relief_is_refused_before_filing_and_without_a_bank_card(login_as, rng):
    c = login_as("federation_admin")
    before = counts(tenant_of(c))
    candidate = apply(c, payload(rng, grassroots_org(c)))
    before = counts(tenant_of(c))
    resp = c.post(f"{URL}/{candidate['id']}/reliefs", relief())
    assert resp.status_code == 409 and "尚未建档" in resp.get_json()["message"]
    no_card = filed_household(c, payload(rng, grassroots_org(c), bank_card=None))
    before = counts(tenant_of(c))
    resp = c.post(f"{URL}/{no_card['id']}/reliefs", relief())
    assert resp.status_code == 422 and "银行卡" in resp.get_json()["errors"]["json"]["payment_method"][0]
    assert c.post(f"{URL}/{no_card['id']}/reliefs", relief(method="cash")).status_code == 201
    resp = c.post(f"{URL}/{no_card['id']}/reliefs", relief(amount=0, method="cash"))
    assert resp.status_code == 422
    resp = c.post(f"{URL}/{no_card['id']}/reliefs", relief(amount=0, method="goods"))
    assert resp.status_code == 422 and "goods_value_fen" in resp.get_json()["errors"]["json"]
    resp = c.post(f"{URL}/{no_card['id']}/reliefs", relief("education_yuanmeng", beneficiary_name="小明",
                                                            school_stage="high_school", method="cash"))
    assert resp.status_code == 422 and "大学" in resp.get_json()["errors"]["json"]["school_stage"][0]
    resp = c.post(f"{URL}/{no_card['id']}/reliefs", relief("education_jinqiu", method="cash"))
    assert resp.status_code == 422 and "beneficiary_name" in resp.get_json()["errors"]["json"]
    after = counts(tenant_of(c))
    assert after["hardship_reliefs"] == before["hardship_reliefs"] + 1


def test_an_exited_household_keeps_only_illness_and_education_aid(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c)))
    resp = c.post(f"{URL}/{h['id']}/exit", {"reason": "moved_away"}, headers={"If-Match": etag(c, h["id"])})
    assert resp.status_code == 200, resp.get_json()
    for kind in ("living", "festival", "mutual_aid"):
        resp = c.post(f"{URL}/{h['id']}/reliefs", relief(kind))
        assert resp.status_code == 409 and "退档后只能享受" in resp.get_json()["message"], kind
    assert c.post(f"{URL}/{h['id']}/reliefs", relief("major_illness")).status_code == 201
    resp = c.post(f"{URL}/{h['id']}/reliefs", relief("education_yuanmeng", beneficiary_name="王小明",
                                                      school_stage="university"))
    assert resp.status_code == 201, resp.get_json()


def test_relief_list_is_scoped_and_tenant_bound(login_as, rng):
    a = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    b = login_as("federation_admin", tenant=1)
    h = filed_household(a, payload(rng, grassroots_org(a)))
    r = a.post(f"{URL}/{h['id']}/reliefs", relief()).get_json()
    assert r["id"] not in {x["id"] for x in b.get("/api/v1/hardship/reliefs?page_size=100").get_json()}
    own = {x["org_name"] for x in chair.get("/api/v1/hardship/reliefs?page_size=100").get_json()}
    assert len(own) <= 1


# ---- policies -------------------------------------------------------------------------------------

def test_policy_in_force_is_the_latest_effective_one(login_as):
    c = login_as("org_staff")
    current = c.get(f"{POLICIES}/current").get_json()
    assert current["min_living_line_fen"] == 78000 and current["in_force"]
    assert current["thresholds"] == {"basic": 117000, "special": 156000, "major": 234000, "self_paid": 2000000,
                                     "exit": 117000}
    old = c.get(f"{POLICIES}/current?on=2020-06-01").get_json()
    assert old["min_living_line_fen"] == 65000 and old["effective_to"] == "2022-12-31"
    assert c.get(f"{POLICIES}/current?on=2010-01-01").status_code == 404


def test_only_the_county_sets_policies_and_they_are_validated(login_as):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    body = {"name": "2027年标准", "effective_from": (china_today() + timedelta(days=30)).isoformat(),
            "min_living_line_fen": 82000}
    assert staff.post(POLICIES, body).status_code == 403
    resp = admin.post(POLICIES, {**body, "special_pct": 140})
    assert resp.status_code == 422 and "逐级放宽" in resp.get_json()["errors"]["json"]["special_pct"][0]
    resp = admin.post(POLICIES, {**body, "effective_from": "2023-01-01"})
    assert resp.status_code == 422 and "已有一项政策" in resp.get_json()["errors"]["json"]["effective_from"][0]
    resp = admin.post(POLICIES, body)
    assert resp.status_code == 201, resp.get_json()
    new = resp.get_json()
    assert new["basic_pct"] == 150 and new["review_interval_months"] == 12 and not new["in_force"]
    assert admin.get(f"{POLICIES}/current").get_json()["min_living_line_fen"] == 78000
    url = f"{POLICIES}/{new['id']}"
    etag_ = admin.get(url).headers["ETag"]
    resp = admin.patch(url, {"min_living_line_fen": 83000}, headers={"If-Match": etag_})
    assert resp.status_code == 200 and resp.get_json()["thresholds"]["basic"] == 124500
    assert staff.patch(url, {"name": "x"}, headers={"If-Match": "*"}).status_code == 403
    # Unused: may be deleted. A policy households were judged by may not.
    assert admin.delete(url, headers={"If-Match": admin.get(url).headers["ETag"]}).status_code == 204
    used = admin.get(f"{POLICIES}/current").get_json()
    resp = admin.delete(f"{POLICIES}/{used['id']}", headers={"If-Match": admin.get(f"{POLICIES}/{used['id']}").headers["ETag"]})
    assert resp.status_code == 409 and "不能删除" in resp.get_json()["message"]


def test_policies_of_another_tenant_are_404(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    pid = a.get(f"{POLICIES}/current").get_json()["id"]
    assert b.get(f"{POLICIES}/{pid}").status_code == 404
    assert b.patch(f"{POLICIES}/{pid}", {"name": "x"}, headers={"If-Match": "*"}).status_code == 404
    assert b.delete(f"{POLICIES}/{pid}", headers={"If-Match": "*"}).status_code == 404
    assert pid not in {p["id"] for p in b.get(POLICIES).get_json()}


def test_a_new_policy_changes_the_judgement_from_its_effective_date(login_as, rng):
    admin = login_as("federation_admin")
    h = apply(admin, payload(rng, grassroots_org(admin), household_income_fen=360000))  # 1,200 元 per person
    assert h["assessment"]["rule_code"] == "special"
    resp = admin.post(POLICIES, {"name": "提高低保线", "effective_from": date(2024, 6, 1).isoformat()
                                 if china_today() < date(2024, 6, 1) else china_today().isoformat(),
                                 "min_living_line_fen": 90000})
    assert resp.status_code == 201, resp.get_json()
    again = admin.get(f"{URL}/{h['id']}").get_json()["assessment"]
    assert again["rule_code"] == "basic" and "1,350.00元" in again["explanation"]
