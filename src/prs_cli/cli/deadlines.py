"""`prs deadlines`: the dates that matter, soonest first, with days left."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def deadlines(
    series: Annotated[Optional[str], typer.Option("--series", help="Series id, e.g. june-2026.")] = None,
    ab: Annotated[Optional[str], typer.Option("--ab", help="Awarding body code, e.g. AQA.")] = None,
    qualification: Annotated[Optional[str], typer.Option("--qualification", "-q", help="Qualification code, e.g. gce-a-level.")] = None,
    service: Annotated[Optional[str], typer.Option("--service", help="Service code, e.g. PS2.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show dates already past too.")] = False,
    today: common.Today = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """What closes when, for whom: results days, request deadlines and key dates."""
    from prs_cli.render import deadlines as render
    from prs_cli.service.deadlines import deadlines as dates_for

    day = common.today(today)
    cal = common.calendar(data_dir)
    found = dates_for(cal, common.calendar_filters(cal, series, ab, qualification, service), today=day, include_past=show_all)
    explanation = render.availability_note(found.availability)
    if json:
        common.print_json([render.record(item, day) for item in found.items])
        if explanation:
            common.note(explanation)
        return
    if explanation:
        common.note(explanation)
    if found.items:
        render.deadlines_table(found.items, day)
    elif not explanation:
        common.note(f"Nothing to show from {day.isoformat()} on; use --all to include past dates.")
