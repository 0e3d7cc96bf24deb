"""The checklist's use cases: list a series' tasks and retention log, tick, untick, and the lines
`prs due` shows for tasks not done and for work that may now be disposed of."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from prs_cli.errors import InputError, Refused


class ChecklistRow(NamedTuple):
    key: str
    kind: str  # task or retention
    series: str
    date: date | None  # a task's day; a retention item's keep-until date
    title: str
    rule: str
    source: str
    done: bool
    done_at: datetime | None
    provisional: bool = False
    still_open: bool = False  # retention: a request it depends on is still open
    note: str | None = None  # the data's note (not the officer's tick note)


class ChecklistView(NamedTuple):
    series: str
    series_name: str
    today: date
    rows: list[ChecklistRow]


def resolve_series(calendar, checklist, series: str | None, today: date, lead_days: int) -> str:
    """--series, else the series whose checklist is in hand (rules.checklist.current_series)."""
    from prs_cli import codes
    from prs_cli.rules.checklist import current_series

    if series is not None:
        return codes.resolve("series", series, calendar.series)
    found = current_series(calendar, checklist.tasks, lead_days, today)
    if found is None:
        raise InputError("no series in the calendar has a dated checklist task; name one with --series")
    return found


def show(db: Path, calendar, checklist, *, series: str | None, today: date, lead_days: int) -> ChecklistView:
    """Every task of the series dated, then the retention log, each with whether it is done."""
    from prs_cli.rules.checklist import dated_tasks
    from prs_cli.rules.retention import retention_log

    series_id = resolve_series(calendar, checklist, series, today, lead_days)
    ticks, requests, kept = _read(db, series_id)
    rows = []
    for task in dated_tasks(calendar, checklist.tasks, series_id, lead_days):
        tick = ticks.get(task.key)
        rows.append(ChecklistRow(task.key, "task", series_id, task.date, task.title, task.rule, task.source,
                                 tick is not None, tick.done_at if tick else None, task.provisional, note=task.note))
    for item in retention_log(calendar, series_id, checklist.retention, requests, kept):
        tick = ticks.get(item.key)
        rows.append(ChecklistRow(item.key, "retention", series_id, item.keep_until, item.title, item.rule, item.source,
                                 item.settled or tick is not None, tick.done_at if tick else None,
                                 still_open=item.still_open, note=item.note))
    return ChecklistView(series_id, calendar.series[series_id].name, today, rows)


def tick(db: Path, calendar, checklist, *, key: str, series: str | None, today: date, lead_days: int,
         note: str | None, by: str | None):
    """Mark a task (or a retention item: the work was disposed of) done for the series."""
    from prs_cli.store import checklist as store
    from prs_cli.store.db import connect

    series_id = _tickable(calendar, checklist, key, series, today, lead_days)
    conn = connect(db)
    try:
        return store.mark_done(conn, series_id, key, note=(note or "").strip() or None, by=by)
    finally:
        conn.close()


def untick(db: Path, calendar, checklist, *, key: str, series: str | None, today: date, lead_days: int,
           by: str | None) -> str:
    """Mark a task not done again; returns the series."""
    from prs_cli.store import checklist as store
    from prs_cli.store.db import connect

    series_id = _tickable(calendar, checklist, key, series, today, lead_days)
    if not db.exists():
        raise Refused(f"task {key} is not done for {series_id}, so there is nothing to undo")
    conn = connect(db, create=False)
    try:
        store.undo(conn, series_id, key, by=by)
    finally:
        conn.close()
    return series_id


def due_items(db: Path, calendar, data_dir: Path | None, *, today: date, horizon: date, lead_days: int) -> list:
    """For `prs due`: the current series' tasks not done by `horizon` (overdue ones stay until
    ticked) and its retention items that may now be disposed of (rules.agenda's `tasks`)."""
    from prs_cli.calendar.checklist import load_checklist
    from prs_cli.rules.checklist import current_series, dated_tasks, due_tasks
    from prs_cli.rules.retention import disposals_due, retention_log

    checklist = load_checklist(calendar, data_dir)
    series_id = current_series(calendar, checklist.tasks, lead_days, today)
    if series_id is None:
        return []
    ticks = _ticks(db, series_id)
    items = due_tasks(dated_tasks(calendar, checklist.tasks, series_id, lead_days), ticks, horizon)
    others = [item for item in checklist.retention if item.keep != "consents"]
    # The log's requests can only lengthen what is kept, so they are read only once the
    # calendar's dates alone would let something go.
    if disposals_due(retention_log(calendar, series_id, others, [], []), ticks, today):
        from prs_cli.rules.deadlines import next_appeal

        _, requests, _ = _read(db, series_id, consents=False, moderation=("S3", next_appeal(calendar, "S3")))
        items += disposals_due(retention_log(calendar, series_id, others, requests, []), ticks, today)
    return items


def _tickable(calendar, checklist, key: str, series: str | None, today: date, lead_days: int) -> str:
    """The series, once `key` is known to be a task of it or a retention item one may tick."""
    from prs_cli.rules.checklist import date_task

    series_id = resolve_series(calendar, checklist, series, today, lead_days)
    task = next((t for t in checklist.tasks if t.key == key), None)
    item = next((k for k in checklist.retention if k.key == key), None)
    if task is None and item is None:
        from prs_cli.errors import UnknownCode

        keys = [t.key for t in checklist.tasks] + [k.key for k in checklist.retention]
        import difflib

        raise UnknownCode("checklist task", key, difflib.get_close_matches(key, keys, n=2), keys)
    if item is not None and item.keep == "consents":
        raise Refused("consent forms are disposed of one by one with 'prs consent purge', not ticked")
    if task is not None and date_task(calendar, series_id, task, lead_days) is None:
        raise Refused(f"task {key} is not part of the {calendar.series[series_id].name} checklist")
    return series_id


def _ticks(db: Path, series_id: str) -> dict:
    """The series' ticks by key; no database yet means nothing ticked."""
    if not db.exists():
        return {}
    from prs_cli.store import checklist as store
    from prs_cli.store.db import connect

    conn = connect(db, create=False)
    try:
        return store.ticks(conn, series_id)
    finally:
        conn.close()


def _read(db: Path, series_id: str, *, consents: bool = True, moderation: tuple = ()):
    """(ticks by key, the series' requests, (consent, Retention) pairs) from the database; no
    database yet means nothing logged and nothing ticked. Without `consents`, only the requests
    of the `moderation` services (a review of moderation and the appeal after it)."""
    if not db.exists():
        return {}, [], []
    from prs_cli.store import checklist as store
    from prs_cli.store.db import connect
    from prs_cli.store.requests import Filters, Requests

    conn = connect(db, create=False)
    try:
        ticks = store.ticks(conn, series_id)
        repo = Requests(conn, db)
        if consents:  # every request of the series: consents may cover any of them
            from prs_cli.rules.consent import retentions
            from prs_cli.store.consents import list_consents

            requests = repo.list(Filters(series=series_id))
            kept = retentions(list_consents(conn, series=series_id), requests)
        else:  # moderated work only: reviews of moderation and the appeals after them
            requests = [r for service in moderation if service for r in repo.iter(Filters(series=series_id, service=service))]
            kept = []
    finally:
        conn.close()
    return ticks, requests, kept
