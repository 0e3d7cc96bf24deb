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
    from prs_cli.rules.deadlines import availability, service_applies_anywhere
    from prs_cli.rules.schedule import calendar_items, upcoming

    day = common.today(today)
    cal = common.calendar(data_dir)
    filters = common.calendar_filters(cal, series, ab, qualification, service)
    items = upcoming(calendar_items(cal, filters), day, include_past=show_all)

    explanation = None
    if filters.service and filters.qualification:
        if filters.awarding_body:
            answer = availability(cal, filters.awarding_body, filters.qualification, filters.service)
        else:
            answer = service_applies_anywhere(cal, filters.qualification, filters.service)
        if not answer.allowed:
            explanation = f"{answer.reason} ({answer.source})."
            items = []
        elif answer.status == "check":
            explanation = f"Check with the board: {answer.reason} ({answer.source})."

    if json:
        common.print_json([_record(item, day) for item in items])
        if explanation:
            common.note(explanation)
        return
    from prs_cli.render.deadlines import deadlines_table

    if explanation:
        common.note(explanation)
    if items:
        deadlines_table(items, day)
    elif not explanation:
        common.note(f"Nothing to show from {day.isoformat()} on; use --all to include past dates.")


def _record(item, today) -> dict:
    days = item.days_left(today)
    return {
        "date": item.date,
        "time": item.time,
        "days_left": days,
        "status": "unpublished" if days is None else ("closed" if days < 0 else "open"),
        "series": item.series,
        "kind": item.kind,
        "service": item.service,
        "title": item.title,
        "qualifications": list(item.qualifications),
        "awarding_bodies": list(item.awarding_bodies),
        "provisional": item.provisional,
        "source": item.source,
        "note": item.note,
    }
