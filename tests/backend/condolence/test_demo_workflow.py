"""The demo county shows the whole condolence workflow (make demo; the tests seed the tiny demo): last
year's campaign closed with its notice posted, objections, visit groups with visit records and a bank
batch with paid and failed results; this year's part way up the review chain."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def _campaigns(client) -> list[dict]:
    r = client.get(f"{API}/campaigns?page_size=50")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


@pytest.mark.parametrize("tenant", [0, 1])
def test_demo_has_a_past_campaign_through_the_whole_workflow(login_as, tenant):
    admin = login_as("federation_admin", tenant=tenant)
    campaigns = _campaigns(admin)
    past = next(c for c in campaigns if c["status"] == "closed" and c["festival"] == "spring")
    notices = admin.get(f"{API}/campaigns/{past['id']}/notices").get_json()
    assert len(notices) == 1
    n = notices[0]
    assert n["status"] == "posted" and n["window_state"] == "closed" and n["line_count"] >= 4
    assert n["objections_upheld"] == 1 and n["objections_dismissed"] == 1 and n["objections_pending"] == 0

    groups = admin.get(f"{API}/campaigns/{past['id']}/visit-groups").get_json()
    assert [g["name"] for g in sorted(groups, key=lambda g: g["name"])] == ["第一组", "第二组"]
    assert sum(g["households"] for g in groups) == n["line_count"] - 1  # the upheld objection is not visited
    visits = admin.get(f"{API}/campaigns/{past['id']}/visits").get_json()
    assert len(visits) == 4 and any(v["cash_fen"] > 0 for v in visits)

    batches = admin.get(f"{API}/campaigns/{past['id']}/payment-batches").get_json()
    assert len(batches) == 1
    b = batches[0]
    assert b["status"] == "completed" and b["paid_count"] >= 1 and b["pending_count"] == 0
    payments = admin.get(f"{API}/payment-batches/{b['id']}/payments?page_size=100").get_json()
    statuses = {p["status"] for p in payments}
    assert statuses == ({"paid", "failed"} if b["failed_count"] else {"paid"})
    assert all(p["failure_reason"] for p in payments if p["status"] == "failed")
    # nothing is paid twice: the bank batch and the cash at the visit never share a line
    preview = admin.get(f"{API}/campaigns/{past['id']}/payable").get_json()
    assert preview["payable"] == b["failed_count"]  # only the failed ones may go into a new batch


def test_demo_current_campaign_is_mid_review(login_as):
    admin = login_as("federation_admin")
    current = next(c for c in _campaigns(admin) if c["status"] in ("nominating", "reviewing"))
    history = admin.get(f"{API}/campaigns/{current['id']}/reviews?page_size=50")
    assert history.status_code == 200, history.get_json()
    actions = {(h["level"], h["action"]) for h in history.get_json()}
    assert ("grassroots", "approve") in actions and ("grassroots", "return") in actions
    assert ("township", "approve") in actions
    returned = admin.get(f"{API}/campaigns/{current['id']}/review-queue?view=returned").get_json()
    assert len(returned) >= 1 and returned[0]["review_comment"]
