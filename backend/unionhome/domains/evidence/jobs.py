"""Job entrypoints of the evidence archive, started with `core.jobs.start_job` and run as
`fn(tenant_id, job_id, *args)` inside the tenant's context. They take ids and are idempotent; the
work lives in `services/verification.py` and `services/bundles.py`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from ...core.jobs import JobContext, JobError
from ...core.storage import StorageUnavailable
from ...core.tenancy import system_context, tenant_context
from ...extensions import db
from ..tenants.models import Tenant

SCRUB_BUDGET_S = 240  # the periodic job's timeout is 300 s


class StorageRetry(RuntimeError):
    """S3 was unreachable. Unlike StorageUnavailable (a DomainError, which the job engine treats as
    a final user-facing failure) this one is retried with back-off."""


@contextmanager
def _retry_on_storage_outage() -> Iterator[None]:
    try:
        yield
    except StorageUnavailable as err:
        raise StorageRetry(err.message) from err


def verify_upload(tenant_id: int, job_id: int, evidence_id: int) -> dict[str, Any]:
    """Size, SHA-256 and sniffed type of a confirmed upload; pin and lock its S3 version. A refused
    upload fails the job with the reason (the item is `rejected` with the same reason)."""
    from .services import verification

    with tenant_context(tenant_id), _retry_on_storage_outage():
        status, reason = verification.verify_upload(evidence_id)
    if reason:
        raise JobError(reason)
    return {"evidence_id": evidence_id, "status": status}


def reverify(tenant_id: int, job_id: int, evidence_id: int) -> dict[str, Any]:
    """Re-hash a verified file; a changed, overwritten or deleted object marks it tampered."""
    from .services import verification

    with tenant_context(tenant_id), _retry_on_storage_outage():
        return {"evidence_id": evidence_id, "status": verification.reverify(evidence_id)}


def build_bundle(tenant_id: int, job_id: int, bundle_id: int) -> dict[str, Any]:
    """Zip every verified file of a record with its manifests and store it under the tenant prefix."""
    from .services import bundles

    ctx = JobContext.current()
    with tenant_context(tenant_id), _retry_on_storage_outage():
        return bundles.build_bundle(bundle_id, progress=lambda done, total: ctx.progress(done, total))


def _each_tenant(tenant_id: int | None, fn: Callable[[], Any]) -> dict[int, Any]:
    """Run `fn` in one tenant's context, or in each tenant's (periodic jobs run with no tenant)."""
    if tenant_id is not None:
        with tenant_context(tenant_id):
            return {tenant_id: fn()}
    with system_context("evidence housekeeping: list tenants"):
        tenant_ids = list(db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars())
        db.session.rollback()
    results = {}
    for tid in tenant_ids:
        with tenant_context(tid):
            results[tid] = fn()
    return results


def expire_stale_uploads(tenant_id: int | None = None) -> dict[str, Any]:
    """Periodic: announced uploads never confirmed within their URL's lifetime are rejected, so
    they stop holding quota. Idempotent."""
    from .services import verification

    done = _each_tenant(tenant_id, verification.expire_stale_uploads)
    return {"expired": sum(done.values())}


def scrub_evidence(tenant_id: int | None = None) -> dict[str, Any]:
    """Periodic integrity sweep: re-hash files not checked for EVIDENCE_SCRUB_AFTER_DAYS, at most
    EVIDENCE_SCRUB_BATCH per tenant and run, within SCRUB_BUDGET_S; a changed, overwritten or deleted
    object marks its item tampered (audited), as an on-demand re-verify does."""
    from .services import verification

    cfg = current_app.config
    deadline = time.monotonic() + SCRUB_BUDGET_S
    older = timedelta(days=float(cfg["EVIDENCE_SCRUB_AFTER_DAYS"]))
    done = _each_tenant(tenant_id, lambda: verification.scrub(
        older_than=older, limit=int(cfg["EVIDENCE_SCRUB_BATCH"]), deadline=deadline))
    totals: dict[str, int] = {}
    for counts in done.values():
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
    return totals
