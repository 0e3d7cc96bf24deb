"""`prs status`: requests by status, board and service for a series, with outcomes and fees."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def status(
    series: Annotated[Optional[str], typer.Option("--series", help="Series id, e.g. june-2026. Default: the latest series with results out.")] = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
    json: common.Json = False,
) -> None:
    """The numbers a senior leader asks for: how many requests, where they stand, what they cost."""
    from prs_cli import codes
    from prs_cli.paths import database_path
    from prs_cli.rules.status import current_series, status_report

    cal = common.calendar(data_dir)
    chosen = codes.resolve("series", series, cal.series) if series else current_series(cal, common.today(today))
    report = status_report(_counts(database_path(db), chosen), chosen)
    if json:
        common.print_json(_record(report))
        return
    from prs_cli.render.status import status_text

    status_text(cal, report)


def _counts(path, series) -> list[tuple]:
    """The series' requests counted in SQL; no database yet simply means nothing logged."""
    if not path.exists():
        return []
    from prs_cli.store.agenda import status_counts
    from prs_cli.store.db import connect

    conn = connect(path, create=False)
    try:
        return status_counts(conn, series)
    finally:
        conn.close()


def _money(value) -> str:
    return f"{value:.2f}"


def _record(report) -> dict:
    fees = report.fees
    return {
        "series": report.series,
        "total": report.total,
        "by_status": report.by_status,
        "by_board": report.by_board,
        "by_service": report.by_service,
        "outcomes": report.outcomes,
        "fees": {
            "committed": _money(fees.committed),
            "refunded": _money(fees.refunded),
            "net": _money(fees.net),
            "planned": _money(fees.planned),
            "not_logged": fees.not_logged,
        },
    }
