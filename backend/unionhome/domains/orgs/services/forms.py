"""The four real-name registration forms of the organisation-building drive (实名制登记表, domain.md W7
and §5.2), as .xlsx files ready to print and send to the county 组宣部:

* 基层工会组织实名制登记表 (`org_register`): the active orgs of the subtree;
* 工会会员实名制登记表 (`member_register`): its active members, ID numbers masked unless revealed;
* 工会干部实名制登记表 (`cadre_register`): its current cadres;
* 工会会员组织关系接转登记表 (`transfer_register`): transfers into or out of the subtree.

Every sheet is written in openpyxl's write-only mode, rows streamed from a server-side cursor into a
temporary file, so a 100,000-member register is exported with bounded memory. Layout: a merged title
row, a subtitle row (填报单位, 导出日期), a bold bordered header row, panes frozen below it.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from sqlalchemy import BigInteger, String, and_, case, cast, func, literal, null, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from ....core import audit
from ....core.clock import today as china_today
from ....core.cnid import mask_id_number
from ....core.db import transaction
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import MEMBERS_REVEAL_PII
from ..models import (
    CADRE_POSTS,
    EMPLOYMENT_TYPES,
    MEMBER_CARD_STATUSES,
    ORG_TYPES,
    Cadre,
    Employer,
    Member,
    MemberTransfer,
    Org,
)
from ..repository import OrgRepository, subtree_clause, transfers_scoped
from .indicators import report_root

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STREAM_BATCH = 2000
GENDERS = {"M": "男", "F": "女"}


@dataclass(frozen=True)
class Column:
    header: str
    width: float


@dataclass
class Export:
    """A finished workbook: an open temporary file positioned at 0 (deleted once closed)."""

    file: IO[bytes]
    filename: str  # Chinese, e.g. 新乡县总工会-工会会员实名制登记表-20260510.xlsx
    ascii_filename: str  # fallback for old clients, e.g. member-register-20260510.xlsx
    rows: int


# ---- the sheet writer ------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def _write(form_code: str, form_title: str, node: Org, scope_name: str, columns: Sequence[Column],
           rows: Iterable[Sequence[Any]]) -> Export:
    """Stream `rows` (without 序号, which is added here) into a one-sheet workbook."""
    today = china_today()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=form_title[:31])
    last = get_column_letter(len(columns))
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[3].height = 24
    ws.merged_cells.add(CellRange(f"A1:{last}1"))
    ws.merged_cells.add(CellRange(f"A2:{last}2"))
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"

    title = WriteOnlyCell(ws, value=f"{node.name} {form_title}")
    title.font = Font(name="宋体", size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([title])
    subtitle = WriteOnlyCell(ws, value=f"填报单位：{scope_name}        导出日期：{today.isoformat()}")
    subtitle.alignment = Alignment(horizontal="left", vertical="center")
    ws.append([subtitle])
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = Font(bold=True)
        cell.border = _BORDER
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)

    n = 0
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])

    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to send_file, which closes it)
    try:
        wb.save(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    safe_name = _UNSAFE_FILENAME.sub("_", node.name)
    return Export(file=out, filename=f"{safe_name}-{form_title}-{today:%Y%m%d}.xlsx",
                  ascii_filename=f"{form_code}-{today:%Y%m%d}.xlsx", rows=n)


def _stream(stmt: Any) -> Iterable[Any]:
    """Rows of `stmt` from a server-side cursor, `STREAM_BATCH` at a time."""
    yield from db.session.execute(stmt.execution_options(yield_per=STREAM_BATCH))


def _scope_name(ctx: RequestContext, node: Org) -> str:
    """填报单位: the org the user works for (the top of its scope)."""
    if ctx.scope_org_id is not None:
        names = OrgRepository().names({ctx.scope_org_id})
        if ctx.scope_org_id in names:
            return names[ctx.scope_org_id]
    root = OrgRepository().root()
    return root.name if root is not None else node.name


def _period(start: date | None, end: date | None) -> str | None:
    if start is None and end is None:
        return None
    return f"{start.isoformat() if start else ''}至{end.isoformat() if end else ''}"


# ---- 基层工会组织实名制登记表 ---------------------------------------------------------------------------

ORG_COLUMNS = (
    Column("序号", 7), Column("工会名称", 34), Column("组织类型", 16), Column("上级工会", 28), Column("所在单位", 30),
    Column("统一社会信用代码", 22), Column("成立日期", 12), Column("批复文号", 18), Column("批复日期", 12),
    Column("换届日期", 12), Column("主席", 12), Column("办公地址", 30), Column("电话", 16), Column("会员数", 9),
)


def _member_totals_by_org(tid: int, path: str) -> Any:
    """Active members per org counted with everything below it (a union's row includes its 分工会 and
    工会小组): members are summed per union, then each sum is added to every ancestor on its path."""
    per_org = (select(Member.org_id, func.count().label("n"))
               .select_from(Member)
               .join(Org, and_(Org.tenant_id == tid, Org.id == Member.org_id))
               .where(Member.tenant_id == tid, Member.status == "active", subtree_clause(Org.path, path))
               .group_by(Member.org_id)).subquery()
    holder = aliased(Org)
    exploded = (select(func.unnest(func.string_to_array(func.btrim(holder.path, "/"), "/")).label("ancestor"),
                       per_org.c.n)
                .select_from(per_org)
                .join(holder, and_(holder.tenant_id == tid, holder.id == per_org.c.org_id))).subquery()
    return (select(cast(exploded.c.ancestor, BigInteger).label("org_id"), func.sum(exploded.c.n).label("n"))
            .group_by(exploded.c.ancestor)).subquery()


def org_register(ctx: RequestContext, org_id: int | None = None) -> Export:
    node = report_root(ctx, org_id)
    tid = current_tenant_id()
    org, parent = aliased(Org), aliased(Org)
    chairs = (select(Cadre.org_id,
                     func.string_agg(Cadre.name, aggregate_order_by(literal("、", String), Cadre.id)).label("names"))
              .where(Cadre.tenant_id == tid, Cadre.post == "chair", Cadre.is_current.is_(True))
              .group_by(Cadre.org_id)).subquery()
    members = _member_totals_by_org(tid, node.path)
    stmt = (
        select(org.name, org.org_type, parent.name, Employer.name, Employer.credit_code, org.founded_date,
               org.approval_number, org.approval_date, org.reelection_due_date, chairs.c.names,
               org.office_address, org.office_phone, func.coalesce(members.c.n, 0))
        .select_from(org)
        .outerjoin(parent, and_(parent.tenant_id == tid, parent.id == org.parent_id))
        .outerjoin(Employer, and_(Employer.tenant_id == tid, Employer.id == org.employer_id))
        .outerjoin(chairs, chairs.c.org_id == org.id)
        .outerjoin(members, members.c.org_id == org.id)
        .where(org.tenant_id == tid, org.is_active.is_(True), subtree_clause(org.path, node.path))
        .order_by(org.path, org.id)
    )
    rows = ((name, ORG_TYPES.get(t, t), *rest[:-1], int(rest[-1])) for name, t, *rest in _stream(stmt))
    return _write("org-register", "基层工会组织实名制登记表", node, _scope_name(ctx, node), ORG_COLUMNS, rows)


# ---- 工会会员实名制登记表 -------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    Column("序号", 8), Column("姓名", 10), Column("性别", 6), Column("身份证号", 22), Column("出生日期", 12),
    Column("手机", 14), Column("所属工会", 32), Column("工作单位", 32), Column("用工类型", 11), Column("入会日期", 12),
    Column("会员卡状态", 11),
)


def member_register(ctx: RequestContext, org_id: int | None = None, *, reveal: bool = False) -> Export:
    """Active members of the subtree. ID numbers are masked (410721********1234) unless `reveal` is
    asked for by a user holding members.reveal_pii; such an export writes one audit row."""
    if reveal:
        ctx.require(MEMBERS_REVEAL_PII)
    node = report_root(ctx, org_id)
    tid = current_tenant_id()
    org = aliased(Org)
    stmt = (
        select(Member.name, Member.gender, Member.id_region_code, Member.id_last4, Member.birth_date, Member.mobile,
               org.name, Employer.name, Member.employment_type, Member.join_date, Member.member_card_status,
               Member.id_number_enc if reveal else null().label("id_number_enc"))
        .select_from(Member)
        .join(org, and_(org.tenant_id == tid, org.id == Member.org_id))
        .outerjoin(Employer, and_(Employer.tenant_id == tid, Employer.id == Member.employer_id))
        .where(Member.tenant_id == tid, Member.status == "active", subtree_clause(org.path, node.path))
        .order_by(org.path, Member.id)
    )
    cipher = get_cipher() if reveal else None

    def rows() -> Iterable[Sequence[Any]]:
        for (name, gender, region, last4, birth, mobile, org_name, employer, emp_type, joined, card,
             enc) in _stream(stmt):
            number = (cipher.decrypt(tid, enc) if cipher is not None
                      else mask_id_number(f"{region}{'0' * 8}{last4}"))
            yield (name, GENDERS.get(gender, gender), number, birth, mobile, org_name, employer,
                   EMPLOYMENT_TYPES.get(emp_type, emp_type), joined, MEMBER_CARD_STATUSES.get(card, card))

    export = _write("member-register", "工会会员实名制登记表", node, _scope_name(ctx, node), MEMBER_COLUMNS, rows())
    if reveal:
        try:
            with transaction():
                audit.record(ctx, "member.export_id_numbers", "org", node.id,
                             {"form": "member-register", "rows": export.rows, "org_name": node.name})
        except BaseException:
            export.file.close()
            raise
    return export


# ---- 工会干部实名制登记表 -------------------------------------------------------------------------------

CADRE_COLUMNS = (
    Column("序号", 7), Column("姓名", 10), Column("性别", 6), Column("所在工会", 32), Column("职务", 14),
    Column("专/兼职", 9), Column("任期起止", 24), Column("办公电话", 16), Column("手机", 14),
)


def cadre_register(ctx: RequestContext, org_id: int | None = None) -> Export:
    """Current cadres (is_current) of the orgs in the subtree, grouped by org, posts in code-list order."""
    node = report_root(ctx, org_id)
    tid = current_tenant_id()
    org = aliased(Org)
    post_rank = case({post: i for i, post in enumerate(CADRE_POSTS)}, value=Cadre.post, else_=len(CADRE_POSTS))
    stmt = (
        select(Cadre.name, Cadre.gender, org.name, Cadre.post, Cadre.full_time, Cadre.term_start, Cadre.term_end,
               Cadre.office_phone, Cadre.mobile)
        .select_from(Cadre)
        .join(org, and_(org.tenant_id == tid, org.id == Cadre.org_id))
        .where(Cadre.tenant_id == tid, Cadre.is_current.is_(True), subtree_clause(org.path, node.path))
        .order_by(org.path, post_rank, Cadre.id)
    )
    rows = ((name, GENDERS.get(gender or "", gender), org_name, CADRE_POSTS.get(post, post),
             "专职" if full_time else "兼职", _period(start, end), office, mobile)
            for name, gender, org_name, post, full_time, start, end, office, mobile in _stream(stmt))
    return _write("cadre-register", "工会干部实名制登记表", node, _scope_name(ctx, node), CADRE_COLUMNS, rows)


# ---- 工会会员组织关系接转登记表 --------------------------------------------------------------------------

TRANSFER_COLUMNS = (
    Column("序号", 7), Column("姓名", 10), Column("转出工会", 34), Column("转入工会", 34), Column("接转日期", 12),
    Column("原因", 30),
)


def transfer_register(ctx: RequestContext, org_id: int | None = None, *, date_from: date | None = None,
                      date_to: date | None = None) -> Export:
    """Transfers whose source or destination union lies in the subtree, oldest first."""
    node = report_root(ctx, org_id)
    tid = current_tenant_id()
    ids = transfers_scoped(ctx, node.path).with_only_columns(MemberTransfer.id)
    if date_from:
        ids = ids.where(MemberTransfer.transfer_date >= date_from)
    if date_to:
        ids = ids.where(MemberTransfer.transfer_date <= date_to)
    src, dst = aliased(Org), aliased(Org)
    stmt = (
        select(Member.name, src.name, dst.name, MemberTransfer.transfer_date, MemberTransfer.reason)
        .select_from(MemberTransfer)
        .join(Member, and_(Member.tenant_id == tid, Member.id == MemberTransfer.member_id))
        .join(src, and_(src.tenant_id == tid, src.id == MemberTransfer.from_org_id))
        .join(dst, and_(dst.tenant_id == tid, dst.id == MemberTransfer.to_org_id))
        .where(MemberTransfer.tenant_id == tid, MemberTransfer.id.in_(ids))
        .order_by(MemberTransfer.transfer_date, MemberTransfer.id)
    )
    return _write("transfer-register", "工会会员组织关系接转登记表", node, _scope_name(ctx, node), TRANSFER_COLUMNS,
                  (tuple(r) for r in _stream(stmt)))
