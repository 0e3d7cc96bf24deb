"""The tracking log as an Excel workbook, so that the spreadsheet can be retired.

openpyxl is imported here only, by `prs export --xlsx`. Candidate numbers, centre numbers and
every other code are text (Excel keeps the leading zeros of 0042), dates are dates, fees are
money; each sheet has a frozen header row and filters. Text that Excel would run as a formula
(starting = + - @) is stored as text, marked so that editing the cell keeps it text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from prs_cli.render.csvout import FORMULA_START

DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
MONEY_FORMAT = '"£"#,##0.00'
TEXT_FORMAT = "@"

CONSENT_COLUMNS = (
    "consent_id", "candidate_number", "series", "given_on", "given_at", "method", "given_by_candidate", "covers",
    "acknowledged_outcomes", "classroom_use", "anonymise", "requests", "recorded_on", "keep_until", "purged_on",
)


def consent_row(consent, retention) -> tuple:
    """One consent under CONSENT_COLUMNS (service.export: the consent and its Retention, None
    once purged); no free text (the note, who else signed)."""
    return (
        consent.id, consent.candidate, consent.series, consent.given_on, consent.given_at, consent.method,
        consent.from_candidate, ", ".join(consent.covers), consent.acknowledged_outcomes,
        consent.classroom_use, consent.anonymise,
        ", ".join(map(str, retention.covered if retention else consent.requests)) or None,
        consent.recorded_at.date() if consent.recorded_at else None,
        retention.keep_until.date if retention and retention.keep_until else None,
        consent.purged_at.date() if consent.purged_at else None,
    )


_WIDE = {"candidate_name": 28, "subject": 20, "note": 40, "late_reason": 30, "closed_reason": 30, "covers": 16,
         "requests": 16, "qualification": 14, "series": 14, "board_reference": 16}


def write_xlsx(path: Path, columns: Sequence[str], rows: Iterable[Sequence], consents: Iterable[Sequence],
               *, centre_number: str | None, centre_name: str | None, written_on: date,
               money: Sequence[str] = ("fee",)) -> tuple[int, int]:
    """Write the workbook (owner-only and atomic, files.private_file): a Requests sheet of
    `rows` under `columns`, a Consents sheet of `consents` under CONSENT_COLUMNS (dates,
    method, what each covers and keep-until: no free text) and an About sheet with the centre.
    Rows are streamed (openpyxl's write-only mode). Returns (requests, consents) written."""
    from openpyxl import Workbook

    from prs_cli.files import private_file

    book = Workbook(write_only=True)
    requests = _sheet(book, "Requests", columns, rows, money=set(money))
    consents_written = _sheet(book, "Consents", CONSENT_COLUMNS, consents, money=set())
    about = book.create_sheet("About")
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 40
    for label, value in (("centre_number", centre_number), ("centre_name", centre_name), ("written_on", written_on),
                         ("requests", requests), ("consents", consents_written)):
        about.append([_cell(about, label, False), _cell(about, value, False)])
    with private_file(path) as name:
        book.save(str(name))
    return requests, consents_written


def _sheet(book, title: str, columns: Sequence[str], rows: Iterable[Sequence], *, money: set[str]) -> int:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDE.get(name, max(11, len(name) + 2))
    sheet.append([_cell(sheet, name, False) for name in columns])
    is_money = [name in money for name in columns]
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value, as_money) for value, as_money in zip(row, is_money)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _cell(sheet, value, money: bool):
    """One cell: text stays text (never a number, date or formula), dates are dates, a fee is
    money, yes/no for true/false (as in the CSV export), ids and marks are numbers."""
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if money:
        try:
            cell = WriteOnlyCell(sheet, value=Decimal(str(value)))
        except InvalidOperation:  # not an amount (imported as typed): kept as the text it is
            return _text(sheet, str(value))
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, bool):
        return _text(sheet, "yes" if value else "no")
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = MOMENT_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int):
        return value
    return _text(sheet, str(value))


def _text(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub(" ", text))  # control characters Excel refuses
    cell.data_type = "s"  # openpyxl reads a leading = as a formula: this is text, whatever it starts with
    cell.number_format = TEXT_FORMAT
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell
