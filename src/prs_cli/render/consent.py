"""Consent for people: the check table and the table of consents due for disposal."""

from __future__ import annotations

from prs_cli.render.console import TEXT_MIN, Column, View, print_table
from prs_cli.rules.days import when

_WHY = Column("Status, why", wrap=True, least=TEXT_MIN)

# Narrower views of the check table: the status over its reason, then also the candidate and
# service under the request's id.
_CHECK_NARROWER = (
    View(
        (Column("Request"), Column("Candidate"), Column("Service"), _WHY),
        lambda cells: (cells[0], cells[1], cells[2], f"{cells[3]}\n{cells[4]}"),
    ),
    View(
        (Column("Request"), _WHY),
        lambda cells: ("\n".join(cells[:3]), f"{cells[3]}\n{cells[4]}"),
    ),
)


def check_table(rows, title: str) -> int:
    """Prints the table of `rows` (possibly a generator) as they come; returns how many."""
    from prs_cli.render.requests import stream_table

    lines = (
        ("" if row["status"] in ("ok", "not_needed") else "bold red",
         (str(row["request_id"]), row["candidate"] or "-", row["service"], row["status"], row["message"]))
        for row in rows
    )
    return stream_table(title, ("Request", "Candidate", "Service", "Status", "Why"), lines,
                        no_wrap=(0, 1, 2, 3), narrower=_CHECK_NARROWER)


def retention_table(items, title: str) -> None:
    """(consent, Retention) pairs: every column where the width allows; narrower, the
    series, what it covers and its requests go on a line under the reason."""

    def why(kept) -> str:
        return f"{kept.keep_until.rule} ({kept.keep_until.source})"

    def covered(kept) -> str:
        return ", ".join(str(r) for r in kept.covered) or "-"

    views = (
        View(
            tuple(Column(name, wrap=name in ("Why", "Requests"), least=TEXT_MIN if name == "Why" else 0)
                  for name in ("Consent", "Candidate", "Series", "Covers", "Requests", "Keep until", "Why")),
            lambda item: (
                str(item[0].id), item[0].candidate or "-", item[0].series or "-", ", ".join(item[0].covers),
                covered(item[1]), when(item[1].keep_until.date), why(item[1]),
            ),
        ),
        View(
            (Column("Consent"), Column("Candidate"), Column("Keep until"), Column("Why", wrap=True, least=TEXT_MIN)),
            lambda item: (
                str(item[0].id), item[0].candidate or "-", when(item[1].keep_until.date),
                f"{item[0].series or '-'}; covers {', '.join(item[0].covers)}; requests {covered(item[1])}\n{why(item[1])}",
            ),
        ),
    )
    print_table(title, views, items)
