"""One run of an import batch: the dry run (validate every row, write nothing) or the commit (validate
again against the current data, then write set-based). This is the body of the import jobs.

A run holds one database transaction from the first row to the last: rows and problems are staged
chunk by chunk into temporary tables with COPY, duplicates inside the file are found there, and the
commit ends with one UPDATE … FROM and one INSERT … ON CONFLICT per kind. The dry run rolls back; an
all-or-nothing commit with any bad row rolls back; an exception anywhere rolls back. So a run writes
all of its rows or none, and running it twice gives the same result (upsert by natural key).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ....core import audit
from ....core.security import RequestContext
from ....core.spreadsheets import Progress, SpreadsheetError, open_file, write_annotated
from ....core.tenancy import tenant_context
from ....extensions import db
from . import storage
from .definition import ImportDefinition
from .employers import EmployerImport
from .members import MemberImport
from .models import ImportBatch
from .repository import Staging

log = logging.getLogger(__name__)

DEFINITIONS: dict[str, type[ImportDefinition]] = {"members": MemberImport, "employers": EmployerImport}
CHUNK_ROWS = 5000
FIRST_ERRORS = 200
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHASE_STATUSES = {"dry_run": ("pending", "validating"), "commit": ("committing",)}


def actor_of(ctx: RequestContext) -> dict[str, Any]:
    return {"user_id": ctx.user_id, "username": ctx.username, "display_name": ctx.display_name, "role": ctx.role,
            "permissions": sorted(ctx.permissions), "scope_org_id": ctx.scope_org_id, "scope_path": ctx.scope_path,
            "scope_is_root": ctx.scope_is_root}


def ctx_of(actor: dict[str, Any], tenant_id: int) -> RequestContext:
    return RequestContext(user_id=actor["user_id"], username=actor["username"], display_name=actor["display_name"],
                          role=actor["role"], tenant_id=tenant_id, permissions=frozenset(actor["permissions"]),
                          scope_org_id=actor["scope_org_id"], scope_path=actor["scope_path"],
                          scope_is_root=actor["scope_is_root"])


def summary(batch: ImportBatch) -> dict[str, Any]:
    return {"import_id": batch.id, "status": batch.status, "total_rows": batch.total_rows,
            "valid_rows": batch.valid_rows, "error_rows": batch.error_rows, "created": batch.created_count,
            "updated": batch.updated_count, "unchanged": batch.unchanged_count}


class Cancelled(Exception):  # noqa: N818 - a signal
    pass


def run(tenant_id: int, import_id: int, phase: str, progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Run ``phase`` ("dry_run" or "commit") of one batch. A batch not in the phase's status (already
    done, or another run got there first) is left alone, so a repeated job is harmless."""
    with tenant_context(tenant_id):
        batch = db.session.get(ImportBatch, (tenant_id, import_id))
        if batch is None:
            log.warning("import %s of tenant %s vanished", import_id, tenant_id)
            return {"import_id": import_id, "status": "missing"}
        if batch.status not in PHASE_STATUSES[phase]:
            db.session.rollback()
            return summary(batch)
        if phase == "dry_run" and batch.status != "validating":
            batch.status = "validating"
            db.session.commit()
        ctx = ctx_of(batch.actor, tenant_id)
        try:
            with tempfile.TemporaryDirectory(prefix="uh-import-") as tmp:
                path = Path(tmp) / "upload"
                storage.fetch_to(batch.source_key, path)
                _process(ctx, batch, path, Path(tmp), phase, progress, cancelled)
        except Cancelled:
            db.session.rollback()
            batch.status = "cancelled"
            batch.error_code, batch.error_message = "cancelled", "已取消，数据未写入"
            db.session.commit()
        except SpreadsheetError as err:
            db.session.rollback()
            batch.status = "invalid"
            batch.error_code, batch.error_message = err.code, err.message
            batch.validated_at = datetime.now(UTC)
            db.session.commit()
        except Exception:
            log.exception("import %s (%s) failed", import_id, phase)
            db.session.rollback()
            batch.status = "failed"
            batch.error_code = "internal"
            batch.error_message = "处理文件时发生内部错误，数据未写入；请稍后重试或联系管理员"
            db.session.commit()
        return summary(batch)


def _process(ctx: RequestContext, batch: ImportBatch, path: Path, tmp: Path, phase: str,
             progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
    definition = DEFINITIONS[batch.kind](ctx, default_org_id=batch.default_org_id)
    staging = Staging(db.session(), definition.key_type, definition.payload_ddl, definition.payload_columns)
    with open_file(path, batch.filename, definition.columns) as opened:
        header = opened.header
        staging.create()
        reader = opened.reader()
        for chunk in reader.chunks(CHUNK_ROWS, progress):
            if cancelled is not None and cancelled():
                raise Cancelled
            staging.add_rows(definition.stage_chunk(chunk))
            staging.add_errors([issue for row in chunk for issue in row.issues])
        if reader.rows_read == 0:
            raise SpreadsheetError(f"第{header.header_row + 1}行是表头，但下面没有数据行", "no_rows")
        key_label = next(c.label for c in definition.columns if c.key == definition.key_column)
        staging.flag_duplicates(header.columns.get(definition.key_column), key_label)
        error_rows = staging.error_row_count()
        valid_rows = staging.valid_row_count()
        first_errors = staging.first_errors(FIRST_ERRORS)
        annotated_key = None
        same_as_dry_run = (phase == "commit" and batch.annotated_key is not None and error_rows == batch.error_rows
                           and [i.as_dict() for i in first_errors] == batch.first_errors)
        if same_as_dry_run:  # the commit found what the dry run found: its annotated copy still holds
            annotated_key = batch.annotated_key
        elif error_rows:
            out = tmp / "annotated.xlsx"
            write_annotated(opened, staging.errors_by_row(), out, stop_row=reader.stopped_at_blank_run)
            annotated_key = storage.new_key(batch.tenant_id, ".xlsx")
            with out.open("rb") as f:
                storage.put_file(annotated_key, f, XLSX_MIMETYPE)
        write = phase == "commit" and valid_rows > 0 and (batch.mode == "valid_only" or error_rows == 0)
        created = updated = 0
        if write:
            staging.analyze()
            created, updated = definition.upsert(db.session(), batch.tenant_id, batch.id)
        staging.drop()
        if not write:
            db.session.rollback()  # nothing but the temporary tables was touched
        columns = {c.key: header.labels[header.columns[c.key]] for c in definition.columns if c.key in header.columns}
        batch.sheet_name = header.table.name[:100]
        batch.header_row = header.header_row + 1
        batch.columns = columns
        batch.ignored_columns = header.ignored[:100]
        batch.total_rows = reader.rows_read
        batch.error_rows = error_rows
        batch.valid_rows = valid_rows
        batch.first_errors = [i.as_dict() for i in first_errors]
        batch.annotated_key = annotated_key
        batch.error_code = batch.error_message = None
        batch.notice = None
        if reader.stopped_at_blank_run is not None:
            batch.notice = (f"第{reader.stopped_at_blank_run}行起连续{opened.limits.max_blank_run}行为空，"
                            "其后的内容未读取；如有数据请删除中间的空行后重新上传")
        now = datetime.now(UTC)
        if phase == "dry_run":
            batch.status = "validated"
            batch.validated_at = now
        else:
            batch.status = "committed" if write else "rejected"
            if not write:
                batch.error_code = "rows_invalid"
                batch.error_message = (f"有{error_rows}行错误，按“全部正确才导入”的要求，本次没有写入任何数据"
                                       if valid_rows else "没有可以导入的正确行，本次没有写入任何数据")
            batch.created_count, batch.updated_count = created, updated
            batch.unchanged_count = valid_rows - created - updated if write else 0
            batch.committed_at = now
            audit.record(ctx, "import.commit", "import_batch", batch.id,
                         {"kind": batch.kind, "mode": batch.mode, "status": batch.status, "rows": reader.rows_read,
                          "errors": error_rows, "created": created, "updated": updated})
        db.session.commit()


