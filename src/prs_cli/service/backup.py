"""`prs backup`: a consistent copy of the database, safe to take while prs is in use."""

from __future__ import annotations

from pathlib import Path

from prs_cli.service.database import Database


def backup(db: Database, target: Path):
    """Copy the database to `target` (owner-only, replacing an older backup there) with
    SQLite's backup API (store.backup); returns store.backup.Backup: the file, its requests,
    consents and size. Never opens the database for writing, so it never creates one."""
    from prs_cli.store.backup import backup as copy

    return copy(db.path, target)
