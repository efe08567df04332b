""""Today" as the federations see it: every tenant is a Chinese county, so dates are judged in Beijing
time whatever time zone the server runs in (a UTC server would refuse today's date before 08:00)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(CHINA_TZ).date()
