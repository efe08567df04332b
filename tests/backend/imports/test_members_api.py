"""Member import through the API: dry run writes nothing, both commit modes, idempotent re-import,
annotated workbook, scope and tenant isolation."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from unionhome.core.audit import AuditLog
from unionhome.core.tenancy import tenant_context
from unionhome.domains.orgs.models import Member
from unionhome.extensions import db

from .conftest import grassroots, upload, write_xlsx

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("inline_jobs")]

HEADER = ["序号", "姓名", "身份证号码", "手机号", "所属工会", "入会日期", "用工形式"]


def _counts(tenant_id: int) -> tuple[int, int]:
    with tenant_context(tenant_id):
        members = db.session.execute(select(func.count()).select_from(Member)).scalar_one()
        audits = db.session.execute(select(func.count()).select_from(AuditLog)).scalar_one()
    return members, audits


def _tenant(c: Any) -> int:
    return c.get("/api/v1/me").get_json()["tenant"]["id"]


def test_dry_run_then_commit_then_reimport_changes_nothing(login_as, tmp_path, people):
    c = login_as("federation_admin")
    tid = _tenant(c)
    org = grassroots(c)[0]
    rows = [[i + 1, name, number, mobile, org["name"], "2024.1.5", "农民工"]
            for i, (name, number, mobile) in enumerate(people(5))]
    path = write_xlsx(tmp_path / "会员.xlsx", [HEADER, *rows], title="会员实名制登记表", merges=["A1:G1"])
    before = _counts(tid)

    resp = upload(c, path)
    assert resp.status_code == 201, resp.get_json()
    batch = resp.get_json()
    assert batch["status"] == "validated", batch
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (5, 5, 0)
    assert batch["header_row"] == 2 and batch["columns"]["id_number"] == "身份证号码"
    assert batch["ignored_columns"] == ["序号"] and batch["annotated_url"] is None
    assert _counts(tid) == (before[0], before[1] + 1)  # the dry run wrote no member (only the upload's audit row)
    me = c.get("/api/v1/me").get_json()["user"]
    assert batch["created_by"] == me["id"] and batch["created_by_name"] == me["display_name"]
    listed = next(b for b in c.get("/api/v1/imports").get_json() if b["id"] == batch["id"])
    assert listed["created_by_name"] == me["display_name"]  # the list names who uploaded, not only an id

    resp = c.post(f"/api/v1/imports/{batch['id']}/commit", json={})
    assert resp.status_code == 202, resp.get_json()
    done = resp.get_json()
    assert done["status"] == "committed" and done["created_count"] == 5 and done["updated_count"] == 0
    members, audits = _counts(tid)
    assert members == before[0] + 5 and audits == before[1] + 5 + 2  # 5 creates, upload, commit

    listed = c.get(f"/api/v1/members?q={rows[0][2]}").get_json()
    assert len(listed) == 1 and listed[0]["employment_type"] == "migrant" and listed[0]["join_date"] == "2024-01-05"
    version = listed[0]["version"]

    again = upload(c, path).get_json()
    assert again["status"] == "validated" and again["error_rows"] == 0
    done = c.post(f"/api/v1/imports/{again['id']}/commit", json={}).get_json()
    assert (done["created_count"], done["updated_count"], done["unchanged_count"]) == (0, 0, 5)
    assert _counts(tid) == (members, audits + 2)  # no member row, no member audit row
    assert c.get(f"/api/v1/members?q={rows[0][2]}").get_json()[0]["version"] == version

    # one changed mobile: one update, one audit row with the change
    rows[1][3] = "13912345678"
    path = write_xlsx(tmp_path / "会员2.xlsx", [HEADER, *rows])
    third = upload(c, path).get_json()
    done = c.post(f"/api/v1/imports/{third['id']}/commit", json={}).get_json()
    assert (done["created_count"], done["updated_count"], done["unchanged_count"]) == (0, 1, 4)
    with tenant_context(tid):
        row = db.session.execute(select(AuditLog).where(AuditLog.action == "member.import_update")
                                 .order_by(AuditLog.id.desc())).scalars().first()
        assert row.changes["mobile"][1] == "13912345678" and row.changes["import_id"] == third["id"]
        db.session.rollback()


def test_errors_are_reported_in_chinese_with_an_annotated_copy(login_as, tmp_path, people):
    c = login_as("federation_admin")
    tid = _tenant(c)
    org = grassroots(c)[0]
    (n1, id1, m1), (n2, id2, m2), (n3, id3, m3) = people(3)
    bad_check = id2[:17] + ("0" if id2[17] != "0" else "1")
    rows = [
        [1, n1, id1, m1, org["name"], "2024年1月5日", "正式职工"],
        [2, n2, bad_check, m2, org["name"], "2024/1/5", None],
        [3, n3, float(id3), m3, "不存在的工会", 45296, None],
        [4, n1, id1, m1, org["name"], "2024年1月5日", "正式职工"],  # exact duplicate of row 2
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", [HEADER, *rows])
    before = _counts(tid)
    batch = upload(c, path).get_json()
    assert batch["status"] == "validated"
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (4, 1, 3)
    texts = [e["text"] for e in batch["first_errors"]]
    assert texts[0].startswith("第3行 身份证号：校验位错误"), texts
    assert any(t.startswith("第4行 身份证号：身份证号被存成了数字") for t in texts)
    assert any(t.startswith("第4行 所属工会：“不存在的工会”不存在或不在您的管辖范围内") for t in texts)
    assert "第5行 身份证号：与第2行重复" in " ".join(texts)
    assert batch["first_errors"][0]["column"] == "C"

    resp = c.get(batch["annotated_url"])
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws.cell(1, 8).value == "错误说明"
    assert "校验位错误" in ws.cell(3, 8).value and ws.cell(2, 8).value is None
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE") and "校验位错误" in ws["C3"].comment.text
    assert ws["E4"].comment is not None and ws["C4"].comment is not None

    # all-or-nothing: nothing written; valid-only: the one good row
    done = c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).get_json()
    assert done["status"] == "rejected" and "没有写入" in done["error_message"]
    assert _counts(tid)[0] == before[0]
    assert c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).status_code == 409
    batch = upload(c, path, mode="valid_only").get_json()
    done = c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).get_json()
    assert done["status"] == "committed" and done["created_count"] == 1 and done["error_rows"] == 3
    assert _counts(tid)[0] == before[0] + 1


def test_scope_and_tenant_isolation(login_as, tmp_path, people):
    admin = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    own = chair.get("/api/v1/orgs?page_size=100").get_json()
    own_ids = {o["id"] for o in own}
    outside = next(o for o in grassroots(admin, 50) if o["id"] not in own_ids)
    (n1, id1, m1), (n2, id2, m2) = people(2)
    path = write_xlsx(tmp_path / "scope.xlsx", [["姓名", "身份证号", "所属工会"], [n1, id1, outside["name"]],
                                                [n2, id2, outside["id"]]])
    batch = upload(chair, path).get_json()
    assert batch["error_rows"] == 2
    assert all("不在您的管辖范围内" in e["message"] for e in batch["first_errors"])
    # the chair may not default to an org outside its subtree either
    resp = upload(chair, path, org_id=outside["id"])
    assert resp.status_code == 422

    other = login_as("federation_admin", tenant=1)
    assert other.get(f"/api/v1/imports/{batch['id']}").status_code == 404
    assert other.get(f"/api/v1/imports/{batch['id']}/annotated.xlsx").status_code == 404
    assert other.post(f"/api/v1/imports/{batch['id']}/commit", json={}).status_code == 404
    assert batch["id"] not in {b["id"] for b in other.get("/api/v1/imports").get_json()}
    # the tenant-wide admin sees the chair's import; another chair would not
    assert admin.get(f"/api/v1/imports/{batch['id']}").status_code == 200
