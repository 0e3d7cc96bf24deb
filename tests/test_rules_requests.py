"""What follows from one logged request (rules/requests.py): when it is overdue, and which
completion dates a calendar feed carries."""

from __future__ import annotations

from datetime import date

import pytest

from prs_cli.records import STATUSES, RequestRecord
from prs_cli.rules.requests import awaiting_sample, completion_dates, overdue_reason, request_dates

# seed:000: Priority Service 2 requests by 20 August 2026 (seven days after A level results);
# completion within 15 calendar days of receipt (14 Aug -> 29 Aug).
PS2_FIELDS = dict(
    id=1, status="draft", series="june-2026", awarding_body="OCR", qualification="gce-a-level",
    service="PS2", component="H240/01", candidate="1234", name=None,
)


def request(**changes) -> RequestRecord:
    return RequestRecord(**{**PS2_FIELDS, **changes})


PS2 = request()
SENT = request(status="submitted", received_on=date(2026, 8, 14))


def reason(calendar, record, today):
    return overdue_reason(record, request_dates(calendar, record), today)


def test_a_draft_is_overdue_the_day_after_its_request_deadline(calendar):
    # seed:000: PS2 closes on Thu 20 Aug 2026; a draft still unsent after that was never sent.
    assert reason(calendar, PS2, date(2026, 8, 20)) is None
    assert reason(calendar, PS2, date(2026, 8, 21)) == "past request deadline"


def test_a_submitted_request_is_overdue_the_day_after_its_completion_date(calendar):
    # seed:000: PS2 completes within 15 calendar days of receipt: received 14 Aug, due 29 Aug.
    assert request_dates(calendar, SENT).completion_due.date == date(2026, 8, 29)
    assert reason(calendar, SENT, date(2026, 8, 29)) is None
    assert reason(calendar, SENT, date(2026, 8, 30)) == "past completion due"


@pytest.mark.parametrize("status", [s for s in STATUSES if s not in ("draft", "submitted")])
def test_a_request_with_an_outcome_or_closed_is_never_overdue(calendar, status):
    record = request(status=status, received_on=date(2026, 8, 14), outcome_on=date(2026, 8, 25) if status == "completed" else None)
    assert reason(calendar, record, date(2027, 1, 1)) is None


def test_the_feed_carries_the_completion_date_of_each_request_the_board_must_answer(calendar):
    # seed:004 and CE-EAR: a Cambridge English clerical re-check completes within 5 working days;
    # in 2031 the calendar's bank holidays (to 2029) cannot count them, so no date is given.
    beyond = RequestRecord(
        id=4, status="submitted", series=None, awarding_body="CAMBRIDGE", qualification="cambridge-english",
        service="CE1", component="Writing", candidate="0042", name=None,
        results_released=date(2031, 7, 1), received_on=date(2031, 7, 3),
    )
    done = request(id=3, status="completed", received_on=date(2026, 8, 14), outcome_on=date(2026, 8, 25))
    found = list(completion_dates(calendar, [PS2, SENT, done, beyond]))
    assert [(record.id, due.date) for record, due in found] == [(1, date(2026, 8, 29))]
    assert found[0][1].source == "seed:000"


def test_a_service_3_review_awaits_its_sample_before_it_has_a_completion_date(calendar):
    # seed:000 / AQA-MOD: Service 3 completes up to 35 calendar days after the sample arrives.
    s3 = dict(status="submitted", received_on=date(2026, 8, 14), awarding_body="AQA", qualification="gcse",
              service="S3", component="8702C", candidate=None)
    waiting = request(**s3)
    assert awaiting_sample(calendar, waiting, request_dates(calendar, waiting))
    arrived = request(**s3, sample_received_on=date(2026, 9, 1))
    assert request_dates(calendar, arrived).completion_due.date == date(2026, 10, 6)
    assert not awaiting_sample(calendar, arrived, request_dates(calendar, arrived))
    assert not awaiting_sample(calendar, SENT, request_dates(calendar, SENT))  # PS2 runs from receipt
