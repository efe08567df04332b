"""The blank import template (GET /api/v1/imports/template.xlsx): the headers the import reads, text
format on number-like columns, a 填写说明 sheet; a template filled in imports without a problem;
permission and bad input."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from unionhome.domains.orgs.imports.engine import DEFINITIONS

from .conftest import grassroots, upload

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("inline_jobs")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(c: Any, kind: str) -> Any:
    resp = c.get(f"/api/v1/imports/template.xlsx?kind={kind}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == XLSX
    return resp


@pytest.mark.parametrize(("kind", "label"), [("members", "会员"), ("employers", "单位")])
def test_headers_formats_and_notes(login_as, kind, label):
    c = login_as("federation_admin")
    resp = template(c, kind)
    assert unquote(resp.headers["Content-Disposition"].split("filename*=UTF-8''")[1]) == f"{label}导入模板.xlsx"
    wb = load_workbook(io.BytesIO(resp.data))
    ws, notes = wb.worksheets
    columns = DEFINITIONS[kind].columns
    assert [c.value for c in ws[1]] == [col.label for col in columns]
    assert ws.max_row == 1 or all(cell.value is None for row in ws.iter_rows(min_row=2) for cell in row)
    for cell, col in zip(ws[1], columns, strict=True):
        assert (cell.fill.fgColor.rgb == "00FFF2CC") == col.required, col.key
        assert cell.comment is not None and cell.comment.text
        if col.key in ("id_number", "credit_code", "mobile"):
            assert ws.cell(row=2, column=cell.column).number_format == "@", col.key
    assert notes.title == "填写说明"
    rows = {r[0]: r for r in notes.iter_rows(min_row=2, values_only=True) if r and r[0]}
    for col in columns:
        assert rows[col.label][1] == ("必填" if col.required else "选填")
        assert rows[col.label][3] == ("、".join(col.synonyms) or None)


def test_a_filled_in_template_imports_cleanly(login_as, tmp_path, people):
    c = login_as("federation_admin")
    wb = load_workbook(io.BytesIO(template(c, "members").data))
    ws = wb.worksheets[0]
    index = {cell.value: cell.column for cell in ws[1]}
    org = grassroots(c)[0]
    for r, (name, number, mobile) in enumerate(people(3), start=2):
        ws.cell(row=r, column=index["姓名"], value=name)
        ws.cell(row=r, column=index["身份证号"], value=number)
        ws.cell(row=r, column=index["手机"], value=mobile)
        ws.cell(row=r, column=index["所属工会"], value=org["name"])
        ws.cell(row=r, column=index["入会时间"], value="2024年3月1日")
    path = tmp_path / "会员导入模板.xlsx"
    wb.save(path)
    batch = upload(c, path).get_json()
    assert batch["status"] == "validated", batch
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (3, 3, 0)
    assert batch["ignored_columns"] == []


def test_permission_and_bad_input(login_as):
    auditor = login_as("auditor")  # reads employers, writes nothing
    assert auditor.get("/api/v1/imports/template.xlsx?kind=employers").status_code == 403
    admin = login_as("federation_admin")
    assert admin.get("/api/v1/imports/template.xlsx").status_code == 422
    resp = admin.get("/api/v1/imports/template.xlsx?kind=bogus")
    assert resp.status_code == 422 and "导入类型" in str(resp.get_json()["errors"])
    other = login_as("federation_admin", tenant=1)  # another county gets its own (identical) blank form
    assert template(other, "members").data[:2] == b"PK"
