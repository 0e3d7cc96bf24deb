"""`prs status`: requests by status, board and service for a series, with outcomes and fees."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def status(
    series: Annotated[Optional[str], typer.Option("--series", help="Series id, e.g. june-2026. Default: the latest series with results out.")] = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """The numbers a senior leader asks for: how many requests, where they stand, what they cost."""
    from prs_cli.render import status as render
    from prs_cli.service.status import status as report_for

    cal = common.calendar(data_dir)
    report = report_for(common.database(db), cal, series=series, today=common.today(today))
    if json:
        common.print_json(render.record(report))
    else:
        render.print_report(cal, report)
