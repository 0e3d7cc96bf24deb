"""The triage list for people (one aligned line per result when the width allows, else each
result stacked on a few lines) and for scripts (JSON). Every line fits the width: the
terminal's, COLUMNS, else 80; words are never split."""

from __future__ import annotations

from prs_cli.rules.days import when

HEADERS = ("Short", "Above", "Cand", "Name", "Board", "Qualification", "Subject", "Component", "Mark", "Grade", "Next", "Open", "Logged")
RIGHT = {0, 1, 8}


def width() -> int:
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)


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
        "open_services": [
            {"service": s.service, "deadline": s.deadline.date, "fee": s.fee.amount if s.fee else None} for s in item.open_services
        ],
        "logged": list(item.logged),
    }


def _clean(text: str | None) -> str:
    text = text or ""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _cells(item) -> tuple[str, ...]:
    r = item.row.result
    p = item.row.placement
    return (
        str(item.row.marks_short),
        "-" if item.row.margin_above is None else str(item.row.margin_above),
        r.candidate,
        _clean(r.name),
        r.awarding_body,
        r.qualification,
        _clean(r.subject),
        _clean(r.component) or "(whole)",
        str(r.mark),
        _clean(_grade(item)) or "U",
        f"{p.next_grade} {p.next_boundary}",
        " ".join(s.service for s in item.open_services) or "none",
        " ".join(map(str, item.logged)),
    )


def _wrap(text: str, room: int, indent: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, room, initial_indent=indent, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False) or [indent]


def triage_text(report, calendar) -> str:
    """The list, closest first, then each board and qualification's open services with their
    deadlines and fees (the same for every result of that qualification, so said once)."""
    room = width()
    rows = [_cells(item) for item in report.items]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(HEADERS)]
    lines = [f"Within {report.within} mark{'s' if report.within != 1 else ''} of the next grade, closest first "
             "(Short: marks below it; Above: marks above the result's own grade)"]
    lines = _wrap(lines[0], room, "")
    if sum(widths) + 2 * (len(widths) - 1) <= room:
        def line(cells):
            return "  ".join(c.rjust(w) if i in RIGHT else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        lines.append(line(HEADERS))
        lines += [line(row) for row in rows]
    else:  # narrow: each result stacked
        for item, cells in zip(report.items, rows):
            short, above, cand, name, board, qual, subject, component, mark, grade, nxt, open_, logged = cells
            lines.append("")
            lines += _wrap(f"{short} short of {nxt}: {cand} {name}".rstrip(), room, "")
            lines += _wrap(f"{board} {qual} {subject} {component}: mark {mark}, grade {grade}, {above} above its grade", room, "  ")
            lines += _wrap(f"open: {open_}" + (f"; logged: {logged}" if logged else ""), room, "  ")
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
    return "\n".join(lines) + "\n"


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
            lines += _wrap(f"{r.candidate} {r.awarding_body} {r.qualification} {r.component or _clean(r.subject)}: {plan.skipped}", room, "  ")
    return "\n".join(lines) + "\n"
