"""Who should ask for a review: the triage list from the results and boundaries held, and the
step from that list to draft requests, through the same checks as `prs request add`."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.records import RequestRecord
from prs_cli.rules.triage import OpenService, TriageRow


class TriageItem(NamedTuple):
    row: TriageRow
    open_services: tuple[OpenService, ...]
    logged: tuple[int, ...]  # ids of standing requests for the same result


class TriageReport(NamedTuple):
    items: tuple[TriageItem, ...]  # closest first
    within: int
    top_grade: int
    no_boundary: int
    results: int  # how many results were looked at


def triage(
    conn: sqlite3.Connection | None,
    calendar: Calendar,
    *,
    today: date,
    within: int,
    series: str | None = None,
    awarding_body: str | None = None,
    subject: str | None = None,
    data_dir: Path | None = None,
) -> TriageReport:
    """Results 1 to `within` marks below the next grade's boundary (rules.triage), each with the
    services still open for its board and qualification and the requests already logged for it.
    Boundaries come from the store and from boundaries_*.yaml in the data folder (the store's
    replace the file's for the same component)."""
    from prs_cli.grade_data import boundary_files, load_boundaries
    from prs_cli.rules import triage as rules

    if conn is None:
        return TriageReport((), within, 0, 0, 0)
    from prs_cli.store import results as store

    sets = load_boundaries(data_dir, calendar) if boundary_files(data_dir) else []
    sets += store.boundary_sets(conn, series=series)
    results = store.iter_results(conn, series=series, awarding_body=awarding_body)
    if subject:
        wanted = store.fold(subject)
        results = (r for r in results if wanted in store.fold(r.subject))
    counted = _Counted(results)
    found = rules.triage(counted, rules.BoundaryIndex(sets), within)
    logged = store.logged_requests(conn, series, (row.result.candidate for row in found.rows))
    services: dict[tuple, tuple[OpenService, ...]] = {}
    items = []
    for row in found.rows:
        r = row.result
        key = (r.series, r.awarding_body, r.qualification)
        if key not in services:
            services[key] = rules.open_services(calendar, *key, today)
        items.append(TriageItem(row, services[key], tuple(logged.get(store.request_key(r), ()))))
    return TriageReport(tuple(items), within, found.top_grade, found.no_boundary, counted.count)


class _Counted:
    """An iterable that counts what passes through it."""

    def __init__(self, items):
        self.items = items
        self.count = 0

    def __iter__(self):
        for item in self.items:
            self.count += 1
            yield item


class DraftPlan(NamedTuple):
    item: TriageItem
    record: RequestRecord | None  # None: skipped
    skipped: str | None  # why it will not be logged
    warnings: tuple[str, ...] = ()


class DraftsLogged(NamedTuple):
    plans: tuple[DraftPlan, ...]
    logged: tuple[int, ...]  # the new requests' ids (none on a dry run)
    dry_run: bool


def log_drafts(
    conn: sqlite3.Connection,
    path: Path | None,
    calendar: Calendar,
    report: TriageReport,
    service: str,
    *,
    today: date,
    by: str | None,
    apply: bool,
) -> DraftsLogged:
    """A draft request of `service` for each listed result, checked as `prs request add` checks
    one (rules.intake.prepare_request: not offered, late, unknown codes) and against the log
    (duplicates); those that pass are logged together, or none of them, when `apply`."""
    from prs_cli import codes
    from prs_cli.errors import PrsError
    from prs_cli.rules.intake import RequestInput, prepare_request
    from prs_cli.store.requests import Requests

    code = codes.resolve("service", service, calendar.services)
    repo = Requests(conn, path)
    plans = []
    for item in report.items:
        r = item.row.result
        if not r.component:
            plans.append(DraftPlan(item, None, "a qualification-level result: requests are per component, log each with 'prs request add'"))
            continue
        given = RequestInput(
            awarding_body=r.awarding_body, qualification=r.qualification, service=code, component=r.component,
            candidate=r.candidate, name=r.name, uci=r.uci, series=r.series, subject=r.subject,
            original_mark=r.mark, original_grade=r.grade,
        )
        try:
            prepared = prepare_request(calendar, given, today=today, by=by)
        except PrsError as error:
            plans.append(DraftPlan(item, None, error.message))
            continue
        existing = repo.duplicate_of(prepared.record)
        if existing is not None:
            plans.append(DraftPlan(item, None, f"already logged as request {existing}"))
            continue
        plans.append(DraftPlan(item, prepared.record, None, prepared.warnings))
    logged: tuple[int, ...] = ()
    if apply:
        records = [p.record for p in plans if p.record is not None]
        if records:
            logged = tuple(r.id for r in repo.add_many(records, by=by, action="added"))
    return DraftsLogged(tuple(plans), logged, not apply)
