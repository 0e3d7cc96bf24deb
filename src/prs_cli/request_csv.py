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
MAX_BYTES = 16 * 1024 * 1024  # some 100,000 rows: more than any centre's season
# A valid UTF-8 sequence of two to four bytes (RFC 3629). A file holding one is UTF-8 with a
# damaged byte, never Windows-1252, whose accented letters do not form such sequences.
_UTF8_MULTIBYTE = __import__("re").compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


class Rows(list):
    """The rows read: (line number, {field: text}), with the header each field came from
    (`headers`, for messages that name the column) and the encoding the file was read in."""

    headers: dict[str, str]
    encoding: str


_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def _folded(header: str) -> str:
    import re

    return re.sub(r"[\s_.\-]+", " ", header.strip().casefold()).strip()


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


def read_rows(file: Path) -> Rows:
    """(line number, {field: text}) for every non-blank row; unknown columns are ignored."""
    return read_table(file, _ALIASES, ("service", "component"))


def read_table(file: Path, aliases: dict[str, str], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {field: text}) for every non-blank row of a CSV file whose header names
    fields through `aliases` (folded header -> field); the `required` fields must have a column.
    Shared by every CSV prs reads (requests, results, grade boundaries)."""
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
    rows = Rows()
    rows.headers, rows.encoding = {}, encoding
    for index, column in enumerate(header):
        key = aliases.get(_folded(column))
        if key is None:
            continue
        if key in fields.values():
            raise InputError(f"{file}:1: two columns give the {key.replace('_', ' ')} (one is {column!r})")
        fields[index] = key
        rows.headers[key] = column.strip()
    missing = [k.replace("_", " ") for k in required if k not in fields.values()]
    if missing:
        raise InputError(f"{file}:1: no {' or '.join(missing)} column in the header")
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((line, {key: values[i] if i < len(values) else "" for i, key in fields.items()}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{file}:{reader.line_num}: not readable as CSV ({exc})") from None
    return rows


def problem(file: Path, line: int, error, headers: dict[str, str]) -> str:
    """FILE:LINE: what is wrong with one row, never quoting a cell (it may hold a name in the
    wrong column): the column's header and what it should hold, or the rule's own sentence
    (codes and dates only) when the row as a whole is refused."""
    field = getattr(error, "field", None)
    expected = getattr(error, "expected", None)
    if field is not None and expected is not None:
        column = headers.get(field)
        where = f"column {column!r}" if column else f"no column gives the {field.replace('_', ' ')}; it"
        return f"{file}:{line}: {where} should hold {expected}"
    return f"{file}:{line}: {error.message}" + (f"; {error.hint}" if error.hint else "")


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

    import re

    mark = text("original_mark")
    if mark is not None and not re.fullmatch(r"[0-9]{1,5}", mark):
        raise InputError("the mark is not a whole number", field="original_mark", expected="a whole number from 0 to 99,999")
    private = (values.get("private_candidate") or "").strip().casefold()
    if private not in _YES | _NO:
        raise InputError("private should be yes or no", field="private_candidate", expected="yes or no")
    released = text("results_released")
    if released is not None:
        try:
            released_on = parse_date(released, "results released")
        except InputError as error:
            error.field, error.expected = "results_released", "a date written YYYY-MM-DD"
            raise
    return RequestInput(
        awarding_body=text("awarding_body"), qualification=text("qualification"), service=text("service"),
        component=text("component"), candidate=text("candidate"), name=text("name"), uci=text("uci"),
        private_candidate=private in _YES, series=text("series"), subject=text("subject"),
        original_mark=int(mark) if mark is not None else None, original_grade=text("original_grade"),
        fee=text("fee"), note=text("note"), late_reason=text("late_reason"),
        results_released=released_on if released else None,
    )
