"""The centre's own settings: a small YAML file the officer may also edit by hand.

It is read and rewritten with ruamel.yaml's round-trip mode, so comments and key order the
officer wrote survive `prs config set`; it is written owner-only and whole (files.write_private)
because the authorised staff list names people.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from prs_cli import paths
from prs_cli.errors import DataError, DataProblem, InputError

LEAD_DAYS_RANGE = (0, 30)
LOOK_AHEAD_RANGE = (1, 366)
TRIAGE_WITHIN_RANGE = (1, 100)
ENQUIRY_DAYS_RANGE = (1, 90)
HEADER = (
    "prs centre settings. Edit by hand or with `prs config set KEY VALUE`;\n"
    "your comments are kept. `prs config show` lists the settings.\n"
)


@dataclass(frozen=True)
class Settings:
    centre_number: str | None = None  # 5 digits, as text: leading zeros matter
    centre_name: str | None = None
    lead_days: int = 2  # internal deadline = the board's deadline minus this many days
    authorised_staff: tuple[str, ...] = ()  # empty: anyone may submit
    look_ahead_days: int = 14  # how far ahead `prs due` and `prs summary` look
    templates_dir: str | None = None  # the centre's own document templates (PRS_TEMPLATES wins)
    triage_within: int = 5  # `prs triage` lists results this many marks or fewer below the next grade
    # Cambridge English tells candidates to ask the centre for its enquiry deadline (CE-EAR);
    # 14 days is one centre's rule (seed:004), the default here.
    cambridge_english_enquiry_days: int = 14

    def calendar_settings(self) -> dict[str, int]:
        """The settings the calendar's windows name (`setting:` in awarding_bodies.yaml)."""
        return {"cambridge_english_enquiry_days": self.cambridge_english_enquiry_days}

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authorised_staff"] = list(self.authorised_staff)
        return data

    def may_submit(self, name: str) -> bool:
        """With no list set anyone may; otherwise the name must match one (case and spacing aside)."""
        if not self.authorised_staff:
            return True
        wanted = _fold(name)
        return any(_fold(person) == wanted for person in self.authorised_staff)


NAMES = tuple(Settings.__dataclass_fields__)


def check_submitter(settings: Settings, name: str | None) -> None:
    """seed:000: requests for internal candidates are submitted by an authorised member of staff."""
    if name is not None and settings.may_submit(name):
        return
    from prs_cli.errors import Refused

    who = f"{name!r} is not one of the centre's authorised staff" if name else "no submitter was named"
    raise Refused(
        f"{who}; only authorised staff may submit requests, so give --by with one of: "
        f"{', '.join(settings.authorised_staff)} (see 'prs config show')"
    )


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def load(path: Path | None = None) -> Settings:
    """The settings in force: the file's values over the defaults (no file: all defaults)."""
    path = path or paths.config_path()
    if not path.exists():
        return Settings()
    root = _read(path)
    return _settings_from(root, path)


def parse_value(key: str, text: str) -> Any:
    """The typed value of a setting typed on the command line, or one sentence saying why not."""
    key = setting_name(key)
    if key == "authorised_staff":
        names = tuple(" ".join(part.split()) for part in text.split(","))
        return tuple(n for n in names if n)
    return _check(key, text.strip(), typed=True)


def setting_name(given: str) -> str:
    """The setting's name, case and '-' or '_' aside, or UnknownCode with the nearest names."""
    from prs_cli import codes
    from prs_cli.errors import UnknownCode

    try:  # codes.resolve folds '_' to '-', so it is given the names in that spelling
        return codes.resolve("setting", given, [n.replace("_", "-") for n in NAMES]).replace("-", "_")
    except UnknownCode as exc:
        raise UnknownCode("setting", given, [s.replace("-", "_") for s in exc.suggestions], list(NAMES)) from None


def set_value(key: str, text: str, path: Path | None = None) -> Settings:
    """Change one setting in the file, keeping everything else the officer wrote; returns the result."""
    path = path or paths.config_path()
    key = setting_name(key)
    value = parse_value(key, text)
    if path.exists():
        root = _read(path)
        current = _settings_from(root, path)  # refuse to rewrite a file that is already wrong
    else:
        from ruamel.yaml.comments import CommentedMap

        root = CommentedMap()
        root.yaml_set_start_comment(HEADER)
        current = Settings()
    root[key] = _to_yaml(key, value)
    _write(path, root)
    return replace(current, **{key: value})


def _to_yaml(key: str, value: Any) -> Any:
    if key == "authorised_staff":
        from ruamel.yaml.comments import CommentedSeq

        return CommentedSeq(value)
    return value


def _read(path: Path) -> Any:
    from prs_cli.calendar.yamlsrc import read_yaml

    root = read_yaml(path)
    if root is None:
        from ruamel.yaml.comments import CommentedMap

        return CommentedMap()  # an empty (or comments-only) file is all defaults
    if not isinstance(root, dict):
        raise DataError([DataProblem(str(path), 1, 1, "the settings file must be a mapping of setting: value")])
    return root


def _settings_from(root: Any, path: Path) -> Settings:
    from prs_cli.calendar.yamlsrc import position

    values: dict[str, Any] = {}
    for key, raw in root.items():
        if key not in NAMES:
            from prs_cli.errors import UnknownCode

            line, col = position(root, (key,), key=True) or (None, None)
            try:
                setting_name(str(key))
                hint = ""
            except UnknownCode as exc:
                hint = f"; did you mean {' or '.join(exc.suggestions)}?" if exc.suggestions else ""
            raise DataError([DataProblem(str(path), line, col, f"unknown setting {key!r}{hint}")])
        try:
            values[key] = _from_yaml(key, raw)
        except InputError as exc:
            line, col = position(root, (key,)) or (None, None)
            raise DataError([DataProblem(str(path), line, col, exc.message)]) from None
    return Settings(**values)


def _from_yaml(key: str, raw: Any) -> Any:
    if raw is None:
        return getattr(Settings(), key)
    if key == "authorised_staff":
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(n, str) and n.strip() for n in items):
            raise InputError("authorised_staff must be a list of names")
        return tuple(" ".join(n.split()) for n in items)
    if key == "centre_number" and isinstance(raw, int) and not isinstance(raw, bool):
        width = getattr(raw, "_width", None) or 0  # ruamel keeps the leading zeros' width
        raw = f"{int(raw):0{width}d}"
    if isinstance(raw, (dict, list)) or isinstance(raw, bool):
        raise InputError(f"{key} must be {_expected(key)}")
    return _check(key, str(raw).strip(), typed=False)


def _expected(key: str) -> str:
    return {
        "centre_number": "5 digits, for example 12345",
        "centre_name": "text",
        "templates_dir": "a folder path",
        "lead_days": f"a whole number of days from {LEAD_DAYS_RANGE[0]} to {LEAD_DAYS_RANGE[1]}",
        "look_ahead_days": f"a whole number of days from {LOOK_AHEAD_RANGE[0]} to {LOOK_AHEAD_RANGE[1]}",
        "triage_within": f"a whole number of marks from {TRIAGE_WITHIN_RANGE[0]} to {TRIAGE_WITHIN_RANGE[1]}",
        "cambridge_english_enquiry_days": f"a whole number of days from {ENQUIRY_DAYS_RANGE[0]} to {ENQUIRY_DAYS_RANGE[1]}",
    }[key]


def _check(key: str, text: str, *, typed: bool) -> Any:
    given = f" (got {text!r})" if text else ""
    if key == "centre_number":
        if text == "" and typed:
            return None
        if not re.fullmatch(r"\d{5}", text):
            raise InputError(f"centre_number must be {_expected(key)}{given}")
        return text
    if key == "centre_name":
        return " ".join(text.split()) or None
    if key == "templates_dir":
        return text or None
    low, high = {"lead_days": LEAD_DAYS_RANGE, "triage_within": TRIAGE_WITHIN_RANGE, "cambridge_english_enquiry_days": ENQUIRY_DAYS_RANGE}.get(key, LOOK_AHEAD_RANGE)
    if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
        raise InputError(f"{key} must be {_expected(key)}{given}")
    return int(text)


def _write(path: Path, root: Any) -> None:
    import io

    from ruamel.yaml import YAML

    from prs_cli.files import write_private

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(root, buffer)
    paths.ensure_private_dir(path.parent)
    write_private(path, buffer.getvalue())
