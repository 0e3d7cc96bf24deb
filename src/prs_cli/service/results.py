"""Results and grade boundaries in: import a broadsheet (all rows or none), report what a revised
one changed and, when asked, record those changes as the outcomes of submitted requests; import
boundaries; dispose of results once their series is over."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.rules.deadlines import Answer
from prs_cli.rules.results import ResultsDisposal, due_results, results_keep_until
from prs_cli.rules.triage import Scales


class ResultChange(NamedTuple):
    """A result a later file changed (its mark, its grade or both)."""

    line: int
    candidate: str
    awarding_body: str
    qualification: str
    subject: str | None
    component: str
    mark_before: int
    mark_after: int
    grade_before: str | None
    grade_after: str | None


class RecordedOutcome(NamedTuple):
    request_id: int
    direction: str  # up, down, unchanged or changed
    refund: str


class ResultsImport(NamedTuple):
    series: str
    rows: int
    added: int
    changed: tuple[ResultChange, ...]
    outcomes: tuple[RecordedOutcome, ...]
    keep_until: Answer
    unrecorded: tuple[int, ...] = ()  # submitted requests the changes are outcomes of, not recorded


def import_results(
    conn: sqlite3.Connection,
    path: Path | None,
    calendar: Calendar,
    scales: Scales,
    file: Path,
    *,
    series: str,
    today: date,
    by: str | None,
    record_outcomes: bool = False,
    outcome_on: date | None = None,
) -> ResultsImport:
    """Every row of `file` into the series' results, or none (FileProblems names each bad
    row). A result already held is replaced by the file's values and reported when its mark or
    grade changed; with `record_outcomes`, each change becomes the outcome of the matching
    submitted requests (audited as coming from the results), checked as `prs request outcome`
    checks it, all in the same transaction."""
    from prs_cli.results_csv import FileProblems, read_results
    from prs_cli.store import results as store
    from prs_cli.store.db import now_utc, transaction

    rows, problems = read_results(file, calendar, scales)
    if problems:
        raise FileProblems(file, problems, len(rows) + len(problems))
    with transaction(conn, path):
        held = store.stored_results(conn, series)
        at = now_utc()
        changes, added = [], 0
        for line, row in rows:
            key = (row.awarding_body, row.qualification, *store.result_keys(row.component, row.subject), row.candidate)
            before = held.get(key)
            if before is None:
                store.insert_result(conn, series, row, at)
                added += 1
                continue
            revised = before.mark != row.mark or (before.grade or None) != (row.grade or None)
            store.update_result(conn, before.id, row, at, revised=revised)
            if revised:
                changes.append(
                    ResultChange(line, row.candidate, row.awarding_body, row.qualification, row.subject, row.component,
                                 before.mark, row.mark, before.grade, row.grade)
                )
        outcomes, unrecorded = [], []
        if changes:
            matched = _matching_requests(conn, path, series, rows, changes)
            if record_outcomes:
                outcomes = _record_outcomes(matched, calendar, on=outcome_on or today, today=today, by=by)
            else:
                unrecorded = [request.id for request, _, _ in matched[1]]
        store.audit(
            conn, "results_imported", by,
            {"series": series, "rows": len(rows), "added": added, "changed": len(changes),
             "outcomes": [o.request_id for o in outcomes]},
        )
    keep = results_keep_until(calendar, series)
    return ResultsImport(series, len(rows), added, tuple(changes), tuple(outcomes), keep, tuple(unrecorded))


def _matching_requests(conn, path, series, rows, changes):
    """(the requests repository, [(submitted request, mark after, grade after)]): the outcomes
    the changes carry. A changed component gives its requests the new mark (and grade, or else
    the subject's grade in the same file); a changed subject grade gives the subject's requests
    their grade after."""
    from prs_cli.store.requests import Filters, Requests
    from prs_cli.store.results import fold

    by_component = {(c.candidate, c.awarding_body, c.qualification, fold(c.component)): c for c in changes if c.component}
    by_subject = {(c.candidate, c.awarding_body, c.qualification, fold(c.subject)): c for c in changes if not c.component}
    subject_grade = {
        (r.candidate, r.awarding_body, r.qualification, fold(r.subject)): r.grade for _, r in rows if not r.component
    }
    repo = Requests(conn, path)
    matched = []
    for request in repo.iter(Filters(status="submitted", series=series)):
        subject_key = (request.candidate, request.awarding_body, request.qualification, fold(request.subject))
        component = by_component.get((request.candidate, request.awarding_body, request.qualification, fold(request.component)))
        if component is not None:
            mark_after = component.mark_after
            grade_after = component.grade_after or (subject_grade.get(subject_key) if request.subject else None)
        elif request.subject and subject_key in by_subject:
            mark_after, grade_after = None, by_subject[subject_key].grade_after
        else:
            continue
        matched.append((request, mark_after, grade_after))
    return repo, matched


def _record_outcomes(matched, calendar, *, on, today, by) -> list[RecordedOutcome]:
    """Each matched request's outcome, checked as `prs request outcome` checks it; one that
    cannot be taken stops them all (and the import)."""
    from prs_cli.errors import PrsError, Refused
    from prs_cli.rules.intake import record_outcome

    repo, requests = matched
    planned, problems = [], []
    for request, mark_after, grade_after in requests:
        try:
            planned.append(record_outcome(calendar, request, on=on, today=today, mark_after=mark_after, grade_after=grade_after))
        except PrsError as error:
            problems.append(f"request {request.id}: {error.message}")
    if problems:
        raise Refused("the revised results cannot be recorded as outcomes (" + "; ".join(problems) + "); nothing was imported")
    from prs_cli.service import agenda_keys

    recorded = []
    for (request, _, _), result in zip(requests, planned):
        repo.outcome(request, result.record, by=by, direction=result.direction, via="revised results")
        recorded.append(RecordedOutcome(result.record.id, result.direction, result.refund))
    if recorded:  # inside the import's transaction: the outcomes move what is due for them and their followers
        agenda_keys.refresh(repo.conn, agenda_keys.near(repo.conn, requests=[r.request_id for r in recorded]))
    return recorded


class BoundariesImport(NamedTuple):
    series: str
    sets: int
    boundaries: int


def import_boundaries(
    conn: sqlite3.Connection, path: Path | None, calendar: Calendar, scales: Scales, file: Path, *, series: str, by: str | None
) -> BoundariesImport:
    """Every set of boundaries in `file`, or none: each replaces the same component's (or
    subject's) boundaries in the series."""
    from prs_cli.results_csv import FileProblems, read_boundaries
    from prs_cli.store import results as store
    from prs_cli.store.db import now_utc, transaction

    sets, problems = read_boundaries(file, calendar, scales, series)
    if problems:
        raise FileProblems(file, problems)
    with transaction(conn, path):
        store.replace_boundaries(conn, sets, now_utc())
        store.audit(conn, "boundaries_imported", by, {"series": series, "sets": len(sets)})
    return BoundariesImport(series, len(sets), sum(len(s.grades) for s in sets))


class HeldSeries(NamedTuple):
    series: str
    results: int
    open_requests: int
    keep_until: Answer
    due: bool
    purged: bool = False


class ResultsPurge(NamedTuple):
    dry_run: bool
    series: tuple[HeldSeries, ...]


def results_disposals(conn: sqlite3.Connection, calendar: Calendar, today: date) -> list[ResultsDisposal]:
    """The series whose results are due for disposal (for `prs due`)."""
    from prs_cli.store import results as store

    return due_results(store.held(conn), calendar, today)


def purge_results(
    conn: sqlite3.Connection, path: Path | None, calendar: Calendar, *, series: str | None, today: date, apply: bool, by: str | None
) -> ResultsPurge:
    """Each series holding results (or the one asked for) with whether it may be disposed of;
    with `apply`, the due ones are deleted, in one transaction, with an audit line each."""
    from prs_cli.store import results as store
    from prs_cli.store.db import transaction

    with transaction(conn, path):
        held = [h for h in store.held(conn) if series is None or h.series == series]
        due = {d.series for d in due_results(held, calendar, today)}
        found = []
        for h in held:
            keep = results_keep_until(calendar, h.series) if h.series in calendar.series else Answer(None, "series not in the calendar", "")
            purged = False
            if apply and h.series in due:
                store.purge(conn, h.series)
                store.audit(conn, "results_purged", by, {"series": h.series, "results": h.results})
                purged = True
            found.append(HeldSeries(h.series, h.results, h.open_requests, keep, h.series in due, purged))
    return ResultsPurge(not apply, tuple(found))
