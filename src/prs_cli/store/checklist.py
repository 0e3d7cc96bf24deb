"""The checklist's ticks: which tasks of a series are done, when and by whom.

Every tick and untick is one transaction with its audit event; an event's details hold the
series and the task's key only (a note is free text and may name someone, so it stays in the
row, never in the trail).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import NamedTuple

from prs_cli.errors import Refused
from prs_cli.store.db import now_utc, storage_error, transaction


class Tick(NamedTuple):
    series: str
    key: str
    done_at: datetime  # UTC
    done_by: str | None
    note: str | None


def ticks(conn: sqlite3.Connection, series: str) -> dict[str, Tick]:
    """The series' done tasks, by key."""
    try:
        rows = conn.execute(
            "SELECT series, key, done_at, done_by, note FROM checklist_done WHERE series = ?", (series,)
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return {row[1]: Tick(row[0], row[1], datetime.fromisoformat(row[2]), row[3], row[4]) for row in rows}


def mark_done(conn: sqlite3.Connection, series: str, key: str, *, note: str | None, by: str | None) -> Tick:
    """Tick a task; refused if it is ticked already (the first tick's time is kept)."""
    now = now_utc()
    try:
        with transaction(conn):
            if conn.execute("SELECT 1 FROM checklist_done WHERE series = ? AND key = ?", (series, key)).fetchone():
                raise Refused(f"task {key} is already done for {series}; 'prs checklist undo {key}' first to tick it again")
            conn.execute(
                "INSERT INTO checklist_done (series, key, done_at, done_by, note) VALUES (?, ?, ?, ?, ?)",
                (series, key, now, by, note),
            )
            _event(conn, now, by, "checklist_done", series, key)
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return Tick(series, key, datetime.fromisoformat(now), by, note)


def undo(conn: sqlite3.Connection, series: str, key: str, *, by: str | None) -> None:
    """Untick a task; refused if it is not ticked."""
    now = now_utc()
    try:
        with transaction(conn):
            gone = conn.execute("DELETE FROM checklist_done WHERE series = ? AND key = ?", (series, key)).rowcount
            if not gone:
                raise Refused(f"task {key} is not done for {series}, so there is nothing to undo")
            _event(conn, now, by, "checklist_undone", series, key)
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def history(conn: sqlite3.Connection, series: str, key: str) -> list[dict]:
    """The audit trail of one task, oldest first."""
    try:
        rows = conn.execute(
            "SELECT at, by, action, details FROM events WHERE action IN ('checklist_done', 'checklist_undone') "
            "AND json_extract(details, '$.series') = ? AND json_extract(details, '$.key') = ? ORDER BY id",
            (series, key),
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return [{"at": at, "by": by, "action": action, "details": json.loads(details)} for at, by, action, details in rows]


def _event(conn: sqlite3.Connection, now: str, by: str | None, action: str, series: str, key: str) -> None:
    conn.execute(
        "INSERT INTO events (at, by, action, details) VALUES (?, ?, ?, ?)",
        (now, by, action, json.dumps({"key": key, "series": series}, sort_keys=True)),
    )
