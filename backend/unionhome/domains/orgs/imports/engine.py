"""One phase of an import batch — the dry run (validate every row, write nothing) or the commit
(validate again against the current data, then write) — as a sequence of short, resumable slices.

A 1,000,000-row phase takes minutes; on a worker shared by every county it must hand the worker on
every few seconds (fairness) and survive being killed at any point (recovery). So a phase is a small
state machine whose state is the job's checkpoint (``jobs.state``):

    read      rows are parsed and checked a chunk at a time and staged (models: import_*_rows,
              import_issues); each chunk commits together with the checkpoint that says where the
              reader stands, so a resumed slice neither loses nor repeats a chunk;
    check     set-based over the whole file: duplicates (even when the copies are far apart and were
              read by different slices), counts, the first problems;
    annotate  the user's workbook with the problems marked, written a piece per slice (import_parts)
              and assembled into one .xlsx in S3 at the end (small .xlsx files: edited in place);
    apply     commit only: upsert of the staged valid rows by row ranges (``definition.upsert``),
              each range committed with the checkpoint; writing a range again changes nothing;
    finish    the outcome is decided (validated / committed / rejected; or invalid, cancelled, failed
              from any step) and kept in the state …
    cleanup   … the staged rows are deleted (in pieces), and only then the outcome is recorded on
              the batch: a batch shows a final status only when nothing of its run is left, so a
              commit started right after a dry run can never meet that dry run's clean-up;
    done      a repeated job just returns the summary.

Between chunks and steps the phase asks its ``Slicer`` whether to hand over (``should_yield``: the
job returns ``continue_later()`` and goes to the back of its tenant's queue) or to stop (a cancel,
honoured until the apply step starts: an import is never left half-written by a cancel).

Semantics: the dry run writes nothing to the register; an all-or-nothing commit with any bad row
writes nothing (status ``rejected``); "valid rows only" writes the valid rows and reports the rest;
re-importing the same file changes nothing (upsert by natural key, no audit row for unchanged rows).
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

from ....core import audit
from ....core.jobs import JobCancelled, JobSuperseded
from ....core.security import RequestContext
from ....core.spreadsheets import (
    DEFAULT_LIMITS,
    Limits,
    OpenedFile,
    Source,
    SpreadsheetError,
    inspect,
    open_file,
)
from ....core.spreadsheets.annotate import (
    ERROR_COLUMN,
    STYLED_MAX_BYTES,
    STYLED_MAX_ROWS,
    by_cell,
    row_text,
    styled_copy,
)
from ....core.spreadsheets.xlsxwrite import AnnotatedSheet, ZipEntry, workbook_entries, write_zip
from ....core.tenancy import tenant_context
from ....extensions import db
from ...hardship.imports import HardshipImport
from . import files
from .definition import ImportDefinition
from .employers import EmployerImport
from .members import MemberImport
from .models import ImportBatch
from .repository import SHARED_STAGING_TABLES, Staging

log = logging.getLogger(__name__)

DEFINITIONS: dict[str, type[ImportDefinition]] = {"members": MemberImport, "employers": EmployerImport}
DEFINITIONS["hardship_households"] = HardshipImport  # the hardship file (domains/hardship/imports.py)
FIRST_ERRORS = 200
# Tunables, overridable in the app config (APP_IMPORT_CHUNK_ROWS=…):
SETTINGS: dict[str, float] = {
    "IMPORT_CHUNK_ROWS": 5000,  # rows parsed, checked, staged and checkpointed together
    "IMPORT_APPLY_ROWS": 5000,  # first range of the apply step; then sized to take IMPORT_APPLY_TARGET_S
    "IMPORT_APPLY_TARGET_S": 1.0,
}
ANNOTATE_CHECK_EVERY = 500  # rows between two should_yield() checks while writing the annotated copy
ISSUE_WINDOW = 5000  # rows whose problems are fetched at once for the annotated copy
XLSX_MIMETYPE = files.XLSX_MIMETYPE
PHASE_STATUSES = {"dry_run": ("pending", "validating"), "commit": ("committing",)}
RUNNING = {"dry_run": "validating", "commit": "committing"}
INTERNAL_ERROR = "处理文件时发生内部错误，数据未写入；请稍后重试或联系管理员"


def setting(name: str) -> float:
    return float(current_app.config.get(name, SETTINGS[name]))


def summary(batch: ImportBatch) -> dict[str, Any]:
    return {"import_id": batch.id, "status": batch.status, "total_rows": batch.total_rows,
            "valid_rows": batch.valid_rows, "error_rows": batch.error_rows, "created": batch.created_count,
            "updated": batch.updated_count, "unchanged": batch.unchanged_count}


class Cancelled(Exception):  # noqa: N818 - a signal
    pass


class Slicer(Protocol):
    """How a phase talks to whatever runs it (a job, or a caller that runs it to the end at once)."""

    state: dict[str, Any]

    def checkpoint(self, state: dict[str, Any], done: int | None = None, total: int | None = None) -> None:
        """Commit the pending work in ``db.session`` together with ``state``."""

    def should_yield(self) -> bool: ...

    def cancelled(self) -> bool: ...


class InlineSlicer:
    """Runs a phase to its end in the caller (no job engine, tests): checkpoints just commit."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}

    def checkpoint(self, state: dict[str, Any], done: int | None = None, total: int | None = None) -> None:
        self.state = dict(state)
        db.session.commit()

    def should_yield(self) -> bool:
        return False

    def cancelled(self) -> bool:
        return False


def run(tenant_id: int, import_id: int, phase: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Run ``phase`` of one batch to its end, here and now (no slices)."""
    slicer = InlineSlicer()
    while True:
        result = run_slice(tenant_id, import_id, phase, slicer, limits)
        if result is not None:
            return result


def run_slice(tenant_id: int, import_id: int, phase: str, slicer: Slicer,
              limits: Limits = DEFAULT_LIMITS) -> dict[str, Any] | None:
    """Run ``phase`` until it is done (→ the batch's summary) or the slicer says to hand over (→ None:
    call again, with the slicer's state, to go on). A batch not in the phase's status is left alone
    (already done, or another run got there first), so a repeated job is harmless."""
    with tenant_context(tenant_id):
        batch = db.session.get(ImportBatch, (tenant_id, import_id))
        if batch is None:
            log.warning("import %s of tenant %s vanished", import_id, tenant_id)
            return {"import_id": import_id, "status": "missing"}
        state = dict(slicer.state or {})
        if state.get("phase") not in (None, phase):
            state = {}
        if not state.get("step"):
            if batch.status not in PHASE_STATUSES[phase]:
                db.session.rollback()
                return summary(batch)
            state = {"phase": phase, "step": "read"}
            batch.status = RUNNING[phase]
            _progress(batch, "read", 0, None)
            Staging(db.session(), tenant_id, import_id, _definition_class(batch).staging_table,
                    _definition_class(batch).payload_columns).delete_some(limit=10**12)  # a crashed run's leftovers
            slicer.checkpoint(state, 0, None)
        elif state["step"] == "done":
            db.session.rollback()
            return summary(batch)
        return _Phase(batch, phase, slicer, state, limits).run()


def staging_tables() -> tuple[str, ...]:
    """Every table an import stages into: each registered kind's, then the shared ones (the periodic
    clean-up empties them all, so a new kind cannot be forgotten there)."""
    own = dict.fromkeys(d.staging_table for d in DEFINITIONS.values())
    return (*own, *SHARED_STAGING_TABLES)


def _definition_class(batch: ImportBatch) -> type[ImportDefinition]:
    return DEFINITIONS[batch.kind]


def _progress(batch: ImportBatch, step: str, done: int, total: int | None) -> None:
    batch.step, batch.step_done, batch.step_total = step, int(done), total


@dataclass
class _Phase:
    batch: ImportBatch
    phase: str
    slicer: Slicer
    state: dict[str, Any]
    limits: Limits

    def __post_init__(self) -> None:
        self.tenant_id, self.batch_id = self.batch.tenant_id, self.batch.id
        self.ctx = RequestContext.from_actor(self.batch.actor, self.tenant_id)
        cls = _definition_class(self.batch)
        self.definition_class = cls
        self.staging = Staging(db.session(), self.tenant_id, self.batch_id, cls.staging_table, cls.payload_columns)
        self._path: Path | None = None

    # -- plumbing -----------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        if self._path is None:
            b = self.batch
            self._path = files.local_copy(b.tenant_id, b.id, b.source_key, b.file_sha256, b.file_size)
        return self._path

    @property
    def workdir(self) -> Path:
        return files.workdir(self.tenant_id, self.batch_id, self.batch.file_sha256)

    def source(self) -> Source:
        if self.state.get("source") is None:
            source = inspect(self.path, self.batch.filename, self.limits, scan_sheets=False)
            self.state["source"] = source.to_state()
            return source
        return Source.from_state(self.path, self.state["source"])

    def open(self) -> OpenedFile:
        return open_file(self.path, self.batch.filename, self.definition_class.columns, self.limits, streaming=True,
                         source=self.source(), cache_dir=self.workdir)

    def checkpoint(self, step_done: int | None = None, step_total: int | None = None) -> None:
        """Commit the pending work with the state; the job's progress counts rows over all passes."""
        st = self.state
        if step_done is not None:
            _progress(self.batch, st["step"], step_done, step_total)
        unit = int(st.get("rows") or 0) or int(step_total or 0)
        passes = 1 + int(bool(st.get("annotate"))) + int(bool(st.get("write")))
        done = int(st.get("passes_done", 0)) * unit + int(step_done or 0)
        self.slicer.checkpoint(st, done, max(unit * passes, done) if unit else None)

    def next_step(self, step: str) -> None:
        if self.state["step"] in ("read", "annotate", "apply"):
            self.state["passes_done"] = int(self.state.get("passes_done", 0)) + 1
        self.state["step"] = step
        _progress(self.batch, step, 0, int(self.state.get("rows") or 0) if step in ("annotate", "apply") else None)

    # -- the state machine --------------------------------------------------------------------------

    def run(self) -> dict[str, Any] | None:
        try:
            while True:
                step = self.state["step"]
                if step == "done":
                    return summary(self.batch)
                if step == "cleanup":
                    return self.finish_cleanup()
                if step not in ("apply", "finish") and self.slicer.cancelled():
                    raise Cancelled  # never once writing has begun: an import is not left half-written
                if not getattr(self, step)() or self.slicer.should_yield():
                    return None
        except (JobSuperseded, JobCancelled):
            db.session.rollback()
            raise
        except Cancelled:
            db.session.rollback()
            self.end("cancelled", "cancelled", "已取消，数据未写入")
        except SpreadsheetError as err:
            db.session.rollback()
            self.end("invalid", err.code, err.message)
        except Exception:
            log.exception("import %s (%s) failed in step %s", self.batch_id, self.phase, self.state.get("step"))
            db.session.rollback()
            message = INTERNAL_ERROR
            applied = (self.state.get("apply") or {}).get("next")
            if applied is not None and self.state.get("apply", {}).get("first") != applied:
                message = (f"写入过程中发生内部错误：第{applied}行之前的正确数据已写入，其余未写入；"
                           "请联系管理员，或稍后用同一文件重新导入（已写入的行不会重复）")
            self.end("failed", "internal", message)
        return self.finish_cleanup()

    def end(self, status: str, code: str | None, message: str | None) -> None:
        """The batch is to end with ``status`` (invalid/cancelled/failed), once the staging is deleted."""
        self.state["outcome"] = {"status": status, "error_code": code, "error_message": message}
        if status == "invalid":
            self.state["outcome"]["validated_at"] = datetime.now(UTC).isoformat()
        self.state["step"] = "cleanup"
        self.checkpoint(0, None)

    def finish_cleanup(self) -> dict[str, Any] | None:
        """Cleanup steps until done (→ the summary) or time to hand over (→ None)."""
        while not self.cleanup():
            if self.slicer.should_yield():
                return None
        return summary(self.batch)

    # -- read: parse, check and stage every row, a chunk at a time ----------------------------------

    def read(self) -> bool:
        definition = self.definition_class(self.ctx, default_org_id=self.batch.default_org_id)
        with self.open() as opened:
            reader = opened.reader(self.state.get("reader"))
            total = reader.total
            for chunk in reader.chunks(int(setting("IMPORT_CHUNK_ROWS"))):
                if self.slicer.cancelled():
                    raise Cancelled
                self.staging.add_rows(definition.stage_chunk(chunk))
                self.staging.add_issues(chunk)
                self.state["reader"] = reader.state()
                self.checkpoint(reader.rows_read, total)
                if self.slicer.should_yield():
                    return False
            self.state["reader"] = reader.state()
            header = opened.header
            if reader.rows_read == 0:
                raise SpreadsheetError(f"第{header.header_row + 1}行是表头，但下面没有数据行", "no_rows")
            batch = self.batch
            columns = self.definition_class.columns
            batch.sheet_name = header.table.name[:100]
            batch.header_row = header.header_row + 1
            batch.columns = {c.key: header.labels[header.columns[c.key]] for c in columns if c.key in header.columns}
            batch.ignored_columns = header.ignored[:100]
            batch.total_rows = reader.rows_read
            batch.notice = None
            if reader.stopped_at_blank_run is not None:
                batch.notice = (f"第{reader.stopped_at_blank_run}行起连续{self.limits.max_blank_run}行为空，"
                                "其后的内容未读取；如有数据请删除中间的空行后重新上传")
            self.state["rows"] = reader.rows_read
            self.state["header"] = {"row": header.header_row, "width": header.width,
                                    "key_col": header.columns.get(definition.key_column)}
        self.next_step("check")
        self.checkpoint(0, None)
        return True

    # -- check: duplicates across the file, counts ---------------------------------------------------

    def check(self) -> bool:
        batch, staging = self.batch, self.staging
        cls = self.definition_class
        key_label = next(c.label for c in cls.columns if c.key == cls.key_column)
        staging.analyze()
        staging.flag_duplicates(self.state["header"]["key_col"], key_label)
        error_rows = staging.error_row_count()
        valid_rows = staging.valid_row_count()
        first_errors = [i.as_dict() for i in staging.first_errors(FIRST_ERRORS)]
        same_as_dry_run = (self.phase == "commit" and batch.annotated_key is not None
                           and error_rows == batch.error_rows and first_errors == batch.first_errors)
        if not same_as_dry_run:
            batch.annotated_key = None
        batch.error_rows, batch.valid_rows, batch.first_errors = error_rows, valid_rows, first_errors
        batch.error_code = batch.error_message = None
        write = self.phase == "commit" and valid_rows > 0 and (batch.mode == "valid_only" or error_rows == 0)
        rows = staging.row_range() if write else None
        self.state.update(write=write, annotate=bool(error_rows) and not same_as_dry_run,
                          apply={"next": rows[0], "first": rows[0], "last": rows[1],
                                 "size": int(setting("IMPORT_APPLY_ROWS")),
                                 "created": 0, "updated": 0} if rows else None)
        self.next_step("annotate" if self.state["annotate"] else "apply" if write else "finish")
        self.checkpoint(0, None)
        return True

    # -- annotate: the user's workbook with the problems marked -------------------------------------

    def annotate(self) -> bool:
        source = self.source()
        header = self.state["header"]
        st = self.state.setdefault("annot", {})
        if not st.get("key"):
            st["key"] = files.new_key(self.tenant_id, ".xlsx")
            sheet = next((s for s in source.sheets if s.name == self.batch.sheet_name), None)
            rows = sheet.dimension_rows if sheet is not None and sheet.dimension_rows is not None else \
                header["row"] + 1 + int(self.state.get("rows") or 0)
            st["styled"] = source.kind == "xlsx" and rows <= STYLED_MAX_ROWS and source.size <= STYLED_MAX_BYTES
        if st["styled"]:
            return self._annotate_styled(st)
        return self._annotate_streamed(st)

    def _annotate_styled(self, st: dict[str, Any]) -> bool:
        with self.open() as opened, tempfile.TemporaryDirectory(prefix="uh-annot-") as tmp:
            out = Path(tmp) / "annotated.xlsx"
            if not styled_copy(opened, self.staging.errors_by_row(), out):
                st["styled"] = False  # openpyxl could not take the file: write the plain copy instead
                self.checkpoint(0, None)
                return self._annotate_streamed(st)
            with out.open("rb") as f:
                files.put(st["key"], f, XLSX_MIMETYPE)
        return self._annotated(st["key"])

    def _annotate_streamed(self, st: dict[str, Any]) -> bool:
        header = self.state["header"]
        width, header_row = int(header["width"]), int(header["row"])
        stop_row = (self.state.get("reader") or {}).get("stopped")
        with self.open() as opened:
            table = opened.header.table
            writer = AnnotatedSheet.resume(width, st.get("writer"))
            if not st.get("begun"):
                writer.begin()
                st["begun"] = True
            window: tuple[int, int, dict[int, Any]] = (0, 0, {})
            written = int(st.get("rows_done", 0))
            finished = True
            for index, cells in table.rows(st.get("pos")):
                number = index + 1
                if stop_row is not None and number > stop_row:
                    break
                if not window[0] <= number < window[1]:
                    window = (number, number + ISSUE_WINDOW, self.staging.issues_between(number, number + ISSUE_WINDOW))
                issues = window[2].get(number)
                if index == header_row:
                    writer.row(number, cells, None, ERROR_COLUMN, header=True)
                elif issues:
                    writer.row(number, cells, by_cell(issues), row_text(issues))
                else:
                    writer.row(number, cells)
                written += 1
                st["pos"] = table.position
                if written % ANNOTATE_CHECK_EVERY == 0:
                    if self.slicer.cancelled():
                        raise Cancelled
                    if self.slicer.should_yield():
                        finished = False
                        break
            if finished:
                merges = [f"{_cell(r0, c0)}:{_cell(r1, c1)}" for (r0, c0), (r1, c1) in table.merged
                          if r1 <= header_row and c1 < width]
                writer.end(merges)
            part = int(st.get("part", 0))
            for stream, data in writer.take(final=finished).items():
                if data:
                    self.staging.add_part(stream, part, data)
            st.update(part=part + 1, writer=writer.state(), rows_done=written)
            if not finished:
                self.checkpoint(written, None)
                return False
        with tempfile.TemporaryFile() as out:
            ws = writer.state()

            def entry(stream: str) -> ZipEntry:
                return ZipEntry("", ws[stream]["crc"], ws[stream]["u"], ws[stream]["c"], self.staging.parts(stream))

            comments = writer.comments > 0
            write_zip(out, workbook_entries(self.batch.sheet_name or "Sheet1", entry("s"),
                                            entry("c") if comments else None, entry("v") if comments else None))
            out.seek(0)
            files.put(st["key"], out, XLSX_MIMETYPE)
        return self._annotated(st["key"])

    def _annotated(self, key: str) -> bool:
        self.batch.annotated_key = key
        self.state.pop("annot", None)
        self.staging.delete_parts()
        self.next_step("apply" if self.state.get("write") else "finish")
        self.checkpoint(0, None)
        return True

    # -- apply: write the valid rows, range by range ------------------------------------------------

    def apply(self) -> bool:
        st = self.state["apply"]
        definition = self.definition_class(self.ctx, default_org_id=self.batch.default_org_id)
        while st["next"] <= st["last"]:
            lo, hi = st["next"], st["next"] + st["size"]
            started = time.monotonic()
            created, updated = definition.upsert(db.session(), self.tenant_id, self.batch_id, lo, hi)
            elapsed = time.monotonic() - started
            st["created"] += created
            st["updated"] += updated
            st["next"] = hi
            rate = st["size"] / max(elapsed, 1e-3)
            st["size"] = int(min(200_000, max(100, rate * setting("IMPORT_APPLY_TARGET_S"))))
            self.batch.created_count, self.batch.updated_count = st["created"], st["updated"]
            done = min(hi, st["last"] + 1) - st["first"]
            self.checkpoint(done, st["last"] + 1 - st["first"])
            if self.slicer.should_yield():
                return False
        self.next_step("finish")
        self.checkpoint(0, None)
        return True

    # -- finish: the batch's outcome ----------------------------------------------------------------

    def finish(self) -> bool:
        """Decide the batch's outcome; it is recorded once the staging is gone (``cleanup``): a batch
        shows a final status only when nothing of its run is left, so the next phase (the commit of a
        validated batch) can never overlap with this one's clean-up."""
        batch = self.batch
        if self.phase == "dry_run":
            outcome: dict[str, Any] = {"status": "validated"}
        else:
            write = bool(self.state.get("write"))
            st = self.state.get("apply") or {}
            created, updated = int(st.get("created", 0)), int(st.get("updated", 0))
            outcome = {"status": "committed" if write else "rejected", "created_count": created,
                       "updated_count": updated, "unchanged_count": batch.valid_rows - created - updated if write else 0}
            if not write:
                outcome["error_code"] = "rows_invalid"
                outcome["error_message"] = (f"有{batch.error_rows}行错误，按“全部正确才导入”的要求，本次没有写入任何数据"
                                            if batch.valid_rows else "没有可以导入的正确行，本次没有写入任何数据")
        self.state["outcome"] = outcome
        self.state["step"] = "cleanup"
        self.checkpoint(0, None)
        return True

    # -- cleanup: delete what was staged, then record the outcome ----------------------------------

    def cleanup(self) -> bool:
        """Delete a piece of the staging; once nothing is left, record the outcome: True, done."""
        if self.staging.delete_some():
            self.checkpoint(0, None)
            return False
        batch = self.batch
        outcome = dict(self.state.get("outcome") or {"status": "failed", "error_code": "internal",
                                                     "error_message": INTERNAL_ERROR})
        now = datetime.now(UTC)
        stamp = outcome.pop("validated_at", None)
        for key, value in outcome.items():
            setattr(batch, key, value)
        if stamp is not None:
            batch.validated_at = datetime.fromisoformat(stamp)
        if batch.status == "validated":
            batch.validated_at = now
        elif batch.status in ("committed", "rejected"):
            batch.committed_at = now
            audit.record(self.ctx, "import.commit", "import_batch", batch.id,
                         {"kind": batch.kind, "mode": batch.mode, "status": batch.status, "rows": batch.total_rows,
                          "errors": batch.error_rows, "created": batch.created_count, "updated": batch.updated_count})
        _progress(batch, "done", 0, None)
        self.state = {"phase": self.phase, "step": "done"}
        self.checkpoint(0, None)
        files.discard(self.tenant_id, self.batch_id, batch.file_sha256)
        return True


def _cell(row: int, col: int) -> str:
    from ....core.spreadsheets import col_letters

    return f"{col_letters(col)}{row + 1}"
