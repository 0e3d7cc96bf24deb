"""Documents from Jinja2 templates: the bundled ones, or a centre's own of the same name.

Templates live in prs_cli/templates; a folder of the centre's own (PRS_TEMPLATES, else the
`templates_dir` setting) is searched first, so a school replaces one template (its letterhead,
say) and keeps the rest. HTML and Markdown templates escape every value (autoescape), so a name
or note can never become markup; text templates fit 80 columns with the `wrap` filter.
"""

from __future__ import annotations

import os
from pathlib import Path

from prs_cli.errors import InputError

FORMATS = {"text": "txt", "markdown": "md", "html": "html"}
TEXT_WIDTH = 78  # text documents: every line fits 80 columns, with room for a margin
BUNDLED = Path(__file__).resolve().parent.parent / "templates"


def centre_templates(setting: str | None) -> Path | None:
    """PRS_TEMPLATES, else the `templates_dir` setting; the folder must exist."""
    value = os.environ.get("PRS_TEMPLATES") or setting
    if not value:
        return None
    from prs_cli.paths import expand

    folder = expand(value)
    if not folder.is_dir():
        raise InputError(f"templates folder {folder} not found (PRS_TEMPLATES or the templates_dir setting)")
    return folder


def _escaped(name: str | None) -> bool:
    return name is not None and name.endswith((".html.j2", ".md.j2"))


def environment(centre: Path | None = None):
    """The Jinja2 environment: the centre's folder first, then the bundled templates."""
    import jinja2

    folders = [str(centre)] if centre is not None else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(BUNDLED)]),
        autoescape=_escaped,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wrap"] = wrap
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    env.filters["md"] = _markdown_text
    return env


def render(env, name: str, context: dict) -> str:
    """One document; a mistake in a template (a centre's own, most likely) is one sentence that
    names the template and line, never the values it was given."""
    import jinja2

    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template {exc.filename or name}, line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"template {exc.name} not found in the centre's templates folder or prs's own") from None
    except jinja2.UndefinedError as exc:
        raise InputError(f"template {name} uses something prs does not provide ({exc.message})") from None


def wrap(text, width: int = TEXT_WIDTH, indent: int = 0, first: int | None = None) -> str:
    """Text filled to `width` columns, words whole; `indent` spaces before each line after the
    first (and `first` before the first, default the same)."""
    import textwrap

    pad = " " * indent
    lead = pad if first is None else " " * first
    return textwrap.fill(" ".join(str(text).split()), width, initial_indent=lead, subsequent_indent=pad,
                         break_on_hyphens=False)


def _day(value) -> str:
    from prs_cli.rules.days import when

    return when(value)


def _moment(value) -> str:
    from prs_cli.rules.days import when

    return f"{when(value.date())} at {value:%H:%M}"


_MARKDOWN_SPECIAL = "\\`*_[]|~"


def _markdown_text(value) -> str:
    """Text that Markdown shows as written: its punctuation backslash-escaped (autoescape then
    turns <, > and & into entities)."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(value))


def write_papers(env, papers, template: str, kind: str, fmt: str, out: Path) -> list[Path]:
    """Each paper rendered with `template` in `fmt` and written owner-only into `out` (created
    owner-only if missing), every one rendered before any is written so that a mistake in a
    template leaves no half set; returns the paths written."""
    from prs_cli.files import write_private
    from prs_cli.paths import ensure_private_dir

    if not papers:
        return []
    extension = FORMATS[fmt]
    rendered = [(out / paper.filename(kind, extension), render(env, f"{template}.{extension}.j2", paper.context)) for paper in papers]
    try:
        ensure_private_dir(out)
    except OSError as exc:
        raise InputError(f"cannot create the folder {out} ({exc.strerror})") from None
    if not out.is_dir():
        raise InputError(f"{out} is not a folder")
    for path, text in rendered:
        write_private(path, text)
    return [path for path, _ in rendered]
