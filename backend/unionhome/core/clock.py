""""Today" as the federations see it: every tenant is a Chinese county, so dates are judged in Beijing
time whatever time zone the server runs in (a UTC server would refuse today's date before 08:00)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(CHINA_TZ).date()


def day_start(day: date) -> datetime:
    """The first instant of `day` in Beijing time (for "uploaded on or after" filters on timestamps)."""
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)
