"""Issue 13, item 10: shell completion for bash, zsh and fish, from the installed command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def prs_command(prs_home):
    script = shutil.which("prs", path=str(Path(sys.executable).parent))
    assert script, "pip install should put a prs command beside python"

    def run(*args, **env):
        return subprocess.run([script, *args], env={**os.environ, "PRS_HOME": str(prs_home), **env},
                              capture_output=True, text=True, timeout=60)

    return run


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o default -F _prs_completion prs"), ("zsh", "#compdef prs"), ("fish", "complete --command prs"),
])
def test_the_installed_command_writes_a_completion_script_for_each_shell(prs_command, shell, marker):
    done = prs_command(_PRS_COMPLETE=f"source_{shell}")
    assert done.returncode == 0 and marker in done.stdout and f"_PRS_COMPLETE=complete_{shell}" in done.stdout


def test_show_completion_prints_the_script_for_the_shell_in_use(prs_home):
    script = shutil.which("prs", path=str(Path(sys.executable).parent))
    # "; true" keeps bash running as prs's parent (a lone command would replace it), so the
    # shell in use is bash
    done = subprocess.run(["bash", "-c", f"'{script}' --show-completion; true"], env={**os.environ, "PRS_HOME": str(prs_home)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "complete -o default -F _prs_completion prs" in done.stdout


def test_completion_offers_commands_and_sub_commands(prs_command):
    commands = prs_command(_PRS_COMPLETE="complete_bash", COMP_WORDS="prs ba", COMP_CWORD="1")
    assert commands.stdout.split() == ["backup"]
    subcommands = prs_command(_PRS_COMPLETE="complete_bash", COMP_WORDS="prs consent c", COMP_CWORD="2")
    assert subcommands.stdout.split() == ["check"]
    options = prs_command(_PRS_COMPLETE="complete_bash", COMP_WORDS="prs request list --ov", COMP_CWORD="3")
    assert options.stdout.split() == ["--overdue"]
