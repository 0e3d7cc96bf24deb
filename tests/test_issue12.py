"""Issue 12, "nothing lost, nothing leaked": one regression test (or a few) per fault an
adversarial try found, each failing on the code before its fix. In-process and quick; the
faults that need real processes (signals, kill -9, racing writers) are in test_faults.py."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

NAME = "Zara Quill"
TODAY = "2026-08-14"  # GCE A level results came out on 13 August 2026 (data/series_2026.yaml)


def ok(result, code: int = 0):
    assert result.exit_code == code, result.stdout + result.stderr
    return result


def add(cli, *args, today=TODAY, candidate="0042", service="S2", component="7402/1", ab="AQA"):
    argv = ["request", "add", "--today", today, "--by", "eo", "--candidate", candidate, "--name", NAME, "--ab", ab,
            "-q", "gce-a-level", "--component", component, "--service", service]
    return int(ok(cli(*argv, *args)).stdout.strip())


def consent(cli, candidate="0042", on=TODAY, covers="S1,S2,APP1"):
    ok(cli("consent", "record", "--candidate", candidate, "--on", on, "--method", "form", "--covers", covers,
           "--acknowledged-outcomes", "--series", "june-2026", "--today", on))


def db_path(prs_home: Path) -> Path:
    return prs_home / "prs.sqlite3"


def rows(prs_home, sql, *args):
    conn = sqlite3.connect(db_path(prs_home))
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# --- 1. an export never replaces a file prs keeps ----------------------------------------------


def test_export_refuses_every_file_prs_owns_and_a_path_twice(cli, prs_home, tmp_path):
    add(cli)
    ok(cli("config", "set", "centre_number", "12345"))
    database = db_path(prs_home)
    before = database.read_bytes()
    (tmp_path / "link.csv").symlink_to(database)
    cases = {
        str(database): "is the prs database",
        str(database) + "-journal": "is the prs database's journal",
        str(prs_home / "config.yaml"): "is the prs settings file",
        os.environ["PRS_CACHE_DIR"] + "/calendar.json": "is inside prs's own folder",
        str(tmp_path / "link.csv"): "is the prs database",  # reached through a symlink
    }
    for target, said in cases.items():
        result = ok(cli("export", "--csv", target), 2)
        assert said in result.stderr and result.stderr.count("\n") == 1
    twice = ok(cli("export", "--csv", "out.csv", "--ics", "./out.csv"), 2)
    assert "are the same file" in twice.stderr and not Path("out.csv").exists()
    assert database.read_bytes() == before and (tmp_path / "link.csv").is_symlink()


def test_export_writes_through_a_symlink_and_to_a_device(cli, tmp_path):
    add(cli)
    real = tmp_path / "real.csv"
    (tmp_path / "link.csv").symlink_to(real)
    ok(cli("export", "--csv", str(tmp_path / "link.csv")))
    assert (tmp_path / "link.csv").is_symlink() and NAME in real.read_text(encoding="utf-8-sig")
    assert oct(real.stat().st_mode & 0o777) == "0o600"
    ok(cli("export", "--csv", "/dev/null"))
    assert Path("/dev/null").is_char_device()  # written to, never replaced
    if Path("/dev/full").exists():
        full = ok(cli("export", "--csv", "/dev/full"), 2)
        assert full.stderr.startswith("Error: cannot write /dev/full")


# --- 2. every date on a write checked before anything is written ------------------------------


@pytest.mark.parametrize(
    ("received", "today", "said"),
    [
        ("2016-08-19", TODAY, "--received 2016-08-19 is before the results were released (2026-08-13)"),
        ("2026-08-12", TODAY, "--received 2026-08-12 is before the results were released"),
        ("2027-09-01", "2027-09-01", "is more than a year after the results were released"),
        ("9999-12-31", TODAY, "outside the years prs works with"),
    ],
)
def test_submit_refuses_impossible_received_dates_writing_nothing(cli, prs_home, received, today, said):
    request = add(cli)
    consent(cli)
    events = rows(prs_home, "SELECT count(*) FROM events")
    result = ok(cli("request", "submit", str(request), "--received", received, "--by", "eo", "--today", today), 2)
    assert said in result.stderr and "Error" not in result.stdout
    assert rows(prs_home, "SELECT status, received_on FROM requests") == [("draft", None)]
    assert rows(prs_home, "SELECT count(*) FROM events") == events


def test_submit_refuses_a_board_receiving_it_before_it_was_logged(cli, prs_home):
    request = add(cli, today="2026-08-16")
    consent(cli)
    result = ok(cli("request", "submit", str(request), "--received", "2026-08-15", "--by", "eo", "--today", "2026-08-16"), 2)
    assert "is before request 1 was logged (2026-08-16)" in result.stderr
    ok(cli("request", "submit", str(request), "--received", "2026-08-16", "--by", "eo", "--today", "2026-08-16"))


def test_one_odd_record_never_stops_the_commands_that_read_the_whole_log(cli, prs_home, tmp_path):
    """A row an older prs let in (received 9999-12-31, an outcome in year 9999) renders with a
    remark: list, show, due, summary, status and both exports still work for everyone."""
    add(cli)
    add(cli, candidate="0043")
    add(cli, candidate="0044")
    conn = sqlite3.connect(db_path(prs_home))
    conn.execute("UPDATE requests SET status = 'submitted', received_on = '9999-12-31' WHERE id = 1")
    conn.execute("UPDATE requests SET status = 'completed', received_on = '2026-08-14', outcome_on = '9999-12-31' WHERE id = 2")
    conn.commit()
    conn.close()
    day = ("--today", "2026-08-20")
    listed = json.loads(ok(cli("request", "list", "--json", *day)).stdout)
    assert [r["id"] for r in listed] == [1, 2, 3] and listed[0]["completion_due"] is None
    assert "cannot be worked out" in listed[0]["why"]["completion_due"]["rule"]
    assert "cannot be worked out" in ok(cli("request", "show", "1", *day)).stdout
    for argv in (["request", "list"], ["due"], ["summary"], ["status"], ["due", "--json"],
                 ["export", "--csv", str(tmp_path / "a.csv"), "--ics", str(tmp_path / "a.ics")]):
        ok(cli(*argv, *day))


# --- 3. a write changes only what it means to --------------------------------------------------


def test_an_outcome_from_a_stale_copy_keeps_the_sample_date_recorded_meanwhile(cli, prs_home, calendar):
    """The lost update: `outcome` read the row before `submit --sample-received` committed and
    rewrote every column; now it writes only its own, checked against the row in the lock."""
    from prs_cli.rules import intake
    from prs_cli.store.db import connect
    from prs_cli.store.requests import Requests

    ok(cli("request", "add", "--today", TODAY, "--by", "eo", "--ab", "AQA", "-q", "gce-a-level", "--component", "7402/C",
           "--service", "S3"))
    ok(cli("request", "submit", "1", "--received", TODAY, "--by", "eo", "--today", TODAY))
    repo = Requests(connect(db_path(prs_home)))
    stale = repo.get(1)
    ok(cli("request", "submit", "1", "--sample-received", "2026-08-20", "--by", "eo", "--today", "2026-08-20"))
    result = intake.record_outcome(calendar, stale, on=date(2026, 9, 1), today=date(2026, 9, 1), unchanged=True)
    stored = repo.outcome(stale, result.record, by="eo", direction=result.direction)
    assert (stored.status, stored.sample_received_on) == ("completed", date(2026, 8, 20))
    assert repo.get(1) == stored


def test_two_writers_changing_the_same_column_the_second_is_refused(cli, prs_home):
    from prs_cli.errors import Refused
    from prs_cli.store.db import connect
    from prs_cli.store.requests import Requests

    add(cli)
    repo = Requests(connect(db_path(prs_home)))
    stale = repo.get(1)
    repo.close(stale, stale._replace(status="withdrawn", closed_reason="typo"), by="a")
    with pytest.raises(Refused, match="changed by someone else meanwhile"):
        repo.submit(stale, stale._replace(status="submitted", received_on=date(2026, 8, 14)), by="b")
    assert repo.get(1).status == "withdrawn"


# --- 5. every command that submits checks the staff ---------------------------------------------


def _completed_review(cli):
    add(cli)
    consent(cli)
    ok(cli("request", "submit", "1", "--received", TODAY, "--by", "Ms A Khan", "--today", TODAY))
    ok(cli("request", "outcome", "1", "--on", "2026-08-20", "--unchanged", "--today", "2026-08-20"))


def test_appeal_applies_the_authorised_staff_check_and_logs_a_submit(cli, prs_home):
    _completed_review(cli)
    ok(cli("config", "set", "authorised_staff", "Ms A Khan, Mr B Lee"))
    refused = ok(cli("request", "appeal", "1", "--on", "2026-08-21", "--by", "A Parent", "--today", "2026-08-21"), 2)
    assert "not one of the centre's authorised staff" in refused.stderr
    assert "Khan" not in refused.stderr and "Lee" not in refused.stderr
    assert rows(prs_home, "SELECT count(*) FROM requests") == [(1,)]
    ok(cli("request", "appeal", "1", "--on", "2026-08-21", "--by", " ms a khan ", "--today", "2026-08-21"))
    history = json.loads(ok(cli("request", "history", "2", "--json")).stdout)
    assert [e["action"] for e in history] == ["added", "submitted"]
    assert history[1]["details"]["received_on"] == "2026-08-21"


# --- 6. control characters made visible ---------------------------------------------------------

HOSTILE = "Zo\x1b[2J\x1b]0;owned\x07e\rQ\x00\x9b31m\u202eX"
RAW = ("\x1b", "\x07", "\r", "\x00", "\x9b", "\u202e")


def test_control_characters_never_reach_the_output(cli, prs_home):
    request = add(cli, "--note", HOSTILE, "--subject", HOSTILE)
    conn = sqlite3.connect(db_path(prs_home))
    conn.execute("UPDATE requests SET name = ?, component = ? WHERE id = ?", (HOSTILE, HOSTILE, request))
    conn.commit()
    conn.close()
    day = ("--today", "2026-08-20")
    outputs = [
        ok(cli("request", "list", *day)), ok(cli("request", "show", "1", *day)), ok(cli("request", "history", "1")),
        ok(cli("due", *day)), ok(cli("summary", *day)), ok(cli("summary", "--format", "markdown", *day)),
        ok(cli("consent", "check"), 1),
    ]
    for result in outputs:
        for raw in RAW:
            assert raw not in result.stdout and raw not in result.stderr, (raw, result.stdout)
    shown = ok(cli("request", "show", "1", *day)).stdout
    assert "Zo␛[2J␛]0;owned␇e␍Q␀<U+009B>31m<U+202E>X" in shown
    data = ok(cli("request", "list", "--json", *day)).stdout
    assert not any(raw in data for raw in RAW)
    assert json.loads(data)[0]["name"] == HOSTILE  # the JSON value itself is unchanged


def test_errors_show_control_characters_in_what_they_quote(cli):
    result = ok(cli("request", "import", "no\x1b]0;x\x07such.csv"), 2)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "␛" in result.stderr


# --- 7. import errors never repeat a cell --------------------------------------------------------


def test_import_with_shifted_columns_names_the_column_not_the_cell(cli, tmp_path):
    path = tmp_path / "form.csv"
    path.write_text(
        "Candidate No,Board,Qualification,Paper,Service\n"
        "0042,Ada Lovelace,gce-a-level,7402/1,S2\n"
        "Ada Lovelace,AQA,gce-a-level,7402/1,S2\n"
        "0043,AQA,gce-a-level,7402/1,S2,\n",
        encoding="utf-8",
    )
    result = ok(cli("request", "import", str(path), "--today", TODAY), 2)
    assert "Lovelace" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert lines[0].startswith(f'{path}:2: column "Board": not a known awarding body code')
    assert lines[1].startswith(f'{path}:3: column "Candidate No": ') and "4 digits" in lines[1]


# --- 8. an interrupted export leaves nothing behind --------------------------------------------


def test_the_next_export_removes_a_killed_exports_leftover(cli, tmp_path):
    add(cli)
    dead = 2**22 + 12345  # above pid_max on most systems: no such process
    leftover = tmp_path / f".log.csv.prs-{dead}-abcd1234.tmp"
    leftover.write_text(NAME)
    alive = tmp_path / f".log.csv.prs-{os.getpid()}-efgh5678.tmp"  # a writer still at work
    alive.write_text("")
    ok(cli("export", "--csv", str(tmp_path / "other.csv")))
    assert not leftover.exists() and alive.exists()
    assert sorted(p.name for p in tmp_path.glob(".*.tmp")) == [alive.name]


# --- 9. purge leaves nothing readable ---------------------------------------------------------


def test_purge_leaves_no_trace_of_the_free_text_in_the_file(cli, prs_home, monkeypatch):
    """Read the raw file: the purged consent's note and who gave it are nowhere in it, even
    where SQLite is built with secure_delete off (prs turns it on itself)."""
    from prs_cli.store import db as store

    real_connect = sqlite3.connect

    def insecure(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(store.sqlite3, "connect", insecure)
    _completed_review(cli)
    note, giver = "NOTE-Q7Z-phoned-mother", "Mrs Q7Z Parentname"
    ok(cli("consent", "record", "--candidate", "0042", "--on", TODAY, "--method", "email", "--covers", "S2",
           "--given-by", giver, "--note", note, "--series", "june-2026", "--request", "1", "--today", TODAY))
    assert note.encode() in db_path(prs_home).read_bytes()
    ok(cli("consent", "purge", "--yes", "--today", "2027-06-01"))
    raw = db_path(prs_home).read_bytes()
    assert note.encode() not in raw and b"Q7Z" not in raw
    conn = store.connect(db_path(prs_home))
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


# --- 10. bad input that crashed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "show", "99999999999999999999"],
        ["request", "history", "99999999999999999999"],
        ["request", "add", "--candidate", "0042", "--ab", "AQA", "-q", "gce-a-level", "--component", "1", "--service", "S2",
         "--mark", "99999999999999999999999", "--today", TODAY],
        ["due", "--today", "9999-12-25"],
        ["summary", "--today", "9999-12-25"],
        ["request", "list", "--db", "/tmp/" + "a" * 300 + "/prs.sqlite3"],
        ["request", "add", "--db", "/tmp/" + "a" * 300 + ".db", "--candidate", "0042", "--ab", "AQA", "-q", "gce-a-level",
         "--component", "1", "--service", "S2", "--today", TODAY],
        ["export", "--csv", "/tmp/" + "a" * 300 + ".csv"],
        ["deadlines", "--data-dir", "/tmp/" + "a" * 300],
        ["request", "import", "/dev/zero"],
        ["data", "check", "/dev/zero"],
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(cli, argv):
    add(cli)
    result = cli(*argv)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_unreadable_folders_are_a_sentence(cli, prs_home, tmp_path, monkeypatch):
    """Root reads every folder, so the refusal is simulated where the system raises it."""
    add(cli)
    real_stat = os.stat
    locked = str(tmp_path / "locked")

    def refuse(path, *args, **kwargs):
        if str(path).startswith(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", refuse)
    for argv in (["request", "list", "--db", f"{locked}/prs.sqlite3"], ["due", "--db", f"{locked}/prs.sqlite3"],
                 ["deadlines", "--data-dir", locked]):
        result = cli(*argv)
        assert result.exit_code == 2 and "Permission denied" in result.stderr, result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any folder; the monkeypatched test covers it")
def test_really_unreadable_folder(cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    try:
        result = cli("request", "list", "--db", str(locked / "prs.sqlite3"))
        assert result.exit_code == 2 and "Permission denied" in result.stderr
    finally:
        locked.chmod(0o700)


# --- 11. a CSV that is not UTF-8 ---------------------------------------------------------------

CSV_HEADER = "Candidate No,Candidate Name,Board,Qualification,Paper,Service\n"


def test_a_windows_1252_file_is_read_as_such_and_said(cli, tmp_path):
    path = tmp_path / "form.csv"
    path.write_bytes((CSV_HEADER + "0042,Zoë Ångström,AQA,gce-a-level,7402/1,S2\n").encode("cp1252"))
    result = ok(cli("request", "import", str(path), "--today", TODAY))
    assert "as Windows-1252" in result.stderr
    assert json.loads(ok(cli("request", "list", "--json", "--today", TODAY)).stdout)[0]["name"] == "Zoë Ångström"


def test_a_mostly_utf8_file_with_one_bad_byte_is_refused_naming_the_line(cli, tmp_path):
    path = tmp_path / "form.csv"
    path.write_bytes((CSV_HEADER + "0042,Zoë Ångström,AQA,gce-a-level,7402/1,S2\n").encode("utf-8")
                     + "0043,Zoë Brontë,AQA,gce-a-level,7402/1,S2\n".encode("cp1252"))
    result = ok(cli("request", "import", str(path), "--today", TODAY), 2)
    assert result.stderr.startswith(f"Error: {path}:3: not UTF-8 text")
    assert ok(cli("request", "list", "--json")).stdout.strip() == "[]"


# --- 12. only the documented forms -------------------------------------------------------------


@pytest.mark.parametrize("text", ["20260813", "2026-W33-4", "２０２６-08-13", "2026-08-13T0915", "2026-225"])
def test_undocumented_date_forms_are_refused(text):
    from prs_cli import clock
    from prs_cli.errors import InputError

    with pytest.raises(InputError):
        clock.parse_date(text)
    with pytest.raises(InputError):
        clock.parse_date_or_datetime(text)


def test_documented_date_forms_still_read():
    from datetime import datetime

    from prs_cli import clock

    assert clock.parse_date(" 2026-08-13 ") == date(2026, 8, 13)
    assert clock.parse_date_or_datetime("2026-08-13T09:15") == (date(2026, 8, 13), datetime(2026, 8, 13, 9, 15))
    assert clock.parse_date_or_datetime("2026-08-13 09:15")[1] == datetime(2026, 8, 13, 9, 15)


@pytest.mark.parametrize(
    ("check", "value"),
    [("check_candidate", "٠٠٤٢"), ("check_candidate", "0042\n7"), ("check_uci", "ı" * 13), ("check_uci", "１" * 13),
     ("check_fee", "10000"), ("check_fee", "99999999999999999999"), ("check_fee", "１0")],
)
def test_numbers_and_codes_are_ascii_and_fees_sane(check, value):
    from prs_cli.errors import InputError
    from prs_cli.rules import intake

    with pytest.raises(InputError):
        getattr(intake, check)(value)


def test_centre_number_is_ascii_digits():
    from prs_cli import config
    from prs_cli.errors import InputError

    with pytest.raises(InputError):
        config.parse_value("centre_number", "١٢٣٤٥")
    assert config.parse_value("centre_number", "01234") == "01234"
    assert __import__("prs_cli.rules.intake", fromlist=["x"]).check_fee("9999.99") == "9999.99"


# --- 13. --today on a write is in the audit trail ------------------------------------------------


def test_a_back_dated_write_records_the_real_time_and_the_as_of_date(cli):
    add(cli, today="2026-08-14")
    history = json.loads(ok(cli("request", "history", "1", "--json")).stdout)
    assert history[0]["details"]["as_of"] == "2026-08-14"
    assert history[0]["at"][:10] != "2026-08-14" or date.today() == date(2026, 8, 14)  # the real time, kept
    assert "as_of=2026-08-14" in ok(cli("request", "history", "1")).stdout
    assert "as of 2026-08-14 (--today)" in ok(cli("request", "show", "1", "--today", "2026-08-20")).stdout


# --- 14. two purges at once; a purge failing part-way ------------------------------------------


def test_a_second_purge_says_what_the_first_did(cli, prs_home):
    from prs_cli.service.consent import purge_many
    from prs_cli.service.database import Database

    _completed_review(cli)
    db = Database(db_path(prs_home))
    # the second prs read the consents before the first purged them: told, not refused
    first = purge_many(db, [(1, (1,), {})], by="a")
    second = purge_many(db, [(1, (1,), {})], by="b")
    assert ([c.id for c in first.purged], [c.id for c in second.already]) == ([1], [1])
    again = ok(cli("consent", "purge", "1", "--yes", "--today", "2027-06-01"))
    assert again.stdout.startswith("Consent 1 was already purged at ")


def test_a_purge_failing_part_way_says_how_many_it_purged(cli, prs_home, monkeypatch):
    from prs_cli.errors import StorageError
    from prs_cli.service.consent import purge_many
    from prs_cli.service.database import Database
    from prs_cli.store import consents

    _completed_review(cli)
    consent(cli, covers="S2")
    db = Database(db_path(prs_home))
    real = consents.purge
    calls = []

    def failing_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise StorageError("the disk holding the database is full; nothing was saved")
        return real(*args, **kwargs)

    monkeypatch.setattr(consents, "purge", failing_second)
    with pytest.raises(StorageError, match="1 of 2 consents were purged before this"):
        purge_many(db, [(1, (1,), {}), (2, (1,), {})], by="a")
    assert rows(prs_home, "SELECT id FROM consents WHERE purged_at IS NOT NULL") == [(1,)]
