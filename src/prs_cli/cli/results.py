"""`prs results`: results broadsheets in (all rows or none), revised results reported and, when
asked, recorded as outcomes; results disposed of once their series is over."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = common.group("Results broadsheets: import them, and dispose of them when their series is over.")

Series = Annotated[Optional[str], typer.Option("--series", help="Series id. Default: the series whose post-results window is open today.")]
By = Annotated[Optional[str], typer.Option("--by", help="Who did it, for the audit trail. Default: your login name.")]


def _series(cal, series: str | None, day):
    from prs_cli import codes
    from prs_cli.rules.intake import default_series

    return codes.resolve("series", series, cal.series) if series else default_series(cal, day)


def _scales(cal, data_dir):
    from prs_cli.grade_data import load_scales

    return load_scales(data_dir, cal.qualifications)


@app.command("import")
def import_results(
    file: Annotated[Path, typer.Argument(help="A CSV results broadsheet with a header row.", metavar="FILE.csv")],
    series: Series = None,
    record_outcomes: Annotated[bool, typer.Option("--record-outcomes", help="Record each changed mark or grade as the outcome of the matching submitted requests.")] = False,
    outcome_on: Annotated[Optional[str], typer.Option("--outcome-on", metavar="YYYY-MM-DD", help="With --record-outcomes: the day the outcomes arrived. Default: today.")] = None,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Import a results broadsheet (CSV), all rows or none; a later file for the same series
    reports every mark or grade it changed."""
    from prs_cli import paths
    from prs_cli.results_csv import FileProblems
    from prs_cli.service.results import import_results as run

    day = common.today(today)
    on = common.optional_date(outcome_on, "--outcome-on")
    if on is not None and not record_outcomes:
        from prs_cli.errors import InputError

        raise InputError("--outcome-on goes with --record-outcomes")
    cal = common.calendar(data_dir)
    chosen = _series(cal, series, day)
    scales = _scales(cal, data_dir)
    conn = common.database(db).connection(create=True)
    try:
        report = run(conn, paths.database_path(db), cal, scales, file, series=chosen, today=day, by=common.who(by),
                     record_outcomes=record_outcomes, outcome_on=on)
    except FileProblems as problems:
        for problem in problems.problems:
            common.note(problem, wrap=False)
        raise
    finally:
        conn.close()
    if json:
        common.print_json(
            {
                "series": report.series,
                "imported": report.rows,
                "added": report.added,
                "changed": [{**change._asdict(), "component": change.component or None} for change in report.changed],
                "outcomes": [outcome._asdict() for outcome in report.outcomes],
                "unrecorded": list(report.unrecorded),
                "keep_until": report.keep_until.date,
            }
        )
        return
    _print_import(cal, report, record_outcomes)


def _print_import(cal, report, record_outcomes: bool) -> None:
    from prs_cli.rules.days import when

    name = cal.series[report.series].name
    held = report.rows - report.added
    _say(
        f"Imported {report.rows} result{'s' if report.rows != 1 else ''} for {name}"
        + (f" ({report.added} new, {held} already held)" if held else "")
        + "."
    )
    if report.changed:
        typer.echo(f"Changed ({len(report.changed)}):")
        for c in report.changed:
            what = []
            if c.mark_before != c.mark_after:
                what.append(f"mark {c.mark_before} -> {c.mark_after}")
            if (c.grade_before or None) != (c.grade_after or None):
                what.append(f"grade {c.grade_before or '-'} -> {c.grade_after or '-'}")
            _say(f"  line {c.line}: {c.candidate} {c.awarding_body} {c.qualification} {c.component or c.subject}: {', '.join(what)}")
    for outcome in report.outcomes:
        _say(f"Request {outcome.request_id}: outcome recorded ({outcome.direction}); fee: {outcome.refund}.")
    if report.unrecorded:
        ids = ", ".join(map(str, report.unrecorded))
        _say(
            f"The changes are outcomes of submitted request{'s' if len(report.unrecorded) != 1 else ''} {ids}, not recorded: "
            "record each with 'prs request outcome ID', or import revised results with --record-outcomes.",
            err=True,
        )
    keep = report.keep_until
    if keep.date is not None:
        _say(f"Results are personal data: kept until {when(keep.date)}, when the {keep.rule} ({keep.source}); then 'prs results purge'.", err=True)
    else:
        _say(f"Results are personal data: {keep.rule}.", err=True)


def _say(text: str, *, err: bool = False) -> None:
    """One message, wrapped at spaces to the width of its stream (render.console.width)."""
    import sys

    from prs_cli.render.console import fill, width

    typer.echo(fill(text, width(sys.stderr if err else None), hanging="    " if text.startswith("  ") else "  "), err=err)


@app.command("purge")
def purge(
    series: Annotated[Optional[str], typer.Option("--series", help="Only this series. Default: every series whose results are due for disposal.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Really delete; without it nothing changes (a dry run).")] = False,
    by: By = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Dispose of results once their series' reviews and appeals are over (a dry run unless
    --yes); never while a request of that series is open."""
    from prs_cli import codes, paths
    from prs_cli.rules.days import when
    from prs_cli.service.results import purge_results

    day = common.today(today)
    cal = common.calendar(data_dir)
    chosen = codes.resolve("series", series, cal.series) if series else None
    if not paths.database_path(db).exists():
        report = None
    else:
        conn = common.database(db).connection()
        try:
            report = purge_results(conn, paths.database_path(db), cal, series=chosen, today=day, apply=yes, by=common.who(by))
        finally:
            conn.close()
    held = report.series if report else ()
    if json:
        common.print_json(
            {
                "dry_run": not yes,
                "series": [
                    {"series": h.series, "results": h.results, "open_requests": h.open_requests, "keep_until": h.keep_until.date,
                     "due": h.due, "purged": h.purged}
                    for h in held
                ],
            }
        )
        return
    if not held:
        common.note("No results are held" + (f" for {chosen}." if chosen else "."))
        return
    for h in held:
        name = cal.series[h.series].name if h.series in cal.series else h.series
        count = f"{h.results} result{'s' if h.results != 1 else ''}"
        if h.purged:
            _say(f"Purged {count} of {name}.")
        elif h.due:
            _say(f"Would purge {count} of {name} (kept until {when(h.keep_until.date)}).")
        elif h.open_requests:
            _say(f"Keeping {count} of {name}: {h.open_requests} of its requests still open.")
        elif h.keep_until.date is None:
            _say(f"Keeping {count} of {name}: {h.keep_until.rule}.")
        else:
            _say(f"Keeping {count} of {name} until {when(h.keep_until.date)}, when the {h.keep_until.rule}.")
    if not yes and any(h.due for h in held):
        common.note("Dry run: nothing was deleted. Add --yes to purge.")
