"""Public notice (公示): generated after the freeze, xlsx and PDF with names and ID numbers masked, the
window and place, posting, objections in the window, proof photo as evidence, scope and other tenant."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    approve_all,
    chain_fixture,
    freeze,
    notice_closed,
    pdf_text,
    prepared,
    xlsx_text,
)
from unionhome.core.clock import today as china_today
from unionhome.core.cnid import mask_name

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def create(ch, **kw) -> object:
    today = china_today()
    body = {"start_date": today.isoformat(), "end_date": (today + timedelta(days=6)).isoformat(),
            "place": "县总工会一楼公示栏", "contact": "0373-5555555", **kw}
    return prepared(ch.admin, ch.tenant_id, ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/notices", body))


def test_notice_only_after_the_freeze(chain):
    ch = chain
    approve_all(ch)
    r = create(ch)
    assert r.status_code == 409 and "冻结" in r.get_json()["message"]


def test_notice_files_show_no_full_id_number(chain):
    ch = chain
    freeze(ch)
    r = create(ch)
    assert r.status_code == 202, r.get_json()
    notice = r.get_json()
    assert notice["line_count"] == 7 and notice["cash_fen"] == 7 * 50000 and notice["window_state"] == "not_posted"
    assert create(ch).status_code == 409  # every approved line is in the first notice already

    xlsx = ch.admin.get(f"{API}/notices/{notice['id']}/notice.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["X-Row-Count"] == "7"
    pdf = ch.admin.get(f"{API}/notices/{notice['id']}/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    for text in (xlsx_text(xlsx.data), pdf_text(pdf.data)):
        assert "县总工会一楼公示栏" in text and "0373-5555555" in text
        for p in ch.people.values():
            assert p.id_number not in text and p.id_number[6:14] not in text  # not even the birth date
            assert f"{p.id_number[:6]}********{p.id_number[-4:]}" in text
            assert mask_name(p.name) in text
            assert p.name not in text
            assert p.card not in text and p.mobile not in text


def test_post_window_and_edits(chain):
    ch = chain
    freeze(ch)
    r = create(ch, end_date=(china_today() - timedelta(days=1)).isoformat())
    assert r.status_code == 422 and "end_date" in r.get_json()["errors"]["json"]
    notice = create(ch).get_json()
    url = f"{API}/notices/{notice['id']}"
    etag = ch.admin.get(url).headers["ETag"]
    assert ch.admin.patch(url, {"place": "各镇街公示栏"}).status_code == 428
    r = ch.admin.patch(url, {"place": "各镇街公示栏"}, headers={"If-Match": etag})
    assert r.status_code == 200 and r.get_json()["place"] == "各镇街公示栏"
    r = ch.admin.post(f"{url}/post", {"posted_on": (china_today() + timedelta(days=1)).isoformat()})
    assert r.status_code == 422
    r = ch.admin.post(f"{url}/post", {})
    assert r.status_code == 200 and r.get_json()["window_state"] == "open"
    assert ch.admin.get(f"{API}/campaigns/{ch.campaign_id}").get_json()["status"] == "noticing"
    etag = ch.admin.get(url).headers["ETag"]
    r = ch.admin.patch(url, {"end_date": china_today().isoformat()}, headers={"If-Match": etag})
    assert r.status_code == 409
    assert ch.admin.delete(url, headers={"If-Match": etag}).status_code == 409
    assert ch.admin.post(f"{url}/post", {}).status_code == 409


def test_objections_during_the_window(chain):
    ch = chain
    freeze(ch)
    notice = create(ch, start_date=(china_today() - timedelta(days=2)).isoformat()).get_json()
    url = f"{API}/notices/{notice['id']}"
    line = ch.line_ids[0]
    body = {"line_id": line, "content": "该职工家庭有经营性收入，不属于困难职工", "received_on": china_today().isoformat(),
            "received_from": "匿名"}
    r = ch.admin.post(f"{url}/objections", body)
    assert r.status_code == 409 and "尚未张贴" in r.get_json()["message"]
    assert ch.admin.post(f"{url}/post", {"posted_on": (china_today() - timedelta(days=2)).isoformat()}).status_code == 200
    r = ch.admin.post(f"{url}/objections", {**body, "received_on": (china_today() - timedelta(days=3)).isoformat()})
    assert r.status_code == 422 and "公示期内" in r.get_json()["errors"]["json"]["received_on"][0]
    r = ch.chair.post(f"{url}/objections", {**body, "line_id": ch.other_line_ids[0]})
    assert r.status_code == 422  # another union's line: not this chair's
    r = ch.chair.post(f"{url}/objections", body)  # the nominating union records what it received
    assert r.status_code == 201, r.get_json()
    objection = r.get_json()
    assert objection["outcome"] == "pending"
    assert ch.admin.get(url).get_json()["objections_pending"] == 1
    decide = f"{API}/objections/{objection['id']}/decide"
    assert ch.chair.post(decide, {"outcome": "dismissed"}).status_code == 403
    r = ch.admin.post(decide, {"outcome": "upheld"})
    assert r.status_code == 422 and "outcome_note" in r.get_json()["errors"]["json"]
    r = ch.admin.post(decide, {"outcome": "upheld", "outcome_note": "经入户核实，家庭有店铺经营收入"})
    assert r.status_code == 200 and r.get_json()["outcome"] == "upheld"
    assert ch.admin.post(decide, {"outcome": "dismissed"}).status_code == 409
    lines = ch.admin.get(f"{url}/lines?objection_upheld=true").get_json()
    assert [x["id"] for x in lines] == [line] and lines[0]["public_name"] == mask_name(lines[0]["name"])


def test_scope_of_notices_and_their_lines(chain):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-3)
    # the county-wide notice covers the chair's union: visible, but only its own lines
    notices = ch.chair.get(f"{API}/campaigns/{ch.campaign_id}/notices").get_json()
    assert [n["id"] for n in notices] == [notice_id]
    lines = ch.chair.get(f"{API}/notices/{notice_id}/lines").get_json()
    assert {x["id"] for x in lines} == set(ch.line_ids)
    assert ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/notices", {"start_date": "2027-01-01",
                                                                         "end_date": "2027-01-07", "place": "x"}).status_code == 403


def test_proof_photo_is_evidence_of_the_notice(chain):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-3)
    data = b"\xff\xd8\xff\xe0 photo of the notice board"
    body = {"subject_type": "condolence_notice", "subject_id": notice_id, "filename": "公示照片.jpg",
            "content_type": "image/jpeg", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    r = ch.admin.post("/api/v1/evidence", body)
    assert r.status_code == 201, r.get_json()
    assert ch.chair.post("/api/v1/evidence", body).status_code == 403  # the county posts the notice
    listed = ch.admin.get(f"/api/v1/evidence?subject_type=condolence_notice&subject_id={notice_id}").get_json()
    assert len(listed) == 1


def test_other_tenant_gets_404(chain, login_as):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-3)
    objection = ch.admin.post(f"{API}/notices/{notice_id}/objections",
                              {"line_id": ch.line_ids[0], "content": "异议", "received_on": china_today().isoformat()})
    assert objection.status_code == 201
    b = login_as("federation_admin", tenant=1)
    for url in (f"{API}/notices/{notice_id}", f"{API}/notices/{notice_id}/lines", f"{API}/notices/{notice_id}/notice.xlsx",
                f"{API}/notices/{notice_id}/notice.pdf", f"{API}/notices/{notice_id}/objections",
                f"{API}/campaigns/{ch.campaign_id}/notices"):
        assert b.get(url).status_code == 404, url
    assert b.post(f"{API}/objections/{objection.get_json()['id']}/decide", {"outcome": "dismissed"}).status_code == 404
    assert b.post(f"{API}/notices/{notice_id}/objections", {"line_id": ch.line_ids[0], "content": "x",
                                                             "received_on": china_today().isoformat()}).status_code == 404
