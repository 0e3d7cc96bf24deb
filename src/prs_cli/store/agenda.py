"""What the reporting commands read: the agenda's tally, and only the few records the rules
must judge one by one; and the tally's own upkeep.

`prs due` must answer at once however long the log grows, so nothing here reads a row per
request: every request is counted, as it is written, under the keys of what the agenda reads
of it (rules.agenda.agenda_keys computes them, service/agenda_keys.py keeps them in the same
transaction as each write), and the agenda reads one row per key.
tests/test_agenda_store.py proves the tally says what the rules say from the records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache

from prs_cli.records import CLOSED_STATUSES, OPEN_STATUSES, ConsentRecord, RequestGroup, RequestRecord
from prs_cli.store.consents import records_by_id
from prs_cli.store.db import storage_error

# The tally's columns: a key's fields (rules.agenda.AgendaKeys), kept apart so reading parses nothing.
TALLY_FIELDS = (
    "part", "status", "series", "awarding_body", "qualification", "service", "results_released", "received_on",
    "sample_received_on", "outcome_on", "prior_outcome", "late_agreed", "consents",
)

_FIELDS = "status, series, awarding_body, qualification, service, results_released, received_on, sample_received_on, outcome_on, prior_outcome"
# A group's ids are read whole when it has few (NAMED_IDS, or every one when asked); of a larger
# group only the first characters, enough for the lowest ten (ids are kept sorted), to name them.
NAMED_IDS = 10
_FIRST_CHARS = 120  # at least eleven ids of up to ten digits: the last may be cut, and is dropped
_GROUP = (
    f"{_FIELDS}, requests, first_id, CASE WHEN ?1 OR requests <= {NAMED_IDS} THEN ids END, consents, late_agreed, "
    f"CASE WHEN NOT ?1 AND requests > {NAMED_IDS} THEN substr(ids, 1, {_FIRST_CHARS}) END"
)
_OPEN = f"""SELECT {_GROUP} FROM agenda_tally WHERE part IN ('consent', 'dates')
    AND status IN (SELECT value FROM json_each(?2))"""
# An appeal window depends on the board, qualification, the stage that follows (by the service)
# and the outcome day only: completed requests are read as one group for each.
_REVIEWED = """SELECT ?5, NULL, awarding_body, qualification, service, NULL, NULL, NULL, outcome_on, NULL,
    sum(requests), min(first_id), CASE WHEN ?1 OR sum(requests) <= 10 THEN group_concat(CASE WHEN ?1 OR requests <= 10 THEN ids END) END,
    NULL, NULL, NULL
FROM agenda_tally WHERE part = 'dates' AND status = ?5 AND outcome_on BETWEEN ?2 AND ?3
    AND service IN (SELECT value FROM json_each(?4))
GROUP BY awarding_body, qualification, service, outcome_on"""


@lru_cache(maxsize=4096)
def _day(text: str | None) -> date | None:
    """An ISO date from SQLite (cached: the same few days recur in every group)."""
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=1024)
def _consents(terms: str) -> tuple[ConsentRecord, ...]:
    """The consents of a consent key (the terms rules.consent.consent_terms gives, as stored by
    _text), numbered in the order recorded (their ids are not kept: a finding depends only on
    their terms), as the rules read them: rules.consent.consent_from_terms."""
    from prs_cli.rules.consent import consent_from_terms

    return tuple(
        consent_from_terms(number, (date.fromisoformat(given_on), datetime.fromisoformat(given_at) if given_at else None,
                                    method, given_by, tuple(covers), acknowledged, classroom_use, anonymise))
        for number, (given_on, given_at, method, given_by, covers, acknowledged, classroom_use, anonymise)
        in enumerate(json.loads(terms), 1)
    )


def request_groups(
    conn: sqlite3.Connection, *, outcomes: tuple[date, date] | None, reviews: tuple[str, ...], every_id: bool = False
) -> list[RequestGroup]:
    """The agenda's groups: open requests' dates and consent, and completed `reviews` (the
    services an appeal follows) with an outcome between `outcomes` (first and last day; None:
    none) and no appeal standing. Each group's ids are read when it has few, or with `every_id`
    (for outputs that list every request): the rest costs nothing however long the log."""
    try:
        rows = conn.execute(_OPEN, [every_id, json.dumps(OPEN_STATUSES)]).fetchall()
        if outcomes is not None and reviews:
            first, last = (day.isoformat() for day in outcomes)
            rows += conn.execute(_REVIEWED, [every_id, first, last, json.dumps(reviews), "completed"]).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return [_group(*row) for row in rows]


def _group(
    status, series, body, qualification, service, released, received, sample, outcome_on, prior, count, first, ids,
    terms, late_agreed, first_chars,
) -> RequestGroup:
    """A RequestGroup from a tally row (_GROUP's columns)."""
    day = _day
    lowest = tuple(map(int, first_chars.split(",")[:-1]))[:NAMED_IDS] if first_chars else ()
    return RequestGroup(
        status, series, body, qualification, service, day(released), day(received), day(sample), day(outcome_on),
        day(prior), count, first, None if ids is None else tuple(map(int, ids.split(","))),
        None if terms is None else _consents(terms), bool(late_agreed), lowest,
    )


def consent_groups(conn: sqlite3.Connection) -> list[tuple[str, RequestGroup]]:
    """(key, group) for every request not withdrawn or rejected, by what its consent depends
    on: `prs consent check` judges each once, then reads the requests of the failing ones."""
    try:
        rows = conn.execute(f"SELECT key, {_GROUP} FROM agenda_tally WHERE part = 'consent'", [False]).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return [(key, _group(*row)) for key, *row in rows]


def ids_of(conn: sqlite3.Connection, keys: list[str]) -> list[int]:
    """Every request counted under `keys` (consent_groups' keys), lowest first."""
    try:
        rows = conn.execute("SELECT ids FROM agenda_tally WHERE key IN (SELECT value FROM json_each(?))", [json.dumps(keys)])
        return sorted(int(i) for (ids,) in rows for i in ids.split(","))
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def _partial_requests(conn: sqlite3.Connection, where: str, args: list) -> dict[int, RequestRecord]:
    """Requests with only the fields the consent rules and the agenda keys read (the rest left empty)."""
    found = {}
    for (rid, status, series, body, qualification, service, component, candidate, released, follows, received,
         sample, outcome_on, decided_on, late_reason) in conn.execute(
        "SELECT id, status, series, awarding_body, qualification, service, component, candidate, "
        "results_released, follows_request, received_on, sample_received_on, outcome_on, decided_on, late_reason "
        f"FROM requests WHERE {where}",
        args,
    ):
        found[rid] = RequestRecord(
            id=rid, status=status, series=series, awarding_body=body, qualification=qualification,
            service=service, component=component, candidate=candidate, name=None,
            results_released=_day(released), follows_request=follows, received_on=_day(received),
            sample_received_on=_day(sample), outcome_on=_day(outcome_on), decided_on=_day(decided_on),
            late_reason=late_reason,
        )
    return found


def disposal_cases(
    conn: sqlite3.Connection, kept_until: date, batch: int = 2000
) -> Iterator[tuple[list[ConsentRecord], list[RequestRecord]]]:
    """Consents that may be due for disposal, `batch` at a time (memory stays bounded in the
    season when thousands are), each batch with every request one of them may cover
    (rules.agenda.due_disposals decides).

    A consent can be due only if what it is kept from (the last covered outcome, or the consent
    itself with no outcome) is on or before `kept_until` (rules.consent.kept_until): so only
    consents given by then, or near a request with an outcome by then (tied to it or to a
    request it follows, or untied for its candidate and series), are read.
    """
    day = kept_until.isoformat()
    sql = """
    WITH RECURSIVE old(id) AS (
        SELECT id FROM requests WHERE outcome_on IS NOT NULL AND outcome_on <= ?
        UNION SELECT r.follows_request FROM requests r JOIN old ON r.id = old.id WHERE r.follows_request IS NOT NULL
    )
    SELECT id FROM consents WHERE purged_at IS NULL AND given_on <= ?
    UNION SELECT t.consent_id FROM consent_requests t JOIN consents c ON c.id = t.consent_id
        WHERE c.purged_at IS NULL AND t.request_id IN (SELECT id FROM old)
    UNION SELECT c.id FROM consents c JOIN requests r ON r.candidate = c.candidate AND r.series IS c.series
        WHERE c.purged_at IS NULL AND r.id IN (SELECT id FROM old) AND c.id NOT IN (SELECT consent_id FROM consent_requests)
    ORDER BY 1
    """
    near = """id IN (
        WITH RECURSIVE near(id) AS (
            SELECT request_id FROM consent_requests WHERE consent_id IN (SELECT value FROM json_each(?1))
            UNION SELECT r.id FROM requests r JOIN consents c ON r.candidate = c.candidate AND r.series IS c.series
                WHERE c.id IN (SELECT value FROM json_each(?1)) AND c.id NOT IN (SELECT consent_id FROM consent_requests)
            UNION SELECT r.id FROM requests r JOIN near ON r.follows_request = near.id
        )
        SELECT id FROM near)"""
    try:
        consent_ids = [row[0] for row in conn.execute(sql, [day, day])]
        for start in range(0, len(consent_ids), batch):
            chosen = consent_ids[start:start + batch]
            consents = records_by_id(conn, chosen)
            requests = _partial_requests(conn, near, [json.dumps(chosen)])
            yield [consents[i] for i in sorted(consents)], sorted(requests.values(), key=lambda r: r.id)
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def status_counts(conn: sqlite3.Connection, series: str, seriesless_year: int | None = None) -> list[tuple]:
    """The requests of a series counted by what `prs status` reports (rules.status.status_report),
    with those outside any series whose results came out in `seriesless_year` (rules.status.seriesless_year)."""
    try:
        return conn.execute(
            "SELECT status, awarding_body, service, outcome, fee, fee_refunded, count(*) FROM requests "
            "WHERE series = ?1 OR (series IS NULL AND ?2 IS NOT NULL AND results_released BETWEEN ?2 || '-01-01' AND ?2 || '-12-31') "
            "GROUP BY status, awarding_body, service, outcome, fee, fee_refunded",
            [series, None if seriesless_year is None else str(seriesless_year)],
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


# --- the tally's upkeep (service/agenda_keys.py decides what to write) ----------------------


def key_inputs(conn: sqlite3.Connection, request_ids: Iterable[int]) -> tuple[list[RequestRecord], dict[int, date | None], set[int]]:
    """What the agenda keys of these requests are computed from, besides their consents
    (store.consents.for_requests): the requests (with the fields the keys read; ids no longer
    in the log are left out), {id: outcome date} of the requests they follow, and the ids among
    them that a standing request follows."""
    chosen = json.dumps(sorted(set(request_ids)))
    try:
        requests = list(_partial_requests(conn, "id IN (SELECT value FROM json_each(?))", [chosen]).values())
        followed = json.dumps(sorted({r.follows_request for r in requests if r.follows_request is not None}))
        priors = {i: _day(on) for i, on in conn.execute(
            "SELECT id, outcome_on FROM requests WHERE id IN (SELECT value FROM json_each(?))", [followed])}
        standing_on = {i for (i,) in conn.execute(
            "SELECT DISTINCT follows_request FROM requests WHERE follows_request IN (SELECT value FROM json_each(?1)) "
            "AND status NOT IN (SELECT value FROM json_each(?2))", [chosen, json.dumps(CLOSED_STATUSES)])}
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return requests, priors, standing_on


def requests_near(conn: sqlite3.Connection, request_ids: Iterable[int]) -> set[int]:
    """Whose agenda keys a change to these requests can move: themselves, the requests they
    follow and the requests that follow them (a superset by plain relations; the rules decide)."""
    chosen = json.dumps(sorted(set(request_ids)))
    try:
        rows = conn.execute(
            """SELECT value FROM json_each(?1)
            UNION SELECT follows_request FROM requests WHERE id IN (SELECT value FROM json_each(?1)) AND follows_request IS NOT NULL
            UNION SELECT id FROM requests WHERE follows_request IN (SELECT value FROM json_each(?1))""",
            [chosen],
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return {i for (i,) in rows}


def requests_near_consents(conn: sqlite3.Connection, consent_ids: Iterable[int]) -> set[int]:
    """Whose agenda keys a change to these consents (or to their ties) can move: the requests
    they are tied to and those that follow them, and their candidates' requests in their series,
    tied or not (a superset by plain relations; the rules decide)."""
    chosen = json.dumps(sorted(set(consent_ids)))
    try:
        rows = conn.execute(
            """WITH tied(id) AS (SELECT request_id FROM consent_requests WHERE consent_id IN (SELECT value FROM json_each(?1)))
            SELECT id FROM tied
            UNION SELECT r.id FROM requests r WHERE r.follows_request IN (SELECT id FROM tied)
            UNION SELECT r.id FROM requests r JOIN consents c ON r.candidate = c.candidate AND r.series IS c.series
                WHERE c.id IN (SELECT value FROM json_each(?1))""",
            [chosen],
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return {i for (i,) in rows}


def key_text(key: tuple | None) -> str | None:
    """A key as stored: JSON text, dates as ISO text (equal keys give equal text)."""
    return None if key is None else json.dumps(key, default=_iso, separators=(",", ":"))


def _iso(value: date) -> str:
    return value.isoformat()


def _tally_row(key: tuple) -> list:
    """The tally's field columns for a key (TALLY_FIELDS; the consents' terms as JSON text)."""
    *fields, terms = key
    return [value.isoformat() if isinstance(value, date) else value for value in fields] + [key_text(terms)]


def write_keys(conn: sqlite3.Connection, keys: dict[int, tuple[tuple | None, tuple | None]], gone: Iterable[int] = ()) -> None:
    """Store each request's (dates key, consent key) and move it in the tally; `gone`: ids no
    longer in the log, taken out of whatever tally rows still count them. Call inside the
    write's transaction (the caller holds it)."""
    text_of: dict[tuple, str] = {}  # many requests share a key: each is written out once
    fields: dict[str, tuple] = {}

    def text(key: tuple | None) -> str | None:
        if key is None:
            return None
        found = text_of.get(key)
        if found is None:
            found = text_of[key] = key_text(key)
            fields[found] = key
        return found

    texts = {i: (text(dates), text(consent)) for i, (dates, consent) in keys.items()}
    removed: dict[str, set[int]] = {}
    added: dict[str, set[int]] = {}
    changed = []
    try:
        ordered = sorted(texts)
        for start in range(0, len(ordered), 5000):
            chosen = ordered[start:start + 5000]
            for i, dates_key, consent_key in conn.execute(
                "SELECT id, dates_key, consent_key FROM requests WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(chosen)]
            ):
                new = texts[i]
                if (dates_key, consent_key) == new:
                    continue
                changed.append((*new, i))
                for old_key, new_key in zip((dates_key, consent_key), new):
                    if old_key != new_key:
                        if old_key is not None:
                            removed.setdefault(old_key, set()).add(i)
                        if new_key is not None:
                            added.setdefault(new_key, set()).add(i)
        gone = set(gone)
        if gone:
            for key, ids in conn.execute("SELECT key, ids FROM agenda_tally").fetchall():
                still = gone.intersection(map(int, ids.split(",")))
                if still:
                    removed.setdefault(key, set()).update(still)
        conn.executemany("UPDATE requests SET dates_key = ?, consent_key = ? WHERE id = ?", changed)
        moved = sorted(removed.keys() | added.keys())
        counted = dict(conn.execute(
            "SELECT key, ids FROM agenda_tally WHERE key IN (SELECT value FROM json_each(?))", [json.dumps(moved)]))
        deletes, updates, inserts = [], [], []
        for key in moved:
            ids = set(map(int, counted[key].split(","))) if key in counted else set()
            ids = (ids - removed.get(key, set())) | added.get(key, set())
            listed = ",".join(map(str, sorted(ids)))
            if not ids:
                deletes.append((key,))
            elif key in counted:
                updates.append((len(ids), min(ids), listed, key))
            else:
                inserts.append((len(ids), min(ids), *_tally_row(fields[key]), key, listed))
        conn.executemany("DELETE FROM agenda_tally WHERE key = ?", deletes)
        conn.executemany("UPDATE agenda_tally SET requests = ?, first_id = ?, ids = ? WHERE key = ?", updates)
        conn.executemany(
            f"INSERT INTO agenda_tally (requests, first_id, {', '.join(TALLY_FIELDS)}, key, ids) "
            f"VALUES (?, ?, {', '.join('?' for _ in TALLY_FIELDS)}, ?, ?)",
            inserts,
        )
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def all_request_ids(conn: sqlite3.Connection) -> list[int]:
    try:
        return [i for (i,) in conn.execute("SELECT id FROM requests ORDER BY id")]
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


def clear_keys(conn: sqlite3.Connection) -> None:
    """Every key and the whole tally emptied, to be counted afresh (in the caller's transaction)."""
    try:
        conn.execute("UPDATE requests SET dates_key = NULL, consent_key = NULL WHERE dates_key IS NOT NULL OR consent_key IS NOT NULL")
        conn.execute("DELETE FROM agenda_tally")
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


AGENDA_KEYS = "agenda_keys"  # the name the agenda rules' version is stored under (table `derived`)


def rules_version(conn: sqlite3.Connection, name: str) -> int | None:
    """The version of the rules that computed the derived data `name` (None: never computed)."""
    try:
        row = conn.execute("SELECT rules_version FROM derived WHERE name = ?", [name]).fetchone()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return row[0] if row else None


def set_rules_version(conn: sqlite3.Connection, name: str, version: int) -> None:
    try:
        conn.execute("INSERT INTO derived (name, rules_version) VALUES (?, ?) "
                     "ON CONFLICT (name) DO UPDATE SET rules_version = excluded.rules_version", [name, version])
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
