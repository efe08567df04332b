"""Condolence API: generated files — the notice (xlsx, pdf), a payment batch's bank file, a visiting
group's arrangement table and the upward report — built by a background job at any size. POST starts
the job (follow it at `/jobs/{job_id}`), the file is then streamed from `/condolence/exports/{id}/file`
with the same permission checks as the file itself (bank files: county only, every download audited)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_READ
from ..workflow import exports
from ..workflow.stage_schemas import (
    CondolenceExportCreateSchema,
    CondolenceExportQueryArgsSchema,
    CondolenceExportSchema,
)
from . import blp
from .notices import FILE_DOC


@blp.route("/condolence/exports")
class Exports(MethodView):
    @require_permission(CONDOLENCE_READ)
    @blp.arguments(CondolenceExportQueryArgsSchema, location="query")
    @blp.response(200, CondolenceExportSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """The files generated of one notice / payment batch / visit group / campaign (report), newest first."""
        stmt = exports.latest_stmt(current_ctx(), args["kind"], args["subject_id"])
        return [exports.export_view(e) for e in paginate(stmt, pagination_parameters)]

    @require_permission(CONDOLENCE_READ)
    @blp.arguments(CondolenceExportCreateSchema)
    @blp.response(202, CondolenceExportSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Generate a file in the background: `kind` notice (xlsx | pdf), bank (xlsx | csv, county only),
        arrangement (county only) or report, of `subject_id`. Answers at once with the file's record and
        its `job_id`; asking again while it is being built returns the same record."""
        return exports.export_view(exports.request_export(current_ctx(), data["kind"], data["subject_id"],
                                                          data["format"]))


@blp.route("/condolence/exports/<int:export_id>")
class ExportById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(exports.get_export, "export_id")
    @blp.response(200, CondolenceExportSchema)
    def get(self, export_id: int) -> Any:
        """One generated file: status, size, rows, error."""
        return exports.export_view(exports.get_export(current_ctx(), export_id))


@blp.route("/condolence/exports/<int:export_id>/file")
class ExportFile(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(exports.get_export, "export_id")
    @blp.response(200, FILE_DOC, description="the generated file (.xlsx, .pdf or .csv)",
                  content_type="application/octet-stream")
    def get(self, export_id: int) -> Any:
        """Download a generated file (409 while it is being built or when it failed). Streamed."""
        ctx = current_ctx()
        return exports.download(ctx, exports.get_export(ctx, export_id))
