"""The agenda for people: a rich table on a terminal, plain text for cron mail, markdown, JSON.

Colour only ever comes from rich on a terminal (console() honours NO_COLOR and pipes); the
plain-text and markdown forms are built as strings and never contain control characters.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from prs_cli.render.console import SEVERITY_STYLE, TEXT_MIN, Column, View, days_phrase, fill, print_table, width
from prs_cli.render.text import visible
from prs_cli.rules.days import when

HEADINGS = {"overdue": "Overdue", "due": "Due within 2 days", "upcoming": "Coming up"}


def record(item) -> dict:
    """One agenda item as JSON (the shape `prs due --json` and `prs summary --format json` share)."""
    return {
        "date": item.date,
        "days_left": item.days_left,
        "severity": item.severity,
        "kind": item.kind,
        "title": item.title,
        "detail": item.detail,
        "request_ids": list(item.request_ids),
        "consent_ids": list(item.consent_ids),
        "source": item.source,
    }


def summary_json(agenda) -> dict:
    """`prs summary --format json` (service.agenda.Agenda)."""
    settings = agenda.settings
    return {
        "centre": {"number": settings.centre_number, "name": settings.centre_name},
        "today": agenda.today,
        "days": agenda.days,
        "counts": counts(agenda.items),
        "items": [record(item) for item in agenda.items],
    }


def counts(items) -> dict[str, int]:
    found = Counter(item.severity for item in items)
    return {severity: found.get(severity, 0) for severity in HEADINGS}


def counts_line(items, days: int) -> str:
    """The counts by severity; what is shown although beyond the window (consent to chase for a
    later deadline) is counted apart, so "in the next N days" stays true."""
    found = counts(items)
    later = sum(1 for item in items if item.days_left > days)
    line = (
        f"{found['overdue']} overdue, {found['due']} due within 2 days, "
        f"{found['upcoming'] - later} more in the next {days} days"
    )
    return line + (f", {later} later" if later else "")


def agenda_table(items, today: date, days: int) -> None:
    """Date, days left and what; narrower, the days left under the date."""
    from rich.text import Text

    def what(item) -> Text:
        text = Text(visible(item.title))
        if item.detail:
            text.append("\n" + visible(item.detail), style="dim")
        return text

    main = Column("What", wrap=True, least=TEXT_MIN)
    views = (
        View((Column("Date"), Column("Left", right=True), main),
             lambda item: (when(item.date), days_phrase(item.days_left), what(item))),
        View((Column("Date, left"), main),
             lambda item: (f"{when(item.date)}\n{days_phrase(item.days_left)}", what(item))),
    )
    print_table(f"What is due, {when(today)}: {counts_line(items, days)}", views, items,
                lambda item: SEVERITY_STYLE[item.severity])


def header(settings, today: date) -> str:
    centre = " ".join(p for p in (settings.centre_number, settings.centre_name) if p)
    return visible(f"Post-results summary for {centre or 'your centre'}, {when(today)}")


def agenda_text(items, today: date, days: int, settings, room: int | None = None) -> str:
    """The cron mail: heading, counts, then the items under their severity, plain ASCII
    layout, each line wrapped at spaces to `room` columns (default: the output's width)."""
    room = width() if room is None else room
    lines = [fill(header(settings, today), room), "", fill(counts_line(items, days) + ".", room)]
    for severity, heading in HEADINGS.items():
        group = [i for i in items if i.severity == severity]
        if not group:
            continue
        lines += ["", f"{heading.upper()} ({len(group)})"]
        for item in group:
            lines.append(fill(f"{when(item.date)} ({days_phrase(item.days_left)}): {visible(item.title)}", room, "- "))
            if item.detail:
                lines.append(fill(visible(item.detail), room, "    "))
    if not items:
        lines += ["", "Nothing is overdue or due in the window."]
    return "\n".join(lines) + "\n"


def agenda_markdown(items, today: date, days: int, settings) -> str:
    lines = [f"# {header(settings, today)}", "", counts_line(items, days) + "."]
    for severity, heading in HEADINGS.items():
        group = [i for i in items if i.severity == severity]
        if not group:
            continue
        lines += ["", f"## {heading} ({len(group)})", "", "| Date | Left | What | Requests |", "|---|---|---|---|"]
        for item in group:
            what = _cell(item.title) + (f"<br>{_cell(item.detail)}" if item.detail else "")
            ids = ", ".join(map(str, item.request_ids))
            lines.append(f"| {when(item.date)} | {days_phrase(item.days_left)} | {what} | {ids} |")
    if not items:
        lines += ["", "Nothing is overdue or due in the window."]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return visible(text).replace("|", "\\|")
