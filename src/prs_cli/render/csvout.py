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
    kind = type(value)
    if kind is str:  # most cells: checked without the general conversions below
        text = value
    elif kind is bool:
        return "yes" if value else "no"
    else:
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


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Owner-only and atomic (files.open_private); UTF-8 with a byte-order mark so that
    spreadsheets read accented names correctly. Rows are written as they come, so a large
    log is never held whole; returns how many rows were written."""
    from prs_cli.files import open_private

    count = 0
    with open_private(path, encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow(map(safe_cell, row))
            count += 1
    return count
