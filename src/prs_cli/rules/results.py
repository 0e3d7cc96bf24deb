"""How long a series' results broadsheet is kept: until its post-results window and the appeals
that can follow it are over. Results are personal data (candidates' names and marks): prs keeps
them no longer than they can still lead to a request.

Pure: the calendar and the series come in as arguments.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.rules.days import OutsideCalendar, add_span, when
from prs_cli.rules.deadlines import Answer, next_appeal


class ResultsHeld(NamedTuple):
    """A series' results in the store: how many, and how many of its requests are still open."""

    series: str
    results: int
    open_requests: int


class ResultsDisposal(NamedTuple):
    """A series whose results may be disposed of from the day after `keep_until`."""

    series: str
    results: int
    keep_until: Answer


def review_services(calendar: Calendar) -> tuple[str, ...]:
    """The services that can change a mark: the reviews an appeal follows, and the clerical
    re-check (scripts and appeals are not reviews)."""
    found = []
    for code, service in calendar.services.items():
        jcq = service.qualifications is not None and any(calendar.qualifications[q].jcq for q in service.qualifications if q in calendar.qualifications)
        appealed = next_appeal(calendar, code) is not None and not service.appeal  # a review an appeal follows
        review = appealed or (service.completion is not None and service.acknowledge_outcomes and not service.appeal and not service.requires_prior)
        if review and jcq:
            found.append(code)
    return tuple(found)


def results_keep_until(calendar: Calendar, series_id: str) -> Answer:
    """The series' last review request deadline (seed:000), plus the longest completion target
    of a review (Service 3: 35 days, seed:000), plus the preliminary appeal window (30 days,
    PEA-APP25): after that no request can follow from the results. None when the series'
    review deadline is not yet published."""
    series = calendar.series[series_id]
    reviews = review_services(calendar)
    deadlines = [d for d in series.deadlines if set(d.services) & set(reviews)]
    known = [d.date for d in deadlines if d.date is not None]
    source = "seed:000; PEA-APP25"
    if not known or len(known) < len(deadlines):
        return Answer(None, f"the {series.name} review deadline is not yet published, so results are kept", source)
    last = max(known)
    spans = [calendar.services[code].completion for code in reviews if calendar.services[code].completion]
    spans += [
        offer.completion for body in calendar.awarding_bodies.values()
        for code, offer in body.services.items() if code in reviews and offer.completion
    ]
    stages = [stage for stage in (next_appeal(calendar, code) for code in reviews) if stage is not None]
    first_appeal = calendar.services.get(stages[0]) if stages else None  # the preliminary appeal
    window = first_appeal.request_window.span if first_appeal and first_appeal.request_window else None
    try:
        reviewed = max(add_span(last, span, calendar.bank_holidays, calendar.holiday_years) for span in spans) if spans else last
        until = add_span(reviewed, window, calendar.bank_holidays, calendar.holiday_years) if window else reviewed
    except OutsideCalendar:
        until = last + timedelta(days=35 + 30)
    rule = (
        f"{series.name} reviews and appeals are over: the last review deadline ({when(last)}), "
        "then the longest review target and the appeal window"
    )
    return Answer(until, rule, source)


def due_results(held: list[ResultsHeld], calendar: Calendar, today: date) -> list[ResultsDisposal]:
    """Series whose results are past keeping and have no request of theirs still open."""
    due = []
    for found in held:
        if found.results == 0 or found.open_requests or found.series not in calendar.series:
            continue
        keep = results_keep_until(calendar, found.series)
        if keep.date is not None and keep.date < today:
            due.append(ResultsDisposal(found.series, found.results, keep))
    return due
