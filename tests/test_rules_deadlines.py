"""The rules core against the seed's service table (seed:000, Task 2) and reference.md rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from prs_cli.rules.deadlines import (
    appeal_deadline,
    availability,
    candidates_see_results,
    completion_due,
    release_for,
    request_deadline,
    retention_until,
    service_applies_anywhere,
)


def deadline(calendar, service, qualification="gce-a-level", body="AQA", series="june-2026", **kw):
    return request_deadline(
        calendar, series_id=series, body_code=body, qualification=qualification, service_code=service, **kw
    )


# --- seed:000 Task 2 table, one test per row ---------------------------------------------------


def test_service_1_row(calendar):
    # seed:000: Service 1, requests by 24 September; completion within 10 calendar days of receipt;
    # candidate consent required.
    answer = deadline(calendar, "S1", "gcse")
    assert answer.date == date(2026, 9, 24) and answer.source == "seed:000"
    assert completion_due(calendar, "AQA", "S1", date(2026, 8, 21)).date == date(2026, 8, 31)
    assert calendar.services["S1"].needs_consent


def test_service_2_row(calendar):
    # seed:000: Service 2, requests by 24 September; completion within 20 calendar days of receipt.
    assert deadline(calendar, "S2", "gcse").date == date(2026, 9, 24)
    due = completion_due(calendar, "PEARSON", "S2", date(2026, 8, 15))
    assert due.date == date(2026, 9, 4)
    assert "20 calendar days" in due.rule
    assert calendar.services["S2"].needs_consent


def test_priority_service_2_row(calendar):
    # seed:000: Priority Service 2 by 20 August (seven days after A level results); 15 calendar days;
    # only GCE A level, T Level and Level 3 VTQ; for NCFE only T Levels.
    assert deadline(calendar, "PS2", "gce-a-level").date == date(2026, 8, 20)
    assert deadline(calendar, "PS2", "l3-vtq", body="OCR").date == date(2026, 8, 20)
    assert completion_due(calendar, "OCR", "PS2", date(2026, 8, 14)).date == date(2026, 8, 29)
    gcse = service_applies_anywhere(calendar, "gcse", "PS2")
    assert gcse.status == "unavailable" and "GCE A level" in gcse.reason and gcse.source == "seed:000"
    assert availability(calendar, "NCFE", "l3-vtq", "PS2").status == "unavailable"
    assert availability(calendar, "NCFE", "t-level", "PS2").status == "available"


def test_service_3_row(calendar):
    # seed:000: Service 3 by 24 September; up to 35 calendar days after the reviewer receives the
    # sample; a centre's sample, never one candidate; consent not required.
    service = calendar.services["S3"]
    assert deadline(calendar, "S3", "gcse", body="WJEC").date == date(2026, 9, 24)
    assert completion_due(calendar, "WJEC", "S3", date(2026, 9, 1)).date == date(2026, 10, 6)
    assert service.completion_from == "sample_received"
    assert service.per_candidate is False and service.needs_consent is False


def test_access_to_scripts_row(calendar):
    # seed:000: ATS requests by 24 September; teaching copies may be accepted later by some boards
    # (AQA-ATS: 30 Oct 2026); not available for certain City & Guilds, NCFE and TQUK qualifications.
    assert deadline(calendar, "ATS-P", "gce-a-level", body="OCR").date == date(2026, 9, 24)
    aqa = deadline(calendar, "ATS-TL", "gcse", body="AQA")
    assert aqa.date == date(2026, 10, 30) and aqa.source == "AQA-ATS" and "AQA" in aqa.rule
    assert deadline(calendar, "ATS-TL", "gcse", body="OCR").date == date(2026, 9, 24)
    assert availability(calendar, "CG", "l3-vtq", "ATS-P").status == "unavailable"
    assert availability(calendar, "NCFE", "l2-vtq", "ATS-TL").status == "check"
    assert availability(calendar, "TQUK", "l2-vtq", "ATS-P").status == "check"
    for code in ("ATS-P", "ATS-TL"):
        # issue 11 item 3: permission, not the "grade may go down" acknowledgement (seed:000)
        assert calendar.services[code].needs_consent and not calendar.services[code].acknowledge_outcomes


def test_appeal_row(calendar):
    # reference.md §3 (PEA-APP25): preliminary appeal within 30 calendar days of the review outcome.
    answer = appeal_deadline(calendar, "PEARSON", "gce-a-level", date(2026, 9, 10), "APP1")
    assert answer.date == date(2026, 10, 10)
    assert "30 calendar days" in answer.rule


# --- other reference rows -------------------------------------------------------------------------


def test_ncfe_counts_working_days(calendar):
    # reference.md §5 NCFE (NCFE-EAR): review of marking outcome within 25 working days; request
    # within 20 working days of results.
    assert completion_due(calendar, "NCFE", "S2", date(2026, 8, 20)).date == date(2026, 9, 25)
    assert deadline(calendar, "S2", "l3-vtq", body="NCFE").date == date(2026, 9, 11)
    assert deadline(calendar, "S2", "l2-vtq", body="NCFE").date == date(2026, 9, 18)


def test_cambridge_english_runs_from_each_candidates_results(calendar):
    # seed:004: enquiries no later than 2 weeks after online results; CE-EAR: Stage 1 within 5
    # working days, Stage 2 within 15 working days.
    answer = request_deadline(
        calendar,
        series_id=None,
        body_code="CAMBRIDGE",
        qualification="cambridge-english",
        service_code="CE1",
        results_released=date(2026, 6, 5),
    )
    assert answer.date == date(2026, 6, 19)
    assert completion_due(calendar, "CAMBRIDGE", "CE1", date(2026, 6, 8)).date == date(2026, 6, 15)
    assert completion_due(calendar, "CAMBRIDGE", "CE2", date(2026, 6, 22)).date == date(2026, 7, 13)
    assert availability(calendar, "CAMBRIDGE", "cambridge-english", "ATS-P").status == "unavailable"


def test_results_release_times(calendar):
    # reference.md §4.1 (JCQ-RES): candidates from 08:00 on results day; restricted release to
    # centres from 00:01 the day before (AQA-OB26).
    release = release_for(calendar, "june-2026", "gce-a-level")
    assert candidates_see_results(release) == datetime(2026, 8, 13, 8, 0)
    assert release.centres_date == date(2026, 8, 12)
    assert release_for(calendar, "june-2026", "gcse").date == date(2026, 8, 20)


def test_consent_retention_is_six_months_after_the_outcome():
    # seed:000: consent kept at least six months after the outcome or any appeal.
    assert retention_until(date(2026, 9, 10)).date == date(2027, 3, 10)


def test_unpublished_deadline_is_unknown_not_invented(calendar):
    # reference.md Open questions 2: November 2026 review deadlines are not published.
    answer = deadline(calendar, "S2", "gcse", series="november-2026")
    assert answer.date is None
    assert "not yet published" in answer.rule


@pytest.mark.parametrize(
    "body, qualification, service, status",
    [
        ("AQA", "gce-as", "PS2", "available"),  # AQA-ROM: AQA offers Priority Service 2 for AS
        ("OCR", "gcse", "PS2", "unavailable"),  # seed:000: not for GCSE
        ("CCEA", "l3-vtq", "S1", "unavailable"),  # CCEA awards no Level 3 VTQ here
        ("CAMBRIDGE", "cambridge-english", "CE2", "available"),  # CE-EAR
        ("AQA", "gcse", "CE1", "unavailable"),  # Cambridge English services only
    ],
)
def test_availability_table(calendar, body, qualification, service, status):
    assert availability(calendar, body, qualification, service).status == status


# --- issue 11: the edges -------------------------------------------------------------------------


def test_ncfe_t_level_review_of_marking_gets_five_weeks(calendar):
    # issue 11 item 5 (NCFE-EAR): T Level clerical check and review of marking within 5 weeks of
    # results (13 Aug 2026 + 35 days = Thu 17 Sep); other NCFE qualifications 20 working days
    # (13 Aug: 14, 17-21, 24-28 Aug (11), Mon 31 Aug a bank holiday, 1-4 Sep (15), 7-11 Sep (20)).
    for service in ("S1", "S2"):
        assert deadline(calendar, service, "t-level", body="NCFE").date == date(2026, 9, 17), service
        assert deadline(calendar, service, "l3-vtq", body="NCFE").date == date(2026, 9, 11), service
    # a review after a clerical check: 5 working days from its outcome (Thu 20 Aug -> Thu 27 Aug)
    after = deadline(calendar, "S2", "t-level", body="NCFE", prior_outcome=date(2026, 8, 20))
    assert after.date == date(2026, 8, 27) and after.source == "NCFE-EAR"


def test_ncfe_appeal_window_per_qualification(calendar):
    # issue 11 item 6: T Levels 30 calendar days (NCFE-APP); Level 1/2 Technical Awards follow the
    # JCQ booklet, 30 calendar days (NCFE-APP-QH); Level 3: Applied Generals follow JCQ, NCFE's
    # others 30 working days, so the earlier is shown, provisional.
    outcome = date(2026, 9, 25)
    t_level = appeal_deadline(calendar, "NCFE", "t-level", outcome, "APP1")
    assert (t_level.date, t_level.source, t_level.provisional) == (date(2026, 10, 25), "NCFE-APP", False)
    tech_award = appeal_deadline(calendar, "NCFE", "l2-vtq", outcome, "APP1")
    assert (tech_award.date, tech_award.source) == (date(2026, 10, 25), "NCFE-APP-QH")
    level_3 = appeal_deadline(calendar, "NCFE", "l3-vtq", outcome, "APP1")
    assert level_3.date == date(2026, 10, 25) and level_3.provisional and "30 working days" in level_3.note


def test_june_2024_and_2025_t_level_and_project_windows(calendar):
    # issue 11 item 10: T Level and Extended Project results on A level results day (seed:000's
    # pattern, provisional): NCFE's T Level clerical check 15 Aug 2024 + 35 = Thu 19 Sep 2024,
    # 14 Aug 2025 + 35 = Thu 18 Sep 2025 (NCFE-EAR); an EPQ review of moderation is accepted.
    assert deadline(calendar, "S1", "t-level", body="NCFE", series="june-2024").date == date(2024, 9, 19)
    assert deadline(calendar, "S1", "t-level", body="NCFE", series="june-2025").date == date(2025, 9, 18)
    assert release_for(calendar, "june-2024", "extended-project").date == date(2024, 8, 15)
    assert deadline(calendar, "S3", "extended-project", series="june-2025").date == date(2025, 9, 25)


def test_aqa_priority_copies_have_their_own_date(calendar):
    # issue 11 item 11 (SIMONBALLE): AQA 28 Aug 2025, others 25 Sep 2025; AQA 2026 provisional
    # (13 Aug + 14 = 27 Aug), not the JCQ 24 September.
    assert deadline(calendar, "ATS-P", "gce-a-level", series="june-2025").date == date(2025, 8, 28)
    assert deadline(calendar, "ATS-P", "gce-a-level", body="OCR", series="june-2025").date == date(2025, 9, 25)
    aqa = deadline(calendar, "ATS-P", "gce-a-level")
    assert aqa.date == date(2026, 8, 27) and aqa.provisional
