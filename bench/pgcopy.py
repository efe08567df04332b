"""Bulk loading for the benchmarks' data: ids reserved from a table's sequence (as `demo/loader.py` does)
and rows written with COPY (owner connection, psycopg cursor)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def reserve_ids(cur: Any, table: str, n: int) -> list[int]:
    """`n` ids from `table`'s id sequence, in order."""
    if n == 0:
        return []
    cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", (n,))
    return [r[0] for r in cur.fetchall()]


def copy_rows(cur: Any, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY `rows` into `table`'s `columns`; returns how many."""
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            n += 1
    return n
