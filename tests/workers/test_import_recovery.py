"""Spreadsheet imports on real worker processes (`python -m workers.worker`), real Redis, PostgreSQL and
SeaweedFS: a worker SIGKILLed in the middle of an import, Redis emptied under a running import, and one
county's big import sharing the only worker with another county's small one.

Sizes are smaller than the black-box run of bench/import_recovery.py (100,000 and 1,000,000 rows; see
bench/README.md) so that the set stays well under two minutes on two cores; the slices are made short
(JOBS_SLICE_S, IMPORT_CHUNK_ROWS, IMPORT_APPLY_ROWS) so that each import still runs as many slices and
checkpoints as a big one does, and a kill or a flush lands in the middle of one.

Every test works on committed data (workers have their own connections) and removes what it created.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import ApiClient
from unionhome.core.cnid import make_id_number, make_mobile
from unionhome.core.pii import get_cipher
from unionhome.core.spreadsheets.xlsxwrite import write_xlsx

pytestmark = pytest.mark.integration

FAST = {"JOBS_STALE_AFTER_S": "2", "JOBS_HEARTBEAT_S": "0.3", "JOBS_REAP_INTERVAL_S": "0.5",
        "JOBS_QUEUED_GRACE_S": "1", "JOBS_SLICE_S": "0.5", "IMPORT_CHUNK_ROWS": "1000", "IMPORT_APPLY_ROWS": "500",
        "IMPORT_APPLY_TARGET_S": "0.2"}
REGION = "130102"  # not the demo counties' region: no clash with seeded members


class Imports:
    """Uploads through the API as a tenant's federation admin, reads batches, jobs and members as
    the owner, and deletes everything it created."""

    def __init__(self, engine: Any, logins: Any) -> None:
        self.engine, self.app, self.logins = engine, engine.app, logins
        self.batches: list[tuple[int, int]] = []

    def client(self, tenant_index: int) -> ApiClient:
        item = self.logins.find(tenant_index, "federation_admin")
        client = ApiClient(self.app)
        resp = client.login(item["username"], item["password"])
        assert resp.status_code == 200, resp.get_json()
        return client

    @staticmethod
    def tenant_of(client: ApiClient) -> int:
        return int(client.get("/api/v1/me").get_json()["tenant"]["id"])

    @staticmethod
    def workbook(path: Path, client: ApiClient, n: int, seed: int, *, shared: bool = False) -> list[str]:
        org = client.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]["name"]
        rng = random.Random(seed)
        numbers: list[str] = []
        seen: set[str] = set()
        while len(numbers) < n:
            number = make_id_number(rng, REGION)
            if number not in seen:
                seen.add(number)
                numbers.append(number)

        def rows() -> Iterator[list[Any]]:
            yield ["会员实名制登记表"]
            yield ["姓名", "身份证号", "手机", "所属工会", "入会时间"]
            for number in numbers:
                name = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice("伟芳娜敏静丽强磊军洋") + rng.choice("勇艳杰娟涛明超秀霞平")
                yield [name, number, make_mobile(rng), org, "2020-01-01"]

        with path.open("wb") as f:
            write_xlsx(f, rows(), sheet_name="会员", merges=["A1:E1"], shared_strings=shared)
        return numbers

    def upload(self, client: ApiClient, path: Path, mode: str = "all_or_nothing") -> dict[str, Any]:
        import io

        resp = client.request("POST", "/api/v1/imports", content_type="multipart/form-data",
                              data={"kind": "members", "mode": mode, "file": (io.BytesIO(path.read_bytes()), path.name)})
        assert resp.status_code == 201, resp.get_json()
        batch = resp.get_json()
        self.batches.append((self.tenant_of(client), int(batch["id"])))
        return batch

    def commit(self, client: ApiClient, batch_id: int) -> dict[str, Any]:
        resp = client.post(f"/api/v1/imports/{batch_id}/commit", json={})
        assert resp.status_code == 202, resp.get_json()
        return resp.get_json()

    def batch(self, tenant_id: int, batch_id: int) -> dict[str, Any]:
        with self.engine.owner.connect() as conn:
            row = conn.execute(text("SELECT * FROM import_batches WHERE tenant_id = :t AND id = :b"),
                               {"t": tenant_id, "b": batch_id}).mappings().one()
        return dict(row)

    def staged(self, tenant_id: int, batch_id: int) -> int:
        with self.engine.owner.connect() as conn:
            return int(sum(conn.execute(text(f"SELECT count(*) FROM {t} WHERE tenant_id = :t AND batch_id = :b"),
                                        {"t": tenant_id, "b": batch_id}).scalar_one()
                           for t in ("import_member_rows", "import_issues", "import_parts")))

    def wait(self, what: str, predicate: Any, timeout: float) -> Any:
        return self.engine.wait_for(predicate, timeout, what)

    def wait_status(self, tenant_id: int, batch_id: int, statuses: tuple[str, ...], timeout: float) -> dict[str, Any]:
        def done() -> dict[str, Any] | None:
            b = self.batch(tenant_id, batch_id)
            return b if b["status"] in statuses else None

        return self.wait(f"batch {batch_id} to be {statuses}", done, timeout)

    def wait_step(self, tenant_id: int, batch_id: int, step: str, at_least: int, timeout: float,
                  job_id: int | None = None) -> None:
        """Until the batch's running phase is in ``step`` with ``at_least`` rows done (and, with
        ``job_id``, that job is running: in the middle of a slice, not queued between two)."""
        def there() -> bool:
            b = self.batch(tenant_id, batch_id)
            return b["step"] == step and b["step_done"] >= at_least and (
                job_id is None or self.job(tenant_id, job_id)["status"] == "running")

        self.wait(f"batch {batch_id} to reach {step} ≥ {at_least}", there, timeout)

    def wait_job(self, tenant_id: int, job_id: int, timeout: float = 30) -> dict[str, Any]:
        """The job's row once it is final (it ends a moment after its batch does)."""
        def final() -> dict[str, Any] | None:
            job = self.job(tenant_id, job_id)
            return job if job["status"] in ("succeeded", "failed", "cancelled") else None

        return self.wait(f"job {job_id} to end", final, timeout)

    def members(self, tenant_id: int, numbers: list[str]) -> tuple[int, int]:
        """(rows, distinct ID numbers) among the tenant's members with these ID numbers."""
        with self.app.app_context():
            cipher = get_cipher()
            hashes = [cipher.lookup_hash(tenant_id, "id_number", n) for n in numbers]
        with self.engine.owner.connect() as conn:
            total, distinct = conn.execute(text(
                "SELECT count(*), count(DISTINCT id_number_hash) FROM members "
                "WHERE tenant_id = :t AND id_number_hash = ANY(:h)"), {"t": tenant_id, "h": hashes}).one()
        return int(total), int(distinct)

    def audits(self, tenant_id: int, batch_id: int, action: str) -> int:
        with self.engine.owner.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM audit_log WHERE tenant_id = :t AND action = :a "
                "AND changes->>'import_id' = :b"), {"t": tenant_id, "a": action, "b": str(batch_id)}).scalar_one())

    def job(self, tenant_id: int, job_id: int) -> dict[str, Any]:
        return dict(self.engine.row(tenant_id, job_id))

    def cleanup(self) -> None:
        with self.engine.owner.begin() as conn:
            for tid, bid in self.batches:
                params = {"t": tid, "b": str(bid), "bid": bid}
                conn.execute(text(
                    "DELETE FROM members WHERE tenant_id = :t AND id IN (SELECT entity_id FROM audit_log "
                    "WHERE tenant_id = :t AND action = 'member.import_create' AND changes->>'import_id' = :b)"), params)
                conn.execute(text("DELETE FROM audit_log WHERE tenant_id = :t AND (changes->>'import_id' = :b "
                                  "OR (entity_type = 'import_batch' AND entity_id = :bid))"), params)
                for table in ("import_member_rows", "import_issues", "import_parts"):
                    conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = :t AND batch_id = :bid"), params)
                conn.execute(text("DELETE FROM jobs WHERE tenant_id = :t AND id IN (SELECT dry_run_job_id FROM "
                                  "import_batches WHERE tenant_id = :t AND id = :bid UNION SELECT commit_job_id FROM "
                                  "import_batches WHERE tenant_id = :t AND id = :bid)"), params)
                conn.execute(text("DELETE FROM import_batches WHERE tenant_id = :t AND id = :bid"), params)
        self.batches.clear()


@pytest.fixture
def imports(engine: Any, logins: Any) -> Iterator[Imports]:
    harness = Imports(engine, logins)
    try:
        yield harness
    finally:
        harness.cleanup()


def _kill_worker(proc: Any) -> None:
    """SIGKILL a worker and its work horse (RQ puts the horse in a session of its own, so killing the
    worker's process group alone would leave it running)."""
    horses = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == proc.pid:  # field 4: the parent's pid
                horses.append(int(entry.name))
    for pid in [*horses, proc.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(5)


def _exactly_once(imports: Imports, tid: int, bid: int, numbers: list[str]) -> dict[str, Any]:
    batch = imports.batch(tid, bid)
    n = len(numbers)
    assert batch["status"] == "committed", batch
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (n, n, 0)
    assert (batch["created_count"], batch["updated_count"], batch["unchanged_count"]) == (n, 0, 0)
    assert imports.members(tid, numbers) == (n, n)  # every row once
    assert imports.audits(tid, bid, "member.import_create") == n and imports.audits(tid, bid, "member.import_update") == 0
    assert imports.staged(tid, bid) == 0  # the staging is gone
    return batch


def test_worker_killed_mid_read_and_mid_write_resumes_and_imports_every_row_once(imports: Imports, tmp_path: Path):
    engine = imports.engine
    client = imports.client(0)
    tid = imports.tenant_of(client)
    numbers = imports.workbook(tmp_path / "kill.xlsx", client, 8_000, seed=1, shared=True)
    env = engine.worker_env(**{**FAST, "JOBS_SLICE_S": "3"})  # slices long enough for a kill to land in one
    batch = imports.upload(client, tmp_path / "kill.xlsx")
    bid = batch["id"]

    first = engine.spawn_worker(env, "--queues", "long")
    try:
        imports.wait_step(tid, bid, "read", 2000, 60, job_id=batch["dry_run_job_id"])
        _kill_worker(first)  # the worker and the job's process, mid-slice
    finally:
        engine.stop_worker(first)
    assert imports.batch(tid, bid)["status"] == "validating"
    assert imports.job(tid, batch["dry_run_job_id"])["status"] == "running"  # its heartbeat has stopped
    second = engine.spawn_worker(env, "--queues", "long")
    try:
        validated = imports.wait_status(tid, bid, ("validated", "invalid", "failed"), 90)
        assert validated["status"] == "validated" and validated["total_rows"] == 8_000, validated
        assert validated["error_rows"] == 0 and imports.staged(tid, bid) == 0
        dry = imports.wait_job(tid, batch["dry_run_job_id"])
        assert dry["status"] == "succeeded" and dry["recoveries"] == 1 and dry["attempts"] >= 2, dry

        commit_job = imports.commit(client, bid)["commit_job_id"]
        imports.wait_step(tid, bid, "apply", 1000, 90, job_id=commit_job)
        _kill_worker(second)  # mid-write: some ranges committed, one in flight
    finally:
        engine.stop_worker(second)
    midway = imports.members(tid, numbers)[0]
    assert 0 < midway < 8_000 and imports.job(tid, commit_job)["status"] == "running"
    third = engine.spawn_worker(env, "--queues", "long")
    try:
        imports.wait_status(tid, bid, ("committed", "rejected", "failed"), 90)
        imports.wait_job(tid, commit_job)
    finally:
        engine.stop_worker(third)
    _exactly_once(imports, tid, bid, numbers)
    job = imports.wait_job(tid, commit_job)
    assert job["status"] == "succeeded" and job["recoveries"] == 1 and job["result"]["created"] == 8_000, job
    assert job["progress_done"] == job["progress_total"]


def test_redis_emptied_under_a_running_import_is_recovered_by_the_reaper(imports: Imports, tmp_path: Path):
    engine = imports.engine
    client = imports.client(0)
    tid = imports.tenant_of(client)
    numbers = imports.workbook(tmp_path / "flush.xlsx", client, 5_000, seed=2)
    env = engine.worker_env(**FAST)
    batch = imports.upload(client, tmp_path / "flush.xlsx", mode="valid_only")
    bid = batch["id"]
    worker = engine.spawn_worker(env, "--queues", "long")
    try:
        imports.wait_step(tid, bid, "read", 1000, 60)
        engine.redis.flushall()  # Redis restarted empty while the worker runs a slice
        imports.wait_status(tid, bid, ("validated", "invalid", "failed"), 90)
        commit_job = imports.commit(client, bid)["commit_job_id"]
        imports.wait_step(tid, bid, "read", 1000, 90, job_id=commit_job)
        # A Redis that comes back empty while the job waits in its queue between two slices: the
        # worker finishes its slice and leaves, the queue is wiped, a new worker starts.
        engine.stop_worker(worker)
        assert imports.job(tid, commit_job)["status"] == "queued"
        engine.redis.flushall()
        worker = engine.spawn_worker(env, "--queues", "long")
        imports.wait_status(tid, bid, ("committed", "rejected", "failed"), 90)
        imports.wait_job(tid, commit_job)
    finally:
        engine.stop_worker(worker)
    _exactly_once(imports, tid, bid, numbers)
    job = imports.wait_job(tid, commit_job)
    assert job["status"] == "succeeded" and job["recoveries"] >= 1, job  # re-dispatched by the reaper


def test_a_small_import_of_another_county_is_not_held_by_a_big_one(imports: Imports, tmp_path: Path):
    """One worker. County A's import (many slices) is running; county B's 100-row import, submitted
    after it, is validated and committed within seconds, long before A's is done. Then A's is
    cancelled: it stops at its next chunk, writes nothing and leaves no staging behind."""
    engine = imports.engine
    a, b = imports.client(0), imports.client(1)
    ta, tb = imports.tenant_of(a), imports.tenant_of(b)
    imports.workbook(tmp_path / "a.xlsx", a, 12_000, seed=3)
    small = imports.workbook(tmp_path / "b.xlsx", b, 100, seed=4)
    env = engine.worker_env(**{**FAST, "JOBS_SLICE_S": "0.3"})
    big = imports.upload(a, tmp_path / "a.xlsx")
    worker = engine.spawn_worker(env, "--queues", "long")
    try:
        imports.wait_step(ta, big["id"], "read", 1000, 60)
        started = time.monotonic()
        mine = imports.upload(b, tmp_path / "b.xlsx")
        imports.wait_status(tb, mine["id"], ("validated",), 30)
        validated = time.monotonic() - started
        imports.commit(b, mine["id"])
        imports.wait_status(tb, mine["id"], ("committed",), 30)
        committed = time.monotonic() - started
        a_batch = imports.batch(ta, big["id"])
        assert a_batch["status"] == "validating" and a_batch["step_done"] < 12_000, a_batch
        print(f"\nfairness: B validated after {validated:.1f}s and committed after {committed:.1f}s while A had "
              f"read {a_batch['step_done']} of 12,000 rows")
        assert validated < 8 and committed < 12
        assert imports.members(tb, small) == (100, 100)

        resp = a.post(f"/api/v1/jobs/{big['dry_run_job_id']}/cancel", json={})
        assert resp.status_code in (200, 202), resp.get_json()
        cancelled = imports.wait_status(ta, big["id"], ("cancelled",), 30)
        assert cancelled["error_message"] == "已取消，数据未写入"
        imports.wait("the staging to be deleted", lambda: imports.staged(ta, big["id"]) == 0, 30)
    finally:
        engine.stop_worker(worker)
    assert imports.wait_job(ta, big["dry_run_job_id"])["status"] == "cancelled"


def test_a_cancel_between_two_slices_lets_the_import_clean_up(imports: Imports, tmp_path: Path):
    """Cancelled while it waits in its queue between two slices, a job that has started is not just
    marked cancelled (it would leave its batch validating with rows staged): it runs once more, sees
    the cancel and ends its own way (domains/jobs: repo.claim, services.cancel_job, the reaper)."""
    engine, app = imports.engine, imports.app
    client = imports.client(0)
    tid = imports.tenant_of(client)
    imports.workbook(tmp_path / "c.xlsx", client, 3_000, seed=5)
    saved = {k: app.config.get(k) for k in ("JOBS_SLICE_S", "IMPORT_CHUNK_ROWS")}
    app.config.update(JOBS_SLICE_S=0.05, IMPORT_CHUNK_ROWS=500)
    try:
        batch = imports.upload(client, tmp_path / "c.xlsx")
        job_id = batch["dry_run_job_id"]
        engine.burst(("long",), max_jobs=1)  # one slice, then the job waits in its queue again
        job = imports.job(tid, job_id)
        assert job["status"] == "queued" and job["attempts"] == 1 and imports.staged(tid, batch["id"]) > 0
        body = client.post(f"/api/v1/jobs/{job_id}/cancel", json={}).get_json()
        assert body["status"] == "queued" and body["cancel_requested"]  # not cut short: it has work to undo
        engine.burst(("long",))
    finally:
        for key, value in saved.items():
            if value is None:
                app.config.pop(key, None)
            else:
                app.config[key] = value
    assert imports.job(tid, job_id)["status"] == "cancelled"
    b = imports.batch(tid, batch["id"])
    assert b["status"] == "cancelled" and b["error_message"] == "已取消，数据未写入"
    assert imports.staged(tid, batch["id"]) == 0
