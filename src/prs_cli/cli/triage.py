"""`prs triage`: who should ask for a review, from the results and boundaries held; with --log,
the chosen results become draft requests through the checks of `prs request add`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def triage(
    within: Annotated[Optional[int], typer.Option("--within", min=1, max=100, help="List results this many marks or fewer below the next grade. Default: triage_within in 'prs config' (5).")] = None,
    series: Annotated[Optional[str], typer.Option("--series", help="Only this series.")] = None,
    ab: Annotated[Optional[str], typer.Option("--ab", help="Only this awarding body.")] = None,
    subject: Annotated[Optional[str], typer.Option("--subject", help="Only subjects containing this text (any case).")] = None,
    log: Annotated[Optional[str], typer.Option("--log", metavar="SERVICE", help="Show the draft requests of this service the list would log (a dry run unless --yes).")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="With --log: really log the drafts.")] = False,
    by: Annotated[Optional[str], typer.Option("--by", help="Who logged them, for the audit trail. Default: your login name.")] = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Who should ask for a review: results a few marks below the next grade's boundary,
    closest first, with the services still open and any request already logged."""
    from prs_cli import codes, config, paths
    from prs_cli.errors import InputError
    from prs_cli.service.triage import triage as run

    if yes and not log:
        raise InputError("--yes goes with --log SERVICE")
    day = common.today(today)
    cal = common.calendar(data_dir)
    chosen_series = codes.resolve("series", series, cal.series) if series else None
    body = codes.resolve("awarding body", ab, cal.awarding_bodies) if ab else None
    service = codes.resolve("service", log, cal.services) if log else None
    n = within if within is not None else config.load().triage_within
    path = paths.database_path(db)
    conn = common.database(db).connection() if path.exists() else None
    try:
        report = run(conn, cal, today=day, within=n, series=chosen_series, awarding_body=body, subject=subject, data_dir=data_dir)
        logged = None
        if service is not None and conn is not None:
            from prs_cli.service.triage import log_drafts

            logged = log_drafts(conn, path, cal, report, service, today=day, by=common.who(by), apply=yes)
    finally:
        if conn is not None:
            conn.close()
    if logged is not None:
        _print_logged(cal, logged, service, json)
    elif json:
        import sys

        from prs_cli.render.jsonout import write_array
        from prs_cli.render.triage import record

        write_array(map(record, report.items), sys.stdout.write)
    elif report.items:
        from prs_cli.render.triage import triage_text

        typer.echo(triage_text(report, cal), nl=False)
    _remarks(report)


def _remarks(report) -> None:
    if report.results == 0:
        common.note("No results held; import them with 'prs results import FILE.csv'.")
        return
    if not report.items:
        common.note(f"No result is within {report.within} mark{'s' if report.within != 1 else ''} below the next grade's boundary.")
    if report.no_boundary:
        common.note(
            f"{report.no_boundary} result{'s' if report.no_boundary != 1 else ''} not listed: no grade boundary known "
            "(import them with 'prs boundaries import')."
        )


def _print_logged(cal, logged, service: str, json: bool) -> None:
    from prs_cli.render.triage import drafts_text, record

    if json:
        common.print_json(
            {
                "dry_run": logged.dry_run,
                "service": service,
                "logged": list(logged.logged),
                "drafts": [record(p.item) for p in logged.plans if p.record is not None],
                "skipped": [{**record(p.item), "reason": p.skipped} for p in logged.plans if p.record is None],
            }
        )
        return
    found = cal.services[service]
    typer.echo(drafts_text(logged, f"{found.name} ({service})"), nl=False)
    if logged.dry_run and any(p.record is not None for p in logged.plans):
        common.note("Dry run: nothing was logged. Add --yes to log them.")
    elif logged.logged:
        common.note("Each draft needs the candidate's written consent before it is submitted: 'prs due' lists them.")
