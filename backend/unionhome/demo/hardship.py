"""A demo county's hardship file (困难职工档案): the county's policy (the 780-yuan line of W1-b) and a
realistic file — households of every status, category and cause, members counted by the W1-b rule,
verification and review visits, some reviews overdue, some exited, and the relief paid to them.

Deterministic for a given county and seed; inserted set-based in the loader's tenant transaction. About
one household per five members: ~4,000 for the "full" county, ~100 for "tiny".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from sqlalchemy import insert, text

from ..core.cnid import make_bank_card, make_id_number, make_mobile
from ..core.pii import get_cipher
from ..domains.hardship.eligibility import (
    MemberFacts,
    add_months,
    assess,
    household_size,
    pct_of_line,
    per_capita,
)
from ..domains.hardship.models import (
    HardshipActivePerson,
    HardshipHousehold,
    HardshipHouseholdMember,
    HardshipPolicy,
    HardshipRelief,
    HardshipVisit,
)
from ..extensions import db
from .names import PersonNamer
from .records import MEMBERSHIP_ORG_TYPES, County

MEMBERS_PER_HOUSEHOLD = 5
MIN_HOUSEHOLDS = 100

_STATUS_WEIGHTS = (("filed", 66), ("exited", 16), ("candidate", 7), ("verified", 6), ("rejected", 5))
_CATEGORY_WEIGHTS = (("ordinary", 44), ("extreme", 15), ("migrant", 15), ("laid_off", 12), ("dispatched", 10),
                     ("model_worker", 4))
_CAUSE_WEIGHTS = (("major_illness", 30), ("schooling", 25), ("low_income", 15), ("disability", 14),
                  ("single_parent", 8), ("unemployment", 10), ("disaster", 4), ("other", 2))
_EXIT_WEIGHTS = (("income_reached", 45), ("stable_employment", 25), ("cause_gone", 20), ("moved_away", 5),
                 ("deceased", 5))
_VISITORS = ("县总工会保障部", "镇工会", "基层工会主席", "县总工会帮扶中心", "社区工会")
_BANKS = ("中国农业银行新乡县支行", "中国工商银行新乡分行", "新乡县农村信用合作联社", "中国邮政储蓄银行新乡县支行")
_ROADS = ("人民路", "新华路", "建设路", "解放路", "和平路", "朗公庙路", "翟坡大道")
_SCHOOLS = {"compulsory": ("县实验小学", "县第一初级中学", "镇中心小学"), "high_school": ("县第一高级中学", "县职业中等专业学校"),
            "university": ("河南师范大学", "新乡医学院", "郑州大学", "河南科技学院")}
_DISEASES = ("尿毒症", "恶性肿瘤", "白血病", "脑梗后遗症", "重症肌无力", "肝硬化")


def _pick(rng: Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _reserve(table: str, n: int) -> list[int]:
    if n == 0:
        return []
    rows = db.session.execute(
        text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"), {"n": n})
    return list(rows.scalars())


@dataclass
class _Policy:
    min_living_line_fen: int
    basic_pct: int = 150
    special_pct: int = 200
    major_pct: int = 300
    self_paid_threshold_fen: int = 2_000_000
    exit_pct: int = 150


@dataclass
class _Household:
    row: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    reliefs: list[dict[str, Any]] = field(default_factory=list)
    people: list[tuple[str, str, str]] = field(default_factory=list)  # (id number, role, name)


def seed_hardship(tenant_id: int, county: County, org_ids: dict[str, int], member_ids: dict[str, int],
                  seed: int) -> int:
    """Insert the policy and the file of one demo county (in the caller's tenant transaction)."""
    rng = Random(seed * 31 + 7)
    today = county.as_of
    s = db.session
    old_id, new_id = _reserve("hardship_policies", 2)
    s.execute(insert(HardshipPolicy.__table__), [
        {"tenant_id": tenant_id, "id": old_id, "name": f"{county.county_name}困难职工建档标准（2019年版）",
         "basis_document": "县总工会〔2019〕8号", "effective_from": date(2019, 1, 1), "min_living_line_fen": 65000,
         "basic_pct": 150, "special_pct": 200, "major_pct": 300, "self_paid_threshold_fen": 2_000_000,
         "exit_pct": 150, "stable_employment_months": 6, "review_interval_months": 12, "reminder_days": 30,
         "version": 1},
        {"tenant_id": tenant_id, "id": new_id, "name": f"{county.county_name}困难职工建档和脱困标准",
         "basis_document": "县总工会〔2023〕3号（参照城市最低生活保障线780元）", "effective_from": date(2023, 1, 1),
         "min_living_line_fen": 78000, "basic_pct": 150, "special_pct": 200, "major_pct": 300,
         "self_paid_threshold_fen": 2_000_000, "exit_pct": 150, "stable_employment_months": 6,
         "review_interval_months": 12, "reminder_days": 30, "version": 1},
    ])
    policies = {old_id: (date(2019, 1, 1), _Policy(65000)), new_id: (date(2023, 1, 1), _Policy(78000))}

    def policy_on(day: date) -> tuple[int, _Policy]:
        pid = new_id if day >= date(2023, 1, 1) else old_id
        return pid, policies[pid][1]

    member_org_keys = [o.key for o in county.orgs if o.org_type in MEMBERSHIP_ORG_TYPES]
    by_org: dict[str, list[Any]] = {}
    for m in county.members:
        by_org.setdefault(m.org_key, []).append(m)
    # The demo chair's union (the loader's choice) gets a few households, so its view is not empty.
    chair_org = next(o.key for o in county.orgs if o.org_type == "grassroots" and o.key in by_org)
    used_ids = {m.id_number for m in county.members} | {c.id_number for c in county.cadres}
    namer = PersonNamer(rng)
    n = max(MIN_HOUSEHOLDS, len(county.members) // MEMBERS_PER_HOUSEHOLD)
    member_heads = rng.sample(county.members, k=min(len(county.members), n * 3 // 10))
    households: list[_Household] = []

    def new_id_number(birth: date, gender: str) -> str:
        while True:
            number = make_id_number(rng, county.region_code, birth, gender)  # type: ignore[arg-type]
            if number not in used_ids:
                used_ids.add(number)
                return number

    for i in range(n):
        head_member = member_heads[i] if i < len(member_heads) else None
        if head_member is not None:
            name, gender, id_number, birth = (head_member.name, head_member.gender, head_member.id_number,
                                              head_member.birth_date)
            org_key, mobile = head_member.org_key, head_member.mobile
        else:
            gender = "M" if rng.random() < 0.55 else "F"
            birth = today - timedelta(days=365 * rng.randint(24, 58) + rng.randrange(365))
            name, id_number = namer.name(gender, birth.year), new_id_number(birth, gender)  # type: ignore[arg-type]
            org_key, mobile = (chair_org if i < 6 else rng.choice(member_org_keys)), make_mobile(rng)
        households.append(_make_household(rng, i, tenant_id, today, name, gender, id_number, birth, mobile,
                                          org_ids[org_key], member_ids.get(head_member.key) if head_member else None,
                                          namer, new_id_number, policy_on))

    ids = _reserve("hardship_households", len(households))
    for h, hid in zip(households, ids, strict=True):
        h.row["id"] = hid
        h.row["file_no"] = f"KN{h.row['applied_on'].year}{hid:06d}"
    cipher = get_cipher()
    rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    visit_rows: list[dict[str, Any]] = []
    relief_rows: list[dict[str, Any]] = []
    claim_rows: list[dict[str, Any]] = []
    claimed: set[str] = set()
    for h in households:
        row = h.row
        number = row.pop("_id_number")
        card = row.pop("_bank_card")
        row.update(head_id_enc=cipher.encrypt(tenant_id, number),
                   head_id_hash=cipher.lookup_hash(tenant_id, "id_number", number),
                   head_id_region=number[:6], head_id_last4=number[-4:])
        if card:
            row.update(bank_card_enc=cipher.encrypt(tenant_id, card),
                       bank_card_hash=cipher.lookup_hash(tenant_id, "bank_card", card), bank_card_last4=card[-4:])
        rows.append(row)
        for fm in h.members:
            mnumber = fm.pop("_id_number")
            fm.update(tenant_id=tenant_id, household_id=row["id"])
            if mnumber:
                fm.update(id_number_enc=cipher.encrypt(tenant_id, mnumber),
                          id_number_hash=cipher.lookup_hash(tenant_id, "id_number", mnumber), id_last4=mnumber[-4:])
            member_rows.append(fm)
        for v in h.visits:
            visit_rows.append({**v, "tenant_id": tenant_id, "household_id": row["id"]})
        for r in h.reliefs:
            relief_rows.append({**r, "tenant_id": tenant_id, "household_id": row["id"]})
        if row["status"] in ("candidate", "verified", "filed"):
            for number_, role, pname in h.people:
                if number_ in claimed:
                    continue
                claimed.add(number_)
                claim_rows.append({"tenant_id": tenant_id, "household_id": row["id"], "role": role, "name": pname,
                                   "id_hash": cipher.lookup_hash(tenant_id, "id_number", number_)})
    for table, data in ((HardshipHousehold, rows), (HardshipHouseholdMember, member_rows), (HardshipVisit, visit_rows),
                        (HardshipRelief, relief_rows), (HardshipActivePerson, claim_rows)):
        if data:
            s.execute(insert(table.__table__), _uniform(data))
    return len(rows)


def _uniform(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One executemany needs the same keys in every row: the missing ones are NULL."""
    keys = {k for r in rows for k in r}
    return [{k: r.get(k) for k in keys} for r in rows]


def _members(rng: Random, namer: PersonNamer, today: date, marital: str, head_birth: date, surname_of: str,
             new_id_number: Any) -> list[dict[str, Any]]:
    """A family consistent with the head's marital status (children, spouse, parents)."""
    out: list[dict[str, Any]] = []

    def person(relation: str, gender: str, birth: date, *, marital_status: str | None, income: int = 0,
               health: str = "healthy", stage: str | None = None, occupation: str | None = None) -> None:
        full = namer.name(gender, birth.year)  # type: ignore[arg-type]
        name = surname_of + full[1:] if relation in ("child", "sibling") else full
        has_id = (today - birth).days > 365 * 3
        out.append({"name": name[:60], "relation": relation, "birth_date": birth, "gender": gender,
                    "marital_status": marital_status, "health": health, "school_stage": stage,
                    "school_name": rng.choice(_SCHOOLS[stage]) if stage in _SCHOOLS else None,
                    "occupation": occupation, "monthly_income_fen": income, "counted": True,
                    "_id_number": new_id_number(birth, gender) if has_id else None})

    def child() -> None:
        age = rng.randint(2, 24)
        birth = max(today - timedelta(days=365 * age + rng.randrange(300)), head_birth + timedelta(days=365 * 20))
        age = (today - birth).days // 365
        stage = ("preschool" if age < 6 else "compulsory" if age < 15 else "high_school" if age < 18
                 else "university" if age < 22 else None)
        person("child", rng.choice("MF"), birth, marital_status="unmarried", stage=stage,
               occupation=None if stage else "务工", income=0 if stage else rng.randint(800, 2500) * 100)

    if marital == "married":
        spouse_birth = head_birth + timedelta(days=rng.randint(-1500, 1500))
        person("spouse", rng.choice("MF"), spouse_birth, marital_status="married",
               income=rng.choice((0, 0, rng.randint(600, 2200) * 100)),
               health=rng.choice(("healthy", "healthy", "chronic", "major_illness", "disability")),
               occupation=rng.choice(("务农", "临时工", "无业", "保洁员")))
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
            child()
        if rng.random() < 0.2:  # a parent living with them is listed but not counted (W1-b)
            person("parent", rng.choice("MF"), head_birth - timedelta(days=365 * rng.randint(22, 32)),
                   marital_status="widowed", occupation="退休")
    elif marital == "unmarried":
        for g in rng.sample(("M", "F"), k=rng.choice((1, 2, 2))):
            person("parent", g, head_birth - timedelta(days=365 * rng.randint(22, 34)), marital_status="married",
                   income=rng.choice((0, rng.randint(300, 1500) * 100)), occupation=rng.choice(("务农", "退休", "无业")),
                   health=rng.choice(("healthy", "chronic", "major_illness")))
        if rng.random() < 0.3:
            person("sibling", rng.choice("MF"), head_birth + timedelta(days=rng.randint(400, 3000)),
                   marital_status="unmarried", stage=rng.choice(("high_school", "university", None)))
    else:  # divorced / widowed: single parent
        for _ in range(rng.choice((1, 1, 2))):
            child()
    return out


def _make_household(rng: Random, i: int, tenant_id: int, today: date, name: str, gender: str, id_number: str,
                    birth: date, mobile: str, org_id: int, member_id: int | None, namer: PersonNamer,
                    new_id_number: Any, policy_on: Any) -> _Household:
    status = _pick(rng, _STATUS_WEIGHTS)
    category = _pick(rng, _CATEGORY_WEIGHTS)
    causes = list(dict.fromkeys(_pick(rng, _CAUSE_WEIGHTS) for _ in range(rng.choice((1, 1, 2, 2, 3)))))
    marital = rng.choices(("married", "unmarried", "divorced", "widowed"), weights=(68, 14, 12, 6))[0]
    if marital in ("divorced", "widowed") and "single_parent" not in causes and rng.random() < 0.6:
        causes.append("single_parent")
    members = _members(rng, namer, today, marital, birth, name[0], new_id_number)
    if "schooling" in causes and not any(m["school_stage"] for m in members):
        causes.remove("schooling")
        causes = causes or ["low_income"]
    size = household_size(marital, [MemberFacts(m["relation"], m["marital_status"], m["name"]) for m in members])
    for m, counted in zip(members, size.counted, strict=True):
        m["counted"] = counted

    # Dates: applied, verified, filed; reviews every 12 months; ~12% of filed households overdue.
    age_days = rng.randint(20, 1700)
    applied_on = today - timedelta(days=age_days)
    if status in ("filed", "exited") and age_days < 60:
        applied_on = today - timedelta(days=rng.randint(60, 1700))
    verified_on = applied_on + timedelta(days=rng.randint(5, 25)) if status != "candidate" else None
    filed_on = verified_on + timedelta(days=rng.randint(3, 20)) if status in ("filed", "exited") and verified_on \
        else None
    policy_id, policy = policy_on(filed_on or verified_on or applied_on)
    line = policy.min_living_line_fen
    major = any(c in ("major_illness", "disaster") for c in causes)
    special = any(c in ("schooling", "disability", "single_parent", "other") for c in causes)
    ceiling = policy.major_pct if major else policy.special_pct if special else policy.basic_pct
    if status == "rejected":
        each = line * ceiling // 100 + rng.randint(50, 900) * 100
    else:
        each = rng.randint(line * 45 // 100, line * ceiling // 100)
    total = each * size.size
    top = 19_000 if status == "rejected" else 60_000  # a rejected household meets no rule, rule 4 included
    medical = rng.randint(500, top) * 100 if "major_illness" in causes else 0
    loss = rng.randint(2000, top) * 100 if "disaster" in causes else 0
    employment = {"laid_off": "laid_off", "migrant": "flexible", "dispatched": "dispatched"}.get(category, "employed")
    if "unemployment" in causes:
        employment = "unemployed"
    head_health = "major_illness" if "major_illness" in causes and rng.random() < 0.5 else \
        "disability" if "disability" in causes and rng.random() < 0.6 else "healthy"
    card = make_bank_card(rng, rng.choice(("622848", "622202", "621700", "623668"))) if rng.random() < 0.88 else None
    row: dict[str, Any] = {
        "tenant_id": tenant_id, "org_id": org_id, "member_id": member_id, "head_name": name,
        "head_birth_date": birth, "head_gender": gender, "mobile": mobile,
        "address": f"{rng.choice(_ROADS)}{rng.randint(1, 300)}号", "employer_id": None,
        "employer_name": None, "employment_status": employment, "stable_employment_since": None,
        "marital_status": marital, "head_health": head_health, "category": category, "causes": causes,
        "household_size": size.size, "household_income_fen": total, "per_capita_income_fen": per_capita(total, size.size),
        "self_paid_medical_fen": medical, "disaster_loss_fen": loss, "bank_name": rng.choice(_BANKS) if card else None,
        "status": status, "source": rng.choice(("application", "application", "nomination")), "rule_code": None,
        "claimed_rule": None, "policy_id": None, "applied_on": applied_on, "verified_on": verified_on,
        "filed_on": filed_on, "last_review_on": None, "next_review_due": None, "review_reminded_on": None,
        "exited_on": None, "exit_reason": None, "exit_note": None, "rejected_reason": None, "remark": None,
        "exit_recommended": False, "version": 1, "_id_number": id_number, "_bank_card": card,
    }
    h = _Household(row, members)
    h.people = [(id_number, "head", name)] + [(m["_id_number"], "member", m["name"]) for m in members
                                              if m["_id_number"]]
    visitors = f"{rng.choice(_VISITORS)}{namer.name('M')}、{namer.name('F')}"
    if verified_on:
        outcome = "not_eligible" if status == "rejected" else rng.choice(("confirmed", "confirmed", "changed"))
        h.visits.append({"kind": "verification", "visited_on": verified_on, "visitors": visitors,
                         "findings": _findings(rng, causes, members), "outcome": outcome,
                         "household_income_fen": total})
    if status == "rejected":
        row["rejected_reason"] = "入户核实：家庭人均收入高于建档标准，不符合建档条件"
    result = assess(_Facts(row), members, policy)
    row["rule_code"] = result.rule_code
    if filed_on is not None:
        row["policy_id"] = policy_id
        end = _exit(rng, h, today, policy_on) if status == "exited" else today
        _reviews(rng, h, end, filed_on, visitors, policy_on)
        _reliefs(rng, h, today, members, card is not None)
        if status == "exited":  # after the exit only the kinds an exited household keeps
            h.reliefs[:] = [r for r in h.reliefs if r["paid_on"] < end
                            or r["kind"] in ("major_illness", "education_jinqiu", "education_yuanmeng")]
            row["next_review_due"] = None
    return h


@dataclass
class _Facts:
    row: dict[str, Any]

    def __getattr__(self, key: str) -> Any:
        return self.row[key]


def _findings(rng: Random, causes: list[str], members: list[dict[str, Any]]) -> str:
    parts = []
    if "major_illness" in causes:
        parts.append(f"家庭成员患{rng.choice(_DISEASES)}，长期治疗，医药费负担重")
    if "schooling" in causes:
        students = [m["name"] for m in members if m["school_stage"]]
        parts.append(f"子女{'、'.join(students[:2]) or ''}在读，学费生活费支出大")
    if "disability" in causes:
        parts.append("本人或家庭成员持有残疾证")
    if "single_parent" in causes:
        parts.append("单亲家庭，独自抚养子女")
    if "unemployment" in causes:
        parts.append("本人下岗失业，靠打零工维持生活")
    if "disaster" in causes:
        parts.append("房屋因暴雨受损，财产损失较大")
    parts.append("住房简陋，家中无大件家电；收入情况与申报基本一致")
    return "；".join(parts) + "。"


def _reviews(rng: Random, h: _Household, today: date, filed_on: date, visitors: str, policy_on: Any) -> None:
    """Yearly reviews up to `today` (the exit day for an exited household)."""
    row = h.row
    months = (today.year - filed_on.year) * 12 + today.month - filed_on.month
    done = max(0, months // 12)
    if done and row["status"] == "filed" and rng.random() < 0.15:
        done -= 1  # review overdue
    last = None
    for k in range(1, done + 1):
        day = add_months(filed_on, 12 * k) + timedelta(days=rng.randint(-20, 10))
        if day > today:
            break
        last = day
        h.visits.append({"kind": "review", "visited_on": day, "visitors": visitors,
                         "findings": "复核：家庭情况无明显变化，继续纳入帮扶。", "outcome": "confirmed",
                         "household_income_fen": row["household_income_fen"]})
    row["last_review_on"] = last
    row["next_review_due"] = add_months(last or filed_on, 12)
    row["policy_id"] = policy_on(last or filed_on)[0]
    if row["status"] == "filed" and row["rule_code"] is None:
        row["exit_recommended"] = True
    if row["status"] == "filed" and last is not None and rng.random() < 0.04:
        row["exit_recommended"] = True
        h.visits[-1]["outcome"] = "recommend_exit"
        h.visits[-1]["findings"] = "复核：家庭收入明显提高，已不符合建档标准，建议脱困退档。"


def _reliefs(rng: Random, h: _Household, today: date, members: list[dict[str, Any]], has_card: bool) -> None:
    row = h.row
    filed_on: date = row["filed_on"]
    method = "bank_card" if has_card else "cash"
    year = filed_on.year
    while date(year, 1, 20) <= today:
        spring = date(year, 1, 20) + timedelta(days=rng.randint(0, 15))
        if filed_on <= spring <= today:
            h.reliefs.append({"kind": "festival", "amount_fen": rng.choice((50000, 50000, 80000, 100000)),
                              "goods_value_fen": rng.choice((0, 20000, 30000)), "goods_description": "米面油",
                              "paid_on": spring, "payment_method": method, "source": "两节送温暖"})
        if rng.random() < 0.55:
            day = date(year, rng.randint(3, 11), rng.randint(1, 28))
            if filed_on <= day <= today:
                h.reliefs.append({"kind": "living", "amount_fen": rng.randint(10, 50) * 10000, "goods_value_fen": 0,
                                  "paid_on": day, "payment_method": method, "note": "生活救助金"})
        if "major_illness" in row["causes"] and rng.random() < 0.5:
            day = date(year, rng.randint(2, 12), rng.randint(1, 28))
            if filed_on <= day <= today:
                h.reliefs.append({"kind": "major_illness", "amount_fen": rng.randint(20, 100) * 10000,
                                  "goods_value_fen": 0, "paid_on": day, "payment_method": method,
                                  "note": "依据《工会职工大病救助补充规定》"})
        for m in members:
            stage = m["school_stage"]
            if stage in ("compulsory", "high_school", "university") and rng.random() < 0.5:
                day = date(year, 9, rng.randint(1, 25))
                if filed_on <= day <= today:
                    kind = "education_yuanmeng" if stage == "university" and rng.random() < 0.5 else "education_jinqiu"
                    amount = {"compulsory": 50000, "high_school": 100000, "university": 300000}[stage]
                    h.reliefs.append({"kind": kind, "amount_fen": amount, "goods_value_fen": 0, "paid_on": day,
                                      "payment_method": method, "beneficiary_name": m["name"], "school_stage": stage})
        year += 1


def _exit(rng: Random, h: _Household, today: date, policy_on: Any) -> date:
    row = h.row
    filed_on: date = row["filed_on"]
    exited_on = min(today - timedelta(days=rng.randint(1, 200)), filed_on + timedelta(days=rng.randint(200, 1200)))
    exited_on = max(exited_on, filed_on + timedelta(days=30))
    if exited_on > today:
        exited_on = today
    reason = _pick(rng, _EXIT_WEIGHTS)
    _, policy = policy_on(exited_on)
    if reason == "income_reached":
        each = pct_of_line(policy, policy.exit_pct) + rng.randint(0, 1500) * 100
        row["household_income_fen"] = each * row["household_size"]
        row["per_capita_income_fen"] = per_capita(row["household_income_fen"], row["household_size"])
    if reason == "stable_employment":
        row["employment_status"] = "employed"
        row["stable_employment_since"] = exited_on - timedelta(days=rng.randint(190, 400))
    row.update(exited_on=exited_on, exit_reason=reason,
               exit_note={"cause_gone": "患病家庭成员已康复，子女已参加工作", "moved_away": "户籍迁出本县",
                          "deceased": "户主因病去世"}.get(reason))
    return exited_on
