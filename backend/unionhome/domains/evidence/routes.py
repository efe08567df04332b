"""The evidence archive's API (one Blueprint, one OpenAPI tag).

Upload flow: `POST /evidence` (announce: record, filename, size, type, SHA-256) → 201 with a
presigned PUT; the browser PUTs the bytes straight to S3 with the returned headers; then
`POST /evidence/{id}/confirm` → 202, a job verifies size, SHA-256 and the sniffed type and the item
becomes `verified` or `rejected` (with the reason in Chinese).

Access follows the record the evidence is attached to: reading needs that record type's read
permission (e.g. members.read), uploading and deleting its write permission, and the record must
be inside the user's org subtree; otherwise the evidence answers 404 like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, redirect
from flask.views import MethodView
from flask_smorest import Blueprint

from ...core.concurrency import etag_data
from ...core.pagination import paginate
from ...core.security import current_ctx, ensure_exists
from .filetypes import FILE_TYPES, normalize_mime
from .schemas import (
    BundleCreateSchema,
    BundleQueryArgsSchema,
    BundleSchema,
    DownloadArgsSchema,
    DownloadLinkSchema,
    EvidenceCreateSchema,
    EvidenceOptionsSchema,
    EvidenceQueryArgsSchema,
    EvidenceSchema,
    EvidenceUploadSchema,
)
from .services import bundles, items
from .services.common import bundle_view, get_item, item_view, load_bundle
from .subjects import all_types

F = TypeVar("F", bound=Callable[..., Any])

blp = Blueprint("evidence", __name__, url_prefix="/api/v1/evidence",
                description="证据材料归档：上传、核验、下载与打包 / Evidence archive")


def tenant_user(fn: F) -> F:
    """Logged in and acting inside a tenant (permissions are checked per record type by services)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_ctx().require_tenant()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@blp.route("")
class EvidenceList(MethodView):
    @tenant_user
    @blp.arguments(EvidenceQueryArgsSchema, location="query")
    @blp.response(200, EvidenceSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Evidence of one record (`subject_type` + `subject_id`), or of every record the user may
        read. Newest first; deleted items only with `include_deleted=true`."""
        stmt = items.list_stmt(current_ctx(), args)
        return [item_view(i) for i in paginate(stmt, pagination_parameters)]

    @tenant_user
    @blp.arguments(EvidenceCreateSchema)
    @blp.response(201, EvidenceUploadSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Announce an upload and get a presigned PUT for it.

        The PUT must send exactly the returned `upload.headers` (Content-Type and
        x-amz-checksum-sha256 are signed, and so is the length): S3 refuses any other bytes.
        Limits: per-file size, the county's storage quota (409 when full) and the allowed types;
        executables, web pages and macro documents are refused by name here and by content later."""
        item, ticket = items.request_upload(current_ctx(), data)
        upload = {"url": ticket.url, "method": ticket.method, "headers": ticket.headers,
                  "expires_at": ticket.expires_at}
        return item_view(item, upload=upload)


@blp.route("/options")
class EvidenceOptions(MethodView):
    @tenant_user
    @blp.response(200, EvidenceOptionsSchema)
    def get(self) -> Any:
        """Upload limits, allowed file types and the record types evidence can be attached to."""
        cfg = current_app.config
        allowed = [normalize_mime(m) for m in cfg["EVIDENCE_ALLOWED_TYPES"]]
        return {
            "max_file_bytes": int(cfg["EVIDENCE_MAX_FILE_BYTES"]),
            "allowed_types": [{"mime": m, "label": FILE_TYPES[m].label, "extensions": list(FILE_TYPES[m].extensions)}
                              for m in allowed if m in FILE_TYPES],
            "subject_types": [{"code": st.code, "label": st.label} for st in all_types()],
        }


@blp.route("/<int:evidence_id>")
class EvidenceById(MethodView):
    @tenant_user
    @ensure_exists(get_item, "evidence_id")
    @blp.etag
    @blp.response(200, EvidenceSchema)
    def get(self, evidence_id: int) -> Any:
        """One evidence item with its verification result."""
        item = get_item(current_ctx(), evidence_id)
        blp.set_etag(etag_data(item))
        return item_view(item)

    @tenant_user
    @ensure_exists(get_item, "evidence_id")
    @blp.etag
    @blp.response(204)
    def delete(self, evidence_id: int) -> None:
        """Mark an item deleted (audited). The stored object stays for its retention period.
        Send the ETag from GET in If-Match."""
        ctx = current_ctx()
        item = get_item(ctx, evidence_id)
        blp.check_etag(etag_data(item))
        items.delete_item(ctx, item)


@blp.route("/<int:evidence_id>/confirm")
class EvidenceConfirm(MethodView):
    @tenant_user
    @ensure_exists(get_item, "evidence_id")
    @blp.response(202, EvidenceSchema)
    def post(self, evidence_id: int) -> Any:
        """The upload is done: start verification (status `verifying`, then `verified` or
        `rejected`). 409 with an explanation when S3 holds no object for it yet."""
        ctx = current_ctx()
        return item_view(items.confirm_upload(ctx, get_item(ctx, evidence_id)))


@blp.route("/<int:evidence_id>/reverify")
class EvidenceReverify(MethodView):
    @tenant_user
    @ensure_exists(get_item, "evidence_id")
    @blp.response(202, EvidenceSchema)
    def post(self, evidence_id: int) -> Any:
        """Re-hash the stored file in a job: bytes changed, overwritten or deleted after
        verification turn the item `tampered` (audited)."""
        ctx = current_ctx()
        return item_view(items.request_reverify(ctx, get_item(ctx, evidence_id)))


@blp.route("/<int:evidence_id>/download")
class EvidenceDownload(MethodView):
    @tenant_user
    @ensure_exists(get_item, "evidence_id")
    @blp.arguments(DownloadArgsSchema, location="query")
    @blp.response(200, DownloadLinkSchema)
    @blp.alt_response(302, description="重定向到预签名下载地址（redirect=true 时）")
    def get(self, args: dict[str, Any], evidence_id: int) -> Any:
        """A short-lived presigned GET of the verified version (only `verified` items), with the
        original (Chinese) filename. Every call is audited."""
        ctx = current_ctx()
        link = items.download_link(ctx, get_item(ctx, evidence_id), inline=args["inline"])
        if args["redirect"]:
            return redirect(link["url"], code=302)
        return link


@blp.route("/bundles")
class BundleList(MethodView):
    @tenant_user
    @blp.arguments(BundleQueryArgsSchema, location="query")
    @blp.response(200, BundleSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Bundles of one record, or of every record the user may read. Newest first."""
        return [bundle_view(b) for b in paginate(bundles.list_stmt(current_ctx(), args), pagination_parameters)]

    @tenant_user
    @blp.arguments(BundleCreateSchema)
    @blp.response(202, BundleSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Pack every verified file of a record into a zip with manifest.json and manifest.csv
        (filename, size, SHA-256, uploader, upload time, S3 version). Built by a job; poll
        `GET /evidence/bundles/{bundle_id}` for the status and the download URL."""
        return bundle_view(bundles.request_bundle(current_ctx(), data))


@blp.route("/bundles/<int:bundle_id>")
class BundleById(MethodView):
    @tenant_user
    @ensure_exists(load_bundle, "bundle_id")
    @blp.response(200, BundleSchema)
    def get(self, bundle_id: int) -> Any:
        """A bundle's status; when `succeeded`, a short-lived presigned `download_url`."""
        return bundles.view_with_link(load_bundle(current_ctx(), bundle_id))
