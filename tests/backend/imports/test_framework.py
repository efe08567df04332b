"""The spreadsheet framework on its own: normalisation, header matching, readers (no servers)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from unionhome.core.cnid import make_bank_card, make_id_number
from unionhome.core.spreadsheets import Column, SpreadsheetError, inspect, open_file
from unionhome.core.spreadsheets import cells as c
from unionhome.core.spreadsheets.errors import CellError
from unionhome.domains.orgs.imports.employers import COLUMNS as EMPLOYER_COLUMNS
from unionhome.domains.orgs.imports.members import COLUMNS as MEMBER_COLUMNS

from .conftest import write_csv, write_xlsx

pytestmark = pytest.mark.unit

ID = "41072119880315009X"  # check digit X


def _id(rng_seed: int = 1) -> str:
    import random

    return make_id_number(random.Random(rng_seed), "410721")


@pytest.mark.parametrize("raw", ["2024.1.5", "2024年1月5日", "2024/1/5", "2024-01-05", "２０２４年１月５日",
                                 " 2024 . 1 . 5 ", "20240105", 45296, 45296.0, date(2024, 1, 5), "2024-01-05 00:00:00",
                                 "45296"])
def test_dates_in_every_spelling(raw):
    assert c.date_value()(raw) == date(2024, 1, 5)


@pytest.mark.parametrize(("raw", "message"), [("2024.2.30", "不存在"), ("2024.1", "不完整"), (2024.1, "不完整"),
                                              ("昨天", "无法识别"), ("1/5/2024", "无法识别"), ("1800-01-01", "合理范围")])
def test_bad_dates(raw, message):
    with pytest.raises(CellError) as err:
        c.date_value()(raw)
    assert message in err.value.message


def test_identifiers_are_normalised_never_repaired():
    number = _id()
    typed = " " + number[:6] + " " + number[6:].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "　"
    assert c.id_number()(typed).number == number
    assert c.id_number()(ID.lower()).number == ID  # x → X
    for lost in (float(number[:17] + "0"), int(number[:15] + "000"), "4.10721198803151E+17"):
        with pytest.raises(CellError) as err:
            c.id_number()(lost)
        assert "存成了数字" in err.value.message
    with pytest.raises(CellError):
        c.id_number()(date(2024, 1, 5))
    card = make_bank_card(__import__("random").Random(3))
    assert c.bank_card()(card[:4] + " " + card[4:]) == card
    with pytest.raises(CellError) as err:
        c.bank_card()(float(card))
    assert "存成了数字" in err.value.message


def test_mobiles_typed_as_numbers_are_fine():
    assert c.mobile()(13800138000.0) == "13800138000"
    assert c.mobile()(13800138000) == "13800138000"
    assert c.mobile()("138 0013 8000") == "13800138000"
    assert c.mobile()("+86 138-0013-8000") == "13800138000"
    with pytest.raises(CellError):
        c.mobile()("1.38001E+10")


def test_text_names_integers_and_choices():
    assert c.text(10)("  ＡＢＣ　 d ") == "ABC d"
    with pytest.raises(CellError) as err:
        c.text(5)("一二三四五六")
    assert "不能超过5个字符" in err.value.message
    assert c.person_name(60)("张 三") == "张三"
    assert c.person_name(60)("买买提.艾力") == "买买提·艾力"
    assert c.integer()("1,234人") == 1234 and c.integer()(12.0) == 12 and c.integer()("１２") == 12
    with pytest.raises(CellError):
        c.integer()(12.5)
    parse = c.choice({"regular": "正式职工", "migrant": "农民工"}, synonyms={"合同工": "regular"})
    assert parse("农民工") == "migrant" and parse("合同工") == "regular" and parse("migrant") == "migrant"
    with pytest.raises(CellError) as err:
        parse("临时工")
    assert "正式职工、农民工" in err.value.message


def test_header_synonyms_title_rows_and_two_level_merged_headers(tmp_path: Path):
    rows = [
        ["序号", "会员基本信息", None, None, "联系方式", None, "备注"],
        [None, "姓名", "公民身份号码", "工会名称", "手机号码", "座机", None],
        [1, "张三", ID, "某工会", 13800138000, "0373-1234567", "x"],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows, title="某某工会会员实名制登记表（2024年）",
                      merges=["A1:G1", "A2:A3", "B2:D2", "E2:F2", "G2:G3"])
    with open_file(path, "h.xlsx", MEMBER_COLUMNS) as opened:
        h = opened.header
        assert h.header_row == 2  # 0-based: the third row
        assert h.columns == {"name": 1, "id_number": 2, "org": 3, "mobile": 4, "remark": 6}
        assert set(h.ignored) == {"序号", "座机"}
        [row] = next(opened.reader().chunks())
        assert row.number == 4 and row.ok and row.values["mobile"] == "13800138000"
        assert row.values["id_number"].number == ID


def test_synonyms_of_both_kinds():
    def keys(columns, headers):
        from unionhome.core.spreadsheets.headers import HeaderIndex

        index = HeaderIndex(columns)
        return [index.lookup(h).key if index.lookup(h) else None for h in headers]

    assert keys(MEMBER_COLUMNS, ["身份证号", "*身份证号码", "公民身份号码", "证件号码（18位）", "手机", "联系电话",
                                 "所属工会", "工会名称", "工作单位", "单位名称", "入会时间", "入会日期："]) == [
        "id_number", "id_number", "id_number", "id_number", "mobile", "mobile", "org", "org", "employer",
        "employer", "join_date", "join_date"]
    assert keys(EMPLOYER_COLUMNS, ["统一社会信用代码", "信用代码", "职工人数", "职工总数", "单位名称", "企业名称"]) == [
        "credit_code", "credit_code", "staff_count", "staff_count", "name", "name"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str):
    path = write_csv(tmp_path / "m.csv", [["姓名", "身份证号", "所属工会"], ["张三", ID, "新乡县总工会"],
                                          ["李四", "41072119880315009x", "镕"]], encoding=encoding)
    source = inspect(path, "m.csv")
    assert source.kind == "csv"
    with open_file(path, "m.csv", MEMBER_COLUMNS) as opened:
        rows = [r for chunk in opened.reader().chunks() for r in chunk]
    assert [r.values["name"] for r in rows] == ["张三", "李四"]
    assert rows[1].values["id_number"].number == ID and rows[1].values["org"] == "镕"


def test_xlsx_renamed_to_csv_is_read_as_a_workbook(tmp_path: Path):
    path = write_xlsx(tmp_path / "x.xlsx", [["姓名", "身份证号"], ["张三", ID]])
    renamed = tmp_path / "x.csv"
    renamed.write_bytes(path.read_bytes())
    assert inspect(renamed, "x.csv").kind == "xlsx"


def test_missing_columns_say_what_was_found(tmp_path: Path):
    path = write_xlsx(tmp_path / "w.xlsx", [["序号", "名字", "电话", "单位"], [1, "张三", "138", "x"]])
    with pytest.raises(SpreadsheetError) as err:
        open_file(path, "w.xlsx", MEMBER_COLUMNS)
    assert err.value.code == "missing_columns"
    assert "缺少必填列：身份证号" in err.value.message and "序号、名字、电话、单位" in err.value.message
    assert "身份证号码" in err.value.message  # the accepted spellings are listed


def test_duplicate_columns_are_refused(tmp_path: Path):
    path = write_xlsx(tmp_path / "d.xlsx", [["姓名", "身份证号", "证件号码"], ["张三", ID, ID]])
    with pytest.raises(SpreadsheetError) as err:
        open_file(path, "d.xlsx", MEMBER_COLUMNS)
    assert err.value.code == "duplicate_columns" and "第B列“身份证号”与第C列“证件号码”" in err.value.message


def test_a_custom_column_spec(tmp_path: Path):
    cols = [Column("card", "银行卡号", ("卡号",), required=True, parse=c.bank_card())]
    path = write_csv(tmp_path / "c.csv", [["卡号"], ["6228480402564890018"], [""], ["123"]])
    with open_file(path, "c.csv", cols) as opened:
        rows = [r for chunk in opened.reader().chunks() for r in chunk]
    assert len(rows) == 2 and rows[1].number == 4 and rows[1].issues[0].text().startswith("第4行 银行卡号：")
