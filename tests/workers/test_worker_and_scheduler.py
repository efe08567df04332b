"""The worker runs jobs in the right context; the scheduler enqueues each periodic run exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from sqlalchemy import func, select

from unionhome.core.redis import get_redis
from unionhome.core.tenancy import system_context
from unionhome.domains.auth.models import AuthSession, User
from unionhome.extensions import db
from workers.schedule import PERIODIC_JOBS
from workers.scheduler import run_due
from workers.worker import UnionHomeWorker

pytestmark = pytest.mark.integration


def test_scheduler_claims_each_slot_once(app, database):
    with app.app_context():
        redis = get_redis()
        redis.flushdb()
        now = 1_900_000_000.0
        first = run_due(redis, now)
        assert first == [j.id for j in PERIODIC_JOBS]
        assert run_due(redis, now + 1) == []  # same slot: a restart or a second scheduler adds nothing
        for queue in {j.queue for j in PERIODIC_JOBS}:
            assert len(Queue(queue, connection=redis)) == len([j for j in PERIODIC_JOBS if j.queue == queue])
        redis.flushdb()


def test_burst_worker_purges_expired_sessions(app, database):
    with app.app_context():
        redis = get_redis()
        redis.flushdb()
        with system_context("test"):
            user_id = db.session.execute(select(User.id).limit(1)).scalar_one()
            old = datetime.now(UTC) - timedelta(days=30)
            db.session.add(AuthSession(token_hash=b"x" * 32, user_id=user_id, created_at=old, last_seen_at=old,
                                       expires_at=old + timedelta(days=1)))
            db.session.commit()
        run_due(redis, 1_900_000_000.0)
        UnionHomeWorker.flask_app = app
        worker = UnionHomeWorker(["default"], connection=redis)
        assert worker.work(burst=True)
        with system_context("test"):
            left = db.session.execute(select(func.count()).select_from(AuthSession)
                                      .where(AuthSession.token_hash == b"x" * 32)).scalar_one()
            db.session.rollback()
        assert left == 0
        redis.flushdb()
