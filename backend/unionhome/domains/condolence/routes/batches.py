"""Condolence API: nomination batches (upload with dry run, manual entry, submit, re-read, delete)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_NOMINATE, CONDOLENCE_READ
from ..schemas import (
    CondolenceBatchFileSchema,
    CondolenceBatchQueryArgsSchema,
    CondolenceBatchSchema,
    CondolenceBatchUploadSchema,
    CondolenceLineCreateSchema,
    CondolenceLineSchema,
    CondolenceManualBatchCreateSchema,
)
from ..services import batches as svc
from ..services import campaigns as campaigns_svc
from ..services import lines as lines_svc
from . import blp


def _etag(batch: Any, view: dict[str, Any]) -> dict[str, Any]:
    """The batch's version and its judgement (a re-judgement can change the reasons of its lines
    without touching the batch row)."""
    return {**etag_data(batch), "by_status": view.get("by_status"), "by_code": view.get("by_code")}


def _one(batch: Any, *, detail: bool = True) -> Any:
    view = svc.views([batch], detail=detail)[0]
    blp.set_etag(_etag(batch, view))
    return view


@blp.route("/condolence/campaigns/<int:campaign_id>/batches")
class CampaignBatches(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(campaigns_svc.get_campaign, "campaign_id")
    @blp.arguments(CondolenceBatchQueryArgsSchema, location="query")
    @blp.response(200, CondolenceBatchSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], campaign_id: int, pagination_parameters: Any) -> Any:
        """The campaign's nomination batches of the unions in the user's subtree, newest first."""
        ctx = current_ctx()
        stmt = svc.list_stmt(ctx, campaigns_svc.get_campaign(ctx, campaign_id), args)
        return svc.views(list(paginate(stmt, pagination_parameters)))

    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(campaigns_svc.get_campaign, "campaign_id")
    @blp.arguments(CondolenceBatchUploadSchema, location="form")
    @blp.arguments(CondolenceBatchFileSchema, location="files")
    @blp.response(201, CondolenceBatchSchema)
    def post(self, data: dict[str, Any], files: dict[str, Any], campaign_id: int) -> Any:
        """Upload a union's nomination workbook (multipart: `file`, optional `org_id`, `submit`).

        The roster job reads it in the background (`job_id`; status 已上传 → 校验中 → 已校验 / 已上报 /
        文件无法读取): rows that are not nominations (blank, 合计/小计, 填表人/审核人 footers) are skipped
        and counted; every other row becomes a line judged with a status and a reason in Chinese.
        Without `submit` it is a dry run (试算) that counts for nobody until submitted. Refused after the
        nomination deadline (409) and for a union outside the user's subtree (422)."""
        return _one(svc.upload_batch(current_ctx(), campaign_id, data, files.get("file")), detail=False)


@blp.route("/condolence/campaigns/<int:campaign_id>/manual-batches")
class CampaignManualBatches(MethodView):
    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(campaigns_svc.get_campaign, "campaign_id")
    @blp.arguments(CondolenceManualBatchCreateSchema)
    @blp.response(201, CondolenceBatchSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Start a batch of nominations entered one by one in the SPA (a dry run until submitted)."""
        return _one(svc.create_manual_batch(current_ctx(), campaign_id, data))


@blp.route("/condolence/batches/<int:batch_id>")
class BatchById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(svc.get_batch, "batch_id")
    @blp.etag
    @blp.response(200, CondolenceBatchSchema)
    def get(self, batch_id: int) -> Any:
        """One batch: status, counts by status and reason, the first problems (row, name, reason)."""
        return _one(svc.get_batch(current_ctx(), batch_id))

    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(svc.get_batch, "batch_id")
    @blp.etag
    @blp.response(204)
    def delete(self, batch_id: int) -> None:
        """Delete a batch that was never submitted (a dry run or a failed upload) with its lines."""
        ctx = current_ctx()
        obj = svc.get_batch(ctx, batch_id)
        blp.check_etag(_etag(obj, svc.views([obj], detail=True)[0]))
        svc.delete_batch(ctx, obj)


@blp.route("/condolence/batches/<int:batch_id>/submit")
class BatchSubmit(MethodView):
    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(svc.get_batch, "batch_id")
    @blp.response(200, CondolenceBatchSchema)
    def post(self, batch_id: int) -> Any:
        """上报: the batch's lines count from now on (quotas, budget, duplicates of later nominations)."""
        ctx = current_ctx()
        return _one(svc.submit_batch(ctx, svc.get_batch(ctx, batch_id)))


@blp.route("/condolence/batches/<int:batch_id>/reprocess")
class BatchReprocess(MethodView):
    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(svc.get_batch, "batch_id")
    @blp.response(200, CondolenceBatchSchema)
    def post(self, batch_id: int) -> Any:
        """重新校验 an uploaded batch that failed or is a dry run: its workbook is read again."""
        ctx = current_ctx()
        return _one(svc.reprocess_batch(ctx, svc.get_batch(ctx, batch_id)))


@blp.route("/condolence/batches/<int:batch_id>/lines")
class BatchLines(MethodView):
    @require_permission(CONDOLENCE_NOMINATE)
    @ensure_exists(svc.get_batch, "batch_id")
    @blp.arguments(CondolenceLineCreateSchema)
    @blp.response(201, CondolenceLineSchema)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Add a nomination by hand to a manual batch (not submitted). The ID number, bank card (Luhn) and
        mobile are checked at once (422 per field); the roster job then judges the line (待校验 until then)."""
        ctx = current_ctx()
        return lines_svc.views([svc.add_line(ctx, svc.get_batch(ctx, batch_id), data)])[0]
