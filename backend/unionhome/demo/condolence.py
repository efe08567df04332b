"""A demo county's festival condolence (节日慰问): last year's 元旦春节 campaign and this autumn's 中秋
campaign (closed, their help recorded; last year's with the whole workflow after the roster: the
county's freeze, the public notice as posted with objections — one dismissed, one upheld —, two
visiting groups with their visit records, and a bank batch whose return file paid most lines and
failed two), and this year's 元旦春节送温暖 campaign in progress, mid-review: categories
with standard amounts, quotas per township, the rules, a budget, and the nomination workbooks of a few
unions uploaded and judged by the roster job itself — with what real lists contain: people not filed,
exited or pending, helped this autumn, the same person nominated by two unions or twice by one, a wrong
check digit, an ID number typed as a number, a bad card, an amount in words, subtotal and footer rows.
One union's list is a dry run (试算), not submitted yet. Of the submitted lists, the first union has
approved its good lines and returned one for correction, the second's have passed the township too.

People come from the demo's hardship file (demo/hardship.py) and member register; without a hardship
file the campaign does not ask for one. Idempotent: a tenant that has campaigns is left alone.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any

from sqlalchemy import func, select, update

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
from ..domains.condolence.workflow_models import (
    CondolenceNotice,
    CondolenceNoticeLine,
    CondolenceObjection,
    CondolencePayment,
    CondolencePaymentBatch,
    CondolenceReview,
    CondolenceVisit,
    CondolenceVisitGroup,
)
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
    root = s.execute(select(Org).where(Org.parent_id.is_(None))).scalars().first()
    for name, festival, year, day, helped, full in (
            (f"{today.year - 1}年元旦春节送温暖活动", "spring", today.year - 1, today - timedelta(days=320), helped_last_year,
             True),
            (f"{today.year}年中秋慰问", "mid_autumn", today.year, today - timedelta(days=75), helped_autumn, False)):
        lines = _closed_campaign(tenant_id, name, festival, year, _deadline(day), helped,
                                 unions[0].id if unions else None, rng)
        if full and lines and root is not None:
            _past_workflow(lines, root, townships, _deadline(day), rng)

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
        _mid_review(campaign, [b for b in batches if b.submitted_at is not None], nominating, townships)
    log.info("demo condolence: campaign %s with %d nomination batches", campaign.id, len(batches))
    return int(campaign.id)


def _township(org: Org, townships: list[Org]) -> int | None:
    best = None
    for t in townships:
        if org.path.startswith(t.path) and (best is None or len(t.path) > len(best.path)):
            best = t
    return best.id if best is not None else None


def _closed_campaign(tenant_id: int, name: str, festival: str, year: int, when: datetime, helped: list[Any],
                     org_id: int | None, rng: Random) -> list[CondolenceLine]:
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
        return []
    b = CondolenceBatch(tenant_id=tenant_id, campaign_id=c.id, org_id=org_id, source="manual", status="submitted",
                        submitted_at=when, lines_total=len(helped), lines_ok=len(helped))
    s.add(b)
    s.flush()
    lines = []
    for row_no, (h, name_, number) in enumerate(helped, start=1):
        card = make_bank_card(rng)
        lines.append(CondolenceLine(
            tenant_id=tenant_id, campaign_id=c.id, batch_id=b.id, org_id=h.org_id if h else org_id, row_no=row_no,
            name=name_, id_enc=cipher.encrypt(tenant_id, number),
            id_hash=cipher.lookup_hash(tenant_id, "id_number", number), id_last4=number[-4:], id_region=number[:6],
            bank_card_enc=cipher.encrypt(tenant_id, card), bank_card_hash=cipher.lookup_hash(tenant_id, "bank_card", card),
            bank_card_last4=card[-4:], category_code="ordinary", cash_fen=50000, goods_fen=30000,
            household_id=h.id if h else None, check_status="ok", review_status="county_approved",
            payment_status="paid", paid_at=when + timedelta(days=10), objection_upheld=False,
            mobile="1" + rng.choice("3589") + f"{rng.randrange(10 ** 9):09d}", bank_name="中国农业银行新乡县支行",
            work_unit="新乡县某公司", reason=REASONS[row_no % len(REASONS)]))
    s.add_all(lines)
    s.flush()
    return lines


def _past_workflow(lines: list[CondolenceLine], root: Org, townships: list[Org], when: datetime, rng: Random) -> None:
    """What happened to last year's roster after it was frozen (all written as the services would)."""
    s = db.session
    c = s.get(CondolenceCampaign, (lines[0].tenant_id, lines[0].campaign_id))
    assert c is not None
    day = when.astimezone(CHINA_TZ).date()
    s.add(CondolenceReview(campaign_id=c.id, scope="campaign", line_count=len(lines), level="county", action="freeze",
                           to_status="county_approved", comment="经县总工会党组会研究审定", actor_name="县总工会",
                           created_at=when))
    # 公示: seven days, posted the day before it started; objections during the window
    start, end = day + timedelta(days=2), day + timedelta(days=8)
    notice = CondolenceNotice(campaign_id=c.id, org_id=root.id, title=f"{c.name}慰问对象公示", start_date=start,
                              end_date=end, place="县总工会一楼公示栏及各镇街便民服务中心", contact="0373-5561234",
                              status="posted", posted_on=start - timedelta(days=1), line_count=len(lines),
                              cash_fen=sum(x.cash_fen for x in lines), goods_fen=sum(x.goods_fen for x in lines))
    s.add(notice)
    s.flush()
    s.add_all([CondolenceNoticeLine(notice_id=notice.id, line_id=x.id, seq=n) for n, x in enumerate(lines, start=1)])
    upheld = lines[1] if len(lines) >= 4 else None
    s.add(CondolenceObjection(notice_id=notice.id, line_id=lines[0].id, content="反映其家庭收入已超过困难标准",
                              received_on=start + timedelta(days=2), received_from="匿名", outcome="dismissed",
                              outcome_note="经镇街工会入户核实，其家庭人均收入低于当地最低生活保障标准的1.5倍，异议不成立",
                              decided_at=when + timedelta(days=8)))
    if upheld is not None:
        s.add(CondolenceObjection(notice_id=notice.id, line_id=upheld.id, content="反映其已由所在单位另行发放慰问金",
                                  received_on=start + timedelta(days=3), received_from="同单位职工", contact="139****5678",
                                  outcome="upheld", outcome_note="经核实情况属实，本次不予发放",
                                  decided_at=when + timedelta(days=9)))
        upheld.objection_upheld, upheld.payment_status, upheld.paid_at = True, "unpaid", None
    # 走访: two groups share the households; a few visits recorded (goods handed over, one paid in cash)
    visit_day = end + timedelta(days=3)
    groups = [CondolenceVisitGroup(campaign_id=c.id, name="第一组", leader="县委副书记、县总工会主席 王建国",
                                   departments=["县总工会", "县民政局"], visit_date=visit_day, visit_time=time(9, 0),
                                   meeting_time=time(8, 30), meeting_point="县总工会院内",
                                   area_org_id=townships[0].id if townships else None, contact="0373-5561234"),
              CondolenceVisitGroup(campaign_id=c.id, name="第二组", leader="县总工会常务副主席 李红",
                                   departments=["县总工会", "县人社局"], visit_date=visit_day + timedelta(days=1),
                                   visit_time=time(14, 30), meeting_time=time(14, 0), meeting_point="县政府西门",
                                   area_org_id=townships[1].id if len(townships) > 1 else None)]
    s.add_all(groups)
    s.flush()
    payable = [x for x in lines if x is not upheld]
    for n, x in enumerate(payable):
        x.visit_group_id = groups[n % 2].id
    cash_line = payable[0] if len(payable) >= 4 else None
    visits = []
    for x in payable[:4]:
        group = groups[0] if x.visit_group_id == groups[0].id else groups[1]
        cash = x.cash_fen if x is cash_line else 0
        visits.append((x, CondolenceVisit(campaign_id=c.id, line_id=x.id, group_id=group.id, visited_on=group.visit_date,
                                          cash_fen=cash, goods_desc="大米一袋、食用油一桶", goods_fen=x.goods_fen,
                                          notes="入户慰问，了解家庭近况" if cash == 0 else "现场发放慰问金并签收",
                                          recorder_name="县总工会权益保障部")))
    s.add_all([v for _, v in visits])
    s.flush()
    paid_cash = set()
    for x, v in visits:
        if v.cash_fen:
            at = datetime.combine(v.visited_on, time(10, 0), tzinfo=CHINA_TZ).astimezone(UTC)
            s.add(CondolencePayment(campaign_id=c.id, line_id=x.id, method="cash", visit_id=v.id, amount_fen=v.cash_fen,
                                    status="paid", paid_at=at))
            x.payment_status, x.paid_at = "paid", at
            paid_cash.add(x.id)
    # 打卡发放: one bank batch for the rest; the bank's return file paid all but two
    bank = [x for x in payable if x.id not in paid_cash]
    if not bank:
        return
    exported_at = datetime.combine(end + timedelta(days=2), time(10, 0), tzinfo=CHINA_TZ).astimezone(UTC)
    returned_at = exported_at + timedelta(days=3)
    failed = {bank[-1].id: "账户已销户", bank[-2].id: "户名与账号不符"} if len(bank) >= 6 else {}
    batch = CondolencePaymentBatch(campaign_id=c.id, batch_no=f"{c.year}-{c.id}-001", status="completed",
                                   remark=f"{c.name}慰问金", payer_account="县总工会基本户 ****6688", downloads=1,
                                   result_filename="代发回盘文件.xlsx", results_imported_at=returned_at,
                                   creator_name="县总工会财务部", created_at=exported_at)
    s.add(batch)
    s.flush()
    for seq, x in enumerate(bank, start=1):
        reason = failed.get(x.id)
        s.add(CondolencePayment(campaign_id=c.id, line_id=x.id, method="bank", batch_id=batch.id, seq=seq,
                                amount_fen=x.cash_fen, status="failed" if reason else "paid", failure_reason=reason,
                                paid_at=None if reason else returned_at, created_at=exported_at))
        x.payment_status, x.paid_at = ("failed", None) if reason else ("paid", returned_at)
    batch.line_count, batch.total_fen = len(bank), sum(x.cash_fen for x in bank)
    batch.paid_count = len(bank) - len(failed)
    batch.paid_fen = sum(x.cash_fen for x in bank if x.id not in failed)
    batch.failed_count = len(failed)
    s.flush()


def _mid_review(campaign: CondolenceCampaign, batches: list[CondolenceBatch], unions: list[Org],
                townships: list[Org]) -> None:
    """This year's roster part way up the chain: the first union approved its good lines and returned
    one; the second union's passed its township as well. Written as review_batch/review_lines write."""
    s = db.session
    now = datetime.now(UTC)
    names = {u.id: u.name for u in unions}
    for n, b in enumerate(batches[:2]):
        ok = list(s.execute(select(CondolenceLine.id).where(
            CondolenceLine.batch_id == b.id, CondolenceLine.check_status == "ok",
            CondolenceLine.review_status == "pending").order_by(CondolenceLine.row_no)).scalars())
        if not ok:
            continue
        returned = ok[-1] if n == 0 and len(ok) > 1 else None
        approve = [i for i in ok if i != returned]
        steps: list[tuple[str, str, int | None, str]] = [
            ("grassroots", "grassroots_approved", b.org_id, f"{names.get(b.org_id, '')}")]
        if n == 1:
            township = _township(next(u for u in unions if u.id == b.org_id), townships) if b.org_id in names else None
            steps.append(("township", "township_approved", township, "镇街工会"))
        for level, status, org_id, who in steps:
            s.execute(update(CondolenceLine).where(CondolenceLine.id.in_(approve))
                      .values(review_status=status, reviewed_at=now).execution_options(synchronize_session=False))
            s.add(CondolenceReview(campaign_id=campaign.id, scope="batch", batch_id=b.id, line_ids=approve,
                                   line_count=len(approve), level=level, action="approve", to_status=status,
                                   org_id=org_id, actor_name=f"{who}审核人"[:100]))
        if returned is not None:
            comment = "银行卡号与户名不符，请核对后重新提交"
            s.execute(update(CondolenceLine).where(CondolenceLine.id == returned)
                      .values(review_status="returned", review_comment=comment, reviewed_at=now)
                      .execution_options(synchronize_session=False))
            s.add(CondolenceReview(campaign_id=campaign.id, scope="line", batch_id=b.id, line_id=returned, line_count=1,
                                   level="grassroots", action="return", to_status="returned", comment=comment,
                                   org_id=b.org_id, actor_name=f"{names.get(b.org_id, '')}审核人"[:100]))
    s.commit()


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
