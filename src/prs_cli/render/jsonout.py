"""JSON for scripts: stable keys, ISO dates, UTF-8, one document on stdout."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any) -> str:
    from prs_cli.render.text import json_escaped

    return json_escaped(json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def write_array(items, write) -> int:
    """A JSON array written as it is made, one compact item per line; returns how many.

    For lists that grow with the log (100,000 requests are some 150 MB of JSON): nothing is
    held, and json's C encoder does the work (it is not used when indenting)."""
    from prs_cli.render.text import json_escaped

    count = 0
    chunk: list[str] = []
    for item in items:
        chunk.append(("[\n" if count == 0 else ",\n") + json_escaped(json.dumps(item, default=_default, ensure_ascii=False)))
        count += 1
        if len(chunk) >= 500:
            write("".join(chunk))
            chunk.clear()
    chunk.append("\n]\n" if count else "[]\n")
    write("".join(chunk))
    return count
