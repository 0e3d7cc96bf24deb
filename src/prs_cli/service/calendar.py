"""The calendar as every command uses it, and `prs data sources`: where its facts come from."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class SourceRow(NamedTuple):
    """One source the calendar cites (the fields are `prs data sources --json`'s keys)."""

    key: str
    title: str
    publisher: str
    address: str | None  # None: a document supplied to the project, with no public address
    read: str  # when it was read for prs (YYYY-MM or YYYY-MM-DD)
    kind: str  # jcq, board, regulator, centre, press or document
    note: str | None


def in_force(data_dir: Path | None, settings):
    """The calendar in force (the bundled files, or `data_dir`), with the windows a centre sets
    itself taken from its settings (config.Settings.calendar_settings: its Cambridge English
    enquiry window)."""
    from prs_cli.calendar.load import load_calendar
    from prs_cli.rules.deadlines import with_centre_settings

    return with_centre_settings(load_calendar(data_dir), settings.calendar_settings())


def sources(calendar) -> list[SourceRow]:
    """Every source the calendar cites, by key (case ignored)."""
    return [
        SourceRow(key, s.title, s.publisher, s.address, s.read, s.kind, s.note)
        for key, s in sorted(calendar.sources.items(), key=lambda kv: kv[0].casefold())
    ]
