"""Date arithmetic: calendar days, England and Wales working days, months (pure functions)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prs_cli.calendar.load import england_and_wales_bank_holidays
from prs_cli.calendar.model import Span
from prs_cli.rules.days import (
    OutsideCalendar,
    add_months,
    add_span,
    add_working_days,
    is_working_day,
    working_day_on_or_before,
)

YEARS = (2023, 2029)
HOLIDAYS = england_and_wales_bank_holidays(*YEARS)
days_in_range = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 1))


def test_bank_holidays_come_from_the_holidays_package():
    # England and Wales: Summer bank holiday Mon 31 Aug 2026, Christmas and Boxing Day (substitute Mon 28 Dec 2026).
    assert date(2026, 8, 31) in HOLIDAYS
    assert date(2026, 12, 25) in HOLIDAYS
    assert date(2026, 12, 28) in HOLIDAYS
    assert date(2026, 8, 20) not in HOLIDAYS


def test_working_days_skip_weekends_and_the_august_bank_holiday():
    # NCFE counts working days (NCFE-EAR): 5 working days after Thu 27 Aug 2026 skips Sat, Sun and
    # the Summer bank holiday on Mon 31 Aug, landing on Fri 4 Sep 2026.
    assert add_working_days(date(2026, 8, 27), 5, HOLIDAYS, YEARS) == date(2026, 9, 4)


def test_twenty_working_days_from_a_level_results_day():
    # NCFE-EAR: clerical check requests within 20 working days of results (13 Aug 2026) -> 11 Sep 2026.
    assert add_working_days(date(2026, 8, 13), 20, HOLIDAYS, YEARS) == date(2026, 9, 11)


def test_calendar_span_is_plain_addition():
    # seed:000: Service 2 completes within 20 calendar days of receipt: 15 Aug -> 4 Sep 2026.
    assert add_span(date(2026, 8, 15), Span(20), HOLIDAYS, YEARS) == date(2026, 9, 4)
    # seed:000: Service 3 within 35 calendar days of the sample's receipt: 1 Sep -> 6 Oct 2026.
    assert add_span(date(2026, 9, 1), Span(35), HOLIDAYS, YEARS) == date(2026, 10, 6)


def test_six_months_clamps_to_the_end_of_february():
    # seed:000: consent kept six months after the outcome; 10 Sep 2026 -> 10 Mar 2027.
    assert add_months(date(2026, 9, 10), 6) == date(2027, 3, 10)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_working_days_outside_the_covered_years_are_refused():
    with pytest.raises(OutsideCalendar, match="cover 2023 to 2029"):
        add_working_days(date(2030, 1, 2), 3, HOLIDAYS, YEARS)
    with pytest.raises(OutsideCalendar):
        add_working_days(date(2029, 12, 28), 5, HOLIDAYS, YEARS)  # runs into 2030


@given(days_in_range, st.integers(min_value=0, max_value=60))
def test_working_day_result_is_a_working_day_and_exactly_n_later(start, n):
    due = add_working_days(start, n, HOLIDAYS, YEARS)
    assert due >= start
    counted = sum(
        1 for k in range(1, (due - start).days + 1) if is_working_day(start + timedelta(days=k), HOLIDAYS)
    )
    assert counted == n
    if n:
        assert is_working_day(due, HOLIDAYS)


@given(days_in_range, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_working_days_compose(start, a, b):
    step = add_working_days(add_working_days(start, a, HOLIDAYS, YEARS), b, HOLIDAYS, YEARS)
    assert step == add_working_days(start, a + b, HOLIDAYS, YEARS)


@given(days_in_range, st.integers(min_value=0, max_value=40))
def test_working_days_never_come_sooner_than_calendar_days(start, n):
    assert add_working_days(start, n, HOLIDAYS, YEARS) >= start + timedelta(days=n)


@given(days_in_range)
def test_on_or_before_is_the_latest_working_day_not_after(day):
    moved = working_day_on_or_before(day, HOLIDAYS, YEARS)
    assert moved <= day and is_working_day(moved, HOLIDAYS)
    assert all(not is_working_day(moved + timedelta(days=k), HOLIDAYS) for k in range(1, (day - moved).days + 1))


@given(days_in_range, st.integers(min_value=1, max_value=24))
def test_months_land_on_the_same_day_or_the_month_end(start, months):
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day == start.day or (later.day < start.day and (later + timedelta(days=1)).day == 1)
