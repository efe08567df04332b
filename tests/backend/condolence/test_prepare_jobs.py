"""Notices and payment batches are prepared by a background job: the request answers 202 with the
object `preparing` and its job; the job (run here in-process with its jobs row's arguments, as the
worker's runner calls it) writes the lines in one transaction under the campaign's lock. A failure
leaves nothing half-applied; rerunning a finished job changes nothing; one preparation per campaign at
a time; the other tenant sees nothing of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    chain_fixture,
    freeze,
    notice_closed,
    run_job,
)
from unionhome.core.audit import AuditLog
from unionhome.core.clock import today as china_today
from unionhome.core.jobs import JobError
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceCampaign, CondolenceLine
from unionhome.domains.condolence.workflow import notices, payments
from unionhome.domains.condolence.workflow_models import CondolenceNoticeLine, CondolencePayment
from unionhome.domains.jobs.models import Job
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def notice_body() -> dict:
    today = china_today()
    return {"start_date": (today - timedelta(days=8)).isoformat(), "end_date": (today - timedelta(days=1)).isoformat(),
            "place": "县总工会公示栏"}


def count(tenant_id: int, model, *where) -> int:
    with tenant_context(tenant_id):
        n = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        db.session.rollback()
    return int(n)


def audits(tenant_id: int, action: str) -> int:
    return count(tenant_id, AuditLog, AuditLog.action == action)


def campaign_status(tenant_id: int, campaign_id: int) -> str:
    with tenant_context(tenant_id):
        s = db.session.execute(select(CondolenceCampaign.status).where(CondolenceCampaign.id == campaign_id)).scalar_one()
        db.session.rollback()
    return str(s)


def test_notice_prepared_by_a_job(chain, login_as):
    ch = chain
    freeze(ch)
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/notices", notice_body())
    assert r.status_code == 202, r.get_json()
    n = r.get_json()
    assert (n["status"], n["status_label"], n["line_count"]) == ("preparing", "生成中", 0) and n["job_id"]
    job = ch.admin.get(f"/api/v1/jobs/{n['job_id']}").get_json()
    assert job["kind"] == "condolence.notice" and job["status"] == "queued"
    # while it is prepared: one at a time, and nothing can be done with it yet
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/notices", notice_body())
    assert r.status_code == 409 and "正在生成" in r.get_json()["message"]
    for resp in (ch.admin.get(f"{API}/notices/{n['id']}/notice.xlsx"),
                 ch.admin.post(f"{API}/exports", {"kind": "notice", "subject_id": n["id"], "format": "pdf"}),
                 ch.admin.post(f"{API}/notices/{n['id']}/post", {})):
        assert resp.status_code == 409 and "正在生成" in resp.get_json()["message"], resp.get_json()
    # the other tenant sees neither the notice nor its job
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"{API}/notices/{n['id']}").status_code == 404
    assert b.get(f"/api/v1/jobs/{n['job_id']}").status_code == 404
    assert b.post(f"{API}/campaigns/{ch.campaign_id}/notices", notice_body()).status_code == 404

    out = run_job(ch.tenant_id, n["job_id"])
    assert out["lines"] == 7
    n = ch.admin.get(f"{API}/notices/{n['id']}").get_json()
    assert (n["status"], n["line_count"], n["cash_fen"], n["error"]) == ("draft", 7, 7 * 50000, None)
    assert audits(ch.tenant_id, "condolence.notice.create") == 1
    # a second run of the finished job (a re-dispatch) changes nothing
    assert run_job(ch.tenant_id, n["job_id"])["skipped"]
    assert count(ch.tenant_id, CondolenceNoticeLine, CondolenceNoticeLine.notice_id == n["id"]) == 7
    assert audits(ch.tenant_id, "condolence.notice.create") == 1
    # every approved line is noticed: the next request is refused at once, nothing created
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/notices", notice_body())
    assert r.status_code == 409 and "没有待公示的对象" in r.get_json()["message"]
    assert len(ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/notices").get_json()) == 1
    assert ch.admin.post(f"{API}/notices/{n['id']}/post", {"posted_on": n["start_date"]}).status_code == 200


def test_a_failed_notice_job_writes_nothing(chain, monkeypatch):
    ch = chain
    freeze(ch)
    n = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/notices", notice_body()).get_json()

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(notices.audit, "record", broken)  # fails after the lines were inserted
    with pytest.raises(RuntimeError):
        run_job(ch.tenant_id, n["job_id"])
    monkeypatch.undo()
    n = ch.admin.get(f"{API}/notices/{n['id']}").get_json()
    assert n["status"] == "failed" and n["status_label"] == "生成失败" and "未生成任何内容" in n["error"]
    assert n["line_count"] == 0
    assert count(ch.tenant_id, CondolenceNoticeLine, CondolenceNoticeLine.notice_id == n["id"]) == 0
    assert campaign_status(ch.tenant_id, ch.campaign_id) == "frozen"
    r = ch.admin.post(f"{API}/notices/{n['id']}/post", {})
    assert r.status_code == 409 and "生成失败" in r.get_json()["message"]
    # a failed notice is withdrawn (If-Match) and prepared again
    etag = ch.admin.get(f"{API}/notices/{n['id']}").headers["ETag"]
    assert ch.admin.delete(f"{API}/notices/{n['id']}", headers={"If-Match": etag}).status_code == 204
    again = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/notices", notice_body()).get_json()
    run_job(ch.tenant_id, again["job_id"])
    assert ch.admin.get(f"{API}/notices/{again['id']}").get_json()["line_count"] == 7


def test_payment_batch_prepared_by_a_job(chain, login_as):
    ch = chain
    notice_closed(ch)
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {"remark": "慰问金"})
    assert r.status_code == 202, r.get_json()
    b = r.get_json()
    assert (b["status"], b["status_label"], b["line_count"]) == ("preparing", "生成中", 0) and b["job_id"]
    assert ch.admin.get(f"/api/v1/jobs/{b['job_id']}").get_json()["kind"] == "condolence.payment_batch"
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {})
    assert r.status_code == 409 and "正在生成" in r.get_json()["message"]
    for resp in (ch.admin.get(f"{API}/payment-batches/{b['id']}/bank-file"),
                 ch.admin.post(f"{API}/exports", {"kind": "bank", "subject_id": b["id"], "format": "csv"}),
                 ch.admin.post(f"{API}/payment-batches/{b['id']}/cancel", {})):
        assert resp.status_code == 409 and "正在生成" in resp.get_json()["message"], resp.get_json()
    other = login_as("federation_admin", tenant=1)
    assert other.get(f"{API}/payment-batches/{b['id']}").status_code == 404
    assert other.get(f"/api/v1/jobs/{b['job_id']}").status_code == 404
    assert other.get(f"{API}/campaigns/{ch.campaign_id}/payment-batches").status_code == 404

    out = run_job(ch.tenant_id, b["job_id"])
    assert out["lines"] == 7
    b = ch.admin.get(f"{API}/payment-batches/{b['id']}").get_json()
    assert (b["status"], b["line_count"], b["total_fen"], b["error"]) == ("exported", 7, 350000, None)
    assert campaign_status(ch.tenant_id, ch.campaign_id) == "paying"
    assert audits(ch.tenant_id, "condolence.payment_batch.create") == 1
    # the lines show as awaiting the bank (their live payment), without being rewritten
    lines = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/review-queue?view=all").get_json()
    assert {x["payment_status"] for x in lines if x["id"] in ch.line_ids} == {"exported"}
    assert count(ch.tenant_id, CondolenceLine, CondolenceLine.campaign_id == ch.campaign_id,
                 CondolenceLine.payment_status == "exported") == 0
    preview = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()
    assert preview["payable"] == 0 and {x["reason"]: x["count"] for x in preview["blocked"]}["exported"] >= 7
    # rerunning the finished job changes nothing; and nothing is left to pay
    assert run_job(ch.tenant_id, b["job_id"])["skipped"]
    assert count(ch.tenant_id, CondolencePayment, CondolencePayment.campaign_id == ch.campaign_id) == 7
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {})
    assert r.status_code == 409 and "已在发放批次中" in r.get_json()["message"]
    # cancelled, its lines are payable again
    assert ch.admin.post(f"{API}/payment-batches/{b['id']}/cancel", {}).status_code == 200
    assert ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()["payable"] == 7


def test_a_failed_payment_job_pays_nothing(chain, monkeypatch):
    ch = chain
    notice_closed(ch)
    b = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {}).get_json()

    def broken(batch):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(payments, "_recount", broken)  # fails after the payments were inserted
    with pytest.raises(RuntimeError):
        run_job(ch.tenant_id, b["job_id"])
    monkeypatch.undo()
    b = ch.admin.get(f"{API}/payment-batches/{b['id']}").get_json()
    assert b["status"] == "failed" and "未生成任何内容" in b["error"] and b["line_count"] == 0
    assert count(ch.tenant_id, CondolencePayment, CondolencePayment.campaign_id == ch.campaign_id) == 0
    assert campaign_status(ch.tenant_id, ch.campaign_id) == "noticing"
    assert audits(ch.tenant_id, "condolence.payment_batch.create") == 0
    assert ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()["payable"] == 7
    for resp in (ch.admin.get(f"{API}/payment-batches/{b['id']}/bank-file"),
                 ch.admin.post(f"{API}/payment-batches/{b['id']}/cancel", {})):
        assert resp.status_code == 409 and "生成失败" in resp.get_json()["message"]
    # the next batch is prepared normally
    again = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {}).get_json()
    run_job(ch.tenant_id, again["job_id"])
    assert ch.admin.get(f"{API}/payment-batches/{again['id']}").get_json()["line_count"] == 7


def test_payment_job_checks_again_and_refuses_a_line_paid_meanwhile(chain):
    ch = chain
    notice_closed(ch)
    b = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {"line_ids": ch.line_ids[:2]}).get_json()
    assert b["status"] == "preparing"
    # meanwhile the first household is paid in cash at its visit
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits",
                      {"line_id": ch.line_ids[0], "visited_on": china_today().isoformat(), "cash_fen": 50000})
    assert r.status_code == 201, r.get_json()
    with pytest.raises(JobError) as err:
        run_job(ch.tenant_id, b["job_id"])
    assert "已发放" in err.value.message
    b = ch.admin.get(f"{API}/payment-batches/{b['id']}").get_json()
    assert b["status"] == "failed" and "已发放" in b["error"]
    assert count(ch.tenant_id, CondolencePayment, CondolencePayment.batch_id == b["id"]) == 0


def test_a_preparation_whose_job_died_does_not_block(chain):
    ch = chain
    notice_closed(ch)
    b = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {}).get_json()
    with tenant_context(ch.tenant_id):
        db.session.execute(update(Job).where(Job.id == b["job_id"]).values(status="failed", error="任务多次中断，已停止"))
        db.session.commit()
    again = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {})
    assert again.status_code == 202, again.get_json()
    b = ch.admin.get(f"{API}/payment-batches/{b['id']}").get_json()
    assert b["status"] == "failed" and b["error"] == "任务多次中断，已停止"
    run_job(ch.tenant_id, again.get_json()["job_id"])
    assert ch.admin.get(f"{API}/payment-batches/{again.get_json()['id']}").get_json()["line_count"] == 7
