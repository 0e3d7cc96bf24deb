"""Files that may hold personal data: created owner-only, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prs_cli.errors import InputError


def write_private(path: Path, content: str | bytes, *, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write `content` to `path` atomically with mode 0600.

    A temporary file beside the target is written and renamed over it, so an interrupted
    export never leaves half a file, and the file is never readable by others, even briefly.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    data = content.encode(encoding) if isinstance(content, str) else content
    if newline is not None and isinstance(content, str):
        data = content.replace("\n", newline).encode(encoding)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror})") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
