"""Large logs are streamed, not held: the store's iterator, the JSON array written record by
record, the CSV written into the owner-only file as it is made, the hand-drawn tables and the
indexed consent check. Each must give exactly what the whole-list versions gave."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from datetime import date, datetime

import pytest

from prs_cli.errors import InputError
from prs_cli.records import RequestRecord
from prs_cli.store.db import connect
from prs_cli.store.requests import Filters, Requests

D = date.fromisoformat
TODAY = D("2026-09-25")


def request(candidate, component, service="S2", **changes) -> RequestRecord:
    base = dict(
        id=0, status="draft", series="june-2026", awarding_body="AQA", qualification="gce-a-level",
        service=service, component=component, candidate=candidate, name=f"Name {candidate}", fee="48.65",
        created_by="eo",
    )
    return RequestRecord(**{**base, **changes})


@pytest.fixture
def log(prs_home):
    """Seven requests in every state, an appeal following a review, and consents tied to a
    request, untied (matched by candidate and series) and tied to a review an appeal follows."""
    from prs_cli import paths
    from prs_cli.store import consents

    path = paths.database_path(None)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    repo = Requests(conn, path)
    repo.add_many(
        [
            request("0001", "7402/1", status="submitted", received_on=D("2026-08-15")),  # 1: due 4 Sep: overdue
            request("0002", "7402/1", service="PS2", status="submitted", received_on=D("2026-09-20")),  # 2
            request("0003", "J560/01", awarding_body="OCR", qualification="gcse", service="S1"),  # 3: late draft
            request("0004", "7402/2", status="completed", received_on=D("2026-08-20"), outcome_on=D("2026-08-30"),
                    outcome="up", mark_after=55, grade_after="A", fee_refunded=True),  # 4
            request(None, "7402C", service="S3", name=None, status="submitted", received_on=D("2026-08-25"),
                    sample_received_on=D("2026-09-01")),  # 5
            request("0005", "7402/1", status="withdrawn", closed_reason="changed mind", note="Zoë said so"),  # 6
        ],
        by="eo",
    )
    repo.add(request("0004", "7402/2", service="APP1", status="submitted", received_on=D("2026-09-10"),
                     follows_request=4), by="eo")  # 7
    common = dict(series="june-2026", method="form", given_by="candidate", acknowledged_outcomes=True,
                  classroom_use=None, anonymise=None, note=None, by="eo")
    consents.record(conn, candidate="0001", given_on=D("2026-08-14"), given_at=None, covers=("S2",), requests=(1,), **common)
    consents.record(conn, candidate="0002", given_on=D("2026-08-12"), given_at=None, covers=("PS2",), requests=(), **common)
    consents.record(conn, candidate="0004", given_on=D("2026-08-14"), given_at=None, covers=("S2", "APP1"), requests=(4,), **common)
    consents.record(conn, candidate="0003", given_on=D("2026-08-14"), given_at=datetime(2026, 8, 14, 9, 30),
                    covers=("S2",), requests=(), **common)
    from prs_cli.service import agenda_keys
    from prs_cli.store.db import transaction

    with transaction(conn):  # what every write command does after its write (service/agenda_keys.py)
        agenda_keys.refresh(conn, range(1, 8))
    conn.close()
    return path


def whole_list_json(calendar, path, today, *, overdue=False) -> str:
    """What `prs request list --json` printed before streaming: every record loaded, then dumped."""
    from prs_cli.render.jsonout import dumps
    from prs_cli.render.requests import as_json
    from prs_cli.rules.requests import overdue_reason
    from prs_cli.service.requests import RequestView, dates_for

    repo = Requests(connect(path), path)
    records = repo.list()
    priors = {r.id: r for r in records}
    rows = [(r, dates_for(calendar, repo, r, priors)) for r in records]
    views = [RequestView(r, d, overdue_reason(r, d, today)) for r, d in rows]
    if overdue:
        views = [v for v in views if v.overdue is not None]
    return dumps([as_json(v) for v in views]) + "\n"


# --- the store ------------------------------------------------------------------------------


def test_iter_gives_what_list_gives_one_at_a_time(log):
    repo = Requests(connect(log), log)
    records = repo.iter()
    assert iter(records) is records  # a generator: nothing is read until asked
    first = next(records)
    assert (first.id, first.status, first.received_on, first.private_candidate, first.fee_refunded) == (
        1, "submitted", D("2026-08-15"), False, None)
    assert [r.id for r in records] == [2, 3, 4, 5, 6, 7]
    assert [r.id for r in repo.list()] == [1, 2, 3, 4, 5, 6, 7]
    assert [r.id for r in repo.iter(Filters(status="submitted", awarding_body="AQA"))] == [1, 2, 5, 7]


def test_open_only_keeps_drafts_and_submitted(log):
    repo = Requests(connect(log), log)
    assert [r.id for r in repo.iter(Filters(open_only=True))] == [1, 2, 3, 5, 7]
    assert [r.id for r in repo.iter(Filters(open_only=True, status="draft"))] == [3]
    assert [r.id for r in repo.iter(Filters(open_only=True, status="completed"))] == []


def test_a_record_read_back_is_an_ordinary_frozen_record(log):
    repo = Requests(connect(log), log)
    stored = repo.get(4)
    built = request("0004", "7402/2", id=4, status="completed", received_on=D("2026-08-20"), outcome_on=D("2026-08-30"),
                    outcome="up", mark_after=55, grade_after="A", fee_refunded=True,
                    created_at=stored.created_at)
    assert stored == built and hash(stored.id) == 4
    assert isinstance(stored.created_at, datetime) and stored.fee_refunded is True and stored.is_open is False
    with pytest.raises(AttributeError):  # a NamedTuple: immutable
        stored.status = "draft"
    assert stored._replace(status="draft").status == "draft" and stored.status == "completed"


def test_prior_outcomes_are_only_the_followed_requests(log):
    repo = Requests(connect(log), log)
    assert repo.prior_outcomes() == {4: D("2026-08-30")}


# --- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{}],
        [{"a": 1}],
        [{"id": 1, "name": "Zoë \"Q\"\n\t\\", "on": D("2026-08-13"), "at": datetime(2026, 8, 13, 9, 0),
          "ok": True, "no": False, "none": None, "mark": 1.5, "empty": {}, "list": [], "codes": ("S1", "S2"),
          "why": {"a": None, "b": {"date": D("2026-09-24"), "rule": "r", "deep": {"x": [1, {"y": 2}]}}, "c": {}}},
         {"id": 2, "why": {}}],
        ["text", 3, None, [], [[1, 2], {"k": "v"}]],
    ],
)
def test_streamed_json_says_what_the_whole_dump_says(items):
    from prs_cli.render.jsonout import dumps, write_array

    out = io.StringIO()
    assert write_array(iter(items), out.write) == len(items)
    assert json.loads(out.getvalue()) == json.loads(dumps(items))
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == len(items) + (2 if items else 1)


def test_request_list_json_is_what_the_whole_list_printed(cli, calendar, log):
    for args, overdue in (([], False), (["--overdue"], True)):
        result = cli("request", "list", "--json", "--today", TODAY.isoformat(), *args)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == json.loads(whole_list_json(calendar, log, TODAY, overdue=overdue))
    overdue_ids = [r["id"] for r in json.loads(cli("request", "list", "--json", "--overdue", "--today", TODAY.isoformat()).stdout)]
    # seed:000: S2 completes within 20 days (15 Aug -> 4 Sep, passed); the S1 draft missed its
    # 24 Sep deadline; S3's 35 days from the 1 Sep sample run to 6 Oct, not yet passed.
    assert overdue_ids == [1, 3]


def test_appeal_dates_follow_the_review_outcome(cli, log):
    # PEA-APP25: a preliminary appeal within 30 calendar days of the review's outcome (30 Aug).
    data = json.loads(cli("request", "list", "--json", "--service", "APP1", "--today", TODAY.isoformat()).stdout)
    assert [(r["id"], r["follows"], r["request_deadline"]) for r in data] == [(7, 4, "2026-09-29")]


# --- the tables -----------------------------------------------------------------------------------


def test_request_table_rows_and_an_empty_match(cli, log):
    out = cli("request", "list", "--today", TODAY.isoformat()).stdout
    rows = _body(out.splitlines())
    assert [row.split("|")[1].strip() for row in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "submitted (OVERDUE)" in rows[0] and "04 Sep 2026" in rows[0]
    assert out.splitlines()[0] == "Requests, as of Fri 25 Sep 2026"
    result = cli("request", "list", "--candidate", "0009", "--today", TODAY.isoformat())
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No requests match.\n")


def test_stream_table_wraps_long_text_to_fit_and_keeps_columns_aligned():
    from prs_cli.render.requests import stream_table

    out = io.StringIO()
    rows = [("", ("1", "ok")), ("bold red", ("22", "word " * 60 + "end")), ("dim", ("3", "line\nbreak"))]
    assert stream_table("Title", ("N", "Why"), iter(rows), right=(0,), no_wrap=(0,), out=out) == 3
    lines = out.getvalue().splitlines()
    assert lines[0] == "Title"
    assert {len(line) for line in lines[1:]} == {200}  # fitted to 200 columns off a terminal
    body = _body(lines)
    assert body[0].startswith("|  1 | ok ") and body[-1].startswith("|  3 | line␊break ")  # shown, never sent (issue 12 item 6)
    assert len(body) == 4 and body[2].startswith("|    | word") and body[2].rstrip(" |").endswith("end")
    assert "\x1b" not in out.getvalue()  # no colour off a terminal
    assert stream_table("Title", ("N",), iter([]), out=out) == 0


def test_stream_table_on_a_narrow_colour_terminal(monkeypatch):
    from prs_cli.render.requests import stream_table

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "30")
    out = Terminal()
    stream_table("T", ("ID", "Name"), iter([("bold red", ("7", "Zoë Quill-Abernethy Smythe"))]), no_wrap=(0,), out=out)
    text = out.getvalue()
    assert "\x1b[1;31m" in text and "\x1b[3mT\x1b[0m" in text
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()
    assert {len(line) for line in plain[1:]} == {30}  # the name wrapped to fit 30 columns
    assert [line.split("│")[2].strip() for line in plain if line.startswith("│")] == ["Zoë Quill-Abernethy", "Smythe"]  # a terminal: box lines


# --- the CSV file ---------------------------------------------------------------------------------


def test_open_private_writes_owner_only_and_atomically(tmp_path):
    from prs_cli.files import open_private

    path = tmp_path / "out.csv"
    with open_private(path, encoding="utf-8-sig", newline="\r\n") as handle:
        handle.write("a,b\n")
        assert not path.exists()  # nothing at the target until the block ends
        handle.write("Zoë,2\n")
    assert path.read_bytes() == "\ufeffa,b\r\nZoë,2\r\n".encode()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["out.csv"]


def test_open_private_leaves_the_old_file_and_no_temporary_on_error(tmp_path):
    from prs_cli.files import open_private

    path = tmp_path / "out.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError):
        with open_private(path) as handle:
            handle.write("new\n" * 10000)
            raise RuntimeError("the log could not be read")
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["out.csv"]
    with pytest.raises(InputError, match="folder .* does not exist"):
        with open_private(tmp_path / "missing" / "out.csv"):
            pass


def test_write_private_still_writes_whole_text_and_bytes(tmp_path):
    from prs_cli.files import write_private

    write_private(tmp_path / "a.txt", "x\ny\n", newline="\r\n")
    write_private(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.txt").read_bytes() == b"x\r\ny\r\n" and (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert stat.S_IMODE(os.stat(tmp_path / "a.txt").st_mode) == 0o600


def test_csv_export_streams_every_request(cli, log, tmp_path):
    import csv

    path = tmp_path / "log.csv"
    result = cli("export", "--csv", str(path), "--today", TODAY.isoformat())
    assert result.stdout == f"Wrote 7 requests to {path} (csv).\n"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert path.read_bytes().startswith("\ufeffid,series,".encode()) and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert rows[6][rows[0].index("note")] == "Zoë said so" and sorted(os.listdir(tmp_path)) == ["log.csv", "prs-home"]


# --- consent check --------------------------------------------------------------------------------


def test_indexed_consent_check_judges_as_the_full_scan_did(calendar, log):
    from prs_cli.rules.consent import consent_status
    from prs_cli.service.consent import _check_rows
    from prs_cli.store import consents

    conn = connect(log)
    everything = consents.list_consents(conn)
    rows = [row._asdict() for row in _check_rows(calendar, conn)]
    repo = Requests(conn)
    expected = {
        r.id: consent_status(calendar, r, everything).status
        for r in repo.list()
        if r.status not in ("withdrawn", "rejected") and calendar.services[r.service].needs_consent
    }
    assert {row["request_id"]: row["status"] for row in rows} == expected
    # 1 tied; 2 untied but given before results day (13 Aug, seed:000); 3 covers S2 not S1;
    # 4 tied; 7 the appeal, covered by the consent tied to the review it follows.
    assert expected == {1: "ok", 2: "before_results", 3: "not_covered", 4: "ok", 7: "ok"}


def test_consent_check_streams_json_and_exits_1_on_a_problem(cli, log):
    result = cli("consent", "check", "--json", "--all")
    assert result.exit_code == 1
    assert [(r["request_id"], r["status"], r["consent_id"]) for r in json.loads(result.stdout)] == [
        (1, "ok", 1), (2, "before_results", 2), (3, "not_covered", 4), (4, "ok", 3), (7, "ok", 3)]
    table = cli("consent", "check", "--all")
    ids = [line.split("|")[1].strip() for line in _body(table.stdout.splitlines())]
    assert table.exit_code == 1 and [i for i in ids if i] == ["1", "2", "3", "4", "7"]  # long reasons wrap


def test_consent_check_by_default_lists_only_what_is_wrong(cli, log):
    # The same rows as the full audit's that are not ok, and how many of how many.
    result = cli("consent", "check", "--json")
    assert result.exit_code == 1
    assert [(r["request_id"], r["status"], r["consent_id"]) for r in json.loads(result.stdout)] == [
        (2, "before_results", 2), (3, "not_covered", 4)]
    assert result.stderr == "2 of 5 requests needing consent have no valid consent.\n"
    result = cli("consent", "check", "--limit", "1")
    ids = [line.split("|")[1].strip() for line in _body(result.stdout.splitlines())]
    assert (result.exit_code, [i for i in ids if i]) == (1, ["3"])
    assert result.stdout.startswith("Requests without valid consent")
    assert result.stderr == ("2 of 5 requests needing consent have no valid consent; the last 1 shown: "
                             "--limit N for more, --all for every request.\n")
    assert cli("consent", "check", "--limit", "0").exit_code == 2


def test_stream_table_narrows_every_wrapping_column_it_must(monkeypatch):
    from prs_cli.render.requests import stream_table

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    rows = [("dim", ("1", "alpha beta gamma delta epsilon", "one two three four five six seven"))]
    stream_table("T", ("ID", "Name", "Note"), iter(rows), no_wrap=(0,), out=out)
    lines = out.getvalue().splitlines()
    assert "\x1b" not in out.getvalue()  # NO_COLOR on a terminal
    assert {len(line) for line in lines[1:]} == {40}
    body = [line.split("│")[2:4] for line in lines if line.startswith("│")]  # a terminal: box lines
    assert " ".join(" ".join(cell.split()) for cell, _ in body).split() == "alpha beta gamma delta epsilon".split()
    assert " ".join(" ".join(cell.split()) for _, cell in body).split() == "one two three four five six seven".split()


def test_consents_for_many_requests_are_those_for_each(log):
    from prs_cli.store import consents

    conn = connect(log)
    records = Requests(conn).list()
    many = consents.for_requests(conn, records)
    assert {r.id: [c.id for c in many[r.id]] for r in records} == {
        r.id: [c.id for c in consents.for_request(conn, r)] for r in records
    }
    assert {r: [c.id for c in found] for r, found in many.items() if found} == {1: [1], 2: [2], 3: [4], 4: [3], 7: [3]}
    assert consents.for_requests(conn, []) == {}


def test_consent_check_in_small_batches_gives_the_same_rows(cli, log, monkeypatch):
    from prs_cli.service import consent

    whole = cli("consent", "check", "--json", "--all").stdout
    monkeypatch.setattr(consent, "CHECK_BATCH", 2)
    assert json.loads(cli("consent", "check", "--json", "--all").stdout) == json.loads(whole)


def test_request_list_shows_the_last_few_unless_asked_for_all(cli, log):
    # The log holds 7 requests (ids 1-7): --limit keeps the newest, oldest first, and says so.
    result = cli("request", "list", "--json", "--limit", "3", "--today", TODAY.isoformat())
    assert [r["id"] for r in json.loads(result.stdout)] == [5, 6, 7]
    assert result.stderr == "The last 3 of 7 requests; --all lists every one, --limit N the last N.\n"
    for args in (["--all"], ["--limit", "7"], ["--limit", "50"]):  # nothing left out: nothing said
        result = cli("request", "list", "--json", *args, "--today", TODAY.isoformat())
        assert ([r["id"] for r in json.loads(result.stdout)], result.stderr) == ([1, 2, 3, 4, 5, 6, 7], "")
    result = cli("request", "list", "--json", "--overdue", "--limit", "1", "--today", TODAY.isoformat())
    assert [r["id"] for r in json.loads(result.stdout)] == [3]
    assert result.stderr == "The last 1 overdue requests; there may be more; --all lists every one, --limit N the last N.\n"
    result = cli("request", "list", "--limit", "0")
    assert result.exit_code == 2 and "Invalid value for '--limit': 0 is not in the range x>=1" in result.output


def _body(lines) -> list[str]:
    """The rows of a table drawn in ASCII (a pipe): the lines after the rule under the header."""
    lines = list(lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("|-"))
    return [line for line in lines[start + 1:] if line.startswith("|")]
