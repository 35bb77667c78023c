"""The legal deadline: Art. 12(3) GDPR with Regulation 1182/71 Art. 3, Hamburg holidays."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from bot.jurisdiction import Jurisdiction
from bot.settings import PROJECT_ROOT
from bot.tickets.deadline import deadlines, due_date

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


# Hamburg's public holidays (Gesetz über Sonntage, Feiertage, Gedenktage und Trauertage, § 1; Reformation Day
# since 2018), written out from the calendar: Easter Sunday is 5 April 2026, 28 March 2027 and 16 April 2028.
HAMBURG_HOLIDAYS = {
    2026: ["01-01", "04-03", "04-06", "05-01", "05-14", "05-25", "10-03", "10-31", "12-25", "12-26"],
    2027: ["01-01", "03-26", "03-29", "05-01", "05-06", "05-17", "10-03", "10-31", "12-25", "12-26"],
    2028: ["01-01", "04-14", "04-17", "05-01", "05-25", "06-05", "10-03", "10-31", "12-25", "12-26"],
}


@pytest.mark.parametrize("year", sorted(HAMBURG_HOLIDAYS))
def test_working_days_in_hamburg_are_weekdays_that_are_not_holidays(year: int) -> None:
    holidays_hh = {date.fromisoformat(f"{year}-{d}") for d in HAMBURG_HOLIDAYS[year]}
    day = date(year, 1, 1)
    while day.year == year:
        assert HH.is_working_day(day) == (day.weekday() < 5 and day not in holidays_hh), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        # Every Hamburg holiday of 2026 and 2027 as the day a period would end on (weekday of the end day first).
        ("2025-12-01T10:00:00+01:00", 1, "2026-01-02"),  # Thu 1 Jan, New Year -> Fri 2 Jan
        ("2026-03-03T10:00:00+01:00", 1, "2026-04-07"),  # Fri 3 Apr Good Friday, Sat, Easter Sun, Easter Mon -> Tue
        ("2026-03-06T10:00:00+01:00", 1, "2026-04-07"),  # Mon 6 Apr, Easter Monday -> Tue 7 Apr
        ("2026-04-01T10:00:00+02:00", 1, "2026-05-04"),  # Fri 1 May, Labour Day, then the weekend -> Mon 4 May
        ("2026-04-14T10:00:00+02:00", 1, "2026-05-15"),  # Thu 14 May, Ascension Day -> Fri 15 May
        ("2026-04-25T10:00:00+02:00", 1, "2026-05-26"),  # Mon 25 May, Whit Monday -> Tue 26 May
        ("2026-09-03T10:00:00+02:00", 1, "2026-10-05"),  # Sat 3 Oct, Unity Day -> Mon 5 Oct
        ("2026-07-31T10:00:00+02:00", 3, "2026-11-02"),  # Sat 31 Oct, Reformation Day -> Mon 2 Nov
        ("2026-11-25T10:00:00+01:00", 1, "2026-12-28"),  # Fri 25 Dec, Christmas, Sat 26 Dec, Sun -> Mon 28 Dec
        ("2026-11-26T10:00:00+01:00", 1, "2026-12-28"),  # Sat 26 Dec, Second Day of Christmas -> Mon 28 Dec
        ("2026-12-01T10:00:00+01:00", 1, "2027-01-04"),  # Fri 1 Jan 2027, New Year, then the weekend -> Mon 4 Jan
        ("2027-02-26T10:00:00+01:00", 1, "2027-03-30"),  # Fri 26 Mar Good Friday ... Mon 29 Easter Monday -> Tue
        ("2026-12-29T10:00:00+01:00", 3, "2027-03-30"),  # Mon 29 Mar 2027, Easter Monday -> Tue 30 Mar
        ("2027-04-01T10:00:00+02:00", 1, "2027-05-03"),  # Sat 1 May, Labour Day -> Mon 3 May
        ("2027-04-06T10:00:00+02:00", 1, "2027-05-07"),  # Thu 6 May, Ascension Day -> Fri 7 May
        ("2027-04-17T10:00:00+02:00", 1, "2027-05-18"),  # Mon 17 May, Whit Monday -> Tue 18 May
        ("2027-09-03T10:00:00+02:00", 1, "2027-10-04"),  # Sun 3 Oct, Unity Day -> Mon 4 Oct
        ("2027-07-31T10:00:00+02:00", 3, "2027-11-01"),  # Sun 31 Oct, Reformation Day -> Mon 1 Nov
        ("2027-11-25T10:00:00+01:00", 1, "2027-12-27"),  # Sat 25 Dec, Christmas, Sun 26 Dec -> Mon 27 Dec
        ("2027-11-26T10:00:00+01:00", 1, "2027-12-27"),  # Sun 26 Dec, Second Day of Christmas -> Mon 27 Dec
        # Reformation Day on a weekday: a holiday in Hamburg since 2018 only.
        ("2028-07-31T10:00:00+02:00", 3, "2028-11-01"),  # Tue 31 Oct 2028, Reformation Day -> Wed 1 Nov
        ("2016-07-31T10:00:00+02:00", 3, "2016-10-31"),  # Mon 31 Oct 2016: an ordinary working day in Hamburg
        ("2028-03-14T10:00:00+01:00", 1, "2028-04-18"),  # Fri 14 Apr 2028 Good Friday ... Easter Monday -> Tue 18
        # Month ends: no such date in the last month -> its last day (Art. 3(2)(c)).
        ("2027-01-31T10:00:00+01:00", 1, "2027-03-01"),  # 28 Feb 2027 is a Sunday -> Mon 1 Mar
        ("2028-01-31T10:00:00+01:00", 1, "2028-02-29"),  # leap year: Tue 29 Feb 2028
        ("2028-02-29T12:00:00+01:00", 1, "2028-03-29"),  # received on 29 Feb: Wed 29 Mar
        ("2026-03-31T10:00:00+02:00", 1, "2026-04-30"),  # no 31 Apr: Thu 30 Apr
        ("2026-08-31T10:00:00+02:00", 1, "2026-09-30"),  # no 31 Sep: Wed 30 Sep
        ("2027-11-30T10:00:00+01:00", 3, "2028-02-29"),  # three months to a leap February: Tue 29 Feb 2028
        # Year end.
        ("2026-11-30T10:00:00+01:00", 1, "2026-12-30"),  # Wed 30 Dec 2026
        ("2026-12-31T10:00:00+01:00", 1, "2027-02-01"),  # Sun 31 Jan 2027 -> Mon 1 Feb
        ("2027-12-31T10:00:00+01:00", 1, "2028-01-31"),  # Mon 31 Jan 2028
        ("2026-12-22T23:30:00+01:00", 1, "2027-01-22"),  # late evening in Hamburg: Fri 22 Jan 2027
        ("2026-12-22T23:30:00+00:00", 1, "2027-01-25"),  # 00:30 on the 23rd in Hamburg: Sat 23 Jan -> Mon 25 Jan
        # The spring DST change, 28 March 2027 (Easter Sunday), before and after 02:00 CET.
        ("2027-03-28T01:30:00+01:00", 1, "2027-04-28"),  # Wed 28 Apr 2027
        ("2027-03-28T03:30:00+02:00", 1, "2027-04-28"),
        ("2027-03-27T23:30:00+00:00", 1, "2027-04-28"),  # 00:30 CET on the 28th in Hamburg
        ("2027-03-27T22:30:00+00:00", 1, "2027-04-27"),  # 23:30 CET on the 27th: Tue 27 Apr
        ("2027-02-28T10:00:00+01:00", 1, "2027-03-30"),  # Sun 28 Mar (DST, Easter), Easter Monday -> Tue 30 Mar
        # The autumn change, 31 October 2027 (Reformation Day): 02:30 happens twice.
        ("2027-10-31T02:30:00+02:00", 1, "2027-11-30"),  # Tue 30 Nov 2027
        ("2027-10-31T02:30:00+01:00", 1, "2027-11-30"),
        ("2027-10-30T22:30:00+00:00", 1, "2027-11-30"),  # 00:30 CEST on the 31st in Hamburg
    ],
)
def test_due_dates_from_the_calendar(received: str, months: int, due: str) -> None:
    assert due_date(at(received), HH, months) == date.fromisoformat(due)


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
