"""The roster job on small realistic workbooks: every check code with its Chinese reason, the rows that
are not nominations, dry runs, rerun determinism, quotas and budget."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from unionhome.core.pii import get_cipher
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceBatch, CondolenceCampaign, CondolenceLine
from unionhome.extensions import db

from .conftest import (
    HEADER,
    add_household,
    by_row,
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


def _helped_earlier(client, person, *, festival: str, year: int, deadline: datetime, name: str) -> None:
    """An earlier campaign of the county in which `person` was helped (approved by the county)."""
    tid = tenant_of(client)
    org_id = orgs_of_type(client, "grassroots", 1)[0]["id"]
    with tenant_context(tid):  # no requests inside: a request ends by clearing the tenant context
        cipher = get_cipher()
        c = CondolenceCampaign(tenant_id=tid, name=name, festival=festival, year=year, status="closed",
                               nomination_deadline=deadline, rules={}, budget_cash_fen=0, budget_goods_fen=0)
        db.session.add(c)
        db.session.flush()
        b = CondolenceBatch(tenant_id=tid, campaign_id=c.id, org_id=org_id, source="manual", status="submitted",
                            submitted_at=deadline)
        db.session.add(b)
        db.session.flush()
        db.session.add(CondolenceLine(
            tenant_id=tid, campaign_id=c.id, batch_id=b.id, org_id=org_id, row_no=1, name=person.name,
            id_enc=cipher.encrypt(tid, person.id_number), id_hash=cipher.lookup_hash(tid, "id_number", person.id_number),
            id_last4=person.id_number[-4:], id_region=person.id_number[:6], cash_fen=50000, goods_fen=0,
            check_status="ok", review_status="county_approved", payment_status="paid", objection_upheld=False,
            paid_at=deadline))
        db.session.commit()


def test_every_check_with_its_reason(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    towns = orgs_of_type(c, "township", 2)
    unions = orgs_of_type(c, "grassroots", 2)
    campaign = create_campaign(c, townships=towns[:1])
    cid = campaign["id"]
    filed = people.many(6)
    for p in filed:
        add_household(c, p)
    exited, pending, rejected, overdue, not_filed, mismatch = people.many(6)
    add_household(c, exited, status="exited", exited_on=date(2025, 11, 3))
    add_household(c, pending, status="candidate", next_review_due=None)
    add_household(c, rejected, status="rejected", next_review_due=None)
    add_household(c, overdue, next_review_due=date(2025, 6, 30))
    add_household(c, mismatch)
    helped_recently, helped_same_festival = people.many(2)
    for p in (helped_recently, helped_same_festival):
        add_household(c, p)
    deadline = datetime.fromisoformat(campaign["nomination_deadline"])
    _helped_earlier(c, helped_recently, festival="mid_autumn", year=2026, deadline=deadline - timedelta(days=100),
                    name="测试用中秋慰问")
    _helped_earlier(c, helped_same_festival, festival="spring", year=2027, deadline=deadline - timedelta(days=20),
                    name="2027年元旦春节第一批")
    c.patch(f"/api/v1/condolence/campaigns/{cid}", {"rules": {"exclude_review_overdue": True}},
            headers={"If-Match": c.get(f"/api/v1/condolence/campaigns/{cid}").headers["ETag"]})

    bad_id = filed[1].id_number[:17] + ("0" if filed[1].id_number[17] != "0" else "1")
    bad_card = filed[2].card[:-1] + str((int(filed[2].card[-1]) + 1) % 10)
    rows = [HEADER,
            row(1, filed[0]),                                            # ok
            row(2, filed[1], id_number=bad_id),                          # check digit
            row(3, filed[2], card=bad_card),                             # Luhn
            row(4, filed[3], id_number=float(filed[3].id_number)),       # typed as a number
            row(5, filed[4], cash="伍佰元"),                              # amount in words
            row(6, filed[0]),                                            # the same person again
            ["小计", None, None, None, None, None, None, None, None, 1000, None, None],
            [None] * 12,
            row(7, exited), row(8, pending), row(9, rejected), row(10, overdue), row(11, not_filed),
            row(12, mismatch, name="张冒名"),
            row(13, helped_recently), row(14, helped_same_festival),
            row(15, filed[5], category="慰问对象"),                       # not a category of the campaign
            row(16, filed[5], mobile="1381234"),                          # bad mobile (and the same person)
            ["合计", None, None, None, None, None, None, None, None, 8000, None, None],
            ["填表人：李明", None, "审核人：王强", None, None, None, "联系电话：13812345678"],
            ]
    batch = nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", rows), org_id=unions[0]["id"])
    assert batch["status"] == "submitted" and batch["rows_skipped"] == 4, batch
    got = by_row(lines(c, cid), batch["id"])
    r = {n: (got[n]["check_status"], got[n]["check_code"], got[n]["check_reason"]) for n in got}
    sheet_row = {i: i + 2 for i in range(1, 7)}  # title + header above: sheet row = 序号 + 2
    assert r[sheet_row[1]][:2] == ("ok", None)
    assert r[sheet_row[2]][:2] == ("invalid", "invalid_id") and "校验位错误" in r[sheet_row[2]][2]
    assert r[sheet_row[3]][:2] == ("invalid", "invalid_bank_card") and "校验位错误" in r[sheet_row[3]][2]
    assert r[sheet_row[4]][:2] == ("invalid", "invalid_id") and "存成了数字" in r[sheet_row[4]][2]
    assert r[sheet_row[5]][:2] == ("invalid", "invalid_amount") and "伍佰元" in r[sheet_row[5]][2]
    assert r[sheet_row[6]][:2] == ("duplicate", "duplicate_id")
    assert r[sheet_row[6]][2] == "与本表第3行 重复推荐（同一身份证号）"
    after = {got[n]["name"]: (got[n]["check_status"], got[n]["check_code"], got[n]["check_reason"]) for n in got
             if n > 9}
    assert after[exited.name] == ("ineligible", "file_exited", "困难职工档案已脱困退档(2025-11-03)")
    assert after[pending.name][:2] == ("ineligible", "file_pending")
    assert after[rejected.name][:2] == ("ineligible", "file_rejected")
    assert after[overdue.name] == ("ineligible", "review_overdue", "困难职工档案复核已逾期(应于2025-06-30前复核)")
    assert after[not_filed.name] == ("ineligible", "not_filed", "未建档困难职工")
    assert after["张冒名"][:2] == ("invalid", "name_mismatch") and mismatch.name in after["张冒名"][2]
    month = (deadline - timedelta(days=100)).strftime("%Y-%m")
    assert after[helped_recently.name] == ("ineligible", "cooldown", f"已于{month} 中秋慰问中获慰问(6个月内不重复慰问)")
    assert after[helped_same_festival.name] == ("ineligible", "helped_this_festival",
                                                "已在“2027年元旦春节第一批”中获慰问(同一节日不重复慰问)")
    f5 = [got[n] for n in got if got[n]["name"] == filed[5].name]
    assert [(x["check_status"], x["check_code"]) for x in f5] == [("invalid", "invalid_category"),
                                                                  ("invalid", "invalid_mobile")]
    assert "慰问对象" in f5[0]["check_reason"] and "困难职工、困难劳模" in f5[0]["check_reason"]
    # Masked numbers only; the ID typed as a number shows what was typed, masked.
    assert all("*" in (x["id_number_masked"] or "*") for x in got.values())
    assert got[sheet_row[1]]["id_number_masked"] == filed[0].id_number[:6] + "********" + filed[0].id_number[-4:]
    assert batch["lines_total"] == len(got) == 16 and batch["lines_ok"] == 1
    assert batch["by_code"]["invalid_id"] == 2 and batch["problems"][0]["row_no"] == 4


def test_duplicates_across_unions_name_the_union_and_row(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    a, b = orgs_of_type(c, "grassroots", 2)[:2]
    cid = create_campaign(c)["id"]
    ps = people.many(3)
    for p in ps:
        add_household(c, p)
    first = nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, ps[0]), row(2, ps[1])]), org_id=a["id"])
    second = nominate(c, cid, write_xlsx(tmp_path / "b.xlsx", [HEADER, row(1, ps[2], card=ps[1].card),
                                                                   row(2, ps[0])]), org_id=b["id"])
    got = lines(c, cid)
    b_rows = by_row(got, second["id"])
    assert b_rows[3]["check_code"] == "duplicate_bank_card"
    assert b_rows[3]["check_reason"].startswith(f"银行卡号与 {a['name']} 第4行（")
    assert b_rows[4]["check_code"] == "duplicate_id"
    assert b_rows[4]["check_reason"] == f"与 {a['name']} 第3行 重复推荐（同一身份证号）"
    assert b_rows[4]["duplicate_of"] == by_row(got, first["id"])[3]["id"]
    assert {x["check_status"] for x in by_row(got, first["id"]).values()} == {"ok"}


def test_a_dry_run_counts_for_nobody_until_submitted(login_as, tmp_path, people, roster_jobs_inline):
    c = login_as("federation_admin")
    a, b = orgs_of_type(c, "grassroots", 2)[:2]
    cid = create_campaign(c)["id"]
    p = people.one()
    add_household(c, p)
    draft = nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, p)]), org_id=a["id"], submit=False)
    assert draft["status"] == "processed" and draft["counted"] is False and draft["lines_ok"] == 1
    # Another union submits the same person: it keeps the place, the draft now sees the duplicate.
    other = nominate(c, cid, write_xlsx(tmp_path / "b.xlsx", [HEADER, row(1, p)]), org_id=b["id"])
    assert other["lines_ok"] == 1
    assert c.get(f"/api/v1/condolence/batches/{draft['id']}").get_json()["by_code"] == {"duplicate_id": 1}
    # Submitting the draft now changes nothing for the submitted batch.
    resp = c.post(f"/api/v1/condolence/batches/{draft['id']}/submit")
    assert resp.status_code == 200 and resp.get_json()["status"] == "submitted"
    run_roster(c, cid)
    assert c.get(f"/api/v1/condolence/batches/{other['id']}").get_json()["lines_ok"] == 1


def _verdicts(client, cid):
    return sorted((x["batch_id"], x["row_no"], x["check_status"], x["check_code"], x["check_reason"],
                   x["cash_fen"]) for x in lines(client, cid))


def test_quotas_and_budget_in_submission_order_and_reruns_give_the_same(login_as, tmp_path, people,
                                                                          roster_jobs_inline):
    c = login_as("federation_admin")
    town = orgs_of_type(c, "township", 1)[0]
    unions = [u for u in c.get(f"/api/v1/orgs?under={town['id']}&org_type=grassroots&page_size=10").get_json()]
    assert len(unions) >= 2
    cid = create_campaign(c, quotas=[{"org_id": town["id"], "max_households": 3}], budget_cash_fen=50000 * 5)["id"]
    ps = people.many(8)
    for p in ps:
        add_household(c, p)
    first = nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER] + [row(i + 1, p) for i, p in enumerate(ps[:2])]),
                     org_id=unions[0]["id"])
    second = nominate(c, cid, write_xlsx(tmp_path / "b.xlsx", [HEADER] + [row(i + 1, p) for i, p in enumerate(ps[2:4])]),
                      org_id=unions[1]["id"])
    outside = [o for o in orgs_of_type(c, "grassroots", 20) if o["id"] not in {u["id"] for u in unions}]
    third = nominate(c, cid, write_xlsx(tmp_path / "c.xlsx", [HEADER] + [row(i + 1, p) for i, p in enumerate(ps[4:8])]),
                     org_id=outside[-1]["id"])
    got = lines(c, cid)
    b = by_row(got, second["id"])
    assert [b[3]["check_status"], b[4]["check_status"]] == ["ok", "over_quota"]
    assert b[4]["check_reason"] == f"超出{town['name']}名额(3户)"
    t = by_row(got, third["id"])
    # 3 ok lines so far × 500 元; the budget is 2,500 元: two more fit.
    assert [t[n]["check_status"] for n in (3, 4, 5, 6)] == ["ok", "ok", "over_budget", "over_budget"]
    assert t[5]["check_reason"] == "超出预算(慰问金预算2,500元)"
    assert first["lines_ok"] == 2
    before = _verdicts(c, cid)
    summary = run_roster(c, cid)
    assert summary["updated"] == 0
    assert _verdicts(c, cid) == before


def test_the_same_result_whatever_order_the_batches_are_read_in(login_as, tmp_path, people, roster_jobs_inline):
    from unionhome.domains.condolence.roster import process

    c = login_as("federation_admin")
    a, b = orgs_of_type(c, "grassroots", 2)[:2]
    tid = tenant_of(c)
    ps = people.many(4)
    for p in ps:
        add_household(c, p)
    files = [write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, ps[0]), row(2, ps[1]), row(3, ps[2])]),
             write_xlsx(tmp_path / "b.xlsx", [HEADER, row(1, ps[2]), row(2, ps[0]), row(3, ps[3])])]
    results = []
    for order in ((0, 1), (1, 0)):
        cid = create_campaign(c, budget_cash_fen=50000 * 3)["id"]
        ids = [upload(c, cid, f, org_id=o["id"], submit=True).get_json()["id"] for f, o in zip(files, (a, b), strict=True)]
        with tenant_context(tid):
            process.claim(tid, cid, None)
            db.session.commit()
            reader = process.BatchReader(tid, cid)
            for i in order:  # read and judge one batch at a time, in this order
                reader.read(ids[i])
                process.judge_campaign(tid, cid)
                db.session.commit()
        results.append([(ids.index(x[0]), *x[1:]) for x in _verdicts(c, cid)])
    assert results[0] == results[1]
    codes = sorted(x[3] or "" for x in results[0])
    assert codes == ["", "", "", "duplicate_id", "duplicate_id", "over_budget"]


def test_a_file_with_the_wrong_headers_fails_the_batch_with_a_clear_message(login_as, tmp_path, roster_jobs_inline):
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    path = write_xlsx(tmp_path / "wrong.xlsx", [["编号", "名字", "证件", "金额"], [1, "张三", "1", 500]])
    batch = nominate(c, cid, path)
    assert batch["status"] == "failed"
    assert batch["error_message"].startswith("缺少必填列：姓名、身份证号")
    assert batch["lines_total"] == 0
    not_a_table = tmp_path / "photo.xlsx"
    not_a_table.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    failed = nominate(c, cid, not_a_table)
    assert failed["status"] == "failed" and "PNG" in failed["error_message"]


def test_a_killed_read_rerun_leaves_the_same_lines(login_as, tmp_path, people, roster_jobs_inline):
    from unionhome.domains.condolence.roster import process

    c = login_as("federation_admin")
    tid = tenant_of(c)
    cid = create_campaign(c)["id"]
    ps = people.many(3)
    for p in ps:
        add_household(c, p)
    bid = upload(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER] + [row(i + 1, p) for i, p in enumerate(ps)]),
                 submit=True).get_json()["id"]
    with tenant_context(tid):
        process.claim(tid, cid, None)
        db.session.commit()
        process.BatchReader(tid, cid).read(bid)
        db.session.commit()  # read, then "killed" before judging: the batch looks abandoned
        db.session.execute(CondolenceBatch.__table__.update().where(CondolenceBatch.id == bid)
                           .values(parsed_at=None))
        db.session.commit()
    run_roster(c, cid)  # claims it again (no live job holds it), reads it again, judges
    got = lines(c, cid)
    assert len(got) == 3 and {x["check_status"] for x in got} == {"ok"}
    with tenant_context(tid):
        staged = db.session.execute(select(CondolenceBatch.status).where(CondolenceBatch.id == bid)).scalar_one()
    assert staged == "submitted"


def test_lines_are_checked_again_when_the_file_or_the_rules_change_after_reading(login_as, tmp_path, people,
                                                                                  roster_jobs_inline):
    """The line checks are made as the workbook is read; a change of the hardship file (any statement on
    it raises its revision) or of the campaign's rules afterwards makes the next judgement check them again."""
    from sqlalchemy import update

    from unionhome.domains.hardship.models import HardshipHousehold

    c = login_as("federation_admin")
    union = orgs_of_type(c, "grassroots", 1)[0]
    cid = create_campaign(c)["id"]
    ok_person, later_exited, not_yet_filed = people.many(3)
    add_household(c, ok_person)
    exited_id = add_household(c, later_exited)
    batch = nominate(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, ok_person), row(2, later_exited),
                                                              row(3, not_yet_filed)]), org_id=union["id"])
    got = by_row(lines(c, cid), batch["id"])
    assert [got[n]["check_code"] for n in (3, 4, 5)] == [None, None, "not_filed"]

    # The file changes: one household exits, the missing one is filed.
    tid = tenant_of(c)
    add_household(c, not_yet_filed)
    with tenant_context(tid):
        db.session.execute(update(HardshipHousehold).where(
            HardshipHousehold.tenant_id == tid, HardshipHousehold.id == exited_id).values(
            status="exited", exited_on=date(2026, 10, 1), exit_reason="income_reached"))
        db.session.commit()
    summary = run_roster(c, cid)
    assert summary["rechecked"] >= 2
    got = by_row(lines(c, cid), batch["id"])
    assert [got[n]["check_code"] for n in (3, 4, 5)] == [None, "file_exited", None]
    assert got[4]["check_reason"] == "困难职工档案已脱困退档(2026-10-01)"

    # Nothing changed: nothing is checked again.
    assert run_roster(c, cid)["rechecked"] == 0

    # The rules change: exited households are no longer excluded.
    camp = c.get(f"/api/v1/condolence/campaigns/{cid}").get_json()
    resp = c.patch(f"/api/v1/condolence/campaigns/{cid}", json={"rules": {**camp["rules"], "exclude_exited": False}},
                   headers={"If-Match": c.get(f"/api/v1/condolence/campaigns/{cid}").headers["ETag"]})
    assert resp.status_code == 200, resp.get_json()
    run_roster(c, cid)
    assert by_row(lines(c, cid), batch["id"])[4]["check_status"] == "ok"


def test_the_judgement_waits_for_the_statistics_refresh_running_beside_it(login_as, tmp_path, people,
                                                                          roster_jobs_inline, monkeypatch):
    """The line statistics are refreshed on another connection while the first steps run; the line
    table is built only once that is done (else a fresh campaign's plan would be made blind)."""
    import threading
    import time

    from unionhome.domains.condolence.roster import repository

    threads: list[str] = []

    def slow_refresh(engine):
        threads.append(threading.current_thread().name)
        time.sleep(0.5)
        return True

    monkeypatch.setattr(repository, "refresh_line_statistics", slow_refresh)
    c = login_as("federation_admin")
    cid = create_campaign(c)["id"]
    p = people.one()
    add_household(c, p)
    union = orgs_of_type(c, "grassroots", 1)[0]
    resp = upload(c, cid, write_xlsx(tmp_path / "a.xlsx", [HEADER, row(1, p)]), org_id=union["id"], submit=True)
    assert resp.status_code == 201, resp.get_json()
    result = run_roster(c, cid)
    timings = result["timings"]
    assert threads and threads[0] != threading.current_thread().name
    assert timings["statistics"] >= 0.5
    assert timings["statistics_wait"] >= 0.3, timings  # the line table waited for it
    assert by_row(lines(c, cid))[3]["check_status"] == "ok"


def test_readers_take_each_batch_once_and_stop_when_none_is_left(login_as, tmp_path, people, roster_jobs_inline):
    """The reader jobs of a large roster take unread batches one at a time (a row lock the readers
    beside them skip); what one reader read, the next one leaves alone, and the result is the same."""
    from unionhome.domains.condolence.roster import jobs, process

    c = login_as("federation_admin")
    tid = tenant_of(c)
    cid = create_campaign(c)["id"]
    ps = people.many(6)
    for p in ps:
        add_household(c, p)
    bids = [upload(c, cid, write_xlsx(tmp_path / f"{n}.xlsx", [HEADER] + [row(i + 1, p) for i, p in enumerate(pair)]),
                   submit=True).get_json()["id"] for n, pair in enumerate((ps[:2], ps[2:4], ps[4:]))]
    with tenant_context(tid):
        claimed = process.claim(tid, cid, None)
        db.session.commit()
        assert sorted(cl.batch_id for cl in claimed) == sorted(bids)
        basis = process.check_basis(tid, cid)
        with process.BatchReader(tid, cid, basis) as reader:
            reader.plan(bids)
            first = reader.take_next(bids)
            assert first == min(bids)
            assert reader.take_next(bids, besides=first) == sorted(bids)[1]  # not the one it holds
            reader.read(first)
            assert reader.take_next(bids, besides=None) == sorted(bids)[1]  # the read one is done
            db.session.commit()
            assert reader.retake(sorted(bids)[1]) and not reader.retake(first)
            db.session.rollback()
        out = jobs.read_chunk_job(tid, 0, cid, bids, basis)  # the rest, then nothing is left
        assert out == {"batches": 2, "rows": 4}
        assert jobs.read_chunk_job(tid, 0, cid, bids, basis) == {"batches": 0, "rows": 0}
    run_roster(c, cid)
    got = lines(c, cid)
    assert len(got) == 6 and {x["check_status"] for x in got} == {"ok"}
    assert sorted(x["batch_id"] for x in got) == sorted(b for b in bids for _ in range(2))


def test_one_reader_per_worker_and_chunk_of_workbooks(monkeypatch):
    from unionhome.domains.condolence.roster import jobs, process

    mb = 1024 * 1024
    monkeypatch.setattr(jobs, "_workers", lambda: 2)
    assert jobs._readers([process.Claimed(1, 90 * mb)]) == 1  # one workbook: one reader
    assert jobs._readers([process.Claimed(i, mb) for i in range(2)]) == 1  # 2 MB: not worth a second
    assert jobs._readers([process.Claimed(i, 2 * mb) for i in range(500)]) == 2  # a county: every worker
    monkeypatch.setattr(jobs, "_workers", lambda: 30)
    assert jobs._readers([process.Claimed(i, 2 * mb) for i in range(500)]) == jobs.MAX_READERS
    monkeypatch.setattr(jobs, "_workers", lambda: 0)
    assert jobs._readers([process.Claimed(i, 2 * mb) for i in range(500)]) == 1
