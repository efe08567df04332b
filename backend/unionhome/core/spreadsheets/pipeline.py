"""The row pipeline: open → find the header → stream rows in chunks of parsed, cell-checked rows.

``RowReader`` never holds more than one chunk: callers (an import definition) take each chunk, run
their row rules and look-ups on it (one query per chunk, not per row), stage it, and drop it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import excel_error, is_blank
from .errors import CellError, SpreadsheetError
from .headers import Column, HeaderMatch, match_headers, require_columns
from .readers import Cell, Table, Workbook
from .source import DEFAULT_LIMITS, Limits, Source, col_letters, inspect

Progress = Callable[[int, int | None], None]

FORMULA_WITHOUT_VALUE = "是公式，但文件中没有保存计算结果；请在 Excel 中打开并保存后重新上传，或将该列粘贴为数值"


@dataclass(frozen=True)
class Issue:
    """One problem of one row: ``row`` is the sheet's row number as Excel shows it (1-based), ``col``
    the 0-based column index (None for a problem of the whole row)."""

    row: int
    col: int | None
    label: str
    message: str

    def text(self) -> str:
        where = f" {self.label}" if self.label else ""
        return f"第{self.row}行{where}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": col_letters(self.col) if self.col is not None else None,
                "field": self.label, "message": self.message, "text": self.text()}


@dataclass
class ParsedRow:
    number: int  # 1-based sheet row
    values: dict[str, Any]  # column key → clean value (None when blank or invalid)
    issues: list[Issue] = field(default_factory=list)
    cells: dict[str, Any] = field(default_factory=dict)  # column key → raw cell (for messages)
    _columns: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.issues

    def error(self, key: str | None, message: str) -> None:
        """Report a problem on the cell of column ``key`` (or on the whole row when the column is not
        in the file or ``key`` is None)."""
        col, label = self._columns.get(key or "", (None, ""))
        if key and not label:
            label = key
        self.issues.append(Issue(self.number, col, label, message))


@dataclass
class RowReader:
    """Parsed rows of one table, in chunks."""

    table: Table
    header: HeaderMatch
    columns: Sequence[Column]
    limits: Limits = DEFAULT_LIMITS
    rows_read: int = 0  # non-blank data rows seen so far
    stopped_at_blank_run: int | None = None  # sheet row where reading stopped after a run of blank rows

    def chunks(self, size: int = 5000, progress: Progress | None = None) -> Iterator[list[ParsedRow]]:
        keyed = {c.key: c for c in self.columns}
        positions = {key: (idx, keyed[key].label) for key, idx in self.header.columns.items()}
        wanted = [(keyed[key], idx) for key, idx in self.header.columns.items()]
        missing_optional = {c.key: (None, c.label) for c in self.columns if c.key not in self.header.columns}
        col_map = {**missing_optional, **positions}
        formula = self.table.formula_cells
        if self.table.error_cells:  # an error value reads as blank: treat it like a cell to look at
            formula = formula | frozenset(self.table.error_cells)
        start = self.header.data_start()
        total = self.table.total_rows - start if self.table.total_rows is not None else None
        chunk: list[ParsedRow] = []
        blank_run = 0
        for index, cells in self.table.rows():
            if index < start:
                continue
            values = [(col, idx, cells[idx] if idx < len(cells) else None) for col, idx in wanted]
            if all(is_blank(v) and (index, idx) not in formula for _, idx, v in values):
                blank_run += 1
                if blank_run >= self.limits.max_blank_run:
                    self.stopped_at_blank_run = index + 1 - blank_run + 1
                    break
                continue
            blank_run = 0
            self.rows_read += 1
            if self.rows_read > self.limits.max_rows:
                raise SpreadsheetError(f"数据超过{self.limits.max_rows}行，请拆分成多个文件上传", "too_many_rows")
            chunk.append(self._parse(index + 1, values, col_map, formula))
            if len(chunk) >= size:
                yield chunk
                chunk = []
                if progress is not None:
                    progress(self.rows_read, total)
        if chunk:
            yield chunk
        if progress is not None:
            progress(self.rows_read, self.rows_read)

    def _parse(self, number: int, values: list[tuple[Column, int, Cell]], col_map: dict[str, tuple[int | None, str]],
               formula: frozenset[tuple[int, int]]) -> ParsedRow:
        row = ParsedRow(number=number, values={}, _columns=col_map)  # type: ignore[arg-type]
        for col, idx, raw in values:
            row.values[col.key] = None
            if (number - 1, idx) in formula and is_blank(raw):
                error_value = self.table.error_cells.get((number - 1, idx))
                message = (f"单元格是错误值 {error_value}（公式计算出错），请改正后重新上传" if error_value
                           else FORMULA_WITHOUT_VALUE)
                row.issues.append(Issue(number, idx, col.label, message))
                continue
            if is_blank(raw):
                if col.required:
                    row.issues.append(Issue(number, idx, col.label, col.blank_message or "不能为空"))
                continue
            row.cells[col.key] = raw
            if err := excel_error(raw):
                row.issues.append(Issue(number, idx, col.label, f"单元格是错误值 {err}（公式计算出错），请改正后重新上传"))
                continue
            try:
                row.values[col.key] = col.parse(raw)
            except CellError as e:
                row.issues.append(Issue(number, idx, col.label, e.message))
        for col in self.columns:
            if col.key not in self.header.columns:
                row.values[col.key] = None
        return row


def _preview(table: Table, n: int) -> list[list[Cell]]:
    out = []
    for index, cells in table.rows():
        if index >= n:
            break
        out.append(cells)
    return out


@dataclass
class OpenedFile:
    """An inspected, opened upload with its header found: the entry point of an import."""

    source: Source
    workbook: Workbook
    header: HeaderMatch
    columns: Sequence[Column]
    limits: Limits

    def reader(self) -> RowReader:
        return RowReader(self.header.table, self.header, self.columns, self.limits)

    def close(self) -> None:
        self.workbook.close()

    def __enter__(self) -> OpenedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_file(path: str | Path, filename: str, columns: Sequence[Column], limits: Limits = DEFAULT_LIMITS
              ) -> OpenedFile:
    """Inspect, open and find the header (in the first sheet that has one). Raises ``SpreadsheetError``."""
    source = inspect(path, filename, limits)
    workbook = Workbook(source, limits)
    try:
        best: HeaderMatch | None = None
        first_preview: list[list[Cell]] | None = None
        for table in workbook.tables():
            preview = _preview(table, limits.header_scan_rows)
            if first_preview is None or (not any(any(v is not None for v in r) for r in first_preview)):
                first_preview = preview
            match = match_headers(table, columns, preview)
            if match is None:
                continue
            if best is None or _score(match, columns) > _score(best, columns):
                best = match
            if all(c.key in match.columns for c in columns if c.required):
                best = match
                break
        if first_preview is None or not any(any(v is not None for v in r) for r in first_preview):
            raise SpreadsheetError("文件中没有数据（工作表是空的）", "empty_table")
        header = require_columns(best, columns, first_preview)
        return OpenedFile(source=source, workbook=workbook, header=header, columns=columns, limits=limits)
    except BaseException:
        workbook.close()
        raise


def _score(match: HeaderMatch, columns: Sequence[Column]) -> int:
    return sum(2 if c.required else 1 for c in columns if c.key in match.columns)
