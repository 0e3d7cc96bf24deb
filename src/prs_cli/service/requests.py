"""`prs request`: the request log's use cases, from first request to outcome and appeal.

Each checks with the rules (rules/intake.py), writes through one of the two functions that
store requests (_store_new, _store_change), and returns the request with its dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import date
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from prs_cli import codes
from prs_cli.errors import PrsError
from prs_cli.records import STATUSES, RequestRecord
from prs_cli.rules import intake
from prs_cli.rules.deadlines import Answer
from prs_cli.rules.requests import RequestDates, awaiting_sample, outcome_shown, overdue_reason, request_dates
from prs_cli.service import agenda_keys
from prs_cli.service.database import Database
from prs_cli.store.requests import Filters


class RequestView(NamedTuple):
    """A request as the commands show it: the record, its dates, and why it is overdue (None: it is not)."""

    record: RequestRecord
    dates: RequestDates
    overdue: str | None
    outcome: str | None = None  # as shown: up, down, unchanged, or copy_received (access to scripts)


class NextSteps(NamedTuple):
    """What a request still needs from the officer: its internal deadline (a draft's board
    deadline minus the centre's lead days; None: not a draft, or no date), and its consent
    (rules.consent.ConsentFinding; None: the service needs none)."""

    internal_deadline: date | None
    consent: object | None


class RequestPage(NamedTuple):
    """`prs request show`: the request, whether its completion date waits for a sample, the day
    it was logged for (the --today it was logged with, else the day it was stored) and what it
    still needs."""

    request: RequestView
    awaiting_sample: bool
    logged_on: date | None
    next: NextSteps | None = None


class Logged(NamedTuple):
    """A new request (`prs request add`, `prs request appeal`) and what the officer should know."""

    request: RequestView
    warnings: tuple[str, ...]
    fee_note: str | None
    next: NextSteps | None = None


class Submitted(NamedTuple):
    request: RequestView
    warnings: tuple[str, ...]


class OutcomeRecorded(NamedTuple):
    request: RequestView
    direction: str  # "up", "down", "unchanged", "changed" (a scale prs cannot order) or "copy_received"
    refund: str  # one sentence on the fee under the board's rule
    appeal: Answer | None  # when the next appeal stage must reach the board (after a review or an appeal stage)
    appeal_service: str | None  # that stage's code (rules.deadlines.next_appeal)
    appeal_name: str | None  # and its name, from the calendar


class Listing(NamedTuple):
    """`prs request list`: the rows (a generator with --all), and what was left out."""

    rows: Iterable[RequestView]
    logged: bool  # False: no database yet, nothing logged
    limit: int | None  # the most shown (None: every one)
    total: int | None  # how many match (None: not counted, or nothing left out)
    truncated: bool  # some matching requests were left out (or, for --overdue, may have been)


class Imported(NamedTuple):
    """`prs request import`: the stored requests, or (nothing stored) the problems, as FILE:LINE:
    sentence; and the columns used (header, field) and ignored (header)."""

    stored: list[RequestRecord]
    problems: list[str]
    rows: int
    encoding: str  # what the file was read as: "UTF-8", or "Windows-1252" for a file with no UTF-8 in it
    used: list[tuple[str, str]] = []
    ignored: list[str] = []


# --- dates --------------------------------------------------------------------------------------


def dates_for(calendar, repo, record: RequestRecord, priors: dict | None = None) -> RequestDates:
    """request_dates with the outcome of the request it follows, when it follows one."""
    prior_outcome = None
    if record.follows_request is not None:
        prior = (priors or {}).get(record.follows_request) or repo.get(record.follows_request)
        prior_outcome = prior.outcome_on
    return request_dates(calendar, record, prior_outcome)


class DatesCache:
    """dates_for over a whole log: the outcomes of followed requests read in one query, and
    each distinct question asked of the rules once (request_dates is pure; on a real log
    thousands of requests share a board, service, series and received date)."""

    def __init__(self, calendar, repo):
        self.calendar = calendar
        self.repo = repo
        self.priors = repo.prior_outcomes()
        self.cache: dict = {}

    def __call__(self, record: RequestRecord) -> RequestDates:
        prior_outcome = None
        if record.follows_request is not None:
            if record.follows_request in self.priors:
                prior_outcome = self.priors[record.follows_request]
            else:
                prior_outcome = self.repo.get(record.follows_request).outcome_on
        key = (  # every field of the record request_dates reads
            record.series, record.awarding_body, record.qualification, record.service, record.results_released,
            record.received_on, record.sample_received_on, record.outcome_on, prior_outcome, record.decided_on,
            record.follows_request is not None,
        )
        dates = self.cache.get(key)
        if dates is None:
            dates = self.cache[key] = request_dates(self.calendar, record, prior_outcome)
        return dates


def _view(calendar, repo, record: RequestRecord, today: date) -> RequestView:
    dates = dates_for(calendar, repo, record)
    return RequestView(record, dates, overdue_reason(record, dates, today), outcome_shown(calendar, record))


def next_steps(calendar, conn, view: RequestView, lead_days: int) -> NextSteps:
    """The internal deadline of a draft (rules.agenda.internal_deadline) and the consent finding
    of a request that stands and needs consent."""
    from prs_cli.rules.agenda import internal_deadline
    from prs_cli.rules.consent import consent_status
    from prs_cli.store import consents as consent_store

    record = view.record
    closes = view.dates.request_deadline.date
    internal = internal_deadline(calendar, closes, lead_days) if record.status == "draft" and closes else None
    finding = None
    if record.stands and calendar.services[record.service].needs_consent:
        finding = consent_status(calendar, record, consent_store.for_request(conn, record))
    return NextSteps(internal, finding)


def log_views(calendar, repo, records: Iterable[RequestRecord], today: date):
    """RequestView of each record, one at a time, the dates memoised across the log."""
    dates_of = DatesCache(calendar, repo)
    for record in records:
        dates = dates_of(record)
        yield RequestView(record, dates, overdue_reason(record, dates, today), outcome_shown(calendar, record))


# --- the two places requests are written --------------------------------------------------------


def _store_new(db: Database, repo, records: list[RequestRecord], *, by: str | None, action: str = "added", progress=None) -> list[RequestRecord]:
    """Every new request is written here (add, appeal, import): all of them in one transaction.
    A request that follows another (an appeal) changes what is due for the one it follows too."""
    with db.writing():
        stored = repo.add_many(records, by=by, action=action, progress=progress)
        agenda_keys.refresh(repo.conn, agenda_keys.near(repo.conn, requests=[r.id for r in stored]))
    return stored


def _store_change(db: Database, write: Callable[..., RequestRecord], before: RequestRecord, after: RequestRecord, **how) -> RequestRecord:
    """Every change to a logged request is written here (submit, outcome, withdraw, reject), by
    one of the repository's transitions (`write`), in one transaction: `before` is the request
    as read, `after` as checked; only the columns that differ are written, and only if nobody
    changed them (or the status) meanwhile. An outcome or a closed appeal changes what is due
    for the requests that follow or are followed by it too."""
    with db.writing():
        stored = write(before, after, **how)
        conn = db.connection()
        agenda_keys.refresh(conn, agenda_keys.near(conn, requests=[stored.id]))
    return stored


# --- use cases ----------------------------------------------------------------------------------


def add_request(
    db: Database, calendar, given: intake.RequestInput, *, follows: int | None, today: date, by: str | None, lead_days: int = 2
) -> Logged:
    """Log a request, refused (nothing written) when the board would refuse it; with what it
    needs next (consent, the internal deadline)."""
    repo = db.requests(create=True, as_of=today)
    prior = repo.get(follows) if follows is not None else None
    prepared = intake.prepare_request(calendar, given, today=today, by=by, prior=prior)
    (stored,) = _store_new(db, repo, [prepared.record], by=by)
    view = _view(calendar, repo, stored, today)
    return Logged(view, tuple(prepared.warnings), prepared.fee_note, next_steps(calendar, repo.conn, view, lead_days))


def submit_request(
    db: Database,
    calendar,
    settings,
    request_id: int,
    *,
    received: date | None,
    sample_received: date | None,
    reference: str | None,
    today: date,
    by: str | None,
) -> Submitted:
    """Record that the board received a request: only by authorised staff (issue 5), only with
    valid consent (issue 4), never on a day before the request was logged for."""
    from prs_cli import config
    from prs_cli.service.consent import require_consent

    repo = db.requests(as_of=today)
    record = repo.get(request_id)
    config.check_submitter(settings, by)
    change = intake.submit(
        calendar, record, received=received, today=today, reference=reference, sample_received=sample_received, by=by,
        logged_on=repo.logged_on(record.id),
    )
    require_consent(calendar, repo.conn, record)
    stored = _store_change(db, repo.submit, record, change.record, by=by)
    return Submitted(_view(calendar, repo, stored, today), tuple(change.warnings))


def record_outcome(
    db: Database,
    calendar,
    request_id: int,
    *,
    on: date,
    mark_after: int | None,
    grade_after: str | None,
    unchanged: bool = False,
    today: date,
    by: str | None,
) -> OutcomeRecorded:
    """The board's outcome: up, down or unchanged (or a script copy's arrival), the fee, and
    the appeal deadline."""
    repo = db.requests(as_of=today)
    record = repo.get(request_id)
    result = intake.record_outcome(
        calendar, record, on=on, today=today, mark_after=mark_after, grade_after=grade_after, unchanged=unchanged
    )
    stored = _store_change(db, repo.outcome, record, result.record, by=by, direction=result.direction)
    stage = result.appeal_service
    return OutcomeRecorded(
        _view(calendar, repo, stored, today), result.direction, result.refund, result.appeal, stage,
        calendar.services[stage].name if stage is not None else None,
    )


def appeal(
    db: Database,
    calendar,
    settings,
    request_id: int,
    *,
    on: date,
    reference: str | None,
    late_reason: str | None,
    today: date,
    by: str | None,
) -> Logged:
    """The next appeal stage after a completed request (rules.deadlines.next_appeal: a
    preliminary appeal after a review, the hearing after it, Ofqual's review after the board's
    last stage), logged as received on `on`. Late only where the window is not fixed (a
    provisional one, as Ofqual's review), and then with `late_reason`. It is sent to the board as
    it is logged, so only authorised staff may log it (as for submit)."""
    from prs_cli import config
    from prs_cli.service.consent import require_consent

    repo = db.requests(as_of=today)
    prior = repo.get(request_id)
    config.check_submitter(settings, by)
    stage, deadline = intake.check_appeal(calendar, prior, on=on, today=today)
    given = intake.RequestInput(service=stage, late_reason=late_reason)
    prepared = intake.prepare_request(calendar, given, today=on, by=by, prior=prior, allow_late=deadline.provisional)
    change = intake.submit(calendar, prepared.record, received=on, today=today, reference=reference, by=by)
    require_consent(calendar, repo.conn, change.record, f"request {prior.id} cannot be appealed")
    (stored,) = _store_new(db, repo, [change.record], by=by)
    return Logged(_view(calendar, repo, stored, today), tuple(prepared.warnings), prepared.fee_note)


def edit_request(db: Database, calendar, request_id: int, changes: dict, *, today: date, by: str | None) -> RequestView:
    """Correct what was typed wrong (rules.intake.edit), audited; the agenda keys follow (a new
    candidate number changes which consent applies)."""
    repo = db.requests(as_of=today)
    record = repo.get(request_id)
    change, changed = intake.edit(calendar, record, changes)
    stored = _store_change(db, repo.edit, record, change.record, by=by, changed=changed)
    return _view(calendar, repo, stored, today)


def close_request(db: Database, calendar, request_id: int, *, status: str, reason: str, today: date, by: str | None) -> RequestView:
    """Withdraw a request, or record that the board rejected it (`status`)."""
    repo = db.requests(as_of=today)
    record = repo.get(request_id)
    change = intake.close(record, status=status, reason=reason)
    stored = _store_change(db, repo.close, record, change.record, by=by)
    return _view(calendar, repo, stored, today)


def list_requests(
    db: Database,
    calendar,
    *,
    status: str | None,
    awarding_body: str | None,
    service: str | None,
    series: str | None,
    candidate: str | None,
    overdue: bool,
    limit: int | None,
    today: date,
) -> Listing:
    """The matching requests, oldest first: the newest `limit` of them, or (None) every one,
    read one at a time. `overdue`: only those past their completion date or deadline."""
    filters = Filters(
        status=codes.resolve("status", status, STATUSES) if status else None,
        awarding_body=codes.resolve("awarding body", awarding_body, calendar.awarding_bodies) if awarding_body else None,
        service=codes.resolve("service", service, calendar.services) if service else None,
        series=codes.resolve("series", series, calendar.series) if series else None,
        candidate=intake.check_candidate(candidate) if candidate is not None else None,
        open_only=overdue,  # only a draft or a submitted request can be overdue
    )
    if not db.exists():
        return Listing((), False, limit, None, False)
    repo = db.requests()

    def matching(records):
        for view in log_views(calendar, repo, records, today):
            if not overdue or view.overdue is not None:
                yield view

    if limit is None:
        return Listing(matching(repo.iter(filters)), True, None, None, False)
    # the newest `limit`, then shown oldest first like the rest of the log
    rows = list(islice(matching(repo.iter(filters, newest_first=True)), limit))[::-1]
    total = None if overdue else repo.count(filters)  # counting the overdue means judging every one
    return Listing(rows, True, limit, total, len(rows) == limit and total != limit)


def show_request(db: Database, calendar, request_id: int, *, today: date, lead_days: int = 2) -> RequestPage:
    repo = db.requests()
    view = _view(calendar, repo, repo.get(request_id), today)
    return RequestPage(
        view, awaiting_sample(calendar, view.record, view.dates), repo.logged_on(request_id), next_steps(calendar, repo.conn, view, lead_days)
    )


class Trail(NamedTuple):
    """`prs request history`: the events, oldest first, and how many there are in all."""

    events: list
    total: int


def request_history(db: Database, request_id: int | None, *, limit: int | None = None) -> Trail:
    """The audit trail of one request (store.requests.Event), oldest first; with no id, the
    centre's whole trail: the latest `limit` events (None: every one)."""
    if request_id is not None:
        events = db.requests().history(request_id)
        return Trail(events, len(events))
    if not db.exists():
        return Trail([], 0)
    return Trail(*db.requests().trail(limit))


def import_requests(
    db: Database,
    calendar,
    file: Path,
    *,
    today: date,
    by: str | None,
    progress: Callable[[int], object] | None = None,
) -> Imported:
    """Every row of a CSV file checked as `prs request add` would, and against the file's other
    rows and the log; all stored, or none when any row has a problem. `progress(rows)`: a
    context manager giving a function told of each step done (two per row: checked, stored)."""
    from prs_cli.request_csv import read_rows

    table = read_rows(file)
    rows = table.rows
    header = {field: column for column, field in table.used}
    repo = db.requests(create=True, as_of=today)
    with (progress(len(rows)) if progress else nullcontext(lambda n: None)) as advance:
        records, problems = _check_rows(calendar, repo, file, rows, header, today, by, advance)
        if problems:
            return Imported([], problems, len(rows), table.encoding, table.used, table.ignored)
        stored = _store_new(db, repo, records, by=by, action="imported", progress=lambda n: advance(1))
    return Imported(stored, [], len(rows), table.encoding, table.used, table.ignored)


# Which column an unknown code was typed in (errors.UnknownCode.kind -> field).
_CODE_FIELDS = {"awarding body": "awarding_body", "qualification": "qualification", "service": "service", "series": "series"}


def _check_rows(calendar, repo, file, rows, header, today, by, advance):
    """Every row checked as `prs request add` would, plus duplicates within the file and
    against the log; returns (records, problems as FILE:LINE: column "HEADER": sentence),
    every unreadable cell of a row at once, never quoting a cell."""
    from prs_cli.errors import UnknownCode
    from prs_cli.request_csv import row_input

    def where(line, field):
        return f'{file}:{line}: column "{header[field]}"' if field in header else f"{file}:{line}"

    records, problems, seen = [], [], {}
    for line, values in rows:
        advance(1)
        given, cells = row_input(values)
        if cells:
            problems.extend(f"{where(line, field)}: {sentence}" for field, sentence in cells)
            continue
        try:
            record = intake.prepare_request(calendar, given, today=today, by=by).record
        except UnknownCode as error:
            field = _CODE_FIELDS.get(error.kind)
            problems.append(f"{where(line, field)}: not a known {error.kind} code" + (f"; {error.hint}" if error.hint else ""))
            continue
        except PrsError as error:  # a cell the rules refuse names its column and what it should hold
            field, expected = getattr(error, "field", None), getattr(error, "expected", None)
            if field is not None and expected is not None:
                problems.append(f"{where(line, field)}: should hold {expected}")
            else:
                problems.append(f"{file}:{line}: {error.message}" + (f"; {error.hint}" if error.hint else ""))
            continue
        key = (record.candidate, record.component, record.service, record.series, record.awarding_body,
               record.results_released, record.decided_on)  # as store.requests.duplicate_of
        if key in seen:
            problems.append(f"{file}:{line}: the same candidate, component, service and series as line {seen[key]}")
            continue
        seen[key] = line
        existing = repo.duplicate_of(record)
        if existing is not None:
            problems.append(f"{file}:{line}: already logged as request {existing}")
            continue
        records.append(record)
    return records, problems
