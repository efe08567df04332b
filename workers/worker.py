"""The RQ worker process: fair across tenants, with its jobs mirrored in the `jobs` table.

Run: `python -m workers.worker [--queues high,default,long] [--burst] [--name NAME]`
(compose runs N replicas; each also runs RQ's scheduler, which retries with back-off need).

- Queues: each latency class (`high`, `default`, `long`, most urgent first) has a sub-queue per tenant
  (`long:t42`, see core/jobs.py). The worker discovers them from RQ's queue registry before every
  dequeue (idle, it blocks at most DISCOVERY_INTERVAL_S before looking again) and serves them in
  priority order of class and, within a class, round-robin over tenants: after a job of tenant A,
  the next job comes from the next tenant that has one. So tenant B's small job waits for at most one
  job (one chunk, one slice) of each tenant ahead of it in the rotation, however many A has queued.
- Every job runs in its own process (RQ's work horse) inside an app context and its tenant's context
  (`job.meta["tenant_id"]`). Jobs rows are claimed, heartbeated and finished by the runner
  (domains/jobs/runner.py); this process handles what the job's process cannot: a hard kill past the
  timeout (+ JOBS_HARD_KILL_GRACE_S), a process that died (requeued at once), a stop on request.
- The reaper (domains/jobs/reaper.py) runs at start and every JOBS_REAP_INTERVAL_S.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterable
from typing import Any

import redis.exceptions
from rq import Queue, Worker
from rq.exceptions import DequeueTimeout
from rq.scheduler import RQScheduler
from rq.utils import now
from rq.worker.base import WorkerStatus
from sqlalchemy.orm import configure_mappers

from unionhome import create_app
from unionhome.core.jobs import QUEUES, parse_queue_name, setting
from unionhome.core.redis import get_redis
from unionhome.core.tenancy import clear_context, system_context, tenant_context
from unionhome.extensions import db

from .settings import DISCOVERY_INTERVAL_S, IDLE_HEARTBEAT_S, JOB_MONITORING_INTERVAL_S, WORKER_QUEUES

log = logging.getLogger(__name__)


def discover_queue_names(connection: Any, classes: Iterable[str]) -> set[str]:
    """The queues RQ knows of (class queues and tenant sub-queues) that belong to `classes`."""
    wanted = set(classes)
    prefix = Queue.redis_queue_namespace_prefix
    names = set()
    for raw in connection.smembers(Queue.redis_queues_keys):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        name = key[len(prefix):] if key.startswith(prefix) else key
        parsed = parse_queue_name(name)
        if parsed is not None and parsed[0] in wanted:
            names.add(name)
    return names


class TenantRotation:
    """Queue order: by class priority; within a class the platform queue first, then the tenants'
    sub-queues starting after the tenant served last (round-robin)."""

    def __init__(self, classes: Iterable[str]) -> None:
        self.classes = [c for c in QUEUES if c in set(classes)]
        self.last: dict[str, int] = {}

    def order(self, names: Iterable[str]) -> list[str]:
        by_class: dict[str, list[int]] = {c: [] for c in self.classes}
        other: list[str] = []
        for name in set(names):
            parsed = parse_queue_name(name)
            if parsed is None or parsed[0] not in by_class:
                other.append(name)
            elif parsed[1] is not None:
                by_class[parsed[0]].append(parsed[1])
        ordered: list[str] = []
        for cls in self.classes:
            tenants = sorted(by_class[cls])
            last = self.last.get(cls)
            if last is not None:
                tenants = [t for t in tenants if t > last] + [t for t in tenants if t <= last]
            ordered.append(cls)
            ordered += [f"{cls}:t{t}" for t in tenants]
        return ordered + sorted(other)

    def served(self, name: str) -> None:
        parsed = parse_queue_name(name)
        if parsed is not None and parsed[1] is not None:
            self.last[parsed[0]] = parsed[1]


class TenantQueueScheduler(RQScheduler):
    """RQ's scheduler (moves due retries back onto their queues), also for tenant sub-queues that
    appear after it started."""

    classes: list[str] = list(QUEUES)

    def work(self) -> None:
        self._install_signal_handlers()
        self.register_birth()
        while True:
            if self._stop_requested:
                self.stop()
                break
            try:
                new = discover_queue_names(self.connection, self.classes) - self._queue_names
            except redis.exceptions.RedisError:
                new = set()
            if new:
                self._queue_names |= new
                self.acquire_locks()
            elif self.should_reacquire_locks:
                self.acquire_locks()
            self.heartbeat()
            self.enqueue_scheduled_jobs()
            time.sleep(self.interval)


class UnionHomeWorker(Worker):
    flask_app: Any = None

    def __init__(self, queues: Iterable[str] | None = None, *args: Any, **kwargs: Any) -> None:
        names = [q if isinstance(q, str) else q.name for q in (queues or WORKER_QUEUES)]
        self.classes = [n for n in names if n in QUEUES]
        self.static_names = [n for n in names if n not in QUEUES]
        kwargs.setdefault("job_monitoring_interval", JOB_MONITORING_INTERVAL_S)
        super().__init__(names, *args, **kwargs)
        self.rotation = TenantRotation(self.classes)
        self._queue_objects: dict[str, Queue] = {q.name: q for q in self.queues}
        self._last_reap = 0.0
        self._last_idle_beat = 0.0
        self._hard_killed: str | None = None

    # -- queues -----------------------------------------------------------------------------

    def _queue(self, name: str) -> Queue:
        q = self._queue_objects.get(name)
        if q is None:
            q = self.queue_class(name=name, connection=self.connection, job_class=self.job_class,
                                 serializer=self.serializer, death_penalty_class=self.death_penalty_class)
            self._queue_objects[name] = q
        return q

    def refresh_queues(self) -> None:
        names = set(self.classes) | set(self.static_names) | discover_queue_names(self.connection, self.classes)
        self.queues = [self._queue(n) for n in self.rotation.order(names)]
        self._ordered_queues = list(self.queues)

    def reorder_queues(self, reference_queue: Queue) -> None:
        self.rotation.served(reference_queue.name)
        self._ordered_queues = [self._queue(n) for n in self.rotation.order(q.name for q in self.queues)]

    def work(self, *args: Any, **kwargs: Any) -> bool:
        self.refresh_queues()  # so the scheduler started by work() knows today's tenant queues
        return super().work(*args, **kwargs)

    def _start_scheduler(self, burst: bool = False, logging_level: Any = "INFO", *args: Any, **kwargs: Any) -> None:
        scheduler = TenantQueueScheduler(self.queues, connection=self.connection,
                                         logging_level=logging_level if logging_level is not None else "INFO",
                                         serializer=self.serializer)
        scheduler.classes = self.classes
        self.scheduler = scheduler
        scheduler.acquire_locks()
        if not scheduler.acquired_locks:
            return
        if burst:
            try:
                scheduler.register_birth()
                scheduler.enqueue_scheduled_jobs()
            finally:
                scheduler.release_locks()
                scheduler.register_death()
        else:
            scheduler.start()

    def dequeue_job_and_maintain_ttl(self, timeout: int | None, max_idle_time: int | None = None) -> Any:
        """RQ's dequeue loop, rediscovering tenant queues (and reaping) between short blocking waits."""
        self.set_state(WorkerStatus.IDLE)
        self.procline("Listening on " + ",".join(self.classes + self.static_names))
        idle_since = now()
        connection_wait_time = 1.0
        result = None
        while True:
            try:
                if time.monotonic() - self._last_idle_beat >= IDLE_HEARTBEAT_S:
                    self.heartbeat()
                    self._last_idle_beat = time.monotonic()
                if self.should_run_maintenance_tasks:
                    self.run_maintenance_tasks()
                self._maybe_reap()
                self.refresh_queues()
                block = None if timeout is None else max(0.05, min(timeout, DISCOVERY_INTERVAL_S))
                result = self.queue_class.dequeue_any(  # BLPOP takes the fraction (typed int in RQ)
                    self._ordered_queues, block, connection=self.connection, job_class=self.job_class,  # type: ignore[arg-type]
                    serializer=self.serializer, death_penalty_class=self.death_penalty_class)
                if result is not None:
                    job, queue = result
                    self.reorder_queues(reference_queue=queue)
                    job.redis_server_version = self.get_redis_server_version()
                    self.log.info("Worker %s: %s: %s (%s)", self.name, queue.name, job.description, job.id)
                break
            except DequeueTimeout:
                if max_idle_time is not None and (now() - idle_since).total_seconds() >= max_idle_time:
                    break
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as err:
                self.log.error("Worker %s: Redis unavailable (%s), retrying in %ds", self.name, err,
                               connection_wait_time)
                time.sleep(connection_wait_time)
                connection_wait_time = min(connection_wait_time * 2, self.max_connection_wait_time)
        self.heartbeat()
        return result

    # -- the job's process (work horse) -------------------------------------------------------

    def perform_job(self, job: Any, queue: Any, *args: Any, **kwargs: Any) -> bool:
        app = self.flask_app
        tenant_id = (job.meta or {}).get("tenant_id")
        with app.app_context():
            # Connections inherited from the main process must not be shared with it.
            db.engine.dispose(close=False)
            ctx = tenant_context(tenant_id) if tenant_id is not None else system_context(f"job {job.func_name}")
            try:
                with ctx:
                    return super().perform_job(job, queue, *args, **kwargs)
            finally:
                db.session.remove()
                clear_context()

    # -- the main process: supervision --------------------------------------------------------

    def maintain_heartbeats(self, job: Any, execution: Any) -> None:
        super().maintain_heartbeats(job, execution)
        if job.timeout and job.timeout > 0 and job.started_at is not None:
            working = (now() - job.started_at).total_seconds()
            with self.flask_app.app_context():
                grace = setting("JOBS_HARD_KILL_GRACE_S")
            if working > job.timeout + grace:
                self.log.warning("Worker %s: job %s past its timeout (%ss), killing it", self.name, job.id,
                                 job.timeout)
                self._hard_killed = job.id
                self.kill_horse()
        self._maybe_reap()

    def handle_work_horse_killed(self, job: Any, retpid: Any, ret_val: Any, rusage: Any) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        meta = job.meta or {}
        if meta.get("uh_job_id") is None or meta.get("tenant_id") is None:
            return
        working = (now() - job.started_at).total_seconds() if job.started_at else 0.0
        timed_out = self._hard_killed == job.id or bool(job.timeout and working >= job.timeout)
        self._hard_killed = None
        from unionhome.domains.jobs.runner import horse_died

        try:
            with self.flask_app.app_context():
                horse_died(int(meta["tenant_id"]), int(meta["uh_job_id"]), job.id, timed_out=timed_out,
                           timeout_s=int(job.timeout or 0),
                           detail=f"work horse ended with status {ret_val} after {working:.0f}s")
        except Exception:  # the reaper will settle it
            self.log.exception("Worker %s: could not record the end of job %s", self.name, job.id)

    def _handle_stopped_job(self, job: Any, queue: Any, execution: Any) -> None:
        meta = job.meta or {}
        if meta.get("uh_job_id") is not None and meta.get("tenant_id") is not None:
            from unionhome.domains.jobs.runner import stopped

            try:
                with self.flask_app.app_context():
                    stopped(int(meta["tenant_id"]), int(meta["uh_job_id"]), job.id)
            except Exception:
                self.log.exception("Worker %s: could not record the stop of job %s", self.name, job.id)
        super()._handle_stopped_job(job, queue, execution)

    def _maybe_reap(self) -> None:
        if self.flask_app is None:
            return
        with self.flask_app.app_context():
            interval = setting("JOBS_REAP_INTERVAL_S")
            if time.monotonic() - self._last_reap < interval:
                return
            self._last_reap = time.monotonic()
            try:
                from unionhome.domains.jobs.reaper import reap_if_due

                reap_if_due(interval)
            except Exception:
                self.log.exception("Worker %s: reaper failed", self.name)
            finally:
                db.session.remove()


def preload() -> None:
    """Work every job's child process would repeat, done once here before the forks (they inherit it)."""
    from unionhome.core.clock import today
    from unionhome.core.storage import preload_client_model
    from unionhome.domains.condolence.roster import checks

    preload_client_model()
    checks.preload(today())
    if not checks.ROWFAST:
        log.warning("the roster's compiled row builder is %s: nomination workbooks are read in Python "
                    "(same result, ~8 µs a row slower)",
                    "turned off (UNIONHOME_ROWFAST=0)" if checks._rowfast is not None else "not built")  # noqa: SLF001


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers.worker", description="UnionHome RQ worker")
    parser.add_argument("--queues", default=",".join(WORKER_QUEUES),
                        help="latency classes to serve, most urgent first (default: %(default)s)")
    parser.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    parser.add_argument("--name", default=None, help="worker name (default: random)")
    parser.add_argument("--no-scheduler", action="store_true", help="do not run RQ's retry scheduler")
    args = parser.parse_args(argv)
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    unknown = [q for q in queues if parse_queue_name(q) is None]
    if unknown:
        parser.error(f"unknown queue(s): {', '.join(unknown)} (known: {', '.join(QUEUES)})")

    app = create_app()
    with app.app_context():
        configure_mappers()  # before fork, once
        redis = get_redis()
        from unionhome.domains.jobs.reaper import reap

        try:
            reap()  # jobs lost while no worker was running (Redis restarted, workers killed)
        except Exception:
            log.exception("reaper failed at start")
        db.session.remove()
        db.engine.dispose()
        preload()
    UnionHomeWorker.flask_app = app
    worker = UnionHomeWorker(queues, connection=redis, name=args.name)
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)


if __name__ == "__main__":
    main()
