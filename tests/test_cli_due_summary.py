"""`prs due`, `prs summary` and `prs status` over a log built with the real commands."""

from __future__ import annotations

import json
from datetime import date

import pytest

TODAY = "2026-09-01"


@pytest.fixture
def busy(cli):
    """A June 2026 log on 1 Sep 2026: a late draft, a board to chase, an answer due, an appeal
    window closing, a consent given too early, and a June 2025 consent due for disposal."""

    def ok(*args):
        result = cli(*args, "--by", "EO")
        assert result.exit_code == 0, (args, result.stderr)

    def add(candidate, body, qual, component, service, fee, today, series="june-2026", *extra):
        ok("request", "add", "--candidate", candidate, "--ab", body, "-q", qual, "--component", component,
           "--service", service, "--fee", fee, "--series", series, "--today", today, *extra)

    def consent(candidate, on, covers, today, series="june-2026"):
        ok("consent", "record", "--candidate", candidate, "--on", on, "--method", "form", "--covers", covers,
           "--acknowledged-outcomes", "--series", series, "--today", today)

    add("1001", "AQA", "gcse", "8300/1H", "S2", "0.10", "2026-08-21")  # 1
    add("1002", "AQA", "gce-a-level", "7357/1", "PS2", "0.20", "2026-08-18")  # 2
    add("1003", "OCR", "gcse", "J560/01", "S1", "10.10", "2026-08-21")  # 3
    add("1004", "AQA", "gcse", "8700/1", "S2", "20.20", "2026-08-21")  # 4
    add("1005", "AQA", "gce-a-level", "7182/1", "PS2", "30.30", "2026-08-14", "june-2026", "--grade", "B")  # 5
    add("1006", "AQA", "gcse", "8300/2H", "S1", "8.70", "2025-08-22", "june-2025", "--grade", "4")  # 6
    consent("1001", "2026-08-14", "S2", "2026-08-21")  # before GCSE results (20 Aug): not valid
    consent("1002", "2026-08-14", "PS2", "2026-08-18")
    consent("1003", "2026-08-21", "S1", "2026-08-21")
    consent("1004", "2026-08-20T09:00", "S2", "2026-08-21")
    consent("1005", "2026-08-13T10:00", "PS2", "2026-08-14")
    consent("1006", "2025-08-22", "S1", "2025-08-22", "june-2025")
    ok("request", "submit", "3", "--received", "2026-08-21", "--today", "2026-08-21")
    ok("request", "submit", "4", "--received", "2026-08-21", "--today", "2026-08-21")
    ok("request", "submit", "5", "--received", "2026-08-14", "--today", "2026-08-14")
    ok("request", "outcome", "5", "--on", "2026-08-22", "--grade-after", "A", "--today", "2026-08-22")
    ok("request", "submit", "6", "--received", "2025-08-22", "--today", "2025-08-22")
    ok("request", "outcome", "6", "--on", "2025-08-29", "--grade-after", "5", "--today", "2025-08-29")
    # Every checklist task of the series ticked: these tests are about the log's own work
    # (tests/test_checklist.py has the tasks in `prs due`).
    from prs_cli import paths
    from prs_cli.calendar.checklist import load_checklist
    from prs_cli.calendar.load import load_calendar
    from prs_cli.store import checklist
    from prs_cli.store.db import connect

    conn = connect(paths.database_path())
    for task in load_checklist(load_calendar(None)).tasks:
        checklist.mark_done(conn, "june-2026", task.key, note=None, by="EO")
    conn.close()


# The officer's own work, in order. seed:000 for PS2 (20 Aug), S2 (24 Sep), completion times
# (S1 10, S2 20 days) and six months' consent retention; PEA-APP25 for appeals (30 days).
OWN_WORK = [
    ("2026-03-01", -184, "overdue", "consent_disposal", [6]),  # kept until 28 Feb 2026
    ("2026-08-20", -12, "overdue", "late_draft", [2]),
    ("2026-08-31", -1, "overdue", "chase_board", [3]),  # received 21 Aug + 10 days
    ("2026-09-10", 9, "upcoming", "completion_due", [4]),  # received 21 Aug + 20 days
    ("2026-09-21", 20, "upcoming", "appeal_window", [5]),  # outcome 22 Aug + 30 days
    ("2026-09-22", 21, "upcoming", "consent_missing", [1]),  # by the internal deadline
    ("2026-09-22", 21, "upcoming", "internal_deadline", [1]),  # 24 Sep minus 2 days
]
OWN_KINDS = {kind for *_, kind, _ in OWN_WORK}


def due_json(cli, *args):
    result = cli("due", "--today", TODAY, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_due_shows_exactly_the_work_in_order(cli, busy, calendar):
    items = due_json(cli, "--days", "30")
    own = [(i["date"], i["days_left"], i["severity"], i["kind"], i["request_ids"]) for i in items if i["kind"] in OWN_KINDS]
    assert own == [tuple(w) for w in OWN_WORK]
    # every other line is a calendar date inside the window, after the overdue ones
    from prs_cli.rules.schedule import calendar_items

    window = {(d.date.isoformat(), d.title) for d in calendar_items(calendar)
              if d.date and date(2026, 9, 1) <= d.date <= date(2026, 10, 1)}
    others = [(i["date"], i["title"]) for i in items if i["kind"] not in OWN_KINDS]
    assert set(others) == window
    order = [(("overdue", "due", "upcoming").index(i["severity"]), i["date"]) for i in items]
    assert order == sorted(order)
    assert set(items[0]) == {"date", "days_left", "severity", "kind", "title", "detail", "request_ids", "consent_ids", "source"}


def test_due_window_from_config(cli, busy):
    assert cli("config", "set", "look_ahead_days", "7").exit_code == 0
    kinds = [i["kind"] for i in due_json(cli)]
    # nothing else before 8 Sep but the consent to chase, whatever its deadline (issue 13)
    assert kinds == ["consent_disposal", "late_draft", "chase_board", "consent_missing"]


def test_lead_days_from_config(cli, busy):
    assert cli("config", "set", "lead_days", "5").exit_code == 0
    (item,) = [i for i in due_json(cli, "--days", "30") if i["kind"] == "internal_deadline"]
    assert item["date"] == "2026-09-18"  # Thu 24 Sep minus 5 days is Sat 19 Sep: back to Fri 18 Sep


def test_table_matches_json(cli, busy):
    items = due_json(cli, "--days", "30")
    table = cli("due", "--today", TODAY, "--days", "30")
    assert table.exit_code == 0
    assert "\x1b" not in table.stdout
    position = 0
    for item in items:
        found = table.stdout.find(item["title"], position)
        assert found >= position, item["title"]
        position = found + 1


def test_summary_text_headed_by_centre_counts_first(cli, busy):
    assert cli("config", "set", "centre_number", "01234").exit_code == 0
    assert cli("config", "set", "centre_name", "Hill School").exit_code == 0
    result = cli("summary", "--today", TODAY, "--days", "7")
    assert result.exit_code == 0
    assert result.stdout == (
        "Post-results summary for 01234 Hill School, Tue 1 Sep 2026\n"
        "\n"
        "3 overdue, 0 due within 2 days, 0 more in the next 7 days, 1 later.\n"
        "\n"
        "OVERDUE (3)\n"
        "- Sun 1 Mar 2026 (184 days ago): Dispose of consent 6 securely: kept until Sat 28 Feb 2026\n"
        "    keep consent 6 months after the outcome or any appeal (2025-08-29); then 'prs consent purge'\n"
        "- Thu 20 Aug 2026 (12 days ago): Request 2 for Priority Service 2 (PS2) still draft after the board's deadline\n"
        "    JCQ deadline for Priority Service 2, June 2026; awarding bodies refuse late requests: submit now only if the board agrees, or withdraw\n"
        "- Mon 31 Aug 2026 (1 day ago): Chase OCR: request 3 for Clerical re-check (S1) past the completion target\n"
        "    OCR completes Clerical re-check within 10 calendar days of receiving the request; no outcome logged\n"
        "\n"
        "COMING UP (1)\n"  # consent is chased from the day a request is logged (issue 13), dated by its internal deadline
        "- Tue 22 Sep 2026 (in 21 days): Consent needed for request 1: consent given before results\n"
        "    consent dated Fri 14 Aug 2026 is before results for GCSE are released to candidates on Thu 20 Aug 2026 at 08:00\n"
    )


def test_summary_json_and_markdown(cli, busy):
    result = cli("summary", "--today", TODAY, "--days", "30", "--format", "json")
    data = json.loads(result.stdout)
    assert data["centre"] == {"number": None, "name": None}
    assert (data["today"], data["days"]) == (TODAY, 30)
    assert data["items"] == due_json(cli, "--days", "30")
    assert data["counts"] == {
        "overdue": 3,
        "due": 0,
        "upcoming": sum(1 for i in data["items"] if i["severity"] == "upcoming"),
    }
    markdown = cli("summary", "--today", TODAY, "--days", "7", "--format", "markdown").stdout
    assert markdown.startswith("# Post-results summary for your centre, Tue 1 Sep 2026\n\n3 overdue,")
    assert "| Mon 31 Aug 2026 | 1 day ago | Chase OCR: request 3 for Clerical re-check (S1) past the completion target" in markdown


def test_summary_quiet_day_prints_nothing(cli):
    # no requests, and no calendar date between 3 and 17 March 2026
    result = cli("summary", "--quiet", "--today", "2026-03-03")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    loud = cli("summary", "--today", "2026-03-03")
    assert "Nothing is overdue or due in the window." in loud.stdout


def test_summary_errors_go_to_stderr(cli, prs_home):
    result = cli("summary", "--quiet", "--today", "2026-02-30")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: --today '2026-02-30' is not a real date")
    prs_home.mkdir(parents=True, exist_ok=True)
    (prs_home / "config.yaml").write_text("lead_days: [\n")
    broken = cli("summary", "--quiet", "--today", TODAY)
    assert broken.exit_code == 2 and broken.stdout == ""
    assert broken.stderr.startswith(f"Error: {prs_home / 'config.yaml'}:2:1: ")


def test_cron_path_in_a_real_process(cli, busy, prs_process):
    """What cron runs: a pipe, NO_COLOR set; the busy digest arrives, with no escape character."""
    result = prs_process("summary", "--quiet", "--today", TODAY, env={"NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Post-results summary for your centre, Tue 1 Sep 2026\n\n3 overdue, 0 due within 2 days,")
    assert "\x1b" not in result.stdout and result.stderr == ""
    assert all(ch.isprintable() for ch in result.stdout.replace("\n", ""))
    quiet = prs_process("summary", "--quiet", "--today", "2026-03-03", "--db", "/nonexistent-dir/none.sqlite3")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    due = prs_process("due", "--today", TODAY, env={"NO_COLOR": "1"})
    assert due.returncode == 0 and "\x1b" not in due.stdout and "Chase OCR" in due.stdout


def test_due_with_nothing_logged(cli):
    result = cli("due", "--today", "2026-03-03")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "Nothing is overdue or due in the 14 days from 2026-03-03.\n"
    assert cli("due", "--today", "2026-03-03", "--json").stdout == "[]\n"


def test_due_bad_input(cli):
    result = cli("due", "--days", "-1")
    assert result.exit_code == 2
    result = cli("due", "--today", "tomorrow")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --today 'tomorrow' is not a real date")


def test_status_counts_and_fees(cli, busy):
    result = cli("status", "--today", TODAY, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["series"] == "june-2026"
    assert data["total"] == 5
    assert data["by_status"] == {"draft": 2, "submitted": 2, "completed": 1, "withdrawn": 0, "rejected": 0}
    assert data["by_board"]["OCR"] == {"draft": 0, "submitted": 1, "completed": 0, "withdrawn": 0, "rejected": 0, "total": 1}
    assert data["by_service"]["PS2"]["total"] == 2
    assert data["outcomes"] == {"up": 1, "unchanged": 0, "down": 0}
    # Decimal: 10.10 + 20.20 + 30.30 exactly; AQA refunds when the grade changes (AQA-ROM2)
    assert data["fees"] == {"committed": "60.60", "refunded": "30.30", "net": "30.30", "planned": "0.30", "not_logged": 0}
    text = cli("status", "--today", TODAY).stdout
    assert text.startswith("June 2026: 5 requests (2 draft, 2 submitted, 1 completed)\n")
    assert "Fees: £60.60 committed, £30.30 refunded, £30.30 net; £0.30 more in drafts\n" in text


def test_status_other_series_and_bad_series(cli, busy):
    data = json.loads(cli("status", "--series", "JUNE-2025", "--json").stdout)
    assert (data["series"], data["total"], data["fees"]["refunded"]) == ("june-2025", 1, "8.70")
    bad = cli("status", "--series", "june-2099")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: unknown series 'june-2099'")
    early = cli("status", "--today", "2020-01-01")
    assert early.exit_code == 2
    assert early.stderr == "Error: no series has results out by 2020-01-01; name one with --series\n"


def test_summary_days_must_be_sane(cli):
    result = cli("summary", "--days", "367")
    assert result.exit_code == 2 and result.stdout == ""


def test_plain_summary_names_up_to_ten_requests_and_counts_the_rest(cli):
    # Issue 13 items 4 and 5: twelve requests logged on results day with no consent are on the
    # agenda at once, named (the store reads the lowest ids of a group over ten), and a draft
    # logged late with a reason is to be submitted, not withdrawn.
    for n in range(12):
        result = cli("request", "add", "--candidate", f"{2000 + n}", "--ab", "AQA", "-q", "gcse", "--component",
                     "8300/1H", "--service", "S2", "--today", "2026-08-20")
        assert result.exit_code == 0, result.stderr
    text = cli("summary", "--today", "2026-08-20", "--days", "1").stdout
    assert ("Consent needed for requests 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more: no consent recorded"
            in " ".join(text.split()))
    result = cli("request", "add", "--candidate", "3000", "--ab", "AQA", "-q", "gce-a-level", "--component", "7357/1",
                 "--service", "PS2", "--late-reason", "AQA agreed by phone", "--today", "2026-08-25")
    assert result.exit_code == 0, result.stderr
    items = json.loads(cli("due", "--today", "2026-08-25", "--json").stdout)
    (late,) = [i for i in items if i["kind"] == "late_draft"]
    assert late["title"] == "Request 13 for Priority Service 2 (PS2): late, agreed with the board: submit"


def test_status_counts_cambridge_english_in_the_year_its_results_came_out(cli, calendar):
    # reference.md §4 (CE-EAR): Cambridge English results come out per candidate, outside any
    # JCQ series; november-2025's results day (8 Jan 2026) comes before june-2026's (13 Aug).
    from prs_cli.rules.status import seriesless_year

    assert (seriesless_year(calendar, "june-2026"), seriesless_year(calendar, "june-2025")) == (2026, 2025)
    assert seriesless_year(calendar, "november-2025") is None
    result = cli("request", "add", "--candidate", "1234", "--ab", "CAMBRIDGE", "-q", "cambridge-english",
                 "--component", "writing", "--service", "CE1", "--results-released", "2026-06-05", "--today", "2026-06-08")
    assert result.exit_code == 0, result.stderr
    june = json.loads(cli("status", "--json", "--series", "june-2026", "--today", "2026-09-01").stdout)
    assert (june["total"], june["by_board"]["CAMBRIDGE"]["total"], june["seriesless_year"]) == (1, 1, 2026)
    for other in ("june-2025", "november-2025"):
        assert json.loads(cli("status", "--json", "--series", other, "--today", "2026-09-01").stdout)["total"] == 0
