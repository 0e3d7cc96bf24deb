"""The root `prs` command: registers the command groups and turns errors into sentences."""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from prs_cli.errors import ExitCode, PrsError


class _PrsGroup(TyperGroup):
    """Every PrsError raised below becomes one plain sentence on stderr and its exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PrsError as error:
            typer.echo(format_error(error), err=True)
            raise typer.Exit(int(error.exit_code)) from None
        except Exception as error:
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is None or not isinstance(error, sqlite3.Error):
                raise
            from prs_cli.store.db import storage_error

            problem = storage_error(error)
            typer.echo(format_error(problem), err=True)
            raise typer.Exit(int(problem.exit_code)) from None


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


def _register() -> None:
    from prs_cli.cli import data, deadlines

    app.command("deadlines")(deadlines.deadlines)
    app.add_typer(data.app, name="data")
    from prs_cli.cli import export, request

    app.add_typer(request.app, name="request")
    app.command("export")(export.export)
    from prs_cli.cli import config, due, status, summary

    app.add_typer(config.app, name="config")
    app.command("due")(due.due)
    app.command("summary")(summary.summary)
    app.command("status")(status.status)
    from prs_cli.cli import consent

    app.add_typer(consent.app, name="consent")


_register()


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
