"""Generated files by background job: the notice (xlsx, pdf), the bank file (county only, full card
numbers, every download audited), the arrangement table and the upward report. A request answers at
once with the file's record and job; the job (run here in-process with the arguments of its jobs row,
as the worker's runner calls it) builds, encrypts and stores the file; the download streams it back."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    chain_fixture,
    notice_closed,
    pdf_text,
    prepared,
    xlsx_text,
)
from unionhome.core.audit import AuditLog
from unionhome.core.cnid import mask_name
from unionhome.core.storage import get_storage
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.workflow import exports
from unionhome.domains.condolence.workflow_models import CondolenceExport
from unionhome.domains.jobs.models import Job
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def ask(client, kind: str, subject_id: int, fmt: str = "xlsx"):
    return client.post(f"{API}/exports", {"kind": kind, "subject_id": subject_id, "format": fmt})


def run_job(tenant_id: int, job_id: int) -> dict:
    """What the worker does with the jobs row: call its function with its arguments."""
    with tenant_context(tenant_id):
        job = db.session.execute(select(Job).where(Job.id == job_id)).scalar_one()
        assert job.kind == "condolence.export" and job.func.endswith("exports.build_export_job")
        return exports.build_export_job(tenant_id, job_id, *job.args)


def built(client, ch, kind: str, subject_id: int, fmt: str = "xlsx") -> dict:
    r = ask(client, kind, subject_id, fmt)
    assert r.status_code == 202, r.get_json()
    e = r.get_json()
    assert e["status"] == "queued" and e["job_id"]
    run_job(ch.tenant_id, e["job_id"])
    e = client.get(f"{API}/exports/{e['id']}").get_json()
    assert e["status"] == "succeeded", e
    return e


def test_notice_files_are_built_by_a_job_and_stored_encrypted(chain, login_as):
    ch = chain
    notice_id = notice_closed(ch)
    r = ask(ch.admin, "notice", notice_id)
    assert r.status_code == 202
    first = r.get_json()
    assert first["kind_label"] == "公示名单" and first["status_label"] == "排队中"
    # a second click while it is being built joins the same build
    assert ask(ch.admin, "notice", notice_id).get_json()["id"] == first["id"]
    # not built yet: no file
    r = ch.admin.get(f"{API}/exports/{first['id']}/file")
    assert r.status_code == 409 and "还没有生成" in r.get_json()["message"]

    run_job(ch.tenant_id, first["job_id"])
    e = ch.admin.get(f"{API}/exports/{first['id']}").get_json()
    assert e["status"] == "succeeded" and e["rows"] == 7 and e["filename"].endswith(".xlsx")
    r = ch.admin.get(f"{API}/exports/{e['id']}/file")
    assert r.status_code == 200 and r.headers["X-Row-Count"] == "7"
    assert int(r.headers["Content-Length"]) == e["size"] == len(r.data)
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    text = xlsx_text(r.data)
    for p in ch.people.values():
        assert p.id_number not in text and mask_name(p.name) in text
    # the object in S3 is not the workbook: encrypted with the file's own key
    with tenant_context(ch.tenant_id):
        row = db.session.execute(select(CondolenceExport).where(CondolenceExport.id == e["id"])).scalar_one()
        raw = b"".join(get_storage().iter_chunks(row.storage_key, version_id=row.s3_version_id))
        db.session.rollback()
    assert not raw.startswith(b"PK") and len(raw) == e["size"] + 16

    pdf = built(ch.admin, ch, "notice", notice_id, "pdf")
    r = ch.admin.get(f"{API}/exports/{pdf['id']}/file")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert all(p.id_number not in pdf_text(r.data) for p in ch.people.values())

    # the notice covers the whole county: a union in it may have the file too; the list of a subject
    r = ch.chair.get(f"{API}/exports/{e['id']}/file")
    assert r.status_code == 200 and r.data.startswith(b"PK")
    listed = ch.admin.get(f"{API}/exports?kind=notice&subject_id={notice_id}").get_json()
    assert [x["id"] for x in listed] == [pdf["id"], e["id"]]
    # bad requests are 422, never 500
    assert ask(ch.admin, "notice", notice_id, "csv").status_code == 422
    assert ask(ch.admin, "payroll", notice_id).status_code == 422
    assert ch.admin.get(f"{API}/exports?kind=notice").status_code == 422
    # the other tenant sees none of it
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"{API}/exports/{e['id']}").status_code == 404
    assert b.get(f"{API}/exports/{e['id']}/file").status_code == 404
    assert ask(b, "notice", notice_id).status_code == 404
    assert b.get(f"{API}/exports?kind=notice&subject_id={notice_id}").status_code == 404


def test_bank_file_job_county_only_and_every_download_audited(chain, login_as):
    ch = chain
    notice_closed(ch)
    batch = prepared(ch.admin, ch.tenant_id, ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {})).get_json()
    assert ask(ch.chair, "bank", batch["id"]).status_code == 403
    assert ask(ch.admin, "bank", batch["id"], "pdf").status_code == 422
    e = built(ch.admin, ch, "bank", batch["id"])
    r = ch.admin.get(f"{API}/exports/{e['id']}/file")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.data), read_only=True).worksheets[0]
    cards = {row[2] for row in ws.iter_rows(values_only=True) if len(row) > 2}
    assert {p.card for p in ch.people.values()} <= cards
    assert ch.chair.get(f"{API}/exports/{e['id']}/file").status_code == 403
    csv = built(ch.admin, ch, "bank", batch["id"], "csv")
    r = ch.admin.get(f"{API}/exports/{csv['id']}/file")
    assert r.status_code == 200 and r.data.decode("gb18030").startswith("序号,姓名,银行卡号")
    with tenant_context(ch.tenant_id):
        n = db.session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "condolence.payment_batch.download", AuditLog.entity_id == batch["id"])).scalar_one()
        db.session.rollback()
    assert n == 2
    assert ch.admin.get(f"{API}/payment-batches/{batch['id']}").get_json()["downloads"] == 2
    b = login_as("federation_admin", tenant=1)
    assert ask(b, "bank", batch["id"]).status_code == 404


def test_arrangement_and_report_by_job(chain, login_as):
    ch = chain
    notice_closed(ch)
    g = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/visit-groups",
                      {"name": "第一组", "leader": "县委副书记 王建国", "departments": ["县总工会"],
                       "visit_date": "2027-01-20"}).get_json()
    assert ch.admin.post(f"{API}/visit-groups/{g['id']}/assign", {"org_id": ch.township_id}).status_code == 200
    assert ask(ch.chair, "arrangement", g["id"]).status_code == 403
    e = built(ch.admin, ch, "arrangement", g["id"])
    text = xlsx_text(ch.admin.get(f"{API}/exports/{e['id']}/file").data)
    assert "县委副书记 王建国" in text and all(ch.people[i].name in text for i in ch.line_ids)
    rep = built(ch.admin, ch, "report", ch.campaign_id)
    text = xlsx_text(ch.admin.get(f"{API}/exports/{rep['id']}/file").data)
    assert "按镇街" in text or "情况统计表" in text
    assert all(p.name not in text for p in ch.people.values())
    b = login_as("federation_admin", tenant=1)
    assert ask(b, "arrangement", g["id"]).status_code == 404
    assert ask(b, "report", ch.campaign_id).status_code == 404


def test_a_build_whose_job_died_is_not_joined(chain):
    ch = chain
    notice_id = notice_closed(ch)
    first = ask(ch.admin, "notice", notice_id).get_json()
    with tenant_context(ch.tenant_id):
        job = db.session.execute(select(Job).where(Job.id == first["job_id"])).scalar_one()
        job.status, job.error = "failed", "任务多次中断，已停止"
        db.session.commit()
    e = ch.admin.get(f"{API}/exports/{first['id']}").get_json()
    assert e["status"] == "failed" and e["error"] == "任务多次中断，已停止"
    again = ask(ch.admin, "notice", notice_id).get_json()
    assert again["id"] != first["id"] and again["status"] == "queued"


def test_big_files_are_not_built_inside_a_request(chain, monkeypatch):
    ch = chain
    notice_id = notice_closed(ch)
    batch = prepared(ch.admin, ch.tenant_id, ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {})).get_json()
    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 5)
    for url in (f"{API}/notices/{notice_id}/notice.xlsx", f"{API}/notices/{notice_id}/notice.pdf",
                f"{API}/payment-batches/{batch['id']}/bank-file"):
        r = ch.admin.get(url)
        assert r.status_code == 409 and "后台生成" in r.get_json()["message"], url
    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 7)
    assert ch.admin.get(f"{API}/notices/{notice_id}/notice.xlsx").status_code == 200
