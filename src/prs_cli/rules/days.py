"""Date arithmetic: calendar days, England and Wales working days, months.

Bank holidays arrive as data (Calendar.bank_holidays), so these functions stay pure.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta
from functools import lru_cache

from prs_cli.calendar.model import Span
from prs_cli.errors import InputError


class OutsideCalendar(InputError):
    """Working days asked for a year the bank-holiday data does not cover."""


@lru_cache(maxsize=1024)
def when(day: date | None) -> str:
    """'Thu 20 Aug 2026', the way officers write dates, in sentences and tables alike (cached:
    the agenda writes the same few days into thousands of lines)."""
    if day is None:
        return "not yet published"
    return f"{day:%a} {day.day} {day:%b %Y}"


def is_working_day(day: date, bank_holidays: Set[date]) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def _check_covered(day: date, years: tuple[int, int]) -> None:
    if not years[0] <= day.year <= years[1]:
        raise OutsideCalendar(
            f"working days cannot be counted in {day.year}: the calendar's bank holidays cover "
            f"{years[0]} to {years[1]}; add that year's series to the calendar"
        )


def add_working_days(start: date, count: int, bank_holidays: Set[date], years: tuple[int, int]) -> date:
    """The `count`-th working day after `start` (the start day itself is day 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    _check_covered(day, years)
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, bank_holidays):
            remaining -= 1
    _check_covered(day, years)
    return day


def add_span(start: date, span: Span, bank_holidays: Set[date], years: tuple[int, int]) -> date:
    if span.unit == "working":
        return add_working_days(start, span.days, bank_holidays, years)
    return start + timedelta(days=span.days)


def working_day_on_or_before(day: date, bank_holidays: Set[date], years: tuple[int, int]) -> date:
    """Move a date back off weekends and bank holidays (for internal deadlines)."""
    _check_covered(day, years)
    while not is_working_day(day, bank_holidays):
        day -= timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped to the month's end (31 Aug + 6 months = 28 or 29 Feb)."""
    from dateutil.relativedelta import relativedelta

    return start + relativedelta(months=months)
