"""The job engine end to end: real Redis, real PostgreSQL, real RQ workers (burst workers in this
process, and `python -m workers.worker` subprocesses where a worker has to be killed)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from rq import Queue, Retry
from sqlalchemy import text

from unionhome.core.db import transaction
from unionhome.core.jobs import dispatch, dispatch_of, start_job, tenant_queue_name
from unionhome.core.tenancy import system_context, tenant_context
from unionhome.domains.jobs.reaper import TOO_MANY_CRASHES, reap
from unionhome.extensions import db

pytestmark = pytest.mark.integration

FN = "tests.workers.jobfns"


def test_job_runs_with_progress_counts_and_result(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.count_to", 5, total=5, kind="test.count")
    row = engine.row(a, job_id)
    assert row["status"] == "queued" and row["progress_total"] == 5 and row["rq_job_id"]
    assert len(Queue(tenant_queue_name("default", a), connection=engine.redis)) == 1  # the tenant's sub-queue
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "succeeded", row
    assert (row["progress_done"], row["progress_total"]) == (5, 5)
    assert row["counts"] == {"items": 5} and row["result"] == {"counted": 5, "resumed_from": 0}
    assert row["attempts"] == 1 and row["error"] is None
    assert row["started_at"] and row["finished_at"] and row["heartbeat_at"]
    assert [e[2] for e in engine.effects(job_id)] == [0, 1, 2, 3, 4]


def test_progress_counts_and_result_in_short_transactions(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.report", 1000, kind="test.report")
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "succeeded" and (row["progress_done"], row["progress_total"]) == (1000, 1000)
    assert row["counts"] == {"rows": 1000, "invalid": 2} and row["result"] == {"summary": "共1000行"}


def test_context_heartbeats_sees_cancel_and_is_fenced_off_when_requeued(engine):
    """The heartbeat thread keeps a running row alive, notices a cancel, and stops a superseded run."""
    from unionhome.core.jobs import JobSuperseded
    from unionhome.domains.jobs import repository as repo
    from unionhome.domains.jobs.context import JobContext

    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.tiny", kind="test.ctx")
    token = engine.row(a, job_id)["rq_job_id"]
    app = engine.app
    app.config["JOBS_HEARTBEAT_S"] = 0.1
    try:
        with app.app_context(), tenant_context(a):
            with db.engine.begin() as conn:
                row = repo.claim(conn, a, job_id, token, "test", 60)
            ctx = JobContext(row, token)
            ctx.start()
            try:
                first = engine.row(a, job_id)["heartbeat_at"]
                time.sleep(0.4)
                assert engine.row(a, job_id)["heartbeat_at"] > first
                assert not ctx.cancelled()
                with db.engine.begin() as conn:
                    repo.request_cancel(conn, a, job_id)
                time.sleep(0.3)
                assert ctx.cancel_seen and ctx.cancelled()  # seen by the heartbeat thread
                with db.engine.begin() as conn:  # the reaper re-dispatches it (say, a long GC pause)
                    assert repo.requeue(conn, dict(engine.row(a, job_id)), from_status="running", recovery=True)
                with pytest.raises(JobSuperseded):
                    ctx.progress(1, 1)
            finally:
                ctx.stop()
    finally:
        app.config.pop("JOBS_HEARTBEAT_S")


def test_enqueued_only_after_commit_and_never_on_rollback(engine):
    a = engine.tenants[0]
    q = Queue(tenant_queue_name("default", a), connection=engine.redis)
    with engine.app.app_context(), tenant_context(a):
        with transaction():
            start_job(None, "test.count", f"{FN}.count_to", 1)
            assert len(q) == 0  # inserted, not yet committed: nothing on the queue
        assert len(q) == 1
        with pytest.raises(RuntimeError), transaction():
            start_job(None, "test.count", f"{FN}.count_to", 1)
            raise RuntimeError("use case failed")
        assert len(q) == 1
        with pytest.raises(TypeError):
            start_job(None, "test.count", f"{FN}.count_to", object())  # ids and plain values only
        db.session.rollback()


def test_idempotency_key_returns_the_same_job(engine):
    a = engine.tenants[0]
    first = engine.start(a, f"{FN}.count_to", 1, kind="test.count", idempotency_key="upload-7")
    second = engine.start(a, f"{FN}.count_to", 1, kind="test.count", idempotency_key="upload-7")
    assert first == second


def test_slices_requeue_and_resume_from_the_checkpoint(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.count_to", 6, 0.0, 2, kind="test.count")
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "succeeded"
    assert row["dispatch_seq"] == 2 and row["attempts"] == 3  # three slices, one RQ job each
    assert row["counts"] == {"items": 6} and row["result"]["resumed_from"] == 4
    assert [e[2] for e in engine.effects(job_id)] == list(range(6))


def test_user_error_is_chinese_and_the_traceback_stays_technical(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.bad_input", kind="test.bad", retry=3)
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "failed" and row["error"] == "第3行：身份证号码校验位错误"
    assert "Traceback" in row["error_detail"] and "Traceback" not in row["error"]
    assert row["attempts"] == 1 and row["retries"] == 0  # bad input is never retried


def test_transient_error_is_retried_after_its_back_off_by_the_scheduler(engine):
    a = engine.tenants[0]
    key = f"test:flaky:{time.time()}"
    job_id = engine.start(a, f"{FN}.flaky", key, kind="test.flaky", retry=Retry(max=2, interval=1))
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "queued" and row["retries"] == 1 and "upstream timed out" in row["error_detail"]
    time.sleep(1.2)
    engine.burst(with_scheduler=True)  # RQ's scheduler moves the due retry back onto the tenant queue
    row = engine.row(a, job_id)
    assert row["status"] == "succeeded" and row["attempts"] == 2 and row["result"] == {"ok": True}


def test_unexpected_error_without_retry_fails_with_a_generic_chinese_message(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.flaky", f"test:flaky:{time.time()}", kind="test.flaky")
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "failed" and row["error"].startswith("任务执行出错")
    assert "ConnectionError" in row["error_detail"]


def test_timeout_fails_the_job(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.sleeper", 10, kind="test.sleep", timeout=1)
    started = time.monotonic()
    engine.burst()
    assert time.monotonic() - started < 8
    row = engine.row(a, job_id)
    assert row["status"] == "failed" and row["error"].startswith("任务超时：超过 1 秒")


def test_running_job_honours_a_cancel(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.cancel_self_then_wait", kind="test.cancel")
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "cancelled" and row["cancel_requested_at"] is not None
    assert "noticed_after" in row["result"]


def test_chunks_that_share_out_items_report_the_parents_progress_as_they_go(engine):
    a = engine.tenants[0]
    parent = engine.start(a, f"{FN}.share_out", 12, 3, kind="test.shareout", queue="long")
    engine.burst(max_jobs=2)  # the parent splits itself, one chunk runs
    row = engine.row(a, parent)
    assert row["status"] == "running" and (row["progress_done"], row["progress_total"]) == (4, 12)
    engine.burst()
    row = engine.row(a, parent)
    assert row["status"] == "succeeded", row
    assert (row["progress_done"], row["progress_total"]) == (12, 12) and row["counts"] == {"items": 12}
    assert (row["chunks_total"], row["chunks_done"]) == (3, 3)


def test_fan_out_chunks_count_once_and_finish_the_parent(engine):
    a = engine.tenants[0]
    ok = engine.start(a, f"{FN}.fan_out", 8, kind="test.fanout", queue="long")
    bad = engine.start(a, f"{FN}.fan_out", 4, 2, kind="test.fanout", queue="long")
    engine.burst()
    row = engine.row(a, ok)
    assert row["status"] == "succeeded", row
    assert (row["chunks_total"], row["chunks_done"], row["chunks_failed"]) == (8, 8, 0)
    assert row["counts"] == {"items": 8} and (row["progress_done"], row["progress_total"]) == (8, 8)
    row = engine.row(a, bad)
    assert row["status"] == "failed" and (row["chunks_done"], row["chunks_failed"]) == (3, 1)
    assert row["error"] == "共 1 个分片失败：第2个分片的数据有误"


def test_fairness_small_job_of_another_tenant_overtakes_a_huge_queue(engine):
    """Tenant A has 200 chunks queued; tenant B's job, enqueued after them, runs next, not 201st."""
    a, b = engine.tenants[:2]
    parent = engine.start(a, f"{FN}.fan_out", 200, kind="test.fanout", queue="long")
    engine.burst(max_jobs=1)  # the parent runs and splits itself: 200 chunks now wait in long:t<A>
    a_queue = Queue(tenant_queue_name("long", a), connection=engine.redis)
    assert len(a_queue) == 200
    small = engine.start(b, f"{FN}.tiny", kind="test.small", queue="long")
    engine.burst(max_jobs=10)  # one worker, ten jobs: enough to see the order
    order = [job for _, job, _, _ in engine.effects()]
    assert small in order, "B's job did not run within the first 10 jobs"
    position = order.index(small)
    assert position <= 1, f"B's job finished after {position} of A's chunks"
    assert len(a_queue) == 191 and engine.row(a, parent)["chunks_done"] == 9
    b_row = engine.row(b, small)
    print(f"\nfairness: B finished after {position} of A's 200 queued chunks, "
          f"{(b_row['finished_at'] - b_row['created_at']).total_seconds():.3f}s after it was started")


def test_recovery_after_redis_lost_everything(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.count_to", 3, kind="test.count")
    original = dispatch_of(engine.row(a, job_id))
    engine.redis.flushdb()  # Redis restarted empty: the RQ job is gone, the row is still queued
    with engine.app.app_context():
        assert reap()["requeued"] == 0  # within the grace period after enqueueing: left alone
        assert reap(queued_grace_s=0)["requeued"] == 1
        assert reap(queued_grace_s=0)["requeued"] == 0  # the new RQ job exists: nothing to do
    engine.burst()
    row = engine.row(a, job_id)
    assert row["status"] == "succeeded" and row["recoveries"] == 1 and row["attempts"] == 1
    assert row["counts"] == {"items": 3}
    # The lost RQ job turning up again (e.g. a Redis replica) does nothing: its token is stale.
    with engine.app.app_context():
        dispatch([original])
    engine.burst()
    assert len(engine.effects(job_id)) == 3 and engine.row(a, job_id)["attempts"] == 1


def test_reaper_gives_up_after_too_many_crashes(engine):
    a = engine.tenants[0]
    job_id = engine.start(a, f"{FN}.count_to", 1, kind="test.count")
    with engine.owner.begin() as conn:
        conn.execute(text("UPDATE jobs SET status = 'running', recoveries = 5, heartbeat_at = now() - interval '1 hour' "
                          "WHERE id = :id"), {"id": job_id})
    with engine.app.app_context():
        assert reap()["failed"] == 1
    row = engine.row(a, job_id)
    assert row["status"] == "failed" and row["error"] == TOO_MANY_CRASHES


def test_worker_killed_mid_job_is_recovered_and_finishes_exactly_once(engine):
    a = engine.tenants[0]
    n = 15
    job_id = engine.start(a, f"{FN}.count_to", n, 0.15, kind="test.count", queue="long")
    env = engine.worker_env(JOBS_STALE_AFTER_S="2", JOBS_HEARTBEAT_S="0.3", JOBS_REAP_INTERVAL_S="0.5")
    first = engine.spawn_worker(env, "--queues", "long")
    try:
        engine.wait_for(lambda: len(engine.effects(job_id)) >= 4, 30, "the first worker to get going")
        horse = int(engine.redis.get(f"test:jobpid:{job_id}"))
        os.kill(horse, signal.SIGKILL)  # the whole worker dies: its job process and the main process
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(5)
    finally:
        engine.stop_worker(first)
    done_before = len(engine.effects(job_id))
    assert done_before < n and engine.row(a, job_id)["status"] == "running"
    second = engine.spawn_worker(env, "--queues", "long")
    try:
        engine.wait_for(lambda: engine.row(a, job_id)["status"] == "succeeded", 45, "the job to finish")
    finally:
        engine.stop_worker(second)
    row = engine.row(a, job_id)
    effects = engine.effects(job_id)
    assert [e[2] for e in effects] == list(range(n))  # every unit once (a repeat would violate the key)
    assert len({e[3] for e in effects}) == 2  # done by two different job processes
    assert row["counts"] == {"items": n} and row["progress_done"] == n  # counted once
    assert row["attempts"] == 2 and row["recoveries"] == 1
    assert row["result"]["resumed_from"] >= done_before - 1


def test_job_process_killed_is_requeued_at_once_and_an_ignored_cancel_is_enforced(engine):
    """The worker survives, its job's process does not (e.g. the OOM killer): requeued at once, no
    reaper needed. And a job that never checks for cancellation is stopped by an RQ stop command."""
    from unionhome.domains.jobs import repository as repo

    a = engine.tenants[0]
    env = engine.worker_env(JOBS_CANCEL_GRACE_S="0", JOBS_REAP_INTERVAL_S="3600")
    counted = engine.start(a, f"{FN}.count_to", 10, 0.1, kind="test.count")
    worker = engine.spawn_worker(env, "--queues", "default")
    try:
        engine.wait_for(lambda: len(engine.effects(counted)) >= 3, 30, "the job to get going")
        os.kill(int(engine.redis.get(f"test:jobpid:{counted}")), signal.SIGKILL)
        engine.wait_for(lambda: engine.row(a, counted)["status"] == "succeeded", 30, "the requeued job to finish")
        row = engine.row(a, counted)
        assert [e[2] for e in engine.effects(counted)] == list(range(10))
        assert row["recoveries"] == 1 and row["attempts"] == 2 and row["counts"] == {"items": 10}

        stubborn = engine.start(a, f"{FN}.sleeper", 60, kind="test.sleep")
        engine.wait_for(lambda: engine.row(a, stubborn)["status"] == "running", 30, "the sleeper to start")
        with engine.app.app_context(), tenant_context(a), db.engine.begin() as conn:
            repo.request_cancel(conn, a, stubborn)
        with engine.app.app_context():
            engine.app.config["JOBS_CANCEL_GRACE_S"] = 0
            try:
                assert reap()["stopped"] == 1  # grace over: RQ's stop-job command to its worker
            finally:
                engine.app.config.pop("JOBS_CANCEL_GRACE_S")
        engine.wait_for(lambda: engine.row(a, stubborn)["status"] == "cancelled", 20, "the stop to land")

        # A tenant whose queue did not exist when the worker (and its scheduler) started: found, and
        # its retry, due a second later, is moved back onto that queue by the worker's scheduler.
        b = engine.tenants[1]
        flaky = engine.start(b, f"{FN}.flaky", f"test:flaky:{time.time()}", kind="test.flaky",
                             retry=Retry(max=1, interval=1))
        engine.wait_for(lambda: engine.row(b, flaky)["status"] == "succeeded", 30, "the retry to succeed")
        assert engine.row(b, flaky)["attempts"] == 2
    finally:
        engine.stop_worker(worker)


def test_platform_periodic_jobs_and_enqueue_still_work(engine):
    """The low-level `enqueue` (no jobs row) routes a tenant's job to its sub-queue."""
    from unionhome.core.jobs import enqueue

    a = engine.tenants[0]
    with engine.app.app_context(), system_context("test"):
        rq_job = enqueue("unionhome.domains.jobs.jobs.reap_jobs", queue_name="high", tenant_id=None)
        assert rq_job.origin == "high"
        tenant_job = enqueue(f"{FN}.sleeper", 0, 0, queue_name="high", tenant_id=a)
        assert tenant_job.origin == f"high:t{a}"
    engine.redis.flushdb()
