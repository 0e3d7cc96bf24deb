"""The columns of a school's request form, read from CSV into requests as typed.

Reading only: every row is checked afterwards exactly as `prs request add` checks it.
"""

from __future__ import annotations

from pathlib import Path

COLUMNS = {
    "candidate": ("candidate number", "candidate no", "cand no", "candidate", "cand number", "candidate num"),
    "name": ("candidate name", "name"),
    "uci": ("uci",),
    "awarding_body": ("awarding body", "ab", "board"),
    "qualification": ("qualification", "level", "qualification level"),
    "subject": ("subject", "subject title"),
    "component": ("component", "unit", "paper", "component code", "unit code"),
    "service": ("service", "service code"),
    "series": ("series", "exam series"),
    "original_mark": ("original mark", "mark"),
    "original_grade": ("original grade", "grade"),
    "fee": ("fee",),
    "note": ("note", "notes"),
    "private_candidate": ("private", "private candidate"),
    "late_reason": ("late reason",),
    "results_released": ("results released",),
}
_ALIASES = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def _folded(header: str) -> str:
    import re

    return re.sub(r"[\s_.\-]+", " ", header.strip().casefold()).strip()


def read_rows(file: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, {field: text}) for every non-blank row; unknown columns are ignored."""
    return read_table(file, _ALIASES, ("service", "component"))


def read_table(file: Path, aliases: dict[str, str], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {field: text}) for every non-blank row of a CSV file whose header names
    fields through `aliases` (folded header -> field); the `required` fields must have a column.
    Shared by every CSV prs reads (requests, results, grade boundaries)."""
    import csv
    import io

    from prs_cli.errors import InputError

    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no file {file}") from None
    except OSError as exc:
        raise InputError(f"cannot read {file} ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's plain "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{file} is empty; it needs a header row") from None
    except csv.Error as exc:
        raise InputError(f"{file}:1: not a readable CSV header ({exc})") from None
    fields: dict[int, str] = {}
    for index, column in enumerate(header):
        key = aliases.get(_folded(column))
        if key is None:
            continue
        if key in fields.values():
            raise InputError(f"{file}:1: two columns give the {key.replace('_', ' ')} (one is {column!r})")
        fields[index] = key
    missing = [k.replace("_", " ") for k in required if k not in fields.values()]
    if missing:
        raise InputError(f"{file}:1: no {' or '.join(missing)} column in the header")
    rows = []
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((line, {key: values[i] if i < len(values) else "" for i, key in fields.items()}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{file}:{reader.line_num}: not readable as CSV ({exc})") from None
    return rows


def row_input(values: dict[str, str]):
    from prs_cli.clock import parse_date
    from prs_cli.errors import InputError
    from prs_cli.render.csvout import FORMULA_START
    from prs_cli.rules.intake import RequestInput

    def text(key: str) -> str | None:
        value = values.get(key, "").strip()
        if value[:1] == "'" and value[1:2] in FORMULA_START:
            value = value[1:]  # the quote `prs export` adds to neutralise a formula
        return value or None

    mark = text("original_mark")
    if mark is not None and not mark.isdigit():
        raise InputError(f"mark {mark!r} is not a whole number")
    private = (values.get("private_candidate") or "").strip().casefold()
    if private not in _YES | _NO:
        raise InputError(f"private {private!r} should be yes or no")
    released = text("results_released")
    return RequestInput(
        awarding_body=text("awarding_body"), qualification=text("qualification"), service=text("service"),
        component=text("component"), candidate=text("candidate"), name=text("name"), uci=text("uci"),
        private_candidate=private in _YES, series=text("series"), subject=text("subject"),
        original_mark=int(mark) if mark is not None else None, original_grade=text("original_grade"),
        fee=text("fee"), note=text("note"), late_reason=text("late_reason"),
        results_released=parse_date(released, "results released") if released else None,
    )
