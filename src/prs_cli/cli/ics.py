"""The `prs export --ics FILE` step: the calendar feed of key dates, deadlines and completions."""

from __future__ import annotations

from pathlib import Path


def write_ics(path: Path, cal, *, series=None, ab=None, qualification=None, service=None, db=None) -> int:
    """Write the feed owner-only and atomically; filters as `prs deadlines`. Returns the event count."""
    from prs_cli import config, paths
    from prs_cli.cli import common
    from prs_cli.cli.due import load_records
    from prs_cli.clock import now_utc
    from prs_cli.files import write_private
    from prs_cli.render.ics import calendar_events, request_events, to_ics
    from prs_cli.rules.schedule import calendar_items

    filters = common.calendar_filters(cal, series, ab, qualification, service)
    settings = config.load()
    requests, _ = load_records(paths.database_path(db))
    chosen = [
        r
        for r in requests
        if (filters.series is None or r.series in filters.series)
        and filters.awarding_body in (None, r.awarding_body)
        and filters.qualification in (None, r.qualification)
        and filters.service in (None, r.service)
    ]
    events = calendar_events(cal, calendar_items(cal, filters), settings.lead_days) + request_events(cal, chosen)
    write_private(path, to_ics(events, now_utc()))
    return len(events)
