"""The numbers a senior leader asks for: requests by status, board and service, outcomes, fees.

Fees are logged as text pounds ("43.45") and summed with Decimal, so totals are exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from prs_cli.calendar.model import Calendar
from prs_cli.errors import InputError
from prs_cli.records import STATUSES
OUTCOMES = ("up", "unchanged", "down")
COMMITTED = ("submitted", "completed")  # the board has the request: its fee is owed


@dataclass(frozen=True)
class Fees:
    committed: Decimal  # submitted or completed
    refunded: Decimal  # of those, refunded because the grade changed
    planned: Decimal  # still draft
    not_logged: int  # committed requests with no fee logged (the totals leave them out)

    @property
    def net(self) -> Decimal:
        return self.committed - self.refunded


@dataclass(frozen=True)
class StatusReport:
    series: str
    total: int
    by_status: dict[str, int]
    by_board: dict[str, dict[str, int]]  # board -> status -> count, with "total"
    by_service: dict[str, dict[str, int]]
    outcomes: dict[str, int]
    fees: Fees
    seriesless_year: int | None = None  # requests outside any series (Cambridge English) released this year are counted too


def seriesless_year(calendar: Calendar, series: str) -> int | None:
    """The year whose requests outside any JCQ series (Cambridge English: results released per
    candidate, reference.md §4 CE-EAR) `prs status` counts with `series`: each such request
    belongs to the year its results came out, and is counted once, with the series whose results
    day is the last in that year (the summer series: november-2025's results come out in January
    2026, before june-2026's). None: `series` is not the last of any year."""

    def results_day(series_id: str) -> date | None:
        days = [r.date for r in calendar.series[series_id].releases if r.date is not None]
        return max(days) if days else None

    day = results_day(series)
    if day is None:
        return None
    same_year = [d for d in map(results_day, calendar.series) if d is not None and d.year == day.year]
    return day.year if day == max(same_year) else None


def current_series(calendar: Calendar, today: date) -> str:
    """The series with the latest results day on or before today (the one being worked on)."""
    released = [
        (max(r.date for r in s.releases if r.date is not None and r.date <= today), series_id)
        for series_id, s in calendar.series.items()
        if any(r.date is not None and r.date <= today for r in s.releases)
    ]
    if not released:
        raise InputError(f"no series has results out by {today.isoformat()}; name one with --series")
    return max(released)[1]


def status_report(counts: Iterable[tuple], series: str, seriesless: int | None = None) -> StatusReport:
    """The report from counted requests of `series`: rows of (status, awarding_body, service,
    outcome, fee, fee_refunded, how many), as store.agenda.status_counts gives them."""
    by_status = dict.fromkeys(STATUSES, 0)
    by_board: dict[str, dict[str, int]] = {}
    by_service: dict[str, dict[str, int]] = {}
    outcomes = dict.fromkeys(OUTCOMES, 0)
    committed = refunded = planned = Decimal(0)
    not_logged = total = 0
    for status, body, service, outcome, fee_text, fee_refunded, n in counts:
        total += n
        by_status[status] = by_status.get(status, 0) + n
        for table, key in ((by_board, body), (by_service, service)):
            row = table.setdefault(key, {**dict.fromkeys(STATUSES, 0), "total": 0})
            row[status] = row.get(status, 0) + n
            row["total"] += n
        if outcome in outcomes:
            outcomes[outcome] += n
        fee = _pounds(fee_text)
        if status in COMMITTED:
            if fee is None:
                not_logged += n
            else:
                committed += fee * n
                if fee_refunded:
                    refunded += fee * n
        elif status == "draft" and fee is not None:
            planned += fee * n
    return StatusReport(
        series,
        total,
        by_status,
        dict(sorted(by_board.items())),
        dict(sorted(by_service.items())),
        outcomes,
        Fees(committed, refunded, planned, not_logged),
        seriesless,
    )


def _pounds(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None  # the log only stores checked amounts; anything else is left out, not guessed
