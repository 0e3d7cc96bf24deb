"""Who should ask for a review: the triage list from the results and boundaries held, and the
step from that list to draft requests, through the same checks as `prs request add`."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.rules.triage import OpenService, TriageRow

if TYPE_CHECKING:
    from prs_cli.records import RequestRecord


class TriageItem(NamedTuple):
    row: TriageRow
    open_services: tuple[OpenService, ...]
    logged: tuple[int, ...]  # ids of standing requests for the same result


class TriageReport(NamedTuple):
    items: tuple[TriageItem, ...]  # closest first
    within: int
    no_boundary: int  # results not listed because no boundary is known for them
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
    replace the file's for the same component). Only the results near a boundary are read
    (store.results.near_boundaries); the rest are counted by kind, to find those with none."""
    from prs_cli.rules import triage as rules

    if conn is None:
        return TriageReport((), within, 0, 0)
    from prs_cli.store import results as store

    files = []
    if data_dir is not None:
        from prs_cli.grade_data import load_boundaries

        files = load_boundaries(data_dir, calendar)
    index = rules.BoundaryIndex([*files, *store.boundary_sets(conn, series=series)])
    groups = store.result_groups(conn, series=series, awarding_body=awarding_body)
    results = store.near_boundaries(conn, within, series=series, awarding_body=awarding_body, also=files)
    if subject:
        wanted = store.fold(subject)
        groups = [g for g in groups if wanted in store.fold(g[4])]
        results = (r for r in results if wanted in store.fold(r.subject))
    found = rules.triage(results, index, within)
    logged = store.logged_requests(conn, series, (row.result.candidate for row in found.rows))
    logged_candidates = {key[1] for key in logged}
    services: dict[tuple, tuple[OpenService, ...]] = {}
    items = []
    for row in found.rows:
        r = row.result
        key = (r.series, r.awarding_body, r.qualification)
        if key not in services:
            services[key] = rules.open_services(calendar, *key, today)
        ids = logged.get(store.request_key(r)) if r.candidate in logged_candidates else None
        items.append(TriageItem(row, services[key], tuple(ids) if ids else ()))
    return TriageReport(tuple(items), within, rules.without_boundaries(groups, index), sum(g[-1] for g in groups))


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
            from prs_cli.service import agenda_keys
            from prs_cli.store.db import transaction

            with transaction(repo.conn, repo.path):  # the drafts and their agenda keys, together
                logged = tuple(r.id for r in repo.add_many(records, by=by, action="added"))
                agenda_keys.refresh(repo.conn, agenda_keys.near(repo.conn, requests=logged))
    return DraftsLogged(tuple(plans), logged, not apply)
