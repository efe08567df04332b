"""Fixtures for the job-engine tests. Workers use their own connections, so these tests work on
COMMITTED data (not the rolled-back `db_session`) and clean up after themselves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from unionhome.core.db import transaction
from unionhome.core.jobs import start_job
from unionhome.core.redis import get_redis
from unionhome.core.tenancy import system_context, tenant_context
from unionhome.domains.jobs.models import Job
from unionhome.domains.tenants.models import Tenant
from unionhome.extensions import db

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `tests.workers.jobfns` for burst workers in this process
from tests.workers.jobfns import EFFECTS_DDL  # noqa: E402


@pytest.fixture(scope="session")
def owner_engine(app: Any, database: Any) -> Iterator[Any]:
    engine = create_engine(app.config["DATABASE_URL"])
    role = app.config["APP_DB_ROLE"]
    with engine.begin() as conn:
        conn.execute(text(EFFECTS_DDL))
        conn.execute(text(f'GRANT SELECT, INSERT, DELETE ON test_job_effects TO "{role}"'))
        conn.execute(text(f'GRANT USAGE, SELECT ON SEQUENCE test_job_effects_ord_seq TO "{role}"'))
    yield engine
    engine.dispose()


class Engine:
    """Start jobs, run workers and read the results, on committed data."""

    def __init__(self, app: Any, owner: Any) -> None:
        self.app = app
        self.owner = owner
        with app.app_context(), system_context("test"):
            self.tenants = list(db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars())
            db.session.rollback()

    @property
    def redis(self) -> Any:
        with self.app.app_context():
            return get_redis()

    def start(self, tenant_id: int, fn: Callable[..., Any] | str, *args: Any, kind: str = "test.job",
              **kwargs: Any) -> int:
        with self.app.app_context(), tenant_context(tenant_id):
            with transaction():
                job_id = start_job(None, kind, fn, *args, **kwargs).id
            db.session.remove()
        return int(job_id)

    def burst(self, queues: tuple[str, ...] = ("high", "default", "long"), **kwargs: Any) -> None:
        from workers.worker import UnionHomeWorker

        UnionHomeWorker.flask_app = self.app
        UnionHomeWorker(list(queues), connection=self.redis).work(burst=True, logging_level="WARNING", **kwargs)

    def row(self, tenant_id: int, job_id: int) -> dict[str, Any]:
        with self.app.app_context(), system_context("test"):
            job = db.session.get(Job, (tenant_id, job_id))
            assert job is not None
            data = {c.key: getattr(job, c.key) for c in Job.__table__.columns}
            db.session.rollback()
            db.session.remove()
        return data

    def effects(self, job_id: int | None = None) -> list[tuple[int, int, int, int]]:
        sql = "SELECT ord, job_id, seq, pid FROM test_job_effects"
        with self.owner.connect() as conn:
            if job_id is None:
                return [tuple(r) for r in conn.execute(text(sql + " ORDER BY ord"))]
            return [tuple(r) for r in conn.execute(text(sql + " WHERE job_id = :j ORDER BY ord"), {"j": job_id})]

    def cleanup(self) -> None:
        with self.owner.begin() as conn:
            conn.execute(text("DELETE FROM jobs WHERE kind LIKE 'test.%' AND parent_id IS NOT NULL"))
            conn.execute(text("DELETE FROM jobs WHERE kind LIKE 'test.%'"))
            conn.execute(text("TRUNCATE test_job_effects"))
        self.redis.flushdb()

    # -- worker subprocesses -----------------------------------------------------------------

    def worker_env(self, **settings: str) -> dict[str, str]:
        cfg = self.app.config
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "backend")])}
        for name in ("DATABASE_URL", "REDIS_URL", "APP_DB_ROLE", "APP_DB_PASSWORD", "PII_MASTER_KEY", "SECRET_KEY",
                     "S3_ENDPOINT_URL", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION"):
            env[name] = str(cfg[name])
        env.update({f"APP_{k}": v for k, v in settings.items()})
        return env

    def spawn_worker(self, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "workers.worker", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    @staticmethod
    def stop_worker(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def wait_for(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def engine(app: Any, owner_engine: Any) -> Iterator[Engine]:
    eng = Engine(app, owner_engine)
    eng.cleanup()
    try:
        yield eng
    finally:
        eng.cleanup()
