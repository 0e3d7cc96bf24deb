"""The fault suite (issue 12): prs stopped by SIGTERM or kill -9 in the middle of an export, an
import, a purge and a migration; writers racing on one request; hostile strings and paths.

Every wait is bounded: the processes that must be caught mid-way are held there by a lock
another connection keeps (so the test never depends on timing), with a short busy timeout.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

TODAY = "2026-08-14"
NAME = "Zara Quill"


def _env(prs_home, **extra) -> dict:
    return {**os.environ, "PRS_HOME": str(prs_home), "PRS_TODAY": TODAY, "PRS_BUSY_TIMEOUT": "3", **extra}


def _prs(*args) -> list[str]:
    return [sys.executable, "-m", "prs_cli", *map(str, args)]


def _seed(prs_home, requests: int = 3, *, completed: bool = False, consents: bool = False) -> Path:
    """A log of `requests` GCE A level reviews (and a valid consent for each), written through
    the store in this process: quicker than the CLI."""
    from prs_cli.calendar.load import load_calendar
    from prs_cli.rules.intake import RequestInput, prepare_request
    from prs_cli.store import consents as consent_store
    from prs_cli.store.db import connect
    from prs_cli.store.requests import Requests

    path = prs_home / "prs.sqlite3"
    cal = load_calendar(None)
    repo = Requests(connect(path))
    records = [
        prepare_request(cal, RequestInput(awarding_body="AQA", qualification="gce-a-level", service="S2",
                                          component=f"7402/{n}", candidate=f"{n:04d}", name=NAME, series="june-2026"),
                        today=date(2026, 8, 14), by="eo").record
        for n in range(1, requests + 1)
    ]
    stored = repo.add_many(records, by="eo")
    for record in stored:
        if completed:
            submitted = repo.submit(record, record._replace(status="submitted", received_on=date(2026, 8, 14)), by="eo")
            repo.outcome(submitted, submitted._replace(status="completed", outcome_on=date(2026, 8, 20), outcome="unchanged"),
                         by="eo", direction="unchanged")
        if consents:
            consent_store.record(repo.conn, candidate=record.candidate, series="june-2026", given_on=date(2026, 8, 14),
                                 given_at=None, method="form", given_by="candidate", covers=("S2",),
                                 acknowledged_outcomes=True, classroom_use=None, anonymise=None,
                                 requests=(record.id,), note=f"note about {NAME}", by="eo")
    repo.conn.close()
    return path


class _Lock:
    """Another prs holding the database (as a long write would): what it blocks waits there."""

    def __init__(self, path: Path, kind: str = "IMMEDIATE"):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute(f"BEGIN {kind}")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


def _wait_for(predicate, proc, seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.02)


def _blocked(proc, path: Path, seconds: float = 20) -> None:
    """Returns once `proc` has the database at `path` open and has used no CPU for 0.16 s: it is
    waiting for the lock the test holds (SQLite's busy handler sleeps), having read what it
    reads first. Bounded; where there is no /proc, a fixed second instead."""
    proc_dir = Path(f"/proc/{proc.pid}")
    if not proc_dir.is_dir():
        time.sleep(1.0)
        return
    real = os.path.realpath(path)

    def opened() -> bool:
        try:
            return any(os.path.realpath(fd) == real for fd in (proc_dir / "fd").iterdir())
        except OSError:
            return False

    def cpu_ticks() -> int:
        fields = (proc_dir / "stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15 of proc(5))

    _wait_for(opened, proc, seconds)
    samples = [cpu_ticks()]
    _wait_for(lambda: samples.append(cpu_ticks()) or len(samples) > 8 and len(set(samples[-9:])) == 1, proc, seconds)


def _integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.fixture
def warm(prs_home):
    """The session's calendar cache (conftest's PRS_CACHE_DIR, which every prs process below
    inherits) built before the first of them starts, so none spends its time validating YAML."""
    from prs_cli.calendar.load import load_calendar

    load_calendar(None)


# --- export --------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_export_stopped_mid_way_leaves_no_partial_file(prs_home, tmp_path, warm, how):
    """Caught while its hidden file is open (waiting for the database): SIGTERM and SIGHUP
    remove it; kill -9 cannot, and the next export to the folder removes the leftover."""
    path = _seed(prs_home)
    out = tmp_path / "exports"
    out.mkdir()
    (out / "log.csv").write_text("yesterday's export\n")
    lock = _Lock(path, "EXCLUSIVE")
    proc = subprocess.Popen(_prs("export", "--csv", out / "log.csv"), env=_env(prs_home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: any(out.glob(".log.csv.*.tmp")), proc)
        proc.send_signal(how)
        _, err = proc.communicate(timeout=30)
    finally:
        lock.release()
    assert proc.returncode != 0 and "Traceback" not in err
    assert (out / "log.csv").read_text() == "yesterday's export\n"  # the old export intact
    left = list(out.glob(".*.tmp"))
    if how != signal.SIGKILL:
        assert left == [], left
        return
    assert len(left) == 1
    done = subprocess.run(_prs("export", "--csv", out / "other.csv"), env=_env(prs_home), capture_output=True, timeout=60)
    assert done.returncode == 0 and list(out.glob(".*.tmp")) == []


# --- import --------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_import_stopped_while_waiting_to_write_writes_nothing(prs_home, tmp_path, warm, how):
    path = _seed(prs_home, 1)
    form = tmp_path / "form.csv"
    form.write_text("Candidate No,Board,Qualification,Paper,Service,Series\n"
                    + "".join(f"{n:04d},AQA,gce-a-level,7402/1,S2,june-2026\n" for n in range(100, 400)))
    lock = _Lock(path)  # readers go on, the import's write waits
    # SIGTERM is acted on once SQLite gives up waiting: a short busy timeout keeps that short
    proc = subprocess.Popen(_prs("request", "import", form), env=_env(prs_home, PRS_BUSY_TIMEOUT="1.5"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _blocked(proc, path)
        proc.send_signal(how)
        _, err = proc.communicate(timeout=30)
    finally:
        lock.release()
    assert proc.returncode != 0 and "Traceback" not in err
    _integrity(path)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM requests").fetchone()[0] == 1


# --- purge ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_purge_stopped_mid_way_leaves_each_consent_whole(prs_home, warm, how):
    """Stopped while waiting to purge: each consent is either purged with its audit line or
    untouched, never half-purged; the next purge finishes the job."""
    path = _seed(prs_home, 4, completed=True, consents=True)
    lock = _Lock(path)
    proc = subprocess.Popen(_prs("consent", "purge", "--yes", "--today", "2027-06-01"),
                            env=_env(prs_home, PRS_BUSY_TIMEOUT="1.5"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        _blocked(proc, path)
        proc.send_signal(how)
        _, err = proc.communicate(timeout=30)
    finally:
        lock.release()
    assert proc.returncode != 0 and "Traceback" not in err
    _integrity(path)
    conn = sqlite3.connect(path)
    for candidate, note, purged_at, events in conn.execute(
        "SELECT candidate, note, purged_at, (SELECT count(*) FROM events e WHERE e.consent_id = c.id "
        "AND e.action = 'consent_purged') FROM consents c"
    ):
        assert (candidate is None, note is None, purged_at is not None, events == 1) in ((True,) * 4, (False,) * 4)
    conn.close()
    again = subprocess.run(_prs("consent", "purge", "--yes", "--today", "2027-06-01"), env=_env(prs_home),
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert sqlite3.connect(path).execute("SELECT count(*) FROM consents WHERE purged_at IS NULL").fetchone()[0] == 0


# --- migration -----------------------------------------------------------------------------------

SLOW_MIGRATION = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from prs_cli.cli.app import _stop_on_signals
    from prs_cli.store import db

    def slow(conn):
        conn.execute("CREATE TABLE extra (x)")
        print("migrating", flush=True)
        time.sleep(30)

    _stop_on_signals()  # as `prs` itself does
    db.MIGRATIONS = [*db.MIGRATIONS, slow]
    db.SCHEMA_VERSION = len(db.MIGRATIONS)
    try:
        db.connect(Path(sys.argv[1]))
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_migration_stopped_mid_way_leaves_the_database_as_it_was(tmp_path, how):
    from prs_cli.store import db as store

    path = tmp_path / "prs.sqlite3"
    store.connect(path).close()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_MIGRATION, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "migrating"
    proc.send_signal(how)
    assert proc.wait(timeout=30) == (130 if how == signal.SIGTERM else -signal.SIGKILL)
    conn = store.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- racing writers on one request ------------------------------------------------------------------


def test_outcome_and_sample_date_racing_on_one_request_both_land(cli, prs_home, warm):
    """Two officers at once: one records the Service 3 sample's arrival, the other the outcome.
    Both succeed and neither is lost (each writes only its own columns, checked in the lock)."""
    env = _env(prs_home)
    for argv in (("request", "add", "--ab", "AQA", "-q", "gce-a-level", "--component", "7402/C", "--service", "S3"),
                 ("request", "submit", "1", "--received", TODAY)):
        assert cli(*argv, "--today", TODAY).exit_code == 0  # in this process: only the race needs real ones
    path = prs_home / "prs.sqlite3"
    lock = _Lock(path)  # both read the row, then queue for the write lock together
    procs = [
        subprocess.Popen(_prs("request", "submit", "1", "--sample-received", "2026-08-20", "--today", "2026-09-02"),
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen(_prs("request", "outcome", "1", "--on", "2026-09-01", "--unchanged", "--today", "2026-09-02"),
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    try:
        for proc in procs:
            _blocked(proc, path)
    finally:
        lock.release()
    (sample, sample_code), (outcome, outcome_code) = [(p.communicate(timeout=60), p.returncode) for p in procs]
    row = sqlite3.connect(path).execute("SELECT status, sample_received_on, outcome_on FROM requests").fetchone()
    assert outcome_code == 0, outcome
    assert row[0::2] == ("completed", "2026-09-01")
    if sample_code == 0:  # it went first: kept by the outcome written after it
        assert row[1] == "2026-08-20"
    else:  # the outcome went first: the sample's write is refused, in a sentence, not lost in silence
        assert sample[1] == "Error: request 1 was changed by someone else meanwhile; nothing was saved, look again\n"
        assert row[1] is None


# --- hostile strings ---------------------------------------------------------------------------------


def test_hostile_strings_are_refused_or_shown_never_a_crash(cli, tmp_path):
    add = ["request", "add", "--today", TODAY, "--candidate", "0042", "--ab", "AQA", "-q", "gce-a-level",
           "--component", "7402/1", "--service", "S2"]
    huge = cli(*add, "--name", "Z" * 1_000_000)
    assert huge.exit_code == 2 and huge.stderr == "Error: the name is longer than 2000 characters\n"
    nul = cli(*add, "--name", "Zo\x00e\x1b[31m", "--note", "\x07\r\n")
    assert nul.exit_code == 0, nul.stderr
    listed = cli("request", "list", "--today", TODAY)
    assert "Zo␀e␛[31m" in listed.stdout and "\x00" not in listed.stdout and "\x1b" not in listed.stdout
    form = tmp_path / "form.csv"
    form.write_text("Candidate No,Candidate Name,Board,Qualification,Paper,Service\n"
                    f"0043,{'Y' * 1_000_000},AQA,gce-a-level,7402/1,S2\n")
    big_cell = cli("request", "import", str(form), "--today", TODAY)
    assert big_cell.exit_code == 2 and "Y" * 50 not in big_cell.stderr and len(big_cell.stderr) < 500


# --- hostile paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize("db", ["folder", "/dev/null", "/dev/zero", "symlink-to-device", "long"])
def test_hostile_database_paths_are_a_sentence(cli, tmp_path, db):
    target = {
        "folder": tmp_path,
        "/dev/null": "/dev/null",
        "/dev/zero": "/dev/zero",
        "symlink-to-device": tmp_path / "link.sqlite3",
        "long": tmp_path / ("a" * 300 + ".sqlite3"),
    }[db]
    if db == "symlink-to-device":
        target.symlink_to("/dev/zero")
    for argv in (["request", "list"], ["request", "add", "--today", TODAY, "--candidate", "0042", "--ab", "AQA", "-q",
                                       "gce-a-level", "--component", "7402/1", "--service", "S2"]):
        result = cli(*argv, "--db", str(target))
        assert result.exit_code == 2, (argv, result.stdout, result.stderr)
        assert result.stderr.startswith("Error:") and "Traceback" not in result.stderr
    assert Path("/dev/null").is_char_device() and Path("/dev/zero").is_char_device()


def test_export_to_a_folder_is_a_sentence(cli, tmp_path):
    result = cli("export", "--csv", str(tmp_path))
    assert result.exit_code == 2 and result.stderr.startswith("Error: cannot write")


def test_output_to_a_closed_pipe_and_a_full_device(prs_home, warm):
    """A reader that goes away ends prs quietly; a full device is one sentence and exit 2."""
    env = _env(prs_home)
    reader = subprocess.Popen(_prs("deadlines", "--series", "june-2026"), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    reader.stdout.close()  # closed before prs writes a line
    _, err = reader.communicate(timeout=60)
    assert reader.returncode in (0, 1) and err == b""
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            done = subprocess.run(_prs("deadlines"), env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
        assert done.returncode == 2 and done.stderr.startswith("Error: cannot write the output (No space left on device)")
