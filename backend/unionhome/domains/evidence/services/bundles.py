"""Evidence bundles: every verified file of one record in a zip, with manifest.json and a Chinese
manifest.csv listing filename, size, SHA-256, uploader, upload time and S3 version of each.

The zip is built by a job: each file is streamed from its pinned S3 version into a temporary file
on disk (constant memory) and re-hashed on the way, so a bundle never contains bytes that differ
from what was verified; the zip is then uploaded under the tenant's prefix."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import current_app
from sqlalchemy import Select

from ....core import audit
from ....core.db import transaction
from ....core.errors import Conflict
from ....core.jobs import LONG, JobError, start_job
from ....core.security import RequestContext
from ....core.storage import get_storage, object_key
from ....core.tenancy import current_tenant_id
from ....extensions import db
from .. import jobs
from ..filetypes import label_of
from ..models import FAILED, QUEUED, RUNNING, SUCCEEDED, TAMPERED, EvidenceBundle, EvidenceItem
from ..repository import BundleRepository, EvidenceRepository
from ..subjects import all_types, label, resolve
from .common import SYSTEM, bundle_view

BEIJING = timezone(timedelta(hours=8), "CST")
BUNDLE_TIMEOUT_S = 3600
CSV_HEADER = ["序号", "证据编号", "文件名", "包内路径", "大小（字节）", "SHA-256", "文件类型", "上传人",
              "上传时间", "核验时间", "S3 版本号", "保留至"]


def request_bundle(ctx: RequestContext, data: dict[str, Any]) -> EvidenceBundle:
    st, subject = resolve(ctx, data["subject_type"], data["subject_id"])
    if not EvidenceRepository().verified_of(st.code, data["subject_id"]):
        raise Conflict(f"该{st.label}还没有核验通过的证据文件，无法打包")
    with transaction():
        bundle = BundleRepository().add(EvidenceBundle(
            subject_type=st.code, subject_id=data["subject_id"], subject_name=st.describe(subject)[:200] or None,
            status=QUEUED, requested_by=ctx.user_id, requester_name=ctx.display_name[:60]))
        db.session.flush()
        job = start_job(ctx, "evidence.bundle", jobs.build_bundle, bundle.id, queue=LONG, retry=2,
                        timeout=BUNDLE_TIMEOUT_S)
        bundle.job_id = job.id
        audit.record(ctx, "evidence.bundle", "evidence_bundle", bundle.id,
                     {"subject_type": [None, st.code], "subject_id": [None, bundle.subject_id]})
    return bundle


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    repo = BundleRepository()
    if args.get("subject_type") is not None:
        resolve(ctx, args["subject_type"], args["subject_id"])
        stmt = repo.select().where(EvidenceBundle.subject_type == args["subject_type"],
                                   EvidenceBundle.subject_id == args["subject_id"])
    else:
        stmt = repo.visible(ctx, all_types())
    if args.get("status"):
        stmt = stmt.where(EvidenceBundle.status == args["status"])
    return stmt.order_by(EvidenceBundle.id.desc())


def bundle_filename(bundle: EvidenceBundle) -> str:
    name = (bundle.subject_name or str(bundle.subject_id)).replace("/", "_").replace("\\", "_")
    return f"证据包_{label(bundle.subject_type)}_{name}_{bundle.id}.zip"


def view_with_link(bundle: EvidenceBundle) -> dict[str, Any]:
    if bundle.status != SUCCEEDED or not bundle.storage_key:
        return bundle_view(bundle)
    ttl = int(current_app.config["EVIDENCE_DOWNLOAD_URL_TTL_S"])
    url = get_storage().presign_get(bundle.storage_key, version_id=bundle.s3_version_id,
                                    filename=bundle_filename(bundle), content_type="application/zip", expires_in=ttl,
                                    ascii_fallback=f"evidence-bundle-{bundle.id}")
    return bundle_view(bundle, download_url=url, download_expires_at=datetime.now(UTC) + timedelta(seconds=ttl))


# ---------------------------------------------------------------------------------------------
# the job's work


def _bj(value: datetime | None) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _entry(item: EvidenceItem) -> dict[str, Any]:
    safe = item.filename.replace("/", "_").replace("\\", "_")
    return {
        "evidence_id": item.id, "filename": item.filename, "path": f"files/{item.id}_{safe}",
        "size": item.size, "sha256": item.sha256, "content_type": item.detected_type,
        "uploaded_by": item.uploaded_by, "uploaded_by_name": item.uploader_name,
        "uploaded_at": item.confirmed_at or item.created_at, "verified_at": item.verified_at,
        "storage_key": item.storage_key, "s3_version_id": item.s3_version_id, "retain_until": item.retain_until,
    }


def manifests(bundle: dict[str, Any], entries: list[dict[str, Any]]) -> tuple[bytes, bytes]:
    """manifest.json (UTC ISO times) and manifest.csv (Chinese headers, Beijing time, BOM for Excel)."""
    doc = {
        "bundle_id": bundle["id"], "tenant_id": bundle["tenant_id"],
        "subject": {"type": bundle["subject_type"], "type_label": label(bundle["subject_type"]),
                    "id": bundle["subject_id"], "name": bundle["subject_name"]},
        "generated_at": _iso(datetime.now(UTC)), "requested_by": bundle["requested_by"],
        "requested_by_name": bundle["requester_name"], "hash_algorithm": "SHA-256", "item_count": len(entries),
        "items": [{**e, "uploaded_at": _iso(e["uploaded_at"]), "verified_at": _iso(e["verified_at"]),
                   "retain_until": _iso(e["retain_until"])} for e in entries],
    }
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for n, e in enumerate(entries, 1):
        writer.writerow([n, e["evidence_id"], e["filename"], e["path"], e["size"], e["sha256"],
                         label_of(e["content_type"]), e["uploaded_by_name"], _bj(e["uploaded_at"]),
                         _bj(e["verified_at"]), e["s3_version_id"] or "", _bj(e["retain_until"])])
    return (json.dumps(doc, ensure_ascii=False, indent=2).encode(), buf.getvalue().encode("utf-8-sig"))


def build_bundle(bundle_id: int, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Build (or rebuild, after a crash) the zip of a bundle. Idempotent: a finished bundle is left
    alone, and a rerun writes a new version of the same key."""
    repo = BundleRepository()
    with transaction():
        bundle = repo.get(bundle_id)
        if bundle is None or bundle.status == SUCCEEDED:
            return {"skipped": True}
        bundle.status, bundle.error = RUNNING, None
        if not bundle.storage_key:
            bundle.storage_key = object_key(current_tenant_id(), "evidence-bundles", ".zip")
        info = {c: getattr(bundle, c) for c in ("id", "tenant_id", "subject_type", "subject_id", "subject_name",
                                                "requested_by", "requester_name", "storage_key")}
        entries = [_entry(i) for i in EvidenceRepository().verified_of(bundle.subject_type, bundle.subject_id)]
    try:
        result = _write_and_upload(info, entries, progress)
    except JobError as err:
        _finish(bundle_id, FAILED, error=err.message)
        raise
    except Exception:
        _finish(bundle_id, FAILED, error="打包时出错，系统将自动重试；如仍失败请稍后重新打包")
        raise
    _finish(bundle_id, SUCCEEDED, **result)
    return {"item_count": result["item_count"], "size": result["size"], "sha256": result["sha256"]}


def _write_and_upload(info: dict[str, Any], entries: list[dict[str, Any]],
                      progress: Callable[[int, int], None] | None) -> dict[str, Any]:
    storage = get_storage()
    manifest_json, manifest_csv = manifests(info, entries)
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr(zipfile.ZipInfo("manifest.json", _zip_time(datetime.now(UTC))), manifest_json,
                        compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr(zipfile.ZipInfo("manifest.csv", _zip_time(datetime.now(UTC))), manifest_csv,
                        compress_type=zipfile.ZIP_DEFLATED)
            for n, e in enumerate(entries, 1):
                sha, size = hashlib.sha256(), 0
                zinfo = zipfile.ZipInfo(e["path"], _zip_time(e["uploaded_at"]))
                try:
                    with zf.open(zinfo, "w", force_zip64=(e["size"] or 0) > 2**31) as dst:
                        for chunk in storage.iter_chunks(e["storage_key"], version_id=e["s3_version_id"]):
                            sha.update(chunk)
                            size += len(chunk)
                            dst.write(chunk)
                except FileNotFoundError:
                    _mark_tampered(e["evidence_id"], "打包时发现核验时的文件版本已不存在")
                    raise JobError(f"文件《{e['filename']}》核验时的版本已不存在，已标记为疑似篡改；证据包未生成") from None
                if sha.hexdigest() != e["sha256"] or size != e["size"]:
                    _mark_tampered(e["evidence_id"], "打包时读取到的文件内容与核验时记录的 SHA-256 不一致")
                    raise JobError(f"文件《{e['filename']}》的内容与核验时记录的 SHA-256 不一致，已标记为疑似篡改；"
                                   "证据包未生成")
                if progress:
                    progress(n, len(entries))
        total = tmp.tell()
        tmp.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: tmp.read(1024 * 1024), b""):
            digest.update(chunk)
        tmp.seek(0)
        stored = storage.put(info["storage_key"], tmp, content_type="application/zip",
                             metadata={"bundle-id": str(info["id"]), "sha256": digest.hexdigest()})
    return {"item_count": len(entries), "size": total, "sha256": digest.hexdigest(),
            "s3_version_id": stored.version_id}


def _zip_time(value: datetime | None) -> tuple[int, int, int, int, int, int]:
    t = (value or datetime.now(UTC)).astimezone(BEIJING)
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _finish(bundle_id: int, status: str, **values: Any) -> None:
    with transaction():
        bundle = BundleRepository().get(bundle_id)
        if bundle is None:
            return
        bundle.status = status
        for key, value in values.items():
            setattr(bundle, key, value)
        bundle.finished_at = datetime.now(UTC)


def _mark_tampered(evidence_id: int, reason: str) -> None:
    with transaction():
        item = EvidenceRepository().get(evidence_id)
        if item is None or item.status == TAMPERED:
            return
        item.status, item.status_reason, item.checked_at = TAMPERED, reason, datetime.now(UTC)
        audit.record(SYSTEM, "evidence.tamper_detected", "evidence", item.id, audit.diff(item))
