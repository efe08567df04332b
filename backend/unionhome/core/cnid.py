"""Chinese identifiers: normalisation, validation, masking and generators for demo data.

Pure functions, no Flask and no database. Importers call ``parse_*`` on every cell and put the
``InvalidIdentifier.message`` (Chinese, shown to users as is) in the row's problem list.

Numbers typed into a spreadsheet as numbers are the trap (DESIGN "Chinese data conventions"): a
double keeps 15–17 significant digits, so an 18-digit ID number or a 16–19-digit bank card number
stored as a number has already lost its last digits. Such a value is reported, never "repaired" into
a different number that may happen to pass the checksum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import Literal

from .clock import today as china_today

Gender = Literal["M", "F"]

# Full-width forms U+FF01..U+FF5E map onto ASCII 0x21..0x7E; U+3000 is the ideographic space.
# Zero-width characters and no-break spaces come in with text copied from web pages and Word.
_HALF_WIDTH: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x202F: 0x20})
_HALF_WIDTH.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))
_DASHES = re.compile(r"[\s\-‐‑‒–—―−]+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_NAME_DOTS = re.compile(rf"(?<=[{_CJK}])\s*[.•・･‧∙]\s*(?=[{_CJK}])")
# What a spreadsheet number looks like once it has been turned into text: 4.10721198803e+17 or 1234.0.
_NUMBER_TEXT = re.compile(r"\d+(\.\d*)?E[+]?\d+|\d+\.\d*")


def normalize_text(s: str) -> str:
    """Half-width, trimmed, with every run of whitespace collapsed to one space.

    Meant for one-line fields (names, addresses, titles); do not use it on multi-line free text.
    """
    return " ".join(s.translate(_HALF_WIDTH).split())


def normalize_code(s: str) -> str:
    """``normalize_text`` without any spaces or dashes, upper-cased: for ID, USCC, card and phone numbers."""
    return _DASHES.sub("", normalize_text(s)).upper()


def normalize_person_name(s: str) -> str:
    """A person's name as typed: ``张 三`` → ``张三``, ``买买提.艾力`` → ``买买提·艾力``."""
    text = _NAME_DOTS.sub("·", normalize_text(s))
    return _SPACE_BETWEEN_CJK.sub("", text)


class InvalidIdentifier(ValueError):
    """``message`` is Chinese and meant for the user; ``code`` is stable and meant for programs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidIdNumber(InvalidIdentifier):
    pass


class InvalidCreditCode(InvalidIdentifier):
    pass


class InvalidMobile(InvalidIdentifier):
    pass


class InvalidBankCard(InvalidIdentifier):
    pass


def _digits_of_spreadsheet_number(raw: int | float, max_exact_digits: int) -> str | None:
    """The digits of a numeric cell if they can be trusted, else None.

    A float is trusted only when it is integral and short enough to be exact in a double.
    """
    if isinstance(raw, float):
        if raw.is_integer() and 0 <= raw < 10**max_exact_digits:
            return str(int(raw))
        return None
    if raw < 0:
        return None
    digits = str(raw)
    # Excel shows 15 significant digits and pads with zeros: 410721198803151000. Such an int may
    # pass a checksum by chance (1 in 10 or 11), so it is never trusted.
    if len(digits) > 15 and set(digits[15:]) == {"0"}:
        return None
    return digits


# --- ID card numbers (GB 11643-1999) -------------------------------------------------------------

# GB/T 2260 province-level codes, plus 83 (Taiwan residents' residence permits, like 81 and 82).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()  # noqa: SIM905
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_NUMERIC = "身份证号被存成了数字，后几位已丢失，请将该列设为文本后重新填写"
_MIN_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    region_code: str
    birth_date: date
    gender: Gender
    last4: str

    def age_on(self, day: date) -> int:
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )


def id_check_digit(body17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: object, *, today: date | None = None) -> IdNumber:
    """Validate an 18-character resident ID number; raise ``InvalidIdNumber`` with a Chinese message."""
    if isinstance(raw, bool):
        raise InvalidIdNumber("含非法字符", "charset")
    if isinstance(raw, float):
        raise InvalidIdNumber(_ID_NUMERIC, "stored_as_number")
    if isinstance(raw, int):
        if raw < 0:
            raise InvalidIdNumber("含非法字符", "charset")
        digits = _digits_of_spreadsheet_number(raw, 18)
        if digits is None:
            raise InvalidIdNumber(_ID_NUMERIC, "stored_as_number")
        try:
            return _parse_id_text(digits, today or china_today())
        except InvalidIdNumber:
            if len(digits) >= 16:  # a long number that fails: digits lost in the spreadsheet
                raise InvalidIdNumber(_ID_NUMERIC, "stored_as_number") from None
            raise
    if raw is None:
        raise InvalidIdNumber("身份证号为空", "empty")
    text = normalize_code(str(raw))
    if _NUMBER_TEXT.fullmatch(text):
        raise InvalidIdNumber(_ID_NUMERIC, "stored_as_number")
    return _parse_id_text(text, today or china_today())


def _parse_id_text(text: str, today: date) -> IdNumber:
    if not text:
        raise InvalidIdNumber("身份证号为空", "empty")
    if not re.fullmatch(r"\d*X?", text):
        raise InvalidIdNumber("含非法字符", "charset")
    if len(text) != 18:
        raise InvalidIdNumber("长度应为18位", "length")
    if text[:2] not in PROVINCE_CODES:
        raise InvalidIdNumber("地区码无效", "region")
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidIdNumber("出生日期无效", "birth_date") from None
    if not _MIN_BIRTH <= birth <= today:
        raise InvalidIdNumber("出生日期无效", "birth_date")
    expected = id_check_digit(text[:17])
    if text[17] != expected:
        raise InvalidIdNumber(f"校验位错误（应为{expected}）", "checksum")
    gender: Gender = "M" if int(text[16]) % 2 else "F"
    return IdNumber(number=text, region_code=text[:6], birth_date=birth, gender=gender, last4=text[-4:])


def is_valid_id_number(raw: object, *, today: date | None = None) -> bool:
    try:
        parse_id_number(raw, today=today)
    except InvalidIdNumber:
        return False
    return True


# --- Unified social credit codes (GB 32100-2015 and its later category assignments) ----------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# fmt: off
_USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
                     "5": "仲裁委员会", "6": "商事调解组织", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "4": "村民委员会",
                 "5": "居民委员会", "9": "其他"}),
    "6": ("旅游", {"1": "外国政府旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "2": "非法人工会组织", "9": "其他"}),
    "9": ("市场监管（工商）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社", "9": "其他"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "G": ("公安", {"1": "境外非政府组织代表机构", "9": "其他"}),
    "J": ("住房城乡建设", {"1": "业主大会", "9": "其他"}),
    "N": ("农业农村", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Q": ("侨联", {"1": "区县级侨联组织", "2": "乡镇级侨联组织", "3": "村级侨联组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}
# fmt: on
_USCC_NUMERIC = "统一社会信用代码被存成了数字，后几位已丢失，请将该列设为文本后重新填写"


@dataclass(frozen=True, slots=True)
class CreditCode:
    code: str
    authority: str  # 登记管理部门代码, 1 char
    category: str  # 机构类别, the first 2 chars (e.g. "91" 企业, "92" 个体工商户, "81" 基层工会)
    region_code: str  # 登记管理机关行政区划码
    org_code: str  # 主体标识码 (组织机构代码), 9 chars

    @property
    def authority_name(self) -> str:
        return _USCC_AUTHORITIES[self.authority][0]

    @property
    def category_name(self) -> str:
        return _USCC_AUTHORITIES[self.authority][1][self.category[1]]


def uscc_check_char(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def parse_uscc(raw: object) -> CreditCode:
    """Validate a unified social credit code; raise ``InvalidCreditCode`` with a Chinese message.

    The embedded organisation code's own GB 11714 check character is not enforced: the code's
    check character already covers typing errors, and rejecting a registered code is worse than
    accepting an oddly issued one.
    """
    if isinstance(raw, bool):
        raise InvalidCreditCode("含非法字符", "charset")
    if isinstance(raw, int | float):
        digits = _digits_of_spreadsheet_number(raw, 15)
        if digits is None or len(digits) >= 16:
            raise InvalidCreditCode(_USCC_NUMERIC, "stored_as_number")
        text = digits
    elif raw is None:
        raise InvalidCreditCode("统一社会信用代码为空", "empty")
    else:
        text = normalize_code(str(raw))
        if _NUMBER_TEXT.fullmatch(text):
            raise InvalidCreditCode(_USCC_NUMERIC, "stored_as_number")
    if not text:
        raise InvalidCreditCode("统一社会信用代码为空", "empty")
    if any(c not in USCC_ALPHABET for c in text):
        raise InvalidCreditCode("含非法字符（只能是数字和除I、O、S、V、Z以外的大写字母）", "charset")
    if len(text) != 18:
        raise InvalidCreditCode("长度应为18位", "length")
    authority = _USCC_AUTHORITIES.get(text[0])
    if authority is None:
        raise InvalidCreditCode("登记管理部门代码（第1位）无效", "authority")
    if text[1] not in authority[1]:
        raise InvalidCreditCode("机构类别代码（第2位）无效", "category")
    region = text[2:8]
    if not region.isdigit() or region[:2] not in PROVINCE_CODES | {"10"}:
        raise InvalidCreditCode("登记管理机关行政区划码（第3—8位）无效", "region")
    expected = uscc_check_char(text[:17])
    if text[17] != expected:
        raise InvalidCreditCode(f"校验位错误（应为{expected}）", "checksum")
    return CreditCode(
        code=text, authority=text[0], category=text[:2], region_code=region, org_code=text[8:17]
    )


def is_valid_uscc(raw: object) -> bool:
    try:
        parse_uscc(raw)
    except InvalidCreditCode:
        return False
    return True


# --- Mobile numbers ----------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")


def parse_mobile(raw: object) -> str:
    """The 11-digit mainland mobile number, without country code."""
    if isinstance(raw, bool):
        raise InvalidMobile("手机号应为1开头的11位数字", "format")
    if isinstance(raw, int | float):
        # 11 digits fit a double exactly, so an integral float is the number itself.
        digits = _digits_of_spreadsheet_number(raw, 15)
        if digits is None:
            raise InvalidMobile("手机号应为1开头的11位数字", "format")
        text = digits
    elif raw is None:
        raise InvalidMobile("手机号为空", "empty")
    else:
        text = normalize_code(str(raw)).replace("(", "").replace(")", "")
        if re.fullmatch(r"\d+E\+?\d+|\d+\.\d*E\+?\d+", text):
            raise InvalidMobile("手机号被存成了科学计数法，请将该列设为文本后重新填写", "stored_as_number")
        text = re.sub(r"\.0*$", "", text)
        for prefix in ("+86", "0086"):
            text = text.removeprefix(prefix)
        if len(text) == 13 and text.startswith("86"):
            text = text[2:]
    if not text:
        raise InvalidMobile("手机号为空", "empty")
    if not _MOBILE.fullmatch(text):
        raise InvalidMobile("手机号应为1开头的11位数字", "format")
    return text


# --- Bank card numbers -------------------------------------------------------------------------------

_CARD_NUMERIC = "银行卡号被存成了数字，后几位已丢失，请将该列设为文本后重新填写"


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def parse_bank_card(raw: object) -> str:
    """The card number's digits, 12–19 of them with a valid Luhn check digit."""
    if isinstance(raw, bool):
        raise InvalidBankCard("含非法字符", "charset")
    if isinstance(raw, int | float):
        digits = _digits_of_spreadsheet_number(raw, 15)
        if digits is None:
            raise InvalidBankCard(_CARD_NUMERIC, "stored_as_number")
        try:
            return _parse_card_text(digits)
        except InvalidBankCard:
            if len(digits) >= 16:
                raise InvalidBankCard(_CARD_NUMERIC, "stored_as_number") from None
            raise
    if raw is None:
        raise InvalidBankCard("银行卡号为空", "empty")
    text = normalize_code(str(raw))
    if _NUMBER_TEXT.fullmatch(text):
        raise InvalidBankCard(_CARD_NUMERIC, "stored_as_number")
    return _parse_card_text(text)


def _parse_card_text(text: str) -> str:
    if not text:
        raise InvalidBankCard("银行卡号为空", "empty")
    if not text.isascii() or not text.isdigit():
        raise InvalidBankCard("含非法字符", "charset")
    if not 12 <= len(text) <= 19:
        raise InvalidBankCard("银行卡号应为12至19位数字", "length")
    expected = luhn_check_digit(text[:-1])
    if text[-1] != expected:
        raise InvalidBankCard(f"校验位错误（应为{expected}）", "checksum")
    return text


# --- Masking (API responses, exports, public notices) ------------------------------------------------


def mask_id_number(number: str) -> str:
    """``410721198803151234`` → ``410721********1234``."""
    n = len(number)
    if n >= 11:
        return number[:6] + "*" * (n - 10) + number[-4:]
    return _mask_all_but_last4(number)


def mask_bank_card(number: str) -> str:
    """``6228480012345671234`` → ``6228 **** **** 1234``; the fixed shape also hides the length."""
    digits = normalize_code(number)
    if len(digits) >= 12:
        return f"{digits[:4]} **** **** {digits[-4:]}"
    return _mask_all_but_last4(digits)


def _mask_all_but_last4(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_mobile(number: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return number[:3] + "****" + number[-4:] if len(number) == 11 else "*" * len(number)


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``张三明`` → ``张*明``, ``欧阳娜娜`` → ``欧**娜``."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- Generators for demo data and tests (deterministic given the Random) ----------------------------

_MOBILE_PREFIXES = tuple(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 172 173 175 176 177 "  # noqa: SIM905
    "178 180 181 182 183 184 185 186 187 188 189 191 195 198 199".split()
)


def make_id_number(
    rng: Random, region_code: str, birth_date: date | None = None, gender: Gender | None = None
) -> str:
    if not re.fullmatch(r"\d{6}", region_code):
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    if birth_date is None:
        birth_date = date(1966, 1, 1) + timedelta(days=rng.randrange(41 * 365))
    if gender is None:
        gender = rng.choice(("M", "F"))
    parity = rng.choice((1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8))
    body = f"{region_code}{birth_date:%Y%m%d}{rng.randrange(100):02d}{parity}"
    return body + id_check_digit(body)


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an organisation code."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    c = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: Random, region_code: str, authority: str = "9", category: str = "1") -> str:
    """A valid code; market-registered bodies get the ``MA…`` organisation codes issued since 2015."""
    if category not in _USCC_AUTHORITIES[authority][1]:
        raise ValueError(f"category {authority}{category} does not exist")
    if authority == "9":
        org = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:
        org = "".join(rng.choice("0123456789") for _ in range(8))
    body = f"{authority}{category}{region_code}{org}{org_code_check_char(org)}"
    return body + uscc_check_char(body)


def make_bank_card(rng: Random, bin: str = "622848", length: int = 19) -> str:
    body = bin + "".join(rng.choice("0123456789") for _ in range(length - len(bin) - 1))
    return body + luhn_check_digit(body)


def make_mobile(rng: Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
