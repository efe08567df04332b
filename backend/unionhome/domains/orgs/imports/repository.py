"""Raw SQL of the imports (STYLE §6.2: raw SQL lives in repositories): the staging of a running
dry run or commit (persistent tenant-owned tables, see ``models``), duplicate detection over the whole
file, the counts, the pieces of the annotated copy, and the set-based upserts by row range.

Staged rows and problems are loaded with COPY, a chunk at a time, in the job's own transaction (so
they commit with its checkpoint). PostgreSQL refuses COPY FROM into a table with row-level security,
so each chunk goes through a temporary table first: COPY into it, then one INSERT … SELECT (which
the tenant policy checks) into the staging table.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ....core.db import may_maintain
from ....core.spreadsheets import Issue, ParsedRow

ISSUES = "import_issues"
PARTS = "import_parts"
DUPLICATE_SEQ = 1000  # the duplicate-key problem sorts after a row's own problems


class Staging:
    """The staging of one batch: ``table`` holds its valid rows (``row_no, key, digest, *payload``)."""

    def __init__(self, session: Session, tenant_id: int, batch_id: int, table: str,
                 payload_columns: Sequence[str]) -> None:
        self.session = session
        self.tenant_id, self.batch_id = int(tenant_id), int(batch_id)
        self.table = table
        self.columns = ("row_no", "key", "digest", *payload_columns)
        self.ids = {"tid": self.tenant_id, "bid": self.batch_id}

    def _exec(self, sql: str, **params: Any) -> Any:
        return self.session.execute(text(sql), {**self.ids, **params})

    def _copy_in(self, target: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """COPY ``rows`` into ``target`` through a temporary table (see the module docstring)."""
        cols = ", ".join(columns)
        tmp = f"_imp_in_{target}"
        self._exec(f"DROP TABLE IF EXISTS pg_temp.{tmp}")
        self._exec(f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {cols} FROM {target} WITH NO DATA")
        # the driver connection of the session's transaction (tenant GUCs already set on it)
        dbapi = self.session.connection().connection.dbapi_connection
        assert dbapi is not None
        with dbapi.cursor() as cur, cur.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        self._exec(f"INSERT INTO {target} (tenant_id, batch_id, {cols}) SELECT :tid, :bid, {cols} FROM {tmp}")
        self._exec(f"DROP TABLE pg_temp.{tmp}")

    def add_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._copy_in(self.table, self.columns, rows)

    def add_issues(self, rows: Sequence[ParsedRow]) -> None:
        """The problems of a chunk's rows (each row's in the order they were found)."""
        items = [(i.row, seq, i.col, i.label, i.message) for row in rows for seq, i in enumerate(row.issues)]
        if items:
            self._copy_in(ISSUES, ("row_no", "seq", "col", "label", "message"), items)

    def flag_duplicates(self, col: int | None, label: str) -> int:
        """Rows sharing a natural key anywhere in the file: later copies of an identical row are errors
        ("与第N行重复"); when the copies differ, every one of them is. Returns the rows flagged."""
        result = self._exec(f"""
            WITH dup AS (
                SELECT key FROM {self.table} WHERE tenant_id = :tid AND batch_id = :bid
                GROUP BY key HAVING count(*) > 1
            ), d AS (
                SELECT r.row_no, min(r.row_no) OVER w AS first_row, count(*) OVER w AS n,
                       nth_value(r.row_no, 2) OVER w AS second_row,
                       min(r.digest) OVER w <> max(r.digest) OVER w AS conflict
                FROM {self.table} r JOIN dup ON dup.key = r.key
                WHERE r.tenant_id = :tid AND r.batch_id = :bid
                WINDOW w AS (PARTITION BY r.key ORDER BY r.row_no
                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
            ), bad AS (
                SELECT row_no, first_row, second_row, conflict FROM d WHERE n > 1 AND (conflict OR row_no <> first_row)
            ), flagged AS (
                UPDATE {self.table} r SET ok = false FROM bad
                WHERE r.tenant_id = :tid AND r.batch_id = :bid AND r.row_no = bad.row_no RETURNING r.row_no
            )
            INSERT INTO {ISSUES} (tenant_id, batch_id, row_no, seq, col, label, message)
            SELECT :tid, :bid, bad.row_no, {DUPLICATE_SEQ}, :col, :label,
                   CASE WHEN NOT conflict THEN '与第' || first_row || '行重复（同一' || :label || '只能出现一次）'
                        ELSE :label || '与第' || CASE WHEN bad.row_no = first_row THEN second_row ELSE first_row END
                             || '行相同，但其他内容不一致；请合并为一行' END
            FROM bad JOIN flagged USING (row_no)
        """, col=col, label=label)
        return int(result.rowcount or 0)

    def error_row_count(self) -> int:
        return int(self._exec(f"SELECT count(DISTINCT row_no) FROM {ISSUES} WHERE tenant_id = :tid AND batch_id = :bid"
                              ).scalar_one())

    def valid_row_count(self) -> int:
        return int(self._exec(f"SELECT count(*) FROM {self.table} WHERE tenant_id = :tid AND batch_id = :bid AND ok"
                              ).scalar_one())

    def row_range(self) -> tuple[int, int] | None:
        """(first, last) row number of the valid rows, None when there are none."""
        lo, hi = self._exec(f"SELECT min(row_no), max(row_no) FROM {self.table} "
                            "WHERE tenant_id = :tid AND batch_id = :bid AND ok").one()
        return None if lo is None else (int(lo), int(hi))

    _ISSUE_ORDER = "ORDER BY row_no, col NULLS FIRST, seq"

    def first_errors(self, limit: int) -> list[Issue]:
        rows = self._exec(f"SELECT row_no, col, label, message FROM {ISSUES} WHERE tenant_id = :tid AND batch_id = :bid "
                          f"{self._ISSUE_ORDER} LIMIT :n", n=limit)
        return [Issue(r, c, lb, m) for r, c, lb, m in rows]

    def issues_between(self, lo: int, hi: int) -> dict[int, list[Issue]]:
        """The problems of rows ``lo`` ≤ row < ``hi``, by row."""
        rows = self._exec(f"SELECT row_no, col, label, message FROM {ISSUES} WHERE tenant_id = :tid AND batch_id = :bid "
                          f"AND row_no >= :lo AND row_no < :hi {self._ISSUE_ORDER}", lo=lo, hi=hi)
        out: dict[int, list[Issue]] = {}
        for r, c, lb, m in rows:
            out.setdefault(r, []).append(Issue(r, c, lb, m))
        return out

    def errors_by_row(self, batch: int = 5000) -> Iterator[tuple[int, list[Issue]]]:
        """Every problem, grouped by row in row order, read through a server-side cursor."""
        stmt = text(f"SELECT row_no, col, label, message FROM {ISSUES} WHERE tenant_id = :tid AND batch_id = :bid "
                    f"{self._ISSUE_ORDER}")
        result = self.session.connection().execute(stmt.execution_options(stream_results=True, max_row_buffer=batch),
                                                   self.ids)
        try:
            for row_no, group in itertools.groupby(result, key=lambda r: r[0]):
                yield row_no, [Issue(r[0], r[1], r[2], r[3]) for r in group]
        finally:
            result.close()

    # -- the annotated copy's pieces --------------------------------------------------------------

    def add_part(self, stream: str, part_no: int, data: bytes) -> None:
        self._exec(f"INSERT INTO {PARTS} (tenant_id, batch_id, stream, part_no, data) VALUES (:tid, :bid, :s, :n, :d) "
                   "ON CONFLICT ON CONSTRAINT pk_import_parts DO UPDATE SET data = EXCLUDED.data",
                   s=stream, n=part_no, d=data)

    def parts(self, stream: str) -> Iterator[bytes]:
        """The pieces of one stream in order, one at a time."""
        numbers = [int(n) for n in self._exec(f"SELECT part_no FROM {PARTS} WHERE tenant_id = :tid AND batch_id = :bid "
                                              "AND stream = :s ORDER BY part_no", s=stream).scalars()]
        for n in numbers:
            yield bytes(self._exec(f"SELECT data FROM {PARTS} WHERE tenant_id = :tid AND batch_id = :bid AND stream = :s "
                                   "AND part_no = :n", s=stream, n=n).scalar_one())

    def delete_parts(self) -> None:
        self._exec(f"DELETE FROM {PARTS} WHERE tenant_id = :tid AND batch_id = :bid")

    # -- cleaning up ------------------------------------------------------------------------------

    def delete_some(self, limit: int = 100_000) -> int:
        """Delete up to about ``limit`` staged rows, problems and pieces of the batch, lowest rows first
        (index range deletes: no plan depends on statistics of these fast-changing tables). Returns
        the rows deleted, 0 once none are left."""
        deleted = 0
        for table, key in ((self.table, "row_no"), (ISSUES, "row_no"), (PARTS, "part_no")):
            cut = self._exec(f"SELECT {key} FROM {table} WHERE tenant_id = :tid AND batch_id = :bid "
                             f"ORDER BY {key} OFFSET :n LIMIT 1", n=limit).scalar_one_or_none()
            bound = "" if cut is None else f" AND {key} < :cut"
            deleted += int(self._exec(f"DELETE FROM {table} WHERE tenant_id = :tid AND batch_id = :bid{bound}",
                                      cut=cut).rowcount or 0)
            if deleted >= limit:
                break
        return deleted

    def analyze(self) -> None:
        """Fresh statistics for the set-based steps, where the role may (PostgreSQL ≥ 17 with the
        MAINTAIN grant of migration 0007; elsewhere ANALYZE only warns and autovacuum catches up)."""
        if self.session.info.get("uh_can_maintain") is None:
            self.session.info["uh_can_maintain"] = may_maintain(self.session, self.table)
        if self.session.info["uh_can_maintain"]:
            self._exec(f"ANALYZE {self.table}")
            self._exec(f"ANALYZE {ISSUES}")


RUNNING_STATUSES = ("pending", "validating", "committing")
SHARED_STAGING_TABLES = (ISSUES, PARTS)  # besides each import kind's own (`ImportDefinition.staging_table`)


def close_abandoned_batches(session: Session, grace_s: int) -> list[tuple[int, int, str, str]]:
    """Housekeeping (system context): batches still pending/validating/committing whose job has ended
    (failed for good, cancelled while queued …) at least ``grace_s`` ago are closed: cancelled, or
    failed with the job's reason. Returns (tenant_id, batch_id, new status, reason) of each.
    (A read of the jobs domain's table: the one place where an import looks at its job's row.)"""
    rows = session.execute(text("""
        UPDATE import_batches b
        SET status = CASE WHEN j.status = 'cancelled' THEN 'cancelled' ELSE 'failed' END,
            error_code = CASE WHEN j.status = 'cancelled' THEN 'cancelled' ELSE 'abandoned' END,
            error_message = CASE WHEN j.status = 'cancelled' THEN '已取消，数据未写入'
                                 ELSE replace(:message, '{reason}', coalesce(left(j.error, 200), '任务已结束')) END,
            step = NULL, updated_at = now()
        FROM jobs j
        WHERE b.status IN ('pending', 'validating', 'committing')
          AND j.tenant_id = b.tenant_id
          AND j.id = CASE WHEN b.status = 'committing' THEN b.commit_job_id ELSE b.dry_run_job_id END
          AND j.status IN ('succeeded', 'failed', 'cancelled')
          AND j.finished_at < now() - make_interval(secs => :grace)
        RETURNING b.tenant_id, b.id, b.status, coalesce(j.error, j.status)
    """), {"grace": grace_s, "message": "后台处理意外中止（{reason}），本次导入未完成；请重新上传文件后再试"}).all()
    return [(int(t), int(b), str(s), str(r)) for t, b, s, r in rows]


def delete_abandoned_staging(session: Session, tables: Iterable[str], limit: int = 200_000) -> int:
    """Housekeeping (system context): delete up to ``limit`` staged rows, problems and pieces per table
    (``tables``: the kinds' staging tables and `SHARED_STAGING_TABLES`) of batches that are not running
    (ended, or gone). Returns the rows deleted."""
    deleted = 0
    for table in tables:
        deleted += int(session.execute(text(f"""
            DELETE FROM {table} s WHERE s.ctid = ANY (ARRAY(
                SELECT s2.ctid FROM {table} s2
                LEFT JOIN import_batches b ON b.tenant_id = s2.tenant_id AND b.id = s2.batch_id
                WHERE b.id IS NULL OR b.status NOT IN ('pending', 'validating', 'committing')
                LIMIT :n))
        """), {"n": limit}).rowcount or 0)  # type: ignore[attr-defined]
    return deleted


# ---- set-based upserts -----------------------------------------------------------------------------

def _changes(old: str, new: str, columns: Sequence[str]) -> str:
    """SQL: {column: [old, new]} for the columns that changed, as jsonb."""
    pairs = ", ".join(f"'{col}', CASE WHEN {old}.{col} IS DISTINCT FROM {new}.{col} "
                      f"THEN jsonb_build_array({old}.{col}, {new}.{col}) END" for col in columns)
    return f"jsonb_strip_nulls(jsonb_build_object({pairs}))"


_AUDIT = ("INSERT INTO audit_log (tenant_id, actor_user_id, actor_name, action, entity_type, entity_id, changes) "
          "SELECT :tid, :uid, :uname, :action, :entity, id, changes || jsonb_build_object('import_id', :bid) FROM {cte}")


def _params(tenant_id: int, actor: Any, batch_id: int, action: str, entity: str, lo: int, hi: int) -> dict[str, Any]:
    return {"tid": tenant_id, "uid": getattr(actor, "user_id", None), "uname": getattr(actor, "username", None),
            "bid": batch_id, "action": action, "entity": entity, "lo": lo, "hi": hi}


# Columns an import may change on an existing member; a blank cell keeps what is there.
MEMBER_UPDATABLE = ("name", "mobile", "employer_id", "join_date", "employment_type", "member_card_number", "remark")


def staged(table: str) -> str:
    """The staged valid and invalid rows of a batch with row numbers in [:lo, :hi), as a subquery ``t``."""
    return (f"(SELECT * FROM {table} WHERE tenant_id = :tid AND batch_id = :bid AND row_no >= :lo AND row_no < :hi)")


def upsert_members(session: Session, tenant_id: int, actor: Any, batch_id: int, lo: int, hi: int) -> tuple[int, int]:
    """Update changed members (same ID number, same union), then insert the new ones, for the staged
    rows ``lo`` ≤ row < ``hi``; one audit row per created or changed member, none for unchanged ones.
    Returns (created, updated). Running it again for the same rows changes nothing."""
    rows = staged("import_member_rows")
    new_values = ", ".join("name = t.name" if col == "name" else f"{col} = COALESCE(t.{col}, m.{col})"
                           for col in MEMBER_UPDATABLE)
    compare_new = ", ".join("t.name" if col == "name" else f"COALESCE(t.{col}, m.{col})" for col in MEMBER_UPDATABLE)
    compare_old = ", ".join(f"m.{col}" for col in MEMBER_UPDATABLE)
    updated = session.execute(text(f"""
        WITH upd AS (
            UPDATE members m SET {new_values}, version = m.version + 1, updated_at = now()
            FROM {rows} t, members o
            WHERE t.ok AND m.tenant_id = :tid AND m.id_number_hash = t.key AND m.org_id = t.org_id
              AND o.tenant_id = m.tenant_id AND o.id = m.id
              AND ({compare_old}) IS DISTINCT FROM ({compare_new})
            RETURNING m.id, {_changes("o", "m", MEMBER_UPDATABLE)} AS changes
        ) {_AUDIT.format(cte="upd")}
    """), _params(tenant_id, actor, batch_id, "member.import_update", "member", lo, hi)).rowcount  # type: ignore[attr-defined]
    created = session.execute(text(f"""
        WITH ins AS (
            INSERT INTO members (tenant_id, name, id_number_enc, id_number_hash, id_region_code, id_last4, birth_date,
                                 gender, mobile, org_id, employer_id, join_date, employment_type, member_card_status,
                                 member_card_number, status, remark, version)
            SELECT :tid, t.name, t.id_enc, t.key, t.region_code, t.last4, t.birth_date, t.gender, t.mobile, t.org_id,
                   t.employer_id, t.join_date, COALESCE(t.employment_type, 'regular'), 'not_collected',
                   t.member_card_number, 'active', t.remark, 1
            FROM {rows} t WHERE t.ok AND t.id_enc IS NOT NULL ORDER BY t.row_no
            ON CONFLICT ON CONSTRAINT uq_members_id_number DO NOTHING
            RETURNING id, jsonb_build_object('name', name, 'org_id', org_id) AS changes
        ) {_AUDIT.format(cte="ins")}
    """), _params(tenant_id, actor, batch_id, "member.import_create", "member", lo, hi)).rowcount  # type: ignore[attr-defined]
    return int(created or 0), int(updated or 0)


EMPLOYER_UPDATABLE = ("name", "ownership_type", "sector", "staff_count", "women_count", "migrant_count", "address",
                      "legal_representative", "contact_phone", "township_org_id", "union_status", "covering_org_id",
                      "remark")


def upsert_employers(session: Session, tenant_id: int, actor: Any, batch_id: int, lo: int, hi: int
                     ) -> tuple[int, int]:
    """Update changed employers (same credit code), then insert the new ones, with audit rows, for the
    staged rows ``lo`` ≤ row < ``hi``."""
    rows = staged("import_employer_rows")
    new_values = ", ".join("name = t.name" if col == "name" else f"{col} = COALESCE(t.{col}, e.{col})"
                           for col in EMPLOYER_UPDATABLE)
    compare_new = ", ".join("t.name" if col == "name" else f"COALESCE(t.{col}, e.{col})" for col in EMPLOYER_UPDATABLE)
    compare_old = ", ".join(f"e.{col}" for col in EMPLOYER_UPDATABLE)
    updated = session.execute(text(f"""
        WITH upd AS (
            UPDATE employers e SET {new_values}, version = e.version + 1, updated_at = now()
            FROM {rows} t, employers o
            WHERE t.ok AND e.tenant_id = :tid AND e.credit_code = t.key
              AND o.tenant_id = e.tenant_id AND o.id = e.id
              AND ({compare_old}) IS DISTINCT FROM ({compare_new})
            RETURNING e.id, {_changes("o", "e", EMPLOYER_UPDATABLE)} AS changes
        ) {_AUDIT.format(cte="upd")}
    """), _params(tenant_id, actor, batch_id, "employer.import_update", "employer", lo, hi)).rowcount  # type: ignore[attr-defined]
    created = session.execute(text(f"""
        WITH ins AS (
            INSERT INTO employers (tenant_id, name, credit_code, ownership_type, sector, staff_count, women_count,
                                   migrant_count, address, legal_representative, contact_phone, township_org_id,
                                   union_status, covering_org_id, remark, version)
            SELECT :tid, t.name, t.key, t.ownership_type, t.sector, COALESCE(t.staff_count, 0),
                   COALESCE(t.women_count, 0), COALESCE(t.migrant_count, 0), t.address, t.legal_representative,
                   t.contact_phone, t.township_org_id, COALESCE(t.union_status, 'not_founded'), t.covering_org_id,
                   t.remark, 1
            FROM {rows} t WHERE t.ok AND t.is_new ORDER BY t.row_no
            ON CONFLICT ON CONSTRAINT uq_employers_credit_code DO NOTHING
            RETURNING id, jsonb_build_object('name', name, 'credit_code', credit_code) AS changes
        ) {_AUDIT.format(cte="ins")}
    """), _params(tenant_id, actor, batch_id, "employer.import_create", "employer", lo, hi)).rowcount  # type: ignore[attr-defined]
    return int(created or 0), int(updated or 0)
