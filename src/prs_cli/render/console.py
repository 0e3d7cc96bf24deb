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


def days_phrase(days: int | None) -> str:
    if days is None:
        return "-"
    if days == 0:
        return "today"
    if days == 1:
        return "1 day"
    if days > 0:
        return f"{days} days"
    return f"closed ({-days} day{'s' if days != -1 else ''} ago)"
