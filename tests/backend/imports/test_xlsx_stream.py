"""The streaming .xlsx reader and writer of the spreadsheet framework (no servers).

The reader must give what python-calamine gives (the reference: dates, numbers, booleans, strings,
blanks) for workbooks written by openpyxl, by our own writer with inline or shared strings, and for
the odd XML real files contain; it must resume at any saved position with exactly the rows a single
pass gives; and its memory must not grow with the sheet. The writer's pieces, written as separate
slices would write them, must make one valid workbook that openpyxl and calamine both read.
"""

from __future__ import annotations

import io
import json
import random
import tracemalloc
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import python_calamine as calamine
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from unionhome.core.cnid import make_id_number, make_mobile
from unionhome.core.spreadsheets import Column, open_file
from unionhome.core.spreadsheets import cells as c
from unionhome.core.spreadsheets.readers import Workbook as Reader
from unionhome.core.spreadsheets.source import inspect
from unionhome.core.spreadsheets.xlsx import FORMULA_WITHOUT_VALUE, ErrorValue, SharedStrings, from_serial
from unionhome.core.spreadsheets.xlsxwrite import (
    AnnotatedSheet,
    ZipEntry,
    workbook_entries,
    write_xlsx,
    write_zip,
)
from unionhome.domains.orgs.imports.members import COLUMNS as MEMBER_COLUMNS

from .test_bad_files import raw_xlsx

pytestmark = pytest.mark.unit

ID = "41072119880315009X"


def _stream_rows(path: Path, *, sheet: int = 0, start: Any = None) -> list[tuple[int, list[Any]]]:
    source = inspect(path, path.name, scan_sheets=False)
    with Reader(source, streaming=True) as wb:
        table = list(wb.tables())[sheet]
        return list(table.rows(start))


def _calamine_rows(path: Path) -> list[list[Any]]:
    sheet = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    pad = [None] * (sheet.start[1] if sheet.start else 0)
    return [pad + [None if v == "" else v for v in row] for row in sheet.iter_rows()]


def _trim(row: list[Any]) -> list[Any]:
    """Without trailing blanks; the sentinels for a formula without value or an error value read as
    blank in calamine."""
    row = [None if v is FORMULA_WITHOUT_VALUE or isinstance(v, ErrorValue) else v for v in row]
    while row and row[-1] is None:
        row = row[:-1]
    return row


def _same_as_calamine(path: Path) -> list[list[Any]]:
    """The streamed rows, padded to calamine's shape (it lists blank rows, the stream skips them)."""
    streamed = dict(_stream_rows(path))
    reference = _calamine_rows(path)
    assert max(streamed, default=-1) < len(reference)
    for index, row in enumerate(reference):
        assert _trim(streamed.get(index, [])) == _trim(row), (path.name, index)
    return reference


def test_openpyxl_workbook_types_dates_and_formulas(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "日期", "时间", "数", "布尔", "公式", "错误", "长数"])
    ws.append(["张三 <&>", ID, date(2024, 1, 5), datetime(2024, 1, 5, 10, 30), 1.5, True, "=1+1", "#N/A",
               410721198803150090])
    ws.append([" 前后空格 ", "x\ny", time(10, 30), 45296, -3, False, None, None, 13800138000])
    ws["C3"].number_format = "hh:mm:ss"
    ws["D3"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A5"] = "隔一行"
    path = tmp_path / "types.xlsx"
    wb.save(path)
    _same_as_calamine(path)
    rows = dict(_stream_rows(path))
    assert rows[1][6] is FORMULA_WITHOUT_VALUE and rows[1][7] == ErrorValue("#N/A")  # calamine: both blank
    assert rows[2][2] == time(10, 30) and rows[2][3] == date(2024, 1, 5) and 3 not in rows
    assert rows[1][8] == 410721198803150090.0 and isinstance(rows[1][8], float)  # a number, as calamine gives it


def _sst_rows() -> list[list[Any]]:
    rng = random.Random(3)
    rows: list[list[Any]] = [["姓名", "身份证号", "手机", "所属工会", "入会时间"]]
    for i in range(3000):
        rows.append([f"测试{i % 7}", make_id_number(rng, "410721"), make_mobile(rng), "某某工会 ", i + 0.5])
    return rows


@pytest.mark.parametrize("shared", [True, False])
def test_our_writer_inline_and_shared_strings(tmp_path: Path, shared: bool):
    rows = _sst_rows()
    path = tmp_path / "w.xlsx"
    with path.open("wb") as f:
        write_xlsx(f, rows, sheet_name="会员", shared_strings=shared)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert ("xl/sharedStrings.xml" in zf.namelist()) is shared
    reference = _same_as_calamine(path)
    assert reference[1][:4] == rows[1][:4] and reference[0][0] == "姓名"


def test_odd_xml_prefixes_rich_text_missing_refs_and_comments(tmp_path: Path):
    """What other writers produce: an `x:` prefix, rows and cells without `r`, self-closing rows,
    rich-text shared strings with phonetic runs, entities, CDATA, a comment, a date1904 workbook."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="{ns}"><x:dimension ref="A1:C4"/>'
             '<x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
             '<x:c r="C1" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t xml:space="preserve">文本 </x:t>'
             '</x:r></x:is></x:c></x:row><x:row><x:c><x:v>1</x:v></x:c><x:c t="str"><x:f>A2</x:f>'
             '<x:v>a&amp;b&#x4E2D;</x:v></x:c></x:row><x:row r="3" spans="1:3"/>'
             '<x:row r="4"><!-- a comment --><x:c r="B4" t="inlineStr"><x:is><x:t><![CDATA[<cdata>]]></x:t></x:is>'
             '</x:c><x:c r="C4" s="1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{ns}"><si><t>甲_x000D_乙</t></si>'
           '<si><r><rPr><b/></rPr><t>身份</t></r><r><t>证号</t></r><rPh sb="0" eb="1"><t>シン</t></rPh></si></sst>')
    styles = (f'<styleSheet xmlns="{ns}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d"/>'
              '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    workbook = (f'<workbook xmlns="{ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<workbookPr date1904="1"/><sheets><sheet name="甲" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship '
            'Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>')
    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        zf.writestr("xl/sharedStrings.xml", sst)
        zf.writestr("xl/styles.xml", styles)
    rows = _stream_rows(path)
    assert rows == [(0, ["甲\r乙", "身份证号", "富文本 "]), (1, [1.0, "a&b中"]), (2, []),
                    (3, [None, "<cdata>", date(1904, 1, 2)])]


def test_serial_dates_like_excel():
    assert from_serial(45296, False) == date(2024, 1, 5)
    assert from_serial(45296.4375, False) == datetime(2024, 1, 5, 10, 30)
    assert from_serial(0.5, False) == time(12, 0)
    assert from_serial(1, False) == date(1900, 1, 1) and from_serial(61, False) == date(1900, 3, 1)
    assert from_serial(0, True) == time(0, 0) and from_serial(1, True) == date(1904, 1, 2)
    assert from_serial(-5, False) == -5 and from_serial(1e12, False) == 1e12


def _big_member_sheet(path: Path, n: int, *, shared: bool = False, seed: int = 11) -> Path:
    rng = random.Random(seed)

    def rows() -> Any:
        yield ["会员实名制登记表"]
        yield ["姓名", "身份证号", "手机", "所属工会", "入会时间"]
        for i in range(n):
            yield [f"会员{i}", make_id_number(rng, "410721"), make_mobile(rng), "某某工会", "2020-01-01"]

    with path.open("wb") as f:
        write_xlsx(f, rows(), sheet_name="会员", merges=["A1:E1"], shared_strings=shared)
    return path


@pytest.mark.parametrize("shared", [True, False])
def test_resume_anywhere_gives_exactly_the_rows_of_one_pass(tmp_path: Path, shared: bool):
    path = _big_member_sheet(tmp_path / "big.xlsx", 12_000, shared=shared)
    whole = _stream_rows(path)
    assert len(whole) == 12_002
    source = inspect(path, "big.xlsx", scan_sheets=False)
    assert source.sheets[0].merges == [((0, 0), (0, 4))]
    pieces: list[tuple[int, list[Any]]] = []
    position = None
    step = random.Random(5)
    while True:
        # every resume in a new reader (as in a new job slice), from the JSON of the last position
        with Reader(Source_from(path, source), streaming=True, cache_dir=tmp_path / "cache") as wb:
            table = next(wb.tables())
            taken = 0
            limit = step.randint(1, 3000)
            for item in table.rows(position):
                pieces.append(item)
                taken += 1
                if taken == limit:
                    break
            position = json.loads(json.dumps(table.position))
            if taken < limit:
                break
    assert pieces == whole
    if shared:
        assert SharedStrings.load(tmp_path / "cache") is not None  # parsed once, reused by later slices


def Source_from(path: Path, source: Any) -> Any:  # noqa: N802 - reads like the constructor it stands for
    from unionhome.core.spreadsheets.source import Source

    return Source.from_state(path, json.loads(json.dumps(source.to_state())))


def test_row_reader_resumes_chunks_and_counts_blank_runs_across_gaps(tmp_path: Path):
    """The parsed-row pipeline stopped after any chunk and resumed from its JSON state gives the same
    rows; rows a file leaves out count as blank rows (as calamine lists them)."""
    cols = [Column("name", "姓名", required=True, parse=c.text(20)), Column("n", "数", parse=c.integer())]
    rows: list[list[Any]] = [["姓名", "数"]] + [[f"甲{i}", i] for i in range(50)]
    sheet = [f'<row r="{r + 1}">' + "".join(
        f'<c r="{col}{r + 1}" t="inlineStr"><is><t>{v}</t></is></c>' if isinstance(v, str) else
        f'<c r="{col}{r + 1}"><v>{v}</v></c>' for col, v in zip("AB", row, strict=False)) + "</row>"
        for r, row in enumerate(rows)]
    sheet.append('<row r="900"><c r="A900" t="inlineStr"><is><t>远处</t></is></c></row>')  # 848 rows later
    sheet.append('<row r="2000"><c r="A2000" t="inlineStr"><is><t>太远</t></is></c></row>')  # after >1000 blank
    path = raw_xlsx(tmp_path / "gaps.xlsx", sheet)
    with open_file(path, "gaps.xlsx", cols, streaming=True) as opened:
        one = [(r.number, r.values["name"]) for chunk in opened.reader().chunks(7) for r in chunk]
    assert one[-1] == (900, "远处") and len(one) == 51
    got: list[tuple[int, str]] = []
    state = None
    while True:
        with open_file(path, "gaps.xlsx", cols, streaming=True) as opened:
            reader = opened.reader(state)
            chunk = next(reader.chunks(7), None)
            if chunk is None:
                break
            got += [(r.number, r.values["name"]) for r in chunk]
            state = json.loads(json.dumps(reader.state()))
    assert got == one and state is not None and state["stopped"] == 901  # the run of blank rows began there


def test_streaming_pipeline_reports_formulas_and_errors_like_the_scan(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "所属工会"])
    ws.append(["=CONCAT(\"张\",\"三\")", ID, "x"])
    ws.append(["李四", "#N/A", "x"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    texts = []
    for streaming in (False, True):
        with open_file(path, "f.xlsx", MEMBER_COLUMNS, streaming=streaming) as opened:
            texts.append([i.text() for chunk in opened.reader().chunks() for r in chunk for i in r.issues])
    assert texts[0] == texts[1]
    assert "第2行 姓名：是公式，但文件中没有保存计算结果" in texts[1][0] and "第3行 身份证号：单元格是错误值 #N/A" in texts[1][1]


def test_sparse_sheet_with_a_far_cell_is_refused_when_reached(tmp_path: Path):
    from unionhome.core.spreadsheets import SpreadsheetError

    cell = '<c r="{0}" t="inlineStr"><is><t>{1}</t></is></c>'
    path = raw_xlsx(tmp_path / "s.xlsx", [f'<row r="1">{cell.format("A1", "姓名")}{cell.format("B1", "身份证号")}</row>',
                                          f'<row r="2">{cell.format("A2", "张三")}<c r="XFD2" s="3"/></row>',
                                          f'<row r="90">{cell.format("XFD90", "x")}</row>'])
    with pytest.raises(SpreadsheetError) as err, open_file(path, "s.xlsx", MEMBER_COLUMNS, streaming=True) as opened:
        list(opened.reader().chunks())
    assert err.value.code == "too_many_columns" and "第90行" in err.value.message  # a styled empty cell is fine


def test_reading_memory_stays_flat(tmp_path: Path):
    """Python-side allocations while streaming 60,000 rows stay at one block, not the sheet."""
    path = _big_member_sheet(tmp_path / "mem.xlsx", 60_000, shared=False)
    source = inspect(path, "mem.xlsx", scan_sheets=False)
    tracemalloc.start()
    try:
        with Reader(source, streaming=True) as wb:
            n = sum(1 for _ in next(wb.tables()).rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 60_002
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # the sheet's XML alone is ~25 MB


def test_annotated_pieces_from_separate_slices_make_one_workbook(tmp_path: Path):
    width = 3
    state: Any = None
    parts: list[dict[str, bytes]] = []
    plan = [[(1, ["姓名", "身份证号", "手机"], None, "错误说明", True)],
            [(2, ["张三", "123", 13800138000.0], {1: "长度应为18位"}, "身份证号：长度应为18位", False)],
            [],  # a slice that wrote nothing
            [(3, ["李四", None, date(2024, 1, 5), "列外"], {1: "不能为空", 2: "错"}, "身份证号：不能为空", False),
             (4, ["王五", ID, ErrorValue("#REF!")], None, None, False)]]
    for i, rows in enumerate(plan):
        writer = AnnotatedSheet.resume(width, json.loads(json.dumps(state)) if state else None)
        if i == 0:
            writer.begin()
        for number, values, bad, note, header in rows:
            writer.row(number, values, bad, note, header=header)
        last = i == len(plan) - 1
        if last:
            writer.end(["A1:B1"])
        parts.append(writer.take(final=last))
        state = writer.state()
    entries = {k: ZipEntry("", state[k]["crc"], state[k]["u"], state[k]["c"], [p[k] for p in parts])
               for k in ("s", "c", "v")}
    buf = io.BytesIO()
    write_zip(buf, workbook_entries("会员", entries["s"], entries["c"], entries["v"]))
    assert zipfile.ZipFile(buf).testzip() is None
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws.title == "会员" and ws["D1"].value == "错误说明" and ws.column_dimensions["D"].width == 60
    assert ws["B2"].comment.text == "长度应为18位" and ws["B2"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["B3"].value is None and ws["B3"].comment.text == "不能为空" and ws["C3"].comment.text == "错"
    assert ws["C3"].value == datetime(2024, 1, 5) and ws["D3"].value == "身份证号：不能为空"
    assert ws["C4"].value == "#REF!" and ws["E3"].value is None  # cut to the header's width
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:B1"]
    sheet = calamine.CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue())).get_sheet_by_index(0)
    assert list(sheet.iter_rows())[1] == ["张三", "123", 13800138000.0, "身份证号：长度应为18位"]


def test_comments_stop_at_the_limit_but_every_row_keeps_its_text(monkeypatch: pytest.MonkeyPatch):
    from unionhome.core.spreadsheets import xlsxwrite

    monkeypatch.setattr(xlsxwrite, "COMMENT_LIMIT", 3)
    writer = AnnotatedSheet(width=1)
    writer.begin()
    for n in range(1, 6):
        writer.row(n, ["x"], {0: f"错{n}"}, f"第{n}行错")
    writer.end()
    pieces = writer.take(final=True)
    state = writer.state()
    buf = io.BytesIO()
    write_zip(buf, workbook_entries("S", *(ZipEntry("", state[k]["crc"], state[k]["u"], state[k]["c"], [pieces[k]])
                                           for k in ("s", "c", "v"))))
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert [ws.cell(n, 1).comment is not None for n in range(1, 6)] == [True, True, True, False, False]
    assert [ws.cell(n, 2).value for n in range(1, 6)] == [f"第{n}行错" for n in range(1, 6)]
    assert ws["A5"].fill.fgColor.rgb == "FFFFC7CE"


def test_openpyxl_comment_workbook_reads_back(tmp_path: Path):
    """A user's workbook that carries comments and a hidden sheet: only visible worksheets count."""
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.sheet_state = "hidden"
    data = wb.create_sheet("会员")
    data.append(["姓名", "身份证号"])
    data.append(["张三", ID])
    data["A2"].comment = Comment("备注", "me")
    path = tmp_path / "h.xlsx"
    wb.save(path)
    source = inspect(path, "h.xlsx", scan_sheets=False)
    with Reader(source, streaming=True) as r:
        assert [t.name for t in r.tables()] == ["会员"]
