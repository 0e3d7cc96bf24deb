"""The season at a glance: every dated item of a series, and the requests each deadline holds.

Pure: the calendar, the series' requests, the centre's lead time and `today` come in. Each
request is counted at its board's deadline (rules.deadlines.request_deadline) by state, draft,
submitted or completed, and again at the internal deadline before it, so a head of department
sees what is still a draft as a deadline nears.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.records import RequestRecord
from prs_cli.rules.days import OutsideCalendar, when

STATES = ("draft", "submitted", "completed")


class Row(NamedTuple):
    date: date | None  # None: not yet published
    kind: str  # a calendar kind (results_day, request_deadline, ...) or internal_deadline
    title: str
    source: str
    provisional: bool = False
    counts: dict[str, int] | None = None  # deadlines: requests by state (None: not a deadline)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) if self.counts else 0


def series_for(calendar: Calendar, today: date) -> str | None:
    """The series in hand: the first (by results day) with a dated item on or after today;
    once every series is past, the last one with a date."""
    from prs_cli.rules.schedule import Filters, calendar_items

    latest = None
    for series_id in calendar.series:
        days = [i.date for i in calendar_items(calendar, Filters(series=(series_id,))) if i.date is not None]
        if days and max(days) >= today:
            return series_id
        if days:
            latest = series_id
    return latest


def rows(calendar: Calendar, series_id: str, requests: Iterable[RequestRecord], lead_days: int) -> list[Row]:
    """Every item of the series (soonest first, unpublished last), the same date and title once;
    request deadlines with their requests by state, each followed by the internal deadline."""
    from prs_cli.rules.agenda import internal_deadline
    from prs_cli.rules.deadlines import request_deadline
    from prs_cli.rules.schedule import Filters, calendar_items

    items = calendar_items(calendar, Filters(series=(series_id,)))
    found: dict[tuple, Row] = {}
    for item in items:
        key = (item.date, item.kind, item.title)
        if key in found:
            continue
        counts = dict.fromkeys(STATES, 0) if item.kind == "request_deadline" else None
        found[key] = Row(item.date, item.kind, item.title, item.source, item.provisional, counts)
    deadlines = [i for i in items if i.kind == "request_deadline" and i.date is not None]
    internal: dict[date, dict[str, int]] = {}
    for r in requests:
        if r.series != series_id or r.status not in STATES:
            continue
        try:
            due = request_deadline(calendar, series_id=series_id, body_code=r.awarding_body, qualification=r.qualification,
                                   service_code=r.service, results_released=r.results_released).date
        except (KeyError, OutsideCalendar):
            continue  # a code the calendar no longer has, or a year it does not cover
        match = next((i for i in deadlines if i.date == due and i.service == r.service
                      and r.awarding_body in i.awarding_bodies and r.qualification in i.qualifications), None)
        if match is None:
            continue  # a deadline of its own (an appeal's window): not a date of the series
        found[(match.date, match.kind, match.title)].counts[r.status] += 1
        bucket = internal.setdefault(match.date, dict.fromkeys(STATES, 0))
        bucket[r.status] += 1
    result = list(found.values())
    shared = {i.date for i in deadlines if len(i.awarding_bodies) > 1}  # JCQ's, not one board's own
    for day in sorted(shared | set(internal)):
        counts = internal.get(day, dict.fromkeys(STATES, 0))
        own = internal_deadline(calendar, day, lead_days)
        result.append(Row(own, "internal_deadline", f"Internal deadline: every request due on {when(day)} sent",
                          "seed:000", False, counts))
    return sorted(result, key=lambda row: (row.date is None, row.date or date.max, row.kind != "internal_deadline"))
