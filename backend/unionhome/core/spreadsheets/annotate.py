"""The annotated copy of the user's workbook: an added 错误说明 column, bad cells filled red with a
comment holding the message.

Small .xlsx files are edited in place with openpyxl, so the user gets their own workbook back with its
formatting; anything larger, and CSV or .xls uploads, is streamed row by row into a new .xlsx
(openpyxl's write-only mode: memory stays flat whatever the row count). Issues arrive as an iterator
ordered by row, so a million-row error report is never held in memory either.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from .pipeline import Issue, OpenedFile

log = logging.getLogger(__name__)

ERROR_COLUMN = "错误说明"
COMMENT_AUTHOR = "职工之家云"
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
ROW_FILL = PatternFill("solid", fgColor="FFEB9C")
BAD_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True, color="9C0006")
STYLED_MAX_ROWS = 20_000
STYLED_MAX_BYTES = 8 * 1024 * 1024

RowIssues = tuple[int, list[Issue]]  # (1-based sheet row, its issues)


def row_text(issues: list[Issue]) -> str:
    return "；".join(f"{i.label}：{i.message}" if i.label else i.message for i in issues)


def _by_cell(issues: list[Issue]) -> dict[int, str]:
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
    small = sheet is not None and sheet.max_row <= STYLED_MAX_ROWS and source.size <= STYLED_MAX_BYTES
    if source.kind == "xlsx" and small:
        try:
            _styled(opened, issues, out)
            return
        except Exception:  # openpyxl is stricter than calamine about odd files: fall back to a plain copy
            log.warning("annotating in place failed; writing a plain copy", exc_info=True)
    _streamed(opened, issues, out, stop_row)


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
        for col, message in _by_cell(row_issues).items():
            bad = ws.cell(row=number, column=col + 1)
            bad.fill = BAD_FILL
            bad.comment = Comment(message, COMMENT_AUTHOR, width=300, height=80)
    wb.save(out)
    wb.close()


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(ws: Any, value: Any) -> Cell:
    cell = WriteOnlyCell(ws, value=_plain(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # the user's text, never a formula in our copy
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _streamed(opened: OpenedFile, issues: Iterable[RowIssues], out: Path, stop_row: int | None) -> None:
    header = opened.header
    width = header.width
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(header.table.name or "Sheet1")[:31])
    ws.column_dimensions[get_column_letter(width + 1)].width = 60
    for (r0, c0), (r1, c1) in header.table.merged:
        if r1 <= header.header_row and c1 < width:  # title and header merges
            ws.merged_cells.add(CellRange(min_row=r0 + 1, min_col=c0 + 1, max_row=r1 + 1, max_col=c1 + 1))
    pending: Iterator[RowIssues] = iter(issues)
    nxt = next(pending, None)
    for index, cells in header.table.rows():
        number = index + 1
        if stop_row is not None and number > stop_row and (nxt is None or nxt[0] > stop_row):
            break
        row: list[Any] = [_cell(ws, v) if v is not None else None for v in cells[:width]]
        row += [None] * (width - len(row))
        note: Any = None
        if index == header.header_row:
            note = WriteOnlyCell(ws, value=ERROR_COLUMN)
            note.font = HEADER_FONT
        while nxt is not None and nxt[0] < number:
            nxt = next(pending, None)
        if nxt is not None and nxt[0] == number:
            row_issues = nxt[1]
            for col, message in _by_cell(row_issues).items():
                if col >= width:
                    continue
                bad = row[col] if isinstance(row[col], Cell) else WriteOnlyCell(ws, value=None)
                bad.fill = BAD_FILL
                bad.comment = Comment(message, COMMENT_AUTHOR, width=300, height=80)
                row[col] = bad
            note = WriteOnlyCell(ws, value=row_text(row_issues))
            note.font = BAD_FONT
        ws.append([*row, note] if note is not None else row)
    wb.save(out)
