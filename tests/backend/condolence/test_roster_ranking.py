"""Quotas and budgets taken in order (`repository._OVER_QUOTA`, `_OVER_BUDGET`) against their line-by-line
definition: on random campaigns (counted and draft batches, category quotas, category and campaign
budgets, lines already over something), the statements flag exactly the lines the definition flags,
with the same reasons. The statements count per batch and go line by line only where a quota or a
budget runs out; the definition numbers every line."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import text

from unionhome.domains.condolence.roster import repository

pytestmark = pytest.mark.integration

# The definition: every candidate line numbered (or summed) in order within its scenario; a draft batch
# (scen = its batch) comes on top of what the counted lines (scen 0) take.
QUOTA_DEFINITION = """
WITH cand AS (
    SELECT rq.line_id, rq.scen, rq.ord, q.quota_id, q.max_households, q.label
    FROM rq JOIN rbq q ON q.batch_id = rq.batch_id AND q.level = :level
         AND (q.category_code IS NULL OR q.category_code = rq.category_code)
    WHERE NOT EXISTS (SELECT 1 FROM ro WHERE ro.line_id = rq.line_id)
), ranked AS (
    SELECT cand.*, row_number() OVER (PARTITION BY scen, quota_id ORDER BY ord) AS rn FROM cand
), base AS (
    SELECT quota_id, count(*) AS n FROM cand WHERE scen = 0 GROUP BY quota_id
)
SELECT r.line_id, 'over_quota', '超出' || r.label || '名额(' || r.max_households || '户)'
FROM ranked r LEFT JOIN base b USING (quota_id)
WHERE r.rn + CASE WHEN r.scen <> 0 THEN least(coalesce(b.n, 0), r.max_households) ELSE 0 END > r.max_households
"""

BUDGET_DEFINITION = """
WITH cand AS (
    SELECT rq.line_id, rq.scen, rq.ord, {part} AS part, {amount} AS amount, {cap} AS cap
    FROM rq {join}
    WHERE {cap} IS NOT NULL AND {cap} > 0 AND {amount} > 0
      AND NOT EXISTS (SELECT 1 FROM ro WHERE ro.line_id = rq.line_id)
), run AS (
    SELECT cand.*, sum(amount) OVER (PARTITION BY scen, part ORDER BY ord ROWS UNBOUNDED PRECEDING) AS total
    FROM cand
), base AS (
    SELECT part, coalesce(max(total) FILTER (WHERE total <= cap), 0) AS used FROM run WHERE scen = 0 GROUP BY part
)
SELECT o.line_id, 'over_budget', {label}
FROM (SELECT r.line_id, r.part, r.cap FROM run r LEFT JOIN base b USING (part)
      WHERE r.total + CASE WHEN r.scen <> 0 THEN coalesce(b.used, 0) ELSE 0 END > r.cap) o {label_join}
"""

CATEGORY_BUDGET = dict(part="rq.category_code", amount="rq.cash_fen", cap="rc.budget_cash_fen",
                       join="JOIN rc ON rc.code = rq.category_code", label_join="JOIN rc ON rc.code = o.part",
                       label="'超出“' || rc.name || '”类别预算(' || o.cap || ')'")
CAMPAIGN_BUDGET = dict(part="0", amount="rq.goods_fen", cap=":cap", join="", label_join="",
                       label="'超出预算(' || o.cap || ')'")

FLAGGED: list[int] = []  # lines flagged per campaign

TABLES = """
CREATE TEMP TABLE rq (line_id bigint, scen bigint, ord bigint, batch_id bigint, category_code text, cash_fen bigint,
                      goods_fen bigint);
CREATE TEMP TABLE rbq (batch_id bigint, quota_id bigint, max_households integer, category_code text, level bigint,
                       label text);
CREATE TEMP TABLE rc (code text, name text, budget_cash_fen bigint);
CREATE TEMP TABLE ro (line_id bigint PRIMARY KEY, code text, reason text)
"""


def _campaign(session: Any, rng: random.Random) -> None:
    for stmt in TABLES.split(";"):
        session.execute(text(stmt))
    batches = list(range(1, rng.randrange(2, 25)))
    order = rng.sample(batches, len(batches))  # submission order
    caps = {q: rng.choice((0, 5, 20, 60, 150, 1000)) for q in (1, 2, 3)}  # households, per quota
    category_quota = rng.choice("xyz")
    line_id = 0
    for bord, batch in enumerate(order, 1):
        scen = 0 if rng.random() < 0.7 else batch  # a counted batch, or a draft (its own scenario)
        rows = sorted(rng.sample(range(1, 200), rng.randrange(0, 40)))
        for row in rows:
            line_id += 1
            session.execute(text("INSERT INTO rq VALUES (:l, :s, :o, :b, :c, :cash, :goods)"), {
                "l": line_id, "s": scen, "o": bord * 10_000_000 + row, "b": batch, "c": rng.choice("xyz"),
                "cash": rng.choice((0, 30000, 50000, 80000)), "goods": rng.choice((0, 10000, 20000))})
        # a quota of the union's township (level 2) and one of a category in it (level 1, taken first)
        for quota, level, category in ((1 + bord % 2, 2, None), (3, 1, category_quota)):
            if rng.random() < 0.8:
                session.execute(text("INSERT INTO rbq VALUES (:b, :q, :m, :c, :level, :label)"),
                                {"b": batch, "q": quota, "m": caps[quota], "c": category, "level": level,
                                 "label": f"Q{quota}"})
    for code in "xyz":
        session.execute(text("INSERT INTO rc VALUES (:c, :n, :cap)"),
                        {"c": code, "n": f"类{code}", "cap": rng.choice((None, 0, 500000, 2000000, 9000000))})
    taken = rng.sample(range(1, line_id + 1), min(line_id, rng.randrange(0, 10)))
    for line in taken:  # lines a step before already put over something
        session.execute(text("INSERT INTO ro VALUES (:l, 'over_quota', '前面的名额')"), {"l": line})
    session.execute(text("ANALYZE rq"))
    session.execute(text("ANALYZE rbq"))


def _flagged(session: Any, statement: str, params: dict[str, Any], *, keep: bool = False) -> set[tuple[Any, ...]]:
    """What the statement adds to `ro` (taken out again unless `keep`: the next step sees it)."""
    session.execute(text("CREATE TEMP TABLE IF NOT EXISTS ro_before AS SELECT * FROM ro"))
    session.execute(text(statement if statement.lstrip().startswith("INSERT") else
                         "INSERT INTO ro (line_id, code, reason) " + statement), params)
    added = {tuple(r) for r in session.execute(text(
        "SELECT line_id, code, reason FROM ro EXCEPT SELECT line_id, code, reason FROM ro_before"))}
    if keep:
        session.execute(text("DROP TABLE ro_before"))
    else:
        session.execute(text("DELETE FROM ro WHERE line_id NOT IN (SELECT line_id FROM ro_before)"))
    return added


@pytest.mark.parametrize("seed", range(40))
def test_quotas_and_budgets_flag_what_the_line_by_line_definition_flags(db_session, seed: int) -> None:
    rng = random.Random(seed)
    with db_session.begin_nested():
        _campaign(db_session, rng)
        flagged = 0
        for level in (1, 2):  # the steps in the judgement's order, each seeing what the ones before flagged
            expected = _flagged(db_session, QUOTA_DEFINITION, {"level": level})
            assert _flagged(db_session, repository._OVER_QUOTA, {"level": level}, keep=True) == expected  # noqa: SLF001
            flagged += len(expected)
        expected = _flagged(db_session, BUDGET_DEFINITION.format(**CATEGORY_BUDGET), {})
        assert _flagged(db_session, repository._OVER_BUDGET.format(**CATEGORY_BUDGET), {}, keep=True) == expected  # noqa: SLF001
        flagged += len(expected)
        cap = rng.choice((1, 100000, 400000, 3000000))
        expected = _flagged(db_session, BUDGET_DEFINITION.format(**CAMPAIGN_BUDGET), {"cap": cap})
        assert _flagged(db_session, repository._OVER_BUDGET.format(**CAMPAIGN_BUDGET), {"cap": cap},  # noqa: SLF001
                        keep=True) == expected
        flagged += len(expected)
        FLAGGED.append(flagged)
        db_session.rollback()


def test_the_random_campaigns_put_lines_over_quotas_and_budgets() -> None:
    """(Runs after the ones above:) the comparison was not of empty sets."""
    assert len(FLAGGED) == 40 and sum(1 for n in FLAGGED if n > 0) >= 30, FLAGGED
