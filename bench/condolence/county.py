"""A generated county for the roster benchmark, with the verdict every line should get.

One county (新乡县: 8 townships, `unions` grassroots unions), `persons` people with valid ID numbers
(GB 11643, the county's and migrant workers' home region codes), bank cards (Luhn) and mobiles; a
hardship file of `households` of them (filed, exited, pending, rejected; some reviews overdue, some
incomes over the line); three earlier campaigns (last year's 元旦春节 outside the 6-month window,
this autumn's 中秋 inside it, a first 元旦春节 round of this year); and the nomination workbooks, one
per union, `lines` rows in all, written the way unions fill them in:

- a title row, a header row (four spellings of the headers), 序号, 性别 and 备注 columns the roster does
  not use; 小计 rows every 100 lines in 40% of the workbooks, a blank row in 20%, 合计 and signature
  footers (填表人 / 审核人 / 联系电话) spilling over several columns;
- categories written as labels (or left blank: the hardship file knows them), amounts blank (the
  standard) or typed, mobiles sometimes typed as numbers;
- realistic trouble: the same person nominated by two unions (2.5%) or twice by one (0.4%), people not
  filed (3%), exited (3%), still pending or rejected, helped this autumn (cooldown) or in this year's
  first round, a name that does not match the file, another person's bank card, and bad cells (2%):
  wrong check digits, ID numbers typed as numbers (the last digits lost), bad Luhn, amounts in words
  (伍佰元), a blank name, a short mobile, an unknown category, an amount over the standard.

`oracle()` judges every line in plain Python, independently of the product's SQL, with the rules the
product documents (precedence invalid → duplicate → ineligible → quota → budget; the stable order is
the upload order, then the row): the benchmark compares all 1,000,000 verdicts.

Everything is deterministic (`seed`) and cached under bench/.cache/ (workbooks, people, verdicts).
"""

from __future__ import annotations

import pickle
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from unionhome.core.cnid import id_check_digit, luhn_check_digit
from unionhome.demo.names import _FEMALE, _MALE, _SURNAME_CUM, _SURNAME_LIST
from unionhome.demo.profiles import XINXIANG
from unionhome.domains.condolence.xlsx import write_xlsx

CACHE_ROOT = Path(__file__).resolve().parent.parent / ".cache" / "condolence_roster"
VERSION = 4

# Categories of the campaign: code → (label, standard cash fen, standard goods fen)
CATEGORIES: dict[str, tuple[str, int, int]] = {
    "ordinary": ("困难职工", 50000, 30000),
    "extreme": ("特困职工", 80000, 30000),
    "model_worker": ("困难劳模", 100000, 50000),
    "migrant": ("困难农民工", 50000, 30000),
    "laid_off": ("下岗/失业职工", 50000, 30000),
    "dispatched": ("困难派遣职工", 50000, 30000),
}
CATEGORY_WEIGHTS = {"ordinary": 58, "extreme": 15, "model_worker": 3, "migrant": 14, "laid_off": 7, "dispatched": 3}
STATUS_WEIGHTS = {"filed": 93, "exited": 4, "candidate": 1, "verified": 0.5, "rejected": 1.5}
MIN_LINE_FEN = 78000  # the county's minimum living line (低保线), per person per month
INCOME_LIMIT_PCT = 200  # the campaign's income rule: ≤ 200% of the line
COOLDOWN_MONTHS = 6

# Day offsets from the campaign's reference date (its nomination deadline)
EARLIER = (  # (key, name, festival, year offset, days before the reference date, share of filed people)
    ("A", "元旦春节送温暖（上年）", "spring", -1, 395, 0.30),
    ("B", "中秋慰问", "mid_autumn", 0, 120, 0.04),
    ("C", "元旦春节送温暖（第一批）", "spring", 0, 25, 0.01),
)

HEADERS = (
    ("序号", "姓名", "身份证号码", "性别", "工作单位", "慰问类别", "困难原因", "联系电话", "银行卡号", "开户银行", "慰问金(元)",
     "慰问品(元)", "备注"),
    ("序号", "职工姓名", "身份证号", "性别", "所在单位", "困难类别", "致困原因", "手机号码", "银行账号", "开户行", "慰问金额",
     "慰问品折价", "备注"),
    ("序号", "慰问对象", "公民身份号码", "性别", "单位名称", "人员类别", "主要困难", "联系方式", "卡号", "开户银行", "慰问金",
     "慰问物资", "备注"),
    ("序号", "户主姓名", "身份证件号码", "性别", "工作单位", "类别", "困难原因", "电话", "社保卡号", "银行名称", "发放金额",
     "物资金额", "备注"),
)
REASONS = ("本人患重大疾病", "配偶下岗，子女上学", "家庭成员残疾", "单亲家庭，收入低", "遭受意外灾害", "子女上大学负担重",
           "本人失业", "家庭收入低于低保线", "父母年迈多病")
BANKS = ("中国农业银行新乡县支行", "中国工商银行新乡分行", "新乡农商银行", "中国邮政储蓄银行", "中国建设银行新乡分行")
BINS = ("622848", "622202", "621700", "622188", "623668")
COMPANIES = ("机械有限公司", "纺织有限公司", "食品有限公司", "建材有限公司", "化工有限公司", "物流有限公司", "农业科技有限公司",
             "电器有限公司", "医疗器械有限公司", "包装有限公司")
BRANDS = ("宏达", "鑫源", "恒通", "金鼎", "华瑞", "瑞丰", "永兴", "兴隆", "天成", "隆昌", "嘉禾", "丰源", "新科", "中原", "豫兴",
          "牧野", "卫河", "德润", "和顺", "富康", "荣达", "众鑫", "博远", "昌盛", "锦程", "万通", "广源", "佳美", "诚信", "利民")
REGIONS = ((XINXIANG.region_code, 70), ("410725", 6), ("410726", 5), ("410727", 5), ("410782", 4), ("410781", 4),
           ("410526", 3), ("411421", 1), ("411623", 1), ("341221", 1))

# Line kinds and their shares (what the generator puts in a row); "filed" takes the rest.
KINDS = {
    "exited": 0.03, "pending": 0.01, "rejected": 0.005, "not_filed": 0.06, "helped_b": 0.008, "helped_c": 0.004,
    "dup_other": 0.025, "dup_same": 0.004, "mismatch": 0.002, "card_shared": 0.001, "over_standard": 0.002,
    "bad_check": 0.005, "id_float": 0.004, "bad_luhn": 0.004, "amount_words": 0.003, "blank_name": 0.001,
    "bad_mobile": 0.002, "bad_category": 0.001,
}
PARSE_CODES = {"bad_check": "invalid_id", "id_float": "invalid_id", "bad_luhn": "invalid_bank_card",
               "amount_words": "invalid_amount", "blank_name": "invalid_name", "bad_mobile": "invalid_mobile",
               "bad_category": "invalid_category"}


@dataclass
class Spec:
    lines: int = 1_000_000
    workbooks: int = 500
    households: int = 1_000_000
    seed: int = 2026

    @property
    def key(self) -> str:
        return f"v{VERSION}-{self.lines}-{self.workbooks}-{self.households}-{self.seed}"


@dataclass
class People:
    names: list[str]
    ids: list[str]
    cards: list[str]
    mobiles: list[str]


@dataclass
class Household:
    person: int
    status: str
    category: str
    union: int  # the union that filed it
    review_offset: int | None  # next_review_due − reference date, in days
    exited_offset: int | None
    income_fen: int


@dataclass
class Line:
    wb: int
    row_no: int  # sheet row, Excel numbering
    person: int
    kind: str
    name: str
    category: str | None  # the code the sheet's label stands for (None: left blank)
    cash_fen: int | None  # None: blank (the standard)
    card: str | None  # the card number on the line (None: no card)


@dataclass
class County:
    spec: Spec
    townships: list[str]
    unions: list[tuple[str, int]]  # (name, township index)
    people: People
    households: list[Household]
    by_person: dict[int, int]  # person → household index
    earlier: dict[str, list[int]]  # campaign key → persons helped
    lines: list[Line]
    workbooks: list[Path]
    skipped_rows: int
    expected: list[tuple[str, str | None]] = field(default_factory=list)  # per line: (status, code)
    quotas: list[tuple[int, str | None, int]] = field(default_factory=list)  # (township, category, max)
    budget_cash_fen: int = 0


# ---- people -----------------------------------------------------------------------------------

def make_people(n: int, rng: random.Random) -> People:
    regions = [r for r, _ in REGIONS]
    weights = [w for _, w in REGIONS]
    base = date(1964, 1, 1).toordinal()
    seen: set[str] = set()
    ids: list[str] = []
    region_of = rng.choices(regions, weights=weights, k=n * 2)
    i = 0
    while len(ids) < n:
        d = date.fromordinal(base + rng.randrange(15000))
        body = f"{region_of[i]}{d:%Y%m%d}{rng.randrange(1000):03d}"
        i += 1
        number = body + id_check_digit(body)
        if number not in seen:
            seen.add(number)
            ids.append(number)
    del seen
    surnames = rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM, k=n)
    names = []
    for k in range(n):
        pool = _MALE if int(ids[k][16]) % 2 else _FEMALE
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        names.append(surnames[k] + given)
    cards = []
    for _ in range(n):
        body = rng.choice(BINS) + f"{rng.randrange(10 ** 12):012d}"
        cards.append(body + luhn_check_digit(body))
    prefixes = ("138", "139", "150", "151", "158", "159", "176", "177", "182", "183", "187", "188", "199")
    mobiles = [rng.choice(prefixes) + f"{rng.randrange(10 ** 8):08d}" for _ in range(n)]
    return People(names, ids, cards, mobiles)


# ---- the county ---------------------------------------------------------------------------------

def generate(spec: Spec, log: Callable[[str], None] = print) -> County:
    t0 = time.perf_counter()
    rng = random.Random(spec.seed)
    townships = [t.union for t in XINXIANG.townships]
    unions = []
    for u in range(spec.workbooks):
        brand = BRANDS[u % len(BRANDS)] + BRANDS[(u // len(BRANDS)) % len(BRANDS)]
        unions.append((f"新乡县{brand}{COMPANIES[u % len(COMPANIES)]}工会委员会{u + 1}", u % len(townships)))
    extra = int(spec.lines * 0.08) + 1000
    people = make_people(spec.households + extra, rng)
    log(f"  {len(people.ids):,} people in {time.perf_counter() - t0:.1f} s")
    statuses = list(STATUS_WEIGHTS)
    cats = list(CATEGORY_WEIGHTS)
    status_of = rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()), k=spec.households)
    cat_of = rng.choices(cats, weights=list(CATEGORY_WEIGHTS.values()), k=spec.households)
    households = []
    for p in range(spec.households):
        st = status_of[p]
        review = None
        if st == "filed":
            review = rng.randrange(-60, -1) if rng.random() < 0.04 else rng.randrange(10, 360)
        exited = -rng.randrange(30, 700) if st == "exited" else None
        income = rng.randrange(30000, 150000) if rng.random() > 0.03 else rng.randrange(160000, 260000)
        households.append(Household(p, st, cat_of[p], rng.randrange(spec.workbooks), review, exited, income))
    by_person = {h.person: i for i, h in enumerate(households)}
    filed = [h.person for h in households if h.status == "filed"]
    rng.shuffle(filed)
    earlier: dict[str, list[int]] = {}
    start = 0
    for key, _, _, _, _, share in EARLIER:
        n = int(len(filed) * share) if key != "A" else int(spec.households * share)
        pool = filed[start:start + n] if key != "A" else rng.sample(filed, min(n, len(filed)))
        earlier[key] = pool
        if key != "A":
            start += n
    pools = {
        "filed": filed[start:],
        "exited": [h.person for h in households if h.status == "exited"],
        "pending": [h.person for h in households if h.status in ("candidate", "verified")],
        "rejected": [h.person for h in households if h.status == "rejected"],
        "not_filed": list(range(spec.households, len(people.ids))),
        "helped_b": list(earlier["B"]),
        "helped_c": list(earlier["C"]),
    }
    for pool in pools.values():
        rng.shuffle(pool)
    lines, skipped, paths = _nominations(spec, rng, people, households, by_person, pools)
    log(f"  {len(lines):,} lines in {spec.workbooks} workbooks generated in {time.perf_counter() - t0:.1f} s")
    county = County(spec, townships, unions, people, households, by_person, earlier, lines, paths, skipped)
    return county


def _nominations(spec: Spec, rng: random.Random, people: People, households: list[Household],
                 by_person: dict[int, int], pools: dict[str, list[int]]) -> tuple[list[Line], int, list[Path]]:
    per = spec.lines // spec.workbooks
    kinds = list(KINDS) + ["filed"]
    weights = list(KINDS.values()) + [1 - sum(KINDS.values())]
    lines: list[Line] = []
    nominated: list[int] = []  # persons already on an earlier line (for cross-union duplicates)
    taken = {k: 0 for k in pools}

    def take(pool: str) -> int:
        i = taken[pool]
        if i >= len(pools[pool]):
            raise ValueError(f"not enough people for '{pool}' lines: grow --households or shrink --lines")
        taken[pool] = i + 1
        return pools[pool][i]

    for wb in range(spec.workbooks):
        n = per if wb < spec.workbooks - 1 else spec.lines - per * (spec.workbooks - 1)
        drawn = rng.choices(kinds, weights=weights, k=n)
        own: list[int] = []
        for kind in drawn:
            if kind == "dup_other" and nominated:
                person = nominated[rng.randrange(len(nominated))]
            elif kind == "dup_same" and own:
                person = own[rng.randrange(len(own))]
            elif kind in pools:
                person = take(kind)
            else:
                person = take("filed")
                if kind in ("dup_other", "dup_same"):
                    kind = "filed"
            h = households[by_person[person]] if person in by_person else None
            category: str | None = h.category if h is not None else rng.choice(list(CATEGORIES))
            if h is not None and rng.random() < 0.2:
                category = None  # left blank: the hardship file knows it
            name = people.names[person]
            if kind == "mismatch":
                name = ("王" if name[0] != "王" else "李") + name[1:]
            cash = None if rng.random() < 0.5 else CATEGORIES[category or (h.category if h else "ordinary")][1]
            if kind == "over_standard":
                category = category or (h.category if h else "ordinary")
                cash = CATEGORIES[category][1] + 20000
            card: str | None = people.cards[person]
            if kind == "card_shared" and nominated:
                card = people.cards[nominated[rng.randrange(len(nominated))]]
            elif rng.random() < 0.03:
                card = None
            lines.append(Line(wb, 0, person, kind, name, category, cash, card))
            own.append(person)
        nominated.extend(own)
    return lines, 0, []


def write_workbooks(county: County, directory: Path, log: Callable[[str], None] = print) -> None:
    """The workbooks, one per union (row numbers of the lines are set here)."""
    t0 = time.perf_counter()
    rng = random.Random(county.spec.seed + 1)
    directory.mkdir(parents=True, exist_ok=True)
    people = county.people
    by_wb: dict[int, list[Line]] = {}
    for line in county.lines:
        by_wb.setdefault(line.wb, []).append(line)
    skipped = 0
    paths = []
    for wb, (union, _) in enumerate(county.unions):
        header = HEADERS[wb % len(HEADERS)]
        rows: list[list[Any]] = [[f"{union}2027年元旦春节困难职工慰问推荐名单"], list(header)]
        subtotals = rng.random() < 0.4
        blank_at = rng.randrange(10, 1000) if rng.random() < 0.2 else -1
        company = union.replace("工会委员会", "")
        for i, line in enumerate(by_wb.get(wb, []), start=1):
            if subtotals and i > 1 and (i - 1) % 100 == 0:
                rows.append(["小计", None, None, None, None, None, None, None, None, 100 * 500])
                skipped += 1
            if i == blank_at:
                rows.append([])
                skipped += 1
            p = line.person
            number: Any = people.ids[p]
            kind = line.kind
            if kind == "bad_check" or (kind == "id_float" and number.endswith("X")):
                number = number[:17] + ("0" if number[17] != "0" else "1")
            elif kind == "id_float":
                number = float(number)  # Excel keeps 15 significant digits: the last three are lost
            card: Any = line.card
            if kind == "bad_luhn" and card:
                card = card[:-1] + str((int(card[-1]) + 1) % 10)
            elif kind == "bad_luhn":
                card = people.cards[p][:-1] + str((int(people.cards[p][-1]) + 1) % 10)
            mobile: Any = people.mobiles[p]
            if kind == "bad_mobile":
                mobile = mobile[:10]
            elif rng.random() < 0.1:
                mobile = float(mobile)  # typed as a number: fine for 11 digits
            category = CATEGORIES[line.category][0] if line.category else None
            if kind == "bad_category":
                category = "慰问对象"
            cash: Any = line.cash_fen / 100 if line.cash_fen is not None else None
            if kind == "amount_words":
                cash = "伍佰元"
            name = None if kind == "blank_name" else line.name
            line.row_no = len(rows) + 1
            rows.append([i, name, number, "男" if int(people.ids[p][16]) % 2 else "女", company, category,
                         REASONS[p % len(REASONS)], mobile, card, BANKS[p % len(BANKS)] if card else None, cash, None,
                         None])
        rows.append(["合计", None, None, None, None, None, None, None, None, len(by_wb.get(wb, [])) * 500])
        rows.append(["填表人：张丽", None, "审核人：王建国", None, None, None, "联系电话：0373-5561234"])
        rows.append([None, "单位（盖章）", None, None, None, None, "填报日期：2026年12月20日"])
        skipped += 3
        path = directory / f"wb{wb:04d}.xlsx"
        write_xlsx(path, rows, sheet_name="推荐名单", merges=["A1:M1"], bold_rows=[2])
        paths.append(path)
    county.workbooks = paths
    county.skipped_rows = skipped
    log(f"  {len(paths)} workbooks written in {time.perf_counter() - t0:.1f} s "
        f"({sum(p.stat().st_size for p in paths) / 1e6:.0f} MB)")


# ---- the oracle ---------------------------------------------------------------------------------

def oracle(county: County) -> None:
    """Every line's expected (status, code), and the quotas and budget that make some over."""
    people, hh = county.people, county.households
    helped_b, helped_c = set(county.earlier["B"]), set(county.earlier["C"])
    limit = MIN_LINE_FEN * INCOME_LIMIT_PCT // 100
    pre: list[tuple[str, str | None]] = []
    first_id: dict[str, int] = {}
    first_card: dict[str, tuple[int, str]] = {}
    cats: list[str | None] = []
    cash: list[int] = []
    for i, line in enumerate(county.lines):
        p = line.person
        h = hh[county.by_person[p]] if p in county.by_person else None
        code: str | None = PARSE_CODES.get(line.kind)
        cat = line.category or (h.category if h is not None else None)
        if code is None and line.kind == "bad_category":
            code = "invalid_category"
        amount = line.cash_fen if line.cash_fen is not None else (CATEGORIES[cat][1] if cat else 0)
        if code is None and cat is None:
            code = "invalid_category"
        if code is None and line.cash_fen is not None and cat and line.cash_fen > CATEGORIES[cat][1]:
            code = "invalid_amount"
        if code is None and h is not None and line.name != people.names[p]:
            code = "name_mismatch"
        cats.append(cat)
        cash.append(amount)
        if code is not None:
            pre.append(("invalid", code))
            continue
        number = people.ids[p]
        if number in first_id:
            pre.append(("duplicate", "duplicate_id"))
            continue
        first_id[number] = i
        if line.card is not None:
            if line.card in first_card and first_card[line.card][1] != number:
                pre.append(("duplicate", "duplicate_bank_card"))
                continue
            first_card.setdefault(line.card, (i, number))
        if h is None:
            pre.append(("ineligible", "not_filed"))
        elif h.status in ("candidate", "verified"):
            pre.append(("ineligible", "file_pending"))
        elif h.status == "rejected":
            pre.append(("ineligible", "file_rejected"))
        elif h.status == "exited":
            pre.append(("ineligible", "file_exited"))
        elif h.review_offset is not None and h.review_offset < 0:
            pre.append(("ineligible", "review_overdue"))
        elif h.income_fen > limit:
            pre.append(("ineligible", "income_over"))
        elif p in helped_c:
            pre.append(("ineligible", "helped_this_festival"))
        elif p in helped_b:
            pre.append(("ineligible", "cooldown"))
        else:
            pre.append(("ok", None))
    # Quotas: each township at 97% of its eligible lines; 困难劳模 of the first township at 80%.
    township = [county.unions[line.wb][1] for line in county.lines]
    eligible_t: dict[int, int] = {}
    eligible_mw = 0
    for i, (st, _) in enumerate(pre):
        if st == "ok":
            eligible_t[township[i]] = eligible_t.get(township[i], 0) + 1
            if township[i] == 0 and cats[i] == "model_worker":
                eligible_mw += 1
    county.quotas = [(0, "model_worker", eligible_mw * 8 // 10)] + [
        (t, None, n * 97 // 100) for t, n in sorted(eligible_t.items())]
    verdict = list(pre)
    for t, cat, cap in county.quotas:  # level order: township + category first, then townships
        used = 0
        for i, (st, _) in enumerate(verdict):
            if st != "ok" or township[i] != t or (cat is not None and cats[i] != cat):
                continue
            used += 1
            if used > cap:
                verdict[i] = ("over_quota", "over_quota")
    total = sum(cash[i] for i, (st, _) in enumerate(verdict) if st == "ok")
    county.budget_cash_fen = total * 98 // 100
    run = 0
    for i, (st, _) in enumerate(verdict):
        if st != "ok" or cash[i] <= 0:
            continue
        run += cash[i]
        if run > county.budget_cash_fen:
            verdict[i] = ("over_budget", "over_budget")
    county.expected = verdict


# ---- cache --------------------------------------------------------------------------------------

def load_or_generate(spec: Spec, log: Callable[[str], None] = print) -> County:
    directory = CACHE_ROOT / spec.key
    data = directory / "county.pickle"
    if data.exists():
        t0 = time.perf_counter()
        with data.open("rb") as f:
            county: County = pickle.load(f)
        if all(p.exists() for p in county.workbooks):
            log(f"  cached county {spec.key} loaded in {time.perf_counter() - t0:.1f} s")
            return county
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    (CACHE_ROOT.parent / ".gitignore").write_text("*\n")
    county = generate(spec, log)
    write_workbooks(county, directory / "workbooks", log)
    oracle(county)
    with data.open("wb") as f:
        pickle.dump(county, f, protocol=pickle.HIGHEST_PROTOCOL)
    return county


def reference_offsets() -> dict[str, int]:
    return {key: days for key, _, _, _, days, _ in EARLIER}


def as_date(ref: date, offset: int | None) -> date | None:
    return None if offset is None else ref + timedelta(days=offset)
