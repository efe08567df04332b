"""The line-local checks of the roster: everything about a line that needs neither the other lines of
the campaign nor earlier campaigns — the row's own problems (found when it was read), its category and
amounts against the campaign's categories, and its household in the hardship file.

They are made where the line is written (the reader jobs read workbooks in parallel: `repository.copy_lines`
inserts each line with them, its provisional verdict included), so the judgement of the whole campaign
only adds duplicates, earlier campaigns, quotas and budgets and rewrites the few lines whose verdict
that changes. One SQL definition (`select_sql`) serves the insert and the re-check.

What they were made against is the batch's `checked_basis` (`basis`): a digest of the campaign's rules,
categories, reference date and income limit, and of the hardship file's revision number.
The basis is taken *before* the lines are checked, so a change committed meanwhile makes the next
judgement's basis differ and those lines are checked again (never judged against an older file than
they were checked with). Anything else that changes a line's inputs (a manual line, a correction)
clears its batch's basis.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import text

from .rules import CHECK_CODES

# pre_code values that make a line ineligible (the hardship file); any other pre_code makes it invalid.
FILE_CODES = ("not_filed", "file_pending", "file_rejected", "file_exited", "review_overdue", "income_over")
assert all(CHECK_CODES[c][0] == "ineligible" for c in FILE_CODES)


def _yuan(expr: str) -> str:
    """The fen amount `expr` as 元 text: 50000 → '500', 50050 → '500.5'."""
    return f"rtrim(rtrim(to_char(({expr}) / 100.0, 'FM999999990.00'), '0'), '.')"


# The hardship-file match of an ID: its open file if any, else its latest closed one.
_HOUSEHOLD = """
LEFT JOIN LATERAL (
    SELECT h.id, h.status, h.head_name, h.category, h.exited_on, h.next_review_due, h.per_capita_income_fen
    FROM hardship_households h
    WHERE h.tenant_id = :tid AND h.head_id_hash = src.id_hash
    ORDER BY h.status IN ('candidate', 'verified', 'filed') DESC,
             coalesce(h.exited_on, h.filed_on, h.applied_on) DESC, h.id DESC
    LIMIT 1) hh ON true
"""

_CHECKS = f"""
CROSS JOIN LATERAL (SELECT coalesce(src.sheet_category_code, hc.code, CAST(:single_category AS text)) AS cat) x
LEFT JOIN lc rc ON rc.code = x.cat
CROSS JOIN LATERAL (SELECT
    CASE WHEN src.parse_code IS NOT NULL THEN src.parse_code
         WHEN x.cat IS NULL OR rc.code IS NULL THEN 'invalid_category'
         WHEN src.sheet_cash_fen > rc.standard_cash_fen OR src.sheet_goods_fen > rc.standard_goods_fen
             THEN 'invalid_amount'
         WHEN hh.head_name IS NOT NULL AND hh.head_name <> src.name THEN 'name_mismatch'
         WHEN NOT :require_file THEN NULL
         WHEN hh.status IS NULL THEN 'not_filed'
         WHEN hh.status IN ('candidate', 'verified') THEN 'file_pending'
         WHEN hh.status = 'rejected' THEN 'file_rejected'
         WHEN hh.status = 'exited' AND :exclude_exited THEN 'file_exited'
         WHEN hh.status = 'filed' AND :review_overdue AND hh.next_review_due < CAST(:ref_date AS date)
             THEN 'review_overdue'
         WHEN hh.status = 'filed' AND CAST(:income_limit_fen AS bigint) IS NOT NULL
              AND hh.per_capita_income_fen > CAST(:income_limit_fen AS bigint) THEN 'income_over'
    END AS code,
    CASE WHEN src.parse_code IS NOT NULL THEN src.parse_reason
         WHEN x.cat IS NULL OR rc.code IS NULL
             THEN '未填写慰问类别，且困难职工档案中没有对应的类别（可选：' || :category_names || '）'
         WHEN src.sheet_cash_fen > rc.standard_cash_fen
             THEN '慰问金' || {_yuan('src.sheet_cash_fen')} || '元超过“' || rc.name || '”的标准（'
                  || {_yuan('rc.standard_cash_fen')} || '元）'
         WHEN src.sheet_goods_fen > rc.standard_goods_fen
             THEN '慰问品' || {_yuan('src.sheet_goods_fen')} || '元超过“' || rc.name || '”的标准（'
                  || {_yuan('rc.standard_goods_fen')} || '元）'
         WHEN hh.head_name IS NOT NULL AND hh.head_name <> src.name
             THEN '姓名“' || src.name || '”与困难职工档案中该身份证号的姓名“' || hh.head_name || '”不一致，请核对'
         WHEN NOT :require_file THEN NULL
         WHEN hh.status IS NULL THEN '未建档困难职工'
         WHEN hh.status IN ('candidate', 'verified') THEN '困难职工档案尚未建档（' ||
              CASE hh.status WHEN 'candidate' THEN '待核实' ELSE '已核实待建档' END || '）'
         WHEN hh.status = 'rejected' THEN '困难职工建档申请未通过'
         WHEN hh.status = 'exited' AND :exclude_exited
             THEN '困难职工档案已脱困退档(' || coalesce(to_char(hh.exited_on, 'YYYY-MM-DD'), '日期不详') || ')'
         WHEN hh.status = 'filed' AND :review_overdue AND hh.next_review_due < CAST(:ref_date AS date)
             THEN '困难职工档案复核已逾期(应于' || to_char(hh.next_review_due, 'YYYY-MM-DD') || '前复核)'
         WHEN hh.status = 'filed' AND CAST(:income_limit_fen AS bigint) IS NOT NULL
              AND hh.per_capita_income_fen > CAST(:income_limit_fen AS bigint)
             THEN '家庭人均月收入' || to_char(hh.per_capita_income_fen / 100.0, 'FM999999990.00') || '元，超过标准'
                  || to_char(CAST(:income_limit_fen AS bigint) / 100.0, 'FM999999990.00') || '元'
    END AS reason) v
"""

# The campaign's categories (a CTE named `lc` in front of the statement).
CATEGORIES_CTE = """lc AS (SELECT code, name, standard_cash_fen, standard_goods_fen FROM condolence_categories
                          WHERE tenant_id = :tid AND campaign_id = :cid)"""

# The local columns, as computed by `select_sql`.
LOCAL_COLUMNS = ("household_id", "category_code", "cash_fen", "goods_fen", "pre_code", "pre_reason", "check_status")

LOCAL_EXPRESSIONS = (
    "hh.id", "x.cat", "coalesce(src.sheet_cash_fen, rc.standard_cash_fen, 0)",
    "coalesce(src.sheet_goods_fen, rc.standard_goods_fen, 0)", "v.code", "left(v.reason, 500)",
    f"CASE WHEN v.code IS NULL THEN 'ok' WHEN v.code IN ({', '.join(repr(c) for c in FILE_CODES)}) "
    "THEN 'ineligible' ELSE 'invalid' END",
)


# Run before a statement of `select_sql`: the planner puts a cache (Memoize) in front of the per-line
# probe of the hardship file, but ID numbers rarely repeat within a batch (~3 % hits): hashing and
# keeping every key cost ~2 µs a line more than the probes it saves (bench/README.md).
NO_PROBE_CACHE = "SET LOCAL enable_memoize = off"


def select_sql(source: str, passthrough: str) -> str:
    """`SELECT <passthrough>, <LOCAL_COLUMNS> FROM <source> src …` (prefix it with `WITH <CATEGORIES_CTE>`).
    `source` is a relation with the columns name, id_hash, sheet_category_code, sheet_cash_fen,
    sheet_goods_fen, parse_code and parse_reason."""
    cols = ", ".join(f"{e} AS {c}" for e, c in zip(LOCAL_EXPRESSIONS, LOCAL_COLUMNS, strict=True))
    return (f"SELECT {passthrough}, {cols} FROM {source} src {_HOUSEHOLD} "
            f"LEFT JOIN lc hc ON hc.code = hh.category {_CHECKS}")


def params(*, tenant_id: int, campaign_id: int, rules: dict[str, Any], ref_date: date,
           income_limit_fen: int | None, categories: list[tuple[str, str]]) -> dict[str, Any]:
    return {"tid": tenant_id, "cid": campaign_id, "ref_date": ref_date, "income_limit_fen": income_limit_fen,
            "require_file": bool(rules.get("require_hardship_file")),
            "exclude_exited": bool(rules.get("exclude_exited")),
            "review_overdue": bool(rules.get("exclude_review_overdue")),
            "single_category": categories[0][0] if len(categories) == 1 else None,
            "category_names": "、".join(name for _, name in categories) or "（本活动尚未设置类别）"}


def basis(session: Any, local_params: dict[str, Any]) -> str:
    """What the local checks of `local_params` would be made against, now: a digest of the parameters,
    the campaign's categories with their standards, and the revision of the tenant's hardship file
    (`hardship_revisions`, raised by a trigger on every statement that changes it)."""
    p = local_params
    cats = session.execute(text(
        "SELECT code, name, standard_cash_fen, standard_goods_fen FROM condolence_categories "
        "WHERE tenant_id = :tid AND campaign_id = :cid ORDER BY code"), p).all()
    revision = session.execute(text("SELECT revision FROM hardship_revisions WHERE tenant_id = :tid"), p).scalar()
    payload = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in sorted(p.items())}
    payload["categories"] = [list(map(str, c)) for c in cats]
    payload["file"] = int(revision or 0)
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def recheck(session: Any, tenant_id: int, batch_ids: list[int], local_params: dict[str, Any]) -> int:
    """Check the lines of `batch_ids` again (their basis changed); returns the lines rewritten. The
    verdict columns are left to the judgement that follows."""
    if not batch_ids:
        return 0
    src = ("(SELECT l.id AS line_id, l.name, l.id_hash, l.sheet_category_code, l.sheet_cash_fen, l.sheet_goods_fen, "
           "l.parse_code, l.parse_reason FROM condolence_lines l "
           "WHERE l.tenant_id = :tid AND l.batch_id = ANY(:bids))")
    sets = ", ".join(f"{c} = f.{c}" for c in LOCAL_COLUMNS if c != "check_status")
    cmp_cols = [c for c in LOCAL_COLUMNS if c != "check_status"]
    stmt = (f"WITH {CATEGORIES_CTE}, f AS ({select_sql(src, 'src.line_id')}) "
            f"UPDATE condolence_lines l SET {sets} FROM f WHERE l.tenant_id = :tid AND l.id = f.line_id "
            f"AND ({', '.join('l.' + c for c in cmp_cols)}) IS DISTINCT FROM ({', '.join('f.' + c for c in cmp_cols)})")
    session.execute(text(NO_PROBE_CACHE))
    return int(session.execute(text(stmt), {**local_params, "tid": tenant_id, "bids": batch_ids}).rowcount)


def invalidate(session: Any, tenant_id: int, batch_id: int) -> None:
    """A line of the batch changed outside the roster reader (a manual line, a correction): its batch's
    lines are checked again by the next judgement."""
    session.execute(text("UPDATE condolence_batches SET checked_basis = NULL WHERE tenant_id = :tid AND id = :bid"),
                    {"tid": tenant_id, "bid": batch_id})
