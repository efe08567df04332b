"""The database floor of a request: capture the SQL one API request runs, replay it with bare psycopg.

`capture()` serves one request in-process (Flask test client) and records every statement with its
parameters and the tenant/system context it ran under; `replay()` runs the same statements on one
psycopg connection as the app role (row-level security on, `app.tenant_id` set the way
`core.tenancy` sets it, savepoints and a time-boxed count included) and times them; `explain()` gives EXPLAIN ANALYZE of one statement.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import event

GUC_SQL = "select set_config('app.tenant_id', %s, false), set_config('app.system', %s, false)"


@dataclass(frozen=True)
class Stmt:
    sql: str
    params: Any
    guc: tuple[str, str]


class InProcessClient:
    """The Flask test client logged in as one user (CSRF double submit as the SPA does it)."""

    def __init__(self, app: Any, username: str, password: str) -> None:
        self.app = app
        self.http = app.test_client()
        self.http.get("/api/v1/auth/csrf")
        token = self.http.get_cookie("csrf_token")
        assert token is not None
        resp = self.http.post("/api/v1/auth/login", json={"username": username, "password": password},
                              headers={"X-CSRF-Token": token.value})
        if resp.status_code != 200:
            raise RuntimeError(f"in-process login {username}: {resp.status_code}")

    def capture(self, path: str) -> tuple[list[Stmt], int]:
        from unionhome.core.tenancy import current_tenant_id_or_none, in_system_context
        from unionhome.extensions import db

        stmts: list[Stmt] = []

        def listener(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            head = statement.lstrip().upper()
            if head.startswith(("ROLLBACK", "COMMIT", "BEGIN")) and "SAVEPOINT" not in head:
                return  # the request's own transaction boundaries; savepoints are kept
            tid = current_tenant_id_or_none()
            stmts.append(Stmt(statement, parameters, ("" if tid is None else str(tid),
                                                      "on" if in_system_context() else "")))

        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            resp = self.http.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return stmts, resp.status_code


def replay(conn: psycopg.Connection[Any], stmts: list[Stmt], repeat: int = 7) -> dict[str, Any]:
    """Median wall time of the whole statement list, and each statement's median."""
    totals: list[float] = []
    per: list[list[float]] = [[] for _ in stmts]
    for _ in range(repeat):
        guc: tuple[str, str] | None = None
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            for i, s in enumerate(stmts):
                t = time.perf_counter()
                if s.guc != guc:
                    cur.execute(GUC_SQL, s.guc)
                    guc = s.guc
                try:
                    cur.execute(s.sql, s.params)
                    if cur.description is not None:
                        cur.fetchall()
                except psycopg.errors.QueryCanceled:
                    pass  # a time-boxed count that ran out (the next statement rolls back its savepoint)
                per[i].append(time.perf_counter() - t)
        conn.rollback()  # as the app's request teardown; it also undoes set_config
        totals.append(time.perf_counter() - t0)
    return {
        "total_ms": statistics.median(totals) * 1000,
        "statements": [(statistics.median(p) * 1000, " ".join(s.sql.split())) for p, s in zip(per, stmts, strict=True)],
    }


def explain(conn: psycopg.Connection[Any], stmt: Stmt) -> str:
    if not stmt.sql.lstrip().upper().startswith("SELECT"):
        return "(not a SELECT)"
    with conn.cursor() as cur:
        cur.execute(GUC_SQL, stmt.guc)
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + stmt.sql, stmt.params)
        text = "\n".join(r[0] for r in cur.fetchall())
    conn.rollback()
    return text
