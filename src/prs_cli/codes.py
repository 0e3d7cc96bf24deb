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
    import difflib

    by_folded = {code.casefold(): code for code in choices}
    close = difflib.get_close_matches(wanted, list(by_folded), n=3, cutoff=0.5)
    raise UnknownCode(kind, given, [by_folded[c] for c in close], sorted(choices))


def resolve_many(kind: str, given: str, valid: Iterable[str]) -> tuple[str, ...]:
    """A comma-separated list of codes ("S1,S2,ATS-P"), each resolved."""
    choices = list(valid)
    parts = [p for p in (x.strip() for x in given.split(",")) if p]
    if not parts:
        raise UnknownCode(kind, given, [], sorted(choices))
    return tuple(dict.fromkeys(resolve(kind, p, choices) for p in parts))
