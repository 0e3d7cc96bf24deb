"""The checklist file (data/checklist.yaml, and a centre's own beside it) -> validated tasks.

Read like the calendar: the bundled file first, then checklist.yaml in the officer's data folder
(--data-dir / PRS_DATA_DIR), whose tasks add to the bundled ones and replace any with the same
key. Mistakes are reported as file:line:column. The parsed files are cached as JSON the way the
calendar is (calendar/cache.py: data only, keyed on the files and this package's code) so
`prs due` does not import the YAML and validation libraries on every run; the check against the
calendar's codes runs every time.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal, NamedTuple

from prs_cli import paths
from prs_cli.errors import DataError, DataProblem

CHECKLIST_FILE = "checklist.yaml"
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CACHE_FILE = "checklist.json"  # beside the calendar's cache, kept the same way (calendar/cache.py)

Anchor = Literal["results_day", "restricted_release", "request_deadline", "internal_deadline"]
Keep = Literal["consents", "moderated_work", "board_rule"]


class Task(NamedTuple):
    """One dated duty: a fixed `date`, or `days` after (negative: before) a series date."""

    key: str
    title: str
    source: str
    date: dt.date | None = None
    relative_to: Anchor | None = None
    days: int = 0
    qualification: str | None = None  # results_day / restricted_release: whose day
    service: str | None = None  # request_deadline / internal_deadline: whose deadline
    series: tuple[str, ...] | None = None  # None: every series
    note: str | None = None


class Keeping(NamedTuple):
    """Something the centre must keep, and which rule says until when."""

    key: str
    title: str
    keep: Keep
    source: str
    note: str | None = None


class ChecklistFile(NamedTuple):
    tasks: tuple[Task, ...] = ()
    retention: tuple[Keeping, ...] = ()


class _Parsed(NamedTuple):
    """What the cache keeps: each checklist file's tasks, in the order of checklist_files."""

    files: tuple[ChecklistFile, ...]


class Checklist(NamedTuple):
    """Every task and retention item in force, the bundled ones first."""

    tasks: tuple[Task, ...]
    retention: tuple[Keeping, ...]
    origin: dict[str, str]  # key -> the file it came from


def checklist_files(user_dir: Path | None) -> list[Path]:
    files = [paths.bundled_data_dir() / CHECKLIST_FILE]
    if user_dir is not None and (user_dir / CHECKLIST_FILE).is_file():
        files.append(user_dir / CHECKLIST_FILE)
    return files


def load_checklist(calendar, user_dir: Path | None = None, *, use_cache: bool = True) -> Checklist:
    """The checklist in force, checked against `calendar` (series, qualification and service
    codes, and that each task's rule is complete)."""
    from prs_cli.calendar import cache

    files = checklist_files(user_dir)
    key = cache.key(files) if use_cache else None
    stored = cache.read(key, name=CACHE_FILE, record=_Parsed) if key is not None else None
    if stored is None:
        stored = _Parsed(tuple(_parse(path)[1] for path in files))
        if key is not None:
            cache.write(key, stored, name=CACHE_FILE)
    parsed = list(zip(files, stored.files))
    problems = [p for path, model in parsed for p in _check(path, model, calendar, None)]
    if problems:  # parse again (uncached) to say where each mistake is
        problems = []
        for path in files:
            root, model = _parse(path)
            problems += _check(path, model, calendar, root)
        raise DataError(problems)
    tasks: dict[str, Task] = {}
    retention: dict[str, Keeping] = {}
    origin: dict[str, str] = {}
    for path, model in parsed:
        for task in model.tasks:
            tasks[task.key] = task
            origin[task.key] = str(path)
        for item in model.retention:
            retention[item.key] = item
            origin[item.key] = str(path)
    return Checklist(tuple(tasks.values()), tuple(retention.values()), origin)


def _parse(path: Path):
    """(the YAML tree with positions, the validated ChecklistFile), or DataError."""
    from prs_cli.calendar.load import _parse as parse_file

    problems: list[DataProblem] = []
    parsed = parse_file(path, ChecklistFile, problems)
    if parsed is None:
        raise DataError(problems)
    return parsed.root, parsed.model


def _check(path: Path, model: ChecklistFile, calendar, root) -> list[DataProblem]:
    """Cross-checks pydantic cannot make: codes the calendar knows, one date rule per task,
    keys unique in the file. `root`: the YAML tree, to say where (None: positions not needed)."""
    problems: list[DataProblem] = []

    def fail(loc: tuple, message: str, key: bool = False) -> None:
        where = None
        if root is not None:
            from prs_cli.calendar.yamlsrc import position

            where = position(root, loc, key=key)
        line, col = where or (None, None)
        problems.append(DataProblem(str(path), line, col, message))

    seen: set[str] = set()
    for section, items in (("tasks", model.tasks), ("retention", model.retention)):
        for index, item in enumerate(items):
            at = (section, index)
            if not KEY.match(item.key):
                fail((*at, "key"), f"key {item.key!r} must be lower-case words and digits joined by '-', like collect-results")
            if item.key in seen:
                fail((*at, "key"), f"key {item.key!r} is used twice in this file")
            seen.add(item.key)
            if not item.title.strip() or not item.source.strip():
                fail(at, "every task needs a title and a source")
    for index, task in enumerate(model.tasks):
        at = ("tasks", index)
        for offset, series_id in enumerate(task.series or ()):
            if series_id not in calendar.series:
                fail((*at, "series", offset), f"unknown series {series_id!r}")
        if task.qualification is not None and task.qualification not in calendar.qualifications:
            fail((*at, "qualification"), f"unknown qualification {task.qualification!r}")
        if task.service is not None and task.service not in calendar.services:
            fail((*at, "service"), f"unknown service {task.service!r}")
        if (task.date is None) == (task.relative_to is None):
            fail(at, "a task needs either a date or relative_to (with days), not both")
        elif task.date is not None and not task.series:
            fail(at, "a task with a fixed date must name its series (series: [june-2026])")
        elif task.relative_to in ("request_deadline", "internal_deadline") and task.service is None:
            fail(at, f"relative_to: {task.relative_to} needs the service whose deadline it is (service: S2)")
    return problems
