"""The calendar as a list of dated items for one question: what closes when, for whom."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from typing import NamedTuple

from prs_cli.calendar.model import Calendar, Deadline, Series
from prs_cli.rules.days import when
from prs_cli.rules.deadlines import (
    availability,
    names,
    release_for,
    request_deadline,
    request_window,
)


class DatedItem(NamedTuple):
    date: date | None  # None: not yet published
    series: str
    kind: str
    service: str | None
    title: str
    qualifications: tuple[str, ...]
    awarding_bodies: tuple[str, ...]
    source: str
    provisional: bool = False
    note: str | None = None
    time: time | None = None

    def days_left(self, today: date) -> int | None:
        return None if self.date is None else (self.date - today).days

    def sort_key(self) -> tuple:
        # A deadline without a time runs to the end of its day, after that morning's results.
        return (self.date is None, self.date or date.max, self.time or time.max, self.series, self.title)


class Filters(NamedTuple):
    series: tuple[str, ...] | None = None
    awarding_body: str | None = None
    qualification: str | None = None
    service: str | None = None


def open_or_ahead(calendar: Calendar, today: date) -> tuple[str, ...]:
    """The series whose post-results window is open on `today` or still to come: a request
    deadline or a results day on or after today, or no date known yet (the officer's calendar
    feed needs these, not last year's)."""
    chosen = []
    for series_id, series in calendar.series.items():
        days = [d.date for d in series.deadlines if d.date is not None] + [r.date for r in series.releases if r.date is not None]
        if not days or max(days) >= today:
            chosen.append(series_id)
    return tuple(chosen)


def calendar_items(calendar: Calendar, filters: Filters = Filters()) -> list[DatedItem]:
    items: list[DatedItem] = []
    seen: dict[tuple, bool] = {}
    for series_id, series in calendar.series.items():
        if filters.series is not None and series_id not in filters.series:
            continue
        if filters.service is None:
            items += _results(calendar, series_id, series, filters)
            items += _key_dates(calendar, series_id, series, filters)
        items += _series_deadlines(calendar, series_id, series, filters, seen)
        items += _board_windows(calendar, series_id, series, filters)
    return sorted(items, key=DatedItem.sort_key)


def upcoming(items: Iterable[DatedItem], today: date, include_past: bool = False) -> list[DatedItem]:
    """Past items hidden unless asked for. A date not yet published is still to come, unless its
    series is over (every date it does have is past): then it is history, like the rest."""
    items = list(items)
    if include_past:
        return items
    last_known: dict[str, date] = {}
    for item in items:
        if item.date is not None:
            last_known[item.series] = max(item.date, last_known.get(item.series, item.date))
    return [
        i
        for i in items
        if (i.date is not None and i.date >= today)
        or (i.date is None and last_known.get(i.series, today) >= today)
    ]


def _boards(calendar: Calendar, filters: Filters, only: str | None = None) -> list[str]:
    if only is not None:
        return [only] if filters.awarding_body in (None, only) else []
    codes = [c for c, b in calendar.awarding_bodies.items() if b.follows_jcq]
    return [c for c in codes if filters.awarding_body in (None, c)]


def _quals(wanted: Iterable[str], filters: Filters) -> list[str]:
    return [q for q in wanted if filters.qualification in (None, q)]


def _results(calendar: Calendar, series_id: str, series: Series, filters: Filters) -> list[DatedItem]:
    items = []
    for release in series.releases:
        quals = _quals(release.qualifications, filters)
        boards = []
        for code in _boards(calendar, filters, release.awarding_body):
            awarded = [q for q in quals if q in calendar.awarding_bodies[code].qualifications]
            # a board with its own release for these qualifications is shown there, not here
            if any(release_for(calendar, series_id, q, code) is release for q in awarded):
                boards.append(code)
        if not quals or not boards:
            continue
        who = f"{calendar.awarding_bodies[release.awarding_body].name} " if release.awarding_body else ""
        base = DatedItem(
            date=release.date,
            series=series_id,
            kind="results_day",
            service=None,
            # no restricted release for these (VTQs, T Levels): each board sets its own (issue 11 item 12)
            title=f"{who}{names(calendar, quals)} results to candidates"
            + ("" if release.centres_date is not None else "; to centres: check the board"),
            qualifications=tuple(quals),
            awarding_bodies=tuple(boards),
            source=release.source,
            provisional=release.provisional,
            note=release.note,
            time=release.candidates_time,
        )
        items.append(base)
        if release.centres_date is not None:
            items.append(
                base._replace(
                    date=release.centres_date,
                    kind="restricted_release",
                    title=f"{who}{names(calendar, quals)} results to centres only "
                    + ("(restricted release)" if release.awarding_body is None else "(embargo release)"),
                    source=release.centres_source or release.source,
                    provisional=release.provisional or release.centres_provisional,
                    time=release.centres_time,
                )
            )
    return items


def _own_deadline(series: Series, body: str, service: str, qualification: str) -> Deadline | None:
    for deadline in series.deadlines:
        if deadline.awarding_body == body and service in deadline.services:
            if deadline.qualifications is None or qualification in deadline.qualifications:
                return deadline
    return None


def _series_wide(calendar: Calendar, body: str, service: str, qualification: str, seen: dict[tuple, bool]) -> bool:
    """Whether the board offers the service for the qualification with no window of its own
    (so a series' date is its deadline); the same in every series, so worked out once."""
    key = (body, service, qualification)
    found = seen.get(key)
    if found is None:
        found = seen[key] = (
            qualification in calendar.awarding_bodies[body].qualifications
            and availability(calendar, body, qualification, service).allowed
            and request_window(calendar, body, service, qualification) is None
        )
    return found


def _series_deadlines(calendar: Calendar, series_id: str, series: Series, filters: Filters, seen: dict[tuple, bool]) -> list[DatedItem]:
    items = []
    for deadline in series.deadlines:
        for service in deadline.services:
            if filters.service not in (None, service):
                continue
            boards: list[str] = []
            quals: list[str] = []
            for code in _boards(calendar, filters, deadline.awarding_body):
                body = calendar.awarding_bodies[code]
                for q in _quals(deadline.qualifications or body.qualifications, filters):
                    if not _series_wide(calendar, code, service, q, seen):
                        continue
                    if deadline.awarding_body is None and _own_deadline(series, code, service, q):
                        continue
                    boards += [code] if code not in boards else []
                    quals += [q] if q not in quals else []
            if not boards:
                continue
            name = calendar.services[service].name
            who = calendar.awarding_bodies[deadline.awarding_body].name + ": " if deadline.awarding_body else ""
            ordered = tuple(q for q in calendar.qualifications if q in quals)
            # A deadline for some qualifications only says which, so rows that differ only by
            # qualification can be told apart (issue 11 item 7).
            whom = f" for {names(calendar, ordered)}" if deadline.qualifications is not None else ""
            items.append(
                DatedItem(
                    date=deadline.date,
                    series=series_id,
                    kind="request_deadline",
                    service=service,
                    title=f"{who}{name} ({service}) requests close{whom}",
                    qualifications=ordered,
                    awarding_bodies=tuple(boards),
                    source=deadline.source,
                    provisional=deadline.provisional,
                    note=deadline.note,
                )
            )
    return items


def _board_windows(calendar: Calendar, series_id: str, series: Series, filters: Filters) -> list[DatedItem]:
    """Boards whose deadlines run from results day (NCFE): one dated item per result day."""
    grouped: dict[tuple, list[str]] = {}
    for code in _boards(calendar, filters):
        body = calendar.awarding_bodies[code]
        for service, offer in body.services.items():
            if filters.service not in (None, service) or not offer.request_windows:
                continue
            for q in _quals(body.qualifications, filters):
                window = request_window(calendar, code, service, q)
                if window is None or window.start != "results":
                    continue  # appeals run from each request's own outcome, not from a series date
                if not availability(calendar, code, q, service).allowed or not release_for(calendar, series_id, q, code):
                    continue
                answer = request_deadline(calendar, series_id=series_id, body_code=code, qualification=q, service_code=service)
                key = (answer.date, code, service, answer.rule, answer.source, answer.provisional, answer.note)
                grouped.setdefault(key, []).append(q)
    items = []
    for (due, code, service, rule, source, provisional, note), quals in grouped.items():
        body = calendar.awarding_bodies[code]
        items.append(
            DatedItem(
                date=due,
                series=series_id,
                kind="request_deadline",
                service=service,
                # a board's windows differ by qualification (NCFE: 5 weeks for T Levels), so each
                # row says which qualifications it is for
                title=f"{body.name}: {calendar.services[service].name} ({service}) requests close for {names(calendar, quals)}",
                qualifications=tuple(quals),
                awarding_bodies=(code,),
                source=source,
                provisional=provisional,
                note=f"{rule}. {note}" if note else rule,
            )
        )
    return items


def _key_dates(calendar: Calendar, series_id: str, series: Series, filters: Filters) -> list[DatedItem]:
    items = []
    for key_date in series.key_dates:
        if filters.awarding_body and key_date.awarding_bodies and filters.awarding_body not in key_date.awarding_bodies:
            continue
        if filters.qualification and key_date.qualifications and filters.qualification not in key_date.qualifications:
            continue
        title = key_date.title
        if key_date.until is not None:
            title += f" (until {when(key_date.until)})"
        items.append(
            DatedItem(
                date=key_date.date,
                series=series_id,
                kind=key_date.kind,
                service=None,
                title=title,
                qualifications=key_date.qualifications or (),
                awarding_bodies=key_date.awarding_bodies or (),
                source=key_date.source,
                provisional=key_date.provisional,
                note=key_date.note,
                time=key_date.time,
            )
        )
    return items
