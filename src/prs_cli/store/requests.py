"""The request log in SQLite: every change one transaction, with its line in the audit trail.

The rules decide whether a change is allowed (rules/intake.py); this module stores it, and
re-checks the status inside the write lock so that two officers cannot both move the same
request. Event details hold codes, dates and statuses only, never names or free text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from prs_cli.errors import NotFound, Refused
from prs_cli.records import CLOSED_STATUSES, OPEN_STATUSES, RequestRecord
from prs_cli.store.db import now_utc, storage_error, transaction

_FIELDS = list(RequestRecord._fields)
MAX_ID = 2**63 - 1  # SQLite's integers: a larger id cannot exist (and would not fit a query)
_COLUMNS = [name for name in _FIELDS if name != "id"]
_DATES = {"results_released", "received_on", "sample_received_on", "outcome_on", "decided_on"}
_BOOLS = {"private_candidate", "fee_refunded"}


@dataclass(frozen=True)
class Event:
    id: int
    at: str  # UTC, ISO 8601
    by: str | None
    action: str
    request_id: int | None
    details: dict
    consent_id: int | None = None
    reason: str | None = None  # a withdrawal's or rejection's reason (kept on the request)


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    awarding_body: str | None = None
    service: str | None = None
    series: str | None = None
    candidate: str | None = None
    open_only: bool = False  # only draft and submitted requests


def _where(filters: Filters) -> tuple[str, list]:
    """The WHERE clause (with its leading space, or empty) and values for `filters`."""
    where, values = [], []
    for column, value in (
        ("status", filters.status),
        ("awarding_body", filters.awarding_body),
        ("service", filters.service),
        ("series", filters.series),
        ("candidate", filters.candidate),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            values.append(value)
    if filters.open_only:
        where.append(f"status IN ({', '.join('?' for _ in OPEN_STATUSES)})")
        values.extend(OPEN_STATUSES)
    return (" WHERE " + " AND ".join(where) if where else ""), values


def _to_row(record: RequestRecord) -> list:
    values = []
    for name in _COLUMNS:
        value = getattr(record, name)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    return values


_SELECT = f"SELECT {', '.join(_FIELDS)} FROM requests"
_DATE_AT = tuple(i for i, name in enumerate(_FIELDS) if name in _DATES)
_BOOL_AT = tuple(i for i, name in enumerate(_FIELDS) if name in _BOOLS)
_CREATED_AT = _FIELDS.index("created_at")
# Spelled out in the query (not bound) so that SQLite sees it is the unique index's own
# condition (schema 1's requests_once) and finds a duplicate through the index.
_CLOSED = "(" + ", ".join(f"'{s}'" for s in CLOSED_STATUSES) + ")"


def _from_row(row: tuple) -> RequestRecord:
    """A record from a row selected as _SELECT (columns in field order)."""
    values = list(row)
    for i in _DATE_AT:
        if values[i] is not None:
            values[i] = date.fromisoformat(values[i])
    for i in _BOOL_AT:
        if values[i] is not None:
            values[i] = bool(values[i])
    if values[_CREATED_AT] is not None:
        values[_CREATED_AT] = datetime.fromisoformat(values[_CREATED_AT])
    return RequestRecord._make(values)


def summary(record: RequestRecord) -> dict:
    """What an audit line may say about a request: codes, dates and statuses only."""
    details = {
        "status": record.status,
        "series": record.series,
        "awarding_body": record.awarding_body,
        "qualification": record.qualification,
        "service": record.service,
        "component": record.component,
    }
    if record.follows_request is not None:
        details["follows"] = record.follows_request
    if record.results_released is not None:
        details["results_released"] = record.results_released.isoformat()
    if record.late_reason:
        details["late"] = True
    return details


class Requests:
    """The repository. `path` is only for error messages. `as_of`: the day the officer said it
    is (--today); when it is not the real day, every audit line written records it beside the
    real time, so a back-dated entry is never mistaken for one made that day."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, *, as_of: date | None = None):
        self.conn = conn
        self.path = path
        self.as_of = as_of
        conn.row_factory = sqlite3.Row

    # --- writing ----------------------------------------------------------------------------

    def add(self, record: RequestRecord, *, by: str | None) -> RequestRecord:
        """Store a new request (its id and created_at are assigned here), in one transaction."""
        return self.add_many([record], by=by)[0]

    def add_many(
        self,
        records: list[RequestRecord],
        *,
        by: str | None,
        action: str = "added",
        progress: Callable[[int], None] | None = None,
    ) -> list[RequestRecord]:
        """All of `records` or none of them (a killed import leaves the database as it was).

        A request that follows another (an appeal, a Stage 2) also leaves a line in the
        history of the one it follows."""
        stored = []
        at = now_utc()
        try:
            with transaction(self.conn, self.path):
                for record in records:
                    record = record._replace(created_at=datetime.fromisoformat(at), created_by=record.created_by or by)
                    try:
                        cursor = self.conn.execute(
                            f"INSERT INTO requests ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})",
                            _to_row(record),
                        )
                    except sqlite3.IntegrityError:
                        existing = self._duplicate_of(record)
                        raise Refused(
                            "the same candidate, component, service and series is already logged"
                            + (f" as request {existing}" if existing else "")
                            + "; withdraw it first if this one replaces it"
                        ) from None
                    record = record._replace(id=cursor.lastrowid)
                    self._event(at, by, action, record.id, summary(record))
                    if record.status == "submitted":  # an appeal is sent as it is logged
                        self._event(at, record.submitted_by or by, "submitted", record.id, {
                            "status": record.status, "received_on": _iso(record.received_on),
                            "sample_received_on": _iso(record.sample_received_on),
                        })
                    if record.follows_request is not None:
                        details = {"request": record.id, "service": record.service, "status": record.status}
                        self._event(at, by, "followed_by", record.follows_request, details)
                    stored.append(record)
                    if progress:
                        progress(len(stored))
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        return stored

    def save(self, before: RequestRecord, after: RequestRecord, *, action: str, by: str | None, details: dict | None = None) -> RequestRecord:
        """Store a checked transition from `before` (the row as read) to `after`: only the columns
        that differ are written, and only if, inside the write lock, the row still has the status
        and the values of those columns it was read with. Two officers changing different things
        (an outcome and a sample date) both land; changing the same thing, the second is refused
        and nothing of it is written. Returns the row as stored."""
        at = now_utc()
        old, new = dict(zip(_COLUMNS, _to_row(before))), dict(zip(_COLUMNS, _to_row(after)))
        changed = [name for name in _COLUMNS if old[name] != new[name] and name not in ("created_at", "created_by")]
        checked = ["status", *(name for name in changed if name != "status")]
        where = " AND ".join(f"{name} IS ?" for name in checked)
        try:
            with transaction(self.conn, self.path):
                cursor = self.conn.execute(
                    f"UPDATE requests SET {', '.join(f'{name} = ?' for name in changed) or 'id = id'} WHERE id = ? AND {where}",
                    [*(new[name] for name in changed), before.id, *(old[name] for name in checked)],
                )
                if cursor.rowcount != 1:
                    raise Refused(f"request {before.id} was changed by someone else meanwhile; nothing was saved, look again")
                self._event(at, by, action, before.id, {"status": after.status, **(details or {})})
                row = self._cursor().execute(_SELECT + " WHERE id = ?", (before.id,)).fetchone()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        return _from_row(row)

    def submit(self, before: RequestRecord, after: RequestRecord, *, by: str | None) -> RequestRecord:
        details = {"received_on": _iso(after.received_on), "sample_received_on": _iso(after.sample_received_on)}
        action = "submitted" if before.status == "draft" else "sample_received"
        return self.save(before, after, action=action, by=by, details=details)

    def outcome(
        self, before: RequestRecord, after: RequestRecord, *, by: str | None, direction: str, via: str | None = None
    ) -> RequestRecord:
        """`via`: where the outcome came from, for the audit line (a revised results import),
        when not typed by the officer; inside a caller's transaction it joins that one."""
        details = {**_outcome_details(after, direction), **({"via": via} if via else {})}
        return self.save(before, after, action="outcome", by=by, details=details)

    def edit(self, before: RequestRecord, after: RequestRecord, *, by: str | None, changed: dict) -> RequestRecord:
        """Store a correction (rules.intake.edit); the audit line holds `changed` as the rules
        gave it (old and new values of codes, only that a personal field changed). Another
        standing request with the same candidate, component, service and series is refused."""
        existing = self._duplicate_of(after)
        if existing is not None and existing != after.id:
            raise Refused(f"the same candidate, component, service and series is already logged as request {existing}")
        return self.save(before, after, action="edited", by=by, details={"changed": changed})

    def close(self, before: RequestRecord, after: RequestRecord, *, by: str | None) -> RequestRecord:
        """Store a withdrawal or a rejection; the audit action is the new status."""
        return self.save(before, after, action=after.status, by=by)

    def _event(self, at: str, by: str | None, action: str, request_id: int | None, details: dict) -> None:
        if self.as_of is not None and self.as_of != _real_today():
            details = {**details, "as_of": self.as_of.isoformat()}
        self.conn.execute(
            "INSERT INTO events (at, by, action, request_id, details) VALUES (?, ?, ?, ?, ?)",
            (at, by, action, request_id, json.dumps(details, sort_keys=True)),
        )

    def logged_on(self, request_id: int) -> date | None:
        """The day a request was logged for: the as-of day of its first audit line when it was
        logged with --today, else the day (UTC) it was stored."""
        try:
            row = self._cursor().execute(
                "SELECT e.details, r.created_at FROM requests r LEFT JOIN events e ON e.request_id = r.id "
                "AND e.action IN ('added', 'imported') WHERE r.id = ? ORDER BY e.id LIMIT 1",
                (request_id,),
            ).fetchone()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        if row is None:
            return None
        details, created_at = row
        as_of = json.loads(details).get("as_of") if details else None
        if as_of:
            return date.fromisoformat(as_of)
        return datetime.fromisoformat(created_at).date() if created_at else None

    def _duplicate_of(self, record: RequestRecord) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM requests WHERE coalesce(candidate, '') = ? AND component = ? AND service = ? "
            "AND coalesce(series, '') = ? AND awarding_body = ? AND coalesce(results_released, '') = ? "
            f"AND coalesce(decided_on, '') = ? AND status NOT IN {_CLOSED}",
            (record.candidate or "", record.component, record.service, record.series or "", record.awarding_body,
             record.results_released.isoformat() if record.results_released else "",
             record.decided_on.isoformat() if record.decided_on else ""),
        ).fetchone()
        return row[0] if row else None

    # --- reading ----------------------------------------------------------------------------

    def duplicate_of(self, record: RequestRecord) -> int | None:
        """The id of a standing request with the same candidate, component, service, series,
        board, results release and decision, if one is logged (imports check every row before writing any)."""
        try:
            return self._duplicate_of(record)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None

    def get(self, request_id: int) -> RequestRecord:
        if not 0 < request_id <= MAX_ID:
            raise NotFound(f"no request {request_id} in the log; 'prs request list' shows the ids")
        try:
            row = self._cursor().execute(_SELECT + " WHERE id = ?", (request_id,)).fetchone()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        if row is None:
            raise NotFound(f"no request {request_id} in the log; 'prs request list' shows the ids")
        return _from_row(row)

    def list(self, filters: Filters | None = None) -> list[RequestRecord]:
        """Every matching request, oldest first."""
        return list(self.iter(filters))

    def iter(self, filters: Filters | None = None, *, newest_first: bool = False) -> Iterator[RequestRecord]:
        """The matching requests one at a time, oldest first (or newest): a caller that prints
        or writes them as it goes never holds the whole log in memory."""
        where, values = _where(filters or Filters())
        sql = _SELECT + where + (" ORDER BY id DESC" if newest_first else " ORDER BY id")
        try:
            cursor = self._cursor().execute(sql, values)
            while rows := cursor.fetchmany(500):
                for row in rows:
                    yield _from_row(row)
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None

    def count(self, filters: Filters | None = None) -> int:
        """How many requests match (from the indexes, without reading them)."""
        where, values = _where(filters or Filters())
        try:
            return self._cursor().execute("SELECT count(*) FROM requests" + where, values).fetchone()[0]
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None

    def prior_outcomes(self) -> dict[int, date | None]:
        """{id: outcome date} of every request that another follows (an appeal's review, a
        Stage 2's Stage 1): what a follower's dates need, without loading the whole log."""
        try:
            rows = self._cursor().execute(
                "SELECT id, outcome_on FROM requests WHERE id IN "
                "(SELECT follows_request FROM requests WHERE follows_request IS NOT NULL)"
            ).fetchall()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        return {request_id: date.fromisoformat(on) if on else None for request_id, on in rows}

    def _cursor(self) -> sqlite3.Cursor:
        """A cursor giving plain tuples (_from_row reads them by position)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor

    def history(self, request_id: int) -> list[Event]:
        """Every change to one request, oldest first (raises NotFound for an unknown id)."""
        self.get(request_id)
        try:
            rows = self.conn.execute(
                "SELECT e.id, e.at, e.by, e.action, e.request_id, e.consent_id, e.details, "
                "CASE WHEN e.action IN ('withdrawn', 'rejected') THEN r.closed_reason END AS reason "
                "FROM events e JOIN requests r ON r.id = e.request_id WHERE e.request_id = ? ORDER BY e.id",
                (request_id,),
            ).fetchall()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        return [
            Event(r["id"], r["at"], r["by"], r["action"], r["request_id"], json.loads(r["details"]), r["consent_id"], r["reason"])
            for r in rows
        ]

    def trail(self, limit: int | None) -> tuple[list[Event], int]:
        """The centre's whole audit trail (requests, consents, checklist, results): the latest
        `limit` events (None: every one), oldest first, and how many there are. A withdrawal or
        rejection carries its reason, which is kept on the request."""
        try:
            total = self.conn.execute("SELECT count(*) FROM events").fetchone()[0]
            rows = self.conn.execute(
                """SELECT e.id, e.at, e.by, e.action, e.request_id, e.consent_id, e.details,
                    CASE WHEN e.action IN ('withdrawn', 'rejected') THEN r.closed_reason END AS reason
                FROM events e LEFT JOIN requests r ON r.id = e.request_id
                ORDER BY e.id DESC LIMIT ?""",
                (-1 if limit is None else limit,),
            ).fetchall()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        events = [
            Event(r["id"], r["at"], r["by"], r["action"], r["request_id"], json.loads(r["details"]), r["consent_id"], r["reason"])
            for r in reversed(rows)
        ]
        return events, total


def _outcome_details(record: RequestRecord, direction: str) -> dict:
    return {"outcome_on": _iso(record.outcome_on), "direction": direction, "fee_refunded": record.fee_refunded}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _real_today() -> date:
    from prs_cli.clock import now_london

    return now_london().date()
