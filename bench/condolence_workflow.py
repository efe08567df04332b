"""Time the condolence workflow's heavy steps at county scale (issue 6, after the roster).

    .venv/bin/python -m bench.condolence_workflow [--lines 300000]

Throwaway servers (bench.env.BenchEnv, imported, not changed), the schema migrated, then a county
(20 townships, 500 unions) and a frozen campaign whose N lines are written straight with COPY as
county-approved (ID numbers and bank cards encrypted with the app's keys). Then, through the product's
services and job functions, each step is timed: the notice (create, xlsx, pdf), the payment batch
(create: the request, then its job that writes the payments; bank file xlsx and csv), one township's arrangement table and the upward report. The job
functions are called in-process (no worker): their time is what a worker spends, not a request.
Nothing is kept: the servers and their data directory are removed at the end.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from .pgcopy import copy_rows, reserve_ids

TOWNSHIPS, UNIONS = 20, 500
CODE = "wfscale"


def load(env: Any, n_lines: int) -> dict[str, Any]:
    from unionhome.core.cnid import make_bank_card, make_id_number, make_mobile
    from unionhome.core.db import transaction
    from unionhome.core.passwords import hash_password
    from unionhome.core.pii import get_cipher
    from unionhome.core.tenancy import system_context, tenant_context
    from unionhome.domains.auth.models import User
    from unionhome.domains.condolence.roster.checks import CARD_KIND, ID_KIND, RowCrypto
    from unionhome.domains.tenants.models import Tenant
    from unionhome.extensions import db

    app = env.app
    with app.app_context(), system_context("scale: tenant"), transaction():
        tenant = Tenant(code=CODE, name="新乡县总工会", region_code="410721", province="河南省", city="新乡市")
        db.session.add(tenant)
        db.session.flush()
        tid = int(tenant.id)
    with app.app_context():
        crypto = RowCrypto(get_cipher(), tid)
    rng = random.Random(6)
    with env.owner_connect() as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        ids = reserve_ids(cur, "orgs", 1 + TOWNSHIPS + UNIONS)
        root, towns, unions = ids[0], ids[1:1 + TOWNSHIPS], ids[1 + TOWNSHIPS:]
        rp = f"/{root}/"
        rows: list[tuple[Any, ...]] = [(tid, root, None, rp, 0, "新乡县总工会", "federation", True, 1)]
        for i, t in enumerate(towns):
            rows.append((tid, t, root, f"{rp}{t}/", 1, f"第{i + 1}镇总工会", "township", True, 1))
        union_town = {}
        for i, u in enumerate(unions):
            t = towns[i % TOWNSHIPS]
            union_town[u] = t
            rows.append((tid, u, t, f"{rp}{t}/{u}/", 2, f"第{i + 1}基层工会", "grassroots", True, 1))
        copy_rows(cur, "orgs", ("tenant_id", "id", "parent_id", "path", "depth", "name", "org_type", "is_active",
                                "version"), rows)
        cur.execute("INSERT INTO condolence_campaigns (tenant_id, name, festival, year, budget_cash_fen, "
                    "budget_goods_fen, status, rules, frozen_at, version) VALUES "
                    "(%s, '2027年元旦春节送温暖活动', 'spring', 2027, 100000000000, 0, 'frozen', '{}', now(), 1) "
                    "RETURNING id", (tid,))
        cid = cur.fetchone()[0]
        cur.execute("INSERT INTO condolence_categories (tenant_id, campaign_id, code, name, standard_cash_fen, "
                    "standard_goods_fen) VALUES (%s, %s, 'ordinary', '困难职工', 50000, 30000)",
                    (tid, cid))
        batch_of = {}
        for u in unions:
            cur.execute("INSERT INTO condolence_batches (tenant_id, campaign_id, org_id, source, status, "
                        "lines_total, rows_skipped, lines_ok, lines_rejected, submitted_at, version) VALUES "
                        "(%s, %s, %s, 'manual', 'submitted', 0, 0, 0, 0, now(), 1) RETURNING id", (tid, cid, u))
            batch_of[u] = cur.fetchone()[0]
        t0 = time.perf_counter()

        def line_rows() -> Iterator[tuple[Any, ...]]:
            birth0 = date(1965, 1, 1)
            for i in range(n_lines):
                u = unions[i % UNIONS]
                number = make_id_number(rng, "410721", birth0 + timedelta(days=rng.randrange(12000)))
                card = make_bank_card(rng)
                name = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice("伟芳娜敏静丽强磊") + rng.choice("军洋勇艳杰娟")
                yield (tid, cid, batch_of[u], u, union_town[u], 2 + i // UNIONS, name, crypto.encrypt(number),
                       crypto.lookup_hash(ID_KIND, number), number[-4:], number[:6], crypto.encrypt(card),
                       crypto.lookup_hash(CARD_KIND, card), card[-4:], "中国农业银行", make_mobile(rng), "ordinary",
                       50000, 30000, f"新乡县第{i % 977}有限公司", "ok", "county_approved", False, "unpaid")

        n = copy_rows(cur, "condolence_lines", (
            "tenant_id", "campaign_id", "batch_id", "org_id", "township_org_id", "row_no", "name", "id_enc", "id_hash",
            "id_last4", "id_region", "bank_card_enc", "bank_card_hash", "bank_card_last4", "bank_name", "mobile",
            "category_code", "cash_fen", "goods_fen", "work_unit", "check_status", "review_status",
            "objection_upheld", "payment_status"), line_rows())
        conn.commit()
        print(f"  COPY {n:,} approved lines in {time.perf_counter() - t0:.1f} s")
    with env.owner_connect(autocommit=True) as conn:
        for table in ("orgs", "condolence_campaigns", "condolence_batches", "condolence_lines"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    with app.app_context(), tenant_context(tid), transaction():
        user = User(tenant_id=tid, username=f"{CODE}.admin", display_name="总工会管理员",
                    password_hash=hash_password("Scale@2026"), role="federation_admin", scope_org_id=root)
        db.session.add(user)
        db.session.flush()
        uid = int(user.id)
    return {"tenant_id": tid, "root": root, "root_path": rp, "towns": towns, "campaign_id": cid, "user_id": uid}


def ctx_of(w: dict[str, Any]) -> Any:
    from unionhome.core.security import RequestContext
    from unionhome.domains.auth.permissions import permissions_for

    return RequestContext(user_id=w["user_id"], username=f"{CODE}.admin", display_name="总工会管理员",
                          role="federation_admin", tenant_id=w["tenant_id"], permissions=permissions_for("federation_admin"),
                          scope_org_id=w["root"], scope_path=w["root_path"], scope_is_root=True)


def timed(results: dict[str, float], label: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t0
    print(f"  {label:<44} {results[label]:7.2f} s")
    return out


def prepare(results: dict[str, float], label: str, w: dict[str, Any], create: Callable[[], Any]) -> Any:
    """A notice or payment batch: the request records it (`preparing`) and starts its job; the job
    (called here in-process, as the worker's runner calls it with its jobs row's arguments) fills it."""
    from sqlalchemy import select

    from unionhome.domains.jobs.models import Job
    from unionhome.extensions import db

    obj = timed(results, f"{label}: create (request)", create)
    model, obj_id = type(obj), int(obj.id)
    job = db.session.execute(select(Job).where(Job.tenant_id == w["tenant_id"], Job.id == obj.job_id)).scalar_one()
    func, args = job.func, list(job.args)
    db.session.commit()
    module, name = func.rsplit(".", 1)
    fn = getattr(__import__(module, fromlist=[name]), name)
    timed(results, f"{label}: prepare (worker job)", lambda: fn(w["tenant_id"], int(obj.job_id), *args))
    obj = db.session.get(model, (w["tenant_id"], obj_id))
    db.session.refresh(obj)
    assert obj.status not in ("preparing", "failed"), (obj.status, obj.error)
    return obj


def posted_notice(results: dict[str, float], w: dict[str, Any], ctx: Any, today: date) -> Any:
    """The campaign's notice, created (its job run here), posted, and its window moved into the past so
    that payment may follow; as it stands in the database."""
    from sqlalchemy import update

    from unionhome.domains.condolence.workflow import notices
    from unionhome.domains.condolence.workflow_models import CondolenceNotice
    from unionhome.extensions import db

    notice = prepare(results, "notice", w, lambda: notices.create_notice(ctx, w["campaign_id"], {
        "start_date": today, "end_date": today + timedelta(days=6), "place": "县总工会公示栏"}))
    notice = timed(results, "notice: post (request)", lambda: notices.post_notice(ctx, notice, {"posted_on": today}))
    db.session.execute(update(CondolenceNotice).where(CondolenceNotice.id == notice.id).values(
        start_date=today - timedelta(days=10), end_date=today - timedelta(days=4), posted_on=today - timedelta(days=10)))
    db.session.commit()
    return db.session.get(CondolenceNotice, (w["tenant_id"], int(notice.id)))


def visit_group(results: dict[str, float], w: dict[str, Any], ctx: Any, today: date) -> Any:
    """A visiting group with the first township's households assigned (the assignment timed)."""
    from unionhome.domains.condolence.workflow import visits

    group = visits.create_group(ctx, w["campaign_id"], {"name": "第一组", "leader": "县总工会主席",
                                                         "departments": ["县总工会"],
                                                         "visit_date": today + timedelta(days=3),
                                                         "area_org_id": w["towns"][0]})
    timed(results, "visit group: assign a township (request)", lambda: visits.assign(ctx, group, {"org_id": w["towns"][0]}))
    return group


def run_steps(env: Any, w: dict[str, Any]) -> dict[str, float]:
    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.condolence.workflow import exports, payments, summaries
    from unionhome.extensions import db

    results: dict[str, float] = {}
    cid = w["campaign_id"]
    today = date.today()
    with env.app.app_context(), tenant_context(w["tenant_id"]):
        ctx = ctx_of(w)
        notice_id = int(posted_notice(results, w, ctx, today).id)

        def file_of(kind: str, subject_id: int, fmt: str) -> Any:
            e = exports.request_export(ctx, kind, subject_id, fmt)
            db.session.commit()
            return e

        def run_job(export: Any) -> Any:
            out = exports.build_export(w["tenant_id"], int(export.id), ctx.as_actor())
            db.session.commit()
            print(f"    {out.get('filename')}: {out.get('rows')} rows, {out.get('size', 0) / 1e6:.1f} MB")

        for fmt in ("xlsx", "pdf"):
            e = timed(results, f"notice {fmt}: request (request)", lambda fmt=fmt: file_of("notice", notice_id, fmt))
            timed(results, f"notice {fmt}: build (worker job)", lambda e=e: run_job(e))
        timed(results, "payment batch: preview (request)", lambda: payments.preview(ctx, cid))
        batch = prepare(results, "payment batch", w, lambda: payments.create_batch(ctx, cid, {}))
        print(f"    batch: {batch.line_count:,} lines, {batch.total_fen / 100:,.2f} yuan")
        bid = int(batch.id)
        for fmt in ("xlsx", "csv"):
            e = timed(results, f"bank file {fmt}: request (request)", lambda fmt=fmt: file_of("bank", bid, fmt))
            timed(results, f"bank file {fmt}: build (worker job)", lambda e=e: run_job(e))
        gid = int(visit_group(results, w, ctx, today).id)
        e = timed(results, "arrangement: request (request)", lambda: file_of("arrangement", gid, "xlsx"))
        timed(results, "arrangement: build (worker job)", lambda: run_job(e))
        timed(results, "summary (request)", lambda: summaries.campaign_summary(ctx, cid))
        e = timed(results, "upward report: request (request)", lambda: file_of("report", cid, "xlsx"))
        timed(results, "upward report: build (worker job)", lambda: run_job(e))
    return results


def run_inline(env: Any, w: dict[str, Any]) -> dict[str, float]:
    """The steps as the HTTP requests did them before the files moved to jobs (`--inline`)."""
    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.condolence.workflow import arrangement, notice_files, payments, summaries

    results: dict[str, float] = {}
    cid = w["campaign_id"]
    today = date.today()
    with env.app.app_context(), tenant_context(w["tenant_id"]):
        ctx = ctx_of(w)
        n = posted_notice(results, w, ctx, today)
        timed(results, "notice xlsx (request)", lambda: notice_files.notice_xlsx(ctx, n).file.close())
        timed(results, "notice pdf (request)", lambda: notice_files.notice_pdf(ctx, n).file.close())
        timed(results, "payment batch: preview (request)", lambda: payments.preview(ctx, cid))
        batch = prepare(results, "payment batch", w, lambda: payments.create_batch(ctx, cid, {}))
        print(f"    batch: {batch.line_count:,} lines, {batch.total_fen / 100:,.2f} yuan")
        for fmt in ("xlsx", "csv"):
            timed(results, f"bank file {fmt} (request)", lambda fmt=fmt: payments.bank_file(ctx, batch, fmt).file.close())
        group = visit_group(results, w, ctx, today)
        timed(results, "arrangement xlsx (request)", lambda: arrangement.arrangement_xlsx(ctx, group).file.close())
        timed(results, "summary (request)", lambda: summaries.campaign_summary(ctx, cid))
        timed(results, "upward report (request)", lambda: summaries.upward_report(ctx, cid).file.close())
    return results


def slow_statements(engine: Any, threshold: float = 0.3) -> None:
    """Print every SQL statement slower than `threshold` seconds (`--sql`)."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        took = time.perf_counter() - conn.info.get("t0", time.perf_counter())
        if took > threshold:
            print(f"      SQL {took:6.2f} s  {' '.join(statement.split())[:160]}")


def only_payments(env: Any, w: dict[str, Any]) -> None:
    """The notice and the payment batch, with the slow statements (`--payments`)."""
    from sqlalchemy import update

    from unionhome.core.tenancy import tenant_context
    from unionhome.domains.condolence.workflow import notices, payments
    from unionhome.domains.condolence.workflow_models import CondolenceNotice
    from unionhome.extensions import db

    results: dict[str, float] = {}
    today = date.today()
    with env.app.app_context(), tenant_context(w["tenant_id"]):
        slow_statements(db.engine)
        ctx = ctx_of(w)
        notice = prepare(results, "notice", w, lambda: notices.create_notice(ctx, w["campaign_id"], {
            "start_date": today, "end_date": today + timedelta(days=6), "place": "县总工会公示栏"}))
        notices.post_notice(ctx, notice, {"posted_on": today})
        db.session.execute(update(CondolenceNotice).where(CondolenceNotice.id == notice.id).values(
            start_date=today - timedelta(days=10), end_date=today - timedelta(days=4), posted_on=today - timedelta(days=10)))
        db.session.commit()
        timed(results, "payment batch: preview (request)", lambda: payments.preview(ctx, w["campaign_id"]))
        batch = prepare(results, "payment batch", w, lambda: payments.create_batch(ctx, w["campaign_id"], {}))
        print(f"    batch: {batch.line_count:,} lines, {batch.total_fen / 100:,.2f} yuan")
        timed(results, "payment batch: preview after (request)", lambda: payments.preview(ctx, w["campaign_id"]))
        timed(results, "payment batch: nothing left (request, 409)", lambda: _refused(
            lambda: payments.create_batch(ctx, w["campaign_id"], {})))


def _refused(fn: Callable[[], Any]) -> None:
    from unionhome.core.errors import Conflict

    try:
        fn()
    except Conflict as err:
        print(f"    409: {err.message[:80]}")
    else:
        raise AssertionError("expected a 409")


def main() -> None:
    from bench.env import BenchEnv

    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--inline", action="store_true", help="the old in-request steps (before the jobs)")
    parser.add_argument("--payments", action="store_true", help="only the notice and the payment batch, with SQL")
    args = parser.parse_args()
    with BenchEnv("wfscale") as env:
        env.migrate()
        w = load(env, args.lines)
        (only_payments if args.payments else run_inline if args.inline else run_steps)(env, w)


if __name__ == "__main__":
    main()
