"""Generated files of the workflow, built by a background job (`condolence.export`, queue `long`) and
kept in S3: the notice (公示, xlsx and pdf), a payment batch's bank file (xlsx, csv), a visiting
group's arrangement table (安排表) and the upward report.

At county scale (300,000 approved lines) the notice took ~14 s and the bank file ~20 s to build: far
too long for a request. So a request only records the wish (`request_export`: a `condolence_exports`
row and a job, or the one already under way) and the SPA follows the job's progress; the job builds
the file into a temporary file with the same builders the small synchronous downloads use, uploads it
and the file is then streamed back through `/condolence/exports/{id}/file` with the same permission
checks as the file itself (the bank file: county only, every download audited).

The object is encrypted (AES-256-GCM in 1 MiB segments, a random key per file, that key encrypted with
the tenant's PII key in the row): bank files hold full card numbers and the bucket's default retention
keeps every object, so the key in the row is what makes a stored file readable at all.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Response
from sqlalchemy import select

from ....core import audit
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ....core.jobs import LONG, JobCancelled, JobError, start_job
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.storage import content_disposition, get_storage, object_key
from ....core.tenancy import current_tenant_id, tenant_context
from ....extensions import db
from ...auth.permissions import CONDOLENCE_READ
from ..workflow_models import (
    EXPORT_KINDS,
    EXPORT_STATUSES,
    CondolenceExport,
    CondolenceNotice,
    CondolencePaymentBatch,
)
from .scope import get_campaign, require_county
from .sheets import Export

JOB_KIND = "condolence.export"
TIMEOUT_S = 1800
FORMATS: dict[str, tuple[str, ...]] = {"notice": ("xlsx", "pdf"), "bank": ("xlsx", "csv"), "arrangement": ("xlsx",),
                                       "report": ("xlsx",)}
ACTIVE = ("queued", "running")
SEGMENT = 1024 * 1024  # plain bytes per encrypted segment
SYNC_MAX_ROWS = 20_000  # above this a file is not built inside a request (~3 s of xlsx): a job builds it
TAG = 16


# ---- who may have which file ----------------------------------------------------------------------


def _subject(ctx: RequestContext, kind: str, subject_id: int) -> tuple[int, Any]:
    """(campaign id, the notice / payment batch / visit group / campaign) after the same checks as the
    file's own download: 404 outside the user's reach, 403 for a file the user may not have."""
    from . import notices, payments, visits

    ctx.require_tenant()
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")
    if kind == "notice":
        n = notices.get_notice(ctx, subject_id)
        return n.campaign_id, n
    if kind == "bank":
        b = payments.get_batch(ctx, subject_id)
        require_county(ctx)
        return b.campaign_id, b
    if kind == "arrangement":
        g = visits.get_group(ctx, subject_id)
        require_county(ctx)
        return g.campaign_id, g
    if kind == "report":
        c = get_campaign(ctx, subject_id)
        return c.id, c
    raise ValidationFailed({"kind": f"不支持的文件类型：{kind}"})


# ---- requests ------------------------------------------------------------------------------------


def request_export(ctx: RequestContext, kind: str, subject_id: int, fmt: str) -> CondolenceExport:
    """Start building a file (or return the build of the same file already under way)."""
    if kind not in FORMATS:
        raise ValidationFailed({"kind": f"不支持的文件类型：{kind}"})
    if fmt not in FORMATS[kind]:
        raise ValidationFailed({"format": f"{EXPORT_KINDS[kind]}只能生成{'、'.join(FORMATS[kind])}格式"})
    campaign_id, subject = _subject(ctx, kind, subject_id)
    if kind == "bank":
        from .payments import require_ready

        require_ready(subject)
    if kind == "notice":
        from .notice_files import require_lines

        require_lines(subject)
    with transaction():
        # One build at a time per file and user: a second click joins the first one's job.
        existing = db.session.execute(select(CondolenceExport).where(
            CondolenceExport.tenant_id == current_tenant_id(), CondolenceExport.kind == kind,
            CondolenceExport.subject_id == subject_id, CondolenceExport.format == fmt,
            CondolenceExport.requested_by == ctx.user_id, CondolenceExport.status.in_(ACTIVE))
            .order_by(CondolenceExport.id.desc()).limit(1).with_for_update()).scalar_one_or_none()
        if existing is not None and not _job_gone(existing):
            return existing
        export = CondolenceExport(campaign_id=campaign_id, kind=kind, subject_id=subject_id, format=fmt,
                                  status="queued", requested_by=ctx.user_id, requester_name=ctx.display_name[:100])
        db.session.add(export)
        db.session.flush()
        job = start_job(ctx, JOB_KIND, build_export_job, export.id, ctx.as_actor(), queue=LONG, timeout=TIMEOUT_S,
                        retry=2, total=_total(kind, subject))
        export.job_id = job.id
        audit.record(ctx, "condolence.export.request", "condolence_export", export.id,
                     {"kind": kind, "subject_id": subject_id, "format": fmt,
                      **({"full_card_numbers": True} if kind == "bank" else {})})
    return export


def refuse_large(rows: int, what: str) -> None:
    """The direct download routes build small files in the request; a big one takes a worker."""
    if rows > SYNC_MAX_ROWS:
        raise Conflict(f"{what}共{rows}户，文件较大，请点击“生成”在后台生成后下载（POST /condolence/exports）",
                       {"rows": rows, "max_rows": SYNC_MAX_ROWS})


def _job_gone(export: CondolenceExport) -> bool:
    """An export still marked queued/running whose job has ended without saying so (its worker died
    for good, or it was cancelled before it started): marked failed, so a new request builds again."""
    from ...jobs.models import Job

    if export.status not in ACTIVE or export.job_id is None:
        return False
    job = db.session.get(Job, (export.tenant_id, export.job_id))
    if job is not None and job.status in ("queued", "running"):
        return False
    export.status, export.finished_at = "failed", datetime.now(UTC)
    export.error = (job.error if job is not None and job.error else "生成任务已结束，文件未生成，请重新生成")[:500]
    return True


def _total(kind: str, subject: Any) -> int | None:
    if isinstance(subject, CondolenceNotice):
        return int(subject.line_count)
    if isinstance(subject, CondolencePaymentBatch):
        return int(subject.line_count)
    return None


def get_export(ctx: RequestContext, export_id: int) -> CondolenceExport:
    """A file the user requested, or may have (the same checks as its subject's file)."""
    ctx.require_tenant()
    export = db.session.execute(select(CondolenceExport).where(
        CondolenceExport.tenant_id == current_tenant_id(), CondolenceExport.id == export_id)).scalar_one_or_none()
    if export is None:
        raise NotFound("文件不存在")
    try:
        _subject(ctx, export.kind, export.subject_id)
    except NotFound:
        raise NotFound("文件不存在") from None
    if export.status in ACTIVE:
        with transaction():
            _job_gone(export)
    return export


def latest_stmt(ctx: RequestContext, kind: str, subject_id: int) -> Any:
    """The files of a subject (newest first) the user may have."""
    _subject(ctx, kind, subject_id)
    return (select(CondolenceExport).where(CondolenceExport.tenant_id == current_tenant_id(),
                                           CondolenceExport.kind == kind, CondolenceExport.subject_id == subject_id)
            .order_by(CondolenceExport.id.desc()))


def export_view(e: CondolenceExport) -> dict[str, Any]:
    return {"id": e.id, "campaign_id": e.campaign_id, "kind": e.kind, "kind_label": EXPORT_KINDS.get(e.kind),
            "subject_id": e.subject_id, "format": e.format, "status": e.status,
            "status_label": EXPORT_STATUSES.get(e.status), "job_id": e.job_id, "filename": e.filename,
            "size": e.size, "rows": e.rows, "error": e.error, "downloads": e.downloads,
            "requester_name": e.requester_name, "created_at": e.created_at, "finished_at": e.finished_at}


# ---- the job -------------------------------------------------------------------------------------


def _job_context() -> Any:
    from ...jobs.context import JobContext

    try:
        return JobContext.current()
    except RuntimeError:
        return None


def build_export_job(tenant_id: int, job_id: int, export_id: int, actor: dict[str, Any]) -> dict[str, Any]:
    with tenant_context(tenant_id):
        return build_export(tenant_id, export_id, actor)


def build_export(tenant_id: int, export_id: int, actor: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build, encrypt and upload one file. Idempotent: a finished file is left alone; a rerun after a
    crash builds it again into a new object."""
    jctx = _job_context()
    with transaction():
        export = db.session.execute(select(CondolenceExport).where(
            CondolenceExport.tenant_id == tenant_id, CondolenceExport.id == export_id).with_for_update()
        ).scalar_one_or_none()
        if export is None or export.status == "succeeded":
            return {"skipped": True}
        export.status, export.error = "running", None
        kind, subject_id, fmt = export.kind, export.subject_id, export.format
        requester = export.requested_by
    ctx = RequestContext.from_actor(actor, tenant_id) if actor else None

    def progress(done: int, total: int | None = None) -> None:
        if jctx is not None:
            jctx.progress(done, total)
            jctx.raise_if_cancelled()

    try:
        if ctx is None:
            raise JobError("缺少生成文件的用户信息")
        built = _build(ctx, kind, subject_id, fmt, progress)
        try:
            stored = _encrypt_and_upload(tenant_id, kind, built)
        finally:
            built.file.close()
    except JobCancelled:
        _finish(tenant_id, export_id, "failed", error="已取消生成")
        raise
    except JobError as err:
        _finish(tenant_id, export_id, "failed", error=err.message[:500])
        raise
    except (NotFound, PermissionDenied, InvalidState) as err:
        message = getattr(err, "message", None) or str(err)
        _finish(tenant_id, export_id, "failed", error=str(message)[:500])
        raise JobError(str(message)) from None
    except Exception:
        _finish(tenant_id, export_id, "failed", error="生成文件时出错，系统将自动重试；如仍失败请稍后重新生成")
        raise
    _finish(tenant_id, export_id, "succeeded", **stored)
    return {"export_id": export_id, "kind": kind, "format": fmt, "rows": stored["rows"], "size": stored["size"],
            "filename": stored["filename"], "requested_by": requester}


def _build(ctx: RequestContext, kind: str, subject_id: int, fmt: str,
           progress: Callable[[int, int | None], None]) -> Export:
    from . import arrangement, notice_files, notices, payments, summaries, visits

    if kind == "notice":
        n = notices.get_notice(ctx, subject_id)
        build = notice_files.notice_pdf if fmt == "pdf" else notice_files.notice_xlsx
        return build(ctx, n, progress=progress)
    if kind == "bank":
        batch = payments.get_batch(ctx, subject_id)
        return payments.bank_file_export(ctx, batch, fmt, progress=progress)
    if kind == "arrangement":
        group = visits.get_group(ctx, subject_id)
        return arrangement.arrangement_xlsx(ctx, group, progress=progress)
    return summaries.upward_report(ctx, subject_id)


def _encrypt_and_upload(tenant_id: int, kind: str, built: Export) -> dict[str, Any]:
    key = AESGCM.generate_key(bit_length=256)
    aead = AESGCM(key)
    size = 0
    with tempfile.TemporaryFile() as enc:
        built.file.seek(0)
        n = 0
        chunk = built.file.read(SEGMENT)
        while True:
            following = built.file.read(SEGMENT) if chunk else b""
            last = not following
            enc.write(aead.encrypt(_nonce(n), chunk, b"last" if last else b"more"))
            size += len(chunk)
            n += 1
            if last:
                break
            chunk = following
        enc.seek(0)
        storage = get_storage()
        storage.ensure_ready()
        storage_key = object_key(tenant_id, "condolence-exports", ".bin")
        info = storage.put(storage_key, enc, content_type="application/octet-stream",
                           metadata={"kind": kind, "encrypted": "aes-256-gcm-segmented"})
    return {"storage_key": storage_key, "s3_version_id": info.version_id, "size": size, "rows": built.rows,
            "filename": built.filename[:255], "ascii_filename": built.ascii_filename[:255], "mimetype": built.mimetype,
            "key_enc": get_cipher().encrypt(tenant_id, key.hex())}


def _nonce(n: int) -> bytes:
    return n.to_bytes(12, "big")


def _finish(tenant_id: int, export_id: int, status: str, **values: Any) -> None:
    with transaction():
        export = db.session.execute(select(CondolenceExport).where(
            CondolenceExport.tenant_id == tenant_id, CondolenceExport.id == export_id)).scalar_one_or_none()
        if export is None:
            return
        export.status, export.finished_at = status, datetime.now(UTC)
        for key, value in values.items():
            setattr(export, key, value)


# ---- download ------------------------------------------------------------------------------------


def decrypted_chunks(tenant_id: int, export: CondolenceExport) -> Iterator[bytes]:
    """The plain file, segment by segment, from the stored object (every segment authenticated, and
    the last one marked as last: a truncated object fails instead of giving a short file)."""
    assert export.storage_key and export.key_enc
    aead = AESGCM(bytes.fromhex(get_cipher().decrypt(tenant_id, export.key_enc)))
    buf = b""
    n = 0
    width = SEGMENT + TAG
    for part in get_storage().iter_chunks(export.storage_key, version_id=export.s3_version_id, chunk_size=width):
        buf += part
        while len(buf) > width:
            yield aead.decrypt(_nonce(n), buf[:width], b"more")
            buf, n = buf[width:], n + 1
    yield aead.decrypt(_nonce(n), buf, b"last")


def download(ctx: RequestContext, export: CondolenceExport) -> Response:
    """Stream a finished file (counted and audited; the bank file is audited as a bank file download)."""
    if export.status != "succeeded":
        raise InvalidState("文件还没有生成好" if export.status in ACTIVE else "文件生成失败，请重新生成")
    tid = current_tenant_id()
    chunks = decrypted_chunks(tid, export)
    first = next(chunks)  # fails here (503/500) rather than in the middle of the response
    with transaction():
        export.downloads += 1
        if export.kind == "bank":
            batch = db.session.execute(select(CondolencePaymentBatch).where(
                CondolencePaymentBatch.tenant_id == tid, CondolencePaymentBatch.id == export.subject_id)
                .with_for_update()).scalar_one()
            batch.downloads += 1
            audit.record(ctx, "condolence.payment_batch.download", "condolence_payment_batch", batch.id,
                         {"format": export.format, "rows": export.rows, "full_card_numbers": True,
                          "export_id": export.id})
        else:
            audit.record(ctx, "condolence.export.download", "condolence_export", export.id,
                         {"kind": export.kind, "subject_id": export.subject_id, "format": export.format})

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    # Everything the stream needs (the S3 body, the key) is open by now: no request context is held.
    resp = Response(body(), mimetype=export.mimetype or "application/octet-stream")
    fallback = (export.ascii_filename or f"export-{export.id}").rsplit(".", 1)[0]
    resp.headers["Content-Disposition"] = content_disposition(export.filename or f"export-{export.id}",
                                                              fallback=fallback)
    resp.headers["Content-Length"] = str(export.size or 0)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Row-Count"] = str(export.rows or 0)
    return resp


__all__ = ["FORMATS", "JOB_KIND", "build_export", "download", "export_view", "get_export", "latest_stmt",
           "request_export"]
