"""The service layer on its own: results as objects, one transaction per change, and reports
that never create a database."""

from __future__ import annotations

from datetime import date

import pytest

from prs_cli.errors import Refused
from prs_cli.rules.intake import RequestInput
from prs_cli.service import requests as service
from prs_cli.service.database import Database

TODAY = date(2026, 8, 14)
# seed:000: Service 2, requests by 24 September 2026; completion within 20 calendar days of receipt.
S2 = RequestInput(awarding_body="AQA", qualification="gce-a-level", service="S2", component="7402/1", candidate="0042")


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "prs.sqlite3")
    yield database
    database.close()


def test_a_logged_request_comes_back_with_its_dates(calendar, db):
    logged = service.add_request(db, calendar, S2, follows=None, today=TODAY, by="eo")
    record, dates, overdue = logged.request[:3]
    assert (record.id, record.status, record.created_by) == (1, "draft", "eo")
    assert (dates.request_deadline.date, dates.request_deadline.source, overdue) == (date(2026, 9, 24), "seed:000", None)
    late = service.show_request(db, calendar, 1, today=date(2026, 9, 25))
    assert (late.request.overdue, late.awaiting_sample) == ("past request deadline", False)


def test_a_change_and_the_store_calls_in_it_land_together_or_not_at_all(calendar, db):
    service.add_request(db, calendar, S2, follows=None, today=TODAY, by="eo")
    repo = db.requests()
    record = repo.get(1)
    with pytest.raises(RuntimeError), db.writing():
        repo.add_many([_another(record, "7402/2")], by="eo")  # joins the open transaction
        raise RuntimeError("interrupted")
    assert repo.count() == 1 and [e.action for e in repo.history(1)] == ["added"]
    # A refusal inside the store (the second is a duplicate) rolls the first back too.
    with pytest.raises(Refused, match="already logged as request 1"):
        service._store_new(db, repo, [_another(record, "7402/3"), _another(record, "7402/1")], by="eo")
    assert repo.count() == 1


def _another(record, component):
    """A new request like `record` for another component (whatever kind of record it is)."""
    from prs_cli.records import RequestRecord

    fields = {name: getattr(record, name) for name in ("status", "series", "awarding_body", "qualification", "service", "candidate", "name")}
    return RequestRecord(id=0, component=component, **fields)


def test_reports_on_no_database_say_nothing_is_logged_and_create_nothing(calendar, db):
    from prs_cli import config
    from prs_cli.service.agenda import agenda
    from prs_cli.service.export import export
    from prs_cli.service.status import status

    listing = service.list_requests(
        db, calendar, status=None, awarding_body=None, service=None, series=None, candidate=None,
        overdue=False, limit=50, today=TODAY,
    )
    assert (list(listing.rows), listing.logged) == ([], False)
    assert status(db, calendar, series="june-2026", today=TODAY).total == 0
    settings = config.Settings()
    assert not any(item.request_ids for item in agenda(db, calendar, settings, today=TODAY).items)
    found = export(db, calendar, settings, today=TODAY, log=True, feed_filters=None, targets=[])
    assert list(found.log) == [] and found.feed is None
    assert not db.path.exists()
