"""The annotated copy of the user's workbook: an added 错误说明 column, bad cells filled red with a
comment holding the message.

Small .xlsx files are edited in place with openpyxl, so the user gets their own workbook back with its
formatting (``styled_copy``); anything larger, and CSV or .xls uploads, is streamed row by row into a
new .xlsx by ``xlsxwrite.AnnotatedSheet`` (memory stays flat whatever the row count; an import job
writes it a piece per slice, see ``domains/orgs/imports/engine.py``). Issues arrive as an iterator
ordered by row, so a million-row error report is never held in memory either.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .pipeline import Issue, OpenedFile
from .xlsxwrite import AnnotatedSheet, ZipEntry, workbook_entries, write_zip

log = logging.getLogger(__name__)

ERROR_COLUMN = "错误说明"
COMMENT_AUTHOR = "职工之家云"
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
ROW_FILL = PatternFill("solid", fgColor="FFEB9C")
BAD_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True, color="9C0006")
# openpyxl loads and saves a whole workbook in one go (~0.5 s per 1,000 rows on the 2-core machine): an
# import job cannot hand the worker over in the middle, so only small files are edited in place.
STYLED_MAX_ROWS = 5_000
STYLED_MAX_BYTES = 2 * 1024 * 1024

RowIssues = tuple[int, list[Issue]]  # (1-based sheet row, its issues)


def row_text(issues: list[Issue]) -> str:
    return "；".join(f"{i.label}：{i.message}" if i.label else i.message for i in issues)


def by_cell(issues: list[Issue]) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    for i in issues:
        if i.col is not None:
            out.setdefault(i.col, []).append(i.message)
    return {c: "；".join(msgs) for c, msgs in out.items()}


def write_annotated(opened: OpenedFile, issues: Iterable[RowIssues], out: Path, *,
                    stop_row: int | None = None) -> None:
    """Write the annotated copy to ``out``. ``stop_row``: last sheet row worth copying (1-based; the
    reader stopped there after a run of blank rows)."""
    source, table = opened.source, opened.header.table
    sheet = next((s for s in source.sheets if s.name == table.name), None)
    rows = (sheet.max_row or sheet.dimension_rows or 0) if sheet is not None else None
    small = rows is not None and rows <= STYLED_MAX_ROWS and source.size <= STYLED_MAX_BYTES
    if source.kind == "xlsx" and small and styled_copy(opened, issues, out):
        return
    _streamed(opened, issues, out, stop_row)


def styled_copy(opened: OpenedFile, issues: Iterable[RowIssues], out: Path) -> bool:
    """The user's own workbook (openpyxl, formatting kept) with the problems marked; False when
    openpyxl cannot take the file (stricter than the readers about odd files)."""
    try:
        _styled(opened, issues, out)
        return True
    except Exception:
        log.warning("annotating in place failed; writing a plain copy", exc_info=True)
        return False


def _styled(opened: OpenedFile, issues: Iterable[RowIssues], out: Path) -> None:
    header = opened.header
    with opened.source.path.open("rb") as f:  # a file object: openpyxl would insist on an .xlsx name
        wb = load_workbook(f, rich_text=False)
    ws = wb[header.table.name]
    err_col = header.width + 1
    head = ws.cell(row=header.header_row + 1, column=err_col, value=ERROR_COLUMN)
    head.font = HEADER_FONT
    ws.column_dimensions[get_column_letter(err_col)].width = 60
    for number, row_issues in issues:
        cell = ws.cell(row=number, column=err_col, value=row_text(row_issues))
        cell.font = BAD_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, message in by_cell(row_issues).items():
            bad = ws.cell(row=number, column=col + 1)
            bad.fill = BAD_FILL
            bad.comment = Comment(message, COMMENT_AUTHOR, width=300, height=80)
    wb.save(out)
    wb.close()


def _streamed(opened: OpenedFile, issues: Iterable[RowIssues], out: Path, stop_row: int | None) -> None:
    header = opened.header
    width = header.width
    writer = AnnotatedSheet(width=width)
    writer.begin()
    pieces: dict[str, list[bytes]] = {"s": [], "c": [], "v": []}
    pending: Iterator[RowIssues] = iter(issues)
    nxt = next(pending, None)
    for count, (index, cells) in enumerate(header.table.rows(), 1):
        number = index + 1
        if stop_row is not None and number > stop_row and (nxt is None or nxt[0] > stop_row):
            break
        while nxt is not None and nxt[0] < number:
            nxt = next(pending, None)
        if index == header.header_row:
            writer.row(number, cells, None, ERROR_COLUMN, header=True)
        elif nxt is not None and nxt[0] == number:
            writer.row(number, cells, by_cell(nxt[1]), row_text(nxt[1]))
        else:
            writer.row(number, cells)
        if count % 20000 == 0:
            for k, data in writer.take().items():
                pieces[k].append(data)
    writer.end([f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
                for (r0, c0), (r1, c1) in header.table.merged if r1 <= header.header_row and c1 < width])
    for k, data in writer.take(final=True).items():
        pieces[k].append(data)
    state = writer.state()

    def entry(k: str) -> ZipEntry:
        return ZipEntry("", state[k]["crc"], state[k]["u"], state[k]["c"], pieces[k])

    comments = writer.comments > 0
    with out.open("wb") as f:
        write_zip(f, workbook_entries(header.table.name or "Sheet1", entry("s"), entry("c") if comments else None,
                                      entry("v") if comments else None))
