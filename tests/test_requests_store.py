"""The request repository on a real SQLite file: one transaction per change, duplicates
impossible, transitions guarded, the audit trail free of names."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date

import pytest

from prs_cli.errors import NotFound, Refused
from prs_cli.records import RequestRecord
from prs_cli.store.db import connect
from prs_cli.store.requests import Filters, Requests

D = date.fromisoformat
NAME = "Zara Quill"


def draft(**changes) -> RequestRecord:
    base = dict(
        id=0, status="draft", series="june-2026", awarding_body="AQA", qualification="gce-a-level",
        service="S2", component="7402/1", candidate="0042", name=NAME, original_grade="B", fee="48.65",
        created_by="eo",
    )
    return RequestRecord(**{**base, **changes})


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "prs.sqlite3"


@pytest.fixture
def repo(db_path):
    conn = connect(db_path)
    yield Requests(conn, db_path)
    conn.close()


def count(db_path, table="requests") -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_add_and_get_round_trip(repo):
    record = draft(uci="52204012345AB", private_candidate=True, original_mark=50, note="HE offer",
                   late_reason="board agreed", results_released=None, subject="History")
    stored = repo.add(record, by="eo")
    assert stored.id == 1 and stored.created_at is not None
    again = repo.get(1)
    assert again == stored
    assert again.private_candidate is True and again.original_mark == 50


def test_duplicate_is_refused_and_nothing_is_written(repo, db_path):
    repo.add(draft(), by="eo")
    with pytest.raises(Refused) as caught:
        repo.add(draft(name="Someone Else"), by="eo")
    assert caught.value.message == (
        "the same candidate, component, service and series is already logged as request 1; "
        "withdraw it first if this one replaces it"
    )
    assert count(db_path) == 1 and count(db_path, "events") == 1


def test_a_withdrawn_request_no_longer_counts(repo):
    first = repo.add(draft(), by="eo")
    repo.close(first, first._replace(status="withdrawn", closed_reason="typo"), by="eo")
    assert repo.add(draft(), by="eo").id == 2
    assert repo.add(draft(service="S1"), by="eo").id == 3  # another service is another request


def test_add_many_is_all_or_nothing(repo, db_path):
    repo.add(draft(component="7402/2"), by="eo")
    batch = [draft(component="7402/1"), draft(component="7402/3"), draft(component="7402/2")]
    with pytest.raises(Refused, match="already logged as request 1"):
        repo.add_many(batch, by="eo", action="imported")
    assert count(db_path) == 1 and count(db_path, "events") == 1
    stored = repo.add_many(batch[:2], by="eo", action="imported")
    assert [r.id for r in stored] == [2, 3]
    assert [e.action for e in repo.history(2)] == ["imported"]


def test_list_filters(repo):
    repo.add(draft(), by="eo")
    repo.add(draft(awarding_body="OCR", candidate="0043"), by="eo")
    repo.add(draft(service="S3", candidate=None, name=None), by="eo")
    repo.add(draft(series="june-2025", candidate="0044"), by="eo")
    assert [r.id for r in repo.list()] == [1, 2, 3, 4]
    assert [r.id for r in repo.list(Filters(awarding_body="OCR"))] == [2]
    assert [r.id for r in repo.list(Filters(service="S3"))] == [3]
    assert [r.id for r in repo.list(Filters(series="june-2025"))] == [4]
    assert [r.id for r in repo.list(Filters(candidate="0042"))] == [1]
    assert [r.id for r in repo.list(Filters(status="submitted"))] == []


def test_transitions_are_guarded_by_the_stored_status(repo):
    stored = repo.add(draft(), by="eo")
    submitted = stored._replace(status="submitted", received_on=D("2026-08-15"))
    repo.submit(stored, submitted, by="eo2")
    # A second writer that still thinks it is a draft is refused, nothing saved.
    with pytest.raises(Refused, match="request 1 was changed by someone else meanwhile"):
        repo.submit(stored, submitted._replace(board_reference="X"), by="eo3")
    assert repo.get(1).board_reference is None
    before = repo.get(1)
    done = before._replace(status="completed", outcome_on=D("2026-09-01"), outcome="up", grade_after="A",
                   fee_refunded=True)
    assert repo.outcome(before, done, by="eo", direction="up") == done
    assert repo.get(1) == done


def test_reject(repo):
    stored = repo.add(draft(), by="eo")
    repo.close(stored, stored._replace(status="rejected", closed_reason="late"), by="eo")
    assert repo.get(1).status == "rejected"
    assert repo.history(1)[-1].action == "rejected"


def test_history_records_every_change_without_names(repo):
    stored = repo.add(draft(late_reason="HE place", note="call " + NAME), by="alice")
    repo.submit(stored, stored._replace(status="submitted", received_on=D("2026-08-15")), by="bob")
    repo.outcome(repo.get(1), repo.get(1)._replace(status="completed", outcome_on=D("2026-09-01"), outcome="unchanged",
                                      fee_refunded=False), by="carol", direction="unchanged")
    appeal = repo.add(draft(service="APP1", follows_request=1, status="submitted", received_on=D("2026-09-10")), by="dan")
    events = repo.history(1)
    assert [(e.action, e.by) for e in events] == [
        ("added", "alice"), ("submitted", "bob"), ("outcome", "carol"), ("followed_by", "dan"),
    ]
    assert events[0].details == {
        "status": "draft", "series": "june-2026", "awarding_body": "AQA", "qualification": "gce-a-level",
        "service": "S2", "component": "7402/1", "late": True,
    }
    assert events[1].details == {"status": "submitted", "received_on": "2026-08-15", "sample_received_on": None}
    assert events[2].details == {"status": "completed", "outcome_on": "2026-09-01", "direction": "unchanged", "fee_refunded": False}
    assert events[3].details == {"request": appeal.id, "service": "APP1", "status": "submitted"}
    assert all(e.at.endswith("+00:00") for e in events)
    with sqlite3.connect(repo.path) as conn:
        everything = json.dumps(conn.execute("SELECT * FROM events").fetchall())
    assert NAME not in everything and "0042" not in everything and "HE place" not in everything


def test_unknown_id(repo):
    with pytest.raises(NotFound) as caught:
        repo.get(99)
    assert caught.value.message == "no request 99 in the log; 'prs request list' shows the ids"
    with pytest.raises(NotFound):
        repo.history(99)


def test_concurrent_writers_both_land_and_duplicates_stay_impossible(db_path):
    connect(db_path).close()
    errors, ids = [], []

    def writer(component: str) -> None:
        conn = connect(db_path)
        try:
            ids.append(Requests(conn, db_path).add(draft(component=component), by="eo").id)
        except Refused as error:
            errors.append(error.message)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(c,)) for c in ("A", "B", "C", "C")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ids) == [1, 2, 3]
    assert len(errors) == 1 and "already logged as request" in errors[0]
    assert count(db_path) == 3


def test_an_import_interrupted_midway_leaves_the_database_as_it_was(repo, db_path):
    repo.add(draft(component="0"), by="eo")

    def interrupt(stored: int) -> None:
        if stored == 2:
            raise KeyboardInterrupt  # Ctrl-C, or the process killed, between two rows

    with pytest.raises(KeyboardInterrupt):
        repo.add_many([draft(component=str(n)) for n in range(1, 5)], by="eo", progress=interrupt)
    assert count(db_path) == 1 and count(db_path, "events") == 1
    assert [r.component for r in repo.list()] == ["0"]
