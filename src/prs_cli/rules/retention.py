"""The retention log: what the centre must keep for a series, and until when.

Pure: the calendar, the series' requests and consents, and `today` come in as arguments.
- Consent forms and emails: at least six months after the outcome of the re-check or review, or
  of any appeal that follows (seed:000; rules.consent.retention works out each one).
- Candidates' work for moderated components: kept secure, not returned to candidates, until
  the review of moderation deadline has passed and every review of moderation, and any appeal
  after it, is over (seed:000; AQA-MOD: the work must not have gone back to students).
- Script copies: as each board says (undated; the data's note says what is known).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.records import ConsentRecord, RequestRecord
from prs_cli.rules.days import when
from prs_cli.rules.deadlines import appeal_deadline, next_appeal

DUE_KIND = "retention_disposal"
from prs_cli.records import CLOSED_STATUSES as _CLOSED


class Kept(NamedTuple):
    key: str
    series: str
    title: str
    keep: str  # consents, moderated_work or board_rule
    keep_until: date | None  # None: open, not yet known, or as the board says
    still_open: bool  # a request it depends on is still open: nothing may go yet
    rule: str
    source: str
    note: str | None = None
    settled: bool = False  # nothing left to keep (every consent of the series purged)

    def may_dispose(self, today: date) -> bool:
        return not self.still_open and self.keep_until is not None and self.keep_until < today


def moderated_work(calendar: Calendar, series_id: str, item, requests: Iterable[RequestRecord]) -> Kept:
    """Until the series' review of moderation deadline, and after it every Service 3 request's
    appeal window (or the appeal's own outcome); open while any of them is."""
    series = calendar.series[series_id]
    deadlines = [d for d in series.deadlines if d.awarding_body is None and "S3" in d.services]
    dated = [d.date for d in deadlines if d.date is not None]

    def kept(until, still_open, rule):
        return Kept(item.key, series_id, item.title, item.keep, until, still_open, rule, item.source, item.note)

    if not dated:
        return kept(None, False, f"until the {series.name} review of moderation deadline, not yet published")
    until = max(dated)
    reasons = [f"the review of moderation deadline {when(until)}"]
    requests = [r for r in requests if r.series == series_id and r.status not in _CLOSED]
    reviews = {r.id: r for r in requests if r.service == "S3"}
    stage = next_appeal(calendar, "S3")  # the appeal a review of moderation's outcome can have
    appeals = [r for r in requests if r.service == stage and r.follows_request in reviews]
    if any(r.is_open for r in (*reviews.values(), *appeals)):
        return kept(None, True, "a review of moderation or its appeal is still open: keep the work until it is over")
    appealed = {a.follows_request for a in appeals}
    for review in reviews.values():
        if review.outcome_on is None:
            continue
        if review.id in appealed:
            continue  # the appeal's own outcome counts instead
        closes = appeal_deadline(calendar, review.awarding_body, review.qualification, review.outcome_on, stage).date
        if closes is not None and closes > until:
            until = closes
            reasons = [f"the appeal window after request {review.id}'s review of moderation ({when(closes)})"]
    for appeal in appeals:
        if appeal.outcome_on is not None and appeal.outcome_on > until:
            until = appeal.outcome_on
            reasons = [f"the outcome of appeal {appeal.id} ({when(appeal.outcome_on)})"]
    return kept(until, False, f"keep until {reasons[0]} has passed")


def consent_forms(series_id: str, item, kept: Iterable[tuple[ConsentRecord, object]]) -> Kept:
    """The series' consents not yet purged, with rules.consent's Retention for each: kept until
    the last of them may go; open while any request one covers is."""
    found = [(c, r) for c, r in kept if c.series == series_id and c.purged_at is None]

    def result(until, still_open, rule, settled=False):
        return Kept(item.key, series_id, item.title, item.keep, until, still_open, rule, item.source, item.note, settled)

    if not found:
        return result(None, False, "no consent for this series is kept", settled=True)
    if any(r.open_requests for _, r in found):
        return result(None, True, f"{len(found)} kept; six months after the outcome or any appeal, once every request they cover is over")
    last = max(r.keep_until.date for _, r in found)
    return result(last, False, f"{len(found)} kept, each six months after its last outcome or appeal; "
                  "'prs consent due-for-disposal' lists those past it")


def board_rule(series_id: str, item) -> Kept:
    return Kept(item.key, series_id, item.title, item.keep, None, False, "as each board says", item.source, item.note)


def retention_log(calendar: Calendar, series_id: str, items: Iterable, requests: Iterable[RequestRecord], consents_kept) -> list[Kept]:
    """Every retention item of the checklist for the series, in the file's order."""
    requests = list(requests)
    log = []
    for item in items:
        if item.keep == "moderated_work":
            log.append(moderated_work(calendar, series_id, item, requests))
        elif item.keep == "consents":
            log.append(consent_forms(series_id, item, consents_kept))
        else:
            log.append(board_rule(series_id, item))
    return log


def disposals_due(log: Iterable[Kept], done: Iterable[str], today: date):
    """Items (other than consents, which 'prs consent purge' handles and the agenda already
    lists) that may now be disposed of and are not ticked, as agenda lines."""
    from prs_cli.rules.checklist import DueItem

    done = set(done)
    return [
        DueItem(
            kept.keep_until + timedelta(days=1),
            DUE_KIND,
            f"{kept.title} may now be returned or disposed of securely",
            f"{kept.rule}; 'prs checklist done {kept.key}' when done",
            kept.source,
        )
        for kept in log
        if kept.keep != "consents" and kept.key not in done and kept.may_dispose(today)
    ]
