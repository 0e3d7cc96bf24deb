"""What is due: one agenda from the log, consent and the calendar, most urgent first.

Pure: the calendar, the records, the consent findings and `today` come in as arguments.
Requests are read in one pass and every date is memoised on what it depends on (a board's
deadline is the same for every request with the same series, board, qualification and
service), so the agenda stays fast with a hundred thousand requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from prs_cli.calendar.model import Calendar
from prs_cli.records import ConsentRecord, RequestRecord
from prs_cli.render.console import when
from prs_cli.rules.consent import ConsentFinding, Retention, consent_status, retention
from prs_cli.rules.days import OutsideCalendar, working_day_on_or_before
from prs_cli.rules.requests import RequestDates, request_dates

Severity = Literal["overdue", "due", "upcoming"]
SEVERITIES: tuple[Severity, ...] = ("overdue", "due", "upcoming")
DUE_WITHIN = 2  # days: today and the next two are "due" (yellow), as the issue asks
INTERNAL_SOURCE = "seed:000: set internal deadlines ahead of the awarding bodies' deadlines"
# Ties on one date: the officer's own work before general calendar dates.
KINDS = (
    "late_draft",
    "chase_board",
    "consent_missing",
    "board_deadline",
    "internal_deadline",
    "appeal_window",
    "completion_due",
    "consent_disposal",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
_CLOSED = ("withdrawn", "rejected")


@dataclass(frozen=True)
class AgendaItem:
    date: date
    days_left: int
    kind: str  # one of KINDS, or a calendar key date's own kind (results_day, checkpoint, ...)
    severity: Severity
    title: str
    detail: str
    request_ids: tuple[int, ...] = ()
    consent_ids: tuple[int, ...] = ()
    source: str | None = None

    def sort_key(self) -> tuple:
        """Ties keep their input order (requests by id, calendar dates by time of day)."""
        return (SEVERITIES.index(self.severity), self.date, _KIND_RANK.get(self.kind, len(KINDS)))


def severity(day: date, today: date) -> Severity:
    left = (day - today).days
    return "overdue" if left < 0 else ("due" if left <= DUE_WITHIN else "upcoming")


def internal_deadline(calendar: Calendar, board_deadline: date, lead_days: int) -> date:
    """The board's deadline minus the centre's lead time, moved back off weekends and bank holidays."""
    day = board_deadline - timedelta(days=lead_days)
    try:
        return working_day_on_or_before(day, calendar.bank_holidays, calendar.holiday_years)
    except OutsideCalendar:
        return day  # a year the bank-holiday data does not cover: the plain subtraction


class _Dates:
    """request_dates, memoised on exactly the fields it reads."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self.cache: dict[tuple, RequestDates | None] = {}

    def __call__(self, record: RequestRecord, prior_outcome: date | None) -> RequestDates | None:
        key = (
            record.series,
            record.awarding_body,
            record.qualification,
            record.service,
            record.results_released,
            record.received_on,
            record.sample_received_on,
            record.outcome_on,
            prior_outcome,
        )
        try:
            return self.cache[key]
        except KeyError:
            pass
        try:
            found = request_dates(self.calendar, record, prior_outcome)
        except (OutsideCalendar, KeyError):
            found = None  # a year or code the calendar no longer has: no date to show
        self.cache[key] = found
        return found


def consent_findings(
    calendar: Calendar, requests: Iterable[RequestRecord], consents: Iterable[ConsentRecord]
) -> dict[int, ConsentFinding]:
    """For each open request that needs consent and has none valid, the consent check's finding.

    Consents are indexed by the requests they are tied to and by (candidate, series), so each
    request is judged against its own few consents only.
    """
    tied: dict[int, list[ConsentRecord]] = {}
    untied: dict[tuple, list[ConsentRecord]] = {}
    for consent in consents:  # a purged consent still counts for the requests it was tied to
        if consent.requests:
            for request_id in consent.requests:
                tied.setdefault(request_id, []).append(consent)
        elif consent.candidate is not None:
            untied.setdefault((consent.candidate, consent.series), []).append(consent)
    # A finding names no request: it depends only on these fields and the consents judged.
    judged: dict[tuple, ConsentFinding] = {}
    findings: dict[int, ConsentFinding] = {}
    for request in requests:
        if not request.is_open:
            continue
        service = calendar.services.get(request.service)
        if service is None or not service.needs_consent:
            continue
        own = tied.get(request.id, []) + untied.get((request.candidate, request.series), [])
        key = (
            request.service,
            request.series,
            request.qualification,
            request.awarding_body,
            request.results_released,
            tuple(c.id for c in own),
        )
        finding = judged.get(key)
        if finding is None:
            finding = judged[key] = consent_status(calendar, request, own)
        if not finding.ok:
            findings[request.id] = finding
    return findings


def due_disposals(consents: Iterable[ConsentRecord], requests: Iterable[RequestRecord], today: date) -> list[Retention]:
    """Consents past their keep-until date with nothing left open (rules.consent.retention),
    each judged against only the requests it can cover."""
    requests = list(requests)
    by_id = {r.id: r for r in requests}
    by_candidate: dict[tuple, list[RequestRecord]] = {}
    followers: dict[int, list[RequestRecord]] = {}
    for r in requests:
        by_candidate.setdefault((r.candidate, r.series), []).append(r)
        if r.follows_request is not None:
            followers.setdefault(r.follows_request, []).append(r)
    due = []
    for consent in consents:
        if consent.purged_at is not None:
            continue
        if consent.requests:
            near = [by_id[i] for i in consent.requests if i in by_id]
        else:
            near = list(by_candidate.get((consent.candidate, consent.series), ()))
        seen = {r.id for r in near}
        queue = list(near)
        while queue:
            for follower in followers.get(queue.pop().id, ()):
                if follower.id not in seen:
                    seen.add(follower.id)
                    near.append(follower)
                    queue.append(follower)
        kept = retention(consent, near)
        if kept.due(today):
            due.append(kept)
    return due


def build_agenda(
    calendar: Calendar,
    requests: Iterable[RequestRecord],
    today: date,
    *,
    days: int,
    lead_days: int,
    consent: dict[int, ConsentFinding] | None = None,
    disposals: Iterable[Retention] = (),
    key_dates: Iterable = (),
) -> list[AgendaItem]:
    """The agenda for `today` looking `days` ahead: overdue first, then by date.

    `consent`: request id -> finding for open requests without valid consent (consent_findings).
    `disposals`: consents due for disposal (due_disposals). `key_dates`: the calendar's dated
    items (rules.schedule.calendar_items); those inside the window are shown.
    Overdue work is always shown, everything else only inside the window. Missing consent is
    dated by when the draft must go (its internal deadline), or today for a submitted request.
    """
    horizon = today + timedelta(days=days)
    consent = consent or {}
    requests = list(requests)
    outcome_of: dict[int, date] = {}  # what an appeal's or a Stage 2's window runs from
    appealed: set[int] = set()
    for r in requests:
        if r.outcome_on is not None:
            outcome_of[r.id] = r.outcome_on
        if r.service == "APP1" and r.status not in _CLOSED:
            appealed.add(r.follows_request)
    dates_of = _Dates(calendar)
    internal: dict[date, date] = {}
    groups: dict[tuple, list[int]] = {}
    reasons: dict[tuple, tuple[str, str]] = {}

    def add(kind: str, day: date, label: tuple, request_id: int, rule: str, source: str) -> None:
        """Requests sharing kind, date and label become one line; the first one's rule explains it."""
        key = (kind, day, label)
        groups.setdefault(key, []).append(request_id)
        reasons.setdefault(key, (rule, source))

    for r in requests:
        if r.status in _CLOSED:
            continue
        prior = outcome_of.get(r.follows_request) if r.follows_request is not None else None
        dates = dates_of(r, prior)
        submit_by = None
        if r.status == "draft" and dates is not None and dates.request_deadline.date is not None:
            closes = dates.request_deadline.date
            own = internal.get(closes)
            if own is None:
                own = internal[closes] = internal_deadline(calendar, closes, lead_days)
            if closes < today:
                add("late_draft", closes, (r.service, closes), r.id, dates.request_deadline.rule, dates.request_deadline.source)
                submit_by = closes
            elif own >= today:
                submit_by = own
                if own <= horizon:
                    add("internal_deadline", own, (r.service, closes), r.id, dates.request_deadline.rule, dates.request_deadline.source)
            else:
                submit_by = closes
                if closes <= horizon:
                    add("board_deadline", closes, (r.service, own), r.id, dates.request_deadline.rule, dates.request_deadline.source)
        elif r.status == "submitted" and dates is not None and dates.completion_due is not None:
            due = dates.completion_due.date
            if due is not None and due < today:
                add("chase_board", due, (r.awarding_body, r.service), r.id, dates.completion_due.rule, dates.completion_due.source)
            elif due is not None and due <= horizon:
                add("completion_due", due, (r.awarding_body, r.service), r.id, dates.completion_due.rule, dates.completion_due.source)
        elif r.status == "completed" and dates is not None and dates.appeal_deadline is not None and r.id not in appealed:
            closes = dates.appeal_deadline.date
            if closes is not None and today <= closes <= horizon:
                add("appeal_window", closes, (r.awarding_body,), r.id, dates.appeal_deadline.rule, dates.appeal_deadline.source)
        finding = consent.get(r.id)
        needed_by = submit_by or today  # the day the draft must go; for anything else, now
        if finding is not None and r.is_open and needed_by <= horizon:
            add("consent_missing", needed_by, (finding.status,), r.id, finding.message, finding.source)

    items = [_request_item(calendar, key, ids, *reasons[key], today) for key, ids in groups.items()]
    items += _disposal_items(disposals, today)
    items += _key_date_items(calendar, key_dates, today, horizon)
    return sorted(items, key=AgendaItem.sort_key)


def _who(ids: list[int], noun: str = "request") -> str:
    """'request 42', 'requests 4, 7 and 9', or '12 requests' when listing would be a wall."""
    ids = sorted(ids)
    if len(ids) == 1:
        return f"{noun} {ids[0]}"
    if len(ids) <= 3:
        return f"{noun}s " + ", ".join(map(str, ids[:-1])) + f" and {ids[-1]}"
    return f"{len(ids)} {noun}s"


def _label(calendar: Calendar, service: str) -> str:
    found = calendar.services.get(service)
    return f"{found.name} ({service})" if found else service


def _board(calendar: Calendar, code: str) -> str:
    found = calendar.awarding_bodies.get(code)
    return found.name if found else code


_CONSENT_PROBLEM = {
    "missing": "no consent recorded",
    "before_results": "consent given before results",
    "not_covered": "consent does not cover the service",
    "not_from_candidate": "consent not from the candidate",
    "outcomes_not_acknowledged": "candidate not told the grade may go down",
    "anonymity_missing": "script choices not recorded",
}


def _request_item(calendar: Calendar, key: tuple, ids: list[int], rule: str, source: str, today: date) -> AgendaItem:
    kind, day, label = key
    who = _who(ids)
    if kind == "late_draft":
        service, _ = label
        title = f"{who.capitalize()} for {_label(calendar, service)} still draft after the board's deadline"
        detail = f"{rule}; awarding bodies refuse late requests: submit now only if the board agrees, or withdraw"
    elif kind == "internal_deadline":
        service, closes = label
        title = f"Submit {who} for {_label(calendar, service)} (internal deadline)"
        detail = f"the board's deadline is {when(closes)} ({rule})"
    elif kind == "board_deadline":
        service, own = label
        title = f"Submit {who} for {_label(calendar, service)}: the board's deadline"
        detail = f"your internal deadline {when(own)} has passed ({rule})"
    elif kind == "chase_board":
        body, service = label
        title = f"Chase {_board(calendar, body)}: {who} for {_label(calendar, service)} past the completion target"
        detail = f"{rule}; no outcome logged"
    elif kind == "completion_due":
        body, service = label
        title = f"{_board(calendar, body)} due to complete {who} for {_label(calendar, service)}"
        detail = rule
    elif kind == "appeal_window":
        (body,) = label
        title = f"Appeal window closes for {who} ({_board(calendar, body)})"
        detail = f"{rule}; no appeal logged"
    else:  # consent_missing
        (status,) = label
        title = f"Consent needed for {who}: {_CONSENT_PROBLEM.get(status, status)}"
        detail = rule if len(ids) == 1 else f"{_CONSENT_PROBLEM.get(status, status)}; record valid consent with 'prs consent record' before submitting"
    return AgendaItem(day, (day - today).days, kind, severity(day, today), title, detail, tuple(sorted(ids)), source=source)


def _disposal_items(disposals: Iterable[Retention], today: date) -> list[AgendaItem]:
    """One line per day from which consents may be disposed of (the day after keep-until)."""
    grouped: dict[date, list[Retention]] = {}
    for kept in disposals:
        if kept.keep_until is not None and kept.keep_until.date is not None:
            grouped.setdefault(kept.keep_until.date + timedelta(days=1), []).append(kept)
    items = []
    for day, kept in grouped.items():
        consent_ids = sorted(k.consent_id for k in kept)
        request_ids = sorted({i for k in kept for i in k.covered})
        rule = kept[0].keep_until.rule if len(kept) == 1 else "keep consent 6 months after the outcome or any appeal"
        items.append(
            AgendaItem(
                day,
                (day - today).days,
                "consent_disposal",
                severity(day, today),
                f"Dispose of {_who(consent_ids, 'consent')} securely: kept until {when(day - timedelta(days=1))}",
                f"{rule}; then 'prs consent purge'",
                tuple(request_ids),
                tuple(consent_ids),
                kept[0].keep_until.source,
            )
        )
    return items


def _key_date_items(calendar: Calendar, key_dates: Iterable, today: date, horizon: date) -> list[AgendaItem]:
    """Calendar dates inside the window, one line per date and title (the same deadline for two
    groups of boards is one thing to remember); notes stay in `prs deadlines`."""
    merged: dict[tuple, list] = {}
    for item in key_dates:
        if item.date is not None and today <= item.date <= horizon:
            merged.setdefault((item.date, item.kind, item.title), []).append(item)
    items = []
    for (day, kind, title), same in merged.items():
        series = calendar.series.get(same[0].series)
        detail = series.name if series else same[0].series
        if all(i.provisional for i in same):
            detail += "; provisional: check the board's page"
        sources = "; ".join(dict.fromkeys(i.source for i in same))
        items.append(AgendaItem(day, (day - today).days, kind, severity(day, today), title, detail, source=sources))
    return items
