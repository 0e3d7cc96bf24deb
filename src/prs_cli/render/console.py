"""One rich Console per stream: colour only on a terminal, NO_COLOR honoured (rich reads it)."""

from __future__ import annotations

import os
import sys

SEVERITY_STYLE = {"overdue": "bold red", "due": "yellow", "upcoming": ""}


def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")) or not terminal,
        force_terminal=terminal,
        width=None if terminal else 200,
        soft_wrap=not terminal,
    )


def days_phrase(days: int | None, *, counting: bool = False) -> str:
    """How far off a day is: 'today', 'tomorrow', 'in 3 days', '2 days ago' (the agenda); with
    `counting` (the deadlines table's Left column): '1 day', '3 days', 'closed (2 days ago)'.
    None (no date published yet): '-'."""
    if days is None:
        return "-"
    if days == 0:
        return "today"
    span = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    if days < 0:
        return f"closed ({span} ago)" if counting else f"{span} ago"
    if counting:
        return span
    return "tomorrow" if days == 1 else f"in {span}"


class ProgressBar:
    """A rich progress bar on stderr when `enabled` (a large import on a terminal), else
    nothing; used as `with ProgressBar(on, total) as advance: advance(n)`."""

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled
        self.total = total
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        self.bar = Progress(console=console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("Importing", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
