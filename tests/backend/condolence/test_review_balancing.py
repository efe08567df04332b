"""Consolidation and balancing (汇总平衡): quotas and budget against what the county approved, the
county's decisions (核减, 调增名额, 同意超额/超支), and the freeze they unblock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    add_campaign,
    add_lines,
    approve_all,
    build_chain,
    chain_fixture,
)
from unionhome.core.audit import AuditLog
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceLine, CondolenceQuota
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


@pytest.fixture
def tight(app, login_as):
    """The same chain, with a quota of 2 households on the first township and a cash budget of 3 × 500 元."""
    ch = build_chain(app, login_as)
    ch.campaign_id = add_campaign(ch.tenant_id, budget_cash_fen=150_000, quotas={ch.township_id: 2})
    ch.batch_id, ch.line_ids, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 4)
    ch.other_batch_id, ch.other_line_ids, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.other_grassroots_id, 3)
    approve_all(ch)
    return ch


def balancing(ch) -> dict:
    r = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/balancing")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_numbers_equal_the_rows(chain):
    ch = chain
    approve_all(ch)
    b = balancing(ch)
    with tenant_context(ch.tenant_id):
        n, cash, goods = db.session.execute(select(func.count(), func.sum(CondolenceLine.cash_fen),
                                                   func.sum(CondolenceLine.goods_fen))
                                            .where(CondolenceLine.campaign_id == ch.campaign_id,
                                                   CondolenceLine.review_status == "county_approved")).one()
        db.session.rollback()
    assert (b["totals"]["approved"], b["totals"]["approved_cash"], b["totals"]["approved_goods"]) == (n, cash, goods) == (7, 350000, 210000)
    for key in ("nominated", "approved", "approved_cash", "approved_goods"):
        assert sum(r[key] for r in b["by_township"]) == b["totals"][key]
        assert sum(r[key] for r in b["by_category"]) == b["totals"][key]
    towns = {r["township_org_id"]: r for r in b["by_township"]}
    assert towns[ch.township_id]["approved"] == 4 and towns[ch.other_township_id]["approved"] == 3
    assert b["blockers"] == [] and b["can_freeze"] is True


def test_over_quota_and_over_budget_block_the_freeze_until_decided(tight, roster_jobs_inline):
    ch = tight
    b = balancing(ch)
    quota = next(q for q in b["quotas"] if q["org_id"] == ch.township_id)
    assert (quota["approved"], quota["max_households"], quota["over"]) == (4, 2, 2)
    cash = next(x for x in b["budget"] if x["kind"] == "cash")
    assert cash["over_fen"] == 350000 - 150000
    assert len(b["blockers"]) == 2 and not b["can_freeze"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {})
    assert r.status_code == 409
    assert "超出名额2户" in r.get_json()["message"] and "超出预算2000.00元" in r.get_json()["message"]

    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "raise_quota", "quota_id": quota["quota_id"], "new_max_households": 2, "comment": "x"})
    assert r.status_code == 422 and "new_max_households" in r.get_json()["errors"]["json"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "raise_quota", "quota_id": quota["quota_id"], "new_max_households": 4,
                       "comment": "该镇困难职工较多，调增2户"})
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["old_value"], r.get_json()["new_value"]) == (2, 4)
    assert roster_jobs_inline == [ch.campaign_id]  # lines judged over the old quota are judged again
    with tenant_context(ch.tenant_id):
        assert db.session.execute(select(CondolenceQuota.max_households).where(
            CondolenceQuota.id == quota["quota_id"])).scalar_one() == 4
        db.session.rollback()

    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "accept_over_budget", "budget_kind": "goods", "comment": "x"})
    assert r.status_code == 409 and "未超出" in r.get_json()["message"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "accept_over_budget", "budget_kind": "cash", "comment": "追加预算，党组会同意"})
    assert r.status_code == 201 and r.get_json()["accepted_value"] == 350000
    assert balancing(ch)["blockers"] == []

    decisions = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions").get_json()
    assert [d["kind"] for d in decisions] == ["accept_over_budget", "raise_quota"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {})
    assert r.status_code == 200, r.get_json()


def test_an_acceptance_covers_what_was_approved_then(tight):
    ch = tight
    quota = next(q for q in balancing(ch)["quotas"] if q["org_id"] == ch.township_id)
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "accept_over_quota", "quota_id": quota["quota_id"], "comment": "同意超额"})
    assert r.status_code == 201 and r.get_json()["accepted_value"] == 4
    assert not any("名额" in x for x in balancing(ch)["blockers"])
    # one more approved in that township: over the accepted count again
    _, extra, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 1, review_status="township_approved")
    assert ch.admin.post(f"{API}/lines/{extra[0]}/review", {"action": "approve"}).status_code == 200
    assert any("超出名额3户" in x for x in balancing(ch)["blockers"])


def test_reject_lines_to_balance(tight):
    ch = tight
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "reject_lines", "line_ids": ch.line_ids[2:], "comment": "名额有限，核减2户"})
    assert r.status_code == 201 and r.get_json()["line_count"] == 2
    b = balancing(ch)
    quota = next(q for q in b["quotas"] if q["org_id"] == ch.township_id)
    assert quota["over"] == 0
    history = ch.admin.get(f"{API}/lines/{ch.line_ids[2]}/reviews").get_json()
    assert history[-1]["action"] == "reject" and "核减" in history[-1]["comment"]
    with tenant_context(ch.tenant_id):
        audited = db.session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "condolence.balancing.reject_lines")).scalar_one()
        db.session.rollback()
    assert audited == 1


def test_decisions_are_the_countys(tight, login_as):
    ch = tight
    quota = next(q for q in balancing(ch)["quotas"] if q["org_id"] == ch.township_id)
    body = {"kind": "raise_quota", "quota_id": quota["quota_id"], "new_max_households": 9, "comment": "x"}
    assert ch.township.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions", body).status_code == 403
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions", {"kind": "raise_quota", "comment": "x"})
    assert r.status_code == 422 and "quota_id" in r.get_json()["errors"]["json"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions", {"kind": "raise_quota", "comment": " "})
    assert r.status_code == 422
    # the township sees its own subtree's numbers, no freeze blockers
    t = ch.township.get(f"{API}/campaigns/{ch.campaign_id}/balancing").get_json()
    assert t["totals"]["approved"] == 4 and t["blockers"] == [] and not t["can_freeze"]
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/balancing").status_code == 404
    assert b.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions", body).status_code == 404
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions").status_code == 404
