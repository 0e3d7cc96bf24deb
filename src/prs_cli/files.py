"""Files that may hold personal data: created owner-only, written whole or not at all."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from prs_cli.errors import InputError


def write_private(path: Path, content: str | bytes, *, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write `content` to `path` atomically with mode 0600.

    A temporary file beside the target is written and renamed over it, so an interrupted
    export never leaves half a file, and the file is never readable by others, even briefly.
    """
    data = content.encode(encoding) if isinstance(content, str) else content
    if newline is not None and isinstance(content, str):
        data = content.replace("\n", newline).encode(encoding)
    with _atomic(Path(path)) as handle:
        handle.write(data)


@contextmanager
def open_private(path: Path, *, encoding: str = "utf-8", newline: str | None = None) -> Iterator[TextIO]:
    """write_private for content made piece by piece (a large export): a text file to write
    to, which replaces `path` only when the block ends without an error; on an error the
    temporary file is removed and `path` is as it was. `newline`: what each "\n" becomes."""
    with _atomic(Path(path)) as handle:
        text = io.TextIOWrapper(handle, encoding=encoding, newline="" if newline is None else newline, write_through=False)
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # _atomic closes the file itself, after syncing it


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    """A binary file beside `path`, mode 0600 from the start; flushed, synced and renamed over
    `path` when the block ends, removed if it fails."""
    with _temporary(path) as (handle, _):
        yield handle


@contextmanager
def _temporary(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """_atomic's file, and its name (for writers that open it themselves)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror})") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle, Path(tmp)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        os.chmod(path, 0o600)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path} ({exc.strerror}); nothing was written") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def private_file(path: Path) -> Iterator[Path]:
    """For a writer that needs a file name rather than a handle (SQLite's backup): the name
    of an empty file beside `path`, mode 0600 from the start, synced and renamed over `path`
    when the block ends, removed if it fails."""
    with _temporary(Path(path)) as (_, name):
        yield name
