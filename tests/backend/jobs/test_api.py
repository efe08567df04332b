"""/api/v1/jobs: the user's tenant only, visibility by permission and org scope, cancel, errors."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from unionhome.core.audit import AuditLog
from unionhome.core.jobs import start_job
from unionhome.core.tenancy import tenant_context
from unionhome.domains.jobs.models import Job
from unionhome.domains.orgs.models import Org
from unionhome.extensions import db

pytestmark = pytest.mark.integration

FN = "tests.workers.jobfns.tiny"


def make_job(client, *, as_user=None, scope_path=None, kind="test.api", **values) -> int:
    """A job started by `as_user` (default: the client's user) in the client's tenant."""
    me = client.user
    tenant_id = me["tenant"]["id"]
    user_id = me["user"]["id"] if as_user is None else as_user
    ctx = SimpleNamespace(tenant_id=tenant_id, user_id=user_id, scope_path=scope_path,
                          scope_is_root=scope_path is None)
    with tenant_context(tenant_id):
        job = start_job(ctx, kind, FN, 1, queue="default", total=10)
        for key, value in values.items():
            setattr(job, key, value)
        db.session.commit()
        return int(job.id)


def scope_path_of(client) -> str:
    me = client.user
    with tenant_context(me["tenant"]["id"]):
        return db.session.execute(select(Org.path).where(Org.id == me["scope"]["org_id"])).scalar_one()


def test_list_and_detail_show_the_tenants_jobs_only(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    job_id = make_job(a, progress_done=4, counts={"imported": 4})
    resp = a.get("/api/v1/jobs")
    assert resp.status_code == 200 and "X-Pagination" in resp.headers
    row = next(j for j in resp.get_json() if j["id"] == job_id)
    assert row["status"] == "queued" and row["status_label"] == "排队中" and row["kind"] == "test.api"
    assert (row["progress_done"], row["progress_total"], row["progress_percent"]) == (4, 10, 40.0)
    assert row["counts"] == {"imported": 4} and row["error_detail"] is None and row["cancel_requested"] is False
    detail = a.get(f"/api/v1/jobs/{job_id}")
    assert detail.status_code == 200 and detail.get_json()["started_by"] == a.user["user"]["id"]
    assert detail.get_json()["started_by_name"] == row["started_by_name"] == a.user["user"]["display_name"]
    assert job_id not in {j["id"] for j in b.get("/api/v1/jobs?page_size=100").get_json()}
    assert b.get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert b.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 404
    assert a.get("/api/v1/jobs/999999999").status_code == 404


def test_without_jobs_read_a_user_sees_only_own_jobs(login_as):
    admin = login_as("federation_admin")
    judge = login_as("judge")
    others = make_job(admin)
    own = make_job(admin, as_user=judge.user["user"]["id"])
    ids = {j["id"] for j in judge.get("/api/v1/jobs?page_size=100").get_json()}
    assert own in ids and others not in ids
    assert judge.get(f"/api/v1/jobs/{others}").status_code == 404
    assert judge.get(f"/api/v1/jobs/{own}").status_code == 200
    assert judge.post(f"/api/v1/jobs/{own}/cancel").get_json()["status"] == "cancelled"


def test_org_scoped_readers_see_the_jobs_of_their_subtree(login_as):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    path = scope_path_of(staff)
    tenant_wide = make_job(admin)
    inside = make_job(admin, as_user=None, scope_path=path + "999/")
    ids = {j["id"] for j in staff.get("/api/v1/jobs?page_size=100").get_json()}
    assert inside in ids and tenant_wide not in ids
    # Seeing is not cancelling: only the starter or a tenant-wide reader may.
    resp = staff.post(f"/api/v1/jobs/{inside}/cancel")
    assert resp.status_code == 403 and resp.get_json()["message"] == "只能取消自己发起的任务"


def test_filters_paging_and_bad_arguments(login_as):
    a = login_as("federation_admin")
    queued = make_job(a, kind="test.api.one")
    failed = make_job(a, kind="test.api.two", status="failed", error="第3行有误")
    by_status = {j["id"] for j in a.get("/api/v1/jobs?status=failed&page_size=100").get_json()}
    assert failed in by_status and queued not in by_status
    by_kind = [j["id"] for j in a.get("/api/v1/jobs?kind=test.api.&page_size=100").get_json()]
    assert by_kind[:2] == [failed, queued]  # newest first
    assert [j["id"] for j in a.get("/api/v1/jobs?kind=test.api.one").get_json()] == [queued]
    assert a.get("/api/v1/jobs?status=bogus").status_code == 422
    assert a.get("/api/v1/jobs?page_size=101").status_code == 422
    assert a.get("/api/v1/jobs?parent_id=0").status_code == 422


def test_cancel_a_queued_job_at_once_then_409(login_as):
    a = login_as("federation_admin")
    job_id = make_job(a)
    resp = a.post(f"/api/v1/jobs/{job_id}/cancel")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "cancelled" and body["status_label"] == "已取消" and body["cancel_requested"]
    assert body["finished_at"] is not None
    again = a.post(f"/api/v1/jobs/{job_id}/cancel")
    assert again.status_code == 409 and again.get_json()["message"] == "任务已结束，无法取消"
    with tenant_context(a.user["tenant"]["id"]):
        actions = db.session.execute(select(AuditLog.action).where(AuditLog.entity_type == "job",
                                                                  AuditLog.entity_id == job_id)).scalars().all()
    assert actions == ["job.cancel"]


def test_cancel_reaches_the_queued_chunks_of_a_split_job(login_as):
    a = login_as("federation_admin")
    parent = make_job(a, status="running", waiting=True, chunks_total=2)
    tenant_id = a.user["tenant"]["id"]
    with tenant_context(tenant_id):
        for _ in range(2):
            db.session.add(Job(tenant_id=tenant_id, parent_id=parent, kind="test.api.chunk", queue="default",
                               func=FN, args=[1], timeout_s=60, rq_job_id="uhjob-x", status="queued"))
        db.session.commit()
    assert all(j["parent_id"] is None for j in a.get("/api/v1/jobs?page_size=100").get_json())
    chunks = a.get(f"/api/v1/jobs?parent_id={parent}").get_json()
    assert len(chunks) == 2 and all(c["kind"] == "test.api.chunk" for c in chunks)
    body = a.post(f"/api/v1/jobs/{parent}/cancel").get_json()
    assert body["status"] == "cancelled" and (body["chunks_done"], body["chunks_failed"]) == (0, 2)
    assert {c["status"] for c in a.get(f"/api/v1/jobs?parent_id={parent}").get_json()} == {"cancelled"}


def test_technical_detail_only_for_platform_admins(login_as):
    a = login_as("federation_admin")
    job_id = make_job(a, status="failed", error="任务执行出错", error_detail="Traceback ... KeyError")
    assert a.get(f"/api/v1/jobs/{job_id}").get_json()["error_detail"] is None
    platform = login_as("platform_admin", tenant=None)
    assert platform.get("/api/v1/jobs").status_code == 403  # no tenant chosen yet
    assert platform.post("/api/v1/auth/switch-tenant", json={"tenant_id": a.user["tenant"]["id"]}).status_code == 200
    body = platform.get(f"/api/v1/jobs/{job_id}").get_json()
    assert body["error"] == "任务执行出错" and body["error_detail"].startswith("Traceback")


def test_list_requires_login(client):
    assert client.get("/api/v1/jobs").status_code == 401
