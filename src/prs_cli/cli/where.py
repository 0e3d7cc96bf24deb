"""`prs paths`: where every file prs uses lives, for backups and for moving to a new computer."""

from __future__ import annotations

import typer

from prs_cli.cli import common


def paths(
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Where prs keeps its files: settings, database, cache and your own calendar folder."""
    from prs_cli import paths as where

    found = {
        "config": where.config_path(),
        "database": where.database_path(db),
        "cache": where.cache_dir(),
        "data_dir": where.user_data_dir(data_dir),
    }
    if json:
        common.print_json({key: str(value) if value is not None else None for key, value in found.items()})
        return
    from prs_cli.render.console import fill, width

    room = width()
    for label, key, keep in (
        ("Settings", "config", "back it up"),
        ("Database", "database", "back it up with 'prs backup FILE'"),
        ("Cache", "cache", "rebuilt when missing; no need to back it up"),
        ("Your calendar files", "data_dir", "back them up"),
    ):
        value = found[key]
        if value is None:
            typer.echo(fill(f"{label}: none (PRS_DATA_DIR or --data-dir names a folder of your own calendar files)", room))
            continue
        typer.echo(fill(f"{label}: {'exists' if value.exists() else 'not created yet'}; {keep}", room))
        typer.echo(f"  {value}")  # whole on its own line, to copy: a path is never broken
