"""Calendar files -> validated Calendar, with every mistake reported as file:line:column.

Reading order: the bundled data (inside the package), then the officer's own folder
(--data-dir / PRS_DATA_DIR): its awarding_bodies.yaml replaces the bundled one and each of its
series replaces the bundled series with the same id. The validated result is cached (JSON, data
only, owner-only: cache.py) keyed on every file and on this package's own code, so an unchanged
calendar is not re-parsed, and pydantic is not even imported, on ordinary runs.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from prs_cli import paths
from prs_cli.calendar.model import Calendar, RulesFile, SeriesFile
from prs_cli.calendar.yamlsrc import position, read_yaml
from prs_cli.errors import DataError, DataProblem

RULES_FILE = "awarding_bodies.yaml"
SERIES_GLOB = "series_*.yaml"
SERIES_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_UNKNOWN_FIELD = ("extra_forbidden", "unexpected_keyword_argument")  # mappings / dataclasses


class _Parsed(NamedTuple):
    path: Path
    root: Any
    model: Any


def calendar_files(user_dir: Path | None) -> tuple[Path, list[Path]]:
    """The rules file in force and every series file, bundled first."""
    bundled = paths.bundled_data_dir()
    rules = bundled / RULES_FILE
    series = sorted(bundled.glob(SERIES_GLOB))
    if user_dir is not None:
        if not user_dir.is_dir():
            raise DataError([DataProblem(str(user_dir), None, None, "data folder not found")])
        if (user_dir / RULES_FILE).is_file():
            rules = user_dir / RULES_FILE
        series += sorted(user_dir.glob(SERIES_GLOB))
    return rules, series


def load_calendar(user_dir: Path | None = None, *, use_cache: bool = True) -> Calendar:
    rules_path, series_paths = calendar_files(user_dir)
    if not use_cache:
        return build_calendar(rules_path, series_paths)
    from prs_cli.calendar import cache

    key = cache.key([rules_path, *series_paths])
    if key is not None:
        cached = cache.read(key)
        if cached is not None:
            return cached
    calendar = build_calendar(rules_path, series_paths)
    if key is not None:
        cache.write(key, calendar)
    return calendar


def build_calendar(rules_path: Path, series_paths: list[Path]) -> Calendar:
    problems: list[DataProblem] = []
    rules = _parse(rules_path, RulesFile, problems)
    if rules is None:
        raise DataError(problems)
    problems += check_rules(rules)
    series_files = [p for p in (_parse(s, SeriesFile, problems) for s in series_paths) if p]
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    sources = dict(rules.model.sources)
    bundled_dir = paths.bundled_data_dir().resolve()
    for parsed in series_files:
        problems += check_series(parsed, rules.model)
        sources.update(parsed.model.sources)
        for series_id, series in parsed.model.series.items():
            earlier = origin.get(series_id)
            # The officer's folder may replace a bundled series; two files in one folder may not
            # both define it.
            if earlier and Path(earlier).resolve().parent == parsed.path.resolve().parent:
                line, col = position(parsed.root, ("series", series_id), key=True) or (None, None)
                problems.append(
                    DataProblem(str(parsed.path), line, col, f"series {series_id!r} is also defined in {earlier}")
                )
            elif earlier and parsed.path.resolve().parent == bundled_dir:
                continue
            merged[series_id] = series
            origin[series_id] = str(parsed.path)
    problems += check_source_keys(*_bundled_only(rules, series_files), sources)
    if problems:
        raise DataError(problems)
    first, last = _year_span(merged.values())
    return Calendar(
        qualifications=rules.model.qualifications,
        services=rules.model.services,
        awarding_bodies=rules.model.awarding_bodies,
        series=dict(sorted(merged.items(), key=lambda kv: _series_order(kv[1]))),
        sources=sources,
        bank_holidays=england_and_wales_bank_holidays(first, last),
        holiday_years=(first, last),
        origin=origin,
    )


def check_files(file_paths: list[Path], user_dir: Path | None = None) -> list[str]:
    """Validate named files (or the calendar in force); return one line per file checked.

    Series files are checked against the rules file named alongside them, else the one in force.
    """
    problems: list[DataProblem] = []
    summary: list[str] = []
    rules_in_force, series_in_force = calendar_files(user_dir)
    if not file_paths:
        file_paths = [rules_in_force, *series_in_force]
    named_rules = [p for p in file_paths if p.name == RULES_FILE]
    rules_path = named_rules[0] if named_rules else rules_in_force
    rules = _parse(rules_path, RulesFile, problems)
    if rules is not None:
        problems += check_rules(rules)
        if rules_path in file_paths:
            m = rules.model
            summary.append(
                f"{rules_path}: ok: {len(m.awarding_bodies)} awarding bodies, "
                f"{len(m.services)} services, {len(m.qualifications)} qualifications"
            )
    sources = dict(rules.model.sources) if rules is not None else {}
    series_files = []
    for path in series_in_force:
        parsed = _parse(path, SeriesFile, [])  # for their sources only; each named file is checked below
        if parsed is not None:
            sources.update(parsed.model.sources)
    for path in file_paths:
        if path == rules_path:
            continue
        parsed = _parse(path, SeriesFile, problems)
        if parsed is None or rules is None:
            continue
        sources.update(parsed.model.sources)
        series_files.append(parsed)
        found = check_series(parsed, rules.model)
        problems += found
        if not found:
            names = ", ".join(parsed.model.series) or "no series"
            dated = sum(_count_dates(s) for s in parsed.model.series.values())
            summary.append(f"{path}: ok: {names} ({dated} dates)")
    if rules is not None and rules_path in file_paths:
        problems += check_source_keys(*_bundled_only(rules, series_files), sources)
    if problems:
        raise DataError(problems)
    return summary


def _count_dates(series) -> int:
    items = [*series.releases, *series.deadlines, *series.key_dates]
    return sum(1 for item in items if item.date is not None)


def _parse(path: Path, model: type, problems: list[DataProblem]) -> _Parsed | None:
    try:
        root = read_yaml(path)
    except DataError as exc:
        problems += exc.problems
        return None
    if not isinstance(root, dict):
        problems.append(DataProblem(str(path), 1, 1, "the file must be a mapping of keys to values"))
        return None
    from pydantic import TypeAdapter, ValidationError

    try:
        value = TypeAdapter(model).validate_python(root)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        missing = {tuple(e["loc"][:-1]): str(e["loc"][-1]) for e in errors if e["type"] == "missing"}
        # A misspelt field shows up twice (unknown + missing): lead with the misspelling.
        for error in sorted(errors, key=lambda e: e["type"] not in _UNKNOWN_FIELD):
            problems.append(_problem(path, root, error, missing))
        return None
    return _Parsed(path, root, value)


def _problem(path: Path, root: Any, error: dict, missing: dict[tuple, str]) -> DataProblem:
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = error["type"]
    field_name = ".".join(str(p) for p in loc) or "(top)"
    if kind == "missing":
        where = position(root, loc[:-1])
        message = f"{field_name}: required field {loc[-1]!r} is missing"
    elif kind in _UNKNOWN_FIELD:
        where = position(root, loc, key=True)
        message = f"{field_name}: unknown field {loc[-1]!r}"
        expected = missing.get(tuple(error["loc"][:-1]))
        if expected:
            message += f" (did you mean {expected!r}?)"
    else:
        where = position(root, loc)
        message = f"{field_name}: {error['msg']}"
        given = error.get("input")
        if isinstance(given, str) and len(given) < 40:
            message += f" (got {given!r})"
    line, col = where or (None, None)
    return DataProblem(str(path), line, col, message)


class _Checker:
    """Collects cross-reference problems with the position of the offending value."""

    def __init__(self, parsed: _Parsed):
        self.parsed = parsed
        self.problems: list[DataProblem] = []

    def codes(self, loc: tuple, given, valid, kind: str) -> None:
        if given is None:
            return
        values = (given,) if isinstance(given, str) else given
        for index, code in enumerate(values):
            if code not in valid:
                spot = loc if isinstance(given, str) else (*loc, index)
                self.fail(spot, f"unknown {kind} {code!r}", key=False)

    def fail(self, loc: tuple, message: str, key: bool = False) -> None:
        line, col = position(self.parsed.root, loc, key=key) or (None, None)
        self.problems.append(DataProblem(str(self.parsed.path), line, col, message))


def check_rules(parsed: _Parsed) -> list[DataProblem]:
    rules: RulesFile = parsed.model
    check = _Checker(parsed)
    quals, services = rules.qualifications, rules.services
    for code, service in services.items():
        where = ("services", code)
        check.codes((*where, "qualifications"), service.qualifications, quals, "qualification")
        check.codes((*where, "requires_prior"), service.requires_prior, services, "service")
        check.codes((*where, "covered_by"), service.covered_by, services, "service")
        if service.request_window:
            check.codes((*where, "request_window", "qualifications"), service.request_window.qualifications, quals, "qualification")
            _window_note(check, (*where, "request_window"), service.request_window)
        if service.completion and service.completion.days <= 0:
            check.fail((*where, "completion", "days"), "completion days must be positive")
    for code, body in rules.awarding_bodies.items():
        where = ("awarding_bodies", code)
        check.codes((*where, "qualifications"), body.qualifications, quals, "qualification")
        for service_code, offer in body.services.items():
            at = (*where, "services", service_code)
            if service_code not in services:
                check.fail(at, f"unknown service {service_code!r}", key=True)
            check.codes((*at, "qualifications"), offer.qualifications, quals, "qualification")
            for index, exclusion in enumerate(offer.excluded):
                check.codes((*at, "excluded", index, "qualifications"), exclusion.qualifications, quals, "qualification")
            check.codes((*at, "may_follow"), offer.may_follow, services, "service")
            for index, window in enumerate(offer.request_windows):
                check.codes((*at, "request_windows", index, "qualifications"), window.qualifications, quals, "qualification")
                _window_note(check, (*at, "request_windows", index), window)
        for index, fee in enumerate(body.fees):
            check.codes((*where, "fees", index, "service"), fee.service, services, "service")
            check.codes((*where, "fees", index, "qualifications"), fee.qualifications, quals, "qualification")
            if not re.fullmatch(r"\d+(\.\d{2})?", fee.amount):
                check.fail((*where, "fees", index, "amount"), f"fee {fee.amount!r} is not an amount in pounds such as 43.45")
    return check.problems


def check_series(parsed: _Parsed, rules: RulesFile) -> list[DataProblem]:
    check = _Checker(parsed)
    quals, services, bodies = rules.qualifications, rules.services, rules.awarding_bodies
    for series_id, series in parsed.model.series.items():
        where = ("series", series_id)
        if not SERIES_ID.match(series_id):
            check.fail(where, f"series id {series_id!r} must be lower-case words and digits joined by '-', like june-2027", key=True)
        for index, release in enumerate(series.releases):
            at = (*where, "releases", index)
            check.codes((*at, "qualifications"), release.qualifications, quals, "qualification")
            check.codes((*at, "awarding_body"), release.awarding_body, bodies, "awarding body")
            if release.date and release.centres_date and release.centres_date > release.date:
                check.fail((*at, "centres_date"), "centres cannot receive results after candidates")
            _needs_note(check, at, release)
        for index, deadline in enumerate(series.deadlines):
            at = (*where, "deadlines", index)
            check.codes((*at, "services"), deadline.services, services, "service")
            check.codes((*at, "qualifications"), deadline.qualifications, quals, "qualification")
            check.codes((*at, "awarding_body"), deadline.awarding_body, bodies, "awarding body")
            _needs_note(check, at, deadline)
        for index, key_date in enumerate(series.key_dates):
            at = (*where, "key_dates", index)
            check.codes((*at, "qualifications"), key_date.qualifications, quals, "qualification")
            check.codes((*at, "awarding_bodies"), key_date.awarding_bodies, bodies, "awarding body")
            _needs_note(check, at, key_date)
        for item in (*series.releases, *series.deadlines, *series.key_dates):
            if not item.source.strip():
                check.fail(where, "every date needs a source")
    return check.problems


def _needs_note(check: _Checker, loc: tuple, item) -> None:
    """An unknown or provisional date must say why, so the tool can show it."""
    uncertain = item.date is None or item.provisional or getattr(item, "centres_provisional", False)
    if uncertain and not (item.note or "").strip():
        what = "a date not yet published" if item.date is None else "a provisional date"
        check.fail(loc, f"{what} needs a note saying why")
    until = getattr(item, "until", None)
    if until is not None and item.date is not None and until < item.date:
        check.fail((*loc, "until"), "a window cannot end before it opens")


def _window_note(check: _Checker, loc: tuple, window) -> None:
    if window.provisional and not (window.note or "").strip():
        check.fail(loc, "a provisional window needs a note saying why")


def _source_keys(text: str) -> list[str]:
    """'seed:000; AQA-OB' -> ['seed:000', 'AQA-OB']."""
    return [part.strip() for part in text.split(";") if part.strip()]


def _used_sources(node, loc: tuple = ()):
    """(location, key) for every source key a calendar record names."""
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        for name in node._fields:
            value = getattr(node, name)
            if name in ("source", "centres_source") and isinstance(value, str):
                for key in _source_keys(value):
                    yield (*loc, name), key
            else:
                yield from _used_sources(value, (*loc, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            if loc or key != "sources":
                yield from _used_sources(value, (*loc, key))
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from _used_sources(value, (*loc, index))


def _bundled_only(rules: _Parsed | None, series_files: list[_Parsed]) -> tuple[_Parsed | None, list[_Parsed]]:
    """The files shipped with prs, whose every source must be in a sources: table; an officer's
    own files may name a source in words (a letter, a board's email)."""
    bundled = paths.bundled_data_dir().resolve()

    def shipped(parsed):
        return parsed is not None and parsed.path.resolve().parent == bundled

    return (rules if shipped(rules) else None), [p for p in series_files if shipped(p)]


def check_source_keys(rules: _Parsed | None, series_files: list[_Parsed], sources: dict) -> list[DataProblem]:
    """Every source a fact names must be in a `sources:` table (title, publisher, address, read)."""
    problems = []
    for parsed in ([rules] if rules is not None else []) + list(series_files):
        check = _Checker(parsed)
        model = parsed.model
        for field in model._fields:
            if field == "sources":
                continue
            for loc, key in _used_sources(getattr(model, field), (field,)):
                if key not in sources:
                    check.fail(loc, f"source {key!r} is not in any sources: table")
        problems += check.problems
    return problems


def _series_order(series) -> tuple:
    dates = [r.date for r in series.releases if r.date] or [date.max]
    return (min(dates), series.name)


def _year_span(all_series) -> tuple[int, int]:
    years = []
    for series in all_series:
        for item in (*series.releases, *series.deadlines, *series.key_dates):
            if item.date is not None:
                years.append(item.date.year)
    if not years:
        return 2020, 2035  # a calendar with no dates at all still gets working-day arithmetic
    return min(years) - 1, max(years) + 3


def england_and_wales_bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Bank holidays from the maintained `holidays` package (England and Wales share them)."""
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1)))
