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
    from prs_cli.render import sources as render
    from prs_cli.service.calendar import sources as cited

    rows = cited(common.calendar(data_dir))
    if json:
        common.print_json([render.record(row) for row in rows])
        return
    render.sources_table(rows)
