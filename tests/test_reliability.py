"""Results day with several staff: concurrent writers, killed processes, nothing lost or doubled."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from prs_cli.calendar.load import load_calendar
    from prs_cli.errors import Refused
    from prs_cli.rules.intake import RequestInput, prepare_request
    from prs_cli.store.db import connect
    from prs_cli.store.requests import Requests

    worker, count, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    calendar = load_calendar(None)
    repo = Requests(connect(__import__("pathlib").Path(path)))
    added = refused = 0
    for n in range(count):
        # every worker also tries the one component all of them want: exactly one may land
        component = "SHARED/1" if n == 0 else f"W{worker}/{n}"
        given = RequestInput(awarding_body="AQA", qualification="gcse", service="S2", component=component,
                             candidate="1234", name="Test Candidate", series="june-2026")
        record = prepare_request(calendar, given, today=date(2026, 8, 21), by=f"worker{worker}").record
        try:
            repo.add(record, by=f"worker{worker}")
            added += 1
        except Refused:
            refused += 1
    print(added, refused)
    """
)


def test_eight_writers_a_hundred_each(tmp_path, prs_home):
    """8 x 100 adds at once: every one lands, none twice, the shared one exactly once, no
    'database is locked' (writers wait for each other)."""
    db = tmp_path / "prs.sqlite3"
    env = {**os.environ, "PRS_HOME": str(prs_home), "PRS_BUSY_TIMEOUT": "30"}
    subprocess.run([sys.executable, "-c", "from prs_cli.calendar.load import load_calendar; load_calendar(None)"], env=env, check=True)
    workers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(w), "100", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in range(8)
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _, err in outputs]
    assert all("locked" not in err for _, err in outputs)
    added = sum(int(out.split()[0]) for out, _ in outputs)
    refused = sum(int(out.split()[1]) for out, _ in outputs)
    assert (added, refused) == (793, 7)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT component) FROM requests").fetchone() == (793, 793)
    assert conn.execute("SELECT count(*) FROM requests WHERE component = 'SHARED/1'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM events WHERE action = 'added'").fetchone()[0] == 793
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_eight_cli_processes_at_once(tmp_path, prs_home):
    env = {**os.environ, "PRS_HOME": str(prs_home), "PRS_TODAY": "2026-08-21"}
    subprocess.run([sys.executable, "-m", "prs_cli", "deadlines", "--json"], env=env, check=True, capture_output=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "prs_cli", "request", "add", "--candidate", f"{1000 + n}", "--ab", "OCR",
             "-q", "gcse", "--component", "J560/01", "--service", "S1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(8)
    ]
    results = [(p.communicate(timeout=60), p.returncode) for p in procs]
    assert [code for _, code in results] == [0] * 8, results
    assert sorted(int(out) for (out, _), _ in results) == list(range(1, 9))


def _import_file(path, rows: int) -> None:
    lines = ["candidate number,awarding body,qualification,component,service,series"]
    lines += [f"{n % 9000 + 1000:04d},AQA,gcse,C{n:05d},S1,june-2026" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("delay", [0.25, 0.5, 0.8, 1.2])
def test_killed_import_leaves_all_or_nothing(tmp_path, prs_home, delay):
    """SIGKILL at different moments of a 3,000-row import: the log holds all of it or none, and
    the database passes SQLite's integrity check."""
    csv_file = tmp_path / "big.csv"
    _import_file(csv_file, 3000)
    env = {**os.environ, "PRS_HOME": str(prs_home), "PRS_TODAY": "2026-08-21"}
    subprocess.run([sys.executable, "-m", "prs_cli", "deadlines"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "prs_cli", "request", "import", str(csv_file)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = prs_home / "prs.sqlite3"
    if not db.exists():
        return  # killed before it opened the database: nothing to check
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    migrated = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'requests'").fetchone()
    # killed between creating the (empty, owner-only) file and its first migration: an empty
    # database, which the next command migrates
    assert (conn.execute("SELECT count(*) FROM requests").fetchone()[0] if migrated else 0) in (0, 3000)
    conn.close()
    again = subprocess.run([sys.executable, "-m", "prs_cli", "request", "list", "--all", "--json"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and len(json.loads(again.stdout)) in (0, 3000)


SLOW_MIGRATION = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from prs_cli.store import db

    def slow(conn):
        conn.execute("CREATE TABLE extra (x)")
        conn.execute("INSERT INTO extra VALUES (1)")
        print("migrating", flush=True)
        time.sleep(30)

    db.MIGRATIONS = [*db.MIGRATIONS, slow]
    db.SCHEMA_VERSION = len(db.MIGRATIONS)
    db.connect(Path(sys.argv[1]))
    """
)


def test_killed_migration_leaves_the_database_as_it_was(tmp_path):
    from prs_cli.store import db as store

    path = tmp_path / "prs.sqlite3"
    store.connect(path).close()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_MIGRATION, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "migrating"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    conn = store.connect(path)  # the real prs opens it: hot journal rolled back
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_busy_database_is_a_sentence_not_a_traceback(tmp_path, prs_home, cli):
    """Another writer holds the lock longer than the wait: one sentence, exit 2, nothing written."""
    from prs_cli.store import db as store

    path = prs_home / "prs.sqlite3"
    holder = store.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("request", "add", "--candidate", "1234", "--ab", "AQA", "-q", "gcse", "--component", "8300/1H",
                     "--service", "S2", env={"PRS_BUSY_TIMEOUT": "0.3", "PRS_TODAY": "2026-08-21"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the database") and "busy" in result.stderr
    assert "1234" not in result.stderr
    assert sqlite3.connect(path).execute("SELECT count(*) FROM requests").fetchone()[0] == 0


def test_a_raw_sqlite_error_is_a_sentence_and_anything_else_is_not_swallowed(cli, monkeypatch):
    """The root command turns a database error no repository caught into one sentence (exit 2);
    it catches nothing else, so a bug is never dressed up as a storage problem."""
    from prs_cli.service import status

    def damaged(*args, **kwargs):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(status, "status", damaged)
    result = cli("status", "--series", "june-2026")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the database is damaged or is not a prs database")

    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(status, "status", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        cli("status", "--series", "june-2026")
