"""`prs consent`: record candidates' consent, check it, and dispose of it when the time comes.

The submission gate (require_consent) lives here too: `prs request submit` and `appeal` use it.
Consents are written in two places only: record_consent and purge (each consent through purge_many).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import NamedTuple

from prs_cli import codes
from prs_cli.errors import InputError, PrsError, Refused
from prs_cli.records import ConsentRecord
from prs_cli.rules.consent import (
    GOOD,
    applies_to,
    consent_needed,
    consent_status,
    failing,
    nearest_series,
    needs_series,
    retentions,
    timing_finding,
    valid_from,
)
from prs_cli.rules.days import when
from prs_cli.service import agenda_keys
from prs_cli.service.database import Database

CHECK_BATCH = 2000  # requests judged per read of their consents: few queries, bounded memory


class CheckRow(NamedTuple):
    """One request judged on all its consents (the fields are `prs consent check --json`'s keys)."""

    request_id: int
    request_status: str
    candidate: str | None
    series: str | None
    awarding_body: str
    qualification: str
    component: str
    service: str
    status: str  # rules.consent: ok, not_needed, missing, before_results, ...
    message: str
    valid_from: object
    consent_id: int | None
    source: str | None

    @property
    def ok(self) -> bool:
        return self.status in GOOD


class ConsentRecorded(NamedTuple):
    consent: ConsentRecord
    from_candidate: bool  # False: kept, but never valid consent
    checks: list[CheckRow]  # the requests it applies to, each judged on all its consents


class ConsentCheck(NamedTuple):
    """`prs consent check`: rows one at a time; for the default listing (only the failing),
    how many need consent and how many of those fail (else None)."""

    rows: Iterator[CheckRow]
    failing_only: bool
    needing: int | None
    failing: int | None
    limit: int


class OneAnswer(NamedTuple):
    """A one-question check: would consent given then be valid?"""

    finding: object  # rules.consent.ConsentFinding
    series: str | None
    qualification: str
    awarding_body: str | None
    given_on: date
    given_at: datetime | None


class Purge(NamedTuple):
    chosen: list[tuple]  # (ConsentRecord, rules.consent.Retention) purged by this run (a dry run: to purge)
    already: list[ConsentRecord]  # found purged already: asked for by id, or purged by another prs meanwhile
    done: bool  # False: a dry run, nothing changed


class Purged(NamedTuple):
    purged: tuple[ConsentRecord, ...]  # purged by this run
    already: tuple[ConsentRecord, ...]  # found purged already (another prs got there first)


def require_consent(calendar, conn, request, refusal: str | None = None) -> None:
    """The submission gate (`prs request submit`, `prs request appeal`): refuse a request that
    needs consent and has no valid one, naming what is wrong. Service 3, and an appeal for a
    centre's sample (no candidate), are never blocked."""
    from prs_cli.store import consents as store

    if not consent_needed(calendar, request):
        return
    finding = consent_status(calendar, request, store.for_request(conn, request))
    if not finding.ok:
        raise Refused(f"{refusal or f'request {request.id} cannot be submitted'}: {finding.message}")


def record_consent(
    db: Database,
    calendar,
    *,
    candidate: str,
    given_on: date,
    given_at: datetime | None,
    method: str,
    covers: str,
    series: str | None,
    given_by: str,
    acknowledged_outcomes: bool,
    classroom_use: bool | None,
    anonymise: bool | None,
    requests: tuple[int, ...],
    note: str | None,
    today: date,
    by: str | None,
) -> ConsentRecorded:
    """Store a candidate's written consent, then judge the requests it applies to."""
    from prs_cli.rules.intake import check_candidate, default_series
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    number = check_candidate(candidate)
    if given_on > today:
        raise InputError(f"--on {given_on.isoformat()} is in the future; record consent once it has been given")
    how = codes.resolve("method", method, ("form", "email"))
    services = codes.resolve_many("service", covers, calendar.services)
    for code in services:
        if not calendar.services[code].needs_consent:
            raise InputError(f"{calendar.services[code].name} ({code}) needs no candidate consent; leave it out of --covers")
    who = given_by.strip()
    if not who:
        raise InputError("--given-by is empty; say 'candidate' or who gave it")
    ids = tuple(dict.fromkeys(requests))
    conn = db.connection(create=True)
    if series is not None:
        series_id = codes.resolve("series", series, calendar.series)
    elif ids:
        series_id = Requests(conn).get(ids[0]).series
    elif not needs_series(calendar, services):
        series_id = None  # Cambridge English: results per candidate, no series (applies_to)
    else:
        series_id = default_series(calendar, today)
    with db.writing(say_where=False):
        stored = store.record(
            conn,
            candidate=number,
            series=series_id,
            given_on=given_on,
            given_at=given_at,
            method=how,
            given_by=who,
            covers=services,
            acknowledged_outcomes=acknowledged_outcomes,
            classroom_use=classroom_use,
            anonymise=anonymise,
            requests=ids,
            note=(note or "").strip() or None,
            by=by,
            as_of=today,
        )
        agenda_keys.refresh(conn, agenda_keys.near(conn, consents=[stored.id]))
    return ConsentRecorded(stored, stored.from_candidate, list(_check_rows(calendar, conn, using=stored)))


def check_consent(db: Database, calendar, *, request_id: int | None, every: bool, limit: int) -> ConsentCheck:
    """One request (`request_id`), every request that needs consent (`every`: the full audit),
    or by default the last `limit` logged whose consent is not valid, found from the tally so
    a long log of good consent costs nothing."""
    conn = db.connection()
    if request_id is not None:
        return ConsentCheck(_check_rows(calendar, conn, ids=[request_id]), False, None, None, limit)
    if every:
        return ConsentCheck(_check_rows(calendar, conn), False, None, None, limit)
    from prs_cli.store.agenda import consent_groups, ids_of

    agenda_keys.ensure_current(conn)
    bad, needing = failing(calendar, consent_groups(conn))
    found = ids_of(conn, bad)
    return ConsentCheck(_check_rows(calendar, conn, ids=found[-limit:]), True, needing, len(found), limit)


def one_question(
    calendar,
    *,
    qualification: str,
    given_on: date,
    given_at: datetime | None,
    awarding_body: str | None,
    series: str | None,
    results_released: date | None,
) -> OneAnswer:
    """Would consent given at that moment be valid for the qualification (no database)?"""
    qual = codes.resolve("qualification", qualification, calendar.qualifications)
    body = codes.resolve("awarding body", awarding_body, calendar.awarding_bodies) if awarding_body else None
    if body and qual not in calendar.awarding_bodies[body].qualifications:
        raise InputError(f"{calendar.awarding_bodies[body].name} does not award {calendar.qualifications[qual].name}")
    if calendar.qualifications[qual].jcq:
        if results_released is not None:
            raise InputError(f"--results-released is for Cambridge English; {calendar.qualifications[qual].name} follows the series results day")
        series_id = codes.resolve("series", series, calendar.series) if series else nearest_series(calendar, qual, body, given_on)
    else:
        if results_released is None:
            raise InputError(f"{calendar.qualifications[qual].name} results are released per candidate: give --results-released YYYY-MM-DD")
        series_id = None
    start = valid_from(calendar, series_id, qual, body, results_released=results_released)
    return OneAnswer(timing_finding(given_on, given_at, start), series_id, qual, body, given_on, given_at)


def due_for_disposal(db: Database, *, today: date) -> list[tuple]:
    """(consent, Retention) for each consent past its keep-until date on `today`."""
    if not db.exists():
        return []  # nothing logged yet: nothing to dispose of
    return [item for item in _retentions(db.connection()) if item[1].due(today)]


def purge(db: Database, calendar, *, consent_ids: list[int] | None, confirmed: bool, today: date, by: str | None) -> Purge:
    """The consents to purge (`consent_ids`, each checked, or every one due); with `confirmed`,
    their personal details removed, each in its own transaction (purge_many). The audit trail
    keeps that a consent existed; never while a request it covers is open. A consent found
    purged already (named again, or purged by another prs meanwhile) is reported, not refused."""
    from prs_cli.store import consents as store

    conn = db.connection()
    kept_by_id = {c.id: (c, r) for c, r in _retentions(conn)}
    already: list[ConsentRecord] = []
    if consent_ids:
        chosen = []
        for consent_id in dict.fromkeys(consent_ids):
            if consent_id not in kept_by_id:
                already.append(store.get(conn, consent_id))  # NotFound for an unknown id
                continue
            consent, kept = kept_by_id[consent_id]
            if kept.open_requests:
                raise Refused(store.still_open_message(consent_id, kept.open_requests))
            if not kept.due(today):
                raise Refused(
                    f"consent {consent_id} must be kept until {when(kept.keep_until.date)} "
                    f"({kept.keep_until.rule}; {kept.keep_until.source})"
                )
            chosen.append((consent, kept))
    else:
        chosen = [item for item in kept_by_id.values() if item[1].due(today)]
    if confirmed and chosen:
        statuses = _statuses_by_consent(calendar, conn)
        done = purge_many(
            db, [(c.id, kept.covered, _purge_details(c, kept, statuses.get(c.id, {}))) for c, kept in chosen], by=by, as_of=today
        )
        meanwhile = {c.id for c in done.already}
        already += done.already
        chosen = [(c, kept) for c, kept in chosen if c.id not in meanwhile]
    return Purge(chosen, already, confirmed)


def purge_many(
    db: Database, chosen: Iterable[tuple[int, tuple[int, ...], dict]], *, by: str | None, as_of: date | None = None
) -> Purged:
    """Purge each (consent id, covered request ids, audit details), each in its own transaction
    with the agenda keys it changes, so what is purged stays purged. One that another prs
    purged meanwhile is reported, not refused; if one fails, the error says how many were
    purged before it. `as_of`: the day the officer said it is, for the audit line."""
    from prs_cli.store import consents as store

    conn = db.connection()
    purged: list[ConsentRecord] = []
    already: list[ConsentRecord] = []
    chosen = list(chosen)
    for consent_id, covered, details in chosen:
        try:
            with db.writing(say_where=False):  # a purge unties the consent from its candidate: refresh those near it before too
                before = agenda_keys.near(conn, consents=[consent_id])
                consent, newly = store.purge(conn, consent_id, covered=covered, details=details, by=by, as_of=as_of)
                if newly:
                    agenda_keys.refresh(conn, before | agenda_keys.near(conn, consents=[consent_id]))
        except PrsError as error:
            error.message += (
                f"; {len(purged)} of {len(chosen)} consents were purged before this" if purged else "; no consent was purged"
            )
            error.args = (error.message,)
            raise
        (purged if newly else already).append(consent)
    return Purged(tuple(purged), tuple(already))


# --- helpers ------------------------------------------------------------------------------------


def _check_rows(calendar, conn, *, ids: list[int] | None = None, using: ConsentRecord | None = None) -> Iterator[CheckRow]:
    """One row per request that needs consent (withdrawn and rejected ones left out; `ids`:
    those requests, whatever they need; `using`: those this consent applies to), each judged on
    all its consents. The log is read as it goes and the consents of each batch of requests in
    one go (store.consents.for_requests), so a large log is neither held whole nor asked one
    query per request."""
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    repo = Requests(conn)
    requests = (repo.get(i) for i in ids) if ids is not None else repo.iter()
    wanted = (
        request for request in requests
        if (ids is not None or (request.stands and calendar.services[request.service].needs_consent))
        and (using is None or applies_to(using, request))
    )
    while batch := list(islice(wanted, CHECK_BATCH)):
        consents = store.for_requests(conn, batch)
        for request in batch:
            finding = consent_status(calendar, request, consents[request.id])
            yield CheckRow(
                request.id, request.status, request.candidate, request.series, request.awarding_body,
                request.qualification, request.component, request.service, finding.status, finding.message,
                finding.valid_from, finding.consent_id, finding.source,
            )


def _retentions(conn):
    """(consent, Retention) for every consent not yet purged."""
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    return retentions(store.list_consents(conn), Requests(conn).iter())


def _statuses_by_consent(calendar, conn) -> dict[int, dict[int, str]]:
    """For the audit line: the status each request had under the consent judged for it."""
    result: dict[int, dict[int, str]] = {}
    for row in _check_rows(calendar, conn):
        if row.consent_id is not None:
            result.setdefault(row.consent_id, {})[row.request_id] = row.status
    return result


def _purge_details(consent: ConsentRecord, kept, statuses: dict[int, str]) -> dict:
    """What the audit trail keeps after a purge: codes and dates, never a name or number."""
    return {
        "series": consent.series,
        "given_on": consent.given_on.isoformat(),
        "given_at": consent.given_at.isoformat(timespec="minutes") if consent.given_at else None,
        "method": consent.method,
        "covers": list(consent.covers),
        "requests": list(kept.covered),
        "valid_for": sorted(r for r, status in statuses.items() if status == "ok"),
        "statuses": {str(r): status for r, status in sorted(statuses.items())},
        "keep_until": kept.keep_until.date.isoformat(),
    }
