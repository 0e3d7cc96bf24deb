"""Codes that officers type: case-insensitive, the names officers use for a board (its
`aliases` in the calendar: EDEXCEL for PEARSON), and an unknown one gets the nearest valid ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prs_cli.errors import UnknownCode


def fold(text: str) -> str:
    """How a typed code is compared: case, and '_' or spaces for '-', do not matter."""
    return "-".join(text.strip().casefold().replace("_", "-").split())


def resolve(kind: str, given: str, valid: Iterable[str] | Mapping) -> str:
    """Return the canonical spelling of `given` among `valid`, or raise UnknownCode. When
    `valid` maps codes to records with `aliases` (awarding bodies), an alias gives its code."""
    choices = list(valid)
    wanted = fold(given)
    for code in choices:
        if code.casefold() == wanted:
            return code
    aliases = aliases_of(valid)
    if wanted in aliases:
        return aliases[wanted]
    near = closest(wanted, choices + list(aliases))  # a misspelt alias suggests its code
    suggestions = list(dict.fromkeys(aliases.get(name, name) for name in near))
    raise UnknownCode(kind, given, suggestions, sorted(choices))


def aliases_of(valid) -> dict[str, str]:
    """{folded alias: code} for the records in `valid` that have aliases."""
    if not isinstance(valid, Mapping):
        return {}
    return {fold(alias): code for code, item in valid.items() for alias in getattr(item, "aliases", ())}


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


def resolve_many(kind: str, given: str, valid: Iterable[str] | Mapping) -> tuple[str, ...]:
    """A comma-separated list of codes ("S1,S2,ATS-P"), each resolved."""
    parts = [p for p in (x.strip() for x in given.split(",")) if p]
    if not parts:
        raise UnknownCode(kind, given, [], sorted(valid))
    return tuple(dict.fromkeys(resolve(kind, p, valid) for p in parts))
