"""Wiring to the job engine: an upload starts a dry-run job (a `jobs` row, enqueued after commit) and
the job function, called as the worker calls it, does the dry run."""

from __future__ import annotations

import pytest

from unionhome.core import jobs as core_jobs
from unionhome.domains.orgs.imports import jobs

from .conftest import upload, write_xlsx

pytestmark = pytest.mark.integration


@pytest.mark.skipif(not hasattr(core_jobs, "start_job"), reason="job engine not present")
def test_upload_starts_a_dry_run_job(login_as, tmp_path, people):
    c = login_as("federation_admin")
    org = c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]
    [(name, number, mobile)] = people(1)
    path = write_xlsx(tmp_path / "j.xlsx", [["姓名", "身份证号", "手机", "所属工会"], [name, number, mobile, org["name"]]])
    batch = upload(c, path).get_json()
    assert batch["status"] == "pending" and batch["dry_run_job_id"] is not None
    job = c.get(f"/api/v1/jobs/{batch['dry_run_job_id']}").get_json()
    assert job["kind"] == "orgs.import_members_dry_run"
    tenant_id = c.get("/api/v1/me").get_json()["tenant"]["id"]
    result = jobs.dry_run_job(tenant_id, batch["dry_run_job_id"], batch["id"])
    assert result["status"] == "validated" and result["valid_rows"] == 1
    assert jobs.dry_run_job(tenant_id, batch["dry_run_job_id"], batch["id"]) == result  # a rerun changes nothing
    assert c.get(f"/api/v1/imports/{batch['id']}").get_json()["status"] == "validated"
