"""The consent repository: record, list, find for a request, purge with its audit line."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

import pytest

from prs_cli.errors import NotFound, Refused, StorageError
from prs_cli.records import RequestRecord
from prs_cli.store import consents, db
from prs_cli.store.requests import Requests

REQUEST = RequestRecord(
    id=0,
    status="draft",
    series="june-2026",
    awarding_body="AQA",
    qualification="gce-a-level",
    service="S2",
    component="7357/1",
    candidate="0042",
    name="Test Candidate",
)


@pytest.fixture
def conn(tmp_path):
    connection = db.connect(tmp_path / "prs.sqlite3")
    yield connection
    connection.close()


def add_request(conn, **changes) -> RequestRecord:
    return Requests(conn).add(REQUEST._replace(**changes), by="officer")


def record(conn, **changes):
    values = dict(
        candidate="0042",
        series="june-2026",
        given_on=date(2026, 8, 13),
        given_at=datetime(2026, 8, 13, 9, 15),
        method="email",
        given_by="candidate",
        covers=("S1", "S2"),
        acknowledged_outcomes=True,
        classroom_use=None,
        anonymise=None,
        requests=(),
        note="asked by email",
        by="officer",
    )
    values.update(changes)
    return consents.record(conn, **values)


def test_record_round_trips_every_field(conn):
    stored = record(conn, covers=("ATS-P",), classroom_use=True, anonymise=False)
    assert stored.id == 1
    assert (stored.candidate, stored.series, stored.given_on, stored.given_at) == (
        "0042", "june-2026", date(2026, 8, 13), datetime(2026, 8, 13, 9, 15),
    )
    assert (stored.method, stored.given_by, stored.covers) == ("email", "candidate", ("ATS-P",))
    assert (stored.acknowledged_outcomes, stored.classroom_use, stored.anonymise) == (True, True, False)
    assert (stored.note, stored.recorded_by, stored.purged_at, stored.requests) == ("asked by email", "officer", None, ())
    assert stored.recorded_at is not None
    assert consents.get(conn, 1) == stored


def test_record_writes_an_audit_event_without_personal_details(conn):
    record(conn)
    (event,) = consents.events(conn, 1)
    assert event["action"] == "consent_recorded"
    assert event["by"] == "officer"
    assert event["details"] == {
        "acknowledged_outcomes": True,
        "covers": ["S1", "S2"],
        "from_candidate": True,
        "given_at": "2026-08-13T09:15",
        "given_on": "2026-08-13",
        "method": "email",
        "requests": [],
        "series": "june-2026",
    }
    assert "0042" not in json.dumps(event)


def test_tied_requests_are_stored_and_checked(conn):
    first = add_request(conn)
    second = add_request(conn, service="S1")
    stored = record(conn, requests=(first.id, second.id))
    assert stored.requests == (1, 2)
    with pytest.raises(NotFound, match="no request 9"):
        record(conn, requests=(9,))
    other = add_request(conn, candidate="0043", component="7357/2")
    with pytest.raises(Refused, match=f"request {other.id} is for a different candidate; nothing was recorded"):
        record(conn, requests=(other.id,))
    with pytest.raises(Refused, match="is in series june-2026, not june-2025"):
        record(conn, series="june-2025", requests=(first.id,))
    assert [c.id for c in consents.list_consents(conn)] == [1]


def test_list_filters(conn):
    request = add_request(conn)
    record(conn)
    record(conn, candidate="0043")
    record(conn, series="june-2025")
    record(conn, requests=(request.id,))
    assert [c.id for c in consents.list_consents(conn)] == [1, 2, 3, 4]
    assert [c.id for c in consents.list_consents(conn, candidate="0042")] == [1, 3, 4]
    assert [c.id for c in consents.list_consents(conn, series="june-2025")] == [3]
    assert [c.id for c in consents.list_consents(conn, request_id=request.id)] == [4]
    assert [c.id for c in consents.list_consents(conn, candidate="0042", series="june-2026")] == [1, 4]


def test_for_request_finds_tied_and_matching_untied_consents(conn):
    request = add_request(conn)
    other = add_request(conn, service="S1")
    record(conn)  # untied, same candidate and series
    record(conn, requests=(request.id,))
    record(conn, requests=(other.id,))  # tied elsewhere
    record(conn, candidate="0043")
    record(conn, series="june-2025")
    assert [c.id for c in consents.for_request(conn, request)] == [1, 2]


def test_get_unknown_consent(conn):
    with pytest.raises(NotFound, match="no consent 7"):
        consents.get(conn, 7)


def test_purge_blanks_personal_fields_and_keeps_the_audit_line(conn):
    request = add_request(conn)
    Requests(conn).save(request, request._replace(status="completed", outcome_on=date(2026, 9, 10)), action="test", by="t")
    record(conn, given_by="Mrs Parent", note="phoned mum")
    purged, newly = consents.purge(conn, 1, covered=(request.id,), details={"given_on": "2026-08-13", "covers": ["S1", "S2"]}, by="officer")
    assert newly
    assert purged.candidate is None
    assert purged.note is None
    assert purged.given_by == "other"
    assert purged.purged_at is not None
    assert purged.requests == (request.id,)  # tied, so checks still find it
    assert (purged.given_on, purged.covers) == (date(2026, 8, 13), ("S1", "S2"))
    actions = [(e["action"], e["details"]) for e in consents.events(conn, 1)]
    assert actions[-1] == ("consent_purged", {"given_on": "2026-08-13", "covers": ["S1", "S2"]})
    row = conn.execute("SELECT * FROM consents WHERE id = 1").fetchone()
    assert "Parent" not in repr(tuple(row)) and "0042" not in repr(tuple(row))
    # issue 12 item 14: a second purge (another prs got there first) is told, not refused
    again, newly = consents.purge(conn, 1, covered=(request.id,), details={}, by="officer")
    assert (again, newly) == (purged, False)
    assert [e["action"] for e in consents.events(conn, 1)].count("consent_purged") == 1


def test_purge_refused_while_a_covered_request_is_open(conn):
    request = add_request(conn)
    record(conn)
    with pytest.raises(Refused, match=f"consent 1 cannot be purged: request {request.id} it covers is still open"):
        consents.purge(conn, 1, covered=(request.id,), details={}, by="officer")
    assert consents.get(conn, 1).candidate == "0042"
    assert [e["action"] for e in consents.events(conn, 1)] == ["consent_recorded"]


def test_purge_refused_when_a_matching_request_opened_meanwhile(conn):
    # the caller's list of covered requests is stale: a new matching request was logged since
    record(conn)
    add_request(conn)
    with pytest.raises(Refused, match="still open"):
        consents.purge(conn, 1, covered=(), details={}, by="officer")


def test_purge_refused_while_an_appeal_is_open(conn):
    review = add_request(conn)
    Requests(conn).save(review, review._replace(status="completed", outcome_on=date(2026, 9, 10)), action="test", by="t")
    add_request(conn, service="APP1", follows_request=review.id)
    record(conn, covers=("S2",))
    with pytest.raises(Refused, match="request 2 it covers is still open"):
        consents.purge(conn, 1, covered=(review.id,), details={}, by="officer")


def test_storage_errors_become_one_sentence(tmp_path):
    connection = db.connect(tmp_path / "prs.sqlite3")
    connection.execute("DROP TABLE consent_requests")
    connection.execute("DROP TABLE consents")
    with pytest.raises(StorageError, match="could not be used"):
        consents.list_consents(connection)
    connection.close()


def test_a_locked_database_is_reported_busy(tmp_path, monkeypatch):
    monkeypatch.setenv("PRS_BUSY_TIMEOUT", "0")
    path = tmp_path / "prs.sqlite3"
    holder = db.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    waiting = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(StorageError, match="busy"):
            record(waiting)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiting.close()


def test_still_open_message_names_ids_only():
    assert consents.still_open_message(3, [5]) == "consent 3 cannot be purged: request 5 it covers is still open"
    assert consents.still_open_message(3, [5, 8]) == "consent 3 cannot be purged: requests 5, 8 it covers are still open"
