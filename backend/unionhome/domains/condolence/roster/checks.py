"""Per-cell checks of a nomination row, cheap enough for a million rows.

Each check has a fast path for what nearly every cell is (an 18-character ID number typed as text, a
card number of digits, an 11-digit mobile) that accepts exactly what `core.cnid` accepts, and falls
back to `core.cnid` for everything else: full-width digits, spaces and dashes, a lower-case x, numbers
typed as numbers. So `core.cnid` stays the one definition of a valid identifier and the source of
every Chinese message, and the fast path only saves its per-call cost (~11 µs for an ID number, ~7 µs
for a card; the fast paths take ~1.5 µs and ~1 µs).

`RowCrypto` encrypts and hashes with the tenant's keys of `core.crypto.PiiCipher`, producing exactly
what `PiiCipher.encrypt`/`lookup_hash` produce (tests check both ways), at a third of the cost: the
HMAC's inner and outer states are keyed once, and nonces are drawn from `os.urandom` in blocks.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ....core import cnid
from ....core.crypto import NONCE_BYTES, PiiCipher

# ---- ID numbers (GB 11643) ------------------------------------------------------------------------

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_DIGITS = "0123456789"
# Weighted sums of three consecutive digits at positions 0-2, 3-5, … 12-14, and of the last two (15-16).
_T3 = tuple({a + b + c: int(a) * _W[k] + int(b) * _W[k + 1] + int(c) * _W[k + 2]
             for a in _DIGITS for b in _DIGITS for c in _DIGITS} for k in range(0, 15, 3))
_T2 = {a + b: int(a) * _W[15] + int(b) * _W[16] for a in _DIGITS for b in _DIGITS}
_CHECK = "10X98765432"


@lru_cache(maxsize=2)
def _birth_dates(today: date) -> frozenset[str]:
    """Every valid birth date of an ID number as 'YYYYMMDD', from 1900-01-01 to `today` (~46,000)."""
    first = date(1900, 1, 1).toordinal()
    out = []
    for n in range(first, today.toordinal() + 1):
        d = date.fromordinal(n)
        out.append(f"{d.year:04d}{d.month:02d}{d.day:02d}")
    return frozenset(out)


def preload(today: date) -> None:
    """Compute the birth-date table in a process that will fork (a worker): every roster chunk job, run
    in a fresh child, would otherwise spend ~60 ms building it again."""
    _birth_dates(today)


class IdChecker:
    """Valid birth dates are a set of 'YYYYMMDD' strings from 1900-01-01 to `today`."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._dates = _birth_dates(today)
        self._provinces = cnid.PROVINCE_CODES

    def fast(self, s: str) -> bool:
        """True if `s` is, as typed, a valid ID number (no normalisation needed)."""
        if len(s) != 18 or not s.isascii() or s[:2] not in self._provinces or s[6:14] not in self._dates:
            return False
        t0, t1, t2, t3, t4 = _T3
        try:
            total = t0[s[0:3]] + t1[s[3:6]] + t2[s[6:9]] + t3[s[9:12]] + t4[s[12:15]] + _T2[s[15:17]]
        except KeyError:  # a non-digit in the first 17
            return False
        return _CHECK[total % 11] == s[17]

    def parse(self, raw: Any) -> tuple[str | None, str | None]:
        """(the number, None) or (None, a Chinese message)."""
        if type(raw) is str and self.fast(raw):
            return raw, None
        if isinstance(raw, datetime | date):
            return None, "身份证号被识别成了日期，请将该列设为文本后重新填写"
        try:
            return cnid.parse_id_number(raw, today=self.today).number, None
        except cnid.InvalidIdentifier as err:
            return None, err.message


# ---- bank cards (Luhn) ----------------------------------------------------------------------------

# Pairs of digits read from the right: the left one doubled, the right one as is.
_LUHN_PAIR = {a + b: (2 * int(a) - 9 if int(a) > 4 else 2 * int(a)) + int(b) for a in _DIGITS for b in _DIGITS}


def luhn_ok(s: str) -> bool:
    n = len(s)
    total = int(s[0]) if n % 2 else 0
    pair = _LUHN_PAIR
    for i in range(n % 2, n, 2):
        total += pair[s[i:i + 2]]
    return total % 10 == 0


def parse_bank_card(raw: Any) -> tuple[str | None, str | None]:
    if type(raw) is str and 12 <= len(raw) <= 19 and raw.isascii() and raw.isdigit() and luhn_ok(raw):
        return raw, None
    try:
        return cnid.parse_bank_card(raw), None
    except cnid.InvalidIdentifier as err:
        return None, err.message


# ---- mobiles --------------------------------------------------------------------------------------

def parse_mobile(raw: Any) -> tuple[str | None, str | None]:
    if type(raw) is float and raw.is_integer() and 13e9 <= raw < 2e10:
        raw = str(int(raw))  # typed as a number: 11 digits are exact in a double
    if type(raw) is str and len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1" \
            and raw[1] in "3456789":
        return raw, None
    try:
        return cnid.parse_mobile(raw), None
    except cnid.InvalidIdentifier as err:
        return None, err.message


# ---- amounts (元 in the sheet → fen) --------------------------------------------------------------

_CN_NUMERALS = re.compile(r"[零〇一二三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟萬圆整]")
_AMOUNT_TEXT = re.compile(r"[￥¥]?\s*(\d{1,9}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?:元|圆)?(?:整)?")
MAX_AMOUNT_FEN = 100_000_000  # 1,000,000 元 for one household is a typo, not a gift


def parse_amount(raw: Any, label: str) -> tuple[int | None, str | None]:
    """元 → fen. (fen, None) or (None, message). Blank is handled by the caller."""
    if type(raw) is float or type(raw) is int:
        fen = round(raw * 100)
        if abs(raw * 100 - fen) > 1e-6:
            return None, f"{label}最多保留两位小数（{raw}）"
    elif isinstance(raw, bool | datetime | date):
        return None, f"{label}应填写数字金额（元）"
    else:
        text = cnid.normalize_text(str(raw))
        m = _AMOUNT_TEXT.fullmatch(text)
        if m is None:
            if _CN_NUMERALS.search(text):
                return None, f"{label}应填写阿拉伯数字金额（如 500），不能填写大写或文字金额“{text[:20]}”"
            return None, f"{label}“{text[:20]}”不是有效的金额，应填写数字（元）"
        try:
            fen = int(Decimal(m.group(1).replace(",", "")) * 100)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None, f"{label}“{text[:20]}”不是有效的金额"
    if fen < 0:
        return None, f"{label}不能为负数"
    if fen > MAX_AMOUNT_FEN:
        return None, f"{label}过大（{fen // 100}元），请核对"
    return fen, None


# ---- names ----------------------------------------------------------------------------------------

_PLAIN_NAME = re.compile(r"[\u3400-\u9fff]{2,6}")


def parse_name(raw: Any) -> tuple[str | None, str | None]:
    if type(raw) is str and _PLAIN_NAME.fullmatch(raw):
        return raw, None
    if isinstance(raw, int | float | bool | date):
        return None, "姓名不能是数字或日期"
    name = cnid.normalize_person_name(str(raw))
    if not name:
        return None, "姓名为空"
    if any(ch.isdigit() for ch in name):
        return None, "姓名不能包含数字"
    if len(name) > 30:
        return None, f"姓名过长（{len(name)}个字符）"
    return name, None


def mask_raw(raw: Any) -> str:
    """What was typed in an invalid ID cell, masked like a valid number would be (for the line table)."""
    text = f"{raw:.15g}" if isinstance(raw, float) else cnid.normalize_text(str(raw))
    text = text[:40]
    return cnid.mask_id_number(text) if len(text) >= 11 else text[:2] + "*" * max(0, len(text) - 2)


# ---- encryption and lookup hashes -----------------------------------------------------------------

class RowCrypto:
    """`PiiCipher.encrypt` and `.lookup_hash` for one tenant, computed with pre-keyed state."""

    _POOL = 4096  # nonces drawn per os.urandom call

    def __init__(self, cipher: PiiCipher, tenant_id: int) -> None:
        self._cipher = cipher
        self._tenant_id = tenant_id
        version = self._version = cipher._version  # noqa: SLF001 - the same keys PiiCipher derives for this tenant
        aead, mac_key = cipher._keys(version, tenant_id)  # noqa: SLF001
        self._encrypt = aead.encrypt
        self._prefix = bytes([version])
        self._aad = cipher._aad(version, tenant_id)  # noqa: SLF001
        block = mac_key.ljust(64, b"\0")  # HMAC-SHA256: a 32-byte key is padded to the block size
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._nonces = b""
        self._at = 0
        self._raw_keys: tuple[bytes, bytes] | None = None

    def lookup_hash(self, kind: bytes, value: str) -> bytes:
        """`kind` as bytes with its NUL separator, e.g. b"id_number\\x00"."""
        inner = self._inner.copy()
        inner.update(kind + value.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def compiled_builder(self, categories_seen: dict[str, str | None], today: date) -> Any:
        """The compiled row builder (`_rowfast.Builder`) with this tenant's keys, or None where it is not
        built or turned off (`ROWFAST`). It reads the campaign's category texts from `categories_seen`
        (what `Categories.resolve` has met). The keys are derived once per RowCrypto."""
        if not ROWFAST:
            return None
        if self._raw_keys is None:
            self._raw_keys = self._cipher._key_bytes(self._version, self._tenant_id)  # noqa: SLF001
        encryption_key, lookup_key = self._raw_keys
        return _rowfast.Builder(encryption_key, lookup_key, self._version, self._aad,
                                today.year * 10000 + today.month * 100 + today.day, sorted(cnid.PROVINCE_CODES),
                                categories_seen)

    def encrypt(self, value: str) -> bytes:
        at = self._at
        if at + NONCE_BYTES > len(self._nonces):
            self._nonces, at = os.urandom(NONCE_BYTES * self._POOL), 0
        nonce = self._nonces[at:at + NONCE_BYTES]
        self._at = at + NONCE_BYTES
        return self._prefix + nonce + self._encrypt(nonce, value.encode(), self._aad)


ID_KIND = b"id_number\x00"
CARD_KIND = b"bank_card\x00"


# ---- the compiled row builder ---------------------------------------------------------------------

try:  # built by `pip install` where a C compiler and OpenSSL's headers are found (setup.py)
    from . import _rowfast  # type: ignore[attr-defined, unused-ignore]
except ImportError:  # pragma: no cover - the image or checkout without it reads rows in Python
    _rowfast = None  # type: ignore[assignment]

# UNIONHOME_ROWFAST=0 turns the compiled builder off (to compare, or to rule it out).
ROWFAST = _rowfast is not None and os.environ.get("UNIONHOME_ROWFAST", "1") != "0"


def copy_rows(rows: list[tuple[Any, ...]], types: str) -> bytes:
    """The rows as binary COPY data (no file header or trailer): the compiled encoder; `types` has a
    letter per column (i int4, q int8, t text, b bytea). Only where `ROWFAST`."""
    return _rowfast.copy_rows(rows, types)  # type: ignore[no-any-return, unused-ignore]


def scan_sheet_xml(buf: bytes) -> tuple[int, bool]:
    """`parse.safe_source`'s scan of a piece of worksheet XML (the largest complete row number, and
    whether anything unusual is in it), compiled. Only where `ROWFAST`."""
    return _rowfast.scan_sheet_xml(buf)  # type: ignore[no-any-return, unused-ignore]
