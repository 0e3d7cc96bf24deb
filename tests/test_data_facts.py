"""The bundled calendar (data/*.yaml) against the facts it was written from.

Every date in the data must appear in EXPECTED_DATES below, and every entry there cites the
fact (reference § numbers, as copied into docs/sources.md) and its source key. A date added to the data
without a matching, cited entry here makes test_every_date_is_a_checked_fact fail.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from prs_cli.calendar.load import load_calendar
from prs_cli.calendar.model import Calendar, Deadline, KeyDate, Release

REPO = Path(__file__).resolve().parents[1]

JCQ_QUALS = {
    "gcse", "gce-as", "gce-a-level", "extended-project", "foundation-project", "higher-project",
    "fsmq", "l1-vtq", "l2-vtq", "l3-vtq", "t-level",
}
ALL_QUALS = JCQ_QUALS | {"cambridge-english", "cambridge-english-yle"}
JCQ_SERVICES = {"S1", "S2", "PS2", "S3", "ATS-P", "ATS-TL", "APP1", "APP2", "APP-MAL", "APP-AA", "APP-SC", "EPRS"}
ALL_SERVICES = JCQ_SERVICES | {"CE1", "CE2", "CE-APP"}
BOARDS = {"AQA", "OCR", "PEARSON", "WJEC", "CCEA", "NCFE", "CG", "TQUK", "CAMBRIDGE"}
SERIES_IDS = {"june-2024", "june-2025", "november-2025", "june-2026", "november-2026"}


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return load_calendar(user_dir=None, use_cache=False)


# --- helpers --------------------------------------------------------------------------------


def _key(item) -> tuple:
    """A readable identity for a dated item, used as the key of EXPECTED_DATES."""
    if isinstance(item, Release):
        return ("release", tuple(item.qualifications), item.awarding_body)
    if isinstance(item, Deadline):
        quals = tuple(item.qualifications) if item.qualifications else None
        return ("deadline", tuple(item.services), quals, item.awarding_body)
    assert isinstance(item, KeyDate)
    return ("key_date", item.kind, item.title)


def _items(series):
    return (*series.releases, *series.deadlines, *series.key_dates)


def _release(cal: Calendar, series_id: str, qual: str) -> Release:
    found = [r for r in cal.series[series_id].releases if qual in r.qualifications and r.awarding_body is None]
    assert len(found) == 1, f"{series_id}: expected one JCQ release for {qual}, found {len(found)}"
    return found[0]


def _deadline(cal: Calendar, series_id: str, service: str, qual: str | None = None, board: str | None = None) -> Deadline:
    found = [
        d
        for d in cal.series[series_id].deadlines
        if service in d.services
        and d.awarding_body == board
        and (qual is None or d.qualifications is None or qual in d.qualifications)
    ]
    assert len(found) == 1, f"{series_id}: expected one {service} deadline ({qual}, {board}), found {len(found)}"
    return found[0]


# --- every date, with the fact it comes from ---------------------------------------------------

GCE_2026 = ("gce-as", "gce-a-level", "extended-project")
VTQ3_2026 = ("l3-vtq", "t-level")
GCSE_2026 = ("gcse", "foundation-project", "higher-project")
VTQ12 = ("l1-vtq", "l2-vtq")
RESIT = ("gcse",)
EMBARGO = "Press and local authority embargo lifts"

# (series id, item key) -> (date, centres_date for releases) ; None = date: null
EXPECTED_DATES: dict[tuple, tuple] = {
    # ---- June 2026 ----
    # reference.md §4: GCE A level results Thu 13 Aug 2026 (seed:000; AQA-OB26), Extended
    # Project too (seed:000); restricted release Wed 12 Aug 2026 (AQA-OB26).
    ("june-2026", ("release", GCE_2026, None)): (date(2026, 8, 13), date(2026, 8, 12)),
    # issue 11 item 8: FSMQ results with GCE A level results (JCQ-RES).
    ("june-2026", ("release", ("fsmq",), None)): (date(2026, 8, 13), date(2026, 8, 12)),
    # issue 11 item 12: L3 VTQ and T Level results 13 Aug (seed:000); the centres' release
    # varies by board (OFQUAL-VTQ24), so none is applied.
    ("june-2026", ("release", VTQ3_2026, None)): (date(2026, 8, 13), None),
    # issue 11 item 15: Pearson BTEC to centres 8 days before learners, as in 2023 (seed:003).
    ("june-2026", ("release", ("l3-vtq",), "PEARSON")): (date(2026, 8, 13), date(2026, 8, 5)),
    ("june-2026", ("release", VTQ12, "PEARSON")): (date(2026, 8, 20), date(2026, 8, 12)),
    # reference.md §4: GCSE results Thu 20 Aug 2026, Foundation and Higher Projects too
    # (seed:000); restricted release Wed 19 Aug 2026 (AQA-OB26).
    ("june-2026", ("release", GCSE_2026, None)): (date(2026, 8, 20), date(2026, 8, 19)),
    ("june-2026", ("release", VTQ12, None)): (date(2026, 8, 20), None),
    # reference.md §4: Priority S2 deadline 20 Aug 2026 (seed:000).
    ("june-2026", ("deadline", ("PS2",), ("gce-a-level", "l3-vtq", "t-level"), None)): (date(2026, 8, 20),),
    # reference.md §1: AQA and OCR offer Priority S2 for AS (AQA-ROM; OCR-CT-ROM); the JCQ
    # 20 Aug 2026 deadline (seed:000) applied to AS, provisional.
    ("june-2026", ("deadline", ("PS2",), ("gce-as",), None)): (date(2026, 8, 20),),
    # reference.md §4: RoR deadline (S1, S2, S3) and JCQ ATS deadline 24 Sep 2026 (seed:000).
    ("june-2026", ("deadline", ("S1", "S2", "S3", "ATS-P", "ATS-TL"), None, None)): (date(2026, 9, 24),),
    # reference.md §1/§4: AQA accepts teaching-and-learning ATS to 30 Oct 2026 (AQA-ATS).
    ("june-2026", ("deadline", ("ATS-TL",), None, "AQA")): (date(2026, 10, 30),),
    # issue 11 item 11: AQA's priority copies 14 days after results in 2025 (SIMONBALLE):
    # 13 Aug + 14 = 27 Aug 2026, provisional until AQA publishes.
    ("june-2026", ("deadline", ("ATS-P",), None, "AQA")): (date(2026, 8, 27),),
    # reference.md §5: CCEA publishes its own priority-copy deadlines (seed:000 note 2): unknown.
    ("june-2026", ("deadline", ("ATS-P",), None, "CCEA")): (None,),
    # reference.md §4: late subject award requests 20 Sep 2026 (seed:000), WJEC and CCEA only.
    ("june-2026", ("key_date", "late_subject_awards", "Deadline for late subject award requests (Wales and Northern Ireland)")): (date(2026, 9, 20),),
    # seed:003: BTEC full award claims by 5 February, 5 April and 5 July (rule stated for 2023).
    ("june-2026", ("key_date", "claim_deadline", "BTEC full award claims for January results")): (date(2026, 2, 5),),
    ("june-2026", ("key_date", "claim_deadline", "BTEC full award claims for March results")): (date(2026, 4, 5),),
    ("june-2026", ("key_date", "claim_deadline", "BTEC full award claims for May/June results")): (date(2026, 7, 5),),
    # seed:002: OCR certificates about eight weeks after results: no published date.
    ("june-2026", ("key_date", "certificates", "Certificates issued (OCR)")): (None,),
    # reference.md §5: WJEC certificates ~12 weeks after results (WJEC-PRS): no published date.
    ("june-2026", ("key_date", "certificates", "Certificates issued (WJEC / Eduqas)")): (None,),
    # issue 11 item 16: one term-time checkpoint since 2024, set by each board (OFQUAL-VTQ24).
    ("june-2026", ("key_date", "checkpoint", "VTQ term-time checkpoint (each board sets its window)")): (None,),
    # reference.md §5: AQA removes marked script copies each April (AQA-ATS): day unknown.
    ("june-2026", ("key_date", "scripts_withdrawn", "AQA removes marked script copies from Centre Services")): (None,),
    # reference.md §4.1: no results to press/LAs before 09:30 on results day (seed:000).
    ("june-2026", ("key_date", "other", f"{EMBARGO} (GCE results day)")): (date(2026, 8, 13),),
    ("june-2026", ("key_date", "other", f"{EMBARGO} (GCSE results day)")): (date(2026, 8, 20),),
    # ---- November 2026 ----
    # reference.md §4 and Open question 2: Nov 2026 results day (January 2027) unknown.
    ("november-2026", ("release", RESIT, None)): (None, None),
    # reference.md Open question 2: JCQ November RoR/ATS deadlines unknown.
    ("november-2026", ("deadline", ("S1", "S2", "S3", "ATS-P", "ATS-TL"), RESIT, None)): (None,),
    # ---- June 2025 ----
    # reference.md §4: GCE results Thu 14 Aug 2025 (stratforduponavonschool); restricted
    # release Wed 13 Aug 2025 derived.
    ("june-2025", ("release", ("gce-as", "gce-a-level"), None)): (date(2025, 8, 14), date(2025, 8, 13)),
    ("june-2025", ("release", ("fsmq",), None)): (date(2025, 8, 14), date(2025, 8, 13)),
    ("june-2025", ("release", ("l3-vtq",), None)): (date(2025, 8, 14), None),
    # issue 11 item 10: EPQ and T Levels on GCE results day (seed:000's pattern), provisional.
    ("june-2025", ("release", ("extended-project", "t-level"), None)): (date(2025, 8, 14), None),
    # reference.md §4: GCSE results Thu 21 Aug 2025 (stratforduponavonschool); restricted
    # release Wed 20 Aug 2025 (Tes mirror).
    ("june-2025", ("release", ("gcse",), None)): (date(2025, 8, 21), date(2025, 8, 20)),
    ("june-2025", ("release", VTQ12, None)): (date(2025, 8, 21), None),
    ("june-2025", ("release", ("foundation-project", "higher-project"), None)): (date(2025, 8, 21), None),
    # reference.md §4: Priority S2 deadline 21 Aug 2025 (simonballe); AS as for 2026, provisional.
    ("june-2025", ("deadline", ("PS2",), ("gce-a-level", "l3-vtq", "t-level"), None)): (date(2025, 8, 21),),
    ("june-2025", ("deadline", ("PS2",), ("gce-as",), None)): (date(2025, 8, 21),),
    # reference.md §4: RoR deadline and JCQ ATS teaching deadline 25 Sep 2025 (simonballe).
    ("june-2025", ("deadline", ("S1", "S2", "S3", "ATS-TL"), None, None)): (date(2025, 9, 25),),
    # reference.md §4: ATS priority copy AQA 28 Aug 2025 (simonballe).
    ("june-2025", ("deadline", ("ATS-P",), None, "AQA")): (date(2025, 8, 28),),
    # issue 11 item 11: other boards kept 25 Sep 2025 for priority copies (SIMONBALLE).
    ("june-2025", ("deadline", ("ATS-P",), None, None)): (date(2025, 9, 25),),
    # issue 11 item 16: NCFE checkpoint windows 9 Dec 2024 and 10 Mar 2025 (NCFE-VTQ25).
    ("june-2025", ("key_date", "checkpoint", "NCFE VTQ term-time checkpoint: first window")): (date(2024, 12, 9),),
    ("june-2025", ("key_date", "checkpoint", "NCFE VTQ term-time checkpoint: second window")): (date(2025, 3, 10),),
    ("june-2025", ("key_date", "other", f"{EMBARGO} (GCE results day)")): (date(2025, 8, 14),),
    ("june-2025", ("key_date", "other", f"{EMBARGO} (GCSE results day)")): (date(2025, 8, 21),),
    # ---- November 2025 ----
    # reference.md §4: Nov 2025 series results Thu 8 Jan 2026 (whickhamschool).
    ("november-2025", ("release", RESIT, None)): (date(2026, 1, 8), None),
    # reference.md §4: Nov 2025 RoR deadline unknown.
    ("november-2025", ("deadline", ("S1", "S2", "S3", "ATS-P"), RESIT, None)): (None,),
    # reference.md §4: AQA ATS (teaching) deadline 12 Feb 2026 for Nov 2025 (AQA-ATS).
    ("november-2025", ("deadline", ("ATS-TL",), None, "AQA")): (date(2026, 2, 12),),
    # reference.md §4: JCQ teaching-copy deadline for Nov 2025 unknown.
    ("november-2025", ("deadline", ("ATS-TL",), RESIT, None)): (None,),
    # ---- June 2024 ----
    # reference.md §4: GCE results Thu 15 Aug 2024 (swanschool); restricted release Wed 14 Aug
    # 2024 derived.
    ("june-2024", ("release", ("gce-as", "gce-a-level"), None)): (date(2024, 8, 15), date(2024, 8, 14)),
    ("june-2024", ("release", ("fsmq",), None)): (date(2024, 8, 15), date(2024, 8, 14)),
    ("june-2024", ("release", ("l3-vtq",), None)): (date(2024, 8, 15), None),
    ("june-2024", ("release", ("extended-project", "t-level"), None)): (date(2024, 8, 15), None),
    # reference.md §4: GCSE results Thu 22 Aug 2024 (swanschool); restricted release Wed 21 Aug
    # 2024 derived.
    ("june-2024", ("release", ("gcse",), None)): (date(2024, 8, 22), date(2024, 8, 21)),
    ("june-2024", ("release", VTQ12, None)): (date(2024, 8, 22), None),
    ("june-2024", ("release", ("foundation-project", "higher-project"), None)): (date(2024, 8, 22), None),
    # reference.md §4: Priority S2 deadline 22 Aug 2024 derived (results + 7); AS as for 2026.
    ("june-2024", ("deadline", ("PS2",), ("gce-a-level", "l3-vtq", "t-level"), None)): (date(2024, 8, 22),),
    ("june-2024", ("deadline", ("PS2",), ("gce-as",), None)): (date(2024, 8, 22),),
    # reference.md §4: RoR deadline 26 Sep 2024 (AQA-CRC; AQA-MOD).
    ("june-2024", ("deadline", ("S1", "S2", "S3"), None, None)): (date(2024, 9, 26),),
    # issue 11 item 16: City & Guilds checkpoint window 8 to 30 Apr 2024 (CG-VTQ24).
    ("june-2024", ("key_date", "checkpoint", "City & Guilds VTQ term-time checkpoint window")): (date(2024, 4, 8),),
    ("june-2024", ("key_date", "other", f"{EMBARGO} (GCE results day)")): (date(2024, 8, 15),),
    ("june-2024", ("key_date", "other", f"{EMBARGO} (GCSE results day)")): (date(2024, 8, 22),),
}

# Items whose date is derived from a rule rather than published (reference.md "derived").
EXPECTED_PROVISIONAL = {
    ("june-2026", ("deadline", ("PS2",), ("gce-as",), None)),
    ("june-2026", ("deadline", ("ATS-P",), None, "AQA")),
    ("june-2026", ("key_date", "claim_deadline", "BTEC full award claims for January results")),
    ("june-2026", ("key_date", "claim_deadline", "BTEC full award claims for March results")),
    ("june-2026", ("key_date", "claim_deadline", "BTEC full award claims for May/June results")),
    ("june-2025", ("deadline", ("PS2",), ("gce-as",), None)),
    ("june-2025", ("release", ("extended-project", "t-level"), None)),
    ("june-2025", ("release", ("foundation-project", "higher-project"), None)),
    ("june-2024", ("deadline", ("PS2",), ("gce-a-level", "l3-vtq", "t-level"), None)),
    ("june-2024", ("deadline", ("PS2",), ("gce-as",), None)),
    ("june-2024", ("release", ("extended-project", "t-level"), None)),
    ("june-2024", ("release", ("foundation-project", "higher-project"), None)),
}
# issue 11 item 12: a confirmed results day whose centres' date is derived (restricted release
# the Wednesday before, AQA-OB; Pearson's embargo from its 2023 pattern, seed:003).
EXPECTED_CENTRES_PROVISIONAL = {
    ("june-2024", ("release", ("gce-as", "gce-a-level"), None)),
    ("june-2024", ("release", ("fsmq",), None)),
    ("june-2024", ("release", ("gcse",), None)),
    ("june-2025", ("release", ("gce-as", "gce-a-level"), None)),
    ("june-2025", ("release", ("fsmq",), None)),
    ("june-2026", ("release", ("l3-vtq",), "PEARSON")),
    ("june-2026", ("release", VTQ12, "PEARSON")),
}


def _actual_dates(cal: Calendar) -> dict[tuple, tuple]:
    actual: dict[tuple, tuple] = {}
    for series_id, series in cal.series.items():
        for item in _items(series):
            key = (series_id, _key(item))
            assert key not in actual, f"two items share the identity {key}"
            actual[key] = (item.date, item.centres_date) if isinstance(item, Release) else (item.date,)
    return actual


def test_series_ids(cal):
    """The bundled series are exactly those the reference covers (§4)."""
    assert set(cal.series) == SERIES_IDS


def test_every_date_is_a_checked_fact(cal):
    """Every dated (and null-dated) item in the data is listed, with its date, in EXPECTED_DATES."""
    actual = _actual_dates(cal)
    assert set(actual) - set(EXPECTED_DATES) == set(), "items in the data with no cited fact here"
    assert set(EXPECTED_DATES) - set(actual) == set(), "facts listed here missing from the data"
    for key, expected in EXPECTED_DATES.items():
        assert actual[key] == expected, key


def test_provisional_items_are_exactly_the_derived_ones(cal):
    """reference.md §4 marks derived dates; only those (and seed:003's 2023 rule) are provisional."""
    provisional = {
        (sid, _key(item)) for sid, s in cal.series.items() for item in _items(s) if item.provisional
    }
    assert provisional == EXPECTED_PROVISIONAL
    centres = {(sid, _key(r)) for sid, s in cal.series.items() for r in s.releases if r.centres_provisional}
    assert centres == EXPECTED_CENTRES_PROVISIONAL
    for sid, key in centres:  # the results day itself stays confirmed (issue 11 item 12)
        assert (sid, key) not in provisional
    for sid, series in cal.series.items():
        for item in _items(series):
            if item.provisional:
                assert item.date is not None
                assert item.note and item.note.startswith("derived:"), (sid, _key(item))


# --- headline facts, one test each -------------------------------------------------------------


def test_june_2026_gce_results_day(cal):
    # reference.md §4: GCE A level results Thu 13 Aug 2026 (seed:000; AQA-OB26), restricted
    # release Wed 12 Aug 2026 (AQA-OB26); §4.1: 08:00 candidates, 00:01 centres.
    for qual in GCE_2026:
        r = _release(cal, "june-2026", qual)
        assert r.date == date(2026, 8, 13)
        assert r.centres_date == date(2026, 8, 12)
        assert r.candidates_time == time(8, 0) and r.centres_time == time(0, 1)
        assert r.source == "seed:000" and r.centres_source == "AQA-OB26"
        assert not r.provisional


def test_vtq_and_t_level_release_to_centres_is_the_boards(cal):
    # issue 11 item 12: the 00:01 restricted release is sourced for general qualifications; VTQ
    # and T Level releases to centres vary by board (OFQUAL-VTQ24): none applied, and the note
    # says to check the board.
    for series_id in ("june-2024", "june-2025", "june-2026"):
        for qual in ("l1-vtq", "l2-vtq", "l3-vtq", "t-level"):
            r = _release(cal, series_id, qual)
            assert r.centres_date is None and "check the board" in r.note, (series_id, qual)


def test_june_2026_gcse_results_day(cal):
    # reference.md §4: GCSE results Thu 20 Aug 2026, restricted release Wed 19 Aug 2026
    # (seed:000; AQA-OB26). seed:000 also issues Foundation and Higher Project results then.
    for qual in GCSE_2026:
        r = _release(cal, "june-2026", qual)
        assert r.date == date(2026, 8, 20)
        assert r.centres_date == date(2026, 8, 19)
        assert r.candidates_time == time(8, 0) and r.centres_time == time(0, 1)
    for qual in VTQ12:
        assert _release(cal, "june-2026", qual).date == date(2026, 8, 20)


def test_fsmq_results_come_with_a_level_results(cal):
    # issue 11 item 8: FSMQ results are published with GCE A level results (JCQ-RES).
    for series_id in ("june-2024", "june-2025", "june-2026"):
        fsmq = _release(cal, series_id, "fsmq")
        assert fsmq.source == "JCQ-RES"
        assert fsmq.date == _release(cal, series_id, "gce-a-level").date


def test_pearson_btec_reaches_centres_before_learners(cal):
    # issue 11 item 15 / seed:003: 2023 L3 Nationals to centres 9 Aug, learners 17 Aug (8 days);
    # L2 Firsts 16 and 24 Aug (8 days). 2026 on that pattern, the centres' date provisional.
    l3 = [r for r in cal.series["june-2026"].releases if r.awarding_body == "PEARSON" and "l3-vtq" in r.qualifications]
    (l3,) = l3
    assert (l3.date - l3.centres_date).days == 8 and l3.centres_provisional and not l3.provisional
    assert l3.centres_source == "seed:003" and l3.centres_time is None


def test_june_2026_priority_s2_deadline(cal):
    # reference.md §4: Priority S2 deadline 20 Aug 2026 (seed:000) = A level results + 7 days.
    d = _deadline(cal, "june-2026", "PS2", "gce-a-level")
    assert d.date == date(2026, 8, 20) and d.source == "seed:000"
    assert d.date == _release(cal, "june-2026", "gce-a-level").date + timedelta(days=7)
    assert set(d.qualifications) == {"gce-a-level", "l3-vtq", "t-level"}


def test_june_2026_review_deadline(cal):
    # reference.md §4: RoR deadline (S1, S2, S3) and JCQ ATS deadline 24 Sep 2026 (seed:000).
    for service in ("S1", "S2", "S3", "ATS-P", "ATS-TL"):
        d = _deadline(cal, "june-2026", service, "gcse")
        assert d.date == date(2026, 9, 24) and d.source == "seed:000"


def test_june_2026_aqa_teaching_copy_deadline(cal):
    # reference.md §1/§4: AQA June 2026 ATS teaching and learning deadline 30 Oct 2026 (AQA-ATS).
    d = _deadline(cal, "june-2026", "ATS-TL", board="AQA")
    assert d.date == date(2026, 10, 30) and d.source == "AQA-ATS"


def test_june_2026_ccea_priority_copies_unpublished(cal):
    # reference.md §5 / seed:000 note 2: CCEA publishes its own priority-copy deadlines.
    d = _deadline(cal, "june-2026", "ATS-P", board="CCEA")
    assert d.date is None and "CCEA" in d.note


def test_june_2026_late_subject_awards(cal):
    # reference.md §4: late subject award requests 20 Sep 2026 (seed:000), unitised GCSE/GCE in
    # Wales and Northern Ireland: issue 11 item 16, only WJEC and CCEA.
    (k,) = [k for k in cal.series["june-2026"].key_dates if k.kind == "late_subject_awards"]
    assert k.date == date(2026, 9, 20) and k.source == "seed:000"
    assert set(k.qualifications) == {"gcse", "gce-as", "gce-a-level"}
    assert set(k.awarding_bodies) == {"WJEC", "CCEA"}
    assert "Wales" in k.note and "Northern Ireland" in k.note


def test_btec_claim_deadlines_are_provisional(cal):
    # seed:003: BTEC full award claims by 5 February, 5 April and 5 July, stated for 2023;
    # applied to 2026 as the annual rule, so provisional (issue 11 item 16).
    claims = [k for k in cal.series["june-2026"].key_dates if k.kind == "claim_deadline"]
    assert [k.date for k in claims] == [date(2026, 2, 5), date(2026, 4, 5), date(2026, 7, 5)]
    for k in claims:
        assert k.provisional and k.source == "seed:003" and k.awarding_bodies == ("PEARSON",)
        assert "2023" in k.note


def test_checkpoints_are_each_boards_window(cal):
    # issue 11 item 16: one term-time checkpoint since 2024, windows set by each board
    # (OFQUAL-VTQ24): NCFE 9 Dec 2024 to 31 Jan 2025 and 10 Mar to 2 May 2025 (NCFE-VTQ25);
    # City & Guilds 8 to 30 Apr 2024 (CG-VTQ24). No 2023 two-checkpoint rows remain.
    windows = {
        (k.awarding_bodies, k.date, k.until)
        for s in cal.series.values() for k in s.key_dates if k.kind == "checkpoint" and k.date
    }
    assert windows == {
        (("NCFE",), date(2024, 12, 9), date(2025, 1, 31)),
        (("NCFE",), date(2025, 3, 10), date(2025, 5, 2)),
        (("CG",), date(2024, 4, 8), date(2024, 4, 30)),
    }
    assert not any("checkpoint 2" in k.title for s in cal.series.values() for k in s.key_dates)


def test_press_embargo_carries_its_time(cal):
    # seed:000: not before 09:30 on results day.
    for series_id in ("june-2024", "june-2025", "june-2026"):
        embargo = [k for k in cal.series[series_id].key_dates if k.title.startswith(EMBARGO)]
        assert len(embargo) == 2 and all(k.time == time(9, 30) for k in embargo)


def test_unknown_june_2026_dates_stay_null(cal):
    # seed:002 (certificates ~8 weeks), WJEC-PRS (~12 weeks), OFQUAL-VTQ24 (each board's
    # checkpoint), AQA-ATS (scripts removed "each April"): no published 2026 date for any.
    kinds = {"certificates", "checkpoint", "scripts_withdrawn"}
    found = [k for k in cal.series["june-2026"].key_dates if k.kind in kinds]
    assert len(found) == 4
    assert all(k.date is None and k.note for k in found)


def test_november_2026_has_no_invented_dates(cal):
    # reference.md Open question 2: Nov 2026 results (January 2027) and JCQ November deadlines
    # are unconfirmed, so every November 2026 date is null.
    series = cal.series["november-2026"]
    assert all(item.date is None for item in _items(series))
    assert all(r.qualifications == ("gcse",) for r in series.releases)
    for service in ("S1", "S2", "S3", "ATS-P", "ATS-TL"):
        assert _deadline(cal, "november-2026", service, "gcse").note.startswith("not yet published by JCQ")


def test_june_2025_dates(cal):
    # reference.md §4: June 2025: GCE results 14 Aug 2025, GCSE 21 Aug 2025
    # (stratforduponavonschool); GCSE restricted release 20 Aug 2025 (Tes); Priority S2 21 Aug
    # 2025, RoR and ATS teaching 25 Sep 2025, AQA priority copy 28 Aug 2025 (simonballe).
    assert _release(cal, "june-2025", "gce-a-level").date == date(2025, 8, 14)
    assert _release(cal, "june-2025", "gcse").date == date(2025, 8, 21)
    assert _release(cal, "june-2025", "gcse").centres_date == date(2025, 8, 20)
    assert _deadline(cal, "june-2025", "PS2", "gce-a-level").date == date(2025, 8, 21)
    assert _deadline(cal, "june-2025", "S2").date == date(2025, 9, 25)
    assert _deadline(cal, "june-2025", "ATS-TL").date == date(2025, 9, 25)
    assert _deadline(cal, "june-2025", "ATS-P", board="AQA").date == date(2025, 8, 28)
    # issue 11 item 11: the other boards kept the JCQ date for priority copies (SIMONBALLE)
    assert _deadline(cal, "june-2025", "ATS-P").date == date(2025, 9, 25)


def test_november_2025_dates(cal):
    # reference.md §4: Nov 2025 results Thu 8 Jan 2026 (whickhamschool); AQA ATS teaching
    # deadline 12 Feb 2026 (AQA-ATS).
    assert _release(cal, "november-2025", "gcse").date == date(2026, 1, 8)
    assert _deadline(cal, "november-2025", "ATS-TL", board="AQA").date == date(2026, 2, 12)


def test_june_2024_dates(cal):
    # reference.md §4: June 2024: GCE 15 Aug 2024, GCSE 22 Aug 2024 (swanschool); Priority S2
    # 22 Aug 2024 derived; RoR 26 Sep 2024 (AQA-CRC; AQA-MOD).
    assert _release(cal, "june-2024", "gce-a-level").date == date(2024, 8, 15)
    assert _release(cal, "june-2024", "gcse").date == date(2024, 8, 22)
    ps2 = _deadline(cal, "june-2024", "PS2", "gce-a-level")
    assert ps2.date == date(2024, 8, 22) and ps2.provisional
    assert _deadline(cal, "june-2024", "S1").date == date(2024, 9, 26)


def test_results_days_are_thursdays_and_centres_get_them_on_wednesday(cal):
    # reference.md §4 pattern: results on Thursdays; restricted release the day before (AQA-OB);
    # a board's own embargo release (Pearson BTEC, seed:003) is earlier.
    for series in cal.series.values():
        for r in series.releases:
            if r.date is not None:
                assert r.date.weekday() == 3, r
            if r.date is not None and r.centres_date is not None and r.awarding_body is None:
                assert (r.date - r.centres_date).days == 1, r


# --- well-formedness ---------------------------------------------------------------------------


def _source_ok(cal: Calendar, source: str | None) -> bool:
    return bool(source and source.strip()) and source in cal.sources


def test_every_dated_item_has_a_known_source(cal):
    """Every Release, Deadline and KeyDate names a source key listed in `sources`."""
    for sid, series in cal.series.items():
        for item in _items(series):
            assert _source_ok(cal, item.source), (sid, _key(item), item.source)
            if isinstance(item, Release) and item.centres_date is not None:
                assert _source_ok(cal, item.centres_source), (sid, _key(item))


def test_null_or_provisional_items_have_a_note(cal):
    for sid, series in cal.series.items():
        for item in _items(series):
            if item.date is None or item.provisional:
                assert item.note and item.note.strip(), (sid, _key(item))


def test_series_codes_exist(cal):
    for sid, series in cal.series.items():
        for item in _items(series):
            quals = getattr(item, "qualifications", None) or ()
            assert set(quals) <= set(cal.qualifications), (sid, _key(item))
        for r in series.releases:
            assert r.awarding_body is None or r.awarding_body in cal.awarding_bodies
        for d in series.deadlines:
            assert set(d.services) <= set(cal.services), (sid, _key(d))
            assert d.awarding_body is None or d.awarding_body in cal.awarding_bodies
        for k in series.key_dates:
            assert set(k.awarding_bodies or ()) <= set(cal.awarding_bodies), (sid, _key(k))


def test_rules_codes_and_sources_exist(cal):
    quals, services, bodies = cal.qualifications, cal.services, cal.awarding_bodies
    for code, s in services.items():
        assert _source_ok(cal, s.source), code
        assert set(s.qualifications or ()) <= set(quals), code
        assert set(s.requires_prior) <= set(services), code
        if s.request_window:
            assert _source_ok(cal, s.request_window.source), code
    for code, body in bodies.items():
        assert _source_ok(cal, body.source), code
        assert _source_ok(cal, body.refund.source), code
        assert set(body.qualifications) <= set(quals), code
        for service_code, offer in body.services.items():
            assert service_code in services, (code, service_code)
            assert _source_ok(cal, offer.source), (code, service_code)
            assert set(offer.qualifications or ()) <= set(quals), (code, service_code)
            for ex in offer.excluded:
                assert _source_ok(cal, ex.source), (code, service_code)
                assert set(ex.qualifications or ()) <= set(quals), (code, service_code)
            for w in offer.request_windows:
                assert _source_ok(cal, w.source), (code, service_code)
                assert set(w.qualifications or ()) <= set(quals), (code, service_code)
        for fee in body.fees:
            assert fee.service in services and _source_ok(cal, fee.source), (code, fee)
            assert set(fee.qualifications or ()) <= set(quals), (code, fee)


def test_seed_sources_are_described_without_pointing_outside(cal):
    # issue 11 item 19: seed:000..seed:004 are documents supplied to the project: they carry a
    # title, publisher and date read, and no path outside the repository.
    seeds = sorted(k for k in cal.sources if k.startswith("seed:"))
    assert seeds == [f"seed:00{n}" for n in range(5)]
    for key in seeds:
        source = cal.sources[key]
        assert source.kind == "document" and source.address is None and source.title and source.publisher
        assert "shared" not in (source.note or ""), key


def test_every_source_has_title_publisher_address_and_date(cal):
    # issue 11 item 19: every key used in the data, with its title, publisher, address and date read.
    for key, source in cal.sources.items():
        assert source.title and source.publisher and source.read, key
        assert source.address or source.kind == "document", key
        assert source.address is None or source.address.startswith("http"), key


# --- qualifications, services, boards ----------------------------------------------------------


def test_qualification_codes(cal):
    assert set(cal.qualifications) == ALL_QUALS
    assert [c for c, q in cal.qualifications.items() if not q.jcq] == ["cambridge-english", "cambridge-english-yle"]
    assert cal.qualifications["gce-a-level"].name == "GCE A level"
    assert cal.qualifications["l3-vtq"].name == "Level 3 VTQ"


def test_service_codes_and_targets(cal):
    # reference.md §1 / seed:000: S1 10, S2 20, Priority S2 15 calendar days from receipt;
    # S3 up to 35 days from receipt of the sample, no consent, never per candidate.
    s = cal.services
    assert set(s) == ALL_SERVICES
    assert (s["S1"].completion.days, s["S1"].completion.unit) == (10, "calendar")
    assert (s["S2"].completion.days, s["S2"].completion.unit) == (20, "calendar")
    assert (s["PS2"].completion.days, s["PS2"].completion.unit) == (15, "calendar")
    assert set(s["PS2"].qualifications) == {"gce-a-level", "l3-vtq", "t-level"}
    assert s["S3"].completion.days == 35 and s["S3"].completion_from == "sample_received"
    assert not s["S3"].needs_consent and not s["S3"].per_candidate
    # seed:000: ATS has no JCQ completion target (AB-specific); permission, not the "grade may
    # go down" acknowledgement; the classroom-use and anonymity choice for teaching copies.
    for code in ("ATS-P", "ATS-TL"):
        assert not s[code].acknowledge_outcomes and s[code].completion is None and s[code].notes
    assert s["ATS-TL"].classroom_choice and not s["ATS-P"].classroom_choice
    # issue 11 item 9 (JCQ-RES): Projects are internally assessed and moderated: S3 only.
    for project in ("extended-project", "foundation-project", "higher-project"):
        for code in ("S1", "S2", "PS2", "ATS-P", "ATS-TL"):
            assert project not in s[code].qualifications, (code, project)
        assert project in s["S3"].qualifications


def test_appeal_window(cal):
    # reference.md §3: preliminary appeal within 30 calendar days of the review outcome
    # (PEA-APP25), only after an S2/S3 outcome (AQA-APP).
    app = cal.services["APP1"]
    assert (app.request_window.days, app.request_window.start, app.request_window.unit) == (30, "prior_outcome", "calendar")
    assert set(app.requires_prior) == {"S2", "PS2", "S3"}
    # issue 11 item 14: the hearing within 14 calendar days of the preliminary decision
    # (PEA-APP25; AQA-APP); malpractice, access arrangements and special consideration
    # decisions within 14 days (PEA-APP25); Ofqual's review after the board's process (OFQUAL-EPRS).
    hearing = cal.services["APP2"]
    assert hearing.requires_prior == ("APP1",) and hearing.request_window.days == 14
    for code in ("APP-MAL", "APP-AA", "APP-SC"):
        window = cal.services[code].request_window
        assert (window.days, window.start) == (14, "decision"), code
        assert cal.awarding_bodies["PEARSON"].services[code].request_windows[0].source == "PEA-APP25"
    assert set(cal.services["EPRS"].requires_prior) == {"APP2", "APP-MAL", "APP-AA", "APP-SC"}


def test_cambridge_english_services(cal):
    # reference.md §5: Stage 1 outcome within 5 working days, Stage 2 (Writing re-mark) within
    # 15 working days and only after Stage 1 (CE-EAR); enquiries within 2 weeks (seed:004).
    ce1, ce2 = cal.services["CE1"], cal.services["CE2"]
    # issue 11 item 17: no Stage 2 for Pre A1 Starters, A1 Movers and A2 Flyers (CE-EAR)
    assert ce1.qualifications == ("cambridge-english", "cambridge-english-yle")
    assert ce2.qualifications == ("cambridge-english",)
    assert (ce1.completion.days, ce1.completion.unit) == (5, "working")
    assert (ce1.request_window.days, ce1.request_window.start, ce1.request_window.unit) == (14, "results", "calendar")
    # issue 11 item 17: one centre's window (seed:004), a centre setting, warned not refused
    assert not ce1.request_window.enforced and ce1.request_window.setting == "cambridge_english_enquiry_days"
    assert (ce2.completion.days, ce2.completion.unit) == (15, "working")
    assert ce2.requires_prior == ("CE1",) and ce2.request_window is None and ce2.notes


def test_jcq_services_exclude_cambridge_english(cal):
    for code in JCQ_SERVICES:
        quals = cal.services[code].qualifications
        assert quals is not None and "cambridge-english" not in quals, code


def test_board_codes(cal):
    assert set(cal.awarding_bodies) == BOARDS
    assert [c for c, b in cal.awarding_bodies.items() if not b.follows_jcq] == ["CAMBRIDGE"]
    assert cal.awarding_bodies["CAMBRIDGE"].qualifications == ("cambridge-english", "cambridge-english-yle")


def test_portals(cal):
    # reference.md §5: portal names; CCEA and TQUK unconfirmed (Open question 5).
    portals = {c: b.portal for c, b in cal.awarding_bodies.items()}
    assert portals["AQA"] == "Centre Services"
    assert portals["OCR"] == "Interchange"
    assert portals["PEARSON"] == "Edexcel Online"
    assert portals["NCFE"] == "NCFE Portal"
    assert portals["CG"] == "Walled Garden"
    for code in ("CCEA", "TQUK", "CAMBRIDGE"):
        assert portals[code] is None and cal.awarding_bodies[code].notes, code
    for code in ("CCEA", "TQUK"):
        assert "unconfirmed" in cal.awarding_bodies[code].notes.lower(), code


def test_aqa_and_ocr_priority_service(cal):
    # reference.md §1: AQA Priority S2 for AS/A level and L3 (AQA-ROM); OCR AS/A level and L3
    # Cambridge Technicals, June series only (OCR-CT-ROM).
    aqa = cal.awarding_bodies["AQA"].services["PS2"]
    assert set(aqa.qualifications) == {"gce-as", "gce-a-level", "l3-vtq"} and aqa.source == "AQA-ROM"
    ocr = cal.awarding_bodies["OCR"].services["PS2"]
    assert set(ocr.qualifications) == {"gce-as", "gce-a-level", "l3-vtq"} and "June" in ocr.notes


def test_ncfe_windows(cal):
    # reference.md §5 (NCFE-EAR): clerical check request within 20 working days (5 weeks for
    # T Levels), outcome 5 working days; review 20 working days, outcome 25 working days;
    # T Level expedited review within 7 calendar days, outcome 10 working days.
    ncfe = cal.awarding_bodies["NCFE"].services
    s1 = ncfe["S1"]
    assert [(w.days, w.unit, w.start, w.qualifications) for w in s1.request_windows] == [
        (35, "calendar", "results", ("t-level",)),
        (20, "working", "results", None),
    ]
    assert (s1.completion.days, s1.completion.unit) == (5, "working")
    # issue 11 item 5 (NCFE-EAR): a review after a clerical check within 5 working days of its
    # outcome; T Level reviews within 5 weeks of results.
    s2 = ncfe["S2"]
    assert [(w.days, w.unit, w.start, w.qualifications) for w in s2.request_windows] == [
        (5, "working", "prior_outcome", None),
        (35, "calendar", "results", ("t-level",)),
        (20, "working", "results", None),
    ]
    assert s2.may_follow == ("S1",)
    assert (s2.completion.days, s2.completion.unit) == (25, "working")
    ps2 = ncfe["PS2"]
    assert ps2.qualifications == ("t-level",)
    assert [(w.days, w.unit, w.start) for w in ps2.request_windows] == [(7, "calendar", "results")]
    assert (ps2.completion.days, ps2.completion.unit) == (10, "working")
    assert all(w.source == "NCFE-EAR" for o in (s1, s2, ps2) for w in o.request_windows)


def test_script_exclusions(cal):
    # seed:004: Cambridge English never releases scripts. reference.md §5: no ATS for C&G L2/L3
    # Technicals; seed:000: not for certain NCFE and TQUK qualifications.
    bodies = cal.awarding_bodies
    assert set(bodies["CAMBRIDGE"].services) == {"CE1", "CE2", "CE-APP", "ATS-P", "ATS-TL"}
    for code in ("ATS-P", "ATS-TL"):
        (ex,) = bodies["CAMBRIDGE"].services[code].excluded
        assert ex.qualifications is None and ex.certain and ex.source == "seed:004"
        (ex,) = bodies["CG"].services[code].excluded
        assert set(ex.qualifications) == {"l2-vtq", "l3-vtq"} and ex.certain
        for board in ("NCFE", "TQUK"):
            (ex,) = bodies[board].services[code].excluded
            assert not ex.certain and ex.source == "seed:000"


def test_cambridge_english_only_at_cambridge(cal):
    for code, body in cal.awarding_bodies.items():
        offers_ce = {"CE1", "CE2", "CE-APP"} & set(body.services)
        assert bool(offers_ce) == (code == "CAMBRIDGE"), code


def test_refund_rules(cal):
    # reference.md §5.1: AQA (AQA-ROM2), OCR (OCR-ROM), Pearson (PEA-FEES18) no charge if the
    # grade changes; Cambridge English refunds if the grade changes (CE-EAR); others unknown.
    # issue 11 item 13: NCFE waives the fee if the overall grade changes (NCFE-EAR-QH); Cambridge
    # English refunds every enquiry fee (CE-EAR); a review of moderation is free when the centre's
    # marks are reinstated (AQA-MOD; OCR-ROM; PEA-FEES18).
    when = {c: b.refund.when for c, b in cal.awarding_bodies.items()}
    assert {c for c, w in when.items() if w == "grade_changed"} == {"AQA", "OCR", "PEARSON", "NCFE", "CAMBRIDGE"}
    assert {c for c, w in when.items() if w == "unknown"} == {"WJEC", "CCEA", "CG", "TQUK"}
    assert cal.awarding_bodies["CAMBRIDGE"].refund.all_enquiries
    for board, source in (("AQA", "AQA-MOD"), ("OCR", "OCR-ROM"), ("PEARSON", "PEA-FEES18")):
        rule = cal.awarding_bodies[board].services["S3"].refund
        assert (rule.when, rule.source) == ("marks_reinstated", source)


def test_published_fees(cal):
    # reference.md §5.1: every published fee, with the year/evidence as the table gives it.
    fees = {
        (code, f.service, f.amount, f.applies_to)
        for code, body in cal.awarding_bodies.items()
        for f in body.fees
    }
    assert fees == {
        ("AQA", "S1", "8.70", "June 2024"),
        ("AQA", "S2", "37.55", "undated"),
        ("AQA", "S2", "43.45", "undated"),
        ("AQA", "PS2", "51.75", "undated"),
        ("AQA", "S2", "42.00", "undated"),
        ("AQA", "S2", "48.65", "undated"),
        ("AQA", "PS2", "57.85", "undated"),
        ("AQA", "S2", "40.35", "previous year's fee, cited for the Nov 2023 series"),
        ("AQA", "S3", "225.80", "June 2022"),
        ("AQA", "S3", "251.60", "June 2022"),
        ("AQA", "S3", "242.50", "June 2024"),
        ("AQA", "S3", "270.30", "June 2024"),
        ("AQA", "ATS-TL", "0.00", "2025/26"),
        ("AQA", "APP1", "120.05", "undated"),
        ("AQA", "APP2", "205.80", "undated"),
        ("PEARSON", "S1", "12.50", "previous-year fees quoted Nov 2023"),
        ("PEARSON", "S2", "44.50", "previous-year fees quoted Nov 2023"),
        ("OCR", "S1", "0.00", "undated"),
    }


def test_every_board_has_its_published_fees_or_says_none_are_known():
    # reference.md §5.1 lists the published fees prs's sources hold (AQA, OCR Cambridge Technicals,
    # Pearson GCSE maths); a board with none says so rather than a guessed amount (issue 13 item 14).
    from prs_cli.calendar.load import load_calendar

    calendar = load_calendar(None)
    for code, body in calendar.awarding_bodies.items():
        assert body.fees or body.fees_unpublished, code
        for fee in body.fees:
            assert fee.applies_to and fee.source, (code, fee)
    assert calendar.awarding_bodies["WJEC"].fees == ()
    assert "check the board's fees page" in calendar.awarding_bodies["WJEC"].fees_unpublished
