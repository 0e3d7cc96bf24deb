"""Requests for people (tables, the `show` page) and for scripts (one stable JSON shape)."""

from __future__ import annotations

from datetime import date

from prs_cli.render.console import console, when


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


def _short(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else "-"


def requests_table(rows, today: date) -> None:
    """`rows`: (record, dates) pairs."""
    from rich.table import Table

    table = Table(title=f"Requests, as of {when(today)}", title_justify="left")
    for name in ("ID", "Status", "Series", "Cand", "Name", "Board", "Qualification", "Component", "Service",
                 "Deadline", "Due", "Outcome"):
        table.add_column(name, no_wrap=name in ("ID", "Deadline", "Due"), justify="right" if name == "ID" else "left")
    for record, dates in rows:
        reason = overdue_reason(record, dates, today)
        status = record.status + (" (OVERDUE)" if reason else "")
        due = dates.completion_due.date if dates.completion_due else None
        outcome = record.outcome or ""
        if record.outcome_on:
            outcome = f"{outcome} {_short(record.outcome_on)}".strip()
        table.add_row(
            str(record.id), status, record.series or "-", record.candidate or "-", record.name or "",
            record.awarding_body, record.qualification, record.component, record.service,
            _short(dates.request_deadline.date), _short(due), outcome,
            style="bold red" if reason else ("dim" if record.status in ("withdrawn", "rejected") else ""),
        )
    console().print(table)


def _explain(answer) -> str:
    if answer is None:
        return "-"
    text = f"{when(answer.date)}: {answer.rule} ({answer.source})"
    if answer.provisional:
        text += " [provisional]"
    if answer.note:
        text += f"; {answer.note}"
    return text


def show_text(record, dates, today: date, calendar) -> str:
    """Everything about one request, every date with its rule and source."""
    service = calendar.services[record.service]
    body = calendar.awarding_bodies[record.awarding_body]
    reason = overdue_reason(record, dates, today)
    lines = [f"Request {record.id}: {record.status}" + (f" (OVERDUE: {reason})" if reason else "")]

    def add(label: str, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            value = "yes" if value else "no"
        lines.append(f"  {label + ':':<22}{value}")

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
    lines.append(f"  Request deadline:     {_explain(dates.request_deadline)}")
    if dates.completion_due is not None:
        lines.append(f"  Completion due:       {_explain(dates.completion_due)}")
    elif record.status == "submitted" and service.completion_from == "sample_received":
        lines.append("  Completion due:       when the sample arrives (prs request submit ID --sample-received DATE)")
    if dates.appeal_deadline is not None:
        lines.append(f"  Appeal deadline:      {_explain(dates.appeal_deadline)}")
    return "\n".join(lines)


def history_table(events) -> None:
    from rich.table import Table

    table = Table(title="History", title_justify="left")
    for name in ("When (UTC)", "By", "Action", "Details"):
        table.add_column(name, no_wrap=name != "Details")
    for event in events:
        details = ", ".join(f"{k}={v}" for k, v in event.details.items() if v is not None)
        table.add_row(event.at, event.by or "-", event.action, details)
    console().print(table)
