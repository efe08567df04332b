"""Helpers for the hardship-file API tests: fresh ID numbers, a valid application payload, and a
household taken through the lifecycle (apply → verify → file) with the API itself."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from unionhome.core.audit import AuditLog
from unionhome.core.clock import today as china_today
from unionhome.core.cnid import make_bank_card, make_id_number
from unionhome.core.tenancy import tenant_context
from unionhome.domains.hardship.models import (
    HardshipActivePerson,
    HardshipHousehold,
    HardshipHouseholdMember,
    HardshipRelief,
    HardshipVisit,
)
from unionhome.extensions import db

_counter = itertools.count()


def new_id(rng: random.Random, birth: date | None = None, gender: str | None = None) -> str:
    return make_id_number(rng, "410721", birth or date(1980, 1, 1) + timedelta(days=rng.randrange(9000)), gender)


def card(rng: random.Random) -> str:
    return make_bank_card(rng)


def payload(rng: random.Random, org_id: int, **overrides: Any) -> dict[str, Any]:
    """A married worker with a spouse and one schoolchild, 2,400 元 a month: 800 元 per person, which
    meets rule 1 (≤ 1,170 元) under the demo's 780-yuan line."""
    data: dict[str, Any] = {
        "org_id": org_id,
        "head_name": f"测试户主{next(_counter)}",
        "id_number": new_id(rng),
        "mobile": "13812345678",
        "marital_status": "married",
        "category": "ordinary",
        "causes": ["schooling"],
        "household_income_fen": 240000,
        "bank_card": card(rng),
        "bank_name": "中国农业银行",
        "members": [
            {"name": "配偶", "relation": "spouse", "id_number": new_id(rng), "marital_status": "married",
             "monthly_income_fen": 100000},
            {"name": "孩子", "relation": "child", "id_number": new_id(rng, date(2010, 5, 1)), "school_stage": "compulsory"},
        ],
    }
    data.update(overrides)
    return data


def etag(client: Any, household_id: int) -> str:
    resp = client.get(f"/api/v1/hardship/households/{household_id}")
    assert resp.status_code == 200, resp.get_json()
    return resp.headers["ETag"]


def apply(client: Any, data: dict[str, Any]) -> dict[str, Any]:
    resp = client.post("/api/v1/hardship/households", data)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def verify(client: Any, household_id: int, *, outcome: str = "confirmed", income: int | None = None,
           day: date | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "verification", "visited_on": (day or china_today()).isoformat(),
                            "visitors": "县总工会保障部 张明、李华", "findings": "入户核实，情况属实", "outcome": outcome}
    if income is not None:
        body["household_income_fen"] = income
    resp = client.post(f"/api/v1/hardship/households/{household_id}/visits", body,
                       headers={"If-Match": etag(client, household_id)})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def file(client: Any, household_id: int, day: date | None = None) -> Any:
    body = {"filed_on": day.isoformat()} if day else {}
    return client.post(f"/api/v1/hardship/households/{household_id}/file", body,
                       headers={"If-Match": etag(client, household_id)})


def filed_household(client: Any, data: dict[str, Any]) -> dict[str, Any]:
    h = apply(client, data)
    verify(client, h["id"])
    resp = file(client, h["id"])
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def tenant_of(client: Any) -> int:
    return client.get("/api/v1/me").get_json()["tenant"]["id"]


def scope_org(client: Any) -> int:
    return client.get("/api/v1/me").get_json()["scope_org_ids"][0]


def counts(tenant_id: int) -> dict[str, int]:
    """Rows of every hardship table and audit rows: "nothing written" is these staying equal."""
    with tenant_context(tenant_id):
        out = {m.__tablename__: db.session.execute(select(func.count()).select_from(m)).scalar_one()
               for m in (HardshipHousehold, HardshipHouseholdMember, HardshipVisit, HardshipRelief,
                         HardshipActivePerson)}
        out["audit_log"] = db.session.execute(select(func.count()).select_from(AuditLog)).scalar_one()
    return out


def grassroots_org(client: Any, *, not_in: int | None = None) -> int:
    orgs = client.get("/api/v1/orgs?org_type=grassroots&page_size=100").get_json()
    for org in orgs:
        if org["id"] != not_in:
            return org["id"]
    raise AssertionError("no grassroots org")
