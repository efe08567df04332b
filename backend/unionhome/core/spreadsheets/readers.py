"""Row readers over an inspected ``Source``: .xlsx through python-calamine or the streaming reader of
``xlsx.py``, .xls through python-calamine, .csv through ``csv``.

Every reader yields ``(row_index, cells)`` with 0-based sheet row indexes and cells from column A,
blank cells as ``None``, and can start again where an earlier run stopped: after each row,
``Table.position`` is a JSON-able resume point, and ``Table.rows(start=position)`` goes on from there
(in another process, a job's next slice).

- python-calamine (the default for .xlsx, and .xls) is the fastest for small and medium workbooks
  but holds the whole sheet in memory (532 MB for a 1,000,000-row member sheet, 7.6 s before the first
  row; bench/README.md) and, to resume, loads it again and skips to the row;
- ``Workbook(source, streaming=True)`` reads .xlsx with ``xlsx.SheetReader``: memory stays at one
  block of rows plus the shared strings (154 MB in all for the same sheet), and resuming inflates up
  to the saved offset (0.4 s at 90 % of it). Formulas without values and error values come as the sentinels
  ``FORMULA_WITHOUT_VALUE`` / ``ErrorValue`` (no per-cell pre-scan needed: ``inspect(...,
  scan_sheets=False)``);
- CSV resumes by skipping the records already read (the C parser skips several hundred thousand rows
  a second).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from . import xlsx
from .errors import SpreadsheetError
from .source import DEFAULT_LIMITS, Limits, MergedRange, Source

Cell = Any


@dataclass
class Table:
    """One sheet (or the one table of a CSV file)."""

    source: Source
    name: str
    index: int = 0
    merged: list[MergedRange] = field(default_factory=list)
    formula_cells: frozenset[tuple[int, int]] = frozenset()
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # cached #N/A, #REF! …
    total_rows: int | None = None  # known (or claimed) for workbooks; for CSV the line count if counted
    _sheet: Any = None  # a CalamineSheet, or an xlsx.SheetReader
    limits: Limits = DEFAULT_LIMITS
    position: dict[str, Any] | None = None  # after the row last handed out by rows()

    def rows(self, start: dict[str, Any] | None = None) -> Iterator[tuple[int, list[Cell]]]:
        """Rows from the top, or from ``start`` (a ``position`` of an earlier run)."""
        self.position = start
        if self.source.kind == "csv":
            yield from self._csv_rows(int(start["n"]) if start else 0)
        elif isinstance(self._sheet, xlsx.SheetReader):
            reader = self._sheet
            for item in reader.rows(xlsx.Position.from_state(start)):
                self.position = reader.position.to_state() if reader.position else None
                yield item
        else:
            skip = int(start["i"]) if start else 0
            for index, cells in _calamine_rows(self._sheet):
                if index < skip:
                    continue
                self.position = {"i": index + 1}
                yield index, cells

    def _csv_rows(self, skip: int) -> Iterator[tuple[int, list[Cell]]]:
        for index, cells in _csv_rows(self.source, self.limits, skip):
            self.position = {"n": index + 1}
            yield index, cells


def _clean(v: Any) -> Any:
    return None if v == "" else v


def _calamine_rows(sheet: Any) -> Iterator[tuple[int, list[Cell]]]:
    start = sheet.start
    pad = [None] * (start[1] if start else 0)
    try:
        for index, row in enumerate(sheet.iter_rows()):
            yield index, pad + [_clean(v) for v in row]
    except calamine.CalamineError as err:
        raise SpreadsheetError(f"读取表格时出错：{err}", "corrupt") from None


def _csv_rows(source: Source, limits: Limits, skip: int = 0) -> Iterator[tuple[int, list[Cell]]]:
    csv.field_size_limit(limits.max_cell_chars * 4)
    with source.path.open("rb") as raw:
        stream = io.TextIOWrapper(raw, encoding=source.encoding or "utf-8", errors="strict", newline="")
        reader = csv.reader(stream, delimiter=source.delimiter)
        index = -1
        try:
            for index, row in enumerate(reader):  # noqa: B007
                if index < skip:
                    continue
                if len(row) > limits.max_columns:
                    row = row[: limits.max_columns]
                yield index, [_clean(v) for v in row]
        except UnicodeDecodeError:
            raise SpreadsheetError(f"第{index + 2}行附近有无法识别的字符（文件编码不一致或已损坏）；"
                                   "请在 Excel 中另存为 .xlsx 后上传", "encoding") from None
        except csv.Error as err:
            if "field larger" in str(err):
                raise SpreadsheetError(f"第{index + 2}行附近有超长内容（单元格超过{limits.max_cell_chars}个字符），"
                                       "文件可能不是正常的 CSV", "cell_too_long") from None
            raise SpreadsheetError(f"第{index + 2}行附近的 CSV 格式有误：{err}", "csv_format") from None


class Workbook:
    """The tables of a source; use as a context manager (closes the workbook).

    ``streaming=True`` reads .xlsx with ``xlsx.SheetReader`` (see the module docstring); its shared
    strings are loaded from, or saved to, ``cache_dir`` when one is given."""

    def __init__(self, source: Source, limits: Limits = DEFAULT_LIMITS, *, streaming: bool = False,
                 cache_dir: Path | None = None) -> None:
        self.source = source
        self.limits = limits
        self._wb: Any = None
        self._zip: zipfile.ZipFile | None = None
        self._info: xlsx.WorkbookInfo | None = None
        self._strings: xlsx.SharedStrings | None = None
        self._styles: dict[int, str] | None = None
        self.cache_dir = cache_dir
        if source.kind == "xlsx" and streaming:
            try:
                self._zip = zipfile.ZipFile(source.path)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise SpreadsheetError(xlsx.CORRUPT, "corrupt") from None
            self._info = xlsx.workbook_info(self._zip)
        elif source.kind != "csv":
            try:
                self._wb = calamine.CalamineWorkbook.from_path(str(source.path))
            except calamine.PasswordError:
                raise SpreadsheetError("文件已加密（设置了打开密码），请取消密码后重新上传", "encrypted") from None
            except (calamine.CalamineError, OSError, ValueError) as err:
                if source.kind == "xls":
                    raise SpreadsheetError("不是有效的 Excel 文件，或文件已损坏/已加密；请用 Excel 打开后另存为 .xlsx 再上传",
                                           "corrupt") from None
                raise SpreadsheetError(f"文件已损坏，无法读取（{str(err)[:80]}）", "corrupt") from None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._wb is not None:
            self._wb.close()
            self._wb = None
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def _shared_strings(self) -> xlsx.SharedStrings:
        if self._strings is None:
            assert self._zip is not None and self._info is not None
            cached = xlsx.SharedStrings.load(self.cache_dir) if self.cache_dir is not None else None
            if cached is None:
                cached = xlsx.SharedStrings.build(self._zip, self._info.shared_strings)
                if self.cache_dir is not None:
                    self.cache_dir.mkdir(parents=True, exist_ok=True)
                    cached.save(self.cache_dir)
            self._strings = cached
        return self._strings

    def tables(self, max_sheets: int = 10) -> Iterator[Table]:
        """Visible worksheets in workbook order (the CSV file as one table)."""
        if self.source.kind == "csv":
            total = self.source.lines
            yield Table(source=self.source, name=self.source.filename or "CSV", limits=self.limits, total_rows=total)
            return
        if self._zip is not None:
            yield from self._streaming_tables(max_sheets)
            return
        formula = {s.name: frozenset(s.formula_cells) for s in self.source.sheets}
        errors = {s.name: s.error_cells for s in self.source.sheets}
        count = 0
        for index, meta in enumerate(self._wb.sheets_metadata):
            if meta.visible != calamine.SheetVisibleEnum.Visible or meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = self._wb.get_sheet_by_index(index)
            except calamine.CalamineError as err:
                raise SpreadsheetError(f"工作表“{meta.name}”已损坏，无法读取（{str(err)[:80]}）", "corrupt") from None
            yield Table(source=self.source, name=meta.name, index=index, merged=list(sheet.merged_cell_ranges or []),
                        formula_cells=formula.get(meta.name, frozenset()), error_cells=errors.get(meta.name, {}),
                        total_rows=sheet.total_height,
                        _sheet=sheet, limits=self.limits)
            count += 1
            if count >= max_sheets:
                return

    def _streaming_tables(self, max_sheets: int) -> Iterator[Table]:
        assert self._zip is not None and self._info is not None
        if self._styles is None:
            self._styles = xlsx.date_styles(self._zip, self._info.styles)
        known = {s.entry: s for s in self.source.sheets}
        count = 0
        for index, ref in enumerate(self._info.sheets):
            if not (ref.visible and ref.worksheet) or ref.entry not in self._zip.NameToInfo:
                continue
            meta = known.get(ref.entry)
            reader = xlsx.SheetReader(self._zip, ref.entry, self._shared_strings(), self._styles,
                                      self._info.date1904, self.limits.max_columns)
            yield Table(source=self.source, name=ref.name, index=index, merged=list(meta.merges) if meta else [],
                        total_rows=meta.dimension_rows if meta else None, _sheet=reader, limits=self.limits)
            count += 1
            if count >= max_sheets:
                return

    def table(self, name: str) -> Table:
        for t in self.tables(max_sheets=1000):
            if t.name == name:
                return t
        raise SpreadsheetError(f"找不到工作表“{name}”", "sheet_missing")
