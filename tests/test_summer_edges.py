"""Issue 11 "done when": a whole summer at the edges, from request to appeal hearing, for an NCFE
T Level candidate, a Pearson BTEC learner, an OCR FSMQ candidate, an AQA Extended Project
sample and a Cambridge English candidate. Every date below is worked out by hand in the comment
beside it, citing its source; England and Wales bank holidays: Mon 31 Aug 2026 (summer)."""

from __future__ import annotations

import json
from datetime import date


def run(cli, *args, today: str, code: int = 0):
    result = cli(*args, "--today", today)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    return result


def new_id(cli, *args, today: str) -> int:
    return int(run(cli, *args, today=today).stdout.strip())


def dates(cli, today: str) -> dict[int, dict]:
    """Each request's dates as `prs request list --json` gives them."""
    rows = json.loads(run(cli, "request", "list", "--all", "--json", today=today).stdout)
    return {row["id"]: row for row in rows}


def iso(y: int, m: int, d: int) -> str:
    return date(y, m, d).isoformat()


def due(cli, today: str) -> list[dict]:
    return json.loads(run(cli, "due", "--json", today=today).stdout)


def test_ncfe_t_level_candidate(cli):
    # T Level results: Thu 13 Aug 2026 08:00 (seed:000). Consent after results for S1 and S2,
    # which also covers the appeals after them (JCQ Appendix A, seed:000).
    s1 = new_id(cli, "request", "add", "--candidate", "0101", "--ab", "NCFE", "-q", "t-level", "--series", "june-2026",
                "--component", "603/7066/X", "--service", "S1", "--grade", "Merit", today="2026-08-14")
    run(cli, "consent", "record", "--candidate", "0101", "--on", "2026-08-13T10:00", "--method", "form",
        "--covers", "S1,S2", "--acknowledged-outcomes", "--series", "june-2026", today="2026-08-14")
    run(cli, "request", "submit", str(s1), "--received", "2026-08-14", today="2026-08-14")
    row = dates(cli, "2026-08-14")[s1]
    # NCFE-EAR: T Level clerical check within 5 weeks of results: 13 Aug + 35 days = Thu 17 Sep.
    assert row["request_deadline"] == iso(2026, 9, 17)
    # NCFE-EAR: outcome within 5 working days of Fri 14 Aug: 17, 18, 19, 20, 21 Aug = Fri 21 Aug.
    assert row["completion_due"] == iso(2026, 8, 21)
    run(cli, "request", "outcome", str(s1), "--on", "2026-08-20", "--unchanged", today="2026-08-20")

    # NCFE-EAR: a review after a clerical check within 5 working days of its outcome (Thu 20 Aug):
    # 21, 24, 25, 26, 27 Aug = Thu 27 Aug.
    s2 = new_id(cli, "request", "add", "--follows", str(s1), "--service", "S2", today="2026-08-24")
    run(cli, "request", "submit", str(s2), "--received", "2026-08-24", today="2026-08-24")
    row = dates(cli, "2026-08-24")[s2]
    assert row["request_deadline"] == iso(2026, 8, 27)
    # NCFE-EAR: outcome within 25 working days of Mon 24 Aug: 25-28 Aug (4), Mon 31 Aug a bank
    # holiday, 1-4 Sep (8), 7-11 (13), 14-18 (18), 21-25 (23), 28 (24), 29 Sep (25) = Tue 29 Sep.
    assert row["completion_due"] == iso(2026, 9, 29)
    outcome = run(cli, "request", "outcome", str(s2), "--on", "2026-09-25", "--grade-after", "Pass", today="2026-09-25")
    # NCFE-APP: T Level preliminary appeal within 30 calendar days: 25 Sep + 30 = Sun 25 Oct.
    assert "Preliminary appeal (APP1) deadline: Sun 25 Oct 2026" in outcome.stdout and "NCFE-APP" in outcome.stdout

    app1 = new_id(cli, "request", "appeal", str(s2), "--on", "2026-10-05", today="2026-10-05")
    run(cli, "request", "outcome", str(app1), "--on", "2026-10-20", "--unchanged", today="2026-10-20")
    # APP-STAGE2 (NCFE's own hearing window is not in prs's sources): 20 Oct + 14 = Tue 3 Nov.
    assert dates(cli, "2026-10-21")[app1]["appeal_deadline"] == iso(2026, 11, 3)
    (line,) = [item for item in due(cli, "2026-10-21") if item["kind"] == "appeal_window"]
    assert line["date"] == iso(2026, 11, 3) and line["title"].startswith("Appeal hearing (APP2) window closes")
    app2 = new_id(cli, "request", "appeal", str(app1), "--on", "2026-10-28", today="2026-10-28")
    row = dates(cli, "2026-10-28")[app2]
    assert (row["service"], row["request_deadline"], row["status"]) == ("APP2", iso(2026, 11, 3), "submitted")
    run(cli, "request", "outcome", str(app2), "--on", "2026-11-20", "--unchanged", today="2026-11-20")
    # OFQUAL-EPRS: after the board's last stage; OFQUAL-EPRS21: 3 weeks, provisional: 20 Nov + 21 = Fri 11 Dec.
    row = dates(cli, "2026-11-20")[app2]
    assert row["appeal_deadline"] == iso(2026, 12, 11) and row["why"]["appeal_deadline"]["provisional"]


def test_pearson_btec_learner(cli):
    # BTEC Level 3: to centres under embargo before learners (seed:003; 2026 provisional 5 Aug),
    # to learners Thu 13 Aug 2026 08:00 (seed:000): consent counts from the learners' release.
    ps2 = new_id(cli, "request", "add", "--candidate", "0201", "--ab", "PEARSON", "-q", "l3-vtq", "--series", "june-2026",
                 "--component", "31706H", "--service", "PS2", "--grade", "Distinction", today="2026-08-14")
    run(cli, "consent", "record", "--candidate", "0201", "--on", "2026-08-12", "--method", "email",
        "--covers", "PS2", "--acknowledged-outcomes", "--series", "june-2026", today="2026-08-14")
    refused = run(cli, "request", "submit", str(ps2), "--received", "2026-08-14", today="2026-08-14", code=2)
    assert "the release to centres from Wed 5 Aug 2026 is too early" in refused.stderr
    run(cli, "consent", "record", "--candidate", "0201", "--on", "2026-08-13T09:00", "--method", "form",
        "--covers", "PS2", "--acknowledged-outcomes", "--series", "june-2026", today="2026-08-14")
    run(cli, "request", "submit", str(ps2), "--received", "2026-08-14", today="2026-08-14")
    row = dates(cli, "2026-08-14")[ps2]
    # seed:000: Priority Service 2 by Thu 20 Aug (A level results + 7); completion within 15
    # calendar days of receipt: 14 Aug + 15 = Sat 29 Aug.
    assert (row["request_deadline"], row["completion_due"]) == (iso(2026, 8, 20), iso(2026, 8, 29))
    run(cli, "request", "outcome", str(ps2), "--on", "2026-08-27", "--grade-after", "Merit", today="2026-08-27")
    # PEA-APP25: preliminary appeal within 30 calendar days: 27 Aug + 30 = Sat 26 Sep.
    assert dates(cli, "2026-08-27")[ps2]["appeal_deadline"] == iso(2026, 9, 26)
    app1 = new_id(cli, "request", "appeal", str(ps2), "--on", "2026-09-10", today="2026-09-10")
    run(cli, "request", "outcome", str(app1), "--on", "2026-10-01", "--unchanged", today="2026-10-01")
    # PEA-APP25: the hearing within 14 calendar days of the preliminary decision: 1 Oct + 14 = Thu 15 Oct.
    assert dates(cli, "2026-10-01")[app1]["appeal_deadline"] == iso(2026, 10, 15)
    late = run(cli, "request", "appeal", str(app1), "--on", "2026-10-16", today="2026-10-16", code=2)
    assert "window closed on Thu 15 Oct 2026" in late.stderr
    app2 = new_id(cli, "request", "appeal", str(app1), "--on", "2026-10-12", today="2026-10-16")
    assert dates(cli, "2026-10-16")[app2]["service"] == "APP2"

    # PEA-APP25: a special consideration decision (Thu 20 Aug) is appealed within 14 calendar
    # days: Thu 3 Sep; internal deadline 2 days before: Tue 1 Sep, shown in prs due.
    sc = new_id(cli, "request", "add", "--candidate", "0201", "--ab", "PEARSON", "-q", "l3-vtq", "--series", "june-2026",
                "--component", "31706H", "--service", "APP-SC", "--decided-on", "2026-08-20", today="2026-08-21")
    assert dates(cli, "2026-08-21")[sc]["request_deadline"] == iso(2026, 9, 3)
    (line,) = [item for item in due(cli, "2026-08-21") if sc in (item["request_ids"] or ())]
    assert (line["kind"], line["date"]) == ("internal_deadline", iso(2026, 9, 1))


def test_ocr_fsmq_candidate(cli):
    # JCQ-RES: FSMQ results with GCE A level results, Thu 13 Aug 2026 (seed:000).
    s2 = new_id(cli, "request", "add", "--candidate", "0301", "--ab", "OCR", "-q", "fsmq", "--series", "june-2026",
                "--component", "6993/01", "--service", "S2", "--grade", "B", today="2026-08-20")
    run(cli, "consent", "record", "--candidate", "0301", "--on", "2026-08-14", "--method", "form",
        "--covers", "S2", "--acknowledged-outcomes", "--series", "june-2026", today="2026-08-20")
    run(cli, "request", "submit", str(s2), "--received", "2026-08-21", today="2026-08-21")
    row = dates(cli, "2026-08-21")[s2]
    # seed:000: reviews by Thu 24 Sep 2026; completion within 20 days: 21 Aug + 20 = Thu 10 Sep.
    assert (row["request_deadline"], row["completion_due"]) == (iso(2026, 9, 24), iso(2026, 9, 10))
    run(cli, "request", "outcome", str(s2), "--on", "2026-09-08", "--grade-after", "C", today="2026-09-08")
    # PEA-APP25 (JCQ's 30 days; OCR's own page not in prs's sources): 8 Sep + 30 = Thu 8 Oct.
    assert dates(cli, "2026-09-08")[s2]["appeal_deadline"] == iso(2026, 10, 8)
    app1 = new_id(cli, "request", "appeal", str(s2), "--on", "2026-10-01", today="2026-10-01")
    run(cli, "request", "outcome", str(app1), "--on", "2026-10-15", "--unchanged", today="2026-10-15")
    # APP-STAGE2: hearing within 14 days of the preliminary decision: 15 Oct + 14 = Thu 29 Oct.
    assert dates(cli, "2026-10-15")[app1]["appeal_deadline"] == iso(2026, 10, 29)
    app2 = new_id(cli, "request", "appeal", str(app1), "--on", "2026-10-20", today="2026-10-20")
    assert dates(cli, "2026-10-20")[app2]["request_deadline"] == iso(2026, 10, 29)


def test_aqa_extended_project_sample(cli):
    # JCQ-RES: Projects are internally assessed and moderated: Service 3 only.
    refused = run(cli, "request", "add", "--candidate", "0401", "--ab", "AQA", "-q", "extended-project",
                  "--series", "june-2026", "--component", "7993", "--service", "S1", today="2026-08-20", code=2)
    assert "does not apply to Extended Project" in refused.stderr
    s3 = new_id(cli, "request", "add", "--ab", "AQA", "-q", "extended-project", "--series", "june-2026",
                "--component", "7993", "--service", "S3", today="2026-08-20")
    run(cli, "request", "submit", str(s3), "--received", "2026-09-01", today="2026-09-01")
    run(cli, "request", "submit", str(s3), "--sample-received", "2026-09-08", today="2026-09-08")
    row = dates(cli, "2026-09-08")[s3]
    # seed:000: by Thu 24 Sep 2026; up to 35 days after the sample arrives: 8 Sep + 35 = Tue 13 Oct.
    assert (row["request_deadline"], row["completion_due"]) == (iso(2026, 9, 24), iso(2026, 10, 13))
    run(cli, "request", "outcome", str(s3), "--on", "2026-10-10", "--unchanged", today="2026-10-10")
    # AQA-APP: 30 days from the outcome: 10 Oct + 30 = Mon 9 Nov. The centre's appeal for its
    # sample needs no candidate consent, as the review of moderation did not (seed:000).
    assert dates(cli, "2026-10-10")[s3]["appeal_deadline"] == iso(2026, 11, 9)
    app1 = new_id(cli, "request", "appeal", str(s3), "--on", "2026-10-20", today="2026-10-20")
    assert not [item for item in due(cli, "2026-10-20") if item["kind"] == "consent_missing"]
    run(cli, "request", "outcome", str(app1), "--on", "2026-11-02", "--unchanged", today="2026-11-02")
    # AQA-APP: the hearing within 14 days of the preliminary decision: 2 Nov + 14 = Mon 16 Nov.
    assert dates(cli, "2026-11-02")[app1]["appeal_deadline"] == iso(2026, 11, 16)
    app2 = new_id(cli, "request", "appeal", str(app1), "--on", "2026-11-10", today="2026-11-10")
    row = dates(cli, "2026-11-10")[app2]
    # AQA-APP: stage 2 fee £205.80
    assert (row["service"], row["fee"], row["candidate"]) == ("APP2", "205.80", None)


def test_cambridge_english_candidate(cli):
    # seed:004: results online per candidate (here Wed 1 Jul 2026); consent with no series
    # applies to the candidate's Cambridge English requests (issue 11 item 4).
    recorded = run(cli, "consent", "record", "--candidate", "0501", "--on", "2026-07-02", "--method", "form",
                   "--covers", "CE1,CE2", "--acknowledged-outcomes", today="2026-07-10")
    assert "no series" in recorded.stdout
    ce1 = new_id(cli, "request", "add", "--candidate", "0501", "--ab", "CAMBRIDGE", "-q", "cambridge-english",
                 "--component", "Writing", "--service", "CE1", "--results-released", "2026-07-01", "--fee", "30",
                 "--grade", "B", today="2026-07-10")
    run(cli, "request", "submit", str(ce1), "--received", "2026-07-10", today="2026-07-10")
    row = dates(cli, "2026-07-10")[ce1]
    # seed:004, the centre's default 14 days: 1 Jul + 14 = Wed 15 Jul; CE-EAR: Stage 1 outcome
    # within 5 working days of Fri 10 Jul: 13-17 Jul = Fri 17 Jul.
    assert (row["request_deadline"], row["completion_due"]) == (iso(2026, 7, 15), iso(2026, 7, 17))
    run(cli, "request", "outcome", str(ce1), "--on", "2026-07-16", "--unchanged", today="2026-07-16")
    ce2 = new_id(cli, "request", "add", "--follows", str(ce1), "--service", "CE2", "--fee", "90", today="2026-07-20")
    run(cli, "request", "submit", str(ce2), "--received", "2026-07-20", today="2026-07-20")
    # CE-EAR: Stage 2 within 15 working days of Mon 20 Jul: 21-24 Jul (4), 27-31 (9), 3-7 Aug
    # (14), Mon 10 Aug (15). No Stage 2 window is published (CE-EAR): none is shown.
    row = dates(cli, "2026-07-20")[ce2]
    assert (row["request_deadline"], row["completion_due"]) == (None, iso(2026, 8, 10))
    outcome = run(cli, "request", "outcome", str(ce2), "--on", "2026-08-07", "--grade-after", "A", today="2026-08-07")
    # CE-EAR: all enquiry fees refunded when the grade changes.
    assert "refunds the £90 fee and every other enquiry fee" in outcome.stdout
    appeal = new_id(cli, "request", "appeal", str(ce2), "--on", "2026-08-12", today="2026-08-12")
    assert dates(cli, "2026-08-12")[appeal]["service"] == "CE-APP"

    # issue 11 item 18: a re-sit (new results, Wed 4 Nov 2026) is a new request, not a duplicate;
    # past the centre's 14 days (Wed 18 Nov) it is logged with a warning (item 17).
    resit = run(cli, "request", "add", "--candidate", "0501", "--ab", "CAMBRIDGE", "-q", "cambridge-english",
                "--component", "Writing", "--service", "CE1", "--results-released", "2026-11-04", today="2026-11-25")
    assert "past the centre's window" in resit.stderr and "Wed 18 Nov 2026" in resit.stderr
    same = run(cli, "request", "add", "--candidate", "0501", "--ab", "CAMBRIDGE", "-q", "cambridge-english",
               "--component", "Writing", "--service", "CE1", "--results-released", "2026-11-04", today="2026-11-25", code=2)
    assert "already logged" in same.stderr


def test_every_deadline_row_can_be_told_apart_and_is_offered(cli, calendar):
    """Issue 11 "done when": `prs deadlines --series S --all` for every series shows no two rows
    a reader cannot tell apart (item 7: NCFE's windows differ by qualification, so each row names
    them) and no service for a qualification that cannot have it (item 9: Projects, S3 only)."""
    from prs_cli.rules.deadlines import availability

    for series_id in calendar.series:
        rows = json.loads(run(cli, "deadlines", "--series", series_id, "--all", "--json", today="2026-11-28").stdout)
        seen = {}
        for row in rows:
            key = (row["date"], row["time"], row["title"])
            assert key not in seen, (series_id, row["title"], row["qualifications"], seen.get(key))
            seen[key] = row["qualifications"]
            if row["kind"] != "request_deadline":
                continue
            for qualification in row["qualifications"]:
                offered = [b for b in row["awarding_bodies"] if availability(calendar, b, qualification, row["service"]).allowed]
                assert offered, (series_id, row["title"], qualification)
            for project in ("extended-project", "foundation-project", "higher-project"):
                if row["service"] in ("S1", "S2", "PS2", "ATS-P", "ATS-TL"):
                    assert project not in row["qualifications"], (series_id, row["title"])
