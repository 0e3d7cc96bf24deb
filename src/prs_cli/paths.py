"""Where prs keeps its files: the one place that decides, and checks.

PRS_HOME, when set, holds everything (database, config, cache); otherwise the platform's
user directories (platformdirs) are used. PRS_CACHE_DIR, when set, moves the calendar cache
alone. platformdirs is imported only when needed.

Every location handed out is first checked (POSIX only) to be one no other user can change:
another user who could write to the database, the settings or the calendar cache could change
what prs shows an officer (see private()).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "prs"


def _home() -> Path | None:
    value = os.environ.get("PRS_HOME")
    return expand(value) if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return private(home, "PRS_HOME")
    import platformdirs

    return private(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), "the data folder")


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return private(home, "PRS_HOME")
    import platformdirs

    return private(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)), "the settings folder")


def cache_dir() -> Path:
    value = os.environ.get("PRS_CACHE_DIR")
    if value:
        return private(expand(value), "PRS_CACHE_DIR")
    home = _home()
    if home is not None:
        return private(private(home, "PRS_HOME") / "cache", "the cache folder", above=False)
    import platformdirs

    return private(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)), "the cache folder")


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database's path (checked, with its file, when store.db.connect opens it)."""
    if explicit:
        return expand(explicit)
    return data_dir() / "prs.sqlite3"


def config_path() -> Path:
    return private(config_dir() / "config.yaml", "the settings file")


def bundled_data_dir() -> Path:
    """The calendar shipped with prs: inside the installed package, or data/ in a checkout."""
    packaged = Path(__file__).parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def user_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The officer's own calendar folder (--data-dir or PRS_DATA_DIR), read beside the bundled one."""
    value = explicit or os.environ.get("PRS_DATA_DIR")
    return expand(value) if value else None


def ensure_private_dir(path: Path) -> Path:
    """Create a directory, and any missing parents, readable by its owner only (personal data
    lives below it). mkdir(parents=True) would give the parents the default mode instead."""
    missing = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass  # another prs made it a moment ago
    return path


def private(path: Path, what: str, *, above: bool = True) -> Path:
    """`path`, once it is clear no other user can change it; else SharedLocation (exit 2).

    The file or folder itself (when it exists) must belong to this user and be writable by no
    group or other user. Every folder above it (or above where it will be made) must belong to
    this user or root and not be writable by everyone, unless it has the sticky bit (as /tmp
    does, where others cannot rename what is ours); a group-writable folder above is accepted,
    as many Linux systems give each user a group of their own. above=False skips the folders
    above (already checked). Windows is not checked (its folders are guarded by access lists,
    not modes).
    """
    if os.name == "nt":
        return path
    import stat

    me = os.geteuid()
    current = os.path.realpath(path) if above else os.fspath(path)
    itself = True
    while True:
        try:
            info = os.stat(current)
        except OSError:
            info = None  # not made yet (prs makes it owner-only), or unreadable: the open says so
        if info is not None:
            mode = info.st_mode
            if itself:
                if info.st_uid != me:
                    _refuse(path, what, "it belongs to another user")
                if mode & (stat.S_IWGRP | stat.S_IWOTH):
                    import shlex

                    _refuse(path, what, f"other users can write to it (mode {stat.S_IMODE(mode):04o}); "
                                        f"make it yours alone with chmod go-w {shlex.quote(str(path))}")
            elif info.st_uid not in (me, 0) or (mode & stat.S_IWOTH and not mode & stat.S_ISVTX):
                _refuse(path, what, f"other users can change the folder {current} that holds it")
        itself = False
        parent = os.path.dirname(current)
        if parent == current or not above:
            return path
        current = parent


def private_file(path: Path, what: str) -> Path:
    """private(path), and a file other users can read made owner-only (0600), saying so once on
    stderr: it may hold personal data."""
    private(path, what)
    if os.name == "nt":
        return path
    import stat

    try:
        info = os.stat(path)
        mode = stat.S_IMODE(info.st_mode)
        if not stat.S_ISREG(info.st_mode) or not mode & 0o077:
            return path
        os.chmod(path, 0o600)
    except OSError:
        return path  # opening it will say what is wrong
    import sys

    print(f"Warning: {what} {path} was readable by other users (mode {mode:04o}); it is now yours alone (0600).",
          file=sys.stderr)
    return path


def _refuse(path: Path, what: str, why: str) -> None:
    from prs_cli.errors import SharedLocation

    raise SharedLocation(f"refusing to use {what} {path}: {why}")


def owned_files(db: str | os.PathLike[str] | None = None) -> tuple[list[tuple[Path, str]], list[Path]]:
    """What an export must never be written over: ([(file, what it is)], [folders]): the
    database and its journals, the settings, and the cache and calendar folders."""
    database = database_path(db)
    files = [(database, "the prs database")]
    files += [(database.with_name(database.name + suffix), "the prs database's journal") for suffix in ("-journal", "-wal", "-shm")]
    files.append((config_path(), "the prs settings file"))
    folders = [cache_dir(), bundled_data_dir()]
    own_calendar = user_data_dir()
    if own_calendar is not None:
        folders.append(own_calendar)
    return files, folders


def expand(value: str | os.PathLike[str]) -> Path:
    """A path as typed, `~` and `~user` expanded; a `~user` with no such user (or no home
    folder to be found) is one sentence, not a traceback."""
    from prs_cli.errors import InputError

    try:
        return Path(value).expanduser()
    except RuntimeError:
        raise InputError(f"{value}: no such user's home folder to expand '~' in; give the full path") from None
