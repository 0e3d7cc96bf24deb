"""Which services apply, when requests close, when answers are due: each answer explains itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, NamedTuple

from prs_cli.calendar.model import Calendar, Release, Span, Window
from prs_cli.rules.days import add_months, add_span

CONSENT_RETENTION_MONTHS = 6  # seed:000: at least six months after the outcome or any appeal
RETENTION_SOURCE = "seed:000; OCR-ROM; AQA-CRC"


class Answer(NamedTuple):
    """A date (or none, when not published), and why."""

    date: date | None
    rule: str
    source: str
    provisional: bool = False
    note: str | None = None
    enforced: bool = True  # False: a centre's own window: prs warns past it, the board may still accept


class Availability(NamedTuple):
    status: Literal["available", "unavailable", "check"]
    reason: str
    source: str | None = None

    @property
    def allowed(self) -> bool:
        return self.status != "unavailable"


def names(calendar: Calendar, qualifications) -> str:
    """'GCE A level, Level 3 VTQ and T Level' from codes."""
    labels = [calendar.qualifications[q].name if q in calendar.qualifications else q for q in qualifications]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def availability(calendar: Calendar, body_code: str, qualification: str, service_code: str) -> Availability:
    """Whether a board offers a service for a qualification, and if not, why (with its source)."""
    body = calendar.awarding_bodies[body_code]
    service = calendar.services[service_code]
    qual_name = calendar.qualifications[qualification].name
    if qualification not in body.qualifications:
        return Availability("unavailable", f"{body.name} does not award {qual_name}", body.source)
    offer = body.services.get(service_code)
    if offer is None:
        return Availability("unavailable", f"{body.name} does not offer {service.name} ({service_code})", body.source)
    listed = offer.qualifications if offer.qualifications is not None else service.qualifications
    if listed is not None and qualification not in listed:
        who = body.name if offer.qualifications is not None else "JCQ"
        source = offer.source if offer.qualifications is not None else service.source
        return Availability(
            "unavailable",
            f"{service.name} ({service_code}) does not apply to {qual_name}: {who} offers it only for "
            f"{names(calendar, listed)}",
            source,
        )
    for exclusion in offer.excluded:
        if exclusion.qualifications is None or qualification in exclusion.qualifications:
            if exclusion.certain:
                return Availability("unavailable", f"{service.name} ({service_code}): {exclusion.reason}", exclusion.source)
            return Availability("check", f"{service.name} ({service_code}): {exclusion.reason}", exclusion.source)
    return Availability("available", f"{body.name} offers {service.name} for {qual_name}", offer.source)


def service_applies_anywhere(calendar: Calendar, qualification: str, service_code: str) -> Availability:
    """For questions without a board: available if any board offers it, else the JCQ reason."""
    reasons = []
    for code in calendar.awarding_bodies:
        answer = availability(calendar, code, qualification, service_code)
        if answer.allowed:
            return answer
        reasons.append(answer)
    service = calendar.services[service_code]
    if service.qualifications is not None and qualification not in service.qualifications:
        return Availability(
            "unavailable",
            f"{service.name} ({service_code}) does not apply to {calendar.qualifications[qualification].name}: "
            f"it is only for {names(calendar, service.qualifications)}",
            service.source,
        )
    awarding = [r for r in reasons if "does not award" not in r.reason]
    return (awarding or reasons)[0]


def release_for(calendar: Calendar, series_id: str, qualification: str, body_code: str | None = None) -> Release | None:
    """The results release for a qualification in a series; a board's own release wins."""
    series = calendar.series[series_id]
    general = None
    for release in series.releases:
        if qualification not in release.qualifications:
            continue
        if release.awarding_body is None:
            general = general or release
        elif release.awarding_body == body_code:
            return release
    return general


def candidates_see_results(release: Release) -> datetime | None:
    """The first moment a candidate may see results: consent before it is too early."""
    if release.date is None:
        return None
    return datetime.combine(release.date, release.candidates_time)


def request_window(
    calendar: Calendar, body_code: str, service_code: str, qualification: str, *, follows: bool = False
) -> Window | None:
    """A deadline that runs from an event: the board's own window first, then the service's.
    A window from a prior outcome applies only to a request that follows one (`follows`): NCFE's
    review after a clerical check runs from the check's outcome, any other from results."""
    offer = calendar.awarding_bodies[body_code].services.get(service_code)
    for window in offer.request_windows if offer else ():
        if window.start == "prior_outcome" and not follows:
            continue
        if window.qualifications is None or qualification in window.qualifications:
            return window
    return calendar.services[service_code].request_window


def next_appeal(calendar: Calendar, service_code: str) -> str | None:
    """The appeal stage that follows a service's outcome (S2 -> APP1 -> APP2 -> EPRS), if any."""
    for code, service in calendar.services.items():
        if service.appeal and service_code in service.requires_prior:
            return code
    return None


def with_centre_settings(calendar: Calendar, values: dict[str, int]) -> Calendar:
    """The calendar with each window a centre setting governs (`setting`) set to the centre's
    value, e.g. its Cambridge English enquiry window (seed:004: one centre's 14 days)."""

    def adjust(window: Window | None) -> Window | None:
        if window is None or window.setting is None or values.get(window.setting) in (None, window.days):
            return window
        return window._replace(days=values[window.setting])

    windows = [s.request_window for s in calendar.services.values()] + [
        w for body in calendar.awarding_bodies.values() for offer in body.services.values() for w in offer.request_windows
    ]
    if all(adjust(w) is w for w in windows):
        return calendar  # the defaults: nothing to copy on every command
    services = {code: s._replace(request_window=adjust(s.request_window)) for code, s in calendar.services.items()}
    bodies = {
        code: body._replace(services={
            c: offer._replace(request_windows=tuple(adjust(w) for w in offer.request_windows)) for c, offer in body.services.items()
        })
        for code, body in calendar.awarding_bodies.items()
    }
    return calendar._replace(services=services, awarding_bodies=bodies)


def request_deadline(
    calendar: Calendar,
    *,
    series_id: str | None,
    body_code: str,
    qualification: str,
    service_code: str,
    results_released: date | None = None,
    prior_outcome: date | None = None,
    follows: bool | None = None,
    decided_on: date | None = None,
) -> Answer:
    """The last day the board must receive the request.

    A board's own window (NCFE, Cambridge English, appeals) runs from results, a prior outcome
    (`follows`: the request follows another; by default, when `prior_outcome` is known) or the
    decision appealed against; otherwise the board's own series deadline, then JCQ's.
    """
    body = calendar.awarding_bodies[body_code]
    service = calendar.services[service_code]
    follows = prior_outcome is not None if follows is None else follows
    window = request_window(calendar, body_code, service_code, qualification, follows=follows)
    if window is not None:
        start, what = _window_start(calendar, window, series_id, qualification, body_code, results_released, prior_outcome, decided_on)
        rule = f"{window.span.describe()} from {what}"
        if not window.enforced:
            rule += " (the centre's own window)"
        if start is None:
            return Answer(None, f"{rule}, which is not known yet", window.source, window.provisional, window.note, window.enforced)
        due = add_span(start, window.span, calendar.bank_holidays, calendar.holiday_years)
        return Answer(due, f"{rule} ({start.isoformat()})", window.source, window.provisional, window.note, window.enforced)
    if service.requires_prior:
        return Answer(None, f"{body.name} publishes no request window for {service.name} in prs's sources; ask the board", offer_source(calendar, body_code, service_code), note=service.notes)
    if series_id is None:
        return Answer(None, f"{service.name} has no published deadline outside a series", service.source)
    series = calendar.series[series_id]
    general = own = None
    for deadline in series.deadlines:
        if service_code not in deadline.services:
            continue
        if deadline.qualifications is not None and qualification not in deadline.qualifications:
            continue
        if deadline.awarding_body == body_code:
            own = own or deadline
        elif deadline.awarding_body is None:
            general = general or deadline
    chosen = own or general
    if chosen is None:
        return Answer(None, f"no {series.name} deadline for {service.name} is in the calendar", service.source)
    who = body.name if chosen is own else "JCQ"
    rule = f"{who} deadline for {service.name}, {series.name}"
    if chosen.date is None:
        rule = f"{who} has not yet published the {series.name} deadline for {service.name}"
    return Answer(chosen.date, rule, chosen.source, chosen.provisional, chosen.note)


def offer_source(calendar: Calendar, body_code: str, service_code: str) -> str:
    offer = calendar.awarding_bodies[body_code].services.get(service_code)
    return offer.source if offer is not None else calendar.services[service_code].source


def _window_start(calendar, window, series_id, qualification, body_code, results_released, prior_outcome, decided_on=None):
    if window.start == "decision":
        return decided_on, "the decision appealed against"
    if window.start == "prior_outcome":
        return prior_outcome, "the outcome it follows"
    if results_released is not None:
        return results_released, "the release of results"
    if series_id is None:
        return None, "the release of results"
    release = release_for(calendar, series_id, qualification, body_code)
    return (release.date if release else None), "results day"


def completion_span(calendar: Calendar, body_code: str, service_code: str) -> tuple[Span | None, str]:
    service = calendar.services[service_code]
    offer = calendar.awarding_bodies[body_code].services.get(service_code)
    if offer is not None and offer.completion is not None:
        return offer.completion, offer.source
    return service.completion, service.source


def completion_due(calendar: Calendar, body_code: str, service_code: str, received: date) -> Answer:
    """When the board must have completed the service, from the day it received the request
    (or, for Service 3, the moderation sample)."""
    service = calendar.services[service_code]
    span, source = completion_span(calendar, body_code, service_code)
    if span is None:
        return Answer(None, f"{service.name} has no published completion target", source)
    start = "the sample" if service.completion_from == "sample_received" else "the request"
    due = add_span(received, span, calendar.bank_holidays, calendar.holiday_years)
    body = calendar.awarding_bodies[body_code].name
    return Answer(due, f"{body} completes {service.name} within {span.describe()} of receiving {start}", source)


def appeal_deadline(calendar: Calendar, body_code: str, qualification: str, outcome_on: date, service_code: str) -> Answer:
    """The deadline of the appeal stage `service_code` (next_appeal) after an outcome: a
    preliminary appeal within 30 calendar days of the review outcome (PEA-APP25), a hearing
    within 14 of the preliminary decision."""
    return request_deadline(
        calendar,
        series_id=None,
        body_code=body_code,
        qualification=qualification,
        service_code=service_code,
        prior_outcome=outcome_on,
        follows=True,
    )


def retention_until(last_outcome: date) -> Answer:
    """Consent is kept at least six months after the outcome, or after any later appeal."""
    return Answer(
        add_months(last_outcome, CONSENT_RETENTION_MONTHS),
        f"keep consent {CONSENT_RETENTION_MONTHS} months after the outcome or any appeal "
        f"({last_outcome.isoformat()})",
        RETENTION_SOURCE,
    )
