"""`prs export`: the request log as files an officer keeps beside prs.

Each format is one option and one writer below; at least one must be asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common

# The tracking-log columns (reference.md §6) that prs holds, in the order an office reads them.
# Names match what `prs request import` accepts, so an export can be read back.
CSV_COLUMNS = (
    "id", "series", "awarding_body", "candidate_number", "uci", "candidate_name", "private", "qualification",
    "subject", "component", "service", "results_released", "original_mark", "original_grade", "fee",
    "request_deadline", "status", "logged_on", "logged_by", "received_on", "board_reference",
    "sample_received_on", "completion_due", "outcome_on", "mark_after", "grade_after", "outcome",
    "fee_refunded", "appeal_deadline", "overdue", "late_reason", "closed_reason", "note",
)


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
    from prs_cli.errors import InputError

    if csv_file is None and ics_file is None and xlsx_file is None:
        raise InputError("say what to write, for example --csv log.csv, --xlsx log.xlsx or --ics dates.ics")
    day = common.today(today)
    cal = common.calendar(data_dir)
    written = []
    if csv_file is not None:
        count = _write_csv(csv_file, _requests(cal, db), day)
        written.append({"format": "csv", "path": str(csv_file), "requests": count})
    if xlsx_file is not None:
        count, consents = _write_xlsx(xlsx_file, _requests(cal, db), _consents(db), day)
        written.append({"format": "xlsx", "path": str(xlsx_file), "requests": count, "consents": consents})
    if ics_file is not None:
        from prs_cli.cli.ics import write_ics

        events = write_ics(ics_file, cal, series=series, ab=ab, qualification=qualification, service=service, db=db)
        written.append({"format": "ics", "path": str(ics_file), "events": events})
    if json:
        common.print_json({"written": written})
    else:
        for item in written:
            what = f"{item['requests']} requests" if "requests" in item else f"{item['events']} events"
            typer.echo(f"Wrote {what} to {item['path']} ({item['format']}).")


def _requests(cal, db):
    """(record, dates) for every request in the log, oldest first, one at a time."""
    from prs_cli import paths
    from prs_cli.cli.request import DatesCache, open_requests

    if not paths.database_path(db).exists():
        return
    repo = open_requests(db, create=False)
    dates_of = DatesCache(cal, repo)
    for record in repo.iter():
        yield record, dates_of(record)


def _row(record, dates, day) -> tuple:
    """One request under CSV_COLUMNS, as the CSV and the workbook write it."""
    from prs_cli.render.requests import overdue_reason

    return (
        record.id, record.series, record.awarding_body, record.candidate, record.uci, record.name,
        record.private_candidate, record.qualification, record.subject, record.component, record.service,
        record.results_released, record.original_mark, record.original_grade, record.fee,
        dates.request_deadline.date, record.status,
        record.created_at.date() if record.created_at else None, record.created_by, record.received_on,
        record.board_reference, record.sample_received_on,
        dates.completion_due.date if dates.completion_due else None, record.outcome_on, record.mark_after,
        record.grade_after, record.outcome, record.fee_refunded,
        dates.appeal_deadline.date if dates.appeal_deadline else None,
        overdue_reason(record, dates, day) is not None, record.late_reason, record.closed_reason, record.note,
    )


def _write_csv(path: Path, rows, day) -> int:
    from prs_cli.render.csvout import write_csv

    return write_csv(path, CSV_COLUMNS, (_row(record, dates, day) for record, dates in rows))


def _consents(db) -> list[tuple]:
    """Every consent under xlsxout.CONSENT_COLUMNS, with its keep-until date (none while a
    request it covers is open, or once purged); no free text (the note, who else signed)."""
    from prs_cli import paths
    from prs_cli.rules.consent import retentions
    from prs_cli.store import consents as store
    from prs_cli.store.requests import Requests

    if not paths.database_path(db).exists():
        return []
    conn = common.open_db(db, create=False)
    try:
        everything = store.list_consents(conn)
        kept = {consent.id: retention for consent, retention in retentions(everything, Requests(conn).iter())}
    finally:
        conn.close()
    rows = []
    for consent in everything:
        retention = kept.get(consent.id)
        rows.append((
            consent.id, consent.candidate, consent.series, consent.given_on, consent.given_at, consent.method,
            consent.given_by.casefold() == "candidate", ", ".join(consent.covers), consent.acknowledged_outcomes,
            consent.classroom_use, consent.anonymise,
            ", ".join(map(str, retention.covered if retention else consent.requests)) or None,
            consent.recorded_at.date() if consent.recorded_at else None,
            retention.keep_until.date if retention and retention.keep_until else None,
            consent.purged_at.date() if consent.purged_at else None,
        ))
    return rows


def _write_xlsx(path: Path, rows, consents, day) -> tuple[int, int]:
    from prs_cli import config
    from prs_cli.render.xlsxout import write_xlsx

    settings = config.load()
    return write_xlsx(path, CSV_COLUMNS, (_row(record, dates, day) for record, dates in rows), consents,
                      centre_number=settings.centre_number, centre_name=settings.centre_name, written_on=day)
