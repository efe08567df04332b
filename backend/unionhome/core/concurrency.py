"""ETag data for optimistic concurrency: GET sets it, PATCH/DELETE must send it back in If-Match
(428 without, 412 when stale); a concurrent write caught at flush gives 409 (core.errors)."""

from __future__ import annotations

from typing import Any


def etag_data(obj: Any) -> dict[str, Any]:
    return {"type": type(obj).__name__, "id": obj.id, "version": obj.version}
