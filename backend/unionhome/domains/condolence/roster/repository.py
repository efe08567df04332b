"""The roster job's SQL: writing workbook rows as lines with COPY, and judging a whole campaign set-based.

Raw SQL lives here (STYLE §6.2): every statement names `tenant_id` explicitly, and row-level security
(the app role, `app.tenant_id` set by the session listener) holds under it all.

The judgement (`judge`) is one transaction, serialised per campaign by an advisory lock:

1. `rb` — the batches in play: processed or submitted, or read and not judged yet. Counted batches are
   those submitted (上报): their lines compete with each other in the stable order (submitted_at,
   batch id, row). A batch that is not submitted (a dry run, 试算) is judged as if it were submitted
   next, against the counted lines, without changing anything for anyone else.
   Batches whose lines were checked against another basis (`local`) are checked again here.
2. `rj` — every line of those batches, narrow: its line-local verdict (written when it was read,
   `local`), its latest help in earlier campaigns (`rp`, a hash join by ID HMAC), its current verdict.
3. `rd` — duplicates: the same ID number, then the same bank card for another person; the first line
   in the stable order keeps its place, the others name it ("与 XX工会 第12行 重复推荐").
4. `ro` — quotas level by level (the most specific org and category first) and budgets (category caps,
   then the campaign's cash and goods budget): running counts and sums in the stable order over the
   lines that may take a place (`rq`), counted per batch and line by line only where one runs out.
5. the verdict per line (in memory, one statement): the lines whose verdict changed (`rf`: after a fresh
   reading, those the campaign-wide checks catch) are written, and the counts (`rs`) give the batch
   counts and the campaign's summary.

The same inputs give the same verdicts, whatever order the batches were parsed in.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ....core.db import may_maintain
from ..models import FESTIVALS
from . import checks, local
from .parse import LINE_COLUMNS

# ---------------------------------------------------------------------------------------------
# Staging


def raw_connection(session: Any) -> Any:
    """The psycopg connection under the session's current transaction (tenant settings synced)."""
    session.execute(text("SELECT 1"))  # makes the RLS listener set app.tenant_id on this connection
    return session.connection().connection.driver_connection


_COPY_TABLE = """CREATE TEMP TABLE IF NOT EXISTS roster_copy (
    row_no integer, name varchar(60), id_enc bytea, id_hash bytea, id_last4 varchar(4), id_region varchar(6),
    id_raw_masked varchar(40), bank_card_enc bytea, bank_card_hash bytea, bank_card_last4 varchar(4),
    bank_name varchar(60), mobile varchar(11), category_code varchar(30), sheet_cash_fen bigint,
    sheet_goods_fen bigint, reason varchar(500), work_unit varchar(200), parse_code varchar(40),
    parse_reason varchar(500))"""


# The COPY is binary (bytea goes as bytes, not hex text: ~0.6 µs a row less on both sides); the types
# of `parse.LINE_COLUMNS`, in order, as `roster_copy` declares them.
_COPY_TYPES = ("int4", "text", "bytea", "bytea", "text", "text", "text", "bytea", "bytea", "text", "text", "text",
               "text", "int8", "int8", "text", "text", "text", "text")
assert len(_COPY_TYPES) == len(LINE_COLUMNS)

_PASSTHROUGH = tuple(c for c in LINE_COLUMNS if c != "category_code")

# The same COPY from the compiled encoder (`checks.copy_rows`): the file's header and trailer are ours
# to write then, and the types as its letters.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\0" + b"\0\0\0\0" + b"\0\0\0\0"  # signature, flags, no extension
_BINARY_TRAILER = b"\xff\xff"
_COPY_LETTERS = "".join({"int4": "i", "int8": "q", "text": "t", "bytea": "b"}[t] for t in _COPY_TYPES)
_BLOCK = 500


def copy_lines(session: Any, *, tenant_id: int, campaign_id: int, batch_id: int, org_id: int,
               township_org_id: int | None, rows: Iterable[tuple[Any, ...]], local_params: dict[str, Any],
               timings: dict[str, float] | None = None) -> int:
    """Write a batch's rows (`parse.LINE_COLUMNS`) as lines with their line-local checks (`local`) and
    the provisional verdict these give (invalid, ineligible by the hardship file, or ok until the
    judgement says more). PostgreSQL refuses COPY FROM into a table with row-level security, so rows
    are COPYed into a temporary table of the session and moved with one INSERT … SELECT (where RLS
    checks every row)."""
    conn = raw_connection(session)
    cols = ", ".join(LINE_COLUMNS)
    with conn.cursor() as cur:
        cur.execute(_COPY_TABLE)
        cur.execute("TRUNCATE roster_copy")
        n = 0
        t0 = time.perf_counter()
        with cur.copy(f"COPY roster_copy ({cols}) FROM STDIN (FORMAT BINARY)") as cp:
            if checks.ROWFAST:  # the compiled encoder, a block of rows at a time
                block: list[tuple[Any, ...]] = []
                cp.write(_BINARY_HEADER)
                for row in rows:
                    block.append(row)
                    if len(block) == _BLOCK:
                        cp.write(checks.copy_rows(block, _COPY_LETTERS))
                        n += _BLOCK
                        block = []
                if block:
                    cp.write(checks.copy_rows(block, _COPY_LETTERS))
                    n += len(block)
                cp.write(_BINARY_TRAILER)
            else:
                cp.set_types(_COPY_TYPES)
                write = cp.write_row
                for row in rows:
                    write(row)
                    n += 1
        t1 = time.perf_counter()
    passthrough = ", ".join(f"src.{c}" for c in _PASSTHROUGH)
    source = f"(SELECT {', '.join(_PASSTHROUGH)}, category_code AS sheet_category_code FROM roster_copy)"
    target = (f"tenant_id, campaign_id, batch_id, org_id, township_org_id, {', '.join(_PASSTHROUGH)}, "
              f"sheet_category_code, {', '.join(local.LOCAL_COLUMNS)}, check_code, check_reason, review_status, "
              "objection_upheld, payment_status")
    session.execute(text(local.NO_PROBE_CACHE))
    session.execute(text(
        f"WITH {local.CATEGORIES_CTE} INSERT INTO condolence_lines ({target}) "
        f"SELECT :tid, :cid, :bid, :org, :township, f.*, f.pre_code, f.pre_reason, 'pending', false, 'unpaid' "
        f"FROM ({local.select_sql(source, passthrough + ', src.sheet_category_code')}) f"),
        {**local_params, "tid": tenant_id, "cid": campaign_id, "bid": batch_id, "org": org_id,
         "township": township_org_id})
    session.execute(text("TRUNCATE roster_copy"))
    if timings is not None:
        timings["read_copy"] = timings.get("read_copy", 0.0) + t1 - t0
        timings["insert"] = timings.get("insert", 0.0) + time.perf_counter() - t1
    return n


def clear_lines(session: Any, tenant_id: int, batch_ids: list[int]) -> None:
    """A batch being read again loses the lines of its previous reading."""
    if batch_ids:
        session.execute(text("DELETE FROM condolence_lines WHERE tenant_id = :tid AND batch_id = ANY(:ids)"),
                        {"tid": tenant_id, "ids": batch_ids})


# ---------------------------------------------------------------------------------------------
# Statistics

# The judgement refreshes the statistics when this many lines, and this share of the table, were written
# since the last ANALYZE.
STATS_MIN_CHANGED = 50_000
STATS_MIN_SHARE = 0.1
STATS_LOCK_WAIT = "2500ms"


def refresh_line_statistics(engine: Any) -> bool:
    """ANALYZE condolence_lines when many lines were written since its statistics were taken (a roster
    job just read a campaign's workbooks; autovacuum gets there later). Without it the planner takes a
    fresh campaign for an empty one and hashes its million lines instead of the batches (~3 s more).

    On its own short transaction (the lock ANALYZE takes is not held through the judgement), skipped
    when another session holds that lock for longer than STATS_LOCK_WAIT (autovacuum does not: it is
    cancelled after deadlock_timeout), or where the role may not (PostgreSQL < 17: no MAINTAIN).
    Returns whether it ran."""
    with engine.begin() as conn:
        row = conn.execute(text("""
            SELECT s.n_mod_since_analyze, c.reltuples
            FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.oid = 'condolence_lines'::regclass""")).one_or_none()
        if row is None or int(row[0] or 0) < max(STATS_MIN_CHANGED, STATS_MIN_SHARE * float(row[1] or 0)):
            return False
        if not may_maintain(conn, "condolence_lines"):
            return False
        # Autovacuum is often at the table right then (a million rows just inserted): a wait longer than
        # deadlock_timeout (1 s) makes PostgreSQL cancel it for us; a user's session holding the lock
        # is waited for no more than this.
        conn.execute(text(f"SET LOCAL lock_timeout = '{STATS_LOCK_WAIT}'"))
        try:
            with conn.begin_nested():
                conn.execute(text("ANALYZE condolence_lines"))
        except DBAPIError:  # the lock is taken (autovacuum, another judgement's ANALYZE): go on without
            return False
    return True


# ---------------------------------------------------------------------------------------------
# The judgement

_FESTIVAL_LABEL = "CASE c.festival " + " ".join(
    f"WHEN '{code}' THEN '{label}'" for code, label in FESTIVALS.items()) + " ELSE c.festival END"

_BATCHES = """
CREATE TEMP TABLE rb ON COMMIT DROP AS
WITH tw AS (SELECT id, path, depth FROM orgs WHERE tenant_id = :tid AND org_type = 'township')
SELECT b.id AS batch_id, b.org_id, o.name AS org_name, o.path AS org_path,
       (b.submitted_at IS NOT NULL) AS counted,
       (SELECT tw.id FROM tw WHERE o.path LIKE tw.path || '%' ORDER BY tw.depth DESC LIMIT 1) AS township_org_id,
       row_number() OVER (ORDER BY b.submitted_at IS NULL, b.submitted_at, b.id) AS bord
FROM condolence_batches b
JOIN orgs o ON o.tenant_id = b.tenant_id AND o.id = b.org_id
WHERE b.tenant_id = :tid AND b.campaign_id = :cid
  AND (b.status IN ('processed', 'submitted') OR (b.status = 'processing' AND b.parsed_at IS NOT NULL))
"""

_CATEGORIES = """
CREATE TEMP TABLE rc ON COMMIT DROP AS
SELECT code, name, standard_cash_fen, standard_goods_fen, budget_cash_fen
FROM condolence_categories WHERE tenant_id = :tid AND campaign_id = :cid
"""

# The latest help of each ID in the county's earlier campaigns that the rules look at (a hash join over
# those campaigns' approved lines: the lines have no index on the ID hash).
_HELPED = f"""
CREATE TEMP TABLE rp ON COMMIT DROP AS
SELECT DISTINCT ON (l.id_hash) l.id_hash, c.name AS campaign_name,
       (c.festival = :festival AND c.year = :year) AS same_festival,
       coalesce(l.paid_at::date, c.frozen_at::date, c.nomination_deadline::date, c.created_at::date) AS helped_on,
       {_FESTIVAL_LABEL} AS festival_label
FROM condolence_campaigns c
JOIN condolence_lines l ON l.tenant_id = c.tenant_id AND l.campaign_id = c.id
WHERE c.tenant_id = :tid AND c.id <> :cid AND l.check_status = 'ok' AND l.id_hash IS NOT NULL
  AND ((l.review_status = 'county_approved' AND NOT l.objection_upheld) OR l.payment_status = 'paid')
  AND ((:once_per_festival AND c.festival = :festival AND c.year = :year)
       OR (:cooldown_on
           AND coalesce(l.paid_at::date, c.frozen_at::date, c.nomination_deadline::date, c.created_at::date)
               BETWEEN CAST(:cooldown_from AS date) AND CAST(:ref_date AS date)))
ORDER BY l.id_hash, (c.festival = :festival AND c.year = :year) DESC,
         coalesce(l.paid_at::date, c.frozen_at::date, c.nomination_deadline::date, c.created_at::date) DESC, c.id DESC
"""

_FILE_CODES = ", ".join(f"'{c}'" for c in local.FILE_CODES)

# Every line in play, narrow: its line-local verdict (`pre_code`, written when it was read), its help
# in earlier campaigns, and its current verdict (to rewrite only the lines whose verdict changes).
# `scen` 0 = counted; a draft batch is its own scenario.
_LINES = f"""
CREATE TEMP TABLE rj ON COMMIT DROP AS
SELECT l.id AS line_id, l.batch_id, l.row_no, rb.org_id, rb.township_org_id,
       CASE WHEN rb.counted THEN 0 ELSE rb.batch_id END AS scen, rb.bord * 10000000 + l.row_no AS ord,
       l.name, l.id_hash, l.bank_card_hash, l.review_status = 'rejected' AS rejected,
       l.category_code, l.cash_fen, l.goods_fen,
       CASE WHEN l.pre_code NOT IN ({_FILE_CODES}) THEN l.pre_code END AS inv_code,
       CASE WHEN l.pre_code NOT IN ({_FILE_CODES}) THEN l.pre_reason END AS inv_reason,
       CASE WHEN l.pre_code IN ({_FILE_CODES}) THEN l.pre_code END AS file_code,
       CASE WHEN l.pre_code IN ({_FILE_CODES}) THEN l.pre_reason END AS file_reason,
       CASE WHEN rp.helped_on IS NULL THEN NULL WHEN rp.same_festival AND :once_per_festival
            THEN 'helped_this_festival' ELSE 'cooldown' END AS help_code,
       CASE WHEN rp.helped_on IS NULL THEN NULL
            WHEN rp.same_festival AND :once_per_festival
                THEN '已在“' || rp.campaign_name || '”中获慰问(同一节日不重复慰问)'
            ELSE '已于' || to_char(rp.helped_on, 'YYYY-MM') || ' ' || rp.festival_label || '慰问中获慰问('
                 || :cooldown_months || '个月内不重复慰问)'
       END AS help_reason,
       l.check_status AS cur_status, l.check_code AS cur_code, l.check_reason AS cur_reason,
       l.duplicate_of AS cur_dup, l.township_org_id AS cur_township
FROM condolence_lines l
JOIN rb ON rb.batch_id = l.batch_id
LEFT JOIN rp ON rp.id_hash = l.id_hash
WHERE l.tenant_id = :tid AND l.campaign_id = :cid
"""

# Duplicates by ID number, then by bank card (another person's line with the same card).
_DUPLICATES = """
CREATE TEMP TABLE rd ON COMMIT DROP AS
WITH multi AS (
    SELECT id_hash FROM rj WHERE inv_code IS NULL AND NOT rejected AND id_hash IS NOT NULL
    GROUP BY id_hash HAVING count(*) > 1
), m AS MATERIALIZED (
    SELECT rj.line_id, rj.scen, rj.ord, rj.batch_id, rj.row_no, rj.id_hash
    FROM rj JOIN multi USING (id_hash) WHERE rj.inv_code IS NULL AND NOT rj.rejected
), cfirst AS (
    SELECT DISTINCT ON (id_hash) id_hash, line_id, batch_id, row_no FROM m WHERE scen = 0 ORDER BY id_hash, ord
), own AS (
    SELECT m.line_id, m.scen, m.batch_id, m.id_hash,
           first_value(m.line_id) OVER w AS k_line, first_value(m.batch_id) OVER w AS k_batch,
           first_value(m.row_no) OVER w AS k_row
    FROM m WINDOW w AS (PARTITION BY m.scen, m.id_hash ORDER BY m.ord)
), k AS (
    SELECT own.line_id, own.batch_id,
           CASE WHEN own.scen <> 0 AND cfirst.line_id IS NOT NULL THEN cfirst.line_id ELSE own.k_line END AS k_line,
           CASE WHEN own.scen <> 0 AND cfirst.line_id IS NOT NULL THEN cfirst.batch_id ELSE own.k_batch END AS k_batch,
           CASE WHEN own.scen <> 0 AND cfirst.line_id IS NOT NULL THEN cfirst.row_no ELSE own.k_row END AS k_row
    FROM own LEFT JOIN cfirst USING (id_hash)
)
SELECT k.line_id, k.k_line AS dup_of, 'duplicate_id'::text AS code,
       CASE WHEN k.k_batch = k.batch_id THEN '与本表第' || k.k_row || '行 重复推荐（同一身份证号）'
            ELSE '与 ' || kb.org_name || ' 第' || k.k_row || '行 重复推荐（同一身份证号）' END AS reason
FROM k JOIN rb kb ON kb.batch_id = k.k_batch
WHERE k.k_line <> k.line_id
"""

_CARD_DUPLICATES = """
INSERT INTO rd (line_id, dup_of, code, reason)
WITH shared AS (  -- cards on several lines (hashed first: few are), then of several people among those
    SELECT bank_card_hash FROM rj WHERE inv_code IS NULL AND NOT rejected AND bank_card_hash IS NOT NULL
    GROUP BY bank_card_hash HAVING count(*) > 1
), e AS (
    SELECT rj.line_id, rj.scen, rj.ord, rj.batch_id, rj.row_no, rj.id_hash, rj.bank_card_hash, rj.name
    FROM rj JOIN shared USING (bank_card_hash)
    WHERE rj.inv_code IS NULL AND NOT rj.rejected AND NOT EXISTS (SELECT 1 FROM rd WHERE rd.line_id = rj.line_id)
), multi AS (
    SELECT bank_card_hash FROM e GROUP BY bank_card_hash HAVING count(*) > 1 AND count(DISTINCT id_hash) > 1
), m AS MATERIALIZED (
    SELECT e.* FROM e JOIN multi USING (bank_card_hash)
), cfirst AS (
    SELECT DISTINCT ON (bank_card_hash) bank_card_hash, line_id, batch_id, row_no, name FROM m WHERE scen = 0
    ORDER BY bank_card_hash, ord
), own AS (
    SELECT m.line_id, m.scen, m.batch_id, m.bank_card_hash,
           first_value(m.line_id) OVER w AS k_line, first_value(m.batch_id) OVER w AS k_batch,
           first_value(m.row_no) OVER w AS k_row, first_value(m.name) OVER w AS k_name
    FROM m WINDOW w AS (PARTITION BY m.scen, m.bank_card_hash ORDER BY m.ord)
), k AS (
    SELECT own.line_id, own.batch_id,
           CASE WHEN own.scen <> 0 AND c.line_id IS NOT NULL THEN c.line_id ELSE own.k_line END AS k_line,
           CASE WHEN own.scen <> 0 AND c.line_id IS NOT NULL THEN c.batch_id ELSE own.k_batch END AS k_batch,
           CASE WHEN own.scen <> 0 AND c.line_id IS NOT NULL THEN c.row_no ELSE own.k_row END AS k_row,
           CASE WHEN own.scen <> 0 AND c.line_id IS NOT NULL THEN c.name ELSE own.k_name END AS k_name
    FROM own LEFT JOIN cfirst c USING (bank_card_hash)
)
SELECT k.line_id, k.k_line, 'duplicate_bank_card',
       '银行卡号与' || CASE WHEN k.k_batch = k.batch_id THEN '本表' ELSE ' ' || kb.org_name || ' ' END
       || '第' || k.k_row || '行（' || left(k.k_name, 1) || repeat('*', greatest(char_length(k.k_name) - 1, 1))
       || '）相同，同一张卡不能重复领取'
FROM k JOIN rb kb ON kb.batch_id = k.k_batch
WHERE k.k_line <> k.line_id
"""

# The quotas, each with the batches it covers (the batch's union is in the quota org's subtree).
_QUOTAS = """
CREATE TEMP TABLE rbq ON COMMIT DROP AS
WITH q AS (
    SELECT q.id AS quota_id, q.max_households, o.path, o.depth, o.name AS org_name, c.code AS category_code,
           c.name AS category_name,
           dense_rank() OVER (ORDER BY o.depth DESC, (c.code IS NOT NULL) DESC) AS level
    FROM condolence_quotas q
    JOIN orgs o ON o.tenant_id = q.tenant_id AND o.id = q.org_id
    LEFT JOIN condolence_categories c ON c.tenant_id = q.tenant_id AND c.id = q.category_id
    WHERE q.tenant_id = :tid AND q.campaign_id = :cid
)
SELECT rb.batch_id, q.quota_id, q.max_households, q.category_code, q.level,
       q.org_name || CASE WHEN q.category_code IS NOT NULL THEN '“' || q.category_name || '”' ELSE '' END AS label
FROM rb JOIN q ON rb.org_path LIKE q.path || '%'
"""

# The lines that may take a place in a quota or a budget: valid, eligible, not helped before, not
# rejected, not a duplicate — narrow, so the quota and budget steps (one statement each) read it, not
# the line table.
_RANKED = """
CREATE TEMP TABLE rq ON COMMIT DROP AS
SELECT rj.line_id, rj.scen, rj.ord, rj.batch_id, rj.category_code, rj.cash_fen, rj.goods_fen
FROM rj
WHERE rj.inv_code IS NULL AND rj.file_code IS NULL AND rj.help_code IS NULL AND NOT rj.rejected
  AND NOT EXISTS (SELECT 1 FROM rd WHERE rd.line_id = rj.line_id)
"""

# Quotas and budgets are taken in order (`ord`: submission order of the batches, then row): a line is
# over when the lines before it in its scenario (the counted batches, or a draft batch on top of them)
# already fill the quota or the budget. Counted per batch first: only in the batch where the quota or
# budget runs out are the lines taken one by one; the batches after it are over as a whole (and every
# draft batch, a scenario of its own, is taken line by line).
_OVER_QUOTA = """
INSERT INTO ro (line_id, code, reason)
WITH cand AS MATERIALIZED (
    SELECT rq.line_id, rq.scen, rq.ord, rq.batch_id, q.quota_id, q.max_households
    FROM rq JOIN rbq q ON q.batch_id = rq.batch_id AND q.level = :level
         AND (q.category_code IS NULL OR q.category_code = rq.category_code)
    WHERE NOT EXISTS (SELECT 1 FROM ro WHERE ro.line_id = rq.line_id)
), bc AS MATERIALIZED (  -- per batch: its lines in the quota, and the lines of the batches before it
    SELECT scen, quota_id, batch_id, n, mx, sum(n) OVER (PARTITION BY scen, quota_id ORDER BY first) - n AS before
    FROM (SELECT scen, quota_id, batch_id, count(*) AS n, max(max_households) AS mx, min(ord) AS first FROM cand
          GROUP BY scen, quota_id, batch_id) x
), base AS (
    SELECT quota_id, sum(n) AS n FROM bc WHERE scen = 0 GROUP BY quota_id
), over AS (
    SELECT c.line_id, c.quota_id
    FROM cand c JOIN (SELECT scen, quota_id, batch_id FROM bc WHERE scen = 0 AND before >= mx) ob
         USING (scen, quota_id, batch_id)
    UNION ALL
    SELECT r.line_id, r.quota_id
    FROM (SELECT c.line_id, c.scen, c.quota_id, c.max_households,
                 eb.before + row_number() OVER (PARTITION BY c.scen, c.quota_id, c.batch_id ORDER BY c.ord) AS rn
          FROM cand c JOIN (SELECT scen, quota_id, batch_id, before FROM bc
                            WHERE scen <> 0 OR (before < mx AND before + n > mx)) eb
               USING (scen, quota_id, batch_id)) r
    LEFT JOIN base b USING (quota_id)
    WHERE r.rn + CASE WHEN r.scen <> 0 THEN least(coalesce(b.n, 0), r.max_households) ELSE 0 END > r.max_households
)
SELECT o.line_id, 'over_quota', '超出' || q.label || '名额(' || q.max_households || '户)'
FROM over o JOIN (SELECT DISTINCT quota_id, label, max_households FROM rbq) q USING (quota_id)
"""

# Budgets: `{part}` partitions the running sum (a category, or the whole campaign), `{amount}` is the
# amount column, `{cap}` the budget (the same for every line of a partition), `{label}` the reason (of
# `o.part`, `o.cap`, and what `{label_join}` joins). The counted lines use `base.used` of it (the
# largest running total within the cap); a draft batch comes on top of that.
_OVER_BUDGET = """
INSERT INTO ro (line_id, code, reason)
WITH cand AS MATERIALIZED (
    SELECT rq.line_id, rq.scen, rq.ord, rq.batch_id, {part} AS part, {amount} AS amount, {cap} AS cap
    FROM rq {join}
    WHERE {cap} IS NOT NULL AND {cap} > 0 AND {amount} > 0
      AND NOT EXISTS (SELECT 1 FROM ro WHERE ro.line_id = rq.line_id)
), bc AS MATERIALIZED (  -- per batch: its amount, and the amount of the batches before it
    SELECT scen, part, batch_id, s, cap, sum(s) OVER (PARTITION BY scen, part ORDER BY first) - s AS before
    FROM (SELECT scen, part, batch_id, sum(amount) AS s, max(cap) AS cap, min(ord) AS first FROM cand
          GROUP BY scen, part, batch_id) x
), edge AS MATERIALIZED (  -- line by line: the counted batch where the cap is passed, and every draft batch
    SELECT c.line_id, c.scen, c.part, c.cap,
           eb.before + sum(c.amount) OVER (PARTITION BY c.scen, c.part, c.batch_id ORDER BY c.ord
                                           ROWS UNBOUNDED PRECEDING) AS total
    FROM cand c JOIN (SELECT scen, part, batch_id, before FROM bc
                      WHERE scen <> 0 OR (before <= cap AND before + s > cap)) eb
         USING (scen, part, batch_id)
), base AS (
    SELECT part, coalesce(max(t) FILTER (WHERE t <= cap), 0) AS used
    FROM (SELECT part, before + s AS t, cap FROM bc WHERE scen = 0
          UNION ALL SELECT part, total, cap FROM edge WHERE scen = 0) u
    GROUP BY part
), over AS (
    SELECT c.line_id, c.part, c.cap
    FROM cand c JOIN (SELECT scen, part, batch_id FROM bc WHERE scen = 0 AND before > cap) ob
         USING (scen, part, batch_id)
    UNION ALL
    SELECT e.line_id, e.part, e.cap
    FROM edge e LEFT JOIN base b USING (part)
    WHERE e.total + CASE WHEN e.scen <> 0 THEN coalesce(b.used, 0) ELSE 0 END > e.cap
)
SELECT o.line_id, 'over_budget', {label} FROM over o {label_join}
"""


# The verdict of every line, kept in memory for one statement (a materialized CTE: no temporary table
# of a million rows): the lines whose verdict changed go to `rf` (a handful after a fresh reading: the
# readers wrote the line-local verdict already) and every count the batches and the summary need to `rs`,
# in one pass. GROUPING(batch_id, township_org_id, category_code, code) tells the count sets apart: 7 by
# batch, 11 by township, 13 by category, 14 by code (each with the status).
_VERDICT_TABLES = (
    "CREATE TEMP TABLE rf (line_id bigint, status text, code text, reason text, dup_of bigint, "
    "township_org_id bigint) ON COMMIT DROP",
    "CREATE TEMP TABLE rs (g integer, batch_id bigint, township_org_id bigint, category_code text, code text, "
    "status text, n bigint, cash_fen numeric, goods_fen numeric) ON COMMIT DROP",
)

_VERDICT = """
WITH v AS MATERIALIZED (
    SELECT rj.line_id, rj.batch_id, rj.township_org_id, rj.category_code, rj.cash_fen, rj.goods_fen,
           CASE WHEN rj.inv_code IS NOT NULL THEN 'invalid'
                WHEN rd.code IS NOT NULL THEN 'duplicate'
                WHEN rj.file_code IS NOT NULL OR rj.help_code IS NOT NULL THEN 'ineligible'
                WHEN ro.code IS NOT NULL THEN ro.code
                ELSE 'ok' END AS status,
           coalesce(rj.inv_code, rd.code, rj.file_code, rj.help_code, ro.code) AS code,
           left(coalesce(rj.inv_reason, rd.reason, rj.file_reason, rj.help_reason, ro.reason), 500) AS reason,
           CASE WHEN rj.inv_code IS NULL THEN rd.dup_of END AS dup_of,
           rj.cur_status, rj.cur_code, rj.cur_reason, rj.cur_dup, rj.cur_township
    FROM rj LEFT JOIN rd USING (line_id) LEFT JOIN ro USING (line_id)
), changed AS (
    INSERT INTO rf (line_id, status, code, reason, dup_of, township_org_id)
    SELECT line_id, status, code, reason, dup_of, township_org_id FROM v
    WHERE (status, code, reason, dup_of, township_org_id)
          IS DISTINCT FROM (cur_status, cur_code, cur_reason, cur_dup, cur_township)
), fine AS (  -- one pass over the lines; the count sets are sums of these few thousand groups
    SELECT batch_id, township_org_id, category_code, code, status, count(*) AS n,
           coalesce(sum(cash_fen), 0) AS cash_fen, coalesce(sum(goods_fen), 0) AS goods_fen
    FROM v GROUP BY batch_id, township_org_id, category_code, code, status
)
INSERT INTO rs (g, batch_id, township_org_id, category_code, code, status, n, cash_fen, goods_fen)
SELECT GROUPING(batch_id, township_org_id, category_code, code), batch_id, township_org_id, category_code,
       code, status, sum(n), sum(cash_fen), sum(goods_fen)
FROM fine
GROUP BY GROUPING SETS ((batch_id, status), (township_org_id, status), (category_code, status), (code, status))
"""

# The lines whose verdict changed, by primary key.
_UPDATE = """
UPDATE condolence_lines l SET check_status = f.status, check_code = f.code, check_reason = f.reason,
       duplicate_of = f.dup_of, township_org_id = f.township_org_id
FROM rf f
WHERE l.tenant_id = :tid AND l.id = f.line_id
"""

_BATCH_COUNTS = """
UPDATE condolence_batches b
SET status = CASE WHEN b.status = 'processing' THEN
                  CASE WHEN b.submitted_at IS NOT NULL THEN 'submitted' ELSE 'processed' END ELSE b.status END,
    parsed_at = NULL, lines_total = x.total, lines_ok = x.ok, lines_rejected = x.total - x.ok,
    version = b.version + 1, updated_at = now()
FROM (SELECT rb.batch_id, coalesce(sum(s.n), 0) AS total, coalesce(sum(s.n) FILTER (WHERE s.status = 'ok'), 0) AS ok
      FROM rb LEFT JOIN rs s ON s.g = 7 AND s.batch_id = rb.batch_id GROUP BY rb.batch_id) x
WHERE b.tenant_id = :tid AND b.id = x.batch_id
  AND (b.status = 'processing' OR (b.lines_total, b.lines_ok) IS DISTINCT FROM (x.total, x.ok))
"""


def judge(session: Any, tenant_id: int, campaign: Any, categories: list[tuple[str, str]], *,
          rules: dict[str, Any], ref_date: date, income_limit_fen: int | None,
          statistics: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Judge every line of `campaign` (see the module docstring). Runs in the session's transaction;
    the caller commits. Returns the summary (also stored on the campaign).

    `statistics`: called (and waited for) before the first statement over this campaign's lines — the
    caller refreshes their statistics beside the first steps, which do not read them."""
    local_params = local.params(tenant_id=tenant_id, campaign_id=campaign.id, rules=rules, ref_date=ref_date,
                                income_limit_fen=income_limit_fen, categories=categories)
    timings: dict[str, float] = {}
    last = [time.perf_counter()]

    def ex(stmt: Any, params: Any = None, step: str | None = None) -> Any:
        out = session.execute(stmt, params)
        if step:
            now = time.perf_counter()
            timings[step] = round(timings.get(step, 0.0) + now - last[0], 3)
            last[0] = now
        return out

    p: dict[str, Any] = {"tid": tenant_id, "cid": campaign.id}
    ex(text("SELECT pg_advisory_xact_lock(hashtextextended('condolence.roster:' || :tid || ':' || :cid, 0))"), p)
    ex(text("SET LOCAL work_mem = '192MB'"))
    # ON COMMIT DROP, but a caller's outer transaction (tests) may hold the previous run's.
    # Set-based work over temporary tables with fresh statistics: never a nested loop over a million rows.
    ex(text("SET LOCAL enable_nestloop = off"))
    # A fresh session (a job's own connection): room for the temporary tables in memory (the line table
    # `rj` is ~260 MB for a million lines; scans of it from local buffers instead of the kernel's cache
    # are ~30 % faster).
    try:
        with session.begin_nested():
            session.execute(text("SET temp_buffers = '512MB'"))
    except DBAPIError:
        pass  # temporary tables were used before in this session: the setting cannot change any more
    ex(text("DROP TABLE IF EXISTS rb, rc, rp, rj, rd, rq, ro, rbq, rf, rs"))
    ex(text(_BATCHES), p, "batches")
    ex(text(_CATEGORIES), p, "batches")
    ex(text("ANALYZE rb"), None, "batches")
    cooldown = int(rules.get("cooldown_months") or 0)
    cooldown_from = _months_before(ref_date, cooldown) if cooldown > 0 else None
    lp = {**p, "festival": campaign.festival, "year": campaign.year, "ref_date": ref_date,
          "once_per_festival": bool(rules.get("once_per_festival")), "cooldown_from": cooldown_from,
          "cooldown_on": cooldown_from is not None, "cooldown_months": cooldown}
    ex(text(_HELPED), lp, "earlier_campaigns")
    ex(text("ANALYZE rp"), None, "earlier_campaigns")
    if statistics is not None:
        statistics()
        now = time.perf_counter()
        timings["statistics_wait"] = round(now - last[0], 3)
        last[0] = now
    # Lines checked against another basis (rules, categories or the hardship file changed since they were
    # read; a manual line; a correction) are checked again first.
    current = local.basis(session, local_params)
    stale = [int(r[0]) for r in ex(text(
        "SELECT b.id FROM rb JOIN condolence_batches b ON b.tenant_id = :tid AND b.id = rb.batch_id "
        "WHERE b.checked_basis IS DISTINCT FROM :basis ORDER BY 1"), {**p, "basis": current}, "basis")]
    rechecked = 0
    if stale:
        ex(text("SET LOCAL enable_nestloop = on"))  # the hardship match is an index lookup per line
        rechecked = local.recheck(session, tenant_id, stale, local_params)
        ex(text("SET LOCAL enable_nestloop = off"))
        ex(text("UPDATE condolence_batches SET checked_basis = :basis WHERE tenant_id = :tid AND id = ANY(:ids)"),
           {**p, "basis": current, "ids": stale}, "recheck")
    ex(text(_LINES), lp, "checks")
    ex(text("ANALYZE rj"), None, "checks")
    ex(text(_DUPLICATES), None, "duplicates")
    ex(text("ANALYZE rd"), None, "duplicates")
    ex(text(_CARD_DUPLICATES), None, "duplicates")
    ex(text("ANALYZE rd"), None, "duplicates")  # small: the later anti-joins hash it, not the lines
    ex(text(_RANKED), None, "quotas")
    ex(text("ANALYZE rq"), None, "quotas")
    ex(text("CREATE TEMP TABLE ro (line_id bigint PRIMARY KEY, code text, reason text) ON COMMIT DROP"))
    ex(text(_QUOTAS), p, "quotas")
    ex(text("ANALYZE rbq"), None, "quotas")
    levels = [r[0] for r in ex(text("SELECT DISTINCT level FROM rbq ORDER BY 1"))]
    for level in levels:
        ex(text(_OVER_QUOTA), {"level": level}, "quotas")
        ex(text("ANALYZE ro"), None, "quotas")
    # Category caps, then the campaign's cash and goods budgets.
    ex(text(_OVER_BUDGET.format(
        part="rq.category_code", amount="rq.cash_fen", cap="rc.budget_cash_fen",
        join="JOIN rc ON rc.code = rq.category_code", label_join="JOIN rc ON rc.code = o.part",
        label="'超出“' || rc.name || '”类别预算(' || to_char(o.cap / 100.0, 'FM999,999,999,990') || '元)'")),
       None, "budget")
    for amount, cap, what in (("rq.cash_fen", campaign.budget_cash_fen, "慰问金"),
                              ("rq.goods_fen", campaign.budget_goods_fen, "慰问品")):
        if cap and cap > 0:
            ex(text(_OVER_BUDGET.format(
                part="0", amount=amount, cap=":cap", join="", label_join="",
                label=f"'超出预算({what}预算' || to_char(o.cap / 100.0, 'FM999,999,999,990') || '元)'")),
               {"cap": cap}, "budget")
    ex(text("ANALYZE ro"), None, "budget")
    for stmt in _VERDICT_TABLES:
        ex(text(stmt))
    ex(text(_VERDICT), None, "verdict")
    ex(text("ANALYZE rf"), None, "verdict")
    updated = _update_changed(ex, p)
    ex(text(_BATCH_COUNTS), p, "batch_counts")
    summary = _summary(session, tenant_id)
    timings["summary"] = round(time.perf_counter() - last[0], 3)
    summary.update({"updated": updated, "rechecked": rechecked, "timings": timings})
    ex(text("UPDATE condolence_campaigns SET judged_at = now(), roster_summary = CAST(:s AS jsonb) "
            "WHERE tenant_id = :tid AND id = :cid"), {**p, "s": json.dumps(summary, ensure_ascii=False)})
    return summary


# Below this share of the campaign's lines, the changed lines are updated by primary key.
UPDATE_BY_KEY_SHARE = 0.2


def _update_changed(ex: Callable[..., Any], p: dict[str, Any]) -> int:
    """Write the changed verdicts (`rf`). After a fresh reading they are a few per cent of the lines
    (what the campaign-wide checks catch): each is found by primary key (~10 µs with its update). Left to
    itself the planner hashes them and scans the whole table, every campaign's lines: 2.6 s instead of
    1.1 s for 78,000 of a million (bench/README.md). When most lines changed (the rules changed), the
    scan is the better plan and the planner keeps it."""
    changed = int(ex(text("SELECT count(*) FROM rf")).scalar())
    lines = int(ex(text("SELECT coalesce(sum(n), 0) FROM rs WHERE g = 14")).scalar())
    by_key = changed < UPDATE_BY_KEY_SHARE * lines
    if by_key:
        for setting in ("enable_nestloop = on", "enable_hashjoin = off", "enable_mergejoin = off"):
            ex(text(f"SET LOCAL {setting}"))
    updated = int(ex(text(_UPDATE), p, "update").rowcount)
    if by_key:
        for setting in ("enable_nestloop = off", "enable_hashjoin = on", "enable_mergejoin = on"):
            ex(text(f"SET LOCAL {setting}"))
    return updated


def _summary(session: Any, tenant_id: int) -> dict[str, Any]:
    """The campaign's summary from the counts (`rs`)."""
    rows = session.execute(text(
        "SELECT g, batch_id, township_org_id, category_code, code, status, n, cash_fen, goods_fen FROM rs "
        "WHERE g <> 7")).all()
    by_status: dict[str, int] = {}
    by_code: dict[str, int] = {}
    towns: dict[int | None, dict[str, int]] = {}
    cats: dict[str | None, dict[str, int]] = {}
    ok = [0, 0, 0]
    for g, _, town, cat, code, status, n, cash, goods in rows:
        n, cash, goods = int(n), int(cash), int(goods)
        if g == 14:
            by_status[status] = by_status.get(status, 0) + n
            if code is not None:
                by_code[code] = by_code.get(code, 0) + n
            if status == "ok":
                ok = [ok[0] + n, ok[1] + cash, ok[2] + goods]
        elif g == 11:
            t = towns.setdefault(town, {"ok": 0, "total": 0, "cash_fen": 0})
            t["total"] += n
            if status == "ok":
                t["ok"] += n
                t["cash_fen"] += cash
        elif g == 13 and status == "ok":
            cats[cat] = {"ok": n, "cash_fen": cash, "goods_fen": goods}
    names = {int(i): name for i, name in session.execute(text(
        "SELECT id, name FROM orgs WHERE tenant_id = :tid AND id = ANY(:ids)"),
        {"tid": tenant_id, "ids": [t for t in towns if t is not None]})}
    by_township = sorted(({"township_org_id": t, "name": names.get(t) if t is not None else None, **v}
                          for t, v in towns.items()), key=lambda x: (x["name"] is None, x["name"] or ""))
    by_category = sorted(({"category_code": c, **v} for c, v in cats.items()),
                         key=lambda x: (x["category_code"] is None, x["category_code"] or ""))
    batches = session.execute(text(
        "SELECT count(*) FILTER (WHERE counted), count(*) FILTER (WHERE NOT counted) FROM rb")).one()
    return {"lines": sum(by_status.values()), "by_status": by_status, "by_code": by_code,
            "ok": ok[0], "ok_cash_fen": ok[1], "ok_goods_fen": ok[2],
            "by_township": by_township, "by_category": by_category,
            "batches_counted": int(batches[0]), "batches_draft": int(batches[1])}


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    return date(y, m, 28)  # pragma: no cover
