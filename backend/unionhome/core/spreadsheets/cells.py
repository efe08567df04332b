"""Cell normalisation and parsers: what real spreadsheets contain, turned into clean values.

A parser takes the raw cell value (``str``, ``int``, ``float``, ``bool``, ``date``/``datetime`` as the
reader gives it; never ``None``: blank cells are handled before) and returns the clean value or raises
``CellError`` with a Chinese message. Identifiers go through ``core.cnid`` so the rules (and the
"typed as a number" trap) are the same as in the single-record forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from ..cnid import (
    IdNumber,
    InvalidIdentifier,
    normalize_code,
    normalize_person_name,
    normalize_text,
    parse_bank_card,
    parse_id_number,
    parse_mobile,
    parse_uscc,
)
from .errors import CellError

Parser = Callable[[Any], Any]

EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        if stripped and stripped.isprintable():
            return False  # the usual case, without normalising (zero-width characters are not printable)
        return not normalize_text(value)
    return False


def excel_error(value: Any) -> str | None:
    """``#N/A`` and friends, as a formula's cached value."""
    if isinstance(value, str) and value.startswith("#") and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    return None


def as_text(value: Any) -> str:
    """Any cell as one line of normalised text (numbers without a spurious ``.0``)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return normalize_text(str(value))


def text(max_length: int) -> Parser:
    def parse(value: Any) -> str:
        out = as_text(value)
        if len(out) > max_length:
            raise CellError(f"内容过长（{len(out)}个字符），不能超过{max_length}个字符")
        return out

    return parse


def person_name(max_length: int) -> Parser:
    def parse(value: Any) -> str:
        if isinstance(value, int | float | bool | date):
            raise CellError("姓名不能是数字或日期")
        out = normalize_person_name(str(value))
        if len(out) > max_length:
            raise CellError(f"内容过长（{len(out)}个字符），不能超过{max_length}个字符")
        if any(ch.isdigit() for ch in out):
            raise CellError("姓名不能包含数字")
        return out

    return parse


def _identifier(fn: Callable[[Any], Any]) -> Parser:
    def parse(value: Any) -> Any:
        try:
            return fn(value)
        except InvalidIdentifier as err:
            raise CellError(err.message) from None

    return parse


def id_number() -> Parser:
    """→ ``cnid.IdNumber``. A number typed as a number is reported, never repaired."""

    def parse(value: Any) -> IdNumber:
        if isinstance(value, date):
            raise CellError("身份证号被识别成了日期，请将该列设为文本后重新填写")
        return _identifier(parse_id_number)(value)  # type: ignore[no-any-return]

    return parse


def mobile() -> Parser:
    """→ the 11 digits; a mobile typed as a number is fine (11 digits fit a double exactly)."""
    return _identifier(parse_mobile)


def credit_code() -> Parser:
    return _identifier(lambda v: parse_uscc(v).code)


def bank_card() -> Parser:
    return _identifier(parse_bank_card)


def code(max_length: int) -> Parser:
    """A code-like text (card numbers, phone numbers): no spaces or dashes, upper case."""

    def parse(value: Any) -> str:
        out = normalize_code(as_text(value))
        if len(out) > max_length:
            raise CellError(f"内容过长（{len(out)}个字符），不能超过{max_length}个字符")
        return out

    return parse


# ---- dates -----------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, with Excel's phantom 1900-02-29 (serial 60)
_MAX_SERIAL = 2_958_465  # 9999-12-31
_DATE_TEXT = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DATE_HINT = "日期格式无法识别，请填写如 2024-01-05、2024.1.5 或 2024年1月5日"


def excel_serial_to_date(serial: float) -> date:
    if not 1 <= serial <= _MAX_SERIAL:
        raise CellError(_DATE_HINT)
    days = int(serial)
    if days == 60:
        raise CellError("日期无效（1900年没有2月29日）")
    if days < 60:
        days += 1  # before Excel's phantom leap day
    return _EXCEL_EPOCH + timedelta(days=days)


def _ymd(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError(f"日期无效（{y}年{m}月{d}日不存在）") from None


def parse_date_value(value: Any) -> date:
    if isinstance(value, bool):
        raise CellError(_DATE_HINT)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer() and value < 10000:
            raise CellError("日期不完整（缺少日），请填写如 2024-01-05")  # 2024.1 typed as a number
        if 19000101 <= value <= 29991231 and float(value).is_integer():
            v = int(value)
            return _ymd(v // 10000, v // 100 % 100, v % 100)
        return excel_serial_to_date(float(value))
    s = _TIME_SUFFIX.sub("", normalize_text(str(value)))
    if m := _DATE_TEXT.fullmatch(s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if m := _DATE_COMPACT.fullmatch(s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if s.isdigit() and len(s) == 5:  # an Excel serial that went through a CSV export
        return excel_serial_to_date(int(s))
    if re.fullmatch(r"\d{4}\s*[年./\-]\s*\d{1,2}\s*月?", s):
        raise CellError("日期不完整（缺少日），请填写如 2024-01-05")
    raise CellError(_DATE_HINT)


def date_value(*, min_year: int = 1900, max_year: int = 2100) -> Parser:
    def parse(value: Any) -> date:
        d = parse_date_value(value)
        if not min_year <= d.year <= max_year:
            raise CellError(f"日期超出合理范围（{d.isoformat()}）")
        return d

    return parse


# ---- numbers and choices ---------------------------------------------------------------------------

def integer(min_value: int = 0, max_value: int = 10**9, *, units: str = "人个名户") -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("应为整数")
        if isinstance(value, float):
            if not value.is_integer():
                raise CellError("应为整数")
            n = int(value)
        elif isinstance(value, int):
            n = value
        else:
            s = normalize_code(str(value)).replace(",", "").rstrip(units)
            s = re.sub(r"\.0+$", "", s)
            if not re.fullmatch(r"-?\d{1,15}", s):
                raise CellError("应为整数")
            n = int(s)
        if not min_value <= n <= max_value:
            raise CellError(f"应在{min_value}到{max_value}之间")
        return n

    return parse


def choice(labels: Mapping[str, str], *, synonyms: Mapping[str, str] | None = None) -> Parser:
    """``labels``: code → Chinese label (the models' code lists); ``synonyms``: other spellings → code.

    Accepts the label, a synonym or the code itself; the error lists the labels."""
    lookup: dict[str, str] = {}
    for code_, label in labels.items():
        lookup[_choice_key(label)] = code_
        lookup[_choice_key(code_)] = code_
    for word, code_ in (synonyms or {}).items():
        lookup[_choice_key(word)] = code_
    allowed = "、".join(labels.values())

    def parse(value: Any) -> str:
        key = _choice_key(as_text(value))
        if key not in lookup:
            raise CellError(f"“{as_text(value)[:20]}”不是可选值，应为：{allowed}")
        return lookup[key]

    return parse


def _choice_key(s: str) -> str:
    return re.sub(r"[\s()（）]", "", normalize_text(s)).lower()
