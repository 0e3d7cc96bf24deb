"""An iCalendar (RFC 5545) feed of the dates that matter, for Outlook and other calendars.

Built with the maintained `icalendar` package, which does the escaping and line folding.
Every event is all day (DTSTART;VALUE=DATE, DTEND the next day, exclusive) and its UID comes
from what the event is, never from its date, so re-importing a feed after a date moves updates
the event instead of adding a second one. Events carry request ids and service codes only,
never a candidate's name or number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from prs_cli.calendar.model import Calendar
from prs_cli.records import RequestRecord
from prs_cli.rules.days import when
from prs_cli.rules.deadlines import Answer

PRODID = "-//prs//post-results services//EN"
DOMAIN = "prs"


@dataclass(frozen=True)
class Event:
    uid: str
    day: date
    summary: str
    description: str
    category: str


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-")


def _identity(*parts) -> str:
    """A short stable hash of what an event is about (not when)."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:10]


def calendar_events(calendar: Calendar, key_dates: Iterable, lead_days: int) -> list[Event]:
    """Key dates and board deadlines (service.export.KeyDate), and the centre's internal deadline
    before a board deadline where it falls earlier (lead_days, moved back to a working day)."""
    events = []
    for item, own in key_dates:
        who = item.service or _slug(item.kind)
        ident = _identity(item.kind, item.title, item.qualifications, item.awarding_bodies)
        series = calendar.series[item.series].name if item.series in calendar.series else item.series
        description = f"{series}. Source: {item.source}."
        if item.provisional:
            description += " Provisional: check the board's page."
        if item.note:
            description += f" {item.note}"
        if item.awarding_bodies:
            description += f" Awarding bodies: {', '.join(item.awarding_bodies)}."
        if item.kind == "request_deadline":
            events.append(Event(f"deadline-{item.series}-{who}-{ident}@{DOMAIN}", item.date, item.title, description, "Board deadline"))
            if own is not None:
                events.append(
                    Event(
                        f"internal-{item.series}-{who}-{ident}@{DOMAIN}",
                        own,
                        f"Internal deadline: {item.title}",
                        f"The centre's own deadline, {lead_days} days before the board's on {when(item.date)}, "
                        f"moved back to a working day. {description}",
                        "Internal deadline",
                    )
                )
        else:
            events.append(Event(f"{_slug(item.kind)}-{item.series}-{ident}@{DOMAIN}", item.date, item.title, description, "Key date"))
    return events


def request_events(calendar: Calendar, completions: Iterable[tuple[RequestRecord, Answer]]) -> list[Event]:
    """Each open request's completion due date: (request, Answer) as rules.requests.completion_dates gives them."""
    events = []
    for record, due in completions:
        body = calendar.awarding_bodies[record.awarding_body].name if record.awarding_body in calendar.awarding_bodies else record.awarding_body
        events.append(
            Event(
                f"request-{record.id}-completion@{DOMAIN}",
                due.date,
                f"Request {record.id}: {body} {record.service} due back",
                f"Request {record.id}, {record.service} for component {record.component}. {due.rule} ({due.source}). "
                "Chase the board if no outcome has arrived.",
                "Completion due",
            )
        )
    return events


def appeal_events(calendar: Calendar, appeals: Iterable[tuple[RequestRecord, Answer]]) -> list[Event]:
    """Each completed review's open appeal window: (review, appeal deadline Answer)."""
    events = []
    for record, closes in appeals:
        body = calendar.awarding_bodies[record.awarding_body].name if record.awarding_body in calendar.awarding_bodies else record.awarding_body
        events.append(
            Event(
                f"request-{record.id}-appeal@{DOMAIN}",
                closes.date,
                f"Appeal window closes: request {record.id} ({body} {record.service})",
                f"Request {record.id}, {record.service} for component {record.component}. {closes.rule} ({closes.source}). "
                "Log a preliminary appeal with 'prs request appeal' before then, or let it pass.",
                "Appeal window",
            )
        )
    return events


def feed_events(calendar: Calendar, feed, lead_days: int) -> list[Event]:
    """Every event of a service.export.Feed, each once: events alike in kind, day and title (a
    deadline that several boards or qualifications share) become one, their details joined."""
    events = (
        calendar_events(calendar, feed.key_dates, lead_days)
        + request_events(calendar, feed.completions)
        + appeal_events(calendar, feed.appeals)
    )
    merged: dict[tuple, Event] = {}
    for event in events:
        key = (event.category, event.day, event.summary)
        first = merged.get(key)
        if first is None:
            merged[key] = event
        elif event.description not in first.description:
            merged[key] = Event(min(first.uid, event.uid), first.day, first.summary, f"{first.description} | {event.description}", first.category)
    return list(merged.values())


def to_ics(events: Iterable[Event], stamp: datetime) -> bytes:
    """The feed as bytes; `stamp` (UTC) is every event's DTSTAMP."""
    import icalendar

    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", "Post-results services (prs)")
    for event in sorted(events, key=lambda e: (e.day, e.uid)):
        entry = icalendar.Event()
        entry.add("uid", event.uid)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.day)
        entry.add("dtend", event.day + timedelta(days=1))
        entry.add("summary", event.summary)
        entry.add("description", event.description)
        entry.add("categories", [event.category])
        entry.add("transp", "TRANSPARENT")
        feed.add_component(entry)
    return feed.to_ical()
