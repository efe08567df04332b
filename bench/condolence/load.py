"""Load a generated county for the roster benchmark into the throwaway database.

The org tree, the hardship file (1,000,000 households) and three earlier campaigns go in with COPY as
the owner role (foreign-key triggers off for the loading session, as bench/bigcounty.py does), their
ID numbers encrypted and hashed with the app's own keys. The current campaign is set up through the
product's services (categories, quotas, rules, budget, deadline) and the workbooks are uploaded through
them too (S3 + a batch each, submitted at upload), without starting the roster job: that is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from ..pgcopy import copy_rows, reserve_ids
from .county import CATEGORIES, COOLDOWN_MONTHS, EARLIER, INCOME_LIMIT_PCT, MIN_LINE_FEN, County

CODE = "xinxiang"


@dataclass
class Loaded:
    tenant_id: int
    root_id: int
    root_path: str
    township_ids: list[int]
    union_ids: list[int]
    user_id: int
    campaign_id: int
    batch_ids: list[int]  # aligned with county.workbooks
    ref_date: date
    timings: dict[str, float]


def ctx_for(loaded: Loaded) -> Any:
    from unionhome.core.security import RequestContext
    from unionhome.domains.auth.permissions import permissions_for

    return RequestContext(user_id=loaded.user_id, username=f"{CODE}.admin", display_name="总工会管理员",
                          role="federation_admin", tenant_id=loaded.tenant_id,
                          permissions=permissions_for("federation_admin"), scope_org_id=loaded.root_id,
                          scope_path=loaded.root_path, scope_is_root=True)


def load(env: Any, county: County, log: Callable[[str], None] = print) -> Loaded:
    from unionhome.core.db import transaction
    from unionhome.core.passwords import hash_password
    from unionhome.core.pii import get_cipher
    from unionhome.core.tenancy import system_context, tenant_context
    from unionhome.domains.auth.models import User
    from unionhome.domains.condolence.roster.checks import CARD_KIND, ID_KIND, RowCrypto
    from unionhome.domains.tenants.models import Tenant
    from unionhome.extensions import db

    timings: dict[str, float] = {}
    app = env.app
    ref = date.today() + timedelta(days=30)
    t0 = time.perf_counter()
    with app.app_context(), system_context("bench: create tenant"), transaction():
        tenant = Tenant(code=CODE, name="新乡县总工会", region_code="410721", province="河南省", city="新乡市",
                        address="新乡县", contact_phone=None)
        db.session.add(tenant)
        db.session.flush()
        tid = int(tenant.id)
    with app.app_context():
        crypto = RowCrypto(get_cipher(), tid)
    people = county.people
    with env.owner_connect() as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        n_orgs = 1 + len(county.townships) + len(county.unions)
        ids = reserve_ids(cur, "orgs", n_orgs)
        root_id, town_ids, union_ids = ids[0], ids[1:1 + len(county.townships)], ids[1 + len(county.townships):]
        root_path = f"/{root_id}/"
        org_rows: list[tuple[Any, ...]] = [(tid, root_id, None, root_path, 0, "新乡县总工会", "federation", True, 1)]
        town_paths = []
        for name, oid in zip(county.townships, town_ids, strict=True):
            town_paths.append(f"{root_path}{oid}/")
            org_rows.append((tid, oid, root_id, town_paths[-1], 1, name, "township", True, 1))
        for (name, t), oid in zip(county.unions, union_ids, strict=True):
            org_rows.append((tid, oid, town_ids[t], f"{town_paths[t]}{oid}/", 2, name, "grassroots", True, 1))
        copy_rows(cur, "orgs", ("tenant_id", "id", "parent_id", "path", "depth", "name", "org_type", "is_active", "version"),
                  org_rows)
        conn.commit()

        t1 = time.perf_counter()
        hh_ids = reserve_ids(cur, "hardship_households", len(county.households))

        def household_rows() -> Iterator[tuple[Any, ...]]:
            for hid, h in zip(hh_ids, county.households, strict=True):
                number = people.ids[h.person]
                filed = h.status in ("filed", "exited")
                yield (tid, hid, f"XX{hid:09d}", union_ids[h.union], people.names[h.person], crypto.encrypt(number),
                       crypto.lookup_hash(ID_KIND, number), number[:6], number[-4:],
                       date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                       "M" if int(number[16]) % 2 else "F", "employed", "married", "healthy", h.category,
                       ["low_income"], 3, h.income_fen * 3, h.income_fen, 0, 0, h.status, "import",
                       date(2023, 3, 1), date(2023, 5, 1) if filed else None,
                       ref + timedelta(days=h.review_offset) if h.review_offset is not None else None,
                       ref + timedelta(days=h.exited_offset) if h.exited_offset is not None else None,
                       "income_reached" if h.status == "exited" else None, 1)

        n = copy_rows(cur, "hardship_households", (
            "tenant_id", "id", "file_no", "org_id", "head_name", "head_id_enc", "head_id_hash", "head_id_region",
            "head_id_last4", "head_birth_date", "head_gender", "employment_status", "marital_status", "head_health",
            "category", "causes", "household_size", "household_income_fen", "per_capita_income_fen",
            "self_paid_medical_fen", "disaster_loss_fen", "status", "source", "applied_on", "filed_on",
            "next_review_due", "exited_on", "exit_reason", "version"), household_rows())
        cur.execute("INSERT INTO hardship_policies (tenant_id, name, effective_from, min_living_line_fen, basic_pct, "
                    "special_pct, major_pct, self_paid_threshold_fen, exit_pct, stable_employment_months, "
                    "review_interval_months, reminder_days, version) VALUES "
                    "(%s, '新乡县困难职工帮扶标准', '2020-01-01', %s, 150, 200, 300, 2000000, 150, 6, 12, 30, 1)",
                    (tid, MIN_LINE_FEN))
        conn.commit()
        timings["hardship_file"] = time.perf_counter() - t1
        log(f"  hardship file: COPY {n:,} households in {timings['hardship_file']:.1f} s")

        t2 = time.perf_counter()
        n_lines = 0
        for key, name, festival, year_offset, days, _ in EARLIER:
            helped_on = ref - timedelta(days=days)
            deadline = datetime.combine(helped_on, dtime(9, 30), tzinfo=UTC)
            year = ref.year + year_offset if festival == "spring" else helped_on.year
            cur.execute("INSERT INTO condolence_campaigns (tenant_id, name, festival, year, budget_cash_fen, "
                        "budget_goods_fen, nomination_deadline, status, rules, frozen_at, version) VALUES "
                        "(%s, %s, %s, %s, 0, 0, %s, 'closed', '{}', %s, 1) RETURNING id",
                        (tid, f"{year}年{name}", festival, year, deadline, deadline))
            cid = cur.fetchone()[0]
            cur.execute("INSERT INTO condolence_batches (tenant_id, campaign_id, org_id, source, status, lines_total, "
                        "rows_skipped, lines_ok, lines_rejected, submitted_at, version) VALUES "
                        "(%s, %s, %s, 'manual', 'submitted', 0, 0, 0, 0, %s, 1) RETURNING id",
                        (tid, cid, union_ids[0], deadline))
            bid = cur.fetchone()[0]

            def line_rows(persons: list[int] = county.earlier[key], cid: int = cid, bid: int = bid,
                          deadline: datetime = deadline) -> Iterator[tuple[Any, ...]]:
                for row_no, p in enumerate(persons, start=1):
                    number, card = people.ids[p], people.cards[p]
                    yield (tid, cid, bid, union_ids[0], row_no, people.names[p], crypto.encrypt(number),
                           crypto.lookup_hash(ID_KIND, number), number[-4:], number[:6], crypto.encrypt(card),
                           crypto.lookup_hash(CARD_KIND, card), card[-4:], "ordinary", 50000, 30000, "ok",
                           "county_approved", False, "paid", deadline)

            n_lines += copy_rows(cur, "condolence_lines", (
                "tenant_id", "campaign_id", "batch_id", "org_id", "row_no", "name", "id_enc", "id_hash", "id_last4",
                "id_region", "bank_card_enc", "bank_card_hash", "bank_card_last4", "category_code", "cash_fen",
                "goods_fen", "check_status", "review_status", "objection_upheld", "payment_status", "paid_at"),
                line_rows())
        conn.commit()
        timings["earlier_campaigns"] = time.perf_counter() - t2
        log(f"  earlier campaigns: COPY {n_lines:,} lines in {timings['earlier_campaigns']:.1f} s")
    with env.owner_connect(autocommit=True) as conn:
        for table in ("orgs", "hardship_households", "hardship_policies", "condolence_campaigns",
                      "condolence_batches", "condolence_lines"):
            conn.execute(f"VACUUM (ANALYZE) {table}")

    with app.app_context(), tenant_context(tid), transaction():
        user = User(tenant_id=tid, username=f"{CODE}.admin", display_name="总工会管理员",
                    password_hash=hash_password("Demo@2026"), role="federation_admin", scope_org_id=root_id)
        db.session.add(user)
        db.session.flush()
        user_id = int(user.id)
    loaded = Loaded(tid, root_id, root_path, town_ids, union_ids, user_id, 0, [], ref, timings)
    loaded.campaign_id = _campaign(env, county, loaded)
    timings["load_total"] = time.perf_counter() - t0
    return loaded


def _campaign(env: Any, county: County, loaded: Loaded) -> int:
    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.condolence.services import campaigns

    deadline = datetime.combine(loaded.ref_date, dtime(9, 30), tzinfo=UTC)
    quotas = [{"org_id": loaded.township_ids[t], "category_code": cat, "max_households": cap}
              for t, cat, cap in county.quotas]
    data = {
        "name": f"{loaded.ref_date.year}年元旦春节送温暖活动", "festival": "spring", "year": loaded.ref_date.year,
        "basis_document": "新工发〔2026〕45号", "budget_cash_fen": county.budget_cash_fen, "budget_goods_fen": 0,
        "nomination_deadline": deadline,
        "rules": {"require_hardship_file": True, "exclude_exited": True, "exclude_review_overdue": True,
                  "income_limit_pct": INCOME_LIMIT_PCT, "once_per_festival": True, "cooldown_months": COOLDOWN_MONTHS},
        "categories": [{"code": code, "name": label, "standard_cash_fen": cash, "standard_goods_fen": goods,
                        "budget_cash_fen": None} for code, (label, cash, goods) in CATEGORIES.items()],
        "quotas": quotas,
    }
    with env.app.app_context(), tenant_context(loaded.tenant_id):
        ctx = ctx_for(loaded)
        campaign = campaigns.create_campaign(ctx, data)
        campaigns.open_nominations(ctx, campaign)
        return int(campaign.id)


class _Upload:
    def __init__(self, path: Path) -> None:
        self.filename = path.name
        self.stream = path.open("rb")


def upload_all(env: Any, county: County, loaded: Loaded, log: Callable[[str], None] = print) -> None:
    """Every workbook through the product's upload (S3 + a submitted batch), the job not started."""
    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.condolence.services import batches

    t0 = time.perf_counter()
    with env.app.app_context(), tenant_context(loaded.tenant_id):
        ctx = ctx_for(loaded)
        for path, union_id in zip(county.workbooks, loaded.union_ids, strict=True):
            up = _Upload(path)
            try:
                batch = batches.upload_batch(ctx, loaded.campaign_id, {"org_id": union_id, "submit": True}, up,
                                             start=False)
            finally:
                up.stream.close()
            loaded.batch_ids.append(int(batch.id))
    loaded.timings["upload"] = time.perf_counter() - t0
    log(f"  uploaded {len(loaded.batch_ids)} workbooks (S3 + batch rows) in {loaded.timings['upload']:.1f} s")
