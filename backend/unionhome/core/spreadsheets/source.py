"""What an uploaded file really is, checked before any parser sees it.

The extension and the client's content type are ignored: the first bytes decide (an .xlsx renamed to
.csv is read as the workbook it is; a PDF or an image named .csv is refused). An .xlsx is a zip, so
its central directory is checked before it is parsed: entry count, declared sizes, compression ratio
(zip bombs), encryption. Then every entry is decompressed once, in bounded chunks, which proves the
declared sizes and CRCs true (zipfile never reads past a declared size), and the worksheets are scanned
on the way for their extent (a sparse sheet with one cell at XFD1048576 would make python-calamine
allocate the whole rectangle) and for formulas saved without a computed value.

That cell-by-cell scan costs about as much as reading the sheet (~12 s for 1,000,000 rows). Readers
that stream (``Workbook(..., streaming=True)``) need none of it: they allocate nothing per rectangle
and see formulas and error values cell by cell. For them ``inspect(..., scan_sheets=False)`` only
inflates each entry (the size and CRC proof) and notes each sheet's claimed ``<dimension>`` and its
merged cells near the top. ``Source.to_state()`` / ``from_state()`` carry the result from one job
slice to the next, so a resumed slice does not inspect again.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

from .errors import SpreadsheetError

Kind = Literal["xlsx", "xls", "csv"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_A_TABLE = {
    b"%PDF": "PDF 文件",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"BM": "BMP 图片",
    b"MZ": "Windows 程序",
    b"\x7fELF": "程序文件",
    b"Rar!": "RAR 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
    b"\x1f\x8b": "gzip 压缩包",
    b"{\\rtf": "RTF 文档",
}
_READ_CHUNK = 1 << 20
_SAMPLE = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Caps on what one upload may be. The defaults admit a 1,048,576-row Excel sheet."""

    max_file_bytes: int = 256 * 1024 * 1024
    max_entries: int = 10_000
    max_entry_bytes: int = 1536 * 1024 * 1024  # one worksheet's XML, uncompressed
    max_total_bytes: int = 3 * 1024 * 1024 * 1024
    max_ratio: int = 300  # uncompressed / compressed, for entries larger than ratio_floor
    ratio_floor: int = 10 * 1024 * 1024
    max_rows: int = 1_100_000
    max_columns: int = 500
    max_cells: int = 40_000_000  # rows × columns of the sheet's bounding box
    max_blank_run: int = 1000  # stop reading after this many consecutive blank rows
    max_cell_chars: int = 32_767  # Excel's own limit per cell
    header_scan_rows: int = 30
    max_formula_cells: int = 100_000


DEFAULT_LIMITS = Limits()


MergedRange = tuple[tuple[int, int], tuple[int, int]]  # ((row, col), (row, col)), 0-based, inclusive


@dataclass
class SheetInfo:
    name: str
    entry: str  # path inside the zip, e.g. xl/worksheets/sheet1.xml
    max_row: int = 0  # 1-based, 0 when empty (scan_sheets only)
    max_col: int = 0  # 1-based (scan_sheets only)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, col) without a value
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # 0-based (row, col) → #N/A …
    dimension_rows: int | None = None  # the last row the sheet's <dimension> claims
    merges: list[MergedRange] = field(default_factory=list)  # merged ranges starting near the top


@dataclass
class Source:
    """An uploaded file on local disk, identified by content."""

    path: Path
    filename: str
    kind: Kind
    size: int
    encoding: str | None = None  # csv only
    delimiter: str = ","  # csv only
    sheets: list[SheetInfo] = field(default_factory=list)  # xlsx only, in workbook order
    lines: int | None = None  # csv only, with scan_sheets=False: line count (progress estimates)

    def to_state(self) -> dict[str, Any]:
        """What a resumed reader needs (JSON-able; the per-cell scan results are left out)."""
        return {"filename": self.filename, "kind": self.kind, "size": self.size, "encoding": self.encoding,
                "delimiter": self.delimiter, "lines": self.lines,
                "sheets": [{"name": s.name, "entry": s.entry, "rows": s.dimension_rows,
                            "merges": [[a, b, c, d] for (a, b), (c, d) in s.merges]} for s in self.sheets]}

    @classmethod
    def from_state(cls, path: str | Path, state: dict[str, Any]) -> Source:
        sheets = [SheetInfo(name=s["name"], entry=s["entry"], dimension_rows=s.get("rows"),
                            merges=[((a, b), (c, d)) for a, b, c, d in s.get("merges") or []])
                  for s in state.get("sheets") or []]
        return cls(path=Path(path), filename=state.get("filename") or "", kind=state["kind"], size=int(state["size"]),
                   encoding=state.get("encoding"), delimiter=state.get("delimiter") or ",", sheets=sheets,
                   lines=state.get("lines"))


def inspect(path: str | Path, filename: str = "", limits: Limits = DEFAULT_LIMITS, *,
            scan_sheets: bool = True) -> Source:
    """Identify the file and check it is safe to parse; raise ``SpreadsheetError`` otherwise.
    ``scan_sheets=False``: for streaming readers, see the module's docstring."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError("文件为空（0字节），请检查后重新上传", "empty_file")
    if size > limits.max_file_bytes:
        raise SpreadsheetError(f"文件过大（{size // 1048576} MB），上限为 {limits.max_file_bytes // 1048576} MB",
                               "file_too_large")
    with path.open("rb") as f:
        head = f.read(_SAMPLE)
    if head.startswith(b"PK"):
        return _inspect_xlsx(path, filename, size, limits, scan_sheets)
    if head.startswith(_OLE):
        return Source(path=path, filename=filename, kind="xls", size=size)
    for magic, what in _NOT_A_TABLE.items():
        if head.startswith(magic):
            raise SpreadsheetError(f"上传的是{what}，不是表格文件；请上传 Excel(.xlsx) 或 CSV 文件", "not_a_table")
    encoding, delimiter = _sniff_text(head, size)
    lines = None if scan_sheets else _count_lines(path)
    return Source(path=path, filename=filename, kind="csv", size=size, encoding=encoding, delimiter=delimiter,
                  lines=lines)


def _count_lines(path: Path) -> int:
    n = 0
    last = b"\n"
    with path.open("rb") as f:
        while chunk := f.read(_READ_CHUNK):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


# ---- csv -------------------------------------------------------------------------------------------

def _sniff_text(head: bytes, size: int) -> tuple[str, str]:
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode 文本" (tab separated)
    else:
        if b"\x00" in head:
            raise SpreadsheetError("文件内容是二进制数据，不是 CSV 文本；请上传 Excel(.xlsx) 或 CSV 文件",
                                   "binary")
        encoding = ""
        # a multi-byte character may be cut at the end of the sample
        sample = head if len(head) == size else head[:-4] if len(head) > 4 else head
        for candidate in ("utf-8", "gb18030"):
            try:
                sample.decode(candidate)
            except UnicodeDecodeError:
                continue
            encoding = candidate
            break
        if not encoding:
            raise SpreadsheetError("无法识别文件编码（支持 UTF-8 和 GBK/GB18030），或文件不是文本；"
                                   "请在 Excel 中另存为 .xlsx 后上传", "encoding")
    text = head.decode(encoding, errors="ignore")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(8, len(text) // 200):
        raise SpreadsheetError("文件内容是二进制数据，不是 CSV 文本；请上传 Excel(.xlsx) 或 CSV 文件", "binary")
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in lines) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = "\t" if encoding == "utf-16" else ","
    return encoding, delimiter


# ---- xlsx ------------------------------------------------------------------------------------------

_CORRUPT = "文件已损坏或不完整（可能上传中断）；请用 Excel 打开确认后重新保存上传"
_ROW_RE = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_FORMULA_NO_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_ERROR_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>\s*(?:<f\b[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]{1,20})</v>'
)
_OVERLAP = 4096
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def col_number(letters: bytes | str) -> int:
    """``A`` → 1, ``AB`` → 28."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(index0: int) -> str:
    """0-based column index → ``A``, ``B`` … ``AA``."""
    out = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _inspect_xlsx(path: Path, filename: str, size: int, limits: Limits, scan_sheets: bool = True) -> Source:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetError(_CORRUPT, "corrupt") from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            if any(n.startswith("word/") for n in names):
                raise SpreadsheetError("上传的是 Word 文档，不是表格文件；请上传 Excel(.xlsx) 或 CSV 文件", "not_a_table")
            raise SpreadsheetError("不是有效的 Excel(.xlsx) 文件（可能是其他压缩包改了扩展名）", "not_xlsx")
        _check_central_directory(infos, limits)
        sheets = _sheet_entries(zf)
        by_entry = {s.entry: s for s in sheets}
        for info in infos:
            sheet = by_entry.get(info.filename)
            if scan_sheets:
                _read_entry(zf, info, sheet, limits)
            else:
                _inflate_entry(zf, info, sheet, limits)
    if not scan_sheets:
        for sheet in sheets:
            if sheet.dimension_rows is not None and sheet.dimension_rows > limits.max_rows + limits.header_scan_rows:
                raise SpreadsheetError(f"工作表“{sheet.name}”的行数过多（{sheet.dimension_rows}行），"
                                       f"上限为{limits.max_rows}行", "too_many_rows")
        return Source(path=path, filename=filename, kind="xlsx", size=size, sheets=sheets)
    for sheet in sheets:
        if sheet.max_col > limits.max_columns:
            raise SpreadsheetError(
                f"工作表“{sheet.name}”的列数过多（最远的单元格在第{col_letters(sheet.max_col - 1)}列），"
                f"上限为{limits.max_columns}列；请删除多余的列后重新上传", "too_many_columns")
        if sheet.max_row > limits.max_rows + limits.header_scan_rows:
            raise SpreadsheetError(f"工作表“{sheet.name}”的行数过多（{sheet.max_row}行），上限为{limits.max_rows}行",
                                   "too_many_rows")
        if sheet.max_row * sheet.max_col > limits.max_cells:
            raise SpreadsheetError(f"工作表“{sheet.name}”的范围过大（{sheet.max_row}行×{sheet.max_col}列）；"
                                   "请删除数据区以外的内容后重新上传", "too_many_cells")
    return Source(path=path, filename=filename, kind="xlsx", size=size, sheets=sheets)


def _check_central_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise SpreadsheetError("文件结构异常（包含的部件过多），拒绝处理", "zip_bomb")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError("文件已加密（设置了打开密码），请取消密码后重新上传", "encrypted")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_entry_bytes or total > limits.max_total_bytes or (
                info.file_size > limits.ratio_floor and ratio > limits.max_ratio):
            raise SpreadsheetError("文件解压后体积异常巨大（疑似“压缩炸弹”），拒绝处理；"
                                   "如确为正常表格，请拆分成多个文件上传", "zip_bomb")


def _sheet_entries(zf: zipfile.ZipFile) -> list[SheetInfo]:
    """Worksheets in workbook order with their zip paths (workbook.xml + its relationships)."""
    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if zf.getinfo(name).file_size > 16 * 1024 * 1024:
                raise SpreadsheetError("文件结构异常（工作簿目录过大），拒绝处理", "zip_bomb")
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise SpreadsheetError(_CORRUPT, "corrupt") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        entry = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out.append(SheetInfo(name=sheet.get("name") or "", entry=entry))
    return out


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")
_MAX_TAIL = 8 * 1024 * 1024


def _inflate_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: SheetInfo | None, limits: Limits) -> None:
    """Decompress an entry once (the size and CRC proof); of a worksheet keep the claimed dimension
    and the merged ranges that start within the header scan rows."""
    head = b""
    tail: bytearray | None = None
    prev = b""
    try:
        with zf.open(info) as f:
            while chunk := f.read(_READ_CHUNK):
                if sheet is None:
                    continue
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                if tail is None:
                    buf = prev + chunk
                    m = _SHEET_DATA_END.search(buf)
                    if m:
                        tail = bytearray(buf[m.start():])
                    prev = chunk[-64:]
                elif len(tail) < _MAX_TAIL:
                    tail += chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise SpreadsheetError(_CORRUPT, "corrupt") from None
    if sheet is None:
        return
    data_at = head.find(b"sheetData")
    m = _DIMENSION.search(head, 0, data_at if data_at >= 0 else len(head))
    sheet.dimension_rows = int(m.group(1)) if m else None
    for m in _MERGE.finditer(bytes(tail or b"")):
        r0, c0 = int(m.group(2)) - 1, col_number(m.group(1)) - 1
        r1, c1 = (int(m.group(4)) - 1, col_number(m.group(3)) - 1) if m.group(3) else (r0, c0)
        if r0 < limits.header_scan_rows and len(sheet.merges) < 10_000:
            sheet.merges.append(((r0, c0), (r1, c1)))


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: SheetInfo | None, limits: Limits) -> None:
    tail = b""  # the end of the previous chunk, so a tag cut in two is still seen (sets absorb repeats)
    try:
        with zf.open(info) as f:
            while chunk := f.read(_READ_CHUNK):
                if sheet is None:
                    continue
                buf = tail + chunk
                for m in _ROW_RE.finditer(buf):
                    sheet.max_row = max(sheet.max_row, int(m.group(1)))
                for m in _CELL_RE.finditer(buf):
                    sheet.max_col = max(sheet.max_col, col_number(m.group(1)))
                    sheet.max_row = max(sheet.max_row, int(m.group(2)))
                if b"<f" in buf:
                    for m in _FORMULA_NO_VALUE.finditer(buf):
                        if len(sheet.formula_cells) < limits.max_formula_cells:
                            sheet.formula_cells.add((int(m.group(2)) - 1, col_number(m.group(1)) - 1))
                if b't="e"' in buf:
                    for m in _ERROR_VALUE.finditer(buf):
                        if len(sheet.error_cells) < limits.max_formula_cells:
                            where = (int(m.group(2)) - 1, col_number(m.group(1)) - 1)
                            sheet.error_cells[where] = m.group(3).decode("utf-8", "replace")
                tail = buf[-_OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise SpreadsheetError(_CORRUPT, "corrupt") from None
