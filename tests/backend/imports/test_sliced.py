"""The sliced import engine in-process (the job engine is replaced by a slicer that hands over after
every checkpoint, or "crashes"): resuming from the checkpoint state, duplicates far apart in a file,
a crash in the middle of writing, cancellation, the annotated copy written a piece per slice, and the
periodic clean-up of abandoned runs. Real workers: tests/workers/test_import_recovery.py."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text, update

from unionhome.core.tenancy import system_context, tenant_context
from unionhome.domains.jobs.models import Job
from unionhome.domains.orgs.imports import engine, jobs
from unionhome.domains.orgs.imports.models import ImportBatch, ImportIssue, ImportMemberRow, ImportPart
from unionhome.domains.orgs.models import Member
from unionhome.extensions import db

from .conftest import grassroots, upload, write_csv, write_xlsx

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("inline_jobs")]

HEADER = ["姓名", "身份证号", "手机", "所属工会"]


class Crash(BaseException):  # noqa: N818 - like a kill, nothing in the engine may catch it
    """The process dies here: the slice's uncommitted work is lost."""


class SlicingSlicer:
    """Hands over after every checkpoint; keeps only what was checkpointed (the job row's state), and
    can "crash" at a given checkpoint (its work is rolled back, as when the process is killed)."""

    def __init__(self, crash_at: int | None = None, crash_step: str | None = None, cancel_after: int | None = None
                 ) -> None:
        self.state: dict[str, Any] = {}
        self.checkpoints = 0
        self.crash_at, self.crash_step, self.cancel_after = crash_at, crash_step, cancel_after
        self.crashed = False
        self._handed_over = False

    def checkpoint(self, state: dict[str, Any], done: int | None = None, total: int | None = None) -> None:
        if (not self.crashed and self.crash_at is not None and state.get("step") == self.crash_step
                and self.checkpoints >= self.crash_at):
            self.crashed = True
            raise Crash
        self.checkpoints += 1
        self.state = json.loads(json.dumps(state))  # what the jobs row would hold
        db.session.commit()
        self._handed_over = False

    def should_yield(self) -> bool:
        return True

    def cancelled(self) -> bool:
        return self.cancel_after is not None and self.checkpoints >= self.cancel_after


def run_sliced(tenant_id: int, batch_id: int, phase: str, slicer: SlicingSlicer) -> tuple[dict[str, Any], int]:
    """Run slice after slice (a crash rolls back the slice's work; the next run resumes)."""
    slices = 0
    while True:
        slices += 1
        assert slices < 10_000
        try:
            result = engine.run_slice(tenant_id, batch_id, phase, slicer)
        except Crash:
            db.session.rollback()
            continue
        if result is not None:
            return result, slices


@pytest.fixture
def small_chunks(app: Any) -> Iterator[None]:
    saved = {k: app.config.get(k) for k in ("IMPORT_CHUNK_ROWS", "IMPORT_APPLY_ROWS", "IMPORT_APPLY_TARGET_S")}
    app.config.update(IMPORT_CHUNK_ROWS=4, IMPORT_APPLY_ROWS=3, IMPORT_APPLY_TARGET_S=0.000001)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                app.config.pop(k, None)
            else:
                app.config[k] = v


@contextmanager
def _not_run_now() -> Iterator[None]:
    """Leave the phase to the test (as the API does when the job engine takes it)."""
    saved = jobs.run_now_if_no_engine
    jobs.run_now_if_no_engine = lambda batch, phase: None  # type: ignore[assignment]
    try:
        yield
    finally:
        jobs.run_now_if_no_engine = saved  # type: ignore[assignment]


def _pending(c: Any, path: Path, mode: str = "all_or_nothing", **extra: Any) -> tuple[int, int]:
    with _not_run_now():
        batch = upload(c, path, mode=mode, **extra).get_json()
    assert batch["status"] == "pending", batch
    return c.get("/api/v1/me").get_json()["tenant"]["id"], batch["id"]


def _commit(c: Any, bid: int) -> None:
    with _not_run_now():
        assert c.post(f"/api/v1/imports/{bid}/commit", json={}).status_code == 202


def _staged(tid: int, bid: int) -> int:
    with tenant_context(tid):
        return sum(db.session.execute(select(func.count()).select_from(m).where(m.batch_id == bid)).scalar_one()
                   for m in (ImportMemberRow, ImportIssue, ImportPart))


def _members(tid: int, names: list[str]) -> int:
    with tenant_context(tid):
        return int(db.session.execute(select(func.count()).select_from(Member).where(Member.name.in_(names)))
                   .scalar_one())


def test_many_slices_give_the_result_of_one_pass_and_find_duplicates_far_apart(login_as, tmp_path, people,
                                                                                small_chunks):
    c = login_as("federation_admin")
    org = grassroots(c)[0]["name"]
    persons = people(20)
    rows = [[n, i, m, org] for n, i, m in persons]
    rows.append(rows[1][:])  # sheet row 22: the same person as row 3, several chunks later
    rows[5][1] = "41072119880315009"  # row 7: 17 characters
    path = write_xlsx(tmp_path / "m.xlsx", [HEADER, *rows])
    tid, bid = _pending(c, path, mode="valid_only")
    slicer = SlicingSlicer()
    result, slices = run_sliced(tid, bid, "dry_run", slicer)
    assert slices > 8 and result["status"] == "validated"
    batch = c.get(f"/api/v1/imports/{bid}").get_json()
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (21, 19, 2)
    assert [e["text"] for e in batch["first_errors"]] == ["第7行 身份证号：长度应为18位",
                                                           "第22行 身份证号：与第3行重复（同一身份证号只能出现一次）"]
    assert batch["progress"] == {"step": None, "step_label": None, "done": None, "total": None}
    assert _staged(tid, bid) == 0  # nothing left behind

    inline = upload(c, path, mode="valid_only").get_json()  # the same file in one pass: the same outcome
    assert [inline[k] for k in ("total_rows", "valid_rows", "error_rows", "first_errors")] == \
        [batch[k] for k in ("total_rows", "valid_rows", "error_rows", "first_errors")]

    _commit(c, bid)
    result, slices = run_sliced(tid, bid, "commit", SlicingSlicer())
    assert result["status"] == "committed" and result["created"] == 19 and slices > 6
    assert _members(tid, [p[0] for p in persons]) >= 19


def test_a_crash_in_the_middle_of_writing_resumes_and_writes_every_row_once(login_as, tmp_path, people, small_chunks):
    c = login_as("federation_admin")
    org = grassroots(c)[0]["name"]
    persons = people(17)
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, *[[n, i, m, org] for n, i, m in persons]])
    tid, bid = _pending(c, path)
    run_sliced(tid, bid, "dry_run", SlicingSlicer(crash_at=3, crash_step="read"))
    _commit(c, bid)
    slicer = SlicingSlicer(crash_at=6, crash_step="apply")  # some ranges written, then the process dies
    result, _ = run_sliced(tid, bid, "commit", slicer)
    assert slicer.crashed
    assert (result["status"], result["created"], result["updated"], result["unchanged"]) == ("committed", 17, 0, 0)
    with tenant_context(tid):
        hashes = db.session.execute(select(Member.id_number_hash).where(Member.name.in_([p[0] for p in persons]))
                                    ).scalars().all()
        audits = db.session.execute(text(
            "SELECT count(*) FROM audit_log WHERE action = 'member.import_create' AND changes->>'import_id' = :b"),
            {"b": str(bid)}).scalar_one()
    assert len(hashes) == len(set(hashes)) == 17 and audits == 17
    assert _staged(tid, bid) == 0


def test_cancel_stops_reading_writes_nothing_and_cleans_up(login_as, tmp_path, people, small_chunks):
    c = login_as("federation_admin")
    org = grassroots(c)[0]["name"]
    persons = people(30)
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, *[[n, i, m, org] for n, i, m in persons]])
    tid, bid = _pending(c, path)
    result, _ = run_sliced(tid, bid, "dry_run", SlicingSlicer(cancel_after=4))
    assert result["status"] == "cancelled"
    batch = c.get(f"/api/v1/imports/{bid}").get_json()
    assert batch["error_message"] == "已取消，数据未写入" and _staged(tid, bid) == 0
    assert c.post(f"/api/v1/imports/{bid}/commit", json={}).status_code == 409


def test_the_annotated_copy_written_a_piece_per_slice(login_as, tmp_path, people, monkeypatch):
    """CSV (always the streamed copy): every slice adds a piece; the pieces make one workbook."""
    monkeypatch.setattr(engine, "ANNOTATE_CHECK_EVERY", 3)
    c = login_as("federation_admin")
    org = grassroots(c)[0]["name"]
    rows = [[n, i, m, org] for n, i, m in people(25)]
    for r in (4, 11, 19):
        rows[r][1] = "123"
    rows[20][3] = "不存在的工会"
    path = write_csv(tmp_path / "a.csv", [HEADER, *rows], encoding="gbk")
    tid, bid = _pending(c, path)
    slicer = SlicingSlicer()
    result, slices = run_sliced(tid, bid, "dry_run", slicer)
    assert result["status"] == "validated" and result["error_rows"] == 4 and slices > 8
    batch = c.get(f"/api/v1/imports/{bid}").get_json()
    ws = load_workbook(io.BytesIO(c.get(batch["annotated_url"]).data)).active
    assert ws.max_row == 26 and ws["E1"].value == "错误说明"
    assert [ws.cell(r, 5).value for r in (6, 13, 21)] == ["身份证号：长度应为18位"] * 3
    assert ws["B6"].comment.text == "长度应为18位" and ws["B6"].fill.fgColor.rgb == "FFFFC7CE"
    assert "不存在的工会" in ws["E22"].value and ws["D22"].comment is not None
    assert ws["A2"].value == rows[0][0] and ws["E2"].value is None
    assert _staged(tid, bid) == 0  # the pieces too


def test_periodic_cleanup_closes_abandoned_batches_and_deletes_their_staging(login_as, tmp_path, people,
                                                                              small_chunks):
    c = login_as("federation_admin")
    org = grassroots(c)[0]["name"]
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER, *[[n, i, m, org] for n, i, m in people(12)]])
    tid, bid = _pending(c, path)
    slicer = SlicingSlicer()
    for _ in range(4):  # a few slices of the dry run, then its job ends without it (failed for good)
        assert engine.run_slice(tid, bid, "dry_run", slicer) is None
    assert _staged(tid, bid) > 0
    with tenant_context(tid):
        job = Job(tenant_id=tid, kind="orgs.import_members_dry_run", queue="long", status="failed",
                  func="x.y", args=[bid], counts={}, timeout_s=60, error="任务多次意外中断，已停止自动重试")
        db.session.add(job)
        db.session.flush()
        db.session.execute(text("UPDATE jobs SET finished_at = now() - interval '10 minutes' WHERE id = :j"),
                           {"j": job.id})
        db.session.execute(update(ImportBatch).where(ImportBatch.id == bid).values(dry_run_job_id=job.id))
    other = _pending(c, path)[1]  # a batch whose run is under way is left alone
    with tenant_context(tid):
        db.session.execute(update(ImportBatch).where(ImportBatch.id == other).values(status="validating"))
        db.session.commit()
    with system_context("test"):
        stats = jobs.cleanup_imports()
    assert stats["closed"] == 1 and stats["deleted"] > 0
    batch = c.get(f"/api/v1/imports/{bid}").get_json()
    assert batch["status"] == "failed" and batch["error_code"] == "abandoned"
    assert "任务多次意外中断" in batch["error_message"] and _staged(tid, bid) == 0
    assert c.get(f"/api/v1/imports/{other}").get_json()["status"] == "validating"
