"""Fixtures of the condolence tests: a campaign set up through the API, hardship households written
straight into the file, nomination workbooks written to tmp, uploads through the API, and the roster
job run in the test's own transaction (a worker could not see the test's uncommitted data).

The WORKFLOW tests may use these too (`roster_campaign`, `run_roster`, `nominate`)."""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from unionhome.core.cnid import make_bank_card, make_id_number, make_mobile
from unionhome.core.pii import get_cipher
from unionhome.core.tenancy import tenant_context
from unionhome.domains.hardship.models import HardshipHousehold
from unionhome.extensions import db

HEADER = ["序号", "姓名", "身份证号码", "工作单位", "慰问类别", "困难原因", "联系电话", "银行卡号", "开户银行",
          "慰问金(元)", "慰问品(元)", "备注"]
_seq = itertools.count(1)


@dataclass
class Person:
    name: str
    id_number: str
    card: str
    mobile: str


@dataclass
class People:
    rng: random.Random = field(default_factory=lambda: random.Random(6_2026))

    def one(self, name: str | None = None, birth: date | None = None) -> Person:
        rng = self.rng
        surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
        name = name or rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        birth = birth or date(1965, 1, 1) + timedelta(days=rng.randrange(12000))
        return Person(name, make_id_number(rng, "410721", birth), make_bank_card(rng), make_mobile(rng))

    def many(self, n: int) -> list[Person]:
        return [self.one() for _ in range(n)]


@pytest.fixture
def people() -> People:
    return People()


def tenant_of(client: Any) -> int:
    return int(client.user["tenant"]["id"])


def add_household(client: Any, person: Person, *, status: str = "filed", category: str = "ordinary",
                  org_id: int | None = None, exited_on: date | None = None, next_review_due: date | None = None,
                  income_fen: int = 60000) -> int:
    """A household of the hardship file, written directly (the hardship API has its own tests)."""
    tid = tenant_of(client)
    if org_id is None:  # (a request ends by clearing the tenant context: not inside the block below)
        org_id = client.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]["id"]
    with tenant_context(tid):
        cipher = get_cipher()
        h = HardshipHousehold(
            tenant_id=tid, file_no=f"T{next(_seq):07d}", org_id=org_id, head_name=person.name,
            head_id_enc=cipher.encrypt(tid, person.id_number),
            head_id_hash=cipher.lookup_hash(tid, "id_number", person.id_number),
            head_id_region=person.id_number[:6], head_id_last4=person.id_number[-4:],
            head_birth_date=date(int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14])),
            head_gender="M" if int(person.id_number[16]) % 2 else "F", category=category, causes=["low_income"],
            household_size=3, household_income_fen=income_fen * 3, per_capita_income_fen=income_fen, status=status,
            source="application", applied_on=date(2024, 1, 5),
            filed_on=date(2024, 2, 1) if status in ("filed", "exited") else None,
            next_review_due=next_review_due or (date.today() + timedelta(days=200) if status == "filed" else None),
            exited_on=exited_on, exit_reason="income_reached" if status == "exited" else None)
        db.session.add(h)
        db.session.commit()
        return int(h.id)


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, title: str | None = "XX工会2027年元旦春节困难职工慰问推荐名单",
               merges: Sequence[str] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.append([title])
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def row(n: int, p: Person, *, category: str | None = "困难职工", cash: Any = None, goods: Any = None,
        id_number: Any = None, card: Any = "", mobile: Any = "", name: str | None = None) -> list[Any]:
    return [n, p.name if name is None else name, p.id_number if id_number is None else id_number, "新乡县某公司",
            category, "本人患病", p.mobile if mobile == "" else mobile, p.card if card == "" else card, "中国农业银行",
            cash, goods, None]


def orgs_of_type(client: Any, org_type: str, n: int = 3) -> list[dict[str, Any]]:
    items = client.get(f"/api/v1/orgs?org_type={org_type}&page_size={n}").get_json()
    assert len(items) >= 1, org_type
    return items


def campaign_payload(townships: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    deadline = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0).isoformat()
    data: dict[str, Any] = {
        "name": f"2027年元旦春节送温暖活动{next(_seq)}", "festival": "spring", "year": 2027,
        "basis_document": "新工发〔2026〕45号", "budget_cash_fen": 100_000_000, "budget_goods_fen": 50_000_000,
        "nomination_deadline": deadline,
        "rules": {"require_hardship_file": True, "exclude_exited": True, "once_per_festival": True,
                  "cooldown_months": 6},
        "categories": [
            {"code": "ordinary", "name": "困难职工", "standard_cash_fen": 50000, "standard_goods_fen": 30000},
            {"code": "model_worker", "name": "困难劳模", "standard_cash_fen": 100000, "standard_goods_fen": 50000},
        ],
        "quotas": [{"org_id": t["id"], "max_households": 100} for t in (townships or [])],
    }
    data.update(overrides)
    return data


def create_campaign(client: Any, *, open_it: bool = True, **overrides: Any) -> dict[str, Any]:
    resp = client.post("/api/v1/condolence/campaigns", campaign_payload(**overrides))
    assert resp.status_code == 201, resp.get_json()
    campaign = resp.get_json()
    if open_it:
        resp = client.post(f"/api/v1/condolence/campaigns/{campaign['id']}/open")
        assert resp.status_code == 200, resp.get_json()
        campaign = resp.get_json()
    return campaign


@pytest.fixture
def roster_jobs_inline(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Uploads and submissions record that a roster job is wanted instead of queueing one; the test
    runs it with `run_roster` (in its own transaction). Returns the campaign ids requested."""
    from unionhome.domains.condolence.roster import jobs

    requested: list[int] = []

    def request(ctx: Any, campaign: Any) -> None:
        requested.append(int(campaign.id))
        return None

    monkeypatch.setattr(jobs, "request", request)
    return requested


def run_roster(client: Any, campaign_id: int) -> dict[str, Any]:
    from unionhome.domains.condolence.roster.jobs import run_inline

    return run_inline(tenant_of(client), campaign_id)


def upload(client: Any, campaign_id: int, path: Path, *, org_id: int | None = None, submit: bool = False) -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(path.read_bytes()), path.name), "submit": "true" if submit else "false"}
    if org_id is not None:
        data["org_id"] = str(org_id)
    return client.request("POST", f"/api/v1/condolence/campaigns/{campaign_id}/batches", data=data,
                          content_type="multipart/form-data")


def nominate(client: Any, campaign_id: int, path: Path, *, org_id: int | None = None, submit: bool = True) -> dict:
    """Upload, run the roster job, and return the batch as the API shows it then."""
    resp = upload(client, campaign_id, path, org_id=org_id, submit=submit)
    assert resp.status_code == 201, resp.get_json()
    run_roster(client, campaign_id)
    batch = client.get(f"/api/v1/condolence/batches/{resp.get_json()['id']}").get_json()
    return batch


def lines(client: Any, campaign_id: int, **filters: Any) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        resp = client.get(f"/api/v1/condolence/campaigns/{campaign_id}/lines?page_size=100&page={page}&{query}")
        assert resp.status_code == 200, resp.get_json()
        items = resp.get_json()
        out.extend(items)
        if len(items) < 100:
            return out
        page += 1


def by_row(items: list[dict[str, Any]], batch_id: int | None = None) -> dict[int, dict[str, Any]]:
    return {i["row_no"]: i for i in items if batch_id is None or i["batch_id"] == batch_id}
