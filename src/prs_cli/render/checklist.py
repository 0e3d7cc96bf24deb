"""The checklist for people (plain text that fits the width) and for scripts (JSON records)."""

from __future__ import annotations

import textwrap

from prs_cli.render.console import width
from prs_cli.rules.days import when


def record(row) -> dict:
    """One row as JSON: the documented keys key, date, title, done, done_at, source, and more."""
    return {
        "key": row.key,
        "kind": row.kind,
        "series": row.series,
        "date": row.date,
        "title": row.title,
        "rule": row.rule,
        "done": row.done,
        "done_at": row.done_at,
        "provisional": row.provisional,
        "still_open": row.still_open,
        "note": row.note,
        "source": row.source,
    }


def _mark(row, today) -> str:
    if row.done:
        return "[x]"
    if row.kind == "task" and row.date is not None and row.date < today:
        return "[!]"
    return "[ ]"


def checklist_text(view, columns: int | None = None) -> str:
    """The series' tasks then its retention log: a mark, the date and key on one line, the
    title and how the date was worked out wrapped below, no line wider than `columns`
    (default: the output's width, render.console.width)."""
    columns = columns or width()
    tasks = [r for r in view.rows if r.kind == "task"]
    kept = [r for r in view.rows if r.kind == "retention"]
    done = sum(r.done for r in tasks)
    late = sum(_mark(r, view.today) == "[!]" for r in tasks)
    head = f"{view.series_name} checklist on {when(view.today)}: {done} of {len(tasks)} tasks done"
    head += f", {late} overdue" if late else ""
    lines = _wrap(head, columns, "")
    lines += _wrap("[x] done, [!] overdue, [ ] to do; 'prs checklist done KEY' ticks one.", columns, "")
    for row in tasks:
        lines.append("")
        lines += _wrap(f"{_mark(row, view.today)} {when(row.date) if row.date else 'undated'}  {row.key}", columns, "    ")
        lines += _wrap(row.title, columns, "    ", "    ")
        extra = " (provisional)" if row.provisional else ""
        lines += _wrap(f"{row.rule}{extra}; {row.source}", columns, "    ", "    ")
    if kept:
        lines += ["", *_wrap("What to keep, and until when", columns, "")]
        for row in kept:
            lines.append("")
            until = f"keep until {when(row.date)}  " if row.date and not row.still_open else ""
            lines += _wrap(f"{'[x]' if row.done else '[ ]'} {until}{row.key}", columns, "    ")
            lines += _wrap(row.title, columns, "    ", "    ")
            lines += _wrap(f"{row.rule}; {row.source}", columns, "    ", "    ")
            if row.note:
                lines += _wrap(row.note, columns, "    ", "    ")
    return "\n".join(lines) + "\n"


def _wrap(text: str, columns: int, indent: str, first: str = "") -> list[str]:
    """Lines of at most `columns` characters, words whole (a word longer than a line, such as a
    long source key, is the only thing ever split)."""
    return textwrap.wrap(text, columns, initial_indent=first, subsequent_indent=indent,
                         break_on_hyphens=False) or [first.rstrip()]
