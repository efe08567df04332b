"""Periodic entrypoints of the jobs domain (declared in workers/schedule.py)."""

from __future__ import annotations

from .reaper import reap


def reap_jobs(tenant_id: None = None) -> dict[str, int]:
    """Requeue jobs whose RQ job vanished or whose worker died; enforce overdue cancels."""
    return reap()
