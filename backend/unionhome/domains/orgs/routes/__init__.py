"""The org register's API: one Blueprint (one OpenAPI tag), one module per resource."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("orgs", __name__, url_prefix="/api/v1",
                description="组织、单位、会员与工会干部（实名制台账） / The real-name register")

from . import cadres, employers, imports, members, reports, tree  # noqa: E402,F401  (registers the views)
