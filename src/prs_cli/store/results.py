"""Results broadsheets and grade boundaries in SQLite (tables made by store.db's results
migration). Writes here run inside the caller's transaction (the service opens it), so a results
import, the outcomes it records and its audit line are all kept or none. Audit lines (the events
table) hold series, counts and request ids only: never a candidate's number, name or mark.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from prs_cli.rules.results import ResultsHeld
from prs_cli.rules.triage import Boundary, BoundarySet, ResultRecord
from prs_cli.store.db import now_utc, storage_error

_RESULT_FIELDS = "id, series, candidate, name, uci, awarding_body, qualification, subject, component, mark, max_mark, grade"


class Stored(NamedTuple):
    """A stored result as a revised file is compared with it."""

    id: int
    mark: int
    grade: str | None


def fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def result_keys(component: str, subject: str | None) -> tuple[str, str]:
    """(component_key, subject_key): a component is named by its code, a qualification-level
    result by its subject."""
    return fold(component), ("" if component else fold(subject))


def _plain(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor giving plain tuples whatever the connection's row factory."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def audit(conn: sqlite3.Connection, action: str, by: str | None, details: dict) -> None:
    import json

    conn.execute(
        "INSERT INTO events (at, by, action, details) VALUES (?, ?, ?, ?)",
        (now_utc(), by, action, json.dumps(details, sort_keys=True)),
    )


# --- results --------------------------------------------------------------------------------


def stored_results(conn: sqlite3.Connection, series: str) -> dict[tuple, Stored]:
    """The series' results by (board, qualification, component_key, subject_key, candidate)."""
    rows = _plain(conn).execute(
        "SELECT awarding_body, qualification, component_key, subject_key, candidate, id, mark, grade FROM results WHERE series = ?",
        (series,),
    ).fetchall()
    return {tuple(row[:5]): Stored(*row[5:]) for row in rows}


def insert_result(conn: sqlite3.Connection, series: str, row, at: str) -> None:
    component_key, subject_key = result_keys(row.component, row.subject)
    conn.execute(
        "INSERT INTO results (series, candidate, name, uci, awarding_body, qualification, subject, component,"
        " component_key, subject_key, mark, max_mark, grade, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (series, row.candidate, row.name, row.uci, row.awarding_body, row.qualification, row.subject, row.component,
         component_key, subject_key, row.mark, row.max_mark, row.grade, at),
    )


def update_result(conn: sqlite3.Connection, result_id: int, row, at: str, *, revised: bool) -> None:
    """A later file's values over a stored result; `revised`: its mark or grade changed."""
    conn.execute(
        "UPDATE results SET name = ?, uci = ?, subject = ?, component = ?, mark = ?, max_mark = ?, grade = ?,"
        " revised_at = CASE WHEN ? THEN ? ELSE revised_at END WHERE id = ?",
        (row.name, row.uci, row.subject, row.component, row.mark, row.max_mark, row.grade, revised, at, result_id),
    )


def _where(series: str | None, awarding_body: str | None) -> tuple[str, list]:
    where, values = [], []
    for column, value in (("series", series), ("awarding_body", awarding_body)):
        if value is not None:
            where.append(f"r.{column} = ?")
            values.append(value)
    return " AND ".join(where), values


def result_groups(conn: sqlite3.Connection, *, series: str | None = None, awarding_body: str | None = None) -> list[tuple]:
    """The results counted by (series, board, qualification, component, subject): what finding
    their boundaries depends on, read without reading each result."""
    where, values = _where(series, awarding_body)
    try:
        return _plain(conn).execute(
            "SELECT series, awarding_body, qualification, component, subject, count(*) FROM results r"
            + (f" WHERE {where}" if where else "")
            + " GROUP BY series, awarding_body, qualification, component, subject",
            values,
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def near_boundaries(
    conn: sqlite3.Connection,
    within: int,
    *,
    series: str | None = None,
    awarding_body: str | None = None,
    also: Iterable[BoundarySet] = (),
) -> Iterator[ResultRecord]:
    """The results with a boundary of their component (or subject) 1 to `within` marks above
    their mark, in the store or in `also` (boundaries from files): all the triage rule can list,
    found by SQLite through the boundaries' key, so a long broadsheet is not read row by row.
    The rule (rules.triage) still decides which set applies and what is listed."""
    bounds = "boundaries"
    also = list(also)
    if also:
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS file_boundaries (series TEXT, awarding_body TEXT, qualification TEXT,"
            " component_key TEXT, subject_key TEXT, mark INTEGER)"
        )
        conn.execute("DELETE FROM temp.file_boundaries")
        conn.executemany(
            "INSERT INTO temp.file_boundaries VALUES (?,?,?,?,?,?)",
            [(f.series, f.awarding_body, f.qualification, fold(f.component), fold(f.subject), b.mark) for f in also for b in f.grades],
        )
        bounds = (
            "(SELECT series, awarding_body, qualification, component_key, subject_key, mark FROM boundaries"
            " UNION ALL SELECT * FROM temp.file_boundaries)"
        )
    where, values = _where(series, awarding_body)
    # A component's results are keyed by its code alone (subject_key ''), a qualification's by
    # its subject: the boundary's key for a result is (component_key, that subject_key).
    sql = (
        f"SELECT {_RESULT_FIELDS} FROM results WHERE id IN (SELECT r.id FROM {bounds} b JOIN results r"
        " ON r.series = b.series AND r.awarding_body = b.awarding_body AND r.qualification = b.qualification"
        " AND r.component_key = b.component_key AND r.subject_key = CASE b.component_key WHEN '' THEN b.subject_key ELSE '' END"
        " AND r.mark BETWEEN b.mark - ? AND b.mark - 1"
        + (f" WHERE {where}" if where else "")
        + ")"
    )
    try:
        cursor = _plain(conn)
        cursor.execute(sql, [within, *values])
        make = ResultRecord._make
        while rows := cursor.fetchmany(2000):
            yield from map(make, rows)
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def held(conn: sqlite3.Connection) -> list[ResultsHeld]:
    """Each series with results kept: how many, and how many of its requests are still open."""
    try:
        counts = _plain(conn).execute("SELECT series, count(*) FROM results GROUP BY series").fetchall()
        if not counts:
            return []
        open_counts = dict(
            _plain(conn).execute(
                "SELECT series, count(*) FROM requests WHERE status IN ('draft', 'submitted') AND series IS NOT NULL GROUP BY series"
            ).fetchall()
        )
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return [ResultsHeld(series, n, open_counts.get(series, 0)) for series, n in counts]


def purge(conn: sqlite3.Connection, series: str) -> int:
    """Delete the series' results; returns how many."""
    return conn.execute("DELETE FROM results WHERE series = ?", (series,)).rowcount


# --- boundaries -----------------------------------------------------------------------------


def replace_boundaries(conn: sqlite3.Connection, sets: Iterable[BoundarySet], at: str) -> int:
    """Store each set, replacing the same component's (or subject's) boundaries in that series."""
    count = 0
    for found in sets:
        component_key, subject_key = fold(found.component), fold(found.subject)
        conn.execute(
            "DELETE FROM boundaries WHERE series = ? AND awarding_body = ? AND qualification = ? AND component_key = ?"
            " AND subject_key = ?",
            (found.series, found.awarding_body, found.qualification, component_key, subject_key),
        )
        conn.executemany(
            "INSERT INTO boundaries (series, awarding_body, qualification, subject, component, component_key, subject_key,"
            " rank, grade, mark, max_mark, scale, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (found.series, found.awarding_body, found.qualification, found.subject, found.component, component_key,
                 subject_key, rank, b.grade, b.mark, found.max_mark, found.scale, at)
                for rank, b in enumerate(found.grades)
            ],
        )
        count += 1
    return count


def boundary_sets(conn: sqlite3.Connection, *, series: str | None = None) -> list[BoundarySet]:
    """Every stored set (of one series, when given), highest grade first."""
    sql = (
        "SELECT series, awarding_body, qualification, subject, component, max_mark, scale, grade, mark FROM boundaries"
        + (" WHERE series = ?" if series else "")
        + " ORDER BY series, awarding_body, qualification, component_key, subject_key, rank"
    )
    try:
        rows = _plain(conn).execute(sql, (series,) if series else ()).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    sets: dict[tuple, list] = {}
    heads: dict[tuple, tuple] = {}
    for series_id, body, qual, subject, component, max_mark, scale, grade, mark in rows:
        key = (series_id, body, qual, fold(component), fold(subject))
        heads.setdefault(key, (series_id, body, qual, subject, component, max_mark, scale))
        sets.setdefault(key, []).append(Boundary(grade, mark))
    return [
        BoundarySet(s, b, q, subject, component, tuple(sets[key]), max_mark, scale)
        for key, (s, b, q, subject, component, max_mark, scale) in heads.items()
    ]


# --- the requests a result may already have -------------------------------------------------


def logged_requests(conn: sqlite3.Connection, series: str | None, candidates: Iterable[str]) -> dict[tuple, list[int]]:
    """Standing requests (not withdrawn or rejected) of the given candidates (in one series,
    when given), by (series, candidate, board, qualification, component_key) and by (series,
    candidate, board, qualification, '#' subject): what a component result and a
    qualification-level result are matched on (request_key)."""
    wanted = sorted(set(candidates))
    if not wanted:
        return {}
    found: dict[tuple, list[int]] = {}
    rows = []
    try:
        for start in range(0, len(wanted), 500):  # SQLite's limit on parameters is far above 500
            chunk = wanted[start:start + 500]
            rows += _plain(conn).execute(
                "SELECT id, series, candidate, awarding_body, qualification, component, subject FROM requests"
                f" WHERE status NOT IN ('withdrawn', 'rejected') AND candidate IN ({', '.join('?' * len(chunk))})"
                + (" AND series = ?" if series else ""),
                [*chunk, series] if series else chunk,
            ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    rows.sort()  # by id: a result's requests listed oldest first
    for request_id, series_id, candidate, body, qual, component, subject in rows:
        found.setdefault((series_id, candidate, body, qual, fold(component)), []).append(request_id)
        if subject:
            found.setdefault((series_id, candidate, body, qual, "#" + fold(subject)), []).append(request_id)
    return found


def request_key(result: ResultRecord) -> tuple:
    """The logged_requests key a result is matched on."""
    if result.component:
        return (result.series, result.candidate, result.awarding_body, result.qualification, fold(result.component))
    return (result.series, result.candidate, result.awarding_body, result.qualification, "#" + fold(result.subject))
