"""Reading one nomination workbook: file checks, the header, and every row normalised and validated
into a line (a tuple for COPY, `LINE_COLUMNS`), skipping the rows that are not nominations.

File-level problems (not a spreadsheet, corrupt, encrypted, wrong headers, no rows) raise
`SpreadsheetError` with a Chinese message: the batch fails with it. Cell problems never fail the file:
the row becomes a line with `parse_code`/`parse_reason` (every problem of the row, in column order).

Speed matters here (a county's roster is a million rows): rows come straight from python-calamine,
each cell is checked by the fast paths of `checks`, and the .xlsx safety checks of
`core.spreadsheets.source.inspect` (zip bombs, sparse-sheet bombs, formulas without values) are done
by a cheaper scan that hands anything unusual to the full inspection.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from ....core.cnid import normalize_text
from ....core.spreadsheets import DEFAULT_LIMITS, Limits, Source, SpreadsheetError, inspect
from ....core.spreadsheets import source as source_mod
from ....core.spreadsheets.cells import as_text, excel_error
from ....core.spreadsheets.headers import HeaderMatch, match_headers, require_columns
from ....core.spreadsheets.readers import Table, Workbook
from . import checks
from .columns import COLUMNS, LABELS, skip_reason

_ROW = re.compile(rb'<row r="(\d+)"')
_FAR_CELL = re.compile(rb'<c r="(?:[A-Z]{3,}|[A-Z]{1,2}\d{8,})')
_CHUNK = 1 << 20

# A read row, as COPYed (the batch's constant columns are added by the INSERT … SELECT).
LINE_COLUMNS = (
    "row_no", "name", "id_enc", "id_hash", "id_last4", "id_region", "id_raw_masked", "bank_card_enc",
    "bank_card_hash", "bank_card_last4", "bank_name", "mobile", "category_code", "sheet_cash_fen", "sheet_goods_fen",
    "reason", "work_unit", "parse_code", "parse_reason",
)


def safe_source(path: Path, filename: str, limits: Limits = DEFAULT_LIMITS) -> Source:
    """`core.spreadsheets.inspect`, with a fast path for an ordinary .xlsx: the central directory is
    checked the same way, each worksheet is scanned once for its last row and for anything unusual
    (cells beyond column ZZ or row 9,999,999, formulas, error values); anything unusual, and every
    other kind of file, goes through the full inspection."""
    with path.open("rb") as f:
        head = f.read(4)
    if not head.startswith(b"PK"):
        return inspect(path, filename, limits)
    size = path.stat().st_size
    if size == 0 or size > limits.max_file_bytes:
        return inspect(path, filename, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                return inspect(path, filename, limits)
            source_mod._check_central_directory(infos, limits)  # noqa: SLF001 - same rules as inspect()
            sheets = source_mod._sheet_entries(zf)  # noqa: SLF001
            by_entry = {s.entry: s for s in sheets}
            for info in infos:
                sheet = by_entry.get(info.filename)
                if sheet is None:
                    continue
                tail = b""
                scan = checks.scan_sheet_xml if checks.ROWFAST else _scan_python
                with zf.open(info) as f:
                    while chunk := f.read(_CHUNK):
                        buf = tail + chunk
                        last_row, unusual = scan(buf)
                        sheet.max_row = max(sheet.max_row, last_row)
                        if unusual or sheet.max_row > limits.max_rows:
                            return inspect(path, filename, limits)
                        tail = buf[-64:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return inspect(path, filename, limits)  # says what is wrong with it
    return Source(path=path, filename=filename, kind="xlsx", size=size, sheets=sheets)


def _scan_python(buf: bytes) -> tuple[int, bool]:
    """A piece of worksheet XML: its largest complete row number (0 if none), and whether it holds a
    cell beyond column ZZ or row 9,999,999, a formula or an error value (`checks.scan_sheet_xml` is
    the compiled same)."""
    rows = _ROW.findall(buf)
    last = max(map(int, rows)) if rows else 0
    unusual = bool(_FAR_CELL.search(buf) or b"<f>" in buf or b"<f " in buf or b't="e"' in buf
                   or any(len(r) > 9 for r in rows))
    return last, unusual


@dataclass
class Categories:
    """The campaign's categories: what a sheet may write in 慰问类别 → the category code."""

    codes: dict[str, str]  # code → name
    lookup: dict[str, str] = field(default_factory=dict)
    _seen: dict[str, str | None] = field(default_factory=dict)  # texts met so far → code

    @classmethod
    def of(cls, items: list[tuple[str, str]], synonyms: dict[str, str] | None = None) -> Categories:
        cats = cls(codes=dict(items))
        for code, name in items:
            cats.lookup[_cat_key(code)] = code
            cats.lookup[_cat_key(name)] = code
        for label, code in (synonyms or {}).items():
            if code in cats.codes:
                cats.lookup.setdefault(_cat_key(label), code)
        return cats

    def resolve(self, text: str) -> str | None:
        try:
            return self._seen[text]
        except KeyError:
            code = self._seen[text] = self.lookup.get(_cat_key(text))
            return code

    def allowed(self) -> str:
        return "、".join(self.codes.values())


def _cat_key(s: str) -> str:
    return re.sub(r"[\s()（）]", "", normalize_text(s)).lower()


@dataclass
class ReadResult:
    sheet_name: str = ""
    header_row: int = 0  # 1-based
    rows_read: int = 0  # rows that became lines
    skipped: dict[str, int] = field(default_factory=dict)  # blank / subtotal / footer / header → count
    notice: str | None = None

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())


def _preview(table: Table, n: int) -> list[list[Any]]:
    out = []
    for index, cells in table.rows():
        if index >= n:
            break
        out.append(cells)
    return out


def find_header(workbook: Workbook, limits: Limits) -> HeaderMatch:
    best: HeaderMatch | None = None
    first_preview: list[list[Any]] | None = None
    for table in workbook.tables():
        preview = _preview(table, limits.header_scan_rows)
        if first_preview is None or not any(any(v is not None for v in r) for r in first_preview):
            first_preview = preview
        match = match_headers(table, COLUMNS, preview)
        if match is None:
            continue
        complete = all(c.key in match.columns for c in COLUMNS if c.required)
        if best is None or complete:
            best = match
        if complete:
            break
    if first_preview is None or not any(any(v is not None for v in r) for r in first_preview):
        raise SpreadsheetError("文件中没有数据（工作表是空的）", "empty_table")
    return require_columns(best, COLUMNS, first_preview)


class RowBuilder:
    """Turns the cells of one nomination row into a line tuple (`LINE_COLUMNS`).

    `positions` maps the column keys to the sheet's column indexes (absent columns: -1). Blank cells
    are `None` or "" (python-calamine gives "").

    Rows whose every cell is of the plain kind go through the compiled builder (`_rowfast`, ~8 µs a
    row less), which gives the same tuple as `build_python` or declines the row; `fast=False`, or the
    extension not built, leaves every row to `build_python`."""

    def __init__(self, crypto: checks.RowCrypto, categories: Categories, today: date, *, fast: bool = True) -> None:
        self.crypto = crypto
        self.categories = categories
        self.ids = checks.IdChecker(today)
        self._index: tuple[int, ...] = ()
        self._get: Any = None
        self._width = 0
        self._absent: tuple[int, ...] = ()
        self._fast = crypto.compiled_builder(categories._seen, today) if fast else None  # noqa: SLF001
        self._fast_build = self._fast.build if self._fast is not None else None

    def set_positions(self, positions: dict[str, int]) -> None:
        """column key → the sheet's column index (absent columns get -1)."""
        self._index = tuple(positions.get(k, -1) for k in self._KEYS)
        self._get = itemgetter(*(i if i >= 0 else 0 for i in self._index))
        self._width = max(self._index) + 1
        self._absent = tuple(n for n, i in enumerate(self._index) if i < 0)
        if self._fast is not None:
            self._fast.set_positions(self._index)

    _KEYS = ("name", "id_number", "bank_card", "mobile", "category", "cash", "goods", "bank_name", "reason",
             "work_unit")

    def build(self, row_no: int, cells: list[Any]) -> tuple[Any, ...]:
        fast = self._fast_build
        if fast is not None and type(cells) is list:
            line = fast(row_no, cells)
            if line is not None:
                return line  # type: ignore[no-any-return]
        return self.build_python(row_no, cells)

    def build_python(self, row_no: int, cells: list[Any]) -> tuple[Any, ...]:
        if len(cells) >= self._width:
            raw = [None if v == "" or (type(v) is str and v[0] in _ODD_START and _blank_or_error(v)) else v
                   for v in self._get(cells)]
            for n in self._absent:
                raw[n] = None
        else:  # a short row (trailing cells missing)
            raw = []
            for i in self._index:
                v = cells[i] if 0 <= i < len(cells) else None
                raw.append(None if v == "" or (type(v) is str and v[0] in _ODD_START and _blank_or_error(v)) else v)
        raw_name, raw_id, raw_card, raw_mobile, raw_cat, raw_cash, raw_goods, raw_bank, raw_reason, raw_unit = raw
        problems: list[tuple[str, str]] = []
        crypto = self.crypto
        name = ""
        if raw_name is None:
            problems.append(("invalid_name", "姓名为空"))
        else:
            parsed, err = checks.parse_name(raw_name)
            if err:
                problems.append(("invalid_name", err))
                name = normalize_text(as_text(raw_name))[:60]
            else:
                name = parsed  # type: ignore[assignment]
        id_enc = id_hash = id_last4 = id_region = id_masked = None
        if raw_id is None:
            problems.append(("invalid_id", "身份证号为空"))
        else:
            number, err = self.ids.parse(raw_id)
            if number is None:
                problems.append(("invalid_id", f"身份证号{err}" if err and not err.startswith("身份证") else str(err)))
                id_masked = checks.mask_raw(raw_id)
            else:
                id_enc = crypto.encrypt(number)
                id_hash = crypto.lookup_hash(checks.ID_KIND, number)
                id_last4, id_region = number[-4:], number[:6]
        card_enc = card_hash = card_last4 = None
        if raw_card is not None:
            card, err = checks.parse_bank_card(raw_card)
            if card is None:
                problems.append(("invalid_bank_card", f"银行卡号{err}" if err and not err.startswith("银行卡") else str(err)))
            else:
                card_enc = crypto.encrypt(card)
                card_hash = crypto.lookup_hash(checks.CARD_KIND, card)
                card_last4 = card[-4:]
        mobile = None
        if raw_mobile is not None:
            mobile, err = checks.parse_mobile(raw_mobile)
            if mobile is None:
                problems.append(("invalid_mobile", f"联系电话：{err}"))
        category = None
        if raw_cat is not None:
            category = self.categories.resolve(raw_cat if type(raw_cat) is str else as_text(raw_cat))
            if category is None:
                text = as_text(raw_cat)
                problems.append(("invalid_category",
                                 f"慰问类别“{text[:20]}”不是本次活动的类别（可选：{self.categories.allowed()}）"))
        cash = goods = None
        if raw_cash is not None:
            cash, err = checks.parse_amount(raw_cash, "慰问金")
            if err:
                problems.append(("invalid_amount", err))
        if raw_goods is not None:
            goods, err = checks.parse_amount(raw_goods, "慰问品")
            if err:
                problems.append(("invalid_amount", err))
        bank_name = _text(raw_bank, 60)
        reason = _text(raw_reason, 500)
        work_unit = _text(raw_unit, 200)
        code = reason_text = None
        if problems:
            code = problems[0][0]
            reason_text = "；".join(p[1] for p in problems)[:500]
        return (row_no, name, id_enc, id_hash, id_last4, id_region, id_masked, card_enc, card_hash, card_last4,
                bank_name, mobile, category, cash, goods, reason, work_unit, code, reason_text)


_ODD_START = frozenset(" \t\r\n\u3000\u00a0#")


def _blank_or_error(v: str) -> bool:
    return not v.strip() or (v[0] == "#" and excel_error(v) is not None)


def _text(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        text = value if value.isprintable() and value.strip() == value else normalize_text(value)
    else:
        text = as_text(value)
    return text[:limit] or None


def _rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    """The table's rows; a python-calamine sheet is iterated directly (blank cells stay ""), saving
    the per-cell copy of `Table.rows()` (same indexes and column padding)."""
    sheet = table._sheet  # noqa: SLF001
    if table.source.kind == "csv" or not hasattr(sheet, "iter_rows") or not hasattr(sheet, "start"):
        yield from table.rows()
        return
    start = sheet.start
    pad = [""] * (start[1] if start else 0)
    try:
        if pad:
            for index, row in enumerate(sheet.iter_rows()):
                yield index, pad + row
        else:
            yield from enumerate(sheet.iter_rows())
    except Exception as err:  # python_calamine.CalamineError
        raise SpreadsheetError(f"读取表格时出错：{err}", "corrupt") from None


def _blank(v: Any) -> bool:
    return v is None or v == "" or (type(v) is str and not v.strip())


def read_rows(path: Path, filename: str, builder: RowBuilder, result: ReadResult,
              limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Any, ...]]:
    """Line tuples of the workbook's nomination rows; `result` collects the counts. Raises
    `SpreadsheetError` for a file that cannot be read as a nomination list."""
    source = safe_source(path, filename, limits)
    with Workbook(source, limits) as workbook:
        header = find_header(workbook, limits)
        table = header.table
        result.sheet_name = table.name[:100]
        result.header_row = header.header_row + 1
        builder.set_positions(header.columns)
        columns = sorted(header.columns.items(), key=lambda kv: kv[1])  # (key, column index)
        id_col = header.columns["id_number"]
        # Cells that look empty but hold a formula without a saved value (or an error value).
        formula = table.formula_cells | frozenset(table.error_cells)
        start = header.data_start()
        blank_run = 0
        for index, cells in _rows(table):
            if index < start:
                continue
            raw_id = cells[id_col] if id_col < len(cells) else None
            # A footer may spill into the ID column ("审核人：王强"): an ID cell without a digit is no ID.
            if type(raw_id) is str and not (raw_id[:1].isdigit() or any(ch.isdigit() for ch in raw_id)):
                raw_id = None
            if raw_id is None and (index, id_col) not in formula:
                # Not a nomination? Subtotals and footers sit in any column (序号 often): look at them all.
                texts = [as_text(v) for v in cells if not _blank(v)]
                if not texts and formula and any((index, col) in formula for _, col in columns):
                    texts.append("=")  # a formula cell: not blank, the row is a (bad) nomination
                kind = skip_reason(texts, True)
                if kind is not None:
                    result.skipped[kind] = result.skipped.get(kind, 0) + 1
                    if kind == "blank":
                        blank_run += 1
                        if blank_run >= limits.max_blank_run:
                            result.skipped["blank"] -= blank_run
                            result.notice = (f"第{index + 2 - blank_run}行起连续{limits.max_blank_run}行为空，"
                                             "其后的内容未读取；如有数据请删除中间的空行后重新上传")
                            break
                    else:
                        blank_run = 0
                    continue
            blank_run = 0
            result.rows_read += 1
            if result.rows_read > limits.max_rows:
                raise SpreadsheetError(f"数据超过{limits.max_rows}行，请拆分成多个文件上传", "too_many_rows")
            row = builder.build(index + 1, cells)
            if formula:
                bad = [LABELS[key] for key, col in columns if (index, col) in formula]
                if bad:
                    row = _with_problem(row, "invalid_cell", f"{'、'.join(bad)}是公式或错误值，没有保存计算结果，请改为数值后重新上传")
            yield row
        if blank_run and "blank" in result.skipped:
            result.skipped["blank"] -= blank_run  # blank rows after the last nomination are not counted
            if not result.skipped["blank"]:
                del result.skipped["blank"]
        if result.rows_read == 0:
            raise SpreadsheetError(f"第{header.header_row + 1}行是表头，但下面没有推荐名单（没有数据行）", "no_rows")


def _with_problem(row: tuple[Any, ...], code: str, message: str) -> tuple[Any, ...]:
    parse_code, parse_reason = row[-2], row[-1]
    reason = f"{parse_reason}；{message}" if parse_reason else message
    return (*row[:-2], parse_code or code, reason[:500])
