"""Labels of the statuses the workflow writes into roster lines."""

from __future__ import annotations

# condolence_lines.payment_status
PAYMENT_STATUS_LABELS: dict[str, str] = {
    "unpaid": "未发放",
    "exported": "已生成发放文件",
    "paid": "已发放",
    "failed": "发放失败",
}

# Statuses of a line in the review chain, in the order the chain moves them.
APPROVED_AT = {"grassroots": "grassroots_approved", "township": "township_approved", "county": "county_approved"}
LEVEL_OF_STATUS = {v: k for k, v in APPROVED_AT.items()}

# Campaign statuses in which the review chain may still change the roster, and those after the freeze.
REVIEWABLE_CAMPAIGN = ("nominating", "reviewing")
FROZEN_CAMPAIGN = ("frozen", "noticing", "paying", "closed")
