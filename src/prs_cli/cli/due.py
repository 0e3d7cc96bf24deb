"""`prs due`: one agenda, most urgent first, from the log, consent and the calendar."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common

Days = Annotated[
    Optional[int],
    typer.Option("--days", min=0, max=366, help="Look this many days ahead. Default: look_ahead_days in 'prs config' (14)."),
]


def due(
    days: Days = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """What is overdue, what closes soon and what to chase, overdue first."""
    day, window, _settings, items = agenda(days, today, db, data_dir)
    if json:
        from prs_cli.render.agenda import record

        common.print_json([record(item) for item in items])
        return
    if not items:
        common.note(f"Nothing is overdue or due in the {window} days from {day.isoformat()}.")
        return
    from prs_cli.render.agenda import agenda_table

    agenda_table(items, day, window)


def agenda(days, today, db, data_dir):
    """(today, days, settings, items): the agenda every reporting command shares."""
    from prs_cli import config, paths
    from prs_cli.rules.agenda import build_agenda, consent_findings, due_disposals
    from prs_cli.rules.schedule import calendar_items

    settings = config.load()
    day = common.today(today)
    window = settings.look_ahead_days if days is None else days
    cal = common.calendar(data_dir)
    requests, consents = load_records(paths.database_path(db))
    items = build_agenda(
        cal,
        requests,
        day,
        days=window,
        lead_days=settings.lead_days,
        consent=consent_findings(cal, requests, consents),
        disposals=due_disposals(consents, requests, day),
        key_dates=calendar_items(cal),
    )
    return day, window, settings, items


def load_records(path):
    """Every request and consent; no database yet simply means nothing logged."""
    if not path.exists():
        return [], []
    from prs_cli.store.consents import list_consents
    from prs_cli.store.db import connect
    from prs_cli.store.requests import Requests

    conn = connect(path, create=False)
    try:
        return Requests(conn, path).list(), list_consents(conn)
    finally:
        conn.close()
