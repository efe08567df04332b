"""The numbers the federation reports (W2–W4), straight from the rows: households by status, category,
cause and township; filings and exits in a period; relief people and money by kind. Set-based SQL over
the households in the user's subtree; each figure is one GROUP BY.

Definitions: "open" files are candidate, verified and filed; the area (镇街/系统) of a household is the
top-level union above its own (a township union, an industry or sector union); relief "people" are
distinct households, except for education aid, where each student counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, select, text, tuple_

from ....core.clock import today as china_today
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ...orgs.repository import OrgRepository, scope_paths, subtree_clause
from ..models import (
    ACTIVE_STATUSES,
    CATEGORIES,
    CAUSES,
    EXIT_REASONS,
    RELIEF_KINDS,
    STATUSES,
    HardshipHousehold,
    HardshipRelief,
)
from .common import under_path
from .reviews import reminder_days

EDUCATION_KINDS = ("education_jinqiu", "education_yuanmeng")
COUNTY_DIRECT = "县总工会直属"


def _households(ctx: RequestContext, path: str | None) -> Any:
    """The households in scope with the id of their area (the union's top-level ancestor)."""
    h, tid = HardshipHousehold, current_tenant_id()
    area = func.nullif(func.split_part(Org.path, "/", 3), "").cast(db.BigInteger)
    stmt = (select(h.id, h.status, h.category, h.causes, h.filed_on, h.exited_on, h.exit_reason, h.next_review_due,
                   h.exit_recommended, area.label("area_id"))
            .join(Org, and_(Org.tenant_id == tid, Org.id == h.org_id))
            .where(h.tenant_id == tid))
    for p in scope_paths(ctx, path):
        stmt = stmt.where(subtree_clause(Org.path, p))
    # Materialised: inlined, the planner may re-read the households per relief row (with RLS on both
    # tables it cannot see the join's selectivity), which turned one GROUP BY into seconds.
    return stmt.cte("hh").prefix_with("MATERIALIZED")


def statistics(ctx: RequestContext, args: dict[str, Any]) -> dict[str, Any]:
    today = china_today()
    date_from = args.get("date_from") or date(today.year, 1, 1)
    date_to = args.get("date_to") or today
    hh = _households(ctx, under_path(ctx, args.get("under")))
    s = db.session
    # The grouping sets of a county's relief rows sort in memory with this (the 4 MB default spills).
    s.execute(text("SET LOCAL work_mem = '32MB'"))
    r, tid = HardshipRelief, current_tenant_id()
    days = reminder_days(today)
    is_open = hh.c.status.in_(ACTIVE_STATUSES)
    is_filed = hh.c.status == "filed"

    # 1. Households: one pass, GROUPING SETS by status, category, area and exit reason, plus the totals.
    keys = (hh.c.status, hh.c.category, hh.c.area_id, hh.c.exit_reason)
    exited_in_period = and_(hh.c.status == "exited", hh.c.exited_on >= date_from, hh.c.exited_on <= date_to)
    counts = s.execute(
        select(*keys, func.grouping(*keys).label("g"), func.count(), func.count().filter(is_open),
               func.count().filter(is_filed),
               func.count().filter(hh.c.filed_on >= date_from, hh.c.filed_on <= date_to),
               func.count().filter(exited_in_period),
               func.count().filter(is_filed, hh.c.next_review_due < today),
               func.count().filter(is_filed, hh.c.next_review_due >= today,
                                   hh.c.next_review_due <= today + timedelta(days=days)),
               func.count().filter(is_filed, hh.c.exit_recommended.is_(True)))
        .group_by(func.grouping_sets(*(tuple_(k) for k in keys), tuple_()))).all()
    by_status: dict[str, int] = {}
    cats: dict[str, tuple[int, int]] = {}
    areas: dict[int | None, tuple[int, int]] = {}
    exits: dict[str, int] = {}
    total = filed_in_period = overdue = due_soon = recommended = 0
    for status, category, area, reason, g, n, n_open, n_filed, n_new, n_exit, n_over, n_soon, n_rec in counts:
        if g == 0b0111:
            by_status[status] = int(n)
        elif g == 0b1011:
            cats[category] = (int(n_open), int(n_filed))
        elif g == 0b1101:
            areas[area] = (int(n_open), int(n_filed))
        elif g == 0b1110:
            if reason is not None and n_exit:
                exits[reason] = int(n_exit)
        else:
            total, filed_in_period, overdue, due_soon, recommended = (int(n), int(n_new), int(n_over), int(n_soon),
                                                                      int(n_rec))

    # 2. Causes of the filed households (a household may have several).
    cause = func.unnest(hh.c.causes).label("cause")
    causes_sub = select(cause).where(is_filed).subquery()
    by_cause: dict[str, int] = dict(s.execute(select(causes_sub.c.cause, func.count())  # type: ignore[arg-type]
                                              .group_by(causes_sub.c.cause)).all())

    # 3. Relief in the period. `p`: one row per person helped and kind (the household, or the student for
    # education aid), with its payments summed; then money and payments by kind, category and area from
    # `p`, and people by category and area from the distinct persons of `p` — no DISTINCT aggregate.
    who = case((r.kind.in_(EDUCATION_KINDS), func.coalesce(r.beneficiary_name, "")), else_=literal(""))
    p = (select(r.household_id, who.label("who"), r.kind, hh.c.category, hh.c.area_id, func.count().label("n"),
                func.sum(r.amount_fen).label("fen"), func.sum(r.goods_value_fen).label("goods"))
         .join(hh, hh.c.id == r.household_id)
         .where(r.tenant_id == tid, r.paid_on >= date_from, r.paid_on <= date_to)
         .group_by(r.household_id, who, r.kind, hh.c.category, hh.c.area_id)
         .cte("p").prefix_with("MATERIALIZED"))
    rkeys = (p.c.kind, p.c.category, p.c.area_id)
    money = (select(literal("m").label("src"), *rkeys, func.grouping(*rkeys).label("g"), func.count().label("people"),
                    func.sum(p.c.n).label("times"), func.sum(p.c.fen).label("fen"), func.sum(p.c.goods).label("goods"))
             .group_by(func.grouping_sets(*(tuple_(k) for k in rkeys), tuple_())))
    persons = select(p.c.household_id, p.c.who, p.c.category, p.c.area_id).distinct().subquery("q")
    pkeys = (persons.c.category, persons.c.area_id)
    heads = (select(literal("p"), cast(None, String), *pkeys, func.grouping(*pkeys), func.count(), literal(0),
                    literal(0), literal(0))
             .group_by(func.grouping_sets(*(tuple_(k) for k in pkeys), tuple_())))
    kinds: dict[str, tuple[int, int, int, int]] = {}
    cat_fen: dict[str, int] = {}
    cat_people: dict[str, int] = {}
    area_fen: dict[int | None, int] = {}
    area_people: dict[int | None, int] = {}
    people = times = amount = 0
    for src, kind, category, area, g, n_people, n, fen, goods in s.execute(money.union_all(heads)):
        if src == "m" and g == 0b011:
            kinds[kind] = (int(n_people), int(n), int(fen or 0), int(goods or 0))
        elif src == "m" and g == 0b101:
            cat_fen[category] = int(fen or 0)
        elif src == "m" and g == 0b110:
            area_fen[area] = int(fen or 0)
        elif src == "m":
            times, amount = int(n or 0), int(fen or 0)
        elif g == 0b01:
            cat_people[category] = int(n_people)
        elif g == 0b10:
            area_people[area] = int(n_people)
        else:
            people = int(n_people)
    cat_money = {c: (cat_people.get(c, 0), cat_fen.get(c, 0)) for c in set(cat_fen) | set(cat_people)}
    area_money = {a: (area_people.get(a, 0), area_fen.get(a, 0)) for a in set(area_fen) | set(area_people)}
    area_names = OrgRepository().names({a for a in set(areas) | set(area_money) if a is not None})

    area_ids = sorted(set(areas) | set(area_money), key=lambda a: (-areas.get(a, (0, 0))[0], a or 0))
    return {
        "date_from": date_from, "date_to": date_to, "total": total,
        "by_status": [{"code": c, "label": label, "households": int(by_status.get(c, 0))}
                      for c, label in STATUSES.items()],
        "by_category": [{"code": c, "label": label, "households": cats.get(c, (0, 0))[0],
                         "filed": cats.get(c, (0, 0))[1], "relief_people": cat_money.get(c, (0, 0))[0],
                         "relief_fen": cat_money.get(c, (0, 0))[1]} for c, label in CATEGORIES.items()],
        "by_cause": [{"code": c, "label": label, "households": int(by_cause.get(c, 0))} for c, label in CAUSES.items()],
        "by_township": [{"org_id": a, "name": area_names.get(a, COUNTY_DIRECT) if a is not None else COUNTY_DIRECT,
                         "households": areas.get(a, (0, 0))[0], "filed": areas.get(a, (0, 0))[1],
                         "relief_people": area_money.get(a, (0, 0))[0], "relief_fen": area_money.get(a, (0, 0))[1]}
                        for a in area_ids],
        "filed_in_period": int(filed_in_period),
        "exits_in_period": sum(exits.values()),
        "exits_by_reason": [{"code": c, "label": label, "households": int(exits.get(c, 0))}
                            for c, label in EXIT_REASONS.items()],
        "relief_by_kind": [{"code": k, "label": label, "people": kinds.get(k, (0, 0, 0, 0))[0],
                            "times": kinds.get(k, (0, 0, 0, 0))[1], "amount_fen": kinds.get(k, (0, 0, 0, 0))[2],
                            "goods_value_fen": kinds.get(k, (0, 0, 0, 0))[3]} for k, label in RELIEF_KINDS.items()],
        "relief_people": people, "relief_times": times, "relief_amount_fen": amount,
        "review_overdue": overdue, "review_due_soon": due_soon, "exit_recommended": recommended,
    }
