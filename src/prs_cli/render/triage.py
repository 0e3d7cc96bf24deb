"""The triage list for people (one aligned line per result when the width allows, else each
result stacked on a few lines) and for scripts (JSON). Every line fits the width: the
terminal's, COLUMNS, else 80; words are never split."""

from __future__ import annotations

from functools import lru_cache

from prs_cli.render.console import fill, width
from prs_cli.render.text import visible, visible_lines
from prs_cli.rules.days import when

HEADERS = ("Short", "Above", "Cand", "Name", "Board", "Qualification", "Subject", "Component", "Mark", "Grade", "Next", "Open", "Logged")
RIGHT = {0, 1, 8}


def _grade(item) -> str | None:
    """The result's own grade, or, when the broadsheet gave none, the grade its mark reaches."""
    return item.row.result.grade or item.row.placement.grade


def record(item) -> dict:
    """One listed result as JSON (the keys README documents)."""
    r = item.row.result
    p = item.row.placement
    return {
        "candidate": r.candidate,
        "name": r.name,
        "awarding_body": r.awarding_body,
        "qualification": r.qualification,
        "subject": r.subject,
        "component": r.component or None,
        "mark": r.mark,
        "grade": _grade(item),
        "next_grade": p.next_grade,
        "next_boundary": p.next_boundary,
        "marks_short": item.row.marks_short,
        "margin_above": item.row.margin_above,
        "open_services": _services(item.open_services),
        "logged": list(item.logged),
    }


@lru_cache(maxsize=256)
def _services(offered) -> list[dict]:
    """The open services as JSON, made once per board and qualification (every result of one
    shares them)."""
    return [
        {"service": s.service, "deadline": s.deadline.date.isoformat() if s.deadline.date else None, "fee": s.fee.amount if s.fee else None}
        for s in offered
    ]


def _cells(item) -> tuple[str, ...]:
    r = item.row.result
    p = item.row.placement
    return (
        str(item.row.marks_short),
        "-" if item.row.margin_above is None else str(item.row.margin_above),
        r.candidate,
        _shown(r.name),
        r.awarding_body,
        r.qualification,
        _shown(r.subject),
        _shown(r.component) or "(whole)",
        str(r.mark),
        _shown(_grade(item)) or "U",
        f"{p.next_grade} {p.next_boundary}",
        " ".join(s.service for s in item.open_services) or "none",
        " ".join(map(str, item.logged)),
    )


def _wrap(text: str, room: int, indent: str) -> list[str]:
    """render.console.fill's lines, the rest hanging two spaces in."""
    return fill(text, room, indent, indent + "  ").split("\n")


def _shown(text: str | None) -> str:
    """One cell of a broadsheet: control characters made visible (render.text.visible)."""
    return visible(text) if text else ""


def triage_text(report, calendar) -> str:
    """The list, closest first, then each board and qualification's open services with their
    deadlines and fees (the same for every result of that qualification, so said once)."""
    room = width()
    lines = _wrap(
        f"Results within {report.within} mark{'s' if report.within != 1 else ''} below the next grade, closest first",
        room, "",
    )
    # Narrower than the headers alone: stacked, without measuring the cells.
    rows = [_cells(item) for item in report.items] if room >= sum(map(len, HEADERS)) + 2 * (len(HEADERS) - 1) else None
    widths = [max(len(h), max(map(len, column), default=0)) for h, column in zip(HEADERS, zip(*rows))] if rows else []
    if rows and sum(widths) + 2 * (len(widths) - 1) <= room:
        lines += _wrap("Short: marks below the next grade; Above: marks above the result's own grade.", room, "")

        def line(cells):
            return "  ".join(c.rjust(w) if i in RIGHT else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        lines.append(line(HEADERS))
        lines += [line(row) for row in rows]
    else:  # narrow: each result stacked on two lines (cells cleaned once, over the whole text, below)
        opened: dict[int, str] = {}
        append = lines.append
        for item in report.items:
            row = item.row
            r = row.result
            p = row.placement
            offered = opened.get(id(item.open_services))
            if offered is None:
                offered = opened[id(item.open_services)] = " ".join(s.service for s in item.open_services) or "none"
            first = (
                f"{row.marks_short} short of {p.next_grade} at {p.next_boundary}: {r.candidate} {r.name or ''} "
                f"({r.awarding_body} {r.qualification} {r.subject or ''} {r.component or 'whole'})"
            )
            second = (
                f"  mark {r.mark}, grade {r.grade or p.grade or 'U'}, "
                + (f"{row.margin_above} above it" if row.margin_above is not None else "below the lowest grade")
                + f"; open: {offered}" + (f"; logged: {' '.join(map(str, item.logged))}" if item.logged else "")
            )
            for text, indent in ((first, ""), (second, "  ")):
                if len(text) <= room and text.isascii():
                    append(text)
                else:
                    lines += _wrap(text[len(indent):], room, indent)
    services: dict[tuple, tuple] = {}
    for item in report.items:
        services.setdefault((item.row.result.awarding_body, item.row.result.qualification), item.open_services)
    if services:
        lines += ["", "Open services (request deadline, published fee):"]
        for (board, qual), offered in services.items():
            parts = [
                f"{s.service} by {when(s.deadline.date)}" + (f" £{s.fee.amount}" if s.fee else "") + (" (provisional)" if s.deadline.provisional else "")
                for s in offered
            ] or ["none still open"]
            lines += _wrap(f"{board} {calendar.qualifications[qual].name if qual in calendar.qualifications else qual}: " + "; ".join(parts), room, "  ")
    return visible_lines("\n".join(lines)) + "\n"


def drafts_text(logged, service_name: str) -> str:
    """What --log did, or would do: the drafts, and why any result was skipped."""
    room = width()
    ready = [p for p in logged.plans if p.record is not None]
    skipped = [p for p in logged.plans if p.record is None]
    lines = []
    if logged.dry_run:
        lines += _wrap(f"Would log {len(ready)} draft request{'s' if len(ready) != 1 else ''} for {service_name}:", room, "")
    else:
        ids = ", ".join(map(str, logged.logged))
        lines += _wrap(f"Logged {len(logged.logged)} draft request{'s' if len(logged.logged) != 1 else ''} for {service_name}" + (f": {ids}" if ids else "."), room, "")
    for plan in ready:
        r = plan.item.row.result
        lines += _wrap(f"{r.candidate} {r.awarding_body} {r.qualification} {r.component}: {plan.item.row.marks_short} short of {plan.item.row.placement.next_grade}", room, "  ")
    if skipped:
        lines += _wrap(f"Skipped {len(skipped)}:", room, "")
        for plan in skipped:
            r = plan.item.row.result
            lines += _wrap(f"{r.candidate} {r.awarding_body} {r.qualification} {r.component or _shown(r.subject)}: {plan.skipped}", room, "  ")
    return "\n".join(lines) + "\n"
