from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, send_file
from flask.views import MethodView

from ....core.security import current_ctx, require_permission
from ...auth.permissions import CADRES_READ, MEMBERS_READ, ORGS_READ, REPORTS_READ
from ..report_schemas import (
    FormQueryArgsSchema,
    IndicatorQueryArgsSchema,
    IndicatorsSchema,
    MemberFormQueryArgsSchema,
    MembersOverTimeQueryArgsSchema,
    MembersOverTimeSchema,
    TransferFormQueryArgsSchema,
)
from ..services import forms
from ..services import indicators as svc
from . import blp

_XLSX_DOC = {"type": "string", "format": "binary"}


def _send(export: forms.Export) -> Response:
    resp = send_file(export.file, mimetype=forms.XLSX_MIMETYPE, as_attachment=True,
                     download_name=export.filename)
    # RFC 6266 / 5987: the Chinese name for browsers, a readable ASCII name for the rest.
    resp.headers["Content-Disposition"] = (f'attachment; filename="{export.ascii_filename}"; '
                                           f"filename*=UTF-8''{quote(export.filename, safe='')}")
    resp.headers["Cache-Control"] = "no-store"  # personal data: never kept by caches
    resp.headers["X-Row-Count"] = str(export.rows)
    return resp


@blp.route("/indicators")
class Indicators(MethodView):
    @require_permission(REPORTS_READ)
    @blp.arguments(IndicatorQueryArgsSchema, location="query")
    @blp.response(200, IndicatorsSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Organisation-building indicators (组织建设统计) of a subtree, with one row per direct child.

        The subtree is `org_id` and everything below it (default: the user's scope; an org outside the
        scope, or of another tenant, is 404). `by_child` holds the node's own row (`is_self`, 本级) and
        one row per direct child; every record counts in exactly one row and the rows sum to `totals`.
        Rates are percentages with two decimals as strings ("95.24"), null when the denominator is 0.

        - 建会率 `founding_25_plus` / `founding_all`: employers whose township or covering union lies in
          the subtree (those with ≥ 25 staff / all); founded = own union (`founded`) + `covered_by_joint`;
          rate = founded / total. An employer's row is the child holding its township, else the child
          holding its covering union, else the node's own row.
        - 入会率 `membership`: active members of the subtree's unions ÷ `unionised_staff`, the staff of
          founded or jointly covered employers whose covering union lies in the subtree (may exceed 100).
        - `migrant_members` / `female_members`: active members with employment type 农民工 / gender F,
          share of active members.
        - `cadres`: current cadres per post, full-time / part-time.
        - `orgs`: active orgs per type (the node included); `reelection_overdue`: 换届 date before today.
        """
        return svc.compute(current_ctx(), args.get("org_id"))


@blp.route("/indicators/members-over-time")
class MembersOverTime(MethodView):
    @require_permission(REPORTS_READ)
    @blp.arguments(MembersOverTimeQueryArgsSchema, location="query")
    @blp.response(200, MembersOverTimeSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """会员人数变化: monthly joins, transfers in/out, leaves and net change of a subtree over the
        last `months` months (default 24, the current month included, Beijing time), with the active
        members at the end of each month.

        The subtree is `org_id` and everything below it (default: the user's scope; outside the scope
        or another tenant's: 404). `joined`: join_date in the month, first union (before any transfer)
        in the subtree; members without a join date count as members from before the first month.
        `transferred_in`/`transferred_out`: transfers dated in the month that cross the subtree's
        boundary. `left`: members now lapsed (退会) or transferred out of the county, dated by the last
        change of their record (no leave date is kept). `members_end` is counted back from today's
        active members: the previous month's end = this month's end − this month's net.
        """
        return svc.members_over_time(current_ctx(), args.get("org_id"), args["months"])


@blp.route("/forms/org-register.xlsx")
class OrgRegisterForm(MethodView):
    @require_permission(ORGS_READ)
    @blp.arguments(FormQueryArgsSchema, location="query")
    @blp.response(200, _XLSX_DOC, description="基层工会组织实名制登记表 (.xlsx)", content_type=forms.XLSX_MIMETYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """基层工会组织实名制登记表: the active orgs of the subtree.

        Columns: 序号, 工会名称, 组织类型, 上级工会, 所在单位, 统一社会信用代码, 成立日期, 批复文号, 批复日期,
        换届日期, 主席 (current chairs), 办公地址, 电话, 会员数 (active members, 分工会 and 工会小组 included).
        """
        return _send(forms.org_register(current_ctx(), args.get("org_id")))


@blp.route("/forms/member-register.xlsx")
class MemberRegisterForm(MethodView):
    @require_permission(MEMBERS_READ)
    @blp.arguments(MemberFormQueryArgsSchema, location="query")
    @blp.response(200, _XLSX_DOC, description="工会会员实名制登记表 (.xlsx)", content_type=forms.XLSX_MIMETYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """工会会员实名制登记表: the active members of the subtree.

        ID numbers are masked (410721********1234). `reveal=true` writes them in full; it needs the
        members.reveal_pii permission (403 without it) and writes a `member.export_id_numbers` audit row.
        """
        return _send(forms.member_register(current_ctx(), args.get("org_id"), reveal=args["reveal"]))


@blp.route("/forms/cadre-register.xlsx")
class CadreRegisterForm(MethodView):
    @require_permission(CADRES_READ)
    @blp.arguments(FormQueryArgsSchema, location="query")
    @blp.response(200, _XLSX_DOC, description="工会干部实名制登记表 (.xlsx)", content_type=forms.XLSX_MIMETYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """工会干部实名制登记表: the current cadres of the subtree's orgs."""
        return _send(forms.cadre_register(current_ctx(), args.get("org_id")))


@blp.route("/forms/transfer-register.xlsx")
class TransferRegisterForm(MethodView):
    @require_permission(MEMBERS_READ)
    @blp.arguments(TransferFormQueryArgsSchema, location="query")
    @blp.response(200, _XLSX_DOC, description="工会会员组织关系接转登记表 (.xlsx)",
                  content_type=forms.XLSX_MIMETYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """工会会员组织关系接转登记表: transfers into or out of the subtree, optionally within dates."""
        return _send(forms.transfer_register(current_ctx(), args.get("org_id"), date_from=args.get("date_from"),
                                             date_to=args.get("date_to")))
