"""Dates for demo records: founding, terms of office, ages."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

TERM_YEARS = 5
OVERDUE_SHARE = 0.12  # unions whose re-election is overdue (换届逾期)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def between(rng: Random, start: date, end: date, skew: float = 1.0) -> date:
    """A date in [start, end]; skew > 1 favours dates near ``end``."""
    span = (end - start).days
    if span <= 0:
        return start
    return start + timedelta(days=round(span * rng.random() ** (1 / skew)))


def birth_date_for_age(rng: Random, as_of: date, age: int) -> date:
    """A birth date making the person exactly ``age`` on ``as_of``."""
    latest = add_years(as_of, -age)
    return latest - timedelta(days=rng.randrange(365))


def term_of_office(rng: Random, founded: date, as_of: date) -> tuple[date, date]:
    """(last election, re-election due) for a 5-year term; some unions are overdue."""
    elapsed_terms = 0
    while add_years(founded, TERM_YEARS * (elapsed_terms + 1)) <= as_of:
        elapsed_terms += 1
    if elapsed_terms and rng.random() < OVERDUE_SHARE:
        elapsed_terms -= 1
    last = add_years(founded, TERM_YEARS * elapsed_terms)
    if elapsed_terms:  # elections rarely fall on the anniversary
        last = min(max(last + timedelta(days=rng.randint(-60, 60)), founded), as_of - timedelta(days=7))
    return last, add_years(last, TERM_YEARS)
