"""The database a command works on, opened only when a service first needs it."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


class Database:
    """The log's SQLite file at `path`. Services decide whether a command may create it and what
    "no database yet" means (for a report: nothing logged), and open it when they reach it, so a
    command finds a mistake in its own input before it touches the file."""

    def __init__(self, path: Path):
        self.path = path
        self._conn = None

    def exists(self) -> bool:
        return self.path.exists()

    def connection(self, *, create: bool = False):
        """The migrated, owner-only connection (created when `create` and missing)."""
        if self._conn is None:
            from prs_cli.store.db import connect

            self._conn = connect(self.path, create=create)
        return self._conn

    def requests(self, *, create: bool = False, as_of=None):
        """The request log's repository (store.requests.Requests). `as_of`: for a change, the day
        the officer said it is (--today), which the audit trail records when it is not the real day."""
        from prs_cli.store.requests import Requests

        return Requests(self.connection(create=create), self.path, as_of=as_of)

    @contextmanager
    def writing(self, *, say_where: bool = True):
        """One write transaction (BEGIN IMMEDIATE ... COMMIT) around every store call of a
        change, so all of it lands or none; the store's own transactions join it. `say_where`:
        name the file in an error (the consent store's sentences never have)."""
        from prs_cli.store.db import transaction

        with transaction(self.connection(), self.path if say_where else None) as conn:
            yield conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
