"""Which published fee applies: a board's fees are calendar data with the year they belong to.

Pure; kept apart from intake so that commands which only show fees (prs triage) need not load
the request rules.
"""

from __future__ import annotations

import re

from prs_cli.calendar.model import Calendar, Fee


def _fee_year(fee: Fee) -> int:
    years = [int(y) for y in re.findall(r"(?<![0-9])(20[0-9]{2})(?![0-9])", fee.applies_to)]
    return max(years) if years else 0


def default_fee(calendar: Calendar, body_code: str, service_code: str, qualification: str) -> Fee | None:
    """The board's most recent published fee for the service and qualification: fees from the
    board's own pages before fees quoted by centres, then the latest year its `applies_to`
    names, then the later entry in the board's list (later page versions are listed later)."""
    body = calendar.awarding_bodies[body_code]
    own_prefix = body.source.split("-")[0] + "-"
    matches = [
        (fee.source.startswith(own_prefix), _fee_year(fee), index, fee)
        for index, fee in enumerate(body.fees)
        if fee.service == service_code and (fee.qualifications is None or qualification in fee.qualifications)
    ]
    if not matches:
        return None
    return max(matches, key=lambda match: match[:3])[3]
