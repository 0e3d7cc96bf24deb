"""`prs export --ics`: an RFC 5545 feed, read back with the icalendar package."""

from __future__ import annotations

import json
import stat
from datetime import date, timedelta

import icalendar
import pytest


def events(path) -> dict[str, icalendar.Event]:
    feed = icalendar.Calendar.from_ical(path.read_bytes())
    assert feed["VERSION"] == "2.0" and feed["PRODID"] == "-//prs//post-results services//EN"
    found = {}
    for event in feed.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"duplicate UID {uid}"
        found[uid] = event
    return found


@pytest.fixture
def logged(cli):
    """A submitted OCR S1 request (with a name that must never reach the feed) and a draft."""
    add = ("request", "add", "--by", "EO", "--series", "june-2026", "--today", "2026-08-21")
    first = cli(*add, "--candidate", "1234", "--name", "Zoë O'Brien", "--ab", "OCR", "-q", "gcse",
                "--component", "J560/01", "--service", "S1")
    assert first.exit_code == 0, first.stderr
    consent = cli("consent", "record", "--candidate", "1234", "--on", "2026-08-21", "--method", "form", "--covers", "S1",
                  "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-21", "--by", "EO")
    assert consent.exit_code == 0, consent.stderr
    assert cli("request", "submit", "1", "--received", "2026-08-21", "--today", "2026-08-21", "--by", "EO").exit_code == 0
    second = cli(*add, "--candidate", "2345", "--ab", "AQA", "-q", "gce-a-level", "--component", "7357/1", "--service", "S2")
    assert second.exit_code == 0, second.stderr


def test_all_day_events_with_exclusive_end_and_stamp(cli, tmp_path, logged):
    target = tmp_path / "prs.ics"
    result = cli("export", "--ics", target, "--series", "june-2026")
    assert result.exit_code == 0, result.stderr
    found = events(target)
    assert result.stdout == f"Wrote {len(found)} events to {target} (ics).\n"
    for event in found.values():
        start, end = event["DTSTART"], event["DTEND"]
        assert start.params["VALUE"] == "DATE" and end.params["VALUE"] == "DATE"
        assert type(start.dt) is date and end.dt == start.dt + timedelta(days=1)
        assert event["DTSTAMP"].dt.tzinfo is not None
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_request_completion_and_deadlines(cli, tmp_path, logged):
    target = tmp_path / "prs.ics"
    assert cli("export", "--ics", target, "--series", "june-2026").exit_code == 0
    found = events(target)
    # seed:000: Service 1 completes within 10 calendar days of the board receiving it
    completion = found["request-1-completion@prs"]
    assert completion["DTSTART"].dt == date(2026, 8, 31)
    assert str(completion["SUMMARY"]) == "Request 1: OCR S1 due back"
    # only submitted requests have a completion date; the draft has none
    assert "request-2-completion@prs" not in found
    by_summary = {(str(e["SUMMARY"]), e["DTSTART"].dt) for e in found.values()}
    # seed:000: reviews close 24 September; the internal deadline is 2 working days earlier
    assert ("Review of marking (S2) requests close", date(2026, 9, 24)) in by_summary
    assert ("Internal deadline: Review of marking (S2) requests close", date(2026, 9, 22)) in by_summary
    # seed:000: GCSE results day 20 August; commas are escaped and read back intact
    assert ("GCSE, Foundation Project and Higher Project results to candidates", date(2026, 8, 20)) in by_summary
    text = target.read_text(encoding="utf-8")
    assert "Zoë" not in text and "O'Brien" not in text and "1234" not in text.replace("\r\n ", "")


def test_uids_are_stable_across_exports(cli, tmp_path, logged):
    one, two = tmp_path / "one.ics", tmp_path / "two.ics"
    assert cli("export", "--ics", one, "--today", "2026-08-14").exit_code == 0
    assert cli("config", "set", "lead_days", "3").exit_code == 0
    assert cli("export", "--ics", two, "--today", "2026-08-14").exit_code == 0
    first, second = events(one), events(two)
    assert set(first) == set(second)
    # the internal deadline moved with the lead time, under the same UID: a re-import updates it
    moved = [uid for uid in first if first[uid]["DTSTART"].dt != second[uid]["DTSTART"].dt]
    assert moved and all(uid.startswith("internal-") for uid in moved)
    assert "deadline-june-2026-S2-" in " ".join(first)


def test_filters_like_deadlines(cli, tmp_path, logged):
    target = tmp_path / "ps2.ics"
    assert cli("export", "--ics", target, "--series", "june-2026", "--service", "ps2", "--ab", "AQA").exit_code == 0
    found = events(target)
    # seed:000: Priority Service 2 closes 20 August (for AS, provisional: AQA-ROM); each row says
    # which qualifications (issue 11 item 7); AQA's S1 request is filtered out
    assert {str(e["SUMMARY"]) for e in found.values()} == {
        "Priority Service 2 (PS2) requests close for GCE A level and Level 3 VTQ",
        "Internal deadline: Priority Service 2 (PS2) requests close for GCE A level and Level 3 VTQ",
        "Priority Service 2 (PS2) requests close for GCE AS level",
        "Internal deadline: Priority Service 2 (PS2) requests close for GCE AS level",
    }
    assert {e["DTSTART"].dt for e in found.values() if str(e["SUMMARY"]).startswith("Priority")} == {date(2026, 8, 20)}


def test_json_and_no_database_yet(cli, tmp_path):
    target = tmp_path / "dates.ics"
    result = cli("export", "--ics", target, "--series", "june-2026", "--json")
    assert result.exit_code == 0
    written = json.loads(result.stdout)["written"]
    assert written == [{"format": "ics", "path": str(target), "events": len(events(target))}]
    assert not any(uid.startswith("request-") for uid in events(target))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--ab", "AQQ"], "Error: unknown awarding body 'AQQ'; did you mean AQA?\n"),
        (["--series", "june-2099"], None),
    ],
)
def test_bad_filters(cli, tmp_path, args, message):
    result = cli("export", "--ics", tmp_path / "x.ics", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown ")
    if message:
        assert result.stderr == message
    assert not (tmp_path / "x.ics").exists()


def test_missing_folder_is_one_sentence(cli, tmp_path):
    result = cli("export", "--ics", tmp_path / "nowhere" / "x.ics")
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot write {tmp_path / 'nowhere' / 'x.ics'}: folder {tmp_path / 'nowhere'} does not exist\n"


def test_default_feed_is_the_open_and_coming_series_each_event_once_with_appeal_windows(cli, tmp_path, logged):
    # Issue 13 item 15; PEA-APP25: a preliminary appeal within 30 days of the review's outcome.
    assert cli("request", "outcome", "1", "--on", "2026-08-28", "--unchanged", "--today", "2026-08-28").exit_code == 0
    path = tmp_path / "feed.ics"
    assert cli("export", "--ics", path, "--today", "2026-08-28").exit_code == 0
    found = events(path).values()
    assert {e["DTSTART"].dt.year for e in found} == {2026}  # not last year's (or 2024's) dates
    seen = [(e["DTSTART"].dt, str(e["SUMMARY"])) for e in found]
    assert len(seen) == len(set(seen))
    internal = [e for e in found if str(e["UID"]).startswith("internal-")]
    assert internal and len({(e["DTSTART"].dt, str(e["SUMMARY"])) for e in internal}) == len(internal)
    # request 1 is S1 (a clerical re-check): no appeal follows it; a review's window is its own event
    assert not [e for e in found if "appeal@" in str(e["UID"])]
    assert cli("export", "--ics", path, "--series", "june-2025", "--today", "2026-08-28").exit_code == 0
    assert max(e["DTSTART"].dt.year for e in events(path).values()) == 2025  # june-2025 only


def test_an_open_appeal_window_is_in_the_feed_once(cli, tmp_path):
    # PEA-APP25: 30 calendar days from the review outcome (28 Aug 2026 -> Sun 27 Sep 2026).
    add = ("request", "add", "--series", "june-2026", "--today", "2026-08-21", "--candidate", "2345", "--ab", "AQA",
           "-q", "gce-a-level", "--component", "7357/1", "--service", "S2")
    assert cli(*add).exit_code == 0
    assert cli("consent", "record", "--candidate", "2345", "--on", "2026-08-21", "--method", "form", "--covers", "S2",
               "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-21").exit_code == 0
    assert cli("request", "submit", "1", "--received", "2026-08-21", "--today", "2026-08-21").exit_code == 0
    assert cli("request", "outcome", "1", "--on", "2026-08-28", "--grade-after", "B", "--today", "2026-08-28").exit_code == 0
    path = tmp_path / "feed.ics"
    assert cli("export", "--ics", path, "--today", "2026-08-28").exit_code == 0
    (appeal,) = [e for e in events(path).values() if str(e["UID"]) == "request-1-appeal@prs"]
    assert appeal["DTSTART"].dt == date(2026, 9, 27)
    assert str(appeal["SUMMARY"]) == "Appeal window closes: request 1 (AQA S2)"
