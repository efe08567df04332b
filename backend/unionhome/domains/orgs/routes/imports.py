"""Spreadsheet imports of members and employers: upload (dry run), result, annotated copy, commit."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, send_file, stream_with_context
from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, login_required
from ..imports import services as svc
from ..imports.engine import XLSX_MIMETYPE
from ..imports.schemas import (
    ImportCommitSchema,
    ImportCreateSchema,
    ImportFileSchema,
    ImportQueryArgsSchema,
    ImportSchema,
    ImportTemplateArgsSchema,
)
from . import blp


@blp.route("/imports")
class Imports(MethodView):
    @login_required
    @blp.arguments(ImportQueryArgsSchema, location="query")
    @blp.response(200, ImportSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Imports of the user (tenant-wide users: all imports of kinds they may write), newest first."""
        return svc.views(list(paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)))

    @login_required
    @blp.arguments(ImportCreateSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, ImportSchema)
    def post(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        """Upload a spreadsheet (multipart: `kind`, `mode`, optional `org_id`, `file`) and dry-run it.

        Accepts .xlsx/.xls and .csv (UTF-8, UTF-8 with BOM, GBK/GB18030), a header row below title rows,
        merged header cells and the usual synonyms (身份证号/身份证号码/公民身份号码 …). Every row is
        validated and nothing is written; the result has the counts, the first problems ("第12行
        身份证号：校验位错误") and, when there are problems, `annotated_url`: the user's workbook with a
        错误说明 column and the bad cells in red. A file that cannot be read at all ends in status
        `invalid` with `error_message` (corrupt, empty, wrong headers, zip bomb …).
        """
        return svc.view(svc.create_import(current_ctx(), data, files["file"]))


@blp.route("/imports/<int:import_id>")
class ImportById(MethodView):
    @login_required
    @ensure_exists(svc.get_import, "import_id")
    @blp.response(200, ImportSchema)
    def get(self, import_id: int) -> Any:
        """One import: status, counts, the first problems."""
        return svc.view(svc.get_import(current_ctx(), import_id))


@blp.route("/imports/<int:import_id>/annotated.xlsx")
class ImportAnnotated(MethodView):
    @login_required
    @ensure_exists(svc.get_import, "import_id")
    @blp.response(200, {"type": "string", "format": "binary"}, description="the annotated workbook (.xlsx)",
                  content_type=XLSX_MIMETYPE)
    def get(self, import_id: int) -> Any:
        """The uploaded workbook with a 错误说明 column and every bad cell filled red, with a comment."""
        ctx = current_ctx()
        chunks, filename, size = svc.annotated_file(ctx, svc.get_import(ctx, import_id))
        resp = Response(stream_with_context(chunks), mimetype=XLSX_MIMETYPE)
        resp.headers["Content-Length"] = str(size)
        resp.headers["Content-Disposition"] = (f'attachment; filename="import-{import_id}-errors.xlsx"; '
                                               f"filename*=UTF-8''{quote(filename, safe='')}")
        resp.headers["Cache-Control"] = "no-store"
        return resp


@blp.route("/imports/<int:import_id>/commit")
class ImportCommit(MethodView):
    @login_required
    @ensure_exists(svc.get_import, "import_id")
    @blp.arguments(ImportCommitSchema)
    @blp.response(202, ImportSchema)
    def post(self, data: dict[str, Any], import_id: int) -> Any:
        """Write a dry-run-checked import. Rows are validated again against the current data, then
        upserted by natural key (ID number / credit code): re-importing the same file changes nothing.
        `mode`: `all_or_nothing` (any bad row → nothing written, status `rejected`) or `valid_only`
        (the valid rows are written, the rest reported). Only a `validated` import can be committed (409)."""
        ctx = current_ctx()
        return svc.view(svc.commit_import(ctx, svc.get_import(ctx, import_id), data.get("mode")))


@blp.route("/imports/template.xlsx")
class ImportTemplate(MethodView):
    @login_required
    @blp.arguments(ImportTemplateArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, description="a blank import workbook (.xlsx)",
                  content_type=XLSX_MIMETYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """A blank workbook for an import `kind`: the headers the import reads (required ones in yellow,
        with a comment each), the number-like columns (ID number, credit code, phone) formatted as text
        so Excel keeps every digit, and a 填写说明 sheet with every column's rules and the other header
        names it also accepts. Needs the kind's write permission."""
        out, filename = svc.template_file(current_ctx(), args["kind"])
        resp = send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)
        resp.headers["Content-Disposition"] = (f'attachment; filename="import-template-{args["kind"]}.xlsx"; '
                                               f"filename*=UTF-8''{quote(filename, safe='')}")
        return resp
