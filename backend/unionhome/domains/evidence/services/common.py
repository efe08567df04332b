"""Loading items and bundles for a user (tenant, permission and org scope checked) and their views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ....core.errors import NotFound
from ....core.security import RequestContext
from ..filetypes import FILE_TYPES
from ..models import BUNDLE_STATUSES, ITEM_STATUSES, EvidenceBundle, EvidenceItem
from ..repository import BundleRepository, EvidenceRepository
from ..subjects import label, resolve


@dataclass(frozen=True)
class SystemActor:
    """The audit actor of work done by jobs (the job row records who started it)."""

    username: str = "系统（证据核验）"
    user_id: int | None = None


SYSTEM = SystemActor()


def load_item(ctx: RequestContext, evidence_id: int, *, write: bool = False) -> EvidenceItem:
    """The item, if the user may see its record: 404 for missing, foreign or out-of-scope, 403
    without the record type's permission."""
    item = EvidenceRepository().get(evidence_id)
    if item is None:
        raise NotFound("证据文件不存在")
    try:
        resolve(ctx, item.subject_type, item.subject_id, write=write)
    except NotFound:
        raise NotFound("证据文件不存在") from None
    return item


def get_item(ctx: RequestContext, evidence_id: int) -> EvidenceItem:
    return load_item(ctx, evidence_id)


def load_bundle(ctx: RequestContext, bundle_id: int) -> EvidenceBundle:
    bundle = BundleRepository().get(bundle_id)
    if bundle is None:
        raise NotFound("证据包不存在")
    try:
        resolve(ctx, bundle.subject_type, bundle.subject_id)
    except NotFound:
        raise NotFound("证据包不存在") from None
    return bundle


ITEM_FIELDS = (
    "id", "subject_type", "subject_id", "filename", "description", "status", "status_reason", "declared_size",
    "declared_type", "declared_sha256", "size", "sha256", "detected_type", "storage_key", "s3_version_id",
    "retention_mode", "retain_until", "uploaded_by", "uploader_name", "job_id", "confirmed_at", "verified_at",
    "checked_at", "deleted_at", "version", "created_at", "updated_at",
)


def item_view(item: EvidenceItem, **extra: Any) -> dict[str, Any]:
    data = {k: getattr(item, k) for k in ITEM_FIELDS}
    data["subject_type_label"] = label(item.subject_type)
    data["status_label"] = "已删除" if item.deleted_at else ITEM_STATUSES.get(item.status, item.status)
    detected = FILE_TYPES.get(item.detected_type or "")
    data["detected_type_label"] = detected.label if detected else None
    data.update(extra)
    return data


BUNDLE_FIELDS = (
    "id", "subject_type", "subject_id", "status", "error", "job_id", "requested_by", "requester_name",
    "item_count", "size", "sha256", "s3_version_id", "finished_at", "version", "created_at", "updated_at",
)


def bundle_view(bundle: EvidenceBundle, **extra: Any) -> dict[str, Any]:
    data = {k: getattr(bundle, k) for k in BUNDLE_FIELDS}
    data["subject_type_label"] = label(bundle.subject_type)
    data["status_label"] = BUNDLE_STATUSES.get(bundle.status, bundle.status)
    data.setdefault("download_url", None)
    data.setdefault("download_expires_at", None)
    data.update(extra)
    return data
