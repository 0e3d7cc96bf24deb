"""Options that mean the same on every command, and the few parsing and loading steps every
command shares: the one module cli/ modules import besides their own (tests/test_layers.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer


def group(help: str) -> typer.Typer:
    """A command group: plain help (no rich import just to print usage), no shell-completion
    options, no pretty tracebacks that could print candidate data."""
    app = typer.Typer(
        help=help,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    # A callback keeps a group with one command (`prs data check`) a group: without one,
    # Typer would run that command directly as `prs data`.
    app.callback()(_no_group_options)
    return app


def _no_group_options() -> None:
    """The group itself takes no options."""


Today = Annotated[
    Optional[str],
    typer.Option(
        "--today",
        envvar="PRS_TODAY",
        metavar="YYYY-MM-DD",
        help="Answer as if today were this date (what-if questions). Default: today in London.",
        show_envvar=True,
    ),
]
DataDir = Annotated[
    Optional[Path],
    typer.Option(
        "--data-dir",
        envvar="PRS_DATA_DIR",
        help="A folder of your own calendar files read beside the bundled ones.",
        show_envvar=True,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
Days = Annotated[
    Optional[int],
    typer.Option("--days", min=0, max=366, help="Look this many days ahead. Default: look_ahead_days in 'prs config' (14)."),
]


def today(value: str | None) -> date:
    from prs_cli import clock

    return clock.today(value)


def optional_date(value: str | None, what: str) -> date | None:
    from prs_cli.clock import parse_date

    return parse_date(value, what) if value is not None else None


def who(by: str | None) -> str | None:
    """--by, else the login name, for the audit trail; blank where the system has none."""
    if by and by.strip():
        return by.strip()
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers): leave it unrecorded
        return None


def calendar_filters(cal, series: str | None, ab: str | None, qualification: str | None, service: str | None):
    """--series, --ab, --qualification and --service resolved against the calendar, as
    `prs deadlines` and `prs export --ics` both take them."""
    from prs_cli import codes
    from prs_cli.rules.schedule import Filters

    return Filters(
        series=(codes.resolve("series", series, cal.series),) if series else None,
        awarding_body=codes.resolve("awarding body", ab, cal.awarding_bodies) if ab else None,
        qualification=codes.resolve("qualification", qualification, cal.qualifications) if qualification else None,
        service=codes.resolve("service", service, cal.services) if service else None,
    )


def calendar(data_dir: Path | None):
    """The calendar in force, with the centre's own windows (prs config) applied."""
    from prs_cli import config
    from prs_cli.service.calendar import in_force

    return in_force(data_dir, config.load())


def user_data_dir(data_dir: Path | None) -> Path | None:
    """The centre's own data folder (--data-dir, else PRS_DATA_DIR), for what is read beside the calendar."""
    from prs_cli import paths

    return paths.user_data_dir(data_dir)


def print_json(data) -> None:
    from prs_cli.render.jsonout import dumps

    typer.echo(dumps(data))


def note(message: str) -> None:
    """A remark for the person, on stderr, so it never mixes with JSON on stdout."""
    typer.echo(message, err=True)


Db = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        envvar="PRS_DB",
        help="The database file. Default: prs.sqlite3 in PRS_HOME or your user data folder.",
        show_envvar=True,
    ),
]


def database(db: Path | None):
    """The database this command works on (--db, else PRS_DB, else PRS_HOME's), not yet opened:
    the service opens it, creating it only for a command that logs something."""
    from prs_cli import paths
    from prs_cli.service.database import Database

    return Database(paths.database_path(db))
