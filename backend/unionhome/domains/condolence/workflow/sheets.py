"""The workbooks the workflow hands out (notice, 安排表, bank file, upward report): one writer in
openpyxl's write-only mode — title, info lines, a bold bordered header, rows streamed, footer lines —
into a temporary file that the route streams and closes."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIMETYPE = "application/pdf"
CSV_MIMETYPE = "text/csv"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    text: bool = False  # keep as text (card numbers: Excel must not turn them into numbers)
    money: bool = False  # yuan with two decimals


@dataclass
class Export:
    """A finished file: an open temporary file at position 0 (deleted when closed)."""

    file: IO[bytes]
    filename: str
    ascii_filename: str
    rows: int
    mimetype: str = XLSX_MIMETYPE


Progress = Callable[[int, int | None], None]  # (rows done, rows in all) for a job's progress bar
PROGRESS_EVERY = 2000


def counted(rows: Iterable[Any], progress: Progress | None, total: int | None) -> Iterator[Any]:
    """`rows`, reporting every PROGRESS_EVERY rows (and at the end) to `progress`."""
    if progress is None:
        yield from rows
        return
    n = 0
    for n, row in enumerate(rows, start=1):
        if n % PROGRESS_EVERY == 0:
            progress(n, total)
        yield row
    progress(n, total)


def safe_name(name: str) -> str:
    return _UNSAFE.sub("_", name)[:80]


def yuan(fen: int | None) -> float | None:
    """Fen as yuan for a cell formatted 0.00 (exact for any amount below 2^53 fen)."""
    return None if fen is None else fen / 100


@dataclass
class Sheet:
    title: str
    columns: Sequence[Col]
    rows: Iterable[Sequence[Any]]
    info: Sequence[str] = ()
    footer: Sequence[str] = ()
    name: str | None = None
    numbered: bool = True  # the first column is 序号, filled here
    total: Sequence[Any] | None = None  # a 合计 row after the data (without 序号), in bold


def write_workbook(sheets: Sequence[Sheet]) -> tuple[IO[bytes], int]:
    """All sheets into one workbook; returns the file and the number of data rows of the first sheet."""
    wb = Workbook(write_only=True)
    first_rows = 0
    for i, sheet in enumerate(sheets):
        n = _write_sheet(wb, sheet)
        if i == 0:
            first_rows = n
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to send_file, which closes it
    try:
        wb.save(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out, first_rows


def _write_sheet(wb: Workbook, sheet: Sheet) -> int:
    ws = wb.create_sheet(title=(sheet.name or sheet.title)[:31])
    cols = sheet.columns
    last = get_column_letter(len(cols))
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    top = 1 + len(sheet.info)
    for r in range(1, top + 1):
        ws.merged_cells.add(CellRange(f"A{r}:{last}{r}"))
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = f"A{top + 2}"
    ws.print_title_rows = f"{top + 1}:{top + 1}"
    title = WriteOnlyCell(ws, value=sheet.title)
    title.font = Font(name="宋体", size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([title])
    for line in sheet.info:
        cell = WriteOnlyCell(ws, value=line)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.append([cell])
    header = []
    for col in cols:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = Font(bold=True)
        cell.border = _BORDER
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    # One style per column, registered once and copied into every cell: assigning a Border or a
    # number format to each cell hashes the style objects every time (a third of a 300,000-row file).
    styles = []
    for col in cols:
        template = WriteOnlyCell(ws)
        template.border = _BORDER
        if col.text:
            template.number_format = "@"
        elif col.money:
            template.number_format = "0.00"
        styles.append(template._style)  # noqa: SLF001
    n = 0
    for n, row in enumerate(sheet.rows, start=1):
        values = [n, *row] if sheet.numbered else list(row)
        cells = []
        for style, value in zip(styles, values, strict=False):
            cell = WriteOnlyCell(ws, value=value)
            cell._style = copy(style)  # noqa: SLF001
            cells.append(cell)
        ws.append(cells)
    if sheet.total is not None:
        cells = []
        for col, value in zip(cols, ["", *sheet.total] if sheet.numbered else list(sheet.total), strict=False):
            cell = WriteOnlyCell(ws, value=value)
            cell.border, cell.font = _BORDER, Font(bold=True)
            if col.money:
                cell.number_format = "0.00"
            cells.append(cell)
        ws.append(cells)
    for line in sheet.footer:
        ws.append([line])
    return n
