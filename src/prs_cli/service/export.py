"""`prs export`: what goes into the tracking log (CSV, and the workbook with its consents) and the
calendar feed (iCalendar)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
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
    log: Iterable | None  # service.requests.RequestView of every request, oldest first, read afresh each time it is iterated (None: not asked)
    consents: list[tuple] | None  # (consent, its rules.consent.Retention or None once purged), every consent (None: not asked)
    feed: Feed | None  # None: not asked


def export(
    db: Database, calendar, settings, *, today: date, log: bool, feed_filters, targets: list[Path], consents: bool = False
) -> Export:
    """The request log one request at a time (`log`; the CSV and the workbook may each read it),
    every consent with its keep-until (`consents`, for the workbook), and the dates for a calendar
    feed (`feed_filters`: rules.schedule.Filters, None: no feed; `settings`: the centre's, for the feed).

    `targets`, the files the command will write, are checked first: refused (nothing written)
    when one is the database, its journals, the settings or inside prs's own folders, or when
    the same file is named twice."""
    from prs_cli import files, paths

    files.check_targets(targets, *paths.owned_files(db.path))
    return Export(
        _Log(db, calendar, today) if log else None,
        _consents(db) if consents else None,
        _feed(db, calendar, settings, feed_filters, today) if feed_filters is not None else None,
    )


class _Log:
    """The request log as an iterable that reads it again each time, so two formats can be
    written from it without holding it whole."""

    def __init__(self, db: Database, calendar, today: date):
        self.db, self.calendar, self.today = db, calendar, today

    def __iter__(self) -> Iterator:
        """A generator: nothing is read until the writer asks for the first row (its file is open
        by then, so an export stopped while it waits for the database leaves nothing behind)."""
        if not self.db.exists():
            return
        from prs_cli.service.requests import log_views

        repo = self.db.requests()
        yield from log_views(self.calendar, repo, repo.iter(), self.today)


def _consents(db: Database) -> list[tuple]:
    """(consent, Retention) for every consent, oldest first: the keep-until is None while a
    request it covers is open, and the Retention None once the consent is purged."""
    if not db.exists():
        return []
    from prs_cli.rules.consent import retentions
    from prs_cli.store import consents as store

    everything = store.list_consents(db.connection())
    kept = {consent.id: retention for consent, retention in retentions(everything, db.requests().iter())}
    return [(consent, kept.get(consent.id)) for consent in everything]


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
