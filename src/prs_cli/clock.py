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
# Dates prs can reason about: far-off years (9999-12-25) would overflow the date arithmetic.
YEARS = (2000, 2099)
# The documented forms only: datetime.fromisoformat also reads 20260813, 2026-W33-4 and
# digits from other scripts, none of which an officer means as a date.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:?[0-9]{2})?")
_UK_MOMENT = re.compile(r"([0-9]{1,2}/[0-9]{1,2}/[0-9]{4})[T ]([0-9]{1,2}):([0-9]{2})")
DATE_FORMS = "DD/MM/YYYY or YYYY-MM-DD, for example 20/08/2026 or 2026-08-20"


def parse_date(text: str, what: str = "date") -> date:
    """The one date parser: DD/MM/YYYY, the way UK offices write dates, or YYYY-MM-DD; any
    other form (20260820, 20/08/26, words) or an impossible date is one sentence naming both."""
    value = text.strip()
    try:
        if _ISO_DATE.fullmatch(value):
            return _in_range(date.fromisoformat(value), text, what)
        uk = _UK_DATE.fullmatch(value)
        if uk:
            return _in_range(date(int(uk[3]), int(uk[2]), int(uk[1])), text, what)
    except ValueError:
        pass
    raise InputError(f"{what} {text!r} is not a real date; write it as {DATE_FORMS}") from None


def _in_range(day: date, text: str, what: str) -> date:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise InputError(f"{what} {text!r} is outside the years prs works with ({YEARS[0]} to {YEARS[1]})")
    return day


def parse_date_or_datetime(text: str, what: str = "date") -> tuple[date, datetime | None]:
    """A date (as parse_date reads it), or a date with a time, local UK time:
    DD/MM/YYYY HH:MM, or YYYY-MM-DDTHH:MM (a space for the T will do)."""
    value = text.strip()
    if _ISO_DATE.fullmatch(value) or _UK_DATE.fullmatch(value):
        return parse_date(value, what), None
    try:
        uk = _UK_MOMENT.fullmatch(value)
        if uk:
            day = parse_date(uk[1], what)
            moment = datetime(day.year, day.month, day.day, int(uk[2]), int(uk[3]))
        elif _ISO_MOMENT.fullmatch(value):
            moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
        else:
            raise ValueError
    except (ValueError, InputError):
        raise InputError(
            f"{what} {text!r} is not a real date and time; write DD/MM/YYYY HH:MM or YYYY-MM-DDTHH:MM "
            "(or the date alone), for example 13/08/2026 09:15 or 2026-08-13T09:15"
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
