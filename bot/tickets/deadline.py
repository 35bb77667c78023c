"""The legal deadline for answering a data-subject request (Art. 12(3) GDPR).

Periods are computed under Regulation (EEC, Euratom) No 1182/71, Art. 3:

- the day of receipt is not counted (Art. 3(1));
- a period of months ends at the end of the day in the last month with the same date as the day of
  receipt, or on that month's last day where no such date exists (Art. 3(2)(c));
- where that day is a Saturday, Sunday or public holiday, the period ends at the end of the next
  working day (Art. 3(4)).

The receipt instant is taken in the controller's time zone; holidays are those of the controller's
country and region (the ``holidays`` package). An extension by two further months gives three months
from receipt under the same rules. Never "+30 days".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.jurisdiction import Jurisdiction

STANDARD_MONTHS = 1
EXTENDED_MONTHS = 3  # one month plus the extension by two further months


def add_months(day: date, months: int) -> date:
    """The same date ``months`` later, or that month's last day where no such date exists."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date, where: Jurisdiction) -> date:
    """``day`` itself if it is a working day, else the next one."""
    while not where.is_working_day(day):
        day += timedelta(days=1)
    return day


def due_date(received: datetime, where: Jurisdiction, months: int = STANDARD_MONTHS) -> date:
    """The last day (inclusive) to answer a request received at ``received``."""
    if months < 1:
        raise ValueError("a period has at least one month")
    return next_working_day(add_months(where.local_date(received), months), where)


@dataclass(frozen=True)
class Deadlines:
    """Receipt date and both deadlines of one request."""

    received_local: date
    due: date
    due_extended: date

    def to_dict(self) -> dict[str, str]:
        """The JSON form of `privacybot deadline --json`."""
        return {
            "received_local": self.received_local.isoformat(),
            "due": self.due.isoformat(),
            "due_extended": self.due_extended.isoformat(),
        }


def deadlines(received: datetime, where: Jurisdiction) -> Deadlines:
    """The standard and the extended deadline of a request received at ``received``."""
    return Deadlines(
        received_local=where.local_date(received),
        due=due_date(received, where, STANDARD_MONTHS),
        due_extended=due_date(received, where, EXTENDED_MONTHS),
    )
