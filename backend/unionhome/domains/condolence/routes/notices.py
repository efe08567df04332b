"""Condolence API: the public notice (公示) — create, edit, post, the xlsx and PDF as posted (names and
ID numbers masked) — and objections received during its window. The proof of posting (photo) is an
evidence item of subject type `condolence_notice`."""

from __future__ import annotations

from typing import Any

from flask import Response, send_file
from flask.views import MethodView

from ....core.cnid import mask_name
from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ....core.storage import content_disposition
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ
from ..workflow import exports, notice_files, notices
from ..workflow.scope import load_campaign
from ..workflow.sheets import PDF_MIMETYPE, XLSX_MIMETYPE, Export
from ..workflow.stage_schemas import (
    CondolenceNoticeCreateSchema,
    CondolenceNoticeLineSchema,
    CondolenceNoticeLinesQueryArgsSchema,
    CondolenceNoticePostSchema,
    CondolenceNoticeSchema,
    CondolenceNoticeUpdateSchema,
    CondolenceObjectionCreateSchema,
    CondolenceObjectionDecideSchema,
    CondolenceObjectionQueryArgsSchema,
    CondolenceObjectionSchema,
)
from ..workflow.views import line_views
from . import blp

FILE_DOC = {"type": "string", "format": "binary"}


def send_export(export: Export) -> Response:
    """A generated file as a download: Chinese filename (RFC 6266/5987), never cached."""
    resp = send_file(export.file, mimetype=export.mimetype, as_attachment=True, download_name=export.ascii_filename)
    resp.headers["Content-Disposition"] = content_disposition(export.filename, fallback=export.ascii_filename.rsplit(".", 1)[0])
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Row-Count"] = str(export.rows)
    return resp


@blp.route("/condolence/campaigns/<int:campaign_id>/notices")
class Notices(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolenceNoticeSchema(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters: Any) -> Any:
        """The campaign's notices covering the user's subtree, newest first, with the window's state
        (`not_posted`, `scheduled`, `open`, `closed`) and objection counts."""
        return notices.notice_views(list(paginate(notices.list_stmt(current_ctx(), campaign_id), pagination_parameters)))

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolenceNoticeCreateSchema)
    @blp.response(202, CondolenceNoticeSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Prepare a notice of the county-approved lines of a subtree (`org_id`, default the whole county)
        not yet in another notice, with its window (`start_date`–`end_date`) and place. Only after the
        roster is frozen (409 before; 409 too when no line is left to notice). Answers at once with the
        notice in status `preparing` and its `job_id` (follow it at `/jobs/{job_id}`): the job writes its
        lines and it becomes `draft` (待张贴), or `failed` with `error` and no line (withdraw it and try
        again). One notice is prepared at a time per campaign (409 meanwhile)."""
        return notices.notice_views([notices.create_notice(current_ctx(), campaign_id, data)])[0]


@blp.route("/condolence/notices/<int:notice_id>")
class NoticeById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.etag
    @blp.response(200, CondolenceNoticeSchema)
    def get(self, notice_id: int) -> Any:
        """One notice."""
        n = notices.get_notice(current_ctx(), notice_id)
        blp.set_etag(etag_data(n))
        return notices.notice_views([n])[0]

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.etag
    @blp.arguments(CondolenceNoticeUpdateSchema)
    @blp.response(200, CondolenceNoticeSchema)
    def patch(self, data: dict[str, Any], notice_id: int) -> Any:
        """Edit a notice not yet posted (If-Match: its ETag). 409 once posted."""
        ctx = current_ctx()
        n = notices.get_notice(ctx, notice_id)
        blp.check_etag(etag_data(n))
        n = notices.update_notice(ctx, n, data)
        blp.set_etag(etag_data(n))
        return notices.notice_views([n])[0]

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.etag
    @blp.response(204)
    def delete(self, notice_id: int) -> None:
        """Withdraw a notice not yet posted: its lines can be noticed again (If-Match)."""
        ctx = current_ctx()
        n = notices.get_notice(ctx, notice_id)
        blp.check_etag(etag_data(n))
        notices.delete_notice(ctx, n)


@blp.route("/condolence/notices/<int:notice_id>/post")
class NoticePost(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.arguments(CondolenceNoticePostSchema)
    @blp.response(200, CondolenceNoticeSchema)
    def post(self, data: dict[str, Any], notice_id: int) -> Any:
        """张贴: the notice is up (on or before its start date); window and place are fixed from now on.
        Upload the photo of the posted notice to `/evidence` with subject `condolence_notice`."""
        ctx = current_ctx()
        return notices.notice_views([notices.post_notice(ctx, notices.get_notice(ctx, notice_id), data)])[0]


@blp.route("/condolence/notices/<int:notice_id>/lines")
class NoticeLines(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.arguments(CondolenceNoticeLinesQueryArgsSchema, location="query")
    @blp.response(200, CondolenceNoticeLineSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], notice_id: int, pagination_parameters: Any) -> Any:
        """The noticed lines of the user's subtree in notice order, with `public_name` as posted."""
        ctx = current_ctx()
        rows = paginate(notices.notice_lines_stmt(ctx, notices.get_notice(ctx, notice_id), args),
                        pagination_parameters, scalars=False)
        views = line_views([r[0] for r in rows])
        return [{**v, "seq": r[1], "public_name": mask_name(r[0].name)} for v, r in zip(views, rows, strict=True)]


@blp.route("/condolence/notices/<int:notice_id>/notice.xlsx")
class NoticeXlsx(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.response(200, FILE_DOC, description="公示名单 (.xlsx)", content_type=XLSX_MIMETYPE)
    def get(self, notice_id: int) -> Any:
        """The notice as posted: title, window, place, the lines with names (张*明) and ID numbers
        (410721********1234) masked, and where to object. Up to 20,000 lines; a bigger notice → 409:
        build it with `POST /condolence/exports` (kind `notice`)."""
        ctx = current_ctx()
        n = notices.get_notice(ctx, notice_id)
        exports.refuse_large(n.line_count, "该公示")
        return send_export(notice_files.notice_xlsx(ctx, n))


@blp.route("/condolence/notices/<int:notice_id>/notice.pdf")
class NoticePdf(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.response(200, FILE_DOC, description="公示 (PDF, A4 landscape)", content_type=PDF_MIMETYPE)
    def get(self, notice_id: int) -> Any:
        """The same notice as a printable PDF, masked the same way (up to 20,000 lines, as the xlsx)."""
        ctx = current_ctx()
        n = notices.get_notice(ctx, notice_id)
        exports.refuse_large(n.line_count, "该公示")
        return send_export(notice_files.notice_pdf(ctx, n))


@blp.route("/condolence/notices/<int:notice_id>/objections")
class NoticeObjections(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.arguments(CondolenceObjectionQueryArgsSchema, location="query")
    @blp.response(200, CondolenceObjectionSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], notice_id: int, pagination_parameters: Any) -> Any:
        """Objections against the notice's lines of the user's subtree, newest first."""
        ctx = current_ctx()
        rows = paginate(notices.objections_stmt(ctx, notices.get_notice(ctx, notice_id), args), pagination_parameters,
                        scalars=False)
        return [notices.objection_view(o, name) for o, name in rows]

    @require_permission(CONDOLENCE_READ)
    @ensure_exists(notices.get_notice, "notice_id")
    @blp.arguments(CondolenceObjectionCreateSchema)
    @blp.response(201, CondolenceObjectionSchema)
    def post(self, data: dict[str, Any], notice_id: int) -> Any:
        """Record an objection (异议) against a line of the notice, received inside the window (422
        otherwise). Until the county decides it, the line cannot be paid."""
        ctx = current_ctx()
        o = notices.create_objection(ctx, notices.get_notice(ctx, notice_id), data)
        return notices.objection_view(o)


@blp.route("/condolence/objections/<int:objection_id>/decide")
class ObjectionDecide(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(notices.get_objection, "objection_id")
    @blp.arguments(CondolenceObjectionDecideSchema)
    @blp.response(200, CondolenceObjectionSchema)
    def post(self, data: dict[str, Any], objection_id: int) -> Any:
        """The county's finding: `upheld` (异议成立, with a note: the line is never paid) or `dismissed`.
        Final: 409 when already decided."""
        ctx = current_ctx()
        return notices.objection_view(notices.decide_objection(ctx, notices.get_objection(ctx, objection_id), data))
