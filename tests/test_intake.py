"""The pure intake rules: what a board would refuse, defaults, transitions, outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from prs_cli.errors import InputError, Refused, UnknownCode
from prs_cli.records import RequestRecord
from prs_cli.rules import intake
from prs_cli.rules.intake import RequestInput
from prs_cli.rules.requests import request_dates

D = date.fromisoformat
NAME = "Zara Quill"


def given(**changes) -> RequestInput:
    base = dict(
        awarding_body="AQA", qualification="gce-a-level", service="S2", component="7402/1",
        candidate="0042", name=NAME, series="june-2026",
    )
    return RequestInput(**{**base, **changes})


def prepare(calendar, today="2026-08-21", **changes):
    return intake.prepare_request(calendar, given(**changes), today=D(today), by="eo")


def stored(record: RequestRecord, id: int = 1, **changes) -> RequestRecord:
    return record._replace(id=id, **changes)


# --- refusals -------------------------------------------------------------------------------


def test_ps2_after_20_aug_is_refused_with_the_hint(calendar):
    # seed:000: Priority Service 2 deadline 20 Aug 2026; late requests are refused.
    with pytest.raises(Refused) as caught:
        prepare(calendar, service="PS2")
    assert caught.value.message == (
        "Priority Service 2 closed on Thu 20 Aug 2026: awarding bodies do not accept late requests"
    )
    assert caught.value.hint == "log it only with --late-reason"


def test_ps2_on_its_deadline_is_accepted(calendar):
    # seed:000: requests must arrive by 20 Aug 2026; that day itself is in time.
    prepared = prepare(calendar, today="2026-08-20", service="PS2")
    assert prepared.deadline.date == D("2026-08-20")
    assert prepared.warnings == ()


def test_late_reason_lets_it_through_and_is_kept(calendar):
    prepared = prepare(calendar, service="PS2", late_reason="HE place at stake; board agreed by phone")
    assert prepared.record.late_reason == "HE place at stake; board agreed by phone"
    assert prepared.warnings == ("logged late: Priority Service 2 closed on Thu 20 Aug 2026",)


def test_ps2_for_gcse_is_refused_with_the_reason(calendar):
    # seed:000: Priority Service 2 is for GCE A level and Level 3 VTQ (AQA lists AS too: AQA-ROM).
    with pytest.raises(Refused) as caught:
        prepare(calendar, today="2026-08-14", service="PS2", qualification="gcse")
    assert caught.value.message == (
        "Priority Service 2 (PS2) does not apply to GCSE: AQA offers it only for GCE AS level, "
        "GCE A level and Level 3 VTQ (AQA-ROM)"
    )


def test_scripts_for_city_and_guilds_technicals_are_refused(calendar):
    # seed:000 / CG-ATS: no access to scripts for City & Guilds L2/L3 Technical qualifications.
    with pytest.raises(Refused, match="not available for City & Guilds Level 2 and Level 3 Technical"):
        prepare(calendar, awarding_body="CG", qualification="l3-vtq", service="ATS-P")


def test_service_3_for_one_candidate_is_refused(calendar):
    # seed:000: Service 3 is never for an individual candidate.
    with pytest.raises(Refused) as caught:
        prepare(calendar, service="S3")
    assert caught.value.message == "Service 3 reviews a centre's moderation sample, never one candidate"


def test_service_3_without_a_candidate_is_logged(calendar):
    prepared = prepare(calendar, service="S3", candidate=None, name=None)
    assert prepared.record.candidate is None and prepared.record.name is None
    assert prepared.deadline.date == D("2026-09-24")  # seed:000: RoR deadline 24 Sep 2026


def test_a_per_candidate_service_needs_a_candidate(calendar):
    with pytest.raises(InputError, match=r"Review of marking \(S2\) is for one candidate"):
        prepare(calendar, candidate=None)


@pytest.mark.parametrize("number", ["123", "12345", "abcd", "12 3", "-123"])
def test_malformed_candidate_numbers(calendar, number):
    # reference.md §6: candidate numbers are 4 digits.
    with pytest.raises(InputError) as caught:
        prepare(calendar, candidate=number)
    assert caught.value.message == "the candidate number must be exactly 4 digits (for example 0042)"
    assert number not in caught.value.message


@pytest.mark.parametrize("uci", ["52204012345", "52204012345AB7", "522040123456-", "52204O1234 5A"])
def test_malformed_uci(calendar, uci):
    # reference.md §6: a UCI has 13 characters.
    with pytest.raises(InputError) as caught:
        prepare(calendar, uci=uci)
    assert caught.value.message == "the UCI must be 13 characters, digits and capital letters only"


def test_uci_is_upper_cased(calendar):
    assert prepare(calendar, uci="52204012345ab").record.uci == "52204012345AB"


@pytest.mark.parametrize(
    ("field", "value", "kind", "suggestion"),
    [
        ("awarding_body", "AQB", "awarding body", "AQA"),
        ("service", "S22", "service", "S2"),
        ("qualification", "gce-a-levle", "qualification", "gce-a-level"),
        ("series", "june-2062", "series", "june-2026"),
    ],
)
def test_unknown_codes_suggest(calendar, field, value, kind, suggestion):
    with pytest.raises(UnknownCode) as caught:
        prepare(calendar, **{field: value})
    assert caught.value.message == f"unknown {kind} {value!r}"
    assert suggestion in caught.value.hint


def test_codes_are_case_insensitive(calendar):
    record = prepare(calendar, awarding_body="aqa", service="s2", qualification="GCE-A-LEVEL").record
    assert (record.awarding_body, record.service, record.qualification) == ("AQA", "S2", "gce-a-level")


def test_bad_fee_and_mark(calendar):
    with pytest.raises(InputError, match="is not an amount in pounds"):
        prepare(calendar, fee="12.345")
    with pytest.raises(InputError, match="mark must be a whole number from 0 to 99,999"):
        prepare(calendar, original_mark=-1)
    assert prepare(calendar, fee="£43.45").record.fee == "43.45"


def test_a_series_without_that_qualification_is_refused(calendar):
    # series_2026.yaml: the November 2026 series is GCSE resits only.
    with pytest.raises(Refused, match="has no GCE A level results"):
        prepare(calendar, series="november-2026")


# --- series ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "series"),
    [
        ("2026-08-13", "june-2026"),  # seed:000: GCE results 13 Aug 2026; deadlines to 24 Sep
        ("2026-10-15", "june-2026"),  # AQA-ATS: AQA teaching copies to 30 Oct 2026
        ("2026-01-20", "november-2025"),  # WHICKHAM: Nov 2025 results 8 Jan 2026; AQA ATS-TL to 12 Feb 2026
        ("2025-09-01", "june-2025"),  # SIMONBALLE: June 2025 RoR deadline 25 Sep 2025
    ],
)
def test_default_series_is_the_open_window(calendar, today, series):
    assert intake.default_series(calendar, D(today)) == series


def test_no_open_window_asks_for_a_series(calendar):
    with pytest.raises(InputError) as caught:
        intake.default_series(calendar, D("2026-07-01"))
    assert caught.value.message == "no series has its post-results window open on 2026-07-01; name one with --series"


def test_add_defaults_the_series(calendar):
    assert prepare(calendar, series=None).record.series == "june-2026"


# --- Cambridge English, appeals and Stage 2 -------------------------------------------------


def ce(**changes) -> RequestInput:
    return given(awarding_body="CAMBRIDGE", qualification="cambridge-english", service="CE1", series=None,
                 component="writing", **changes)


def test_cambridge_english_needs_its_release_date_and_no_series(calendar):
    with pytest.raises(InputError, match="give the date with --results-released"):
        intake.prepare_request(calendar, ce(), today=D("2026-05-10"))
    with pytest.raises(InputError, match="belongs to no exam series"):
        intake.prepare_request(calendar, replace(ce(results_released=D("2026-05-01")), series="june-2026"), today=D("2026-05-10"))


def test_cambridge_english_window_runs_from_its_release(calendar):
    # seed:004: enquiries within two weeks of the online results, one centre's rule; Cambridge
    # English says to ask the centre (CE-EAR): issue 11 item 17, a warning past it, not a refusal.
    prepared = intake.prepare_request(calendar, ce(results_released=D("2026-05-01")), today=D("2026-05-15"))
    assert prepared.record.series is None
    assert prepared.deadline.date == D("2026-05-15") and not prepared.deadline.enforced
    assert prepared.warnings == ()
    late = intake.prepare_request(calendar, ce(results_released=D("2026-05-01")), today=D("2026-05-16"))
    assert any("past the centre's window" in w and "Fri 15 May 2026" in w for w in late.warnings)


def test_the_centre_sets_its_cambridge_english_window(calendar):
    # issue 11 item 17: the window is the centre's setting (a centre publishing 30 days, reference §5)
    from prs_cli.rules.deadlines import with_centre_settings

    thirty = with_centre_settings(calendar, {"cambridge_english_enquiry_days": 30})
    prepared = intake.prepare_request(thirty, ce(results_released=D("2026-05-01")), today=D("2026-05-20"))
    assert prepared.deadline.date == D("2026-05-31") and prepared.warnings == ()


def test_stage_2_is_not_for_young_learners(calendar):
    # issue 11 item 17 (CE-EAR): no Stage 2 for Pre A1 Starters, A1 Movers and A2 Flyers
    stage1 = stored(intake.prepare_request(calendar, replace(ce(results_released=D("2026-05-01")), qualification="cambridge-english-yle"), today=D("2026-05-10")).record, 5)
    done = stage1._replace(status="completed", outcome_on=D("2026-05-18"), outcome="unchanged")
    with pytest.raises(Refused, match="does not apply to Cambridge English Young Learners"):
        intake.prepare_request(calendar, RequestInput(service="CE2"), today=D("2026-05-20"), prior=done)


def test_results_released_is_refused_for_jcq_qualifications(calendar):
    with pytest.raises(InputError, match="only for qualifications outside the JCQ series"):
        prepare(calendar, results_released=D("2026-08-13"))


def test_stage_2_needs_a_completed_stage_1(calendar):
    # CE-EAR: Stage 2 only after a Stage 1 outcome.
    with pytest.raises(InputError, match="give that request's id with --follows"):
        intake.prepare_request(calendar, replace(ce(results_released=D("2026-05-01")), service="CE2"), today=D("2026-05-10"))
    stage1 = stored(intake.prepare_request(calendar, ce(results_released=D("2026-05-01")), today=D("2026-05-10")).record, 5)
    with pytest.raises(Refused, match=r"request 5 has no outcome yet \(draft\)"):
        intake.prepare_request(calendar, RequestInput(service="CE2"), today=D("2026-05-20"), prior=stage1)
    done = stage1._replace(status="completed", outcome_on=D("2026-05-18"), outcome="unchanged")
    stage2 = intake.prepare_request(calendar, RequestInput(service="CE2"), today=D("2026-05-20"), prior=done).record
    assert (stage2.service, stage2.follows_request, stage2.candidate, stage2.component) == ("CE2", 5, "0042", "writing")
    assert stage2.results_released == D("2026-05-01")


def test_appeal_window_is_30_days_from_the_outcome(calendar):
    # PEA-APP25: preliminary appeal within 30 calendar days of the review outcome.
    review = stored(prepare(calendar).record, 3, status="completed", outcome_on=D("2026-09-10"), outcome="unchanged")
    assert intake.check_appeal(calendar, review, on=D("2026-10-10"), today=D("2026-10-12"))[1].date == D("2026-10-10")
    with pytest.raises(Refused) as caught:
        intake.check_appeal(calendar, review, on=D("2026-10-11"), today=D("2026-10-12"))
    assert caught.value.message.startswith("the preliminary appeal window closed on Sat 10 Oct 2026")


def test_appeal_needs_a_completed_review(calendar):
    review = stored(prepare(calendar).record, 3, status="submitted", received_on=D("2026-08-22"))
    with pytest.raises(Refused, match=r"request 3 has no outcome yet \(submitted\)"):
        intake.check_appeal(calendar, review, on=D("2026-09-01"), today=D("2026-09-01"))
    clerical = stored(prepare(calendar, service="S1").record, 4, status="completed", outcome_on=D("2026-09-01"))
    with pytest.raises(Refused, match="no appeal follows S1: an appeal follows .*S2, S3; request 4 is S1"):
        intake.check_appeal(calendar, clerical, on=D("2026-09-02"), today=D("2026-09-02"))


def test_follows_is_only_for_services_that_follow(calendar):
    prior = stored(prepare(calendar).record, 2, status="completed", outcome_on=D("2026-09-01"))
    with pytest.raises(InputError, match="--follows is only for services that follow an outcome"):
        intake.prepare_request(calendar, given(service="S1"), today=D("2026-09-02"), prior=prior)


# --- fees -----------------------------------------------------------------------------------


def test_default_fee_is_the_boards_latest(calendar):
    # AQA-ROM2 (the later AQA page): S2 GCE £48.65, Priority S2 £57.85; AQA-MOD June 2024 S3 £242.50.
    prepared = prepare(calendar, today="2026-08-14", service="PS2")
    assert prepared.record.fee == "57.85"
    assert prepared.fee_note == "fee £57.85 is AQA's published fee (undated; AQA-ROM2); give --fee if yours differs"
    assert prepare(calendar).record.fee == "48.65"
    assert prepare(calendar, service="S3", qualification="gcse", candidate=None, name=None).record.fee == "242.50"
    # AQA-ROM2: GCSE S2 £42.00 (the board's own page beats a centre's quoted fee, SANDBACH).
    assert prepare(calendar, qualification="gcse").record.fee == "42.00"


def test_a_fee_only_a_centre_quotes_says_so(calendar):
    # issue 11 item 13: Pearson's GCSE fees are known only from a centre's page (SANDBACH)
    prepared = prepare(calendar, awarding_body="PEARSON", qualification="gcse", service="S1")
    assert prepared.record.fee == "12.50"
    assert "as quoted on a centre's page, not the board's" in prepared.fee_note and "SANDBACH" in prepared.fee_note


def test_no_published_fee_leaves_it_empty_and_a_given_fee_wins(calendar):
    assert prepare(calendar, awarding_body="WJEC").record.fee is None
    assert prepare(calendar, fee="50").record.fee == "50"


# --- transitions ----------------------------------------------------------------------------


def test_s2_received_15_aug_is_due_4_sep(calendar):
    # seed:000: Service 2 completes within 20 calendar days of receipt.
    record = stored(prepare(calendar, today="2026-08-15").record)
    change = intake.submit(calendar, record, received=D("2026-08-15"), today=D("2026-08-15"), reference="AQA-1")
    assert change.record.status == "submitted" and change.record.board_reference == "AQA-1"
    assert request_dates(calendar, change.record).completion_due.date == D("2026-09-04")


def test_s3_is_due_35_days_after_the_sample(calendar):
    # seed:000 / AQA-MOD: up to 35 calendar days after the sample arrives.
    record = stored(prepare(calendar, service="S3", candidate=None, name=None).record)
    first = intake.submit(calendar, record, received=D("2026-08-25"), today=D("2026-08-25"))
    assert first.warnings == ("the completion date follows when the sample arrives: record it with --sample-received",)
    assert request_dates(calendar, first.record).completion_due is None
    later = intake.submit(calendar, first.record, received=None, sample_received=D("2026-09-01"), today=D("2026-09-02"))
    assert request_dates(calendar, later.record).completion_due.date == D("2026-10-06")


def test_ncfe_s2_counts_25_working_days(calendar):
    # NCFE-EAR: review of marking outcome within 25 working days; 31 Aug 2026 is a bank holiday.
    record = stored(prepare(calendar, awarding_body="NCFE", qualification="l3-vtq").record)
    change = intake.submit(calendar, record, received=D("2026-08-20"), today=D("2026-08-21"))
    due = request_dates(calendar, change.record).completion_due
    assert due.date == D("2026-09-25")
    assert "25 working days" in due.rule


def test_ncfe_request_window_is_20_working_days_from_results(calendar):
    # NCFE-EAR: request within 20 working days of results (13 Aug 2026, seed:000).
    assert prepare(calendar, awarding_body="NCFE", qualification="l3-vtq").deadline.date == D("2026-09-11")


def test_submitting_twice_and_future_dates_are_refused(calendar):
    record = stored(prepare(calendar).record, 7)
    submitted = intake.submit(calendar, record, received=D("2026-08-21"), today=D("2026-08-21")).record
    with pytest.raises(Refused) as caught:
        intake.submit(calendar, submitted, received=D("2026-08-22"), today=D("2026-08-22"))
    assert caught.value.message == "request 7 is already submitted; only a draft can be submitted"
    with pytest.raises(InputError, match="--received 2026-08-30 is after today"):
        intake.submit(calendar, record, received=D("2026-08-30"), today=D("2026-08-21"))
    with pytest.raises(InputError, match="--sample-received is only for Review of moderation"):
        intake.submit(calendar, record, received=D("2026-08-21"), sample_received=D("2026-08-21"), today=D("2026-08-21"))


def test_outcome_for_a_draft_is_refused(calendar):
    record = stored(prepare(calendar).record, 9)
    with pytest.raises(Refused) as caught:
        intake.record_outcome(calendar, record, on=D("2026-09-01"), today=D("2026-09-01"))
    assert caught.value.message == (
        "request 9 is a draft: record when the board received it first (prs request submit 9 --received DATE)"
    )


def submitted_review(calendar, **changes):
    record = stored(prepare(calendar, original_grade="B", original_mark=50, **changes).record, 3)
    return intake.submit(calendar, record, received=D("2026-08-21"), today=D("2026-08-21")).record


def test_outcome_up_refunds_and_sets_the_appeal_deadline(calendar):
    # AQA-ROM2: no charge if the grade changes. PEA-APP25: appeal within 30 days of the outcome.
    result = intake.record_outcome(
        calendar, submitted_review(calendar), on=D("2026-09-05"), today=D("2026-09-06"), mark_after=56, grade_after="A"
    )
    assert result.direction == "up"
    assert result.record.outcome == "up" and result.record.status == "completed"
    assert result.record.fee_refunded is True
    assert result.refund == "the grade changed, so AQA refunds the £48.65 fee (AQA-ROM2)"
    assert result.appeal.date == D("2026-10-05")
    with pytest.raises(Refused, match="request 3 is completed; only a submitted request can have an outcome"):
        intake.record_outcome(calendar, result.record, on=D("2026-09-05"), today=D("2026-09-06"), unchanged=True)


def test_outcome_unchanged_keeps_the_fee(calendar):
    # AQA-ROM2: the fee is refunded only if the grade changes.
    result = intake.record_outcome(calendar, submitted_review(calendar), on=D("2026-09-05"), today=D("2026-09-06"), unchanged=True)
    assert (result.direction, result.record.fee_refunded) == ("unchanged", False)
    assert result.refund == "the grade did not change, so AQA keeps the £48.65 fee (AQA-ROM2)"


def test_outcome_must_say_what_the_board_decided(calendar):
    # Issue 13 item 2: no grade and no --unchanged is refused, not taken as "unchanged".
    review = submitted_review(calendar)
    with pytest.raises(InputError, match="say what the board decided: --grade-after GRADE"):
        intake.record_outcome(calendar, review, on=D("2026-09-05"), today=D("2026-09-06"))
    with pytest.raises(InputError, match="--unchanged means the grade and mark stood"):
        intake.record_outcome(calendar, review, on=D("2026-09-05"), today=D("2026-09-06"), unchanged=True, grade_after="A")


def test_a_lower_mark_alone_leaves_the_grade_unchanged_and_the_fee_follows_the_grade(calendar):
    # AQA-ROM2: refund only if the grade changes; a mark alone (B stays B) never reads "down".
    result = intake.record_outcome(calendar, submitted_review(calendar), on=D("2026-09-05"), today=D("2026-09-06"), mark_after=47)
    assert (result.direction, result.record.outcome, result.record.mark_after) == ("unchanged", "unchanged", 47)
    assert result.record.fee_refunded is False


def test_a_script_copy_arriving_is_no_grade_outcome(calendar):
    # seed:000 (JCQ PRS booklet): access to scripts sends a copy; no review outcome, no appeal.
    record = stored(prepare(calendar, service="ATS-P").record, 5)
    submitted = intake.submit(calendar, record, received=D("2026-08-14"), today=D("2026-08-14")).record
    result = intake.record_outcome(calendar, submitted, on=D("2026-08-20"), today=D("2026-08-20"))
    assert (result.direction, result.record.outcome, result.record.status) == ("copy_received", None, "completed")
    assert result.appeal is None and result.record.fee_refunded is None
    with pytest.raises(InputError, match="access to scripts"):
        intake.record_outcome(calendar, submitted, on=D("2026-08-20"), today=D("2026-08-20"), grade_after="A")


def test_outcome_down_and_a_board_without_a_known_rule(calendar):
    # WJEC's refund rule is not in prs's sources (awarding_bodies.yaml refund.when: unknown).
    review = submitted_review(calendar, awarding_body="WJEC", fee="45")
    result = intake.record_outcome(calendar, review, on=D("2026-09-05"), today=D("2026-09-06"), grade_after="C")
    assert result.direction == "down" and result.record.fee_refunded is None
    assert result.refund.startswith("WJEC / Eduqas's refund rule is not in the calendar")


def test_outcome_before_receipt_is_refused(calendar):
    with pytest.raises(InputError, match="is before the board received the request"):
        intake.record_outcome(calendar, submitted_review(calendar), on=D("2026-08-20"), today=D("2026-09-01"))


@pytest.mark.parametrize(
    ("before", "after", "mark_before", "mark_after", "direction"),
    [
        ("5", "6", None, None, "up"),  # GCSE 9-1
        ("4", "U", None, None, "down"),
        ("A", "A*", None, None, "up"),  # GCE A*-E
        ("b", "B", 50, 49, "unchanged"),  # same grade: the grade stayed, whatever the mark did
        ("M", "D*", None, None, "up"),  # BTEC-style
        ("L1 D", "L2 P", None, None, "up"),  # Level 1/2 prefixes: any Level 2 beats Level 1
        ("Level 2 Merit", "L2P", None, None, "down"),
        ("Pass", "Merit", None, None, "up"),
        ("A*A", "AA", 120, 118, "down"),  # unknown scale: the marks decide
        ("A*A", "AA", None, None, "changed"),  # unknown scale, no marks
        (None, None, 40, 44, "unchanged"),  # a mark alone: the grade stood (issue 13)
        (None, None, None, None, "unchanged"),
    ],
)
def test_grade_direction(before, after, mark_before, mark_after, direction):
    assert intake.grade_direction(before, after, mark_before, mark_after) == direction


def test_withdraw_and_reject(calendar):
    record = stored(prepare(calendar).record, 4)
    assert intake.close(record, status="withdrawn", reason="candidate changed mind").record.status == "withdrawn"
    assert intake.close(record, status="rejected", reason="board refused: late").record.closed_reason == "board refused: late"
    completed = record._replace(status="completed")
    with pytest.raises(Refused) as caught:
        intake.close(completed, status="withdrawn", reason="x")
    assert caught.value.message == "request 4 is completed; only a draft or submitted request can be withdrawn"
    with pytest.raises(InputError, match="say why"):
        intake.close(record, status="withdrawn", reason="  ")


def test_no_message_carries_the_name_or_number(calendar):
    messages = []
    for kwargs in ({"service": "PS2"}, {"service": "S3"}, {"qualification": "gcse", "service": "PS2"}):
        with pytest.raises(Refused) as caught:
            prepare(calendar, **kwargs)
        messages.append(caught.value.message + (caught.value.hint or ""))
    assert not any("0042" in m or NAME in m for m in messages)


def test_edit_checks_each_field_and_keeps_personal_values_out_of_the_audit(calendar):
    # Issue 13 item 7; seed:000: Service 3 is a centre's sample and never names a candidate.
    record = stored(prepare(calendar, name="Ada", original_grade="B").record, 4)
    change, audit = intake.edit(calendar, record, {"name": "Ada L", "original_grade": "A", "fee": "£50"})
    assert (change.record.name, change.record.original_grade, change.record.fee) == ("Ada L", "A", "50")
    assert audit == {"name": True, "original_grade": {"old": "B", "new": "A"}, "fee": {"old": record.fee, "new": "50"}}
    with pytest.raises(InputError, match="the UCI must be 13 characters"):
        intake.edit(calendar, record, {"uci": "123"})
    sample = stored(prepare(calendar, service="S3", candidate=None, name=None, component="8702C", qualification="gcse").record, 5)
    with pytest.raises(Refused, match="reviews a centre's sample, never one candidate"):
        intake.edit(calendar, sample, {"candidate": "0042"})
    with pytest.raises(Refused, match="request 4 is withdrawn; log a new request"):
        intake.edit(calendar, record._replace(status="withdrawn"), {"name": "X"})


def test_review_of_moderation_is_free_when_the_marks_are_reinstated(calendar):
    # issue 11 item 13: refund rules per service: S3 free if the centre's marks are reinstated
    # (AQA-MOD), not the grade rule of a review of marking
    s3 = stored(prepare(calendar, service="S3", qualification="gcse", candidate=None, name=None).record, 7,
                status="submitted", received_on=D("2026-08-25"), original_mark=50)
    kept = intake.record_outcome(calendar, s3, on=D("2026-09-20"), today=D("2026-09-20"), unchanged=True)
    assert kept.record.fee_refunded is False and "not reinstated" in kept.refund and "AQA-MOD" in kept.refund
    raised = intake.record_outcome(calendar, s3, on=D("2026-09-20"), today=D("2026-09-20"), mark_after=60)
    assert raised.record.fee_refunded is None and "charges no fee if the centre's marks were reinstated" in raised.refund


def test_ncfe_waives_the_fee_when_the_grade_changes(calendar):
    # issue 11 item 5 (NCFE-EAR-QH): the fee is waived if the overall grade changes
    record = stored(prepare(calendar, awarding_body="NCFE", qualification="t-level", service="S2", fee="40").record, 8,
                    status="submitted", received_on=D("2026-08-25"), original_grade="Merit")
    result = intake.record_outcome(calendar, record, on=D("2026-09-20"), today=D("2026-09-20"), grade_after="Distinction")
    assert result.record.fee_refunded is True and "NCFE-EAR-QH" in result.refund
