"""The judgement refreshes condolence_lines' statistics when a roster job wrote many lines since the last
ANALYZE (a fresh campaign looks empty to the planner until then), on its own short transaction, and goes
on without when another session holds the table's maintenance lock."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import text

from unionhome.domains.condolence.roster import repository
from unionhome.extensions import db

pytestmark = pytest.mark.integration


def _analyze_count(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relid = 'condolence_lines'::regclass")).scalar() or 0)


def test_statistics_are_refreshed_only_when_stale(app, database, monkeypatch):
    with app.app_context():
        before = _analyze_count(db.engine)
        monkeypatch.setattr(repository, "STATS_MIN_CHANGED", 10**12)
        assert repository.refresh_line_statistics(db.engine) is False  # not stale enough: nothing done
        assert _analyze_count(db.engine) == before
        monkeypatch.setattr(repository, "STATS_MIN_CHANGED", 0)
        monkeypatch.setattr(repository, "STATS_MIN_SHARE", 0.0)
        assert repository.refresh_line_statistics(db.engine) is True  # the app role may (MAINTAIN, 0013)
        assert _analyze_count(db.engine) == before + 1


def test_a_held_lock_is_not_waited_for(app, database, monkeypatch):
    monkeypatch.setattr(repository, "STATS_MIN_CHANGED", 0)
    monkeypatch.setattr(repository, "STATS_MIN_SHARE", 0.0)
    with app.app_context():
        with db.engine.connect() as holder:
            holder.execute(text("LOCK TABLE condolence_lines IN SHARE UPDATE EXCLUSIVE MODE"))
            started = time.monotonic()
            assert repository.refresh_line_statistics(db.engine) is False
            assert time.monotonic() - started < 5  # gave up after its lock timeout, did not wait
            holder.rollback()
        assert repository.refresh_line_statistics(db.engine) is True
