"""The compiled row builder (`roster/_rowfast.c`) against the Python one: for every row it takes, the
same line (the ciphertexts decrypt to the same numbers); rows it declines go to the Python builder.
Rows are generated: plain ones, and each cell in the odd forms spreadsheets hold."""

from __future__ import annotations

import os
import random
from datetime import date, datetime
from typing import Any

import pytest

from unionhome.core.cnid import make_bank_card, make_id_number, make_mobile
from unionhome.core.crypto import PiiCipher
from unionhome.domains.condolence.roster import checks, parse

pytestmark = pytest.mark.unit

if checks._rowfast is None:  # noqa: SLF001
    if os.environ.get("CI"):
        pytest.fail("the compiled row builder was not built (setup.py: a C compiler and libssl-dev)",
                    pytrace=False)
    pytest.skip("the compiled row builder is not built here", allow_module_level=True)

TENANT = 17
TODAY = date(2026, 1, 10)
CATEGORIES = [("ordinary", "困难职工"), ("extreme", "特困职工"), ("model_worker", "困难劳模")]
# name, id, card, mobile, category, cash, goods, bank, reason, work unit; 序号 first, a spare last
HEADER = ["序号", "姓名", "身份证号", "银行卡号", "联系电话", "慰问类别", "慰问金", "慰问品", "开户行", "困难原因",
          "工作单位", "备注"]
POSITIONS = {"name": 1, "id_number": 2, "bank_card": 3, "mobile": 4, "category": 5, "cash": 6, "goods": 7,
             "bank_name": 8, "reason": 9, "work_unit": 10}


@pytest.fixture(scope="module")
def cipher() -> PiiCipher:
    return PiiCipher(bytes(range(32)))


def builders(cipher: PiiCipher) -> tuple[parse.RowBuilder, parse.RowBuilder]:
    crypto = checks.RowCrypto(cipher, TENANT)
    cats = parse.Categories.of(CATEGORIES, {"困难": "ordinary"})
    fast = parse.RowBuilder(crypto, cats, TODAY)
    slow = parse.RowBuilder(crypto, cats, TODAY, fast=False)
    assert fast._fast is not None and slow._fast is None  # noqa: SLF001
    for b in (fast, slow):
        b.set_positions(POSITIONS)
    return fast, slow


def plain_row(rng: random.Random, n: int) -> list[Any]:
    return [float(n), rng.choice(["张伟", "李秀英", "欧阳建国", "王"+"芳"*5]), make_id_number(rng, "410721"),
            make_bank_card(rng), make_mobile(rng), rng.choice(["困难职工", "特困职工", ""]),
            rng.choice([500.0, 800.0, 300.5, ""]), rng.choice([300.0, "", 0.0]), rng.choice(["农业银行新乡分行", ""]),
            rng.choice(["因病致困", "子女就学", ""]), rng.choice(["新乡市化纤厂", ""]), ""]


ODD_CELLS: dict[int, list[Any]] = {
    1: ["", "王", "张 伟", " 张伟", "张伟 ", "Zhang Wei", "买买提·艾力", "张伟伟伟伟伟伟", 3.0, True, "张\u3000伟", "#N/A"],
    2: ["", "410721199001011234", "41072119900101123x", 410721199001011234.0, "４１０７２１１９９００１０１１２３４",
        "410721 19900101 1234", "41072119900101123", "000000199001011234", "410721190001010000", "410721299901010000",
        "410721198002301234", datetime(1990, 1, 1), "身份证", " 410721199001011234", "#REF!"],
    3: ["", "6228480000000000", "6228 4800 0000 0000 000", "62284800000000000001", 6228480000000000000.0, "abc",
        "12345678901", "6228480000000000000000"],
    4: ["", 13800138000.0, "13800138000", "138-0013-8000", "12800138000", "1380013800", 13800138000, 23800138000.0,
        "0371-1234567", "１３８００１３８０００"],
    5: ["", "困难职工", "特困职工 ", "困难劳模", "困难", "ordinary", "其他", 1.0, "困难 职工"],
    6: ["", 500.0, 500, 500.5, 500.005, -1.0, True, "500", "500元", "伍佰元", 2000000.0, 1e300, 0.0, -0.0, 0.01,
        "\u00a0500", 1000000, 1000001],
    7: ["", 300.0, 0, "三百"],
    8: ["", "农行", " 农行", "农行\n新乡", "农" * 70, 123.0, "\t"],
    9: ["", "因病", "原因" * 300, "因病\x07", 5.0, "   "],
    10: ["", "单位", "单位" * 150, " 单位", datetime(2020, 1, 1)],
}


def same(cipher: PiiCipher, fast: tuple[Any, ...], slow: tuple[Any, ...]) -> None:
    assert len(fast) == len(slow) == len(parse.LINE_COLUMNS)
    for col, a, b in zip(parse.LINE_COLUMNS, fast, slow, strict=True):
        if col.endswith("_enc"):
            assert (a is None) == (b is None), col
            if a is not None:
                assert a[0] == b[0] and len(a) == len(b), col
                assert cipher.decrypt(TENANT, a) == cipher.decrypt(TENANT, b), col
                assert a[1:13] != b[1:13], "every value gets its own nonce"
        else:
            assert a == b and type(a) is type(b), (col, a, b)


def test_the_fast_path_gives_the_python_builders_line(cipher: PiiCipher) -> None:
    fast, slow = builders(cipher)
    rng = random.Random(6)
    taken = declined = 0
    for n in range(3000):
        cells = plain_row(rng, n)
        if n % 3 == 0:  # one odd cell in a plain row
            col = rng.choice(list(ODD_CELLS))
            cells[col] = rng.choice(ODD_CELLS[col])
        line = fast._fast.build(n + 2, cells)  # noqa: SLF001
        expected = slow.build(n + 2, cells)
        if line is None:
            declined += 1
        else:
            taken += 1
            same(cipher, line, expected)
        same(cipher, fast.build(n + 2, cells), expected)  # declined rows come out the same way too
    assert taken > 1500 and declined > 100, (taken, declined)


@pytest.mark.parametrize("col", sorted(ODD_CELLS))
def test_every_odd_cell_is_either_the_same_or_declined(cipher: PiiCipher, col: int) -> None:
    fast, slow = builders(cipher)
    rng = random.Random(col)
    for value in ODD_CELLS[col]:
        cells = plain_row(rng, 1)
        cells[col] = value
        line = fast._fast.build(3, cells)  # noqa: SLF001
        if line is not None:
            same(cipher, line, slow.build(3, cells))


def test_short_rows_and_absent_columns(cipher: PiiCipher) -> None:
    fast, slow = builders(cipher)
    rng = random.Random(2)
    cells = plain_row(rng, 1)[:9]  # the last columns missing: the Python builder pads
    assert fast._fast.build(2, cells) is None  # noqa: SLF001
    same(cipher, fast.build(2, cells), slow.build(2, cells))
    for b in (fast, slow):
        b.set_positions({k: v for k, v in POSITIONS.items() if k not in ("bank_card", "mobile", "reason")})
    cells = plain_row(rng, 2)
    line = fast._fast.build(2, cells)  # noqa: SLF001
    assert line is not None and line[7] is None and line[11] is None and line[15] is None
    same(cipher, line, slow.build(2, cells))


def test_the_crypto_is_piicipher_s(cipher: PiiCipher) -> None:
    fast, _ = builders(cipher)
    b = fast._fast  # noqa: SLF001
    for value in ("410721199001011234", "6228480000000000", "张伟", ""):
        blob = b.encrypt(value)
        assert cipher.decrypt(TENANT, blob) == value
        with pytest.raises(Exception):  # noqa: B017 - the tenant is in the associated data
            cipher.decrypt(TENANT + 1, blob)
        assert b.lookup_hash(checks.ID_KIND, value) == cipher.lookup_hash(TENANT, "id_number", value)
        assert b.lookup_hash(checks.CARD_KIND, value) == cipher.lookup_hash(TENANT, "bank_card", value)
    blobs = {b.encrypt("x")[1:13] for _ in range(5000)}
    assert len(blobs) == 5000


def test_a_forked_child_draws_its_own_nonces(cipher: PiiCipher) -> None:
    fast, _ = builders(cipher)
    b = fast._fast  # noqa: SLF001
    b.encrypt("x")  # the pool is drawn in this process
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(w, b.encrypt("x")[1:13])
        os._exit(0)
    os.waitpid(pid, 0)
    child_nonce = os.read(r, 12)
    assert child_nonce != b.encrypt("x")[1:13]


def test_ids_born_after_the_reference_day_are_left_to_python(cipher: PiiCipher) -> None:
    fast, slow = builders(cipher)
    rng = random.Random(9)
    cells = plain_row(rng, 1)
    cells[2] = make_id_number(rng, "410721", date(2026, 1, 11))
    assert fast._fast.build(2, cells) is None  # noqa: SLF001
    assert slow.build(2, cells)[-2] == "invalid_id"
    cells[2] = make_id_number(rng, "410721", TODAY)
    same(cipher, fast._fast.build(2, cells), slow.build(2, cells))  # noqa: SLF001


@pytest.mark.integration
def test_the_compiled_copy_encoder_writes_what_psycopg_writes(cipher: PiiCipher, services: Any) -> None:
    import psycopg

    from unionhome.domains.condolence.roster import repository

    fast, _ = builders(cipher)
    rng = random.Random(4)
    lines = []
    for n in range(400):
        cells = plain_row(rng, n)
        if n % 2:
            col = rng.choice(list(ODD_CELLS))
            cells[col] = rng.choice(ODD_CELLS[col])
        lines.append(fast.build(n + 2, cells))
    assert any(line[-2] for line in lines) and any(line[7] is None for line in lines)
    cols = ", ".join(parse.LINE_COLUMNS)
    dsn = services.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for table in ("by_psycopg", "by_encoder"):
            cur.execute(repository._COPY_TABLE.replace("roster_copy", table))  # noqa: SLF001
        with cur.copy(f"COPY by_psycopg ({cols}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(repository._COPY_TYPES)  # noqa: SLF001
            for line in lines:
                cp.write_row(line)
        with cur.copy(f"COPY by_encoder ({cols}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.write(repository._BINARY_HEADER)  # noqa: SLF001
            for start in range(0, len(lines), 150):
                cp.write(checks.copy_rows(lines[start:start + 150], repository._COPY_LETTERS))  # noqa: SLF001
            cp.write(repository._BINARY_TRAILER)  # noqa: SLF001
        a = cur.execute(f"SELECT {cols} FROM by_psycopg ORDER BY row_no").fetchall()
        b = cur.execute(f"SELECT {cols} FROM by_encoder ORDER BY row_no").fetchall()
        assert len(a) == len(lines) and a == b
        conn.rollback()
    with pytest.raises(TypeError, match="column 1"):
        checks.copy_rows([(1, 2.5, *lines[0][2:])], repository._COPY_LETTERS)  # noqa: SLF001
    with pytest.raises(TypeError, match="19 values"):
        checks.copy_rows([lines[0][:5]], repository._COPY_LETTERS)  # noqa: SLF001


SCAN_CASES = [
    (b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2024" spans="1:12">', (2024, False)),
    (b'<row r="7"><c r="ZZ7"><v>1</v></c>', (7, False)),
    (b'<c r="AAA1"><v>1</v></c>', (0, True)),  # beyond column ZZ
    (b'<c r="A12345678"><v>1</v></c>', (0, True)),  # beyond row 9,999,999
    (b'<c r="AB1234567"><v>1</v></c>', (0, False)),
    (b'<c r="B2"><f>SUM(A1:A2)</f></c>', (0, True)),
    (b'<c r="B2"><f t="shared" si="0"/></c>', (0, True)),
    (b'<c r="B2" t="e"><v>#N/A</v></c>', (0, True)),
    (b'<row r="1234567890">', (0, True)),
    (b'<row r="5"><row r="12', (5, False)),  # cut at the end: scanned again with the next piece
    (b'<row r="5"><c r="ZZ', (5, False)),
    (b'<row r="5"><c r="ZZA', (0, True)),
    (b'<row r="x"><fx/><c r="a1">', (0, False)),
    (b'', (0, False)),
    (b'<', (0, False)),
    (b'<c r="', (0, False)),
]


def _verdict(scan: tuple[int, bool]) -> tuple[int, bool]:
    """What safe_source acts on: anything unusual sends the file to the full inspection, whatever the
    row numbers (the compiled scan stops at the first unusual thing)."""
    return (0, True) if scan[1] else scan


@pytest.mark.parametrize(("xml", "expected"), SCAN_CASES)
def test_the_compiled_sheet_scan_is_the_python_one(xml: bytes, expected: tuple[int, bool]) -> None:
    assert _verdict(parse._scan_python(xml)) == expected  # noqa: SLF001
    assert _verdict(checks.scan_sheet_xml(xml)) == expected


def test_the_compiled_sheet_scan_on_random_pieces_of_xml() -> None:
    rng = random.Random(7)
    tokens = [b'<row r="', b'<c r="', b"<f", b">", b" ", b'"', b't="e"', b"<", b"A", b"Z", b"AB", b"1", b"12345678",
              b"999", b"x", b"</c>", b"<v>", b"</row>"]
    for _ in range(3000):
        xml = b"".join(rng.choice(tokens) for _ in range(rng.randrange(1, 30)))
        assert _verdict(checks.scan_sheet_xml(xml)) == _verdict(parse._scan_python(xml)), xml  # noqa: SLF001
