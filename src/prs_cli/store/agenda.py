"""What the reporting commands read: requests grouped in SQL, and only the few records the
rules must judge one by one.

`prs due` must answer at once however long the log grows, so nothing here builds a record per
request: requests are grouped on exactly the fields the agenda rules read (rules.agenda), by
walking the requests_agenda index. Consent is half-checked in SQL (what does not depend on the
calendar, for consents tied to the request: TiedConsents), the rules judge the timing once per
group, and every request left in doubt goes to the rules with its records (`consent_cases`).
tests/test_agenda_store.py proves the shortcut never passes what the rules would not.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache

from prs_cli.records import ConsentRecord, RequestGroup, RequestRecord, TiedConsents
from prs_cli.store.consents import records_by_id
from prs_cli.store.db import storage_error

_OPEN = "('draft', 'submitted')"
_CLOSED = "('withdrawn', 'rejected')"
# The fields the agenda reads, in the order of the requests_agenda index, so SQLite groups by
# walking the index without sorting. A completed request's only line is its appeal window,
# which depends on the board, qualification and outcome alone.
_OPEN_FIELDS = (
    "r.status, r.series, r.awarding_body, r.qualification, r.service, r.results_released, "
    "r.outcome_on, r.received_on, r.sample_received_on, r.follows_request"
)
_COMPLETED_FIELDS = "r.status, r.series, r.awarding_body, r.qualification, r.service, r.results_released, r.outcome_on"
# With each open group: its requests without an applicable consent that passes the checks
# that do not depend on the calendar (mirroring rules.consent._judge: covers the service, the
# candidate's own, outcomes acknowledged, the scripts choice recorded), and the earliest of those
# consents. Applicable (rules.consent.applies_to): tied to the request (c), or untied and for the
# candidate and series (u). A tie to the request an appeal follows is left to the rules.


def _passes(alias: str) -> str:
    return f"""instr(',' || {alias}.covers || ',', ',' || r.service || ',') > 0
    AND lower(trim({alias}.given_by)) = 'candidate'
    AND {alias}.acknowledged_outcomes = 1
    AND (r.service NOT IN ({{scripts}}) OR {alias}.classroom_use = 0 OR {alias}.anonymise IS NOT NULL)"""


_OPEN_GROUPS = f"""
SELECT {_OPEN_FIELDS}, p.outcome_on, group_concat(r.id),
    group_concat(CASE WHEN c.id IS NULL AND u.id IS NULL THEN r.id END),
    min(CASE WHEN c.given_at IS NULL THEN c.given_on END), min(CASE WHEN u.given_at IS NULL THEN u.given_on END),
    min(CASE WHEN c.given_at IS NOT NULL THEN c.given_on END), min(CASE WHEN u.given_at IS NOT NULL THEN u.given_on END),
    min(c.given_at), min(u.given_at)
FROM requests r
LEFT JOIN requests p ON p.id = r.follows_request
LEFT JOIN consent_requests t ON t.request_id = r.id AND r.service IN ({{needs}})
LEFT JOIN consents c ON c.id = t.consent_id AND {_passes("c")}
LEFT JOIN consents u ON r.service IN ({{needs}}) AND u.candidate = r.candidate AND u.series IS r.series
    AND u.id NOT IN (SELECT consent_id FROM consent_requests) AND {_passes("u")}
WHERE r.status IN {_OPEN}
GROUP BY {_OPEN_FIELDS}
"""
# A review's outcome with an appeal standing opens no appeal window.
_COMPLETED_GROUPS = f"""
SELECT {_COMPLETED_FIELDS}, group_concat(r.id)
FROM requests r
WHERE r.status = 'completed' AND r.outcome_on >= ? AND r.id NOT IN (
    SELECT follows_request FROM requests INDEXED BY requests_follows
    WHERE follows_request IS NOT NULL AND service = 'APP1' AND status NOT IN {_CLOSED})
GROUP BY {_COMPLETED_FIELDS}
"""


@lru_cache(maxsize=4096)
def _day(text: str | None) -> date | None:
    """An ISO date from SQLite (cached: the same few days recur in every group)."""
    return date.fromisoformat(text) if text else None


def _ids(text: str | None) -> tuple[int, ...]:
    """group_concat's list, once each (a request tied to two consents is joined twice)."""
    return tuple(dict.fromkeys(map(int, text.split(",")))) if text else ()


def _earliest(tied: str | None, untied: str | None) -> str | None:
    """The earlier of two ISO texts (either may be missing)."""
    return min(filter(None, (tied, untied)), default=None)


def _marks(values: Iterable) -> str:
    return ", ".join("?" for _ in values) or "NULL"


def request_groups(
    conn: sqlite3.Connection, *, needs: tuple[str, ...], scripts: tuple[str, ...], appeals_since: date | None
) -> Iterator[RequestGroup]:
    """Open requests, and completed ones with an outcome on or after `appeals_since` and no
    appeal standing (None: no completed ones), grouped on the fields the agenda reads.

    `needs`: the services that need consent, `scripts`: those that need the scripts choice;
    open groups of those services come with what their tied consents show (TiedConsents)."""
    try:
        sql = _OPEN_GROUPS.format(needs=_marks(needs), scripts=_marks(scripts))
        args = [*needs, *scripts, *needs, *scripts]
        for (status, series, body, qualification, service, released, outcome_on, received, sample, _follows,
             prior, ids, unsure, *earliest) in conn.execute(sql, args):
            tied = None
            if service in needs:
                dated, timed_on, timed_at = (_earliest(*earliest[i:i + 2]) for i in (0, 2, 4))
                tied = TiedConsents(
                    frozenset(_ids(unsure)), _day(dated), _day(timed_on),
                    datetime.fromisoformat(timed_at) if timed_at else None,
                )
            yield RequestGroup(
                status, series, body, qualification, service, _day(released), _day(received), _day(sample),
                _day(outcome_on), _day(prior), _ids(ids), tied=tied,
            )
        if appeals_since is None:
            return
        for status, series, body, qualification, service, released, outcome_on, ids in conn.execute(
            _COMPLETED_GROUPS, [appeals_since.isoformat()]
        ):
            yield RequestGroup(status, series, body, qualification, service, _day(released), None, None, _day(outcome_on), None, _ids(ids))
    except sqlite3.Error as exc:
        raise storage_error(exc) from None


# A consent applies to a request when tied to it or to the request it follows, or untied and
# for the same candidate and series (rules.consent.applies_to).
_APPLIES = f"""
SELECT r.id AS request_id, t.consent_id FROM json_each(?1) j CROSS JOIN requests r ON r.id = j.value
    JOIN consent_requests t ON t.request_id = r.id
WHERE r.status IN {_OPEN}
UNION ALL
SELECT r.id, t.consent_id FROM json_each(?1) j CROSS JOIN requests r ON r.id = j.value
    JOIN consent_requests t ON t.request_id = r.follows_request
WHERE r.status IN {_OPEN}
UNION ALL
SELECT r.id, c.id FROM json_each(?1) j CROSS JOIN requests r ON r.id = j.value
    JOIN consents c ON c.candidate = r.candidate AND c.series IS r.series
WHERE r.status IN {_OPEN} AND NOT EXISTS (SELECT 1 FROM consent_requests t WHERE t.consent_id = c.id)
"""


def consent_cases(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[RequestRecord, list[ConsentRecord]]]:
    """For open requests whose consent the rules must judge: each one that has any consent that
    may apply, with those consents (rules.consent.consent_status decides). A request missing
    from the answer has no consent at all."""
    ids = list(ids)
    if not ids:
        return {}
    try:
        pairs = set(conn.execute(f"SELECT request_id, consent_id FROM ({_APPLIES})", [json.dumps(ids)]))
        consents = records_by_id(conn, {c for _, c in pairs})
        requests = _partial_requests(conn, "id IN (SELECT value FROM json_each(?))", [json.dumps(sorted({r for r, _ in pairs}))])
    except sqlite3.Error as exc:
        raise storage_error(exc) from None
    found: dict[int, tuple[RequestRecord, list[ConsentRecord]]] = {}
    for request_id, consent_id in sorted(pairs):  # consents oldest first, as store.consents.for_request
        found.setdefault(request_id, (requests[request_id], []))[1].append(consents[consent_id])
    return found


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
