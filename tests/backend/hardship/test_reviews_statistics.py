"""Reviews due (list, badge counts, the scheduler's reminder) and statistics that equal the rows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.backend.hardship.helpers import filed_household, grassroots_org, payload, scope_org, tenant_of
from unionhome.core.audit import AuditLog
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.domains.hardship.jobs import remind_reviews
from unionhome.domains.hardship.models import ACTIVE_STATUSES, HardshipHousehold, HardshipRelief
from unionhome.domains.orgs.models import Org
from unionhome.extensions import db
from workers.schedule import PERIODIC_JOBS

DUE = "/api/v1/hardship/reviews-due"


def test_reviews_due_list_and_badge_counts(login_as):
    c = login_as("federation_admin")
    today = china_today()
    rows = c.get(f"{DUE}?page_size=100").get_json()
    assert rows
    assert all(r["status"] == "filed" and date.fromisoformat(r["next_review_due"]) <= today + timedelta(days=30)
               for r in rows)
    assert [r["next_review_due"] for r in rows] == sorted(r["next_review_due"] for r in rows)
    summary = c.get(f"{DUE}/summary").get_json()
    overdue = [r for r in rows if r["review_overdue"]]
    assert summary["overdue"] == len(overdue) and summary["total"] == len(rows)
    assert summary["due_soon"] == len(rows) - len(overdue) and summary["reminder_days"] == 30
    assert sum(o["overdue"] + o["due_soon"] for o in summary["by_org"]) == summary["total"]
    only_overdue = c.get(f"{DUE}?overdue_only=true&page_size=100").get_json()
    assert {r["id"] for r in only_overdue} == {r["id"] for r in overdue}


def test_the_chairs_to_do_list_is_its_own(login_as):
    chair = login_as("grassroots_chair")
    own = scope_org(chair)
    rows = chair.get(f"{DUE}?page_size=100").get_json()
    assert all(r["org_id"] == own for r in rows)
    assert chair.get(f"{DUE}/summary").get_json()["total"] == len(rows)


def test_the_reminder_job_is_declared_and_idempotent_per_day(login_as):
    assert any(j.func == "unionhome.domains.hardship.jobs.remind_reviews" for j in PERIODIC_JOBS)
    c = login_as("federation_admin")
    tenant = tenant_of(c)
    due = c.get(f"{DUE}/summary").get_json()["total"]
    first = remind_reviews(tenant)
    assert first == {"reminded": due, "tenants": 1}
    assert remind_reviews(tenant)["reminded"] == 0  # same day: nothing more
    today = china_today().isoformat()
    rows = c.get(f"{DUE}?page_size=100").get_json()
    assert rows and all(r["review_reminded_on"] == today for r in rows)
    with tenant_context(tenant):
        n = db.session.execute(select(func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "hardship.review.remind")).scalar_one()
        db.session.rollback()
    assert n == due
    # A review done resets the reminder; the next day's run reminds only what is still due
    other = login_as("federation_admin", tenant=1)
    assert all(r["review_reminded_on"] is None for r in other.get(f"{DUE}?page_size=100").get_json())


def test_statistics_equal_the_rows(login_as, rng):
    c = login_as("federation_admin")
    h = filed_household(c, payload(rng, grassroots_org(c), category="migrant", causes=["major_illness"]))
    c.post(f"/api/v1/hardship/households/{h['id']}/reliefs",
           {"kind": "major_illness", "amount_fen": 123400, "paid_on": china_today().isoformat(),
            "payment_method": "bank_card"})
    stats = c.get("/api/v1/hardship/statistics").get_json()
    today = china_today()
    start = date(today.year, 1, 1)
    tenant = tenant_of(c)
    with tenant_context(tenant):
        households = list(db.session.execute(select(HardshipHousehold)).scalars())
        reliefs = [r for r in db.session.execute(select(HardshipRelief)).scalars() if start <= r.paid_on <= today]
        org_paths = dict(db.session.execute(select(Org.id, Org.path)).all())
        db.session.expunge_all()  # keep the loaded values readable after the rollback
        db.session.rollback()
    by_id = {x.id: x for x in households}
    assert stats["total"] == len(households)
    assert {s["code"]: s["households"] for s in stats["by_status"]} == {
        k: v for k, v in Counter(x.status for x in households).items()} | {
        k: 0 for k in ("candidate", "verified", "filed", "exited", "rejected")
        if k not in {x.status for x in households}}
    cats = {s["code"]: s for s in stats["by_category"]}
    for code, cat in cats.items():
        assert cat["households"] == sum(1 for x in households if x.category == code and x.status in ACTIVE_STATUSES)
        assert cat["filed"] == sum(1 for x in households if x.category == code and x.status == "filed")
        assert cat["relief_fen"] == sum(r.amount_fen for r in reliefs if by_id[r.household_id].category == code)
    causes = {s["code"]: s["households"] for s in stats["by_cause"]}
    for code, n in causes.items():
        assert n == sum(1 for x in households if x.status == "filed" and code in x.causes), code
    assert stats["filed_in_period"] == sum(1 for x in households if x.filed_on and start <= x.filed_on <= today)
    exits = [x for x in households if x.status == "exited" and start <= x.exited_on <= today]
    assert stats["exits_in_period"] == len(exits)
    assert {s["code"]: s["households"] for s in stats["exits_by_reason"] if s["households"]} == dict(
        Counter(x.exit_reason for x in exits))
    kinds = {s["code"]: s for s in stats["relief_by_kind"]}
    for code, k in kinds.items():
        mine = [r for r in reliefs if r.kind == code]
        assert k["times"] == len(mine) and k["amount_fen"] == sum(r.amount_fen for r in mine)
        people = {(r.household_id, r.beneficiary_name) if code.startswith("education") else r.household_id for r in mine}
        assert k["people"] == len(people), code
    assert stats["relief_amount_fen"] == sum(r.amount_fen for r in reliefs)
    assert stats["review_overdue"] == sum(1 for x in households if x.status == "filed" and x.next_review_due < today)
    # Areas: each household counted once, under the top-level union above its own
    def area(x):
        parts = org_paths[x.org_id].strip("/").split("/")
        return int(parts[1]) if len(parts) > 1 else None
    areas = {a["org_id"]: a for a in stats["by_township"]}
    assert sum(a["households"] for a in areas.values()) == sum(1 for x in households if x.status in ACTIVE_STATUSES)
    for a_id, a in areas.items():
        assert a["filed"] == sum(1 for x in households if x.status == "filed" and area(x) == a_id)
        assert a["relief_fen"] == sum(r.amount_fen for r in reliefs if area(by_id[r.household_id]) == a_id)
    assert kinds["major_illness"]["amount_fen"] >= 123400


def test_statistics_of_a_period_and_a_township(login_as):
    c = login_as("federation_admin")
    all_time = c.get("/api/v1/hardship/statistics?date_from=2015-01-01").get_json()
    this_year = c.get("/api/v1/hardship/statistics").get_json()
    assert all_time["relief_amount_fen"] >= this_year["relief_amount_fen"]
    township = next(a for a in all_time["by_township"] if a["org_id"])
    under = c.get(f"/api/v1/hardship/statistics?date_from=2015-01-01&under={township['org_id']}").get_json()
    assert under["relief_amount_fen"] == township["relief_fen"]
    assert sum(s["households"] for s in under["by_status"] if s["code"] in ACTIVE_STATUSES) == township["households"]
    resp = c.get("/api/v1/hardship/statistics?date_from=2025-02-01&date_to=2025-01-01")
    assert resp.status_code == 422
    b = login_as("federation_admin", tenant=1)
    assert b.get(f"/api/v1/hardship/statistics?under={township['org_id']}").status_code == 404
