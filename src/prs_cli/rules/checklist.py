"""The checklist dated for a series: each task's date from its rule, and which tasks are due.

Pure: the calendar, the tasks (calendar.checklist), the centre's lead time and `today` come in
as arguments. A task's rule is a fixed date or an offset from a series date (a results day, the
restricted release, a JCQ request deadline or the centre's internal deadline before it); a
series without that date (no Priority Service 2 in November) has no such task, and a date not
yet published leaves the task undated rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from prs_cli.calendar.model import Calendar
from prs_cli.rules.days import when

DUE_KIND = "checklist_task"


class DatedTask(NamedTuple):
    key: str
    series: str
    date: date | None  # None: the date it hangs on is not yet published
    title: str
    rule: str  # how the date was worked out, in words
    source: str
    provisional: bool = False
    note: str | None = None


class Anchor(NamedTuple):
    date: date | None
    name: str  # "GCE A level results day"
    provisional: bool = False


class DueItem(NamedTuple):
    """A checklist line for the agenda (rules.agenda.agenda's `tasks`)."""

    date: date
    kind: str
    title: str
    detail: str
    source: str
    key: str | None = None  # the task's key, for 'prs checklist done KEY'


def anchor(calendar: Calendar, series_id: str, task, lead_days: int) -> Anchor | None:
    """The series date a task's rule counts from; None when the series has no such date."""
    series = calendar.series[series_id]
    kind = task.relative_to
    if kind in ("results_day", "restricted_release"):
        releases = [r for r in series.releases if r.awarding_body is None]
        if task.qualification is not None:
            releases = [r for r in releases if task.qualification in r.qualifications]
        if not releases:
            return None
        release = min(releases, key=lambda r: (r.date is None, r.date or date.max))
        what = calendar.qualifications[task.qualification].name if task.qualification else "the first"
        if kind == "results_day":
            return Anchor(release.date, f"{what} results day", release.provisional)
        centres = release.centres_date if release.date is not None else None
        return Anchor(centres, f"the {what} restricted release to centres", release.provisional)
    deadlines = [
        d for d in series.deadlines
        if d.awarding_body is None and task.service in d.services
        and (task.qualification is None or d.qualifications is None or task.qualification in d.qualifications)
    ]
    if not deadlines:
        return None
    chosen = min(deadlines, key=lambda d: (d.date is None, d.date or date.max, d.provisional))
    name = f"the JCQ {calendar.services[task.service].name} deadline"
    if kind == "request_deadline" or chosen.date is None:
        return Anchor(chosen.date, name, chosen.provisional)
    from prs_cli.rules.agenda import internal_deadline

    return Anchor(internal_deadline(calendar, chosen.date, lead_days), f"the internal deadline before {name}", chosen.provisional)


def _offset(days: int, name: str) -> str:
    if days == 0:
        return f"on {name}"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'after' if days > 0 else 'before'} {name}"


def date_task(calendar: Calendar, series_id: str, task, lead_days: int) -> DatedTask | None:
    """The task dated for the series; None when it is not part of that series."""
    if task.series is not None and series_id not in task.series:
        return None
    if task.date is not None:
        return DatedTask(task.key, series_id, task.date, task.title, f"fixed date {when(task.date)}", task.source, note=task.note)
    found = anchor(calendar, series_id, task, lead_days)
    if found is None:
        return None
    rule = _offset(task.days, found.name)
    if found.date is None:
        return DatedTask(task.key, series_id, None, task.title, f"{rule}, not yet published", task.source, note=task.note)
    day = found.date + timedelta(days=task.days)
    return DatedTask(task.key, series_id, day, task.title, f"{rule} ({when(found.date)})", task.source, found.provisional, task.note)


def dated_tasks(calendar: Calendar, tasks: Iterable, series_id: str, lead_days: int) -> list[DatedTask]:
    """The series' tasks, soonest first (undated last, in the file's order)."""
    dated = [d for d in (date_task(calendar, series_id, t, lead_days) for t in tasks) if d is not None]
    return sorted(dated, key=lambda d: (d.date is None, d.date or date.max))


def current_series(calendar: Calendar, tasks: Iterable, lead_days: int, today: date) -> str | None:
    """The series whose checklist is in hand: the first (by results day) with a dated task on or
    after today; once every series is past, the last one with a dated task."""
    tasks = list(tasks)
    latest = None
    for series_id in calendar.series:
        days = [d.date for d in dated_tasks(calendar, tasks, series_id, lead_days) if d.date is not None]
        if days and max(days) >= today:
            return series_id
        if days:
            latest = series_id
    return latest


def due_tasks(dated: Iterable[DatedTask], done: Iterable[str], horizon: date) -> list[DueItem]:
    """Tasks not done whose day has come or comes by `horizon`, for the agenda: a task stays
    on it, overdue, until it is ticked."""
    done = set(done)
    return [
        DueItem(task.date, DUE_KIND, task.title, f"checklist: {task.rule}; 'prs checklist done {task.key}' when done", task.source,
                task.key)
        for task in dated
        if task.date is not None and task.date <= horizon and task.key not in done
    ]
