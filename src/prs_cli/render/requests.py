"""Requests for people (tables, the `show` page) and for scripts (one stable JSON shape)."""

from __future__ import annotations

import functools
import os
import sys
from datetime import date

from prs_cli.render.console import TEXT_MIN, Column, View, choose, fill, measure_rows, print_table, width
from prs_cli.render.console import cells as _cells
from prs_cli.render.text import visible
from prs_cli.rules.days import when


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


def as_json(view) -> dict:
    """The JSON shape of one request (service.requests.RequestView; documented in the README;
    keep keys stable)."""
    record, dates, reason = view[:3]
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
        "decided_on": record.decided_on,
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
        "outcome": view.outcome if view.outcome is not None else record.outcome,
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
    """`rows`: service.requests.RequestView, possibly a generator; prints the table, returns how many."""

    def lines():
        for view in rows:
            record, dates, reason = view.record, view.dates, view.overdue
            outcome = view.outcome or record.outcome or ""
            if record.outcome_on:
                outcome = f"{outcome} {_short(record.outcome_on)}".strip()
            style = "bold red" if reason else ("dim" if not record.stands else "")
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


# (top: corner, line, join, corner), header side, (rule under the header), row side, (bottom)
_BOX_TERMINAL = ("┏━┳┓", "┃", "┡━╇┩", "│", "└─┴┘")
_BOX_PLAIN = ("+-++", "|", "|-+|", "|", "+-++")


def stream_table(title: str, headers, rows, *, right=(), no_wrap=(), narrower=(), out=None) -> int:
    """A table drawn as rich draws one (heavy head, light body, title on the left), from `rows`
    of (style, cells), possibly a generator; returns how many rows. `style`: "", "bold red"
    or "dim". Columns not in `no_wrap` wrap at spaces. When the table does not fit the width
    (render.console.width), the first of the `narrower` views that fits is drawn instead:
    each maps a row's cells to its own (which may hold several lines).

    Drawn by hand: rich measures and renders every cell as an object, about a millisecond a
    row, minutes for a large log. Each row is kept as one joined string (a few MB for 100,000
    rows) until the column widths are known."""
    out = out or sys.stdout
    styles = list(_STYLES)
    columns = tuple(Column(h, wrap=i not in no_wrap, least=TEXT_MIN, right=i in right) for i, h in enumerate(headers))
    least, natural = measure_rows(columns, ())
    wrapping = [column.wrap for column in columns]
    lines = []
    for style, cells in rows:
        cells = [visible(c) for c in cells]
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
    # box-drawing lines on a terminal; ASCII in a pipe, a file or cron mail (as render.console.table_box)
    top, head, rule, side, bottom = _BOX_TERMINAL if terminal else _BOX_PLAIN
    write(top[0] + top[2].join(top[1] * (w + 2) for w in widths) + top[3] + "\n")
    bold, reset = ("\x1b[1m", "\x1b[0m") if colour else ("", "")
    for part in _wrapped([c.header for c in columns], widths, columns):
        write(head + head.join(f" {bold}{_pad(h, w, c.right)}{reset} " for h, w, c in zip(part, widths, columns)) + head + "\n")
    write(rule[0] + rule[2].join(rule[1] * (w + 2) for w in widths) + rule[3] + "\n")
    chunk = []
    for line in lines:
        style = _STYLES[styles[int(line[0])]] if colour else ""
        cells = line[1:].split(_SEP)
        if shape is not None:
            cells = shape(cells)
        for part in _wrapped(cells, widths, columns):
            body = side.join(f"{style} {_pad(c, w, column.right)} {reset if style else ''}"
                            for c, w, column in zip(part, widths, columns))
            chunk.append(side + body + side + "\n")
        if len(chunk) >= 500:
            write("".join(chunk))
            chunk.clear()
    chunk.append(bottom[0] + bottom[2].join(bottom[1] * (w + 2) for w in widths) + bottom[3] + "\n")
    write("".join(chunk))
    return len(lines)


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


def show_text(page, calendar, room: int | None = None) -> str:
    """Everything about one request (service.requests.RequestPage), every date with its rule and
    source; the day it was logged for, when it was logged with --today for another day; long
    values wrap under themselves to fit `room` columns (default: the output's width)."""
    record, dates, reason = page.request[:3]
    logged_on = page.logged_on
    service = calendar.services[record.service]
    body = calendar.awarding_bodies[record.awarding_body]
    room = width() if room is None else room
    lines = [fill(f"Request {record.id}: {record.status}" + (f" (OVERDUE: {reason})" if reason else ""), room)]

    def add(label: str, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            value = "yes" if value else "no"
        lines.append(fill(visible(str(value)), room, f"  {label + ':':<22}"))

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
    steps = page.next
    if steps is not None and steps.internal_deadline is not None:
        add("Internal deadline", f"{when(steps.internal_deadline)} (the board's deadline less your lead days)")
    if steps is not None and steps.consent is not None:
        finding = steps.consent
        add("Consent", f"valid: {finding.message}" if finding.ok else f"NOT VALID ({finding.status.replace('_', ' ')}): {finding.message}")
    add("Fee", f"£{record.fee}" if record.fee else None)
    add("Late reason", record.late_reason)
    add("Note", record.note)
    logged = f"{record.created_at.isoformat() if record.created_at else '-'} by {record.created_by or '-'}"
    if logged_on is not None and record.created_at is not None and logged_on != record.created_at.date():
        logged += f", as of {logged_on.isoformat()} (--today)"
    add("Logged", logged)
    add("Received by board", record.received_on.isoformat() if record.received_on else None)
    add("Sample received", record.sample_received_on.isoformat() if record.sample_received_on else None)
    add("Board reference", record.board_reference)
    add("Submitted by", record.submitted_by)
    shown = page.request.outcome or record.outcome or "changed"
    add("Outcome", f"{shown.replace('_', ' ')} on {record.outcome_on.isoformat()}" if record.outcome_on else None)
    add("Mark after", record.mark_after)
    add("Grade after", record.grade_after)
    add("Fee refunded", record.fee_refunded)
    add("Closed because", record.closed_reason)
    lines.append("Dates:")
    add("Request deadline", _explain(dates.request_deadline))
    if dates.completion_due is not None:
        add("Completion due", _explain(dates.completion_due))
    elif page.awaiting_sample:
        add("Completion due", "when the sample arrives (prs request submit ID --sample-received DATE)")
    if dates.appeal_deadline is not None:
        add("Appeal deadline", _explain(dates.appeal_deadline))
    return "\n".join(lines)


def history_table(events, *, whole: bool = False) -> None:
    """The audit trail; `whole`: the centre's, with the request or consent each line is about.
    Every column where the width allows; narrower, who under when and the details under the
    action."""

    def of(event) -> str:
        return f"request {event.request_id}" if event.request_id else (f"consent {event.consent_id}" if event.consent_id else "-")

    text = Column("Details", wrap=True, least=TEXT_MIN)
    views = (
        View((Column("When (UTC)"), Column("By"), *([Column("Of")] if whole else []), Column("Action"), text),
             lambda event: (event.at, event.by or "-", *([of(event)] if whole else []), event.action, event_words(event))),
        View((Column("When (UTC), by"), text._replace(header="Action, details")),
             lambda event: (f"{event.at}\n{event.by or '-'}",
                            f"{event.action}{f' ({of(event)})' if whole else ''}\n{event_words(event)}")),
    )
    print_table("The centre's history" if whole else "History", views, events)


_DIRECTION = {"up": "grade went up", "down": "grade went down", "unchanged": "grade unchanged",
              "changed": "grade changed", "copy_received": "copy of the script arrived"}


def event_words(event) -> str:
    """What an audit line says, in words: the withdrawal's or rejection's reason, an outcome
    and its refund, otherwise the codes and dates it holds."""
    d = event.details
    if event.action in ("withdrawn", "rejected"):
        return f"because: {event.reason}" if event.reason else "no reason kept"
    if event.action == "outcome":
        direction = d.get("direction")
        words = f"{_DIRECTION.get(direction, direction)} on {d.get('outcome_on')}"
        if direction != "copy_received":
            refunded = d.get("fee_refunded")
            words += "; fee refunded" if refunded is True else "; fee kept" if refunded is False else "; no refund decision"
        return words + (f" (from {d['via']})" if d.get("via") else "")
    if event.action == "edited":
        parts = []
        for name, change in d.get("changed", {}).items():
            if isinstance(change, dict):
                parts.append(f"{name} {change.get('old') or '-'} -> {change.get('new') or '-'}")
            else:
                parts.append(f"{name} changed")
        return "corrected: " + ", ".join(parts)
    return ", ".join(f"{k}={v}" for k, v in d.items() if v is not None and k != "changed")


def history_json(events) -> list[dict]:
    return [
        {"id": e.id, "at": e.at, "by": e.by, "action": e.action, "request": e.request_id, "consent": e.consent_id,
         "reason": e.reason, "details": e.details}
        for e in events
    ]


def submitted_line(view) -> str:
    """`prs request submit`: the request and, once the board has it, when it must answer."""
    due = view.dates.completion_due
    line = f"Request {view.record.id} submitted"
    if due is not None:
        line += f"; completion due {when(due.date)} ({due.rule}; {due.source})"
    return line


def logged_lines(logged, calendar) -> list[str]:
    """`prs request add` on stderr (service.requests.Logged): what was logged, then the next step."""
    record, dates = logged.request.record, logged.request.dates
    closes = dates.request_deadline.date
    lines = [
        f"Logged request {record.id}: {record.service} ({calendar.services[record.service].name}), "
        f"{record.awarding_body}, board deadline {when(closes) if closes else 'unknown (see prs request show)'}."
    ]
    steps = logged.next
    todo = []
    if steps is not None and steps.consent is not None and not steps.consent.ok:
        todo.append(f"record valid consent with 'prs consent record' (now: {steps.consent.status.replace('_', ' ')})")
    if record.status == "draft":
        by = steps.internal_deadline if steps is not None else None
        todo.append(f"submit by {when(by)}, your internal deadline" if by else "submit it to the board")
    if todo:
        lines.append("Next: " + "; then ".join(todo) + ".")
    return [wrapped for line in lines for wrapped in _fit_text(line)]


def columns_lines(used, ignored) -> list[str]:
    """`prs request import`: which columns it used, for what, and which it ignored, wrapped."""
    lines = _fit_text("Columns used: " + ", ".join(f"{column} ({field.replace('_', ' ')})" for column, field in used) + ".")
    if ignored:
        lines += _fit_text("Columns ignored: " + ", ".join(ignored) + ".")
    return lines


def _fit_text(line: str) -> list[str]:
    """A remark for stderr wrapped to the width it is given (render.console.width), words kept whole."""
    return fill(line, width(sys.stderr), hanging="  ").split("\n")


def outcome_lines(result) -> list[str]:
    """`prs request outcome` (service.requests.OutcomeRecorded): what changed, the fee, the appeal deadline."""
    record = result.request.record
    if result.direction == "copy_received":
        return [f"Request {record.id} completed: the copy of the script arrived on {when(record.outcome_on)}; no refund decision and no appeal window."]
    lines = [
        f"Request {record.id} completed on {when(record.outcome_on)}: {_direction_text(record, result.direction)}.",
        f"Fee: {result.refund}.",
    ]
    if result.appeal is not None:
        closes = when(result.appeal.date) if result.appeal.date else "not published"
        lines.append(
            f"{result.appeal_name} ({result.appeal_service}) deadline: {closes} ({result.appeal.rule}; {result.appeal.source})."
        )
    return lines


def _direction_text(record, direction: str) -> str:
    what = {"up": "went up", "down": "went down", "unchanged": "stayed the same", "changed": "changed"}[direction]
    parts = []
    if record.original_grade or record.grade_after:
        parts.append(f"grade {record.original_grade or '?'} -> {record.grade_after or record.original_grade or '?'}")
    if record.mark_after is not None:
        parts.append(f"mark {record.original_mark if record.original_mark is not None else '?'} -> {record.mark_after}")
    text = f"the result {what}"
    if direction == "changed":
        text += " (prs cannot order this grade scale)"
    return text + (f" ({', '.join(parts)})" if parts else "")


def encoding_note(imported, file) -> str | None:
    """`prs request import` of a file that was not UTF-8 (service.requests.Imported): what it was
    read as, so the officer checks the names; None for UTF-8."""
    if imported.encoding == "UTF-8":
        return None
    return f"Read {file} as {imported.encoding} (it is not UTF-8); check the names came out right."


def listing_note(listing) -> str | None:
    """What `prs request list` left out (service.requests.Listing), or None."""
    if not listing.truncated:
        return None
    limit, total = listing.limit, listing.total
    shown = f"The last {limit:,} of {total:,} requests" if total else f"The last {limit:,} overdue requests; there may be more"
    return f"{shown}; --all lists every one, --limit N the last N."


# The tracking-log columns (reference.md §6) that prs holds, in the order an office reads them.
# Names match what `prs request import` accepts, so an export can be read back.
CSV_COLUMNS = (
    "id", "series", "awarding_body", "candidate_number", "uci", "candidate_name", "private", "qualification",
    "subject", "component", "service", "results_released", "original_mark", "original_grade", "fee",
    "request_deadline", "status", "logged_on", "logged_by", "received_on", "board_reference",
    "sample_received_on", "completion_due", "outcome_on", "mark_after", "grade_after", "outcome",
    "fee_refunded", "appeal_deadline", "overdue", "late_reason", "closed_reason", "note",
)


def csv_row(view) -> tuple:
    """One request as a tracking-log row (CSV_COLUMNS)."""
    record, dates, reason = view[:3]
    return (
        record.id, record.series, record.awarding_body, record.candidate, record.uci, record.name,
        record.private_candidate, record.qualification, record.subject, record.component, record.service,
        record.results_released, record.original_mark, record.original_grade, record.fee,
        dates.request_deadline.date, record.status,
        record.created_at.date() if record.created_at else None, record.created_by, record.received_on,
        record.board_reference, record.sample_received_on,
        dates.completion_due.date if dates.completion_due else None, record.outcome_on, record.mark_after,
        record.grade_after, view.outcome or record.outcome, record.fee_refunded,
        dates.appeal_deadline.date if dates.appeal_deadline else None,
        reason is not None, record.late_reason, record.closed_reason, record.note,
    )
