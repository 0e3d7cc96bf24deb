"""Dates that follow from one logged request: when it closes, when the board must answer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from prs_cli.calendar.model import Calendar
from prs_cli.records import RequestRecord
from prs_cli.rules.days import OutsideCalendar
from prs_cli.rules.deadlines import Answer, appeal_deadline, completion_due, next_appeal, request_deadline


@dataclass(frozen=True)
class RequestDates:
    request_deadline: Answer
    completion_due: Answer | None  # once the board has received it (or the sample, for S3)
    appeal_deadline: Answer | None  # once a review (or an appeal stage) has an outcome: the next stage

    def overdue(self, record: RequestRecord, today: date) -> bool:
        """Submitted, no outcome, and the board's completion target has passed: chase the board."""
        due = self.completion_due.date if self.completion_due else None
        return record.status == "submitted" and due is not None and due < today

    def late(self, record: RequestRecord, today: date) -> bool:
        """Still a draft after the day the board had to receive it."""
        closes = self.request_deadline.date
        return record.status == "draft" and closes is not None and closes < today


def record_deadline(calendar: Calendar, record: RequestRecord, prior_outcome: date | None = None) -> Answer:
    """The request deadline of a logged request (`prior_outcome`: for an appeal or a Stage 2,
    the outcome date of the request it follows)."""
    return request_deadline(
        calendar,
        series_id=record.series,
        body_code=record.awarding_body,
        qualification=record.qualification,
        service_code=record.service,
        results_released=record.results_released,
        prior_outcome=prior_outcome,
        follows=record.follows_request is not None,
        decided_on=record.decided_on,
    )


def request_dates(calendar: Calendar, record: RequestRecord, prior_outcome: date | None = None) -> RequestDates:
    """`prior_outcome`: for an appeal or a Stage 2, the outcome date of the request it follows.

    A date that cannot be worked out for this one record (a year the calendar does not cover,
    a date stored by an older prs far outside any series) comes back as no date with the reason
    as its rule: one odd record never stops a command that reads the whole log."""
    deadline = _or_remark(lambda: record_deadline(calendar, record, prior_outcome), "request deadline")
    service = calendar.services[record.service]
    start = record.sample_received_on if service.completion_from == "sample_received" else record.received_on
    due = _or_remark(lambda: completion_due(calendar, record.awarding_body, record.service, start), "completion date") if start else None
    appeal = None
    follows = next_appeal(calendar, record.service)
    if record.outcome_on is not None and follows is not None:
        appeal = _or_remark(
            lambda: appeal_deadline(calendar, record.awarding_body, record.qualification, record.outcome_on, follows),
            "appeal deadline",
        )
    return RequestDates(deadline, due, appeal)


def outcome_shown(calendar: Calendar, record: RequestRecord) -> str | None:
    """The outcome as the log shows it: the grade's direction, or for access to scripts (no
    grade outcome, JCQ seed:000) `copy_received` once the copy arrived."""
    if record.outcome_on is not None and not calendar.services[record.service].acknowledge_outcomes:  # a copy changes no result
        return "copy_received"
    return record.outcome


def overdue_reason(record: RequestRecord, dates: RequestDates, today: date) -> str | None:
    """Why a request is overdue, or None: submitted and past its completion date with no
    outcome (chase the board), or still a draft after its request deadline (it was never sent)."""
    if dates.overdue(record, today):
        return "past completion due"
    if dates.late(record, today):
        return "past request deadline"
    return None


def awaiting_sample(calendar: Calendar, record: RequestRecord, dates: RequestDates) -> bool:
    """With the board, for a service whose completion runs from the moderation sample's arrival
    (Service 3), and no sample logged yet: its completion date is still to come."""
    return (
        record.status == "submitted"
        and dates.completion_due is None
        and calendar.services[record.service].completion_from == "sample_received"
    )


def appeal_windows(calendar: Calendar, requests: Iterable[RequestRecord], today: date) -> Iterator[tuple[RequestRecord, Answer]]:
    """(review, appeal deadline) for each completed review whose preliminary appeal window is
    still open on `today` and that no standing request follows (PEA-APP25: 30 days from the
    review's outcome)."""
    requests = list(requests)
    followed = {r.follows_request for r in requests if r.follows_request is not None and r.stands}
    for record in requests:
        if record.status != "completed" or record.outcome_on is None or record.id in followed:
            continue
        try:
            appeal = request_dates(calendar, record).appeal_deadline
        except OutsideCalendar:
            continue
        if appeal is not None and appeal.date is not None and appeal.date >= today:
            yield record, appeal


def completion_dates(calendar: Calendar, requests: Iterable[RequestRecord]) -> Iterator[tuple[RequestRecord, Answer]]:
    """(request, completion due) for each request the board has and must still answer; a
    request whose dates fall in a year the calendar's bank holidays do not cover has none."""
    for record in requests:
        if record.status != "submitted":
            continue
        due = request_dates(calendar, record).completion_due
        if due is not None and due.date is not None:
            yield record, due


def _or_remark(compute, what: str) -> Answer:
    try:
        return compute()
    except (OutsideCalendar, OverflowError) as error:
        reason = error.message if isinstance(error, OutsideCalendar) else "a date logged is outside the years prs works with"
        return Answer(None, f"the {what} cannot be worked out: {reason}", "prs")
