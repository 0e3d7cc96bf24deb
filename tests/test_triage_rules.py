"""The triage rules directly: grade scales from data, boundary checks that name the line, where a
mark sits, which results are listed, the services still open, and how long results are kept."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prs_cli.rules.results import ResultsHeld, due_results, results_keep_until
from prs_cli.rules.triage import (
    Boundary,
    BoundaryIndex,
    BoundaryProblem,
    BoundarySet,
    ResultRecord,
    canonical_grade,
    check_boundaries,
    open_services,
    place,
    triage,
    without_boundaries,
)

A_LEVEL = (Boundary("A*", 80), Boundary("A", 70), Boundary("B", 60), Boundary("C", 50), Boundary("D", 40), Boundary("E", 30))


@pytest.fixture(scope="module")
def scales(calendar):
    from prs_cli.grade_data import load_scales

    return load_scales(None, calendar.qualifications)


def result(mark: int, *, candidate="0001", component="7357/1", subject="Mathematics", grade=None, series="june-2026", ab="AQA", qual="gce-a-level"):
    return ResultRecord(0, series, candidate, None, None, ab, qual, subject, component, mark, 100, grade)


# --- grade scales (data/grade_scales.yaml) -----------------------------------------------------


def test_grades_are_read_in_any_spelling(scales):
    """Ofqual: A level A* to E, GCSE 9 to 1 in England; VTQs Distinction* to Pass (D* etc.)."""
    assert canonical_grade(scales, "gce-a-level", "a*") == "A*"
    assert canonical_grade(scales, "gcse", " 7 ") == "7"
    assert canonical_grade(scales, "l3-vtq", "d*") == "Distinction*"
    assert canonical_grade(scales, "l2-vtq", "Level 2 Merit") == "L2 Merit"
    assert canonical_grade(scales, "gce-a-level", "unclassified") == "U"
    assert canonical_grade(scales, "gce-a-level", "9") is None  # a GCSE grade is not an A level one
    assert canonical_grade(scales, "gce-as", "A*") is None  # AS has no A* (OFQUAL-GCE)


def test_every_scale_and_qualification_in_the_data_is_known(calendar, scales):
    assert set(scales.qualifications) <= set(calendar.qualifications)
    for scale in scales.scales.values():
        assert scale.grades and scale.source


# --- boundaries --------------------------------------------------------------------------------


def rows(*pairs, first_line=2):
    return [(first_line + i, grade, mark) for i, (grade, mark) in enumerate(pairs)]


def test_boundaries_in_scale_order_with_falling_marks_are_taken(scales):
    scale, found = check_boundaries(scales, "gce-a-level", rows(("A*", 80), ("A", 70), ("B", 60), ("E", 30)), 100)
    assert scale.code == "a-level"
    assert found == (Boundary("A*", 80), Boundary("A", 70), Boundary("B", 60), Boundary("E", 30))  # gaps allowed


def test_a_9_to_1_file_picks_the_9_to_1_scale(scales):
    scale, _ = check_boundaries(scales, "gcse", rows(("9", 70), ("4", 30)))
    assert scale.code == "gcse-9-1"


@pytest.mark.parametrize(
    "given, line, message",
    [
        ((("A*", 80), ("B", 60), ("A", 70)), 4, "grade A comes after B: list grades in the order A*, A, B, C, D, E"),
        ((("A*", 80), ("A", 70), ("B", 75)), 4, "the mark for B (75) must be below the mark for A (70)"),
        ((("A", 70), ("B", 70)), 3, "the mark for B (70) must be below the mark for A (70)"),
        ((("A", 70), ("A", 60)), 3, "grade A is given twice"),
        ((("A", 70), ("7", 60)), 3, "the grade is not on a gce-a-level scale (A*, A, B, C, D, E)"),
        ((("A", 170), ("B", 60)), 2, "the mark 170 is above the maximum mark 100"),
    ],
)
def test_a_broken_set_is_refused_naming_its_line(scales, given, line, message):
    with pytest.raises(BoundaryProblem) as refused:
        check_boundaries(scales, "gce-a-level", rows(*given), 100)
    assert (refused.value.line, refused.value.message) == (line, message)


def test_grades_of_two_scales_in_one_set_are_refused(scales):
    """GCSE: 9-1 (England) and A*-G (Wales, Northern Ireland) are different scales."""
    with pytest.raises(BoundaryProblem) as refused:
        check_boundaries(scales, "gcse", rows(("9", 80), ("A", 70)))
    assert refused.value.line == 3


# --- where a mark sits -------------------------------------------------------------------------


def test_place_names_own_and_next_grade():
    assert place(A_LEVEL, 68) == (("B", 60, "A", 70))
    assert place(A_LEVEL, 70) == ("A", 70, "A*", 80)
    assert place(A_LEVEL, 95) == ("A*", 80, None, None)
    assert place(A_LEVEL, 28) == (None, None, "E", 30)
    assert place(A_LEVEL, 68).marks_short(68) == 2
    assert place(A_LEVEL, 68).margin_above(68) == 8
    assert place(A_LEVEL, 28).margin_above(28) is None


boundary_sets = st.lists(st.integers(1, 200), min_size=1, max_size=6, unique=True).map(
    lambda marks: tuple(Boundary(g, m) for g, m in zip(("A*", "A", "B", "C", "D", "E"), sorted(marks, reverse=True)))
)


@settings(max_examples=150, deadline=None)
@given(boundary_sets, st.lists(st.integers(0, 220), max_size=40), st.integers(1, 10))
def test_triage_lists_exactly_the_results_within_n_below_the_next_boundary(bounds, marks, within):
    """Property: a result is listed iff 1 <= next boundary - mark <= within (so never at the top
    grade); listed closest first; the margin above is mark minus the own boundary."""
    index = BoundaryIndex([BoundarySet("june-2026", "AQA", "gce-a-level", None, "7357/1", bounds)])
    results = [result(m, candidate=f"{i:04d}") for i, m in enumerate(marks)]
    found = triage(results, index, within)
    expected = set()
    for r in results:
        higher = [b.mark for b in bounds if b.mark > r.mark]
        if higher and min(higher) - r.mark <= within:
            expected.add(r.candidate)
    assert {row.result.candidate for row in found.rows} == expected
    assert found.no_boundary == 0
    shorts = [row.marks_short for row in found.rows]
    assert shorts == sorted(shorts) and all(1 <= s <= within for s in shorts)
    for row in found.rows:
        own = [b.mark for b in bounds if b.mark <= row.result.mark]
        assert row.margin_above == (row.result.mark - max(own) if own else None)


def test_results_without_boundaries_are_counted_not_listed():
    index = BoundaryIndex([BoundarySet("june-2026", "AQA", "gce-a-level", None, "7357/1", A_LEVEL)])
    found = triage([result(68), result(68, component="7357/2"), result(68, series="june-2025")], index, 5)
    assert [r.result.component for r in found.rows] == ["7357/1"]
    assert found.no_boundary == 2
    groups = [("june-2026", "AQA", "gce-a-level", "7357/1", "Mathematics", 40), ("june-2026", "AQA", "gce-a-level", "7357/2", "Mathematics", 7)]
    assert without_boundaries(groups, index) == 7


def test_a_subject_set_is_preferred_and_a_qualification_result_needs_its_subject():
    general = BoundarySet("june-2026", "AQA", "gce-a-level", None, "7357/1", A_LEVEL)
    own = BoundarySet("june-2026", "AQA", "gce-a-level", "Further Mathematics", "7357/1", (Boundary("A", 90),))
    whole = BoundarySet("june-2026", "AQA", "gce-a-level", "Mathematics", "", (Boundary("A", 200), Boundary("B", 180)))
    index = BoundaryIndex([general, own, whole])
    assert index.find("june-2026", "AQA", "gce-a-level", "7357/1", "further  MATHEMATICS") is own
    assert index.find("june-2026", "AQA", "gce-a-level", "7357/1", "Mathematics") is general
    assert index.find("june-2026", "AQA", "gce-a-level", "", "mathematics") is whole
    assert index.find("june-2026", "AQA", "gce-a-level", "", "Physics") is None
    only = BoundaryIndex([own])
    assert only.find("june-2026", "AQA", "gce-a-level", "7357/1", "Further Maths") is own  # the paper's only set


# --- services still open -----------------------------------------------------------------------


def test_open_services_follow_the_calendar(calendar):
    """seed:000: Priority S2 closes 20 Aug 2026 and is for A level, not GCSE; S1/S2 close 24 Sep 2026."""
    a_level = {s.service: s for s in open_services(calendar, "june-2026", "AQA", "gce-a-level", date(2026, 8, 14))}
    assert a_level["PS2"].deadline.date == date(2026, 8, 20)
    assert a_level["S2"].deadline.date == date(2026, 9, 24)
    assert a_level["S2"].fee is not None and a_level["S2"].fee.amount == "48.65"  # AQA-ROM2, the later page
    assert "S3" not in a_level and "APP1" not in a_level  # never one candidate; follows an outcome
    gcse = {s.service for s in open_services(calendar, "june-2026", "AQA", "gcse", date(2026, 8, 21))}
    assert "PS2" not in gcse and "S2" in gcse
    late = {s.service for s in open_services(calendar, "june-2026", "AQA", "gce-a-level", date(2026, 8, 21))}
    assert "PS2" not in late  # closed on 20 Aug


# --- keeping results ---------------------------------------------------------------------------


def test_results_are_kept_until_reviews_and_appeals_are_over(calendar):
    """seed:000: reviews close 24 Sep 2026; Service 3 completes within 35 days; PEA-APP25: an
    appeal within 30 days of the outcome: 24 Sep + 35 + 30 = 28 Nov 2026."""
    assert results_keep_until(calendar, "june-2026").date == date(2026, 11, 28)
    assert results_keep_until(calendar, "november-2026").date is None  # deadline not yet published


def test_results_are_due_for_disposal_only_when_nothing_is_open(calendar):
    held = [ResultsHeld("june-2026", 10, 0), ResultsHeld("june-2025", 5, 1)]
    assert [d.series for d in due_results(held, calendar, date(2026, 11, 28))] == []
    assert [d.series for d in due_results(held, calendar, date(2026, 11, 29))] == ["june-2026"]
