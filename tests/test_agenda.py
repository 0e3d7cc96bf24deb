"""The agenda (rules/agenda.py): exact items and order on a fixed day, pure, no database."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from prs_cli.records import ConsentRecord, RequestRecord
from prs_cli.rules.agenda import build_agenda, due_disposals, internal_deadline, severity
from prs_cli.rules.schedule import calendar_items

TODAY = date(2026, 9, 1)


def req(id, status, service, *, candidate="1234", qualification="gcse", body="AQA", series="june-2026", **kw):
    return RequestRecord(
        id=id, status=status, series=series, awarding_body=body, qualification=qualification, service=service,
        component=f"C{id}", candidate=candidate, name="Never Shown", **kw,
    )


def consent(id, candidate, covers, given_on, series="june-2026", given_at=None, **kw):
    return ConsentRecord(
        id=id, candidate=candidate, series=series, given_on=given_on, given_at=given_at, method="form",
        given_by="candidate", covers=covers, acknowledged_outcomes=True, **kw,
    )


REQUESTS = [
    req(1, "draft", "S2", candidate="1001"),
    req(2, "draft", "PS2", candidate="1002", qualification="gce-a-level"),
    req(3, "submitted", "S1", candidate="1003", body="OCR", received_on=date(2026, 8, 21)),
    req(4, "submitted", "S2", candidate="1004", received_on=date(2026, 8, 21)),
    req(5, "completed", "PS2", candidate="1005", qualification="gce-a-level", received_on=date(2026, 8, 14),
        outcome_on=date(2026, 8, 22), outcome="unchanged"),
    req(6, "completed", "S1", candidate="1006", series="june-2025", received_on=date(2025, 8, 22),
        outcome_on=date(2025, 8, 29), outcome="up"),
    req(7, "withdrawn", "S2", candidate="1007"),
    req(8, "completed", "S2", candidate="1008", received_on=date(2026, 8, 21), outcome_on=date(2026, 8, 25), outcome="unchanged"),
    req(9, "draft", "APP1", candidate="1008", follows_request=8),
    req(10, "draft", "S2", candidate="1010"),
]
CONSENTS = [
    consent(1, "1001", ("S2",), date(2026, 8, 14)),  # GCSE results are 20 Aug: too early
    consent(2, "1002", ("PS2",), date(2026, 8, 14)),
    consent(3, "1004", ("S2",), date(2026, 8, 20), given_at=datetime(2026, 8, 20, 9, 0)),
    consent(4, "1005", ("PS2",), date(2026, 8, 13), given_at=datetime(2026, 8, 13, 10, 0)),
    consent(5, "1006", ("S1",), date(2025, 8, 22), series="june-2025"),
    consent(6, "1008", ("S2", "APP1"), date(2026, 8, 21)),
]


def agenda(calendar, requests=REQUESTS, consents=CONSENTS, today=TODAY, days=30, lead_days=2, key_dates=()):
    return build_agenda(
        calendar,
        requests,
        today,
        days=days,
        lead_days=lead_days,
        consents=consents,
        disposals=due_disposals(consents, requests, today),
        key_dates=key_dates,
    )


def test_exact_items_and_order(calendar):
    items = agenda(calendar)
    got = [(i.date, i.days_left, i.severity, i.kind, i.request_ids, i.consent_ids) for i in items]
    assert got == [
        # seed:000: consent kept six months after the outcome (29 Aug 2025): may go from 1 Mar 2026
        (date(2026, 3, 1), -184, "overdue", "consent_disposal", (6,), (5,)),
        # seed:000: Priority Service 2 requests must reach the board by 20 August
        (date(2026, 8, 20), -12, "overdue", "late_draft", (2,), ()),
        # seed:000: Service 1 completes within 10 calendar days of receipt (21 Aug -> 31 Aug)
        (date(2026, 8, 31), -1, "overdue", "chase_board", (3,), ()),
        # request 3 is submitted with no consent at all: needed now
        (date(2026, 9, 1), 0, "due", "consent_missing", (3,), ()),
        # seed:000: Service 2 completes within 20 calendar days (21 Aug -> 10 Sep)
        (date(2026, 9, 10), 9, "upcoming", "completion_due", (4,), ()),
        # PEA-APP25: preliminary appeal within 30 days of the outcome (22 Aug -> 21 Sep)
        (date(2026, 9, 21), 20, "upcoming", "appeal_window", (5,), ()),
        # consent before results; missing consent for request 10: both by the internal deadline
        (date(2026, 9, 22), 21, "upcoming", "consent_missing", (1,), ()),
        (date(2026, 9, 22), 21, "upcoming", "consent_missing", (10,), ()),
        # seed:000: S2 closes 24 Sep (Thu); internal = 2 days earlier, Tue 22 Sep; the appeal
        # (30 days from 25 Aug = 24 Sep) shares the date but not the service
        (date(2026, 9, 22), 21, "upcoming", "internal_deadline", (1, 10), ()),
        (date(2026, 9, 22), 21, "upcoming", "internal_deadline", (9,), ()),
    ]


def test_titles_say_what_for_whom_without_names(calendar):
    items = {(i.kind, i.request_ids): i for i in agenda(calendar)}
    assert items[("internal_deadline", (1, 10))].title == "Submit requests 1 and 10 for Review of marking (S2) (internal deadline)"
    assert items[("internal_deadline", (1, 10))].detail == (
        "the board's deadline is Thu 24 Sep 2026 (JCQ deadline for Review of marking, June 2026)"
    )
    assert items[("chase_board", (3,))].title == "Chase OCR: request 3 for Clerical re-check (S1) past the completion target"
    assert items[("consent_missing", (1,))].title == "Consent needed for request 1: consent given before results"
    assert items[("consent_disposal", (6,))].title == "Dispose of consent 5 securely: kept until Sat 28 Feb 2026"
    assert items[("appeal_window", (5,))].title == "Preliminary appeal (APP1) window closes for request 5 (AQA)"
    for item in items.values():
        assert "Never Shown" not in item.title + item.detail
        assert "1001" not in item.title + item.detail


def test_many_requests_sharing_a_deadline_are_named(calendar):
    # Issue 13 item 5: up to ten ids named on the line, the lowest ten of more and "and N more".
    drafts = [req(100 + n, "draft", "S2", candidate=f"{2000 + n}") for n in range(5)]
    (item,) = [i for i in agenda(calendar, drafts, []) if i.kind == "internal_deadline"]
    assert item.title == "Submit requests 100, 101, 102, 103 and 104 for Review of marking (S2) (internal deadline)"
    assert item.request_ids == (100, 101, 102, 103, 104)
    drafts = [req(100 + n, "draft", "S2", candidate=f"{2000 + n}") for n in range(12)]
    (item,) = [i for i in agenda(calendar, drafts, []) if i.kind == "internal_deadline"]
    assert item.title == (
        "Submit requests 100, 101, 102, 103, 104, 105, 106, 107, 108, 109 and 2 more for Review of marking (S2) "
        "(internal deadline)"
    )


def test_a_group_too_large_to_read_is_named_by_its_lowest_ids(calendar):
    # The store reads only the first ids of a group over ten (store.agenda.NAMED_IDS).
    from prs_cli.records import RequestGroup
    from prs_cli.rules.agenda import agenda as agenda_of_groups

    group = RequestGroup("draft", "june-2026", "AQA", "gce-a-level", "S2", None, None, None, None, None,
                         40, 3, None, None, False, tuple(range(3, 13)))
    (item,) = agenda_of_groups(calendar, [group], date(2026, 8, 14), days=60, lead_days=2)
    assert item.title.startswith("Submit requests 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 30 more for")
    assert item.request_ids is None


def test_missing_consent_shows_from_the_day_logged_and_a_late_agreed_draft_is_to_submit(calendar):
    # Issue 13 item 4: consent is chased from results day whatever the deadline; a draft logged
    # late with a reason was agreed with the board (seed:000: late requests only by agreement).
    draft = req(1, "draft", "S2")
    items = agenda(calendar, [draft], [], today=date(2026, 8, 14), days=1)
    assert [i.kind for i in items if i.kind == "consent_missing"] == ["consent_missing"]
    late = draft._replace(late_reason="AQA agreed by phone")
    items = agenda(calendar, [late], [], today=date(2026, 9, 30))
    (item,) = [i for i in items if i.kind == "late_draft"]
    assert item.title == "Request 1 for Review of marking (S2): late, agreed with the board: submit"
    (item,) = [i for i in agenda(calendar, [draft], [], today=date(2026, 9, 30)) if i.kind == "late_draft"]
    assert item.title.endswith("still draft after the board's deadline")


def test_board_deadline_once_internal_deadline_passed(calendar):
    # seed:000: S2 closes Thu 24 Sep; with 2 days' lead the internal deadline was Tue 22 Sep
    (item,) = [i for i in agenda(calendar, [REQUESTS[0]], [], today=date(2026, 9, 23)) if i.kind == "board_deadline"]
    assert (item.date, item.severity, item.title) == (
        date(2026, 9, 24), "due", "Submit request 1 for Review of marking (S2): the board's deadline",
    )
    assert item.detail.startswith("your internal deadline Tue 22 Sep 2026 has passed")


def test_window_limits_upcoming_but_not_overdue(calendar):
    items = agenda(calendar, days=7)
    kinds = [i.kind for i in items]
    assert "internal_deadline" not in kinds and "appeal_window" not in kinds and "completion_due" not in kinds
    assert kinds[:3] == ["consent_disposal", "late_draft", "chase_board"]


def test_appeal_logged_or_closed_requests_are_quiet(calendar):
    # request 8 has its appeal (request 9) logged; request 7 is withdrawn
    ids = {rid for i in agenda(calendar) for rid in i.request_ids}
    assert 7 not in ids and 8 not in ids


def test_valid_consent_gives_no_consent_item(calendar):
    ok = [consent(1, "1001", ("S2",), date(2026, 8, 20), given_at=datetime(2026, 8, 20, 8, 30))]
    items = agenda(calendar, requests=[REQUESTS[0]], consents=ok)
    assert [i.kind for i in items if i.kind == "consent_missing"] == []
    assert [i.kind for i in agenda(calendar, requests=[REQUESTS[0]], consents=[])].count("consent_missing") == 1


def test_purged_consent_is_not_disposed_of_twice(calendar):
    purged = [CONSENTS[4]._replace(candidate=None, requests=(6,), purged_at=datetime(2026, 3, 2, 9, 0))]
    assert due_disposals(purged, REQUESTS, TODAY) == []


def test_disposal_waits_while_a_covered_request_is_open(calendar):
    # seed:000: kept six months after the outcome *or any appeal*: an open appeal keeps it
    appeal = req(11, "submitted", "APP1", candidate="1006", series="june-2025", follows_request=6,
                 received_on=date(2025, 9, 5))
    assert due_disposals(CONSENTS, [*REQUESTS, appeal], TODAY) == []


def test_key_dates_in_the_window(calendar):
    items = agenda(calendar, [], [], today=date(2026, 8, 11), days=2, key_dates=calendar_items(calendar))
    # seed:000: GCE results 13 August; JCQ-RES-TIMES: restricted release to centres the day before,
    # for general qualifications (FSMQ with A level, JCQ-RES); VTQ and T Level releases to centres
    # are each board's (OFQUAL-VTQ24, issue 11 item 12); Pearson BTEC Level 1/2 to centres 12 Aug,
    # provisional on its 2023 pattern (seed:003, item 15); the press embargo at 09:30 (seed:000).
    assert [(i.date, i.kind, i.severity, i.title) for i in items] == [
        (date(2026, 8, 12), "restricted_release", "due", "FSMQ results to centres only (restricted release)"),
        (date(2026, 8, 12), "restricted_release", "due",
         "GCE AS level, GCE A level and Extended Project results to centres only (restricted release)"),
        (date(2026, 8, 12), "restricted_release", "due",
         "Pearson (Edexcel and BTEC) Level 1 VTQ and Level 2 VTQ results to centres only (embargo release)"),
        (date(2026, 8, 13), "results_day", "due", "FSMQ results to candidates"),
        (date(2026, 8, 13), "results_day", "due", "GCE AS level, GCE A level and Extended Project results to candidates"),
        (date(2026, 8, 13), "results_day", "due", "Level 3 VTQ and T Level results to candidates; to centres: check the board"),
        (date(2026, 8, 13), "results_day", "due", "Pearson (Edexcel and BTEC) Level 3 VTQ results to candidates"),
        (date(2026, 8, 13), "other", "due", "Press and local authority embargo lifts (GCE results day)"),
    ]
    assert items[2].detail.endswith("provisional: check the board's page")


def test_internal_deadline_moves_back_off_bank_holidays_and_weekends(calendar):
    # Summer bank holiday, England: Mon 31 Aug 2026; so 1 Sep minus 1 day -> Fri 28 Aug
    assert internal_deadline(calendar, date(2026, 9, 1), 1) == date(2026, 8, 28)
    # seed:000: S2 closes Thu 24 Sep 2026; 2 days before is Tue 22 Sep, a working day
    assert internal_deadline(calendar, date(2026, 9, 24), 2) == date(2026, 9, 22)
    assert internal_deadline(calendar, date(2026, 9, 24), 0) == date(2026, 9, 24)


@pytest.mark.parametrize(
    "day, expected",
    [(date(2026, 8, 31), "overdue"), (TODAY, "due"), (date(2026, 9, 3), "due"), (date(2026, 9, 4), "upcoming")],
)
def test_severity(day, expected):
    assert severity(day, TODAY) == expected


def test_fast_on_a_large_log(calendar):
    """One pass with memoised dates: 20,000 requests stay well under a second of rules time."""
    services = ["S1", "S2", "PS2"]
    many = [
        req(n, ("draft", "submitted", "completed")[n % 3], services[n % 3], candidate=f"{n % 9000 + 1000}",
            qualification="gce-a-level", received_on=date(2026, 8, 14 + n % 10) if n % 3 else None,
            outcome_on=date(2026, 8, 25) if n % 3 == 2 else None)
        for n in range(1, 20_001)
    ]
    started = time.perf_counter()
    items = agenda(calendar, many, [])
    assert time.perf_counter() - started < 3
    assert sum(len(i.request_ids) for i in items if i.kind == "consent_missing") > 0


def test_a_code_the_calendar_no_longer_has_gives_no_date_but_a_bug_is_not_hidden(calendar, monkeypatch):
    # A log can name a series a --data-dir calendar does not have: no date for it, no crash.
    gone = [req(1, "draft", "S2", series="june-2019"), req(2, "submitted", "S2", body="GONE", received_on=date(2026, 8, 21))]
    assert [i.kind for i in agenda(calendar, gone, consents=()) if i.kind in ("internal_deadline", "chase_board")] == []
    # A KeyError from inside a rule is a bug, never a missing date.
    from prs_cli.rules import agenda as rules

    def typo(*args, **kwargs):
        return {}["no such key"]

    monkeypatch.setattr(rules, "request_deadline", typo)
    with pytest.raises(KeyError):
        agenda(calendar, [req(1, "draft", "S2")], consents=())


def test_agenda_keys_read_what_each_part_of_the_agenda_reads():
    from prs_cli.rules.agenda import agenda_keys

    review = req(8, "completed", "S2", candidate="1008", received_on=date(2026, 8, 21), outcome_on=date(2026, 8, 25))
    appeal = req(9, "draft", "APP1", candidate="1008", follows_request=8)
    tied = consent(6, "1008", ("S2", "APP1"), date(2026, 8, 21), requests=(8,))
    parent = consent(7, "1008", ("S2",), date(2026, 8, 22))._replace(given_by="Mrs Example")
    # PEA-APP25: the appeal window runs from the review's outcome until an appeal is logged
    assert agenda_keys(review, None, False, ()).dates[9] == date(2026, 8, 25)
    assert agenda_keys(review, None, True, ()).dates is None
    # seed:000: the JCQ form covers reviews and appeals, so consent tied to the review applies to
    # its appeal; a consent tied elsewhere does not reach the candidate's other requests
    keys = agenda_keys(appeal, date(2026, 8, 25), False, [parent, tied])
    assert keys.dates[10] == keys.consent[10] == date(2026, 8, 25)  # a draft's deadline runs from the outcome
    assert [terms[3] for terms in keys.consent[12]] == ["candidate", "other"]  # who gave it: only whether the candidate
    assert agenda_keys(req(10, "draft", "S2", candidate="1008"), None, False, [tied]).consent[12] == ()
    # a draft logged late with a reason is another line of the agenda (issue 13): its key says so
    assert agenda_keys(req(10, "draft", "S2", late_reason="agreed"), None, False, ()).dates[11] is True
    assert agenda_keys(req(10, "draft", "S2"), None, False, ()).dates[11] is False
    assert agenda_keys(req(7, "withdrawn", "S2"), None, False, [tied]) == (None, None)
