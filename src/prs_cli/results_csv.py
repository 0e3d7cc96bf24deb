"""Results broadsheets and grade boundaries read from CSV, checked row by row.

The same reader, header synonyms and error style as `prs request import` (request_csv.py): a
problem is reported as FILE:LINE: the column's name and what is wrong, never the cell's content
(a broadsheet holds candidates' names and marks).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from prs_cli.errors import InputError, PrsError, UnknownCode
from prs_cli.request_csv import COLUMNS as REQUEST_COLUMNS
from prs_cli.request_csv import _folded, read_table
from prs_cli.rules.triage import BoundaryProblem, BoundarySet, Scales, canonical_grade, check_boundaries

MARK = ("mark", "raw mark", "total mark", "marks", "original mark")
GRADE = ("grade", "result", "original grade")
MAX_MARK = ("max mark", "maximum mark", "max marks", "out of", "mark out of")

RESULT_COLUMNS = {
    "candidate": REQUEST_COLUMNS["candidate"],
    "name": REQUEST_COLUMNS["name"],
    "uci": REQUEST_COLUMNS["uci"],
    "awarding_body": REQUEST_COLUMNS["awarding_body"],
    "qualification": REQUEST_COLUMNS["qualification"],
    "subject": REQUEST_COLUMNS["subject"],
    "component": REQUEST_COLUMNS["component"],
    "mark": MARK,
    "grade": GRADE,
    "max_mark": MAX_MARK,
}
RESULT_REQUIRED = ("candidate", "awarding_body", "qualification", "subject", "component", "mark", "grade")
BOUNDARY_COLUMNS = {
    "awarding_body": REQUEST_COLUMNS["awarding_body"],
    "qualification": REQUEST_COLUMNS["qualification"],
    "subject": REQUEST_COLUMNS["subject"],
    "component": REQUEST_COLUMNS["component"],
    "grade": ("grade",),
    "mark": ("mark", "boundary", "lowest mark", "boundary mark", "min mark"),
    "max_mark": MAX_MARK,
}
BOUNDARY_REQUIRED = ("awarding_body", "qualification", "component", "grade", "mark")
MAX_NAME = 200


def _aliases(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_folded(alias): key for key, aliases in columns.items() for alias in aliases}


class ResultInput(NamedTuple):
    """A checked broadsheet row (codes resolved, grade as its scale spells it)."""

    candidate: str
    name: str | None
    uci: str | None
    awarding_body: str
    qualification: str
    subject: str | None
    component: str  # "" for the qualification as a whole
    mark: int
    max_mark: int | None
    grade: str | None

    def key(self) -> tuple:
        """What names one result in a series: a component by its code, a qualification by its subject."""
        subject = "" if self.component else " ".join((self.subject or "").split()).casefold()
        return (self.awarding_body, self.qualification, self.component.casefold(), subject, self.candidate)


class _Cell(InputError):
    """A problem with one column of a row: reported as 'column: what'."""

    def __init__(self, column: str, message: str, hint: str | None = None):
        super().__init__(f"{column.replace('_', ' ')}: {message}", hint)


def _text(values: dict[str, str], key: str) -> str:
    return " ".join((values.get(key) or "").split())


def _code(kind: str, column: str, given: str, valid) -> str:
    from prs_cli import codes

    if not given:
        raise _Cell(column, "blank")
    try:
        return codes.resolve(kind, given, valid)
    except UnknownCode as error:
        raise _Cell(column, f"not a {kind} code prs knows", error.hint) from None


def _whole(column: str, text: str, *, positive: bool = False) -> int:
    if not text.isdigit():
        raise _Cell(column, "not a whole number of marks")
    value = int(text)
    if positive and value == 0:
        raise _Cell(column, "must be above 0")
    return value


def _board_and_qualification(calendar, values: dict[str, str]) -> tuple[str, str]:
    body = _code("awarding body", "awarding_body", _text(values, "awarding_body"), calendar.awarding_bodies)
    qual = _code("qualification", "qualification", _text(values, "qualification"), calendar.qualifications)
    if qual not in calendar.awarding_bodies[body].qualifications:
        raise _Cell("qualification", f"{calendar.awarding_bodies[body].name} does not award {calendar.qualifications[qual].name}")
    return body, qual


def _component(values: dict[str, str]) -> str:
    component = _text(values, "component")
    if len(component) > 40:
        raise _Cell("component", "longer than 40 characters")
    return component


def result_row(calendar, scales: Scales, values: dict[str, str]) -> ResultInput:
    from prs_cli.rules.intake import check_candidate, check_uci

    try:
        candidate = check_candidate(_text(values, "candidate"))
    except InputError:
        raise _Cell("candidate number", "must be exactly 4 digits") from None
    name = _text(values, "name") or None
    if name is not None and len(name) > MAX_NAME:
        raise _Cell("candidate name", f"longer than {MAX_NAME} characters")
    uci = _text(values, "uci") or None
    if uci is not None:
        try:
            uci = check_uci(uci)
        except InputError:
            raise _Cell("uci", "must be 13 characters, digits and capital letters only") from None
    body, qual = _board_and_qualification(calendar, values)
    component = _component(values)
    subject = _text(values, "subject") or None
    if not component and not subject:
        raise _Cell("subject", "blank: a qualification-level result (no component) needs its subject")
    mark = _whole("mark", _text(values, "mark"))
    max_text = _text(values, "max_mark")
    max_mark = _whole("max_mark", max_text, positive=True) if max_text else None
    if max_mark is not None and mark > max_mark:
        raise _Cell("mark", "above the maximum mark")
    grade_text = _text(values, "grade")
    grade = None
    if grade_text:
        grade = canonical_grade(scales, qual, grade_text)
        if grade is None:
            if scales.of(qual):
                choices = "; ".join(", ".join(s.grades) for s in scales.of(qual))
                raise _Cell("grade", f"not a {calendar.qualifications[qual].name} grade ({choices}, or U)")
            grade = grade_text  # a qualification with no scale prs knows: kept as given
    return ResultInput(candidate, name, uci, body, qual, subject, component, mark, max_mark, grade)


def read_results(file: Path, calendar, scales: Scales) -> tuple[list[tuple[int, ResultInput]], list[str]]:
    """(rows, problems as FILE:LINE: sentence): every row checked, duplicates within the file
    named with the line they repeat."""
    rows, problems, seen = [], [], {}
    for line, values in read_table(file, _aliases(RESULT_COLUMNS), RESULT_REQUIRED):
        try:
            row = result_row(calendar, scales, values)
        except PrsError as error:
            problems.append(f"{file}:{line}: {error.message}" + (f"; {error.hint}" if error.hint else ""))
            continue
        key = row.key()
        if key in seen:
            problems.append(f"{file}:{line}: the same candidate and component (or subject) as line {seen[key]}")
            continue
        seen[key] = line
        rows.append((line, row))
    return rows, problems


def read_boundaries(file: Path, calendar, scales: Scales, series: str) -> tuple[list[BoundarySet], list[str]]:
    """(boundary sets, problems as FILE:LINE: sentence). Rows are grouped into sets by board,
    qualification, component and subject; each set's grades must follow its scale in order with
    marks strictly falling (rules.triage.check_boundaries), else the line that breaks it is named."""
    problems: list[str] = []
    groups: dict[tuple, list] = {}
    for line, values in read_table(file, _aliases(BOUNDARY_COLUMNS), BOUNDARY_REQUIRED):
        try:
            body, qual = _board_and_qualification(calendar, values)
            component = _component(values)
            subject = _text(values, "subject") or None
            if not component and not subject:
                raise _Cell("subject", "blank: a qualification's boundaries (no component) need the subject")
            grade = _text(values, "grade")
            if not grade:
                raise _Cell("grade", "blank")
            mark = _whole("mark", _text(values, "mark"))
            max_text = _text(values, "max_mark")
            max_mark = _whole("max_mark", max_text, positive=True) if max_text else None
        except PrsError as error:
            problems.append(f"{file}:{line}: {error.message}" + (f"; {error.hint}" if error.hint else ""))
            continue
        key = (body, qual, component.casefold(), (subject or "").casefold())
        groups.setdefault(key, []).append((line, grade, mark, max_mark, subject, component))
    sets = []
    for (body, qual, _, _), rows in groups.items():
        maxima = {r[3] for r in rows if r[3] is not None}
        if len(maxima) > 1:
            line = next(r[0] for r in rows if r[3] is not None and r[3] != rows[0][3])
            problems.append(f"{file}:{line}: max mark: differs from the earlier lines of the same component")
            continue
        max_mark = maxima.pop() if maxima else None
        try:
            scale, boundaries = check_boundaries(scales, qual, [(line, grade, mark) for line, grade, mark, *_ in rows], max_mark)
        except BoundaryProblem as problem:
            problems.append(f"{file}:{problem.line}: {problem.message}")
            continue
        _, _, _, _, subject, component = rows[0]
        sets.append(BoundarySet(series, body, qual, subject, component, boundaries, max_mark, scale.code))
    return sets, problems


class FileProblems(InputError):
    """Rows of a file that cannot be taken, each as FILE:LINE: sentence; nothing was written."""

    def __init__(self, file: Path, problems: list[str], rows: int | None = None):
        self.problems = problems
        found = f"{len(problems)} of {rows} rows in {file} have problems" if rows else (
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {file}"
        )
        super().__init__(f"{found}; nothing was imported")
