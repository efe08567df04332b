"""会员人数变化 (GET /api/v1/indicators/members-over-time): the monthly series equals an independent
count in plain Python over the register's rows, follows joins, transfers and leaves into the right
month and the right subtree, reconciles with today's member count, and respects scope and tenant."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from unionhome.core.clock import CHINA_TZ
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.domains.orgs.models import Member, MemberTransfer, Org
from unionhome.domains.orgs.services.indicators import month_starts
from unionhome.extensions import db

pytestmark = pytest.mark.integration

URL = "/api/v1/indicators/members-over-time"
FLOWS = ("joined", "transferred_in", "transferred_out", "left")


def over_time(c: Any, **params: Any) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    resp = c.get(f"{URL}?{query}" if query else URL)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def me(c: Any) -> dict[str, Any]:
    return c.get("/api/v1/me").get_json()


def month_of(d: date) -> str:
    return d.strftime("%Y-%m")


def months_back(n: int, day: int) -> date:
    """Day `day` of the month `n` months before the current one (Beijing)."""
    first = month_starts(china_today(), n + 1)[0]
    return first.replace(day=day)


def expected_series(tenant_id: int, node_id: int, months: int) -> dict[str, Any]:
    """The series computed from the raw rows in Python, following the documented definitions."""
    today = china_today()
    with tenant_context(tenant_id):
        paths = dict(db.session.execute(select(Org.id, Org.path)).all())
        members = db.session.execute(
            select(Member.id, Member.org_id, Member.join_date, Member.status, Member.updated_at)).all()
        transfers = db.session.execute(select(
            MemberTransfer.id, MemberTransfer.member_id, MemberTransfer.from_org_id, MemberTransfer.to_org_id,
            MemberTransfer.transfer_date)).all()
        db.session.rollback()
    node_path = paths[node_id]

    def inside(org_id: int) -> bool:
        return paths[org_id].startswith(node_path)

    keys = [month_of(d) for d in month_starts(today, months)]
    start = month_starts(today, months)[0]
    first_org: dict[int, int] = {}
    for t in sorted(transfers, key=lambda t: (t.member_id, t.transfer_date, t.id)):
        first_org.setdefault(t.member_id, t.from_org_id)
    flows: dict[str, Counter[str]] = {f: Counter() for f in FLOWS}
    active = unknown = 0
    for m in members:
        if m.join_date and start <= m.join_date <= today and inside(first_org.get(m.id, m.org_id)):
            flows["joined"][month_of(m.join_date)] += 1
        if m.status in ("lapsed", "transferred_out") and inside(m.org_id):
            local = m.updated_at.astimezone(CHINA_TZ).date()
            if local >= start:
                flows["left"][month_of(local)] += 1
        if m.status == "active" and inside(m.org_id):
            active += 1
            unknown += m.join_date is None
    for t in transfers:
        if not (start <= t.transfer_date <= today):
            continue
        src, dst = inside(t.from_org_id), inside(t.to_org_id)
        if dst and not src:
            flows["transferred_in"][month_of(t.transfer_date)] += 1
        if src and not dst:
            flows["transferred_out"][month_of(t.transfer_date)] += 1
    series: list[dict[str, Any]] = []
    for key in keys:
        point: dict[str, Any] = {f: flows[f][key] for f in FLOWS}
        point["net"] = point["joined"] + point["transferred_in"] - point["transferred_out"] - point["left"]
        series.append({"month": key, **point})
    end = active
    for point in reversed(series):
        point["members_end"] = end
        end -= point["net"]
    return {"members_now": active, "unknown_join_date": unknown, "members_start": end, "series": series}


def check_shape(result: dict[str, Any], months: int) -> None:
    series = result["series"]
    assert len(series) == months == result["months"]
    assert [p["month"] for p in series] == [month_of(d) for d in month_starts(china_today(), months)]
    assert series[-1]["month"] == month_of(china_today())
    assert series[-1]["members_end"] == result["members_now"]
    previous = result["members_start"]
    for p in series:
        assert p["net"] == p["joined"] + p["transferred_in"] - p["transferred_out"] - p["left"]
        assert p["members_end"] - previous == p["net"], p
        previous = p["members_end"]
    for key in (*FLOWS, "net"):
        assert result["totals"][key] == sum(p[key] for p in series)
    assert result["members_start"] + result["totals"]["net"] == result["members_now"]


def new_member(c: Any, org_id: int, id_number: str, name: str, join_date: date) -> dict[str, Any]:
    resp = c.post("/api/v1/members", {"name": name, "id_number": id_number, "org_id": org_id,
                                      "join_date": join_date.isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


# ---- tests ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["federation_admin", "org_staff"])
def test_series_equals_independent_count(login_as, role):
    c = login_as(role)
    info = me(c)
    result = over_time(c)
    check_shape(result, 24)
    assert result["org"]["id"] == info["scope"]["org_id"]
    assert result["as_of"] == china_today().isoformat()
    want = expected_series(info["tenant"]["id"], result["org"]["id"], 24)
    assert result["series"] == want["series"]
    for key in ("members_now", "unknown_join_date", "members_start"):
        assert result[key] == want[key], key
    # today's number is the member list's
    listed = c.get(f"/api/v1/members?status=active&under={result['org']['id']}&page_size=1")
    assert result["members_now"] == json.loads(listed.headers["X-Pagination"])["total"]
    if role == "federation_admin":
        assert result["totals"]["joined"] > 0, "the demo county has members who joined in the last two years"


def test_joins_transfers_and_leaves_land_in_their_month_and_subtree(login_as, new_id_number):
    c = login_as("federation_admin")
    root_id = me(c)["scope"]["org_id"]
    townships = c.get("/api/v1/orgs?org_type=township&page_size=100").get_json()
    unions: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for t in townships:
        found = c.get(f"/api/v1/orgs?under={t['id']}&org_type=grassroots&page_size=1").get_json()
        if found:
            unions.append((t, found[0]))
        if len(unions) == 2:
            break
    assert len(unions) == 2, "two townships with a grassroots union each"
    (town_a, union_a), (town_b, union_b) = unions

    before = {n: over_time(c, org_id=n) for n in (town_a["id"], town_b["id"], root_id)}
    join_x, join_y, moved = months_back(5, 15), months_back(3, 9), months_back(2, 10)
    x = new_member(c, union_a["id"], new_id_number(), "甲会员", join_x)
    y = new_member(c, union_a["id"], new_id_number(), "乙会员", join_y)
    resp = c.post(f"/api/v1/members/{y['id']}/transfers",
                  {"to_org_id": union_b["id"], "transfer_date": moved.isoformat(), "reason": "工作调动"})
    assert resp.status_code == 201, resp.get_json()
    etag = c.get(f"/api/v1/members/{x['id']}").headers["ETag"]
    assert c.delete(f"/api/v1/members/{x['id']}", headers={"If-Match": etag}).status_code == 204
    after = {n: over_time(c, org_id=n) for n in (town_a["id"], town_b["id"], root_id)}

    def diff(node: int) -> dict[tuple[str, str], int]:
        out = {}
        for old, new in zip(before[node]["series"], after[node]["series"], strict=True):
            for key in (*FLOWS, "members_end"):
                if new[key] != old[key]:
                    out[(new["month"], key)] = new[key] - old[key]
        return out

    now = month_of(china_today())
    mx, my, mt = month_of(join_x), month_of(join_y), month_of(moved)
    months = [p["month"] for p in after[root_id]["series"]]

    def ends(values: dict[str, int]) -> dict[tuple[str, str], int]:
        """members_end changes: the running sum of per-month deltas from the first month."""
        out, running = {}, 0
        for m in months:
            running += values.get(m, 0)
            if running:
                out[(m, "members_end")] = running
        return out

    # Township A: both joined there; Y transferred out; X lapsed this month.
    want_a = {(mx, "joined"): 1, (my, "joined"): 1, (mt, "transferred_out"): 1, (now, "left"): 1}
    want_a.update(ends({mx: 1, my: 1, mt: -1, now: -1}))
    assert diff(town_a["id"]) == want_a
    assert after[town_a["id"]]["members_now"] == before[town_a["id"]]["members_now"]
    # Township B: Y came in by transfer; its join stays with A.
    want_b = {(mt, "transferred_in"): 1, **ends({mt: 1})}
    assert diff(town_b["id"]) == want_b
    assert after[town_b["id"]]["members_now"] == before[town_b["id"]]["members_now"] + 1
    # The county: two joins, one leave, the transfer is internal.
    want_root = {(mx, "joined"): 1, (my, "joined"): 1, (now, "left"): 1, **ends({mx: 1, my: 1, now: -1})}
    assert diff(root_id) == want_root
    for result in after.values():
        check_shape(result, 24)


def test_months_and_bad_input(login_as):
    c = login_as("federation_admin")
    one = over_time(c, months=1)
    check_shape(one, 1)
    full = over_time(c)
    assert one["series"][0] == full["series"][-1]
    assert one["members_now"] == full["members_now"]
    five = over_time(c, months=60)
    check_shape(five, 60)
    for bad in ("months=0", "months=61", "months=abc", "org_id=abc", "org_id=0"):
        resp = c.get(f"{URL}?{bad}")
        assert resp.status_code == 422, bad
    assert "月数" in str(c.get(f"{URL}?months=61").get_json()["errors"])


def test_scope_and_other_tenant(login_as):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    staff_node = me(staff)["scope"]["org_id"]
    root_id = me(admin)["scope"]["org_id"]
    mine = over_time(staff)
    assert mine["org"]["id"] == staff_node
    assert over_time(admin, org_id=staff_node)["series"] == mine["series"]
    assert staff.get(f"{URL}?org_id={root_id}").status_code == 404
    sibling = next(o for o in admin.get("/api/v1/orgs?org_type=township").get_json() if o["id"] != staff_node)
    assert staff.get(f"{URL}?org_id={sibling['id']}").status_code == 404

    other = login_as("federation_admin", tenant=1)
    assert other.get(f"{URL}?org_id={root_id}").status_code == 404
    assert other.get(f"{URL}?org_id={staff_node}").status_code == 404
    theirs = over_time(other)
    assert theirs["org"]["id"] != root_id
    want = expected_series(me(other)["tenant"]["id"], theirs["org"]["id"], 24)
    assert theirs["series"] == want["series"] and theirs["members_now"] == want["members_now"]

    judge = login_as("judge")  # no reports.read
    assert judge.get(URL).status_code == 403


def test_month_starts_cross_year_boundaries():
    assert month_starts(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert month_starts(date(2026, 1, 31), 1) == [date(2026, 1, 1)]
    assert len(month_starts(date(2026, 1, 31), 24)) == 24
    assert month_starts(date(2026, 1, 31), 24)[0] == date(2024, 2, 1)
    assert month_starts(date(2026, 1, 31), 13)[0] == date(2025, 1, 1)
