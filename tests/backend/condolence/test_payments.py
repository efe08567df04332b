"""Disbursement (打卡发放): payable only after the notice window closes without an objection; the bank
file (full card numbers, county only, audited); results imported back; never paid twice."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    chain_fixture,
    freeze,
    notice_closed,
    prepared,
    set_window,
)
from unionhome.core.audit import AuditLog
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceLine
from unionhome.domains.condolence.workflow_models import CondolencePayment
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


def new_batch(ch, **body):
    """POST a batch; a 202 has its job run (as the worker would) and gives the batch as it is then."""
    return prepared(ch.admin, ch.tenant_id, ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", body))


def bank_rows(ch, batch_id: int) -> list[tuple]:
    r = ch.admin.get(f"{API}/payment-batches/{batch_id}/bank-file")
    assert r.status_code == 200, r.get_data(True)[:300]
    ws = load_workbook(io.BytesIO(r.data), read_only=True).worksheets[0]
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    header = rows.index(("序号", "姓名", "银行卡号", "金额", "开户行", "备注"))
    return rows[header + 1:]


def result_file(rows: list[list], *, header=("序号", "户名", "账号", "交易金额", "交易结果", "失败原因")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["中国农业银行批量代发回盘文件"])
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload_results(client, batch_id: int, data: bytes, name: str = "回盘.xlsx"):
    return client.request("POST", f"{API}/payment-batches/{batch_id}/results",
                            data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_no_payment_file_for_lines_not_yet_noticed(chain):
    ch = chain
    freeze(ch)
    r = new_batch(ch)
    assert r.status_code == 409 and "尚未公示7户" in r.get_json()["message"]
    r = new_batch(ch, line_ids=ch.line_ids[:2])
    assert r.status_code == 409
    assert "尚未公示" in r.get_json()["message"] and set(r.get_json()["errors"]["lines"]) == {str(i) for i in ch.line_ids[:2]}
    preview = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()
    assert preview["payable"] == 0 and preview["blocked"][0]["reason"] == "not_noticed"


def test_blocked_while_the_window_is_open(chain):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-2)  # ends the day after tomorrow
    r = new_batch(ch, line_ids=[ch.line_ids[0]])
    assert r.status_code == 409 and "公示期未结束" in r.get_json()["message"]
    set_window(ch.tenant_id, notice_id, china_today() - timedelta(days=7), china_today())
    assert new_batch(ch).status_code == 409  # the last day of the window still counts
    set_window(ch.tenant_id, notice_id, china_today() - timedelta(days=7), china_today() - timedelta(days=1))
    r = new_batch(ch)
    assert r.status_code == 202 and r.get_json()["line_count"] == 7


def test_objections_block_their_line(chain):
    ch = chain
    notice_id = notice_closed(ch, days_ago=-1)
    pending, upheld = ch.line_ids[0], ch.line_ids[1]
    for line in (pending, upheld):
        r = ch.admin.post(f"{API}/notices/{notice_id}/objections",
                          {"line_id": line, "content": "有人反映不符合条件", "received_on": china_today().isoformat()})
        assert r.status_code == 201
        if line == upheld:
            oid = r.get_json()["id"]
            assert ch.admin.post(f"{API}/objections/{oid}/decide",
                                 {"outcome": "upheld", "outcome_note": "核实属实"}).status_code == 200
    set_window(ch.tenant_id, notice_id, china_today() - timedelta(days=7), china_today() - timedelta(days=1))
    preview = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()
    assert preview["payable"] == 5
    assert {b["reason"]: b["count"] for b in preview["blocked"]} == {"objection_pending": 1, "objection_upheld": 1}
    r = new_batch(ch, line_ids=[pending, upheld])
    assert r.status_code == 409
    assert "有待核实的公示异议" in r.get_json()["errors"]["lines"][str(pending)]
    assert "公示异议成立" in r.get_json()["errors"]["lines"][str(upheld)]
    r = new_batch(ch)
    assert r.status_code == 202 and r.get_json()["line_count"] == 5


def test_bank_file_results_and_never_paid_twice(chain, login_as):
    ch = chain
    notice_closed(ch)
    r = new_batch(ch, remark="2027年元旦春节慰问金")
    assert r.status_code == 202, r.get_json()
    batch = r.get_json()
    assert (batch["line_count"], batch["total_fen"], batch["status"]) == (7, 350000, "exported")
    assert new_batch(ch).status_code == 409  # everything is in the first batch
    r = new_batch(ch, line_ids=[ch.line_ids[0]])
    assert r.status_code == 409 and "已在发放批次中" in r.get_json()["message"]

    rows = bank_rows(ch, batch["id"])
    assert len(rows) == 7
    by_card = {p.card: p for p in ch.people.values()}
    for _seq, name, card, amount, bank, remark in rows:
        assert bank == "中国农业银行新乡县支行"
        assert by_card[card].name == name  # full card numbers, as the bank needs them
        assert amount == 500 and remark == "2027年元旦春节慰问金"
    assert ch.chair.get(f"{API}/payment-batches/{batch['id']}/bank-file").status_code == 403
    csv = ch.admin.get(f"{API}/payment-batches/{batch['id']}/bank-file?format=csv")
    assert csv.status_code == 200 and rows[0][2] in csv.data.decode("gb18030")
    with tenant_context(ch.tenant_id):
        downloads = db.session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "condolence.payment_batch.download")).scalar_one()
        db.session.rollback()
    assert downloads == 2

    # the bank: all paid but the third, which failed
    answer = [[seq, name, f"{card[:4]}********{card[-4:]}", amount, "失败" if seq == 3 else "成功",
               "户名与账号不符" if seq == 3 else ""] for seq, name, card, amount, _, _ in rows]
    r = upload_results(ch.admin, batch["id"], result_file(answer))
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["paid"], r.get_json()["failed"], r.get_json()["unchanged"]) == (6, 1, 0)
    assert r.get_json()["batch"]["status"] == "completed" and r.get_json()["batch"]["paid_fen"] == 300000
    # importing the same file again changes nothing
    r = upload_results(ch.admin, batch["id"], result_file(answer))
    assert r.status_code == 200 and r.get_json()["unchanged"] == 7 and r.get_json()["paid"] == 0
    # a file saying a paid transfer failed is refused, whole
    contradicting = [list(a) for a in answer]
    contradicting[0][4] = "失败"
    r = upload_results(ch.admin, batch["id"], result_file(contradicting))
    assert r.status_code == 409 and "已回盘为已发放" in r.get_json()["message"]

    failed = next(p for p in ch.admin.get(f"{API}/payment-batches/{batch['id']}/payments?status=failed").get_json())
    assert failed["failure_reason"] == "户名与账号不符"
    # only the failed line can go into a later batch
    r = new_batch(ch)
    assert r.status_code == 202 and r.get_json()["line_count"] == 1
    second = r.get_json()["id"]
    assert [x["line_id"] for x in ch.admin.get(f"{API}/payment-batches/{second}/payments").get_json()] == [failed["line_id"]]
    r = new_batch(ch, line_ids=[failed["line_id"]])
    assert r.status_code == 409

    # the database refuses a second live payment whatever the service does
    with tenant_context(ch.tenant_id):
        db.session.add(CondolencePayment(campaign_id=ch.campaign_id, line_id=ch.line_ids[1], method="cash",
                                         amount_fen=50000, status="paid"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        paid = db.session.execute(select(func.count()).select_from(CondolenceLine).where(
            CondolenceLine.campaign_id == ch.campaign_id, CondolenceLine.payment_status == "paid")).scalar_one()
        db.session.rollback()
    assert paid == 6

    b = login_as("federation_admin", tenant=1)
    for url in (f"{API}/payment-batches/{batch['id']}", f"{API}/payment-batches/{batch['id']}/payments",
                f"{API}/payment-batches/{batch['id']}/bank-file", f"{API}/campaigns/{ch.campaign_id}/payable",
                f"{API}/campaigns/{ch.campaign_id}/payment-batches"):
        assert b.get(url).status_code == 404, url
    assert b.post(f"{API}/payment-batches/{batch['id']}/cancel", {}).status_code == 404
    assert upload_results(b, batch["id"], result_file(answer)).status_code == 404


def test_bad_result_files_change_nothing(chain):
    ch = chain
    notice_closed(ch)
    batch = new_batch(ch).get_json()
    rows = bank_rows(ch, batch["id"])
    r = upload_results(ch.admin, batch["id"], result_file([[1, "张三", 500, "成功"]], header=("编号", "名字", "钱", "状态")))
    assert r.status_code == 422 and "file" in r.get_json()["errors"]["json"]
    wrong = [[seq, name, None, amount + (1 if seq == 2 else 0), "成功", ""] for seq, name, _, amount, _, _ in rows]
    wrong.append([99, "李四", None, 500, "成功", ""])
    wrong.append([1, rows[0][1], None, 500, "处理中", ""])
    r = upload_results(ch.admin, batch["id"], result_file(wrong))
    assert r.status_code == 422
    problems = "\n".join(r.get_json()["errors"]["json"]["file"])
    assert "金额与发放文件不一致" in problems and "序号99不在本发放批次中" in problems and "重复" in problems
    assert ch.admin.get(f"{API}/payment-batches/{batch['id']}").get_json()["paid_count"] == 0
    r = upload_results(ch.admin, batch["id"], b"\x00\x01binary", "x.xlsx")
    assert r.status_code == 422


def test_cancel_a_batch_before_the_bank_answers(chain):
    ch = chain
    notice_closed(ch)
    batch = new_batch(ch).get_json()
    r = ch.admin.post(f"{API}/payment-batches/{batch['id']}/cancel", {"comment": "账户信息需更新"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/payable").get_json()["payable"] == 7
    assert ch.admin.post(f"{API}/payment-batches/{batch['id']}/cancel", {}).status_code == 409
    assert ch.admin.get(f"{API}/payment-batches/{batch['id']}/bank-file").status_code == 409
    assert new_batch(ch).status_code == 202
