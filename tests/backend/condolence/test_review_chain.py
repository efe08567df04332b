"""The review chain: grassroots → township → county, per line, per list and per batch; out-of-order
approvals, return and correction, org scope, the other tenant, the freeze."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.backend.condolence.workflow_fixtures import add_lines, approve_all, chain_fixture  # noqa: F401
from unionhome.core.audit import AuditLog
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceLine
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def status_of(ch, line_id: int) -> str:
    r = ch.admin.get(f"{API}/lines/{line_id}/reviews")
    assert r.status_code == 200
    with tenant_context(ch.tenant_id):
        s = db.session.execute(select(CondolenceLine.review_status).where(CondolenceLine.id == line_id)).scalar_one()
        db.session.rollback()
    return s


def queue(client, ch, view: str = "awaiting") -> list[dict]:
    r = client.get(f"{API}/campaigns/{ch.campaign_id}/review-queue?view={view}&page_size=100")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_levels_of_the_users(chain):
    ch = chain
    for client, level in ((ch.chair, "grassroots"), (ch.township, "township"), (ch.admin, "county")):
        r = client.get(f"{API}/campaigns/{ch.campaign_id}/review-overview")
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["level"] == level
    assert ch.chair.get(f"{API}/campaigns/{ch.campaign_id}/review-overview").get_json()["awaiting"] == 4


def test_each_level_sees_only_what_the_level_below_approved(chain):
    ch = chain
    assert {i["id"] for i in queue(ch.chair, ch)} == set(ch.line_ids)
    assert queue(ch.township, ch) == []
    assert queue(ch.admin, ch) == []

    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/reviews", {"action": "approve", "line_ids": ch.line_ids[:2]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["affected"] == 2
    assert {i["id"] for i in queue(ch.township, ch)} == set(ch.line_ids[:2])
    assert queue(ch.admin, ch) == []

    r = ch.township.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "approve", "comment": "情况属实"})
    assert r.status_code == 200, r.get_json()
    assert {i["id"] for i in queue(ch.admin, ch)} == {ch.line_ids[0]}
    r = ch.admin.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "approve"})
    assert r.status_code == 200, r.get_json()
    assert status_of(ch, ch.line_ids[0]) == "county_approved"

    history = ch.admin.get(f"{API}/lines/{ch.line_ids[0]}/reviews").get_json()
    assert [(h["level"], h["action"]) for h in history] == [("grassroots", "approve"), ("township", "approve"),
                                                            ("county", "approve")]
    assert history[1]["comment"] == "情况属实"
    with tenant_context(ch.tenant_id):
        actions = set(db.session.execute(select(AuditLog.action).where(AuditLog.entity_type.in_(
            ["condolence_line", "condolence_campaign"]))).scalars())
        db.session.rollback()
    assert "condolence.review.approve" in actions


def test_approvals_out_of_order_are_refused(chain):
    ch = chain
    line = ch.line_ids[0]
    r = ch.township.post(f"{API}/lines/{line}/review", {"action": "approve"})
    assert r.status_code == 409
    assert "尚未经基层工会审核通过" in r.get_json()["message"]
    r = ch.admin.post(f"{API}/lines/{line}/review", {"action": "approve"})
    assert r.status_code == 409 and "越级" in r.get_json()["message"]

    assert ch.chair.post(f"{API}/lines/{line}/review", {"action": "approve"}).status_code == 200
    r = ch.admin.post(f"{API}/lines/{line}/review", {"action": "approve"})
    assert r.status_code == 409 and "尚未经镇街工会审核通过" in r.get_json()["message"]
    r = ch.chair.post(f"{API}/lines/{line}/review", {"action": "approve"})
    assert r.status_code == 409 and "无需重复" in r.get_json()["message"]

    assert ch.township.post(f"{API}/lines/{line}/review", {"action": "approve"}).status_code == 200
    r = ch.chair.post(f"{API}/lines/{line}/review", {"action": "reject", "comment": "改主意"})
    assert r.status_code == 409 and "镇街工会已审核" in r.get_json()["message"]
    # a whole batch at the wrong level: nothing waits there
    r = ch.admin.post(f"{API}/batches/{ch.batch_id}/review", {"action": "approve"})
    assert r.status_code == 200 and r.get_json()["affected"] == 1  # only the line the township approved
    r = ch.admin.post(f"{API}/batches/{ch.batch_id}/review", {"action": "approve"})
    assert r.status_code == 409 and "没有待县总工会审核通过的对象" in r.get_json()["message"]
    assert status_of(ch, ch.line_ids[1]) == "pending"


def test_a_list_is_all_or_nothing(chain):
    ch = chain
    assert ch.chair.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "approve"}).status_code == 200
    r = ch.township.post(f"{API}/campaigns/{ch.campaign_id}/reviews", {"action": "approve", "line_ids": ch.line_ids[:2]})
    assert r.status_code == 409
    body = r.get_json()
    assert set(body["errors"]["lines"]) == {str(ch.line_ids[1])}
    assert "本次操作未做任何修改" in body["message"]
    assert status_of(ch, ch.line_ids[0]) == "grassroots_approved"


def test_reject_and_return_need_a_reason(chain):
    ch = chain
    for action in ("reject", "return"):
        r = ch.chair.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": action})
        assert r.status_code == 422 and "comment" in r.get_json()["errors"]["json"]
    r = ch.chair.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "reject", "comment": "家庭收入超标"})
    assert r.status_code == 200
    assert status_of(ch, ch.line_ids[0]) == "rejected"
    r = ch.chair.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "approve"})
    assert r.status_code == 409 and "不予通过" in r.get_json()["message"]


def test_batch_approval_skips_lines_that_failed_the_checks(chain):
    ch = chain
    batch, ids, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 3, check_status="duplicate")
    r = ch.chair.post(f"{API}/batches/{batch}/review", {"action": "approve"})
    assert r.status_code == 409 and "均未通过校验" in r.get_json()["message"]
    with tenant_context(ch.tenant_id):
        db.session.execute(update(CondolenceLine).where(CondolenceLine.id == ch.line_ids[3])
                           .values(check_status="ineligible", check_reason="未建档困难职工"))
        db.session.commit()
    r = ch.chair.post(f"{API}/batches/{ch.batch_id}/review", {"action": "approve", "comment": "同意"})
    assert r.status_code == 200 and r.get_json()["affected"] == 3 and r.get_json()["skipped"] == 1
    assert status_of(ch, ch.line_ids[3]) == "pending"
    r = ch.chair.post(f"{API}/lines/{ids[0]}/review", {"action": "approve"})
    assert r.status_code == 409 and "校验未通过" in r.get_json()["message"]
    r = ch.chair.post(f"{API}/batches/{batch}/review", {"action": "reject", "comment": "重复推荐"})
    assert r.status_code == 200 and r.get_json()["affected"] == 3
    history = ch.admin.get(f"{API}/lines/{ids[1]}/reviews").get_json()
    assert history[-1]["scope"] == "batch" and history[-1]["action"] == "reject"


def test_draft_batches_are_not_reviewed(chain):
    ch = chain
    batch, ids, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 2, submitted=False)
    r = ch.chair.post(f"{API}/batches/{batch}/review", {"action": "approve"})
    assert r.status_code == 409 and "尚未上报" in r.get_json()["message"]
    r = ch.chair.post(f"{API}/lines/{ids[0]}/review", {"action": "approve"})
    assert r.status_code == 409 and "尚未上报" in r.get_json()["message"]
    assert not set(ids) & {i["id"] for i in queue(ch.chair, ch)}


def test_org_scope(chain):
    ch = chain
    # another union's lines and batches do not exist for this chair
    assert ch.chair.post(f"{API}/lines/{ch.other_line_ids[0]}/review", {"action": "approve"}).status_code == 404
    assert ch.chair.post(f"{API}/batches/{ch.other_batch_id}/review", {"action": "approve"}).status_code == 404
    assert ch.chair.get(f"{API}/lines/{ch.other_line_ids[0]}/reviews").status_code == 404
    assert not {i["id"] for i in queue(ch.chair, ch, "all")} & set(ch.other_line_ids)
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/reviews", {"action": "approve", "line_ids": ch.other_line_ids})
    assert r.status_code == 422
    # the township staff sees its township only
    assert ch.township.post(f"{API}/batches/{ch.other_batch_id}/review", {"action": "approve"}).status_code == 404
    batches = ch.township.get(f"{API}/campaigns/{ch.campaign_id}/review-batches").get_json()
    assert {b["batch_id"] for b in batches} == {ch.batch_id}
    # a chair is not the county
    assert ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {}).status_code == 403


def test_other_tenant_gets_404(chain, login_as):
    ch = chain
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/review-queue").status_code == 404
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/review-overview").status_code == 404
    assert b.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "approve"}).status_code == 404
    assert b.post(f"{API}/batches/{ch.batch_id}/review", {"action": "approve"}).status_code == 404
    assert b.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {}).status_code == 404
    assert b.post(f"{API}/lines/{ch.line_ids[0]}/correct", {"comment": "x"}).status_code == 404
    assert status_of(ch, ch.line_ids[0]) == "pending"


def test_return_then_correct_and_judge_again(chain, roster_jobs_inline):
    from tests.backend.condolence.conftest import run_roster

    ch = chain
    line = ch.line_ids[0]
    r = ch.chair.post(f"{API}/lines/{line}/review", {"action": "return", "comment": "银行卡号有误，请核对"})
    assert r.status_code == 200
    r = ch.chair.post(f"{API}/lines/{line}/correct", {"bank_card": "6228 4800 1234 5678"})
    assert r.status_code == 422 and "bank_card" in r.get_json()["errors"]["json"]
    r = ch.admin.post(f"{API}/lines/{ch.line_ids[1]}/correct", {"comment": "x"})
    assert r.status_code == 409 and "退回修改" in r.get_json()["message"]
    new_card = ch.people[ch.line_ids[1]].card
    r = ch.chair.post(f"{API}/lines/{line}/correct", {"bank_card": new_card, "comment": "已更正银行卡号"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["review_status"] == "pending" and body["check_status"] == "pending"
    assert body["bank_card_masked"].endswith(new_card[-4:])
    assert roster_jobs_inline == [ch.campaign_id]
    run_roster(ch.chair, ch.campaign_id)
    with tenant_context(ch.tenant_id):
        check = db.session.execute(select(CondolenceLine.check_status, CondolenceLine.check_code)
                                   .where(CondolenceLine.id == line)).one()
        db.session.rollback()
    # the same card as another nominee's: the roster job calls it out
    assert check[0] != "pending"
    history = ch.chair.get(f"{API}/lines/{line}/reviews").get_json()
    assert [h["action"] for h in history] == ["return", "correct"]


def test_freeze(chain):
    ch = chain
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {})
    assert r.status_code == 409 and "还没有审定的慰问对象" in r.get_json()["message"]
    approve_all(ch)
    # one line more reaches the county without its decision: blocks the freeze
    _, extra, _ = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 1, review_status="township_approved")
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {})
    assert r.status_code == 409 and "待县总工会审核" in r.get_json()["message"]
    assert ch.admin.post(f"{API}/lines/{extra[0]}/review", {"action": "reject", "comment": "超标准"}).status_code == 200
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {"comment": "经县总工会党组会研究审定"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["approved"] == 7 and r.get_json()["excluded"] == 1
    campaign = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}").get_json()
    assert campaign["status"] == "frozen"
    r = ch.admin.post(f"{API}/lines/{ch.line_ids[0]}/review", {"action": "reject", "comment": "x"})
    assert r.status_code == 409 and "冻结" in r.get_json()["message"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {})
    assert r.status_code == 409
    with tenant_context(ch.tenant_id):
        changes = db.session.execute(select(AuditLog.changes).where(AuditLog.action == "condolence.campaign.freeze")).scalar_one()
        db.session.rollback()
    assert changes["approved"] == 7
