"""The database file itself: owner-only, migrated in order, refused when damaged or newer."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from prs_cli.errors import StorageError
from prs_cli.store import db


def test_created_owner_only_and_migrated(tmp_path):
    path = tmp_path / "deep" / "prs.sqlite3"
    conn = db.connect(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_not_created_when_asked_not_to(tmp_path):
    with pytest.raises(StorageError, match="no database"):
        db.connect(tmp_path / "missing.sqlite3", create=False)


def test_a_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "prs.sqlite3"
    db.connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 5}")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer prs") as caught:
        db.connect(path)
    assert "was not changed" in caught.value.message
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "prs.sqlite3"
    path.write_text("candidate,name\n1234,Somebody\n" * 50)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="damaged or is not a prs database") as caught:
        db.connect(path)
    assert "Somebody" not in caught.value.message
    assert path.read_bytes() == before


def test_a_corrupt_database(tmp_path):
    path = tmp_path / "prs.sqlite3"
    conn = db.connect(path)
    with db.transaction(conn):
        for i in range(200):
            conn.execute(
                "INSERT INTO requests (status, awarding_body, qualification, service, component, created_at)"
                " VALUES ('draft','AQA','gcse','S1',?, '2026-08-20T09:00:00')",
                (f"C{i}",),
            )
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # wipe the first page's schema
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StorageError, match="damaged"):
        db.connect(path)
    assert path.read_bytes() == before


def test_a_folder_in_place_of_the_file(tmp_path):
    (tmp_path / "prs.sqlite3").mkdir()
    with pytest.raises(StorageError, match="is a folder"):
        db.connect(tmp_path / "prs.sqlite3")


def test_read_only_folder(tmp_path, monkeypatch):
    # Simulated: tests may run as root, who can write anywhere.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(db.os, "open", refuse)
    with pytest.raises(StorageError, match=r"cannot create the database .*\(Permission denied\)"):
        db.connect(tmp_path / "prs.sqlite3")


def test_full_disk_is_one_sentence(tmp_path):
    conn = db.connect(tmp_path / "prs.sqlite3")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    with pytest.raises(StorageError, match="disk holding the database is full; nothing was saved"):
        with db.transaction(conn):
            for i in range(500):
                conn.execute(
                    "INSERT INTO requests (status, awarding_body, qualification, service, component, created_at)"
                    " VALUES ('draft','AQA','gcse','S1',?, '2026-08-20T09:00:00')",
                    (f"component {i} " + "x" * 200,),
                )
    conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    assert conn.execute("SELECT count(*) FROM requests").fetchone()[0] == 0


def test_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "prs.sqlite3"
    db.connect(path).close()
    released = db.SCHEMA_VERSION

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, broken])
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(db.MIGRATIONS))
    with pytest.raises(StorageError):
        db.connect(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == released
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    raw.close()


def test_locked_database_waits_then_says_busy(tmp_path, monkeypatch):
    monkeypatch.setenv("PRS_BUSY_TIMEOUT", "0.2")
    path = tmp_path / "prs.sqlite3"
    holder = db.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        other = db.connect(path)
        with pytest.raises(StorageError, match="busy"):
            with db.transaction(other):
                pass
        other.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_transaction_rolls_back_on_error(tmp_path):
    conn = db.connect(tmp_path / "prs.sqlite3")
    with pytest.raises(RuntimeError):
        with db.transaction(conn):
            conn.execute(
                "INSERT INTO requests (status, awarding_body, qualification, service, component, created_at)"
                " VALUES ('draft','AQA','gcse','S1','8300/1H','2026-08-20T09:00:00')"
            )
            raise RuntimeError("interrupted")
    assert conn.execute("SELECT count(*) FROM requests").fetchone()[0] == 0


def test_an_older_database_is_migrated_in_order_keeping_its_rows(tmp_path, monkeypatch):
    path = tmp_path / "prs.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:1])
        patch.setattr(db, "SCHEMA_VERSION", 1)
        old = db.connect(path)
        with db.transaction(old):
            old.execute(
                "INSERT INTO requests (status, awarding_body, qualification, service, component, created_at)"
                " VALUES ('draft','AQA','gcse','S1','8300/1H','2026-08-20T09:00:00')"
            )
        old.close()
    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION >= 3
    assert conn.execute("SELECT component FROM requests").fetchall() == [("8300/1H",)]
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"requests_follows", "agenda_tally_by_status"} <= indexes and "requests_agenda" not in indexes  # v2, v3
    from prs_cli.service.agenda_keys import ensure_current

    ensure_current(conn)  # the agenda counts the old rows by the rules before it first reads the tally
    # the draft's deadline; it names no candidate, so it needs no candidate consent (seed:000:
    # consent is the candidate's) and has no consent key
    assert conn.execute("SELECT part, requests, ids FROM agenda_tally ORDER BY part").fetchall() == [("dates", 1, "1")]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
