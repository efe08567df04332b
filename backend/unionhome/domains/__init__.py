"""One package per domain: models, schemas, repository, services, routes, jobs."""

from __future__ import annotations

from typing import Any


def register_models() -> None:
    """Import every model module so the metadata (and Alembic) knows all tables."""
    from ..core import audit  # noqa: F401
    from .auth import models as _auth  # noqa: F401
    from .condolence import models as _condolence  # noqa: F401
    from .condolence import workflow_models as _condolence_workflow  # noqa: F401
    from .evidence import models as _evidence  # noqa: F401
    from .hardship import models as _hardship  # noqa: F401
    from .jobs import models as _jobs  # noqa: F401
    from .orgs import models as _orgs  # noqa: F401
    from .orgs.imports import models as _imports  # noqa: F401
    from .tenants import models as _tenants  # noqa: F401


def register_blueprints(api: Any) -> None:
    from .auth.routes import blp as auth_blp
    from .condolence.routes import blp as condolence_blp
    from .evidence.routes import blp as evidence_blp
    from .hardship.routes import blp as hardship_blp
    from .jobs.routes import blp as jobs_blp
    from .orgs.routes import blp as orgs_blp
    from .tenants.routes import blp as tenants_blp

    for blp in (auth_blp, tenants_blp, orgs_blp, jobs_blp, evidence_blp, hardship_blp, condolence_blp):
        api.register_blueprint(blp)
