"""`prs request`: the request log, from first request to outcome and appeal.

Each command reads top to bottom: parse, load, call the rules (rules/intake.py), store
(store/requests.py), render (render/requests.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = common.group("The request log: add, submit, record outcomes, list and import.")

STATUSES = ("draft", "submitted", "completed", "withdrawn", "rejected")
PROGRESS_MIN_ROWS = 200

RequestId = Annotated[int, typer.Argument(help="The request's id (prs request list shows them).", metavar="ID")]
By = Annotated[Optional[str], typer.Option("--by", help="Who did it, for the audit trail. Default: your login name.")]


# --- shared steps ---------------------------------------------------------------------------


def open_requests(db: Path | None, *, create: bool = True):
    from prs_cli import paths
    from prs_cli.store.requests import Requests

    return Requests(common.open_db(db, create=create), paths.database_path(db))


def dates_for(cal, repo, record, priors: dict | None = None):
    """request_dates with the outcome of the request it follows, when it follows one."""
    from prs_cli.rules.requests import request_dates

    prior_outcome = None
    if record.follows_request is not None:
        prior = (priors or {}).get(record.follows_request) or repo.get(record.follows_request)
        prior_outcome = prior.outcome_on
    return request_dates(cal, record, prior_outcome)


class DatesCache:
    """dates_for over a whole log: the outcomes of followed requests read in one query, and
    each distinct question asked of the rules once (request_dates is pure; on a real log
    thousands of requests share a board, service, series and received date)."""

    def __init__(self, cal, repo):
        self.cal = cal
        self.repo = repo
        self.priors = repo.prior_outcomes()
        self.cache: dict = {}

    def __call__(self, record):
        from prs_cli.rules.requests import request_dates

        prior_outcome = None
        if record.follows_request is not None:
            if record.follows_request in self.priors:
                prior_outcome = self.priors[record.follows_request]
            else:
                prior_outcome = self.repo.get(record.follows_request).outcome_on
        key = (  # every field of the record request_dates reads
            record.series, record.awarding_body, record.qualification, record.service, record.results_released,
            record.received_on, record.sample_received_on, record.outcome_on, prior_outcome,
        )
        dates = self.cache.get(key)
        if dates is None:
            dates = self.cache[key] = request_dates(self.cal, record, prior_outcome)
        return dates


def _print_record(cal, repo, record, day) -> None:
    from prs_cli.render.requests import as_json

    common.print_json(as_json(record, dates_for(cal, repo, record), day))


def _log_new(cal, repo, prepared, record, who, day, json: bool) -> None:
    """Store a checked new request, tell the officer what they should know, print its id."""
    stored = repo.add(record, by=who)
    _warn(prepared.warnings)
    if prepared.fee_note:
        common.note(prepared.fee_note)
    if json:
        _print_record(cal, repo, stored, day)
    else:
        typer.echo(stored.id)


def _warn(messages) -> None:
    for message in messages:
        common.note(f"Warning: {message}")


# --- commands -------------------------------------------------------------------------------


@app.command("add")
def add(
    candidate: Annotated[Optional[str], typer.Option("--candidate", help="The 4-digit candidate number (not for Service 3).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="The candidate's name.")] = None,
    uci: Annotated[Optional[str], typer.Option("--uci", help="Unique candidate identifier (13 characters).")] = None,
    private: Annotated[bool, typer.Option("--private", help="A private candidate.")] = False,
    ab: Annotated[Optional[str], typer.Option("--ab", help="Awarding body code, e.g. AQA.")] = None,
    qualification: Annotated[Optional[str], typer.Option("--qualification", "-q", help="Qualification code, e.g. gce-a-level.")] = None,
    series: Annotated[Optional[str], typer.Option("--series", help="Series id. Default: the series whose post-results window is open today.")] = None,
    subject: Annotated[Optional[str], typer.Option("--subject", help="Subject title.")] = None,
    component: Annotated[Optional[str], typer.Option("--component", help="Unit or paper code: requests are per component.")] = None,
    service: Annotated[Optional[str], typer.Option("--service", help="Service code: S1, S2, PS2, S3, ATS-P, ATS-TL, APP1, CE1, CE2.")] = None,
    mark: Annotated[Optional[int], typer.Option("--mark", help="The original mark.")] = None,
    grade: Annotated[Optional[str], typer.Option("--grade", help="The original grade.")] = None,
    fee: Annotated[Optional[str], typer.Option("--fee", help="Fee in pounds. Default: the board's published fee, when known.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note for the log.")] = None,
    late_reason: Annotated[Optional[str], typer.Option("--late-reason", help="Log it although the deadline has passed, and why.")] = None,
    results_released: Annotated[Optional[str], typer.Option("--results-released", metavar="YYYY-MM-DD", help="Cambridge English: the day this candidate's results came out.")] = None,
    follows: Annotated[Optional[int], typer.Option("--follows", metavar="ID", help="APP1 and CE2: the completed request this one follows.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Log a request; refused, with nothing written, when the board would refuse it."""
    from prs_cli.rules import intake

    day = common.today(today)
    given = intake.RequestInput(
        awarding_body=ab, qualification=qualification, service=service, component=component,
        candidate=candidate, name=name, uci=uci, private_candidate=private or None, series=series,
        subject=subject, original_mark=mark, original_grade=grade, fee=fee, note=note,
        late_reason=late_reason, results_released=common.optional_date(results_released, "--results-released"),
    )
    cal = common.calendar(data_dir)
    repo = open_requests(db)
    prior = repo.get(follows) if follows is not None else None
    who = common.who(by)
    prepared = intake.prepare_request(cal, given, today=day, by=who, prior=prior)
    _log_new(cal, repo, prepared, prepared.record, who, day, json)


@app.command("submit")
def submit(
    request_id: RequestId,
    received: Annotated[Optional[str], typer.Option("--received", metavar="YYYY-MM-DD", help="The day the board received the request.")] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="The board's reference or acknowledgement.")] = None,
    sample_received: Annotated[Optional[str], typer.Option("--sample-received", metavar="YYYY-MM-DD", help="Service 3: the day the moderation sample arrived.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Record that the board received a request; its completion date follows."""
    from prs_cli.rules import intake

    day = common.today(today)
    received_on = common.optional_date(received, "--received")
    sample_on = common.optional_date(sample_received, "--sample-received")
    cal = common.calendar(data_dir)
    repo = open_requests(db, create=False)
    record = repo.get(request_id)
    who = common.who(by)
    from prs_cli import config

    config.check_submitter(config.load(), who)  # issue 5: only authorised staff submit
    change = intake.submit(cal, record, received=received_on, today=day, reference=ref, sample_received=sample_on, by=who)
    from prs_cli.cli.consent import require_consent

    require_consent(cal, repo.conn, record)  # issue 4: no submission without valid consent
    stored = repo.submit(change.record, by=who, previous_status=record.status)
    _warn(change.warnings)
    if json:
        _print_record(cal, repo, stored, day)
        return
    due = dates_for(cal, repo, stored).completion_due
    from prs_cli.rules.days import when

    line = f"Request {stored.id} submitted"
    if due is not None:
        line += f"; completion due {when(due.date)} ({due.rule}; {due.source})"
    typer.echo(line)


@app.command("outcome")
def outcome(
    request_id: RequestId,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The day the outcome arrived.")],
    mark_after: Annotated[Optional[int], typer.Option("--mark-after", help="The mark after the review.")] = None,
    grade_after: Annotated[Optional[str], typer.Option("--grade-after", help="The grade after the review.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Record the board's outcome: up, down or unchanged, the fee, and the appeal deadline."""
    from prs_cli.rules import intake

    day = common.today(today)
    on_day = common.optional_date(on, "--on")
    cal = common.calendar(data_dir)
    repo = open_requests(db, create=False)
    record = repo.get(request_id)
    result = intake.record_outcome(cal, record, on=on_day, today=day, mark_after=mark_after, grade_after=grade_after)
    stored = repo.outcome(result.record, by=common.who(by), direction=result.direction)
    if json:
        _print_record(cal, repo, stored, day)
        return
    from prs_cli.rules.days import when

    typer.echo(f"Request {stored.id} completed on {when(stored.outcome_on)}: {_direction_text(stored, result.direction)}.")
    typer.echo(f"Fee: {result.refund}.")
    if result.appeal is not None:
        typer.echo(f"Appeal deadline: {when(result.appeal.date)} ({result.appeal.rule}; {result.appeal.source}).")


def _direction_text(record, direction: str) -> str:
    what = {"up": "went up", "down": "went down", "unchanged": "stayed the same", "changed": "changed"}[direction]
    parts = []
    if record.original_grade or record.grade_after:
        parts.append(f"grade {record.original_grade or '?'} -> {record.grade_after or record.original_grade or '?'}")
    if record.mark_after is not None:
        parts.append(f"mark {record.original_mark if record.original_mark is not None else '?'} -> {record.mark_after}")
    text = f"the result {what}"
    if direction == "changed":
        text += " (prs cannot order this grade scale)"
    return text + (f" ({', '.join(parts)})" if parts else "")


@app.command("appeal")
def appeal(
    request_id: RequestId,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The day the preliminary appeal was made.")],
    ref: Annotated[Optional[str], typer.Option("--ref", help="The board's reference for the appeal.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Log a preliminary appeal (APP1) against a completed review; prints the appeal's id."""
    from prs_cli.rules import intake

    day = common.today(today)
    on_day = common.optional_date(on, "--on")
    cal = common.calendar(data_dir)
    repo = open_requests(db, create=False)
    review = repo.get(request_id)
    who = common.who(by)
    intake.check_appeal(cal, review, on=on_day, today=day)
    prepared = intake.prepare_request(cal, intake.RequestInput(service="APP1"), today=on_day, by=who, prior=review, allow_late=False)
    change = intake.submit(cal, prepared.record, received=on_day, today=day, reference=ref, by=who)
    from prs_cli.cli.consent import require_consent

    require_consent(cal, repo.conn, change.record, f"request {review.id} cannot be appealed")
    _log_new(cal, repo, prepared, change.record, who, day, json)


@app.command("withdraw")
def withdraw(
    request_id: RequestId,
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn.")],
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Withdraw a draft or submitted request (it no longer counts as a duplicate)."""
    _close(request_id, "withdrawn", reason, by, db, today, json, data_dir)


@app.command("reject")
def reject(
    request_id: RequestId,
    reason: Annotated[str, typer.Option("--reason", help="Why the board rejected it.")],
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Record that the board rejected a request (it no longer counts as a duplicate)."""
    _close(request_id, "rejected", reason, by, db, today, json, data_dir)


def _close(request_id, status, reason, by, db, today, json, data_dir) -> None:
    from prs_cli.rules import intake

    day = common.today(today)
    repo = open_requests(db, create=False)
    record = repo.get(request_id)
    change = intake.close(record, status=status, reason=reason)
    stored = repo.close(change.record, by=common.who(by), previous_status=record.status)
    if json:
        _print_record(common.calendar(data_dir), repo, stored, day)
    else:
        typer.echo(f"Request {stored.id} {status}.")


LIST_LIMIT = 50  # a screenful: the log of a whole centre over years is for --all or an export


@app.command("list")
def list_requests(
    status: Annotated[Optional[str], typer.Option("--status", help="draft, submitted, completed, withdrawn or rejected.")] = None,
    ab: Annotated[Optional[str], typer.Option("--ab", help="Awarding body code.")] = None,
    service: Annotated[Optional[str], typer.Option("--service", help="Service code.")] = None,
    series: Annotated[Optional[str], typer.Option("--series", help="Series id.")] = None,
    candidate: Annotated[Optional[str], typer.Option("--candidate", help="4-digit candidate number.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only requests past their completion date, or drafts past their deadline.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show the last N logged that match.")] = LIST_LIMIT,
    every: Annotated[bool, typer.Option("--all", help="Show every matching request, however many.")] = False,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """The last requests logged (50 unless --limit or --all), or those matching the filters,
    oldest first; --json prints an array."""
    from prs_cli import codes, paths
    from prs_cli.render.requests import overdue_reason
    from prs_cli.rules import intake
    from prs_cli.store.requests import Filters

    day = common.today(today)
    cal = common.calendar(data_dir)
    filters = Filters(
        status=codes.resolve("status", status, STATUSES) if status else None,
        awarding_body=codes.resolve("awarding body", ab, cal.awarding_bodies) if ab else None,
        service=codes.resolve("service", service, cal.services) if service else None,
        series=codes.resolve("series", series, cal.series) if series else None,
        candidate=intake.check_candidate(candidate) if candidate is not None else None,
        open_only=overdue,  # only a draft or a submitted request can be overdue
    )
    if not paths.database_path(db).exists():
        if json:
            common.print_json([])
        else:
            common.note("No requests logged yet.")
        return
    repo = open_requests(db, create=False)
    dates_of = DatesCache(cal, repo)

    def matching(records):
        for record in records:
            dates = dates_of(record)
            if overdue and overdue_reason(record, dates, day) is None:
                continue
            yield record, dates

    more = None
    if every:
        rows = matching(repo.iter(filters))
    else:  # the newest `limit`, then shown oldest first like the rest of the log
        from itertools import islice

        rows = list(islice(matching(repo.iter(filters, newest_first=True)), limit))[::-1]
        total = None if overdue else repo.count(filters)  # counting the overdue means judging every one
        if len(rows) == limit and total != limit:
            shown = f"The last {limit:,} of {total:,} requests" if total else f"The last {limit:,} overdue requests; there may be more"
            more = f"{shown}; --all lists every one, --limit N the last N."

    if json:
        import sys

        from prs_cli.render.jsonout import write_array
        from prs_cli.render.requests import as_json

        write_array((as_json(record, dates, day) for record, dates in rows), sys.stdout.write)
    else:
        from prs_cli.render.requests import requests_table

        if not requests_table(rows, day):
            common.note("No requests match.")
    if more:
        common.note(more)


@app.command("show")
def show(
    request_id: RequestId,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Everything about one request, with each date and the rule behind it."""
    day = common.today(today)
    cal = common.calendar(data_dir)
    repo = open_requests(db, create=False)
    record = repo.get(request_id)
    if json:
        _print_record(cal, repo, record, day)
        return
    from prs_cli.render.requests import show_text

    typer.echo(show_text(record, dates_for(cal, repo, record), day, cal))


@app.command("history")
def history(
    request_id: RequestId,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """The audit trail of one request: every change, when (UTC) and by whom."""
    repo = open_requests(db, create=False)
    events = repo.history(request_id)
    if json:
        common.print_json(
            [{"id": e.id, "at": e.at, "by": e.by, "action": e.action, "request": e.request_id, "details": e.details} for e in events]
        )
        return
    from prs_cli.render.requests import history_table

    history_table(events)


@app.command("import")
def import_requests(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row (the columns of a school request form).", metavar="FILE.csv")],
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Log every row of a CSV file, or none: each bad row is reported as FILE:LINE."""
    import sys

    from prs_cli.errors import InputError

    day = common.today(today)
    cal = common.calendar(data_dir)
    who = common.who(by)
    from prs_cli.request_csv import read_rows

    rows = read_rows(file)
    repo = open_requests(db)
    show_progress = sys.stderr.isatty() and len(rows) > PROGRESS_MIN_ROWS
    with _progress(show_progress, len(rows)) as advance:
        records, problems = _check_rows(cal, repo, file, rows, day, who, advance)
        if problems:
            for problem in problems:
                common.note(problem, wrap=False)
            raise InputError(f"{len(problems)} of {len(rows)} rows in {file} have problems; nothing was imported")
        stored = repo.add_many(records, by=who, action="imported", progress=lambda n: advance(1))
    if json:
        common.print_json({"imported": len(stored), "ids": [r.id for r in stored]})
    else:
        typer.echo(f"Imported {len(stored)} request{'s' if len(stored) != 1 else ''} from {file}.")


# --- import ---------------------------------------------------------------------------------


def _check_rows(cal, repo, file, rows, day, who, advance):
    """Every row checked as `prs request add` would, plus duplicates within the file and
    against the log; returns (records, problems as FILE:LINE: sentence)."""
    from prs_cli.errors import PrsError
    from prs_cli.request_csv import row_input
    from prs_cli.rules.intake import prepare_request

    records, problems, seen = [], [], {}
    for line, values in rows:
        advance(1)
        try:
            record = prepare_request(cal, row_input(values), today=day, by=who).record
        except PrsError as error:
            problems.append(f"{file}:{line}: {error.message}" + (f"; {error.hint}" if error.hint else ""))
            continue
        key = (record.candidate, record.component, record.service, record.series, record.awarding_body)
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


class _progress:
    """A rich progress bar on stderr for large imports on a terminal; otherwise nothing."""

    def __init__(self, enabled: bool, rows: int):
        self.enabled = enabled
        self.rows = rows
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        from prs_cli.render.console import console

        self.bar = Progress(console=console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("Importing", total=self.rows * 2)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
