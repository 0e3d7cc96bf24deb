"""The README and the help cannot drift from the commands (after sqlite-utils' test_docs)."""

from __future__ import annotations

import re

import pytest

from prs_cli.cli.app import COMMANDS, all_commands
from tests_support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
LEAVES = [(" ".join(path), command) for path, command in all_commands()]


@pytest.mark.parametrize("name, command", LEAVES, ids=[name for name, _ in LEAVES])
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert (command.help or "").strip(), f"prs {name} has no help text"
    assert f"prs {name}" in README, f"prs {name} is not documented in README.md"
    for param in command.params:
        if param.param_type_name == "option" and "--help" not in param.opts:
            assert (getattr(param, "help", None) or "").strip(), f"prs {name} {param.opts[0]} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_root_help_matches_each_command(name):
    import importlib

    module_name, attribute, short = COMMANDS[name]
    target = getattr(importlib.import_module(module_name), attribute)
    own = target.info.help if hasattr(target, "info") else target.__doc__
    first_sentence = re.split(r"(?<=[.?])\s", " ".join(own.split()), maxsplit=1)[0]
    assert first_sentence == short


def test_readme_commands_are_what_ci_runs():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in ci.splitlines() if "pytest" in line)
    assert f"```sh\n{test_command}\n```" in README
    assert "```sh\npython3 -m venv .venv && .venv/bin/pip install . && .venv/bin/prs deadlines\n```" in README


def test_every_dependency_is_explained():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in wanted:
        name = re.split(r"[<>=;\[ ]", requirement, maxsplit=1)[0].strip()
        assert re.search(rf"\| {re.escape(name)}\b", README), f"README does not say why {name} is there"


def test_the_project_points_only_inside_itself():
    # issue 11 item 19: the README and docs point at the project's own docs, never outside it
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path


def test_docs_sources_lists_every_source_key_the_data_uses():
    # issue 11 item 19: docs/sources.md carries every key, with title, publisher, address and date
    from prs_cli.calendar.load import load_calendar

    text = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
    for key, source in load_calendar(None, use_cache=False).sources.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, key
        assert source.publisher in row and source.read in row and (source.address or "supplied document") in row, key
