"""The two references of the roster benchmark, measured in the same run as the product's job.

- `floor`: what the hardware and PostgreSQL need for the bare work: the same workbooks read with
  python-calamine in 2 processes, every cell of every row, and COPY of the parsed rows into an UNLOGGED
  table (one connection per process, as the owner: no row-level security, no indexes, no checks).
- `naive`: a straightforward row-by-row ORM implementation of the same checks, on a sample of the
  workbooks: openpyxl, `core.cnid` per cell, the PII cipher per value, one query per check per line
  (household, duplicates, card, earlier help, quota counts, budget sum) and a flush per line. It runs
  against the loaded hardship file and earlier campaigns but an empty campaign, so its counts and sums
  stay small: the extrapolation to all lines is linear and therefore favours the baseline.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import python_calamine as calamine

FLOOR_TABLE = "bench_roster_floor"
FLOOR_COLUMNS = 13


def _floor_part(args: tuple[str, list[str]]) -> int:
    dsn, paths = args
    rows = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cols = ", ".join(f"c{i}" for i in range(FLOOR_COLUMNS))
        for path in paths:
            wb = calamine.CalamineWorkbook.from_path(path)
            sheet = wb.get_sheet_by_index(0)
            with cur.copy(f"COPY {FLOOR_TABLE} ({cols}) FROM STDIN") as cp:
                for row in sheet.iter_rows():
                    cells = [None if v == "" else str(v) for v in row[:FLOOR_COLUMNS]]
                    cells += [None] * (FLOOR_COLUMNS - len(cells))
                    cp.write_row(cells)
                    rows += 1
            wb.close()
        conn.commit()
    return rows


def _read_part(paths: list[str]) -> int:
    rows = 0
    for path in paths:
        wb = calamine.CalamineWorkbook.from_path(path)
        for _ in wb.get_sheet_by_index(0).iter_rows():
            rows += 1
        wb.close()
    return rows


def floor(dsn: str, paths: list[Path], processes: int = 2) -> dict[str, Any]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute(f"CREATE UNLOGGED TABLE {FLOOR_TABLE} ("
                     + ", ".join(f"c{i} text" for i in range(FLOOR_COLUMNS)) + ")")
    parts = [[str(p) for p in paths[i::processes]] for i in range(processes)]
    ctx = multiprocessing.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(processes) as pool:
        read_rows = sum(pool.map(_read_part, parts))
    read_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with ctx.Pool(processes) as pool:
        rows = sum(pool.map(_floor_part, [(dsn, p) for p in parts]))
    total_s = time.perf_counter() - t1
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {FLOOR_TABLE}")
    return {"seconds": total_s, "rows": rows, "read_only_seconds": read_s, "read_rows": read_rows,
            "rows_per_s": rows / total_s}


def naive(env: Any, loaded: Any, paths: list[Path], log: Callable[[str], None] = print) -> dict[str, Any]:
    """Row-by-row ORM checks of `paths` into a fresh copy of the campaign; seconds per line."""
    from openpyxl import load_workbook
    from sqlalchemy import and_, func, select

    from unionhome.core.cnid import InvalidIdentifier, parse_bank_card, parse_id_number, parse_mobile
    from unionhome.core.pii import get_cipher
    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.condolence.models import (
        CondolenceBatch,
        CondolenceCampaign,
        CondolenceCategory,
        CondolenceLine,
        CondolenceQuota,
    )
    from unionhome.domains.condolence.roster.columns import COLUMNS, skip_reason
    from unionhome.domains.condolence.services import campaigns
    from unionhome.domains.hardship.models import HardshipHousehold
    from unionhome.domains.orgs.models import Org
    from unionhome.extensions import db

    from .load import ctx_for

    names = {n: c.key for c in COLUMNS for n in c.names()}
    lines = 0
    with env.app.app_context(), tenant_context(loaded.tenant_id):
        ctx = ctx_for(loaded)
        source = db.session.get(CondolenceCampaign, (loaded.tenant_id, loaded.campaign_id))
        assert source is not None
        copy = campaigns.copy_campaign(ctx, source, {"name": "naive baseline", "year": source.year,
                                                     "nomination_deadline": source.nomination_deadline})
        campaigns.open_nominations(ctx, copy)
        cid, tid = copy.id, loaded.tenant_id
        rules = source.rules
        cipher = get_cipher()
        t0 = time.perf_counter()
        for wb_index, path in enumerate(paths):
            union_id = loaded.union_ids[wb_index]
            batch = CondolenceBatch(tenant_id=tid, campaign_id=cid, org_id=union_id, source="upload",
                                    status="processing", submitted_at=datetime.now(UTC))
            db.session.add(batch)
            db.session.flush()
            wb = load_workbook(path, read_only=True)
            header: dict[str, int] | None = None
            for row_no, cells in enumerate(wb.active.iter_rows(values_only=True), start=1):
                if header is None:
                    found = {names[str(v).split("(")[0].strip()]: i for i, v in enumerate(cells)
                             if v is not None and str(v).split("(")[0].strip() in names}
                    if "name" in found and "id_number" in found:
                        header = found
                    continue
                values = {k: cells[i] if i < len(cells) else None for k, i in header.items()}
                if values.get("id_number") is None:
                    texts = [str(v) for v in cells if v not in (None, "")]
                    if skip_reason(texts, True):
                        continue
                lines += 1
                status, code = "ok", None
                number = None
                try:
                    number = parse_id_number(values.get("id_number")).number
                except InvalidIdentifier:
                    status, code = "invalid", "invalid_id"
                card = None
                if values.get("bank_card") is not None:
                    try:
                        card = parse_bank_card(values["bank_card"])
                    except InvalidIdentifier:
                        status, code = "invalid", code or "invalid_bank_card"
                if values.get("mobile") is not None:
                    try:
                        parse_mobile(values["mobile"])
                    except InvalidIdentifier:
                        status, code = "invalid", code or "invalid_mobile"
                id_hash = cipher.lookup_hash(tid, "id_number", number) if number else None
                card_hash = cipher.lookup_hash(tid, "bank_card", card) if card else None
                category = None
                if values.get("category"):
                    category = db.session.execute(select(CondolenceCategory.code).where(
                        CondolenceCategory.campaign_id == cid, CondolenceCategory.name == values["category"])
                    ).scalar_one_or_none()
                household = None
                if id_hash is not None:
                    household = db.session.execute(select(HardshipHousehold).where(
                        HardshipHousehold.head_id_hash == id_hash).order_by(HardshipHousehold.id.desc())
                    ).scalars().first()
                if category is None and household is not None:
                    category = household.category
                cat = db.session.execute(select(CondolenceCategory).where(
                    CondolenceCategory.campaign_id == cid, CondolenceCategory.code == category)).scalar_one_or_none()
                cash = None
                raw_cash = values.get("cash")
                if raw_cash is not None:
                    try:
                        cash = int(round(float(raw_cash) * 100))
                    except (TypeError, ValueError):
                        status, code = "invalid", code or "invalid_amount"
                if cat is None and status == "ok":
                    status, code = "invalid", "invalid_category"
                if cash is None and cat is not None:
                    cash = cat.standard_cash_fen
                if status == "ok" and household is not None and household.head_name != values.get("name"):
                    status, code = "invalid", "name_mismatch"
                if status == "ok" and id_hash is not None:
                    dup = db.session.execute(select(CondolenceLine.id).where(
                        CondolenceLine.campaign_id == cid, CondolenceLine.id_hash == id_hash,
                        CondolenceLine.check_status != "invalid")).first()
                    if dup is not None:
                        status, code = "duplicate", "duplicate_id"
                if status == "ok" and card_hash is not None:
                    dup = db.session.execute(select(CondolenceLine.id).where(
                        CondolenceLine.campaign_id == cid, CondolenceLine.bank_card_hash == card_hash,
                        CondolenceLine.id_hash != id_hash, CondolenceLine.check_status != "invalid")).first()
                    if dup is not None:
                        status, code = "duplicate", "duplicate_bank_card"
                if status == "ok":
                    if household is None:
                        status, code = "ineligible", "not_filed"
                    elif household.status != "filed":
                        status, code = "ineligible", "file_" + household.status
                if status == "ok":
                    helped = db.session.execute(select(CondolenceLine.id).join(
                        CondolenceCampaign, and_(CondolenceCampaign.tenant_id == CondolenceLine.tenant_id,
                                                 CondolenceCampaign.id == CondolenceLine.campaign_id)).where(
                        CondolenceLine.id_hash == id_hash, CondolenceLine.campaign_id != cid,
                        CondolenceLine.check_status == "ok", CondolenceLine.review_status == "county_approved",
                        CondolenceCampaign.festival == copy.festival, CondolenceCampaign.year == copy.year)).first()
                    if helped is not None and rules.get("once_per_festival"):
                        status, code = "ineligible", "helped_this_festival"
                if status == "ok":
                    for quota in db.session.execute(select(CondolenceQuota).where(
                            CondolenceQuota.campaign_id == cid)).scalars():
                        org = db.session.get(Org, (tid, quota.org_id))
                        union = db.session.get(Org, (tid, union_id))
                        assert org is not None and union is not None
                        if not union.path.startswith(org.path):
                            continue
                        used = db.session.execute(select(func.count()).select_from(CondolenceLine).join(
                            Org, and_(Org.tenant_id == CondolenceLine.tenant_id, Org.id == CondolenceLine.org_id)).where(
                            CondolenceLine.campaign_id == cid, CondolenceLine.check_status == "ok",
                            Org.path.startswith(org.path))).scalar_one()
                        if used >= quota.max_households:
                            status, code = "over_quota", "over_quota"
                            break
                if status == "ok" and copy.budget_cash_fen:
                    spent = db.session.execute(select(func.coalesce(func.sum(CondolenceLine.cash_fen), 0)).where(
                        CondolenceLine.campaign_id == cid, CondolenceLine.check_status == "ok")).scalar_one()
                    if spent + (cash or 0) > copy.budget_cash_fen:
                        status, code = "over_budget", "over_budget"
                db.session.add(CondolenceLine(
                    tenant_id=tid, campaign_id=cid, batch_id=batch.id, org_id=union_id, row_no=row_no,
                    name=str(values.get("name") or "")[:60], id_enc=cipher.encrypt(tid, number) if number else None,
                    id_hash=id_hash, id_last4=number[-4:] if number else None, id_region=number[:6] if number else None,
                    bank_card_enc=cipher.encrypt(tid, card) if card else None, bank_card_hash=card_hash,
                    bank_card_last4=card[-4:] if card else None, category_code=category, cash_fen=cash or 0,
                    goods_fen=0, household_id=household.id if household else None, check_status=status,
                    check_code=code, review_status="pending", payment_status="unpaid", objection_upheld=False))
                db.session.flush()
            wb.close()
            batch.status = "submitted"
            db.session.commit()
            log(f"    naive: workbook {wb_index + 1}/{len(paths)}, {lines} lines, {time.perf_counter() - t0:.1f} s")
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "lines": lines, "seconds_per_line": seconds / max(lines, 1)}
