"""The columns of a school's request form, read from CSV into requests as typed.

Reading only: every row is checked afterwards exactly as `prs request add` checks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

# The headers schools' request forms use (folded: lower case, punctuation as spaces), by field.
COLUMNS = {
    "candidate": ("candidate number", "candidate no", "cand no", "candidate", "cand number", "candidate num",
                  "cand num", "exam number", "exam no", "candidate exam number"),
    "name": ("candidate name", "name", "student name", "pupil name", "full name"),
    "uci": ("uci", "unique candidate identifier", "uci number"),
    "awarding_body": ("awarding body", "ab", "board", "exam board", "awarding organisation", "ao", "exam body"),
    "qualification": ("qualification", "level", "qualification level", "qual", "qualification type", "qual type"),
    "subject": ("subject", "subject title", "subject name"),
    "component": ("component", "unit", "paper", "component code", "unit code", "paper code", "component number",
                  "unit number", "paper number", "component no", "unit no", "paper no"),
    "service": ("service", "service code", "service requested", "service required", "request type",
                "type of request", "post results service", "prs service"),
    "series": ("series", "exam series"),
    "original_mark": ("original mark", "mark", "raw mark", "original raw mark"),
    "original_grade": ("original grade", "grade", "original result", "result"),
    "fee": ("fee", "fee £", "cost", "charge"),
    "note": ("note", "notes", "comments", "comment"),
    "private_candidate": ("private", "private candidate"),
    "late_reason": ("late reason",),
    "results_released": ("results released",),
}
_ALIASES = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def _folded(header: str) -> str:
    import re

    return re.sub(r"[^0-9a-z]+", " ", header.strip().casefold()).strip()


class Table(NamedTuple):
    """A CSV file read: its rows (line number, {field: text}), and the header as read: the
    columns used (header as written, field) and those ignored (header as written)."""

    rows: list[tuple[int, dict[str, str]]]
    used: list[tuple[str, str]]
    ignored: list[str]


def read_rows(file: Path) -> Table:
    """Every non-blank row of a request form; unknown columns are ignored (and named)."""
    return read_columns(file, _ALIASES, ("service", "component"))


def read_table(file: Path, aliases: dict[str, str], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {field: text}) for every non-blank row of a CSV file whose header names
    fields through `aliases` (folded header -> field); the `required` fields must have a column.
    Shared by every CSV prs reads (requests, results, grade boundaries)."""
    return read_columns(file, aliases, required).rows


def read_columns(file: Path, aliases: dict[str, str], required: tuple[str, ...]) -> Table:
    """read_table, with which columns were used and which ignored."""
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
    ignored: list[str] = []
    for index, column in enumerate(header):
        key = aliases.get(_folded(column))
        if key is None:
            if column.strip():
                ignored.append(column.strip())
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
    return Table(rows, [(header[i].strip(), key) for i, key in fields.items()], ignored)


def row_input(values: dict[str, str]):
    """The row as `prs request add` would be given it, or (None, problems): every cell that
    cannot be read, as (field, sentence), the sentence never quoting the cell."""
    from prs_cli.clock import parse_date
    from prs_cli.errors import InputError
    from prs_cli.render.csvout import FORMULA_START
    from prs_cli.rules import intake
    from prs_cli.rules.intake import RequestInput

    def text(key: str) -> str | None:
        value = values.get(key, "").strip()
        if value[:1] == "'" and value[1:2] in FORMULA_START:
            value = value[1:]  # the quote `prs export` adds to neutralise a formula
        return value or None

    problems: list[tuple[str, str]] = []
    checks = (("candidate", intake.check_candidate), ("uci", intake.check_uci), ("fee", intake.check_fee))
    for key, check in checks:
        if text(key) is not None:
            try:
                check(text(key))
            except InputError as error:
                problems.append((key, error.message if key != "fee" else "not an amount in pounds; write it like 43.45"))
    mark = text("original_mark")
    if mark is not None and not mark.isdigit():
        problems.append(("original_mark", "not a whole number"))
    private = (values.get("private_candidate") or "").strip().casefold()
    if private not in _YES | _NO:
        problems.append(("private_candidate", "should be yes or no"))
    released = text("results_released")
    released_on = None
    if released:
        try:
            released_on = parse_date(released, "results released")
        except InputError:
            problems.append(("results_released", "not a date in the form YYYY-MM-DD"))
    if problems:
        return None, problems
    return RequestInput(
        awarding_body=text("awarding_body"), qualification=text("qualification"), service=text("service"),
        component=text("component"), candidate=text("candidate"), name=text("name"), uci=text("uci"),
        private_candidate=private in _YES, series=text("series"), subject=text("subject"),
        original_mark=int(mark) if mark is not None else None, original_grade=text("original_grade"),
        fee=text("fee"), note=text("note"), late_reason=text("late_reason"), results_released=released_on,
    ), []
