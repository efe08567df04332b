"""A corpus of malformed uploads, generated in tmp: each ends with a clear Chinese message, never a
500, and nothing is written."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from unionhome.core.tenancy import tenant_context
from unionhome.domains.orgs.models import Member
from unionhome.extensions import db

from .conftest import upload, write_xlsx

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("inline_jobs")]

ID = "41072119880315009X"

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                  'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def raw_xlsx(path: Path, sheet_parts: Iterable[str]) -> Path:
    """A minimal workbook whose sheet XML is streamed from `sheet_parts` (for huge or odd sheets)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData>')
            for part in sheet_parts:
                f.write(part.encode("utf-8"))
            f.write(b"</sheetData></worksheet>")
    return path


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _members(c: Any) -> int:
    tid = c.get("/api/v1/me").get_json()["tenant"]["id"]
    with tenant_context(tid):
        n = db.session.execute(select(func.count()).select_from(Member)).scalar_one()
        db.session.rollback()
    return int(n)


def _good(tmp: Path) -> Path:
    return write_xlsx(tmp / "good.xlsx", [["姓名", "身份证号", "所属工会"], ["张三", ID, "x"]])


def _corpus(tmp: Path) -> dict[str, tuple[Path, str, str]]:
    """name → (file, expected error code, a phrase of the message)."""
    good = _good(tmp).read_bytes()
    files: dict[str, tuple[bytes | Path, str, str]] = {
        "empty.xlsx": (b"", "empty_file", "文件为空"),
        "truncated.xlsx": (good[: len(good) // 2], "corrupt", "已损坏或不完整"),
        "garbage.xlsx": (b"PK\x03\x04" + os.urandom(3000), "corrupt", "已损坏或不完整"),
        "binary.csv": (os.urandom(8192) + b"\x00\x00", "binary", "二进制"),
        "report.csv": (b"%PDF-1.7\n" + os.urandom(2000), "not_a_table", "PDF"),
        "photo.xlsx": (b"\x89PNG\r\n\x1a\n" + os.urandom(500), "not_a_table", "PNG 图片"),
        "latin1.csv": ("姓名,身份证号\n".encode() + b"\xff\xfe\xfa\x80\x81" * 50, "encoding", "编码"),
        "other.zip.xlsx": (_zip({"readme.txt": b"hello"}), "not_xlsx", "不是有效的 Excel"),
        "wrong-headers.xlsx": (write_xlsx(tmp / "w.xlsx", [["编号", "名字", "电话"], [1, "张三", "138"]]),
                               "missing_columns", "缺少必填列：身份证号。第1行的表头为：编号、名字、电话"),
        "header-only.csv": ("姓名,身份证号\n\n\n".encode(), "no_rows", "没有数据行"),
        "blank-sheet.xlsx": (write_xlsx(tmp / "blank.xlsx", []), "empty_table", "没有数据"),
        "bomb.xlsx": (_bomb(tmp / "bomb.xlsx"), "zip_bomb", "压缩炸弹"),
        "sparse.xlsx": (raw_xlsx(tmp / "sparse.xlsx", [f'<row r="1">{_cell("A1", "姓名")}{_cell("B1", "身份证号")}</row>',
                                                       f'<row r="900000">{_cell("XFD900000", "x")}</row>']),
                        "too_many_columns", "列数过多"),
    }
    out = {}
    for name, (content, code, phrase) in files.items():
        path = tmp / f"upload-{name}"
        path.write_bytes(content.read_bytes() if isinstance(content, Path) else content)
        out[name] = (path, code, phrase)
    return out


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _bomb(path: Path) -> Path:
    """A workbook whose one sheet inflates 1000:1 to 64 MB of spaces."""
    return raw_xlsx(path, (" " * (1 << 20) for _ in range(64)))


def test_each_malformed_file_gets_a_clear_error_and_writes_nothing(login_as, tmp_path):
    c = login_as("federation_admin")
    before = _members(c)
    for name, (path, code, phrase) in _corpus(tmp_path).items():
        resp = upload(c, path.rename(path.with_name(name)))
        assert resp.status_code == 201, (name, resp.get_json())
        batch = resp.get_json()
        assert batch["status"] == "invalid", (name, batch)
        assert batch["error_code"] == code, (name, batch["error_message"])
        assert phrase in batch["error_message"], (name, batch["error_message"])
        assert c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).status_code == 409, name
    assert _members(c) == before


def test_a_million_blank_rows_stop_after_a_run_of_blanks(login_as, tmp_path):
    c = login_as("federation_admin")
    org = c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]
    head = (f'<row r="1">{_cell("A1", "姓名")}{_cell("B1", "身份证号")}{_cell("C1", "所属工会")}</row>'
            f'<row r="2">{_cell("A2", "张三")}{_cell("B2", ID)}{_cell("C2", org["name"])}</row>')

    def blanks() -> Iterable[str]:
        yield head
        for start in range(3, 1_000_003, 10_000):
            yield "".join(f'<row r="{r}">{_cell(f"A{r}", " ")}</row>' for r in range(start, start + 10_000))

    path = raw_xlsx(tmp_path / "blank-rows.xlsx", blanks())
    batch = upload(c, path).get_json()
    assert batch["status"] == "validated", batch
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (1, 1, 0)
    assert "第3行起连续1000行为空" in batch["notice"]


def test_formulas_without_values_over_long_values_and_error_cells(login_as, tmp_path):
    c = login_as("federation_admin")
    org = c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]
    path = write_xlsx(tmp_path / "f.xlsx", [
        ["姓名", "身份证号", "所属工会", "备注"],
        ["=CONCAT(\"张\",\"三\")", ID, org["name"], None],
        ["张" * 61, ID, org["name"], None],
        ["李四", "#N/A", org["name"], "x" * 2001],
    ])
    batch = upload(c, path).get_json()
    assert batch["status"] == "validated" and batch["error_rows"] == 3
    texts = " | ".join(e["text"] for e in batch["first_errors"])
    assert "第2行 姓名：是公式，但文件中没有保存计算结果" in texts
    assert "第3行 姓名：内容过长（61个字符），不能超过60个字符" in texts
    assert "第4行 身份证号：单元格是错误值 #N/A" in texts
    assert "第4行 备注：内容过长（2001个字符）" in texts
