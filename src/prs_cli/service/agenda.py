"""`prs due` and `prs summary`: the agenda, most urgent first, from the log, consent and the calendar."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from prs_cli.service.database import Database


class Agenda(NamedTuple):
    today: date
    days: int  # the window looked at
    settings: object  # config.Settings: the centre and its lead time, for the heading
    items: list  # rules.agenda.AgendaItem, overdue first


def agenda(
    db: Database, calendar, settings, *, today: date, days: int | None = None, every_id: bool = False,
    data_dir: Path | None = None,
) -> Agenda:
    """What is overdue, what closes in the next `days` (default: the centre's look-ahead), what
    to chase, and the checklist's tasks not done (the centre's own from `data_dir` too);
    `every_id`: list every request of each item (else only of items with ten or fewer)."""
    from prs_cli.rules.agenda import agenda as build
    from prs_cli.rules.schedule import calendar_items
    from prs_cli.service.checklist import due_items

    window = settings.look_ahead_days if days is None else days
    results_due: list = []
    groups, disposals = load_agenda(calendar, db.path, today, window, every_id=every_id, results_due=results_due)
    tasks = due_items(db.path, calendar, data_dir, today=today, horizon=today + timedelta(days=window), lead_days=settings.lead_days)
    items = build(
        calendar,
        groups,
        today,
        days=window,
        lead_days=settings.lead_days,
        disposals=disposals,
        key_dates=calendar_items(calendar),
        tasks=tasks,
        results_disposals=results_due,
    )
    return Agenda(today, window, settings, items)


def load_agenda(calendar, path: Path, today: date, days: int, *, every_id: bool = False, results_due: list | None = None):
    """(the agenda's request groups, consents due for disposal), read from the tally and a few
    indexed queries so the time stays flat as the log grows; no database yet means nothing logged.
    `results_due`: a list to extend with the series whose results broadsheets may be disposed of."""
    if not path.exists():
        return [], []
    from prs_cli.rules import agenda as rules
    from prs_cli.rules.consent import kept_until
    from prs_cli.service.agenda_keys import ensure_current
    from prs_cli.store import agenda as store
    from prs_cli.store.db import connect

    conn = connect(path, create=False)
    try:
        ensure_current(conn)
        outcomes = rules.appeal_outcomes(calendar, today, today + timedelta(days=days))
        groups = store.request_groups(conn, outcomes=outcomes, reviews=rules.appealed_services(calendar), every_id=every_id)
        disposals = [kept for batch in store.disposal_cases(conn, kept_until(today)) for kept in rules.due_disposals(*batch, today)]
        if results_due is not None:
            from prs_cli.service.results import results_disposals

            results_due += results_disposals(conn, calendar, today)
    finally:
        conn.close()
    return groups, disposals
