"""`prs backup`: a consistent copy of the database, safe to take while prs is in use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prs_cli.cli import common


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (owner-only; an older backup there is replaced).", metavar="FILE")],
    db: common.Db = None,
    json: common.Json = False,
) -> None:
    """Copy the database to FILE, consistent even while others are writing to it."""
    from prs_cli.service.backup import backup as copy

    database = common.database(db)
    done = copy(database, file)
    if json:
        common.print_json({"backup": str(done.path), "database": str(database.path), "requests": done.requests,
                           "consents": done.consents, "bytes": done.size})
        return
    from prs_cli.render.console import fill, width

    typer.echo(fill(f"Backed up {done.requests} requests and {done.consents} consents from {database.path} to {done.path}.", width()))
