"""`prs consent`: record candidates' consent, check it, and dispose of it when the time comes.

Each command parses its options, calls one function of service/consent.py and renders what it
returns (render/consent.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common
from prs_cli.errors import ExitCode

app = common.group("Record candidates' consent, check it against results day, keep it as long as required.")

By = Annotated[Optional[str], typer.Option("--by", help="Who is doing this (default: your login name).")]
ID_RANGE = {"min": 1, "max": 2**63 - 1}  # SQLite's integer range: larger ids are a usage error, not a crash


@app.command("record")
def record(
    candidate: Annotated[str, typer.Option("--candidate", help="The 4-digit candidate number.")],
    on: Annotated[str, typer.Option("--on", metavar="DATE|DATETIME", help="When the candidate gave consent: YYYY-MM-DD, or YYYY-MM-DDTHH:MM on results day.")],
    method: Annotated[str, typer.Option("--method", metavar="form|email", help="A signed form, or an email from the candidate.")],
    covers: Annotated[str, typer.Option("--covers", metavar="S1,S2,ATS-P", help="The services it covers, comma-separated.")],
    series: Annotated[Optional[str], typer.Option("--series", help="Series id (default: that of --request, else the series whose post-results window is open).")] = None,
    given_by: Annotated[str, typer.Option("--given-by", help="Who gave it; anything but 'candidate' is kept but is never valid consent.")] = "candidate",
    classroom_use: Annotated[Optional[bool], typer.Option("--classroom-use/--no-classroom-use", help="Scripts: may the script be used in class.")] = None,
    anonymise: Annotated[Optional[bool], typer.Option("--anonymise/--no-anonymise", help="Scripts: must the candidate's name be removed first.")] = None,
    acknowledged_outcomes: Annotated[bool, typer.Option("--acknowledged-outcomes", help="The candidate was told the grade may go down, stay the same or go up.")] = False,
    request: Annotated[Optional[list[int]], typer.Option("--request", metavar="ID", **ID_RANGE, help="Tie it to this request (repeatable); default: the candidate's matching requests in the series.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A remark kept with the consent (removed when it is purged).")] = None,
    by: By = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Record a candidate's written consent; then show where its requests stand."""
    from prs_cli import clock
    from prs_cli.service.consent import record_consent

    day = common.today(today)
    cal = common.calendar(data_dir)
    given_on, given_at = clock.parse_date_or_datetime(on, "--on")
    result = record_consent(
        common.database(db), cal, candidate=candidate, given_on=given_on, given_at=given_at, method=method,
        covers=covers, series=series, given_by=given_by, acknowledged_outcomes=acknowledged_outcomes,
        classroom_use=classroom_use, anonymise=anonymise, requests=tuple(request or ()), note=note,
        today=day, by=common.who(by),
    )
    from prs_cli.render import consent as render

    if json:
        common.print_json(render.recorded_json(result))
        return
    line, notes = render.recorded_text(result)
    typer.echo(line)
    for remark in notes:
        common.note(remark)


PROBLEM_LIMIT = 50  # a screenful; --all is the full audit


@app.command("check")
def check(
    request_id: Annotated[Optional[int], typer.Argument(metavar="[REQUEST_ID]", **ID_RANGE, help="Check one request; default: those whose consent is not valid.")] = None,
    qualification: Annotated[Optional[str], typer.Option("--qualification", "-q", help="One question without a database: the qualification code.")] = None,
    on: Annotated[Optional[str], typer.Option("--on", metavar="DATE|DATETIME", help="One question: when consent was (or would be) given.")] = None,
    ab: Annotated[Optional[str], typer.Option("--ab", help="One question: the awarding body (its own release may differ).")] = None,
    series: Annotated[Optional[str], typer.Option("--series", help="One question: the series (default: the one whose results day is nearest --on).")] = None,
    results_released: Annotated[Optional[str], typer.Option("--results-released", metavar="YYYY-MM-DD", help="One question, Cambridge English: the day results went online.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show the last N logged whose consent is not valid.")] = PROBLEM_LIMIT,
    every: Annotated[bool, typer.Option("--all", help="Every request that needs consent, valid or not: the full audit.")] = False,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Is consent good? Lists the requests whose consent is not valid (the last 50 unless
    --limit or --all); exit 1 when there is any, so a script can stop on it."""
    from prs_cli.errors import InputError

    cal = common.calendar(data_dir)
    if qualification or on or ab or series or results_released:
        if request_id is not None:
            raise InputError("give either a request id or --qualification and --on, not both")
        if not (qualification and on):
            raise InputError("a one-question check needs both --qualification and --on")
        _one_question(cal, qualification, on, ab, series, results_released, json)
        return
    from prs_cli.render import consent as render
    from prs_cli.service.consent import check_consent

    check = check_consent(common.database(db), cal, request_id=request_id, every=every, limit=limit)
    problems = 0

    def rows():
        nonlocal problems
        for row in check.rows:
            problems += not row.ok
            yield row

    remark = render.check_remark(check)
    if json:
        from prs_cli.render.jsonout import write_array

        write_array((row._asdict() for row in rows()), sys.stdout.write)
    elif not render.check_table(rows(), render.check_title(check)):
        remark = remark or "No logged request needs consent."
    if remark:
        common.note(remark)
    if problems:
        raise typer.Exit(int(ExitCode.FINDING))


@app.command("due-for-disposal")
def due_for_disposal(
    today: common.Today = None,
    db: common.Db = None,
    json: common.Json = False,
) -> None:
    """Consents past their keep-until date (six months after the last outcome or appeal)."""
    from prs_cli.render import consent as render
    from prs_cli.service.consent import due_for_disposal as past_keep_until

    day = common.today(today)
    due = past_keep_until(common.database(db), today=day)
    if json:
        common.print_json([render.retention_json(c, r) for c, r in due])
        return
    if not due:
        common.note(f"Nothing is past its keep-until date on {day.isoformat()}.")
        return
    from prs_cli.rules.days import when

    render.retention_table(due, f"Consents past their keep-until date on {when(day)}")


@app.command("purge")
def purge(
    consent_ids: Annotated[Optional[list[int]], typer.Argument(metavar="[CONSENT_ID]...", **ID_RANGE, help="The consents to purge; default: every one due for disposal.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Really purge; without it nothing changes (a dry run).")] = False,
    by: By = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Remove the personal details of consents past keep-until; the audit trail keeps that a
    consent existed. A dry run unless --yes; never while a request it covers is open."""
    from prs_cli.render import consent as render
    from prs_cli.service.consent import purge as remove_details

    day = common.today(today)
    cal = common.calendar(data_dir)
    result = remove_details(common.database(db), cal, consent_ids=consent_ids, confirmed=yes, today=day, by=common.who(by))
    if json:
        common.print_json(render.purge_json(result))
        return
    for line in render.already_lines(result):
        typer.echo(line)
    if not result.chosen:
        if not result.already:
            common.note(f"Nothing is due for disposal on {day.isoformat()}.")
        return
    for line in render.purge_lines(result):
        typer.echo(line)
    if not yes:
        common.note("Dry run: nothing was changed. Add --yes to purge.")


@app.command("form")
def form(
    candidate: Annotated[Optional[str], typer.Option("--candidate", help="The 4-digit candidate number: that candidate's form.")] = None,
    missing: Annotated[bool, typer.Option("--missing", help="One form per candidate with a request needing consent and none valid (needs --out).")] = False,
    series: Annotated[Optional[str], typer.Option("--series", help="Series id (default: the series of the candidate's open requests).")] = None,
    format: Annotated[str, typer.Option("--format", metavar="text|markdown|html", help="The document format.")] = "text",
    out: Annotated[Optional[Path], typer.Option("--out", metavar="DIR", help="Write the forms into this folder (owner-only) instead of printing.")] = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
) -> None:
    """A consent form pre-filled with the centre, the candidate and each request, to sign once results are out."""
    from prs_cli import codes, config, paths
    from prs_cli.errors import InputError
    from prs_cli.render import documents as render
    from prs_cli.service.documents import consent_forms

    if (candidate is None) == (not missing):
        raise InputError("give --candidate N for one form, or --missing --out DIR for every form still needed")
    if missing and out is None:
        raise InputError("--missing writes one form per candidate: give --out DIR")
    fmt = codes.resolve("format", format, tuple(render.FORMATS))
    settings = config.load()
    papers = consent_forms(paths.database_path(db), common.calendar(data_dir), settings, candidate=candidate,
                           series=series, missing=missing, today=common.today(today))
    env = render.environment(render.centre_templates(settings.templates_dir))
    if out is None:
        typer.echo(render.render(env, f"consent_form.{render.FORMATS[fmt]}.j2", papers[0].context), nl=False)
        return
    written = render.write_papers(env, papers, "consent_form", "consent", fmt, out)
    common.note(f"Wrote {len(written)} consent form{'s' if len(written) != 1 else ''} in {out}." if written
                else "No candidate needs a consent form: every request needing consent has valid consent.")


def _one_question(cal, qualification, on, ab, series, results_released, json) -> None:
    """`prs consent check --qualification Q --on WHEN`: no database, exit 1 when not valid."""
    from prs_cli import clock
    from prs_cli.render import consent as render
    from prs_cli.service.consent import one_question

    given_on, given_at = clock.parse_date_or_datetime(on, "--on")
    released = clock.parse_date(results_released, "--results-released") if results_released else None
    answer = one_question(
        cal, qualification=qualification, given_on=given_on, given_at=given_at, awarding_body=ab,
        series=series, results_released=released,
    )
    if json:
        common.print_json(render.answer_json(answer))
    else:
        typer.echo(render.answer_text(answer, cal))
    if not answer.finding.ok:
        raise typer.Exit(int(ExitCode.FINDING))
