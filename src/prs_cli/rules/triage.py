"""Who should ask for a review: grade scales, grade boundaries and how far each mark sits from
them.

Pure: the scales (data/grade_scales.yaml), the boundaries, the results, the calendar and `today`
come in as arguments. A review moves a few marks either way (about 1 in 5 challenged grades
changed in summer 2024, reference §7), so a result is worth a look when it sits a few marks
below the next grade's boundary, and a risk when it sits only a few above its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from prs_cli.calendar.model import Calendar, Fee
from prs_cli.errors import InputError
from prs_cli.rules.deadlines import Answer, availability, request_deadline


class GradeScale(NamedTuple):
    code: str
    grades: tuple[str, ...]  # highest first
    source: str
    aliases: dict[str, str] = {}  # noqa: RUF012 - other spellings -> the grade; never changed


class Scales(NamedTuple):
    """Every scale, the spellings of 'no grade', and the scales each qualification may use."""

    scales: dict[str, GradeScale]
    ungraded: tuple[str, ...]
    qualifications: dict[str, tuple[str, ...]]

    def of(self, qualification: str) -> tuple[GradeScale, ...]:
        return tuple(self.scales[code] for code in self.qualifications.get(qualification, ()))


class Boundary(NamedTuple):
    grade: str
    mark: int  # the lowest mark for the grade


class BoundarySet(NamedTuple):
    """One qualification's or component's boundaries in one series, highest grade first."""

    series: str
    awarding_body: str
    qualification: str
    subject: str | None  # None: any subject (a component code names the paper)
    component: str  # "" for the qualification as a whole
    grades: tuple[Boundary, ...]
    max_mark: int | None = None
    scale: str | None = None


class ResultRecord(NamedTuple):
    """One line of a results broadsheet, as stored."""

    id: int
    series: str
    candidate: str
    name: str | None
    uci: str | None
    awarding_body: str
    qualification: str
    subject: str | None
    component: str  # "" for a qualification-level result
    mark: int
    max_mark: int | None
    grade: str | None


class BoundaryProblem(InputError):
    """A boundaries row that breaks the scale; `line` is where (the reader adds the file)."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


# --- grades ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def canonical_grade(scales: Scales, qualification: str, text: str) -> str | None:
    """The grade as its scale spells it ("a*" -> "A*", "D*" -> "Distinction*"), "U" for any
    spelling of no grade, or None when it is on none of the qualification's scales."""
    wanted = _fold(text)
    if wanted in {_fold(u) for u in scales.ungraded}:
        return scales.ungraded[0]
    for scale in scales.of(qualification):
        for grade in scale.grades:
            if _fold(grade) == wanted:
                return grade
        for alias, grade in scale.aliases.items():
            if _fold(alias) == wanted:
                return grade
    return None


def scale_of(scales: Scales, qualification: str, grades: Sequence[str]) -> GradeScale | None:
    """The first of the qualification's scales that has every one of `grades`."""
    for scale in scales.of(qualification):
        if all(g in scale.grades for g in grades):
            return scale
    return None


def check_boundaries(
    scales: Scales, qualification: str, rows: Sequence[tuple[int, str, int]], max_mark: int | None = None
) -> tuple[GradeScale, tuple[Boundary, ...]]:
    """(the scale, the boundaries highest grade first) of one set given as (line, grade, mark)
    rows in file order; BoundaryProblem names the first line that breaks the rules: grades on one
    of the qualification's scales, each once, in the scale's order (gaps allowed), marks falling
    strictly as the grade falls, none above the maximum mark."""
    if not scales.of(qualification):
        raise BoundaryProblem(rows[0][0], f"prs knows no grade scale for {qualification}; add one to grade_scales.yaml")
    named = []
    for line, text, mark in rows:
        grade = canonical_grade(scales, qualification, text)
        if grade is None or grade == scales.ungraded[0]:
            choices = "; ".join(", ".join(s.grades) for s in scales.of(qualification))
            raise BoundaryProblem(line, f"the grade is not on a {qualification} scale ({choices})")
        named.append((line, grade, mark))
    scale = scale_of(scales, qualification, [g for _, g, _ in named])
    if scale is None:  # mixed scales: blame the first line off the scale the first line is on
        first = scale_of(scales, qualification, [named[0][1]])
        line = next(line for line, grade, _ in named if grade not in first.grades)
        raise BoundaryProblem(line, f"the grade is not on the {', '.join(first.grades)} scale of the lines above")
    previous: tuple[int, str, int] | None = None
    for line, grade, mark in named:
        if mark < 0:
            raise BoundaryProblem(line, "the mark must be 0 or more")
        if max_mark is not None and mark > max_mark:
            raise BoundaryProblem(line, f"the mark {mark} is above the maximum mark {max_mark}")
        if previous is not None:
            _, before, before_mark = previous
            if grade == before:
                raise BoundaryProblem(line, f"grade {grade} is given twice")
            if scale.grades.index(grade) < scale.grades.index(before):
                raise BoundaryProblem(
                    line, f"grade {grade} comes after {before}: list grades in the order {', '.join(scale.grades)}"
                )
            if mark >= before_mark:
                raise BoundaryProblem(
                    line, f"the mark for {grade} ({mark}) must be below the mark for {before} ({before_mark})"
                )
        previous = (line, grade, mark)
    return scale, tuple(Boundary(grade, mark) for _, grade, mark in named)


# --- where a mark sits ----------------------------------------------------------------------


class Placement(NamedTuple):
    grade: str | None  # the grade the mark reaches; None below the lowest boundary
    boundary: int | None
    next_grade: str | None  # None: the mark reaches the top grade
    next_boundary: int | None

    def marks_short(self, mark: int) -> int | None:
        """How many more marks the next grade needs."""
        return None if self.next_boundary is None else self.next_boundary - mark

    def margin_above(self, mark: int) -> int | None:
        """How many marks the result could lose and keep its grade (a review can lower it)."""
        return None if self.boundary is None else mark - self.boundary


def place(boundaries: Sequence[Boundary], mark: int) -> Placement:
    """Where `mark` sits among boundaries given highest grade first."""
    above: Boundary | None = None
    for boundary in boundaries:
        if mark >= boundary.mark:
            return Placement(
                boundary.grade,
                boundary.mark,
                above.grade if above else None,
                above.mark if above else None,
            )
        above = boundary
    return Placement(None, None, above.grade if above else None, above.mark if above else None)


class BoundaryIndex:
    """Boundary sets found by what a result names: series, board, qualification, component and
    subject. A component's set may leave the subject out (the code names the paper); a set
    naming the result's subject is preferred, and a paper with only one set uses it whatever
    the subject is called ("Maths" or "Mathematics"). A qualification's set needs its subject."""

    def __init__(self, sets: Iterable[BoundarySet]):
        self.sets: dict[tuple, dict[str | None, BoundarySet]] = {}
        self.found: dict[tuple, BoundarySet | None] = {}  # answers as asked: results share components
        for found in sets:
            key = (found.series, found.awarding_body, found.qualification, _fold(found.component))
            self.sets.setdefault(key, {})[_fold(found.subject) if found.subject else None] = found

    def find(self, series: str, awarding_body: str, qualification: str, component: str, subject: str | None) -> BoundarySet | None:
        asked = (series, awarding_body, qualification, component, subject)
        try:
            return self.found[asked]
        except KeyError:
            found = self.found[asked] = self._find(*asked)
            return found

    def _find(self, series: str, awarding_body: str, qualification: str, component: str, subject: str | None) -> BoundarySet | None:
        by_subject = self.sets.get((series, awarding_body, qualification, _fold(component)))
        if not by_subject:
            return None
        if subject:
            found = by_subject.get(_fold(subject))
            if found is not None:
                return found
        if None in by_subject:
            return by_subject[None]
        if component and len(by_subject) == 1:  # one set for the paper, its subject spelt otherwise
            return next(iter(by_subject.values()))
        return None


class TriageRow(NamedTuple):
    result: ResultRecord
    placement: Placement
    marks_short: int
    margin_above: int | None


class Triage(NamedTuple):
    rows: tuple[TriageRow, ...]  # closest first
    no_boundary: int  # results with no boundaries known (counted in a remark)


def triage(results: Iterable[ResultRecord], index: BoundaryIndex, within: int) -> Triage:
    """Every result whose mark is 1 to `within` marks below the next grade's boundary, closest
    first (then by board, qualification, subject, component and candidate). A result at the top
    grade has nothing to gain and is left out; one with no boundaries known is counted."""
    keyed, unknown = [], 0
    find = index.find
    placed: dict[tuple, tuple[Placement, int, int | None] | None] = {}  # results share sets and marks
    order: dict[tuple, tuple] = {}  # what the list is sorted on, per set: board, qualification, subject, component
    for result in results:
        found = find(result.series, result.awarding_body, result.qualification, result.component, result.subject)
        if found is None:
            unknown += 1
            continue
        key = (id(found), result.mark)
        if key not in placed:
            placement = place(found.grades, result.mark)
            short = None if placement.next_boundary is None else placement.next_boundary - result.mark
            placed[key] = (placement, short, placement.margin_above(result.mark)) if short is not None and short <= within else None
        listed = placed[key]
        if listed is None:
            continue
        where = (result.awarding_body, result.qualification, result.subject, result.component)
        if where not in order:
            order[where] = (result.awarding_body, result.qualification, _fold(result.subject or ""), _fold(result.component))
        keyed.append(((listed[1], *order[where], result.candidate), TriageRow(result, *listed)))
    keyed.sort(key=lambda pair: pair[0])
    rows = [row for _, row in keyed]
    return Triage(tuple(rows), unknown)


def without_boundaries(groups: Iterable[tuple], index: BoundaryIndex) -> int:
    """How many results have no boundaries known, from (series, board, qualification,
    component, subject, how many) groups of alike results."""
    return sum(n for *asked, n in groups if index.find(*asked) is None)


# --- what can still be asked for ------------------------------------------------------------


class OpenService(NamedTuple):
    service: str
    deadline: Answer
    fee: Fee | None


def open_services(calendar: Calendar, series: str, awarding_body: str, qualification: str, today: date) -> tuple[OpenService, ...]:
    """The services for one candidate that the board offers for the qualification and that are
    still open on `today` (or whose deadline is not yet published), soonest deadline first.
    Services that follow an outcome (appeals, Stage 2) are left out: nothing has been reviewed."""
    from prs_cli.rules.fees import default_fee

    if awarding_body not in calendar.awarding_bodies or qualification not in calendar.qualifications or series not in calendar.series:
        return ()
    found = []
    for code, service in calendar.services.items():
        if not service.per_candidate or service.requires_prior:
            continue
        if not availability(calendar, awarding_body, qualification, code).allowed:
            continue
        deadline = request_deadline(
            calendar, series_id=series, body_code=awarding_body, qualification=qualification, service_code=code
        )
        if deadline.date is not None and deadline.date < today:
            continue
        found.append(OpenService(code, deadline, default_fee(calendar, awarding_body, code, qualification)))
    return tuple(sorted(found, key=lambda s: (s.deadline.date or date.max, s.service)))
