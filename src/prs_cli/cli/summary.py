"""`prs summary`: the `prs due` agenda as a daily digest for cron mail."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from prs_cli.cli import common


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def summary(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing (exit 0) when nothing is overdue or due in the window, so cron sends no mail.")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="text (plain, for mail), markdown or json.")] = Format.text,
    days: common.Days = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
) -> None:
    """A digest headed by the centre and the date: counts first, then each item. Plain text
    without colour or control characters, for cron; errors go to stderr with a non-zero exit."""
    from prs_cli import config
    from prs_cli.service.agenda import agenda

    settings = config.load()
    day = common.today(today)
    cal = common.calendar(data_dir)
    found = agenda(common.database(db), cal, settings, today=day, days=days, data_dir=common.user_data_dir(data_dir), every_id=format is not Format.text)
    if quiet and not found.items:
        return
    from prs_cli.render import agenda as render

    if format is Format.json:
        common.print_json(render.summary_json(found))
        return
    text = render.agenda_markdown if format is Format.markdown else render.agenda_text
    typer.echo(text(found.items, day, found.days, settings), nl=False)
