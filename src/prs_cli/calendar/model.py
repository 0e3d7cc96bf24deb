"""The calendar as immutable stdlib records.

Pydantic validates the YAML straight into these classes (see load.py); they are plain stdlib
NamedTuples so that a cached calendar can be rebuilt from JSON (cache.py), and the rules run,
without importing pydantic on every command, and because they cost a fraction of a frozen dataclass to create at
import, on every command. Pydantic refuses unknown keys for them. Field names are the YAML keys.
"""


import datetime as dt
from typing import Literal, NamedTuple

DayUnit = Literal["calendar", "working"]
WindowStart = Literal["results", "prior_outcome"]
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
    scripts: bool = False  # access to scripts: consent records classroom use and anonymity
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


class Offer(NamedTuple):
    """One board's terms for one service, where they differ from JCQ's."""

    source: str
    qualifications: tuple[str, ...] | None = None  # None: the service's own list
    excluded: tuple[Exclusion, ...] = ()
    completion: Span | None = None
    # The board's own request windows, replacing the series deadline (NCFE, Cambridge English);
    # the first whose qualifications match applies.
    request_windows: tuple[Window, ...] = ()
    notes: str | None = None


class Fee(NamedTuple):
    service: str
    amount: str  # pounds as published, e.g. "43.45"; kept as text, never rounded
    applies_to: str  # the year or series the published fee belongs to, or "undated"
    source: str
    qualifications: tuple[str, ...] | None = None
    note: str | None = None


class RefundRule(NamedTuple):
    when: Literal["grade_changed", "never", "unknown"]
    text: str
    source: str


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


class Release(NamedTuple):
    """When results for some qualifications reach centres and candidates in a series."""

    qualifications: tuple[str, ...]
    date: dt.date | None  # results day: candidates may see results from candidates_time on it
    source: str
    candidates_time: dt.time = dt.time(8, 0)  # JCQ: from 08:00 on results day (JCQ-RES)
    centres_date: dt.date | None = None  # restricted release / embargo release to centres
    centres_time: dt.time = dt.time(0, 1)
    centres_source: str | None = None
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
    sources: dict[str, str] = {}  # noqa: RUF012 (pydantic copies a default for each file; nothing changes it)


class SeriesFile(NamedTuple):
    """series_YYYY.yaml: one year's dates."""

    series: dict[str, Series]
    sources: dict[str, str] = {}  # noqa: RUF012 (pydantic copies a default for each file; nothing changes it)


class Calendar(NamedTuple):
    """Everything the rules need, merged from the bundled and the officer's files."""

    qualifications: dict[str, Qualification]
    services: dict[str, Service]
    awarding_bodies: dict[str, AwardingBody]
    series: dict[str, Series]
    sources: dict[str, str]  # short source keys -> where to read them
    bank_holidays: frozenset[dt.date]  # England and Wales
    holiday_years: tuple[int, int]  # first and last year bank_holidays covers
    origin: dict[str, str]  # series id -> file it came from
