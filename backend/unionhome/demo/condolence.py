"""A demo county's festival condolence (节日慰问): last year's 元旦春节 campaign and this autumn's 中秋
campaign (closed, their help recorded), and this year's 元旦春节送温暖 campaign in progress: categories
with standard amounts, quotas per township, the rules, a budget, and the nomination workbooks of a few
unions uploaded and judged by the roster job itself — with what real lists contain: people not filed,
exited or pending, helped this autumn, the same person nominated by two unions or twice by one, a wrong
check digit, an ID number typed as a number, a bad card, an amount in words, subtotal and footer rows.
One union's list is a dry run (试算), not submitted yet.

People come from the demo's hardship file (demo/hardship.py) and member register; without a hardship
file the campaign does not ask for one. Idempotent: a tenant that has campaigns is left alone.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any

from sqlalchemy import func, select

from ..core.clock import CHINA_TZ
from ..core.cnid import make_bank_card
from ..core.pii import get_cipher
from ..core.storage import get_storage, object_key
from ..domains.auth.models import User
from ..domains.condolence.models import (
    CondolenceBatch,
    CondolenceCampaign,
    CondolenceCategory,
    CondolenceLine,
    CondolenceQuota,
)
from ..domains.condolence.roster.jobs import run_inline
from ..domains.condolence.xlsx import write_xlsx
from ..domains.hardship.models import CATEGORIES, HardshipHousehold
from ..domains.orgs.models import Member, Org
from ..extensions import db

log = logging.getLogger(__name__)

STANDARDS = {"model_worker": (100000, 50000), "extreme": (80000, 30000), "ordinary": (50000, 30000),
             "migrant": (50000, 30000), "laid_off": (50000, 30000), "dispatched": (50000, 30000)}
HEADER = ["序号", "姓名", "身份证号码", "性别", "工作单位", "困难类别", "困难原因", "联系电话", "银行卡号", "开户银行", "慰问金(元)",
          "慰问品(元)", "备注"]
REASONS = ("本人患重大疾病", "子女上学负担重", "配偶下岗", "单亲家庭收入低", "家庭成员残疾", "遭受意外灾害")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _deadline(day: date) -> datetime:
    return datetime.combine(day, time(17, 30), tzinfo=CHINA_TZ).astimezone(UTC)


def seed_condolence(tenant_id: int, seed: int, today: date) -> int | None:
    """Run in the tenant's context, after the org register and the hardship file. Returns the id of the
    campaign in progress (None when the tenant already had campaigns)."""
    s = db.session
    if s.execute(select(func.count()).select_from(CondolenceCampaign)).scalar_one():
        return None
    rng = Random(seed * 17 + 3)
    cipher = get_cipher()
    townships = list(s.execute(select(Org).where(Org.org_type == "township").order_by(Org.id)).scalars())
    unions = list(s.execute(select(Org).where(Org.org_type == "grassroots").order_by(Org.id)).scalars())
    chair = s.execute(select(User.scope_org_id).where(User.tenant_id == tenant_id,
                                                      User.role == "grassroots_chair")).scalar_one_or_none()
    households = list(s.execute(select(HardshipHousehold).order_by(HardshipHousehold.id)).scalars())
    people = [(h, h.head_name, cipher.decrypt(tenant_id, h.head_id_enc)) for h in households]
    by_status: dict[str, list[Any]] = {}
    for p in people:
        by_status.setdefault(p[0].status, []).append(p)
    filed = by_status.get("filed", [])
    rng.shuffle(filed)
    has_file = bool(filed)
    members = list(s.execute(select(Member).order_by(Member.id).limit(400)).scalars())
    in_file = {p[2] for p in people}
    outsiders = [(None, m.name, n) for m in members
                 if (n := cipher.decrypt(tenant_id, m.id_number_enc)) not in in_file][:40]

    # Earlier campaigns: last year's 元旦春节 and this autumn's 中秋, their help recorded.
    helped_autumn = filed[:max(2, len(filed) // 20)]
    helped_last_year = filed[len(helped_autumn):len(helped_autumn) + len(filed) // 6]
    for name, festival, year, day, helped in (
            (f"{today.year - 1}年元旦春节送温暖活动", "spring", today.year - 1, today - timedelta(days=320), helped_last_year),
            (f"{today.year}年中秋慰问", "mid_autumn", today.year, today - timedelta(days=75), helped_autumn)):
        _closed_campaign(tenant_id, name, festival, year, _deadline(day), helped, unions[0].id if unions else None, rng)

    fresh = filed[len(helped_autumn) + len(helped_last_year):]
    campaign = CondolenceCampaign(
        tenant_id=tenant_id, name=f"{today.year}年元旦春节送温暖活动", festival="spring", year=today.year,
        basis_document=f"县总工会〔{today.year}〕45号《关于开展{today.year + 1}年元旦春节送温暖活动的通知》",
        budget_cash_fen=0, budget_goods_fen=0, nomination_deadline=_deadline(today + timedelta(days=20)),
        status="nominating", rules={"require_hardship_file": has_file, "exclude_exited": True,
                                    "exclude_review_overdue": False, "income_limit_pct": None,
                                    "once_per_festival": True, "cooldown_months": 6},
        remark="各基层工会摸清底数，经本单位公示后上报推荐名单。")
    s.add(campaign)
    s.flush()
    for code, label in CATEGORIES.items():
        cash, goods = STANDARDS[code]
        s.add(CondolenceCategory(tenant_id=tenant_id, campaign_id=campaign.id, code=code, name=label,
                                 standard_cash_fen=cash, standard_goods_fen=goods))
    s.flush()

    nominating = [u for u in unions if u.id == chair] + [u for u in unions if u.id != chair]
    nominating = nominating[:6 if len(unions) > 20 else 3]
    per_union = max(8, min(40, len(fresh) // max(1, len(nominating) + 1)))
    lists: list[list[Any]] = []
    taken = 0
    for _ in nominating:
        lists.append(fresh[taken:taken + per_union])
        taken += per_union
    extras = {k: by_status.get(k, [])[:3] for k in ("exited", "candidate", "verified", "rejected")}
    # What real lists contain, spread over the unions.
    for i, rows in enumerate(lists):
        for k in ("exited", "candidate", "rejected"):
            if len(extras[k]) > i:
                rows.append(extras[k][i])
        rows.extend(outsiders[i * 2:i * 2 + 2])
        if helped_autumn and i < len(helped_autumn):
            rows.append(helped_autumn[i])
    if len(lists) > 1 and lists[0]:
        lists[1].append(lists[0][0])  # the same person nominated by a second union
    ok_guess = 0
    storage_ok = True
    batches: list[CondolenceBatch] = []
    for i, (union, rows) in enumerate(zip(nominating, lists, strict=True)):
        cells = _workbook(union, rows, rng, bad=i == 0)
        ok_guess += len(rows)
        buf = io.BytesIO()
        write_xlsx(buf, cells, sheet_name="推荐名单", merges=["A1:M1"], bold_rows=[2])
        data = buf.getvalue()
        key = object_key(tenant_id, "condolence", ".xlsx")
        try:
            if storage_ok:
                get_storage().put(key, data, content_type=XLSX)
        except Exception:  # no S3 at hand: the demo keeps the campaign without uploads
            log.warning("demo condolence: S3 unavailable, nominations not uploaded", exc_info=True)
            storage_ok = False
        if not storage_ok:
            break
        draft = i == len(nominating) - 1 and len(nominating) > 1
        batch = CondolenceBatch(tenant_id=tenant_id, campaign_id=campaign.id, org_id=union.id, source="upload",
                                filename=f"{union.name}推荐名单.xlsx", storage_key=key, file_size=len(data),
                                status="uploaded",
                                submitted_at=None if draft else datetime.now(UTC) - timedelta(hours=len(nominating) - i))
        s.add(batch)
        batches.append(batch)
    s.flush()
    # Quotas: each township a little below what its unions nominate; the budget near the total.
    town_of = {o.id: _township(o, townships) for o in nominating}
    counts: dict[int, int] = {}
    for union, rows in zip(nominating, lists, strict=True):
        t = town_of.get(union.id)
        if t is not None:
            counts[t] = counts.get(t, 0) + len(rows)
    for t in townships:
        s.add(CondolenceQuota(tenant_id=tenant_id, campaign_id=campaign.id, org_id=t.id,
                              max_households=max(3, counts.get(t.id, 10) * 7 // 10)))
    campaign.budget_cash_fen = max(100000, ok_guess * 50000 * 8 // 10)
    campaign.budget_goods_fen = ok_guess * 30000
    s.commit()
    if batches:
        run_inline(tenant_id, campaign.id)
    log.info("demo condolence: campaign %s with %d nomination batches", campaign.id, len(batches))
    return int(campaign.id)


def _township(org: Org, townships: list[Org]) -> int | None:
    best = None
    for t in townships:
        if org.path.startswith(t.path) and (best is None or len(t.path) > len(best.path)):
            best = t
    return best.id if best is not None else None


def _closed_campaign(tenant_id: int, name: str, festival: str, year: int, when: datetime, helped: list[Any],
                     org_id: int | None, rng: Random) -> None:
    s = db.session
    cipher = get_cipher()
    c = CondolenceCampaign(tenant_id=tenant_id, name=name, festival=festival, year=year, status="closed",
                           nomination_deadline=when, frozen_at=when, budget_cash_fen=len(helped) * 50000,
                           budget_goods_fen=len(helped) * 30000, rules={})
    s.add(c)
    s.flush()
    s.add(CondolenceCategory(tenant_id=tenant_id, campaign_id=c.id, code="ordinary", name="困难职工",
                             standard_cash_fen=50000, standard_goods_fen=30000))
    if not helped or org_id is None:
        return
    b = CondolenceBatch(tenant_id=tenant_id, campaign_id=c.id, org_id=org_id, source="manual", status="submitted",
                        submitted_at=when, lines_total=len(helped), lines_ok=len(helped))
    s.add(b)
    s.flush()
    for row_no, (h, name_, number) in enumerate(helped, start=1):
        card = make_bank_card(rng)
        s.add(CondolenceLine(
            tenant_id=tenant_id, campaign_id=c.id, batch_id=b.id, org_id=h.org_id if h else org_id, row_no=row_no,
            name=name_, id_enc=cipher.encrypt(tenant_id, number),
            id_hash=cipher.lookup_hash(tenant_id, "id_number", number), id_last4=number[-4:], id_region=number[:6],
            bank_card_enc=cipher.encrypt(tenant_id, card), bank_card_hash=cipher.lookup_hash(tenant_id, "bank_card", card),
            bank_card_last4=card[-4:], category_code="ordinary", cash_fen=50000, goods_fen=30000,
            household_id=h.id if h else None, check_status="ok", review_status="county_approved",
            payment_status="paid", paid_at=when + timedelta(days=10), objection_upheld=False))
    s.flush()


def _workbook(union: Org, rows: list[Any], rng: Random, *, bad: bool) -> list[list[Any]]:
    """A union's list as it fills it in; the first union's also has the usual mistakes."""
    out: list[list[Any]] = [[f"{union.name}{date.today().year + 1}年元旦春节困难职工慰问推荐名单"], list(HEADER)]
    company = union.name.replace("工会委员会", "").replace("工会", "")
    for i, (h, name, number) in enumerate(rows, start=1):
        category = CATEGORIES.get(h.category) if h is not None and rng.random() < 0.7 else (
            None if h is not None else "困难职工")
        card = make_bank_card(rng)
        mobile = "1" + rng.choice("3589") + f"{rng.randrange(10 ** 9):09d}"
        out.append([i, name, number, "男" if int(number[16]) % 2 else "女", company, category,
                    REASONS[i % len(REASONS)], mobile, card, "中国农业银行新乡县支行", None, None, None])
        if i % 15 == 0:
            out.append(["小计", None, None, None, None, None, None, None, None, i * 500, None, None, None])
    if bad and rows:
        h, name, number = rows[0]
        n = len(rows)
        out.append([n + 1, name, number, "男", company, None, "重复填报", None, None, None, None, None, None])
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        out.append([n + 2, "李明华", wrong, "男", company, "困难职工", "本人患病", None, make_bank_card(rng), None, None, None,
                    None])
        out.append([n + 3, "王秀英", float("410721197503" + "152226") if number[-1] != "X" else wrong, "女", company,
                    "困难职工", "家庭收入低", None, None, None, None, None, None])
        good_card = make_bank_card(rng)
        out.append([n + 4, "赵建国", "41072119680312", "男", company, "困难职工", "下岗", None,
                    good_card[:-1] + str((int(good_card[-1]) + 1) % 10), None, "伍佰元", None, None])
    out.append(["合计", None, None, None, None, None, None, None, None, len(rows) * 500, None, None, None])
    out.append(["填表人：张丽", None, "审核人：王建国", None, None, None, "联系电话：0373-5561234"])
    return out
