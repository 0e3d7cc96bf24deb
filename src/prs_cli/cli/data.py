"""`prs data check`: validate calendar files before relying on them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

app = common.group("Check the calendar files.")


@app.command("check")
def check(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Files to check; default: the calendar in force.")] = None,
    data_dir: common.DataDir = None,
) -> None:
    """Validate calendar YAML files; each mistake is reported as file:line:column."""
    from prs_cli.calendar.load import check_files

    from prs_cli.render.text import visible

    for line in check_files(list(files or []), data_dir):
        typer.echo(visible(line))
