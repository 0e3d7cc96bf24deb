"""`prs request`: the request log, from first request to outcome and appeal.

Each command parses its options, calls one function of service/requests.py and renders what it
returns (render/requests.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = common.group("The request log: add, submit, record outcomes, list and import.")

PROGRESS_MIN_ROWS = 200

RequestId = Annotated[int, typer.Argument(help="The request's id (prs request list shows them).", metavar="ID")]
By = Annotated[Optional[str], typer.Option("--by", help="Who did it, for the audit trail. Default: your login name.")]


def _print_request(view) -> None:
    from prs_cli.render.requests import as_json

    common.print_json(as_json(view))


def _show_logged(logged, json: bool, calendar=None) -> None:
    """A new request: what the officer should know (stderr: what was logged, the next step),
    then its id alone on stdout, for scripts (or JSON)."""
    lines = []
    if calendar is not None and not json:
        from prs_cli.render.requests import logged_lines

        lines = logged_lines(logged, calendar)
    for line in lines[:1]:
        common.note(line)
    _warn(logged.warnings)
    if logged.fee_note:
        common.note(logged.fee_note)
    for line in lines[1:]:
        common.note(line)
    if json:
        _print_request(logged.request)
    else:
        typer.echo(logged.request.record.id)


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
    service: Annotated[Optional[str], typer.Option("--service", help="Service code: S1, S2, PS2, S3, ATS-P, ATS-TL, APP1, APP2, APP-MAL, APP-AA, APP-SC, EPRS, CE1, CE2, CE-APP.")] = None,
    mark: Annotated[Optional[int], typer.Option("--mark", help="The original mark.")] = None,
    grade: Annotated[Optional[str], typer.Option("--grade", help="The original grade.")] = None,
    fee: Annotated[Optional[str], typer.Option("--fee", help="Fee in pounds. Default: the board's published fee, when known.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note for the log.")] = None,
    late_reason: Annotated[Optional[str], typer.Option("--late-reason", help="Log it although the deadline has passed, and why.")] = None,
    results_released: Annotated[Optional[str], typer.Option("--results-released", metavar="YYYY-MM-DD", help="Cambridge English: the day this candidate's results came out.")] = None,
    follows: Annotated[Optional[int], typer.Option("--follows", metavar="ID", help="An appeal stage, CE2, or NCFE's S2 after S1: the completed request this one follows.")] = None,
    decided_on: Annotated[Optional[str], typer.Option("--decided-on", metavar="YYYY-MM-DD", help="APP-MAL, APP-AA, APP-SC: the day of the decision appealed against.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Log a request; refused, with nothing written, when the board would refuse it."""
    from prs_cli.rules.intake import RequestInput
    from prs_cli.service.requests import add_request

    day = common.today(today)
    given = RequestInput(
        awarding_body=ab, qualification=qualification, service=service, component=component,
        candidate=candidate, name=name, uci=uci, private_candidate=private or None, series=series,
        subject=subject, original_mark=mark, original_grade=grade, fee=fee, note=note,
        late_reason=late_reason, results_released=common.optional_date(results_released, "--results-released"),
        decided_on=common.optional_date(decided_on, "--decided-on"),
    )
    from prs_cli import config

    cal = common.calendar(data_dir)
    logged = add_request(
        common.database(db), cal, given, follows=follows, today=day, by=common.who(by), lead_days=config.load().lead_days
    )
    _show_logged(logged, json, cal)


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
    from prs_cli import config
    from prs_cli.service.requests import submit_request

    day = common.today(today)
    received_on = common.optional_date(received, "--received")
    sample_on = common.optional_date(sample_received, "--sample-received")
    cal = common.calendar(data_dir)
    result = submit_request(
        common.database(db), cal, config.load(), request_id,
        received=received_on, sample_received=sample_on, reference=ref, today=day, by=common.who(by),
    )
    _warn(result.warnings)
    if json:
        _print_request(result.request)
        return
    from prs_cli.render.requests import submitted_line

    typer.echo(submitted_line(result.request))


@app.command("outcome")
def outcome(
    request_id: RequestId,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The day the outcome arrived.")],
    mark_after: Annotated[Optional[int], typer.Option("--mark-after", help="The mark after the review.")] = None,
    grade_after: Annotated[Optional[str], typer.Option("--grade-after", help="The grade after the review.")] = None,
    unchanged: Annotated[bool, typer.Option("--unchanged", help="The board left the grade and mark as they were.")] = False,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Record the board's outcome: --grade-after (and --mark-after), or --unchanged; for access
    to scripts, only the day the copy arrived. Then the fee, and the appeal deadline."""
    from prs_cli.service.requests import record_outcome

    day = common.today(today)
    on_day = common.optional_date(on, "--on")
    cal = common.calendar(data_dir)
    result = record_outcome(
        common.database(db), cal, request_id, on=on_day, mark_after=mark_after, grade_after=grade_after, unchanged=unchanged,
        today=day, by=common.who(by),
    )
    if json:
        _print_request(result.request)
        return
    from prs_cli.render.requests import outcome_lines

    for line in outcome_lines(result):
        typer.echo(line)


@app.command("appeal")
def appeal(
    request_id: RequestId,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The day the appeal was made.")],
    ref: Annotated[Optional[str], typer.Option("--ref", help="The board's reference for the appeal.")] = None,
    late_reason: Annotated[Optional[str], typer.Option("--late-reason", help="Past a window that is not fixed (Ofqual's review): why.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Log the next appeal stage after a completed request (a preliminary appeal APP1 after a
    review, the hearing APP2 after it, Ofqual's review EPRS after the board's last stage, a
    Cambridge English appeal after an enquiry); prints the appeal's id."""
    from prs_cli import config
    from prs_cli.service.requests import appeal as log_appeal

    day = common.today(today)
    on_day = common.optional_date(on, "--on")
    cal = common.calendar(data_dir)
    logged = log_appeal(
        common.database(db), cal, config.load(), request_id, on=on_day, reference=ref, late_reason=late_reason, today=day,
        by=common.who(by),
    )
    _show_logged(logged, json)


@app.command("edit")
def edit(
    request_id: RequestId,
    name: Annotated[Optional[str], typer.Option("--name", help="The candidate's name.")] = None,
    candidate: Annotated[Optional[str], typer.Option("--candidate", help="The 4-digit candidate number.")] = None,
    uci: Annotated[Optional[str], typer.Option("--uci", help="Unique candidate identifier (13 characters).")] = None,
    subject: Annotated[Optional[str], typer.Option("--subject", help="Subject title.")] = None,
    component: Annotated[Optional[str], typer.Option("--component", help="Unit or paper code.")] = None,
    mark: Annotated[Optional[int], typer.Option("--mark", help="The original mark.")] = None,
    grade: Annotated[Optional[str], typer.Option("--grade", help="The original grade.")] = None,
    fee: Annotated[Optional[str], typer.Option("--fee", help="Fee in pounds.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note for the log.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Correct what was typed wrong; the change goes in the audit trail (old and new for codes,
    marks and money; for personal details only that they changed)."""
    from prs_cli.service.requests import edit_request

    given = {"name": name, "candidate": candidate, "uci": uci, "subject": subject, "component": component,
             "original_mark": mark, "original_grade": grade, "fee": fee, "note": note}
    changes = {field: value for field, value in given.items() if value is not None}
    if not changes:
        from prs_cli.errors import InputError

        raise InputError("say what to correct, e.g. --component 7357/2 (prs request edit --help lists the fields)")
    day = common.today(today)
    view = edit_request(common.database(db), common.calendar(data_dir), request_id, changes, today=day, by=common.who(by))
    if json:
        _print_request(view)
    else:
        typer.echo(f"Request {view.record.id} corrected ({', '.join(f.replace('original_', '') for f in changes)}).")


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
    from prs_cli.service.requests import close_request

    day = common.today(today)
    view = close_request(common.database(db), common.calendar(data_dir), request_id, status=status, reason=reason, today=day, by=common.who(by))
    if json:
        _print_request(view)
    else:
        typer.echo(f"Request {view.record.id} {status}.")


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
    from prs_cli.service.requests import list_requests as matching

    day = common.today(today)
    cal = common.calendar(data_dir)
    listing = matching(
        common.database(db), cal, status=status, awarding_body=ab, service=service, series=series,
        candidate=candidate, overdue=overdue, limit=None if every else limit, today=day,
    )
    if not listing.logged:
        if json:
            common.print_json([])
        else:
            common.note("No requests logged yet.")
        return
    from prs_cli.render import requests as render

    if json:
        from prs_cli.render.jsonout import write_array

        write_array(map(render.as_json, listing.rows), sys.stdout.write)
    elif not render.requests_table(listing.rows, day):
        common.note("No requests match.")
    more = render.listing_note(listing)
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
    from prs_cli import config
    from prs_cli.service.requests import show_request

    day = common.today(today)
    cal = common.calendar(data_dir)
    page = show_request(common.database(db), cal, request_id, today=day, lead_days=config.load().lead_days)
    if json:
        _print_request(page.request)
        return
    from prs_cli.render.requests import show_text

    typer.echo(show_text(page, cal))


HISTORY_LIMIT = 50  # the centre's trail: a screenful of the latest; --all for every line


@app.command("history")
def history(
    request_id: Annotated[Optional[int], typer.Argument(help="The request's id. Without it: the centre's whole trail.", metavar="[ID]")] = None,
    every: Annotated[bool, typer.Option("--all", help="The whole trail, not only the latest 50 lines.")] = False,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """The audit trail of one request, or (no id) of the centre, latest 50 unless --all: every
    change, when (UTC), by whom; reasons for withdrawals and rejections, refunds in words."""
    from prs_cli.render.requests import history_json, history_table
    from prs_cli.service.requests import request_history

    trail = request_history(common.database(db), request_id, limit=None if every or request_id is not None else HISTORY_LIMIT)
    if json:
        common.print_json(history_json(trail.events))
        return
    if not trail.events:
        common.note("Nothing logged yet.")
        return
    history_table(trail.events, whole=request_id is None)
    if len(trail.events) < trail.total:
        common.note(f"The latest {len(trail.events)} of {trail.total} lines; --all shows every one.")


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
    from prs_cli.errors import InputError
    from prs_cli.render.console import ProgressBar
    from prs_cli.service.requests import import_requests as check_and_store

    day = common.today(today)
    cal = common.calendar(data_dir)
    who = common.who(by)

    def progress(rows: int):
        return ProgressBar(sys.stderr.isatty() and rows > PROGRESS_MIN_ROWS, rows * 2)

    result = check_and_store(common.database(db), cal, file, today=day, by=who, progress=progress)
    if not json:
        from prs_cli.render.requests import columns_lines

        for line in columns_lines(result.used, result.ignored):
            common.note(line)
    if result.problems:
        for problem in result.problems:
            common.note(problem, wrap=False)
        raise InputError(f"{len(result.problems)} of {result.rows} rows in {file} have problems; nothing was imported")
    stored = result.stored
    from prs_cli.render.requests import encoding_note

    remark = encoding_note(result, file)
    if remark:
        common.note(remark)
    if json:
        common.print_json({"imported": len(stored), "ids": [r.id for r in stored],
                           "columns_used": {column: field for column, field in result.used},
                           "columns_ignored": result.ignored})
    else:
        typer.echo(f"Imported {len(stored)} request{'s' if len(stored) != 1 else ''} from {file}.")
