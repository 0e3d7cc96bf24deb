"""Every past schema migrates to the current one with nothing lost.

tests/fixtures/schema_v1.sql to schema_v4.sql are databases as past prs versions wrote them
(tests/fixtures/make_schema_fixtures.py says how they were made): every request, consent, tie
and event in them must come through each migration unchanged, the triggers schema 3 made must
go, the schema must be exactly a new database's, and the agenda keys and tally (schema 4's
computed by an older version of the rules) must be what a rebuild by the current rules gives.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from prs_cli.rules.agenda import AGENDA_RULES_VERSION
from prs_cli.service import agenda_keys
from prs_cli.store import agenda as store
from prs_cli.store.db import SCHEMA_VERSION, connect, transaction

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = ("requests", "consents", "consent_requests", "events")
DERIVED = {"dates_key", "consent_key"}  # computed from the rest: rebuilt, not kept


def load(version: int, path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.close()


def rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple]:
    return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def logged(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns that hold what the officer logged (not derived)."""
    return [name for name in columns(conn, table) if name not in DERIVED]


def schema(conn: sqlite3.Connection) -> dict:
    """Every table's columns and every index's and trigger's name and definition: what the code
    relies on (a unique index's columns decide what is a duplicate)."""
    names = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    return {"objects": names, "columns": {name: columns(conn, name) for kind, name, _ in names if kind == "table"}}


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_each_past_schema_migrates_with_nothing_lost(tmp_path, version):
    old = tmp_path / "old.sqlite3"
    load(version, old)
    before = sqlite3.connect(old)
    kept = {table: (logged(before, table), rows(before, table, logged(before, table))) for table in TABLES}
    assert all(kept[table][1] for table in TABLES)  # the fixture has rows in every table
    before.close()

    conn = connect(old)  # migrates
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    for table, (names, data) in kept.items():
        assert rows(conn, table, names) == data, table  # every row and field as it was
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 0
    assert store.rules_version(conn, agenda_keys.DERIVED) != AGENDA_RULES_VERSION  # not yet computed by these rules
    agenda_keys.ensure_current(conn)  # as the agenda and the consent audit do before reading the tally
    assert store.rules_version(conn, agenda_keys.DERIVED) == AGENDA_RULES_VERSION
    migrated = schema(conn)
    keys = conn.execute("SELECT id, dates_key, consent_key FROM requests ORDER BY id").fetchall()
    tally = conn.execute("SELECT * FROM agenda_tally ORDER BY key").fetchall()
    assert tally and any(dates for _, dates, _ in keys)
    with transaction(conn):  # a fresh count by the current rules gives the same keys and tally
        agenda_keys.rebuild(conn)
    assert conn.execute("SELECT id, dates_key, consent_key FROM requests ORDER BY id").fetchall() == keys
    assert conn.execute("SELECT * FROM agenda_tally ORDER BY key").fetchall() == tally
    conn.close()

    fresh = connect(tmp_path / "new.sqlite3")
    assert migrated == schema(fresh)  # the same tables, columns, indexes as a new database
    fresh.close()


def test_schema_5_keeps_decisions_and_resits_and_the_keys_are_recounted(tmp_path):
    # Schema 5 (issue 11): an appeal against a decision keeps the decision's day (decided_on); a
    # Cambridge English re-sit (another results release) is a new request, not a duplicate
    # (items 14, 18). The rules' version changed with it, so schema 4's keys are counted afresh:
    # the moderation sample (request 5, no candidate) needs no candidate consent (item 2).
    path = tmp_path / "old.sqlite3"
    load(4, path)
    conn = connect(path)
    assert conn.execute("SELECT consent_key IS NOT NULL FROM requests WHERE id = 5").fetchone() == (1,)  # rules version 1's
    agenda_keys.ensure_current(conn)
    assert conn.execute("SELECT consent_key FROM requests WHERE id = 5").fetchone() == (None,)
    columns_of_8 = logged(conn, "requests")
    resit = dict(zip(columns_of_8, conn.execute(f"SELECT {', '.join(columns_of_8)} FROM requests WHERE id = 8").fetchone()))
    resit.update(id=9, results_released="2026-11-20")
    with transaction(conn):
        conn.execute(f"INSERT INTO requests ({', '.join(resit)}) VALUES ({', '.join('?' for _ in resit)})", list(resit.values()))
        with pytest.raises(sqlite3.IntegrityError):  # the same release again is still a duplicate
            conn.execute(f"INSERT INTO requests ({', '.join(resit)}) VALUES ({', '.join('?' for _ in resit)})",
                         list({**resit, "id": 10}.values()))
    conn.close()


def test_migrations_are_literal_text():
    # Frozen migrations: no f-string and no module constant, so what a migration does can only
    # change by editing the migration itself.
    import ast
    import inspect
    import textwrap

    from prs_cli.store import db

    for migration in db.MIGRATIONS:
        tree = ast.parse(textwrap.dedent(inspect.getsource(migration)))
        assert not [node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)], migration.__name__
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert not names & set(vars(db)) - {"sqlite3"}, migration.__name__


# Released migrations, as released (schema 3 with its one deliberate edit: see its docstring).
# Add each new migration's digest here when it is released; never change one.
RELEASED = {
    "_v1_initial": "26d7e673251c90f6dae28d0e3e73180161fd71143e356fe6d42a9cb4a91fc94f",
    "_v2_agenda_indexes": "8365815e8fc6062b32e8f5e53de2359bff1502a4c17892c836c1ae775c91fe06",
    "_v3_agenda_tally": "31a444958089092efa87b209a5c31de79eec96aa930239b08a210e0ef0cd1281",
}


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_released_migrations_never_change(name):
    import hashlib
    import inspect

    from prs_cli.store import db

    source = inspect.getsource(getattr(db, name))
    assert hashlib.sha256(source.encode()).hexdigest() == RELEASED[name]
