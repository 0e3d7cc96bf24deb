"""`prs request` end to end through the CLI: refusals with nothing written, the lifecycle,
overdue lists on any --today, import all-or-nothing, and bad input as one sentence."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

NAME = "Zara Quill"
RECORD_KEYS = {
    "id", "status", "series", "candidate", "name", "uci", "private_candidate", "awarding_body", "qualification",
    "subject", "component", "service", "follows", "results_released", "mark_before", "grade_before", "fee",
    "note", "late_reason", "created_at", "created_by", "request_deadline", "received_on", "sample_received_on",
    "board_reference", "submitted_by", "completion_due", "outcome", "outcome_on", "mark_after", "grade_after",
    "fee_refunded", "appeal_deadline", "closed_reason", "overdue", "overdue_reason", "why", "decided_on",
}


def add(cli, *args, today="2026-08-14", candidate="0042", **options):
    base = {"ab": "AQA", "qualification": "gce-a-level", "component": "7402/1", "service": "S2"}
    base.update(options)
    argv = ["request", "add", "--today", today, "--by", "eo"]
    if candidate is not None:
        argv += ["--candidate", candidate]
    for key, value in base.items():
        if value is not None:
            argv += [f"--{key.replace('_', '-')}", value]
    return cli(*argv, *args)


def ok(result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def refused(result, message: str) -> None:
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.strip() == f"Error: {message}"


def records(cli, *args) -> list[dict]:
    return json.loads(ok(cli("request", "list", "--json", *args)))


def new_id(result) -> int:
    return int(ok(result).strip())


def consent(cli, *candidates: str, on: str = "2026-08-14") -> None:
    """Valid written consent (issue 4 gates `request submit` on it): after results, the
    candidate's own, told the grade may go down (seed:000)."""
    for candidate in candidates:
        ok(cli("consent", "record", "--candidate", candidate, "--on", on, "--method", "form",
               "--covers", "S1,S2,PS2,APP1", "--acknowledged-outcomes", "--series", "june-2026", "--today", on))


# --- add and its refusals -------------------------------------------------------------------


def test_ps2_on_21_aug_is_refused_and_nothing_is_written(cli):
    # seed:000: Priority Service 2 closed on 20 Aug 2026; late requests are refused.
    refused(
        add(cli, today="2026-08-21", service="PS2", name=NAME),
        "Priority Service 2 closed on Thu 20 Aug 2026: awarding bodies do not accept late requests; "
        "log it only with --late-reason",
    )
    assert records(cli) == []


def test_late_reason_logs_it_keeps_and_shows_the_reason(cli):
    result = add(cli, "--json", today="2026-08-21", service="PS2", late_reason="UCAS place; AQA agreed by phone")
    data = json.loads(ok(result))
    assert data["late_reason"] == "UCAS place; AQA agreed by phone"
    assert data["request_deadline"] == "2026-08-20" and data["status"] == "draft"
    assert "Warning: logged late: Priority Service 2 closed on Thu 20 Aug 2026" in result.stderr
    shown = ok(cli("request", "show", str(data["id"]), "--today", "2026-08-21"))
    assert "  Late reason:          UCAS place; AQA agreed by phone" in shown


def test_add_prints_the_id_and_json_prints_the_record(cli):
    assert ok(add(cli, name=NAME, grade="B", mark="50")) == "1\n"
    data = json.loads(ok(add(cli, "--json", component="7402/2", uci="52204012345AB", note="HE offer")))
    assert set(data) == RECORD_KEYS
    assert {k: data[k] for k in ("id", "status", "series", "candidate", "awarding_body", "qualification",
                                 "component", "service", "request_deadline", "fee", "created_by", "uci")} == {
        "id": 2, "status": "draft", "series": "june-2026", "candidate": "0042", "awarding_body": "AQA",
        "qualification": "gce-a-level", "component": "7402/2", "service": "S2",
        "request_deadline": "2026-09-24", "fee": "48.65", "created_by": "eo", "uci": "52204012345AB",
    }
    assert data["why"]["request_deadline"] == {
        "date": "2026-09-24", "rule": "JCQ deadline for Review of marking, June 2026", "source": "seed:000",
        "provisional": False,
        "note": "Requests received after this date are refused. Teaching copies may be accepted later by some "
                "boards, but no review is possible after this date, whenever the script was obtained.",
    }


def test_by_defaults_to_the_login_name(cli, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "officer7")
    ok(cli("request", "add", "--today", "2026-08-14", "--candidate", "0042", "--ab", "AQA", "-q", "gce-a-level",
           "--component", "1", "--service", "S1"))
    assert records(cli)[0]["created_by"] == "officer7"


def test_duplicate_is_refused_and_nothing_is_written(cli):
    ok(add(cli, name=NAME))
    refused(
        add(cli, name=NAME, ab="aqa", service="s2"),
        "the same candidate, component, service and series is already logged as request 1; "
        "withdraw it first if this one replaces it",
    )
    assert [r["id"] for r in records(cli)] == [1]
    assert len(json.loads(ok(cli("request", "history", "1", "--json")))) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"service": "PS2", "qualification": "gcse"},
         "Priority Service 2 (PS2) does not apply to GCSE: AQA offers it only for GCE AS level, GCE A level and "
         "Level 3 VTQ (AQA-ROM)"),
        ({"service": "ATS-P", "ab": "CG", "qualification": "l3-vtq"},
         "Access to scripts: priority copy to support a review (ATS-P): not available for City & Guilds Level 2 "
         "and Level 3 Technical qualifications (CG-ATS)"),
        ({"service": "S3"}, "Service 3 reviews a centre's moderation sample, never one candidate"),
    ],
)
def test_services_the_board_does_not_offer(cli, options, message):
    # seed:000: PS2 is not for GCSE; no ATS for C&G Technicals; S3 is never for one candidate.
    refused(add(cli, name=NAME, **options), message)
    assert records(cli) == []


# --- bad input: one sentence, exit 2, no candidate data -------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ab", "AQB"], "unknown awarding body 'AQB'; did you mean AQA?"),
        (["--service", "S22"], "unknown service 'S22'; did you mean S2?"),
        (["--candidate", "123"], "the candidate number must be exactly 4 digits (for example 0042)"),
        (["--candidate", "12345"], "the candidate number must be exactly 4 digits (for example 0042)"),
        (["--candidate", "abcd"], "the candidate number must be exactly 4 digits (for example 0042)"),
        (["--uci", "5220401234"], "the UCI must be 13 characters, digits and capital letters only"),
        (["--today", "2026-02-30"], "--today '2026-02-30' is not a real date; write it as DD/MM/YYYY or YYYY-MM-DD, for example 20/08/2026 or 2026-08-20"),
        (["--service", "CE1", "--ab", "CAMBRIDGE", "-q", "cambridge-english", "--series", "", "--results-released", "2026-02-30"],
         "--results-released '2026-02-30' is not a real date; write it as DD/MM/YYYY or YYYY-MM-DD, for example 20/08/2026 or 2026-08-20"),
        (["--follows", "42"], "no request 42 in the log; 'prs request list' shows the ids"),
    ],
)
def test_bad_input_is_one_sentence(cli, argv, message):
    base = {"--candidate": "0042", "--ab": "AQA", "-q": "gce-a-level", "--component": "7402/1",
            "--service": "S2", "--today": "2026-08-14", "--name": NAME}
    for flag, value in zip(argv[::2], argv[1::2]):
        base[flag] = value
    result = cli("request", "add", *[x for pair in base.items() for x in pair])
    refused(result, message)
    assert "Traceback" not in result.stderr and NAME not in result.stderr
    assert base["--candidate"] not in result.stderr.replace("0042)", "")
    assert records(cli) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["submit", "7", "--received", "2026-08-15"],
        ["outcome", "7", "--on", "2026-08-15", "--unchanged"],
        ["appeal", "7", "--on", "2026-08-15"],
        ["withdraw", "7", "--reason", "x"],
        ["show", "7"],
        ["history", "7"],
    ],
)
def test_unknown_id(cli, argv):
    ok(add(cli))
    refused(cli("request", *argv, "--today", "2026-09-01"), "no request 7 in the log; 'prs request list' shows the ids")


def test_impossible_dates_on_transitions(cli):
    ok(add(cli))
    refused(
        cli("request", "submit", "1", "--received", "2026-02-30", "--today", "2026-09-01"),
        "--received '2026-02-30' is not a real date; write it as DD/MM/YYYY or YYYY-MM-DD, for example 20/08/2026 or 2026-08-20",
    )


# --- the lifecycle --------------------------------------------------------------------------


def test_s2_received_15_aug_is_due_4_sep(cli):
    # seed:000: Service 2 completes within 20 calendar days of the board receiving it.
    ok(add(cli))
    consent(cli, "0042")
    out = ok(cli("request", "submit", "1", "--received", "2026-08-15", "--ref", "AQA-778", "--today", "2026-08-15"))
    assert out == (
        "Request 1 submitted; completion due Fri 4 Sep 2026 (AQA completes Review of marking within "
        "20 calendar days of receiving the request; seed:000)\n"
    )
    data = records(cli, "--today", "2026-08-15")[0]
    assert (data["status"], data["received_on"], data["completion_due"], data["board_reference"]) == (
        "submitted", "2026-08-15", "2026-09-04", "AQA-778")


def test_s3_whose_sample_arrived_1_sep_is_due_6_oct(cli):
    # seed:000 / AQA-MOD: Service 3 within 35 calendar days of the sample arriving.
    ok(add(cli, candidate=None, service="S3", qualification="gcse", component="8702C"))
    out = ok(cli("request", "submit", "1", "--received", "2026-08-28", "--sample-received", "2026-09-01",
                 "--today", "2026-09-02"))
    assert "completion due Tue 6 Oct 2026" in out
    assert records(cli, "--today", "2026-09-02")[0]["completion_due"] == "2026-10-06"


def test_s3_sample_can_follow_the_submission(cli):
    ok(add(cli, candidate=None, service="S3", qualification="gcse", component="8702C"))
    result = cli("request", "submit", "1", "--received", "2026-08-28", "--today", "2026-08-28")
    assert "follows when the sample arrives" in result.stderr
    ok(cli("request", "submit", "1", "--sample-received", "2026-09-01", "--today", "2026-09-02"))
    assert records(cli, "--today", "2026-09-02")[0]["completion_due"] == "2026-10-06"
    actions = [e["action"] for e in json.loads(ok(cli("request", "history", "1", "--json")))]
    assert actions == ["added", "submitted", "sample_received"]


def test_ncfe_s2_counts_working_days(cli):
    # NCFE-EAR: outcome within 25 working days (31 Aug 2026 is a bank holiday).
    ok(add(cli, ab="NCFE", qualification="l3-vtq"))
    consent(cli, "0042")
    ok(cli("request", "submit", "1", "--received", "2026-08-20", "--today", "2026-08-20"))
    data = records(cli, "--today", "2026-08-20")[0]
    assert data["completion_due"] == "2026-09-25"
    assert data["why"]["completion_due"]["rule"] == (
        "NCFE completes Review of marking within 25 working days of receiving the request"
    )


def test_outcome_appeal_and_refund(cli):
    # AQA-ROM2: no charge if the grade changes. AQA-APP (as PEA-APP25): preliminary appeal
    # within 30 days; the board's own page is cited for its own window (issue 11 item 6).
    ok(add(cli, grade="B", mark="50"))
    consent(cli, "0042")
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--today", "2026-08-15"))
    out = ok(cli("request", "outcome", "1", "--on", "2026-09-01", "--grade-after", "A", "--mark-after", "56",
                 "--today", "2026-09-02"))
    assert out == (
        "Request 1 completed on Tue 1 Sep 2026: the result went up (grade B -> A, mark 50 -> 56).\n"
        "Fee: the grade changed, so AQA refunds the £48.65 fee (AQA-ROM2).\n"
        "Preliminary appeal (APP1) deadline: Thu 1 Oct 2026 (30 calendar days from the outcome it follows (2026-09-01); AQA-APP).\n"
    )
    data = records(cli, "--today", "2026-09-02")[0]
    assert (data["outcome"], data["fee_refunded"], data["appeal_deadline"], data["grade_after"], data["mark_after"]) == (
        "up", True, "2026-10-01", "A", 56)
    refused(
        cli("request", "appeal", "1", "--on", "2026-10-02", "--today", "2026-10-05"),
        "the preliminary appeal window closed on Thu 1 Oct 2026 (30 calendar days from the outcome it follows "
        "(2026-09-01)); awarding bodies do not accept late appeals",
    )
    assert len(records(cli)) == 1
    assert new_id(cli("request", "appeal", "1", "--on", "2026-10-01", "--today", "2026-10-05")) == 2
    appeal = records(cli, "--service", "APP1", "--today", "2026-10-05")[0]
    assert (appeal["status"], appeal["follows"], appeal["received_on"], appeal["request_deadline"], appeal["fee"]) == (
        "submitted", 1, "2026-10-01", "2026-10-01", "120.05")


def test_outcome_unchanged_and_down(cli):
    ok(add(cli, grade="B"))
    ok(add(cli, grade="5", component="8300/1", qualification="gcse"))
    consent(cli, "0042", on="2026-08-21")
    for request_id in ("1", "2"):
        ok(cli("request", "submit", request_id, "--received", "2026-08-21", "--today", "2026-08-21"))
    out = ok(cli("request", "outcome", "1", "--on", "2026-09-01", "--unchanged", "--today", "2026-09-01"))
    assert out.splitlines()[:2] == [
        "Request 1 completed on Tue 1 Sep 2026: the result stayed the same (grade B -> B).",
        "Fee: the grade did not change, so AQA keeps the £48.65 fee (AQA-ROM2).",
    ]
    out = ok(cli("request", "outcome", "2", "--on", "2026-09-01", "--grade-after", "4", "--today", "2026-09-01"))
    assert out.splitlines()[0] == "Request 2 completed on Tue 1 Sep 2026: the result went down (grade 5 -> 4)."


def test_outcome_without_a_decision_is_refused_and_a_mark_alone_is_not_down(cli):
    # Issue 13 item 2; AQA-ROM2: the fee is refunded only if the grade changes.
    ok(add(cli, grade="B", mark="50"))
    consent(cli, "0042")
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--today", "2026-08-15"))
    refused(cli("request", "outcome", "1", "--on", "2026-09-01", "--today", "2026-09-01"),
            "say what the board decided: --grade-after GRADE (with --mark-after MARK if known), "
            "or --unchanged if the grade and mark stood")
    assert records(cli, "--today", "2026-09-01")[0]["status"] == "submitted"
    ok(cli("request", "outcome", "1", "--on", "2026-09-01", "--mark-after", "47", "--today", "2026-09-01"))
    data = records(cli, "--today", "2026-09-01")[0]
    assert (data["outcome"], data["mark_after"], data["fee_refunded"]) == ("unchanged", 47, False)


def test_a_script_copy_arriving_is_recorded_as_copy_received(cli):
    # seed:000: access to scripts sends a copy of the script; no grade outcome, no appeal window.
    ok(add(cli, service="ATS-P"))
    consent_args = ("consent", "record", "--candidate", "0042", "--on", "2026-08-14", "--method", "form",
                    "--covers", "ATS-P", "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-14",
                    "--classroom-use", "--anonymise")
    ok(cli(*consent_args))
    ok(cli("request", "submit", "1", "--received", "2026-08-14", "--today", "2026-08-14"))
    out = ok(cli("request", "outcome", "1", "--on", "2026-08-18", "--today", "2026-08-18"))
    assert out == ("Request 1 completed: the copy of the script arrived on Tue 18 Aug 2026; "
                   "no refund decision and no appeal window.\n")
    data = records(cli, "--today", "2026-08-18")[0]
    assert (data["outcome"], data["fee_refunded"], data["appeal_deadline"]) == ("copy_received", None, None)
    status = json.loads(ok(cli("status", "--json", "--series", "june-2026", "--today", "2026-08-18")))
    assert sum(status["outcomes"].values()) == 0


@pytest.mark.parametrize(
    ("steps", "argv", "message"),
    [
        ([], ["outcome", "1", "--on", "2026-09-01", "--unchanged"],
         "request 1 is a draft: record when the board received it first (prs request submit 1 --received DATE)"),
        ([["submit", "1", "--received", "2026-08-20"]], ["submit", "1", "--received", "2026-08-21"],
         "request 1 is already submitted; only a draft can be submitted"),
        ([["submit", "1", "--received", "2026-08-20"], ["outcome", "1", "--on", "2026-08-30", "--unchanged"]],
         ["withdraw", "1", "--reason", "no longer needed"],
         "request 1 is completed; only a draft or submitted request can be withdrawn"),
        ([["withdraw", "1", "--reason", "typo"]], ["submit", "1", "--received", "2026-08-21"],
         "request 1 is already withdrawn; only a draft can be submitted"),
        ([["submit", "1", "--received", "2026-08-20"]], ["appeal", "1", "--on", "2026-08-30"],
         "request 1 has no outcome yet (submitted); Preliminary appeal follows its outcome"),
    ],
)
def test_transitions_that_make_no_sense(cli, steps, argv, message):
    ok(add(cli))
    consent(cli, "0042")
    for step in steps:
        ok(cli("request", *step, "--today", "2026-09-01"))
    before = json.loads(ok(cli("request", "history", "1", "--json")))
    refused(cli("request", *argv, "--today", "2026-09-01"), message)
    assert json.loads(ok(cli("request", "history", "1", "--json"))) == before


def test_show_explains_every_date(cli):
    ok(add(cli, name=NAME))
    consent(cli, "0042")
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--today", "2026-08-15"))
    ok(cli("request", "outcome", "1", "--on", "2026-09-01", "--unchanged", "--today", "2026-09-01"))
    out = ok(cli("request", "show", "1", "--today", "2026-09-02"))
    assert out.splitlines()[0] == "Request 1: completed"
    assert "  Name:                 Zara Quill" in out
    assert "  Request deadline:     Thu 24 Sep 2026: JCQ deadline for Review of marking, June 2026 (seed:000)" in out
    assert ("  Completion due:       Fri 4 Sep 2026: AQA completes Review of marking within 20 calendar days of "
            "receiving the request (seed:000)") in out
    assert ("  Appeal deadline:      Thu 1 Oct 2026: 30 calendar days from the outcome it follows (2026-09-01) "
            "(AQA-APP)") in out  # AQA's own appeals page for AQA's window (issue 11 item 6)


def test_history_table(cli):
    ok(add(cli))
    consent(cli, "0042")
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--by", "bob", "--today", "2026-08-15"))
    out = ok(cli("request", "history", "1"))
    lines = [line for line in out.splitlines() if line.startswith("| ")][1:]  # a table in a pipe is drawn in ASCII; after the header
    assert " eo " in lines[0] and " added " in lines[0]
    assert " bob " in lines[1] and " submitted " in lines[1] and "received_on=2026-08-15" in lines[1]


# --- overdue on any --today -----------------------------------------------------------------


@pytest.fixture
def summer(cli):
    """Six requests at different stages of the June 2026 series."""
    ok(add(cli, candidate="0001", today="2026-08-14"))  # 1: S2, received 15 Aug -> due 4 Sep
    ok(add(cli, candidate="0002", service="PS2", today="2026-08-14"))  # 2: PS2, received 18 Aug -> due 2 Sep
    ok(add(cli, candidate="0003", ab="OCR", qualification="gcse", today="2026-08-21", service="S1"))  # 3: draft
    ok(add(cli, candidate="0004", today="2026-08-14"))  # 4: answered
    ok(add(cli, candidate=None, service="S3", qualification="gcse", today="2026-08-21"))  # 5: S3
    ok(add(cli, candidate="0005", today="2026-08-14"))  # 6: withdrawn
    consent(cli, "0001", "0002", "0004")
    for argv in (
        ["submit", "1", "--received", "2026-08-15"],
        ["submit", "2", "--received", "2026-08-18"],
        ["submit", "4", "--received", "2026-08-20"],
        ["outcome", "4", "--on", "2026-08-30", "--unchanged"],
        ["submit", "5", "--received", "2026-08-25", "--sample-received", "2026-09-01"],
        ["withdraw", "6", "--reason", "candidate changed mind"],
    ):
        ok(cli("request", *argv, "--today", "2026-09-01"))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-09-02", []),  # PS2 due 2 Sep (seed:000: 15 days): not yet overdue on the day
        ("2026-09-03", [2]),
        ("2026-09-25", [1, 2, 3]),  # the draft S1 missed the 24 Sep deadline (seed:000)
        ("2026-10-07", [1, 2, 3, 5]),  # S3 due 6 Oct (35 days from the sample)
    ],
)
def test_overdue_on_any_today(cli, summer, today, expected):
    data = records(cli, "--overdue", "--today", today)
    assert [r["id"] for r in data] == expected
    reasons = {r["id"]: r["overdue_reason"] for r in data}
    if 3 in reasons:
        assert reasons[3] == "past request deadline" and reasons[1] == "past completion due"


def test_list_filters_and_table(cli, summer):
    assert [r["id"] for r in records(cli, "--status", "submitted")] == [1, 2, 5]
    assert [r["id"] for r in records(cli, "--ab", "ocr")] == [3]
    assert [r["id"] for r in records(cli, "--service", "s3")] == [5]
    assert [r["id"] for r in records(cli, "--candidate", "0004")] == [4]
    assert [r["id"] for r in records(cli, "--series", "june-2026")] == [1, 2, 3, 4, 5, 6]
    refused(cli("request", "list", "--status", "sent"), "unknown status 'sent'; valid codes: completed, draft, rejected, submitted, withdrawn")
    out = ok(cli("request", "list", "--overdue", "--today", "2026-09-03"))
    rows = [line for line in out.splitlines() if line.startswith("| ")][1:]  # after the header (ASCII in a pipe)
    assert len(rows) == 1 and "submitted (OVERDUE)" in rows[0] and "02 Sep 2026" in rows[0]


def test_list_before_anything_is_logged(cli):
    assert records(cli) == []
    result = cli("request", "list")
    assert result.exit_code == 0 and result.stderr == "No requests logged yet.\n"


# --- import ---------------------------------------------------------------------------------

HEADER = "Candidate No,Candidate Name,Board,Level,Subject,Paper,Service,Series,Grade,Mark,Fee,Note\n"


def test_import_with_bad_rows_writes_nothing_and_names_each_line(cli, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(
        HEADER
        + f"0001,{NAME},AQA,gce-a-level,History,7042/1,S2,june-2026,B,50,,\n"
        + "123,Bo Ray,AQA,gce-a-level,History,7042/1,S2,june-2026,C,40,,\n"
        + "0003,Cy Dee,AQA,gcse,Maths,8300/1,PS2,june-2026,5,60,,\n"
        + f"0001,{NAME},aqa,gce-a-level,History,7042/1,s2,june-2026,B,50,,\n",
        encoding="utf-8",
    )
    result = cli("request", "import", str(path), "--today", "2026-08-14")
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if not line.startswith(("Columns", "  "))] == [
        f'{path}:3: column "Candidate No": the candidate number must be exactly 4 digits (for example 0042)',
        f"{path}:4: Priority Service 2 (PS2) does not apply to GCSE: AQA offers it only for GCE AS level, "
        "GCE A level and Level 3 VTQ (AQA-ROM)",
        f"{path}:5: the same candidate, component, service and series as line 2",
        f"Error: 3 of 4 rows in {path} have problems; nothing was imported",
    ]
    assert NAME not in result.stderr
    assert records(cli) == []


def test_import_two_bad_rows_of_five(cli, tmp_path):
    ok(add(cli, candidate="0009", component="7042/2"))
    path = tmp_path / "requests.csv"
    path.write_text(
        "candidate_number,name,ab,qualification,component,service\n"
        "0001,A,AQA,gce-a-level,7042/1,S2\n"
        "0002,B,AQA,gce-a-level,7042/1,S2\n"
        "0003,C,AQX,gce-a-level,7042/1,S2\n"
        "0004,D,AQA,gce-a-level,7042/1,S1\n"
        "0009,E,AQA,gce-a-level,7042/2,S2\n",
        encoding="utf-8",
    )
    result = cli("request", "import", str(path), "--today", "2026-08-14")
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith(str(path))][:2] == [
        f'{path}:4: column "ab": not a known awarding body code; did you mean AQA?',
        f"{path}:6: already logged as request 1",
    ]
    assert [r["id"] for r in records(cli)] == [1]


def test_a_good_file_imports_every_row(cli, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(
        "\ufeff" + HEADER
        + f"0001,{NAME},AQA,gce-a-level,History,7042/1,S2,june-2026,B,50,,\n"
        + '0002,"Ray, Bo",OCR,gcse,Maths,J560/01,S1,,5,60,12.50,"call home\nfirst"\n'
        + "\n"
        + ",,AQA,gcse,Art,8202C,S3,june-2026,,,,\n",
        encoding="utf-8",
    )
    result = cli("request", "import", str(path), "--today", "2026-08-21", "--by", "eo")
    assert ok(result) == f"Imported 3 requests from {path}.\n"
    data = records(cli, "--today", "2026-08-21")
    assert [(r["candidate"], r["name"], r["awarding_body"], r["service"], r["series"], r["fee"]) for r in data] == [
        ("0001", NAME, "AQA", "S2", "june-2026", "48.65"),
        ("0002", "Ray, Bo", "OCR", "S1", "june-2026", "12.50"),
        (None, None, "AQA", "S3", "june-2026", "242.50"),
    ]
    assert data[1]["note"] == "call home\nfirst" and data[1]["grade_before"] == "5" and data[1]["mark_before"] == 60
    assert json.loads(ok(cli("request", "history", "1", "--json")))[0]["action"] == "imported"


def test_import_file_problems(cli, tmp_path):
    refused(cli("request", "import", str(tmp_path / "missing.csv")), f"no file {tmp_path / 'missing.csv'}")
    path = tmp_path / "x.csv"
    path.write_text("name,subject\nA,History\n", encoding="utf-8")
    refused(cli("request", "import", str(path)), f"{path}:1: no service or component column in the header")


# --- processes --------------------------------------------------------------------------------


def test_two_adds_at_once_both_land(prs_process, prs_home):
    argv = ["request", "add", "--today", "2026-08-14", "--ab", "AQA", "-q", "gce-a-level", "--service", "S2", "--by", "eo"]
    procs = [
        subprocess.Popen([sys.executable, "-m", "prs_cli", *argv, "--candidate", number, "--component", "7402/1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for number in ("0001", "0002")
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(out.strip() for out, _ in outputs) == ["1", "2"]
    listed = prs_process("request", "list", "--json")
    assert sorted(r["candidate"] for r in json.loads(listed.stdout)) == ["0001", "0002"]


def test_the_board_rejects_a_request(cli):
    # Issue 3 lifecycle: draft -> submitted -> completed, or withdrawn / rejected.
    consent(cli, "0042")
    ok(add(cli))
    ok(cli("request", "submit", "1", "--received", "2026-08-14", "--today", "2026-08-14"))
    assert ok(cli("request", "reject", "1", "--reason", "received after the deadline", "--by", "eo")) == "Request 1 rejected.\n"
    (record,) = records(cli, "--status", "rejected")
    assert (record["status"], record["closed_reason"]) == ("rejected", "received after the deadline")
    history = json.loads(ok(cli("request", "history", "1", "--json")))
    assert [e["action"] for e in history] == ["added", "submitted", "rejected"]
    refused(cli("request", "reject", "1", "--reason", "again"),
            "request 1 is rejected; only a draft or submitted request can be rejected")
    refused(cli("request", "reject", "1", "--reason", "  "), "request 1 is rejected; only a draft or submitted request can be rejected")
    ok(add(cli))  # a rejected request no longer counts as a duplicate


def test_add_prints_the_id_for_scripts_and_what_was_logged_for_the_officer(cli, monkeypatch):
    # Issue 13 item 5: stdout keeps the bare id; stderr says what was logged and what comes next
    # (seed:000: S2 for June 2026 closes Thu 24 Sep; lead_days 2 gives Tue 22 Sep).
    monkeypatch.setenv("COLUMNS", "80")
    result = add(cli)
    assert result.stdout == "1\n"
    assert result.stderr.splitlines()[0] == "Logged request 1: S2 (Review of marking), AQA, board deadline Thu 24 Sep 2026."
    assert " ".join(result.stderr.split()).endswith(
        "Next: record valid consent with 'prs consent record' (now: missing); then submit by Tue 22 Sep 2026, "
        "your internal deadline.")
    assert all(len(line) <= 80 for line in result.stderr.splitlines() if not line.startswith("fee "))  # the fee note: issue 13 item 1
    shown = " ".join(ok(cli("request", "show", "1", "--today", "2026-08-14")).split())  # wrapped to 80 columns
    assert "Internal deadline: Tue 22 Sep 2026 (the board's deadline less your lead days)" in shown
    assert "Consent: NOT VALID (missing): no consent from the candidate is recorded" in shown
    consent(cli, "0042")
    shown = " ".join(ok(cli("request", "show", "1", "--today", "2026-08-14")).split())
    assert "Consent: valid: consent dated Fri 14 Aug 2026 covers Review of marking (S2)" in shown


def test_history_without_an_id_is_the_centres_trail_with_reasons_and_refunds(cli, monkeypatch):
    # Issue 13 item 8; AQA-ROM2: the fee is refunded only when the grade changes.
    monkeypatch.setenv("COLUMNS", "120")
    ok(add(cli, grade="B"))
    ok(add(cli, component="7402/2"))
    consent(cli, "0042")
    ok(cli("request", "submit", "1", "--received", "2026-08-15", "--today", "2026-08-15"))
    ok(cli("request", "outcome", "1", "--on", "2026-08-20", "--grade-after", "A", "--today", "2026-08-20"))
    ok(cli("request", "withdraw", "2", "--reason", "candidate changed their mind"))
    trail = json.loads(ok(cli("request", "history", "--json")))
    assert [e["action"] for e in trail] == ["added", "added", "consent_recorded", "submitted", "outcome", "withdrawn"]
    assert trail[-1]["reason"] == "candidate changed their mind" and trail[2]["consent"] == 1
    out = ok(cli("request", "history"))
    assert "because: candidate changed their mind" in out
    assert "grade went up on 2026-08-20; fee refunded" in out
    assert len(json.loads(ok(cli("request", "history", "--all", "--json")))) == 6
    for n in range(50):
        ok(add(cli, component=f"7402/{n + 10}"))
    result = cli("request", "history")
    assert result.exit_code == 0 and "The latest 50 of 56 lines; --all shows every one." in result.stderr
    assert len(json.loads(ok(cli("request", "history", "--json")))) == 50


def test_edit_corrects_a_typo_audited_and_the_agenda_follows(cli):
    # Issue 13 item 7: codes and marks audited old -> new, personal fields only as changed; a
    # corrected candidate number brings that candidate's consent (seed:000) to the request.
    ok(add(cli, name=NAME, mark="58"))
    consent(cli, "0043")
    due = json.loads(ok(cli("due", "--today", "2026-08-14", "--json")))
    assert [i["request_ids"] for i in due if i["kind"] == "consent_missing"] == [[1]]
    assert ok(cli("request", "edit", "1", "--candidate", "0043", "--name", "Zara Quinn", "--component", "7402/2",
                  "--mark", "60", "--today", "2026-08-14")) == "Request 1 corrected (name, candidate, component, mark).\n"
    data = records(cli, "--today", "2026-08-14")[0]
    assert (data["candidate"], data["name"], data["component"], data["mark_before"]) == ("0043", "Zara Quinn", "7402/2", 60)
    edited = json.loads(ok(cli("request", "history", "1", "--json")))[-1]
    assert edited["action"] == "edited"
    assert edited["details"]["changed"] == {
        "candidate": True, "name": True, "component": {"old": "7402/1", "new": "7402/2"},
        "original_mark": {"old": 58, "new": 60},
    }
    assert "Zara" not in json.dumps(edited) and "0043" not in json.dumps(edited)
    due = json.loads(ok(cli("due", "--today", "2026-08-14", "--json")))
    assert [i for i in due if i["kind"] == "consent_missing"] == []
    refused(cli("request", "edit", "1", "--candidate", "43"), "the candidate number must be exactly 4 digits (for example 0042)")
    refused(cli("request", "edit", "1", "--component", "7402/2"), "nothing to change: give the corrected value, e.g. --component 7357/2")
    ok(add(cli, component="7402/9", candidate="0043"))
    refused(cli("request", "edit", "2", "--component", "7402/2"),
            "the same candidate, component, service and series is already logged as request 1")
    assert records(cli)[1]["component"] == "7402/9"


def test_import_reads_a_schools_headers_and_reports_every_problem_in_a_row(cli, tmp_path, monkeypatch):
    # Issue 13 item 11: the headers schools use; columns used and ignored named; every cell's
    # problem at once, with file, line and header, never the cell.
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "form.csv"
    path.write_text(
        "Cand No.,Exam Board,Qual,Unit,Service Requested,Teacher,Fee (£),Raw Mark\n"
        "0001,AQA,gce-a-level,7042/1,S2,Mr X,48.65,50\n"
        "12x,AQA,gce-a-level,7042/2,S2,Mr X,lots,fifty\n",
        encoding="utf-8",
    )
    result = cli("request", "import", str(path), "--today", "2026-08-14")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == ("Columns used: Cand No. (candidate), Exam Board (awarding body), Qual (qualification), "
                        "Unit (component), Service Requested (service), Fee (£) (fee), Raw Mark (original mark).")
    assert lines[1] == "Columns ignored: Teacher."
    assert lines[2:5] == [
        f'{path}:3: column "Cand No.": the candidate number must be exactly 4 digits (for example 0042)',
        f'{path}:3: column "Fee (£)": not an amount in pounds; write it like 43.45',
        f'{path}:3: column "Raw Mark": not a whole number from 0 to 99,999',
    ]
    assert "12x" not in result.stderr and "lots" not in result.stderr and "fifty" not in result.stderr
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n0001,AQA,gce-a-level,7042/1,S2,Mr X,48.65,50\n",
                    encoding="utf-8")
    data = json.loads(ok(cli("request", "import", str(path), "--today", "2026-08-14", "--json")))
    assert data["imported"] == 1 and data["columns_ignored"] == ["Teacher"]
    assert data["columns_used"]["Cand No."] == "candidate"
