"""What a domain supplies to import one kind of record: columns, per-chunk checks, staging, upsert."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from ....core.security import RequestContext
from ....core.spreadsheets import Column, ParsedRow


def digest(*values: Any) -> str:
    """A short fingerprint of a row's content: equal rows of one file have equal digests."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=12).hexdigest()


class ImportDefinition:
    kind: str
    label: str  # 会员 / 单位
    columns: tuple[Column, ...]
    key_column: str  # the column holding the natural key (duplicates are reported on it)
    staging_table: str  # where valid rows are staged (models.Import…Row): row_no, key, digest, *payload
    payload_columns: tuple[str, ...]
    write_permission: str

    def __init__(self, ctx: RequestContext, *, default_org_id: int | None = None) -> None:
        self.ctx = ctx
        self.default_org_id = default_org_id

    def stage_chunk(self, rows: list[ParsedRow]) -> list[Sequence[Any]]:
        """Check row rules and references of one chunk (adding issues to the rows) and return the
        staged tuples of the rows that are still valid: ``(row_no, key, digest, *payload)``."""
        raise NotImplementedError

    def upsert(self, session: Session, tenant_id: int, batch_id: int, lo: int, hi: int) -> tuple[int, int]:
        """Write the staged valid rows ``lo`` ≤ row < ``hi`` set-based; return (created, updated).
        Idempotent: writing the same rows again changes nothing."""
        raise NotImplementedError
