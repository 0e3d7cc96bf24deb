"""Is a candidate's consent good for a request, and how long must it be kept.

JCQ's rules (reference.md §2; seed:000; AQA-OB): written consent (an email counts) for
re-checks, reviews, appeals and access to scripts; obtained only after the candidate has
received their results; the candidate's own, never a parent's; the candidate told that the
grade may go down as well as up; for scripts, the candidate's choice about classroom use and
anonymity; kept at least six months after the outcome or any appeal. Service 3 needs none.
Results reach candidates from 08:00 on results day; the restricted release to centres from
00:01 the day before (and a board's embargo release to centres) is too early (JCQ-RES;
JCQ-RES-TIMES; seed:003).

Messages never name the candidate: they carry service names, dates and times only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple

from prs_cli.calendar.model import Calendar, Service
from prs_cli.errors import InputError
from prs_cli.records import CANDIDATE, ConsentRecord, RequestRecord
from prs_cli.rules.days import when
from prs_cli.rules.deadlines import (
    Answer,
    candidates_see_results,
    release_for,
    retention_until,
)

ConsentStatus = Literal[
    "ok",
    "missing",
    "before_results",
    "not_covered",
    "not_from_candidate",
    "outcomes_not_acknowledged",
    "anonymity_missing",
    "not_needed",
]
GOOD = ("ok", "not_needed")
RULES_SOURCE = "seed:000"  # reference.md §2

# How close a consent came to being valid, for choosing the most relevant of several: a
# consent that covers the service but came too early says more than one for another service.
_PROGRESS = {
    "not_covered": 0,
    "not_from_candidate": 1,
    "before_results": 2,
    "outcomes_not_acknowledged": 3,
    "anonymity_missing": 4,
    "ok": 5,
}


@dataclass(frozen=True)
class ValidFrom:
    """The first moment the candidate could see their results (None when prs cannot know);
    unpacks as (moment, explanation, source)."""

    moment: datetime | None
    explanation: str
    source: str
    time_known: bool = True  # False: only the day is known (Cambridge English online results)
    centres_from: datetime | None = None  # restricted or embargo release to centres: too early
    centres_time_known: bool = True  # False: a board's embargo day, its hour not published

    def __iter__(self):
        return iter((self.moment, self.explanation, self.source))


class ConsentFinding(NamedTuple):
    status: ConsentStatus
    message: str
    source: str
    consent_id: int | None = None  # the consent judged (the best of several)
    valid_from: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status in GOOD


def service_label(calendar: Calendar, code: str) -> str:
    service = calendar.services.get(code)
    return f"{service.name} ({code})" if service else code


def valid_from(
    calendar: Calendar,
    series_id: str | None,
    qualification: str,
    body_code: str | None,
    *,
    results_released: date | None = None,
) -> ValidFrom:
    """When the candidate could first see results: the board's own learner release where it
    differs from the series, else the series results day at its candidates' time (08:00)."""
    qual = calendar.qualifications.get(qualification)
    qual_name = qual.name if qual else qualification
    if results_released is not None or (qual is not None and not qual.jcq):
        if results_released is None:
            return ValidFrom(
                None,
                f"the day {qual_name} results were released to the candidate is not recorded "
                "(log it on the request with --results-released)",
                "seed:004",
                False,
            )
        return ValidFrom(
            datetime.combine(results_released, datetime.min.time()),
            f"{qual_name} results were released to the candidate on {when(results_released)}",
            "seed:004",
            False,
        )
    if series_id is None or series_id not in calendar.series:
        return ValidFrom(None, f"the request names no series, so prs cannot tell when {qual_name} results were released", RULES_SOURCE)
    series = calendar.series[series_id]
    release = release_for(calendar, series_id, qualification, body_code)
    if release is None:
        return ValidFrom(
            None,
            f"the calendar has no {series.name} results day for {qual_name} (add it with --data-dir)",
            RULES_SOURCE,
        )
    moment = candidates_see_results(release)
    if moment is None:
        return ValidFrom(None, f"the {series.name} results day for {qual_name} is not yet published", release.source)
    if release.awarding_body is not None:
        body = calendar.awarding_bodies[release.awarding_body].name
        text = f"{body} releases {qual_name} results to candidates on {when(moment.date())} at {moment:%H:%M}"
        source = release.source
    else:
        text = f"results for {qual_name} are released to candidates on {when(moment.date())} at {moment:%H:%M}"
        source = f"{release.source}; JCQ-RES"
    centres = datetime.combine(release.centres_date, release.centres_time or time.min) if release.centres_date else None
    return ValidFrom(moment, text, source, centres_from=centres, centres_time_known=release.centres_time is not None)


def given_after_results(given_on: date, given_at: datetime | None, start: ValidFrom) -> bool:
    """A date-only consent on results day counts as after release; a timed one is compared."""
    if start.moment is None:
        return False
    if given_at is None or not start.time_known:
        return given_on >= start.moment.date()
    return given_at >= start.moment


def describe_given(given_on: date, given_at: datetime | None) -> str:
    return f"given {when(given_on)} at {given_at:%H:%M}" if given_at else f"dated {when(given_on)}"


def timing_finding(given_on: date, given_at: datetime | None, start: ValidFrom) -> ConsentFinding:
    """The one-question answer: is consent given then after results?"""
    given = describe_given(given_on, given_at)
    source = start.source if start.source.startswith(RULES_SOURCE) else f"{RULES_SOURCE}; {start.source}"
    if start.moment is None:
        return ConsentFinding(
            "before_results",
            f"consent {given} cannot be shown to follow results: {start.explanation}",
            source,
            valid_from=None,
        )
    if not given_after_results(given_on, given_at, start):
        message = f"consent {given} is before {start.explanation}"
        if start.centres_from is not None and (given_at or datetime.combine(given_on, start.centres_from.time())) >= start.centres_from:
            at = f" at {start.centres_from:%H:%M}" if start.centres_time_known else ""
            message += f"; the release to centres from {when(start.centres_from.date())}{at} is too early"
        return ConsentFinding("before_results", message, source, valid_from=start.moment)
    return ConsentFinding("ok", f"consent {given} is after {start.explanation}", source, valid_from=start.moment)


def applies_to(consent: ConsentRecord, request: RequestRecord) -> bool:
    """Tied to the request (or to the review an appeal follows: the JCQ consent form covers
    reviews and appeals), or untied and for the same candidate and series. A consent with no
    series (Cambridge English, outside the JCQ series) applies to that candidate's requests with
    no series, as an untied consent does inside a series."""
    if consent.requests:
        return request.id in consent.requests or (
            request.follows_request is not None and request.follows_request in consent.requests
        )
    return consent.candidate is not None and consent.candidate == request.candidate and consent.series == request.series


def needs_series(calendar: Calendar, covers) -> bool:
    """Whether a consent for these services belongs to a JCQ series: not when every one is only
    for qualifications outside it (Cambridge English, whose results come per candidate)."""
    for code in covers:
        quals = calendar.services[code].qualifications
        if quals is None or any(calendar.qualifications[q].jcq for q in quals if q in calendar.qualifications):
            return True
    return False


def consent_needed(calendar: Calendar, request) -> bool:
    """Candidate consent is needed for a service that asks for it, for a candidate: a request
    for no one candidate (a centre's moderation sample, or an appeal after its review) needs
    none, since the appeal inherits it from the review of moderation (seed:000)."""
    return calendar.services[request.service].needs_consent and getattr(request, "candidate", "") is not None


def covers_service(calendar: Calendar, consent: ConsentRecord, service_code: str) -> bool:
    """Named in the consent, or a stage a named service's consent covers: consent for a
    re-check or review covers the appeal after it (JCQ Appendix A, seed:000)."""
    if service_code in consent.covers:
        return True
    service = calendar.services.get(service_code)
    return service is not None and any(code in service.covered_by for code in consent.covers)


def scripts_choice_recorded(consent: ConsentRecord) -> bool:
    """No classroom use at all, or a yes with the anonymity choice made."""
    return consent.classroom_use is False or consent.anonymise is not None


def _judge(calendar: Calendar, service_code: str, service: Service, consent: ConsentRecord, start: ValidFrom) -> ConsentFinding:
    """One consent's finding for a service (without the consent's id: it depends only on the
    consent's terms, the service and when results came out). Every problem is named at once;
    the status is the first (the one furthest from valid)."""
    label = service_label(calendar, service_code)
    timing = timing_finding(consent.given_on, consent.given_at, start)

    def finding(status: ConsentStatus, message: str, source: str = RULES_SOURCE) -> ConsentFinding:
        return ConsentFinding(status, message, source, None, start.moment)

    if not covers_service(calendar, consent, service_code):
        covers = ", ".join(consent.covers) or "no service"
        return finding("not_covered", f"{label} is not covered by the candidate's consent, which covers only {covers}")
    problems: list[tuple[ConsentStatus, str, str]] = []
    if not consent.from_candidate:
        problems.append((
            "not_from_candidate",
            f"the consent for {label} was not given by the candidate; only the candidate's own consent is valid, never a parent's",
            RULES_SOURCE,
        ))
    if timing.status != "ok":
        problems.append(("before_results", timing.message, timing.source))
    if service.acknowledge_outcomes and not consent.acknowledged_outcomes:
        problems.append((
            "outcomes_not_acknowledged",
            f"the consent for {label} does not record that the candidate was told the grade may go down, stay the same or go up",
            RULES_SOURCE,
        ))
    if service.classroom_choice and not scripts_choice_recorded(consent):
        problems.append((
            "anonymity_missing",
            f"the consent for {label} does not record the candidate's choice on classroom use of the script and anonymity",
            RULES_SOURCE,
        ))
    if problems:
        status = problems[0][0]
        message = "; ".join(text for _, text, _ in problems)
        sources = "; ".join(dict.fromkeys(src for _, _, src in problems))
        return finding(status, message, sources)
    return finding("ok", f"consent {describe_given(consent.given_on, consent.given_at)} covers {label} and is after {start.explanation}", timing.source)


def consent_terms(consent: ConsentRecord) -> tuple:
    """What a consent's finding depends on besides the request, in the order of its record's
    fields: everything but who and which, and of who gave it only whether it was the candidate
    (what a purge keeps), so consents alike in these give the same finding."""
    return (consent.given_on, consent.given_at, consent.method, CANDIDATE if consent.from_candidate else "other",
            consent.covers, consent.acknowledged_outcomes, consent.classroom_use, consent.anonymise)


def consent_from_terms(number: int, terms: tuple) -> ConsentRecord:
    """A consent with these terms (consent_terms) and no candidate, series or ties: what the
    rules judge when only the terms are kept (the agenda's tally), numbered in the order recorded."""
    return ConsentRecord(number, None, None, *terms)


class ConsentJudge:
    """consent_status for many requests at once: when results came out is worked out once per
    series, qualification, board and release, and each consent's terms once per service and
    release, so a long log costs what its variety costs, not its length."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self._starts: dict[tuple, ValidFrom] = {}
        self._judged: dict[tuple, ConsentFinding] = {}
        self._found: dict[tuple, ConsentFinding] = {}

    def status(self, request, applicable: tuple[ConsentRecord, ...]) -> ConsentFinding:
        """The finding for `request` (anything with its service, series, qualification, board and
        release) from the consents that apply to it (applies_to): an ok one wins, otherwise the
        problem of the consent that came closest (the latest one on a tie)."""
        key = (request.service, request.series, request.qualification, request.awarding_body, request.results_released,
               getattr(request, "candidate", "") is None, applicable)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._status(request, applicable)
        return found

    def _status(self, request, applicable: tuple[ConsentRecord, ...]) -> ConsentFinding:
        service = self.calendar.services[request.service]
        if not service.needs_consent:
            return ConsentFinding("not_needed", f"{service_label(self.calendar, request.service)} needs no candidate consent", service.source)
        if not consent_needed(self.calendar, request):
            return ConsentFinding(
                "not_needed",
                f"{service_label(self.calendar, request.service)} for a centre's sample (no candidate) needs no candidate consent",
                RULES_SOURCE,
            )
        released = (request.series, request.qualification, request.awarding_body, request.results_released)
        start = self._starts.get(released)
        if start is None:
            start = self._starts[released] = valid_from(self.calendar, *released[:3], results_released=request.results_released)
        if not applicable:
            return ConsentFinding(
                "missing",
                f"no consent from the candidate is recorded for {service_label(self.calendar, request.service)}; "
                "record it with 'prs consent record'",
                RULES_SOURCE,
                valid_from=start.moment,
            )
        best = None
        for consent in applicable:
            key = (request.service, released, consent_terms(consent))
            finding = self._judged.get(key)
            if finding is None:
                finding = self._judged[key] = _judge(self.calendar, request.service, service, consent, start)
            rank = (_PROGRESS[finding.status], consent.given_at or datetime.combine(consent.given_on, datetime.min.time()), consent.id)
            if best is None or rank > best[0]:
                best = (rank, finding, consent.id)
        _, finding, consent_id = best
        return ConsentFinding(finding.status, finding.message, finding.source, consent_id, finding.valid_from)


def failing(calendar: Calendar, groups: list[tuple[str, object]]) -> tuple[list[str], int]:
    """(the keys of the groups whose consent is not good, how many requests need consent), from
    (key, RequestGroup) pairs whose `consents` are those that apply (store.agenda.consent_groups)."""
    judge = ConsentJudge(calendar)
    bad, needing = [], 0
    for key, group in groups:
        if consent_needed(calendar, group):
            needing += group.count
            if not judge.status(group, group.consents).ok:
                bad.append(key)
    return bad, needing


def consent_status(calendar: Calendar, request: RequestRecord, consents: list[ConsentRecord]) -> ConsentFinding:
    """The status of the best consent for a request (ConsentJudge.status)."""
    return ConsentJudge(calendar).status(request, tuple(c for c in consents if applies_to(c, request)))


# --- retention -----------------------------------------------------------------------------


class Retention(NamedTuple):
    consent_id: int
    covered: tuple[int, ...]  # request ids it covers, with any appeals that follow them
    open_requests: tuple[int, ...]  # still draft or submitted: nothing may be disposed of
    keep_until: Answer | None  # None while a covered request is open

    def due(self, today: date) -> bool:
        """Past its keep-until date (the day itself still keeps it) and nothing left open."""
        return not self.open_requests and self.keep_until is not None and self.keep_until.date < today


def covered_requests(consent: ConsentRecord, requests: list[RequestRecord]) -> list[RequestRecord]:
    """The requests a consent is for (tied, or matching and of a service it covers), and every
    appeal that follows one of them."""
    chosen = {r.id: r for r in requests if applies_to(consent, r) and (consent.requests or r.service in consent.covers)}
    grew = True
    while grew:
        grew = False
        for r in requests:
            if r.id not in chosen and r.follows_request in chosen:
                chosen[r.id] = r
                grew = True
    return sorted(chosen.values(), key=lambda r: r.id)


def retention(consent: ConsentRecord, requests: list[RequestRecord]) -> Retention:
    """Keep until six months after the last outcome among the covered requests and appeals;
    with no outcome at all (withdrawn, or never logged), six months after the consent."""
    covered = covered_requests(consent, requests)
    ids = tuple(r.id for r in covered)
    still_open = tuple(r.id for r in covered if r.is_open)
    if still_open:
        return Retention(consent.id, ids, still_open, None)
    outcomes = [r.outcome_on for r in covered if r.outcome_on is not None]
    if outcomes:
        return Retention(consent.id, ids, (), retention_until(max(outcomes)))
    answer = retention_until(consent.given_on)
    rule = f"keep consent 6 months; no request it covers has an outcome, so counted from the consent ({consent.given_on.isoformat()})"
    return Retention(consent.id, ids, (), answer._replace(rule=rule))


def retentions(consents, requests) -> list[tuple[ConsentRecord, Retention]]:
    """Every consent not yet purged with its Retention, each judged against only the requests
    it can cover (tied ones, or its candidate's in its series, and what follows them), found
    through one index of the log instead of a scan of it per consent."""
    requests = list(requests)
    by_id = {r.id: r for r in requests}
    by_candidate: dict[tuple, list[RequestRecord]] = {}
    followers: dict[int, list[RequestRecord]] = {}
    for r in requests:
        by_candidate.setdefault((r.candidate, r.series), []).append(r)
        if r.follows_request is not None:
            followers.setdefault(r.follows_request, []).append(r)
    found = []
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
        found.append((consent, retention(consent, near)))
    return found


def kept_until(today: date) -> date:
    """The last day whose keep-until date (retention_until) is before `today`: a consent can be
    due for disposal only if what it is kept from is on or before it. Keep-until only grows
    with the day it counts from, so a halving search finds it."""
    low, high = today - timedelta(days=400), today  # kept until well before today / not yet passed
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        if retention_until(middle).date < today:
            low = middle
        else:
            high = middle
    return low


def nearest_series(calendar: Calendar, qualification: str, body: str | None, given_on: date) -> str:
    """For a question without a series: the series whose results day for the qualification is
    nearest the consent date (a consent is judged against the results it follows)."""
    best = None
    for series_id in calendar.series:
        release = release_for(calendar, series_id, qualification, body)
        if release is None or release.date is None:
            continue
        distance = abs((release.date - given_on).days)
        if best is None or distance < best[0]:
            best = (distance, series_id)
    if best is None:
        raise InputError(f"no series in the calendar has a results day for {calendar.qualifications[qualification].name}; give --series")
    return best[1]
