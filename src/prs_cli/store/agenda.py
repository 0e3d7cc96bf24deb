"""What the reporting commands read: the agenda's tally, and only the few records the rules
must judge one by one.

`prs due` must answer at once however long the log grows, so nothing here reads a row per
request: every request is counted, as it is written, under the keys of what the agenda reads
of it (store.db: DATES_KEY, CONSENT_KEY), and the agenda reads one row per key.
tests/test_agenda_store.py proves the tally says what the rules say from the records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from prs_cli.records import ConsentRecord, RequestGroup, RequestRecord
from prs_cli.store.consents import from_row, records_by_id
from prs_cli.store.db import storage_error

_FIELDS = "status, series, awarding_body, qualification, service, results_released, received_on, sample_received_on, outcome_on, prior_outcome"
_GROUP = f"{_FIELDS}, requests, first_id, CASE WHEN ?1 OR requests <= 3 THEN ids END, consents"
_OPEN = f"""SELECT {_GROUP} FROM agenda_tally WHERE part IN ('consent', 'dates') AND status IN ('draft', 'submitted')"""
# An appeal window depends on the board, qualification, the stage that follows (by the service)
# and the outcome day only: completed requests are read as one group for each.
_REVIEWED = """SELECT 'completed', NULL, awarding_body, qualification, service, NULL, NULL, NULL, outcome_on, NULL,
    sum(requests), min(first_id), CASE WHEN ?1 OR sum(requests) <= 3 THEN group_concat(CASE WHEN ?1 OR requests <= 3 THEN ids END) END,
    NULL
FROM agenda_tally WHERE part = 'dates' AND status = 'completed' AND outcome_on BETWEEN ?2 AND ?3
    AND service IN (SELECT value FROM json_each(?4))
GROUP BY awarding_body, qualification, service, outcome_on"""


@lru_cache(maxsize=4096)
def _day(text: str | None) -> date | None:
    """An ISO date from SQLite (cached: the same few days recur in every group)."""
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=1024)
def _consents(terms: str) -> tuple[ConsentRecord, ...]:
    """The consents of a consent key (store.db: its terms in the consents table's column order),
    numbered in the order recorded (their ids are not kept: a finding depends only on their
    terms), as the rules read them."""
    return tuple(from_row((number, None, None, *fields, None, None, None, None), ()) for number, fields in enumerate(json.loads(terms), 1))


def request_groups(
    conn: sqlite3.Connection, *, outcomes: tuple[date, date] | None, reviews: tuple[str, ...], every_id: bool = False
) -> list[RequestGroup]:
    """The agenda's groups: open requests' dates and consent, and completed `reviews` (the
    services an appeal follows) with an outcome between `outcomes` (first and last day; None:
    none) and no appeal standing. Each group's ids are read when it has few, or with `every_id`
    (for outputs that list every request): the rest costs nothing however long the log."""
    try:
        rows = conn.execute(_OPEN, [every_id]).fetchall()
        if outcomes is not None and reviews:
            first, last = (day.isoformat() for day in outcomes)
            rows += conn.execute(_REVIEWED, [every_id, first, last, json.dumps(reviews)]).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    return [_group(*row) for row in rows]


def _group(status, series, body, qualification, service, released, received, sample, outcome_on, prior, count, first, ids, terms) -> RequestGroup:
    """A RequestGroup from a tally row (_GROUP's columns)."""
    day = _day
    return RequestGroup(
        status, series, body, qualification, service, day(released), day(received), day(sample), day(outcome_on),
        day(prior), count, first, None if ids is None else tuple(map(int, ids.split(","))),
        None if terms is None else _consents(terms),
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
    """Requests with only the fields the consent rules read (the rest left empty)."""
    found = {}
    for (rid, status, series, body, qualification, service, component, candidate, released, follows, outcome_on) in conn.execute(
        "SELECT id, status, series, awarding_body, qualification, service, component, candidate, "
        f"results_released, follows_request, outcome_on FROM requests WHERE {where}",
        args,
    ):
        found[rid] = RequestRecord(
            id=rid, status=status, series=series, awarding_body=body, qualification=qualification,
            service=service, component=component, candidate=candidate, name=None,
            results_released=_day(released), follows_request=follows, outcome_on=_day(outcome_on),
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


def status_counts(conn: sqlite3.Connection, series: str) -> list[tuple]:
    """The requests of a series counted by what `prs status` reports (rules.status.status_report)."""
    try:
        return conn.execute(
            "SELECT status, awarding_body, service, outcome, fee, fee_refunded, count(*) FROM requests "
            "WHERE series = ? GROUP BY status, awarding_body, service, outcome, fee, fee_refunded",
            [series],
        ).fetchall()
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
