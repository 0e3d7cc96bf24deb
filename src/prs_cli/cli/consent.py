"""`prs consent`: record candidates' consent, check it, and dispose of it when the time comes."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common
from prs_cli.errors import ExitCode
from prs_cli.rules.days import when

app = common.group("Record candidates' consent, check it against results day, keep it as long as required.")

By = Annotated[Optional[str], typer.Option("--by", help="Who is doing this (default: your login name).")]
ID_RANGE = {"min": 1, "max": 2**63 - 1}  # SQLite's integer range: larger ids are a usage error, not a crash


@app.command("record")
def record(
    candidate: Annotated[str, typer.Option("--candidate", help="The 4-digit candidate number.")],
    on: Annotated[str, typer.Option("--on", metavar="DATE|DATETIME", help="When the candidate gave consent: YYYY-MM-DD, or YYYY-MM-DDTHH:MM on results day.")],
    method: Annotated[str, typer.Option("--method", metavar="form|email", help="A signed form, or an email from the candidate.")],
    covers: Annotated[str, typer.Option("--covers", metavar="S1,S2,ATS-P", help="The services it covers, comma-separated.")],
    series: Annotated[Optional[str], typer.Option("--series", help="Series id (default: that of --request, else the series whose post-results window is open).")] = None,
    given_by: Annotated[str, typer.Option("--given-by", help="Who gave it; anything but 'candidate' is kept but is never valid consent.")] = "candidate",
    classroom_use: Annotated[Optional[bool], typer.Option("--classroom-use/--no-classroom-use", help="Scripts: may the script be used in class.")] = None,
    anonymise: Annotated[Optional[bool], typer.Option("--anonymise/--no-anonymise", help="Scripts: must the candidate's name be removed first.")] = None,
    acknowledged_outcomes: Annotated[bool, typer.Option("--acknowledged-outcomes", help="The candidate was told the grade may go down, stay the same or go up.")] = False,
    request: Annotated[Optional[list[int]], typer.Option("--request", metavar="ID", **ID_RANGE, help="Tie it to this request (repeatable); default: the candidate's matching requests in the series.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A remark kept with the consent (removed when it is purged).")] = None,
    by: By = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Record a candidate's written consent; then show where its requests stand."""
    from prs_cli import clock, codes
    from prs_cli.errors import InputError
    from prs_cli.rules.intake import check_candidate, default_series
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    cal = common.calendar(data_dir)
    number = check_candidate(candidate)
    given_on, given_at = clock.parse_date_or_datetime(on, "--on")
    if given_on > common.today(today):
        raise InputError(f"--on {given_on.isoformat()} is in the future; record consent once it has been given")
    how = codes.resolve("method", method, ("form", "email"))
    services = codes.resolve_many("service", covers, cal.services)
    for code in services:
        if not cal.services[code].needs_consent:
            raise InputError(f"{cal.services[code].name} ({code}) needs no candidate consent; leave it out of --covers")
    who = given_by.strip()
    if not who:
        raise InputError("--given-by is empty; say 'candidate' or who gave it")
    ids = tuple(dict.fromkeys(request or ()))
    conn = common.open_db(db)
    if series is not None:
        series_id = codes.resolve("series", series, cal.series)
    elif ids:
        series_id = Requests(conn).get(ids[0]).series
    else:
        series_id = default_series(cal, common.today(today))
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
        by=common.who(by),
    )
    rows = _check_rows(cal, conn, using=stored)
    if json:
        common.print_json({**_consent_json(stored), "checks": rows})
        return
    typer.echo(f"Recorded consent {stored.id} ({', '.join(services)}, {series_id or 'no series'}).")
    if who.casefold() != "candidate":
        common.note("Kept, but consent given by anyone other than the candidate is never valid consent.")
    for row in rows:
        common.note(f"request {row['request_id']} ({row['service']}): {row['status']}: {row['message']}")
    if not rows:
        common.note("No logged request uses this consent yet; 'prs consent check' will match it when one is logged.")


PROBLEM_LIMIT = 50  # a screenful; --all is the full audit


@app.command("check")
def check(
    request_id: Annotated[Optional[int], typer.Argument(metavar="[REQUEST_ID]", **ID_RANGE, help="Check one request; default: those whose consent is not valid.")] = None,
    qualification: Annotated[Optional[str], typer.Option("--qualification", "-q", help="One question without a database: the qualification code.")] = None,
    on: Annotated[Optional[str], typer.Option("--on", metavar="DATE|DATETIME", help="One question: when consent was (or would be) given.")] = None,
    ab: Annotated[Optional[str], typer.Option("--ab", help="One question: the awarding body (its own release may differ).")] = None,
    series: Annotated[Optional[str], typer.Option("--series", help="One question: the series (default: the one whose results day is nearest --on).")] = None,
    results_released: Annotated[Optional[str], typer.Option("--results-released", metavar="YYYY-MM-DD", help="One question, Cambridge English: the day results went online.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show the last N logged whose consent is not valid.")] = PROBLEM_LIMIT,
    every: Annotated[bool, typer.Option("--all", help="Every request that needs consent, valid or not: the full audit.")] = False,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Is consent good? Lists the requests whose consent is not valid (the last 50 unless
    --limit or --all); exit 1 when there is any, so a script can stop on it."""
    from prs_cli.errors import InputError

    cal = common.calendar(data_dir)
    if qualification or on or ab or series or results_released:
        if request_id is not None:
            raise InputError("give either a request id or --qualification and --on, not both")
        if not (qualification and on):
            raise InputError("a one-question check needs both --qualification and --on")
        _one_question(cal, qualification, on, ab, series, results_released, json)
        return
    conn = common.open_db(db, create=False)
    problems = 0
    remark = None
    if request_id is not None:
        ids = [request_id]
    elif every:
        ids = None
    else:  # only the failing, found from the tally: a long log of good consent costs nothing
        from prs_cli.rules.consent import failing
        from prs_cli.store.agenda import consent_groups, ids_of

        bad, needing = failing(cal, consent_groups(conn))
        found = ids_of(conn, bad)
        ids = found[-limit:]
        if not needing:
            remark = "No logged request needs consent."
        elif not found:
            remark = "Consent is valid for " + ("the one request that needs it." if needing == 1 else f"all {needing:,} requests that need it.")
        else:
            remark = f"{len(found):,} of {needing:,} requests needing consent have no valid consent" + (
                f"; the last {limit:,} shown: --limit N for more, --all for every request." if len(found) > limit else "."
            )

    def rows():
        nonlocal problems
        for row in _iter_check_rows(cal, conn, ids=ids):
            problems += row["status"] not in ("ok", "not_needed")
            yield row

    if json:
        import sys

        from prs_cli.render.jsonout import write_array

        write_array(rows(), sys.stdout.write)
    else:
        from prs_cli.render.consent import check_table

        if not check_table(rows(), "Consent for each request" if ids is None or request_id else "Requests without valid consent"):
            remark = remark or "No logged request needs consent."
    if remark:
        common.note(remark)
    if problems:
        raise typer.Exit(int(ExitCode.FINDING))


@app.command("due-for-disposal")
def due_for_disposal(
    today: common.Today = None,
    db: common.Db = None,
    json: common.Json = False,
) -> None:
    """Consents past their keep-until date (six months after the last outcome or appeal)."""
    day = common.today(today)
    conn = common.open_db(db, create=False)
    due = [item for item in _retentions(conn) if item[1].due(day)]
    if json:
        common.print_json([_retention_json(c, r) for c, r in due])
        return
    if not due:
        common.note(f"Nothing is past its keep-until date on {day.isoformat()}.")
        return
    from prs_cli.render.consent import retention_table

    retention_table(due, f"Consents past their keep-until date on {when(day)}")


@app.command("purge")
def purge(
    consent_ids: Annotated[Optional[list[int]], typer.Argument(metavar="[CONSENT_ID]...", **ID_RANGE, help="The consents to purge; default: every one due for disposal.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Really purge; without it nothing changes (a dry run).")] = False,
    by: By = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """Remove the personal details of consents past keep-until; the audit trail keeps that a
    consent existed. A dry run unless --yes; never while a request it covers is open."""
    from prs_cli.errors import Refused
    from prs_cli.store import consents as store

    day = common.today(today)
    conn = common.open_db(db, create=False)
    cal = common.calendar(data_dir)
    retentions = {c.id: (c, r) for c, r in _retentions(conn)}
    if consent_ids:
        chosen = []
        for consent_id in dict.fromkeys(consent_ids):
            if consent_id not in retentions:
                store.get(conn, consent_id)  # NotFound for an unknown id
                raise Refused(f"consent {consent_id} was already purged")
            consent, kept = retentions[consent_id]
            if kept.open_requests:
                raise Refused(store.still_open_message(consent_id, kept.open_requests))
            if not kept.due(day):
                raise Refused(
                    f"consent {consent_id} must be kept until {when(kept.keep_until.date)} "
                    f"({kept.keep_until.rule}; {kept.keep_until.source})"
                )
            chosen.append((consent, kept))
    else:
        chosen = [item for item in retentions.values() if item[1].due(day)]
    if yes:
        statuses = _statuses_by_consent(cal, conn)
        for consent, kept in chosen:
            store.purge(conn, consent.id, covered=kept.covered, details=_purge_details(consent, kept, statuses.get(consent.id, {})), by=common.who(by))
    if json:
        common.print_json({"dry_run": not yes, "consents": [{**_retention_json(c, r), "purged": yes} for c, r in chosen]})
        return
    if not chosen:
        common.note(f"Nothing is due for disposal on {day.isoformat()}.")
        return
    verb = "Purged" if yes else "Would purge"
    for consent, kept in chosen:
        typer.echo(f"{verb} consent {consent.id} ({', '.join(consent.covers)}, kept until {when(kept.keep_until.date)}).")
    if not yes:
        common.note("Dry run: nothing was changed. Add --yes to purge.")


def require_consent(cal, conn, request, refusal: str | None = None) -> None:
    """The submission gate (`prs request submit`, `prs request appeal`): refuse a request that
    needs consent and has no valid one, naming what is wrong. Service 3 is never blocked."""
    from prs_cli.errors import Refused
    from prs_cli.rules.consent import consent_status
    from prs_cli.store import consents as store

    if not cal.services[request.service].needs_consent:
        return
    finding = consent_status(cal, request, store.for_request(conn, request))
    if not finding.ok:
        raise Refused(f"{refusal or f'request {request.id} cannot be submitted'}: {finding.message}")


# --- helpers -----------------------------------------------------------------------------------


def _one_question(cal, qualification, on, ab, series, results_released, json) -> None:
    from prs_cli import clock, codes
    from prs_cli.errors import InputError
    from prs_cli.rules.consent import nearest_series, timing_finding, valid_from

    qual = codes.resolve("qualification", qualification, cal.qualifications)
    given_on, given_at = clock.parse_date_or_datetime(on, "--on")
    body = codes.resolve("awarding body", ab, cal.awarding_bodies) if ab else None
    if body and qual not in cal.awarding_bodies[body].qualifications:
        raise InputError(f"{cal.awarding_bodies[body].name} does not award {cal.qualifications[qual].name}")
    released = clock.parse_date(results_released, "--results-released") if results_released else None
    if cal.qualifications[qual].jcq:
        if released is not None:
            raise InputError(f"--results-released is for Cambridge English; {cal.qualifications[qual].name} follows the series results day")
        series_id = codes.resolve("series", series, cal.series) if series else nearest_series(cal, qual, body, given_on)
    else:
        if released is None:
            raise InputError(f"{cal.qualifications[qual].name} results are released per candidate: give --results-released YYYY-MM-DD")
        series_id = None
    start = valid_from(cal, series_id, qual, body, results_released=released)
    finding = timing_finding(given_on, given_at, start)
    if json:
        common.print_json(
            {
                "valid": finding.ok,
                "status": finding.status,
                "message": finding.message,
                "valid_from": finding.valid_from,
                "series": series_id,
                "qualification": qual,
                "awarding_body": body,
                "given_on": given_on,
                "given_at": given_at,
                "source": finding.source,
            }
        )
    else:
        from prs_cli.render.console import fill, width

        where = f" ({cal.series[series_id].name})" if series_id else ""
        typer.echo(fill(f"{'Valid' if finding.ok else 'Not valid'}{where}: {finding.message} ({finding.source}).", width()))
    if not finding.ok:
        raise typer.Exit(int(ExitCode.FINDING))


def _check_rows(cal, conn, *, using=None) -> list[dict]:
    """One row per request that needs consent (withdrawn and rejected ones left out), each
    judged on all its consents; `using`: the requests that consent applies to."""
    return list(_iter_check_rows(cal, conn, using=using))


CHECK_BATCH = 2000  # requests judged per read of their consents: few queries, bounded memory


def _iter_check_rows(cal, conn, *, ids: list[int] | None = None, using=None):
    """_check_rows one row at a time (`ids`: those requests, whatever they need), reading the
    log as it goes and the consents of each batch of requests in one go
    (store.consents.for_requests), so a large log is neither held whole nor asked one query per
    request."""
    from itertools import islice

    from prs_cli.rules.consent import applies_to, consent_status
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    repo = Requests(conn)
    requests = (repo.get(i) for i in ids) if ids is not None else repo.iter()
    wanted = (
        request for request in requests
        if (ids is not None or (request.status not in ("withdrawn", "rejected") and cal.services[request.service].needs_consent))
        and (using is None or applies_to(using, request))
    )
    while batch := list(islice(wanted, CHECK_BATCH)):
        consents = store.for_requests(conn, batch)
        for request in batch:
            finding = consent_status(cal, request, consents[request.id])
            yield {
                "request_id": request.id,
                "request_status": request.status,
                "candidate": request.candidate,
                "series": request.series,
                "awarding_body": request.awarding_body,
                "qualification": request.qualification,
                "component": request.component,
                "service": request.service,
                "status": finding.status,
                "message": finding.message,
                "valid_from": finding.valid_from,
                "consent_id": finding.consent_id,
                "source": finding.source,
            }


def _retentions(conn):
    """(consent, Retention) for every consent not yet purged."""
    from prs_cli.rules.consent import retentions
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    return retentions(store.list_consents(conn), Requests(conn).iter())


def _statuses_by_consent(cal, conn) -> dict[int, dict[int, str]]:
    """For the audit line: the status each request had under the consent judged for it."""
    result: dict[int, dict[int, str]] = {}
    for row in _check_rows(cal, conn):
        if row["consent_id"] is not None:
            result.setdefault(row["consent_id"], {})[row["request_id"]] = row["status"]
    return result


def _purge_details(consent, kept, statuses: dict[int, str]) -> dict:
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


def _consent_json(consent) -> dict:
    return {
        "id": consent.id,
        "candidate": consent.candidate,
        "series": consent.series,
        "given_on": consent.given_on,
        "given_at": consent.given_at,
        "method": consent.method,
        "given_by": consent.given_by,
        "covers": list(consent.covers),
        "acknowledged_outcomes": consent.acknowledged_outcomes,
        "classroom_use": consent.classroom_use,
        "anonymise": consent.anonymise,
        "requests": list(consent.requests),
        "note": consent.note,
        "recorded_at": consent.recorded_at,
        "recorded_by": consent.recorded_by,
        "purged_at": consent.purged_at,
    }


def _retention_json(consent, kept) -> dict:
    answer = kept.keep_until
    return {
        "consent_id": consent.id,
        "candidate": consent.candidate,
        "series": consent.series,
        "given_on": consent.given_on,
        "covers": list(consent.covers),
        "requests": list(kept.covered),
        "open_requests": list(kept.open_requests),
        "keep_until": answer.date if answer else None,
        "rule": answer.rule if answer else None,
        "source": answer.source if answer else None,
    }
