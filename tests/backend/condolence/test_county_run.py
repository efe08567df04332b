"""A rehearsal of a realistic county run of a 元旦春节 campaign, end to end through the API, each step by
the user who does it in real life (the county's federation admin, the township unions' staff, the
grassroots unions' chairs):

set-up (categories, quotas, budget, rules) with earlier campaigns of the county in the background →
four unions upload their own workbooks (titles, 序号, their own header spellings, 小计/合计 rows,
填表人/审核人 footers, blank rows, IDs typed as numbers, bad cards, 伍佰元, duplicates, people not filed /
exited / pending / overdue / over the income line / helped this autumn or this festival, a name not
matching the file, over-standard amounts), dry run, then submit → every line's verdict against a list
written by hand → the review chain (approve, reject, return and correct, out-of-order refused) →
balancing (an over-quota township, an over-budget category) and the freeze → notices (xlsx and PDF
without a full ID number, card or name; an objection upheld) → visits → bank batches and the bank's
return file (imported twice; nothing paid twice) → summaries and the upward report equal the sums of
the lines → the other tenant and other unions see nothing.

The roster job runs in the test's own transaction (`roster_jobs_inline` + `run_roster`).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update

from tests.backend.condolence.conftest import Person, add_household, lines, run_roster, tenant_of, upload
from tests.backend.condolence.workflow_fixtures import make_user, pdf_text, prepared, set_window, xlsx_text
from unionhome.core.clock import today as china_today
from unionhome.core.cnid import make_bank_card, make_id_number, make_mobile, mask_name
from unionhome.core.pii import get_cipher
from unionhome.core.tenancy import tenant_context
from unionhome.domains.condolence.models import CondolenceBatch, CondolenceCampaign, CondolenceLine
from unionhome.domains.condolence.workflow_models import CondolencePayment
from unionhome.extensions import db

pytestmark = pytest.mark.integration
API = "/api/v1/condolence"
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


# ---- people -------------------------------------------------------------------------------------

NAMES = {  # key → name (three characters each, none a substring of another text on the notice)
    "A1": "王建华", "A2": "李秀英", "A3": "张国庆", "A4": "刘桂兰", "A5": "陈志强", "A7": "杨淑珍", "A8": "赵德明",
    "A9": "黄永福",
    "B1": "周玉梅", "B2": "吴海涛", "B3": "徐春燕", "B4": "孙立军", "B5": "胡美玲", "BP": "朱红霞",
    "C1": "高振东", "C2": "林雪梅", "C3": "何建军", "C4": "郭丽萍", "C5": "马卫东", "C6": "罗秀兰", "C7": "梁小红",
    "C8": "宋德胜",
    "D1": "郑光明", "D2": "谢宝山", "D3": "韩素芬", "D4": "唐志刚",
}


def make_people() -> dict[str, Person]:
    rng = random.Random(20261122)
    out = {}
    for key, name in NAMES.items():
        birth = date(1962, 1, 1) + timedelta(days=rng.randrange(14000))
        out[key] = Person(name, make_id_number(rng, "410721", birth), make_bank_card(rng), make_mobile(rng))
    return out


@dataclass
class County:
    admin: Any
    tid: int
    towns: list[dict[str, Any]]  # T1, T2, T3
    unions: dict[str, dict[str, Any]]  # U1, U2 (in T1), U3 (T2), U4 (T3)
    chairs: dict[str, Any]
    staff: dict[str, Any]  # T1, T2, T3


def county(app: Any, login_as: Any) -> County:
    admin = login_as("federation_admin")
    tid = tenant_of(admin)
    towns = admin.get("/api/v1/orgs?org_type=township&page_size=20").get_json()
    under = {t["id"]: admin.get(f"/api/v1/orgs?under={t['id']}&org_type=grassroots&page_size=50").get_json()
             for t in towns}
    towns = sorted((t for t in towns if under[t["id"]]), key=lambda t: (-len(under[t["id"]]), t["id"]))
    assert len(towns) >= 3 and len(under[towns[0]["id"]]) >= 2, "the tiny demo county: 3 townships with unions"
    t1, t2, t3 = towns[:3]
    unions = {"U1": under[t1["id"]][0], "U2": under[t1["id"]][1], "U3": under[t2["id"]][0], "U4": under[t3["id"]][0]}
    cls = type(admin)
    chairs = {k: make_user(cls, app, tid, "grassroots_chair", u["id"]) for k, u in unions.items()}
    staff = {f"T{i + 1}": make_user(cls, app, tid, "org_staff", t["id"]) for i, t in enumerate((t1, t2, t3))}
    return County(admin, tid, [t1, t2, t3], unions, chairs, staff)


def noon(day: date) -> datetime:
    """Noon in Beijing (04:00 UTC): the same calendar day in either time zone."""
    return datetime.combine(day, time(4, 0), UTC)


def earlier_campaign(cty: County, name: str, festival: str, year: int, when: datetime,
                     helped: list[tuple[Person, bool]]) -> None:
    """An earlier campaign of the county, frozen at `when`, whose lines the county approved (and paid
    on `when` when the flag says so)."""
    org_id = cty.unions["U4"]["id"]
    with tenant_context(cty.tid):
        cipher = get_cipher()
        c = CondolenceCampaign(tenant_id=cty.tid, name=name, festival=festival, year=year, status="closed",
                               nomination_deadline=when - timedelta(days=10), frozen_at=when, rules={},
                               budget_cash_fen=0, budget_goods_fen=0)
        db.session.add(c)
        db.session.flush()
        b = CondolenceBatch(tenant_id=cty.tid, campaign_id=c.id, org_id=org_id, source="manual", status="submitted",
                            submitted_at=when - timedelta(days=12))
        db.session.add(b)
        db.session.flush()
        for n, (p, paid) in enumerate(helped, start=1):
            db.session.add(CondolenceLine(
                tenant_id=cty.tid, campaign_id=c.id, batch_id=b.id, org_id=org_id, row_no=n, name=p.name,
                id_enc=cipher.encrypt(cty.tid, p.id_number),
                id_hash=cipher.lookup_hash(cty.tid, "id_number", p.id_number), id_last4=p.id_number[-4:],
                id_region=p.id_number[:6], cash_fen=50000, goods_fen=0, check_status="ok",
                review_status="county_approved", payment_status="paid" if paid else "unpaid", objection_upheld=False,
                paid_at=when if paid else None))
        db.session.commit()


# ---- workbooks ------------------------------------------------------------------------------------


def workbook(path: Path, top: list[list[Any]], header: list[str], rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐名单"
    for r in top:
        ws.append(r)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def nomination(n: int, p: Person, category: str | None = "困难职工", cash: Any = None, goods: Any = None, *,
               name: str | None = None, id_number: Any = None, card: Any = None, mobile: Any = None,
               unit: str = "新乡县某机械厂", reason: str = "本人患病，家庭收入低") -> list[Any]:
    return [n, name or p.name, p.id_number if id_number is None else id_number, unit, category, reason,
            p.mobile if mobile is None else mobile, p.card if card is None else card, "中国农业银行新乡县支行", cash,
            goods, None]


SUBTOTAL = ["小计", None, None, None, None, None, None, None, None, 1500, 900]
TOTAL = ["合计", None, None, None, None, None, None, None, None, 5000, 3000]
FOOTER = ["填表人：李明", None, None, "审核人：王强", None, None, "联系电话：0373-5551234"]
BLANK: list[Any] = [None] * 12


def workbooks(tmp: Path, people: dict[str, Person], unions: dict[str, dict[str, Any]]) -> dict[str, Path]:
    P = people
    title = ["新乡县总工会2027年元旦春节困难职工慰问推荐名单"]
    bad_card = P["A4"].card[:-1] + str((int(P["A4"].card[-1]) + 3) % 10)
    u1 = workbook(tmp / "一厂工会推荐名单.xlsx", [title],
                  ["序号", "姓名", "身份证号码", "工作单位", "困难类别", "困难原因", "联系电话", "银行卡号", "开户行",
                   "慰问金(元)", "慰问品(元)", "备注"],
                  [nomination(1, P["A1"]),                                          # r3 ok (standard amounts)
                   nomination(2, P["A2"], cash=500, goods=300),                    # r4 ok
                   nomination(3, P["A3"], id_number=float(P["A3"].id_number)),      # r5 ID typed as a number
                   nomination(4, P["A4"], card=bad_card),                           # r6 Luhn
                   nomination(5, P["A5"], cash="伍佰元"),                            # r7 amount in words
                   nomination(6, P["A1"]),                                          # r8 twice by one union
                   nomination(7, P["A7"]),                                          # r9 exited
                   nomination(8, P["A8"], cash=800),                                # r10 over the standard
                   BLANK,                                                           # r11
                   SUBTOTAL,                                                        # r12
                   nomination(9, P["A9"], "困难劳模"),                                # r13 ok, model worker
                   TOTAL, BLANK, FOOTER])                                           # r14-r16
    u2 = workbook(tmp / "二厂工会.xlsx", [title],
                  ["序号", "职工姓名", "公民身份号码", "所在单位", "人员类别", "致困原因", "手机号码", "银行账号", "开户银行",
                   "慰问金额", "慰问品金额"],
                  [nomination(1, P["B1"])[:11],                                     # r3 ok
                   nomination(2, P["A2"])[:11],                                     # r4 also nominated by U1
                   nomination(3, P["BP"])[:11],                                     # r5 file pending
                   nomination(4, P["B4"])[:11],                                     # r6 not filed
                   nomination(5, P["B5"], name="胡美凤")[:11],                        # r7 name not as in the file
                   nomination(6, P["B2"], id_number=P["B2"].id_number.translate(FULLWIDTH),
                              mobile=int(P["B2"].mobile), cash="500元")[:11],         # r8 ok (full-width, numbers)
                   nomination(7, P["B3"])[:11],                                     # r9 ok → over T1's quota
                   TOTAL[:11], FOOTER])
    u3 = workbook(tmp / "三厂.xlsx", [title, ["填报单位（盖章）：" + unions["U3"]["name"], None, None, None, None, None,
                                            "填报日期：2026年11月20日"]],
                  ["序号", "姓名", "身份证号", "单位名称", "慰问类别", "主要困难", "联系方式", "卡号", "银行名称", "慰问金",
                   "慰问品", "备注"],
                  [nomination(1, P["C1"], cash=500, goods=300),                     # r4 ok
                   nomination(2, P["C2"]),                                          # r5 review overdue
                   nomination(3, P["C3"]),                                          # r6 helped at 中秋
                   nomination(4, P["C4"], "困难劳模"),                                # r7 helped this festival
                   nomination(5, P["C5"]),                                          # r8 helped 7 months ago: ok
                   nomination(6, P["C6"]),                                          # r9 income over the line
                   nomination(7, P["C7"], card=P["C1"].card),                        # r10 C1's card
                   BLANK, BLANK,
                   nomination(8, P["C8"], "困难劳模", 1000, 500),                      # r13 ok, model worker
                   ["合  计", None, None, None, None, None, None, None, None, 2500, 1300],
                   ["审核人：", None, None, "填表人："]])
    u4 = workbook(tmp / "四厂工会-送温暖.xlsx", [title],
                  ["序号", "户主姓名", "居民身份证号码", "工作单位", "困难类别", "困难原因", "电话", "银行卡账号",
                   "开户行名称", "发放金额", "物资折价"],
                  [nomination(1, P["D1"], "困难劳模")[:11],                           # r3 ok
                   nomination(2, P["D2"], "困难劳模")[:11],                           # r4 over the category budget
                   nomination(3, P["D3"], cash=500, goods=300)[:11],                # r5 ok
                   FOOTER])
    return {"U1": u1, "U2": u2, "U3": u3, "U4": u4}


# ---- expected verdicts (written by hand) ----------------------------------------------------------


def expected(cty: County, people: dict[str, Person], today: date) -> dict[tuple[str, int], tuple[str, str, str | None, str]]:
    """(union, sheet row) → (name, check_status, check_code, reason: exact, or '~' + a part of it)."""
    u1 = cty.unions["U1"]["name"]
    t1 = cty.towns[0]["name"]
    return {
        ("U1", 3): (NAMES["A1"], "ok", None, ""),
        ("U1", 4): (NAMES["A2"], "ok", None, ""),
        ("U1", 5): (NAMES["A3"], "invalid", "invalid_id", "~存成了数字"),
        ("U1", 6): (NAMES["A4"], "invalid", "invalid_bank_card", "~校验位错误"),
        ("U1", 7): (NAMES["A5"], "invalid", "invalid_amount", "~伍佰元"),
        ("U1", 8): (NAMES["A1"], "duplicate", "duplicate_id", "与本表第3行 重复推荐（同一身份证号）"),
        ("U1", 9): (NAMES["A7"], "ineligible", "file_exited", "困难职工档案已脱困退档(2026-03-31)"),
        ("U1", 10): (NAMES["A8"], "invalid", "invalid_amount", "慰问金800元超过“困难职工”的标准（500元）"),
        ("U1", 13): (NAMES["A9"], "ok", None, ""),
        ("U2", 3): (NAMES["B1"], "ok", None, ""),
        ("U2", 4): (NAMES["A2"], "duplicate", "duplicate_id", f"与 {u1} 第4行 重复推荐（同一身份证号）"),
        ("U2", 5): (NAMES["BP"], "ineligible", "file_pending", "困难职工档案尚未建档（待核实）"),
        ("U2", 6): (NAMES["B4"], "ineligible", "not_filed", "未建档困难职工"),
        ("U2", 7): ("胡美凤", "invalid", "name_mismatch",
                    f"姓名“胡美凤”与困难职工档案中该身份证号的姓名“{NAMES['B5']}”不一致，请核对"),
        ("U2", 8): (NAMES["B2"], "ok", None, ""),
        ("U2", 9): (NAMES["B3"], "over_quota", "over_quota", f"超出{t1}名额(5户)"),
        ("U3", 4): (NAMES["C1"], "ok", None, ""),
        ("U3", 5): (NAMES["C2"], "ineligible", "review_overdue",
                    f"困难职工档案复核已逾期(应于{(today - timedelta(days=30)).isoformat()}前复核)"),
        ("U3", 6): (NAMES["C3"], "ineligible", "cooldown",
                    f"已于{(today - timedelta(days=60)).strftime('%Y-%m')} 中秋慰问中获慰问(6个月内不重复慰问)"),
        ("U3", 7): (NAMES["C4"], "ineligible", "helped_this_festival",
                    "已在“2027年元旦春节困难劳模专项慰问”中获慰问(同一节日不重复慰问)"),
        ("U3", 8): (NAMES["C5"], "ok", None, ""),
        ("U3", 9): (NAMES["C6"], "ineligible", "income_over", "家庭人均月收入1500.00元，超过标准1170.00元"),
        ("U3", 10): (NAMES["C7"], "duplicate", "duplicate_bank_card",
                     f"银行卡号与本表第4行（{NAMES['C1'][0]}**）相同，同一张卡不能重复领取"),
        ("U3", 13): (NAMES["C8"], "ok", None, ""),
        ("U4", 3): (NAMES["D1"], "ok", None, ""),
        ("U4", 4): (NAMES["D2"], "over_budget", "over_budget", "超出“困难劳模”类别预算(3,000元)"),
        ("U4", 5): (NAMES["D3"], "ok", None, ""),
    }


def verdicts(cty: County, cid: int, batches: dict[str, int]) -> dict[tuple[str, int], dict[str, Any]]:
    union_of = {b: u for u, b in batches.items()}
    return {(union_of[x["batch_id"]], x["row_no"]): x for x in lines(cty.admin, cid) if x["batch_id"] in union_of}


def assert_verdicts(got: dict[tuple[str, int], dict[str, Any]], want: dict[Any, Any], keys: Any = None) -> None:
    keys = set(want) if keys is None else set(keys)
    assert {k for k in got if k[0] in {u for u, _ in keys}} == keys, "every nomination is a line, nothing else"
    problems = []
    for key in sorted(keys):
        name, status, code, reason = want[key]
        line = got[key]
        actual = (line["name"], line["check_status"], line["check_code"])
        ok_reason = (reason[1:] in (line["check_reason"] or "")) if reason.startswith("~") else \
            ((line["check_reason"] or "") == reason)
        if actual != (name, status, code) or not ok_reason:
            problems.append(f"{key}: want {(name, status, code, reason)}, got {actual + (line['check_reason'],)}")
    assert not problems, "\n".join(problems)


# ---- small helpers --------------------------------------------------------------------------------


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, (resp.status_code, resp.get_json() if resp.is_json else resp.data[:300])
    return resp.get_json() if resp.is_json else resp


def refused(resp: Any, status: int, *parts: str) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_json())
    body = resp.get_json()
    text = body.get("message", "") + str(body.get("errors", ""))
    for part in parts:
        assert part in text, (part, body)
    return body


def review(client: Any, line_id: int, action: str, comment: str | None = None) -> Any:
    return client.post(f"{API}/lines/{line_id}/review", {"action": action, **({"comment": comment} if comment else {})})


def batch_review(client: Any, batch_id: int, action: str = "approve") -> dict[str, Any]:
    return ok(client.post(f"{API}/batches/{batch_id}/review", {"action": action}))


def result_file(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["中国农业银行批量代发回盘文件"])
    ws.append(["序号", "户名", "账号", "交易金额", "交易结果", "失败原因"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bank_rows(client: Any, batch_id: int) -> list[tuple[Any, ...]]:
    data = ok(client.get(f"{API}/payment-batches/{batch_id}/bank-file")).data
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    header = rows.index(("序号", "姓名", "银行卡号", "金额", "开户行", "备注"))
    return [r for r in rows[header + 1:] if isinstance(r[0], int)]


def import_results(client: Any, batch_id: int, data: bytes) -> Any:
    return client.request("POST", f"{API}/payment-batches/{batch_id}/results",
                          data={"file": (io.BytesIO(data), "回盘文件.xlsx")}, content_type="multipart/form-data")


# ---- the run --------------------------------------------------------------------------------------


def test_county_run(app, login_as, tmp_path, roster_jobs_inline):
    cty = county(app, login_as)
    admin, P = cty.admin, make_people()
    today = china_today()
    t1, t2, t3 = cty.towns

    # -- the hardship file and the county's earlier campaigns
    for key in ("A1", "A2", "A3", "A4", "A5", "A8", "A9", "B1", "B2", "B3", "B5", "C1", "C3", "C4", "C5", "C7",
                "C8", "D1", "D2", "D3", "D4"):
        union = {"A": "U1", "B": "U2", "C": "U3", "D": "U4"}[key[0]]
        add_household(admin, P[key], org_id=cty.unions[union]["id"],
                      category="model_worker" if key in ("A9", "C4", "C8", "D1", "D2") else "ordinary")
    add_household(admin, P["A7"], status="exited", exited_on=date(2026, 3, 31), org_id=cty.unions["U1"]["id"])
    add_household(admin, P["BP"], status="candidate", org_id=cty.unions["U2"]["id"])
    add_household(admin, P["C2"], next_review_due=today - timedelta(days=30), org_id=cty.unions["U3"]["id"])
    add_household(admin, P["C6"], income_fen=150000, org_id=cty.unions["U3"]["id"])
    now = datetime.now(UTC)
    earlier_campaign(cty, "2026年中秋节困难职工慰问", "mid_autumn", 2026, noon(today - timedelta(days=60)),
                     [(P["C3"], True), (P["D4"], True)])
    earlier_campaign(cty, "2026年端午节慰问", "dragon_boat", 2026, noon(today - timedelta(days=215)), [(P["C5"], True)])
    earlier_campaign(cty, "2027年元旦春节困难劳模专项慰问", "spring", 2027, noon(today - timedelta(days=3)),
                     [(P["C4"], False)])

    # -- the county sets the campaign up and opens nominations
    body = {
        "name": "2027年元旦春节送温暖活动", "festival": "spring", "year": 2027, "basis_document": "新工发〔2026〕45号",
        "budget_cash_fen": 5_000_000, "budget_goods_fen": 3_000_000,
        "nomination_deadline": (now + timedelta(days=10)).replace(microsecond=0).isoformat(),
        "rules": {"require_hardship_file": True, "exclude_exited": True, "exclude_review_overdue": True,
                  "income_limit_pct": 150, "once_per_festival": True, "cooldown_months": 6},
        "categories": [
            {"code": "ordinary", "name": "困难职工", "standard_cash_fen": 50000, "standard_goods_fen": 30000},
            {"code": "model_worker", "name": "困难劳模", "standard_cash_fen": 100000, "standard_goods_fen": 50000,
             "budget_cash_fen": 300000},
        ],
        "quotas": [{"org_id": t1["id"], "max_households": 5}, {"org_id": t2["id"], "max_households": 10},
                   {"org_id": t3["id"], "max_households": 10}],
    }
    refused(cty.staff["T1"].post(f"{API}/campaigns", body), 403)
    campaign = ok(admin.post(f"{API}/campaigns", body), 201)
    cid = campaign["id"]
    assert ok(admin.post(f"{API}/campaigns/{cid}/open"))["status"] == "nominating"

    # -- the unions: a dry run first, then submit
    files = workbooks(tmp_path, P, cty.unions)
    batches: dict[str, int] = {}
    for u in ("U1", "U2", "U3", "U4"):
        batches[u] = ok(upload(cty.chairs[u], cid, files[u]), 201)["id"]
    run_roster(admin, cid)
    for u in ("U1", "U2", "U3", "U4"):
        dry = ok(cty.chairs[u].get(f"{API}/batches/{batches[u]}"))
        assert (dry["status"], dry["counted"]) == ("processed", False), dry
    skipped = {u: ok(admin.get(f"{API}/batches/{batches[u]}"))["rows_skipped"] for u in batches}
    assert skipped == {"U1": 5, "U2": 2, "U3": 4, "U4": 1}, skipped  # blank / 小计 / 合计 / footers, not lines
    # a union cannot nominate for a union outside its own subtree, nor see another union's batch
    refused(upload(cty.chairs["U4"], cid, files["U4"], org_id=cty.unions["U1"]["id"]), 422, "管辖范围")
    refused(cty.chairs["U4"].get(f"{API}/batches/{batches['U1']}"), 404)
    for u in ("U1", "U2", "U3", "U4"):
        assert ok(cty.chairs[u].post(f"{API}/batches/{batches[u]}/submit"))["status"] == "submitted"
    run_roster(admin, cid)
    want = expected(cty, P, today)
    assert_verdicts(verdicts(cty, cid, batches), want)
    run_roster(admin, cid)  # rerunning changes nothing
    assert_verdicts(verdicts(cty, cid, batches), want)

    # -- the deadline passes; a late workbook is refused, nominations close
    with tenant_context(cty.tid):
        db.session.execute(update(CondolenceCampaign).where(CondolenceCampaign.id == cid)
                           .values(nomination_deadline=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()
    late = workbook(tmp_path / "补报.xlsx", [["补报名单"]], ["序号", "姓名", "身份证号码", "困难类别"],
                    [[1, P["D4"].name, P["D4"].id_number, "困难职工"]])
    refused(upload(cty.chairs["U4"], cid, late), 409, "推荐截止时间")
    run_roster(admin, cid)  # judged as of the (new) deadline: the same verdicts
    assert_verdicts(verdicts(cty, cid, batches), want)
    assert ok(admin.post(f"{API}/campaigns/{cid}/close-nominations"))["status"] == "reviewing"

    got = verdicts(cty, cid, batches)
    L = {k: v["id"] for k, v in got.items()}

    # -- the review chain: grassroots → township → county
    refused(review(cty.staff["T2"], L["U3", 4], "approve"), 409, "尚未经基层工会审核通过")
    refused(review(admin, L["U3", 4], "approve"), 409)
    refused(review(cty.staff["T1"], L["U3", 4], "approve"), 404)  # another township's line
    refused(review(cty.chairs["U1"], L["U1", 5], "approve"), 409, "校验未通过")
    r = batch_review(cty.chairs["U1"], batches["U1"])
    assert (r["affected"], r["skipped"]) == (3, 6), r
    assert (batch_review(cty.chairs["U2"], batches["U2"])["affected"]) == 2
    assert (batch_review(cty.chairs["U3"], batches["U3"])["affected"]) == 3
    assert (batch_review(cty.chairs["U4"], batches["U4"])["affected"]) == 2
    refused(review(admin, L["U1", 3], "approve"), 409, "越级")

    # the union returns its bad-card line to be corrected; the correction is judged again
    refused(review(cty.chairs["U1"], L["U1", 6], "return"), 422)  # a reason is required
    ok(review(cty.chairs["U1"], L["U1", 6], "return", "银行卡号校验不通过，请核对后重新提交"))
    refused(cty.chairs["U2"].post(f"{API}/lines/{L['U1', 6]}/correct", {"bank_card": P["A4"].card}), 404)
    fixed = ok(cty.chairs["U1"].post(f"{API}/lines/{L['U1', 6]}/correct",
                                     {"bank_card": P["A4"].card, "comment": "已与本人核对银行卡号"}))
    assert (fixed["check_status"], fixed["review_status"]) == ("pending", "pending")
    run_roster(admin, cid)
    got = verdicts(cty, cid, batches)
    assert (got["U1", 6]["check_status"], got["U1", 6]["check_reason"]) == ("ok", None)
    # it keeps its place in the sheet: T1's five places now go to U1 rows 3, 4, 6, 13 and U2 row 3
    assert got["U2", 8]["check_status"] == "over_quota" and got["U2", 8]["review_status"] == "grassroots_approved"
    ok(review(cty.chairs["U1"], L["U1", 6], "approve"))

    # the townships: T1 rejects one household (which frees a place), returns none; T2 returns one
    requested = len(roster_jobs_inline)
    ok(review(cty.staff["T1"], L["U2", 3], "reject", "经入户核实，家庭收入已明显好转"))
    assert roster_jobs_inline[requested:] == [cid], "a rejection frees a place: the roster is judged again"
    refused(review(cty.staff["T1"], L["U2", 3], "approve"), 409, "不予通过")
    run_roster(admin, cid)
    got = verdicts(cty, cid, batches)
    assert got["U2", 8]["check_status"] == "ok", got["U2", 8]  # the place B1 left goes to the next in order
    assert got["U2", 9]["check_status"] == "over_quota"
    assert batch_review(cty.staff["T1"], batches["U1"])["affected"] == 4
    assert batch_review(cty.staff["T1"], batches["U2"])["affected"] == 1
    ok(review(cty.staff["T2"], L["U3", 8], "return", "困难原因填写过简，请补充"))
    ok(cty.chairs["U3"].post(f"{API}/lines/{L['U3', 8]}/correct",
                             {"reason": "本人下岗，妻子患尿毒症长期透析，女儿上大学", "comment": "已补充困难原因"}))
    run_roster(admin, cid)
    assert verdicts(cty, cid, batches)["U3", 8]["check_status"] == "ok"
    refused(review(cty.staff["T2"], L["U3", 8], "approve"), 409, "尚未经基层工会审核通过")
    ok(review(cty.chairs["U3"], L["U3", 8], "approve"))
    assert batch_review(cty.staff["T2"], batches["U3"])["affected"] == 3
    assert batch_review(cty.staff["T3"], batches["U4"])["affected"] == 2
    for u in ("U1", "U2", "U3", "U4"):
        batch_review(admin, batches[u])

    # -- balancing: the county sees T1 over its quota and 困难劳模 over its budget, and decides
    bal = ok(admin.get(f"{API}/campaigns/{cid}/balancing"))
    q1 = next(q for q in bal["quotas"] if q["org_id"] == t1["id"])
    assert (q1["approved"], q1["max_households"], q1["over_quota_lines"]) == (5, 5, 1), q1
    model = next(c for c in bal["by_category"] if c["category_code"] == "model_worker")
    assert (model["approved"], model["approved_cash"], model["over_budget_lines"]) == (3, 300000, 1), model
    assert model["over_budget_line_fen"] == 100000
    ok(admin.post(f"{API}/campaigns/{cid}/balancing/decisions",
                  {"kind": "raise_quota", "quota_id": q1["quota_id"], "new_max_households": 6,
                   "comment": "该镇困难职工集中，经党组会研究调增1户"}), 201)
    refused(admin.post(f"{API}/campaigns/{cid}/balancing/decisions",
                       {"kind": "raise_budget", "category_code": "model_worker", "new_budget_fen": 300000,
                        "comment": "x"}), 422)
    ok(admin.post(f"{API}/campaigns/{cid}/balancing/decisions",
                  {"kind": "raise_budget", "category_code": "model_worker", "new_budget_fen": 400000,
                   "comment": "困难劳模追加预算1000元"}), 201)
    assert roster_jobs_inline.count(cid) >= 2
    run_roster(admin, cid)
    got = verdicts(cty, cid, batches)
    assert got["U2", 9]["check_status"] == "ok" and got["U4", 4]["check_status"] == "ok"
    for union, sheet_row in (("U2", 9), ("U4", 4)):
        ok(review(cty.chairs[union], L[union, sheet_row], "approve"))
    ok(review(cty.staff["T1"], L["U2", 9], "approve"))
    ok(review(cty.staff["T3"], L["U4", 4], "approve"))
    refused(admin.post(f"{API}/campaigns/{cid}/freeze", {}), 409, "待县总工会审核")
    ok(admin.post(f"{API}/campaigns/{cid}/reviews", {"action": "approve", "line_ids": [L["U2", 9], L["U4", 4]]}))
    bal = ok(admin.get(f"{API}/campaigns/{cid}/balancing"))
    assert bal["blockers"] == [] and bal["can_freeze"], bal["blockers"]
    approved_keys = {("U1", 3), ("U1", 4), ("U1", 6), ("U1", 13), ("U2", 8), ("U2", 9), ("U3", 4), ("U3", 8),
                     ("U3", 13), ("U4", 3), ("U4", 4), ("U4", 5)}
    frozen = ok(admin.post(f"{API}/campaigns/{cid}/freeze", {"comment": "县总工会党组会审定"}))
    assert frozen["approved"] == len(approved_keys) == 12
    got = verdicts(cty, cid, batches)
    assert {k for k, v in got.items() if v["review_status"] == "county_approved"} == approved_keys
    assert all(got[k]["check_status"] == "ok" for k in approved_keys)
    refused(review(admin, L["U1", 5], "reject", "x"), 409, "冻结")

    # -- the notices: T1 and T2 (window closed), T3 later; the files show no full number or name
    people_of = {k: P[next(p for p, n in NAMES.items() if n == got[k]["name"])] for k in approved_keys}
    n12 = []
    for town in (t1, t2):
        n = ok(prepared(admin, cty.tid, admin.post(
            f"{API}/campaigns/{cid}/notices",
            {"org_id": town["id"], "start_date": (today - timedelta(days=8)).isoformat(),
             "end_date": (today - timedelta(days=1)).isoformat(), "place": f"{town['name']}工会公示栏",
             "contact": "县总工会保障部 0373-5556789"})), 202)
        n12.append(n)
    assert [n["line_count"] for n in n12] == [6, 3]
    for n in n12:
        xlsx = ok(admin.get(f"{API}/notices/{n['id']}/notice.xlsx"))
        pdf = ok(admin.get(f"{API}/notices/{n['id']}/notice.pdf"))
        assert pdf.data.startswith(b"%PDF-")
        for text in (xlsx_text(xlsx.data), pdf_text(pdf.data), pdf.data.decode("latin-1")):
            for p in P.values():
                assert p.id_number not in text and p.id_number[6:14] not in text and p.card not in text
                assert p.mobile not in text
        for text in (xlsx_text(xlsx.data), pdf_text(pdf.data)):
            shown = [k for k in approved_keys if got[k]["township_org_id"] == n["org_id"]]
            for k in shown:
                p = people_of[k]
                assert mask_name(p.name) in text and p.name not in text
                assert f"{p.id_number[:6]}********{p.id_number[-4:]}" in text
        ok(admin.post(f"{API}/notices/{n['id']}/post", {"posted_on": (today - timedelta(days=8)).isoformat()}))

    # -- payments before T3 is noticed: a line not noticed is refused with a clear reason
    refused(admin.post(f"{API}/campaigns/{cid}/payment-batches", {"line_ids": [L["U4", 3]]}), 409, "尚未公示")

    # -- visits: a group for T2, its arrangement table, a visit with cash (a payment) for C8
    g = ok(admin.post(f"{API}/campaigns/{cid}/visit-groups",
                      {"name": "第二组", "leader": "县委副书记 王建国", "departments": ["县总工会", "县人社局"],
                       "visit_date": (today + timedelta(days=1)).isoformat(), "visit_time": "10:00:00",
                       "meeting_time": "09:45:00", "meeting_point": "县政府办公楼一楼大堂", "area_org_id": t2["id"]}),
           201)
    assert ok(admin.post(f"{API}/visit-groups/{g['id']}/assign", {"org_id": t2["id"]}))["assigned"] == 3
    sheet = xlsx_text(ok(admin.get(f"{API}/visit-groups/{g['id']}/arrangement.xlsx")).data)
    assert "县委副书记 王建国" in sheet and "县政府办公楼一楼大堂" in sheet and NAMES["C8"] in sheet
    assert P["C8"].id_number not in sheet and "合计：3户，慰问金2000.00元，慰问品1100.00元" in sheet, sheet
    visit = ok(cty.chairs["U3"].post(f"{API}/campaigns/{cid}/visits",
                                     {"line_id": L["U3", 13], "group_id": g["id"], "visited_on": today.isoformat(),
                                      "cash_fen": 100000, "goods_desc": "米、面、油各一份", "goods_fen": 50000,
                                      "notes": "家中老人卧床"}), 201)
    assert visit["cash_fen"] == 100000

    # -- the first bank batch: every payable line of T1 and T2 except C8, paid in cash at the visit
    b1 = ok(prepared(admin, cty.tid, admin.post(f"{API}/campaigns/{cid}/payment-batches",
                                                {"remark": "2027年元旦春节慰问金"})), 202)
    rows1 = bank_rows(admin, b1["id"])
    paid_names = {r[1] for r in rows1}
    assert paid_names == {got[k]["name"] for k in approved_keys if k[0] in ("U1", "U2", "U3") and k != ("U3", 13)}
    assert b1["line_count"] == len(rows1) == 8
    assert b1["total_fen"] == sum(got[k]["cash_fen"] for k in approved_keys if k[0] != "U4" and k != ("U3", 13))
    failed_name = NAMES["A9"]
    result = [[r[0], r[1], r[2], r[3], "失败" if r[1] == failed_name else "成功",
               "户名与账号不符" if r[1] == failed_name else None] for r in rows1]
    first = ok(import_results(admin, b1["id"], result_file(result)))
    assert (first["paid"], first["failed"], first["unchanged"]) == (7, 1, 0), first
    pays = ok(admin.get(f"{API}/payment-batches/{b1['id']}/payments?page_size=100"))
    assert {(x["name"], x["status"], x["failure_reason"]) for x in pays if x["status"] != "paid"} == \
        {(failed_name, "failed", "户名与账号不符")}
    again = ok(import_results(admin, b1["id"], result_file(result)))
    assert (again["paid"], again["failed"], again["unchanged"]) == (0, 0, 8), again
    contradicting = [r[:4] + ["成功", None] for r in result]
    refused(import_results(admin, b1["id"], result_file(contradicting)), 409, "不一致")

    # -- T3's notice: an objection upheld against D3; D3 is never paid, D1 once the window closed
    n3 = ok(prepared(admin, cty.tid, admin.post(
        f"{API}/campaigns/{cid}/notices",
        {"org_id": t3["id"], "start_date": (today - timedelta(days=2)).isoformat(),
         "end_date": (today + timedelta(days=4)).isoformat(), "place": f"{t3['name']}工会公示栏"})), 202)
    ok(admin.post(f"{API}/notices/{n3['id']}/post", {"posted_on": (today - timedelta(days=2)).isoformat()}))
    refused(admin.post(f"{API}/campaigns/{cid}/payment-batches", {"line_ids": [L["U4", 3]]}), 409, "公示期未结束")
    obj = ok(cty.staff["T3"].post(f"{API}/notices/{n3['id']}/objections",
                                  {"line_id": L["U4", 5], "content": "反映其配偶经营商铺，家庭收入较高",
                                   "received_on": today.isoformat(), "received_from": "匿名"}), 201)
    refused(cty.staff["T3"].post(f"{API}/objections/{obj['id']}/decide", {"outcome": "upheld", "outcome_note": "x"}),
            403)
    ok(admin.post(f"{API}/objections/{obj['id']}/decide", {"outcome": "upheld", "outcome_note": "经核实情况属实"}))
    set_window(cty.tid, n3["id"], today - timedelta(days=8), today - timedelta(days=1))
    refused(admin.post(f"{API}/campaigns/{cid}/payment-batches", {"line_ids": [L["U4", 5]]}), 409, "公示异议成立")
    refused(admin.post(f"{API}/campaigns/{cid}/payment-batches", {"line_ids": [L["U1", 3]]}), 409, "已发放")

    # -- the second bank batch: D1, D2 and the line that failed; never a paid one
    b2 = ok(prepared(admin, cty.tid, admin.post(f"{API}/campaigns/{cid}/payment-batches", {})), 202)
    rows2 = bank_rows(admin, b2["id"])
    assert {r[1] for r in rows2} == {NAMES["D1"], NAMES["D2"], failed_name}
    assert not ({r[1] for r in rows2} & (paid_names - {failed_name}))
    ok(import_results(admin, b2["id"], result_file([[r[0], r[1], r[2], r[3], "成功", None] for r in rows2])))
    refused(admin.post(f"{API}/campaigns/{cid}/payment-batches", {}), 409, "没有可以发放的对象")
    with tenant_context(cty.tid):
        live = db.session.execute(select(CondolencePayment.line_id, CondolencePayment.status).where(
            CondolencePayment.campaign_id == cid, CondolencePayment.status == "paid")).all()
        db.session.rollback()
    assert len(live) == len({lid for lid, _ in live}) == 11  # 10 by bank, 1 in cash; nobody twice

    # -- summaries: the totals are the sums of the lines
    got = verdicts(cty, cid, batches)
    helped = [got[k] for k in approved_keys if k != ("U4", 5)]  # D3: objection upheld, not helped
    summary = ok(admin.get(f"{API}/campaigns/{cid}/summary"))
    t = summary["totals"]
    assert (t["households"], t["cash_fen"], t["goods_fen"]) == (
        len(helped), sum(x["cash_fen"] for x in helped), sum(x["goods_fen"] for x in helped)), t
    assert (t["paid_households"], t["paid_fen"]) == (11, sum(x["cash_fen"] for x in helped))
    for key, field in (("by_category", "category_code"), ("by_township", "township_org_id")):
        for row in summary[key]:
            mine = [x for x in helped if x[field] == row[field]]
            assert (row["households"], row["cash_fen"], row["goods_fen"]) == (
                len(mine), sum(x["cash_fen"] for x in mine), sum(x["goods_fen"] for x in mine)), row
        for m in ("households", "cash_fen", "goods_fen", "paid_fen"):
            assert sum(r[m] for r in summary[key]) == t[m]
    report = load_workbook(io.BytesIO(ok(admin.get(f"{API}/campaigns/{cid}/upward-report.xlsx")).data))
    for name in ("按类别", "按镇街"):
        rows = [r for r in report[name].iter_rows(values_only=True)]
        total = next(r for r in rows if "合计" in [str(v) for v in r if v is not None])
        values = [v for v in total if isinstance(v, int | float)]
        assert values[:3] == [t["households"], t["cash_fen"] / 100, t["goods_fen"] / 100], total
        for p in P.values():
            assert p.name not in str(rows) and p.id_number not in str(rows)

    # -- the line table as exported shows masked numbers only
    export = xlsx_text(ok(admin.get(f"{API}/campaigns/{cid}/lines.xlsx")).data)
    for p in P.values():
        assert p.id_number not in export and p.card not in export and p.mobile not in export

    # -- the other tenant sees none of it, a union sees only its own lines
    other = login_as("federation_admin", tenant=1)
    for url in (f"{API}/campaigns/{cid}", f"{API}/batches/{batches['U1']}", f"{API}/lines/{L['U1', 3]}",
                f"{API}/notices/{n3['id']}", f"{API}/payment-batches/{b1['id']}", f"{API}/visit-groups/{g['id']}",
                f"{API}/campaigns/{cid}/lines", f"{API}/campaigns/{cid}/summary", f"{API}/notices/{n3['id']}/notice.pdf"):
        refused(other.get(url), 404)
    refused(other.post(f"{API}/campaigns/{cid}/payment-batches", {}), 404)
    refused(cty.chairs["U2"].get(f"{API}/lines/{L['U1', 3]}"), 404)
    mine = lines(cty.chairs["U2"], cid)
    assert mine and {x["batch_id"] for x in mine} == {batches["U2"]}
