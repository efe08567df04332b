"""The public notice as it is posted: .xlsx and .pdf, names and ID numbers masked (张*明,
410721********1234).

Nothing here decrypts: the ID column is built from the plain parts kept beside the ciphertext (region
code and last four), so a full ID number cannot reach a notice by mistake. The PDF uses reportlab's
built-in CJK font STSong-Light (Adobe's CID font, not embedded: every PDF reader ships it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from ....core.clock import today as china_today
from ....core.cnid import mask_name
from ....core.errors import InvalidState
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ..models import CondolenceCategory, CondolenceLine
from ..workflow_models import CondolenceNotice, CondolenceNoticeLine
from .scope import get_campaign, org_names, root_org
from .sheets import PDF_MIMETYPE, Col, Export, Progress, Sheet, counted, safe_name, write_workbook, yuan

COLUMNS = (Col("序号", 7), Col("姓名", 10), Col("身份证号码", 22), Col("工作单位", 34), Col("推荐单位", 30),
           Col("慰问类别", 14), Col("慰问金（元）", 12, money=True), Col("慰问品（元）", 12, money=True))
STREAM_BATCH = 2000
ROWS_PER_PAGE = 24  # about, on an A4 landscape page of the PDF


def _masked_id(region: str | None, last4: str | None, raw_masked: str | None) -> str:
    if region and last4:
        return f"{region}********{last4}"
    return raw_masked or ""


def notice_rows(notice: CondolenceNotice) -> Iterator[tuple[Any, ...]]:
    """(姓名, 身份证号码, 工作单位, 推荐单位, 类别, 慰问金, 慰问品), all masked, in notice order."""
    tid = current_tenant_id()
    line_org = aliased(Org, name="line_org")
    stmt = (select(CondolenceLine.name, CondolenceLine.id_region, CondolenceLine.id_last4, CondolenceLine.id_raw_masked,
                   CondolenceLine.work_unit, line_org.name, CondolenceCategory.name, CondolenceLine.category_code,
                   CondolenceLine.cash_fen, CondolenceLine.goods_fen)
            .select_from(CondolenceNoticeLine)
            .join(CondolenceLine, and_(CondolenceLine.tenant_id == tid, CondolenceLine.id == CondolenceNoticeLine.line_id))
            .join(line_org, and_(line_org.tenant_id == tid, line_org.id == CondolenceLine.org_id))
            .outerjoin(CondolenceCategory, and_(CondolenceCategory.tenant_id == tid,
                                                CondolenceCategory.campaign_id == CondolenceLine.campaign_id,
                                                CondolenceCategory.code == CondolenceLine.category_code))
            .where(CondolenceNoticeLine.tenant_id == tid, CondolenceNoticeLine.notice_id == notice.id)
            .order_by(CondolenceNoticeLine.seq))
    for name, region, last4, raw, unit, org_name, cat_name, cat_code, cash, goods in db.session.execute(
            stmt.execution_options(yield_per=STREAM_BATCH)):
        yield (mask_name(name), _masked_id(region, last4, raw), unit or "", org_name, cat_name or cat_code or "",
               cash, goods)


def _texts(notice: CondolenceNotice) -> tuple[str, list[str], list[str], str]:
    issuer = org_names({notice.org_id}).get(notice.org_id) or root_org().name
    days = (notice.end_date - notice.start_date).days + 1
    info = [
        f"经基层工会推荐、镇街工会审核、县总工会审定，现将{notice.line_count}名慰问对象予以公示，"
        f"慰问金合计{notice.cash_fen / 100:.2f}元，慰问品合计{notice.goods_fen / 100:.2f}元。",
        f"公示期：{_cn_date(notice.start_date)}至{_cn_date(notice.end_date)}（共{days}天）    公示地点：{notice.place}",
    ]
    footer = [
        "公示期内如有异议，请以书面或当面方式向县总工会反映" + (f"（联系方式：{notice.contact}）" if notice.contact else "")
        + "；为保护个人信息，姓名和身份证号码已作部分隐藏。",
    ]
    if notice.remark:
        footer.append(notice.remark)
    return issuer, info, footer, f"{issuer}    {_cn_date(china_today())}"


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def require_lines(notice: CondolenceNotice) -> None:
    """A notice whose lines are written (not while its job prepares them, nor after that failed)."""
    if notice.status == "preparing":
        raise InvalidState("公示名单正在生成，请稍候")
    if notice.status == "failed":
        raise InvalidState("公示名单生成失败，请撤回后重新生成")


def notice_xlsx(ctx: RequestContext, notice: CondolenceNotice, progress: Progress | None = None) -> Export:
    get_campaign(ctx, notice.campaign_id)
    require_lines(notice)
    issuer, info, footer, sign = _texts(notice)
    rows = ([a, b, c, d, e, yuan(f), yuan(g)]
            for a, b, c, d, e, f, g in counted(notice_rows(notice), progress, notice.line_count))
    out, n = write_workbook([Sheet(title=notice.title, columns=COLUMNS, rows=rows, info=info,
                                   footer=["", *footer, sign], name="公示名单")])
    return Export(out, f"{safe_name(notice.title)}.xlsx", f"notice-{notice.id}.xlsx", n)


_FONT = "STSong-Light"
_font_ready = False


def _register_font() -> None:
    global _font_ready
    if not _font_ready:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
        _font_ready = True


def notice_pdf(ctx: RequestContext, notice: CondolenceNotice, progress: Progress | None = None) -> Export:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    get_campaign(ctx, notice.campaign_id)
    require_lines(notice)
    _register_font()
    issuer, info, footer, sign = _texts(notice)
    title_style = ParagraphStyle("t", fontName=_FONT, fontSize=18, leading=26, alignment=1, spaceAfter=6)
    body = ParagraphStyle("b", fontName=_FONT, fontSize=10.5, leading=16, firstLineIndent=21)
    cell = ParagraphStyle("c", fontName=_FONT, fontSize=9, leading=11)
    right = ParagraphStyle("r", fontName=_FONT, fontSize=10.5, leading=16, alignment=2)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to send_file, which closes it
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=notice.title, author=issuer)
    widths = [12 * mm, 20 * mm, 44 * mm, 62 * mm, 52 * mm, 28 * mm, 24 * mm, 24 * mm]
    header = [c.header for c in COLUMNS]
    style = TableStyle([
        ("FONT", (0, 0), (-1, -1), _FONT, 9), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E1F2")), ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (6, 1), (7, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ])
    story: list[Any] = [Paragraph(notice.title, title_style), *[Paragraph(t, body) for t in info], Spacer(1, 4 * mm)]
    chunk: list[list[Any]] = []
    n = 0
    # Tables of a few hundred rows each: reportlab splits one huge table across pages in quadratic time.
    for n, (name, idm, unit, org_name, cat, cash, goods) in enumerate(
            counted(notice_rows(notice), progress, 2 * notice.line_count), start=1):
        chunk.append([str(n), name, idm, Paragraph(unit, cell), Paragraph(org_name, cell), cat,
                      f"{cash / 100:.2f}", f"{goods / 100:.2f}"])
        if len(chunk) == 300:
            story.append(Table([header, *chunk], colWidths=widths, repeatRows=1, style=style))
            chunk = []
    if chunk or n == 0:
        story.append(Table([header, *chunk], colWidths=widths, repeatRows=1, style=style))
    story += [Spacer(1, 4 * mm), *[Paragraph(t, body) for t in footer], Spacer(1, 6 * mm), Paragraph(sign, right)]
    pages = [0]

    def on_page(canvas: Any, doc: Any) -> None:
        # Building the pages takes most of the time: the second half of the progress bar.
        pages[0] += 1
        if progress is not None and pages[0] % 20 == 0:
            progress(n + min(n - 1, pages[0] * ROWS_PER_PAGE), 2 * n)

    try:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return Export(out, f"{safe_name(notice.title)}.pdf", f"notice-{notice.id}.pdf", n, PDF_MIMETYPE)

