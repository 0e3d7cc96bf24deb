"""`prs status` for people: the headline, a table by board and by service, outcomes and fees."""

from __future__ import annotations

from prs_cli.render.console import Column, View, console, print_table


def money(value) -> str:
    return f"{value:.2f}"


def status_text(cal, report) -> None:
    """The counts by status in columns where the width allows; narrower, as a list in one."""
    from prs_cli.rules.status import STATUSES

    name = cal.series[report.series].name if report.series in cal.series else report.series
    out = console()
    counts = ", ".join(f"{n} {s}" for s, n in report.by_status.items() if n)
    out.print(f"{name}: {report.total} request{'s' if report.total != 1 else ''}" + (f" ({counts})" if counts else ""))
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
        f"Fees: £{money(fees.committed)} committed, £{money(fees.refunded)} refunded, "
        f"£{money(fees.net)} net; £{money(fees.planned)} more in drafts"
    )
    if fees.not_logged:
        line += f"; {fees.not_logged} submitted request{'s' if fees.not_logged != 1 else ''} with no fee logged"
    out.print(line)
