"""Correcting a returned line: its read-time problems are worked out again from all its fields, so a
line with several problems stays invalid until every one of them is corrected."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from tests.backend.condolence.workflow_fixtures import chain_fixture  # noqa: F401
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceLine
from unionhome.domains.condolence.workflow.corrections import recheck
from unionhome.extensions import db

API = "/api/v1/condolence"
BAD_ID = "身份证号校验码不正确"
BAD_CARD = "银行卡号未通过校验"


def _break(ch, line_id: int, **values) -> None:
    """Make a line look like the reader found problems in it, and return it to its union."""
    with tenant_context(ch.tenant_id):
        db.session.execute(update(CondolenceLine).where(CondolenceLine.id == line_id).values(
            check_status="invalid", review_status="returned", **values))
        db.session.commit()


def _line(ch, line_id: int):
    with tenant_context(ch.tenant_id):
        row = db.session.execute(select(CondolenceLine.parse_code, CondolenceLine.parse_reason,
                                        CondolenceLine.check_status, CondolenceLine.check_code)
                                 .where(CondolenceLine.id == line_id)).one()
        db.session.rollback()
    return row


@pytest.mark.integration
def test_correcting_one_of_two_problems_keeps_the_other(chain, roster_jobs_inline):
    from tests.backend.condolence.conftest import run_roster

    ch = chain
    line = ch.line_ids[0]
    _break(ch, line, parse_code="invalid_id", parse_reason=f"{BAD_ID}；{BAD_CARD}", id_enc=None, id_hash=None,
           id_last4=None, id_region=None, id_raw_masked="410721********123X", bank_card_enc=None,
           bank_card_hash=None, bank_card_last4=None)
    # only the card: the ID number is still bad
    me = ch.people[line]
    r = ch.chair.post(f"{API}/lines/{line}/correct", {"bank_card": me.card, "comment": "已更正银行卡号"})
    assert r.status_code == 200, r.get_json()
    code, reason, _, _ = _line(ch, line)
    assert code == "invalid_id" and reason == BAD_ID
    run_roster(ch.chair, ch.campaign_id)
    _, _, check_status, check_code = _line(ch, line)
    assert check_status == "invalid" and check_code == "invalid_id"

    # returned again; now the ID number: nothing is left
    _break(ch, line)
    r = ch.chair.post(f"{API}/lines/{line}/correct", {"id_number": me.id_number})
    assert r.status_code == 200, r.get_json()
    assert _line(ch, line)[:2] == (None, None)
    run_roster(ch.chair, ch.campaign_id)
    assert _line(ch, line)[3] != "invalid_id"


@pytest.mark.integration
def test_a_bad_correction_is_refused_with_the_readers_message(chain, roster_jobs_inline, login_as):
    ch = chain
    line = ch.line_ids[1]
    _break(ch, line, parse_code="invalid_mobile", parse_reason="联系电话：手机号码应为11位数字")
    r = ch.chair.post(f"{API}/lines/{line}/correct", {"mobile": "1380000", "id_number": "410721199901011234"})
    assert r.status_code == 422
    errors = r.get_json()["errors"]["json"]
    assert set(errors) == {"mobile", "id_number"}
    assert _line(ch, line)[0] == "invalid_mobile"  # nothing applied
    # a chair of another township, and the other tenant, do not see it at all
    assert ch.other_chair.post(f"{API}/lines/{line}/correct", {"mobile": "13800138000"}).status_code == 404
    other_tenant = login_as("federation_admin", tenant=1)
    assert other_tenant.post(f"{API}/lines/{line}/correct", {"mobile": "13800138000"}).status_code == 404


def _fake(**kw):
    base = dict(name="王小明", id_enc=b"x", bank_card_enc=b"x", mobile="13800138000", category_code="ordinary",
                parse_code=None, parse_reason=None)
    return SimpleNamespace(**{**base, **kw})


@pytest.mark.unit
def test_recheck_from_all_fields():
    # three problems (name, mobile, goods amount); the mobile and the goods are corrected
    line = _fake(name="王小明2", mobile=None, parse_code="invalid_name",
                 parse_reason="姓名不能包含数字；联系电话：号码位数不对；慰问品应填写阿拉伯数字金额（如 500），不能填写大写或文字金额“三百”")
    code, reason = recheck(_fake(**{**line.__dict__, "mobile": "13800138000"}), {"mobile", "goods_fen"})
    assert code == "invalid_name" and reason == "姓名不能包含数字"
    # the name corrected too (stored corrected): nothing left
    assert recheck(_fake(**{**line.__dict__, "name": "王小明"}), {"name", "mobile", "goods_fen"}) == (None, None)
    # cash corrected, goods not: the goods problem stays, as invalid_amount
    line = _fake(parse_code="invalid_amount", parse_reason="慰问金“五百”不是有效的金额；慰问品不能为负数")
    assert recheck(line, {"cash_fen"}) == ("invalid_amount", "慰问品不能为负数")
    # a formula cell naming two columns goes only when both are corrected
    line = _fake(parse_code="invalid_cell", parse_reason="慰问金、慰问品是公式或错误值，没有保存计算结果，请改为数值后重新上传")
    assert recheck(line, {"cash_fen"})[0] == "invalid_cell"
    assert recheck(line, {"cash_fen", "goods_fen"}) == (None, None)
    # no ID number stored and none given: still a problem even if its message was lost
    assert recheck(_fake(id_enc=None, parse_code="invalid_bank_card", parse_reason="银行卡号位数不对"),
                   {"bank_card"}) == ("invalid_id", "身份证号为空")
