"""What the officer may log and change: every refusal an awarding body would make, decided
before anything is written.

Pure: the calendar, the records and `today` come in as arguments; errors are one sentence
that names codes, dates and ids only (never a candidate's number or name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from prs_cli import codes
from prs_cli.calendar.model import Calendar
from prs_cli.errors import InputError, Refused
from prs_cli.records import CLOSED_STATUSES, OPEN_STATUSES, RequestRecord
from prs_cli.rules.days import when
from prs_cli.rules.requests import record_deadline
from prs_cli.rules.deadlines import Answer, appeal_deadline, availability, next_appeal, release_for, request_deadline
from prs_cli.rules.fees import default_fee

CANDIDATE = re.compile(r"[0-9]{4}")  # ASCII digits: str.isdigit and \d also take other scripts' digits
UCI = re.compile(r"[0-9A-Z]{13}")
FEE = re.compile(r"[0-9]{1,4}(\.[0-9]{1,2})?")
FEE_LIMIT = 10_000  # pounds: no post-results fee comes near it, so a larger one is a typing slip
MARK_LIMIT = 99_999  # no component is marked out of more; also keeps marks inside SQLite's integers
MAX_TEXT = 2000
# A date given for a request further than this from its results day is a typing slip (2016 for
# 2026), not a late board: reviews, samples and outcomes all fall well inside it.
SERIES_REACH = timedelta(days=366)


@dataclass(frozen=True)
class RequestInput:
    """A request as typed on the command line or read from an import row (codes unresolved)."""

    awarding_body: str | None = None
    qualification: str | None = None
    service: str | None = None
    component: str | None = None
    candidate: str | None = None
    name: str | None = None
    uci: str | None = None
    private_candidate: bool | None = None
    series: str | None = None
    subject: str | None = None
    original_mark: int | None = None
    original_grade: str | None = None
    fee: str | None = None
    note: str | None = None
    late_reason: str | None = None
    results_released: date | None = None
    decided_on: date | None = None  # an appeal against a decision: the day of the decision


@dataclass(frozen=True)
class Prepared:
    """A new request that passed every check, the deadline it was checked against, and what
    the officer should be told (warnings, where the fee came from)."""

    record: RequestRecord
    deadline: Answer
    warnings: tuple[str, ...] = ()
    fee_note: str | None = None


COPY_RECEIVED = "copy_received"  # access to scripts: the outcome is the copy arriving


@dataclass(frozen=True)
class OutcomeResult:
    record: RequestRecord
    direction: str  # "up", "down", "unchanged" or "changed" (a scale prs cannot order)
    refund: str  # one sentence on the fee under the board's rule
    appeal: Answer | None  # when the next appeal stage must be made (appeal_service)
    appeal_service: str | None = None


@dataclass(frozen=True)
class Change:
    """A checked transition: the record as it will be stored, and what to tell the officer."""

    record: RequestRecord
    warnings: tuple[str, ...] = field(default_factory=tuple)


# --- field checks ---------------------------------------------------------------------------


def check_candidate(value: str) -> str:
    text = value.strip()
    if not CANDIDATE.fullmatch(text):
        raise InputError(
            "the candidate number must be exactly 4 digits (for example 0042)",
            field="candidate", expected="exactly 4 digits 0-9, for example 0042",
        )
    return text


def check_uci(value: str) -> str:
    text = value.strip()
    # ASCII before upper-casing: "ı".upper() is "I", so a look-alike would pass afterwards
    if not text.isascii() or not UCI.fullmatch(text.upper()):
        raise InputError(
            "the UCI must be 13 characters, digits and capital letters only",
            field="uci", expected="13 characters, digits 0-9 and letters A-Z only",
        )
    return text.upper()


def check_fee(value: str) -> str:
    text = value.strip().removeprefix("£").strip()
    expected = f"an amount in pounds under £{FEE_LIMIT:,}, written like 43.45"
    if not FEE.fullmatch(text) or Decimal(text) >= FEE_LIMIT:
        raise InputError(f"fee {value!r} is not {expected}", field="fee", expected=expected)
    return text


def check_mark(value: int | None, what: str = "mark", field: str = "original_mark") -> int | None:
    if value is not None and not 0 <= value <= MARK_LIMIT:
        expected = f"a whole number from 0 to {MARK_LIMIT:,}"
        raise InputError(f"the {what} must be {expected}", field=field, expected=expected)
    return value


def _text(value: str | None, what: str, field: str | None = None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise InputError(
            f"the {what} is longer than {MAX_TEXT} characters", field=field, expected=f"at most {MAX_TEXT} characters"
        )
    return text or None


def _code(kind: str, given: str, known, field_name: str) -> str:
    """codes.resolve, with the input field named on a refusal (an import names the column)."""
    from prs_cli.errors import UnknownCode

    try:
        return codes.resolve(kind, given, known)
    except UnknownCode as error:
        error.field = field_name
        raise


def _missing(message: str, field_name: str, expected: str) -> InputError:
    return InputError(message, field=field_name, expected=expected)


# --- series ---------------------------------------------------------------------------------


def default_series(calendar: Calendar, today: date) -> str:
    """The series whose post-results window is open on `today`: results out on or before today
    and some request deadline still to come; the latest results day wins when several are."""
    best: tuple[date, str] | None = None
    for series_id, series in calendar.series.items():
        released = [r.date for r in series.releases if r.date is not None and r.date <= today]
        open_deadline = any(d.date is not None and d.date >= today for d in series.deadlines)
        if released and open_deadline:
            candidate = (max(released), series_id)
            if best is None or candidate > best:
                best = candidate
    if best is None:
        raise InputError(
            f"no series has its post-results window open on {today.isoformat()}; name one with --series"
        )
    return best[1]


# --- a new request --------------------------------------------------------------------------


def prepare_request(
    calendar: Calendar,
    given: RequestInput,
    *,
    today: date,
    by: str | None = None,
    prior: RequestRecord | None = None,
    allow_late: bool = True,
) -> Prepared:
    """Check a new request as the board would and build the record to store (id 0, draft).

    `prior`: the completed request an appeal or a Cambridge English Stage 2 follows; fields not
    given are taken from it. `allow_late`: whether --late-reason may override a closed window.
    """
    warnings: list[str] = []
    ab_given = given.awarding_body or (prior.awarding_body if prior else None)
    qual_given = given.qualification or (prior.qualification if prior else None)
    if not given.service:
        raise _missing("say which service with --service (for example S2)", "service", "a service code such as S2")
    service_code = _code("service", given.service, calendar.services, "service")
    if not ab_given:
        raise _missing("say which awarding body with --ab (for example AQA)", "awarding_body", "an awarding body code such as AQA")
    if not qual_given:
        raise _missing(
            "say which qualification with --qualification (for example gce-a-level)", "qualification",
            "a qualification code such as gce-a-level",
        )
    body_code = _code("awarding body", ab_given, calendar.awarding_bodies, "awarding_body")
    qualification = _code("qualification", qual_given, calendar.qualifications, "qualification")
    service = calendar.services[service_code]

    component = _text(given.component, "component", "component") or (prior.component if prior else None)
    if not component:
        raise _missing(
            "say which component (unit or paper code) with --component; requests are per component", "component",
            "a unit or paper code",
        )
    if len(component) > 40:
        raise InputError("the component code is longer than 40 characters", field="component", expected="at most 40 characters")

    _check_prior(calendar, service_code, prior, body_code, component)
    decided_on = _decision(calendar, service_code, given.decided_on, today)

    candidate = given.candidate if given.candidate is not None else (prior.candidate if prior else None)
    candidate = candidate.strip() or None if candidate is not None else None
    if not service.per_candidate:
        if candidate is not None or given.uci or given.name:
            raise Refused(
                f"Service {service_code[1:]} reviews a centre's moderation sample, never one candidate"
                if service_code.startswith("S")
                else f"{service.name} ({service_code}) reviews a centre's sample, never one candidate"
            )
    elif candidate is None and not (prior is not None and prior.candidate is None):
        raise _missing(
            f"{service.name} ({service_code}) is for one candidate: give the 4-digit --candidate", "candidate",
            "exactly 4 digits 0-9, for example 0042",
        )
    if candidate is not None:
        candidate = check_candidate(candidate)
    name = _text(given.name, "name", "name") or (prior.name if prior else None)
    uci = check_uci(given.uci) if given.uci else (prior.uci if prior else None)
    private = given.private_candidate if given.private_candidate is not None else bool(prior and prior.private_candidate)

    answer = availability(calendar, body_code, qualification, service_code)
    if not answer.allowed:
        raise Refused(f"{answer.reason} ({answer.source})")
    if answer.status == "check":
        warnings.append(f"check with the board: {answer.reason} ({answer.source})")

    series_id, released = _series(calendar, given, qualification, body_code, today, prior)

    deadline = request_deadline(
        calendar,
        series_id=series_id,
        body_code=body_code,
        qualification=qualification,
        service_code=service_code,
        results_released=released,
        prior_outcome=prior.outcome_on if prior else None,
        follows=prior is not None,
        decided_on=decided_on,
    )
    late_reason = _text(given.late_reason, "late reason", "late_reason")
    if deadline.date is not None and today > deadline.date and not deadline.enforced:
        warnings.append(
            f"past the centre's window for {service.name}, which closed on {when(deadline.date)} "
            f"({deadline.rule}; {deadline.source}): the board may still accept it"
        )
    elif deadline.date is not None and today > deadline.date:
        if not (allow_late and late_reason):
            raise Refused(
                f"{service.name} closed on {when(deadline.date)}: awarding bodies do not accept late requests",
                "log it only with --late-reason" if allow_late else None,
            )
        warnings.append(f"logged late: {service.name} closed on {when(deadline.date)}")
    elif deadline.date is None:
        warnings.append(f"no request deadline to check against: {deadline.rule} ({deadline.source})")
    elif deadline.provisional:
        warnings.append(f"the deadline {when(deadline.date)} is provisional: {deadline.note or deadline.rule}")

    fee_note = None
    if given.fee is not None and given.fee.strip():
        fee = check_fee(given.fee)
    else:
        published = default_fee(calendar, body_code, service_code, qualification)
        fee = published.amount if published else None
        if published is not None:
            cited = calendar.sources.get(published.source)
            # issue 11 item 13: a fee only a centre's page quotes says so
            what = "fee as quoted on a centre's page, not the board's" if cited is not None and cited.kind == "centre" else "published fee"
            fee_note = (
                f"fee £{published.amount} is {calendar.awarding_bodies[body_code].name}'s {what} "
                f"({published.applies_to}; {published.source}); give --fee if yours differs"
            )
        elif calendar.awarding_bodies[body_code].fees_unpublished:
            fee_note = f"no fee logged: {calendar.awarding_bodies[body_code].fees_unpublished} Then give --fee."

    original_mark = check_mark(given.original_mark)
    original_grade = _text(given.original_grade, "grade", "original_grade")
    if prior is not None:
        if original_mark is None:
            original_mark = prior.mark_after if prior.mark_after is not None else prior.original_mark
        if original_grade is None:
            original_grade = prior.grade_after or prior.original_grade

    record = RequestRecord(
        id=0,
        status="draft",
        series=series_id,
        awarding_body=body_code,
        qualification=qualification,
        service=service_code,
        component=component,
        candidate=candidate,
        name=name if service.per_candidate else None,
        uci=uci if service.per_candidate else None,
        private_candidate=private,
        subject=_text(given.subject, "subject", "subject") or (prior.subject if prior else None),
        original_mark=original_mark,
        original_grade=original_grade,
        fee=fee,
        note=_text(given.note, "note", "note"),
        late_reason=late_reason,
        results_released=released,
        follows_request=prior.id if prior else None,
        created_by=by,
        decided_on=decided_on,
    )
    return Prepared(record, deadline, tuple(warnings), fee_note)


def _decision(calendar: Calendar, service_code: str, decided_on: date | None, today: date) -> date | None:
    """An appeal against a decision runs from the decision's day (PEA-APP25: 14 days), which
    only such an appeal takes."""
    service = calendar.services[service_code]
    from_decision = service.request_window is not None and service.request_window.start == "decision"
    if not from_decision:
        if decided_on is not None:
            takes = [code for code, s in calendar.services.items() if s.request_window and s.request_window.start == "decision"]
            raise InputError(f"--decided-on is only for appeals against a decision ({', '.join(takes)})")
        return None
    if decided_on is None:
        raise InputError(f"{service.name} ({service_code}) runs from the decision: give its date with --decided-on YYYY-MM-DD")
    _not_after_today(decided_on, "--decided-on", today)
    return decided_on


def _check_prior(calendar: Calendar, service_code: str, prior: RequestRecord | None, body_code: str, component: str) -> None:
    """A service that must follow an outcome names it; one that may (NCFE's review after a
    clerical check, NCFE-EAR) may name it."""
    service = calendar.services[service_code]
    offer = calendar.awarding_bodies[body_code].services.get(service_code)
    allowed = service.requires_prior or (offer.may_follow if offer else ())
    if not allowed:
        if prior is not None:
            raise InputError(f"--follows is only for services that follow an outcome; {service_code} does not")
        return
    needed = " or ".join(allowed)
    if prior is None:
        if not service.requires_prior:
            return
        raise InputError(f"{service.name} ({service_code}) follows a completed {needed}: give that request's id with --follows")
    if prior.service not in allowed:
        raise Refused(f"{service.name} follows {needed}, and request {prior.id} is {prior.service}")
    if prior.status != "completed" or prior.outcome_on is None:
        raise Refused(f"request {prior.id} has no outcome yet ({prior.status}); {service.name} follows its outcome")
    if prior.awarding_body != body_code:
        raise Refused(f"request {prior.id} is with {prior.awarding_body}, not {body_code}")
    if prior.component != component:
        raise Refused(f"request {prior.id} is for component {prior.component}, not {component}")


def _series(calendar, given: RequestInput, qualification: str, body_code: str, today: date, prior):
    """(series id, results release date) for a new request; Cambridge English has no series."""
    if not calendar.qualifications[qualification].jcq:
        if given.series:
            raise InputError(
                f"{calendar.qualifications[qualification].name} belongs to no exam series; "
                "give --results-released DATE instead of --series"
            )
        released = given.results_released or (prior.results_released if prior else None)
        if released is None:
            raise InputError(
                f"{calendar.qualifications[qualification].name} results are released per candidate: "
                "give the date with --results-released YYYY-MM-DD"
            )
        if released > today:
            raise InputError(f"--results-released {released.isoformat()} is after today ({today.isoformat()})")
        return None, released
    if given.results_released is not None:
        raise InputError(
            "--results-released is only for qualifications outside the JCQ series (Cambridge English); "
            "the series sets results day"
        )
    if given.series:
        series_id = _code("series", given.series, calendar.series, "series")
    elif prior is not None and prior.series:
        series_id = prior.series
    else:
        series_id = default_series(calendar, today)
    if release_for(calendar, series_id, qualification, body_code) is None:
        raise Refused(
            f"{calendar.series[series_id].name} has no {calendar.qualifications[qualification].name} results "
            "in the calendar; choose another --series"
        )
    return series_id, None


# --- transitions ----------------------------------------------------------------------------


def _not_after_today(value: date, what: str, today: date) -> None:
    if value > today:
        raise InputError(f"{what} {value.isoformat()} is after today ({today.isoformat()})")


def results_day(calendar: Calendar, record: RequestRecord) -> date | None:
    """The day this request's results came out (the series' release for its qualification and
    board, or a Cambridge English candidate's own date); None when not published."""
    if record.results_released is not None:
        return record.results_released
    if record.series is None or record.series not in calendar.series:
        return None
    release = release_for(calendar, record.series, record.qualification, record.awarding_body)
    return release.date if release is not None else None


def check_request_date(
    calendar: Calendar, record: RequestRecord, value: date, what: str, *, logged_on: date | None = None
) -> None:
    """A date given for something that happened to a request (the board received it, the sample
    arrived, the outcome came) cannot come before its results, nor before it was logged (as of
    the date it was logged for), nor more than a year after its results: checked before anything
    is written, so a typing slip never reaches the log."""
    released = results_day(calendar, record)
    if released is not None and value < released:
        raise InputError(f"{what} {value.isoformat()} is before the results were released ({released.isoformat()})")
    if released is not None and value > released + SERIES_REACH:
        raise InputError(
            f"{what} {value.isoformat()} is more than a year after the results were released "
            f"({released.isoformat()}); check the year"
        )
    if logged_on is not None and value < logged_on:
        raise InputError(
            f"{what} {value.isoformat()} is before request {record.id} was logged ({logged_on.isoformat()})",
            "a request sent before it was logged is logged with --today set to the day it was sent",
        )


def submit(
    calendar: Calendar,
    record: RequestRecord,
    *,
    received: date | None,
    today: date,
    reference: str | None = None,
    sample_received: date | None = None,
    by: str | None = None,
    logged_on: date | None = None,
) -> Change:
    """The board received the request (and, for Service 3, the moderation sample).

    A submitted Service 3 whose sample had not arrived may be submitted again with only
    --sample-received; anything else submitted twice is refused. `logged_on`: the date the
    request was logged for (the board cannot have received it earlier).
    """
    service = calendar.services[record.service]
    from_sample = service.completion_from == "sample_received"
    if sample_received is not None and not from_sample:
        sampled = [f"{s.name} ({code})" for code, s in calendar.services.items() if s.completion_from == "sample_received"]
        raise InputError(f"--sample-received is only for {' and '.join(sampled)}")
    if sample_received is not None:
        _not_after_today(sample_received, "--sample-received", today)
        check_request_date(calendar, record, sample_received, "--sample-received", logged_on=logged_on)
    if record.status == "submitted" and from_sample and record.sample_received_on is None and sample_received is not None and received is None:
        if sample_received < record.received_on:
            raise InputError("the sample cannot arrive before the board received the request")
        return Change(record._replace(sample_received_on=sample_received))
    if record.status != "draft":
        raise Refused(f"request {record.id} is already {record.status}; only a draft can be submitted")
    if received is None:
        raise InputError("say when the board received the request with --received YYYY-MM-DD")
    _not_after_today(received, "--received", today)
    check_request_date(calendar, record, received, "--received", logged_on=logged_on)
    if sample_received is not None and sample_received < received:
        raise InputError("the sample cannot arrive before the board received the request")
    warnings = []
    deadline = record_deadline(calendar, record) if not service.requires_prior else None
    if deadline is not None and deadline.date is not None and received > deadline.date:
        warnings.append(
            f"the board received it after {service.name} closed on {when(deadline.date)}; expect it to be refused"
        )
    if from_sample and sample_received is None:
        warnings.append("the completion date follows when the sample arrives: record it with --sample-received")
    return Change(
        record._replace(
            status="submitted",
            received_on=received,
            sample_received_on=sample_received,
            board_reference=_text(reference, "reference"),
            submitted_by=by,
        ),
        tuple(warnings),
    )


GCSE_GRADES = ("U", "1", "2", "3", "4", "5", "6", "7", "8", "9")
GCE_GRADES = ("U", "E", "D", "C", "B", "A", "A*")
BTEC_GRADES = ("U", "P", "M", "D", "D*")
BTEC_WORDS = {"PASS": "P", "MERIT": "M", "DISTINCTION": "D", "DISTINCTION*": "D*", "UNCLASSIFIED": "U"}
LEVELLED = re.compile(r"^(?:L(?:EVEL)?\s*([12])\s*)?(PASS|MERIT|DISTINCTION\*?|UNCLASSIFIED|D\*|D|M|P|U)$")


def _grade_rank(grade: str) -> tuple[str, int] | None:
    """(scale, rank) for a grade on a scale prs knows, else None."""
    text = re.sub(r"\s+", " ", grade.strip().upper())
    for scale, grades in (("gcse", GCSE_GRADES), ("gce", GCE_GRADES)):
        if text in grades:
            return scale, grades.index(text)
    match = LEVELLED.match(text)
    if match:
        level, letter = match.groups()
        letter = BTEC_WORDS.get(letter, letter)
        rank = BTEC_GRADES.index(letter)
        if level is None:
            return "btec", rank
        return "btec-levelled", 0 if letter == "U" else int(level) * 10 + rank
    return None


def grade_direction(
    grade_before: str | None, grade_after: str | None, mark_before: int | None, mark_after: int | None
) -> str:
    """'up', 'down' or 'unchanged' from the grades (GCSE 9-1, GCE A*-E, BTEC-style D*-P with
    Level 1/2 prefixes), falling back to the marks only to order a grade on a scale prs does
    not know; 'changed' when it cannot. No grade after: the grade stood, whatever the mark did."""
    if grade_after is None:
        return "unchanged"
    if grade_before and grade_after:
        before, after = _grade_rank(grade_before), _grade_rank(grade_after)
        if before and after and before[0] == after[0]:
            return _compare(before[1], after[1])
        if _same_grade(grade_before, grade_after):
            return "unchanged"
        if mark_before is None or mark_after is None:
            return "changed"
    if mark_before is not None and mark_after is not None:
        return _compare(mark_before, mark_after)
    if grade_after is not None and grade_before is None:
        return "changed"
    return "unchanged"


def _compare(before, after) -> str:
    return "up" if after > before else "down" if after < before else "unchanged"


def _same_grade(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a).upper() == re.sub(r"\s+", "", b).upper()


def grade_changed(grade_before: str | None, grade_after: str | None) -> bool | None:
    """None when prs cannot tell (the original grade was never logged)."""
    if grade_after is None:
        return False
    if grade_before is None:
        return None
    return not _same_grade(grade_before, grade_after)


def record_outcome(
    calendar: Calendar,
    record: RequestRecord,
    *,
    on: date,
    today: date,
    mark_after: int | None = None,
    grade_after: str | None = None,
    unchanged: bool = False,
) -> OutcomeResult:
    """The board's answer: direction, the fee under the board's rule, the appeal deadline.
    The officer must say what the board decided: a grade after (with the mark when known), or
    `unchanged` (grade and mark stand); a mark alone leaves the grade as it was (issue 13).
    Access to scripts has no grade outcome: the copy arrived (direction "copy_received"), no
    fee decision and no appeal window (JCQ PRS booklet: ATS is a copy of the script, seed:000)."""
    if record.status == "draft":
        raise Refused(
            f"request {record.id} is a draft: record when the board received it first "
            f"(prs request submit {record.id} --received DATE)"
        )
    if record.status != "submitted":
        raise Refused(f"request {record.id} is {record.status}; only a submitted request can have an outcome")
    _not_after_today(on, "--on", today)
    check_request_date(calendar, record, on, "--on")
    if record.received_on is not None and on < record.received_on:
        raise InputError(
            f"--on {on.isoformat()} is before the board received the request ({record.received_on.isoformat()})"
        )
    if not calendar.services[record.service].acknowledge_outcomes:  # access to scripts: a copy changes no result (seed:000)
        if mark_after is not None or grade_after is not None or unchanged:
            raise InputError(
                f"request {record.id} is access to scripts ({record.service}): the board sends a copy, not a new "
                "grade; record only the day it arrived (--on)"
            )
        updated = record._replace(status="completed", outcome_on=on, outcome=None, fee_refunded=None)
        return OutcomeResult(updated, COPY_RECEIVED, "no refund decision: the board sent a copy of the script", None)
    check_mark(mark_after, "mark after", "mark_after")
    grade_after = _text(grade_after, "grade", "grade_after")
    if unchanged and (grade_after is not None or mark_after is not None):
        raise InputError("--unchanged means the grade and mark stood: give it without --grade-after or --mark-after")
    if not unchanged and grade_after is None and mark_after is None:
        raise InputError(
            "say what the board decided: --grade-after GRADE (with --mark-after MARK if known), "
            "or --unchanged if the grade and mark stood"
        )
    direction = grade_direction(record.original_grade, grade_after, record.original_mark, mark_after)
    changed = grade_changed(record.original_grade, grade_after)
    if direction == "changed" and changed is None:
        changed = True
    # a moderation review's fee follows the marks (AQA-MOD: free if the centre's marks are reinstated)
    marks = _compare(record.original_mark, mark_after) if record.original_mark is not None and mark_after is not None else direction
    refunded, refund = _refund(calendar, record, changed, marks)
    updated = record._replace(
        status="completed",
        outcome_on=on,
        mark_after=mark_after,
        grade_after=grade_after,
        outcome=direction if direction in ("up", "down", "unchanged") else None,
        fee_refunded=refunded,
    )
    appeal = None
    follows = next_appeal(calendar, record.service)
    if follows is not None:
        appeal = appeal_deadline(calendar, record.awarding_body, record.qualification, on, follows)
    return OutcomeResult(updated, direction, refund, appeal, follows)


def refund_rule(calendar: Calendar, body_code: str, service_code: str):
    """The board's rule for this service where it has one (a review of moderation is free when
    the centre's marks are reinstated), else the board's general rule."""
    body = calendar.awarding_bodies[body_code]
    offer = body.services.get(service_code)
    return offer.refund if offer is not None and offer.refund is not None else body.refund


def _refund(calendar: Calendar, record: RequestRecord, changed: bool | None, direction: str = "unchanged") -> tuple[bool | None, str]:
    body = calendar.awarding_bodies[record.awarding_body]
    rule = refund_rule(calendar, record.awarding_body, record.service)
    if not record.fee or Decimal(record.fee) == 0:
        return None, "no fee was logged for this request"
    if rule.when == "unknown":
        return None, f"{body.name}'s refund rule is not in the calendar: check the board's fees page ({rule.source})"
    if rule.when == "never":
        return False, f"{body.name} does not refund the fee ({rule.source})"
    if rule.when == "marks_reinstated":
        if direction == "up":
            return None, (
                f"the marks went up: {body.name} charges no fee if the centre's marks were reinstated ({rule.source}); "
                "check the outcome letter"
            )
        return False, f"the centre's marks were not reinstated, so {body.name} keeps the £{record.fee} fee ({rule.source})"
    if changed is None:
        return None, (
            f"{body.name} refunds the fee if the grade changes ({rule.source}); the original grade was not "
            "logged, so prs cannot tell"
        )
    if changed and rule.all_enquiries:
        return True, (
            f"the grade changed, so {body.name} refunds the £{record.fee} fee and every other enquiry fee for this "
            f"candidate's result ({rule.source})"
        )
    if changed:
        return True, f"the grade changed, so {body.name} refunds the £{record.fee} fee ({rule.source})"
    return False, f"the grade did not change, so {body.name} keeps the £{record.fee} fee ({rule.source})"


def check_appeal(calendar: Calendar, prior: RequestRecord, *, on: date, today: date) -> tuple[str, Answer]:
    """The appeal stage lodged on `on` after `prior`'s outcome (a preliminary appeal after a
    review, a hearing after a preliminary appeal, Ofqual's review after the board's last stage):
    its service code and the window it must meet."""
    _not_after_today(on, "--on", today)
    service_code = next_appeal(calendar, prior.service)
    if service_code is None:
        stages = sorted({p for s in calendar.services.values() if s.appeal for p in s.requires_prior})
        raise Refused(f"no appeal follows {prior.service}: an appeal follows {', '.join(stages)}; request {prior.id} is {prior.service}")
    service = calendar.services[service_code]
    if prior.status != "completed" or prior.outcome_on is None:
        raise Refused(f"request {prior.id} has no outcome yet ({prior.status}); {service.name} follows its outcome")
    if on < prior.outcome_on:
        raise InputError(f"--on {on.isoformat()} is before the outcome it follows ({prior.outcome_on.isoformat()})")
    deadline = appeal_deadline(calendar, prior.awarding_body, prior.qualification, prior.outcome_on, service_code)
    if deadline.date is not None and on > deadline.date and deadline.enforced and not deadline.provisional:
        raise Refused(
            f"the {service.name.lower()} window closed on {when(deadline.date)} ({deadline.rule}); "
            "awarding bodies do not accept late appeals"
        )
    return service_code, deadline


CLOSING = {"withdrawn": "withdrawn", "rejected": "rejected"}


def close(record: RequestRecord, *, status: str, reason: str) -> Change:
    """Withdrawn by the centre, or rejected by the board: either way it no longer stands (and no
    longer counts as a duplicate), and the reason is kept."""
    if record.status not in OPEN_STATUSES:
        raise Refused(f"request {record.id} is {record.status}; only a draft or submitted request can be {CLOSING[status]}")
    text = _text(reason, "reason")
    if not text:
        raise InputError("say why with --reason")
    return Change(record._replace(status=status, closed_reason=text))


# --- corrections ----------------------------------------------------------------------------

# What `prs request edit` may correct. Personal fields are audited only as changed (never their
# values); codes, marks, grades and money with the old and new value.
EDITABLE = ("name", "candidate", "uci", "subject", "component", "original_mark", "original_grade", "fee", "note")
PERSONAL = frozenset({"name", "candidate", "uci", "note"})


def edit(calendar: Calendar, record: RequestRecord, changes: dict) -> tuple[Change, dict]:
    """A typing mistake corrected: each field checked as `prs request add` checks it, and a
    Service 3 request (a centre's sample, seed:000) still names no candidate. Returns the change
    and what the audit trail says of it: {field: {"old", "new"}}, or {field: True} for personal
    fields. Nothing that decides a deadline (series, board, qualification, service, release day)
    is editable: a request logged under the wrong one is withdrawn and logged again, so its
    deadline is checked as new."""
    if record.status in CLOSED_STATUSES:
        raise Refused(f"request {record.id} is {record.status}; log a new request instead of correcting it")
    checked: dict = {}
    for name, value in changes.items():
        if name == "candidate":
            value = check_candidate(value)
        elif name == "uci":
            value = check_uci(value) if value.strip() else None
        elif name == "fee":
            value = check_fee(value)
        elif name == "original_mark":
            value = check_mark(value)
        elif name == "component":
            value = _text(value, "component")
            if not value:
                raise InputError("the component cannot be empty; requests are per component")
            if len(value) > 40:
                raise InputError("the component code is longer than 40 characters")
        else:
            value = _text(value, name.replace("original_", "").replace("_", " "))
        checked[name] = value
    service = calendar.services.get(record.service)
    if service is not None and not service.per_candidate and any(checked.get(f) for f in ("candidate", "name", "uci")):
        raise Refused(f"{service.name} ({record.service}) reviews a centre's sample, never one candidate")
    audit = {}
    for name, value in checked.items():
        old = getattr(record, name)
        if old == value:
            continue
        audit[name] = True if name in PERSONAL else {"old": old, "new": value}
    if not audit:
        raise InputError("nothing to change: give the corrected value, e.g. --component 7357/2")
    return Change(record._replace(**{name: checked[name] for name in audit})), audit
