"""The black-box tenant probe: logged in as tenant B, every endpoint of the OpenAPI document called
with tenant A's ids answers 404, and no list shows any of A's rows."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import select

from tests.backend.condolence.workflow_fixtures import seed_workflow_rows
from unionhome.core.jobs import start_job
from unionhome.core.tenancy import tenant_context
from unionhome.domains.auth.models import User
from unionhome.domains.condolence.models import CondolenceBatch, CondolenceCampaign, CondolenceLine
from unionhome.domains.condolence.workflow_models import (
    CondolenceExport,
    CondolenceNotice,
    CondolenceObjection,
    CondolencePaymentBatch,
    CondolenceVisit,
    CondolenceVisitGroup,
)
from unionhome.domains.evidence.models import EvidenceBundle, EvidenceItem
from unionhome.domains.hardship.models import HardshipHousehold, HardshipPolicy, HardshipRelief
from unionhome.domains.jobs.models import Job
from unionhome.domains.orgs.imports.models import ImportBatch
from unionhome.domains.orgs.models import Cadre, Employer, Member, MemberTransfer, Org
from unionhome.extensions import db

pytestmark = pytest.mark.integration

PARAM_MODELS = {"household_id": HardshipHousehold, "policy_id": HardshipPolicy,
                "org_id": Org, "employer_id": Employer, "member_id": Member, "cadre_id": Cadre, "user_id": User,
                "evidence_id": EvidenceItem, "bundle_id": EvidenceBundle, "job_id": Job, "import_id": ImportBatch}
LIST_MODELS = {"/api/v1/hardship/households": HardshipHousehold, "/api/v1/hardship/reliefs": HardshipRelief,
               "/api/v1/hardship/policies": HardshipPolicy, "/api/v1/hardship/reviews-due": HardshipHousehold,
               "/api/v1/orgs": Org, "/api/v1/employers": Employer, "/api/v1/members": Member,
               "/api/v1/cadres": Cadre, "/api/v1/users": User, "/api/v1/member-transfers": MemberTransfer,
               "/api/v1/evidence": EvidenceItem, "/api/v1/evidence/bundles": EvidenceBundle, "/api/v1/jobs": Job,
               "/api/v1/imports": ImportBatch, "/api/v1/condolence/campaigns": CondolenceCampaign}
# The condolence workflow (rows seeded by seed_workflow_rows: the demo has no notices, visits or payments)
PARAM_MODELS.update({
    "campaign_id": CondolenceCampaign, "batch_id": CondolenceBatch, "line_id": CondolenceLine,
    "notice_id": CondolenceNotice, "objection_id": CondolenceObjection, "visit_group_id": CondolenceVisitGroup,
    "visit_id": CondolenceVisit, "payment_batch_id": CondolencePaymentBatch, "export_id": CondolenceExport,
})


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["info"]["title"] == "UnionHome API"
    for path in spec["paths"]:
        for name in re.findall(r"{([^}]+)}", path):
            assert name == "id" or name.endswith("_id"), path
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()
    assert client.get("/api/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def _seed_evidence(client) -> None:
    """Tenant A gets an evidence item (announced through the API) and a bundle (inserted: building
    one needs verified files, and verifying needs a worker, which cannot see this test's data)."""
    member = client.get("/api/v1/members?page_size=1").get_json()[0]
    data = b"%PDF-1.4 probe"
    resp = client.post("/api/v1/evidence", {"subject_type": "member", "subject_id": member["id"], "size": len(data),
                                            "filename": "probe.pdf", "sha256": hashlib.sha256(data).hexdigest()})
    assert resp.status_code == 201, resp.get_json()
    tenant_id = client.get("/api/v1/me").get_json()["tenant"]["id"]
    with tenant_context(tenant_id):
        db.session.add(EvidenceBundle(tenant_id=tenant_id, subject_type="member", subject_id=member["id"],
                                      status="failed", requester_name="probe"))
        db.session.commit()


def _tenant_a_ids(tenant_id: int) -> dict[type, list[int]]:
    with tenant_context(tenant_id):
        # The demo data has no background jobs: start one (rolled back with the test).
        start_job(None, "test.probe", "tests.workers.jobfns.tiny", queue="default")
        db.session.commit()
        ids = {}
        for model in set(PARAM_MODELS.values()) | set(LIST_MODELS.values()):
            stmt = select(model.id)
            if model is User:
                stmt = stmt.where(User.tenant_id == tenant_id)
            ids[model] = list(db.session.execute(stmt.limit(50)).scalars())
        db.session.rollback()
    return ids


def _upload_import(client) -> None:
    data = {"kind": "members", "file": (io.BytesIO("姓名,身份证号\n".encode()), "m.csv")}
    resp = client.request("POST", "/api/v1/imports", data=data, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_data(True)


def test_every_endpoint_answers_404_for_other_tenant_ids(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    _upload_import(a)  # tenant A has an import batch to probe for
    a_tenant = a.get("/api/v1/me").get_json()["tenant"]["id"]
    _seed_evidence(a)
    seed_workflow_rows(a_tenant)
    a_ids = _tenant_a_ids(a_tenant)
    spec = b.get("/api/openapi.json").get_json()
    probed = 0
    for path, item in spec["paths"].items():
        names = re.findall(r"{([^}]+)}", path)
        if not names:
            continue
        url = path
        for name in names:
            value = a_tenant if name == "tenant_id" else a_ids[PARAM_MODELS[name]][0]
            url = url.replace("{" + name + "}", str(value))
        for method in item:
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            kwargs = {"headers": {"If-Match": "*"}}
            if method in {"post", "patch", "put"}:
                kwargs["json"] = {}
            resp = getattr(b, method)(url, **kwargs)
            assert resp.status_code == 404, f"{method.upper()} {url}: {resp.status_code} {resp.get_data(True)[:200]}"
            probed += 1
    assert probed >= 15


def test_no_list_shows_other_tenant_rows(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    _upload_import(a)
    _seed_evidence(a)
    a_ids = _tenant_a_ids(a.get("/api/v1/me").get_json()["tenant"]["id"])
    spec = b.get("/api/openapi.json").get_json()
    for path, model in LIST_MODELS.items():
        assert path in spec["paths"], path
        resp = b.get(f"{path}?page_size=100")
        assert resp.status_code == 200, path
        leaked = {row["id"] for row in resp.get_json()} & set(a_ids[model])
        assert not leaked, f"{path} shows tenant A rows {leaked}"
