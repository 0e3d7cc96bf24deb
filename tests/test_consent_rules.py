"""The consent rules core: timing against results, every status, choosing among consents, retention."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from prs_cli.calendar.load import load_calendar
from prs_cli.records import ConsentRecord, RequestRecord
from prs_cli.rules.consent import (
    applies_to,
    consent_status,
    covered_requests,
    retention,
    timing_finding,
    valid_from,
)

A_LEVEL_S2 = RequestRecord(
    id=12,
    status="draft",
    series="june-2026",
    awarding_body="AQA",
    qualification="gce-a-level",
    service="S2",
    component="7357/1",
    candidate="0042",
    name="Test Candidate",
)


def consent(**changes) -> ConsentRecord:
    base = ConsentRecord(
        id=1,
        candidate="0042",
        series="june-2026",
        given_on=date(2026, 8, 13),
        given_at=None,
        method="form",
        given_by="candidate",
        covers=("S1", "S2", "ATS-P"),
        acknowledged_outcomes=True,
        classroom_use=False,
    )
    return base._replace(**changes)


# --- valid_from and timing -----------------------------------------------------------------


def test_a_level_valid_from_is_0800_on_results_day(calendar):
    # seed:000: GCE results day Thu 13 Aug 2026; JCQ-RES: candidates from 08:00
    start = valid_from(calendar, "june-2026", "gce-a-level", "AQA")
    assert start.moment == datetime(2026, 8, 13, 8, 0)
    assert start.explanation == "results for GCE A level are released to candidates on Thu 13 Aug 2026 at 08:00"
    assert start.source == "seed:000; JCQ-RES"
    # AQA-OB26: restricted release to centres from 00:01 the day before
    assert start.centres_from == datetime(2026, 8, 12, 0, 1)


def test_consent_on_12_aug_is_before_results(calendar):
    # seed:000; AQA-OB: consent before results is invalid; results on 13 Aug 2026
    finding = consent_status(calendar, A_LEVEL_S2, [consent(given_on=date(2026, 8, 12))])
    assert finding.status == "before_results"
    assert finding.message.startswith(
        "consent dated Wed 12 Aug 2026 is before results for GCE A level are released to candidates on Thu 13 Aug 2026 at 08:00"
    )
    assert finding.valid_from == datetime(2026, 8, 13, 8, 0)


def test_date_only_consent_on_results_day_is_ok(calendar):
    # issue 4: a date-only consent on results day counts as after release
    finding = consent_status(calendar, A_LEVEL_S2, [consent(given_on=date(2026, 8, 13))])
    assert finding.status == "ok"
    assert finding.consent_id == 1
    assert finding.message == (
        "consent dated Thu 13 Aug 2026 covers Review of marking (S2) and is after results for GCE A level "
        "are released to candidates on Thu 13 Aug 2026 at 08:00"
    )


def test_consent_at_0730_on_results_day_is_before_results(calendar):
    # JCQ-RES: candidates may have results from 08:00 on results day
    early = consent(given_on=date(2026, 8, 13), given_at=datetime(2026, 8, 13, 7, 30))
    finding = consent_status(calendar, A_LEVEL_S2, [early])
    assert finding.status == "before_results"
    assert finding.message == (
        "consent given Thu 13 Aug 2026 at 07:30 is before results for GCE A level are released to candidates "
        "on Thu 13 Aug 2026 at 08:00; the release to centres from Wed 12 Aug 2026 at 00:01 is too early"
    )


def test_consent_at_0800_exactly_is_ok(calendar):
    # JCQ-RES: from 08:00
    on_time = consent(given_on=date(2026, 8, 13), given_at=datetime(2026, 8, 13, 8, 0))
    assert consent_status(calendar, A_LEVEL_S2, [on_time]).status == "ok"


def test_restricted_release_day_afternoon_is_too_early(calendar):
    # AQA-OB: results reach centres the day before (restricted release) but not candidates
    finding = timing_finding(date(2026, 8, 12), datetime(2026, 8, 12, 16, 0), valid_from(calendar, "june-2026", "gce-a-level", None))
    assert finding.status == "before_results"
    assert "the release to centres from Wed 12 Aug 2026 at 00:01 is too early" in finding.message


def test_gcse_uses_its_own_results_day(calendar):
    # seed:000: GCSE results day Thu 20 Aug 2026
    gcse = A_LEVEL_S2._replace(qualification="gcse")
    assert consent_status(calendar, gcse, [consent(given_on=date(2026, 8, 19))]).status == "before_results"
    assert consent_status(calendar, gcse, [consent(given_on=date(2026, 8, 20))]).status == "ok"


def _btec_calendar(tmp_path):
    """A 2023 series where Pearson releases BTEC L3 Nationals to centres on 9 Aug and to
    learners on 17 Aug (seed:003), while JCQ's L3 VTQ results day is another date."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "series_2023.yaml").write_text(
        """
series:
  june-2023:
    name: "June 2023"
    releases:
      - qualifications: [gce-a-level, l3-vtq]
        date: 2023-08-17
        source: "seed:000"
      - qualifications: [l3-vtq]
        awarding_body: PEARSON
        date: 2023-08-17
        candidates_time: "08:00"
        centres_date: 2023-08-09
        centres_time: "00:01"
        centres_source: "seed:003"
        source: "seed:003"
        note: "BTEC Level 3 Nationals: released to centres under embargo on 9 August, to learners on 17 August."
""",
        encoding="utf-8",
    )
    return load_calendar(folder, use_cache=False)


def test_btec_embargo_consent_is_before_results(tmp_path):
    # seed:003: BTEC L3 Nationals released to centres 9 Aug 2023, to learners 17 Aug 2023
    cal = _btec_calendar(tmp_path)
    btec = A_LEVEL_S2._replace(series="june-2023", awarding_body="PEARSON", qualification="l3-vtq")
    start = valid_from(cal, "june-2023", "l3-vtq", "PEARSON")
    assert start.moment == datetime(2023, 8, 17, 8, 0)
    assert start.source == "seed:003"
    finding = consent_status(cal, btec, [consent(series="june-2023", given_on=date(2023, 8, 10))])
    assert finding.status == "before_results"
    assert finding.message == (
        "consent dated Thu 10 Aug 2023 is before Pearson (Edexcel and BTEC) releases Level 3 VTQ results to candidates "
        "on Thu 17 Aug 2023 at 08:00; the release to centres from Wed 9 Aug 2023 at 00:01 is too early"
    )
    assert consent_status(cal, btec, [consent(series="june-2023", given_on=date(2023, 8, 17))]).status == "ok"


def test_board_release_later_than_series_wins(tmp_path):
    # seed:003: a board's own learner release differs from the centre release; the board's wins
    folder = tmp_path / "late"
    folder.mkdir()
    (folder / "series_2023.yaml").write_text(
        """
series:
  june-2023:
    name: "June 2023"
    releases:
      - qualifications: [l2-vtq]
        date: 2023-08-17
        source: "seed:000"
      - qualifications: [l2-vtq]
        awarding_body: PEARSON
        date: 2023-08-24
        centres_date: 2023-08-17
        source: "seed:003"
""",
        encoding="utf-8",
    )
    cal = load_calendar(folder, use_cache=False)
    assert valid_from(cal, "june-2023", "l2-vtq", "PEARSON").moment == datetime(2023, 8, 24, 8, 0)
    assert valid_from(cal, "june-2023", "l2-vtq", "AQA").moment == datetime(2023, 8, 17, 8, 0)


def test_cambridge_english_valid_from_results_released(calendar):
    # seed:004: Cambridge English results go online per candidate; consent from that day
    ce = A_LEVEL_S2._replace(
        series=None, awarding_body="CAMBRIDGE", qualification="cambridge-english", service="CE1", results_released=date(2026, 7, 1)
    )
    given = consent(series=None, covers=("CE1",), given_on=date(2026, 6, 30), requests=(12,))
    assert consent_status(calendar, ce, [given]).status == "before_results"
    assert consent_status(calendar, ce, [given._replace(given_on=date(2026, 7, 1), given_at=datetime(2026, 7, 1, 7, 0))]).status == "ok"
    unknown = consent_status(calendar, ce._replace(results_released=None), [given])
    assert unknown.status == "before_results"
    assert "is not recorded" in unknown.message


def test_unpublished_results_day_cannot_be_shown_valid(calendar):
    # seed:000: November 2026 results day (January 2027) not yet published
    resit = A_LEVEL_S2._replace(series="november-2026", qualification="gcse")
    finding = consent_status(calendar, resit, [consent(series="november-2026", given_on=date(2027, 1, 20))])
    assert finding.status == "before_results"
    assert finding.valid_from is None
    assert "results day for GCSE is not yet published" in finding.message


# --- the other statuses --------------------------------------------------------------------


def test_missing_when_no_consent_applies(calendar):
    # seed:000: written candidate consent is needed for S1, S2, PS2 and ATS
    other_candidate = consent(candidate="0043")
    finding = consent_status(calendar, A_LEVEL_S2, [other_candidate])
    assert finding.status == "missing"
    assert finding.message == "no consent from the candidate is recorded for Review of marking (S2); record it with 'prs consent record'"
    assert "0042" not in finding.message


def test_not_covered_when_consent_is_for_scripts_only(calendar):
    # seed:000: consent is per service; this one covers access to scripts only
    finding = consent_status(calendar, A_LEVEL_S2, [consent(covers=("ATS-P",))])
    assert finding.status == "not_covered"
    assert finding.message == "Review of marking (S2) is not covered by the candidate's consent, which covers only ATS-P"


def test_not_from_candidate(calendar):
    # seed:000: consent is the candidate's, never a parent's
    finding = consent_status(calendar, A_LEVEL_S2, [consent(given_by="Mrs Parent")])
    assert finding.status == "not_from_candidate"
    assert "Parent" not in finding.message
    assert finding.message == (
        "the consent for Review of marking (S2) was not given by the candidate; only the candidate's own consent "
        "is valid, never a parent's"
    )


def test_outcomes_not_acknowledged(calendar):
    # seed:000: candidates must be told marks can go down, stay or go up
    finding = consent_status(calendar, A_LEVEL_S2, [consent(acknowledged_outcomes=False)])
    assert finding.status == "outcomes_not_acknowledged"


@pytest.mark.parametrize(
    ("classroom_use", "anonymise", "expected"),
    [
        (None, None, "anonymity_missing"),
        (True, None, "anonymity_missing"),
        (True, True, "ok"),
        (True, False, "ok"),
        (False, None, "ok"),
        (None, True, "ok"),
    ],
)
def test_scripts_need_the_classroom_and_anonymity_choice(calendar, classroom_use, anonymise, expected):
    # seed:000: consent for a teaching copy records whether the script may be used in class,
    # named or anonymised (issue 11 item 3: ATS-TL)
    ats = A_LEVEL_S2._replace(service="ATS-TL")
    given = consent(covers=("ATS-TL",), classroom_use=classroom_use, anonymise=anonymise)
    assert consent_status(calendar, ats, [given]).status == expected


def test_a_priority_copy_needs_permission_not_the_acknowledgement(calendar):
    # issue 11 item 3 (seed:000 scripts row): a copy changes no result, so ATS-P needs the
    # candidate's permission after results, not the "grade may go down" acknowledgement, and
    # not the classroom choice (that is for teaching copies).
    ats = A_LEVEL_S2._replace(service="ATS-P")
    given = consent(covers=("ATS-P",), acknowledged_outcomes=False, classroom_use=None)
    assert consent_status(calendar, ats, [given]).status == "ok"


def test_every_problem_with_a_consent_is_named_at_once(calendar):
    # issue 11 item 3: a parent's consent before results with no acknowledgement: all three
    # problems in one message (seed:000: candidate's own, after results, told it may go down).
    given = consent(given_by="parent", given_on=date(2026, 8, 12), acknowledged_outcomes=False)
    finding = consent_status(calendar, A_LEVEL_S2, [given])
    assert finding.status == "not_from_candidate"
    assert "not given by the candidate" in finding.message
    assert "before results" in finding.message
    assert "told the grade may go down" in finding.message


def test_review_consent_covers_the_appeal_that_follows(calendar):
    # issue 11 item 1: the JCQ consent form (Appendix A, seed:000) covers "clerical re-checks,
    # reviews of marking and appeals": consent for S2 covers the APP1 after it, and the hearing.
    for stage in ("APP1", "APP2"):
        appeal = A_LEVEL_S2._replace(id=30, service=stage, status="submitted", follows_request=12)
        tied = consent(covers=("S2",), requests=(12,))
        assert consent_status(calendar, appeal, [tied]).ok, stage
    # a consent for scripts only does not cover an appeal
    appeal = A_LEVEL_S2._replace(id=30, service="APP1", follows_request=12)
    assert consent_status(calendar, appeal, [consent(covers=("ATS-P",))]).status == "not_covered"


def test_an_appeal_after_a_review_of_moderation_needs_no_consent(calendar):
    # issue 11 item 2: S3 "candidate consent is not required" (seed:000); the appeal after it is
    # the centre's, for its sample (no candidate), so it needs none either.
    appeal = A_LEVEL_S2._replace(id=31, service="APP1", candidate=None, name=None, follows_request=5)
    finding = consent_status(calendar, appeal, [])
    assert finding.status == "not_needed" and finding.ok


def test_a_consent_with_no_series_applies_to_cambridge_english_requests(calendar):
    # issue 11 item 4: Cambridge English has no series (seed:004: results per candidate); an
    # untied consent with no series applies to the candidate's Cambridge English requests.
    ce1 = RequestRecord(id=40, status="draft", series=None, awarding_body="CAMBRIDGE", qualification="cambridge-english",
                        service="CE1", component="Reading", candidate="0042", name=None, results_released=date(2026, 7, 1))
    given = consent(series=None, covers=("CE1", "CE2"), given_on=date(2026, 7, 2))
    assert applies_to(given, ce1)
    assert consent_status(calendar, ce1, [given]).ok
    assert not applies_to(given, A_LEVEL_S2)  # a JCQ series request is not the Cambridge one


def test_a_consent_for_cambridge_english_belongs_to_no_series(calendar):
    # issue 11 item 4: only services for JCQ qualifications need a series
    from prs_cli.rules.consent import needs_series

    assert not needs_series(calendar, ("CE1", "CE2"))
    assert needs_series(calendar, ("S2",)) and needs_series(calendar, ("CE1", "S2"))


def test_btec_consent_counts_from_the_learner_release(calendar):
    # issue 11 item 15 / seed:003: Pearson releases BTEC results to centres days before learners
    # (2026: 5 Aug provisional); consent counts from the learners' day, 13 Aug 2026 (seed:000).
    start = valid_from(calendar, "june-2026", "l3-vtq", "PEARSON")
    assert start.moment == datetime(2026, 8, 13, 8, 0)
    assert start.centres_from == datetime(2026, 8, 5, 0, 0)
    early = timing_finding(date(2026, 8, 6), None, start)
    assert early.status == "before_results" and "too early" in early.message


def test_the_anonymity_choice_is_not_asked_for_reviews(calendar):
    # seed:000: the classroom/anonymity choice belongs to access to scripts only
    assert consent_status(calendar, A_LEVEL_S2, [consent(classroom_use=None, anonymise=None)]).status == "ok"


def test_service_3_needs_no_consent(calendar):
    # seed:000; AQA-MOD: no consent needed for Service 3
    s3 = A_LEVEL_S2._replace(service="S3", candidate=None, name=None)
    finding = consent_status(calendar, s3, [])
    assert finding.status == "not_needed"
    assert finding.ok
    assert finding.message == "Review of moderation (S3) needs no candidate consent"


# --- which consents apply, and the best of several -------------------------------------------


def test_untied_consent_applies_to_same_candidate_and_series_only():
    # issue 4: untied, a consent covers the candidate's matching requests in that series
    assert applies_to(consent(), A_LEVEL_S2)
    assert not applies_to(consent(series="june-2025"), A_LEVEL_S2)
    assert not applies_to(consent(candidate="0043"), A_LEVEL_S2)


def test_tied_consent_applies_only_to_its_requests():
    # issue 4: --request ties a consent to specific requests
    assert applies_to(consent(requests=(12,)), A_LEVEL_S2)
    assert not applies_to(consent(requests=(13,)), A_LEVEL_S2)
    assert applies_to(consent(requests=(12,), candidate=None), A_LEVEL_S2)  # purged, still tied


def test_an_ok_consent_wins_over_a_bad_one(calendar):
    # issue 4: choose the best of several consents
    early = consent(id=1, given_on=date(2026, 8, 12))
    good = consent(id=2, given_on=date(2026, 8, 14))
    finding = consent_status(calendar, A_LEVEL_S2, [early, good])
    assert (finding.status, finding.consent_id) == ("ok", 2)
    assert consent_status(calendar, A_LEVEL_S2, [good, early]).consent_id == 2


def test_the_most_relevant_problem_is_reported(calendar):
    # a consent for the right service that came too early says more than one for another service
    scripts_only = consent(id=1, covers=("ATS-P",), given_on=date(2026, 8, 14))
    too_early = consent(id=2, given_on=date(2026, 8, 12))
    finding = consent_status(calendar, A_LEVEL_S2, [scripts_only, too_early])
    assert (finding.status, finding.consent_id) == ("before_results", 2)
    # among equally relevant problems, the latest consent is reported
    later_early = consent(id=3, given_on=date(2026, 8, 12), given_at=datetime(2026, 8, 12, 18, 0))
    assert consent_status(calendar, A_LEVEL_S2, [too_early, later_early]).consent_id == 3


# --- retention -----------------------------------------------------------------------------


def test_outcome_on_10_sep_keeps_consent_until_10_mar(calendar):
    # seed:000; OCR-ROM: keep consent at least six months after the outcome
    done = A_LEVEL_S2._replace(status="completed", outcome_on=date(2026, 9, 10))
    kept = retention(consent(), [done])
    assert kept.covered == (12,)
    assert kept.keep_until.date == date(2027, 3, 10)
    assert kept.keep_until.source == "seed:000; OCR-ROM; AQA-CRC"
    assert not kept.due(date(2027, 3, 10))  # the day itself still keeps it
    assert kept.due(date(2027, 3, 11))


def test_an_appeal_that_follows_extends_retention(calendar):
    # seed:000: six months after the outcome of the review or any later appeal
    review = A_LEVEL_S2._replace(status="completed", outcome_on=date(2026, 9, 10))
    appeal = A_LEVEL_S2._replace(id=20, service="APP1", status="completed", follows_request=12, outcome_on=date(2026, 11, 2))
    kept = retention(consent(), [review, appeal])
    assert kept.covered == (12, 20)
    assert kept.keep_until.date == date(2027, 5, 2)


def test_nothing_is_due_while_a_covered_request_is_open(calendar):
    # issue 4: nothing is purged while a request it covers is still open
    review = A_LEVEL_S2._replace(status="completed", outcome_on=date(2026, 9, 10))
    appeal = A_LEVEL_S2._replace(id=20, service="APP1", status="submitted", follows_request=12)
    kept = retention(consent(), [review, appeal])
    assert kept.open_requests == (20,)
    assert kept.keep_until is None
    assert not kept.due(date(2030, 1, 1))


def test_with_no_outcome_retention_counts_from_the_consent():
    # seed:000: keep ATS consent for at least six months (no outcome to count from)
    withdrawn = A_LEVEL_S2._replace(status="withdrawn")
    kept = retention(consent(given_on=date(2026, 8, 14)), [withdrawn])
    assert kept.keep_until.date == date(2027, 2, 14)
    assert "counted from the consent" in kept.keep_until.rule


def test_covered_requests_leave_out_other_services_and_candidates():
    # issue 4: an untied consent covers the candidate's matching requests (its services) only
    other_service = A_LEVEL_S2._replace(id=13, service="PS2")
    other_candidate = A_LEVEL_S2._replace(id=14, candidate="0043")
    found = covered_requests(consent(covers=("S2",)), [A_LEVEL_S2, other_service, other_candidate])
    assert [r.id for r in found] == [12]


def test_timing_finding_keeps_a_time_to_the_minute(calendar):
    # JCQ-RES: from 08:00; one minute later is after release
    start = valid_from(calendar, "june-2026", "gce-a-level", None)
    assert start.moment.time() == time(8, 0)
    assert timing_finding(date(2026, 8, 13), datetime(2026, 8, 13, 8, 1), start).status == "ok"


def test_valid_from_unpacks_as_moment_explanation_source(calendar):
    # seed:000; JCQ-RES: GCSE results to candidates Thu 20 Aug 2026 from 08:00
    moment, explanation, source = valid_from(calendar, "june-2026", "gcse", "OCR")
    assert moment == datetime(2026, 8, 20, 8, 0)
    assert explanation == "results for GCSE are released to candidates on Thu 20 Aug 2026 at 08:00"
    assert source == "seed:000; JCQ-RES"


def test_retentions_judge_each_consent_as_against_the_whole_log():
    """rules.consent.retentions looks only at the requests a consent can cover; it must answer
    exactly what retention() answers against every request (seed:000: six months after the last
    outcome or any appeal)."""
    import random
    from datetime import date, timedelta

    from prs_cli.records import ConsentRecord, RequestRecord
    from prs_cli.rules.consent import retention, retentions

    rng = random.Random(7)
    for _ in range(200):
        requests = []
        for rid in range(1, rng.randrange(2, 12)):
            outcome = date(2026, 9, 1) + timedelta(days=rng.randrange(40)) if rng.random() < 0.6 else None
            requests.append(RequestRecord(
                id=rid, status=rng.choice(["draft", "submitted", "completed", "withdrawn"]) if outcome is None else "completed",
                series=rng.choice(["june-2026", "november-2026"]), awarding_body="AQA", qualification="gcse",
                service=rng.choice(["S1", "S2", "APP1"]), component=f"C{rid}", candidate=rng.choice(["0001", "0002"]),
                name=None, outcome_on=outcome,
                follows_request=rng.randrange(1, rid) if rid > 1 and rng.random() < 0.3 else None,
            ))
        consents = [
            ConsentRecord(
                id=cid, candidate=rng.choice(["0001", "0002"]), series=rng.choice(["june-2026", "november-2026"]),
                given_on=date(2026, 8, 20), given_at=None, method="form", given_by="candidate",
                covers=tuple(rng.sample(["S1", "S2", "APP1"], rng.randrange(1, 4))), acknowledged_outcomes=True,
                requests=tuple(sorted(rng.sample(range(1, len(requests) + 1), min(len(requests), rng.randrange(0, 3))))),
            )
            for cid in range(1, 4)
        ]
        assert retentions(consents, requests) == [(c, retention(c, requests)) for c in consents]


def test_the_series_nearest_the_consent_is_the_one_it_follows(calendar):
    # reference.md §4: A level results Thu 14 Aug 2025 and Thu 13 Aug 2026.
    from datetime import date

    import pytest

    from prs_cli.errors import InputError
    from prs_cli.rules.consent import nearest_series

    assert nearest_series(calendar, "gce-a-level", None, date(2026, 8, 12)) == "june-2026"
    assert nearest_series(calendar, "gce-a-level", None, date(2025, 9, 1)) == "june-2025"
    with pytest.raises(InputError, match="no series in the calendar has a results day for Cambridge English"):
        nearest_series(calendar, "cambridge-english", None, date(2026, 8, 12))
