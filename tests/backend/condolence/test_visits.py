"""Visits: groups after the freeze, households assigned, the 安排表 per group, visit records with cash
(a payment: cleared by the notice like the bank file, never twice) and goods, evidence."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    approve_all,
    chain_fixture,
    freeze,
    notice_closed,
    prepared,
    xlsx_text,
)
from unionhome.core.clock import today as china_today

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"
GROUP = {"name": "第一组", "leader": "县委副书记 王建国", "departments": ["县总工会", "县人社局", "县发改委"],
         "visit_date": "2027-01-10", "visit_time": "10:00:00", "meeting_time": "09:45:00",
         "meeting_point": "县政府办公楼一楼大堂", "contact": "李明 13800000000"}


def group(ch) -> dict:
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/visit-groups", GROUP)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_groups_after_the_freeze_and_assignment(chain):
    ch = chain
    approve_all(ch)
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/visit-groups", GROUP)
    assert r.status_code == 409 and "冻结" in r.get_json()["message"]
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/freeze", {})
    assert r.status_code == 200
    g = group(ch)
    assert ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/visit-groups", GROUP).status_code == 422  # same name
    assert ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visit-groups", {**GROUP, "name": "x"}).status_code == 403

    r = ch.admin.post(f"{API}/visit-groups/{g['id']}/assign", {"org_id": ch.township_id})
    assert r.status_code == 200 and r.get_json()["assigned"] == 4
    g2 = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/visit-groups", {**GROUP, "name": "第二组"}).get_json()
    r = ch.admin.post(f"{API}/visit-groups/{g2['id']}/assign", {"line_ids": [ch.line_ids[0], ch.other_line_ids[0]]})
    assert r.status_code == 409 and "已分配到其他小组" in r.get_json()["message"]
    r = ch.admin.post(f"{API}/visit-groups/{g2['id']}/assign", {"line_ids": ch.other_line_ids})
    assert r.status_code == 200 and r.get_json()["assigned"] == 3
    groups = {x["name"]: x for x in ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/visit-groups").get_json()}
    assert groups["第一组"]["households"] == 4 and groups["第一组"]["cash_fen"] == 200000
    assert {x["id"] for x in ch.admin.get(f"{API}/visit-groups/{g['id']}/lines").get_json()} == set(ch.line_ids)

    sheet = ch.admin.get(f"{API}/visit-groups/{g['id']}/arrangement.xlsx")
    assert sheet.status_code == 200 and sheet.headers["X-Row-Count"] == "4"
    text = xlsx_text(sheet.data)
    assert "安排表（第一组）" in text and "县委副书记 王建国" in text and "县人社局" in text
    assert "2027年1月10日（星期日）上午10:00" in text and "县政府办公楼一楼大堂" in text
    for line in ch.line_ids:
        assert ch.people[line].name in text and ch.people[line].id_number not in text
    assert "合计：4户，慰问金2000.00元，慰问品1200.00元" in text
    assert ch.chair.get(f"{API}/visit-groups/{g['id']}/arrangement.xlsx").status_code == 403

    etag = ch.admin.get(f"{API}/visit-groups/{g['id']}").headers["ETag"]
    r = ch.admin.patch(f"{API}/visit-groups/{g['id']}", {"meeting_point": "县总工会门前"}, headers={"If-Match": etag})
    assert r.status_code == 200 and r.get_json()["meeting_point"] == "县总工会门前"
    r = ch.admin.post(f"{API}/visit-groups/{g['id']}/unassign", {"line_ids": ch.line_ids[:1]})
    assert r.status_code == 200 and r.get_json()["assigned"] == -1


def test_visit_records_cash_is_a_payment(chain):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-2)
    g = group(ch)
    ch.admin.post(f"{API}/visit-groups/{g['id']}/assign", {"org_id": ch.township_id})
    today = china_today().isoformat()
    visit = {"line_id": ch.line_ids[0], "visited_on": today, "cash_fen": 50000, "goods_desc": "米、面、油各一份",
             "goods_fen": 30000, "notes": "家中老人卧床"}
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", visit)
    assert r.status_code == 409 and "公示期未结束" in r.get_json()["message"]
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {**visit, "cash_fen": 60000})
    assert r.status_code == 422 and "cash_fen" in r.get_json()["errors"]["json"]
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {**visit, "visited_on": (china_today() + timedelta(days=1)).isoformat()})
    assert r.status_code == 422
    # goods only: fine while the window is open
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {**visit, "line_id": ch.line_ids[1], "cash_fen": 0})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["group_id"] == g["id"]
    assert ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {**visit, "line_id": ch.line_ids[1], "cash_fen": 0}).status_code == 409
    # another union's household is not this chair's to record
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {**visit, "line_id": ch.other_line_ids[0], "cash_fen": 0})
    assert r.status_code == 422

    from tests.backend.condolence.workflow_fixtures import set_window

    set_window(ch.tenant_id, notice_id, china_today() - timedelta(days=7), china_today() - timedelta(days=1))
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", visit)
    assert r.status_code == 201, r.get_json()
    cash_visit = r.get_json()
    line = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/review-queue?view=all&q={ch.people[ch.line_ids[0]].name}").get_json()
    assert next(x for x in line if x["id"] == ch.line_ids[0])["payment_status"] == "paid"
    # the bank batch leaves the household paid in cash out, and naming it is refused
    r = ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {"line_ids": [ch.line_ids[0]]})
    assert r.status_code == 409 and "已发放" in r.get_json()["message"]
    r = prepared(ch.admin, ch.tenant_id, ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {}))
    assert r.status_code == 202 and r.get_json()["line_count"] == 6
    # cash for a line already in the bank batch: never twice
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {**visit, "line_id": ch.line_ids[2]})
    assert r.status_code == 409 and "已在发放批次中" in r.get_json()["message"]

    url = f"{API}/visits/{cash_visit['id']}"
    etag = ch.chair.get(url).headers["ETag"]
    r = ch.chair.patch(url, {"cash_fen": 40000}, headers={"If-Match": etag})
    assert r.status_code == 409
    r = ch.chair.patch(url, {"notes": "已送达，家属签收"}, headers={"If-Match": etag})
    assert r.status_code == 200 and r.get_json()["notes"] == "已送达，家属签收"
    assert ch.chair.delete(url, headers={"If-Match": r.headers["ETag"]}).status_code == 403
    etag = ch.admin.get(url).headers["ETag"]
    assert ch.admin.delete(url, headers={"If-Match": etag}).status_code == 204
    preview = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()
    assert preview["payable"] == 1  # the cash payment was cancelled: payable again


def test_visit_evidence_and_scope(chain, login_as):
    ch = chain
    notice_closed(ch)
    today = china_today().isoformat()
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits", {"line_id": ch.line_ids[0], "visited_on": today,
                                                                    "goods_fen": 30000, "goods_desc": "棉被"})
    assert r.status_code == 201
    visit_id = r.get_json()["id"]
    data = b"\xff\xd8\xff\xe0 receipt"
    body = {"subject_type": "condolence_visit", "subject_id": visit_id, "filename": "签收单.jpg", "content_type": "image/jpeg",
            "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert ch.chair.post("/api/v1/evidence", body).status_code == 201
    assert ch.other_chair.post("/api/v1/evidence", body).status_code == 404
    assert ch.other_chair.get(f"{API}/visits/{visit_id}").status_code == 404
    assert ch.other_chair.get(f"{API}/campaigns/{ch.campaign_id}/visits").get_json() == []
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"{API}/visits/{visit_id}").status_code == 404
    assert b.post("/api/v1/evidence", body).status_code == 404
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/visit-groups").status_code == 404
    assert b.post(f"{API}/campaigns/{ch.campaign_id}/visits", {"line_id": ch.line_ids[1], "visited_on": today}).status_code == 404
