"""Found by the county-run rehearsal (test_county_run): a rejection frees a place that the roster job
must give to the next line (it is judged again); the balancing view shows the lines the roster checks
judged over a quota or a budget, and the county can raise a budget (调增预算) so they fit; a household
refused after an upheld objection is not counted as helped in the summaries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    add_lines,
    approve_all,
    chain_fixture,
    notice_closed,
)
from unionhome.core.audit import AuditLog
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceCampaign, CondolenceCategory
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def test_rejecting_a_line_that_passed_the_checks_has_the_roster_judged_again(chain, roster_jobs_inline):
    ch = chain
    _, invalid, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 1, check_status="invalid")
    r = ch.chair.post(f"{API}/lines/{invalid[0]}/review", {"action": "reject", "comment": "身份证号有误"})
    assert r.status_code == 200, r.get_json()
    assert roster_jobs_inline == []  # it held no place: nothing to judge again

    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/reviews",
                      {"action": "reject", "line_ids": ch.line_ids[:1], "comment": "家庭收入已好转"})
    assert r.status_code == 200, r.get_json()
    assert roster_jobs_inline == [ch.campaign_id]
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/reviews", {"action": "approve", "line_ids": ch.line_ids[1:]})
    assert r.status_code == 200
    r = ch.township.post(f"{API}/batches/{ch.batch_id}/review", {"action": "reject", "comment": "名额已满"})
    assert r.status_code == 200 and r.get_json()["affected"] == 3
    assert roster_jobs_inline == [ch.campaign_id] * 2
    # returning keeps the line's place: no new judgement
    r = ch.other_chair.post(f"{API}/lines/{ch.other_line_ids[0]}/review", {"action": "return", "comment": "请补充"})
    assert r.status_code == 200 and roster_jobs_inline == [ch.campaign_id] * 2


def test_balancing_reject_lines_has_the_roster_judged_again(chain, roster_jobs_inline):
    ch = chain
    approve_all(ch)
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/balancing/decisions",
                      {"kind": "reject_lines", "line_ids": ch.line_ids[:1], "comment": "核减1户"})
    assert r.status_code == 201, r.get_json()
    assert roster_jobs_inline == [ch.campaign_id]


def test_judged_overruns_are_shown_and_a_budget_can_be_raised(chain, roster_jobs_inline, login_as):
    ch = chain
    add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 2, check_status="over_budget", category="model_worker",
              cash_fen=100000, goods_fen=50000)
    add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 1, check_status="over_quota")
    with tenant_context(ch.tenant_id):
        db.session.execute(update(CondolenceCategory).where(CondolenceCategory.campaign_id == ch.campaign_id,
                                                            CondolenceCategory.code == "model_worker")
                           .values(budget_cash_fen=300000))
        db.session.commit()
    b = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/balancing").get_json()
    assert (b["totals"]["over_quota_lines"], b["totals"]["over_budget_lines"], b["totals"]["over_budget_line_fen"]) \
        == (1, 2, 200000)
    model = next(c for c in b["by_category"] if c["category_code"] == "model_worker")
    assert (model["over_budget_lines"], model["over_budget_line_fen"], model["budget_cash_fen"]) == (2, 200000, 300000)
    quota = next(q for q in b["quotas"] if q["org_id"] == ch.township_id)
    assert quota["over_quota_lines"] == 1
    town = next(t for t in b["by_township"] if t["township_org_id"] == ch.township_id)
    assert town["over_quota_lines"] == 1 and town["over_budget_lines"] == 2

    url = f"{API}/campaigns/{ch.campaign_id}/balancing/decisions"
    for body, field in (({"category_code": "model_worker"}, "new_budget_fen"),
                        ({"category_code": "model_worker", "new_budget_fen": 300000}, "new_budget_fen"),
                        ({"category_code": "ordinary", "new_budget_fen": 900000}, "category_code"),
                        ({"category_code": "nope", "new_budget_fen": 900000}, "category_code"),
                        ({"category_code": "model_worker", "budget_kind": "goods", "new_budget_fen": 900000}, "budget_kind"),
                        ({"budget_kind": "cash", "new_budget_fen": 100_000_000}, "new_budget_fen")):
        r = ch.admin.post(url, {"kind": "raise_budget", "comment": "追加预算", **body})
        assert r.status_code == 422 and field in r.get_json()["errors"]["json"], (body, r.get_json())
    assert roster_jobs_inline == []
    assert ch.township.post(url, {"kind": "raise_budget", "category_code": "model_worker", "new_budget_fen": 500000,
                                  "comment": "x"}).status_code == 403
    other = login_as("federation_admin", tenant=1)
    assert other.post(url, {"kind": "raise_budget", "category_code": "model_worker", "new_budget_fen": 500000,
                            "comment": "x"}).status_code == 404

    r = ch.admin.post(url, {"kind": "raise_budget", "category_code": "model_worker", "new_budget_fen": 500000,
                            "comment": "困难劳模追加预算2000元"})
    assert r.status_code == 201, r.get_json()
    d = r.get_json()
    assert (d["kind"], d["kind_label"], d["old_value"], d["new_value"], d["category_code"]) == \
        ("raise_budget", "调增预算", 300000, 500000, "model_worker")
    assert roster_jobs_inline == [ch.campaign_id]
    version = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}").get_json()["version"]
    r = ch.admin.post(url, {"kind": "raise_budget", "budget_kind": "goods", "new_budget_fen": 60_000_000,
                            "comment": "慰问品追加预算"})
    assert r.status_code == 201 and (r.get_json()["old_value"], r.get_json()["new_value"]) == (50_000_000, 60_000_000)
    campaign = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}").get_json()
    assert campaign["budget_goods_fen"] == 60_000_000 and campaign["version"] == version + 1
    assert next(c for c in campaign["categories"] if c["code"] == "model_worker")["budget_cash_fen"] == 500000
    with tenant_context(ch.tenant_id):
        audited = db.session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "condolence.balancing.raise_budget")).scalar_one()
        db.session.rollback()
    assert audited == 2
    # after the freeze nothing changes any more
    approve_all(ch)
    assert ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {}).status_code == 200
    r = ch.admin.post(url, {"kind": "raise_budget", "budget_kind": "cash", "new_budget_fen": 200_000_000, "comment": "x"})
    assert r.status_code == 409
    with tenant_context(ch.tenant_id):
        assert db.session.execute(select(CondolenceCampaign.budget_cash_fen).where(
            CondolenceCampaign.id == ch.campaign_id)).scalar_one() == 100_000_000
        db.session.rollback()


def test_a_household_refused_after_an_objection_is_not_counted_as_helped(chain):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-1)
    r = ch.admin.post(f"{API}/notices/{notice_id}/objections",
                      {"line_id": ch.line_ids[0], "content": "反映其家庭收入较高", "received_on": china_today().isoformat()})
    assert r.status_code == 201
    year = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}").get_json()["year"]

    def spring_households() -> int:
        f = ch.admin.get(f"{API}/summaries/festivals?year={year}").get_json()
        return next(r for r in f["by_festival"] if r["festival"] == "spring")["households"]

    before = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/summary").get_json()["totals"]
    assert before["households"] == 7  # a pending objection: still on the roster
    festival_before = spring_households()
    r = ch.admin.post(f"{API}/objections/{r.get_json()['id']}/decide", {"outcome": "upheld", "outcome_note": "属实"})
    assert r.status_code == 200
    s = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/summary").get_json()
    assert (s["totals"]["households"], s["totals"]["cash_fen"], s["totals"]["goods_fen"]) == (6, 300000, 180000)
    assert sum(r["households"] for r in s["by_township"]) == sum(r["households"] for r in s["by_category"]) == 6
    assert spring_households() == festival_before - 1
