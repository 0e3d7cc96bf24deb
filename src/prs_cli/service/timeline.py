"""The season at a glance: the series' dates and the requests at each deadline, for one page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from prs_cli.errors import InputError


class Timeline(NamedTuple):
    series: str
    series_name: str
    today: date
    centre: dict
    rows: list  # rules.timeline.Row, soonest first, unpublished last


def timeline(db: Path, calendar, settings, *, series: str | None, today: date) -> Timeline:
    """The series (--series, else the one in hand) with every dated item and, at each deadline,
    the log's requests by state; no database yet means no requests."""
    from prs_cli import codes
    from prs_cli.rules.timeline import rows, series_for

    series_id = codes.resolve("series", series, calendar.series) if series else series_for(calendar, today)
    if series_id is None:
        raise InputError("no series in the calendar has a date; name one with --series")
    requests = []
    if db.exists():
        from prs_cli.store.db import connect
        from prs_cli.store.requests import Filters, Requests

        conn = connect(db, create=False)
        try:
            requests = Requests(conn, db).list(Filters(series=series_id))
        finally:
            conn.close()
    return Timeline(series_id, calendar.series[series_id].name, today,
                    {"number": settings.centre_number, "name": settings.centre_name},
                    rows(calendar, series_id, requests, settings.lead_days))
