"""What "today" is. The only module that reads the clock.

The real default is today's date in Europe/London (an officer in the UK at 00:30 BST is
already on the next day, while UTC is not). PRS_TODAY or --today override it so that
officers can ask what-if questions and tests are repeatable.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime

from prs_cli.errors import InputError

LONDON = "Europe/London"
# The documented forms only: datetime.fromisoformat also reads 20260813, 2026-W33-4 and
# digits from other scripts, none of which an officer means as a date.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?")
# Dates prs can reason about: far-off years (9999-12-25) would overflow the date arithmetic.
YEARS = (2000, 2099)


def parse_date(text: str, what: str = "date") -> date:
    """A strict YYYY-MM-DD date, or one clear sentence saying what is wrong."""
    value = text.strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return _in_range(date.fromisoformat(value), text, what)
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a real date; write it as YYYY-MM-DD, for example 2026-08-20"
        ) from None


def _in_range(day: date, text: str, what: str) -> date:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise InputError(f"{what} {text!r} is outside the years prs works with ({YEARS[0]} to {YEARS[1]})")
    return day


def parse_date_or_datetime(text: str, what: str = "date") -> tuple[date, datetime | None]:
    """A date, or a date with a time (YYYY-MM-DDTHH:MM or 'YYYY-MM-DD HH:MM'), local UK time."""
    value = text.strip()
    if len(value) == 10:
        return parse_date(value, what), None
    try:
        if not _MOMENT.fullmatch(value):
            raise ValueError
        moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a real date and time; write YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM, for example 2026-08-13T09:15"
        ) from None
    if moment.tzinfo is not None:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(LONDON)).replace(tzinfo=None)
    _in_range(moment.date(), text, what)
    return moment.date(), moment


def now_utc() -> datetime:
    """Audit-trail time: UTC to the second, so entries sort and never repeat an hour in October."""
    from datetime import timezone

    return datetime.now(timezone.utc).replace(microsecond=0)


def now_london() -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(LONDON)).replace(tzinfo=None)


def today(override: str | None = None) -> date:
    """--today beats PRS_TODAY beats the real date in London."""
    if override:
        return parse_date(override, "--today")
    env = os.environ.get("PRS_TODAY")
    if env:
        return parse_date(env, "PRS_TODAY")
    return now_london().date()
