"""Read a YAML file keeping every node's line and column, so errors can point at them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prs_cli.errors import DataError, DataProblem

MAX_BYTES = 2 * 1024 * 1024  # the whole bundled calendar is under 200 KB; parsing 34 MB took minutes


def _yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class _KeepTimestampsAsText(RoundTripConstructor):
        """ruamel turns 2026-02-30 into a bare ValueError with no position; pydantic, given the
        text, reports it against the field, and we know the field's line."""

    _KeepTimestampsAsText.add_constructor(
        "tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str
    )
    yaml = YAML(typ="rt")
    yaml.Constructor = _KeepTimestampsAsText
    return yaml


def read_yaml(path: Path) -> Any:
    """The parsed document (ruamel round-trip nodes), or DataError naming file:line:column."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from prs_cli.files import read_at_most

    shown = str(path)
    try:
        raw = read_at_most(path, MAX_BYTES)
        if len(raw) > MAX_BYTES:
            raise DataError([DataProblem(shown, None, None, f"larger than {MAX_BYTES // 2**20} MB, far more than a calendar or settings file holds; not read")])
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise DataError([DataProblem(shown, None, None, "file not found")]) from None
    except IsADirectoryError:
        raise DataError([DataProblem(shown, None, None, "a folder, not a file")]) from None
    except UnicodeDecodeError:
        raise DataError([DataProblem(shown, None, None, "not UTF-8 text")]) from None
    except OSError as exc:
        raise DataError([DataProblem(shown, None, None, f"cannot read ({exc.strerror})")]) from None
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        problem = problem.replace("\n", " ")
        if mark is None:
            raise DataError([DataProblem(shown, None, None, problem)]) from None
        raise DataError([DataProblem(shown, mark.line + 1, mark.column + 1, problem)]) from None
    except (YAMLError, ValueError) as exc:
        raise DataError([DataProblem(shown, None, None, f"invalid YAML ({exc})")]) from None


def position(root: Any, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int] | None:
    """1-based (line, column) of the node at `loc` in a round-trip tree.

    With key=True the last element's key is pointed at (for an unknown field). When the path
    runs out (a missing field), the nearest existing parent is pointed at.
    """
    node = root
    where = _start(root)
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        try:
            if hasattr(node, "lc") and isinstance(node, dict) and part in node:
                spot = node.lc.key(part) if (key and last) else node.lc.value(part)
                node = node[part]
            elif hasattr(node, "lc") and isinstance(node, list) and isinstance(part, int):
                if not 0 <= part < len(node):
                    break
                spot = node.lc.item(part)
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
        if spot is not None:
            where = (spot[0] + 1, spot[1] + 1)
    return where


def _start(node: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return (lc.line + 1, lc.col + 1)
