from __future__ import annotations

import random
from typing import Any

import pytest

from unionhome.core.cnid import make_id_number, make_uscc


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261121)


@pytest.fixture
def new_id_number(rng: random.Random) -> Any:
    def _make() -> str:
        return make_id_number(rng, "410721")

    return _make


@pytest.fixture
def new_credit_code(rng: random.Random) -> Any:
    def _make() -> str:
        return make_uscc(rng, "410721")

    return _make


def first(client: Any, url: str) -> dict[str, Any]:
    items = client.get(url).get_json()
    assert items, url
    return items[0]
