"""The roster job's SQL: writing workbook rows as lines with COPY, and judging a whole campaign set-based.

Raw SQL lives here (STYLE §6.2): every statement names `tenant_id` explicitly, and row-level security
(the app role, `app.tenant_id` set by the session listener) holds under it all.

The judgement (`judge`) is one transaction, serialised per campaign by an advisory lock:

1. `rb` — the batches in play: processed or submitted, or read (lines 待校验) and not judged yet.
   Counted batches are those submitted (上报): their lines compete with each other in the stable order
   (submitted_at, batch id, row). A batch that is not submitted (a dry run, 试算) is judged as if it
   were submitted next, against the counted lines, without changing anything for anyone else.
2. `rj` — every line of those batches, with its hardship-file match
   (by ID HMAC) and its latest help in earlier campaigns, and the checks that need no ordering.
3. `rd` — duplicates: the same ID number, then the same bank card for another person; the first line
   in the stable order keeps its place, the others name it ("与 XX工会 第12行 重复推荐").
4. `ro` — quotas level by level (the most specific org and category first) and budgets (category caps,
   then the campaign's cash and goods budget): running counts and sums in the stable order.
5. `rf` — the verdict per line; lines are updated only where it changed (no index holds the verdict's
   columns: HOT updates), batch counts and the campaign's summary written.

The same inputs give the same verdicts, whatever order the batches were parsed in.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ..models import FESTIVALS
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


def copy_lines(session: Any, *, tenant_id: int, campaign_id: int, batch_id: int, org_id: int,
               township_org_id: int | None, rows: Iterable[tuple[Any, ...]],
               timings: dict[str, float] | None = None) -> int:
    """Write a batch's rows (`parse.LINE_COLUMNS`) as lines to be judged (待校验). PostgreSQL refuses
    COPY FROM into a table with row-level security, so rows are COPYed into a temporary table of the
    session and moved with one INSERT … SELECT (where RLS checks every row)."""
    conn = raw_connection(session)
    cols = ", ".join(LINE_COLUMNS)
    with conn.cursor() as cur:
        cur.execute(_COPY_TABLE)
        cur.execute("TRUNCATE roster_copy")
        n = 0
        t0 = time.perf_counter()
        with cur.copy(f"COPY roster_copy ({cols}) FROM STDIN") as cp:
            write = cp.write_row
            for row in rows:
                write(row)
                n += 1
        t1 = time.perf_counter()
        cur.execute(
            f"INSERT INTO condolence_lines (tenant_id, campaign_id, batch_id, org_id, township_org_id, {cols}, "
            "cash_fen, goods_fen, check_status, review_status, objection_upheld, payment_status) "
            f"SELECT %s, %s, %s, %s, %s, {cols}, 0, 0, 'pending', 'pending', false, 'unpaid' FROM roster_copy",
            (tenant_id, campaign_id, batch_id, org_id, township_org_id))
        cur.execute("TRUNCATE roster_copy")
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

# Every line in play with what the checks need. `scen` 0 = counted; a draft batch is its own scenario.

# The hardship-file match of each ID: the open file if any, else the latest closed one. (One scan of
# the file and a sort of the matches; splitting open and closed files scans it twice and was slower.)
_HOUSEHOLDS = """
CREATE TEMP TABLE rh ON COMMIT DROP AS
SELECT DISTINCT ON (h.head_id_hash) h.head_id_hash, h.id, h.status, h.head_name, h.category, h.exited_on,
       h.next_review_due, h.per_capita_income_fen
FROM hardship_households h
WHERE h.tenant_id = :tid AND h.head_id_hash IN (
    SELECT l.id_hash FROM condolence_lines l WHERE l.tenant_id = :tid AND l.campaign_id = :cid AND l.id_hash IS NOT NULL)
ORDER BY h.head_id_hash, h.status IN ('candidate', 'verified', 'filed') DESC,
         coalesce(h.exited_on, h.filed_on, h.applied_on) DESC, h.id DESC
"""

# The latest help of each ID in the county's earlier campaigns that the rules look at.
_HELPED = f"""
CREATE TEMP TABLE rp ON COMMIT DROP AS
SELECT DISTINCT ON (l.id_hash) l.id_hash, c.name AS campaign_name,
       (c.festival = :festival AND c.year = :year) AS same_festival,
       coalesce(l.paid_at::date, c.frozen_at::date, c.nomination_deadline::date, c.created_at::date) AS helped_on,
       {_FESTIVAL_LABEL} AS festival_label
FROM condolence_lines l
JOIN condolence_campaigns c ON c.tenant_id = l.tenant_id AND c.id = l.campaign_id
WHERE l.tenant_id = :tid AND l.campaign_id <> :cid AND l.check_status = 'ok'
  AND ((l.review_status = 'county_approved' AND NOT l.objection_upheld) OR l.payment_status = 'paid')
  AND ((:once_per_festival AND c.festival = :festival AND c.year = :year)
       OR (:cooldown_on
           AND coalesce(l.paid_at::date, c.frozen_at::date, c.nomination_deadline::date, c.created_at::date)
               BETWEEN CAST(:cooldown_from AS date) AND CAST(:ref_date AS date)))
  AND l.id_hash IN (SELECT x.id_hash FROM condolence_lines x
                    WHERE x.tenant_id = :tid AND x.campaign_id = :cid AND x.id_hash IS NOT NULL)
ORDER BY l.id_hash, (c.festival = :festival AND c.year = :year) DESC,
         coalesce(l.paid_at::date, c.frozen_at::date, c.nomination_deadline::date, c.created_at::date) DESC, c.id DESC
"""

# Every line in play with what the checks need. `scen` 0 = counted; a draft batch is its own scenario.
_LINES = """
CREATE TEMP TABLE rj ON COMMIT DROP AS
WITH src AS (
    SELECT l.id AS line_id, l.batch_id, l.row_no, l.name, l.id_hash, l.bank_card_hash, l.category_code,
           l.sheet_cash_fen, l.sheet_goods_fen, l.parse_code, l.parse_reason, l.review_status
    FROM condolence_lines l WHERE l.tenant_id = :tid AND l.campaign_id = :cid
), hh AS (SELECT * FROM rh), helped AS (SELECT * FROM rp), res AS (
    SELECT src.*, rb.org_id, rb.township_org_id, rb.org_name,
           CASE WHEN rb.counted THEN 0 ELSE rb.batch_id END AS scen,
           rb.bord * 10000000 + src.row_no AS ord,
           hh.id AS household_id, hh.status AS h_status, hh.head_name AS h_name, hh.exited_on AS h_exited_on,
           hh.next_review_due AS h_review_due, hh.per_capita_income_fen AS h_income,
           coalesce(src.category_code, hc.code, CAST(:single_category AS text)) AS cat,
           helped.campaign_name AS p_name, helped.same_festival AS p_same, helped.helped_on AS p_on,
           helped.festival_label AS p_festival
    FROM src
    JOIN rb ON rb.batch_id = src.batch_id
    LEFT JOIN hh ON hh.head_id_hash = src.id_hash
    LEFT JOIN rc hc ON hc.code = hh.category
    LEFT JOIN helped ON helped.id_hash = src.id_hash
)
SELECT res.line_id, res.batch_id, res.row_no, res.org_id, res.township_org_id, res.scen, res.ord,
       res.name, res.id_hash, res.bank_card_hash, res.household_id, res.review_status = 'rejected' AS rejected,
       res.cat AS category_code,
       coalesce(res.sheet_cash_fen, rc.standard_cash_fen, 0) AS cash_fen,
       coalesce(res.sheet_goods_fen, rc.standard_goods_fen, 0) AS goods_fen,
       CASE WHEN res.parse_code IS NOT NULL THEN res.parse_code
            WHEN res.cat IS NULL OR rc.code IS NULL THEN 'invalid_category'
            WHEN res.sheet_cash_fen > rc.standard_cash_fen OR res.sheet_goods_fen > rc.standard_goods_fen
                THEN 'invalid_amount'
            WHEN res.h_name IS NOT NULL AND res.h_name <> res.name THEN 'name_mismatch'
       END AS inv_code,
       CASE WHEN res.parse_code IS NOT NULL THEN res.parse_reason
            WHEN res.cat IS NULL OR rc.code IS NULL THEN '未填写慰问类别，且困难职工档案中没有对应的类别（可选：' || :category_names || '）'
            WHEN res.sheet_cash_fen > rc.standard_cash_fen
                THEN '慰问金' || yuan(res.sheet_cash_fen) || '元超过“' || rc.name || '”的标准（'
                     || yuan(rc.standard_cash_fen) || '元）'
            WHEN res.sheet_goods_fen > rc.standard_goods_fen
                THEN '慰问品' || yuan(res.sheet_goods_fen) || '元超过“' || rc.name || '”的标准（'
                     || yuan(rc.standard_goods_fen) || '元）'
            WHEN res.h_name IS NOT NULL AND res.h_name <> res.name
                THEN '姓名“' || res.name || '”与困难职工档案中该身份证号的姓名“' || res.h_name || '”不一致，请核对'
       END AS inv_reason,
       CASE WHEN NOT :require_file THEN NULL
            WHEN res.h_status IS NULL THEN 'not_filed'
            WHEN res.h_status IN ('candidate', 'verified') THEN 'file_pending'
            WHEN res.h_status = 'rejected' THEN 'file_rejected'
            WHEN res.h_status = 'exited' AND :exclude_exited THEN 'file_exited'
            WHEN res.h_status = 'filed' AND :review_overdue AND res.h_review_due < CAST(:ref_date AS date) THEN 'review_overdue'
            WHEN res.h_status = 'filed' AND CAST(:income_limit_fen AS bigint) IS NOT NULL AND res.h_income > CAST(:income_limit_fen AS bigint)
                THEN 'income_over'
       END AS file_code,
       CASE WHEN NOT :require_file THEN NULL
            WHEN res.h_status IS NULL THEN '未建档困难职工'
            WHEN res.h_status IN ('candidate', 'verified') THEN '困难职工档案尚未建档（' ||
                 CASE res.h_status WHEN 'candidate' THEN '待核实' ELSE '已核实待建档' END || '）'
            WHEN res.h_status = 'rejected' THEN '困难职工建档申请未通过'
            WHEN res.h_status = 'exited' AND :exclude_exited
                THEN '困难职工档案已脱困退档(' || coalesce(to_char(res.h_exited_on, 'YYYY-MM-DD'), '日期不详') || ')'
            WHEN res.h_status = 'filed' AND :review_overdue AND res.h_review_due < CAST(:ref_date AS date)
                THEN '困难职工档案复核已逾期(应于' || to_char(res.h_review_due, 'YYYY-MM-DD') || '前复核)'
            WHEN res.h_status = 'filed' AND CAST(:income_limit_fen AS bigint) IS NOT NULL AND res.h_income > CAST(:income_limit_fen AS bigint)
                THEN '家庭人均月收入' || to_char(res.h_income / 100.0, 'FM999999990.00') || '元，超过标准'
                     || to_char(CAST(:income_limit_fen AS bigint) / 100.0, 'FM999999990.00') || '元'
       END AS file_reason,
       CASE WHEN res.p_on IS NULL THEN NULL WHEN res.p_same AND :once_per_festival THEN 'helped_this_festival'
            ELSE 'cooldown' END AS help_code,
       CASE WHEN res.p_on IS NULL THEN NULL
            WHEN res.p_same AND :once_per_festival
                THEN '已在“' || res.p_name || '”中获慰问(同一节日不重复慰问)'
            ELSE '已于' || to_char(res.p_on, 'YYYY-MM') || ' ' || res.p_festival || '慰问中获慰问('
                 || :cooldown_months || '个月内不重复慰问)'
       END AS help_reason
FROM res LEFT JOIN rc ON rc.code = res.cat
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
WITH e AS (
    SELECT rj.line_id, rj.scen, rj.ord, rj.batch_id, rj.row_no, rj.id_hash, rj.bank_card_hash, rj.name
    FROM rj WHERE rj.inv_code IS NULL AND NOT rj.rejected AND rj.bank_card_hash IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM rd WHERE rd.line_id = rj.line_id)
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

_OVER_QUOTA = """
INSERT INTO ro (line_id, code, reason)
WITH cand AS (
    SELECT rj.line_id, rj.scen, rj.ord, q.quota_id, q.max_households, q.label
    FROM rj JOIN rbq q ON q.batch_id = rj.batch_id AND q.level = :level
         AND (q.category_code IS NULL OR q.category_code = rj.category_code)
    WHERE rj.inv_code IS NULL AND rj.file_code IS NULL AND rj.help_code IS NULL AND NOT rj.rejected
      AND NOT EXISTS (SELECT 1 FROM rd WHERE rd.line_id = rj.line_id)
      AND NOT EXISTS (SELECT 1 FROM ro WHERE ro.line_id = rj.line_id)
), ranked AS (
    SELECT cand.*, row_number() OVER (PARTITION BY scen, quota_id ORDER BY ord) AS rn FROM cand
), base AS (
    SELECT quota_id, count(*) AS n FROM cand WHERE scen = 0 GROUP BY quota_id
)
SELECT r.line_id, 'over_quota', '超出' || r.label || '名额(' || r.max_households || '户)'
FROM ranked r LEFT JOIN base b USING (quota_id)
WHERE r.rn + CASE WHEN r.scen <> 0 THEN least(coalesce(b.n, 0), r.max_households) ELSE 0 END > r.max_households
"""

# Budgets: `:part` partitions the running sum (a category, or the whole campaign), `:amount` is the
# amount column, `:cap` the budget (per partition).
_OVER_BUDGET = """
INSERT INTO ro (line_id, code, reason)
WITH cand AS (
    SELECT rj.line_id, rj.scen, rj.ord, {part} AS part, {amount} AS amount, {cap} AS cap, {label} AS label
    FROM rj {join}
    WHERE rj.inv_code IS NULL AND rj.file_code IS NULL AND rj.help_code IS NULL AND NOT rj.rejected
      AND {cap} IS NOT NULL AND {cap} > 0 AND {amount} > 0
      AND NOT EXISTS (SELECT 1 FROM rd WHERE rd.line_id = rj.line_id)
      AND NOT EXISTS (SELECT 1 FROM ro WHERE ro.line_id = rj.line_id)
), run AS (
    SELECT cand.*, sum(amount) OVER (PARTITION BY scen, part ORDER BY ord ROWS UNBOUNDED PRECEDING) AS total
    FROM cand
), base AS (
    SELECT part, coalesce(max(total) FILTER (WHERE total <= cap), 0) AS used FROM run WHERE scen = 0 GROUP BY part
)
SELECT r.line_id, 'over_budget', r.label
FROM run r LEFT JOIN base b USING (part)
WHERE r.total + CASE WHEN r.scen <> 0 THEN coalesce(b.used, 0) ELSE 0 END > r.cap
"""

def _yuan(sql: str) -> str:
    """`yuan(expr)` in the SQL above → the fen amount as 元 text: 50000 → '500', 50050 → '500.5'."""
    return re.sub(r"yuan\(([^()]+)\)", r"rtrim(rtrim(to_char((\1) / 100.0, 'FM999999990.00'), '0'), '.')", sql)


_LINES = _yuan(_LINES)

_VERDICT = """
CREATE TEMP TABLE rf ON COMMIT DROP AS
SELECT rj.line_id, rj.batch_id, rj.org_id, rj.township_org_id, rj.household_id, rj.category_code,
       rj.cash_fen, rj.goods_fen,
       CASE WHEN rj.inv_code IS NOT NULL THEN 'invalid'
            WHEN rd.code IS NOT NULL THEN 'duplicate'
            WHEN rj.file_code IS NOT NULL OR rj.help_code IS NOT NULL THEN 'ineligible'
            WHEN ro.code IS NOT NULL THEN ro.code
            ELSE 'ok' END AS status,
       coalesce(rj.inv_code, rd.code, rj.file_code, rj.help_code, ro.code) AS code,
       coalesce(rj.inv_reason, rd.reason, rj.file_reason, rj.help_reason, ro.reason) AS reason,
       CASE WHEN rj.inv_code IS NULL THEN rd.dup_of END AS dup_of
FROM rj LEFT JOIN rd USING (line_id) LEFT JOIN ro USING (line_id)
"""

_LINE_COLUMNS = (
    "name", "id_enc", "id_hash", "id_last4", "id_region", "id_raw_masked", "bank_card_enc", "bank_card_hash",
    "bank_card_last4", "bank_name", "mobile", "reason", "work_unit", "parse_code", "parse_reason",
)

_UPDATE = """
UPDATE condolence_lines l SET check_status = f.status, check_code = f.code, check_reason = f.reason,
       duplicate_of = f.dup_of, household_id = f.household_id, category_code = f.category_code,
       cash_fen = f.cash_fen, goods_fen = f.goods_fen, township_org_id = f.township_org_id
FROM rf f
WHERE l.tenant_id = :tid AND l.id = f.line_id
  AND (l.check_status, l.check_code, l.check_reason, l.duplicate_of, l.household_id, l.category_code, l.cash_fen,
       l.goods_fen, l.township_org_id)
      IS DISTINCT FROM (f.status, f.code, f.reason, f.dup_of, f.household_id, f.category_code, f.cash_fen,
                        f.goods_fen, f.township_org_id)
"""

_BATCH_COUNTS = """
UPDATE condolence_batches b
SET status = CASE WHEN b.status = 'processing' THEN
                  CASE WHEN b.submitted_at IS NOT NULL THEN 'submitted' ELSE 'processed' END ELSE b.status END,
    parsed_at = NULL, lines_total = x.total, lines_ok = x.ok, lines_rejected = x.total - x.ok,
    version = b.version + 1, updated_at = now()
FROM (SELECT rb.batch_id, count(f.line_id) AS total, count(f.line_id) FILTER (WHERE f.status = 'ok') AS ok
      FROM rb LEFT JOIN rf f USING (batch_id) GROUP BY rb.batch_id) x
WHERE b.tenant_id = :tid AND b.id = x.batch_id
  AND (b.status = 'processing' OR (b.lines_total, b.lines_ok) IS DISTINCT FROM (x.total, x.ok))
"""


def judge(session: Any, tenant_id: int, campaign: Any, categories: list[tuple[str, str]], *,
          rules: dict[str, Any], ref_date: date, income_limit_fen: int | None) -> dict[str, Any]:
    """Judge every line of `campaign` (see the module docstring). Runs in the session's transaction;
    the caller commits. Returns the summary (also stored on the campaign)."""
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
    try:  # a fresh session (a job's own connection): room for the temporary tables in memory
        with session.begin_nested():
            session.execute(text("SET temp_buffers = '256MB'"))
    except DBAPIError:
        pass  # temporary tables were used before in this session: the setting cannot change any more
    ex(text("DROP TABLE IF EXISTS rb, rc, rh, rp, rj, rd, ro, rbq, rf"))
    ex(text(_BATCHES), p, "batches")
    ex(text(_CATEGORIES), p, "batches")
    ex(text("ANALYZE rb"), None, "batches")
    cooldown = int(rules.get("cooldown_months") or 0)
    cooldown_from = _months_before(ref_date, cooldown) if cooldown > 0 else None
    lp = {**p, "festival": campaign.festival, "year": campaign.year, "ref_date": ref_date,
          "once_per_festival": bool(rules.get("once_per_festival")), "cooldown_from": cooldown_from,
          "cooldown_on": cooldown_from is not None,
          "cooldown_months": cooldown, "require_file": bool(rules.get("require_hardship_file")),
          "exclude_exited": bool(rules.get("exclude_exited")),
          "review_overdue": bool(rules.get("exclude_review_overdue")), "income_limit_fen": income_limit_fen,
          "single_category": categories[0][0] if len(categories) == 1 else None,
          "category_names": "、".join(name for _, name in categories) or "（本活动尚未设置类别）"}
    ex(text(_HOUSEHOLDS), p, "households")
    ex(text("ANALYZE rh"), None, "households")
    ex(text(_HELPED), lp, "earlier_campaigns")
    ex(text("ANALYZE rp"), None, "earlier_campaigns")
    ex(text(_LINES), lp, "checks")
    ex(text("ANALYZE rj"), None, "checks")
    ex(text(_DUPLICATES), None, "duplicates")
    ex(text(_CARD_DUPLICATES), None, "duplicates")
    ex(text("CREATE TEMP TABLE ro (line_id bigint PRIMARY KEY, code text, reason text) ON COMMIT DROP"))
    ex(text(_QUOTAS), p, "quotas")
    ex(text("ANALYZE rbq"), None, "quotas")
    levels = [r[0] for r in ex(text("SELECT DISTINCT level FROM rbq ORDER BY 1"))]
    for level in levels:
        ex(text(_OVER_QUOTA), {"level": level}, "quotas")
    # Category caps, then the campaign's cash and goods budgets.
    ex(text(_OVER_BUDGET.format(
        part="rj.category_code", amount="rj.cash_fen", cap="rc.budget_cash_fen",
        label="'超出“' || rc.name || '”类别预算(' || to_char(rc.budget_cash_fen / 100.0, 'FM999,999,999,990') || '元)'",
        join="JOIN rc ON rc.code = rj.category_code")), None, "budget")
    for amount, cap, what in (("rj.cash_fen", campaign.budget_cash_fen, "慰问金"),
                              ("rj.goods_fen", campaign.budget_goods_fen, "慰问品")):
        if cap and cap > 0:
            ex(text(_OVER_BUDGET.format(
                part="0", amount=amount, cap=":cap", join="",
                label=f"'超出预算({what}预算' || to_char(:cap / 100.0, 'FM999,999,999,990') || '元)'")), {"cap": cap},
               "budget")
    ex(text(_VERDICT), None, "verdict")
    ex(text("ANALYZE rf"), None, "verdict")
    updated = ex(text(_UPDATE), p, "update").rowcount  # type: ignore[attr-defined]
    ex(text(_BATCH_COUNTS), p, "batch_counts")
    summary = _summary(session, tenant_id)
    timings["summary"] = round(time.perf_counter() - last[0], 3)
    summary.update({"updated": updated, "timings": timings})
    ex(text("UPDATE condolence_campaigns SET judged_at = now(), roster_summary = CAST(:s AS jsonb) "
            "WHERE tenant_id = :tid AND id = :cid"), {**p, "s": json.dumps(summary, ensure_ascii=False)})
    return summary


def _summary(session: Any, tenant_id: int) -> dict[str, Any]:
    ex = session.execute
    by_status = {s: int(n) for s, n in ex(text("SELECT status, count(*) FROM rf GROUP BY 1"))}
    by_code = {c: int(n) for c, n in ex(text("SELECT code, count(*) FROM rf WHERE code IS NOT NULL GROUP BY 1"))}
    ok = ex(text("SELECT count(*), coalesce(sum(cash_fen), 0), coalesce(sum(goods_fen), 0) FROM rf "
                 "WHERE status = 'ok'")).one()
    by_township = [
        {"township_org_id": t, "name": name, "ok": int(n), "total": int(total), "cash_fen": int(cash)}
        for t, name, n, total, cash in ex(text(
            "SELECT f.township_org_id, o.name, count(*) FILTER (WHERE f.status = 'ok'), count(*), "
            "coalesce(sum(f.cash_fen) FILTER (WHERE f.status = 'ok'), 0) FROM rf f "
            "LEFT JOIN orgs o ON o.tenant_id = :tid AND o.id = f.township_org_id "
            "GROUP BY 1, 2 ORDER BY 2 NULLS LAST"), {"tid": tenant_id})]
    by_category = [
        {"category_code": c, "ok": int(n), "cash_fen": int(cash), "goods_fen": int(goods)}
        for c, n, cash, goods in ex(text(
            "SELECT category_code, count(*), coalesce(sum(cash_fen), 0), coalesce(sum(goods_fen), 0) FROM rf "
            "WHERE status = 'ok' GROUP BY 1 ORDER BY 1 NULLS LAST"))]
    batches = ex(text("SELECT count(*) FILTER (WHERE counted), count(*) FILTER (WHERE NOT counted) FROM rb")).one()
    return {"lines": sum(by_status.values()), "by_status": by_status, "by_code": by_code,
            "ok": int(ok[0]), "ok_cash_fen": int(ok[1]), "ok_goods_fen": int(ok[2]),
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
