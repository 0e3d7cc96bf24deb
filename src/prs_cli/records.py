"""Plain records of what the officer logged: what the store returns and the rules read, and
the words of a request's lifecycle (every other module takes them from here).

Every record is a NamedTuple, like the rules' results and the calendar's model: immutable,
and cheap to make in the tens of thousands (a frozen dataclass sets each field through
object.__setattr__, which made reading a long log take seconds). Change one with `_replace`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, NamedTuple

RequestStatus = Literal["draft", "submitted", "completed", "withdrawn", "rejected"]
STATUSES: tuple[RequestStatus, ...] = ("draft", "submitted", "completed", "withdrawn", "rejected")
OPEN_STATUSES: tuple[RequestStatus, ...] = ("draft", "submitted")  # work still to do
CLOSED_STATUSES: tuple[RequestStatus, ...] = ("withdrawn", "rejected")  # no longer stands (nor counts as a duplicate)
STANDING_STATUSES: tuple[RequestStatus, ...] = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)
Outcome = Literal["up", "down", "unchanged"]
CANDIDATE = "candidate"  # who gave consent, when it was the candidate (the only valid consent)


class RequestRecord(NamedTuple):
    id: int
    status: RequestStatus
    series: str | None  # None: outside any JCQ series (Cambridge English)
    awarding_body: str
    qualification: str
    service: str
    component: str
    candidate: str | None  # 4-digit candidate number; None for Service 3 (a centre's sample)
    name: str | None
    uci: str | None = None
    private_candidate: bool = False
    subject: str | None = None
    original_mark: int | None = None
    original_grade: str | None = None
    fee: str | None = None  # pounds, as text
    note: str | None = None
    late_reason: str | None = None
    results_released: date | None = None  # boards outside the JCQ series (Cambridge English)
    follows_request: int | None = None  # an appeal's review, a Stage 2's Stage 1
    created_at: datetime | None = None
    created_by: str | None = None
    received_on: date | None = None
    sample_received_on: date | None = None
    board_reference: str | None = None
    submitted_by: str | None = None
    outcome_on: date | None = None
    mark_after: int | None = None
    grade_after: str | None = None
    outcome: Outcome | None = None
    fee_refunded: bool | None = None
    closed_reason: str | None = None  # why withdrawn or rejected
    decided_on: date | None = None  # an appeal against a decision (malpractice...): the decision's date

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def stands(self) -> bool:
        """Not withdrawn or rejected."""
        return self.status not in CLOSED_STATUSES


class ConsentRecord(NamedTuple):
    id: int
    candidate: str | None  # None once purged
    series: str | None
    given_on: date
    given_at: datetime | None  # the time, when it was recorded (it matters on results day)
    method: Literal["form", "email"]
    given_by: str  # "candidate", or who else signed (never valid consent)
    covers: tuple[str, ...]  # service codes
    acknowledged_outcomes: bool
    classroom_use: bool | None = None  # scripts: may the script be used in class
    anonymise: bool | None = None  # scripts: must the candidate's name be removed
    requests: tuple[int, ...] = ()  # tied to these requests; empty: the candidate's matching ones
    note: str | None = None
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    purged_at: datetime | None = None

    @property
    def from_candidate(self) -> bool:
        """Given by the candidate (however it was typed); a purge keeps only this of who gave it."""
        return self.given_by.strip().casefold() == CANDIDATE


class RequestGroup(NamedTuple):  # a tuple: thousands are made on every `prs due`
    """Requests alike in every field one part of the agenda reads, so the rules judge them once
    however many there are (the store keeps them tallied; rules.agenda.group_requests from
    records). A dates group has only the fields its status reads (the rest None; completed
    reviews from the store have no service either: any service an appeal follows); a consent
    group (`consents` not None) has the open requests' fields and the consents that apply."""

    status: RequestStatus
    series: str | None
    awarding_body: str
    qualification: str | None
    service: str | None
    results_released: date | None
    received_on: date | None
    sample_received_on: date | None
    outcome_on: date | None
    prior_outcome: date | None  # the outcome of the request this one follows
    count: int  # how many requests
    first: int  # the lowest id
    ids: tuple[int, ...] | None  # None: not read (the store lists more than ten only when asked)
    consents: tuple[ConsentRecord, ...] | None = None  # in the order recorded
    late_agreed: bool = False  # a draft logged past its deadline with a reason (--late-reason)
    first_ids: tuple[int, ...] = ()  # ids None: the lowest ten or so, to name them
