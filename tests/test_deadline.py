"""The legal deadline: Art. 12(3) GDPR with Regulation 1182/71 Art. 3, Hamburg holidays."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import holidays
import pytest

from bot.deadline import Jurisdiction, add_months, deadlines, due_date
from bot.settings import PROJECT_ROOT

HH = Jurisdiction("Europe/Berlin", "DE", "HH")
BY = Jurisdiction("Europe/Berlin", "DE", "BY")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-01-15T10:00:00+01:00", "2026-02-16"),  # 15 Feb is a Sunday -> Monday
        ("2026-01-31T10:00:00+01:00", "2026-03-02"),  # no 31 Feb: 28 Feb, a Saturday -> Monday
        ("2028-01-31T10:00:00+01:00", "2028-02-29"),  # leap year: 29 Feb, a Tuesday
        ("2027-01-29T10:00:00+01:00", "2027-03-01"),  # 28 Feb 2027 is a Sunday (no 29th)
        ("2027-03-31T10:00:00+02:00", "2027-04-30"),  # no 31 April: the 30th, a Friday
        ("2026-09-03T10:00:00+02:00", "2026-10-05"),  # 3 Oct: Unity Day and a Saturday
        ("2026-12-10T09:00:00+01:00", "2027-01-11"),  # 10 Jan 2027 is a Sunday
    ],
)
def test_one_month_with_month_ends_weekends_and_holidays(received: str, due: str) -> None:
    assert due_date(at(received), HH) == date.fromisoformat(due)


def test_day_of_receipt_is_not_counted_and_never_thirty_days() -> None:
    received = at("2026-02-02T12:00:00+01:00")  # Monday
    assert due_date(received, HH) == date(2026, 3, 2)  # a calendar month: 28 days in February
    assert due_date(received, HH) != (received + timedelta(days=30)).date()


def _months_to(target: date) -> tuple[date, int]:
    for months in (1, 2, 3):
        for day in range(31, 0, -1):
            index = target.month - 1 - months
            year, month = target.year + index // 12, index % 12 + 1
            try:
                start = date(year, month, day)
            except ValueError:
                continue
            if add_months(start, months) == target:
                return start, months
    raise AssertionError(target)


@pytest.mark.parametrize("year", [2026, 2027])
def test_every_hamburg_public_holiday_moves_the_deadline(year: int) -> None:
    days = holidays.country_holidays("DE", subdiv="HH", years=year)
    assert len(days) >= 10 and date(year, 10, 31) in days  # Reformation Day is a holiday in Hamburg
    for holiday in days:
        start, months = _months_to(holiday)
        received = datetime(start.year, start.month, start.day, 12, tzinfo=HH_ZONE)
        due = due_date(received, HH, months)
        assert due > holiday, holiday
        assert HH.is_working_day(due)
        assert all(not HH.is_working_day(holiday + timedelta(days=i)) for i in range((due - holiday).days))


HH_ZONE = __import__("zoneinfo").ZoneInfo("Europe/Berlin")


def test_holiday_that_differs_between_states() -> None:
    # Reformation Day, Friday 31 Oct 2025: a holiday in Hamburg, not in Bavaria (three-month period).
    received = at("2025-07-31T10:00:00+02:00")
    assert due_date(received, HH, 3) == date(2025, 11, 3)
    assert due_date(received, BY, 3) == date(2025, 10, 31)
    # Corpus Christi, Thursday 4 June 2026: a holiday in Bavaria, not in Hamburg.
    received = at("2026-05-04T10:00:00+02:00")
    assert due_date(received, HH) == date(2026, 6, 4)
    assert due_date(received, BY) == date(2026, 6, 5)


def test_receipt_near_midnight_counts_in_the_controllers_time_zone() -> None:
    # 22:30 UTC on 14 March is 23:30 in Hamburg (CET): received on the 14th.
    assert due_date(at("2026-03-14T22:30:00+00:00"), HH) == date(2026, 4, 14)
    # 23:30 UTC on 14 March is 00:30 on the 15th in Hamburg.
    assert due_date(at("2026-03-14T23:30:00+00:00"), HH) == date(2026, 4, 15)
    # A request sent at 19:30 in New York (EDT) on 14 March arrives at 00:30 on the 15th in Hamburg.
    assert deadlines(at("2026-03-14T19:30:00-04:00"), HH).received_local == date(2026, 3, 15)
    assert deadlines(at("2026-03-14T18:30:00-04:00"), HH).received_local == date(2026, 3, 14)


def test_receipt_across_daylight_saving_changes() -> None:
    # Spring forward, 29 March 2026: 23:30 UTC on the 28th is 00:30 CET on the 29th.
    assert HH.local_date(at("2026-03-28T23:30:00+00:00")) == date(2026, 3, 29)
    assert due_date(at("2026-03-28T23:30:00+00:00"), HH) == date(2026, 4, 29)
    # Fall back, 25 October 2026: 22:30 UTC on the 24th is 00:30 CEST on the 25th ...
    assert HH.local_date(at("2026-10-24T22:30:00+00:00")) == date(2026, 10, 25)
    # ... and 22:30 UTC on the 25th is 23:30 CET, still the 25th.
    assert HH.local_date(at("2026-10-25T22:30:00+00:00")) == date(2026, 10, 25)
    assert due_date(at("2026-10-25T22:30:00+00:00"), HH) == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("received", "due_extended"),
    [
        ("2026-01-15T10:00:00+01:00", "2026-04-15"),  # three months from receipt
        ("2026-11-30T10:00:00+01:00", "2027-03-01"),  # 28 Feb 2027 is a Sunday
        ("2026-09-25T10:00:00+02:00", "2026-12-28"),  # Christmas (Fri, Sat), then Sunday
        ("2026-01-31T10:00:00+01:00", "2026-04-30"),  # from receipt, not from the rolled first due date
    ],
)
def test_extension_gives_three_months_from_receipt(received: str, due_extended: str) -> None:
    d = deadlines(at(received), HH)
    assert d.due_extended == date.fromisoformat(due_extended)
    assert d.due_extended > d.due


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone offset"):
        due_date(datetime(2026, 1, 15, 10), HH)


def test_cli_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "deadline", "--json", "2026-01-31T23:30:00Z"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "received_local": "2026-02-01",
        "due": "2026-03-02",
        "due_extended": "2026-05-04",
    }


@pytest.mark.parametrize("bad", ["yesterday", "2026-01-15T10:00:00", "2026-13-01T00:00:00Z"])
def test_cli_refuses_bad_instants(bad: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "deadline", bad], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert result.returncode == 2
    assert "ISO 8601 instant with offset" in result.stderr
