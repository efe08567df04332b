"""Column specs and header matching: find the header row (below title rows, through merged header
cells) and map the user's column names onto the spec's fields by synonyms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..cnid import normalize_text
from .cells import Parser, as_text, text
from .errors import SpreadsheetError
from .readers import Cell, Table
from .source import col_letters


@dataclass(frozen=True)
class Column:
    """One field of an import: ``key`` in the parsed row, ``label`` in messages, ``synonyms`` as
    headers real forms use. ``parse`` turns a non-blank cell into the clean value."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    parse: Parser = field(default=text(200))
    blank_message: str | None = None  # for required columns; default "<label>不能为空"

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass
class HeaderMatch:
    table: Table
    header_row: int  # 0-based index of the (lowest) header row
    columns: dict[str, int]  # column key → 0-based column index
    labels: dict[int, str]  # 0-based column index → header text as found (merged cells filled in)
    ignored: list[str]  # headers found that map to no field
    width: int  # number of columns of the header row (the annotated copy adds its column after it)

    def data_start(self) -> int:
        return self.header_row + 1


_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_MARKS = re.compile(r"[\s*＊※★☆:：/／_\-—.·]")


def header_key(s: str) -> str:
    """How a header cell is compared: ``*身份证号码（18位）：`` → ``身份证号码``."""
    t = normalize_text(s)
    without_notes = _NOTE.sub("", t)
    return _MARKS.sub("", without_notes or t).lower()


def _filled(rows: list[list[Cell]], merged: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> list[list[str]]:
    """The scanned rows as header texts, each merged range's value copied into all its cells."""
    width = max((len(r) for r in rows), default=0)
    grid = [[as_text(v) if v is not None else "" for v in r] + [""] * (width - len(r)) for r in rows]
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(grid) or c0 >= width:
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if not grid[r][c]:
                    grid[r][c] = value
    return grid


class HeaderIndex:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.by_name: dict[str, Column] = {}
        for col in self.columns:
            for name in col.names():
                self.by_name.setdefault(header_key(name), col)

    def lookup(self, label: str) -> Column | None:
        return self.by_name.get(header_key(label)) if label else None


def match_headers(table: Table, columns: Sequence[Column], preview: list[list[Cell]]) -> HeaderMatch | None:
    """The best header row among the first rows of ``table`` (``preview``), or None if nothing matches."""
    index = HeaderIndex(columns)
    grid = _filled(preview, table.merged)
    best: tuple[int, int] | None = None  # (score, row)
    for r, row in enumerate(grid):
        keys = set()
        for c, label in enumerate(row):
            col = index.lookup(label) or (index.lookup(grid[r - 1][c]) if r > 0 and not label else None)
            if col is not None:
                keys.add(col.key)
        score = sum(2 if col.required else 1 for col in index.columns if col.key in keys)
        if score and (best is None or score > best[0]):
            best = (score, r)
    if best is None:
        return None
    r = best[1]
    found: dict[str, int] = {}
    labels: dict[int, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for c, label in enumerate(grid[r]):
        upper = grid[r - 1][c] if r > 0 else ""
        shown = label or upper
        if not shown:
            continue
        labels[c] = shown
        col = index.lookup(label) or (index.lookup(upper) if not label else None)
        if col is None:
            ignored.append(shown)
        elif col.key in found:
            first = found[col.key]
            duplicates.append(f"第{col_letters(first)}列“{labels[first]}”与第{col_letters(c)}列“{shown}”"
                              f"都对应“{col.label}”")
        else:
            found[col.key] = c
    if duplicates:
        raise SpreadsheetError("表头有重复的列：" + "；".join(duplicates) + "。请删除其中一列后重新上传",
                               "duplicate_columns")
    width = max(labels) + 1 if labels else 0
    return HeaderMatch(table=table, header_row=r, columns=found, labels=labels, ignored=ignored, width=width)


def require_columns(match: HeaderMatch | None, columns: Sequence[Column], first_rows: list[list[Cell]]) -> HeaderMatch:
    """Raise a clear error when required columns are missing: which ones, and what was found."""
    missing = [c for c in columns if c.required and (match is None or c.key not in match.columns)]
    if match is not None and not missing:
        return match
    if match is not None:
        found = [match.labels[c] for c in sorted(match.labels)]
        where = f"第{match.header_row + 1}行的表头为：{'、'.join(found[:30]) or '（空）'}"
    else:
        non_empty = next((r for r in first_rows if any(v is not None for v in r)), [])
        found = [as_text(v) for v in non_empty if v is not None]
        where = f"文件第一行为：{'、'.join(found[:30])}" if found else "文件前几行都是空的"
    expected = "；".join(
        f"{c.label}（也可写作{'、'.join(c.synonyms[:4])}）" if c.synonyms else c.label for c in missing)
    raise SpreadsheetError(f"缺少必填列：{'、'.join(c.label for c in missing)}。{where}。需要的列名：{expected}",
                           "missing_columns")
