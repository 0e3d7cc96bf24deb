"""`prs deadlines` for people (a table and a remark) and for scripts (JSON)."""

from __future__ import annotations

from prs_cli.render.console import Column, View, days_phrase, print_table
from prs_cli.render.text import visible
from prs_cli.rules.days import when


def deadlines_table(items, today) -> None:
    """Every column where the width allows; narrower, the series, boards and source go on a
    line under the title, and then the days left under the date."""
    from rich.text import Text

    def date_lines(item, stacked: bool) -> list[str]:
        text = when(item.date)
        if item.time is not None and item.date is not None:
            text += f" {item.time:%H:%M}"
        if not stacked:
            return [text + (" (provisional)" if item.provisional else "")]
        return [text, "(provisional)"] if item.provisional else [text]

    def what(item, details: bool) -> Text:
        text = Text(visible(item.title))
        if details:
            text.append(f"\n{item.series}; boards: {boards(item)}; source: {item.source}", style="dim")
        if item.note and (item.provisional or item.date is None or item.kind == "request_deadline"):
            text.append("\n" + visible(item.note), style="dim")
        return text

    def boards(item) -> str:
        return ", ".join(item.awarding_bodies) if item.awarding_bodies else "all"

    def left(item) -> str:
        return days_phrase(item.days_left(today), counting=True)

    main = Column("What", wrap=True, least=48)  # long notes: wider than most text columns
    date_column, left_column = Column("Date"), Column("Left", right=True)
    views = (
        View(
            (date_column, left_column, Column("Series"), main, Column("Boards", wrap=True, least=20), Column("Source")),
            lambda item: ("\n".join(date_lines(item, False)), left(item), item.series, what(item, False), boards(item), Text(item.source)),
        ),
        View(
            (date_column, left_column, main),
            lambda item: ("\n".join(date_lines(item, True)), left(item), what(item, True)),
        ),
        View(
            (Column("Date, days left"), main),
            lambda item: ("\n".join([*date_lines(item, True), left(item)]), what(item, True)),
        ),
    )

    def style(item) -> str:
        days = item.days_left(today)
        closing_soon = days is not None and 0 <= days <= 2 and item.kind == "request_deadline"
        return "dim" if days is not None and days < 0 else ("bold red" if closing_soon else "")

    print_table(f"Dates that matter, from {when(today)}", views, items, style)


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
