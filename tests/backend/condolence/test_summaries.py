"""Summaries: households and money by category, township and festival, year on year, and the upward
report; every figure equals the rows it sums."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.backend.condolence.workflow_fixtures import (  # noqa: F401
    add_campaign,
    add_lines,
    chain_fixture,
    notice_closed,
    prepared,
    xlsx_text,
)
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceLine
from unionhome.domains.condolence.workflow_models import CondolencePayment, CondolenceVisit
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"


@pytest.fixture
def paid_chain(chain):
    """Last year's Spring Festival (3 households), this year's 7 approved: 1 given 500 元 in cash at the
    visit, 6 by bank of which 1 failed."""
    ch = chain
    last = add_campaign(ch.tenant_id, year=2026, status="closed", name="2026年元旦春节送温暖")
    add_lines(ch.tenant_id, last, ch.grassroots_id, 2, review_status="county_approved")
    add_lines(ch.tenant_id, last, ch.other_grassroots_id, 1, review_status="county_approved", category="model_worker",
              cash_fen=100000, goods_fen=50000)
    add_lines(ch.tenant_id, last, ch.other_grassroots_id, 2, review_status="rejected")  # not counted
    notice_closed(ch)
    r = ch.chair.post(f"{API}/campaigns/{ch.campaign_id}/visits",
                      {"line_id": ch.line_ids[0], "visited_on": china_today().isoformat(), "cash_fen": 50000,
                       "goods_desc": "米面油", "goods_fen": 28000})
    assert r.status_code == 201, r.get_json()
    batch = prepared(ch.admin, ch.tenant_id, ch.admin.post(f"{API}/campaigns/{ch.campaign_id}/payment-batches", {})).get_json()
    payments = ch.admin.get(f"{API}/payment-batches/{batch['id']}/payments").get_json()
    with tenant_context(ch.tenant_id):
        for i, p in enumerate(payments):
            db.session.execute(CondolencePayment.__table__.update().where(CondolencePayment.__table__.c.id == p["id"])
                               .values(status="failed" if i == 0 else "paid"))
        db.session.commit()
    ch.last_campaign_id = last
    return ch


def test_summary_equals_the_rows(paid_chain):
    ch = paid_chain
    r = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/summary")
    assert r.status_code == 200, r.get_json()
    s = r.get_json()
    with tenant_context(ch.tenant_id):
        n, cash, goods = db.session.execute(select(func.count(), func.sum(CondolenceLine.cash_fen), func.sum(CondolenceLine.goods_fen))
                                            .where(CondolenceLine.campaign_id == ch.campaign_id,
                                                   CondolenceLine.review_status == "county_approved")).one()
        paid = db.session.execute(select(func.sum(CondolencePayment.amount_fen)).where(
            CondolencePayment.campaign_id == ch.campaign_id, CondolencePayment.status == "paid")).scalar_one()
        given = db.session.execute(select(func.sum(CondolenceVisit.goods_fen)).where(
            CondolenceVisit.campaign_id == ch.campaign_id)).scalar_one()
        db.session.rollback()
    t = s["totals"]
    assert (t["households"], t["cash_fen"], t["goods_fen"]) == (n, cash, goods) == (7, 350000, 210000)
    assert t["paid_fen"] == paid == 300000 and t["paid_households"] == 6
    assert (t["cash_paid_fen"], t["bank_paid_fen"]) == (50000, 250000)
    assert t["visited"] == 1 and t["goods_given_fen"] == given == 28000
    for rows in (s["by_category"], s["by_township"]):
        for key in ("households", "cash_fen", "goods_fen", "paid_fen", "paid_households", "visited"):
            assert sum(r[key] for r in rows) == t[key], key
    # year on year: last year's Spring Festival had 3 approved households, 200,000 fen cash
    assert s["previous_campaign_id"] == ch.last_campaign_id
    assert (t["last_year_households"], t["last_year_cash_fen"]) == (3, 200000)
    assert t["households_change_pct"] == "133.3" and t["cash_change_pct"] == "75.0"
    towns = {r["township_org_id"]: r for r in s["by_township"]}
    assert (towns[ch.township_id]["households"], towns[ch.township_id]["last_year_households"]) == (4, 2)
    cats = {r["category_code"]: r for r in s["by_category"]}
    assert cats["model_worker"]["households"] == 0 and cats["model_worker"]["last_year_households"] == 1
    assert cats["ordinary"]["label"] == "困难职工"


def test_summary_follows_the_org_scope(paid_chain, login_as):
    ch = paid_chain
    s = ch.chair.get(f"{API}/campaigns/{ch.campaign_id}/summary").get_json()
    assert s["totals"]["households"] == 4 and s["totals"]["last_year_households"] == 2
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/summary").status_code == 404
    assert b.get(f"{API}/campaigns/{ch.campaign_id}/upward-report.xlsx").status_code == 404
    other = b.get(f"{API}/summaries/festivals?year=2027").get_json()
    assert other["totals"]["households"] == 0


def test_festival_summary(paid_chain):
    ch = paid_chain
    r = ch.admin.get(f"{API}/summaries/festivals?year=2027")
    assert r.status_code == 200
    rows = {x["festival"]: x for x in r.get_json()["by_festival"]}
    spring = rows["spring"]
    assert (spring["households"], spring["last_year_households"], spring["campaigns"]) == (7, 3, 1)
    assert spring["paid_fen"] == 300000 and spring["households_change_pct"] == "133.3"
    assert r.get_json()["totals"]["households"] == sum(x["households"] for x in rows.values())
    assert ch.admin.get(f"{API}/summaries/festivals?year=1900").status_code == 422


def test_upward_report_has_the_numbers_and_no_personal_data(paid_chain):
    ch = paid_chain
    r = ch.admin.get(f"{API}/campaigns/{ch.campaign_id}/upward-report.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data), read_only=True)
    assert wb.sheetnames == ["按类别", "按镇街", "按节日"]
    rows = [row for row in wb["按类别"].iter_rows(values_only=True)]
    total = next(row for row in rows if len(row) > 1 and row[1] == "合计")
    assert total[0] in (None, "") and total[2:5] == (7, 3500, 2100) and total[8] == 3 and total[10] == "133.3"
    categories = [row for row in rows if len(row) > 1 and isinstance(row[0], int)]
    assert sum(row[2] for row in categories) == 7
    text = xlsx_text(r.data)
    for p in ch.people.values():
        assert p.name not in text and p.id_number[-4:] + "\t" not in text and p.card not in text
