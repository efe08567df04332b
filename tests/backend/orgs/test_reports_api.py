"""Organisation-building indicators and the four real-name registration forms: numbers checked against
counts taken independently through the list APIs, breakdown rows summing to totals, scope and tenant
isolation, ID-number masking and the audited reveal."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from sqlalchemy import func, select

from unionhome.core.audit import AuditLog
from unionhome.core.clock import today as china_today
from unionhome.core.tenancy import tenant_context
from unionhome.extensions import db

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOUNDED = {"founded", "covered_by_joint"}
FORMS = {
    "org-register": ("基层工会组织实名制登记表",
                     ["序号", "工会名称", "组织类型", "上级工会", "所在单位", "统一社会信用代码", "成立日期", "批复文号",
                      "批复日期", "换届日期", "主席", "办公地址", "电话", "会员数"]),
    "member-register": ("工会会员实名制登记表",
                        ["序号", "姓名", "性别", "身份证号", "出生日期", "手机", "所属工会", "工作单位", "用工类型",
                         "入会日期", "会员卡状态"]),
    "cadre-register": ("工会干部实名制登记表",
                       ["序号", "姓名", "性别", "所在工会", "职务", "专/兼职", "任期起止", "办公电话", "手机"]),
    "transfer-register": ("工会会员组织关系接转登记表",
                          ["序号", "姓名", "转出工会", "转入工会", "接转日期", "原因"]),
}
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


# ---- helpers -------------------------------------------------------------------------------------------

def total(c: Any, url: str) -> int:
    resp = c.get(url)
    assert resp.status_code == 200, (url, resp.get_json())
    return int(json.loads(resp.headers["X-Pagination"])["total"])


def list_all(c: Any, url: str) -> list[dict[str, Any]]:
    sep = "&" if "?" in url else "?"
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        resp = c.get(f"{url}{sep}page={page}&page_size=100")
        assert resp.status_code == 200, (url, resp.get_json())
        batch = resp.get_json()
        items += batch
        if len(batch) < 100:
            return items
        page += 1


def pct(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected_block(c: Any, node_id: int) -> dict[str, Any]:
    """The indicators of the subtree under `node_id`, counted through the list APIs and plain Python."""
    orgs = list_all(c, f"/api/v1/orgs?under={node_id}")
    ids = {o["id"] for o in orgs}
    employers = [e for e in list_all(c, "/api/v1/employers")
                 if e["township_org_id"] in ids or e["covering_org_id"] in ids]

    def founding(emps: list[dict[str, Any]]) -> dict[str, Any]:
        single = sum(e["union_status"] == "founded" for e in emps)
        joint = sum(e["union_status"] == "covered_by_joint" for e in emps)
        return {"total": len(emps), "founded": single + joint, "founded_single": single,
                "covered_by_joint": joint, "not_founded": len(emps) - single - joint,
                "rate": pct(single + joint, len(emps))}

    members = total(c, f"/api/v1/members?under={node_id}&status=active")
    migrant = total(c, f"/api/v1/members?under={node_id}&status=active&employment_type=migrant")
    female = total(c, f"/api/v1/members?under={node_id}&status=active&gender=F")
    staff = sum(e["staff_count"] for e in employers if e["union_status"] in FOUNDED and e["covering_org_id"] in ids)
    cadres = list_all(c, f"/api/v1/cadres?under={node_id}&is_current=true")
    active = [o for o in orgs if o["is_active"]]
    today = china_today().isoformat()
    return {
        "founding_25_plus": founding([e for e in employers if e["staff_count"] >= 25]),
        "founding_all": founding(employers),
        "membership": {"members": members, "unionised_staff": staff, "rate": pct(members, staff)},
        "migrant_members": {"count": migrant, "share": pct(migrant, members)},
        "female_members": {"count": female, "share": pct(female, members)},
        "cadres": {"total": len(cadres), "full_time": sum(x["full_time"] for x in cadres),
                   "part_time": sum(not x["full_time"] for x in cadres),
                   "by_post": dict(Counter((x["post"], x["full_time"]) for x in cadres))},
        "orgs": {"total": len(active), "by_type": dict(Counter(o["org_type"] for o in active)),
                 "reelection_overdue": sum(bool(o["reelection_due_date"]) and o["reelection_due_date"] < today
                                           for o in active)},
    }


def comparable(block: dict[str, Any]) -> dict[str, Any]:
    """An API block in the shape of `expected_block` (lists → dicts without zero entries)."""
    out = {k: block[k] for k in ("founding_25_plus", "founding_all", "membership", "migrant_members",
                                 "female_members")}
    by_post: dict[tuple[str, bool], int] = {}
    for p in block["cadres"]["by_post"]:
        assert p["total"] == p["full_time"] + p["part_time"]
        for flag, key in ((True, "full_time"), (False, "part_time")):
            if p[key]:
                by_post[(p["post"], flag)] = p[key]
    out["cadres"] = {**{k: block["cadres"][k] for k in ("total", "full_time", "part_time")}, "by_post": by_post}
    out["orgs"] = {"total": block["orgs"]["total"],
                   "by_type": {t["org_type"]: t["count"] for t in block["orgs"]["by_type"] if t["count"]},
                   "reelection_overdue": block["orgs"]["reelection_overdue"]}
    return out


def leaves(block: Any, prefix: str = "") -> dict[str, int]:
    """Every integer count of a block, keyed by its path (rates and labels left out)."""
    out: dict[str, int] = {}
    if isinstance(block, dict):
        for k, v in block.items():
            if k in ("org", "is_self"):
                continue
            out.update(leaves(v, f"{prefix}.{k}"))
    elif isinstance(block, list):
        for item in block:
            key = item.get("post") or item.get("org_type")
            out.update(leaves({k: v for k, v in item.items() if k not in ("post", "org_type")}, f"{prefix}[{key}]"))
    elif isinstance(block, int) and not isinstance(block, bool):
        out[prefix] = block
    return out


def indicators(c: Any, org_id: int | None = None) -> dict[str, Any]:
    resp = c.get("/api/v1/indicators" + (f"?org_id={org_id}" if org_id else ""))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def scope_org_id(c: Any) -> int:
    scope = c.get("/api/v1/me").get_json()["scope"]
    if scope and scope.get("org_id"):
        return int(scope["org_id"])
    return int(c.get("/api/v1/orgs?roots=true").get_json()[0]["id"])


def workbook(resp: Any) -> Any:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(resp.data))


def data_rows(ws: Any) -> list[tuple[Any, ...]]:
    return [r for r in ws.iter_rows(min_row=4, values_only=True) if any(v is not None for v in r)]


def tenant_id_of(c: Any) -> int:
    return int(c.get("/api/v1/me").get_json()["tenant"]["id"])


def audit_count(tenant_id: int, action: str) -> int:
    with tenant_context(tenant_id):
        n = db.session.execute(select(func.count()).select_from(AuditLog).where(AuditLog.action == action)).scalar()
        db.session.rollback()
    return int(n or 0)


# ---- indicators -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["federation_admin", "org_staff", "grassroots_chair"])
def test_indicators_equal_independent_counts(login_as, role):
    c = login_as(role)
    node_id = scope_org_id(c)
    result = indicators(c)
    assert result["org"]["id"] == node_id
    assert result["as_of"] == china_today().isoformat()
    assert comparable(result["totals"]) == expected_block(c, node_id)
    if role == "federation_admin":
        t = result["totals"]
        assert t["membership"]["members"] > 0 and t["founding_all"]["total"] > 0 and t["cadres"]["total"] > 0
        assert t["founding_25_plus"]["total"] == total(c, "/api/v1/employers?min_staff=25")
        assert t["founding_all"]["total"] == total(c, "/api/v1/employers")


def test_indicators_narrowed_to_a_child_org(login_as):
    c = login_as("federation_admin")
    township = c.get("/api/v1/orgs?org_type=township&page_size=1").get_json()[0]
    result = indicators(c, township["id"])
    assert result["org"]["id"] == township["id"] and result["org"]["org_type_label"] == "乡镇(街道)工会"
    assert comparable(result["totals"]) == expected_block(c, township["id"])


@pytest.mark.parametrize("role", ["federation_admin", "org_staff", "grassroots_chair"])
def test_breakdown_rows_sum_to_totals(login_as, role):
    c = login_as(role)
    result = indicators(c)
    node_id = result["org"]["id"]
    rows = result["by_child"]
    assert rows[0]["is_self"] and rows[0]["org"]["id"] == node_id
    assert not any(r["is_self"] for r in rows[1:])
    children = {o["id"] for o in list_all(c, f"/api/v1/orgs?parent_id={node_id}")}
    assert {r["org"]["id"] for r in rows[1:]} == children
    summed: Counter[str] = Counter()
    for row in rows:
        summed.update(leaves(row))
    want = leaves(result["totals"])
    assert {k: summed.get(k, 0) for k in want} == want
    assert set(summed) <= set(want)


def test_child_rows_match_the_childs_own_indicators(login_as):
    """Members, cadres, orgs and unionised staff are anchored at unions, so a child's row equals the
    child's own totals (employers may be located in one child and covered by another's union)."""
    c = login_as("federation_admin")
    result = indicators(c)
    checked = 0
    for row in result["by_child"][1:]:
        own = indicators(c, row["org"]["id"])["totals"]
        for key in ("membership", "migrant_members", "female_members", "cadres", "orgs"):
            assert row[key] == own[key], (row["org"]["name"], key)
        checked += 1
    assert checked >= 3


def test_rates_are_two_decimal_percentages(login_as):
    c = login_as("federation_admin")
    t = indicators(c)["totals"]
    f = t["founding_all"]
    assert f["rate"] == pct(f["founded"], f["total"])
    assert re.fullmatch(r"\d+\.\d\d", f["rate"])
    assert t["membership"]["rate"] == pct(t["membership"]["members"], t["membership"]["unionised_staff"])


def test_org_staff_sees_only_its_subtree(login_as):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    root_id = scope_org_id(admin)
    staff_node = scope_org_id(staff)
    assert staff_node != root_id
    mine = indicators(staff)
    assert mine["org"]["id"] == staff_node
    # the admin's row for that township equals the staff's totals for everything anchored at unions
    row = next(r for r in indicators(admin)["by_child"] if r["org"]["id"] == staff_node)
    for key in ("membership", "cadres", "orgs"):
        assert row[key] == mine["totals"][key]
    assert mine["totals"]["membership"]["members"] == total(staff, "/api/v1/members?status=active")
    assert mine["totals"]["founding_all"]["total"] == total(staff, "/api/v1/employers")
    # outside the subtree: the federation and a sibling township are 404
    assert staff.get(f"/api/v1/indicators?org_id={root_id}").status_code == 404
    sibling = next(o for o in admin.get("/api/v1/orgs?org_type=township").get_json() if o["id"] != staff_node)
    assert staff.get(f"/api/v1/indicators?org_id={sibling['id']}").status_code == 404
    assert staff.get("/api/v1/indicators?org_id=abc").status_code == 422


def test_other_tenant_org_is_404(login_as):
    a = login_as("federation_admin", tenant=0)
    b = login_as("federation_admin", tenant=1)
    a_org = a.get("/api/v1/orgs?org_type=township&page_size=1").get_json()[0]["id"]
    assert b.get(f"/api/v1/indicators?org_id={a_org}").status_code == 404
    for code in FORMS:
        assert b.get(f"/api/v1/forms/{code}.xlsx?org_id={a_org}").status_code == 404, code
    # and B's own numbers contain nothing of A's
    b_root = indicators(b)["org"]["id"]
    assert b_root != scope_org_id(a)


def test_indicators_need_reports_permission(login_as):
    judge = login_as("judge")
    assert judge.get("/api/v1/indicators").status_code == 403


# ---- forms ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", list(FORMS))
def test_form_layout_and_row_count(login_as, code):
    c = login_as("federation_admin")
    root_name = c.get("/api/v1/orgs?roots=true").get_json()[0]["name"]
    resp = c.get(f"/api/v1/forms/{code}.xlsx")
    wb = workbook(resp)
    title, headers = FORMS[code]
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{code}-') and "filename*=UTF-8''" in disposition
    assert title in unquote(disposition.split("filename*=UTF-8''")[1])
    assert "no-store" in resp.headers["Cache-Control"]
    ws = wb.active
    assert ws["A1"].value == f"{root_name} {title}"
    assert ws["A1"].font.bold
    assert "填报单位：" + root_name in ws["A2"].value and china_today().isoformat() in ws["A2"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(len(headers))
    assert {f"A1:{last}1", f"A2:{last}2"} <= merged
    assert [cell.value for cell in ws[3]] == headers
    assert all(cell.font.bold and cell.border.bottom.style == "thin" for cell in ws[3])
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["B"].width >= 10
    expected = {
        "org-register": "/api/v1/orgs",
        "member-register": "/api/v1/members?status=active",
        "cadre-register": "/api/v1/cadres?is_current=true",
        "transfer-register": "/api/v1/member-transfers",
    }[code]
    rows = data_rows(ws)
    assert len(rows) == total(c, expected) > 0
    assert int(resp.headers["X-Row-Count"]) == len(rows)
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


def test_form_cells_use_labels_and_dates(login_as):
    c = login_as("federation_admin")
    ws = workbook(c.get("/api/v1/forms/member-register.xlsx")).active
    rows = data_rows(ws)
    assert {r[2] for r in rows} <= {"男", "女"}
    assert {r[8] for r in rows} <= {"正式职工", "劳务派遣", "农民工", "灵活就业", "离退休"}
    assert {r[10] for r in rows} <= {"未采集", "已采集", "已发卡"}
    birth = ws.cell(row=4, column=5)
    assert isinstance(birth.value, datetime) and birth.number_format == "yyyy-mm-dd"
    orgs = data_rows(workbook(c.get("/api/v1/forms/org-register.xlsx")).active)
    assert orgs[0][2] == "总工会" and orgs[0][3] is None
    assert sum(r[13] for r in orgs if r[2] != "总工会") >= orgs[0][13] > 0  # 会员数 includes sub-units
    assert orgs[0][13] == total(c, "/api/v1/members?status=active")
    cadres = data_rows(workbook(c.get("/api/v1/forms/cadre-register.xlsx")).active)
    assert {r[5] for r in cadres} <= {"专职", "兼职"}
    assert any(r[4] == "主席" for r in cadres)


def test_member_form_masks_id_numbers_by_default(login_as):
    c = login_as("federation_admin")
    tid = tenant_id_of(c)
    before = audit_count(tid, "member.export_id_numbers")
    ws = workbook(c.get("/api/v1/forms/member-register.xlsx")).active
    rows = data_rows(ws)
    assert rows and all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", r[3]) for r in rows)
    for row in ws.iter_rows(values_only=True):
        for value in row:
            assert not (isinstance(value, str) and FULL_ID.search(value)), value
    assert audit_count(tid, "member.export_id_numbers") == before


def test_member_form_reveal_needs_permission_and_is_audited(login_as):
    staff = login_as("org_staff")
    assert staff.get("/api/v1/forms/member-register.xlsx?reveal=true").status_code == 403
    c = login_as("federation_admin")
    tid = tenant_id_of(c)
    before = audit_count(tid, "member.export_id_numbers")
    ws = workbook(c.get("/api/v1/forms/member-register.xlsx?reveal=true")).active
    rows = data_rows(ws)
    assert rows and all(FULL_ID.fullmatch(r[3]) for r in rows)
    # the revealed number is the member's own: same region code and last four digits as the masked one
    masked = data_rows(workbook(c.get("/api/v1/forms/member-register.xlsx")).active)
    assert [(r[3][:6], r[3][-4:]) for r in rows] == [(m[3][:6], m[3][-4:]) for m in masked]
    assert audit_count(tid, "member.export_id_numbers") == before + 1
    with tenant_context(tid):
        row = db.session.execute(select(AuditLog).where(AuditLog.action == "member.export_id_numbers")
                                 .order_by(AuditLog.id.desc())).scalars().first()
        assert row is not None and row.changes is not None and row.changes["rows"] == len(rows)
        assert row.actor_user_id == c.get("/api/v1/me").get_json()["user"]["id"]
        db.session.rollback()


def test_grassroots_chair_exports_only_its_union(login_as):
    chair = login_as("grassroots_chair")
    node_id = scope_org_id(chair)
    own = {o["name"] for o in list_all(chair, f"/api/v1/orgs?under={node_id}")}
    union = chair.get(f"/api/v1/orgs/{node_id}").get_json()
    orgs = data_rows(workbook(chair.get("/api/v1/forms/org-register.xlsx")).active)
    assert orgs[0][1] == union["name"] and {r[1] for r in orgs} == own
    ws = workbook(chair.get("/api/v1/forms/member-register.xlsx")).active
    assert ws["A1"].value.startswith(union["name"])
    assert f"填报单位：{union['name']}" in ws["A2"].value
    members = data_rows(ws)
    assert members and {r[6] for r in members} <= own
    assert len(members) == total(chair, "/api/v1/members?status=active")
    cadres = data_rows(workbook(chair.get("/api/v1/forms/cadre-register.xlsx")).active)
    assert {r[3] for r in cadres} <= own
    assert len(cadres) == total(chair, "/api/v1/cadres?is_current=true")
    transfers = data_rows(workbook(chair.get("/api/v1/forms/transfer-register.xlsx")).active)
    assert all(r[2] in own or r[3] in own for r in transfers)
    # the chair cannot export the federation's forms
    admin = login_as("federation_admin")
    assert chair.get(f"/api/v1/forms/member-register.xlsx?org_id={scope_org_id(admin)}").status_code == 404


def test_forms_narrowed_by_org_id(login_as):
    c = login_as("federation_admin")
    township = c.get("/api/v1/orgs?org_type=township&page_size=1").get_json()[0]
    ws = workbook(c.get(f"/api/v1/forms/member-register.xlsx?org_id={township['id']}")).active
    assert ws["A1"].value.startswith(township["name"])
    assert len(data_rows(ws)) == total(c, f"/api/v1/members?under={township['id']}&status=active")
    orgs = data_rows(workbook(c.get(f"/api/v1/forms/org-register.xlsx?org_id={township['id']}")).active)
    assert len(orgs) == total(c, f"/api/v1/orgs?under={township['id']}")


def test_transfer_form_date_filters(login_as):
    c = login_as("federation_admin")
    orgs = c.get("/api/v1/orgs?org_type=grassroots&page_size=5").get_json()
    member = c.get(f"/api/v1/members?org_id={orgs[0]['id']}&page_size=1").get_json()[0]
    when = china_today() - timedelta(days=1)
    resp = c.post(f"/api/v1/members/{member['id']}/transfers",
                  {"to_org_id": orgs[1]["id"], "transfer_date": when.isoformat(), "reason": "工作调动"})
    assert resp.status_code == 201, resp.get_json()
    query = f"date_from={when.isoformat()}&date_to={when.isoformat()}"
    rows = data_rows(workbook(c.get(f"/api/v1/forms/transfer-register.xlsx?{query}")).active)
    assert len(rows) == total(c, f"/api/v1/member-transfers?{query}") >= 1
    assert all(r[4].date() == when for r in rows)
    assert (member["name"], orgs[0]["name"], orgs[1]["name"], "工作调动") in {(r[1], r[2], r[3], r[5]) for r in rows}
    bad = c.get(f"/api/v1/forms/transfer-register.xlsx?date_from={when.isoformat()}&date_to=2000-01-01")
    assert bad.status_code == 422


def test_forms_need_the_data_permission(login_as):
    judge = login_as("judge")
    for code in ("member-register", "cadre-register", "transfer-register"):
        assert judge.get(f"/api/v1/forms/{code}.xlsx").status_code == 403
    auditor = login_as("auditor")
    assert auditor.get("/api/v1/forms/member-register.xlsx").status_code == 403


def test_openapi_documents_reports(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "Indicators" in spec["components"]["schemas"]
    assert "200" in spec["paths"]["/api/v1/indicators"]["get"]["responses"]
    for code in FORMS:
        op = spec["paths"][f"/api/v1/forms/{code}.xlsx"]["get"]
        assert XLSX in op["responses"]["200"]["content"], code
        assert op["summary"]
