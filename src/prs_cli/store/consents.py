"""Consent records: record, read, and purge the personal details once they may go.

Every change is one transaction with its audit event. An event's details hold codes, ids and
dates only, so the trail outlives a purge and still shows that consent existed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime

from prs_cli.errors import NotFound, Refused
from prs_cli.records import CANDIDATE, OPEN_STATUSES, ConsentRecord, RequestRecord
from prs_cli.store.db import now_utc, storage_error, transaction

_COLUMNS = (
    "id, candidate, series, given_on, given_at, method, given_by, covers, acknowledged_outcomes, "
    "classroom_use, anonymise, note, recorded_at, recorded_by, purged_at"
)
_OPEN = "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"


def record(
    conn: sqlite3.Connection,
    *,
    candidate: str,
    series: str | None,
    given_on: date,
    given_at: datetime | None,
    method: str,
    given_by: str,
    covers: tuple[str, ...],
    acknowledged_outcomes: bool,
    classroom_use: bool | None,
    anonymise: bool | None,
    requests: tuple[int, ...],
    note: str | None,
    by: str | None,
    as_of: date | None = None,
) -> ConsentRecord:
    """Store a consent (tied to `requests` when given); refused if a tied request is for
    another candidate or series, so a form can never be filed against the wrong request."""
    now = now_utc()
    try:
        with transaction(conn):
            for request_id in requests:
                row = conn.execute("SELECT candidate, series FROM requests WHERE id = ?", (request_id,)).fetchone()
                if row is None:
                    raise NotFound(f"no request {request_id} in the log; 'prs request list' shows the ids")
                if row[0] != candidate:
                    raise Refused(f"request {request_id} is for a different candidate; nothing was recorded")
                if row[1] != series:
                    raise Refused(f"request {request_id} is in series {row[1] or 'none'}, not {series or 'none'}; nothing was recorded")
            cursor = conn.execute(
                "INSERT INTO consents (candidate, series, given_on, given_at, method, given_by, covers, "
                "acknowledged_outcomes, classroom_use, anonymise, note, recorded_at, recorded_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    candidate,
                    series,
                    given_on.isoformat(),
                    given_at.isoformat(timespec="minutes") if given_at else None,
                    method,
                    given_by,
                    ",".join(covers),
                    int(acknowledged_outcomes),
                    _bool_in(classroom_use),
                    _bool_in(anonymise),
                    note,
                    now,
                    by,
                ),
            )
            consent_id = cursor.lastrowid
            conn.executemany(
                "INSERT INTO consent_requests (consent_id, request_id) VALUES (?, ?)",
                [(consent_id, r) for r in requests],
            )
            stored = _get(conn, consent_id)
            details = {
                "series": series,
                "given_on": given_on.isoformat(),
                "given_at": given_at.isoformat(timespec="minutes") if given_at else None,
                "method": method,
                "from_candidate": stored.from_candidate,
                "covers": list(covers),
                "acknowledged_outcomes": acknowledged_outcomes,
                "requests": list(requests),
            }
            _event(conn, now, by, "consent_recorded", consent_id, _with_as_of(details, as_of))
            return stored
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def get(conn: sqlite3.Connection, consent_id: int) -> ConsentRecord:
    try:
        return _get(conn, consent_id)
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def list_consents(
    conn: sqlite3.Connection,
    *,
    candidate: str | None = None,
    series: str | None = None,
    request_id: int | None = None,
) -> list[ConsentRecord]:
    """Consents, oldest first; filters combine. `request_id`: consents tied to that request."""
    where, args = [], []
    if candidate is not None:
        where.append("candidate = ?")
        args.append(candidate)
    if series is not None:
        where.append("series = ?")
        args.append(series)
    if request_id is not None:
        where.append("id IN (SELECT consent_id FROM consent_requests WHERE request_id = ?)")
        args.append(request_id)
    sql = f"SELECT {_COLUMNS} FROM consents"
    if where:
        sql += " WHERE " + " AND ".join(where)
    try:
        return _records(conn, conn.execute(sql + " ORDER BY id", args).fetchall())
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def records_by_id(conn: sqlite3.Connection, ids) -> dict[int, ConsentRecord]:
    """The consents with these ids, by id (raises sqlite3.Error: callers turn it into a sentence)."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM consents WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", [json.dumps(sorted(ids))])
    return {record.id: record for record in _records(conn, rows.fetchall())}


def for_requests(conn: sqlite3.Connection, requests: Iterable[RequestRecord]) -> dict[int, list[ConsentRecord]]:
    """for_request for many requests in a few queries however many they are: {request id:
    the consents that may apply to it, oldest first}. Pass batches (a few thousand requests)
    to keep memory bounded on a large log; a consent for several of them is read once."""
    requests = list(requests)
    ids = {r.id for r in requests} | {r.follows_request for r in requests if r.follows_request is not None}
    keys = {(r.candidate, r.series) for r in requests if r.candidate is not None}
    try:
        ties = conn.execute(
            "SELECT request_id, consent_id FROM consent_requests WHERE request_id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(ids))],
        ).fetchall()
        untied = conn.execute(
            f"SELECT {_COLUMNS} FROM consents c WHERE candidate IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM consent_requests t WHERE t.consent_id = c.id)",
            [json.dumps(sorted({candidate for candidate, _ in keys}))],
        ).fetchall()
        tied = records_by_id(conn, {consent_id for _, consent_id in ties})
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    tied_to: dict[int, list[int]] = {}
    for request_id, consent_id in ties:
        tied_to.setdefault(request_id, []).append(consent_id)
    matching: dict[tuple, list[ConsentRecord]] = {}
    for row in untied:
        consent = from_row(row, ())
        if (consent.candidate, consent.series) in keys:
            matching.setdefault((consent.candidate, consent.series), []).append(consent)
    found = {}
    for r in requests:
        chosen = {c: tied[c] for c in tied_to.get(r.id, []) + tied_to.get(r.follows_request, [])}
        chosen.update((c.id, c) for c in matching.get((r.candidate, r.series), ()))
        found[r.id] = [chosen[c] for c in sorted(chosen)]
    return found


def for_request(conn: sqlite3.Connection, request: RequestRecord) -> list[ConsentRecord]:
    """Every consent that may apply to a request: tied to it or to the request it follows, or
    untied and for the same candidate and series (rules.consent.applies_to decides)."""
    sql = (
        f"SELECT {_COLUMNS} FROM consents c WHERE id IN (SELECT consent_id FROM consent_requests WHERE request_id IN (?, ?)) "
        "OR (candidate = ? AND series IS ? AND NOT EXISTS (SELECT 1 FROM consent_requests t WHERE t.consent_id = c.id)) "
        "ORDER BY id"
    )
    try:
        return _records(conn, conn.execute(sql, (request.id, request.follows_request, request.candidate, request.series)).fetchall())
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def purge(
    conn: sqlite3.Connection,
    consent_id: int,
    *,
    covered: tuple[int, ...],
    details: dict,
    by: str | None,
    as_of: date | None = None,
) -> tuple[ConsentRecord, bool]:
    """Blank the candidate and free-text fields, tie the consent to the requests it covered (so
    checks still find it) and log an event with `details` (codes and dates only). Returns the
    consent and whether this call purged it (False: it was purged already, nothing changed).

    Re-checked inside the write lock: refused if any covered request, an appeal following one,
    or a new matching request is still open.
    """
    now = now_utc()
    try:
        with transaction(conn):
            consent = _get(conn, consent_id)
            if consent.purged_at is not None:
                return consent, False
            still_open = _open_requests(conn, consent, covered)
            if still_open:
                raise Refused(still_open_message(consent_id, still_open))
            conn.executemany(
                "INSERT OR IGNORE INTO consent_requests (consent_id, request_id) VALUES (?, ?)",
                [(consent_id, r) for r in covered],
            )
            conn.execute(
                "UPDATE consents SET candidate = NULL, note = NULL, given_by = ?, purged_at = ? WHERE id = ?",
                (CANDIDATE if consent.from_candidate else "other", now, consent_id),
            )
            _event(conn, now, by, "consent_purged", consent_id, _with_as_of(details, as_of))
            return _get(conn, consent_id), True
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def still_open_message(consent_id: int, open_ids) -> str:
    ids = list(open_ids)
    listed = ", ".join(str(r) for r in ids)
    which = f"request {listed} it covers is" if len(ids) == 1 else f"requests {listed} it covers are"
    return f"consent {consent_id} cannot be purged: {which} still open"


def events(conn: sqlite3.Connection, consent_id: int) -> list[dict]:
    """The audit trail of one consent, oldest first."""
    try:
        rows = conn.execute(
            "SELECT at, by, action, details FROM events WHERE consent_id = ? ORDER BY id", (consent_id,)
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return [{"at": at, "by": by, "action": action, "details": json.loads(details)} for at, by, action, details in rows]


def _open_requests(conn: sqlite3.Connection, consent: ConsentRecord, covered: tuple[int, ...]) -> list[int]:
    marks = ", ".join("?" for _ in covered) or "NULL"
    sql = f"SELECT id FROM requests WHERE status IN {_OPEN} AND (id IN ({marks}) OR follows_request IN ({marks})"
    args: list = [*covered, *covered]
    if not consent.requests and consent.candidate is not None:
        services = ", ".join("?" for _ in consent.covers) or "NULL"
        sql += f" OR (candidate = ? AND series IS ? AND service IN ({services}))"
        args += [consent.candidate, consent.series, *consent.covers]
    return [row[0] for row in conn.execute(sql + ") ORDER BY id", args).fetchall()]


def _with_as_of(details: dict, as_of: date | None) -> dict:
    """The audit line of a change made with --today records the day it was made for."""
    from prs_cli.clock import now_london

    if as_of is None or as_of == now_london().date():
        return details
    return {**details, "as_of": as_of.isoformat()}


def _event(conn: sqlite3.Connection, now: str, by: str | None, action: str, consent_id: int, details: dict) -> None:
    conn.execute(
        "INSERT INTO events (at, by, action, consent_id, details) VALUES (?, ?, ?, ?, ?)",
        (now, by, action, consent_id, json.dumps(details, sort_keys=True)),
    )


def _get(conn: sqlite3.Connection, consent_id: int) -> ConsentRecord:
    row = conn.execute(f"SELECT {_COLUMNS} FROM consents WHERE id = ?", (consent_id,)).fetchone()
    if row is None:
        raise NotFound(f"no consent {consent_id}; see 'prs consent check'")
    return _records(conn, [row])[0]


def _records(conn: sqlite3.Connection, rows: list[tuple]) -> list[ConsentRecord]:
    ties: dict[int, list[int]] = {}
    if rows:
        marks = ", ".join("?" for _ in rows)
        for consent_id, request_id in conn.execute(
            f"SELECT consent_id, request_id FROM consent_requests WHERE consent_id IN ({marks}) ORDER BY request_id",
            [row[0] for row in rows],
        ):
            ties.setdefault(consent_id, []).append(request_id)
    return [from_row(row, tuple(ties.get(row[0], ()))) for row in rows]


def from_row(row: tuple, requests: tuple[int, ...]) -> ConsentRecord:
    (cid, candidate, series, given_on, given_at, method, given_by, covers, acknowledged,
     classroom_use, anonymise, note, recorded_at, recorded_by, purged_at) = row
    return ConsentRecord(
        id=cid,
        candidate=candidate,
        series=series,
        given_on=date.fromisoformat(given_on),
        given_at=datetime.fromisoformat(given_at) if given_at else None,
        method=method,
        given_by=given_by,
        covers=tuple(c for c in covers.split(",") if c),
        acknowledged_outcomes=bool(acknowledged),
        classroom_use=_bool_out(classroom_use),
        anonymise=_bool_out(anonymise),
        requests=requests,
        note=note,
        recorded_at=datetime.fromisoformat(recorded_at) if recorded_at else None,
        recorded_by=recorded_by,
        purged_at=datetime.fromisoformat(purged_at) if purged_at else None,
    )


def _bool_in(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _bool_out(value: int | None) -> bool | None:
    return None if value is None else bool(value)
