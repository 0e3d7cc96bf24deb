"""The calendar as immutable stdlib records.

Pydantic validates the YAML straight into these classes (see load.py); they are plain stdlib
NamedTuples so that a cached calendar can be rebuilt from JSON (cache.py), and the rules run,
without importing pydantic on every command, and because they cost a fraction of a frozen dataclass to create at
import, on every command. Pydantic refuses unknown keys for them. Field names are the YAML keys.
"""


import datetime as dt
from typing import Literal, NamedTuple

DayUnit = Literal["calendar", "working"]
WindowStart = Literal["results", "prior_outcome", "decision"]
CompletionStart = Literal["received", "sample_received"]
KeyDateKind = Literal[
    "results_day",
    "restricted_release",
    "request_deadline",
    "late_subject_awards",
    "certificates",
    "checkpoint",
    "claim_deadline",
    "scripts_withdrawn",
    "other",
]


class Span(NamedTuple):
    """A number of days, counted as calendar days or England and Wales working days."""

    days: int
    unit: DayUnit = "calendar"

    def describe(self) -> str:
        return f"{self.days} {'working' if self.unit == 'working' else 'calendar'} days"


class Window(NamedTuple):
    """A request deadline that runs from an event (results, a prior outcome), not a fixed date."""

    days: int
    start: WindowStart
    source: str
    unit: DayUnit = "calendar"
    qualifications: tuple[str, ...] | None = None  # None: every qualification
    provisional: bool = False  # the window is not confirmed by the board: the note says why
    enforced: bool = True  # False: a centre's own window, so prs warns past it rather than refuses
    setting: str | None = None  # a centre setting (prs config) that replaces `days`
    note: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.days, self.unit)


class Qualification(NamedTuple):
    name: str
    jcq: bool = True  # covered by the JCQ series calendar (false: Cambridge English)


class Service(NamedTuple):
    """A post-results service as JCQ defines it; boards may narrow or adjust it (Offer)."""

    name: str
    source: str
    description: str = ""
    needs_consent: bool = True
    per_candidate: bool = True  # False: Service 3 is for a centre's sample, never one candidate
    # The candidate must have been told the result may go down as well as up (services that can
    # change a result); access to scripts needs permission, not this acknowledgement (seed:000).
    acknowledge_outcomes: bool = True
    classroom_choice: bool = False  # teaching copies: consent records classroom use and anonymity
    covered_by: tuple[str, ...] = ()  # a consent for any of these covers this too (JCQ form)
    appeal: bool = False  # an appeal stage: `prs request appeal` logs it after the stage before
    qualifications: tuple[str, ...] | None = None  # None: every qualification the board offers
    completion: Span | None = None
    completion_from: CompletionStart = "received"
    # A deadline that runs from an event rather than a series date (appeals, Cambridge English).
    request_window: Window | None = None
    requires_prior: tuple[str, ...] = ()  # services whose completed outcome must come first
    notes: str | None = None


class Exclusion(NamedTuple):
    """Qualifications for which a board does not offer a service."""

    reason: str
    source: str
    qualifications: tuple[str, ...] | None = None  # None: every qualification
    certain: bool = True  # False: only *some* qualifications of this kind are excluded; check


class RefundRule(NamedTuple):
    when: Literal["grade_changed", "marks_reinstated", "never", "unknown"]
    text: str
    source: str
    all_enquiries: bool = False  # the candidate's other enquiry fees are refunded too (Cambridge English)


class Offer(NamedTuple):
    """One board's terms for one service, where they differ from JCQ's."""

    source: str
    qualifications: tuple[str, ...] | None = None  # None: the service's own list
    excluded: tuple[Exclusion, ...] = ()
    completion: Span | None = None
    # The board's own request windows, replacing the series deadline (NCFE, Cambridge English);
    # the first whose qualifications match applies (a window from a prior outcome only to a
    # request that follows one).
    request_windows: tuple[Window, ...] = ()
    may_follow: tuple[str, ...] = ()  # services it may (not must) follow, e.g. NCFE S2 after S1
    refund: RefundRule | None = None  # the board's rule for this service, where it differs
    notes: str | None = None


class Source(NamedTuple):
    """Where a fact comes from: what `prs data sources` prints and docs/sources.md lists."""

    title: str
    publisher: str
    address: str | None  # None: no public address (a document supplied to the project)
    read: str  # when it was read for prs (YYYY-MM or YYYY-MM-DD)
    kind: Literal["jcq", "board", "regulator", "centre", "press", "document"] = "board"
    note: str | None = None


class Fee(NamedTuple):
    service: str
    amount: str  # pounds as published, e.g. "43.45"; kept as text, never rounded
    applies_to: str  # the year or series the published fee belongs to, or "undated"
    source: str
    qualifications: tuple[str, ...] | None = None
    note: str | None = None


class AwardingBody(NamedTuple):
    name: str
    portal: str | None
    source: str
    qualifications: tuple[str, ...]
    services: dict[str, Offer]  # the services it offers, by code
    refund: RefundRule
    fees: tuple[Fee, ...] = ()
    fees_unpublished: str | None = None  # which fees prs's sources lack (never a guessed amount), and where to look
    follows_jcq: bool = True
    notes: str | None = None
    aliases: tuple[str, ...] = ()  # names officers type for it (EDEXCEL for PEARSON); shown as the code


class Release(NamedTuple):
    """When results for some qualifications reach centres and candidates in a series."""

    qualifications: tuple[str, ...]
    date: dt.date | None  # results day: candidates may see results from candidates_time on it
    source: str
    candidates_time: dt.time = dt.time(8, 0)  # JCQ: from 08:00 on results day (JCQ-RES)
    centres_date: dt.date | None = None  # restricted release / embargo release to centres
    centres_time: dt.time | None = dt.time(0, 1)  # None: the board does not say (an embargo release)
    centres_source: str | None = None
    centres_provisional: bool = False  # the centres' date is derived; results day may be confirmed
    awarding_body: str | None = None  # a board whose own release differs from JCQ's
    provisional: bool = False
    note: str | None = None


class Deadline(NamedTuple):
    """The last day a board must receive requests for some services in a series."""

    services: tuple[str, ...]
    date: dt.date | None  # None: not yet published
    source: str
    qualifications: tuple[str, ...] | None = None
    awarding_body: str | None = None  # a board's own deadline, replacing JCQ's for that board
    provisional: bool = False
    note: str | None = None


class KeyDate(NamedTuple):
    """Any other dated duty an officer should see: checkpoints, claims, certificates."""

    kind: KeyDateKind
    title: str
    date: dt.date | None
    source: str
    qualifications: tuple[str, ...] | None = None
    awarding_bodies: tuple[str, ...] | None = None
    time: dt.time | None = None  # e.g. the 09:30 press embargo
    until: dt.date | None = None  # the last day of a window that opens on `date` (checkpoints)
    provisional: bool = False
    note: str | None = None


class Series(NamedTuple):
    name: str
    releases: tuple[Release, ...]
    deadlines: tuple[Deadline, ...] = ()
    key_dates: tuple[KeyDate, ...] = ()
    notes: str | None = None


class RulesFile(NamedTuple):
    """awarding_bodies.yaml: what does not change with the series."""

    qualifications: dict[str, Qualification]
    services: dict[str, Service]
    awarding_bodies: dict[str, AwardingBody]
    sources: dict[str, Source] = {}  # noqa: RUF012 (pydantic copies a default for each file; nothing changes it)


class SeriesFile(NamedTuple):
    """series_YYYY.yaml: one year's dates."""

    series: dict[str, Series]
    sources: dict[str, Source] = {}  # noqa: RUF012 (pydantic copies a default for each file; nothing changes it)


class Calendar(NamedTuple):
    """Everything the rules need, merged from the bundled and the officer's files."""

    qualifications: dict[str, Qualification]
    services: dict[str, Service]
    awarding_bodies: dict[str, AwardingBody]
    series: dict[str, Series]
    sources: dict[str, Source]  # short source keys -> where to read them
    bank_holidays: frozenset[dt.date]  # England and Wales
    holiday_years: tuple[int, int]  # first and last year bank_holidays covers
    origin: dict[str, str]  # series id -> file it came from
