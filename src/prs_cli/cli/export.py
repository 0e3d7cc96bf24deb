"""`prs export`: the request log as files an officer keeps beside prs.

Each format is one option; at least one must be asked for. service/export.py gathers what goes
in; render/ writes each format (csvout.py, xlsxout.py, ics.py), owner-only and atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def export(
    csv_file: Annotated[Optional[Path], typer.Option("--csv", metavar="FILE", help="Write the tracking log as CSV (owner-only).")] = None,
    xlsx_file: Annotated[
        Optional[Path],
        typer.Option("--xlsx", metavar="FILE", help="Write the tracking log and the consents as an Excel workbook (owner-only)."),
    ] = None,
    ics_file: Annotated[
        Optional[Path],
        typer.Option("--ics", metavar="FILE", help="Write key dates, internal and board deadlines and open requests' completion dates as an iCalendar feed (owner-only)."),
    ] = None,
    series: Annotated[Optional[str], typer.Option("--series", help="--ics: only this series, e.g. june-2026.")] = None,
    ab: Annotated[Optional[str], typer.Option("--ab", help="--ics: only this awarding body, e.g. AQA.")] = None,
    qualification: Annotated[Optional[str], typer.Option("--qualification", "-q", help="--ics: only this qualification, e.g. gce-a-level.")] = None,
    service: Annotated[Optional[str], typer.Option("--service", help="--ics: only this service, e.g. PS2.")] = None,
    db: common.Db = None,
    today: common.Today = None,
    json: common.Json = False,
    data_dir: common.DataDir = None,
) -> None:
    """Write the tracking log (--csv, safe to open in a spreadsheet; --xlsx, an Excel workbook) or a calendar feed (--ics)."""
    from prs_cli import config
    from prs_cli.errors import InputError
    from prs_cli.service.export import export as gather

    if csv_file is None and ics_file is None and xlsx_file is None:
        raise InputError("say what to write, for example --csv log.csv, --xlsx log.xlsx or --ics dates.ics")
    day = common.today(today)
    cal = common.calendar(data_dir)
    feed_filters = settings = None
    if ics_file is not None:
        feed_filters = common.calendar_filters(cal, series, ab, qualification, service)
    if ics_file is not None or xlsx_file is not None:
        settings = config.load()  # the centre's lead time before each board deadline; its number and name
    found = gather(
        common.database(db), cal, settings, today=day, log=csv_file is not None or xlsx_file is not None,
        consents=xlsx_file is not None, feed_filters=feed_filters,
        targets=[p for p in (csv_file, xlsx_file, ics_file) if p is not None],
    )
    written = []
    if csv_file is not None:
        from prs_cli.render.csvout import write_csv
        from prs_cli.render.requests import CSV_COLUMNS, csv_row

        count = write_csv(csv_file, CSV_COLUMNS, map(csv_row, found.log))
        written.append({"format": "csv", "path": str(csv_file), "requests": count})
    if xlsx_file is not None:
        from itertools import starmap

        from prs_cli.render.requests import CSV_COLUMNS, csv_row
        from prs_cli.render.xlsxout import consent_row, write_xlsx

        count, consents = write_xlsx(
            xlsx_file, CSV_COLUMNS, map(csv_row, found.log), starmap(consent_row, found.consents),
            centre_number=settings.centre_number, centre_name=settings.centre_name, written_on=day,
        )
        written.append({"format": "xlsx", "path": str(xlsx_file), "requests": count, "consents": consents})
    if ics_file is not None:
        from prs_cli.clock import now_utc
        from prs_cli.files import write_private
        from prs_cli.render.ics import feed_events, to_ics

        events = feed_events(cal, found.feed, settings.lead_days)
        write_private(ics_file, to_ics(events, now_utc()))
        written.append({"format": "ics", "path": str(ics_file), "events": len(events)})
    if json:
        common.print_json({"written": written})
    else:
        for item in written:
            what = f"{item['requests']} requests" if "requests" in item else f"{item['events']} events"
            typer.echo(f"Wrote {what} to {item['path']} ({item['format']}).")
