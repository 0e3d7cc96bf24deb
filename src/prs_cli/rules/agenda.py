"""What is due: one agenda from the log, consent and the calendar, most urgent first.

Pure: the calendar, the requests, their consents and `today` come in as arguments. Requests
come as groups alike in every field one part of the agenda reads (RequestGroup: the store keeps
them tallied, group_requests from records), and every date and consent finding is memoised on
what it depends on (a board's deadline is the same for every request with the same series,
board, qualification and service), so the work grows with the variety of the log, not its
length.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.records import STANDING_STATUSES, ConsentRecord, RequestGroup, RequestRecord
from prs_cli.rules.consent import (
    ConsentJudge,
    Retention,
    applies_to,
    consent_from_terms,
    consent_terms,
    retentions,
)
from prs_cli.rules.days import OutsideCalendar, when, working_day_on_or_before
from prs_cli.rules.deadlines import (
    Answer,
    appeal_deadline,
    completion_due,
    next_appeal,
    request_deadline,
)

Severity = Literal["overdue", "due", "upcoming"]
SEVERITIES: tuple[Severity, ...] = ("overdue", "due", "upcoming")
DUE_WITHIN = 2  # days: today and the next two are "due" (yellow), as the issue asks
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
    "checklist_task",
    "retention_disposal",
    "results_disposal",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


class AgendaItem(NamedTuple):
    date: date
    days_left: int
    kind: str  # one of KINDS, or a calendar key date's own kind (results_day, checkpoint, ...)
    severity: Severity
    title: str
    detail: str
    request_ids: tuple[int, ...] | None = ()  # None: more than ten, not read (the store reads them when asked)
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
    """The three dates the agenda shows, each memoised on exactly the fields it reads; a code or
    series the calendar no longer has (a --data-dir calendar, an old log), or a year its bank
    holidays do not cover, gives no date (None)."""

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
        except (OutsideCalendar, OverflowError):  # OverflowError: a stored date near year 9999
            found = None
        self.cache[key] = found
        return found

    def _known(self, g: RequestGroup) -> bool:
        """Every code the group names is in the calendar."""
        calendar = self.calendar
        return (
            g.awarding_body in calendar.awarding_bodies
            and (g.service is None or g.service in calendar.services)
            and (g.series is None or g.series in calendar.series)
        )

    def deadline(self, g: RequestGroup) -> Answer | None:
        """When the board must receive it."""
        if not self._known(g):
            return None
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
                decided_on=g.prior_outcome,  # a draft appeal against a decision: the decision's day (agenda_keys)
            ),
        )

    def completion(self, g: RequestGroup) -> Answer | None:
        """When the board must answer, once it has the request (or, for Service 3, the sample)."""
        if not self._known(g) or g.service is None:
            return None
        service = self.calendar.services[g.service]
        start = g.sample_received_on if service.completion_from == "sample_received" else g.received_on
        if start is None:
            return None
        return self._memo(("completion", g.awarding_body, g.service, start), lambda: completion_due(self.calendar, g.awarding_body, g.service, start))

    def appeal(self, g: RequestGroup) -> tuple[str, Answer] | None:
        """The next appeal stage after this outcome and when it must reach the board (a
        preliminary appeal after a review, the hearing after it, Ofqual's review after that)."""
        stage = next_appeal(self.calendar, g.service) if g.service is not None and self._known(g) else None
        if g.outcome_on is None or stage is None:
            return None
        found = self._memo(
            ("appeal", stage, g.awarding_body, g.qualification, g.outcome_on),
            lambda: appeal_deadline(self.calendar, g.awarding_body, g.qualification, g.outcome_on, stage),
        )
        return None if found is None else (stage, found)


def appealed_services(calendar: Calendar) -> tuple[str, ...]:
    """The services whose outcome an appeal stage can follow (reviews, and the appeal stages)."""
    return tuple(code for code in calendar.services if next_appeal(calendar, code) is not None)


def appeal_outcomes(calendar: Calendar, today: date, horizon: date) -> tuple[date, date] | None:
    """(first, last): only an outcome between these days can open an appeal window that is still
    open on `today` and closes by `horizon` (None: the calendar has no appeals), so only those
    outcomes need reading. n calendar days are exactly n; n working days are at least n calendar
    days and fewer than 2n + 14."""
    stages = [code for code, service in calendar.services.items() if service.appeal and service.requires_prior]
    if not stages:
        return None
    windows = [calendar.services[code].request_window for code in stages] + [
        window for body in calendar.awarding_bodies.values() for code in stages if code in body.services
        for window in body.services[code].request_windows
    ]
    windows = [w for w in windows if w is not None]
    if not windows:
        return None
    if any(w.start != "prior_outcome" for w in windows):
        return date.min, date.max  # a window that does not run from the outcome: no bound
    longest = max(w.days if w.unit == "calendar" else 2 * w.days + 14 for w in windows)
    return today - timedelta(days=longest), horizon - timedelta(days=min(w.days for w in windows))


def due_disposals(consents: Iterable[ConsentRecord], requests: Iterable[RequestRecord], today: date) -> list[Retention]:
    """Consents past their keep-until date with nothing left open (rules.consent.retentions)."""
    return [kept for _, kept in retentions(consents, requests) if kept.due(today)]


# Bump whenever agenda_keys gives another key for some log (a field read or no longer read, a
# change to which consent applies or to what a finding depends on): every database's stored
# keys and tally are then rebuilt before its agenda is next read (service.agenda_keys).
AGENDA_RULES_VERSION = 3  # 2: a decision's date starts a window; no consent key without a candidate;
# 3: a draft's dates key reads whether it was logged late with a reason (late_agreed)


class AgendaKeys(NamedTuple):
    """What the agenda reads of one request, as two keys: requests with equal keys are judged
    once. Each is (part, status, series, awarding_body, qualification, service,
    results_released, received_on, sample_received_on, outcome_on, prior_outcome, late_agreed,
    consents), with None in every field that part does not read."""

    dates: tuple | None  # None: no date to show (withdrawn, rejected, awaiting an outcome's date, appealed)
    consent: tuple | None  # None: withdrawn or rejected (nothing to consent to)


def agenda_keys(request: RequestRecord, prior_outcome: date | None, appealed: bool, near: Iterable[ConsentRecord]) -> AgendaKeys:
    """The agenda's two keys for `request`, the one definition the store's tally and the records
    path (group_requests) share.

    Dates: a draft's board deadline (its series, board, qualification, service, release, and
    what its window runs from besides results: the outcome it follows, `prior_outcome`, else the
    decision it appeals against, `decided_on`; and whether it was logged late with a reason,
    late_agreed), a submitted request's completion target (board, service, when the request or
    sample arrived), a completed request's next appeal window (board, qualification, service,
    outcome day), none once `appealed` (any request that follows it stands). Consent, for every
    request for a candidate that stands (a centre's sample needs no candidate consent; `prs due`
    reads the open ones, `prs consent check` all): its series, board, qualification, service and
    release, a draft's window start (consent is needed by its deadline), and the terms
    (consent_terms) of every
    consent among `near` that applies to it (applies_to), in the order recorded. `near` may hold
    more consents than apply; it must hold every one that does."""
    r = request
    start = prior_outcome if prior_outcome is not None else r.decided_on  # what a draft's window runs from
    dates = None
    if r.status == "draft":
        dates = ("dates", "draft", r.series, r.awarding_body, r.qualification, r.service, r.results_released,
                 None, None, None, start, bool(r.late_reason), None)
    elif r.status == "submitted":
        dates = ("dates", "submitted", None, r.awarding_body, None, r.service, None, r.received_on,
                 r.sample_received_on, None, None, None, None)
    elif r.status == "completed" and r.outcome_on is not None and not appealed:
        dates = ("dates", "completed", None, r.awarding_body, r.qualification, r.service, None, None, None,
                 r.outcome_on, None, None, None)
    consent = None
    if r.status in STANDING_STATUSES and r.candidate is not None:  # no candidate, no candidate consent (consent_needed)
        terms = tuple(consent_terms(c) for c in sorted(near, key=_by_id) if applies_to(c, r))
        consent = ("consent", r.status, r.series, r.awarding_body, r.qualification, r.service, r.results_released,
                   None, None, None, start if r.status == "draft" else None, None, terms)
    return AgendaKeys(dates, consent)


def _by_id(consent: ConsentRecord) -> int:
    return consent.id


def group_from_key(key: tuple, count: int, first: int, ids: tuple[int, ...] | None) -> RequestGroup:
    """The RequestGroup of the requests sharing `key` (agenda_keys): its fields, and for a
    consent key the consents whose terms it holds, numbered in the order recorded."""
    terms = key[12]
    consents = None if terms is None else tuple(consent_from_terms(n, t) for n, t in enumerate(terms, 1))
    return RequestGroup(*key[1:11], count, first, ids, consents, bool(key[11]))


def group_requests(requests: Iterable[RequestRecord], consents: Iterable[ConsentRecord] = ()) -> list[RequestGroup]:
    """Records as the agenda's groups (what store.agenda.request_groups reads from the tally), for
    callers holding records: each request's keys from agenda_keys, open requests' consent groups
    and every dates group. Consents are indexed by the requests they are tied to and by
    (candidate, series), so each request meets only its own few."""
    requests = list(requests)
    outcome_of = {r.id: r.outcome_on for r in requests}
    appealed = {r.follows_request for r in requests if r.follows_request is not None and r.stands}
    near: dict[object, list[ConsentRecord]] = {}
    for consent in consents:
        for place in consent.requests or [(consent.candidate, consent.series)]:
            near.setdefault(place, []).append(consent)
    grouped: dict[tuple, list[int]] = {}
    for r in requests:
        prior = outcome_of.get(r.follows_request) if r.follows_request is not None else None
        found = {c.id: c for place in (r.id, r.follows_request, (r.candidate, r.series)) for c in near.get(place, ())}
        keys = agenda_keys(r, prior, r.id in appealed, found.values())
        if keys.dates is not None:
            grouped.setdefault(keys.dates, []).append(r.id)
        if keys.consent is not None and r.is_open:
            grouped.setdefault(keys.consent, []).append(r.id)
    return [group_from_key(key, len(ids), min(ids), tuple(ids)) for key, ids in grouped.items()]


def build_agenda(
    calendar: Calendar,
    requests: Iterable[RequestRecord],
    today: date,
    *,
    days: int,
    lead_days: int,
    consents: Iterable[ConsentRecord] = (),
    disposals: Iterable[Retention] = (),
    key_dates: Iterable = (),
    tasks: Iterable = (),
) -> list[AgendaItem]:
    """The agenda from records (see `agenda`)."""
    return agenda(
        calendar, group_requests(requests, consents), today, days=days, lead_days=lead_days, disposals=disposals,
        key_dates=key_dates, tasks=tasks,
    )


def agenda(
    calendar: Calendar,
    groups: Iterable[RequestGroup],
    today: date,
    *,
    days: int,
    lead_days: int,
    disposals: Iterable[Retention] = (),
    results_disposals: Iterable = (),
    key_dates: Iterable = (),
    tasks: Iterable = (),
) -> list[AgendaItem]:
    """The agenda for `today` looking `days` ahead: overdue first, then by date.

    `groups`: requests grouped on the fields read here (store.agenda, or group_requests): dates
    groups, and consent groups with the consents that apply. `disposals`: consents due for disposal
    (due_disposals). `key_dates`: the calendar's dated items (rules.schedule.calendar_items);
    those inside the window are shown. `tasks`: checklist lines not done (rules.checklist.due_tasks,
    rules.retention.disposals_due), each with its date, kind, title, detail and source.
    `results_disposals`: series whose results broadsheets are past keeping (rules.results.due_results).
    Overdue work is always shown, everything else only inside the window. Missing consent is
    dated by when the draft must go (its internal deadline), or today for a submitted request,
    and shown from the day the request is logged whatever that date (officers chase consent on
    results day: issue 13).
    """
    horizon = today + timedelta(days=days)
    dates = _Dates(calendar)
    judge = ConsentJudge(calendar)
    internal: dict[date, date] = {}
    lines: dict[tuple, list] = {}  # (kind, date, label) -> [first id, rule, source, count, ids or None, lowest ids]

    def add(kind: str, day: date, label: tuple, g: RequestGroup, rule: str, source: str) -> None:
        """Requests sharing kind, date and label become one line; the lowest id's rule explains it."""
        line = lines.get((kind, day, label))
        if line is None:
            lines[(kind, day, label)] = [g.first, rule, source, g.count, None if g.ids is None else list(g.ids),
                                         list(g.ids if g.ids is not None else g.first_ids)]
            return
        line[3] += g.count
        line[4] = None if line[4] is None or g.ids is None else line[4] + list(g.ids)
        # each group's lowest ten hold the line's lowest ten
        line[5] = sorted(line[5] + list(g.ids if g.ids is not None else g.first_ids))[:NAMED]
        if g.first < line[0]:
            line[:3] = [g.first, rule, source]

    def plan(g: RequestGroup) -> tuple[Answer | None, date | None, date | None]:
        """A draft's (board deadline, internal deadline, the day it must go): the internal
        deadline while it lasts, then the board's (past it, the draft is late)."""
        deadline = dates.deadline(g)
        if deadline is None or deadline.date is None:
            return deadline, None, None
        closes = deadline.date
        own = internal.get(closes)
        if own is None:
            own = internal[closes] = internal_deadline(calendar, closes, lead_days)
        return deadline, own, own if closes >= today and own >= today else closes

    for g in groups:
        if g.consents is not None:
            finding = judge.status(g, g.consents)
            if not finding.ok:  # needed by the day the draft must go; for anything else, now
                needed_by = (plan(g)[2] if g.status == "draft" else None) or today
                add("consent_missing", needed_by, (finding.status,), g, finding.message, finding.source)
        elif g.status == "draft":
            deadline, own, _ = plan(g)
            if own is None:
                continue
            closes = deadline.date
            if closes < today:
                add("late_draft", closes, (g.service, closes, g.late_agreed), g, deadline.rule, deadline.source)
            elif own >= today:
                if own <= horizon:
                    add("internal_deadline", own, (g.service, closes), g, deadline.rule, deadline.source)
            elif closes <= horizon:
                add("board_deadline", closes, (g.service, own), g, deadline.rule, deadline.source)
        elif g.status == "submitted":
            completion = dates.completion(g)
            due = completion.date if completion is not None else None
            if due is not None and due < today:
                add("chase_board", due, (g.awarding_body, g.service), g, completion.rule, completion.source)
            elif due is not None and due <= horizon:
                add("completion_due", due, (g.awarding_body, g.service), g, completion.rule, completion.source)
        elif g.status == "completed":
            found = dates.appeal(g)
            stage, appeal = found if found is not None else (None, None)
            closes = appeal.date if appeal is not None else None
            if closes is not None and today <= closes <= horizon:
                add("appeal_window", closes, (g.awarding_body, stage), g, appeal.rule, appeal.source)

    ordered = sorted(lines.items(), key=lambda pair: pair[1][0])  # ties keep request order
    items = [
        _request_item(calendar, key, count, ids, named, rule, source, today)
        for key, (_, rule, source, count, ids, named) in ordered
    ]
    items += _disposal_items(disposals, today)
    items += _results_disposal_items(calendar, results_disposals, today)
    items += _key_date_items(calendar, key_dates, today, horizon)
    items += _task_items(tasks, today, horizon)
    return sorted(items, key=AgendaItem.sort_key)


def _task_items(tasks: Iterable, today: date, horizon: date) -> list[AgendaItem]:
    """Checklist lines by the horizon. Checklist tasks past their day and not ticked are one line
    when there are several (an officer who starts prs on results day would otherwise find the
    morning's requests under a month of preparation tasks); `prs checklist` lists them."""
    shown = [t for t in tasks if t.date <= horizon]
    from prs_cli.rules.checklist import DUE_KIND

    late = [t for t in shown if t.kind == DUE_KIND and t.date < today]
    items = [
        AgendaItem(t.date, (t.date - today).days, t.kind, severity(t.date, today), t.title, t.detail, source=t.source)
        for t in shown
        if len(late) < 2 or t not in late
    ]
    if len(late) >= 2:
        first = min(late, key=lambda t: t.date)
        items.append(AgendaItem(
            first.date, (first.date - today).days, DUE_KIND, "overdue",
            f"{len(late)} checklist tasks past their day and not ticked",
            f"not ticked: {', '.join(t.key for t in sorted(late, key=lambda t: t.date))}; 'prs checklist' lists them, "
            "'prs checklist done KEY' ticks one",
            source="; ".join(dict.fromkeys(t.source for t in late)),
        ))
    return items


NAMED = 10  # the agenda names up to ten requests on a line, then says how many more (issue 13)


def _who(count: int, ids: list[int] | None, noun: str = "request") -> str:
    """'request 42', 'requests 4, 7 and 9', the lowest ten of a larger group and 'and N more',
    or '12 requests' when no ids are known."""
    if not ids:
        return f"{count} {noun}" + ("s" if count != 1 else "")
    ids = sorted(ids)[:NAMED]
    if count == 1:
        return f"{noun} {ids[0]}"
    if count > len(ids):
        return f"{noun}s " + ", ".join(map(str, ids)) + f" and {count - len(ids)} more"
    return f"{noun}s " + ", ".join(map(str, ids[:-1])) + f" and {ids[-1]}"


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


def _request_item(
    calendar: Calendar, key: tuple, count: int, ids: list[int] | None, named: list[int], rule: str, source: str, today: date
) -> AgendaItem:
    """`ids`: every request on the line (None: not read); `named`: the lowest of them, to name."""
    kind, day, label = key
    who = _who(count, ids if ids is not None else named)
    if kind == "late_draft":
        service, _, agreed = label
        if agreed:  # logged with --late-reason: the board agreed to take it late (JCQ: late only by agreement)
            title = f"{who.capitalize()} for {_label(calendar, service)}: late, agreed with the board: submit"
            detail = f"{rule}; logged late with a reason: submit now and record it with 'prs request submit'"
        else:
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
        body, stage = label
        title = f"{_label(calendar, stage)} window closes for {who} ({_board(calendar, body)})"
        detail = f"{rule}; not yet logged: 'prs request appeal ID'"
    else:  # consent_missing
        (status,) = label
        title = f"Consent needed for {who}: {_CONSENT_PROBLEM.get(status, status)}"
        detail = rule if count == 1 else f"{_CONSENT_PROBLEM.get(status, status)}; record valid consent with 'prs consent record' before submitting"
    listed = None if ids is None else tuple(sorted(ids))
    return AgendaItem(day, (day - today).days, kind, severity(day, today), title, detail, listed, source=source)


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
                f"Dispose of {_who(len(consent_ids), consent_ids, 'consent')} securely: kept until {when(day - timedelta(days=1))}",
                f"{rule}; then 'prs consent purge'",
                tuple(request_ids),
                tuple(consent_ids),
                kept[0].keep_until.source,
            )
        )
    return items


def _results_disposal_items(calendar: Calendar, due: Iterable, today: date) -> list[AgendaItem]:
    """One line per series whose results may be disposed of (from the day after keep-until)."""
    items = []
    for found in due:
        day = found.keep_until.date + timedelta(days=1)
        name = calendar.series[found.series].name if found.series in calendar.series else found.series
        items.append(
            AgendaItem(
                day,
                (day - today).days,
                "results_disposal",
                severity(day, today),
                f"Dispose of {found.results} result{'s' if found.results != 1 else ''} of {name} securely: "
                f"kept until {when(found.keep_until.date)}",
                f"kept until the {found.keep_until.rule}; then 'prs results purge --series {found.series} --yes'",
                source=found.keep_until.source,
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
