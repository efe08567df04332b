"""Helpers for import tests: workbooks and CSV files written to tmp, uploads through the API."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from unionhome.core.cnid import make_id_number, make_mobile, make_uscc


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, title: str | None = None,
               merges: Sequence[str] = (), sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title is not None:
        ws.append([title])
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture
def inline_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the dry run / commit in the request (the job body, `engine.run`, in the test's transaction)
    instead of handing it to the job engine: the worker could not see the test's uncommitted data."""
    from unionhome.domains.orgs.imports import jobs

    monkeypatch.setattr(jobs, "start", lambda ctx, batch, phase: None)


def upload(client: Any, path: Path, kind: str = "members", mode: str = "all_or_nothing", **extra: Any) -> Any:
    data: dict[str, Any] = {"kind": kind, "mode": mode, **{k: str(v) for k, v in extra.items()}}
    data["file"] = (io.BytesIO(path.read_bytes()), path.name)
    return client.request("POST", "/api/v1/imports", data=data, content_type="multipart/form-data")


@pytest.fixture
def people() -> Any:
    rng = random.Random(5150)

    def _make(n: int) -> list[tuple[str, str, str]]:
        surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
        given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
        return [(rng.choice(surnames) + rng.choice(given) + rng.choice(given), make_id_number(rng, "410721"),
                 make_mobile(rng)) for _ in range(n)]

    return _make


@pytest.fixture
def new_codes() -> Any:
    rng = random.Random(8080)
    return lambda n: [make_uscc(rng, "410721") for _ in range(n)]


def grassroots(client: Any, n: int = 2) -> list[dict[str, Any]]:
    items = client.get(f"/api/v1/orgs?org_type=grassroots&page_size={n}").get_json()
    assert items
    return items
