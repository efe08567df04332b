"""Nominations through the API: upload with a dry run, submit, manual entry, the deadline, the
nominating union's scope, bad files, the line table (filters, search, masked Excel export) and the
other tenant."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceCampaign
from unionhome.extensions import db

from .conftest import (
    HEADER,
    add_household,
    create_campaign,
    lines,
    nominate,
    orgs_of_type,
    row,
    run_roster,
    tenant_of,
    upload,
    write_xlsx,
)

pytestmark = pytest.mark.integration


def _past_deadline(client, cid: int) -> None:
    with tenant_context(tenant_of(client)):
        db.session.execute(update(CondolenceCampaign).where(CondolenceCampaign.id == cid)
                           .values(nomination_deadline=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()


def test_upload_is_a_dry_run_until_submitted(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    ps = people.many(2)
    for p in ps:
        add_household(c, p)
    resp = upload(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, ps[0]), row(2, ps[1], card="123")]))
    assert resp.status_code == 201, resp.get_json()
    batch = resp.get_json()
    assert batch["status"] == "uploaded" and batch["counted"] is False and roster_jobs_inline == [cid]
    run_roster(c, cid)
    got = c.get(f"/api/v1/condolence/batches/{batch['id']}").get_json()
    assert got["status"] == "processed" and got["status_label"] == "已校验" and got["counted"] is False
    assert (got["lines_total"], got["lines_ok"], got["lines_rejected"]) == (2, 1, 1)
    assert got["by_status"] == {"ok": 1, "invalid": 1} and got["by_code"] == {"invalid_bank_card": 1}
    assert got["problems"][0]["row_no"] == 4 and "银行卡号" in got["problems"][0]["check_reason"]
    assert got["sheet_name"] and got["header_row"] == 2
    submitted = c.post(f"/api/v1/condolence/batches/{batch['id']}/submit")
    assert submitted.status_code == 200 and submitted.get_json()["counted"] is True
    assert c.post(f"/api/v1/condolence/batches/{batch['id']}/submit").status_code == 409
    assert c.delete(f"/api/v1/condolence/batches/{batch['id']}", headers={"If-Match": "*"}).status_code in (409, 412)


def test_nothing_after_the_deadline(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    p = people.one()
    draft = nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, p)]), submit=False)
    manual = c.post(f"/api/v1/condolence/campaigns/{cid}/manual-batches", {}).get_json()
    _past_deadline(c, cid)
    resp = upload(c, cid, write_xlsx(tmp_path / "b.xlsx", [HEADER, row(1, people.one())]))
    assert resp.status_code == 409 and "推荐截止时间" in resp.get_json()["message"]
    resp = c.post(f"/api/v1/condolence/batches/{draft['id']}/submit")
    assert resp.status_code == 409 and "已过" in resp.get_json()["message"]
    resp = c.post(f"/api/v1/condolence/batches/{manual['id']}/lines", {"name": p.name, "id_number": p.id_number})
    assert resp.status_code == 409
    assert c.post(f"/api/v1/condolence/campaigns/{cid}/manual-batches", {}).status_code == 409
    assert c.get(f"/api/v1/condolence/campaigns/{cid}").get_json()["nominations_open"] is False


def test_a_union_nominates_only_inside_its_scope(login_as, tmp_path, people, roster_jobs_inline):
    admin = login_as("federation_admin")
    chair = login_as("grassroots_chair")
    cid = create_campaign(admin)["id"]
    own = chair.get("/api/v1/me").get_json()["scope_org_ids"][0]
    outside = next(o for o in orgs_of_type(admin, "grassroots", 30) if o["id"] != own)
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, people.one())])
    resp = upload(chair, cid, path, org_id=outside["id"])
    assert resp.status_code == 422 and "org_id" in resp.get_json()["errors"]["json"]
    resp = upload(chair, cid, path)  # defaults to the chair's own union
    assert resp.status_code == 201 and resp.get_json()["org_id"] == own
    other = upload(admin, cid, write_xlsx(tmp_path / "b.xlsx", [HEADER, row(1, people.one())]), org_id=outside["id"])
    assert other.status_code == 201
    run_roster(admin, cid)
    mine = {b["id"] for b in chair.get(f"/api/v1/condolence/campaigns/{cid}/batches").get_json()}
    assert resp.get_json()["id"] in mine and other.get_json()["id"] not in mine
    assert chair.get(f"/api/v1/condolence/batches/{other.get_json()['id']}").status_code == 404
    assert {x["batch_id"] for x in lines(chair, cid)} == {resp.get_json()["id"]}


def test_bad_files_and_the_same_file_twice(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    url = f"/api/v1/condolence/campaigns/{cid}/batches"
    resp = c.request("POST", url, data={"file": (io.BytesIO(b"x"), "a.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "file" in resp.get_json()["errors"]["json"]
    resp = c.request("POST", url, data={"file": (io.BytesIO(b""), "a.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 422
    resp = c.request("POST", url, data={"submit": "true"}, content_type="multipart/form-data")
    assert resp.status_code == 422
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, people.one())])
    assert upload(c, cid, path).status_code == 201
    again = upload(c, cid, path)
    assert again.status_code == 409 and "同一文件已上传过" in again.get_json()["message"]
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(path.read_bytes()[:300])
    batch = nominate(c, cid, corrupt)
    assert batch["status"] == "failed" and "损坏" in batch["error_message"]
    empty = nominate(c, cid, write_xlsx(tmp_path / "e.xlsx", [HEADER, ["合计"]]))
    assert empty["status"] == "failed" and "没有推荐名单" in empty["error_message"]
    # A failed batch can be deleted; a draft too, with its lines.
    draft = nominate(c, cid, write_xlsx(tmp_path / "d.xlsx", [HEADER, row(1, people.one())]), submit=False)
    for b in (batch, draft):
        etag = c.get(f"/api/v1/condolence/batches/{b['id']}").headers["ETag"]
        assert c.delete(f"/api/v1/condolence/batches/{b['id']}", headers={"If-Match": etag}).status_code == 204
    assert all(x["batch_id"] != draft["id"] for x in lines(c, cid))


def test_manual_entry_checks_each_field(login_as, people, roster_jobs_inline):
    c = login_as("grassroots_chair")
    admin = login_as("federation_admin")
    cid = create_campaign(admin)["id"]
    batch = c.post(f"/api/v1/condolence/campaigns/{cid}/manual-batches", {}).get_json()
    assert batch["source"] == "manual" and batch["status"] == "processed"
    p = people.one()
    url = f"/api/v1/condolence/batches/{batch['id']}/lines"
    bad = c.post(url, {"name": p.name, "id_number": p.id_number[:17] + "0" if p.id_number[17] != "0" else
                       p.id_number[:17] + "1", "bank_card": "6228480000000000001", "mobile": "12345",
                       "category_code": "nope"})
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]["json"]
    assert set(errors) == {"id_number", "bank_card", "mobile", "category_code"}
    assert "校验位错误" in errors["id_number"][0]
    add_household(admin, p)
    ok = c.post(url, {"name": p.name, "id_number": p.id_number, "bank_card": p.card, "category_code": "ordinary"})
    assert ok.status_code == 201, ok.get_json()
    line = ok.get_json()
    assert line["check_status"] == "pending" and line["id_number_masked"].startswith(p.id_number[:6] + "****")
    assert line["cash_fen"] == 50000
    run_roster(admin, cid)
    assert c.get(f"/api/v1/condolence/lines/{line['id']}").get_json()["check_status"] == "ok"
    assert c.post(f"/api/v1/condolence/batches/{batch['id']}/submit").status_code == 200
    assert c.post(url, {"name": p.name, "id_number": p.id_number}).status_code == 409


def test_line_table_filters_search_and_masked_export(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    ps = people.many(3)
    add_household(c, ps[0])
    add_household(c, ps[1])
    nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, ps[0]), row(2, ps[1]), row(3, ps[2]),
                                                            row(4, ps[0])]))
    assert len(lines(c, cid)) == 4
    assert [x["name"] for x in lines(c, cid, check_status="ok")] == [ps[0].name, ps[1].name]
    assert [x["check_code"] for x in lines(c, cid, check_code="not_filed")] == ["not_filed"]
    assert len(lines(c, cid, q=ps[0].id_number)) == 2
    assert {x["name"] for x in lines(c, cid, q=ps[1].id_number[-4:])} >= {ps[1].name}
    assert {x["name"] for x in lines(c, cid, q=ps[2].name[:2])} >= {ps[2].name}
    assert c.get(f"/api/v1/condolence/campaigns/{cid}/lines?check_code=bogus").status_code == 422
    resp = c.get(f"/api/v1/condolence/campaigns/{cid}/lines.xlsx?check_status=ok")
    assert resp.status_code == 200 and resp.headers["X-Row-Count"] == "2"
    ws = load_workbook(io.BytesIO(resp.data)).active
    text = " ".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v is not None)
    assert ps[0].name in text and ps[0].id_number not in text and ps[0].card not in text
    assert ps[0].id_number[:6] + "********" + ps[0].id_number[-4:] in text


def test_the_other_tenant_gets_404_on_batches_and_lines(login_as, tmp_path, people, roster_jobs_inline):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    cid = create_campaign(a)["id"]
    batch = nominate(a, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, people.one())]), submit=False)
    line_id = lines(a, cid)[0]["id"]
    for method, url in (("get", f"/api/v1/condolence/batches/{batch['id']}"),
                        ("post", f"/api/v1/condolence/batches/{batch['id']}/submit"),
                        ("post", f"/api/v1/condolence/batches/{batch['id']}/reprocess"),
                        ("post", f"/api/v1/condolence/batches/{batch['id']}/lines"),
                        ("delete", f"/api/v1/condolence/batches/{batch['id']}"),
                        ("get", f"/api/v1/condolence/lines/{line_id}"),
                        ("delete", f"/api/v1/condolence/lines/{line_id}")):
        kwargs = {"json": {"name": "x", "id_number": "1"}} if url.endswith("/lines") else {}
        resp = getattr(b, method)(url, headers={"If-Match": "*"}, **kwargs)
        assert resp.status_code == 404, (method, url, resp.status_code)
    resp = upload(b, cid, write_xlsx(tmp_path / "b.xlsx", [HEADER, row(1, people.one())]))
    assert resp.status_code == 404
