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
MAX_BYTES = 16 * 1024 * 1024  # some 100,000 rows: more than any centre's season
# A valid UTF-8 sequence of two to four bytes (RFC 3629). A file holding one is UTF-8 with a
# damaged byte, never Windows-1252, whose accented letters do not form such sequences.
_UTF8_MULTIBYTE = __import__("re").compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def _folded(header: str) -> str:
    import re

    return re.sub(r"[^0-9a-z]+", " ", header.strip().casefold()).strip()


class Table(NamedTuple):
    """A CSV file read: its rows (line number, {field: text}), the header as read (the columns
    used, as (header as written, field), and those ignored) and the encoding it was read in."""

    rows: list[tuple[int, dict[str, str]]]
    used: list[tuple[str, str]]
    ignored: list[str]
    encoding: str  # "UTF-8", or "Windows-1252" for a file with no UTF-8 in it


def _decode(file: Path, raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8; or Windows-1252 (Excel's plain "CSV") only when the file holds no
    UTF-8 sequence at all. A file that is partly UTF-8 is refused, naming the line, rather than
    turned into mojibake (every "ë" read as "Ã«")."""
    from prs_cli.errors import InputError

    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        if _UTF8_MULTIBYTE.search(raw) is None:
            try:
                return raw.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                pass
        raise InputError(
            f"{file}:{line}: not UTF-8 text (a byte there is not part of any character); "
            "save the file as 'CSV UTF-8' and import it again"
        ) from None


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
    from prs_cli.files import read_at_most

    try:
        raw = read_at_most(file, MAX_BYTES)
    except FileNotFoundError:
        raise InputError(f"no file {file}") from None
    except IsADirectoryError:
        raise InputError(f"{file} is a folder, not a CSV file") from None
    except OSError as exc:
        raise InputError(f"cannot read {file} ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"{file} is larger than {MAX_BYTES // 2**20} MB, more than a season's requests; nothing was imported")
    text, encoding = _decode(file, raw)
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
    return Table(rows, [(header[i].strip(), key) for i, key in fields.items()], ignored, encoding)


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
    if mark is not None and not __import__("re").fullmatch(r"[0-9]{1,5}", mark):
        problems.append(("original_mark", "not a whole number from 0 to 99,999"))
    private = (values.get("private_candidate") or "").strip().casefold()
    if private not in _YES | _NO:
        problems.append(("private_candidate", "should be yes or no"))
    released = text("results_released")
    released_on = None
    if released:
        try:
            released_on = parse_date(released, "results released")
        except InputError:
            problems.append(("results_released", "not a date in the form DD/MM/YYYY or YYYY-MM-DD"))
    if problems:
        return None, problems
    return RequestInput(
        awarding_body=text("awarding_body"), qualification=text("qualification"), service=text("service"),
        component=text("component"), candidate=text("candidate"), name=text("name"), uci=text("uci"),
        private_candidate=private in _YES, series=text("series"), subject=text("subject"),
        original_mark=int(mark) if mark is not None else None, original_grade=text("original_grade"),
        fee=text("fee"), note=text("note"), late_reason=text("late_reason"), results_released=released_on,
    ), []
