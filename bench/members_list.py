"""Lists and searches on a tenant with 1,000,000 members (DESIGN "Performance targets": p99 ≤ 50 ms
under load on loopback), as ratios to references measured in the same run.

1. Throwaway servers; migrate; bulk-load 新乡县 with N members (bench.bigcounty, COPY); `seed_demo("tiny")`
   for the platform admin and the second county.
2. gunicorn (2 workers × 4 threads) on a free loopback port; log in over HTTP as the federation admin
   (`xinxiang.admin`, whole county) and the township staff (`xinxiang.staff`, one township's subtree).
3. References: the same closed-loop load on GET /healthz (no session, `select 1`) and GET /api/v1/me
   (session lookup, JSON) — the floor of any API request on this machine — and, per scenario, the SQL the
   request runs replayed with bare psycopg (the database floor, no HTTP/Flask/ORM).
4. The scenarios, interleaved at random by `--clients` closed-loop clients; p50/p95/p99 per scenario.

    python -m bench.run members_list [--members 1000000] [--clients 8] [--requests 200] [--label after]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from .bigcounty import LoadedCounty, load_big_county, table_sizes
from .cpu import CpuMeter, wait_for_quiet
from .env import RESULTS_DIR, BenchEnv, machine_info
from .httpload import Call, Session, percentile, run_load, run_open_loop, summarize
from .sqlfloor import InProcessClient, explain, replay

TARGET_P99_MS = 50.0
PASSWORD = "Demo@2026"
USERS = {"admin": "xinxiang.admin", "staff": "xinxiang.staff"}


@dataclass(frozen=True)
class Scenario:
    name: str
    who: str  # key of USERS
    path: Callable[[random.Random], str]
    what: str


@dataclass
class Pools:
    """Request parameters drawn from the loaded data (deterministically)."""

    townships: list[int]
    member_orgs: list[int]
    admin_people: list[tuple[str, str, str]]  # (id number, mobile, name) of members anywhere
    staff_people: list[tuple[str, str, str]]  # … of members inside the staff user's township
    employer_words: list[str]
    org_words: list[str]
    root_org: int


def pick_pools(env: BenchEnv, lc: LoadedCounty) -> Pools:
    rng = random.Random(7)
    tid = lc.tenant_id
    position = {mid: i for i, mid in enumerate(lc.member_ids)}
    with env.owner_connect() as conn:
        townships = [r[0] for r in conn.execute(
            "SELECT id FROM orgs WHERE tenant_id = %s AND org_type = 'township' ORDER BY id", (tid,))]
        root = conn.execute("SELECT id FROM orgs WHERE tenant_id = %s AND parent_id IS NULL", (tid,)).fetchone()
        member_orgs = [r[0] for r in conn.execute(
            "SELECT DISTINCT org_id FROM members WHERE tenant_id = %s ORDER BY 1", (tid,))]
        scope = conn.execute(
            "SELECT o.path FROM users u JOIN orgs o ON o.tenant_id = u.tenant_id AND o.id = u.scope_org_id "
            "WHERE u.username = %s", (USERS["staff"],)).fetchone()
        assert scope is not None and root is not None
        conn.execute("SELECT setseed(0.42)")
        staff_ids = [r[0] for r in conn.execute(
            "SELECT m.id FROM members m JOIN orgs o ON o.tenant_id = m.tenant_id AND o.id = m.org_id "
            "WHERE m.tenant_id = %s AND o.path LIKE %s ORDER BY random() LIMIT 500", (tid, scope[0] + "%"))]

    def person(mid: int) -> tuple[str, str, str]:
        m = lc.county.members[position[mid]]
        return m.id_number, m.mobile, m.name

    admin_ids = rng.sample(lc.member_ids, 500)
    words_e = sorted({w for e in lc.county.employers for w in ("科技", "建设", "医院", "学校", "物流", "食品", "机械")
                      if w in e.name})
    words_o = ["七里营", "分工会", "工会小组", "联合工会", "镇"]
    return Pools(townships, member_orgs, [person(i) for i in admin_ids], [person(i) for i in staff_ids],
                 words_e or ["有限"], words_o, int(root[0]))


def scenarios(p: Pools) -> list[Scenario]:
    def fixed(path: str) -> Callable[[random.Random], str]:
        return lambda rng: path

    def id_number(pool: list[tuple[str, str, str]]) -> Callable[[random.Random], str]:
        return lambda rng: f"/api/v1/members?page_size=20&q={rng.choice(pool)[0]}"

    m = "/api/v1/members?"
    return [
        Scenario("members.p1", "admin", fixed(m + "page=1&page_size=20"), "first page, 20 per page"),
        Scenario("members.p1.50", "admin", fixed(m + "page=1&page_size=50"), "first page, 50 per page"),
        Scenario("members.p50", "admin", fixed(m + "page=50&page_size=20"), "page 50 (offset 980)"),
        Scenario("members.p500", "admin", fixed(m + "page=500&page_size=20"), "page 500 (offset 9,980)"),
        Scenario("members.p2000.50", "admin", fixed(m + "page=2000&page_size=50"),
                 "page 2,000 × 50 (offset 99,950)"),
        Scenario("members.org", "admin", lambda rng: f"{m}page_size=20&org_id={rng.choice(p.member_orgs)}",
                 "filter org_id (random union with members)"),
        Scenario("members.under", "admin", lambda rng: f"{m}page_size=20&under={rng.choice(p.townships)}",
                 "subtree of a random township (under=)"),
        Scenario("members.migrant", "admin", fixed(m + "page_size=20&employment_type=migrant"),
                 "employment_type=migrant (27%)"),
        Scenario("members.q_zhang", "admin", fixed(m + "page_size=20&q=" + quote("张")), "name prefix 张 (~10%)"),
        Scenario("members.q_name2", "admin",
                 lambda rng: f"{m}page_size=20&q={quote(rng.choice(p.admin_people)[2][:2])}",
                 "name prefix, 2 characters (random member's)"),
        Scenario("members.q_idnum", "admin", id_number(p.admin_people), "full ID number (random member)"),
        Scenario("members.q_mobile", "admin", lambda rng: f"{m}page_size=20&q={rng.choice(p.admin_people)[1]}",
                 "mobile (random member)"),
        Scenario("members.q_last4", "admin", lambda rng: f"{m}page_size=20&q={rng.choice(p.admin_people)[0][-4:]}",
                 "last 4 ID digits"),
        Scenario("members.sort_name", "admin", fixed(m + "page=3&page_size=20&sort=name"), "sorted by name, page 3"),
        Scenario("staff.members.p1", "staff", fixed(m + "page=1&page_size=20"), "township staff: first page"),
        Scenario("staff.members.p50", "staff", fixed(m + "page=50&page_size=20"), "township staff: page 50"),
        Scenario("staff.members.migrant", "staff", fixed(m + "page_size=20&employment_type=migrant"),
                 "township staff: migrants"),
        Scenario("staff.members.q_wang", "staff", fixed(m + "page_size=20&q=" + quote("王")),
                 "township staff: name prefix 王"),
        Scenario("staff.members.q_idnum", "staff", id_number(p.staff_people), "township staff: full ID number"),
        Scenario("employers.p1", "admin", fixed("/api/v1/employers?page=1&page_size=20"), "employers, first page"),
        Scenario("employers.p100", "admin", fixed("/api/v1/employers?page=100&page_size=20"), "employers, page 100"),
        Scenario("employers.q", "admin",
                 lambda rng: f"/api/v1/employers?page_size=20&q={quote(rng.choice(p.employer_words))}",
                 "employers, name contains"),
        Scenario("staff.employers.p1", "staff", fixed("/api/v1/employers?page=1&page_size=20"),
                 "township staff: employers"),
        Scenario("orgs.p1", "admin", fixed("/api/v1/orgs?page=1&page_size=20"), "orgs, first page"),
        Scenario("orgs.children", "admin", fixed(f"/api/v1/orgs?page_size=50&parent_id={p.root_org}"),
                 "children of the root (tree view)"),
        Scenario("orgs.q", "admin", lambda rng: f"/api/v1/orgs?page_size=20&q={quote(rng.choice(p.org_words))}",
                 "orgs, name contains"),
        Scenario("staff.orgs.p1", "staff", fixed("/api/v1/orgs?page=1&page_size=20"), "township staff: orgs"),
    ]


def sql_floor(env: BenchEnv, scs: list[Scenario], plans_path: Path | None) -> dict[str, dict[str, Any]]:
    """Per scenario: the request's SQL replayed with bare psycopg (median of 7), sequential, no load."""
    clients = {who: InProcessClient(env.app, user, PASSWORD) for who, user in USERS.items()}
    out: dict[str, dict[str, Any]] = {}
    plans: list[str] = []
    rng = random.Random(3)
    with psycopg.connect(env.app_dsn) as conn:
        for sc in scs:
            stmts, status = clients[sc.who].capture(sc.path(rng))
            if status != 200:
                raise RuntimeError(f"{sc.name}: in-process request answered {status}")
            r = replay(conn, stmts)
            slowest_i = max(range(len(stmts)), key=lambda i: r["statements"][i][0])
            ms, sql = r["statements"][slowest_i]
            out[sc.name] = {"sql_ms": r["total_ms"], "statements": len(stmts), "slowest_ms": ms,
                            "slowest_sql": sql[:300]}
            if plans_path is not None:
                plans.append(f"### {sc.name}: {sc.what}\n-- {len(stmts)} statements, {r['total_ms']:.2f} ms; "
                             f"slowest {ms:.2f} ms:\n{sql}\n\n{explain(conn, stmts[slowest_i])}\n")
    if plans_path is not None:
        plans_path.write_text("\n".join(plans))
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(prog="bench.run members_list")
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--employers", type=int, default=20_000)
    ap.add_argument("--rate", type=float, default=40.0, help="steady load: requests per second (Poisson arrivals)")
    ap.add_argument("--requests", type=int, default=200, help="steady load: requests per scenario")
    ap.add_argument("--max-inflight", type=int, default=32, help="steady load: connections (concurrency cap)")
    ap.add_argument("--clients", type=int, default=8, help="saturation: closed-loop clients")
    ap.add_argument("--saturation-requests", type=int, default=50, help="saturation: requests per scenario")
    ap.add_argument("--floor-requests", type=int, default=400, help="reference run: requests per endpoint")
    ap.add_argument("--max-seconds", type=float, default=200, help="cap of the steady and reference phases")
    ap.add_argument("--saturation-seconds", type=float, default=120, help="cap of the saturation phase")
    ap.add_argument("--quiet-wait", type=float, default=90,
                    help="before each load phase, wait up to this long for other processes to go quiet")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--label", default="", help="tag of this run in the results file (e.g. before/after)")
    ap.add_argument("--explain", action="store_true", help="write EXPLAIN ANALYZE of each scenario's slowest SQL")
    args = ap.parse_args(argv)

    RESULTS_DIR.mkdir(exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    started = time.perf_counter()
    result: dict[str, Any] = {"benchmark": "members_list", "label": args.label,
                              "when": datetime.now().isoformat(timespec="seconds"), "machine": machine_info(),
                              "config": {k: v for k, v in vars(args).items() if k not in ("label", "explain")}}
    say = lambda s: print(f"[members_list] {s}", flush=True)  # noqa: E731
    with BenchEnv("bench-members") as env:
        result["postgres"] = env.pg_version()
        env.migrate()
        say(f"migrated; loading {args.members:,} members …")
        lc = load_big_county(env, members=args.members, employers=args.employers, log=lambda s: say(s.strip()))
        from unionhome.demo.loader import seed_demo

        with env.app.app_context():
            seed_demo(size="tiny")
        result["load"] = {"seconds": {k: round(v, 2) for k, v in lc.timings.items()}, "rows": lc.sizes,
                          "members_per_s": round(lc.sizes["members"] / lc.timings["members_copy"]),
                          "sizes": table_sizes(env)}
        say(f"loaded in {lc.timings['total']:.1f} s")
        pools = pick_pools(env, lc)
        scs = scenarios(pools)
        del lc

        say("SQL floor (each scenario's SQL captured in-process, replayed with psycopg) …")
        floor_sql = sql_floor(env, scs, RESULTS_DIR / f"members_list-plans{suffix}.txt" if args.explain else None)

        with env.gunicorn(workers=args.workers, threads=args.threads) as base:
            sessions = {who: Session(base) for who in USERS}
            for who, sess in sessions.items():
                sess.login(USERS[who], PASSWORD)
            rng = random.Random(11)
            for sc in scs:  # warm up, and check every scenario answers 200 with a paginated list
                for _ in range(3):
                    body, headers = sessions[sc.who].get_json(sc.path(rng))
                    assert isinstance(body, list) and "x-pagination" in headers, sc.name
            refs = [Call("ref.healthz", "/healthz", None), Call("ref.me", "/api/v1/me", sessions["admin"])]

            def quiet() -> dict[str, Any]:
                return wait_for_quiet(max_wait=args.quiet_wait, log=say) if args.quiet_wait > 0 else {}

            say(f"reference: /healthz and /api/v1/me alone at {args.rate:g} req/s …")
            q_alone = quiet()
            meter = CpuMeter().start()
            fs, _, _ = run_open_loop(base, [c for c in refs for _ in range(args.floor_requests)], rate=args.rate,
                                     max_inflight=args.max_inflight, max_seconds=args.max_seconds, seed=5)
            alone, cpu_alone = summarize(fs), meter.stop()

            n_steady = (len(scs) + len(refs)) * args.requests
            say(f"steady load: {len(scs)} scenarios + 2 references × {args.requests} at {args.rate:g} req/s "
                f"(~{n_steady / args.rate:.0f} s) …")
            calls = [Call(sc.name, sc.path(rng), sessions[sc.who]) for sc in scs for _ in range(args.requests)]
            calls += [c for c in refs for _ in range(args.requests)]
            q_steady = quiet()
            meter = CpuMeter().start()
            samples, secs, not_sent = run_open_loop(base, calls, rate=args.rate, max_inflight=args.max_inflight,
                                                    max_seconds=args.max_seconds, seed=6)
            steady, cpu_steady = summarize(samples), meter.stop()

            say(f"saturation: {args.clients} closed-loop clients × {len(scs)} scenarios × "
                f"{args.saturation_requests} …")
            calls = [Call(sc.name, sc.path(rng), sessions[sc.who]) for sc in scs
                     for _ in range(args.saturation_requests)]
            q_sat = quiet()
            meter = CpuMeter().start()
            sat_samples, sat_secs = run_load(base, calls, clients=args.clients, max_seconds=args.saturation_seconds,
                                           seed=7)
            sat, cpu_sat = summarize(sat_samples), meter.stop()

    member_ms = [x.seconds * 1000 for x in samples if x.status == 200 and not x.scenario.startswith("ref.")]
    ref_p99 = steady["ref.me"]["p99_ms"]
    result["reference"] = {"alone": alone, "alone_cpu": cpu_alone, "alone_wait": q_alone,
                           "in_mix": {k: steady[k] for k in ("ref.healthz", "ref.me")}}
    result["steady"] = {"rate": args.rate, "requests": len(samples), "not_sent": not_sent, "seconds": round(secs, 1),
                        "all_scenarios_p50_ms": percentile(member_ms, 50), "all_scenarios_p99_ms": percentile(member_ms, 99),
                        "cpu": cpu_steady, "wait": q_steady}
    result["saturation"] = {"clients": args.clients, "requests": len(sat_samples), "seconds": round(sat_secs, 1),
                            "throughput_rps": round(len(sat_samples) / sat_secs, 1), "cpu": cpu_sat,
                            "wait": q_sat}
    nan = float("nan")
    result["scenarios"] = {}
    for sc in scs:
        st = steady.get(sc.name, {"n": 0, "errors": 0, "dropped": 0, "p50_ms": nan, "p95_ms": nan, "p99_ms": nan})
        sq = floor_sql[sc.name]
        result["scenarios"][sc.name] = {
            "what": sc.what, "who": sc.who, "n": st["n"], "errors": st["errors"], "dropped": st.get("dropped", 0),
            "p50_ms": round(st["p50_ms"], 1), "p95_ms": round(st["p95_ms"], 1), "p99_ms": round(st["p99_ms"], 1),
            "p99_over_ref": round(st["p99_ms"] / ref_p99, 2),
            "saturated_p99_ms": round(sat.get(sc.name, {"p99_ms": nan})["p99_ms"], 1),
            "sql_ms": round(sq["sql_ms"], 2), "statements": sq["statements"], "slowest_sql_ms": round(sq["slowest_ms"], 2),
            "slowest_sql": sq["slowest_sql"],
            "meets_target": bool(st["n"] and st["p99_ms"] <= TARGET_P99_MS and not st["errors"] and not st.get("dropped")),
        }
    result["seconds"] = round(time.perf_counter() - started, 1)
    out = RESULTS_DIR / f"members_list{suffix}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print_report(result)
    say(f"results: {out}")
    return result


def print_report(r: dict[str, Any]) -> None:
    c, st, ref = r["config"], r["steady"], r["reference"]
    print(f"\nmembers_list — {c['members']:,} members, gunicorn {c['workers']}×{c['threads']}, "
          f"{r['machine']['cores']} cores, PostgreSQL {r['postgres']}")
    print(f"load: {r['load']['seconds']['total']:.1f} s (members COPY {r['load']['members_per_s']:,} rows/s)")
    a, m = ref["alone"], ref["in_mix"]
    print(f"reference p50/p99 ms — alone at {st['rate']:g} req/s: /healthz {a['ref.healthz']['p50_ms']:.1f}/"
          f"{a['ref.healthz']['p99_ms']:.1f}, /api/v1/me {a['ref.me']['p50_ms']:.1f}/{a['ref.me']['p99_ms']:.1f}; "
          f"in the mix: /healthz {m['ref.healthz']['p50_ms']:.1f}/{m['ref.healthz']['p99_ms']:.1f}, "
          f"/api/v1/me {m['ref.me']['p50_ms']:.1f}/{m['ref.me']['p99_ms']:.1f}")
    not_sent = f" ({st['not_sent']} not sent: time cap)" if st["not_sent"] else ""
    print(f"steady load: {st['requests']} requests in {st['seconds']} s at {st['rate']:g} req/s{not_sent};"
          f" all scenarios p50 {st['all_scenarios_p50_ms']:.1f} / p99 {st['all_scenarios_p99_ms']:.1f} ms")
    if cpu := st.get("cpu"):
        print(f"  CPU during steady load: {cpu['cores_busy']} cores busy, {cpu['cores_ours']} ours (bench, gunicorn, "
              f"PostgreSQL), {cpu['cores_others']} other processes'")
    sat = r["saturation"]
    print(f"saturation: {sat['clients']} clients, {sat['requests']} requests, {sat['throughput_rps']} req/s"
          f"{'; other processes used ' + str(sat['cpu']['cores_others']) + ' cores' if sat.get('cpu') else ''}\n")
    print(markdown_table(r))
    met = sum(1 for s in r["scenarios"].values() if s["meets_target"])
    print(f"\np99 ≤ {TARGET_P99_MS:.0f} ms at {st['rate']:g} req/s: {met}/{len(r['scenarios'])} scenarios; "
          f"median p99/ref {statistics.median(s['p99_over_ref'] for s in r['scenarios'].values()):.2f}")


def dropped(s: dict[str, Any]) -> str:
    return f" ({s['dropped']} dropped)" if s.get("dropped") else ""


def markdown_table(r: dict[str, Any]) -> str:
    lines = ["| scenario | p50 ms | p95 ms | p99 ms | p99 / ref | saturated p99 ms | SQL floor ms | ≤ 50 ms |",
             "|---|---:|---:|---:|---:|---:|---:|:-:|"]
    for name, s in r["scenarios"].items():
        lines.append(f"| `{name}` | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['p99_ms']:.1f} | "
                     f"{s['p99_over_ref']:.2f} | {s['saturated_p99_ms']:.0f} | {s['sql_ms']:.1f} | "
                     f"{'yes' if s['meets_target'] else '**no**'}{dropped(s)} |")
    return "\n".join(lines)
