"""Periodic jobs, declared as data with stable ids (Redash-style)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    id: str  # stable: the scheduler keys its state on it, so restarts never duplicate a job
    func: str  # dotted path of the job function
    interval_s: int
    queue: str = "default"
    timeout_s: int = 300


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(id="auth.purge_expired_sessions", func="unionhome.domains.auth.jobs.purge_expired_sessions",
                interval_s=3600, queue="default", timeout_s=300),
)
