"""`prs data check` validates calendar files before relying on them; `prs data sources` lists
where every fact in them comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = common.group("Check the calendar files and list the sources of their facts.")


@app.command("check")
def check(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Files to check; default: the calendar in force.")] = None,
    data_dir: common.DataDir = None,
) -> None:
    """Validate calendar YAML files; each mistake is reported as file:line:column."""
    from prs_cli.calendar.load import check_files

    for line in check_files(list(files or []), data_dir):
        typer.echo(line)


@app.command("sources")
def sources(
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Every source the calendar cites: its key, title, publisher, address and when it was read."""
    cal = common.calendar(data_dir)
    rows = [
        {"key": key, "title": s.title, "publisher": s.publisher, "address": s.address, "read": s.read, "kind": s.kind, "note": s.note}
        for key, s in sorted(cal.sources.items(), key=lambda kv: kv[0].casefold())
    ]
    if json:
        common.print_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    from prs_cli.render.console import console

    table = Table(title="Sources of the calendar's facts", title_justify="left")
    table.add_column("Key", no_wrap=True)
    table.add_column("Source", overflow="fold")  # an address is one long word: folded, never cut
    for row in rows:
        text = Text(f"{row['title']} ({row['publisher']}, read {row['read']})")
        text.append("\n" + (row["address"] or "no public address: a document supplied to the project"), style="dim")
        if row["note"]:
            text.append("\n" + row["note"], style="dim")
        table.add_row(row["key"], text)
    console().print(table)
