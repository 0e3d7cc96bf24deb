"""The agenda read in grouped SQL (store/agenda.py) says exactly what the rules say from records.

The store half-checks consent in SQL (what does not depend on the calendar, for tied consents)
and the rules judge the timing once per group: a shortcut. These properties generate logs of
every shape (tied, untied and purged consents, appeals, early, timed and parental consents,
Cambridge English releases) and prove that the shortcut never lets through a request the
consent rules would not call ok, and that `prs due`'s agenda is the records path's, item for item.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prs_cli.cli.due import load_agenda, load_records
from prs_cli.records import OPEN_STATUSES
from prs_cli.render.agenda import record
from prs_cli.rules import agenda as rules
from prs_cli.rules.consent import consent_status, kept_until
from prs_cli.store import agenda as store
from prs_cli.store.consents import for_request
from prs_cli.store.db import connect, transaction

# Valid codes only (an unknown code is refused on the way in): JCQ boards and qualifications,
# and Cambridge English, whose results day is logged per request (seed:004).
OFFERS = [("AQA", "gcse"), ("OCR", "gce-a-level"), ("PEARSON", "gcse"), ("NCFE", "l3-vtq"), ("CAMBRIDGE", "cambridge-english")]
SERVICES = ["S1", "S2", "PS2", "S3", "ATS-P", "ATS-TL", "APP1"]
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


def build(path: Path, reqs: list[dict], cons: list[dict]) -> None:
    """Rows written directly, so that shapes the commands would refuse are covered as well."""
    conn = connect(path)
    with transaction(conn):
        for n, r in enumerate(reqs, start=1):
            body, qualification = r["offer"]
            follows = r["follows"] if r["follows"] and r["follows"] < n else None
            conn.execute(
                "INSERT INTO requests (id, status, series, awarding_body, qualification, service, component, candidate, "
                "created_at, results_released, received_on, sample_received_on, outcome_on, follows_request) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-08-01T00:00:00', ?, ?, ?, ?, ?)",
                (n, r["status"], r["series"], body, qualification, r["service"], f"C{n}", r["candidate"],
                 r["released"] and r["released"].isoformat(), r["received"] and r["received"].isoformat(),
                 r["received"] and r["received"].isoformat(), r["outcome_on"] and r["outcome_on"].isoformat(), follows),
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
    conn.close()


CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@CHECKS
@given(reqs=requests, cons=consents)
def test_the_sql_shortcut_never_passes_what_the_rules_refuse(calendar, reqs, cons):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prs.sqlite3"
        build(path, reqs, cons)
        needs, scripts = rules.consent_services(calendar)
        conn = connect(path)
        try:
            groups = list(store.request_groups(conn, needs=needs, scripts=scripts, appeals_since=None))
            records = {r.id: r for r in load_records(path)[0]}
            checked = {i for g in groups if g.tied is not None for i in g.ids}
            assert checked == {r.id for r in records.values() if r.status in OPEN_STATUSES and r.service in needs}
            for group, doubtful in rules.consent_doubts(calendar, groups):
                for request_id in set(group.ids) - doubtful if group.tied is not None else ():
                    request = records[request_id]
                    # passed without being judged alone: the rules must call its consent ok
                    assert consent_status(calendar, request, for_request(conn, request)).ok, request
        finally:
            conn.close()


@CHECKS
@given(reqs=requests, cons=consents, today=st.dates(date(2026, 8, 10), date(2027, 4, 30)), days=st.sampled_from([0, 14, 60]))
def test_grouped_agenda_is_the_records_agenda(calendar, reqs, cons, today, days):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prs.sqlite3"
        build(path, reqs, cons)
        every_request, every_consent = load_records(path)
        expected = rules.build_agenda(
            calendar, every_request, today, days=days, lead_days=2,
            consent=rules.consent_findings(calendar, every_request, every_consent),
            disposals=rules.due_disposals(every_consent, every_request, today),
        )
        groups, disposals = load_agenda(calendar, path, today)
        found = rules.agenda(calendar, groups, today, days=days, lead_days=2, disposals=disposals)
        assert [record(i) for i in found] == [record(i) for i in expected]
        conn = connect(path)
        try:  # read in batches of one consent, the disposals are the same
            batches = store.disposal_cases(conn, kept_until(today), batch=1)
            assert [kept for batch in batches for kept in rules.due_disposals(*batch, today)] == disposals
        finally:
            conn.close()


def doubtful_ids(calendar, path):
    needs, scripts = rules.consent_services(calendar)
    conn = connect(path)
    try:
        groups = store.request_groups(conn, needs=needs, scripts=scripts, appeals_since=None)
        return sorted(i for _, doubtful in rules.consent_doubts(calendar, groups) for i in doubtful)
    finally:
        conn.close()


def test_the_earliest_tied_consent_decides_a_groups_timing(calendar, tmp_path):
    # seed:000; JCQ-RES: GCSE results reach candidates on Thu 20 Aug 2026 at 08:00
    same = {"status": "draft", "offer": ("AQA", "gcse"), "service": "S1", "series": "june-2026", "candidate": "1001",
            "released": None, "received": None, "outcome_on": None, "follows": None}
    consent = {"candidate": "1001", "series": "june-2026", "given_by": "candidate", "covers": ["S1"],
               "acknowledged": True, "classroom_use": None, "anonymise": None, "purged": False}
    on_the_day = {**consent, "given_on": date(2026, 8, 20), "hour": None, "tied": [1]}
    at_eight = {**consent, "given_on": date(2026, 8, 20), "hour": 8, "tied": [2]}
    build(tmp_path / "ok.sqlite3", [same, same], [on_the_day, at_eight])
    assert doubtful_ids(calendar, tmp_path / "ok.sqlite3") == []
    day_before = {**consent, "given_on": date(2026, 8, 19), "hour": None, "tied": [3]}
    build(tmp_path / "early.sqlite3", [same, same, same], [on_the_day, at_eight, day_before])
    assert doubtful_ids(calendar, tmp_path / "early.sqlite3") == [1, 2, 3]  # one early consent: all judged alone
    at_seven = {**consent, "given_on": date(2026, 8, 20), "hour": 7, "tied": [3]}
    build(tmp_path / "seven.sqlite3", [same, same, same], [on_the_day, at_eight, at_seven])
    assert doubtful_ids(calendar, tmp_path / "seven.sqlite3") == [1, 2, 3]


def test_kept_until_is_the_last_day_whose_six_months_have_passed():
    # seed:000: consent is kept six months; 29, 30 and 31 Aug + 6 months are all 28 Feb
    assert kept_until(date(2027, 3, 1)) == date(2026, 8, 31)
    assert kept_until(date(2027, 2, 28)) == date(2026, 8, 27)
    assert kept_until(date(2026, 9, 1)) == date(2026, 2, 28)


def test_consent_recorded_for_the_candidate_counts_in_sql_too(calendar, tmp_path):
    # reference.md §2: consent for the candidate's requests in the series (untied) is as good as
    # a tied one when it passes every check; seed:000; JCQ-RES: GCSE results 20 Aug 2026 08:00.
    draft = {"status": "draft", "offer": ("AQA", "gcse"), "service": "S1", "series": "june-2026", "candidate": "1001",
             "released": None, "received": None, "outcome_on": None, "follows": None}
    consent = {"candidate": "1001", "series": "june-2026", "given_by": "candidate", "covers": ["S1"], "acknowledged": True,
               "classroom_use": None, "anonymise": None, "purged": False, "given_on": date(2026, 8, 20), "hour": None, "tied": []}
    cases = {
        "good": (consent, []),
        "not_acknowledged": ({**consent, "acknowledged": False}, [1]),
        "parent": ({**consent, "given_by": "parent"}, [1]),
        "other_service": ({**consent, "covers": ["S2"]}, [1]),
        "other_series": ({**consent, "series": "november-2026"}, [1]),
        "other_candidate": ({**consent, "candidate": "1002"}, [1]),
        "too_early": ({**consent, "given_on": date(2026, 8, 19)}, [1]),
    }
    for name, (recorded, doubtful) in cases.items():
        build(tmp_path / f"{name}.sqlite3", [draft], [recorded])
        assert doubtful_ids(calendar, tmp_path / f"{name}.sqlite3") == doubtful, name
