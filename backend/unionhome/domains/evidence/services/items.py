"""Evidence items: announce an upload (→ presigned PUT), confirm it (→ verification job), list,
download (presigned GET of the verified version), delete (marks only) and re-verify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select

from ....core import audit
from ....core.clock import day_start
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from ....core.jobs import LONG, start_job
from ....core.security import RequestContext
from ....core.storage import PresignedUpload, get_storage, object_key
from ....core.tenancy import current_tenant_id
from ....extensions import db
from .. import jobs
from ..filetypes import (
    DANGEROUS_EXTENSIONS,
    FILE_TYPES,
    clean_filename,
    extension_of,
    label_of,
    normalize_mime,
    type_for_extension,
)
from ..models import PENDING_UPLOAD, TAMPERED, VERIFIED, VERIFYING, EvidenceItem
from ..repository import EvidenceRepository
from ..subjects import all_types, get_type, resolve
from .common import load_item

VERIFY_TIMEOUT_S = 900
# A verification still unfinished after this (its retries exhausted by an S3 outage, say) may be
# started again by another confirm.
STUCK_AFTER = timedelta(seconds=VERIFY_TIMEOUT_S * 5)


def _mb(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    return f"{n / 1024**2:.1f} MB"


def _check_file(data: dict[str, Any]) -> tuple[str, str, str]:
    """(clean filename, extension, content type) or a 422 naming the field."""
    cfg = current_app.config
    filename = clean_filename(data["filename"])
    ext = extension_of(filename)
    if not filename or not ext:
        raise ValidationFailed({"filename": "文件名须带扩展名，例如 .jpg、.pdf"})
    if ext in DANGEROUS_EXTENSIONS:
        raise ValidationFailed({"filename": f"不允许上传可执行程序、网页或含宏文档（{ext}）"})
    allowed = [normalize_mime(m) for m in cfg["EVIDENCE_ALLOWED_TYPES"]]
    allowed_labels = "、".join(dict.fromkeys(label_of(m) for m in allowed))
    mime = normalize_mime(data.get("content_type"))
    if mime in ("", "application/octet-stream", "binary/octet-stream"):
        by_ext = type_for_extension(ext)
        mime = by_ext.mime if by_ext else ""
    if mime not in allowed or mime not in FILE_TYPES:
        raise ValidationFailed({"content_type": f"不支持的文件类型（{data.get('content_type') or ext}），"
                                                f"允许：{allowed_labels}"})
    if ext not in FILE_TYPES[mime].extensions:
        raise ValidationFailed({"filename": f"扩展名 {ext} 与文件类型（{label_of(mime)}）不符"})
    size = int(data["size"])
    if size <= 0:
        raise ValidationFailed({"size": "文件为空"})
    if size > int(cfg["EVIDENCE_MAX_FILE_BYTES"]):
        raise ValidationFailed({"size": f"文件大小超过上限 {_mb(int(cfg['EVIDENCE_MAX_FILE_BYTES']))}"})
    return filename, ext, mime


def request_upload(ctx: RequestContext, data: dict[str, Any]) -> tuple[EvidenceItem, PresignedUpload]:
    """Check the record, the file's claims and the quota; record a pending item and hand back a
    presigned PUT that only accepts exactly the announced bytes (size, type and SHA-256 are signed)."""
    resolve(ctx, data["subject_type"], data["subject_id"], write=True)
    filename, ext, mime = _check_file(data)
    cfg = current_app.config
    storage = get_storage()
    storage.ensure_ready()
    ttl = int(cfg["EVIDENCE_UPLOAD_URL_TTL_S"])
    repo = EvidenceRepository()
    with transaction():
        repo.lock_quota()
        used = repo.used_bytes(datetime.now(UTC) - timedelta(seconds=ttl))
        limit = int(cfg["EVIDENCE_MAX_TENANT_BYTES"])
        if used + int(data["size"]) > limit:
            raise Conflict(f"本单位证据存储空间不足：已用 {_mb(used)}，上限 {_mb(limit)}，请清理或联系管理员扩容")
        item = repo.add(EvidenceItem(
            subject_type=data["subject_type"], subject_id=data["subject_id"], filename=filename,
            description=data.get("description"), declared_size=int(data["size"]), declared_type=mime,
            declared_sha256=data["sha256"].lower(), storage_key=object_key(current_tenant_id(), "evidence", ext),
            status=PENDING_UPLOAD, uploaded_by=ctx.user_id, uploader_name=ctx.display_name[:60],
        ))
        db.session.flush()
        audit.record(ctx, "evidence.create", "evidence", item.id, audit.snapshot(item))
    ticket = storage.presign_put(item.storage_key, content_type=mime, content_length=item.declared_size,
                                 sha256_hex=item.declared_sha256, expires_in=ttl)
    return item, ticket


def confirm_upload(ctx: RequestContext, item: EvidenceItem) -> EvidenceItem:
    """The browser says it has uploaded: check the object is there and start verification."""
    resolve(ctx, item.subject_type, item.subject_id, write=True)
    if item.deleted_at is not None:
        raise InvalidState("该证据文件已删除")
    stuck = item.confirmed_at is not None and datetime.now(UTC) - item.confirmed_at > STUCK_AFTER
    if item.status == VERIFYING and not stuck:
        return item  # a repeated confirm: the job is already on its way
    if item.status not in (PENDING_UPLOAD, VERIFYING):
        raise InvalidState("该证据文件已确认过，无需重复确认")
    if get_storage().head(item.storage_key) is None:
        raise Conflict("存储中还没有这个文件：上传没有完成或没有成功。请用上传地址重新上传后再确认"
                       "（上传地址过期后请重新发起上传）。")
    with transaction():
        item.status = VERIFYING
        item.confirmed_at = datetime.now(UTC)
        job = start_job(ctx, "evidence.verify", jobs.verify_upload, item.id, queue=LONG, retry=3,
                        timeout=VERIFY_TIMEOUT_S)
        item.job_id = job.id
        audit.record(ctx, "evidence.confirm", "evidence", item.id, audit.diff(item))
    return item


def request_reverify(ctx: RequestContext, item: EvidenceItem) -> EvidenceItem:
    """Re-hash the stored bytes in a job and compare with what was verified (tamper check)."""
    if item.status not in (VERIFIED, TAMPERED):
        raise InvalidState("只有已核验（或疑似篡改）的文件可以复核")
    with transaction():
        job = start_job(ctx, "evidence.reverify", jobs.reverify, item.id, queue=LONG, retry=3,
                        timeout=VERIFY_TIMEOUT_S)
        item.job_id = job.id
        audit.record(ctx, "evidence.reverify", "evidence", item.id, {"job_id": [None, job.id]})
    return item


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    repo = EvidenceRepository()
    if args.get("subject_id") is not None:
        resolve(ctx, args["subject_type"], args["subject_id"])
        stmt = repo.for_subject(args["subject_type"], args["subject_id"])
    elif args.get("subject_type") is not None:
        st = get_type(args["subject_type"])
        if not ctx.can(st.read_permission):
            raise PermissionDenied(f"没有查看{st.label}的权限")
        stmt = repo.visible(ctx, [st])
    else:
        stmt = repo.visible(ctx, all_types())
    if not args.get("include_deleted"):
        stmt = stmt.where(EvidenceItem.deleted_at.is_(None))
    if args.get("status"):
        stmt = stmt.where(EvidenceItem.status == args["status"])
    if args.get("q"):
        stmt = stmt.where(EvidenceItem.filename.icontains(args["q"], autoescape=True))
    if args.get("uploader"):
        stmt = stmt.where(EvidenceItem.uploader_name.icontains(args["uploader"], autoescape=True))
    if args.get("uploaded_from"):
        stmt = stmt.where(EvidenceItem.created_at >= day_start(args["uploaded_from"]))
    if args.get("uploaded_to"):
        stmt = stmt.where(EvidenceItem.created_at < day_start(args["uploaded_to"] + timedelta(days=1)))
    return stmt.order_by(EvidenceItem.id.desc())


def download_link(ctx: RequestContext, item: EvidenceItem, *, inline: bool = False) -> dict[str, Any]:
    """A short-lived presigned GET of the verified version (never of a later overwrite)."""
    if item.deleted_at is not None:
        raise InvalidState("该证据文件已删除，不能下载")
    if item.status != VERIFIED:
        raise InvalidState("只有核验通过的文件可以下载")
    ttl = int(current_app.config["EVIDENCE_DOWNLOAD_URL_TTL_S"])
    content_type = item.detected_type or item.declared_type
    url = get_storage().presign_get(item.storage_key, version_id=item.s3_version_id, filename=item.filename,
                                    content_type=content_type, inline=inline, expires_in=ttl,
                                    ascii_fallback=f"evidence-{item.id}")
    with transaction():
        audit.record(ctx, "evidence.download", "evidence", item.id)
    return {"url": url, "filename": item.filename, "content_type": content_type, "size": item.size,
            "sha256": item.sha256, "expires_at": datetime.now(UTC) + timedelta(seconds=ttl)}


def delete_item(ctx: RequestContext, item: EvidenceItem) -> None:
    """Mark deleted. The object and its versions stay in S3 for their retention period."""
    item = load_item(ctx, item.id, write=True)
    if item.deleted_at is not None:
        raise InvalidState("该证据文件已删除")
    with transaction():
        item.deleted_at = datetime.now(UTC)
        item.deleted_by = ctx.user_id
        changes = audit.diff(item)
        changes["filename"] = [item.filename, item.filename]
        changes["sha256"] = [item.sha256, item.sha256]
        audit.record(ctx, "evidence.delete", "evidence", item.id, changes)
