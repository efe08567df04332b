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
    # Requeue jobs whose RQ job vanished (Redis restarted empty) or whose worker died. Workers also
    # run it themselves (at start and every JOBS_REAP_INTERVAL_S); this one runs even if they cannot.
    PeriodicJob(id="jobs.reap", func="unionhome.domains.jobs.jobs.reap_jobs", interval_s=60, queue="high",
                timeout_s=120),
    # Re-hash evidence not checked for EVIDENCE_SCRUB_AFTER_DAYS: bytes changed in S3 become "tampered".
    PeriodicJob(id="evidence.scrub", func="unionhome.domains.evidence.jobs.scrub_evidence", interval_s=86400,
                queue="long", timeout_s=300),
    # Imports whose job ended without finishing them are closed; rows staged by runs that are not
    # running any more are deleted; unused local working copies of uploads are removed.
    PeriodicJob(id="imports.cleanup", func="unionhome.domains.orgs.imports.jobs.cleanup_imports", interval_s=3600,
                queue="default", timeout_s=600),
    # Uploads announced but never confirmed stop counting against the tenant's quota.
    PeriodicJob(id="evidence.expire_stale_uploads", func="unionhome.domains.evidence.jobs.expire_stale_uploads",
                interval_s=3600, queue="default", timeout_s=300),
    # Filed hardship households whose review is due within the policy's reminder window or overdue are
    # marked reminded (once per day; the 待复核 list and badge read the due dates themselves).
    PeriodicJob(id="hardship.remind_reviews", func="unionhome.domains.hardship.jobs.remind_reviews",
                interval_s=3600, queue="default", timeout_s=300),
)
