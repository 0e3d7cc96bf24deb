"""The validated calendar kept as JSON, so ordinary runs skip YAML and pydantic.

The file is data only: reading it can never run code, and it is rebuilt into the model's
records (NamedTuples, model.py) field by field, as the annotations say. It holds a key beside
the calendar (and a checksum of it); the key names every calendar file (path, file id, size, modification time), a checksum
of this package's own source (so a change to the loader's checks or to the model is never
bypassed by a warm cache) and the installed `holidays` package (the bank holidays come from
it). A file whose key differs, or that does not read back into the model (truncated, damaged,
foreign), is ignored and rebuilt. It lives in the cache folder, which paths.cache_dir refuses
to use if another user could write to it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import types
import typing
import zlib
from pathlib import Path

from prs_cli import __version__, paths
from prs_cli.calendar.model import Calendar

FILE_NAME = "calendar.json"
FORMAT = "prs-calendar-cache-1"  # how records are laid out in the file (key and calendar)
_PACKAGE = Path(__file__).parent


def key(files: list[Path]) -> list[str] | None:
    """What the cached calendar was built from, or None when a file is missing (the loader
    then reports it)."""
    try:
        parts = [FORMAT, __version__, _code_checksum(), _holidays_stamp()]
        for path in files:
            info = os.stat(path)
            parts.append(f"{os.path.abspath(path)}:{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}")
    except OSError:
        return None
    return parts


def read(wanted: list[str], *, name: str = FILE_NAME, record: type = Calendar):
    """The cached `record` (the calendar unless told) if it was built from exactly `wanted`;
    None for anything else."""
    target = paths.cache_dir() / name
    try:
        with open(target, "rb") as handle:
            info, me = os.fstat(handle.fileno()), _me()
            if me is not None and (info.st_uid != me or info.st_mode & 0o022):
                return None  # not written by this user's prs: rebuilt (and replaced) below
            header, _, body = handle.read().partition(b"\n")
        stored = json.loads(header)
        if stored["key"] != wanted or stored["checksum"] != zlib.crc32(body):
            return None
        return (_decode_calendar if record is Calendar else _record(record))(json.loads(body))
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing, stale, truncated or damaged: simply rebuilt


def write(built_from: list[str], calendar: tuple, *, name: str = FILE_NAME) -> None:
    """Keep the calendar (or another record of the calendar package, under `name`) for the next
    run (owner-only, written whole or not at all): a line of JSON saying what it was built from
    and the checksum of the rest, then the record as JSON."""
    from prs_cli.errors import InputError
    from prs_cli.files import write_private

    folder = paths.cache_dir()
    body = json.dumps(calendar, default=_plain, ensure_ascii=False, separators=(",", ":")).encode()
    header = json.dumps({"key": built_from, "checksum": zlib.crc32(body)}).encode()
    try:
        paths.ensure_private_dir(folder)
        write_private(folder / name, header + b"\n" + body)
        (folder / "calendar.pickle").unlink(missing_ok=True)  # the old format's file, never read now
    except (OSError, InputError):
        pass  # no cache this time (read-only home, full disk): correct, only slower


def _me() -> int | None:
    """This user's id; None on Windows, where files have no POSIX owner (paths.private)."""
    return None if os.name == "nt" else os.geteuid()


def _code_checksum() -> str:
    """A checksum of the calendar package's source: any edit to it makes a new key."""
    checksum = 0
    for name in sorted(os.listdir(_PACKAGE)):
        if name.endswith(".py"):
            checksum = zlib.crc32(name.encode() + (_PACKAGE / name).read_bytes(), checksum)
    return f"{checksum:08x}"


def _holidays_stamp() -> str:
    """The installed holidays package's United Kingdom rules (size and time of the file), so an
    upgrade that adds a bank holiday reaches the cached calendar."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return "holidays:none"
    package = Path(spec.origin).parent
    stamps = []
    for path in (package / "__init__.py", package / "countries" / "united_kingdom.py"):
        info = os.stat(path)
        stamps.append(f"{info.st_size}:{info.st_mtime_ns}")
    return "holidays:" + ":".join(stamps)


def _plain(value):
    """JSON for what json does not know: dates and times as ISO text, the bank holidays as a
    sorted list."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    raise TypeError(f"the calendar cache cannot hold {type(value).__name__}")


# --- reading back: one converter per annotation, built once from model.py ----------------------


def _converter(kind):
    """A function turning the JSON for a value of type `kind` back into it (None: as is)."""
    if kind in (str, int, bool) or typing.get_origin(kind) is typing.Literal:
        return None
    if kind is dt.date:
        return dt.date.fromisoformat
    if kind is dt.time:
        return dt.time.fromisoformat
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return _record(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        inner = _converter(args[0] if args[1] is type(None) else args[1])
        if inner is None:
            return None
        return lambda value: None if value is None else inner(value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _converter(args[0])
        return tuple if item is None else (lambda values: tuple(map(item, values)))
    if origin is tuple and all(_converter(arg) is None for arg in args):
        return lambda values: tuple(values) if type(values) is list and len(values) == len(args) else _wrong(kind)
    if origin is dict and args[0] is str:
        item = _converter(args[1])
        return dict if item is None else (lambda mapping: {k: item(v) for k, v in mapping.items()})
    if origin is frozenset:
        item = _converter(args[0])
        return frozenset if item is None else (lambda values: frozenset(map(item, values)))
    raise TypeError(f"the calendar cache cannot hold {kind!r}: teach calendar/cache.py this type")


def _record(cls):
    """The converter for one NamedTuple: its fields in order, those JSON cannot hold converted."""
    written = cls.__annotations__  # postponed (strings or forward references) in a module with `from __future__ import annotations`
    kinds = typing.get_type_hints(cls) if any(isinstance(k, (str, typing.ForwardRef)) for k in written.values()) else written
    converted = [(index, change) for index, kind in enumerate(kinds.values())
                 if (change := _converter(kind)) is not None]
    count = len(cls._fields)
    make = cls._make

    def convert(values):
        if type(values) is not list or len(values) != count:
            _wrong(cls)
        for index, field in converted:
            values[index] = field(values[index])
        return make(values)

    return convert


def _wrong(kind):
    raise ValueError(f"not a {kind!r} as this prs writes it")


_decode_calendar = _record(Calendar)
