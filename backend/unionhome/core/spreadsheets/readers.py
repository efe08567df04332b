"""Row readers over an inspected ``Source``: .xlsx/.xls through python-calamine, .csv through ``csv``.

Every reader yields ``(row_index, cells)`` with 0-based sheet row indexes and cells from column A,
blank cells as ``None``. Rows are produced one at a time (calamine keeps the sheet's cells in native
memory; the Python side never holds more than one row), and ``rows()`` can be called again for a second
pass (the annotated copy).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine as calamine

from .errors import SpreadsheetError
from .source import DEFAULT_LIMITS, Limits, Source

Cell = Any
MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Table:
    """One sheet (or the one table of a CSV file)."""

    source: Source
    name: str
    index: int = 0
    merged: list[MergedRange] = field(default_factory=list)
    formula_cells: frozenset[tuple[int, int]] = frozenset()
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # cached #N/A, #REF! …
    total_rows: int | None = None  # known for workbooks, None for CSV
    _sheet: Any = None
    limits: Limits = DEFAULT_LIMITS

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        if self.source.kind == "csv":
            yield from _csv_rows(self.source, self.limits)
        else:
            yield from _calamine_rows(self._sheet)


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


def _csv_rows(source: Source, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    csv.field_size_limit(limits.max_cell_chars * 4)
    with source.path.open("rb") as raw:
        stream = io.TextIOWrapper(raw, encoding=source.encoding or "utf-8", errors="strict", newline="")
        reader = csv.reader(stream, delimiter=source.delimiter)
        index = -1
        try:
            for index, row in enumerate(reader):  # noqa: B007
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
    """The tables of a source; use as a context manager (closes calamine's workbook)."""

    def __init__(self, source: Source, limits: Limits = DEFAULT_LIMITS) -> None:
        self.source = source
        self.limits = limits
        self._wb: Any = None
        if source.kind != "csv":
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

    def tables(self, max_sheets: int = 10) -> Iterator[Table]:
        """Visible worksheets in workbook order (the CSV file as one table)."""
        if self.source.kind == "csv":
            yield Table(source=self.source, name=self.source.filename or "CSV", limits=self.limits)
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

    def table(self, name: str) -> Table:
        for t in self.tables(max_sheets=1000):
            if t.name == name:
                return t
        raise SpreadsheetError(f"找不到工作表“{name}”", "sheet_missing")
