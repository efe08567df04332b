"""The condolence API: one Blueprint (one OpenAPI tag), one module per stage of a campaign.

campaigns, batches and lines (set-up, nominations, the roster judgement) come first; reviews, notices,
visits, payments and summaries follow the roster through the county's approval to the money.
"""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("condolence", __name__, url_prefix="/api/v1",
                description="节日慰问 / 送温暖：活动、推荐名单、审核、公示、走访、发放 / Festival condolence campaigns")

from . import (  # noqa: E402,F401  (registers the views)
    batches,
    campaigns,
    exports,
    lines,
    notices,
    payments,
    reviews,
    summaries,
    visits,
)
