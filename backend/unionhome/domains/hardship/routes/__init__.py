"""The hardship-file API: one Blueprint (one OpenAPI tag), one module per resource."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("hardship", __name__, url_prefix="/api/v1",
                description="困难职工档案：建档、复核、退档、帮扶记录 / The hardship-worker file")

from . import households, lifecycle, policies, reliefs, reports  # noqa: E402,F401  (registers the views)
