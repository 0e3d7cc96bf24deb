"""`prs consent` through Typer's CliRunner: record, check (all, one request, one question),
the submission gate, due-for-disposal and purge, with their JSON contracts and errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from prs_cli import paths

CHECK_KEYS = {
    "request_id", "request_status", "candidate", "series", "awarding_body", "qualification",
    "component", "service", "status", "message", "valid_from", "consent_id", "source",
}
RETENTION_KEYS = {
    "consent_id", "candidate", "series", "given_on", "covers", "requests", "open_requests",
    "keep_until", "rule", "source",
}
SUMMER = {"PRS_TODAY": "2026-08-14"}


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def add(cli, service="S2", component="7357/1", candidate="0042", **extra) -> int:
    args = ["request", "add", "--ab", "AQA", "-q", "gce-a-level", "--series", "june-2026", "--component", component, "--service", service]
    if candidate:
        args += ["--candidate", candidate, "--name", "Ann Example"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return int(ok(cli(*args, env=SUMMER)).stdout.strip())


def record(cli, *args, env=SUMMER):
    base = ["consent", "record", "--candidate", "0042", "--series", "june-2026", "--method", "form"]
    return cli(*base, *args, env=env)


def check_json(cli, *args, code=None):
    result = cli("consent", "check", "--json", *args)
    if code is not None:
        ok(result, code)
    return json.loads(result.stdout)


def consent_row(consent_id: int) -> tuple:
    conn = sqlite3.connect(paths.database_path())
    try:
        return conn.execute(
            "SELECT candidate, given_by, note, purged_at FROM consents WHERE id = ?", (consent_id,)
        ).fetchone()
    finally:
        conn.close()


# --- one question, no database --------------------------------------------------------------


def test_one_question_before_results_is_not_valid(cli, prs_home):
    # seed:000: A level results Thu 13 Aug 2026; JCQ-RES: to candidates from 08:00
    result = ok(cli("consent", "check", "--qualification", "gce-a-level", "--on", "2026-08-12T16:00"), 1)
    assert result.stdout.replace("\n", " ") == (  # 238 characters: wrapped at a space to fit 200 columns
        "Not valid (June 2026): consent given Wed 12 Aug 2026 at 16:00 is before results for GCE A level are "
        "released to candidates on Thu 13 Aug 2026 at 08:00; the release to centres from Wed 12 Aug 2026 at "
        "00:01 is too early (seed:000; JCQ-RES). "
    )
    assert [len(line) for line in result.stdout.splitlines()] == [198, 39]
    assert not paths.database_path().exists()  # no database needed, none created


def test_one_question_on_results_day_is_valid(cli):
    # issue 4: a date-only consent on results day counts as after release
    result = ok(cli("consent", "check", "-q", "gce-a-level", "--on", "2026-08-13", "--ab", "pearson", "--series", "june-2026"))
    assert result.stdout.startswith("Valid (June 2026): consent dated Thu 13 Aug 2026 is after results for GCE A level")


def test_one_question_json(cli):
    # JCQ-RES: 07:30 on results day is before the 08:00 release to candidates
    data = check_json(cli, "-q", "gce-a-level", "--on", "2026-08-13T07:30", code=1)
    assert data == {
        "valid": False,
        "status": "before_results",
        "message": "consent given Thu 13 Aug 2026 at 07:30 is before results for GCE A level are released to candidates "
        "on Thu 13 Aug 2026 at 08:00; the release to centres from Wed 12 Aug 2026 at 00:01 is too early",
        "valid_from": "2026-08-13T08:00:00",
        "series": "june-2026",
        "qualification": "gce-a-level",
        "awarding_body": None,
        "given_on": "2026-08-13",
        "given_at": "2026-08-13T07:30:00",
        "source": "seed:000; JCQ-RES",
    }


def test_one_question_picks_the_nearest_series(cli):
    # seed:000: GCSE results Thu 20 Aug 2026 (June 2026); WHICKHAM: 8 Jan 2026 (November 2025)
    assert check_json(cli, "-q", "gcse", "--on", "2026-08-21", code=0)["series"] == "june-2026"
    assert check_json(cli, "-q", "gcse", "--on", "2026-01-07", code=1)["series"] == "november-2025"


def test_one_question_cambridge_english(cli):
    # seed:004: Cambridge English results are per candidate, online on their own day
    data = check_json(cli, "-q", "cambridge-english", "--on", "2026-07-01", "--results-released", "2026-07-01", code=0)
    assert (data["valid"], data["series"], data["valid_from"]) == (True, None, "2026-07-01T00:00:00")
    result = ok(cli("consent", "check", "-q", "cambridge-english", "--on", "2026-07-01"), 2)
    assert result.stderr == "Error: Cambridge English results are released per candidate: give --results-released YYYY-MM-DD\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2026-08-13"], "Error: a one-question check needs both --qualification and --on\n"),
        (["-q", "gce-a-level"], "Error: a one-question check needs both --qualification and --on\n"),
        (["3", "-q", "gce-a-level", "--on", "2026-08-13"], "Error: give either a request id or --qualification and --on, not both\n"),
        (["-q", "a-levle", "--on", "2026-08-13"], "Error: unknown qualification 'a-levle'; did you mean t-level or gce-a-level?\n"),
        (["-q", "gce-a-level", "--on", "2026-08-32"], "Error: --on '2026-08-32' is not a real date; write it as DD/MM/YYYY or YYYY-MM-DD, for example 20/08/2026 or 2026-08-20\n"),
        (["-q", "gce-a-level", "--on", "13/08/2026 9am"], "Error: --on '13/08/2026 9am' is not a real date and time; write DD/MM/YYYY HH:MM or YYYY-MM-DDTHH:MM (or the date alone), for example 13/08/2026 09:15 or 2026-08-13T09:15\n"),
        (["-q", "gce-a-level", "--on", "2026-08-13", "--ab", "CAMBRIDGE"], "Error: Cambridge English does not award GCE A level\n"),
        (["-q", "gcse", "--on", "2026-08-13", "--results-released", "2026-08-13"], "Error: --results-released is for Cambridge English; GCSE follows the series results day\n"),
        (["-q", "gce-a-level", "--on", "2026-08-13", "--series", "june-2099"], None),
    ],
)
def test_one_question_bad_input(cli, args, message):
    result = ok(cli("consent", "check", *args), 2)
    if message:
        assert result.stderr == message
    else:
        assert result.stderr.startswith("Error: unknown series 'june-2099'")


# --- record ---------------------------------------------------------------------------------


def test_record_prints_the_id_and_the_check_of_its_requests(cli):
    request = add(cli)
    result = ok(record(cli, "--on", "2026-08-13T09:15", "--covers", "s1,S2", "--acknowledged-outcomes"))
    assert result.stdout == "Recorded consent 1 (S1, S2, june-2026).\n"
    assert result.stderr == (
        f"request {request} (S2): ok: consent given Thu 13 Aug 2026 at 09:15 covers Review of marking (S2) and is after "
        "results for GCE A level are released to candidates on Thu 13 Aug 2026 at 08:00\n"
    )


def test_record_json(cli):
    add(cli)
    data = json.loads(ok(record(cli, "--on", "2026-08-13", "--covers", "ATS-P", "--no-classroom-use", "--acknowledged-outcomes", "--request", "1", "--note", "by email", "--by", "Exams Officer", "--json")).stdout)
    checks = data.pop("checks")
    assert data.pop("recorded_at")
    assert data == {
        "id": 1, "candidate": "0042", "series": "june-2026", "given_on": "2026-08-13", "given_at": None,
        "method": "form", "given_by": "candidate", "covers": ["ATS-P"], "acknowledged_outcomes": True,
        "classroom_use": False, "anonymise": None, "requests": [1], "note": "by email",
        "recorded_by": "Exams Officer", "purged_at": None,
    }
    assert [(c["request_id"], c["status"]) for c in checks] == [(1, "not_covered")]
    assert set(checks[0]) == CHECK_KEYS


def test_record_from_a_parent_is_kept_but_flagged(cli):
    # seed:000: consent is the candidate's, not a parent's
    add(cli)
    result = ok(record(cli, "--on", "2026-08-13", "--covers", "S2", "--acknowledged-outcomes", "--given-by", "Mrs Example (mother)"))
    assert "Kept, but consent given by anyone other than the candidate is never valid consent." in result.stderr
    assert "not_from_candidate" in result.stderr
    assert check_json(cli, code=1)[0]["status"] == "not_from_candidate"


def test_record_default_series_from_the_request(cli):
    add(cli)
    result = ok(cli("consent", "record", "--candidate", "0042", "--method", "email", "--on", "2026-08-13", "--covers", "S2", "--request", "1", env=SUMMER))
    assert result.stdout == "Recorded consent 1 (S2, june-2026).\n"


def test_record_with_nothing_logged_yet(cli):
    result = ok(record(cli, "--on", "2026-08-13", "--covers", "S2", "--acknowledged-outcomes"))
    assert result.stderr == "No logged request uses this consent yet; 'prs consent check' will match it when one is logged.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--covers", "S2", "--on", "2026-08-13", "--candidate", "42"], "Error: the candidate number must be exactly 4 digits (for example 0042)\n"),
        (["--covers", "S2", "--on", "2026-08-15"], "Error: --on 2026-08-15 is in the future; record consent once it has been given\n"),
        (["--covers", "S2", "--on", "yesterday"], "Error: --on 'yesterday' is not a real date and time; write DD/MM/YYYY HH:MM or YYYY-MM-DDTHH:MM (or the date alone), for example 13/08/2026 09:15 or 2026-08-13T09:15\n"),
        (["--covers", "S3", "--on", "2026-08-13"], "Error: Review of moderation (S3) needs no candidate consent; leave it out of --covers\n"),
        (["--covers", "S9", "--on", "2026-08-13"], None),
        (["--covers", ",", "--on", "2026-08-13"], None),
        (["--covers", "S2", "--on", "2026-08-13", "--given-by", " "], "Error: --given-by is empty; say 'candidate' or who gave it\n"),
        (["--covers", "S2", "--on", "2026-08-13", "--request", "99"], "Error: no request 99 in the log; 'prs request list' shows the ids\n"),
    ],
)
def test_record_bad_input_writes_nothing(cli, args, message):
    result = ok(record(cli, *args), 2)
    if message:
        assert result.stderr == message
    else:
        assert result.stderr.startswith("Error: unknown service")
    if paths.database_path().exists():
        conn = sqlite3.connect(paths.database_path())
        assert conn.execute("SELECT count(*) FROM consents").fetchone()[0] == 0
        conn.close()


def test_record_bad_method(cli):
    result = ok(record(cli, "--covers", "S2", "--on", "2026-08-13", "--method", "phone"), 2)
    assert result.stderr == "Error: unknown method 'phone'; valid codes: email, form\n"


def test_record_refuses_a_request_of_another_candidate(cli):
    add(cli, candidate="0043")
    result = ok(record(cli, "--covers", "S2", "--on", "2026-08-13", "--request", "1"), 2)
    assert result.stderr == "Error: request 1 is for a different candidate; nothing was recorded\n"
    assert "0043" not in result.stderr


# --- check over the log -----------------------------------------------------------------------


def test_check_lists_every_request_needing_consent(cli):
    s2 = add(cli)
    ats = add(cli, service="ATS-TL")
    add(cli, service="S3", component="7357/C", candidate=None)
    s1 = add(cli, service="S1", candidate="0043")
    ok(record(cli, "--on", "2026-08-12", "--covers", "S2", "--acknowledged-outcomes"))
    ok(record(cli, "--on", "2026-08-13", "--covers", "ATS-TL", "--classroom-use", "--acknowledged-outcomes"))
    rows = check_json(cli, code=1)
    assert all(set(r) == CHECK_KEYS for r in rows)
    assert [(r["request_id"], r["service"], r["status"]) for r in rows] == [
        (s2, "S2", "before_results"),
        (ats, "ATS-TL", "anonymity_missing"),  # the classroom choice is a teaching copy's (seed:000)
        (s1, "S1", "missing"),
    ]
    assert rows[0]["valid_from"] == "2026-08-13T08:00:00"
    assert rows[0]["candidate"] == "0042"
    table = ok(cli("consent", "check"), 1).stdout
    assert "before_results" in table and "anonymity_missing" in table and "missing" in table


def test_check_passes_when_everything_is_ok(cli):
    add(cli)
    ok(record(cli, "--on", "2026-08-13", "--covers", "S2", "--acknowledged-outcomes"))
    rows = check_json(cli, "--all", code=0)
    assert [r["status"] for r in rows] == ["ok"]
    result = ok(cli("consent", "check", "--json"), 0)  # by default, only what is wrong
    assert (json.loads(result.stdout), result.stderr) == ([], "Consent is valid for the one request that needs it.\n")


def test_check_outcomes_not_acknowledged(cli):
    # seed:000: the candidate must be told the grade may go down as well as up
    add(cli)
    ok(record(cli, "--on", "2026-08-13", "--covers", "S2"))
    assert check_json(cli, code=1)[0]["status"] == "outcomes_not_acknowledged"


def test_check_one_request(cli):
    add(cli)
    s3 = add(cli, service="S3", component="7357/C", candidate=None)
    assert check_json(cli, "1", code=1)[0]["status"] == "missing"
    assert check_json(cli, str(s3), code=0)[0]["status"] == "not_needed"
    assert ok(cli("consent", "check", "9"), 2).stderr == "Error: no request 9 in the log; 'prs request list' shows the ids\n"


def test_check_with_nothing_needing_consent(cli):
    add(cli, service="S3", component="7357/C", candidate=None)
    result = ok(cli("consent", "check"))
    assert result.stderr == "No logged request needs consent.\n"
    assert check_json(cli, code=0) == []


def test_check_without_a_database(cli):
    result = ok(cli("consent", "check"), 2)
    assert result.stderr.startswith("Error: no database at ")


def test_withdrawn_requests_are_not_checked(cli):
    add(cli)
    ok(cli("request", "withdraw", "1", "--reason", "changed mind", env=SUMMER))
    assert check_json(cli, code=0) == []


# --- the submission gate ----------------------------------------------------------------------


def test_submit_refuses_service_2_covered_only_for_scripts(cli):
    # issue 4: a Service 2 request with consent covering only access to scripts is refused
    add(cli)
    ok(record(cli, "--on", "2026-08-13", "--covers", "ATS-P", "--no-classroom-use", "--acknowledged-outcomes"))
    assert check_json(cli, code=1)[0]["status"] == "not_covered"
    result = ok(cli("request", "submit", "1", "--received", "2026-08-14", env=SUMMER), 2)
    assert result.stderr == (
        "Error: request 1 cannot be submitted: Review of marking (S2) is not covered by the candidate's consent, "
        "which covers only ATS-P\n"
    )
    shown = json.loads(ok(cli("request", "show", "1", "--json", env=SUMMER)).stdout)
    assert shown["status"] == "draft"


def test_submit_refuses_without_consent_and_accepts_once_recorded(cli):
    add(cli)
    result = ok(cli("request", "submit", "1", "--received", "2026-08-14", env=SUMMER), 2)
    assert result.stderr == (
        "Error: request 1 cannot be submitted: no consent from the candidate is recorded for Review of marking (S2); "
        "record it with 'prs consent record'\n"
    )
    ok(record(cli, "--on", "2026-08-13T07:59", "--covers", "S2", "--acknowledged-outcomes"))
    assert "before results" in ok(cli("request", "submit", "1", "--received", "2026-08-14", env=SUMMER), 2).stderr
    ok(record(cli, "--on", "2026-08-13T10:00", "--covers", "S2", "--acknowledged-outcomes"))
    assert ok(cli("request", "submit", "1", "--received", "2026-08-14", env=SUMMER)).stdout.startswith("Request 1 submitted")


def test_submit_never_blocks_service_3(cli):
    # seed:000; AQA-MOD: no consent needed for Service 3
    s3 = add(cli, service="S3", component="7357/C", candidate=None)
    result = ok(cli("request", "submit", str(s3), "--received", "2026-08-14", "--sample-received", "2026-08-14", env=SUMMER))
    assert result.stdout.startswith(f"Request {s3} submitted")


# --- retention, due-for-disposal and purge ----------------------------------------------------


def completed_review(cli, covers: str = "S2") -> None:
    add(cli)
    ok(record(cli, "--on", "2026-08-13", "--covers", covers, "--acknowledged-outcomes", "--note", "signed form in file 3"))
    ok(cli("request", "submit", "1", "--received", "2026-08-14", env=SUMMER))
    ok(cli("request", "outcome", "1", "--on", "2026-09-10", "--grade-after", "B", env={"PRS_TODAY": "2026-09-10"}))


def test_outcome_on_10_sep_keeps_consent_until_10_mar(cli):
    # seed:000: keep consent at least six months after the outcome (10 Sep 2026 -> 10 Mar 2027)
    completed_review(cli)
    assert json.loads(ok(cli("consent", "due-for-disposal", "--json", "--today", "2027-03-10")).stdout) == []
    (item,) = json.loads(ok(cli("consent", "due-for-disposal", "--json", "--today", "2027-03-11")).stdout)
    assert set(item) == RETENTION_KEYS
    assert item == {
        "consent_id": 1, "candidate": "0042", "series": "june-2026", "given_on": "2026-08-13", "covers": ["S2"],
        "requests": [1], "open_requests": [], "keep_until": "2027-03-10",
        "rule": "keep consent 6 months after the outcome or any appeal (2026-09-10)",
        "source": "seed:000; OCR-ROM; AQA-CRC",
    }
    table = ok(cli("consent", "due-for-disposal", "--today", "2027-03-11")).stdout
    assert "Wed 10 Mar 2027" in table
    quiet = ok(cli("consent", "due-for-disposal", "--today", "2027-03-10"))
    assert quiet.stderr == "Nothing is past its keep-until date on 2027-03-10.\n"


def test_an_appeal_keeps_consent_six_months_after_its_outcome(cli):
    # seed:000: six months after the outcome of any later appeal
    completed_review(cli, covers="S2,APP1")
    appeal = int(ok(cli("request", "appeal", "1", "--on", "2026-09-20", env={"PRS_TODAY": "2026-09-20"})).stdout)
    assert json.loads(ok(cli("consent", "due-for-disposal", "--json", "--today", "2027-06-01")).stdout) == []
    ok(cli("request", "outcome", str(appeal), "--on", "2026-11-02", "--unchanged", env={"PRS_TODAY": "2026-11-02"}))
    assert json.loads(ok(cli("consent", "due-for-disposal", "--json", "--today", "2027-05-02")).stdout) == []
    (item,) = json.loads(ok(cli("consent", "due-for-disposal", "--json", "--today", "2027-05-03")).stdout)
    assert (item["keep_until"], item["requests"]) == ("2027-05-02", [1, appeal])


def test_an_appeal_needs_consent_that_covers_it(cli):
    # issue 11 item 1: the JCQ Appendix A form covers "clerical re-checks, reviews of marking and
    # appeals" (seed:000): consent for the review covers the preliminary appeal after it.
    completed_review(cli, covers="S2")
    assert ok(cli("request", "appeal", "1", "--on", "2026-09-20", env={"PRS_TODAY": "2026-09-20"})).stdout == "2\n"


def test_purge_dry_run_changes_nothing(cli):
    completed_review(cli)
    before = consent_row(1)
    result = ok(cli("consent", "purge", "--today", "2027-03-11"))
    assert result.stdout == "Would purge consent 1 (S2, kept until Wed 10 Mar 2027).\n"
    assert result.stderr == "Dry run: nothing was changed. Add --yes to purge.\n"
    assert consent_row(1) == before
    data = json.loads(ok(cli("consent", "purge", "--today", "2027-03-11", "--json")).stdout)
    assert data["dry_run"] is True and [c["purged"] for c in data["consents"]] == [False]
    assert consent_row(1) == before


def test_purge_yes_blanks_personal_fields_and_keeps_the_audit_event(cli):
    completed_review(cli)
    result = ok(cli("consent", "purge", "--yes", "--today", "2027-03-11", "--by", "officer"))
    assert result.stdout == "Purged consent 1 (S2, kept until Wed 10 Mar 2027).\n"
    candidate, given_by, note, purged_at = consent_row(1)
    assert (candidate, given_by, note) == (None, "candidate", None)
    assert purged_at is not None
    conn = sqlite3.connect(paths.database_path())
    at, by, details = conn.execute("SELECT at, by, details FROM events WHERE action = 'consent_purged'").fetchone()
    conn.close()
    assert by == "officer"
    assert json.loads(details) == {
        "series": "june-2026", "given_on": "2026-08-13", "given_at": None, "method": "form", "covers": ["S2"],
        "requests": [1], "valid_for": [1], "statuses": {"1": "ok"}, "keep_until": "2027-03-10",
        "as_of": "2027-03-11",  # issue 12 item 13: made with --today, so the day it was made for is kept
    }
    assert "0042" not in details and "file 3" not in details
    # the request still shows that a valid consent existed, and nothing is due any more
    assert check_json(cli, "--all", code=0)[0]["status"] == "ok"
    assert json.loads(ok(cli("consent", "due-for-disposal", "--json", "--today", "2028-01-01")).stdout) == []
    # issue 12 item 14: a second purge says what the first did, and succeeds
    again = ok(cli("consent", "purge", "1", "--yes", "--today", "2028-01-01"))
    assert again.stdout == f"Consent 1 was already purged at {at} (UTC); nothing to do.\n"


def test_purge_refuses_while_a_covered_request_is_open(cli):
    add(cli)
    ok(record(cli, "--on", "2026-08-13", "--covers", "S2", "--acknowledged-outcomes"))
    ok(cli("request", "submit", "1", "--received", "2026-08-14", env=SUMMER))
    before = consent_row(1)
    result = ok(cli("consent", "purge", "1", "--yes", "--today", "2030-01-01"), 2)
    assert result.stderr == "Error: consent 1 cannot be purged: request 1 it covers is still open\n"
    assert consent_row(1) == before
    assert ok(cli("consent", "purge", "--yes", "--today", "2030-01-01")).stderr == "Nothing is due for disposal on 2030-01-01.\n"
    assert consent_row(1) == before


def test_purge_refuses_before_keep_until(cli):
    completed_review(cli)
    result = ok(cli("consent", "purge", "1", "--yes", "--today", "2027-03-10"), 2)
    assert result.stderr == (
        "Error: consent 1 must be kept until Wed 10 Mar 2027 (keep consent 6 months after the outcome or any appeal "
        "(2026-09-10); seed:000; OCR-ROM; AQA-CRC)\n"
    )


def test_purge_unknown_consent(cli):
    completed_review(cli)
    assert ok(cli("consent", "purge", "7", "--today", "2028-01-01"), 2).stderr == "Error: no consent 7; see 'prs consent check'\n"


# --- start-up ------------------------------------------------------------------------------


def test_the_consent_module_imports_nothing_heavy():
    code = (
        "import sys, prs_cli.cli.consent; "
        "print(sorted(m for m in ('rich', 'pydantic', 'holidays', 'icalendar') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["consent", "check", "999999999999999999999"],
        ["consent", "purge", "0"],
        ["consent", "record", "--candidate", "0042", "--method", "form", "--on", "2026-08-13", "--covers", "S2", "--request", "-1"],
    ],
)
def test_ids_out_of_range_are_usage_errors(cli, args):
    result = ok(cli(*args, env=SUMMER), 2)
    assert "is not in the range 1<=x<=9223372036854775807" in result.stderr


def test_cambridge_english_consent_tied_to_its_request(cli):
    # seed:004: Cambridge English results come out per candidate; consent from that day
    env = {"PRS_TODAY": "2026-07-05"}
    ok(cli("request", "add", "--ab", "CAMBRIDGE", "-q", "cambridge-english", "--service", "CE1", "--component", "Writing",
           "--candidate", "0042", "--name", "Ann Example", "--results-released", "2026-07-01", env=env))
    early = ["consent", "record", "--candidate", "0042", "--method", "email", "--covers", "CE1", "--acknowledged-outcomes", "--request", "1"]
    assert ok(cli(*early, "--on", "2026-06-30", env=env)).stdout == "Recorded consent 1 (CE1, no series).\n"
    assert check_json(cli, code=1)[0]["status"] == "before_results"
    ok(cli(*early, "--on", "2026-07-01", env=env))
    (row,) = check_json(cli, "--all", code=0)
    assert (row["status"], row["consent_id"], row["series"]) == ("ok", 2, None)


def test_record_shows_the_requests_it_applies_to_even_when_another_consent_wins(cli):
    add(cli)
    ok(record(cli, "--on", "2026-08-13", "--covers", "S2", "--acknowledged-outcomes"))
    result = ok(record(cli, "--on", "2026-08-14", "--covers", "S2", "--acknowledged-outcomes", "--given-by", "parent"))
    assert result.stderr.splitlines()[-1].startswith("request 1 (S2): ok: consent dated Thu 13 Aug 2026 covers")


def test_due_for_disposal_before_anything_is_logged_is_nothing(cli):
    # a new officer asking on day one: nothing is due, not an error about a missing database
    result = cli("consent", "due-for-disposal", "--today", "2026-08-14")
    assert result.exit_code == 0 and "Nothing is past its keep-until date" in result.stderr
    assert json.loads(cli("consent", "due-for-disposal", "--json").stdout) == []
