"""Issue 13, items 9 and 13: `prs paths` says where every file lives; `prs backup FILE` writes
a consistent, owner-only copy of the database even while another prs is writing to it."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time



def test_paths_names_every_file_prs_uses(cli, prs_home, own_cache, tmp_path):
    answer = json.loads(cli("paths", "--json").stdout)
    assert answer == {"config": str(prs_home / "config.yaml"), "database": str(prs_home / "prs.sqlite3"),
                      "cache": str(own_cache), "data_dir": None}
    moved = tmp_path / "elsewhere-cache"
    assert json.loads(cli("paths", "--json", env={"PRS_CACHE_DIR": str(moved)}).stdout)["cache"] == str(moved)
    mine = tmp_path / "calendar"
    answer = json.loads(cli("paths", "--json", "--db", str(tmp_path / "elsewhere.sqlite3"),
                            env={"PRS_DATA_DIR": str(mine)}).stdout)
    assert (answer["database"], answer["data_dir"]) == (str(tmp_path / "elsewhere.sqlite3"), str(mine))
    text = cli("paths", env={"COLUMNS": "80"}).stdout
    assert text.splitlines()[2:4] == ["Database: not created yet; back it up with 'prs backup FILE'",
                                      f"  {prs_home / 'prs.sqlite3'}"]
    assert text.splitlines()[-2:] == ["Your calendar files: none (PRS_DATA_DIR or --data-dir names a folder of your own",
                                     "calendar files)"]  # wrapped at 80 columns


def add(cli, candidate: str, component: str = "7042/1"):
    result = cli("request", "add", "--candidate", candidate, "--name", "Zoë Quill", "--ab", "AQA", "-q", "gce-a-level",
                 "--component", component, "--service", "S2", "--series", "june-2026", "--today", "2026-08-14")
    assert result.exit_code == 0, result.stderr


def test_backup_writes_an_owner_only_copy_that_prs_reads(cli, prs_home, tmp_path):
    add(cli, "0042")
    target = tmp_path / "backup.sqlite3"
    result = cli("backup", str(target), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"backup": str(target), "database": str(prs_home / "prs.sqlite3"),
                                         "requests": 1, "consents": 0, "bytes": target.stat().st_size}
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["backup.sqlite3", "prs-home"]  # no temporary left behind
    listed = json.loads(cli("request", "list", "--json", "--db", str(target)).stdout)
    assert [(r["candidate"], r["name"]) for r in listed] == [("0042", "Zoë Quill")]
    add(cli, "0043")
    again = cli("backup", str(target))  # a newer backup replaces the older one
    assert again.stdout.startswith("Backed up 2 requests and 0 consents from ")


def test_backup_refuses_the_database_itself_a_folder_and_no_database(cli, prs_home, tmp_path):
    assert cli("backup", str(tmp_path / "b.sqlite3")).stderr.startswith("Error: no database at ")
    add(cli, "0042")
    database = prs_home / "prs.sqlite3"
    before = database.read_bytes()
    for target in (database, prs_home / "." / "prs.sqlite3", prs_home / "prs.sqlite3-journal"):
        result = cli("backup", str(target))
        assert (result.exit_code, result.stderr) == (2, f"Error: {target} is the database itself; name another file for the backup\n")
    os.symlink(database, tmp_path / "link.sqlite3")
    assert "is the database itself" in cli("backup", str(tmp_path / "link.sqlite3")).stderr
    assert cli("backup", str(tmp_path)).stderr.startswith(f"Error: {tmp_path} is a folder; name the backup file")
    assert cli("backup", "", "--db", "").stderr == "Error: . is a folder, not a prs database\n"
    assert database.read_bytes() == before
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = cli("backup", str(tmp_path / "b.sqlite3"), "--db", str(other))
    assert (result.exit_code, result.stderr) == (2, f"Error: {other} is not a prs database; nothing was backed up\n")
    assert not (tmp_path / "b.sqlite3").exists()


WRITER = """
import sys
from prs_cli.records import RequestRecord
from prs_cli.store.db import connect
from pathlib import Path
path = Path(sys.argv[1])
from prs_cli.store.requests import Requests
repo = Requests(connect(path), path)
batch = 0
print("ready", flush=True)
while True:
    batch += 1
    repo.add_many([RequestRecord(id=0, status="draft", series="june-2026", awarding_body="AQA",
                                 qualification="gce-a-level", service="S2", component=f"B{batch}-{n}",
                                 candidate="0042", name="Zoë Quill") for n in range(25)], by="writer")
"""


def test_backup_while_another_prs_writes_is_consistent(cli, prs_home, tmp_path):
    """The writer adds 25 requests per transaction: every copy must hold a whole number of
    batches (never half a transaction) and pass SQLite's integrity check."""
    add(cli, "0001")
    database = prs_home / "prs.sqlite3"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "ready\n"
        counts = []
        deadline = time.monotonic() + 60
        while len(set(counts)) < 3 and time.monotonic() < deadline:
            target = tmp_path / f"copy{len(counts)}.sqlite3"
            result = cli("backup", str(target), "--json")
            assert result.exit_code == 0, result.stderr
            copy = sqlite3.connect(target)
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            requests = copy.execute("SELECT count(*) FROM requests").fetchone()[0]
            events = copy.execute("SELECT count(*) FROM events").fetchone()[0]
            copy.close()
            assert (requests - 1) % 25 == 0 and json.loads(result.stdout)["requests"] == requests
            assert events >= requests  # each request's own history line came with it
            counts.append(requests)
    finally:
        writer.kill()
        writer.wait()
    assert len(set(counts)) >= 3 and counts == sorted(counts)  # the writer was really writing meanwhile
