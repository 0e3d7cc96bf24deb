"""`prs status` for people (a line, two tables, outcomes and fees) and for scripts (JSON)."""

from __future__ import annotations

from prs_cli.records import STATUSES
from prs_cli.render.console import Column, View, console, print_table


def _money(value) -> str:
    return f"{value:.2f}"


def record(report) -> dict:
    """The JSON shape of a rules.status.StatusReport."""
    fees = report.fees
    return {
        "series": report.series,
        "total": report.total,
        "by_status": report.by_status,
        "by_board": report.by_board,
        "by_service": report.by_service,
        "outcomes": report.outcomes,
        "seriesless_year": report.seriesless_year,
        "fees": {
            "committed": _money(fees.committed),
            "refunded": _money(fees.refunded),
            "net": _money(fees.net),
            "planned": _money(fees.planned),
            "not_logged": fees.not_logged,
        },
    }


def print_report(calendar, report) -> None:
    """The counts by status in columns where the width allows; narrower, as a list in one."""
    name = calendar.series[report.series].name if report.series in calendar.series else report.series
    out = console()
    counts = ", ".join(f"{n} {s}" for s, n in report.by_status.items() if n)
    out.print(f"{name}: {report.total} request{'s' if report.total != 1 else ''}" + (f" ({counts})" if counts else ""))
    if report.seriesless_year is not None:
        out.print(f"Including requests outside any series (Cambridge English) with results out in {report.seriesless_year}.")
    for title, rows in (("Awarding body", report.by_board), ("Service", report.by_service)):
        if not rows:
            continue
        views = (
            View(
                (Column(title), *(Column(s.capitalize(), right=True) for s in STATUSES), Column("Total", right=True)),
                lambda item: (item[0], *(str(item[1][s]) for s in STATUSES), str(item[1]["total"])),
            ),
            View(
                (Column(title), Column("Requests", wrap=True)),
                lambda item: (item[0], ", ".join([*(f"{item[1][s]} {s}" for s in STATUSES if item[1][s]), f"{item[1]['total']} in all"])),
            ),
        )
        print_table(None, views, list(rows.items()))
    outcomes = report.outcomes
    out.print(f"Outcomes: {outcomes['up']} up, {outcomes['unchanged']} unchanged, {outcomes['down']} down")
    fees = report.fees
    line = (
        f"Fees: £{_money(fees.committed)} committed, £{_money(fees.refunded)} refunded, "
        f"£{_money(fees.net)} net; £{_money(fees.planned)} more in drafts"
    )
    if fees.not_logged:
        line += f"; {fees.not_logged} submitted request{'s' if fees.not_logged != 1 else ''} with no fee logged"
    out.print(line)
