"""`prs deadlines` for people (a table and a remark) and for scripts (JSON)."""

from __future__ import annotations

from prs_cli.render.console import console, days_phrase
from prs_cli.rules.days import when

NARROW = 100  # below this many columns, six columns leave "What" no room: three are used


def deadlines_table(items, today) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    narrow = out.width < NARROW
    one_series = len({item.series for item in items}) == 1
    table = Table(title=f"Dates that matter, from {when(today)}", title_justify="left")
    if narrow:
        # the date with its countdown, the series (when several), and what it is with who and
        # the source under it: every line fits 80 columns without cutting a word
        columns = [("Date", {"max_width": 16})]
        columns += [] if one_series else [("Series", {"overflow": "fold", "max_width": 9})]
        columns += [("What", {"ratio": 1})]
    else:
        columns = [
            ("Date", {"no_wrap": True}),
            ("Left", {"no_wrap": True, "justify": "right"}),
            ("Series", {"no_wrap": True}),
            ("What", {}),
            ("Boards", {}),
            ("Source", {}),
        ]
    for name, options in columns:
        table.add_column(name, **options)
    if narrow:
        table.expand = True
    for item in items:
        days = item.days_left(today)
        closing_soon = days is not None and 0 <= days <= 2 and item.kind == "request_deadline"
        style = "dim" if days is not None and days < 0 else ("bold red" if closing_soon else "")
        date_text = when(item.date)
        if item.time is not None and item.date is not None:
            date_text += f" {item.time:%H:%M}"
        if item.provisional:
            date_text += " (provisional)"
        what = Text(item.title)
        if item.note and (item.provisional or item.date is None or item.kind == "request_deadline"):
            what.append("\n" + item.note, style="dim")
        boards = ", ".join(item.awarding_bodies) if item.awarding_bodies else "all"
        if narrow:
            what.append(f"\n{boards}; {item.source}", style="dim")
            cells = [Text(f"{date_text}\n{days_phrase(days, counting=True)}")]
            cells += [] if one_series else [item.series]
            table.add_row(*cells, what, style=style)
        else:
            table.add_row(date_text, days_phrase(days, counting=True), item.series, what, boards, Text(item.source), style=style)
    out.print(table)


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
