"""Typed errors raised by the core and turned into one sentence and an exit code by the CLI.

Messages are written for the exams officer and never carry candidate names or numbers:
they name codes, dates, ids and files only.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDING = 1  # the user asked a question and the answer is "no" (a failed consent check)
    BAD_INPUT = 2  # bad input, usage, data or storage problem the user can fix
    INTERNAL = 3  # a bug in prs


class PrsError(Exception):
    """Anything the officer can act on. Subclasses only say which kind."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, hint: str | None = None, *, field: str | None = None, expected: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        # Which input the error is about (a RequestInput field name) and what a good value looks
        # like, in words that never repeat the value given: an import names the column and says
        # this instead of echoing a cell that may hold a name.
        self.field = field
        self.expected = expected


class InputError(PrsError):
    """A value typed by the user is malformed, impossible or unknown."""


class UnknownCode(InputError):
    """A code (series, board, service, qualification) that the calendar does not know."""

    def __init__(self, kind: str, given: str, suggestions: list[str], valid: list[str]):
        self.kind = kind
        self.given = given
        self.suggestions = suggestions
        if suggestions:
            hint = "did you mean " + " or ".join(suggestions) + "?"
        else:
            hint = "valid codes: " + ", ".join(valid)
        shown = ", ".join(valid[:8]) + (", ..." if len(valid) > 8 else "")
        super().__init__(f"unknown {kind} {given!r}", hint, expected=f"a known {kind} code ({shown})")


class DataError(PrsError):
    """A calendar file is wrong; carries where, so the message reads file:line:column."""

    def __init__(self, problems: list[DataProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DataProblem:
    __slots__ = ("path", "line", "column", "message")

    def __init__(self, path: str, line: int | None, column: int | None, message: str):
        self.path = path
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def __repr__(self) -> str:
        return f"DataProblem({str(self)!r})"


class Refused(PrsError):
    """A request the awarding body would refuse (late, not offered, duplicate, bad transition)."""


class NotFound(PrsError):
    """An id that does not exist."""


class SharedLocation(PrsError):
    """A prs folder or file another user could change (they could change what prs shows)."""


class StorageError(PrsError):
    """The database cannot be used (corrupt, locked too long, newer version, read-only, disk full)."""
