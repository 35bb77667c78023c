"""Where the controller is: its time zone and the public holidays that apply (shared by settings and deadlines)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class Jurisdiction:
    """Where the controller is: its time zone and the public holidays that apply."""

    timezone: str = "Europe/Berlin"
    country: str = "DE"
    region: str | None = "HH"

    def local_date(self, instant: datetime) -> date:
        """The calendar date of ``instant`` at the controller."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("the receipt instant needs a time zone offset")
        return instant.astimezone(ZoneInfo(self.timezone)).date()

    def is_working_day(self, day: date) -> bool:
        """Not a Saturday, Sunday or public holiday."""
        return day.weekday() < 5 and day not in _holidays(self.country, self.region, day.year)


@functools.lru_cache(maxsize=64)
def _holidays(country: str, region: str | None, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=region, years=year)
