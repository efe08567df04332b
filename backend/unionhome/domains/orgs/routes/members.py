from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.concurrency import etag_data
from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import MEMBERS_READ, MEMBERS_REVEAL_PII, MEMBERS_TRANSFER, MEMBERS_WRITE
from ..schemas import (
    IdNumberRevealSchema,
    MemberCreateSchema,
    MemberQueryArgsSchema,
    MemberSchema,
    MemberTransferCreateSchema,
    MemberTransferQueryArgsSchema,
    MemberTransferSchema,
    MemberUpdateSchema,
)
from ..services import members as svc
from . import blp


@blp.route("/members")
class Members(MethodView):
    @require_permission(MEMBERS_READ)
    @blp.arguments(MemberQueryArgsSchema, location="query")
    @blp.response(200, MemberSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Members in the user's subtree; ID numbers masked."""
        return svc.views(list(paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)))

    @require_permission(MEMBERS_WRITE)
    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register a member (身份证号 checked per GB 11643; birth date and gender derived from it)."""
        return svc.views([svc.create_member(current_ctx(), data)])[0]


@blp.route("/members/<int:member_id>")
class MemberById(MethodView):
    @require_permission(MEMBERS_READ)
    @ensure_exists(svc.get_member, "member_id")
    @blp.etag
    @blp.response(200, MemberSchema)
    def get(self, member_id: int) -> Any:
        """One member."""
        obj = svc.get_member(current_ctx(), member_id)
        blp.set_etag(etag_data(obj))
        return svc.views([obj])[0]

    @require_permission(MEMBERS_WRITE)
    @ensure_exists(svc.get_member, "member_id")
    @blp.etag
    @blp.arguments(MemberUpdateSchema)
    @blp.response(200, MemberSchema)
    def patch(self, data: dict[str, Any], member_id: int) -> Any:
        """Edit a member (a change of union goes through a transfer). Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_member(ctx, member_id)
        blp.check_etag(etag_data(obj))
        obj = svc.update_member(ctx, obj, data)
        blp.set_etag(etag_data(obj))
        return svc.views([obj])[0]

    @require_permission(MEMBERS_WRITE)
    @ensure_exists(svc.get_member, "member_id")
    @blp.etag
    @blp.response(204)
    def delete(self, member_id: int) -> None:
        """Mark a member as lapsed (退会); the record and its history stay. Send the ETag in If-Match."""
        ctx = current_ctx()
        obj = svc.get_member(ctx, member_id)
        blp.check_etag(etag_data(obj))
        svc.delete_member(ctx, obj)


@blp.route("/members/<int:member_id>/id-number")
class MemberIdNumber(MethodView):
    @require_permission(MEMBERS_REVEAL_PII)
    @ensure_exists(svc.get_member, "member_id")
    @blp.response(200, IdNumberRevealSchema)
    def get(self, member_id: int) -> Any:
        """The full ID number. Needs its own permission; every reveal is written to the audit log."""
        ctx = current_ctx()
        return {"id_number": svc.reveal_id_number(ctx, svc.get_member(ctx, member_id))}


@blp.route("/members/<int:member_id>/transfers")
class MemberTransfers(MethodView):
    @require_permission(MEMBERS_READ)
    @ensure_exists(svc.get_member, "member_id")
    @blp.response(200, MemberTransferSchema(many=True))
    @blp.paginate()
    def get(self, member_id: int, pagination_parameters: Any) -> Any:
        """A member's transfer history (组织关系接转), newest first."""
        ctx = current_ctx()
        svc.get_member(ctx, member_id)
        stmt = svc.transfers_list_stmt(ctx, {"member_id": member_id})
        return svc.transfer_views(list(paginate(stmt, pagination_parameters)))

    @require_permission(MEMBERS_TRANSFER)
    @ensure_exists(svc.get_member, "member_id")
    @blp.arguments(MemberTransferCreateSchema)
    @blp.response(201, MemberTransferSchema)
    def post(self, data: dict[str, Any], member_id: int) -> Any:
        """Transfer a member to another union of the county."""
        ctx = current_ctx()
        return svc.transfer_views([svc.transfer_member(ctx, svc.get_member(ctx, member_id), data)])[0]


@blp.route("/member-transfers")
class Transfers(MethodView):
    @require_permission(MEMBERS_READ)
    @blp.arguments(MemberTransferQueryArgsSchema, location="query")
    @blp.response(200, MemberTransferSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Transfers into or out of the user's subtree."""
        ctx = current_ctx()
        return svc.transfer_views(list(paginate(svc.transfers_list_stmt(ctx, args), pagination_parameters)))
