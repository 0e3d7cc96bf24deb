"""`prs boundaries`: grade boundaries in from CSV (all or none, each set checked against its
grade scale), and the boundaries held listed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = common.group("Grade boundaries: import them from CSV and list those held.")

Series = Annotated[Optional[str], typer.Option("--series", help="Series id. Default: the series whose post-results window is open today.")]


@app.command("import")
def import_boundaries(
    file: Annotated[Path, typer.Argument(help="A CSV file of grade boundaries with a header row.", metavar="FILE.csv")],
    series: Series = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who did it, for the audit trail. Default: your login name.")] = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Import grade boundaries (CSV), all or none: grades in their scale's order with marks
    falling; a file that breaks that is refused naming the line."""
    from prs_cli import codes, paths
    from prs_cli.grade_data import load_scales
    from prs_cli.results_csv import FileProblems
    from prs_cli.rules.intake import default_series
    from prs_cli.service.results import import_boundaries as run

    day = common.today(today)
    cal = common.calendar(data_dir)
    chosen = codes.resolve("series", series, cal.series) if series else default_series(cal, day)
    scales = load_scales(data_dir, cal.qualifications)
    conn = common.database(db).connection(create=True)
    try:
        report = run(conn, paths.database_path(db), cal, scales, file, series=chosen, by=common.who(by))
    except FileProblems as problems:
        for problem in problems.problems:
            common.note(problem, wrap=False)
        raise
    finally:
        conn.close()
    if json:
        common.print_json({"series": report.series, "components": report.sets, "boundaries": report.boundaries})
        return
    from prs_cli.render.console import fill, width

    typer.echo(fill(
        f"Imported {report.boundaries} boundar{'ies' if report.boundaries != 1 else 'y'} for {report.sets} "
        f"component{'s' if report.sets != 1 else ''} or subject{'s' if report.sets != 1 else ''} in {cal.series[report.series].name}.",
        width(),
    ))


@app.command("list")
def list_boundaries(
    series: Annotated[Optional[str], typer.Option("--series", help="Only this series.")] = None,
    db: common.Db = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """The grade boundaries held: imported ones and those in boundaries_*.yaml in the data folder."""
    from prs_cli import codes, paths
    from prs_cli.grade_data import load_boundaries

    cal = common.calendar(data_dir)
    chosen = codes.resolve("series", series, cal.series) if series else None
    sets = [s for s in load_boundaries(data_dir, cal) if chosen is None or s.series == chosen]
    if paths.database_path(db).exists():
        from prs_cli.store.results import boundary_sets

        conn = common.database(db).connection()
        try:
            sets += boundary_sets(conn, series=chosen)
        finally:
            conn.close()
    if json:
        common.print_json(
            [
                {"series": s.series, "awarding_body": s.awarding_body, "qualification": s.qualification, "subject": s.subject,
                 "component": s.component or None, "max_mark": s.max_mark, "grades": [{"grade": b.grade, "mark": b.mark} for b in s.grades]}
                for s in sets
            ]
        )
        return
    if not sets:
        common.note("No grade boundaries held; import them with 'prs boundaries import FILE.csv'.")
        return
    from prs_cli.render.console import fill, width

    room = width()
    for s in sets:
        head = f"{s.series} {s.awarding_body} {s.qualification} {s.subject or ''} {s.component or '(whole)'}".replace("  ", " ")
        grades = ", ".join(f"{b.grade} {b.mark}" for b in s.grades) + (f" (of {s.max_mark})" if s.max_mark else "")
        typer.echo(fill(f"{head}: {grades}", room, hanging="  "))
