"""Streaming .xlsx writing in pieces: a workbook whose sheet is written by several processes in turn.

An import job writes the annotated copy of a 1,000,000-row upload over many slices (each a few
seconds, see ``domains/orgs/imports/engine.py``). Each slice turns its rows into XML and compresses
them with a fresh ``zlib`` compressor ended by a *sync flush*; raw deflate data ended that way can
be concatenated, and only the last piece is *finished*. So a slice stores one compressed piece per
entry (the sheet, the comments, their VML drawing) plus the running CRC-32 and sizes, and the last
step writes the zip around the pieces (``write_zip``) without inflating anything again.

``AnnotatedSheet`` knows the workbook's look: the user's values, a 错误说明 column (60 wide), bad
cells filled red with a comment holding the message. ``write_xlsx`` writes a whole small workbook
at once with the same code (tests, benchmarks).
"""

from __future__ import annotations

import math
import re
import struct
import time as _time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from .source import col_letters
from .xlsx import ErrorValue, FormulaWithoutValue

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENT_AUTHOR = "职工之家云"
COMMENT_LIMIT = 10_000  # comments beyond this: red fill and the 错误说明 text only (Excel slows to a crawl)
ERROR_COLUMN_WIDTH = 60
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = datetime(1899, 12, 30)

# cellXfs of styles.xml: index = style id used in the sheet
S_DEFAULT, S_DATE, S_DATETIME, S_TIME, S_BAD, S_BAD_DATE, S_BAD_DATETIME, S_BAD_TIME, S_NOTE, S_NOTE_HEADER = range(10)
_BAD = {S_DEFAULT: S_BAD, S_DATE: S_BAD_DATE, S_DATETIME: S_BAD_DATETIME, S_TIME: S_BAD_TIME}

STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="166" formatCode="hh:mm:ss"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="10">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def _attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


# ---- compressed pieces -------------------------------------------------------------------------

class Deflater:
    """One zip entry's content, compressed piece by piece. ``state()`` (JSON-able) carries the
    running CRC-32 and sizes from one piece (and process) to the next."""

    def __init__(self, state: dict[str, int] | None = None, level: int = 6) -> None:
        state = state or {}
        self.crc, self.usize, self.csize = int(state.get("crc", 0)), int(state.get("u", 0)), int(state.get("c", 0))
        self.level = level
        self._z: Any = None
        self._out: list[bytes] = []
        self._pending: list[str] = []
        self._pending_len = 0

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._pending_len += len(text)
        if self._pending_len > 256 * 1024:
            self._push()

    def _push(self) -> None:
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending, self._pending_len = [], 0
        if self._z is None:
            self._z = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        self.crc = zlib.crc32(data, self.crc)
        self.usize += len(data)
        out = self._z.compress(data)
        if out:
            self._out.append(out)

    def take(self, *, final: bool = False) -> bytes:
        """The compressed piece written since the last ``take`` (sync-flushed; finished if ``final``)."""
        self._push()
        if self._z is None:
            if not final:
                return b""
            self._z = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        self._out.append(self._z.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH))
        self._z = None
        piece = b"".join(self._out)
        self._out = []
        self.csize += len(piece)
        return piece

    def state(self) -> dict[str, int]:
        return {"crc": self.crc, "u": self.usize, "c": self.csize}


# ---- the zip around the pieces ---------------------------------------------------------------------

@dataclass
class ZipEntry:
    name: str
    crc: int
    usize: int
    csize: int
    pieces: Iterable[bytes]  # raw deflate data, in order


def stored_entry(name: str, content: str | bytes, level: int = 6) -> ZipEntry:
    data = content.encode("utf-8") if isinstance(content, str) else content
    z = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = z.compress(data) + z.flush()
    return ZipEntry(name, zlib.crc32(data), len(data), len(packed), [packed])


def _dos_time(moment: float) -> tuple[int, int]:
    t = _time.localtime(moment)
    return (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2), ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday


def write_zip(out: IO[bytes], entries: Iterable[ZipEntry]) -> int:
    """Write a zip of deflated entries from their pieces (ZIP64 where sizes need it); returns its size."""
    mtime, mdate = _dos_time(_time.time())
    central: list[bytes] = []
    offset = 0
    for e in entries:
        name = e.name.encode("utf-8")
        big = e.usize >= 0xFFFFFFFF or e.csize >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, e.usize, e.csize) if big else b""
        version = 45 if big else 20
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0x0800, 8, mtime, mdate, e.crc,
                              0xFFFFFFFF if big else e.csize, 0xFFFFFFFF if big else e.usize, len(name), len(extra)))
        out.write(name + extra)
        written = 0
        for piece in e.pieces:
            out.write(piece)
            written += len(piece)
        if written != e.csize:
            raise ValueError(f"{e.name}: {written} compressed bytes, expected {e.csize}")
        far = offset >= 0xFFFFFFFF
        cextra_fields = []
        if big:
            cextra_fields += [e.usize, e.csize]
        if far:
            cextra_fields.append(offset)
        cextra = struct.pack(f"<HH{len(cextra_fields)}Q", 1, 8 * len(cextra_fields), *cextra_fields) \
            if cextra_fields else b""
        central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, version | (3 << 8), version, 0x0800, 8, mtime, mdate, e.crc,
            0xFFFFFFFF if big else e.csize, 0xFFFFFFFF if big else e.usize, len(name), len(cextra), 0, 0, 0,
            0o100644 << 16, 0xFFFFFFFF if far else offset) + name + cextra)
        offset += 30 + len(name) + len(extra) + written
    cd_start = offset
    for record in central:
        out.write(record)
        offset += len(record)
    cd_size = offset - cd_start
    count = len(central)
    if count >= 0xFFFF or cd_start >= 0xFFFFFFFF or cd_size >= 0xFFFFFFFF:
        out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, cd_size, cd_start))
        out.write(struct.pack("<IIQI", 0x07064B50, 0, offset, 1))
        offset += 56 + 20
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                          min(cd_size, 0xFFFFFFFF), min(cd_start, 0xFFFFFFFF), 0))
    return offset + 22


# ---- cells -----------------------------------------------------------------------------------------

_LETTERS: dict[int, str] = {}


def letters(col: int) -> str:
    s = _LETTERS.get(col)
    if s is None:
        s = _LETTERS[col] = col_letters(col)
    return s


def cell_xml(ref: str, value: Any, style: int = S_DEFAULT) -> str:
    """One ``<c>`` element (empty string for a value that shows nothing)."""
    if value is None or isinstance(value, FormulaWithoutValue):
        return f'<c r="{ref}" s="{style}"/>' if style != S_DEFAULT else ""
    if isinstance(value, str):
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return cell_xml(ref, str(value), style)
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>' if isinstance(value, float) else \
            f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{_date_style(S_DATETIME, style)}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        serial = (datetime(value.year, value.month, value.day) - _EXCEL_EPOCH).days
        return f'<c r="{ref}" s="{_date_style(S_DATE, style)}"><v>{serial}</v></c>'
    if isinstance(value, time):
        serial = (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
        return f'<c r="{ref}" s="{_date_style(S_TIME, style)}"><v>{serial!r}</v></c>'
    if isinstance(value, ErrorValue):
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s} t="e"><v>{escape(value.code)}</v></c>'
    return cell_xml(ref, str(value), style)


def _date_style(kind: int, style: int) -> int:
    return _BAD[kind] if style == S_BAD else kind


# ---- the annotated sheet ---------------------------------------------------------------------------

@dataclass
class AnnotatedSheet:
    """The XML of the annotated copy: ``width`` columns of the user's values, then 错误说明."""

    width: int
    comments: int = 0  # comments written so far (carried across slices)
    sheet: Deflater = field(default_factory=Deflater)
    notes: Deflater = field(default_factory=Deflater)  # xl/comments1.xml
    shapes: Deflater = field(default_factory=Deflater)  # xl/drawings/vmlDrawing1.vml

    @classmethod
    def resume(cls, width: int, state: dict[str, Any] | None) -> AnnotatedSheet:
        state = state or {}
        return cls(width=width, comments=int(state.get("n", 0)), sheet=Deflater(state.get("s")),
                   notes=Deflater(state.get("c")), shapes=Deflater(state.get("v")))

    def state(self) -> dict[str, Any]:
        return {"n": self.comments, "s": self.sheet.state(), "c": self.notes.state(), "v": self.shapes.state()}

    def begin(self) -> None:
        """The start of each entry (before the first row)."""
        self.sheet.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}"><cols><col min="{self.width + 1}" max="{self.width + 1}" '
            f'width="{ERROR_COLUMN_WIDTH}" customWidth="1"/></cols><sheetData>')
        self.notes.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN_NS}">'
                         f"<authors><author>{COMMENT_AUTHOR}</author></authors><commentList>")
        blocks = ",".join(str(i) for i in range(1, COMMENT_LIMIT // 1024 + 2))
        self.shapes.write(
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            f'<o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout><v:shapetype id="_x0000_t202" '
            'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')

    def row(self, number: int, values: Sequence[Any], bad: dict[int, str] | None = None, note: str | None = None,
            *, header: bool = False) -> None:
        """Row ``number`` (1-based): the values (cut to ``width``), bad cells by column with their
        message, and the 错误说明 text (the column's title when ``header``)."""
        parts = [f'<row r="{number}">']
        n = str(number)
        for col, value in enumerate(values[: self.width]):
            message = bad.get(col) if bad else None
            if message is None:
                if value is not None:
                    parts.append(cell_xml(letters(col) + n, value))
                continue
            parts.append(cell_xml(letters(col) + n, value, S_BAD))
            self._comment(number, col, message)
        if bad:
            for col in sorted(c for c in bad if len(values) <= c < self.width):  # blank cells with a problem
                parts.append(cell_xml(letters(col) + n, None, S_BAD))
                self._comment(number, col, bad[col])
        if note is not None:
            parts.append(cell_xml(letters(self.width) + n, note, S_NOTE_HEADER if header else S_NOTE))
        parts.append("</row>")
        self.sheet.write("".join(parts))

    def _comment(self, number: int, col: int, message: str) -> None:
        if self.comments >= COMMENT_LIMIT:
            return
        self.comments += 1
        self.notes.write(f'<comment ref="{letters(col)}{number}" authorId="0"><text><t xml:space="preserve">'
                         f"{escape(message)}</t></text></comment>")
        self.shapes.write(
            f'<v:shape id="_x0000_s{1024 + self.comments}" type="#_x0000_t202" style="position:absolute;'
            f"margin-left:59.25pt;margin-top:1.5pt;width:300px;height:80px;z-index:{self.comments};"
            'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
            f"<x:Row>{number - 1}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>")

    def end(self, merges: Sequence[str] = ()) -> None:
        """The end of each entry (after the last row); ``merges`` like ``A1:G1``."""
        tail = "</sheetData>"
        if merges:
            tail += f'<mergeCells count="{len(merges)}">' + "".join(
                f'<mergeCell ref="{_attr(m)}"/>' for m in merges) + "</mergeCells>"
        if self.comments:
            tail += '<legacyDrawing r:id="rId1"/>'
        self.sheet.write(tail + "</worksheet>")
        self.notes.write("</commentList></comments>")
        self.shapes.write("</xml>")

    def take(self, *, final: bool = False) -> dict[str, bytes]:
        return {"s": self.sheet.take(final=final), "c": self.notes.take(final=final),
                "v": self.shapes.take(final=final)}


def workbook_entries(sheet_name: str, sheet: ZipEntry, notes: ZipEntry | None, shapes: ZipEntry | None
                     ) -> Iterator[ZipEntry]:
    """All entries of a one-sheet workbook around its (pre-compressed) sheet and comments."""
    comments = notes is not None and shapes is not None
    overrides = [
        ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
        ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
    ]
    if comments:
        overrides.append(("/xl/comments1.xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"))
    yield stored_entry("[Content_Types].xml", (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>"))
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    yield stored_entry("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                       f'xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                       "</Relationships>")
    yield stored_entry("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook '
                       f'xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="{_attr(sheet_name[:31] or "Sheet1")}" '
                       'sheetId="1" r:id="rId1"/></sheets></workbook>')
    yield stored_entry("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" '
                       'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="' + rel + '/styles" '
                       'Target="styles.xml"/></Relationships>')
    yield stored_entry("xl/styles.xml", STYLES_XML)
    yield ZipEntry("xl/worksheets/sheet1.xml", sheet.crc, sheet.usize, sheet.csize, sheet.pieces)
    if comments:
        assert notes is not None and shapes is not None
        yield stored_entry("xl/worksheets/_rels/sheet1.xml.rels", f'<?xml version="1.0" encoding="UTF-8" '
                           f'standalone="yes"?>\n<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                           f'Type="{rel}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rId2" '
                           f'Type="{rel}/comments" Target="../comments1.xml"/></Relationships>')
        yield ZipEntry("xl/comments1.xml", notes.crc, notes.usize, notes.csize, notes.pieces)
        yield ZipEntry("xl/drawings/vmlDrawing1.vml", shapes.crc, shapes.usize, shapes.csize, shapes.pieces)


def write_xlsx(out: IO[bytes], rows: Iterable[Sequence[Any]], *, sheet_name: str = "Sheet1",
               merges: Sequence[str] = (), shared_strings: bool = False) -> int:
    """A plain one-sheet workbook written in one go (tests, benchmarks): strings inline, or in a
    shared-strings table as Excel and WPS save them (``shared_strings=True``)."""
    sheet = Deflater()
    sheet.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
                "<sheetData>")
    pieces: list[bytes] = []
    table: dict[str, int] = {}
    for number, values in enumerate(rows, 1):
        n = str(number)
        cells = []
        for c, v in enumerate(values):
            if shared_strings and isinstance(v, str):
                index = table.setdefault(v, len(table))
                cells.append(f'<c r="{letters(c)}{n}" t="s"><v>{index}</v></c>')
            else:
                cells.append(cell_xml(letters(c) + n, v))
        sheet.write(f'<row r="{n}">' + "".join(cells) + "</row>")
        if number % 20000 == 0:
            pieces.append(sheet.take())
    tail = "</sheetData>"
    if merges:
        tail += f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + \
            "</mergeCells>"
    sheet.write(tail + "</worksheet>")
    pieces.append(sheet.take(final=True))
    entries = list(workbook_entries(sheet_name, ZipEntry("", sheet.crc, sheet.usize, sheet.csize, pieces), None, None))
    if shared_strings:
        sst = Deflater()
        sst.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}" '
                  f'count="{len(table)}" uniqueCount="{len(table)}">')
        sst_pieces = []
        for i, text in enumerate(table):
            space = ' xml:space="preserve"' if text != text.strip() else ""
            sst.write(f"<si><t{space}>{escape(text)}</t></si>")
            if i % 50000 == 49999:
                sst_pieces.append(sst.take())
        sst.write("</sst>")
        sst_pieces.append(sst.take(final=True))
        entries = [_with_shared_strings(e) for e in entries]
        entries.append(ZipEntry("xl/sharedStrings.xml", sst.crc, sst.usize, sst.csize, sst_pieces))
    return write_zip(out, entries)


def _with_shared_strings(entry: ZipEntry) -> ZipEntry:
    """The content types and workbook relationships of ``workbook_entries`` plus the shared strings."""
    if entry.name not in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
        return entry
    import zlib as _z

    text = _z.decompress(b"".join(entry.pieces), -15).decode("utf-8")
    if entry.name == "[Content_Types].xml":
        text = text.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    else:
        text = text.replace("</Relationships>", f'<Relationship Id="rId3" Type="{REL_NS}/sharedStrings" '
                                                'Target="sharedStrings.xml"/></Relationships>')
    return stored_entry(entry.name, text)


__all__ = ["COMMENT_LIMIT", "AnnotatedSheet", "Deflater", "ZipEntry", "cell_xml", "workbook_entries", "write_xlsx",
           "write_zip"]
