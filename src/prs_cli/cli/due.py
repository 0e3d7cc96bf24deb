"""`prs due`: one agenda, most urgent first, from the log, consent and the calendar."""

from __future__ import annotations

import sys

import typer

from prs_cli.cli import common


def due(
    days: common.Days = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """What is overdue, what closes soon and what to chase, overdue first."""
    from prs_cli import config
    from prs_cli.service.agenda import agenda

    settings = config.load()
    day = common.today(today)
    cal = common.calendar(data_dir)
    found = agenda(common.database(db), cal, settings, today=day, days=days, data_dir=common.user_data_dir(data_dir), every_id=json)
    if json:
        from prs_cli.render.agenda import record

        common.print_json([record(item) for item in found.items])
        return
    if not found.items:
        common.note(f"Nothing is overdue or due in the {found.days} days from {day.isoformat()}.")
        return
    from prs_cli.render import agenda as render

    if sys.stdout.isatty():
        render.agenda_table(found.items, day, found.days)
    else:  # a pipe or a file: the plain text of 'prs summary', without loading rich
        typer.echo(render.agenda_text(found.items, day, found.days, settings), nl=False)
