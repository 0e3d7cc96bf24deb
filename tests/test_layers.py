"""The layers import one way (README, Development): cli -> service -> rules and store; render
apart. A command module reaches another command's work only through service/, never by
importing it, so each rule and each use case lives once."""

from __future__ import annotations

import ast

import pytest

from tests_support import REPO

SRC = REPO / "src" / "prs_cli"
SHARED_CLI = {"prs_cli.cli.common"}  # the options and parsing steps every command shares


def imports(path) -> set[str]:
    """Every prs_cli module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("prs_cli.")}


def modules(package: str):
    return sorted((SRC / package).glob("*.py"))


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 else None


@pytest.mark.parametrize("path", modules("cli"), ids=lambda p: p.name)
def test_no_command_module_imports_another(path):
    own = f"prs_cli.cli.{path.stem}"
    others = {n for n in imports(path) if layer(n) == "cli" and n != own and n not in SHARED_CLI and n != "prs_cli.cli"}
    assert not others, f"cli/{path.name} imports {sorted(others)}: move the shared work into service/"


# What each layer must never import.
FORBIDDEN = {
    "service": {"cli", "render"},
    "rules": {"cli", "service", "store", "render"},
    "render": {"cli", "service", "store"},
    "store": {"cli", "service", "render"},
}


@pytest.mark.parametrize("package, path", [(p, m) for p in FORBIDDEN for m in modules(p)], ids=lambda v: getattr(v, "name", v))
def test_each_layer_imports_only_downwards(package, path):
    wrong = {n for n in imports(path) if layer(n) in FORBIDDEN[package]}
    assert not wrong, f"{package}/{path.name} imports {sorted(wrong)}"


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from prs_cli.cli.request import app\n", encoding="utf-8")
    assert "prs_cli.cli.request" in imports(sample)
