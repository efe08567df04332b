"""The work behind the verification jobs: measure what S3 holds and judge it.

- `verify_upload`: after confirm. Size, SHA-256 against the client's declaration, the real type
  sniffed from the bytes (an executable or a web page named .jpg is refused), then the version is
  pinned (S3 version id) and locked (object-lock retention). A refused object is removed.
- `reverify`: later, on demand or on a schedule. The key's current version and the pinned
  version are hashed again: a new version with other bytes, a delete marker or a changed/missing
  pinned version marks the item `tampered` with an audit row.

Both take ids, run in the tenant's context, and are idempotent: the final state depends only on
what S3 holds, so a rerun after a crash gives the same result.
"""

from __future__ import annotations

import logging
import time
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

from ....core import audit
from ....core.db import transaction
from ....core.storage import Storage, get_storage
from ....extensions import db
from ..filetypes import (
    EXECUTABLE,
    FILE_TYPES,
    MACRO,
    WEB,
    Sniffed,
    label_of,
    normalize_mime,
    same_family,
    sniff,
)
from ..models import REJECTED, TAMPERED, VERIFIED, VERIFYING, EvidenceItem
from ..repository import EvidenceRepository
from .common import SYSTEM

log = logging.getLogger(__name__)

SNIFF_BYTES = 8192
MAX_ZIP_ENTRIES = 20000


def _zip_names(storage: Storage, key: str, version_id: str | None, size: int) -> list[str] | None:
    try:
        with zipfile.ZipFile(storage.open_seekable(key, size=size, version_id=version_id)) as zf:
            infos = zf.infolist()
            return None if len(infos) > MAX_ZIP_ENTRIES else [i.filename for i in infos]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return None


def judge_type(declared: str, found: Sniffed) -> str | None:
    """The reason (Chinese) to refuse a file whose bytes are `found`, or None when acceptable."""
    allowed = {normalize_mime(m) for m in current_app.config["EVIDENCE_ALLOWED_TYPES"]}
    if found.danger == EXECUTABLE:
        return f"文件实际是{found.label}，不是声明的{label_of(declared)}，出于安全原因已拒收"
    if found.danger == WEB:
        return f"文件实际是{found.label}，不是声明的{label_of(declared)}，网页文件可能携带脚本，已拒收"
    if found.danger == MACRO:
        return f"文件是{found.label}，宏代码可能有害，请另存为不含宏的文档后再上传"
    if found.mime is None or found.mime not in allowed:
        return f"文件实际是{found.label}，不在允许上传的类型之内"
    if not same_family(found.mime, declared):
        return f"文件实际是{found.label}，与声明的{label_of(declared)}不符，请修改扩展名后重新上传"
    return None


def _load(evidence_id: int) -> EvidenceItem | None:
    return EvidenceRepository().get(evidence_id)


def verify_upload(evidence_id: int) -> tuple[str, str | None]:
    """Verify a confirmed upload: (resulting status or "skipped", the reason of a rejection)."""
    item = _load(evidence_id)
    if item is None or item.status != VERIFYING:
        db.session.rollback()
        return "skipped", None  # gone (rolled back), or already judged by an earlier run
    storage = get_storage()
    key, declared_size, declared_sha, declared_type = (item.storage_key, item.declared_size,
                                                       item.declared_sha256, item.declared_type)
    db.session.rollback()  # no transaction stays open while S3 is read

    info = storage.head(key)
    if info is None:
        return _reject(evidence_id, "存储中没有找到上传的文件：上传没有完成，或文件已被删除。请重新上传")
    if info.size != declared_size:
        return _reject(evidence_id, f"文件大小与声明不符：声明 {declared_size} 字节，实际收到 {info.size} 字节",
                       version_id=info.version_id)
    digest = storage.hash_object(key, version_id=info.version_id, head_bytes=SNIFF_BYTES)
    if digest.size != declared_size:
        return _reject(evidence_id, f"文件大小与声明不符：声明 {declared_size} 字节，实际收到 {digest.size} 字节",
                       version_id=info.version_id)
    if digest.sha256 != declared_sha:
        return _reject(evidence_id, "文件内容与声明的 SHA-256 摘要不一致：存储中的文件不是所选的文件，"
                                    "或在传输中被改动。请重新上传", version_id=info.version_id)
    found = sniff(digest.head, lambda: _zip_names(storage, key, info.version_id, info.size))
    reason = judge_type(declared_type, found)
    if reason:
        return _reject(evidence_id, reason, version_id=info.version_id, detected=found.mime)

    mode, until = info.lock_mode, info.lock_until
    days = int(current_app.config.get("EVIDENCE_RETENTION_DAYS") or 0)
    if until is None and days > 0 and storage.ensure_ready().object_lock:
        wanted = datetime.now(UTC) + timedelta(days=days)
        if storage.set_retention(key, version_id=info.version_id, until=wanted):
            mode, until = "GOVERNANCE", wanted

    with transaction():
        item = _load(evidence_id)
        if item is None or item.status != VERIFYING:
            return "skipped", None
        now = datetime.now(UTC)
        item.status, item.status_reason = VERIFIED, None
        item.size, item.sha256, item.detected_type = digest.size, digest.sha256, found.mime
        item.s3_version_id, item.s3_etag = info.version_id, info.etag
        item.retention_mode, item.retain_until = mode, until
        item.verified_at = item.checked_at = now
        audit.record(SYSTEM, "evidence.verify", "evidence", item.id, audit.diff(item))
    return VERIFIED, None


def _reject(evidence_id: int, reason: str, *, version_id: str | None = None,
            detected: str | None = None) -> tuple[str, str | None]:
    with transaction():
        item = _load(evidence_id)
        if item is None or item.status != VERIFYING:
            return "skipped", None
        item.status, item.status_reason, item.checked_at = REJECTED, reason, datetime.now(UTC)
        item.detected_type = detected if detected in FILE_TYPES else None
        key = item.storage_key
        audit.record(SYSTEM, "evidence.reject", "evidence", item.id, audit.diff(item))
    if version_id is not None or get_storage().head(key) is not None:
        # Nothing refused stays in the archive (an executable least of all); retention is bypassed
        # because this version was never accepted as evidence.
        get_storage().delete(key, version_id=version_id, bypass_governance=True)
    return REJECTED, reason


def reverify(evidence_id: int) -> str:
    """Check that the verified bytes are still what S3 serves. Returns the resulting status."""
    item = _load(evidence_id)
    if item is None or item.status not in (VERIFIED, TAMPERED) or item.sha256 is None:
        db.session.rollback()
        return "skipped"
    storage = get_storage()
    key, version_id, sha, size, before = item.storage_key, item.s3_version_id, item.sha256, item.size, item.status
    db.session.rollback()

    problems: list[str] = []
    original_intact = False
    latest = storage.head(key)
    if latest is None:
        problems.append("存储中的文件已被删除（当前版本是删除标记）")
    elif version_id and latest.version_id != version_id:
        current = storage.hash_object(key, version_id=latest.version_id, head_bytes=0)
        if current.sha256 != sha:
            problems.append(f"核验后文件被覆盖：出现了内容不同的新版本（{latest.size} 字节，"
                            f"SHA-256 {current.sha256[:16]}…）")
    pinned = storage.head(key, version_id=version_id) if version_id else latest
    if pinned is None:
        if latest is not None or version_id:
            problems.append("核验时的原始版本已不存在")
    else:
        digest = storage.hash_object(key, version_id=pinned.version_id, head_bytes=0)
        if digest.sha256 != sha or digest.size != size:
            problems.append(f"核验时的原始版本内容已改变（SHA-256 应为 {sha[:16]}…，现为 {digest.sha256[:16]}…）")
        else:
            original_intact = True
    status = TAMPERED if problems else VERIFIED
    reason = None
    if problems:
        reason = "；".join(problems)
        if original_intact and version_id:
            reason += "。核验时的原始版本仍完好保存（版本号 " + version_id + "），可由管理员恢复"

    with transaction():
        item = _load(evidence_id)
        if item is None or item.status not in (VERIFIED, TAMPERED):
            return "skipped"
        item.status, item.status_reason, item.checked_at = status, reason, datetime.now(UTC)
        changes: dict[str, Any] = audit.diff(item)
        changes.pop("checked_at", None)
        action = {(VERIFIED, TAMPERED): "evidence.tamper_detected",
                  (TAMPERED, VERIFIED): "evidence.integrity_restored"}.get((before, status), "evidence.integrity_ok")
        audit.record(SYSTEM, action, "evidence", item.id, changes or None)
    if status == TAMPERED:
        log.warning("evidence %s: tamper detected: %s", evidence_id, reason)
    return status


def expire_stale_uploads(older_than_s: int | None = None) -> int:
    """Reject announced uploads never confirmed within the presigned URL's lifetime (+1 h), so
    they stop holding quota. For the scheduler; run per tenant. Idempotent."""
    ttl = older_than_s if older_than_s is not None else int(current_app.config["EVIDENCE_UPLOAD_URL_TTL_S"]) + 3600
    n = 0
    with transaction():
        for item in EvidenceRepository().stale_pending(datetime.now(UTC) - timedelta(seconds=ttl)):
            item.status, item.checked_at = REJECTED, datetime.now(UTC)
            item.status_reason = "上传地址已过期，文件始终没有上传或确认"
            audit.record(SYSTEM, "evidence.expire", "evidence", item.id, {"status": ["pending_upload", REJECTED]})
            n += 1
    return n



def scrub(*, older_than: timedelta, limit: int, deadline: float) -> dict[str, int]:
    """Re-verify the tenant's least recently checked files (periodic integrity sweep), until
    `limit` files or the monotonic `deadline`. Returns counts by resulting status."""
    counts: dict[str, int] = {}
    ids = EvidenceRepository().due_for_check(datetime.now(UTC) - older_than, limit)
    db.session.rollback()
    for evidence_id in ids:
        if time.monotonic() > deadline:
            break
        status = reverify(evidence_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
