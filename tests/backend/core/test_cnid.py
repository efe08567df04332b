"""Chinese identifiers: normalisation, validation (with the spreadsheet-number trap), masking, generators."""

from __future__ import annotations

from datetime import date
from random import Random

import pytest

from unionhome.core.cnid import (
    InvalidBankCard,
    InvalidCreditCode,
    InvalidIdNumber,
    InvalidMobile,
    id_check_digit,
    is_valid_id_number,
    is_valid_uscc,
    luhn_check_digit,
    make_bank_card,
    make_id_number,
    make_mobile,
    make_uscc,
    mask_bank_card,
    mask_id_number,
    mask_mobile,
    mask_name,
    normalize_code,
    normalize_person_name,
    normalize_text,
    org_code_check_char,
    parse_bank_card,
    parse_id_number,
    parse_mobile,
    parse_uscc,
)

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 21)
ID_F = "11010519491231002X"  # GB 11643 sample: female, born 1949-12-31
ID_M = "410721198803151236"  # 新乡县, male, born 1988-03-15
USCC = "91350100M000100Y43"
STORED_AS_NUMBER = "身份证号被存成了数字，后几位已丢失，请将该列设为文本后重新填写"


# --- normalisation ------------------------------------------------------------------------------------


def test_normalize_text_half_width_and_whitespace() -> None:
    assert normalize_text("　１２３ＡＢＣ，ｘ\u3000 \t y\u200b ") == "123ABC,x y"
    assert normalize_text("新乡县\u00a0七里营镇\n人民路") == "新乡县 七里营镇 人民路"


def test_normalize_code_drops_spaces_and_dashes_and_upper_cases() -> None:
    assert normalize_code(" ４１０７２１ 1988-0315 –123ｘ ") == "41072119880315123X"
    assert normalize_code("138－1234—5678") == "13812345678"


def test_normalize_person_name() -> None:
    assert normalize_person_name(" 张　三 ") == "张三"
    assert normalize_person_name("买买提 . 艾力") == "买买提·艾力"
    assert normalize_person_name("买买提•艾力") == "买买提·艾力"
    assert normalize_person_name("Li Ming") == "Li Ming"


# --- ID numbers ----------------------------------------------------------------------------------------


def test_parse_id_number_known_valid() -> None:
    parsed = parse_id_number(ID_F, today=TODAY)
    assert parsed.number == ID_F
    assert parsed.region_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parsed.last4 == "002X"
    assert parsed.age_on(date(2026, 12, 30)) == 76
    assert parsed.age_on(date(2026, 12, 31)) == 77

    male = parse_id_number(ID_M, today=TODAY)
    assert (male.region_code, male.birth_date, male.gender) == ("410721", date(1988, 3, 15), "M")


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        " 110105 19491231 002X ",
        "110105-19491231-002x",
    ],
)
def test_parse_id_number_accepts_messy_text(raw: str) -> None:
    assert parse_id_number(raw, today=TODAY).number == ID_F


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("11010519491231002", "length", "长度应为18位"),
        ("1101051949123100211", "length", "长度应为18位"),
        ("11010519491231002Y", "charset", "含非法字符"),
        ("1101051949X231002X", "charset", "含非法字符"),
        ("110105194912310O2X", "charset", "含非法字符"),
        ("990105194912310021", "region", "地区码无效"),
        ("000105194912310021", "region", "地区码无效"),
        ("110105194913310021", "birth_date", "出生日期无效"),
        ("110105194902300021", "birth_date", "出生日期无效"),
        ("110105189912310021", "birth_date", "出生日期无效"),
        ("110105202701010021", "birth_date", "出生日期无效"),
        ("110105194912310021", "checksum", "校验位错误（应为X）"),
        ("410721198803151234", "checksum", "校验位错误（应为6）"),
        ("", "empty", "身份证号为空"),
        (None, "empty", "身份证号为空"),
    ],
)
def test_parse_id_number_reports_the_problem_in_chinese(raw: str | None, code: str, message: str) -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(raw, today=TODAY)
    assert exc.value.code == code
    assert exc.value.message == message
    assert str(exc.value) == message


def test_birth_date_today_is_accepted_and_tomorrow_is_not() -> None:
    body = f"410721{TODAY:%Y%m%d}001"
    assert parse_id_number(body + id_check_digit(body), today=TODAY).birth_date == TODAY
    later = f"410721{date(2026, 11, 22):%Y%m%d}001"
    with pytest.raises(InvalidIdNumber, match="出生日期无效"):
        parse_id_number(later + id_check_digit(later), today=TODAY)


@pytest.mark.parametrize(
    "raw",
    [
        4.10721198803e17,  # what a spreadsheet hands over for a numeric cell
        410721198803151236.0,  # even a float that looks complete is never trusted
        "4.10721198803e+17",
        "4.10721198803E17",
        "4.10721198803151E+17",
        "410721198803151236.0",
        410721198803151000,  # digits already lost: an int that fails the checksum
        4107211988031512,  # 16 digits
    ],
)
def test_id_number_stored_as_number_is_reported_not_repaired(raw: object) -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(raw, today=TODAY)
    assert exc.value.code == "stored_as_number"
    assert exc.value.message == STORED_AS_NUMBER


def test_id_number_as_int_that_passes_the_checksum_is_accepted() -> None:
    assert parse_id_number(410721198803151236, today=TODAY).number == ID_M


def test_zero_padded_int_is_rejected_even_when_the_checksum_happens_to_pass() -> None:
    """Excel keeps 15 significant digits and pads with zeros; one such number in 11 passes the check."""
    body = "41072119880310800"
    assert id_check_digit(body) == "0"  # 410721198803108000 passes the checksum
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(int(body + "0"), today=TODAY)
    assert exc.value.code == "stored_as_number"


def test_negative_int_is_not_an_id_number() -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(-410721198803151236, today=TODAY)
    assert exc.value.code == "charset"


def test_short_int_is_a_length_problem() -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(123456, today=TODAY)
    assert exc.value.code == "length"


def test_bool_is_not_an_id_number() -> None:
    with pytest.raises(InvalidIdNumber):
        parse_id_number(True)


def test_is_valid_id_number() -> None:
    assert is_valid_id_number(ID_F)
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number(4.10721198803e17)


def test_residence_permit_prefixes_are_accepted() -> None:
    for prefix in ("81", "82", "83"):
        body = f"{prefix}0000199001010012"[:17]
        assert is_valid_id_number(body + id_check_digit(body), today=TODAY)


# --- Unified social credit codes ----------------------------------------------------------------------


def test_parse_uscc_known_valid() -> None:
    code = parse_uscc(USCC)
    assert code.code == USCC
    assert (code.authority, code.category, code.region_code, code.org_code) == (
        "9",
        "91",
        "350100",
        "M000100Y4",
    )
    assert code.category_name == "企业"
    assert code.authority_name.startswith("市场监管")


def test_parse_uscc_normalises() -> None:
    assert parse_uscc(" 9135 0100-m000 100y43 ").code == USCC
    assert parse_uscc("９１３５０１００Ｍ０００１００Ｙ４３").code == USCC


@pytest.mark.parametrize(
    ("raw", "code", "message_start"),
    [
        ("91350100M000100Y44", "checksum", "校验位错误（应为3）"),
        ("91350100M000100I43", "charset", "含非法字符"),
        ("91350100M000100O43", "charset", "含非法字符"),
        ("91350100M000100Y4", "length", "长度应为18位"),
        ("B1350100M000100Y43", "authority", "登记管理部门代码"),
        ("96350100M000100Y43", "category", "机构类别代码"),
        ("Y2350100M000100Y43", "category", "机构类别代码"),
        ("91990100M000100Y43", "region", "登记管理机关行政区划码"),
        ("913501A0M000100Y43", "region", "登记管理机关行政区划码"),
        ("", "empty", "统一社会信用代码为空"),
        (None, "empty", "统一社会信用代码为空"),
        (9.13501e17, "stored_as_number", "统一社会信用代码被存成了数字"),
        ("1.24107E+17", "stored_as_number", "统一社会信用代码被存成了数字"),
    ],
)
def test_parse_uscc_errors(raw: object, code: str, message_start: str) -> None:
    with pytest.raises(InvalidCreditCode) as exc:
        parse_uscc(raw)
    assert exc.value.code == code
    assert exc.value.message.startswith(message_start)


def test_uscc_of_a_grassroots_union_and_of_national_registrations() -> None:
    union = make_uscc(Random(3), "410721", "8", "1")
    assert parse_uscc(union).category_name == "基层工会"
    national = make_uscc(Random(4), "100000", "5", "1")  # 民政部 registered social organisations
    assert parse_uscc(national).region_code == "100000"


def test_is_valid_uscc() -> None:
    assert is_valid_uscc(USCC)
    assert not is_valid_uscc("91350100M000100Y44")


# --- Mobile numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138-1234-5678",
        "(+86)138 1234 5678",
        "0086 13812345678",
        "8613812345678",
        "１３８１２３４５６７８",
        "13812345678.0",
        13812345678,
        13812345678.0,
    ],
)
def test_parse_mobile_accepts(raw: object) -> None:
    assert parse_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12812345678", "format"),
        ("1381234567", "format"),
        ("138123456789", "format"),
        ("0373-5123456", "format"),
        ("1.38123E+10", "stored_as_number"),
        (13812345678.5, "format"),
        ("", "empty"),
        (None, "empty"),
    ],
)
def test_parse_mobile_rejects(raw: object, code: str) -> None:
    with pytest.raises(InvalidMobile) as exc:
        parse_mobile(raw)
    assert exc.value.code == code


# --- Bank cards ---------------------------------------------------------------------------------------


def test_parse_bank_card_valid() -> None:
    assert parse_bank_card("4111 1111 1111 1111") == "4111111111111111"
    assert parse_bank_card("４１１１-１１１１-１１１１-１１１１") == "4111111111111111"
    assert parse_bank_card(4111111111111111) == "4111111111111111"  # an int keeps every digit


def test_short_card_as_exact_float_is_accepted() -> None:
    body = "12345678901"
    card = body + luhn_check_digit(body)
    assert parse_bank_card(float(card)) == card


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("4111111111111112", "checksum", "校验位错误（应为1）"),
        ("12345678901", "length", "银行卡号应为12至19位数字"),
        ("62284804025648900181", "length", "银行卡号应为12至19位数字"),
        ("6228A80402564890018", "charset", "含非法字符"),
        ("", "empty", "银行卡号为空"),
        (
            6.22848040256489e18,
            "stored_as_number",
            "银行卡号被存成了数字，后几位已丢失，请将该列设为文本后重新填写",
        ),
        (
            4111111111111111.0,
            "stored_as_number",
            "银行卡号被存成了数字，后几位已丢失，请将该列设为文本后重新填写",
        ),
        ("6.22848E+18", "stored_as_number", "银行卡号被存成了数字，后几位已丢失，请将该列设为文本后重新填写"),
        # Passes Luhn by chance, but the zero padding shows it went through a double.
        (
            6228480402564890000,
            "stored_as_number",
            "银行卡号被存成了数字，后几位已丢失，请将该列设为文本后重新填写",
        ),
    ],
)
def test_parse_bank_card_errors(raw: object, code: str, message: str) -> None:
    with pytest.raises(InvalidBankCard) as exc:
        parse_bank_card(raw)
    assert exc.value.code == code
    assert exc.value.message == message


# --- Masking ------------------------------------------------------------------------------------------


def test_masks() -> None:
    assert mask_id_number("410721198803151234") == "410721********1234"
    assert mask_id_number(ID_F) == "110105********002X"
    assert mask_bank_card("6228480402564890018") == "6228 **** **** 0018"
    assert mask_bank_card("4111 1111 1111 1111") == "4111 **** **** 1111"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name(" 张 ") == "*"
    assert mask_name("") == ""


def test_masks_of_odd_lengths_never_reveal_more_than_four_characters() -> None:
    assert mask_id_number("12345") == "*2345"
    assert mask_id_number("123") == "***"
    assert mask_bank_card("12345678") == "****5678"


# --- Generators ---------------------------------------------------------------------------------------


def test_generators_are_valid_and_deterministic() -> None:
    rng = Random(42)
    ids = [make_id_number(rng, "410721") for _ in range(300)]
    codes = [make_uscc(rng, "410721") for _ in range(300)]
    cards = [make_bank_card(rng) for _ in range(300)]
    mobiles = [make_mobile(rng) for _ in range(300)]
    assert all(is_valid_id_number(i, today=TODAY) for i in ids)
    assert all(i.startswith("410721") for i in ids)
    assert all(is_valid_uscc(c) and c.startswith("91410721") for c in codes)
    assert all(org_code_check_char(c[8:16]) == c[16] for c in codes)
    assert all(parse_bank_card(c) == c and c.startswith("622848") and len(c) == 19 for c in cards)
    assert all(parse_mobile(m) == m for m in mobiles)

    again = Random(42)
    assert [make_id_number(again, "410721") for _ in range(300)] == ids


def test_make_id_number_honours_birth_date_and_gender() -> None:
    rng = Random(1)
    for gender in ("M", "F"):
        number = make_id_number(rng, "410724", date(1990, 2, 28), gender)
        parsed = parse_id_number(number, today=TODAY)
        assert (parsed.region_code, parsed.birth_date, parsed.gender) == ("410724", date(1990, 2, 28), gender)


def test_make_uscc_categories() -> None:
    rng = Random(7)
    for authority, category, name in [("1", "1", "机关"), ("1", "2", "事业单位"), ("5", "2", "民办非企业单位"),
                                      ("9", "2", "个体工商户"), ("9", "3", "农民专业合作社")]:  # fmt: skip
        assert parse_uscc(make_uscc(rng, "410721", authority, category)).category_name == name
    with pytest.raises(ValueError):
        make_uscc(rng, "410721", "9", "7")


def test_make_bank_card_other_bin_and_length() -> None:
    card = make_bank_card(Random(5), bin="621700", length=16)
    assert card.startswith("621700") and len(card) == 16 and parse_bank_card(card) == card
