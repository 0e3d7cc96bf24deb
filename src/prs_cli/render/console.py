"""Where output goes, how wide it may be, and how a table is laid out to fit: the one place
that decides.

Every view fits the width it is given: COLUMNS when set (on a terminal or not), else the
terminal's width, else 80 (a pipe, a file, cron mail). A table never squeezes every column
into that width: each table offers views, widest first (every column), then narrower ones
that stack cells into two-line rows or move what matters less into a line under the main
text; the first view whose columns fit is drawn. No word is split: a wrapping column is
never narrower than the longest word in it. Colour only on a terminal, NO_COLOR honoured.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

SEVERITY_STYLE = {"overdue": "bold red", "due": "yellow", "upcoming": ""}

DEFAULT_WIDTH = 80  # off a terminal with no COLUMNS: a mail reader's or a printout's width
TEXT_MIN = 40  # the narrowest a column of sentences still reads well


def width(stream=None) -> int:
    """The width output to `stream` (default stdout) must fit: COLUMNS when set to a
    number, else the terminal's width when `stream` is a terminal, else 80."""
    value = os.environ.get("COLUMNS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass  # not a real file (a test's buffer): as off a terminal
    return DEFAULT_WIDTH


def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")) or not terminal,
        force_terminal=terminal,
        width=width(stream),
    )


def table_box(out):
    """Rich's box-drawing lines on a terminal; plain ASCII in a pipe, a file or cron mail, where
    what reads the text (a mail client, awk, a printer) may count bytes or lack the glyphs."""
    from rich import box

    return box.HEAVY_HEAD if out.is_terminal else box.ASCII


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fill(text: str, room: int, indent: str = "", hanging: str | None = None) -> str:
    """`text` wrapped at spaces to lines of at most `room` columns, the first line starting
    with `indent`, the rest with `hanging` (default: as many spaces). A word longer than a
    whole line is the one thing ever broken (a very long path on a very narrow screen)."""
    import textwrap

    if hanging is None:
        hanging = " " * len(indent)
    if cells(indent + text) <= room:
        return indent + text
    lines = textwrap.wrap(
        text, max(room, len(hanging) + 10, len(indent) + 10), initial_indent=indent, subsequent_indent=hanging,
        break_on_hyphens=False, break_long_words=True,
    )
    return "\n".join(lines) or indent


# --- tables -------------------------------------------------------------------------------------


class Column(NamedTuple):
    header: str
    wrap: bool = False  # may wrap at spaces; else each line of its cells is kept whole
    least: int = 0  # a wrapping column: the narrowest it reads well (never below its longest word)
    right: bool = False


class View(NamedTuple):
    """One way to lay a table out: its columns, and the cells of each row for them."""

    columns: tuple[Column, ...]
    cells: Callable  # a row -> one cell per column: text, possibly several lines


def lines_of(cell) -> list[str]:
    text = cell if isinstance(cell, str) else cell.plain  # rich Text
    return text.split("\n")


def measure(cell, wrap: bool) -> tuple[int, int]:
    """(least, natural) columns for one cell: a wrapping cell needs its longest word."""
    lines = lines_of(cell)
    natural = max(cells(line) for line in lines)
    if not wrap:
        return natural, natural
    return max((cells(word) for line in lines for word in line.split()), default=0), natural


def border(columns: int) -> int:
    """Columns a table's box and padding take: a rule and a space either side of each cell."""
    return 3 * columns + 1


def fit(room: int, columns: Sequence[Column], least: Sequence[int], natural: Sequence[int], *, readable: bool = True) -> list[int] | None:
    """Widths for `columns` that fit `room`: natural where they fit, else the widest wrapping
    columns narrowed a step at a time, none below its longest word nor (when `readable`) its
    own least; None when even that is too wide."""
    floor = [
        (max(low, min(high, column.least)) if readable else low) if column.wrap else high
        for column, low, high in zip(columns, least, natural)
    ]
    widths = [max(low, high) for low, high in zip(floor, natural)]
    over = sum(widths) + border(len(widths)) - room
    while over > 0:
        narrowable = [i for i, column in enumerate(columns) if column.wrap and widths[i] > floor[i]]
        if not narrowable:
            return None
        i = max(narrowable, key=lambda j: widths[j])
        runner_up = max((widths[j] for j in narrowable if j != i), default=0)
        step = min(over, widths[i] - floor[i], max(1, widths[i] - runner_up))
        widths[i] -= step
        over -= step
    return widths


def choose(room: int, measured: Sequence[tuple[Sequence[Column], Sequence[int], Sequence[int]]]) -> tuple[int, list[int]]:
    """(index, widths) of the first view that fits `room`, given each view's (columns,
    least, natural), its text columns no narrower than they read well; else the last view
    with its text columns as narrow as their longest words; else that view at its narrowest
    (wider than `room`: no view fits, and words are never split)."""
    for index, (columns, least, natural) in enumerate(measured):
        widths = fit(room, columns, least, natural)
        if widths is not None:
            return index, widths
    columns, least, natural = measured[-1]
    widths = fit(room, columns, least, natural, readable=False)
    if widths is None:
        widths = [low if column.wrap else high for column, low, high in zip(columns, least, natural)]
    return len(measured) - 1, widths


def measure_rows(columns: Sequence[Column], rows: Sequence[Sequence]) -> tuple[list[int], list[int]]:
    least = [cells(column.header) if not column.wrap else max(cells(w) for w in column.header.split()) for column in columns]
    natural = [cells(column.header) for column in columns]
    for row in rows:
        for i, (cell, column) in enumerate(zip(row, columns)):
            low, high = measure(cell, column.wrap)
            if low > least[i]:
                least[i] = low
            if high > natural[i]:
                natural[i] = high
    return least, natural


def print_table(title: str | None, views: Sequence[View], items: Sequence, style: Callable = lambda item: "") -> None:
    """Draw `items` with rich in the first of `views` that fits the width (see `choose`);
    `style`: an item's row style ("dim", "bold red" or "")."""
    from rich.table import Table
    from rich.text import Text

    from prs_cli.render.text import visible_lines

    out = console()
    built = []
    for view in views:  # text from the log shown with its control characters made visible, never as markup
        rows = [tuple(visible_lines(cell) if isinstance(cell, str) else cell for cell in view.cells(item)) for item in items]
        built.append((view.columns, rows, *measure_rows(view.columns, rows)))
    index, widths = choose(out.width, [(columns, least, natural) for columns, _, least, natural in built])
    columns, rows, _, _ = built[index]
    table = Table(title=title, title_justify="left", box=table_box(out))
    for column, size in zip(columns, widths):
        table.add_column(column.header, width=size, no_wrap=not column.wrap, justify="right" if column.right else "left")
    for item, row in zip(items, rows):
        table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in row), style=style(item))
    out.print(table)


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
