"""Use cases of spreadsheet imports: upload (→ dry run), look at the result, download the annotated
copy, commit. The runs themselves are in ``engine`` (job bodies, see ``jobs``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Select, and_, false, or_, select, update

from ....core import audit
from ....core.db import transaction
from ....core.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..services.common import org_field_in_scope
from ..services.members import MEMBER_ORG_TYPES
from . import engine, jobs, storage
from .models import IMPORT_KINDS, IMPORT_MODES, IMPORT_STATUSES, ImportBatch


def _permission(kind: str) -> str:
    return engine.DEFINITIONS[kind].write_permission


def _visible(ctx: RequestContext) -> Any:
    """Users see their own imports; tenant-wide users also see everyone's imports of kinds they may write."""
    kinds = [k for k in IMPORT_KINDS if ctx.can(_permission(k))]
    everyone = ImportBatch.kind.in_(kinds) if ctx.scope_is_root and kinds else false()
    return or_(ImportBatch.created_by == ctx.user_id, everyone)


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    ctx.require_tenant()
    stmt = select(ImportBatch).where(ImportBatch.tenant_id == current_tenant_id(), _visible(ctx))
    for key in ("kind", "status"):
        if args.get(key):
            stmt = stmt.where(getattr(ImportBatch, key) == args[key])
    return stmt.order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())


def get_import(ctx: RequestContext, import_id: int) -> ImportBatch:
    ctx.require_tenant()
    batch = db.session.execute(select(ImportBatch).where(
        and_(ImportBatch.tenant_id == current_tenant_id(), ImportBatch.id == import_id, _visible(ctx)))
    ).scalar_one_or_none()
    if batch is None:
        raise NotFound("导入记录不存在")
    return batch


def _save_upload(stream: IO[bytes]) -> tuple[IO[bytes], int, str]:
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(1 << 20):
        tmp.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    tmp.seek(0)
    return tmp, size, digest.hexdigest()


def create_import(ctx: RequestContext, data: dict[str, Any], upload: Any) -> ImportBatch:
    """Store the upload under the tenant's prefix, record the batch and start its dry run."""
    kind = data["kind"]
    ctx.require_tenant()
    ctx.require(_permission(kind))
    default_org_id = data.get("org_id")
    if default_org_id is not None:
        if kind != "members":
            raise ValidationFailed({"org_id": "只有会员导入可以指定默认的所属工会"})
        org_field_in_scope(ctx, "org_id", default_org_id, allowed_types=MEMBER_ORG_TYPES, label="默认所属工会")
    filename = os.path.basename((getattr(upload, "filename", None) or "upload").replace("\\", "/"))[:255] or "upload"
    tid = current_tenant_id()
    ext = os.path.splitext(filename)[1].lower()
    key = storage.new_key(tid, ext if ext in (".xlsx", ".xls", ".csv", ".txt") else "")
    tmp, size, sha = _save_upload(upload.stream)
    with tmp:
        storage.put_file(key, tmp, "application/octet-stream")
    with transaction():
        batch = ImportBatch(tenant_id=tid, kind=kind, mode=data.get("mode") or "all_or_nothing", status="pending",
                            filename=filename, file_size=size, file_sha256=sha, source_key=key,
                            created_by=ctx.user_id, actor=engine.actor_of(ctx), default_org_id=default_org_id)
        db.session.add(batch)
        db.session.flush()
        audit.record(ctx, "import.upload", "import_batch", batch.id,
                     {"kind": kind, "filename": filename, "size": size, "sha256": sha})
        batch.dry_run_job_id = jobs.start(ctx, batch, "dry_run")
    jobs.run_now_if_no_engine(batch, "dry_run")
    return batch


def commit_import(ctx: RequestContext, batch: ImportBatch, mode: str | None) -> ImportBatch:
    """Start writing a dry-run-checked batch (again validated against the current data)."""
    ctx.require(_permission(batch.kind))
    with transaction():
        claimed = db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.tenant_id == batch.tenant_id, ImportBatch.id == batch.id,
                   ImportBatch.status == "validated")
            .values(status="committing", mode=mode or batch.mode, actor=engine.actor_of(ctx))
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            db.session.rollback()
            status = IMPORT_STATUSES.get(batch.status, batch.status)
            raise InvalidState(f"当前状态为“{status}”，只有校验完成的导入才能提交")
        db.session.refresh(batch)
        batch.commit_job_id = jobs.start(ctx, batch, "commit")
    jobs.run_now_if_no_engine(batch, "commit")
    db.session.refresh(batch)
    return batch


def annotated_file(ctx: RequestContext, batch: ImportBatch) -> tuple[Iterator[bytes], str, int]:
    if not batch.annotated_key:
        raise NotFound("该导入没有错误，没有标注文件可下载")
    if batch.created_by != ctx.user_id and not ctx.can(_permission(batch.kind)):
        raise PermissionDenied("没有执行此操作的权限")
    stem = os.path.splitext(batch.filename)[0] or "import"
    return storage.stream(batch.annotated_key), f"{stem}-错误标注.xlsx", storage.size(batch.annotated_key)


def view(batch: ImportBatch) -> dict[str, Any]:
    data = {k: getattr(batch, k) for k in (
        "id", "kind", "mode", "status", "filename", "file_size", "sheet_name", "header_row", "columns",
        "ignored_columns", "total_rows", "valid_rows", "error_rows", "created_count", "updated_count",
        "unchanged_count", "error_code", "error_message", "notice", "default_org_id", "created_by",
        "dry_run_job_id", "commit_job_id", "created_at", "updated_at", "validated_at", "committed_at")}
    data["kind_label"] = IMPORT_KINDS.get(batch.kind)
    data["mode_label"] = IMPORT_MODES.get(batch.mode)
    data["status_label"] = IMPORT_STATUSES.get(batch.status)
    data["first_errors"] = batch.first_errors or []
    data["annotated_url"] = f"/api/v1/imports/{batch.id}/annotated.xlsx" if batch.annotated_key else None
    return data
