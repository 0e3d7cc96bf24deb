"""The root `prs` command: registers the command groups and turns errors into sentences."""

from __future__ import annotations

import functools
import os
import sys

import typer
from typer.core import TyperGroup

from prs_cli.errors import ExitCode, PrsError


# Every command, loaded only when it is run: building all of them would cost every run
# (even `prs --help`) the time to import and convert each one. The short help is kept here so
# `prs --help` needs none of them; tests/test_docs.py checks it matches each command's own.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "deadlines": ("prs_cli.cli.deadlines", "deadlines", "What closes when, for whom: results days, request deadlines and key dates."),
    "request": ("prs_cli.cli.request", "app", "The request log: add, submit, record outcomes, list and import."),
    "consent": ("prs_cli.cli.consent", "app", "Record candidates' consent, check it against results day, keep it as long as required."),
    "due": ("prs_cli.cli.due", "due", "What is overdue, what closes soon and what to chase, overdue first."),
    "letters": ("prs_cli.cli.letters", "letters", "Letters to candidates with the outcomes recorded: marks and grades before and after, the fee, how to appeal."),
    "summary": ("prs_cli.cli.summary", "summary", "A digest headed by the centre and the date: counts first, then each item."),
    "status": ("prs_cli.cli.status", "status", "The numbers a senior leader asks for: how many requests, where they stand, what they cost."),
    "timeline": ("prs_cli.cli.timeline", "timeline", "The season at a glance: one HTML page with every date of a series, today's line and each deadline's requests."),
    "results": ("prs_cli.cli.results", "app", "Results broadsheets: import them, and dispose of them when their series is over."),
    "boundaries": ("prs_cli.cli.boundaries", "app", "Grade boundaries: import them from CSV and list those held."),
    "triage": ("prs_cli.cli.triage", "triage", "Who should ask for a review: results a few marks below the next grade's boundary, closest first, with the services still open and any request already logged."),
    "export": ("prs_cli.cli.export", "export", "Write the tracking log (--csv, safe to open in a spreadsheet) or a calendar feed (--ics)."),
    "checklist": ("prs_cli.cli.checklist", "app", "The results-day and post-results tasks dated for a series, ticked as they are done."),
    "config": ("prs_cli.cli.config", "app", "Show and change the centre's settings."),
    "data": ("prs_cli.cli.data", "app", "Check the calendar files and list the sources of their facts."),
}


@functools.cache
def _built(name: str):
    """The click command for one entry of COMMANDS, built once per process (Typer's conversion
    is most of a command's start; tests run hundreds of commands in one process)."""
    import importlib

    import typer.main

    module_name, attribute, _ = COMMANDS[name]
    target = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name)(target)
        target = single
    command = typer.main.get_command(target)
    command.name = name
    return command


class _PrsGroup(TyperGroup):
    """The root command: loads sub-commands lazily, and turns every PrsError raised below into
    one plain sentence on stderr and its exit code."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        return _built(name) if name in COMMANDS else None

    def format_commands(self, ctx, formatter):
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, _, short) in COMMANDS.items()])

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PrsError as error:
            typer.echo(format_error(error), err=True)
            raise typer.Exit(int(error.exit_code)) from None
        except _sqlite_errors() as error:  # evaluated only once something was raised
            from prs_cli.store.db import storage_error

            problem = storage_error(error)
            typer.echo(format_error(problem), err=True)
            raise typer.Exit(int(problem.exit_code)) from None


def _sqlite_errors() -> tuple[type[Exception], ...]:
    """sqlite3.Error once sqlite3 is loaded, else nothing: a command that never opened the
    database cannot raise it, and importing sqlite3 only to name it would slow every start."""
    sqlite3 = sys.modules.get("sqlite3")
    return (sqlite3.Error,) if sqlite3 is not None else ()


def all_commands():
    """(path, click command) for every leaf command, loading each: for docs and tests."""
    import typer.main

    def walk(command, path):
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                yield from walk(command.get_command(None, name), [*path, name])
        else:
            yield path, command

    yield from walk(typer.main.get_command(app), [])


def format_error(error: PrsError) -> str:
    message = f"Error: {error.message}"
    if error.hint:
        message += f"; {error.hint}"
    return message


app = typer.Typer(
    name="prs",
    cls=_PrsGroup,
    help="Post-results services for exams officers: deadlines, requests, consent and what is due.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """Post-results services for exams officers: deadlines, requests, consent and what is due."""


def main() -> None:
    """Console entry point. An unexpected error prints its kind only: candidate data may sit in
    a traceback's values, so the traceback is shown only with PRS_DEBUG=1."""
    try:
        app(prog_name="prs")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("Interrupted; nothing half-written was kept.", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        if os.environ.get("PRS_DEBUG"):
            raise
        typer.echo(
            f"Error: prs failed unexpectedly ({type(error).__name__}); the command was stopped. "
            "Run again with PRS_DEBUG=1 to see details to report.",
            err=True,
        )
        sys.exit(int(ExitCode.INTERNAL))
