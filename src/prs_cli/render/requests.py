"""Requests for people (tables, the `show` page) and for scripts (one stable JSON shape)."""

from __future__ import annotations

import functools
from datetime import date

from prs_cli.render.console import TEXT_MIN, Column, View, choose, fill, measure_rows, print_table, width
from prs_cli.render.console import cells as _cells
from prs_cli.rules.days import when


def overdue_reason(record, dates, today: date) -> str | None:
    """Overdue: submitted and past its completion date with no outcome (chase the board), or
    still a draft after its request deadline (it was never sent)."""
    if dates.overdue(record, today):
        return "past completion due"
    if dates.late(record, today):
        return "past request deadline"
    return None


def _answer(answer) -> dict | None:
    if answer is None:
        return None
    return {
        "date": answer.date,
        "rule": answer.rule,
        "source": answer.source,
        "provisional": answer.provisional,
        "note": answer.note,
    }


def as_json(record, dates, today: date) -> dict:
    """The JSON shape of one request (documented in the README; keep keys stable)."""
    reason = overdue_reason(record, dates, today)
    return {
        "id": record.id,
        "status": record.status,
        "series": record.series,
        "candidate": record.candidate,
        "name": record.name,
        "uci": record.uci,
        "private_candidate": record.private_candidate,
        "awarding_body": record.awarding_body,
        "qualification": record.qualification,
        "subject": record.subject,
        "component": record.component,
        "service": record.service,
        "follows": record.follows_request,
        "results_released": record.results_released,
        "mark_before": record.original_mark,
        "grade_before": record.original_grade,
        "fee": record.fee,
        "note": record.note,
        "late_reason": record.late_reason,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "request_deadline": dates.request_deadline.date,
        "received_on": record.received_on,
        "sample_received_on": record.sample_received_on,
        "board_reference": record.board_reference,
        "submitted_by": record.submitted_by,
        "completion_due": dates.completion_due.date if dates.completion_due else None,
        "outcome": record.outcome,
        "outcome_on": record.outcome_on,
        "mark_after": record.mark_after,
        "grade_after": record.grade_after,
        "fee_refunded": record.fee_refunded,
        "appeal_deadline": dates.appeal_deadline.date if dates.appeal_deadline else None,
        "closed_reason": record.closed_reason,
        "overdue": reason is not None,
        "overdue_reason": reason,
        "why": {
            "request_deadline": _answer(dates.request_deadline),
            "completion_due": _answer(dates.completion_due),
            "appeal_deadline": _answer(dates.appeal_deadline),
        },
    }


_SHORT: dict = {}


def _short(day: date | None) -> str:
    if day is None:
        return "-"
    text = _SHORT.get(day)
    if text is None:
        text = _SHORT[day] = day.strftime("%d %b %Y")
    return text


_HEADERS = ("ID", "Status", "Series", "Cand", "Name", "Board", "Qualification", "Component", "Service",
            "Deadline", "Due", "Outcome")


def _stacked(cells) -> tuple[str, ...]:
    """A row of the full table as four columns of two or three lines each, for narrow widths:
    the status over the outcome, who over what, the deadline over the completion date."""
    (ident, status, series, candidate, name, board, qualification, component, service,
     deadline, due, outcome) = cells
    state = [status.replace(" (OVERDUE)", ""), *(["OVERDUE"] if status.endswith(" (OVERDUE)") else []),
             *([outcome] if outcome else [])]
    who = " ".join(part for part in (candidate if candidate != "-" else "", name) if part) or "-"
    dates = [f"deadline {deadline}", *([f"due {due}"] if due != "-" else [])]
    return (ident, "\n".join(state), f"{who}\n{service}, {board} {qualification} {component}, {series}",
            "\n".join(dates))


_STACKED = View(
    (Column("ID", right=True), Column("Status"), Column("Request", wrap=True, least=TEXT_MIN), Column("Dates")),
    _stacked,
)


def requests_table(rows, today: date, *, out=None) -> int:
    """`rows`: (record, dates) pairs, possibly a generator; prints the table, returns how many."""

    def lines():
        for record, dates in rows:
            reason = overdue_reason(record, dates, today)
            outcome = record.outcome or ""
            if record.outcome_on:
                outcome = f"{outcome} {_short(record.outcome_on)}".strip()
            style = "bold red" if reason else ("dim" if record.status in ("withdrawn", "rejected") else "")
            yield style, (
                str(record.id), record.status + (" (OVERDUE)" if reason else ""), record.series or "-",
                record.candidate or "-", record.name or "", record.awarding_body, record.qualification,
                record.component, record.service, _short(dates.request_deadline.date),
                _short(dates.completion_due.date if dates.completion_due else None), outcome,
            )

    return stream_table(f"Requests, as of {when(today)}", _HEADERS, lines(), right=(0,), no_wrap=(0, 9, 10),
                        narrower=(_STACKED,), out=out)


_SEP = "\x00"
_STYLES = {"": "", "bold red": "\x1b[1;31m", "dim": "\x1b[2m"}


def stream_table(title: str, headers, rows, *, right=(), no_wrap=(), narrower=(), out=None) -> int:
    """A table drawn as rich draws one (heavy head, light body, title on the left), from `rows`
    of (style, cells), possibly a generator; returns how many rows. `style`: "", "bold red"
    or "dim". Columns not in `no_wrap` wrap at spaces. When the table does not fit the width
    (render.console.width), the first of the `narrower` views that fits is drawn instead:
    each maps a row's cells to its own (which may hold several lines).

    Drawn by hand: rich measures and renders every cell as an object, about a millisecond a
    row, minutes for a large log. Each row is kept as one joined string (a few MB for 100,000
    rows) until the column widths are known."""
    import os
    import sys

    out = out or sys.stdout
    styles = list(_STYLES)
    columns = tuple(Column(h, wrap=i not in no_wrap, least=TEXT_MIN, right=i in right) for i, h in enumerate(headers))
    least, natural = measure_rows(columns, ())
    wrapping = [column.wrap for column in columns]
    lines = []
    for style, cells in rows:
        cells = [_clean(c) for c in cells]
        for i, cell in enumerate(cells):
            size = _cells(cell)
            if size > natural[i]:
                natural[i] = size
            if size > least[i]:
                least[i] = max(least[i], *map(_cells, cell.split())) if wrapping[i] else size
        lines.append(str(styles.index(style)) + _SEP.join(cells))
    if not lines:
        return 0
    measured = [(columns, least, natural)]
    for view in narrower:
        measured.append((view.columns, *measure_rows(view.columns, (view.cells(line[1:].split(_SEP)) for line in lines))))
    room = width(out)
    index, widths = choose(room, measured)
    if index:
        view = narrower[index - 1]
        columns, shape = view.columns, view.cells
    else:
        shape = None
    terminal = out.isatty()
    colour = terminal and not os.environ.get("NO_COLOR")
    write = out.write
    heading = fill(title, room)
    write((f"\x1b[3m{heading}\x1b[0m" if colour else heading) + "\n")
    write("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓\n")
    bold, reset = ("\x1b[1m", "\x1b[0m") if colour else ("", "")
    for part in _wrapped([c.header for c in columns], widths, columns):
        write("┃" + "┃".join(f" {bold}{_pad(h, w, c.right)}{reset} " for h, w, c in zip(part, widths, columns)) + "┃\n")
    write("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩\n")
    chunk = []
    for line in lines:
        style = _STYLES[styles[int(line[0])]] if colour else ""
        cells = line[1:].split(_SEP)
        if shape is not None:
            cells = shape(cells)
        for part in _wrapped(cells, widths, columns):
            body = "│".join(f"{style} {_pad(c, w, column.right)} {reset if style else ''}"
                            for c, w, column in zip(part, widths, columns))
            chunk.append("│" + body + "│\n")
        if len(chunk) >= 500:
            write("".join(chunk))
            chunk.clear()
    chunk.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘\n")
    write("".join(chunk))
    return len(lines)


def _clean(text: str) -> str:
    """Text for one cell: control characters (line breaks, escapes) as spaces."""
    return text if text.isprintable() else "".join(c if c.isprintable() else " " for c in text)


def _wrapped(cells, widths, columns):
    """The lines of one row: a cell's own lines, each wider than its column broken at spaces."""
    if all("\n" not in c and _cells(c) <= w for c, w in zip(cells, widths)):
        return (cells,)
    parts = []
    for cell, size, column in zip(cells, widths, columns):
        part = []
        for text in cell.split("\n"):
            part.extend(_wrap(text, size) if column.wrap and _cells(text) > size else (text,))
        parts.append(part)
    height = max(len(p) for p in parts)
    return [[p[n] if n < len(p) else "" for p in parts] for n in range(height)]


@functools.lru_cache(maxsize=1024)
def _wrap(text: str, width: int) -> tuple[str, ...]:
    """Memoised: a large log repeats the same few reasons on thousands of rows. Words are
    never broken (the column is as wide as its longest word), nor at hyphens."""
    import textwrap

    return tuple(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or ("",)


def _pad(text: str, width: int, right: bool) -> str:
    size = _cells(text)
    return " " * (width - size) + text if right else text + " " * (width - size)


def _explain(answer) -> str:
    if answer is None:
        return "-"
    text = f"{when(answer.date)}: {answer.rule} ({answer.source})"
    if answer.provisional:
        text += " [provisional]"
    if answer.note:
        text += f"; {answer.note}"
    return text


def show_text(record, dates, today: date, calendar, room: int | None = None) -> str:
    """Everything about one request, every date with its rule and source; long values wrap
    under themselves to fit `room` columns (default: the output's width)."""
    service = calendar.services[record.service]
    body = calendar.awarding_bodies[record.awarding_body]
    reason = overdue_reason(record, dates, today)
    room = width() if room is None else room
    lines = [fill(f"Request {record.id}: {record.status}" + (f" (OVERDUE: {reason})" if reason else ""), room)]

    def add(label: str, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            value = "yes" if value else "no"
        lines.append(fill(str(value), room, f"  {label + ':':<22}"))

    add("Service", f"{record.service} ({service.name})")
    add("Awarding body", record.awarding_body + (f" ({body.name})" if body.name != record.awarding_body else ""))
    add("Qualification", f"{record.qualification} ({calendar.qualifications[record.qualification].name})")
    add("Series", record.series or "none (results released per candidate)")
    add("Results released", record.results_released.isoformat() if record.results_released else None)
    add("Subject", record.subject)
    add("Component", record.component)
    add("Candidate", record.candidate)
    add("Name", record.name)
    add("UCI", record.uci)
    add("Private candidate", record.private_candidate if record.private_candidate else None)
    add("Follows request", record.follows_request)
    add("Mark before", record.original_mark)
    add("Grade before", record.original_grade)
    add("Fee", f"£{record.fee}" if record.fee else None)
    add("Late reason", record.late_reason)
    add("Note", record.note)
    add("Logged", f"{record.created_at.isoformat() if record.created_at else '-'} by {record.created_by or '-'}")
    add("Received by board", record.received_on.isoformat() if record.received_on else None)
    add("Sample received", record.sample_received_on.isoformat() if record.sample_received_on else None)
    add("Board reference", record.board_reference)
    add("Submitted by", record.submitted_by)
    add("Outcome", f"{record.outcome or 'changed'} on {record.outcome_on.isoformat()}" if record.outcome_on else None)
    add("Mark after", record.mark_after)
    add("Grade after", record.grade_after)
    add("Fee refunded", record.fee_refunded)
    add("Closed because", record.closed_reason)
    lines.append("Dates:")
    add("Request deadline", _explain(dates.request_deadline))
    if dates.completion_due is not None:
        add("Completion due", _explain(dates.completion_due))
    elif record.status == "submitted" and service.completion_from == "sample_received":
        add("Completion due", "when the sample arrives (prs request submit ID --sample-received DATE)")
    if dates.appeal_deadline is not None:
        add("Appeal deadline", _explain(dates.appeal_deadline))
    return "\n".join(lines)


def history_table(events) -> None:
    """Every column where the width allows; narrower, who under when and the details under
    the action."""
    def details(event) -> str:
        return ", ".join(f"{k}={v}" for k, v in event.details.items() if v is not None)

    text = Column("Details", wrap=True, least=TEXT_MIN)
    views = (
        View((Column("When (UTC)"), Column("By"), Column("Action"), text),
             lambda event: (event.at, event.by or "-", event.action, details(event))),
        View((Column("When (UTC), by"), text._replace(header="Action, details")),
             lambda event: (f"{event.at}\n{event.by or '-'}", f"{event.action}\n{details(event)}")),
    )
    print_table("History", views, events)
