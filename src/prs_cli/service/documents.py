"""The paperwork's use cases: consent forms and outcome letters, one per candidate, as the facts
each template is given (render.documents turns them into text, Markdown or HTML), and the
mail-merge rows of the outcomes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from prs_cli.errors import InputError, NotFound

MERGE_COLUMNS = (
    "candidate_number", "candidate_name", "centre_number", "centre_name", "series", "awarding_body",
    "qualification", "subject", "component", "service", "service_name", "outcome_on", "outcome",
    "mark_before", "mark_after", "grade_before", "grade_after", "fee", "fee_refunded", "fee_note",
    "appeal_deadline", "appeal_ask_by", "request_id",
)
_DIRECTION = {"up": "went up", "down": "went down", "unchanged": "stayed the same"}


class Paper(NamedTuple):
    """One document's facts: whose it is (for its file name) and what its template is given."""

    candidate: str
    series: str | None
    context: dict

    def filename(self, kind: str, extension: str) -> str:
        return "-".join(p for p in (kind, self.series, self.candidate) if p) + f".{extension}"


def consent_forms(db: Path, calendar, settings, *, candidate: str | None, series: str | None, missing: bool,
                  today: date) -> list[Paper]:
    """One form per candidate and series: the candidate's open requests that need consent (with
    `missing`, only those without valid consent, for every candidate who has one)."""
    from prs_cli import codes
    from prs_cli.rules.consent import consent_status
    from prs_cli.rules.intake import check_candidate
    from prs_cli.store.consents import for_requests
    from prs_cli.store.requests import Filters, Requests

    number = check_candidate(candidate) if candidate is not None else None
    series_id = codes.resolve("series", series, calendar.series) if series else None
    conn = _connect(db)
    try:
        wanted = [
            r for r in Requests(conn, db).iter(Filters(candidate=number, series=series_id, open_only=True))
            if r.candidate is not None and calendar.services[r.service].needs_consent
        ]
        if missing:
            consents = {}
            for start in range(0, len(wanted), 2000):
                consents.update(for_requests(conn, wanted[start:start + 2000]))
            wanted = [r for r in wanted if not consent_status(calendar, r, consents[r.id]).ok]
    finally:
        conn.close()
    groups: dict[tuple, list] = {}
    for r in wanted:
        groups.setdefault((r.candidate, r.series), []).append(r)
    if number is not None and not groups:
        which = "without valid consent" if missing else "needing consent"
        raise NotFound(f"no open request {which} is logged for that candidate" + (f" in {series_id}" if series_id else ""))
    if number is not None and len(groups) > 1:
        listed = ", ".join(sorted(s or "no series" for _, s in groups))
        raise InputError(f"that candidate has open requests in {listed}; choose one with --series")
    return [Paper(who, sid, _form(calendar, settings, sid, requests, today)) for (who, sid), requests in sorted(groups.items(), key=_order)]


def outcome_letters(db: Path, calendar, settings, *, candidate: str | None, since: date | None,
                    today: date) -> list[Paper]:
    """One letter per candidate with the outcomes recorded (since `since`), oldest first."""
    from prs_cli.rules.intake import check_candidate
    from prs_cli.store.requests import Filters, Requests

    number = check_candidate(candidate) if candidate is not None else None
    conn = _connect(db)
    try:
        repo = Requests(conn, db)
        done = [
            r for r in repo.iter(Filters(status="completed", candidate=number))
            if r.candidate is not None and r.outcome_on is not None and (since is None or r.outcome_on >= since)
        ]
        stages = {code for code, service in calendar.services.items() if service.appeal}
        appealed = {r.follows_request for stage in stages for r in repo.iter(Filters(service=stage)) if r.stands}
    finally:
        conn.close()
    if number is not None and not done:
        raise NotFound("no outcome is recorded for that candidate" + (f" since {since.isoformat()}" if since else ""))
    by_candidate: dict[str, list] = {}
    for r in sorted(done, key=lambda r: (r.outcome_on, r.id)):
        by_candidate.setdefault(r.candidate, []).append(r)
    papers = []
    for who, requests in sorted(by_candidate.items()):
        outcomes = [_outcome(calendar, settings, r, r.id in appealed) for r in requests]
        context = {
            "centre": _centre(settings),
            "candidate": {"number": who, "name": next((r.name for r in requests if r.name), None)},
            "today": today,
            "outcomes": outcomes,
            "any_appeal": any(o["appeal"] for o in outcomes),
        }
        papers.append(Paper(who, None, context))
    return papers


def merge_rows(letters: list[Paper]) -> list[list]:
    """The letters' facts, one row per outcome, in MERGE_COLUMNS order (for a Word or Outlook
    mail merge; render.csvout makes the cells formula-safe)."""
    rows = []
    for paper in letters:
        c = paper.context
        for o in c["outcomes"]:
            appeal = o["appeal"]
            rows.append([
                c["candidate"]["number"], c["candidate"]["name"], c["centre"]["number"], c["centre"]["name"],
                o["series"], o["board"], o["qualification"], o["subject"], o["component"], o["service"],
                o["service_name"], o["outcome_on"], o["outcome"], o["mark_before"], o["mark_after"],
                o["grade_before"], o["grade_after"], o["fee"], o["fee_refunded"], o["refund"],
                appeal["deadline"] if appeal else None, appeal["ask_by"] if appeal else None, o["id"],
            ])
    return rows


def _order(item):
    (who, series_id), _ = item
    return (series_id or "", who)


def _connect(db: Path):
    from prs_cli.store.db import connect

    return connect(db, create=False)


def _centre(settings) -> dict:
    return {"number": settings.centre_number, "name": settings.centre_name}


def _form(calendar, settings, series_id: str | None, requests: list, today: date) -> dict:
    """What consent_form.*.j2 is given (its header comment lists it)."""
    from prs_cli.rules.consent import valid_from

    rows = []
    releases: dict[str, object] = {}
    for r in requests:
        service = calendar.services[r.service]
        rows.append({
            **_request_facts(calendar, r),
            "fee": r.fee,
            "reviews": service.acknowledge_outcomes,  # a result that can go down as well as up
            "scripts": service.classroom_choice,  # a teaching copy: classroom use and anonymity
        })
        start = valid_from(calendar, r.series, r.qualification, r.awarding_body, results_released=r.results_released)
        releases.setdefault(start.explanation, start)
    moments = [s.moment for s in releases.values()]
    series = calendar.series.get(series_id) if series_id else None
    return {
        "centre": _centre(settings),
        "candidate": {"number": requests[0].candidate, "name": next((r.name for r in requests if r.name), None)},
        "series": {"id": series_id, "name": series.name if series else "Outside the exam series"},
        "requests": rows,
        "reviews": any(row["reviews"] for row in rows),
        "scripts": any(row["scripts"] for row in rows),
        "release": [{"moment": s.moment, "explanation": s.explanation[:1].upper() + s.explanation[1:] + "."} for s in releases.values()],
        "sign_from": max(moments) if moments and None not in moments else None,
        "today": today,
    }


def _outcome(calendar, settings, r, appealed: bool) -> dict:
    """What outcome_letter.*.j2 is given for one outcome."""
    from prs_cli.rules.agenda import internal_deadline
    from prs_cli.rules.deadlines import appeal_deadline, next_appeal

    appeal = None
    stage = next_appeal(calendar, r.service)
    if stage is not None and not appealed:
        answer = appeal_deadline(calendar, r.awarding_body, r.qualification, r.outcome_on, stage)
        if answer.date is not None:
            ask_by = max(r.outcome_on, internal_deadline(calendar, answer.date, settings.lead_days))
            appeal = {"deadline": answer.date, "ask_by": ask_by, "rule": answer.rule, "source": answer.source}
    if r.outcome in _DIRECTION:
        direction = _DIRECTION[r.outcome]
    else:
        direction = "changed" if r.grade_after or r.mark_after is not None else "was recorded"
    return {
        **_request_facts(calendar, r),
        "series": calendar.series[r.series].name if r.series in calendar.series else (r.series or "outside the exam series"),
        "outcome_on": r.outcome_on,
        "outcome": r.outcome,
        "direction": direction,
        "mark_before": r.original_mark,
        "mark_after": r.mark_after,
        "grade_before": r.original_grade,
        "grade_after": r.grade_after,
        "fee": r.fee,
        "fee_refunded": r.fee_refunded,
        "refund": _refund_text(r),
        "appeal": appeal,
    }


def _refund_text(r) -> str:
    if not r.fee:
        return "no fee is recorded"
    if r.fee_refunded is True:
        return f"£{r.fee}, refunded because the grade changed"
    if r.fee_refunded is False:
        return f"£{r.fee}, not refunded"
    return f"£{r.fee}; whether it is refunded is not yet known"


def _request_facts(calendar, r) -> dict:
    """What every document says of a request: its id, board, qualification, subject,
    component and service, by name."""
    return {
        "id": r.id,
        "board": calendar.awarding_bodies[r.awarding_body].name,
        "qualification": calendar.qualifications[r.qualification].name,
        "subject": r.subject,
        "component": r.component,
        "service": r.service,
        "service_name": calendar.services[r.service].name,
    }
