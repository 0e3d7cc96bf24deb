"""`prs checklist`: the results-day and post-results tasks dated for a series, and what to keep."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = typer.Typer(
    help="The results-day and post-results tasks dated for a series, ticked as they are done.",
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

Series = Annotated[Optional[str], typer.Option("--series", help="Series id (default: the series whose checklist is in hand).")]
Key = Annotated[str, typer.Argument(metavar="KEY", help="The task's key, as 'prs checklist' shows it.")]
By = Annotated[Optional[str], typer.Option("--by", help="Who is doing this (default: your login name).")]


@app.callback()
def checklist(
    ctx: typer.Context,
    series: Series = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """The results-day and post-results tasks dated for a series, ticked as they are done.
    Lists each task with its date and whether it is done, then what the centre must keep and
    until when."""
    if ctx.invoked_subcommand is not None:
        return
    from prs_cli import config, paths
    from prs_cli.service import checklist as service

    cal = common.calendar(data_dir)
    view = service.show(paths.database_path(db), cal, _checklist(cal, data_dir), series=series,
                        today=common.today(today), lead_days=config.load().lead_days)
    from prs_cli.render import checklist as render

    if json:
        common.print_json([render.record(row) for row in view.rows])
        return
    typer.echo(render.checklist_text(view), nl=False)


@app.command("done")
def done(
    key: Key,
    note: Annotated[Optional[str], typer.Option("--note", help="A remark kept with the tick (not in the audit trail).")] = None,
    series: Series = None,
    by: By = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
) -> None:
    """Tick a task (or a retention item once the work is disposed of); audited."""
    from prs_cli import config, paths
    from prs_cli.service import checklist as service

    cal = common.calendar(data_dir)
    tick = service.tick(paths.database_path(db), cal, _checklist(cal, data_dir), key=key, series=series,
                        today=common.today(today), lead_days=config.load().lead_days, note=note, by=common.who(by))
    typer.echo(f"Done: {key} ({tick.series}).")


@app.command("undo")
def undo(
    key: Key,
    series: Series = None,
    by: By = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
) -> None:
    """Untick a task ticked by mistake; audited."""
    from prs_cli import config, paths
    from prs_cli.service import checklist as service

    cal = common.calendar(data_dir)
    series_id = service.untick(paths.database_path(db), cal, _checklist(cal, data_dir), key=key, series=series,
                               today=common.today(today), lead_days=config.load().lead_days, by=common.who(by))
    typer.echo(f"Not done: {key} ({series_id}).")


def _checklist(cal, data_dir):
    from prs_cli.calendar.checklist import load_checklist

    return load_checklist(cal, data_dir)
