"""Codes that officers type: case-insensitive, and an unknown one gets the nearest valid ones."""

from __future__ import annotations

from collections.abc import Iterable

from prs_cli.errors import UnknownCode


def resolve(kind: str, given: str, valid: Iterable[str]) -> str:
    """Return the canonical spelling of `given` among `valid`, or raise UnknownCode."""
    choices = list(valid)
    wanted = given.strip().casefold().replace("_", "-")
    for code in choices:
        if code.casefold() == wanted:
            return code
    raise UnknownCode(kind, given, closest(wanted, choices), sorted(choices))


def closest(wanted: str, choices: list[str]) -> list[str]:
    """The best matches only: those within a whisker of the best score (at most three)."""
    import difflib

    scored = sorted(
        ((difflib.SequenceMatcher(None, wanted, code.casefold()).ratio(), code) for code in choices),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.5:
        return []
    best = scored[0][0]
    return [code for score, code in scored[:3] if score >= max(0.5, best - 0.1)]


def resolve_many(kind: str, given: str, valid: Iterable[str]) -> tuple[str, ...]:
    """A comma-separated list of codes ("S1,S2,ATS-P"), each resolved."""
    choices = list(valid)
    parts = [p for p in (x.strip() for x in given.split(",")) if p]
    if not parts:
        raise UnknownCode(kind, given, [], sorted(choices))
    return tuple(dict.fromkeys(resolve(kind, p, choices) for p in parts))
