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
    day, window, settings, items = agenda(days, today, db, data_dir, every_id=json)
    if json:
        from prs_cli.render.agenda import record

        common.print_json([record(item) for item in items])
        return
    if not items:
        common.note(f"Nothing is overdue or due in the {window} days from {day.isoformat()}.")
        return
    import sys

    from prs_cli.render import agenda as render

    if sys.stdout.isatty():
        render.agenda_table(items, day, window)
    else:  # a pipe or a file: the plain text of 'prs summary', without loading rich
        typer.echo(render.agenda_text(items, day, window, settings), nl=False)


def agenda(days, today, db, data_dir, *, every_id: bool = False):
    """(today, days, settings, items): the agenda every reporting command shares; `every_id`:
    list every request of each item (else only of items with three or fewer)."""
    from prs_cli import config, paths
    from prs_cli.rules.agenda import agenda as build
    from prs_cli.rules.schedule import calendar_items

    settings = config.load()
    day = common.today(today)
    window = settings.look_ahead_days if days is None else days
    cal = common.calendar(data_dir)
    results_due: list = []
    groups, disposals = load_agenda(cal, paths.database_path(db), day, window, every_id=every_id, results_due=results_due)
    items = build(
        cal,
        groups,
        day,
        days=window,
        lead_days=settings.lead_days,
        disposals=disposals,
        results_disposals=results_due,
        key_dates=calendar_items(cal),
    )
    return day, window, settings, items


def load_agenda(cal, path, day, days, *, every_id: bool = False, results_due: list | None = None):
    """(the agenda's request groups, consents due for disposal), read from the tally and a few
    indexed queries so the time stays flat as the log grows; no database yet means nothing logged.
    `results_due`: a list to extend with the series whose results are due for disposal."""
    if not path.exists():
        return [], []
    from datetime import timedelta

    from prs_cli.rules import agenda as rules
    from prs_cli.rules.consent import kept_until
    from prs_cli.store import agenda as store
    from prs_cli.store.db import connect

    conn = connect(path, create=False)
    try:
        outcomes = rules.appeal_outcomes(cal, day, day + timedelta(days=days))
        groups = store.request_groups(conn, outcomes=outcomes, reviews=rules.appealed_services(cal), every_id=every_id)
        disposals = [kept for batch in store.disposal_cases(conn, kept_until(day)) for kept in rules.due_disposals(*batch, day)]
        if results_due is not None and conn.execute("SELECT 1 FROM results LIMIT 1").fetchone():
            from prs_cli.service.results import results_disposals

            results_due += results_disposals(conn, cal, day)
    finally:
        conn.close()
    return groups, disposals


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
