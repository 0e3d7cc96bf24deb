"""`prs deadlines` for people (a table and a remark) and for scripts (JSON)."""

from __future__ import annotations

from prs_cli.render.console import console, days_phrase
from prs_cli.render.text import visible
from prs_cli.rules.days import when


def deadlines_table(items, today) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Dates that matter, from {when(today)}", title_justify="left")
    for name, options in (
        ("Date", {"no_wrap": True}),
        ("Left", {"no_wrap": True, "justify": "right"}),
        ("Series", {"no_wrap": True}),
        ("What", {}),
        ("Boards", {}),
        ("Source", {}),
    ):
        table.add_column(name, **options)
    for item in items:
        days = item.days_left(today)
        closing_soon = days is not None and 0 <= days <= 2 and item.kind == "request_deadline"
        style = "dim" if days is not None and days < 0 else ("bold red" if closing_soon else "")
        date_text = when(item.date)
        if item.time is not None and item.date is not None:
            date_text += f" {item.time:%H:%M}"
        if item.provisional:
            date_text += " (provisional)"
        what = Text(visible(item.title))
        if item.note and (item.provisional or item.date is None or item.kind == "request_deadline"):
            what.append("\n" + visible(item.note), style="dim")
        boards = ", ".join(item.awarding_bodies) if item.awarding_bodies else "all"
        table.add_row(date_text, days_phrase(days, counting=True), Text(visible(item.series)), what, Text(visible(boards)),
                      Text(visible(item.source)), style=style)
    console().print(table)


def record(item, today) -> dict:
    """One date as `prs deadlines --json` prints it."""
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


def availability_note(answer) -> str | None:
    """Why a named service shows no dates, or what to check with the board (None: nothing to say)."""
    if answer is None:
        return None
    if not answer.allowed:
        return f"{answer.reason} ({answer.source})."
    if answer.status == "check":
        return f"Check with the board: {answer.reason} ({answer.source})."
    return None
