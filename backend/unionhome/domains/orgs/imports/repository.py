"""Raw SQL of the imports (STYLE §6.2: raw SQL lives in repositories): the per-import staging tables
(temporary, in the import's own transaction), COPY into them, duplicate detection inside the file.

Two temporary tables live for one run: ``_imp_rows`` (the valid rows, staged with their natural key and
a digest of their content; a definition adds its own columns) and ``_imp_errors`` (every problem of
every row). Both are filled with COPY chunk by chunk, so no run ever holds more than a chunk in Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ....core.spreadsheets import Issue

ROWS = "_imp_rows"
ERRORS = "_imp_errors"


class Staging:
    def __init__(self, session: Session, key_type: str, payload_ddl: str, payload_columns: Sequence[str]) -> None:
        self.session = session
        self.key_type = key_type
        self.payload_ddl = payload_ddl
        self.columns = ("row_no", "key", "digest", *payload_columns)

    def create(self) -> None:
        s = self.session
        s.execute(text(f"DROP TABLE IF EXISTS pg_temp.{ROWS}, pg_temp.{ERRORS}"))
        s.execute(text(f"CREATE TEMP TABLE {ROWS} (row_no integer PRIMARY KEY, key {self.key_type} NOT NULL, "
                       f"digest text NOT NULL, ok boolean NOT NULL DEFAULT true, {self.payload_ddl}) ON COMMIT DROP"))
        s.execute(text(f"CREATE TEMP TABLE {ERRORS} (row_no integer NOT NULL, col integer, label text NOT NULL, "
                       "message text NOT NULL) ON COMMIT DROP"))

    def drop(self) -> None:
        self.session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{ROWS}, pg_temp.{ERRORS}"))

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        # the driver connection of the session's transaction (tenant GUCs already set on it)
        dbapi = self.session.connection().connection.dbapi_connection
        assert dbapi is not None
        with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)

    def add_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._copy(ROWS, self.columns, rows)

    def add_errors(self, issues: Sequence[Issue]) -> None:
        if issues:
            self._copy(ERRORS, ("row_no", "col", "label", "message"),
                       ((i.row, i.col, i.label, i.message) for i in issues))

    def analyze(self) -> None:
        self.session.execute(text(f"ANALYZE {ROWS}"))

    def flag_duplicates(self, col: int | None, label: str) -> int:
        """Rows sharing a natural key: later copies of an identical row are errors ("与第N行重复"); when
        the copies differ, every one of them is. Returns the number of rows flagged."""
        result = self.session.execute(text(f"""
            WITH d AS (
                SELECT row_no, min(row_no) OVER w AS first_row, count(*) OVER w AS n,
                       nth_value(row_no, 2) OVER w AS second_row, min(digest) OVER w <> max(digest) OVER w AS conflict
                FROM {ROWS}
                WINDOW w AS (PARTITION BY key ORDER BY row_no ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
            ), bad AS (
                SELECT row_no, first_row, second_row, conflict FROM d
                WHERE n > 1 AND (conflict OR row_no <> first_row)
            ), flagged AS (
                UPDATE {ROWS} r SET ok = false FROM bad WHERE r.row_no = bad.row_no RETURNING r.row_no
            )
            INSERT INTO {ERRORS} (row_no, col, label, message)
            SELECT bad.row_no, :col, :label,
                   CASE WHEN NOT conflict THEN '与第' || first_row || '行重复（同一' || :label || '只能出现一次）'
                        ELSE :label || '与第' || CASE WHEN bad.row_no = first_row THEN second_row ELSE first_row END
                             || '行相同，但其他内容不一致；请合并为一行' END
            FROM bad JOIN flagged USING (row_no)
        """), {"col": col, "label": label})
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def error_row_count(self) -> int:
        return int(self.session.execute(text(f"SELECT count(DISTINCT row_no) FROM {ERRORS}")).scalar_one())

    def valid_row_count(self) -> int:
        return int(self.session.execute(text(f"SELECT count(*) FROM {ROWS} WHERE ok")).scalar_one())

    def first_errors(self, limit: int) -> list[Issue]:
        rows = self.session.execute(text(
            f"SELECT row_no, col, label, message FROM {ERRORS} ORDER BY row_no, col NULLS FIRST LIMIT :n"),
            {"n": limit})
        return [Issue(r, c, lb, m) for r, c, lb, m in rows]

    def errors_by_row(self, batch: int = 5000) -> Iterator[tuple[int, list[Issue]]]:
        """Every problem, grouped by row in row order, read through a server-side cursor."""
        stmt = text(f"SELECT row_no, col, label, message FROM {ERRORS} ORDER BY row_no, col NULLS FIRST")
        result = self.session.connection().execute(stmt.execution_options(stream_results=True, max_row_buffer=batch))
        try:
            for row_no, group in itertools.groupby(result, key=lambda r: r[0]):
                yield row_no, [Issue(r[0], r[1], r[2], r[3]) for r in group]
        finally:
            result.close()


# ---- set-based upserts -----------------------------------------------------------------------------

def _changes(old: str, new: str, columns: Sequence[str]) -> str:
    """SQL: {column: [old, new]} for the columns that changed, as jsonb."""
    pairs = ", ".join(f"'{col}', CASE WHEN {old}.{col} IS DISTINCT FROM {new}.{col} "
                      f"THEN jsonb_build_array({old}.{col}, {new}.{col}) END" for col in columns)
    return f"jsonb_strip_nulls(jsonb_build_object({pairs}))"


_AUDIT = ("INSERT INTO audit_log (tenant_id, actor_user_id, actor_name, action, entity_type, entity_id, changes) "
          "SELECT :tid, :uid, :uname, :action, :entity, id, changes || jsonb_build_object('import_id', :bid) FROM {cte}")


def _params(tenant_id: int, actor: Any, batch_id: int, action: str, entity: str) -> dict[str, Any]:
    return {"tid": tenant_id, "uid": getattr(actor, "user_id", None), "uname": getattr(actor, "username", None),
            "bid": batch_id, "action": action, "entity": entity}


# Columns an import may change on an existing member; a blank cell keeps what is there.
MEMBER_UPDATABLE = ("name", "mobile", "employer_id", "join_date", "employment_type", "member_card_number", "remark")


def upsert_members(session: Session, tenant_id: int, actor: Any, batch_id: int) -> tuple[int, int]:
    """Update changed members (same ID number, same union), then insert the new ones; one audit row per
    created or changed member, none for unchanged ones. Returns (created, updated)."""
    new_values = ", ".join("name = t.name" if col == "name" else f"{col} = COALESCE(t.{col}, m.{col})"
                           for col in MEMBER_UPDATABLE)
    compare_new = ", ".join("t.name" if col == "name" else f"COALESCE(t.{col}, m.{col})" for col in MEMBER_UPDATABLE)
    compare_old = ", ".join(f"m.{col}" for col in MEMBER_UPDATABLE)
    updated = session.execute(text(f"""
        WITH upd AS (
            UPDATE members m SET {new_values}, version = m.version + 1, updated_at = now()
            FROM {ROWS} t, members o
            WHERE t.ok AND m.tenant_id = :tid AND m.id_number_hash = t.key AND m.org_id = t.org_id
              AND o.tenant_id = m.tenant_id AND o.id = m.id
              AND ({compare_old}) IS DISTINCT FROM ({compare_new})
            RETURNING m.id, {_changes("o", "m", MEMBER_UPDATABLE)} AS changes
        ) {_AUDIT.format(cte="upd")}
    """), _params(tenant_id, actor, batch_id, "member.import_update", "member")).rowcount  # type: ignore[attr-defined]
    created = session.execute(text(f"""
        WITH ins AS (
            INSERT INTO members (tenant_id, name, id_number_enc, id_number_hash, id_region_code, id_last4, birth_date,
                                 gender, mobile, org_id, employer_id, join_date, employment_type, member_card_status,
                                 member_card_number, status, remark, version)
            SELECT :tid, t.name, t.id_enc, t.key, t.region_code, t.last4, t.birth_date, t.gender, t.mobile, t.org_id,
                   t.employer_id, t.join_date, COALESCE(t.employment_type, 'regular'), 'not_collected',
                   t.member_card_number, 'active', t.remark, 1
            FROM {ROWS} t WHERE t.ok AND t.id_enc IS NOT NULL ORDER BY t.row_no
            ON CONFLICT ON CONSTRAINT uq_members_id_number DO NOTHING
            RETURNING id, jsonb_build_object('name', name, 'org_id', org_id) AS changes
        ) {_AUDIT.format(cte="ins")}
    """), _params(tenant_id, actor, batch_id, "member.import_create", "member")).rowcount  # type: ignore[attr-defined]
    return int(created or 0), int(updated or 0)


EMPLOYER_UPDATABLE = ("name", "ownership_type", "sector", "staff_count", "women_count", "migrant_count", "address",
                      "legal_representative", "contact_phone", "township_org_id", "union_status", "covering_org_id",
                      "remark")


def upsert_employers(session: Session, tenant_id: int, actor: Any, batch_id: int) -> tuple[int, int]:
    """Update changed employers (same credit code), then insert the new ones, with audit rows."""
    new_values = ", ".join("name = t.name" if col == "name" else f"{col} = COALESCE(t.{col}, e.{col})"
                           for col in EMPLOYER_UPDATABLE)
    compare_new = ", ".join("t.name" if col == "name" else f"COALESCE(t.{col}, e.{col})" for col in EMPLOYER_UPDATABLE)
    compare_old = ", ".join(f"e.{col}" for col in EMPLOYER_UPDATABLE)
    updated = session.execute(text(f"""
        WITH upd AS (
            UPDATE employers e SET {new_values}, version = e.version + 1, updated_at = now()
            FROM {ROWS} t, employers o
            WHERE t.ok AND e.tenant_id = :tid AND e.credit_code = t.key
              AND o.tenant_id = e.tenant_id AND o.id = e.id
              AND ({compare_old}) IS DISTINCT FROM ({compare_new})
            RETURNING e.id, {_changes("o", "e", EMPLOYER_UPDATABLE)} AS changes
        ) {_AUDIT.format(cte="upd")}
    """), _params(tenant_id, actor, batch_id, "employer.import_update", "employer")).rowcount  # type: ignore[attr-defined]
    created = session.execute(text(f"""
        WITH ins AS (
            INSERT INTO employers (tenant_id, name, credit_code, ownership_type, sector, staff_count, women_count,
                                   migrant_count, address, legal_representative, contact_phone, township_org_id,
                                   union_status, covering_org_id, remark, version)
            SELECT :tid, t.name, t.key, t.ownership_type, t.sector, COALESCE(t.staff_count, 0),
                   COALESCE(t.women_count, 0), COALESCE(t.migrant_count, 0), t.address, t.legal_representative,
                   t.contact_phone, t.township_org_id, COALESCE(t.union_status, 'not_founded'), t.covering_org_id,
                   t.remark, 1
            FROM {ROWS} t WHERE t.ok AND t.is_new ORDER BY t.row_no
            ON CONFLICT ON CONSTRAINT uq_employers_credit_code DO NOTHING
            RETURNING id, jsonb_build_object('name', name, 'credit_code', credit_code) AS changes
        ) {_AUDIT.format(cte="ins")}
    """), _params(tenant_id, actor, batch_id, "employer.import_create", "employer")).rowcount  # type: ignore[attr-defined]
    return int(created or 0), int(updated or 0)
