"""Streaming .xlsx reading: rows straight from a worksheet's XML, resumable at a saved position.

python-calamine (still used for .xls) builds a whole sheet in memory before it gives the first row:
its memory grows with the sheet (bench/README.md, "import_recovery": the figures for 1,000,000 rows),
and a job that stops after a slice would pay the whole load again to go on. Here the worksheet entry
of the zip is inflated as a stream and cut into blocks (~1 MB) at ``<row`` boundaries; one regular
expression takes each block apart into tokens (a cell with its value, a row's start, a row's end: the
shapes nearly every cell of Excel, WPS and openpyxl files has) and anything else between two tokens —
formulas, rich text, unusual attributes, comments, CDATA — goes through a general path (lxml for the
odd cell). Memory stays at one block plus the shared strings, whatever the row count.

A ``Position`` (JSON-able) says where reading stopped: the offset of a block start in the inflated
XML, the rows consumed after it and the last row number. Resuming inflates and discards up to that
offset (0.4 s at 90 % of a 1,000,000-row sheet) and goes on.

Shared strings (the text of most cells in files saved by Excel/WPS) are kept as one UTF-8 blob plus
an array of offsets (a few bytes per string instead of a Python object each) and can be saved to and
loaded from a cache directory, so a resumed slice does not parse them again.

Cells come out as python-calamine gives them: numbers as ``float``, dates as ``date``/``datetime``/
``time`` by the cell's number format, booleans, strings; blank as ``None``. Two sentinels mark what
a value cannot show: ``FORMULA_WITHOUT_VALUE`` (a formula saved without its result) and
``ErrorValue("#N/A")`` (a formula's error result).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from lxml import etree

from .errors import SpreadsheetError

CORRUPT = "文件已损坏或不完整（可能上传中断）；请用 Excel 打开确认后重新保存上传"
PIECE = 1 << 20  # inflated bytes read at a time
MAX_ROW_BYTES = 64 << 20  # one <row> element larger than this is not a table row
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_XESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class FormulaWithoutValue:
    """A formula cell saved without its computed result (e.g. written by a program, never opened)."""

    _instance: FormulaWithoutValue | None = None

    def __new__(cls) -> FormulaWithoutValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = FormulaWithoutValue()


@dataclass(frozen=True)
class ErrorValue:
    """A formula's error result: ``#N/A``, ``#REF!`` …"""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Position:
    """Where reading of a sheet stopped (after the last row handed out)."""

    offset: int  # a block start in the inflated sheet XML (always a row boundary)
    skip: int  # <row> elements after `offset` already handed out
    row: int  # 1-based number of the last row handed out (0: none yet)

    def to_state(self) -> dict[str, int]:
        return {"o": self.offset, "k": self.skip, "r": self.row}

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Position | None:
        return None if not state else cls(int(state["o"]), int(state["k"]), int(state["r"]))


def _unescape(text: str) -> str:
    """OOXML's ``_x000D_`` escapes of control characters."""
    return _XESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True,
                           collect_ids=False, huge_tree=False)


# ---- workbook parts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetRef:
    name: str
    entry: str  # path inside the zip
    visible: bool
    worksheet: bool  # not a chart/dialog/macro sheet


@dataclass(frozen=True)
class WorkbookInfo:
    sheets: list[SheetRef]
    shared_strings: str | None  # zip path
    styles: str | None
    date1904: bool


def _resolve(base_dir: str, target: str) -> str:
    import posixpath

    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base_dir, target))


def _small_xml(zf: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> ElementTree.Element:
    try:
        if zf.getinfo(name).file_size > limit:
            raise SpreadsheetError("文件结构异常（工作簿目录过大），拒绝处理", "zip_bomb")
        return ElementTree.fromstring(zf.read(name))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise SpreadsheetError(CORRUPT, "corrupt") from None


def workbook_info(zf: zipfile.ZipFile) -> WorkbookInfo:
    """Sheets in workbook order with their zip paths, the shared strings and styles parts, the date system."""
    workbook = _small_xml(zf, "xl/workbook.xml")
    rels = _small_xml(zf, "xl/_rels/workbook.xml.rels")
    ns = workbook.tag[1:].split("}")[0] if workbook.tag.startswith("{") else ""
    q = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
    targets: dict[str | None, tuple[str, str]] = {}
    shared = styles = None
    for rel in rels.iter(f"{{{_PKG_NS}}}Relationship"):
        target, kind = _resolve("xl", rel.get("Target", "")), rel.get("Type", "")
        targets[rel.get("Id")] = (target, kind)
        if kind.endswith("/sharedStrings"):
            shared = target
        elif kind.endswith("/styles"):
            styles = target
    sheets = []
    for sheet in workbook.iter(q("sheet")):
        rid = sheet.get(f"{{{_REL_NS}}}id") or next(
            (v for k, v in sheet.attrib.items() if k.endswith("}id")), None)  # strict OOXML's r namespace
        target, kind = targets.get(rid, ("", ""))
        sheets.append(SheetRef(name=sheet.get("name") or "", entry=target,
                               visible=(sheet.get("state") or "visible") == "visible",
                               worksheet=kind.endswith("/worksheet")))
    pr = workbook.find(q("workbookPr"))
    date1904 = pr is not None and (pr.get("date1904") or "").lower() in ("1", "true")
    names = set(zf.namelist())
    return WorkbookInfo(sheets=sheets, shared_strings=shared if shared in names else None,
                        styles=styles if styles in names else None, date1904=date1904)


_BUILTIN_DATES = frozenset({14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58})
_BUILTIN_TIMES = frozenset({18, 19, 20, 21, 32, 33, 45, 46, 47, 55, 56})
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!h\]|m\]|s\]|hh\]|mm\]|ss\])[^\]]*\]')


def _format_kind(code: str) -> str | None:
    """'date' / 'time' for a number format that shows a date or a time, else None."""
    text = _FORMAT_NOISE.sub("", code).lower()
    if not text or text == "general" or "[h" in text or "[m" in text or "[s" in text:
        return None  # elapsed-time formats are durations, shown as numbers
    has_date = any(ch in text for ch in "dy") or ("m" in text and "h" not in text and "s" not in text)
    if has_date:
        return "date"
    if any(ch in text for ch in "hs"):
        return "time"
    return None


def date_styles(zf: zipfile.ZipFile, entry: str | None) -> dict[int, str]:
    """Cell style index → 'date' / 'time', for the styles whose number format shows one."""
    if entry is None:
        return {}
    root = _small_xml(zf, entry)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    q = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
    custom: dict[int, str] = {}
    fmts = root.find(q("numFmts"))
    if fmts is not None:
        for f in fmts.iter(q("numFmt")):
            try:
                custom[int(f.get("numFmtId", ""))] = f.get("formatCode", "")
            except ValueError:
                continue
    out: dict[int, str] = {}
    xfs = root.find(q("cellXfs"))
    if xfs is None:
        return out
    for index, xf in enumerate(xfs.iter(q("xf"))):
        try:
            fmt = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        kind = "date" if fmt in _BUILTIN_DATES else "time" if fmt in _BUILTIN_TIMES else None
        if kind is None and fmt in custom:
            kind = _format_kind(custom[fmt])
        if kind is not None:
            out[index] = kind
    return out


_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1900_EARLY = datetime(1899, 12, 31)
_EPOCH_1904 = datetime(1904, 1, 1)


def from_serial(value: float, date1904: bool) -> Any:
    """An Excel serial number as python-calamine gives it: ``time`` below 1, ``date`` when whole,
    ``datetime`` otherwise; out-of-range serials stay numbers."""
    if not 0 <= value < 2958466:
        return value
    ms = round(value * 86_400_000)
    if value < 1:
        return (datetime.min + timedelta(milliseconds=ms)).time()
    if date1904:
        base = _EPOCH_1904
    else:
        base = _EPOCH_1900 if value >= 61 else _EPOCH_1900_EARLY  # Excel's fictitious 1900-02-29
    moment = base + timedelta(milliseconds=ms)
    return moment.date() if moment.time() == time() else moment


# ---- shared strings ------------------------------------------------------------------------------

def _si_texts(root: Any) -> Iterator[str]:
    """The strings of parsed <si> elements: the text runs, without phonetic runs (rPh)."""
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    t_tag, r_tag = ns + "t", ns + "r"
    for si in root:
        if len(si) == 1 and si[0].tag == t_tag:
            text = si[0].text or ""
        else:
            text = "".join(el.text or "" for el in si if el.tag == t_tag)
            text += "".join(r.findtext(t_tag) or "" for r in si.iter(r_tag))
        yield _unescape(text)


def _si_fast(simple: re.Pattern[bytes], block: bytes, source: _BlockSource) -> Iterator[str]:
    for m in simple.finditer(block):
        raw = m.group(1)
        if raw is not None:
            yield _text(raw)
        elif m.group(2) is not None:  # <si/>
            yield ""
        else:  # rich text runs: let lxml put them together
            yield from _si_texts(source.wrap(m.group(0)))


_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entities(text: str) -> str:
    """Replace XML entity and character references (``&amp;``, ``&#22995;``, ``&#x4E2D;``)."""
    parts = text.split("&")
    out = [parts[0]]
    for part in parts[1:]:
        semi = part.find(";")
        name = part[:semi] if semi > 0 else ""
        try:
            if name.startswith("#x") or name.startswith("#X"):
                out.append(chr(int(name[2:], 16)))
            elif name.startswith("#"):
                out.append(chr(int(name[1:])))
            else:
                out.append(_NAMED[name])
        except (KeyError, ValueError, OverflowError):
            raise SpreadsheetError(CORRUPT, "corrupt") from None
        out.append(part[semi + 1:])
    return "".join(out)


def _text(raw: bytes) -> str:
    """XML character data as an XML parser gives it (entities, line ends), then OOXML's _xHHHH_."""
    text = raw.decode("utf-8")
    if "&" in text:
        text = _entities(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _unescape(text) if "_x" in text else text


class SharedStrings:
    """The shared-strings table as one UTF-8 blob and the offsets of each string in it."""

    def __init__(self, blob: bytes = b"", offsets: array | None = None) -> None:
        self.blob = blob
        self.offsets = offsets if offsets is not None else array("Q", [0])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        off = self.offsets
        return self.blob[off[index]:off[index + 1]].decode("utf-8")

    @classmethod
    def build(cls, zf: zipfile.ZipFile, entry: str | None) -> SharedStrings:
        if entry is None:
            return cls()
        blob = bytearray()
        offsets = array("Q", [0])
        try:
            with zf.open(entry) as f:
                source = _BlockSource(f, b"sst", b"si")
                p = re.escape(source.prefix)
                simple = re.compile(rb"<" + p + rb"si>\s*<" + p + rb"t(?:\s[^>]*)?>([^<]*)</" + p + rb"t>\s*</" + p
                                    + rb"si>|<" + p + rb"si\b[^>]*?(/)>|<" + p + rb"si\b[^>]*>.*?</" + p + rb"si>", re.S)
                for _, block in source:
                    if b"<!--" in block or b"<![CDATA[" in block or b"<?" in block:
                        texts: Iterator[str] = _si_texts(source.wrap(block))
                    else:
                        texts = _si_fast(simple, block, source)
                    for text in texts:
                        blob += text.encode("utf-8")
                        offsets.append(len(blob))
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise SpreadsheetError(CORRUPT, "corrupt") from None
        return cls(bytes(blob), offsets)

    def save(self, directory: Path) -> None:
        """Write to ``directory`` (atomically: a reader never sees half a table)."""
        tmp_blob, tmp_off = directory / "sst.bin.part", directory / "sst.idx.part"
        tmp_blob.write_bytes(self.blob)
        with tmp_off.open("wb") as f:
            self.offsets.tofile(f)
        tmp_blob.replace(directory / "sst.bin")
        tmp_off.replace(directory / "sst.idx")

    @classmethod
    def load(cls, directory: Path) -> SharedStrings | None:
        blob_path, off_path = directory / "sst.bin", directory / "sst.idx"
        if not (blob_path.exists() and off_path.exists()):
            return None
        offsets = array("Q")
        raw = off_path.read_bytes()
        if len(raw) % offsets.itemsize:
            return None
        offsets.frombytes(raw)
        blob = blob_path.read_bytes()
        if not offsets or offsets[-1] != len(blob):
            return None
        return cls(blob, offsets)


# ---- block splitting -----------------------------------------------------------------------------

def _read_head(f: IO[bytes], container: bytes) -> tuple[bytes, bytes, bytes, bytes, int]:
    """Read up to the opening tag of ``container`` (sheetData; or sst, the root itself). Returns the
    root's start tag and end tag (to wrap blocks in, with their namespace declarations), the element
    prefix (b"" or b"x:"), the bytes read after the container's opening tag and their offset in the
    inflated entry (-1 when the container is empty: ``<sheetData/>``)."""
    buf = b""
    pattern = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?" + container + rb"\b[^>]*?(/?)>")
    while True:
        piece = f.read(PIECE)
        buf += piece
        m = pattern.search(buf)
        if m:
            break
        if not piece or len(buf) > 16 << 20:
            raise SpreadsheetError(CORRUPT, "corrupt")
    root = re.search(rb"<(?![?!])(([A-Za-z_][\w.\-]*:)?[A-Za-z_][\w.\-]*)\b[^>]*>", buf)
    if root is None or root.start() > m.start():
        raise SpreadsheetError(CORRUPT, "corrupt")
    root_tag = root.group(0)
    if root_tag.endswith(b"/>"):
        root_tag = root_tag[:-2] + b">"
    end_tag = b"</" + root.group(1) + b">"
    prefix = (m.group(1) + b":") if m.group(1) else b""
    if m.group(2):
        return root_tag, end_tag, prefix, b"", -1
    return root_tag, end_tag, prefix, buf[m.end():], m.end()


class _BlockSource:
    """Iterates ``(offset, block)``: blocks of whole ``item`` elements (row, si) of ``container``,
    with ``offset`` = where the block starts in the inflated entry. With ``start`` (an offset of an
    item boundary, from an earlier run) the bytes before it are inflated and dropped unparsed."""

    def __init__(self, f: IO[bytes], container: bytes, item: bytes, *, start: int | None = None) -> None:
        self.f = f
        self.root_tag, self.end_tag, self.prefix, self.buf, self.offset = _read_head(f, container)
        self.item_start = b"<" + self.prefix + item
        self.container_end = b"</" + self.prefix + container + b">"
        self.done = self.offset < 0
        if not self.done and start is not None and start > self.offset:
            self._skip_to(start)

    def _skip_to(self, start: int) -> None:
        ahead = start - self.offset
        if ahead <= len(self.buf):
            self.buf = self.buf[ahead:]
        else:
            ahead -= len(self.buf)
            self.buf = b""
            while ahead > 0:
                piece = self.f.read(min(PIECE, ahead))
                if not piece:
                    raise SpreadsheetError(CORRUPT, "corrupt")
                ahead -= len(piece)
        self.offset = start

    def wrap(self, block: bytes) -> Any:
        """A block parsed by lxml: the root element whose children are the block's items."""
        try:
            return etree.fromstring(self.root_tag + block + self.end_tag, _parser())
        except etree.XMLSyntaxError:
            raise SpreadsheetError(CORRUPT, "corrupt") from None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        buf, eof = self.buf, self.done
        self.buf = b""
        while not self.done:
            end = buf.find(self.container_end)
            if end >= 0:
                block, buf, self.done = buf[:end], b"", True
            else:
                cut = buf.rfind(self.item_start)
                if cut <= 0:
                    if eof:
                        raise SpreadsheetError(CORRUPT, "corrupt")
                    if len(buf) > MAX_ROW_BYTES:
                        raise SpreadsheetError("文件中有一行内容异常巨大，无法读取", "corrupt")
                    piece = self.f.read(PIECE)
                    eof = not piece
                    buf += piece
                    continue
                block, buf = buf[:cut], buf[cut:]
            offset = self.offset
            self.offset += len(block)
            if block.strip():
                yield offset, block
            if not self.done and len(buf) < PIECE:
                piece = self.f.read(PIECE)
                eof = eof or not piece
                buf += piece


# ---- the sheet reader ----------------------------------------------------------------------------

_COLS: dict[str, int] = {}
_BCOLS: dict[bytes, int] = {}


def _col_index(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    index = _COLS.get(letters)
    if index is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        index = _COLS[letters] = n - 1
    return index


def sheet_dimension_rows(zf: zipfile.ZipFile, entry: str) -> int | None:
    """The last row of the sheet's ``<dimension>`` (as the writer claimed it), if it says."""
    try:
        with zf.open(entry) as f:
            head = f.read(64 * 1024)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise SpreadsheetError(CORRUPT, "corrupt") from None
    sheet_data = head.find(b"sheetData")
    m = _DIMENSION.search(head, 0, sheet_data if sheet_data >= 0 else len(head))
    return int(m.group(1)) if m else None


class _Syntax:
    """The regular expressions for one element prefix (b"" or b"x:")."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.row_open, self.row_close = b"<" + prefix + b"row", b"</" + prefix + b"row>"
        self.c_open, self.c_close = b"<" + prefix + b"c", b"</" + prefix + b"c>"
        self.v_open, self.v_close = b"<" + prefix + b"v>", b"</" + prefix + b"v>"
        self.is_open, self.is_close = b"<" + prefix + b"is><" + prefix + b"t", b"</" + prefix + b"t></" + prefix + b"is>"
        self.formula = re.compile(rb"<" + p + rb"f\b[^>]*(?:/>|>[^<]*</" + p + rb"f>)\s*(?:<" + p + rb"v>([^<]*)</" + p
                                  + rb"v>|<" + p + rb"v\s*/>)?")
        # The shapes nearly every cell and row of Excel, WPS, openpyxl … files have, as one token each:
        # a cell with its value or inline text | a row's start tag | a row's end tag. Anything between
        # two tokens (formulas, rich text, other attributes …) is taken apart by the general path.
        self.token = re.compile(
            rb'<' + p + rb'c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?>(?:<' + p + rb'v>([^<]*)</' + p
            + rb'v>|<' + p + rb'is><' + p + rb't(?: xml:space="preserve")?>([^<]*)</' + p + rb't></' + p + rb'is>)</' + p
            + rb'c>|<' + p + rb'row\b([^>]*)>|(</' + p + rb'row>)')


_FAST_ATTRS = re.compile(rb'\s*r="([A-Z]{1,3})\d+"(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?\s*')
_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_ROW_NUMBER = re.compile(rb'\br\s*=\s*["\'](\d+)["\']')


class SheetReader:
    """Rows of one worksheet as ``(0-based row index, cells)``; blank cells are ``None``, cells
    start at column A. ``position`` is where reading stands after the row last handed out.

    The common shapes (``<c r="B2" t="s"><v>7</v></c>``, numbers, inline strings, row tags) are
    tokens of one regular expression (``_Syntax.token``), several times faster than building lxml
    elements; what lies between two tokens (formulas with their cached value, self-closing cells,
    other attributes) goes through ``_cells``, an odd cell through lxml, and a block with comments,
    CDATA or processing instructions through lxml as a whole."""

    def __init__(self, zf: zipfile.ZipFile, entry: str, strings: SharedStrings, styles: dict[int, str],
                 date1904: bool, max_columns: int) -> None:
        self.zf, self.entry = zf, entry
        self.strings, self.styles, self.date1904 = strings, styles, date1904
        self.max_columns = max_columns
        self.position: Position | None = None

    def rows(self, start: Position | None = None) -> Iterator[tuple[int, list[Any]]]:
        try:
            f = self.zf.open(self.entry)
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError):
            raise SpreadsheetError(CORRUPT, "corrupt") from None
        try:
            with f:
                yield from self._rows(f, start)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise SpreadsheetError(CORRUPT, "corrupt") from None

    def _rows(self, f: IO[bytes], start: Position | None) -> Iterator[tuple[int, list[Any]]]:
        source = _BlockSource(f, b"sheetData", b"row", start=start.offset if start else None)
        skip = start.skip if start else 0
        last = start.row if start else 0
        self.position = start or Position(max(source.offset, 0), 0, 0)
        if source.done:
            return
        syntax = _Syntax(source.prefix)
        for offset, block in source:
            if b"<!--" in block or b"<![CDATA[" in block or b"<?" in block:
                rows: Iterator[tuple[int | None, list[Any]]] = self._lxml_rows(source.wrap(block))
            else:
                rows = self._fast_rows(block, syntax, source)
            taken = 0
            for number, cells in rows:
                taken += 1
                if skip:
                    skip -= 1
                    last = number or last + 1
                    continue
                last = number or last + 1
                self.position = Position(offset, taken, last)
                yield last - 1, cells

    def _place(self, cells: list[Any], col: int, value: Any, number: int | None) -> None:
        if col >= self.max_columns:
            from .source import col_letters

            where = f"第{number}行" if number else "有一行"
            raise SpreadsheetError(f"工作表的列数过多（{where}有内容的单元格在第{col_letters(col)}列），上限为"
                                   f"{self.max_columns}列；请删除多余的列后重新上传", "too_many_columns")
        n = len(cells)
        if col == n:
            cells.append(value)
        elif col > n:
            cells.extend([None] * (col - n))
            cells.append(value)
        else:
            cells[col] = value

    def _cells(self, segment: bytes, cells: list[Any], number: int | None, syntax: _Syntax,
               source: _BlockSource) -> None:
        """Cells of ``segment`` (part of a row's content) into ``cells``: the general path."""
        cols = _BCOLS
        for part in segment.split(syntax.c_close):
            while part:
                start = part.find(syntax.c_open)
                if start < 0:
                    break  # whitespace (or an extLst) between cells
                if part[start + len(syntax.c_open):start + len(syntax.c_open) + 1] not in (b" ", b">", b"/", b"\t",
                                                                                        b"\n", b"\r"):
                    part = part[start + 1:]  # another element whose name starts with c
                    continue
                cgt = part.find(b">", start)
                if cgt < 0:
                    raise SpreadsheetError(CORRUPT, "corrupt")
                closed = part[cgt - 1:cgt] == b"/"
                attrs = part[start + len(syntax.c_open):cgt - 1 if closed else cgt]
                if closed:  # <c r="B2" s="1"/>: no value; another cell may follow in this part
                    part = part[cgt + 1:]
                    continue
                inner = part[cgt + 1:]
                part = b""
                fast = _FAST_ATTRS.fullmatch(attrs)
                if fast is not None:
                    letters, s, t = fast.group(1), fast.group(2), fast.group(3)
                    col = cols.get(letters)
                    if col is None:
                        col = cols[letters] = _col_index(letters.decode("ascii"))
                else:
                    found = {k.split(b":")[-1]: (a or b) for k, a, b in _ATTR.findall(attrs)}
                    ref, s, t = found.get(b"r"), found.get(b"s"), found.get(b"t")
                    col = _col_index(ref.decode("ascii")) if ref else len(cells)
                if not inner:
                    continue
                value = self._fast_value(inner, t, s, syntax)
                if value is _SLOW:
                    p = source.prefix
                    value = self._value(source.wrap(b"<" + p + b"c" + attrs + b">" + inner + b"</" + p + b"c>")[0])
                if value is not None:
                    self._place(cells, col, value, number)

    def _fast_rows(self, block: bytes, syntax: _Syntax, source: _BlockSource
                   ) -> Iterator[tuple[int | None, list[Any]]]:
        cols, strings, styles, max_columns = _BCOLS, self.strings, self.styles, self.max_columns
        number: int | None = None
        cells: list[Any] | None = None
        pos = 0
        for m in syntax.token.finditer(block):
            start = m.start()
            if start != pos:
                gap = block[pos:start]
                if cells is not None:
                    self._cells(gap, cells, number, syntax, source)
                elif gap.strip():
                    raise SpreadsheetError(CORRUPT, "corrupt")  # something outside a row
            pos = m.end()
            letters, s, t, v, text, row_attrs, row_end = m.groups()
            if letters is not None:
                if cells is None:
                    raise SpreadsheetError(CORRUPT, "corrupt")
                if v is not None:
                    if not v:
                        continue
                    if t is None or t == b"n":
                        try:
                            value: Any = float(v)
                        except ValueError:
                            raise SpreadsheetError(CORRUPT, "corrupt") from None
                        if styles and s is not None and int(s) in styles:
                            value = from_serial(value, self.date1904)
                    elif t == b"s":
                        try:
                            value = strings[int(v)] or None
                        except (ValueError, IndexError):
                            raise SpreadsheetError(CORRUPT, "corrupt") from None
                    else:
                        value = self._typed(v.decode("utf-8"), t.decode("ascii"), s.decode("ascii") if s else None)
                elif t == b"inlineStr":
                    value = _text(text) or None
                else:
                    value = self._typed(text.decode("utf-8"), t.decode("ascii") if t else "inlineStr", None)
                if value is None:
                    continue
                col = cols.get(letters)
                if col is None:
                    col = cols[letters] = _col_index(letters.decode("ascii"))
                n = len(cells)
                if col == n and col < max_columns:
                    cells.append(value)
                else:
                    self._place(cells, col, value, number)
            elif row_attrs is not None:
                if cells is not None:
                    raise SpreadsheetError(CORRUPT, "corrupt")  # a row inside a row
                rm = _ROW_NUMBER.search(row_attrs)
                number = int(rm.group(1)) if rm else None
                if row_attrs.endswith(b"/"):
                    yield number, []
                else:
                    cells = []
            elif row_end is not None:
                if cells is None:
                    raise SpreadsheetError(CORRUPT, "corrupt")
                yield number, cells
                cells = None
        if cells is not None or block[pos:].strip():
            raise SpreadsheetError(CORRUPT, "corrupt")

    def _fast_value(self, inner: bytes, t: bytes | None, s: bytes | None, syntax: _Syntax) -> Any:
        if inner.startswith(syntax.v_open) and inner.endswith(syntax.v_close):
            raw = inner[len(syntax.v_open):-len(syntax.v_close)]
            if b"<" in raw:
                return _SLOW
        elif t == b"inlineStr" and inner.startswith(syntax.is_open) and inner.endswith(syntax.is_close):
            gt = inner.find(b">", len(syntax.is_open))  # <t> or <t xml:space="preserve">
            if inner[len(syntax.is_open):len(syntax.is_open) + 1] not in (b">", b" "):
                return _SLOW
            raw = inner[gt + 1:-len(syntax.is_close)]
            if b"<" in raw:
                return _SLOW
            return _text(raw) or None
        else:
            fm = syntax.formula.fullmatch(inner)
            if fm is None:
                return _SLOW
            raw = fm.group(1)
            if not raw:
                return FORMULA_WITHOUT_VALUE
        if not raw:
            return None
        return self._typed(raw.decode("utf-8") if t != b"s" else raw, t.decode("ascii") if t else None,
                           s.decode("ascii") if s else None)

    def _typed(self, v: Any, t: str | None, s: str | None) -> Any:
        """A cell's <v> text as a value, by the cell's type ``t`` and style ``s``."""
        if t is None or t == "n":
            try:
                number = float(v)
            except ValueError:
                raise SpreadsheetError(CORRUPT, "corrupt") from None
            if self.styles and s is not None and int(s) in self.styles:
                return from_serial(number, self.date1904)
            return number
        if t == "s":
            try:
                return self.strings[int(v)] or None
            except (ValueError, IndexError):
                raise SpreadsheetError(CORRUPT, "corrupt") from None
        text = _text(v.encode("utf-8")) if isinstance(v, str) and ("&" in v or "\r" in v or "_x" in v) else v
        if t == "str" or t == "inlineStr":
            return text
        if t == "b":
            return text.strip() in ("1", "true")
        if t == "e":
            return ErrorValue(text.strip())
        if t == "d":
            try:
                moment = datetime.fromisoformat(text.strip())
            except ValueError:
                return text
            return moment.date() if moment.time() == time() else moment
        return text

    # -- the general path: lxml elements ---------------------------------------------------------

    def _lxml_rows(self, root: Any) -> Iterator[tuple[int | None, list[Any]]]:
        for row in root:
            if not isinstance(row.tag, str) or not row.tag.endswith("row"):
                continue
            r = row.get("r")
            number = int(r) if r else None
            cells: list[Any] = []
            for c in row:
                if not isinstance(c.tag, str) or not c.tag.endswith("}c") and c.tag != "c":
                    continue
                ref = c.get("r")
                col = _col_index(ref) if ref else len(cells)
                value = self._value(c)
                if value is not None:
                    self._place(cells, col, value, number)
            yield number, cells

    def _value(self, c: Any) -> Any:
        ns = c.tag[: c.tag.index("}") + 1] if c.tag.startswith("{") else ""
        t = c.get("t")
        if t == "inlineStr":
            is_ = c.find(ns + "is")
            if is_ is None:
                return None
            text = "".join(el.text or "" for el in is_ if el.tag == ns + "t")
            text += "".join(r.findtext(ns + "t") or "" for r in is_.iter(ns + "r"))
            return _unescape(text) or None
        v = c.findtext(ns + "v")
        if not v:
            return FORMULA_WITHOUT_VALUE if c.find(ns + "f") is not None else None
        if t in ("str", "e", "b", "d"):
            v = _unescape(v)
            return self._typed(v.replace("&", "&amp;") if "&" in v else v, t, c.get("s"))
        return self._typed(v, t, c.get("s"))


_SLOW = object()


__all__ = [
    "FORMULA_WITHOUT_VALUE", "ErrorValue", "FormulaWithoutValue", "Position", "SharedStrings", "SheetReader",
    "SheetRef", "WorkbookInfo", "date_styles", "from_serial", "sheet_dimension_rows", "workbook_info",
]
