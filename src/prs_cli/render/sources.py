"""`prs data sources` for people (a table) and for scripts (JSON)."""

from __future__ import annotations


def record(row) -> dict:
    """One source as `prs data sources --json` prints it (service.calendar.SourceRow)."""
    return row._asdict()


def sources_table(rows) -> None:
    from rich.table import Table
    from rich.text import Text

    from prs_cli.render.console import console, table_box

    out = console()
    table = Table(title="Sources of the calendar's facts", title_justify="left", box=table_box(out))
    table.add_column("Key", no_wrap=True)
    table.add_column("Source", overflow="fold")  # an address is one long word: folded, never cut
    for row in rows:
        text = Text(f"{row.title} ({row.publisher}, read {row.read})")
        text.append("\n" + (row.address or "no public address: a document supplied to the project"), style="dim")
        if row.note:
            text.append("\n" + row.note, style="dim")
        table.add_row(row.key, text)
    out.print(table)
