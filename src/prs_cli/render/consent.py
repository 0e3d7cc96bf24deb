"""Consent for people (tables, one-line answers, remarks) and for scripts (stable JSON shapes)."""

from __future__ import annotations

from prs_cli.render.console import TEXT_MIN, Column, View, fill, print_table, width
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


def consent_json(consent) -> dict:
    return {
        "id": consent.id,
        "candidate": consent.candidate,
        "series": consent.series,
        "given_on": consent.given_on,
        "given_at": consent.given_at,
        "method": consent.method,
        "given_by": consent.given_by,
        "covers": list(consent.covers),
        "acknowledged_outcomes": consent.acknowledged_outcomes,
        "classroom_use": consent.classroom_use,
        "anonymise": consent.anonymise,
        "requests": list(consent.requests),
        "note": consent.note,
        "recorded_at": consent.recorded_at,
        "recorded_by": consent.recorded_by,
        "purged_at": consent.purged_at,
    }


def recorded_json(result) -> dict:
    """`prs consent record --json` (service.consent.ConsentRecorded)."""
    return {**consent_json(result.consent), "checks": [row._asdict() for row in result.checks]}


def recorded_text(result) -> tuple[str, list[str]]:
    """`prs consent record`: the line for stdout, and the remarks for stderr."""
    consent = result.consent
    line = f"Recorded consent {consent.id} ({', '.join(consent.covers)}, {consent.series or 'no series'})."
    notes = []
    if not result.from_candidate:
        notes.append("Kept, but consent given by anyone other than the candidate is never valid consent.")
    notes += [f"request {row.request_id} ({row.service}): {row.status}: {row.message}" for row in result.checks]
    if not result.checks:
        notes.append("No logged request uses this consent yet; 'prs consent check' will match it when one is logged.")
    return line, notes


def check_title(check) -> str:
    return "Requests without valid consent" if check.failing_only else "Consent for each request"


def check_remark(check) -> str | None:
    """What the default `prs consent check` says beside its rows (service.consent.ConsentCheck)."""
    if not check.failing_only:
        return None
    needing, found, limit = check.needing, check.failing, check.limit
    if not needing:
        return "No logged request needs consent."
    if not found:
        return "Consent is valid for " + ("the one request that needs it." if needing == 1 else f"all {needing:,} requests that need it.")
    return f"{found:,} of {needing:,} requests needing consent have no valid consent" + (
        f"; the last {limit:,} shown: --limit N for more, --all for every request." if found > limit else "."
    )


def check_table(rows, title: str) -> int:
    """Prints the table of `rows` (service.consent.CheckRow, possibly a generator) as they come;
    returns how many."""
    from prs_cli.render.requests import stream_table

    lines = (
        ("" if row.ok else "bold red", (str(row.request_id), row.candidate or "-", row.service, row.status, row.message))
        for row in rows
    )
    return stream_table(title, ("Request", "Candidate", "Service", "Status", "Why"), lines, no_wrap=(0, 1, 2, 3), narrower=_CHECK_NARROWER)


def answer_json(answer) -> dict:
    """A one-question check (service.consent.OneAnswer)."""
    finding = answer.finding
    return {
        "valid": finding.ok,
        "status": finding.status,
        "message": finding.message,
        "valid_from": finding.valid_from,
        "series": answer.series,
        "qualification": answer.qualification,
        "awarding_body": answer.awarding_body,
        "given_on": answer.given_on,
        "given_at": answer.given_at,
        "source": finding.source,
    }


def answer_text(answer, calendar) -> str:
    """The one-question answer, wrapped at spaces to the width."""
    finding = answer.finding
    where = f" ({calendar.series[answer.series].name})" if answer.series else ""
    return fill(f"{'Valid' if finding.ok else 'Not valid'}{where}: {finding.message} ({finding.source}).", width())


def retention_json(consent, kept) -> dict:
    answer = kept.keep_until
    return {
        "consent_id": consent.id,
        "candidate": consent.candidate,
        "series": consent.series,
        "given_on": consent.given_on,
        "covers": list(consent.covers),
        "requests": list(kept.covered),
        "open_requests": list(kept.open_requests),
        "keep_until": answer.date if answer else None,
        "rule": answer.rule if answer else None,
        "source": answer.source if answer else None,
    }


def purge_json(result) -> dict:
    """`prs consent purge --json` (service.consent.Purge)."""
    return {
        "dry_run": not result.done,
        "consents": [{**retention_json(c, r), "purged": result.done} for c, r in result.chosen],
        "already_purged": [{"consent_id": c.id, "purged_at": c.purged_at} for c in result.already],
    }


def already_lines(result) -> list[str]:
    """A consent found purged already (named again, or purged meanwhile by another prs): when."""
    return [f"Consent {c.id} was already purged at {c.purged_at.isoformat()} (UTC); nothing to do." for c in result.already]


def purge_lines(result) -> list[str]:
    verb = "Purged" if result.done else "Would purge"
    return [f"{verb} consent {consent.id} ({', '.join(consent.covers)}, kept until {when(kept.keep_until.date)})." for consent, kept in result.chosen]


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
