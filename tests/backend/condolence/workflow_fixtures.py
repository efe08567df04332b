"""Fixtures of the WORKFLOW tests (review chain onward): a campaign with roster lines written straight
into the database (judged `ok`, in submitted batches), and logins at each review level — a grassroots
chair of a union inside a township, that township's staff, the county — plus a chair elsewhere.

Tests import the fixture function (registered under its name `chain`):
`from tests.backend.condolence.workflow_fixtures import chain_fixture  # noqa: F401`.
"""

from __future__ import annotations

import base64
import itertools
import random
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from rq.utils import import_attribute
from sqlalchemy import select, update

from unionhome.core.clock import today as china_today
from unionhome.core.cnid import make_bank_card, make_id_number, make_mobile
from unionhome.core.passwords import hash_password
from unionhome.core.pii import get_cipher
from unionhome.core.tenancy import system_context, tenant_context
from unionhome.domains.auth.models import User
from unionhome.domains.condolence.models import (
    CondolenceBatch,
    CondolenceCampaign,
    CondolenceCategory,
    CondolenceLine,
    CondolenceQuota,
)
from unionhome.domains.condolence.workflow_models import CondolenceNotice
from unionhome.domains.jobs.models import Job
from unionhome.domains.orgs.models import Org
from unionhome.extensions import db

PASSWORD = "Workflow@2026"
_seq = itertools.count(1)
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


@dataclass
class Person:
    name: str
    id_number: str
    card: str
    mobile: str


@dataclass
class Chain:
    tenant_id: int
    admin: Any  # federation admin (county level)
    township: Any  # org staff of `township_id`
    chair: Any  # grassroots chair of `grassroots_id` (inside the township)
    other_chair: Any  # grassroots chair of `other_grassroots_id` (another township)
    township_id: int
    grassroots_id: int
    other_township_id: int
    other_grassroots_id: int
    campaign_id: int = 0
    batch_id: int = 0
    other_batch_id: int = 0
    line_ids: list[int] = field(default_factory=list)
    other_line_ids: list[int] = field(default_factory=list)
    people: dict[int, Person] = field(default_factory=dict)  # line id → who


def person(rng: random.Random, name: str | None = None) -> Person:
    name = name or rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(12000))
    return Person(name, make_id_number(rng, "410721", birth), make_bank_card(rng), make_mobile(rng))


def make_user(client_cls: type, app: Any, tenant_id: int, role: str, scope_org_id: int) -> Any:
    username = f"wf.{role}.{next(_seq)}.{tenant_id}"
    with system_context("test user"):
        db.session.add(User(tenant_id=tenant_id, username=username, display_name=f"测试{role}", role=role,
                            password_hash=hash_password(PASSWORD), scope_org_id=scope_org_id))
        db.session.commit()
    c = client_cls(app)
    resp = c.login(username, PASSWORD)
    assert resp.status_code == 200, resp.get_json()
    c.user = resp.get_json()
    return c


def _orgs(tenant_id: int) -> tuple[int, int, int, int]:
    """(township, grassroots inside it, another township, grassroots inside that one)."""
    with tenant_context(tenant_id):
        orgs = db.session.execute(select(Org.id, Org.path, Org.org_type).order_by(Org.path)).all()
        db.session.rollback()
    towns = [o for o in orgs if o.org_type == "township"]
    picked: list[tuple[int, int]] = []
    for t in towns:
        inner = [o for o in orgs if o.org_type == "grassroots" and o.path.startswith(t.path)]
        if inner:
            picked.append((t.id, inner[0].id))
    assert len(picked) >= 2, "the demo county needs two townships with grassroots unions"
    return picked[0][0], picked[0][1], picked[1][0], picked[1][1]


def build_chain(app: Any, login_as: Any, tenant: int = 0) -> Chain:
    admin = login_as("federation_admin", tenant=tenant)
    tid = int(admin.user["tenant"]["id"])
    township_id, grassroots_id, other_town, other_grassroots = _orgs(tid)
    cls = type(admin)
    return Chain(tenant_id=tid, admin=admin,
                 township=make_user(cls, app, tid, "org_staff", township_id),
                 chair=make_user(cls, app, tid, "grassroots_chair", grassroots_id),
                 other_chair=make_user(cls, app, tid, "grassroots_chair", other_grassroots),
                 township_id=township_id, grassroots_id=grassroots_id, other_township_id=other_town,
                 other_grassroots_id=other_grassroots)


def add_campaign(tenant_id: int, *, status: str = "reviewing", year: int = 2027, festival: str = "spring",
                 budget_cash_fen: int = 100_000_000, budget_goods_fen: int = 50_000_000,
                 quotas: dict[int, int] | None = None, name: str | None = None) -> int:
    with tenant_context(tenant_id):
        c = CondolenceCampaign(tenant_id=tenant_id, name=name or f"{year}年元旦春节送温暖{next(_seq)}", festival=festival,
                               year=year, status=status, budget_cash_fen=budget_cash_fen,
                               budget_goods_fen=budget_goods_fen, rules={})
        db.session.add(c)
        db.session.flush()
        for code, cname, cash, goods in (("ordinary", "困难职工", 50000, 30000), ("model_worker", "困难劳模", 100000, 50000)):
            db.session.add(CondolenceCategory(tenant_id=tenant_id, campaign_id=c.id, code=code, name=cname,
                                              standard_cash_fen=cash, standard_goods_fen=goods))
        for org_id, n in (quotas or {}).items():
            db.session.add(CondolenceQuota(tenant_id=tenant_id, campaign_id=c.id, org_id=org_id, max_households=n))
        db.session.commit()
        return int(c.id)


def add_lines(tenant_id: int, campaign_id: int, org_id: int, n: int, *, rng: random.Random | None = None,
              submitted: bool = True, check_status: str = "ok", review_status: str = "pending",
              category: str = "ordinary", cash_fen: int = 50000, goods_fen: int = 30000,
              with_card: bool = True) -> tuple[int, list[int], dict[int, Person]]:
    """A batch of `org_id` with `n` lines (names, valid ID and card numbers, encrypted like the roster job)."""
    rng = rng or random.Random(next(_seq))
    with tenant_context(tenant_id):
        cipher = get_cipher()
        batch = CondolenceBatch(tenant_id=tenant_id, campaign_id=campaign_id, org_id=org_id, source="manual",
                                status="submitted" if submitted else "processed",
                                submitted_at=datetime.now(UTC) if submitted else None, lines_total=n, lines_ok=n)
        db.session.add(batch)
        db.session.flush()
        township = db.session.execute(select(Org.path).where(Org.id == org_id)).scalar_one().split("/")[2]
        ids, people = [], {}
        for i in range(n):
            p = person(rng)
            line = CondolenceLine(
                tenant_id=tenant_id, campaign_id=campaign_id, batch_id=batch.id, org_id=org_id,
                township_org_id=int(township) if township else None, row_no=i + 3, name=p.name,
                id_enc=cipher.encrypt(tenant_id, p.id_number), id_hash=cipher.lookup_hash(tenant_id, "id_number", p.id_number),
                id_last4=p.id_number[-4:], id_region=p.id_number[:6],
                bank_card_enc=cipher.encrypt(tenant_id, p.card) if with_card else None,
                bank_card_hash=cipher.lookup_hash(tenant_id, "bank_card", p.card) if with_card else None,
                bank_card_last4=p.card[-4:] if with_card else None, bank_name="中国农业银行新乡县支行", mobile=p.mobile,
                category_code=category, cash_fen=cash_fen, goods_fen=goods_fen, reason="本人患病",
                work_unit="新乡县某公司", check_status=check_status,
                check_reason=None if check_status == "ok" else "测试：校验未通过", review_status=review_status)
            db.session.add(line)
            db.session.flush()
            ids.append(int(line.id))
            people[int(line.id)] = p
        db.session.commit()
        return int(batch.id), ids, people


@pytest.fixture(name="chain")
def chain_fixture(app: Any, login_as: Any) -> Chain:
    """Two townships' unions with 4 and 3 pending lines in a campaign under review."""
    ch = build_chain(app, login_as)
    ch.campaign_id = add_campaign(ch.tenant_id, quotas={ch.township_id: 100, ch.other_township_id: 100})
    ch.batch_id, ch.line_ids, people = add_lines(ch.tenant_id, ch.campaign_id, ch.grassroots_id, 4)
    ch.other_batch_id, ch.other_line_ids, others = add_lines(ch.tenant_id, ch.campaign_id, ch.other_grassroots_id, 3)
    ch.people = {**people, **others}
    return ch


def approve_all(ch: Chain) -> None:
    """Walk every line of both batches up the chain to the county (through the API)."""
    for chair, batch in ((ch.chair, ch.batch_id), (ch.other_chair, ch.other_batch_id)):
        r = chair.post(f"/api/v1/condolence/batches/{batch}/review", {"action": "approve"})
        assert r.status_code == 200, r.get_json()
    r = ch.township.post(f"/api/v1/condolence/batches/{ch.batch_id}/review", {"action": "approve"})
    assert r.status_code == 200, r.get_json()
    # the other township has no staff login here: its lines climb with the county's own township-level user
    other_staff = make_user(type(ch.admin), ch.admin.app, ch.tenant_id, "org_staff", ch.other_township_id)
    r = other_staff.post(f"/api/v1/condolence/batches/{ch.other_batch_id}/review", {"action": "approve"})
    assert r.status_code == 200, r.get_json()
    for batch in (ch.batch_id, ch.other_batch_id):
        r = ch.admin.post(f"/api/v1/condolence/batches/{batch}/review", {"action": "approve"})
        assert r.status_code == 200, r.get_json()


def freeze(ch: Chain) -> None:
    approve_all(ch)
    r = ch.admin.post(f"/api/v1/condolence/campaigns/{ch.campaign_id}/freeze", {"comment": "县总审定"})
    assert r.status_code == 200, r.get_json()


def notice_closed(ch: Chain, *, days_ago: int = 1, post: bool = True) -> int:
    """Freeze, create a county-wide notice whose window ended `days_ago` days ago (or is still open when
    negative), post it; returns its id."""
    freeze(ch)
    today = china_today()
    end = today - timedelta(days=days_ago)
    start = end - timedelta(days=6)
    r = prepared(ch.admin, ch.tenant_id, ch.admin.post(
        f"/api/v1/condolence/campaigns/{ch.campaign_id}/notices",
        {"start_date": start.isoformat(), "end_date": end.isoformat(), "place": "县总工会公示栏及各镇街公示栏"}))
    assert r.status_code == 202 and r.get_json()["status"] == "draft", r.get_json()
    notice_id = int(r.get_json()["id"])
    if post:
        r = ch.admin.post(f"/api/v1/condolence/notices/{notice_id}/post", {"posted_on": min(start, today).isoformat()})
        assert r.status_code == 200, r.get_json()
    return notice_id


# ---- notices and payment batches prepared by a job -------------------------------------------------


def run_job(tenant_id: int, job_id: int) -> Any:
    """What the worker does with a jobs row: call its function with its arguments (in-process)."""
    with tenant_context(tenant_id):
        job = db.session.execute(select(Job).where(Job.id == job_id)).scalar_one()
        func, args = job.func, list(job.args)
        db.session.rollback()
    return import_attribute(func)(tenant_id, job_id, *args)


@dataclass
class Prepared:
    """A 202 answer whose job has run: `status_code` as answered, `get_json()` the object as it is now,
    `answered` the body of the 202 (status `preparing`)."""

    status_code: int
    body: dict[str, Any]
    answered: dict[str, Any]
    is_json: bool = True

    def get_json(self) -> dict[str, Any]:
        return self.body


PREPARED_URLS = {"notices": "/api/v1/condolence/notices", "payment-batches": "/api/v1/condolence/payment-batches"}


def prepared(client: Any, tenant_id: int, resp: Any) -> Any:
    """POST of a notice / payment batch: when it answered 202, run its job as the worker would and
    give the object as it is then (other answers, e.g. a 409, are returned as they are)."""
    if resp.status_code != 202:
        return resp
    body = resp.get_json()
    assert body["status"] == "preparing" and body["job_id"], body
    kind = "notices" if "window_state" in body else "payment-batches"
    run_job(tenant_id, body["job_id"])
    now = client.get(f"{PREPARED_URLS[kind]}/{body['id']}")
    assert now.status_code == 200, now.get_json()
    return Prepared(202, now.get_json(), body)


def set_window(tenant_id: int, notice_id: int, start: date, end: date) -> None:
    """Move a posted notice's window (tests of the payment block as time passes)."""
    with tenant_context(tenant_id):
        db.session.execute(update(CondolenceNotice).where(CondolenceNotice.id == notice_id)
                           .values(start_date=start, end_date=end))
        db.session.commit()


# ---- reading generated files ---------------------------------------------------------------------

_PDF_STREAM = re.compile(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", re.S)
_PDF_STRING = re.compile(rb"\(((?:\\.|[^\\()])*)\)\s*Tj", re.S)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _unescape(s: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        j = i + 1
        octal = re.match(rb"[0-7]{1,3}", s[j:j + 3])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i = j + len(octal.group(0))
        else:
            out += _ESCAPES.get(s[j], bytes([s[j]]))
            i = j + 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text a reportlab PDF shows (its content streams decoded; CJK strings are UTF-16BE), one
    string per line."""
    assert data.startswith(b"%PDF-")
    texts = []
    for m in _PDF_STREAM.finditer(data):
        raw = m.group(1).strip()
        content = zlib.decompress(base64.a85decode(raw if raw.startswith(b"<~") else b"<~" + raw, adobe=True))
        for s in _PDF_STRING.finditer(content):
            b = _unescape(s.group(1))
            try:
                texts.append(b.decode("utf-16-be") if len(b) % 2 == 0 and b[:1] in (b"\x00", *[bytes([x]) for x in range(0x4E, 0xA0)]) else b.decode("latin-1"))
            except UnicodeDecodeError:
                texts.append(b.decode("latin-1"))
    return "\n".join(texts)


def xlsx_text(data: bytes) -> str:
    """Every cell value of every sheet, one row per line."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    lines = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


# ---- one of everything, for the OpenAPI-driven tenant probe and bad-input test ---------------------


def seed_workflow_rows(tenant_id: int) -> dict[str, int]:
    """A frozen campaign of `tenant_id` with one row of every workflow table, written directly (ids by
    path parameter name). Idempotent per tenant within a test (returns the first set again)."""
    from unionhome.domains.condolence.workflow_models import (
        CondolenceBalancingDecision,
        CondolenceExport,
        CondolenceNoticeLine,
        CondolenceObjection,
        CondolencePayment,
        CondolencePaymentBatch,
        CondolenceReview,
        CondolenceVisit,
        CondolenceVisitGroup,
    )

    with tenant_context(tenant_id):
        existing = db.session.execute(select(CondolenceCampaign.id).where(
            CondolenceCampaign.name.startswith("探测用活动")).limit(1)).first()
        db.session.rollback()
    if existing is None:
        _, grassroots, _, _ = _orgs(tenant_id)
        campaign_id = add_campaign(tenant_id, status="paying", name=f"探测用活动{next(_seq)}")
        batch_id, line_ids, _ = add_lines(tenant_id, campaign_id, grassroots, 2, review_status="county_approved")
    with tenant_context(tenant_id):
        if existing is None:
            root = db.session.execute(select(Org.id).where(Org.parent_id.is_(None))).scalar_one()
            today = china_today()
            db.session.add(CondolenceReview(campaign_id=campaign_id, scope="batch", batch_id=batch_id, line_ids=line_ids,
                                            line_count=2, level="county", action="approve", to_status="county_approved"))
            db.session.add(CondolenceBalancingDecision(campaign_id=campaign_id, kind="accept_over_budget", budget_kind="cash",
                                                      accepted_value=100000, comment="probe"))
            notice = CondolenceNotice(campaign_id=campaign_id, org_id=root, title="探测公示", start_date=today - timedelta(days=9),
                                      end_date=today - timedelta(days=3), place="公示栏", status="posted", line_count=2)
            group = CondolenceVisitGroup(campaign_id=campaign_id, name="第一组", leader="组长", departments=["县总工会"],
                                         visit_date=today)
            db.session.add_all([notice, group])
            db.session.flush()
            db.session.add_all([CondolenceNoticeLine(notice_id=notice.id, line_id=i, seq=n + 1) for n, i in enumerate(line_ids)])
            db.session.add(CondolenceObjection(notice_id=notice.id, line_id=line_ids[0], content="probe", received_on=today,
                                               outcome="dismissed"))
            visit = CondolenceVisit(campaign_id=campaign_id, line_id=line_ids[0], group_id=group.id, visited_on=today)
            pay_batch = CondolencePaymentBatch(campaign_id=campaign_id, batch_no=f"probe-{next(_seq)}", status="exported",
                                               line_count=1, total_fen=50000)
            db.session.add_all([visit, pay_batch])
            db.session.flush()
            db.session.add(CondolencePayment(campaign_id=campaign_id, line_id=line_ids[1], method="bank", batch_id=pay_batch.id,
                                             seq=1, amount_fen=50000, status="exported"))
            db.session.add(CondolenceExport(campaign_id=campaign_id, kind="report", subject_id=campaign_id, format="xlsx",
                                            status="failed", error="probe"))
            db.session.commit()
        ids = {
            "campaign_id": db.session.execute(select(CondolenceCampaign.id).where(
                CondolenceCampaign.name.startswith("探测用活动")).order_by(CondolenceCampaign.id)).scalars().first(),
        }
        cid = ids["campaign_id"]
        ids["batch_id"] = db.session.execute(select(CondolenceBatch.id).where(CondolenceBatch.campaign_id == cid)).scalars().first()
        ids["line_id"] = db.session.execute(select(CondolenceLine.id).where(CondolenceLine.campaign_id == cid)
                                            .order_by(CondolenceLine.id)).scalars().first()
        for key, model in (("notice_id", CondolenceNotice), ("objection_id", CondolenceObjection),
                           ("visit_group_id", CondolenceVisitGroup), ("visit_id", CondolenceVisit),
                           ("payment_batch_id", CondolencePaymentBatch), ("export_id", CondolenceExport)):
            ids[key] = db.session.execute(select(model.id).order_by(model.id)).scalars().first()
        db.session.rollback()
    return {k: int(v) for k, v in ids.items()}
