"""A campaign's rules (`condolence_campaigns.rules`) and the check codes the roster job gives lines.

    {"require_hardship_file": true,   # only households filed (已建档) in the hardship file
     "exclude_exited": true,          # an exited (脱困退档) file does not qualify
     "exclude_review_overdue": false, # nor a filed one whose review (复核) is overdue
     "income_limit_pct": null,        # per-capita income ≤ this % of the minimum living line (e.g. 150)
     "once_per_festival": true,       # not helped in another campaign of the same festival and year
     "cooldown_months": 0}            # not helped by this federation within N months (0: off)
"""

from __future__ import annotations

from typing import Any

DEFAULT_RULES: dict[str, Any] = {
    "require_hardship_file": True,
    "exclude_exited": True,
    "exclude_review_overdue": False,
    "income_limit_pct": None,
    "once_per_festival": True,
    "cooldown_months": 0,
}

RULE_LABELS: dict[str, str] = {
    "require_hardship_file": "只慰问已建档困难职工",
    "exclude_exited": "已脱困退档的不予慰问",
    "exclude_review_overdue": "档案复核逾期的不予慰问",
    "income_limit_pct": "家庭人均月收入不超过低保线的百分比",
    "once_per_festival": "同一节日同一年度不重复慰问",
    "cooldown_months": "N个月内已获本会慰问的不再慰问",
}


def effective_rules(rules: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(DEFAULT_RULES)
    out.update({k: v for k, v in (rules or {}).items() if k in DEFAULT_RULES})
    return out


# check_code → label, grouped by check_status (the line table's "reason" filter).
CHECK_CODES: dict[str, tuple[str, str]] = {
    # invalid: the row itself
    "invalid_name": ("invalid", "姓名有误"),
    "invalid_id": ("invalid", "身份证号有误"),
    "invalid_bank_card": ("invalid", "银行卡号有误"),
    "invalid_mobile": ("invalid", "联系电话有误"),
    "invalid_amount": ("invalid", "金额有误"),
    "invalid_category": ("invalid", "慰问类别有误"),
    "invalid_cell": ("invalid", "单元格是公式或错误值"),
    "name_mismatch": ("invalid", "姓名与困难职工档案不一致"),
    # duplicate
    "duplicate_id": ("duplicate", "重复推荐（同一身份证号）"),
    "duplicate_bank_card": ("duplicate", "银行卡号重复"),
    # ineligible: the hardship file and earlier campaigns
    "not_filed": ("ineligible", "未建档困难职工"),
    "file_pending": ("ineligible", "困难职工档案尚未建档"),
    "file_rejected": ("ineligible", "建档申请未通过"),
    "file_exited": ("ineligible", "已脱困退档"),
    "review_overdue": ("ineligible", "档案复核逾期"),
    "income_over": ("ineligible", "收入超出标准"),
    "helped_this_festival": ("ineligible", "本节日已获慰问"),
    "cooldown": ("ineligible", "近期已获慰问"),
    # quotas and budget
    "over_quota": ("over_quota", "超出名额"),
    "over_budget": ("over_budget", "超出预算"),
}
