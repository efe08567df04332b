"""Applications and the file itself: validation, one open file per person, scope, tenants, PII."""

from __future__ import annotations

from sqlalchemy import select

from tests.backend.hardship.helpers import (
    apply,
    counts,
    etag,
    filed_household,
    grassroots_org,
    new_id,
    payload,
    scope_org,
    tenant_of,
)
from unionhome.core.audit import AuditLog
from unionhome.core.tenancy import tenant_context
from unionhome.extensions import db

URL = "/api/v1/hardship/households"


def test_application_is_judged_and_members_are_counted_by_the_rule(login_as, rng):
    c = login_as("federation_admin")
    org = grassroots_org(c)
    data = payload(rng, org, claimed_rule="basic")
    data["members"].append({"name": "父亲", "relation": "parent", "marital_status": "widowed"})
    h = apply(c, data)
    assert h["status"] == "candidate" and h["source"] == "application"
    assert h["file_no"].startswith("KN")
    assert h["household_size"] == 3  # married: self, spouse, unmarried child; the parent is not counted
    assert [m["counted"] for m in h["members"]] == [True, True, False]
    assert h["per_capita_income_fen"] == 80000
    assert h["rule_code"] == "basic"
    assessment = h["assessment"]
    assert assessment["met"] and assessment["rule_code"] == "basic"
    assert "800.00元" in assessment["explanation"] and "1,170.00元" in assessment["explanation"]
    assert "不计入：父亲" in assessment["size_explanation"]
    # Masked everywhere; the member links itself to nobody (not a registered member).
    assert "*" in h["head_id_masked"] and h["bank_card_masked"].startswith("**** ")
    assert all(m["id_number_masked"] is None or m["id_number_masked"].startswith("*") for m in h["members"])
    with tenant_context(tenant_of(c)):
        row = db.session.execute(select(AuditLog).where(AuditLog.entity_type == "hardship_household",
                                                        AuditLog.entity_id == h["id"])).scalar_one()
        assert row.action == "hardship.household.create"
        db.session.rollback()


def test_nomination_links_a_registered_member_as_head(login_as, rng):
    c = login_as("federation_admin")
    member = c.get("/api/v1/members?page_size=50").get_json()
    # A member not already in the demo file: try until the application is accepted.
    for m in member:
        full = c.get(f"/api/v1/members/{m['id']}/id-number").get_json()["id_number"]
        resp = c.post(URL, payload(rng, m["org_id"], id_number=full, head_name=m["name"], source="nomination"))
        if resp.status_code == 201:
            assert resp.get_json()["member_id"] == m["id"]
            assert resp.get_json()["source"] == "nomination"
            return
        assert resp.status_code == 409, resp.get_json()
    raise AssertionError("every member is already in the file")


def test_invalid_id_numbers_are_refused_and_nothing_is_written(login_as, rng):
    c = login_as("federation_admin")
    org = grassroots_org(c)
    before = counts(tenant_of(c))
    good = new_id(rng)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    resp = c.post(URL, payload(rng, org, id_number=bad))
    assert resp.status_code == 422
    assert "校验位" in resp.get_json()["errors"]["json"]["id_number"][0]
    data = payload(rng, org)
    data["members"][0]["id_number"] = "41072119800101"
    resp = c.post(URL, data)
    assert resp.status_code == 422
    assert "长度" in resp.get_json()["errors"]["json"]["members"]["0"]["id_number"][0]
    assert counts(tenant_of(c)) == before


def test_a_person_in_an_open_file_cannot_be_filed_again_anywhere_in_the_county(login_as, rng):
    c = login_as("federation_admin")
    org = grassroots_org(c)
    first = payload(rng, org)
    h = apply(c, first)
    before = counts(tenant_of(c))
    other_org = grassroots_org(c, not_in=org)
    # The same head in another union
    resp = c.post(URL, payload(rng, other_org, id_number=first["id_number"]))
    assert resp.status_code == 409
    msg = resp.get_json()["message"]
    assert h["org_name"] in msg and h["file_no"] in msg and "户主" in msg
    # A member of that household listed in another household
    data = payload(rng, other_org)
    data["members"][1]["id_number"] = first["members"][0]["id_number"]
    resp = c.post(URL, data)
    assert resp.status_code == 409
    msg = resp.get_json()["message"]
    assert h["file_no"] in msg and "家庭成员" in msg
    assert resp.get_json()["errors"]["json"]["members"]["1"]["id_number"]
    # The head of that household as a member of another
    data = payload(rng, other_org)
    data["members"][0]["id_number"] = first["id_number"]
    assert c.post(URL, data).status_code == 409
    # Twice in the same household
    data = payload(rng, other_org)
    data["members"][1]["id_number"] = data["id_number"]
    resp = c.post(URL, data)
    assert resp.status_code == 422 and "同一人" in resp.get_json()["errors"]["json"]["members"]["1"]["id_number"][0]
    assert counts(tenant_of(c)) == before


def test_the_database_guarantee_gives_the_same_409(login_as, rng, monkeypatch):
    """Two filings racing past the check: the unique index stops the second with the same message."""
    from unionhome.domains.hardship.services import households, people

    c = login_as("federation_admin")
    org = grassroots_org(c)
    first = payload(rng, org)
    h = apply(c, first)
    checks: list[int] = []
    original = people.check_not_in_open_file

    def skipped_once(persons, exclude=None):
        checks.append(1)
        if len(checks) == 1:
            return None  # the pre-check "passes", as in a race
        return original(persons, exclude)

    monkeypatch.setattr(households.pp, "check_not_in_open_file", skipped_once)
    monkeypatch.setattr(people, "check_not_in_open_file", skipped_once)
    data = payload(rng, grassroots_org(c, not_in=org))
    data["members"][0]["id_number"] = first["members"][0]["id_number"]
    resp = c.post(URL, data)
    assert resp.status_code == 409, resp.get_json()
    assert h["file_no"] in resp.get_json()["message"]


def test_income_contradicting_the_stated_rule_or_itself_is_refused(login_as, rng):
    c = login_as("federation_admin")
    org = grassroots_org(c)
    before = counts(tenant_of(c))
    # 3 × 1,200 元 = 3,600 元: above 150% of 780 元, so rule 1 cannot be claimed
    resp = c.post(URL, payload(rng, org, household_income_fen=360000, claimed_rule="basic"))
    assert resp.status_code == 422
    msg = resp.get_json()["errors"]["json"]["claimed_rule"][0]
    assert "1,200.00元" in msg and "1,170.00元" in msg
    # Per-capita income that does not match the total and the household size
    resp = c.post(URL, payload(rng, org, per_capita_income_fen=50000))
    assert resp.status_code == 422 and "不一致" in resp.get_json()["errors"]["json"]["per_capita_income_fen"][0]
    # A stated household size that contradicts the listed members
    resp = c.post(URL, payload(rng, org, household_size=5))
    assert resp.status_code == 422 and "3人" in resp.get_json()["errors"]["json"]["household_size"][0]
    # Members earning more than the whole household
    data = payload(rng, org, household_income_fen=50000)
    resp = c.post(URL, data)
    assert resp.status_code == 422 and "超过" in resp.get_json()["errors"]["json"]["household_income_fen"][0]
    assert counts(tenant_of(c)) == before


def test_no_members_listed_counts_three_or_the_stated_size(login_as, rng):
    c = login_as("federation_admin")
    org = grassroots_org(c)
    h = apply(c, payload(rng, org, members=[], household_income_fen=300000))
    assert h["household_size"] == 3 and h["per_capita_income_fen"] == 100000
    assert "三口" in h["assessment"]["size_explanation"]
    h = apply(c, payload(rng, org, members=[], household_size=4, household_income_fen=None,
                             per_capita_income_fen=90000))
    assert h["household_size"] == 4 and h["household_income_fen"] == 360000


def test_edit_with_if_match_recounts_and_rejudges(login_as, rng):
    c = login_as("federation_admin")
    h = apply(c, payload(rng, grassroots_org(c)))
    url = f"{URL}/{h['id']}"
    assert c.patch(url, {"remark": "x"}).status_code == 428
    assert c.patch(url, {"remark": "x"}, headers={"If-Match": '"stale"'}).status_code == 412
    members = [{"name": "配偶", "relation": "spouse", "marital_status": "married"},
               {"name": "孩子一", "relation": "child"}, {"name": "孩子二", "relation": "child"}]
    resp = c.patch(url, {"members": members, "household_income_fen": 500000},
                   headers={"If-Match": etag(c, h["id"])})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["household_size"] == 4 and body["per_capita_income_fen"] == 125000
    assert body["rule_code"] == "special"  # above 150%, within 200% with a schoolchild
    assert body["version"] == h["version"] + 1
    history = c.get(f"{url}/history").get_json()
    assert history[0]["action"] == "hardship.household.update" and history[0]["changes"]["members"]


def test_list_filters_and_search(login_as, rng):
    c = login_as("federation_admin")
    org = grassroots_org(c)
    data = payload(rng, org, category="model_worker", causes=["disability"])
    h = apply(c, data)
    for q in (data["head_name"], data["id_number"][-4:], h["file_no"], data["id_number"]):
        rows = c.get(f"{URL}?q={q}").get_json()
        assert h["id"] in {r["id"] for r in rows}, q
    rows = c.get(f"{URL}?category=model_worker&cause=disability&status=candidate&page_size=100").get_json()
    assert h["id"] in {r["id"] for r in rows}
    assert all(r["category"] == "model_worker" and "disability" in r["causes"] for r in rows)
    overdue = c.get(f"{URL}?review_overdue=true&page_size=100").get_json()
    assert overdue and all(r["review_overdue"] and r["status"] == "filed" for r in overdue)
    township = c.get(f"{URL}?page_size=1&status=filed").get_json()[0]["township_id"]
    under = c.get(f"{URL}?under={township}&page_size=100").get_json()
    assert under and all(r["township_id"] == township for r in under)


def test_grassroots_chair_sees_only_its_union(login_as, rng):
    admin = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    own = scope_org(chair)
    mine = apply(admin, payload(rng, own))
    other = apply(admin, payload(rng, grassroots_org(admin, not_in=own)))
    rows = chair.get(f"{URL}?page_size=100").get_json()
    assert rows and {r["org_id"] for r in rows} == {own}
    assert mine["id"] in {r["id"] for r in rows}
    assert chair.get(f"{URL}/{mine['id']}").status_code == 200
    for path in ("", "/history", "/visits", "/reliefs"):
        assert chair.get(f"{URL}/{other['id']}{path}").status_code == 404, path
    # Applying for a union outside the chair's scope
    resp = chair.post(URL, payload(rng, grassroots_org(admin, not_in=own)))
    assert resp.status_code == 422 and "管辖范围" in resp.get_json()["errors"]["json"]["org_id"][0]
    stats = chair.get("/api/v1/hardship/statistics").get_json()
    assert stats["total"] == len(chair.get(f"{URL}?page_size=100").get_json())


def test_the_other_tenant_gets_404_and_sees_nothing(login_as, rng):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    h = filed_household(a, payload(rng, grassroots_org(a)))
    url = f"{URL}/{h['id']}"
    assert b.get(url).status_code == 404
    assert b.patch(url, {"remark": "x"}, headers={"If-Match": "*"}).status_code == 404
    for path in ("/history", "/visits", "/reliefs", "/id-numbers"):
        assert b.get(url + path).status_code == 404, path
    for path in ("/visits", "/file", "/reviews", "/exit", "/reject", "/reliefs"):
        assert b.post(url + path, {}, headers={"If-Match": "*"}).status_code == 404, path
    assert h["id"] not in {r["id"] for r in b.get(f"{URL}?page_size=100").get_json()}
    assert b.get(f"{URL}?q={h['file_no']}").get_json() == []
    # B's own application may name a person of A's file: tenants never see each other
    same_person = payload(rng, grassroots_org(b))
    same_person["id_number"] = a.get(f"{url}/id-numbers").get_json()["id_number"]
    assert b.post(URL, same_person).status_code == 201


def test_health_and_income_are_hidden_from_roles_without_hardship_read(login_as, rng):
    admin = login_as("federation_admin")
    h = apply(admin, payload(rng, grassroots_org(admin)))
    for role in ("grid_officer", "auditor", "judge"):
        c = login_as(role)
        for url in (URL, f"{URL}/{h['id']}", "/api/v1/hardship/statistics", "/api/v1/hardship/reliefs",
                    "/api/v1/hardship/reviews-due"):
            assert c.get(url).status_code == 403, (role, url)
        resp = c.get(f"/api/v1/evidence?subject_type=hardship_household&subject_id={h['id']}")
        assert resp.status_code == 403, role


def test_full_id_numbers_only_with_the_reveal_permission_and_audited(login_as, rng):
    admin = login_as("federation_admin")
    data = payload(rng, scope_org(login_as("org_staff")))
    h = apply(admin, data)
    staff = login_as("org_staff")
    assert staff.get(f"{URL}/{h['id']}").status_code == 200
    assert staff.get(f"{URL}/{h['id']}/id-numbers").status_code == 403
    resp = admin.get(f"{URL}/{h['id']}/id-numbers")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id_number"] == data["id_number"] and body["bank_card_number"] == data["bank_card"]
    assert {m["id_number"] for m in body["members"]} == {m["id_number"] for m in data["members"]}
    history = admin.get(f"{URL}/{h['id']}/history").get_json()
    assert history[0]["action"] == "hardship.household.reveal_pii"


def test_editing_members_keeps_their_stored_id_numbers(login_as, rng):
    c = login_as("federation_admin")
    data = payload(rng, grassroots_org(c))
    h = apply(c, data)
    spouse = next(m for m in h["members"] if m["relation"] == "spouse")
    members = [{"id": spouse["id"], "name": "配偶改名", "relation": "spouse", "marital_status": "married",
                "monthly_income_fen": 100000}]
    resp = c.patch(f"{URL}/{h['id']}", {"members": members}, headers={"If-Match": etag(c, h["id"])})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["household_size"] == 2
    revealed = c.get(f"{URL}/{h['id']}/id-numbers").get_json()["members"]
    assert [(m["name"], m["id_number"]) for m in revealed] == [("配偶改名", data["members"][0]["id_number"])]
    # The child dropped from the list is free to be listed elsewhere; an id of another household is refused
    other = apply(c, payload(rng, grassroots_org(c)))
    bad = [{"id": other["members"][0]["id"], "name": "x", "relation": "spouse"}]
    resp = c.patch(f"{URL}/{h['id']}", {"members": bad}, headers={"If-Match": etag(c, h["id"])})
    assert resp.status_code == 422 and resp.get_json()["errors"]["json"]["members"]["0"]["id"]


def test_evidence_attaches_to_households_and_visits_within_scope(login_as, rng):
    import hashlib

    admin = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    h = filed_household(admin, payload(rng, grassroots_org(admin, not_in=scope_org(chair))))
    visit = admin.get(f"{URL}/{h['id']}/visits").get_json()[0]
    data = b"%PDF-1.4 diagnosis"
    body = {"filename": "诊断证明.pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    for subject, sid in (("hardship_household", h["id"]), ("hardship_visit", visit["id"])):
        resp = admin.post("/api/v1/evidence", {**body, "subject_type": subject, "subject_id": sid})
        assert resp.status_code == 201, resp.get_json()
        listed = admin.get(f"/api/v1/evidence?subject_type={subject}&subject_id={sid}").get_json()
        assert len(listed) == 1
        # outside the chair's union: like a missing record
        assert chair.get(f"/api/v1/evidence?subject_type={subject}&subject_id={sid}").status_code == 404
        assert chair.post("/api/v1/evidence", {**body, "subject_type": subject, "subject_id": sid}).status_code == 404
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"/api/v1/evidence?subject_type=hardship_household&subject_id={h['id']}").status_code == 404
