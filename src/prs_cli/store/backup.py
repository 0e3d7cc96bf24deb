"""A consistent copy of the database, taken while others may be writing to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from prs_cli.errors import InputError, StorageError


class Backup(NamedTuple):
    path: Path
    requests: int
    consents: int
    size: int  # bytes


def backup(database: Path, target: Path) -> Backup:
    """Copy `database` to `target` with SQLite's online backup API: one snapshot, taken under
    a read lock (a writer mid-transaction is waited for, never copied half-done), written to
    an owner-only file beside `target` that replaces it only once the copy is whole and passes
    SQLite's quick check. Refuses to write over the database itself (or its journal)."""
    from prs_cli.files import private_file
    from prs_cli.store.db import TABLES, busy_timeout, storage_error

    if not database.exists():
        raise StorageError(f"no database at {database} yet; nothing to back up")
    if database.is_dir():
        raise StorageError(f"{database} is a folder, not a prs database")
    if any(_same_file(own, target) for own in (database, database.with_name(database.name + "-journal"))):
        raise InputError(f"{target} is the database itself; name another file for the backup")
    if target.is_dir():
        raise InputError(f"{target} is a folder; name the backup file, for example {target / 'prs-backup.sqlite3'}")
    try:
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout())
    except sqlite3.Error as exc:
        raise storage_error(exc, database) from None
    try:
        found = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not TABLES <= found:
            raise StorageError(f"{database} is not a prs database; nothing was backed up")
        with private_file(target) as name:
            copy = sqlite3.connect(name)
            try:
                source.backup(copy)
                if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise StorageError(f"the copy of {database} failed SQLite's check; nothing was written")
                requests = copy.execute("SELECT count(*) FROM requests").fetchone()[0]
                consents = copy.execute("SELECT count(*) FROM consents").fetchone()[0]
            finally:
                copy.close()
    except sqlite3.Error as exc:
        raise storage_error(exc, database) from None
    finally:
        source.close()
    return Backup(target, requests, consents, target.stat().st_size)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False
