"""The agenda read from the tally (service/agenda_keys.py keeps it, store/agenda.py reads it)
says exactly what the rules say from the records.

The tally is kept by Python in each write's transaction as requests and consents change: a
shortcut. These properties
generate logs of every shape (tied, untied and purged consents, appeals, early, timed and
parental consents, Cambridge English releases), change them in every way the commands can and
some they cannot, and prove that the tally is what counting afresh gives and that `prs due`'s
agenda is the records path's, item for item.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prs_cli.service.agenda import load_agenda
from prs_cli.render.agenda import record
from prs_cli.rules import agenda as rules
from prs_cli.rules.consent import consent_needed, consent_status, failing, kept_until
from prs_cli.service import agenda_keys
from prs_cli.store import agenda as store
from prs_cli.store import db
from prs_cli.store.db import connect, transaction

# Valid codes only (an unknown code is refused on the way in): JCQ boards and qualifications,
# and Cambridge English, whose results day is logged per request (seed:004).
OFFERS = [("AQA", "gcse"), ("OCR", "gce-a-level"), ("PEARSON", "gcse"), ("NCFE", "l3-vtq"), ("CAMBRIDGE", "cambridge-english")]
# and the appeal stages after it (issue 11 item 14): the hearing, an appeal against a decision
# (its window runs from decided_on), Ofqual's review
SERVICES = ["S1", "S2", "PS2", "S3", "ATS-P", "ATS-TL", "APP1", "APP2", "APP-MAL", "EPRS"]
SERIES = ["june-2026", "june-2026", "june-2025", None]
CANDIDATES = ["1001", "1002", "1003", None]
DAYS = st.dates(date(2025, 8, 1), date(2026, 10, 31))
# June 2026's results days (GCE 13 Aug, GCSE 20 Aug; 08:00 for candidates) and the days
# either side most often, where timing decides.
NEAR_RESULTS = st.one_of(st.sampled_from([date(2026, 8, d) for d in (12, 13, 14, 19, 20, 21)]), DAYS)

requests = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["draft", "submitted", "draft", "submitted", "completed", "withdrawn", "rejected"]),
            "offer": st.sampled_from(OFFERS),
            "service": st.sampled_from(SERVICES),
            "series": st.sampled_from(SERIES),
            "candidate": st.sampled_from(CANDIDATES),
            "released": st.one_of(st.none(), DAYS),
            "received": st.one_of(st.none(), DAYS),
            "outcome_on": st.one_of(st.none(), DAYS),
            "follows": st.one_of(st.none(), st.integers(1, 6)),
            "decided": st.one_of(st.none(), DAYS),
        }
    ),
    max_size=6,
)
consents = st.lists(
    st.fixed_dictionaries(
        {
            "candidate": st.sampled_from(CANDIDATES),
            "series": st.sampled_from(SERIES),
            "given_on": NEAR_RESULTS,
            "hour": st.one_of(st.none(), st.sampled_from([7, 8, 9]), st.integers(0, 23)),
            "given_by": st.sampled_from(["candidate", "candidate", " Candidate ", "parent", "CANDIDATE"]),
            "covers": st.one_of(st.just(SERVICES), st.lists(st.sampled_from(SERVICES), unique=True, min_size=1, max_size=6)),
            "acknowledged": st.sampled_from([True, True, False]),
            "classroom_use": st.sampled_from([None, 0, 1]),
            "anonymise": st.sampled_from([None, 0, 1]),
            "tied": st.one_of(st.just([]), st.lists(st.integers(1, 6), unique=True, min_size=1, max_size=3)),
            "purged": st.sampled_from([False, False, True]),
        }
    ),
    max_size=6,
)

STATUSES = ["draft", "submitted", "completed", "withdrawn", "rejected"]
FEW = st.integers(1, 3)  # changes aimed at the first few rows meet each other (and the ties) often
# Changes made after the log is written, as the commands make them and beyond.
changes = st.lists(
    st.one_of(
        st.tuples(st.just("status"), FEW, st.sampled_from(STATUSES)),
        st.tuples(st.just("outcome"), FEW, st.one_of(st.none(), DAYS)),
        st.tuples(st.just("received"), FEW, st.one_of(st.none(), DAYS)),
        st.tuples(st.just("decided"), FEW, st.one_of(st.none(), DAYS)),
        st.tuples(st.just("candidate"), FEW, st.sampled_from(CANDIDATES)),
        st.tuples(st.just("series"), FEW, st.sampled_from(SERIES)),
        st.tuples(st.just("tie"), FEW, FEW),
        st.tuples(st.just("untie"), FEW, FEW),
        st.tuples(st.just("purge"), FEW, st.none()),
        st.tuples(st.just("delete_consent"), FEW, st.none()),
        st.tuples(st.just("delete_request"), FEW, st.none()),
    ),
    max_size=8,
)


def change(path: Path, steps: list[tuple]) -> None:
    """Each step its own statement(s), in its own transaction, as separate commands would, each
    refreshing the agenda keys of the requests it can affect, found before and after it as a
    write that moves relations must (service/agenda_keys.py)."""
    conn = connect(path)
    for kind, n, value in steps:
        day = value.isoformat() if isinstance(value, date) else value
        statements = {
            "status": [("UPDATE requests SET status = ? WHERE id = ?", (value, n))],
            "outcome": [("UPDATE requests SET outcome_on = ? WHERE id = ?", (day, n))],
            "received": [("UPDATE requests SET received_on = ?, sample_received_on = ? WHERE id = ?", (day, day, n))],
            "decided": [("UPDATE requests SET decided_on = ? WHERE id = ?", (day, n))],
            "candidate": [("UPDATE requests SET candidate = ? WHERE id = ?", (value, n))],
            "series": [("UPDATE requests SET series = ? WHERE id = ?", (value, n))],
            "tie": [("INSERT OR IGNORE INTO consent_requests (consent_id, request_id) SELECT ?, ? "
                     "WHERE EXISTS (SELECT 1 FROM consents WHERE id = ?) AND EXISTS (SELECT 1 FROM requests WHERE id = ?)",
                     (n, value, n, value))],
            "untie": [("DELETE FROM consent_requests WHERE consent_id = ? AND request_id = ?", (n, value))],
            "purge": [("UPDATE consents SET candidate = NULL, purged_at = '2026-12-01T00:00:00' WHERE id = ?", (n,))],
            "delete_consent": [("DELETE FROM consent_requests WHERE consent_id = ?", (n,)), ("DELETE FROM consents WHERE id = ?", (n,))],
            "delete_request": [
                ("DELETE FROM consent_requests WHERE request_id = ?", (n,)),
                ("UPDATE requests SET follows_request = NULL WHERE follows_request = ?", (n,)),
                ("DELETE FROM requests WHERE id = ?", (n,)),
            ],
        }[kind]
        try:
            with transaction(conn):
                touched = _near(conn, kind, n, value)
                for sql, args in statements:
                    conn.execute(sql, args)
                agenda_keys.refresh(conn, touched | _near(conn, kind, n, value))
        except sqlite3.IntegrityError:  # a change the schema refuses (a second open duplicate): none of it landed
            pass
    conn.close()


def load_records(path: Path):
    """Every request and consent in the database at `path`."""
    from prs_cli.store.consents import list_consents
    from prs_cli.store.requests import Requests

    conn = connect(path, create=False)
    try:
        return Requests(conn, path).list(), list_consents(conn)
    finally:
        conn.close()


def _near(conn, kind: str, n: int, value) -> set[int]:
    """The requests a step can affect (agenda_keys.near): a request's own relations, or a
    consent's; deleting a request also unties the consents tied to it."""
    if kind in ("tie", "untie", "purge", "delete_consent"):
        return agenda_keys.near(conn, consents=[n])
    tied = [c for (c,) in conn.execute("SELECT consent_id FROM consent_requests WHERE request_id = ?", (n,))]
    return agenda_keys.near(conn, requests=[n], consents=tied if kind == "delete_request" else ())


def keys_from_records(path: Path) -> dict[int, tuple]:
    """Each request's (dates key, consent key) as stored, computed afresh from every record:
    rules.agenda.agenda_keys given the whole log (every consent; the rule picks those that apply)."""
    every_request, every_consent = load_records(path)
    outcome_of = {r.id: r.outcome_on for r in every_request}
    appealed = {r.follows_request for r in every_request if r.stands}
    return {
        r.id: tuple(map(store.key_text, rules.agenda_keys(r, outcome_of.get(r.follows_request), r.id in appealed, every_consent)))
        for r in every_request
    }


def tally_is_counted_afresh(path: Path) -> None:
    """Every request's keys are what the rules give from the records now, and the tally counts them."""
    expected = keys_from_records(path)
    conn = connect(path)
    try:
        fresh: dict[str, set[int]] = {}
        for request_id, dates, consent in conn.execute("SELECT id, dates_key, consent_key FROM requests"):
            assert (dates, consent) == expected[request_id], request_id
            for key in filter(None, (dates, consent)):
                fresh.setdefault(key, set()).add(request_id)
        tally = {}
        for key, part, status, count, first, ids in conn.execute("SELECT key, part, status, requests, first_id, ids FROM agenda_tally"):
            listed = [int(i) for i in ids.split(",")]
            assert count == len(listed) == len(set(listed)), key
            assert first == min(listed), key
            assert [part, status] == json.loads(key)[:2]
            tally[key] = set(listed)
        assert tally == fresh
    finally:
        conn.close()


def consent_check_finds_what_the_rules_find(calendar, path: Path, every_request, every_consent) -> None:
    """`prs consent check` finds from the tally exactly the requests consent_status fails."""
    expected = sorted(
        r.id for r in every_request
        if r.status not in ("withdrawn", "rejected") and consent_needed(calendar, r)
        and not consent_status(calendar, r, every_consent).ok
    )
    conn = connect(path)
    try:
        bad, needing = failing(calendar, store.consent_groups(conn))
        assert store.ids_of(conn, bad) == expected
    finally:
        conn.close()
    # a request for no candidate needs no candidate consent (issue 11 item 2, seed:000)
    assert needing == sum(1 for r in every_request if r.status not in ("withdrawn", "rejected") and consent_needed(calendar, r))


def build(path: Path, reqs: list[dict], cons: list[dict]) -> None:
    """Rows written directly, so that shapes the commands would refuse are covered as well."""
    conn = connect(path)
    with transaction(conn):
        _write(conn, reqs, cons)
        agenda_keys.refresh(conn, range(1, len(reqs) + 1))  # as an import does
    conn.close()


def _write(conn, reqs: list[dict], cons: list[dict]) -> None:
    """Rows written as given (no transaction of its own)."""
    for n, r in enumerate(reqs, start=1):
        body, qualification = r["offer"]
        follows = r["follows"] if r["follows"] and r["follows"] < n else None
        decided = ", decided_on" if r.get("decided") else ""  # (a column schema 5 adds)
        conn.execute(
            "INSERT INTO requests (id, status, series, awarding_body, qualification, service, component, candidate, "
            f"created_at, results_released, received_on, sample_received_on, outcome_on, follows_request{decided}) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-08-01T00:00:00', ?, ?, ?, ?, ?{', ?' if decided else ''})",
            (n, r["status"], r["series"], body, qualification, r["service"], f"C{n}", r["candidate"],
             r["released"] and r["released"].isoformat(), r["received"] and r["received"].isoformat(),
             r["received"] and r["received"].isoformat(), r["outcome_on"] and r["outcome_on"].isoformat(), follows,
             *([r["decided"].isoformat()] if decided else [])),
        )
    for n, c in enumerate(cons, start=1):
        given_at = datetime.combine(c["given_on"], datetime.min.time()) + timedelta(hours=c["hour"]) if c["hour"] is not None else None
        conn.execute(
            "INSERT INTO consents (id, candidate, series, given_on, given_at, method, given_by, covers, "
            "acknowledged_outcomes, classroom_use, anonymise, recorded_at, purged_at) "
            "VALUES (?, ?, ?, ?, ?, 'form', ?, ?, ?, ?, ?, '2026-08-01T00:00:00', ?)",
            (n, None if c["purged"] else c["candidate"], c["series"], c["given_on"].isoformat(),
             given_at.isoformat(timespec="minutes") if given_at else None, c["given_by"], ",".join(c["covers"]),
             int(c["acknowledged"]), c["classroom_use"], c["anonymise"], "2026-09-01T00:00:00" if c["purged"] else None),
        )
        for request_id in c["tied"]:
            if request_id <= len(reqs):
                conn.execute("INSERT INTO consent_requests (consent_id, request_id) VALUES (?, ?)", (n, request_id))


CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@CHECKS
@given(reqs=requests, cons=consents, steps=changes, today=st.dates(date(2026, 8, 10), date(2027, 4, 30)), days=st.sampled_from([0, 14, 60]))
def test_grouped_agenda_is_the_records_agenda(calendar, reqs, cons, steps, today, days):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prs.sqlite3"
        build(path, reqs, cons)
        change(path, steps)
        tally_is_counted_afresh(path)
        every_request, every_consent = load_records(path)
        consent_check_finds_what_the_rules_find(calendar, path, every_request, every_consent)
        expected = rules.build_agenda(
            calendar, every_request, today, days=days, lead_days=2, consents=every_consent,
            disposals=rules.due_disposals(every_consent, every_request, today),
        )
        groups, disposals = load_agenda(calendar, path, today, days, every_id=True)
        found = rules.agenda(calendar, groups, today, days=days, lead_days=2, disposals=disposals)
        assert [record(i) for i in found] == [record(i) for i in expected]
        # Without every id, the same items; only some of more than three requests list none.
        groups, _ = load_agenda(calendar, path, today, days)
        brief = rules.agenda(calendar, groups, today, days=days, lead_days=2, disposals=disposals)
        assert [(i.title, i.detail, i.date) for i in brief] == [(i.title, i.detail, i.date) for i in expected]
        for short, full in zip(brief, expected):
            assert short.request_ids == full.request_ids or (short.request_ids is None and len(full.request_ids) > 3)
        conn = connect(path)
        try:  # read in batches of one consent, the disposals are the same
            batches = store.disposal_cases(conn, kept_until(today), batch=1)
            assert [kept for batch in batches for kept in rules.due_disposals(*batch, today)] == disposals
        finally:
            conn.close()


def test_kept_until_is_the_last_day_whose_six_months_have_passed():
    # seed:000: consent is kept six months; 29, 30 and 31 Aug + 6 months are all 28 Feb
    assert kept_until(date(2027, 3, 1)) == date(2026, 8, 31)
    assert kept_until(date(2027, 2, 28)) == date(2026, 8, 27)
    assert kept_until(date(2026, 9, 1)) == date(2026, 2, 28)




def test_migration_counts_a_log_written_before_the_tally(tmp_path):
    # A database from before schema 3 gains the tally, counted from the rows already there.
    path = tmp_path / "prs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, migration in enumerate(db.MIGRATIONS[:2], start=1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.close()
    draft = {"status": "draft", "offer": ("AQA", "gcse"), "service": "S2", "series": "june-2026", "candidate": "1001",
             "released": None, "received": None, "outcome_on": None, "follows": None}
    given = {"candidate": "1001", "series": "june-2026", "given_on": date(2026, 8, 20), "hour": None, "given_by": "candidate",
             "covers": ["S2"], "acknowledged": True, "classroom_use": None, "anonymise": None, "tied": [], "purged": False}
    conn = sqlite3.connect(path, isolation_level=None)
    _write(conn, [draft, {**draft, "candidate": "1002"}, {**draft, "status": "completed", "outcome_on": date(2026, 9, 1)}], [given])
    conn.close()
    conn = connect(path)  # migrates; the keys are counted before the tally is first read
    agenda_keys.ensure_current(conn)
    conn.close()
    tally_is_counted_afresh(path)
    conn = connect(path)
    assert conn.execute("SELECT count(*) FROM agenda_tally").fetchone()[0] == 5  # dates: drafts, outcome; consent: three
    conn.close()


BASE = {"status": "draft", "offer": ("AQA", "gcse"), "service": "S2", "series": "june-2026", "candidate": "1001",
        "released": None, "received": None, "outcome_on": None, "follows": None}
REVIEW = {**BASE, "status": "completed", "outcome_on": date(2026, 9, 1)}
APPEAL = {**BASE, "service": "APP1", "follows": 1}
GIVEN = {"candidate": "1001", "series": "june-2026", "given_on": date(2026, 8, 20), "hour": None, "given_by": "candidate",
         "covers": ["S2", "APP1"], "acknowledged": True, "classroom_use": None, "anonymise": None, "tied": [], "purged": False}


@pytest.mark.parametrize(
    "reqs, cons, steps",
    [
        ([REVIEW, APPEAL], [], [("outcome", 1, date(2026, 9, 5))]),  # an appeal's deadline runs from the new outcome
        ([REVIEW, APPEAL], [], [("status", 2, "withdrawn")]),  # the review's appeal window is open again
        ([REVIEW, {**APPEAL, "status": "withdrawn"}], [], [("status", 2, "draft")]),  # and shut again
        ([BASE, BASE], [{**GIVEN, "tied": [1]}], [("untie", 1, 1)]),  # untied: for both requests
        ([BASE, BASE], [GIVEN], [("tie", 1, 1)]),  # tied: for request 1 only, no longer 2
        ([REVIEW, APPEAL], [{**GIVEN, "series": "june-2025", "tied": [1]}], [("untie", 1, 1)]),  # the review's consent covered its appeal
        ([BASE, BASE], [GIVEN], [("purge", 1, None)]),  # blanked: no longer the candidate's
        ([BASE], [GIVEN], [("candidate", 1, "1002"), ("series", 1, "june-2025")]),
        ([BASE], [GIVEN], [("delete_consent", 1, None)]),
        ([REVIEW, APPEAL], [GIVEN], [("delete_request", 2, None)]),
        # issue 11: an appeal against a decision runs from decided_on; a request for no candidate
        # (a centre's sample) has no consent key; a hearing after a preliminary appeal closes its window
        ([{**BASE, "service": "APP-MAL", "decided": date(2026, 8, 20)}], [], [("decided", 1, date(2026, 8, 27))]),
        ([BASE], [GIVEN], [("candidate", 1, None)]),
        ([{**REVIEW, "service": "APP1"}, {**APPEAL, "service": "APP2"}], [], [("status", 2, "withdrawn")]),
    ],
)
def test_each_change_moves_the_tally(reqs, cons, steps, tmp_path):
    # store/db.py: whose key a change can move (the request, what it follows, what follows it,
    # a consent's candidate and ties); each step must leave the tally as counting afresh gives.
    path = tmp_path / "prs.sqlite3"
    build(path, reqs, cons)
    tally_is_counted_afresh(path)
    before = _tally(path)
    change(path, steps)
    tally_is_counted_afresh(path)
    assert _tally(path) != before  # the change moved something


@pytest.mark.parametrize("damage", [
    "DELETE FROM agenda_tally WHERE rowid = (SELECT min(rowid) FROM agenda_tally)",  # a row lost
    "UPDATE agenda_tally SET requests = requests + 1, ids = ids || ',99'",  # counts drifted
    "UPDATE requests SET dates_key = NULL, consent_key = '[]' WHERE id = 1",  # a request's keys lost
    "INSERT INTO agenda_tally (requests, first_id, part, status, key, ids) VALUES (1, 7, 'dates', 'draft', 'stray', '7')",
])
def test_a_new_rules_version_rebuilds_whatever_the_tally_held(calendar, tmp_path, damage):
    # Derived data has a rebuild path: when the stored rules' version is not this prs's, the
    # keys and tally are counted afresh before the agenda is read (here, before `prs due`).
    path = tmp_path / "prs.sqlite3"
    build(path, [REVIEW, APPEAL, BASE, {**BASE, "candidate": "1002", "status": "submitted", "received": date(2026, 8, 25)}],
          [GIVEN, {**GIVEN, "tied": [3]}])
    conn = connect(path)
    conn.execute(damage)
    conn.execute("UPDATE derived SET rules_version = rules_version - 1")
    conn.close()
    load_agenda(calendar, path, date(2026, 9, 2), 14)
    tally_is_counted_afresh(path)
    conn = connect(path)
    assert store.rules_version(conn, agenda_keys.DERIVED) == rules.AGENDA_RULES_VERSION
    conn.close()


def test_rebuild_counts_afresh_and_a_current_tally_is_left_alone(tmp_path):
    path = tmp_path / "prs.sqlite3"
    build(path, [REVIEW, APPEAL, BASE], [GIVEN])
    conn = connect(path)
    conn.execute("UPDATE agenda_tally SET ids = '1,2,3', requests = 3")
    agenda_keys.ensure_current(conn)  # the version matches: nothing read but the version
    assert {ids for (ids,) in conn.execute("SELECT ids FROM agenda_tally")} == {"1,2,3"}
    with transaction(conn):
        agenda_keys.rebuild(conn)
    conn.close()
    tally_is_counted_afresh(path)


def _tally(path: Path) -> dict:
    conn = connect(path)
    try:
        return dict(conn.execute("SELECT key, ids FROM agenda_tally"))
    finally:
        conn.close()


@pytest.mark.parametrize("outcome_on, shown", [
    (date(2026, 8, 2), False),  # window closed yesterday
    (date(2026, 8, 3), True),  # closes today
    (date(2026, 8, 17), True),  # closes on the horizon
    (date(2026, 8, 18), False),  # closes the day after it
])
def test_the_appeal_window_read_from_the_tally_at_its_edges(calendar, tmp_path, outcome_on, shown):
    # PEA-APP25: a preliminary appeal within 30 calendar days of the review outcome; on 2 Sep 2026
    # looking 14 days ahead, windows closing 2 to 16 Sep are shown.
    path = tmp_path / "prs.sqlite3"
    build(path, [{**REVIEW, "outcome_on": outcome_on}], [])
    today = date(2026, 9, 2)
    groups, disposals = load_agenda(calendar, path, today, 14)
    items = rules.agenda(calendar, groups, today, days=14, lead_days=2, disposals=disposals)
    assert [i.kind for i in items if i.kind == "appeal_window"] == (["appeal_window"] if shown else [])


def test_every_write_command_keeps_the_tally_counted_afresh(cli, tmp_path):
    # No trigger keeps the tally: each command that writes must refresh the keys of what it
    # touched in its own transaction (service/agenda_keys.py). A season of them, checked after each.
    from prs_cli import paths

    a_level = ["--ab", "AQA", "-q", "gce-a-level", "--series", "june-2026"]
    csv = tmp_path / "requests.csv"
    csv.write_text("Candidate No,Candidate Name,Board,Level,Subject,Paper,Service,Series,Grade,Mark,Fee,Note\n"
                   "1008,Hal Example,AQA,gce-a-level,History,7042/1,S2,june-2026,B,50,,\n"
                   "1001,Ada Example,AQA,gce-a-level,History,7042/2,S2,june-2026,B,50,,\n", encoding="utf-8")
    steps = [
        ("2026-08-13", "request", "add", "--candidate", "1001", "--name", "Ada Example", *a_level, "--component", "7357/1",
         "--service", "PS2"),
        ("2026-08-13", "consent", "record", "--candidate", "1001", "--series", "june-2026", "--on", "2026-08-13T09:10",
         "--method", "email", "--covers", "PS2,S2,APP1", "--acknowledged-outcomes"),
        ("2026-08-14", "request", "import", str(csv)),
        ("2026-08-14", "request", "submit", "1", "--received", "2026-08-14"),
        ("2026-08-28", "request", "outcome", "1", "--on", "2026-08-28", "--grade-after", "A"),
        ("2026-09-10", "request", "appeal", "1", "--on", "2026-09-10"),
        ("2026-09-11", "request", "withdraw", "4", "--reason", "changed mind"),
        ("2026-09-11", "request", "add", "--candidate", "1002", "--name", "Bo Example", *a_level, "--component", "7357/1",
         "--service", "S2", "--late-reason", "AQA agreed"),
        ("2026-09-11", "consent", "record", "--candidate", "1002", "--on", "2026-08-20", "--method", "form", "--covers", "S2",
         "--acknowledged-outcomes", "--request", "5"),
        ("2026-09-12", "request", "reject", "5", "--reason", "late"),
        ("2026-09-12", "request", "withdraw", "3", "--reason", "duplicate"),
        ("2027-04-01", "consent", "purge", "--yes"),
    ]
    for today, *args in steps:
        result = cli(*args, env={"PRS_TODAY": today})
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        tally_is_counted_afresh(paths.database_path())
    conn = connect(paths.database_path())
    assert conn.execute("SELECT count(*) FROM consents WHERE purged_at IS NOT NULL").fetchone()[0] >= 1
    conn.close()
