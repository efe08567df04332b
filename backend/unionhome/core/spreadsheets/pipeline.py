"""The row pipeline: open → find the header → stream rows in chunks of parsed, cell-checked rows.

``RowReader`` never holds more than one chunk: callers (an import definition) take each chunk, run
their row rules and look-ups on it (one query per chunk, not per row), stage it, and drop it.

A reader can stop after any chunk and be resumed elsewhere: ``reader.state()`` (JSON-able: where the
table stands, rows read, the current run of blank rows) is what a job checkpoints with the chunk's
staged rows, and ``opened.reader(state)`` goes on from there.
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
from .xlsx import ErrorValue, FormulaWithoutValue

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
    """Parsed rows of one table, in chunks; resumable (``state()``, ``OpenedFile.reader(state)``)."""

    table: Table
    header: HeaderMatch
    columns: Sequence[Column]
    limits: Limits = DEFAULT_LIMITS
    rows_read: int = 0  # non-blank data rows seen so far
    stopped_at_blank_run: int | None = None  # sheet row where reading stopped after a run of blank rows
    done: bool = False  # the table has been read to its end (or to a run of blank rows)
    position: dict[str, Any] | None = None  # the table's position after the last row consumed
    last_index: int = -1  # 0-based index of the last row consumed (-1: none)
    blank_run: int = 0  # blank rows (present or missing) since the last non-blank one
    blank_start: int = 0  # 0-based index of the first row of that run

    def state(self) -> dict[str, Any]:
        """Where this reader stands, after the last chunk it handed out."""
        return {"pos": self.position, "rows": self.rows_read, "last": self.last_index, "blank": self.blank_run,
                "blank_start": self.blank_start, "stopped": self.stopped_at_blank_run, "done": self.done}

    def restore(self, state: dict[str, Any] | None) -> RowReader:
        if state:
            self.position, self.rows_read, self.last_index = state["pos"], int(state["rows"]), int(state["last"])
            self.blank_run, self.blank_start = int(state["blank"]), int(state.get("blank_start") or 0)
            self.stopped_at_blank_run, self.done = state.get("stopped"), bool(state.get("done"))
        return self

    @property
    def total(self) -> int | None:
        """Data rows expected (from the sheet's extent or the CSV's line count; None if unknown)."""
        total = self.table.total_rows
        return max(0, total - self.header.data_start()) if total is not None else None

    def chunks(self, size: int = 5000, progress: Progress | None = None) -> Iterator[list[ParsedRow]]:
        if self.done:
            return
        keyed = {c.key: c for c in self.columns}
        positions = {key: (idx, keyed[key].label) for key, idx in self.header.columns.items()}
        wanted = [(keyed[key], idx) for key, idx in self.header.columns.items()]
        missing_optional = {c.key: (None, c.label) for c in self.columns if c.key not in self.header.columns}
        col_map = {**missing_optional, **positions}
        formula = self.table.formula_cells
        if self.table.error_cells:  # an error value reads as blank: treat it like a cell to look at
            formula = formula | frozenset(self.table.error_cells)
        start = self.header.data_start()
        if self.last_index < start - 1:
            self.last_index = start - 1
        total = self.total
        chunk: list[ParsedRow] = []
        max_blank = self.limits.max_blank_run
        table = self.table
        for index, cells in table.rows(self.position):
            if index < start:
                continue
            gap = index - self.last_index - 1  # rows the file leaves out are blank rows
            self.last_index = index
            values = [(col, idx, cells[idx] if idx < len(cells) else None) for col, idx in wanted]
            blank = all(is_blank(v) and (index, idx) not in formula for _, idx, v in values)
            if gap > 0 or blank:
                if self.blank_run == 0:
                    self.blank_start = index - gap
                self.blank_run += gap + blank
                if self.blank_run >= max_blank:
                    self.stopped_at_blank_run = self.blank_start + 1
                    break
                if blank:
                    self.position = table.position
                    continue
            self.blank_run = 0
            self.rows_read += 1
            if self.rows_read > self.limits.max_rows:
                raise SpreadsheetError(f"数据超过{self.limits.max_rows}行，请拆分成多个文件上传", "too_many_rows")
            chunk.append(self._parse(index + 1, values, col_map, formula))
            self.position = table.position
            if len(chunk) >= size:
                yield chunk
                chunk = []
                if progress is not None:
                    progress(self.rows_read, total)
        self.done = True
        if chunk:
            yield chunk
        if progress is not None:
            progress(self.rows_read, self.rows_read)

    def _parse(self, number: int, values: list[tuple[Column, int, Cell]], col_map: dict[str, tuple[int | None, str]],
               formula: frozenset[tuple[int, int]]) -> ParsedRow:
        row = ParsedRow(number=number, values={}, _columns=col_map)  # type: ignore[arg-type]
        out, issues = row.values, row.issues
        for col, idx, raw in values:
            out[col.key] = None
            if raw is None or type(raw) is str:  # the usual cells first, without the rarer checks
                blank = is_blank(raw)
            elif isinstance(raw, _SENTINELS):
                message = (f"单元格是错误值 {raw.code}（公式计算出错），请改正后重新上传" if isinstance(raw, ErrorValue)
                           else FORMULA_WITHOUT_VALUE)
                issues.append(Issue(number, idx, col.label, message))
                continue
            else:
                blank = False
            if blank:
                if formula and (number - 1, idx) in formula:
                    error_value = self.table.error_cells.get((number - 1, idx))
                    message = (f"单元格是错误值 {error_value}（公式计算出错），请改正后重新上传" if error_value
                               else FORMULA_WITHOUT_VALUE)
                    issues.append(Issue(number, idx, col.label, message))
                elif col.required:
                    issues.append(Issue(number, idx, col.label, col.blank_message or "不能为空"))
                continue
            row.cells[col.key] = raw
            if err := excel_error(raw):
                issues.append(Issue(number, idx, col.label, f"单元格是错误值 {err}（公式计算出错），请改正后重新上传"))
                continue
            try:
                out[col.key] = col.parse(raw)
            except CellError as e:
                issues.append(Issue(number, idx, col.label, e.message))
        for key in self._absent:
            out[key] = None
        return row

    @property
    def _absent(self) -> list[str]:
        absent = self.__dict__.get("_absent_keys")
        if absent is None:
            absent = self.__dict__["_absent_keys"] = [c.key for c in self.columns if c.key not in self.header.columns]
        return absent


_SENTINELS = (FormulaWithoutValue, ErrorValue)


def _preview(table: Table, n: int) -> list[list[Cell]]:
    """The first ``n`` rows, by sheet row index (rows a file leaves out are empty)."""
    out: list[list[Cell]] = []
    for index, cells in table.rows():
        if index >= n:
            break
        while len(out) < index:
            out.append([])
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

    def reader(self, state: dict[str, Any] | None = None) -> RowReader:
        """A reader from the first data row, or from ``state`` (``RowReader.state()`` of an earlier run)."""
        return RowReader(self.header.table, self.header, self.columns, self.limits).restore(state)

    def close(self) -> None:
        self.workbook.close()

    def __enter__(self) -> OpenedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_file(path: str | Path, filename: str, columns: Sequence[Column], limits: Limits = DEFAULT_LIMITS, *,
              streaming: bool = False, source: Source | None = None, cache_dir: Path | None = None) -> OpenedFile:
    """Inspect, open and find the header (in the first sheet that has one). Raises ``SpreadsheetError``.

    ``streaming=True``: .xlsx through the streaming reader (bounded memory, cheap to resume; see
    ``readers``), inspected without the per-cell scan. ``source``: an inspection done before (e.g.
    ``Source.from_state`` in a resumed job slice) instead of a new one. ``cache_dir``: where the
    streaming reader keeps the parsed shared strings between slices."""
    if source is None:
        source = inspect(path, filename, limits, scan_sheets=not streaming)
    workbook = Workbook(source, limits, streaming=streaming, cache_dir=cache_dir)
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
