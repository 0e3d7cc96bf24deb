"""What is due: one agenda from the log, consent and the calendar, most urgent first.

Pure: the calendar, the requests, the consent findings and `today` come in as arguments.
Requests come as groups alike in every field read here (RequestGroup: the store groups them in
SQL, group_requests from records), and every date is memoised on what it depends on (a board's
deadline is the same for every request with the same series, board, qualification and
service), so the work grows with the variety of the log, not its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from prs_cli.calendar.model import Calendar
from prs_cli.records import OPEN_STATUSES, ConsentRecord, RequestGroup, RequestRecord
from prs_cli.rules.consent import ConsentFinding, Retention, ValidFrom, consent_status, retentions, tied_in_time, valid_from
from prs_cli.rules.days import OutsideCalendar, when, working_day_on_or_before
from prs_cli.rules.deadlines import Answer, appeal_deadline, completion_due, request_deadline

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
    """The three dates the agenda shows, each memoised on exactly the fields it reads; a year or
    code the calendar no longer has gives no date (None)."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self.cache: dict[tuple, Answer | None] = {}

    def _memo(self, key: tuple, compute) -> Answer | None:
        try:
            return self.cache[key]
        except KeyError:
            pass
        try:
            found = compute()
        except (OutsideCalendar, KeyError):
            found = None
        self.cache[key] = found
        return found

    def deadline(self, g: RequestGroup) -> Answer | None:
        """When the board must receive it."""
        key = ("deadline", g.series, g.awarding_body, g.qualification, g.service, g.results_released, g.prior_outcome)
        return self._memo(
            key,
            lambda: request_deadline(
                self.calendar,
                series_id=g.series,
                body_code=g.awarding_body,
                qualification=g.qualification,
                service_code=g.service,
                results_released=g.results_released,
                prior_outcome=g.prior_outcome,
            ),
        )

    def completion(self, g: RequestGroup) -> Answer | None:
        """When the board must answer, once it has the request (or, for Service 3, the sample)."""
        service = self.calendar.services.get(g.service)
        if service is None:
            return None
        start = g.sample_received_on if service.completion_from == "sample_received" else g.received_on
        if start is None:
            return None
        return self._memo(("completion", g.awarding_body, g.service, start), lambda: completion_due(self.calendar, g.awarding_body, g.service, start))

    def appeal(self, g: RequestGroup) -> Answer | None:
        """When an appeal against this outcome must reach the board (reviews only)."""
        app1 = self.calendar.services.get("APP1")
        if g.outcome_on is None or app1 is None or g.service not in app1.requires_prior:
            return None
        return self._memo(("appeal", g.awarding_body, g.qualification, g.outcome_on), lambda: appeal_deadline(self.calendar, g.awarding_body, g.qualification, g.outcome_on))


def appeals_since(calendar: Calendar, today: date) -> date | None:
    """No appeal window opened by an outcome before this day can still be open on `today`
    (None: the calendar has no appeals), so only later outcomes need reading."""
    app1 = calendar.services.get("APP1")
    if app1 is None:
        return None
    windows = [app1.request_window] + [
        window for body in calendar.awarding_bodies.values() if "APP1" in body.services for window in body.services["APP1"].request_windows
    ]
    windows = [w for w in windows if w is not None]
    if any(w.start != "prior_outcome" for w in windows):
        return date.min  # a window that does not run from the outcome: no bound
    # n calendar days are exactly n; n working days are fewer than 2n + 14 calendar days
    return today - timedelta(days=max((w.days if w.unit == "calendar" else 2 * w.days + 14 for w in windows), default=0))


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
        if request.follows_request is not None:  # the consent for a review covers its appeal (applies_to)
            own = list({c.id: c for c in own + tied.get(request.follows_request, [])}.values())
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


def consent_services(calendar: Calendar) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(services that need consent, those of them that need the scripts choice)."""
    needs = tuple(code for code, service in calendar.services.items() if service.needs_consent)
    return needs, tuple(code for code in needs if calendar.services[code].scripts)


def consent_doubts(calendar: Calendar, groups: Iterable[RequestGroup]) -> list[tuple[RequestGroup, frozenset[int]]]:
    """Each group with its requests whose consent must be judged one by one.

    The store checked the consents tied to each request for all but their timing
    (RequestGroup.tied); when the group's earliest such consent came after results, every one
    did, so only the requests without one are in doubt; otherwise all of the group is."""
    starts: dict[tuple, ValidFrom] = {}
    found = []
    for g in groups:
        doubtful: frozenset[int] = frozenset()
        if g.tied is not None:
            key = (g.series, g.qualification, g.awarding_body, g.results_released)
            start = starts.get(key)
            if start is None:
                start = starts[key] = valid_from(calendar, *key[:3], results_released=g.results_released)
            doubtful = g.tied.unsure if tied_in_time(g.tied, start) else frozenset(g.ids)
        found.append((g, doubtful))
    return found


def with_consent(
    calendar: Calendar,
    doubts: Iterable[tuple[RequestGroup, frozenset[int]]],
    cases: dict[int, tuple[RequestRecord, list[ConsentRecord]]],
) -> list[RequestGroup]:
    """The groups split by their requests' consent findings (consent_status).

    `doubts`: consent_doubts; `cases`: each request in doubt that has some consent, with the
    consents that may apply; the others in doubt have none. A finding names neither request nor
    consent in its message, so it is judged once per group and what its consents say."""
    judged: dict[tuple, ConsentFinding] = {}
    split: list[RequestGroup] = []
    for g, doubtful in doubts:
        if not doubtful:
            split.append(g)
            continue
        by_finding: dict[ConsentFinding | None, list[int]] = {None: [i for i in g.ids if i not in doubtful]}
        for request_id in doubtful:
            request, consents = cases.get(request_id, (g, []))
            said = tuple(
                (c.covers, c.given_by, c.given_on, c.given_at, c.acknowledged_outcomes, c.classroom_use, c.anonymise)
                for c in consents  # oldest first, so ties between consents fall the same way
            )
            key = (g.service, g.series, g.qualification, g.awarding_body, g.results_released, said)
            finding = judged.get(key)
            if finding is None:
                finding = judged[key] = replace(consent_status(calendar, request, consents), consent_id=None)
            by_finding.setdefault(None if finding.ok else finding, []).append(request_id)
        split += [replace(g, ids=tuple(ids), consent=finding) for finding, ids in by_finding.items() if ids]
    return split


def due_disposals(consents: Iterable[ConsentRecord], requests: Iterable[RequestRecord], today: date) -> list[Retention]:
    """Consents past their keep-until date with nothing left open (rules.consent.retentions)."""
    return [kept for _, kept in retentions(consents, requests) if kept.due(today)]


def group_requests(requests: Iterable[RequestRecord], consent: dict[int, ConsentFinding] | None = None) -> list[RequestGroup]:
    """Records as the agenda's groups: what store.agenda does in SQL, for callers holding records.

    Withdrawn and rejected requests, and completed ones with an appeal standing, can produce
    nothing and are left out. `consent`: request id -> finding (consent_findings)."""
    requests = list(requests)
    consent = consent or {}
    outcome_of = {r.id: r.outcome_on for r in requests if r.outcome_on is not None}
    appealed = {r.follows_request for r in requests if r.service == "APP1" and r.status not in _CLOSED}
    grouped: dict[tuple, list[int]] = {}
    for r in requests:
        if r.status in _CLOSED or (r.status == "completed" and r.id in appealed):
            continue
        prior = outcome_of.get(r.follows_request) if r.follows_request is not None else None
        key = (r.status, r.series, r.awarding_body, r.qualification, r.service, r.results_released,
               r.received_on, r.sample_received_on, r.outcome_on, prior, consent.get(r.id) if r.is_open else None)
        grouped.setdefault(key, []).append(r.id)
    return [RequestGroup(*key[:-1], ids=tuple(ids), consent=key[-1]) for key, ids in grouped.items()]


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
    """The agenda from records (see `agenda`); `consent`: request id -> finding for open
    requests without valid consent (consent_findings)."""
    return agenda(
        calendar, group_requests(requests, consent), today, days=days, lead_days=lead_days, disposals=disposals, key_dates=key_dates
    )


def agenda(
    calendar: Calendar,
    groups: Iterable[RequestGroup],
    today: date,
    *,
    days: int,
    lead_days: int,
    disposals: Iterable[Retention] = (),
    key_dates: Iterable = (),
) -> list[AgendaItem]:
    """The agenda for `today` looking `days` ahead: overdue first, then by date.

    `groups`: requests grouped on the fields read here (store.agenda, or group_requests), each
    with its consent finding when consent is not valid. `disposals`: consents due for disposal
    (due_disposals). `key_dates`: the calendar's dated items (rules.schedule.calendar_items);
    those inside the window are shown.
    Overdue work is always shown, everything else only inside the window. Missing consent is
    dated by when the draft must go (its internal deadline), or today for a submitted request.
    """
    horizon = today + timedelta(days=days)
    dates = _Dates(calendar)
    internal: dict[date, date] = {}
    lines: dict[tuple, list] = {}  # (kind, date, label) -> [first id, rule, source, ids]

    def add(kind: str, day: date, label: tuple, ids: tuple[int, ...], rule: str, source: str) -> None:
        """Requests sharing kind, date and label become one line; the lowest id's rule explains it."""
        first = min(ids)
        line = lines.get((kind, day, label))
        if line is None:
            lines[(kind, day, label)] = [first, rule, source, list(ids)]
            return
        line[3].extend(ids)
        if first < line[0]:
            line[:3] = [first, rule, source]

    for g in groups:
        submit_by = None
        if g.status == "draft":
            deadline = dates.deadline(g)
            closes = deadline.date if deadline is not None else None
            if closes is not None:
                own = internal.get(closes)
                if own is None:
                    own = internal[closes] = internal_deadline(calendar, closes, lead_days)
                if closes < today:
                    add("late_draft", closes, (g.service, closes), g.ids, deadline.rule, deadline.source)
                    submit_by = closes
                elif own >= today:
                    submit_by = own
                    if own <= horizon:
                        add("internal_deadline", own, (g.service, closes), g.ids, deadline.rule, deadline.source)
                else:
                    submit_by = closes
                    if closes <= horizon:
                        add("board_deadline", closes, (g.service, own), g.ids, deadline.rule, deadline.source)
        elif g.status == "submitted":
            completion = dates.completion(g)
            due = completion.date if completion is not None else None
            if due is not None and due < today:
                add("chase_board", due, (g.awarding_body, g.service), g.ids, completion.rule, completion.source)
            elif due is not None and due <= horizon:
                add("completion_due", due, (g.awarding_body, g.service), g.ids, completion.rule, completion.source)
        elif g.status == "completed":
            appeal = dates.appeal(g)
            closes = appeal.date if appeal is not None else None
            if closes is not None and today <= closes <= horizon:
                add("appeal_window", closes, (g.awarding_body,), g.ids, appeal.rule, appeal.source)
        finding = g.consent
        needed_by = submit_by or today  # the day the draft must go; for anything else, now
        if finding is not None and g.status in OPEN_STATUSES and needed_by <= horizon:
            add("consent_missing", needed_by, (finding.status,), g.ids, finding.message, finding.source)

    ordered = sorted(lines.items(), key=lambda pair: pair[1][0])  # ties keep request order
    items = [_request_item(calendar, key, ids, rule, source, today) for key, (_, rule, source, ids) in ordered]
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
