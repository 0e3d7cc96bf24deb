"""`prs status`: requests by status, board and service for a series, with outcomes and fees."""

from __future__ import annotations

from datetime import date

from prs_cli.service.database import Database


def status(db: Database, calendar, *, series: str | None, today: date):
    """The rules.status.StatusReport of `series` (default: the latest with results out by
    `today`), counted in SQL; no database yet simply means nothing logged."""
    from prs_cli import codes
    from prs_cli.rules.status import current_series, seriesless_year, status_report

    chosen = codes.resolve("series", series, calendar.series) if series else current_series(calendar, today)
    year = seriesless_year(calendar, chosen)
    if not db.exists():
        return status_report([], chosen, year)
    from prs_cli.store.agenda import status_counts

    try:
        return status_report(status_counts(db.connection(), chosen, year), chosen, year)
    finally:
        db.close()
