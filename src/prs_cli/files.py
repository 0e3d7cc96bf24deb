"""Files that may hold personal data: created owner-only, written whole or not at all, never
over a file prs keeps itself; and files read in, read only up to a size limit."""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from prs_cli.errors import InputError

MB = 1024 * 1024
# A hidden file being written: `.NAME.prs-PID-RANDOM.tmp`. The PID lets the next writer in the
# folder tell a crashed writer's leftover (removed) from one still at work (left alone).
_PARTIAL = re.compile(r"\..+\.prs-([0-9]+)-[A-Za-z0-9_]+\.tmp")


def read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, reading no more than `limit` + 1 of them: a caller sees a file that is too
    large (or endless, like /dev/zero) by the length, without reading or holding all of it.
    Raises OSError as open() does."""
    with open(path, "rb") as handle:
        return handle.read(limit + 1)


def check_targets(targets: list[Path], owned: list[tuple[Path, str]], owned_folders: list[Path]) -> None:
    """Refuse, before anything is written, an export named twice in one command or over a file
    prs keeps (`owned`: (path, what it is)) or inside one of its own folders; the same file
    reached another way (a symlink, a hard link, ../) counts as the same file."""
    seen: dict[object, Path] = {}
    for target in targets:
        real = Path(os.path.realpath(target))
        key = _identity(real) or real
        if key in seen:
            raise InputError(f"{target} and {seen[key]} are the same file; give each export its own file")
        seen[key] = target
        for path, what in owned:
            mine = Path(os.path.realpath(path))
            if real == mine or (key is not real and key == _identity(mine)):
                raise InputError(f"{target} is {what}; prs never writes an export over its own files, choose another name")
        for folder in owned_folders:
            if real.is_relative_to(Path(os.path.realpath(folder))):
                raise InputError(f"{target} is inside prs's own folder {folder}; choose a file outside it")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


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
    """A binary file for `path`, mode 0600 from the start; flushed, synced and renamed over
    `path` when the block ends, removed if it fails.

    A symlink is written through (its target replaced, the link kept); a device or a pipe
    (/dev/stdout, /dev/null) is written straight to, never replaced. An interrupted writer
    removes its partial file (SIGTERM and SIGHUP stop prs as an interrupt does: cli.app); one
    killed outright (kill -9) cannot, and its hidden leftover is removed by the next export to
    the folder."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror})") from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise InputError(f"cannot write {path}: it is a folder")
    if found is not None and not stat.S_ISREG(found.st_mode):
        with _straight(path) as handle:
            yield handle
        return
    with _temporary(Path(os.path.realpath(path))) as (handle, _):
        yield handle


@contextmanager
def _temporary(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """_atomic's file, and its name (for writers that open it themselves, as SQLite's backup)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    _remove_leftovers(folder)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.prs-{os.getpid()}-", suffix=".tmp")
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
        if exc.filename not in (None, tmp, str(path)):
            raise  # about another file (the database being read for the export): not this one
        raise InputError(f"cannot write {path} ({exc.strerror}); nothing was written") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_leftovers(folder: Path) -> None:
    """Remove hidden partial exports in `folder` left by a prs that was killed (its process is
    gone); one still being written by a live prs is left alone."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.endswith(".tmp") and entry.name.startswith(".")]
    except OSError:
        return
    for name in names:
        match = _PARTIAL.fullmatch(name)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            if os.stat(folder / name, follow_symlinks=False).st_uid == os.geteuid():
                os.unlink(folder / name)
        except OSError:
            pass  # gone already, or not ours to remove


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: it exists
    return True


@contextmanager
def _straight(path: Path) -> Iterator[BinaryIO]:
    """Write to a device or pipe as it is: there is nothing to replace or to sync."""
    try:
        handle = open(path, "wb")  # noqa: SIM115 - closed below, its errors turned into sentences
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror})") from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror})") from None


@contextmanager
def private_file(path: Path) -> Iterator[Path]:
    """For a writer that needs a file name rather than a handle (SQLite's backup): the name
    of an empty file beside `path`, mode 0600 from the start, synced and renamed over `path`
    when the block ends, removed if it fails."""
    with _temporary(Path(path)) as (_, name):
        yield name
