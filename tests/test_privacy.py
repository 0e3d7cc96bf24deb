"""Personal data: owner-only files, no candidate data in errors, safe exports, nothing sent."""

from __future__ import annotations

import csv
import json
import re
import stat

import pytest

from tests_support import REPO

NAME = 'Zzyzx "Zed" Quill'
NUMBER = "9876"
SUMMER = {"PRS_TODAY": "2026-08-21"}


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def logged(cli, *extra):
    return ok(cli("request", "add", "--candidate", NUMBER, "--name", NAME, "--uci", "52204012345AB", "--ab", "AQA",
                  "-q", "gcse", "--component", "8300/1H", "--service", "S2", *extra, env=SUMMER))


def test_no_candidate_data_in_any_error(cli):
    logged(cli)
    failures = [
        cli("request", "add", "--candidate", NUMBER, "--name", NAME, "--ab", "AQA", "-q", "gcse",
            "--component", "8300/1H", "--service", "S2", env=SUMMER),  # duplicate
        cli("request", "add", "--candidate", NUMBER, "--name", NAME, "--ab", "AQA", "-q", "gcse",
            "--component", "8300/2H", "--service", "S2", env={"PRS_TODAY": "2026-09-25"}),  # late
        cli("request", "add", "--candidate", NUMBER, "--name", NAME, "--ab", "AQA", "-q", "gcse",
            "--component", "8300/2H", "--service", "PS2", env=SUMMER),  # not offered
        cli("request", "add", "--candidate", NUMBER + "0", "--name", NAME, "--ab", "AQA", "-q", "gcse",
            "--component", "8300/2H", "--service", "S2", env=SUMMER),  # malformed number
        cli("request", "submit", "1", "--received", "2026-08-21", env=SUMMER),  # no consent
        cli("request", "outcome", "1", "--on", "2026-08-30", "--unchanged", env={"PRS_TODAY": "2026-08-30"}),  # outcome for a draft
        cli("consent", "record", "--candidate", NUMBER, "--on", "2026-08-19", "--method", "form", "--covers", "S3", env=SUMMER),
    ]
    for result in failures:
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith("Error: ")
        assert NUMBER not in result.stderr and "Zzyzx" not in result.stderr and "52204012345AB" not in result.stderr


def test_files_are_owner_only(cli, prs_home, own_cache, tmp_path):
    logged(cli)
    ok(cli("config", "set", "centre_name", "Hill School"))
    ok(cli("export", "--csv", str(tmp_path / "log.csv"), "--ics", str(tmp_path / "dates.ics"), env=SUMMER))
    for path in (prs_home / "prs.sqlite3", prs_home / "config.yaml", own_cache / "calendar.json",
                 tmp_path / "log.csv", tmp_path / "dates.ics"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (prs_home, own_cache):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "x\t=1", "=1\r\n=2"])
def test_csv_export_neutralises_formulas(cli, tmp_path, payload):
    ok(cli("request", "add", "--candidate", NUMBER, "--name", payload, "--ab", "AQA", "-q", "gcse",
           "--component", "8300/1H", "--service", "S2", "--note", payload, "--subject", payload, env=SUMMER))
    stored = json.loads(ok(cli("request", "show", "1", "--json", env=SUMMER)).stdout)
    ok(cli("export", "--csv", str(tmp_path / "log.csv"), env=SUMMER))
    with open(tmp_path / "log.csv", encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    for column, key in (("candidate_name", "name"), ("note", "note"), ("subject", "subject")):
        cell = row[column]
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), column
        assert cell == ("'" + stored[key] if stored[key][:1] in "=+-@\t\r" else stored[key]), column


def test_json_escapes_what_it_must(cli):
    logged(cli, "--note", 'line one\nline "two" \\ </script> ✓')
    record = json.loads(ok(cli("request", "show", "1", "--json", env=SUMMER)).stdout)
    assert record["name"] == NAME
    assert record["note"] == 'line one\nline "two" \\ </script> ✓'


def test_calendar_feed_holds_no_names_and_escapes_text(cli, tmp_path):
    from icalendar import Calendar

    ok(cli("consent", "record", "--candidate", NUMBER, "--on", "2026-08-20", "--method", "form", "--covers", "S2",
           "--acknowledged-outcomes", "--series", "june-2026", env=SUMMER))
    ok(cli("request", "add", "--candidate", NUMBER, "--name", NAME, "--ab", "AQA", "-q", "gcse",
           "--component", "8300/1H; part,2\nnew", "--service", "S2", env=SUMMER))
    ok(cli("request", "submit", "1", "--received", "2026-08-21", env=SUMMER))
    ok(cli("export", "--ics", str(tmp_path / "dates.ics"), env=SUMMER))
    raw = (tmp_path / "dates.ics").read_bytes()
    assert b"Zzyzx" not in raw and NUMBER.encode() not in raw
    parsed = Calendar.from_ical(raw)
    texts = [str(e.get("SUMMARY")) + str(e.get("DESCRIPTION", "")) for e in parsed.walk("VEVENT")]
    assert any("request 1" in t.lower() for t in texts)


def test_nothing_is_sent_anywhere():
    """No network code in prs: none of its modules imports a network library."""
    network = re.compile(r"^\s*(import|from)\s+(socket|ssl|http|urllib|requests|httpx|smtplib|ftplib|aiohttp)\b", re.M)
    offenders = [p.name for p in (REPO / "src" / "prs_cli").rglob("*.py") if network.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
