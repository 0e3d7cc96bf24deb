"""What "today" is. The only module that reads the clock.

The real default is today's date in Europe/London (an officer in the UK at 00:30 BST is
already on the next day, while UTC is not). PRS_TODAY or --today override it so that
officers can ask what-if questions and tests are repeatable.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from prs_cli.errors import InputError

LONDON = "Europe/London"


def parse_date(text: str, what: str = "date") -> date:
    """A strict YYYY-MM-DD date, or one clear sentence saying what is wrong."""
    value = text.strip()
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a real date; write it as YYYY-MM-DD, for example 2026-08-20"
        ) from None


def parse_date_or_datetime(text: str, what: str = "date") -> tuple[date, datetime | None]:
    """A date, or a date with a time (YYYY-MM-DDTHH:MM or 'YYYY-MM-DD HH:MM'), local UK time."""
    value = text.strip()
    if len(value) == 10:
        return parse_date(value, what), None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a real date and time; write YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM, for example 2026-08-13T09:15"
        ) from None
    if moment.tzinfo is not None:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(LONDON)).replace(tzinfo=None)
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
