"""`prs deadlines`: the dates that matter, soonest first."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Deadlines(NamedTuple):
    items: list  # rules.schedule.DatedItem, soonest first
    availability: object | None  # rules.deadlines.Availability when a service and qualification were named


def deadlines(calendar, filters, *, today: date, include_past: bool) -> Deadlines:
    """The calendar's dates for `filters` (rules.schedule.Filters) from `today` (or all), and,
    when a service and qualification were named, whether it is offered: when it is not, no
    dates."""
    from prs_cli.rules.deadlines import availability, service_applies_anywhere
    from prs_cli.rules.schedule import calendar_items, upcoming

    items = upcoming(calendar_items(calendar, filters), today, include_past=include_past)
    answer = None
    if filters.service and filters.qualification:
        if filters.awarding_body:
            answer = availability(calendar, filters.awarding_body, filters.qualification, filters.service)
        else:
            answer = service_applies_anywhere(calendar, filters.qualification, filters.service)
        if not answer.allowed:
            items = []
    return Deadlines(items, answer)
