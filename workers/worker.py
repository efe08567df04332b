"""The RQ worker process: each job runs inside an app context and its tenant's context.

Run: `python -m workers.worker` (compose runs N replicas with the scheduler for retries).
"""

from __future__ import annotations

import logging
from typing import Any

from rq import Worker
from sqlalchemy.orm import configure_mappers

from unionhome import create_app
from unionhome.core.redis import get_redis
from unionhome.core.tenancy import clear_context, system_context, tenant_context
from unionhome.extensions import db

from .settings import WORKER_QUEUES

log = logging.getLogger(__name__)


class UnionHomeWorker(Worker):
    """Sets the tenant context from `job.meta` around every job and cleans up after it."""

    flask_app: Any = None

    def perform_job(self, job: Any, queue: Any, *args: Any, **kwargs: Any) -> bool:
        app = self.flask_app
        tenant_id = (job.meta or {}).get("tenant_id")
        with app.app_context():
            ctx = tenant_context(tenant_id) if tenant_id is not None else system_context(f"job {job.func_name}")
            try:
                with ctx:
                    return super().perform_job(job, queue, *args, **kwargs)
            finally:
                db.session.remove()
                clear_context()


def main() -> None:
    app = create_app()
    with app.app_context():
        configure_mappers()  # before fork, once
        redis = get_redis()
    UnionHomeWorker.flask_app = app
    worker = UnionHomeWorker(WORKER_QUEUES, connection=redis)
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
