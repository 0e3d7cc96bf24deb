"""Grade scales and grade boundaries kept as YAML: data/grade_scales.yaml (shipped like the
calendar; a centre's own in its data folder replaces it) and boundaries_*.yaml in the centre's
data folder, for boundaries kept year on year. Mistakes are reported as file:line:column.

Read only by the commands that need them (ruamel.yaml is not imported otherwise).
"""

from __future__ import annotations

from pathlib import Path
from prs_cli import paths
from prs_cli.errors import DataError, DataProblem
from prs_cli.rules.triage import BoundaryProblem, BoundarySet, GradeScale, Scales, check_boundaries

SCALES_FILE = "grade_scales.yaml"
BOUNDARIES_GLOB = "boundaries_*.yaml"


def scales_file(user_dir: Path | None) -> Path:
    if user_dir is not None and (user_dir / SCALES_FILE).is_file():
        return user_dir / SCALES_FILE
    return paths.bundled_data_dir() / SCALES_FILE


def load_scales(user_dir: Path | None, qualifications) -> Scales:
    """The grade scales in force, checked: every scale has grades and a source, every
    qualification named is in the calendar and names known scales."""
    from prs_cli.calendar.yamlsrc import position, read_yaml

    path = scales_file(user_dir)
    root = read_yaml(path)
    problems: list[DataProblem] = []

    def fail(loc: tuple, message: str) -> None:
        line, col = position(root, loc) or (None, None)
        problems.append(DataProblem(str(path), line, col, message))

    if not isinstance(root, dict) or not isinstance(root.get("scales"), dict):
        raise DataError([DataProblem(str(path), 1, 1, "the file needs a 'scales' mapping")])
    scales: dict[str, GradeScale] = {}
    for code, body in root["scales"].items():
        grades = body.get("grades") if isinstance(body, dict) else None
        if not isinstance(grades, list) or not grades or not all(isinstance(g, (str, int)) for g in grades):
            fail(("scales", code), f"scale {code!r} needs a list of grades, highest first")
            continue
        if not str(body.get("source") or "").strip():
            fail(("scales", code), f"scale {code!r} needs a source")
        aliases = body.get("aliases") or {}
        if not isinstance(aliases, dict) or any(str(v) not in map(str, grades) for v in aliases.values()):
            fail(("scales", code, "aliases"), f"scale {code!r}: every alias must name one of its grades")
            aliases = {}
        scales[code] = GradeScale(
            str(code), tuple(str(g) for g in grades), str(body.get("source") or ""), {str(k): str(v) for k, v in aliases.items()}
        )
    ungraded = root.get("ungraded") or ["U"]
    quals: dict[str, tuple[str, ...]] = {}
    for qual, codes in (root.get("qualifications") or {}).items():
        if qual not in qualifications:
            fail(("qualifications", qual), f"unknown qualification {qual!r}")
        listed = codes if isinstance(codes, list) else [codes]
        for index, code in enumerate(listed):
            if code not in scales:
                fail(("qualifications", qual, index), f"unknown scale {code!r}")
        quals[str(qual)] = tuple(str(c) for c in listed if c in scales)
    if problems:
        raise DataError(problems)
    return Scales(scales, tuple(str(u) for u in ungraded), quals)


def boundary_files(user_dir: Path | None) -> list[Path]:
    return sorted(user_dir.glob(BOUNDARIES_GLOB)) if user_dir is not None and user_dir.is_dir() else []


def load_boundaries(user_dir: Path | None, calendar, scales: Scales | None = None) -> list[BoundarySet]:
    """Every boundary set in the centre's boundaries_*.yaml files (none without a data folder).

    boundaries:
      - series: june-2026
        awarding_body: AQA
        qualification: gce-a-level
        subject: Mathematics          # needed when the component is blank
        component: "7357/1"           # blank or left out: the qualification as a whole
        max_mark: 100
        grades: {"A*": 80, A: 70, B: 60, C: 50, D: 40, E: 30}   # highest first
    """
    files = boundary_files(user_dir)
    if not files:
        return []
    from prs_cli import codes
    from prs_cli.calendar.yamlsrc import position, read_yaml
    from prs_cli.errors import PrsError

    scales = scales or load_scales(user_dir, calendar.qualifications)
    found: list[BoundarySet] = []
    problems: list[DataProblem] = []
    for path in files:
        root = read_yaml(path)
        entries = root.get("boundaries") if isinstance(root, dict) else None
        if not isinstance(entries, list):
            problems.append(DataProblem(str(path), 1, 1, "the file needs a 'boundaries' list"))
            continue
        for index, entry in enumerate(entries):
            at = ("boundaries", index)

            def fail(loc: tuple, message: str, *, key: bool = False) -> None:
                line, col = position(root, (*at, *loc), key=key) or (None, None)
                problems.append(DataProblem(str(path), line, col, message))

            if not isinstance(entry, dict):
                fail((), "each entry must be a mapping")
                continue
            unknown = set(entry) - {"series", "awarding_body", "qualification", "subject", "component", "max_mark", "grades", "source"}
            for key in sorted(unknown, key=str):
                fail((key,), f"unknown field {key!r}", key=True)
            try:
                series = codes.resolve("series", str(entry.get("series") or ""), calendar.series)
                body = codes.resolve("awarding body", str(entry.get("awarding_body") or ""), calendar.awarding_bodies)
                qual = codes.resolve("qualification", str(entry.get("qualification") or ""), calendar.qualifications)
            except PrsError as error:
                fail((), error.message)
                continue
            component = str(entry.get("component") or "").strip()
            subject = str(entry.get("subject") or "").strip() or None
            if not component and not subject:
                fail((), "a qualification's boundaries (no component) need the subject")
                continue
            max_mark = entry.get("max_mark")
            if max_mark is not None and (not isinstance(max_mark, int) or isinstance(max_mark, bool) or max_mark <= 0):
                fail(("max_mark",), "max_mark must be a whole number above 0")
                continue
            grades = entry.get("grades")
            if not isinstance(grades, dict) or not grades:
                fail(("grades",), "grades must map each grade to its lowest mark, highest grade first")
                continue
            rows = []
            for grade, mark in grades.items():
                line = (position(root, (*at, "grades", grade), key=True) or (0, 0))[0]
                if not isinstance(mark, int) or isinstance(mark, bool):
                    fail(("grades", grade), "each grade's mark must be a whole number")
                    break
                rows.append((line, str(grade), mark))
            else:
                try:
                    scale, boundaries = check_boundaries(scales, qual, rows, max_mark)
                except BoundaryProblem as problem:
                    grade_key = next(g for line, g, _ in rows if line == problem.line)
                    line, col = position(root, (*at, "grades", grade_key), key=True) or (None, None)
                    problems.append(DataProblem(str(path), line, col, problem.message))
                    continue
                found.append(BoundarySet(series, body, qual, subject, component, boundaries, max_mark, scale.code))
    if problems:
        raise DataError(problems)
    return found

