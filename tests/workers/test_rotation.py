"""Queue order of the worker: latency classes by priority, tenants of a class in rotation."""

from __future__ import annotations

import pytest

from unionhome.core.jobs import parse_queue_name, tenant_queue_name
from workers.worker import TenantRotation

pytestmark = pytest.mark.unit


def test_queue_names():
    assert tenant_queue_name("long", 42) == "long:t42" and tenant_queue_name("high", None) == "high"
    assert parse_queue_name("long:t42") == ("long", 42) and parse_queue_name("default") == ("default", None)
    assert parse_queue_name("long:42") is None and parse_queue_name("bulk") is None
    with pytest.raises(ValueError):
        tenant_queue_name("bulk", 1)


def test_classes_by_priority_then_tenants_in_rotation():
    rotation = TenantRotation(["long", "high", "default"])
    names = {"long", "long:t3", "long:t1", "long:t2", "high", "high:t2", "default"}
    assert rotation.order(names) == ["high", "high:t2", "default", "long", "long:t1", "long:t2", "long:t3"]
    rotation.served("long:t1")  # after a job of tenant 1, tenant 2 is first in line, tenant 1 last
    assert rotation.order(names)[-3:] == ["long:t2", "long:t3", "long:t1"]
    rotation.served("long:t3")
    assert rotation.order(names)[-3:] == ["long:t1", "long:t2", "long:t3"]
    rotation.served("long:t2")  # a tenant that appears later takes its turn by id
    assert rotation.order(names | {"long:t9"})[-4:] == ["long:t3", "long:t9", "long:t1", "long:t2"]
    assert rotation.order(names)[:2] == ["high", "high:t2"]  # classes keep their own rotation

