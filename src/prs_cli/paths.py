"""Where prs keeps its files: the one place that decides.

PRS_HOME, when set, holds everything (database, config, cache); otherwise the platform's
user directories (platformdirs) are used. platformdirs is imported only when needed.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "prs"


def _home() -> Path | None:
    value = os.environ.get("PRS_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    return data_dir() / "prs.sqlite3"


def config_path() -> Path:
    return config_dir() / "config.yaml"


def bundled_data_dir() -> Path:
    """The calendar shipped with prs: inside the installed package, or data/ in a checkout."""
    packaged = Path(__file__).parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def user_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The officer's own calendar folder (--data-dir or PRS_DATA_DIR), read beside the bundled one."""
    value = explicit or os.environ.get("PRS_DATA_DIR")
    return Path(value).expanduser() if value else None


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
