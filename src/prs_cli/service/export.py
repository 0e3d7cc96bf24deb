"""`prs export`: what goes into the tracking log (CSV) and the calendar feed (iCalendar)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from prs_cli.service.database import Database


class KeyDate(NamedTuple):
    """A dated calendar item (rules.schedule.DatedItem) for the feed, and for a board deadline
    the centre's own deadline before it (None: the same day, or not a deadline)."""

    item: object
    internal: date | None


class Feed(NamedTuple):
    key_dates: list[KeyDate]
    completions: list[tuple]  # (request, its completion due Answer): the board has it and must answer
    appeals: list[tuple] = []  # (review, its appeal deadline Answer): the window is open, no appeal logged


class Export(NamedTuple):
    log: Iterator | None  # service.requests.RequestView of every request, oldest first (None: not asked)
    feed: Feed | None  # None: not asked


def export(db: Database, calendar, settings, *, today: date, log: bool, feed_filters) -> Export:
    """The request log one request at a time (`log`), and the dates for a calendar feed
    (`feed_filters`: rules.schedule.Filters, None: no feed; `settings`: the centre's, for the feed)."""
    return Export(
        _log(db, calendar, today) if log else None,
        _feed(db, calendar, settings, feed_filters, today) if feed_filters is not None else None,
    )


def _log(db: Database, calendar, today: date):
    if not db.exists():
        return
    from prs_cli.service.requests import log_views

    repo = db.requests()
    yield from log_views(calendar, repo, repo.iter(), today)


def _feed(db: Database, calendar, settings, filters, today: date) -> Feed:
    """Key dates and board deadlines (with the centre's internal deadline, `settings.lead_days`
    earlier on a working day) of the series asked for, else of those whose post-results window
    is open or ahead; the completion dates and open appeal windows of the requests the filters
    select."""
    from prs_cli.rules.agenda import internal_deadline
    from prs_cli.rules.requests import appeal_windows, completion_dates
    from prs_cli.rules.schedule import calendar_items, open_or_ahead

    dated = filters if filters.series is not None else filters._replace(series=open_or_ahead(calendar, today))
    key_dates = []
    for item in calendar_items(calendar, dated):
        if item.date is None:
            continue
        own = internal_deadline(calendar, item.date, settings.lead_days) if item.kind == "request_deadline" else None
        key_dates.append(KeyDate(item, own if own != item.date else None))
    requests = [
        r
        for r in (db.requests().iter() if db.exists() else ())
        if (filters.series is None or r.series in filters.series)
        and filters.awarding_body in (None, r.awarding_body)
        and filters.qualification in (None, r.qualification)
        and filters.service in (None, r.service)
    ]
    return Feed(key_dates, list(completion_dates(calendar, requests)), list(appeal_windows(calendar, requests, today)))
