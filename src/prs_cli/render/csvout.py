"""CSV that is safe to open in a spreadsheet: cells that a spreadsheet would run as a formula
are neutralised with a leading single quote (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for one cell: None is empty, booleans are yes/no, formulas are made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Owner-only and atomic (files.write_private); UTF-8 with a byte-order mark so that
    spreadsheets read accented names correctly."""
    from prs_cli.files import write_private

    write_private(path, to_csv(header, rows), encoding="utf-8-sig")
