"""Hypothesis throws arbitrary arguments at every command: never a traceback, only exit 0, 1 or 2.

Commands are found by walking the Typer app, so a new command is fuzzed without editing this file.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prs_cli.cli.app import app

VALUES = [
    "", " ", "x", "S2", "ps2", "AQA", "aqq", "gce-a-level", "gcse", "june-2026", "june-2099",
    "2026-08-20", "2026-02-30", "2026-08-13T07:30", "20/08/2026", "1234", "123", "12345", "-1", "0",
    "999999999999999999999", "1.5", "=HYPERLINK(\"x\")", "Zoë O'Brien", "a,b,,c", "S1,S2,ATS-P",
    "/nonexistent/file.csv", "../etc/passwd", "true", "yes", "text", "json", "markdown", "\t",
]


def _commands():
    from prs_cli.cli.app import all_commands

    return [
        (path, [opt for p in command.params for opt in p.opts if opt.startswith("--")], None)
        for path, command in all_commands()
    ]


COMMANDS = _commands()


def test_every_command_is_fuzzed():
    names = {" ".join(path) for path, _, _ in COMMANDS}
    assert "deadlines" in names and "data check" in names


# `prs data check` validates the YAML afresh on every run (no cache, by design): a third of a
# second an example, so it gets fewer; its own tests cover its input.
REVALIDATING = {("data", "check")}


@pytest.mark.parametrize("path, options, positional", [c for c in COMMANDS if tuple(c[0]) not in REVALIDATING],
                         ids=[" ".join(c[0]) for c in COMMANDS if tuple(c[0]) not in REVALIDATING])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_traceback(cli_runner_env, path, options, positional, data):
    _fuzz(cli_runner_env, path, options, data)


@pytest.mark.parametrize("path, options, positional", [c for c in COMMANDS if tuple(c[0]) in REVALIDATING],
                         ids=[" ".join(c[0]) for c in COMMANDS if tuple(c[0]) in REVALIDATING])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_traceback_revalidating(cli_runner_env, path, options, positional, data):
    _fuzz(cli_runner_env, path, options, data)


def _fuzz(cli_runner_env, path, options, data) -> None:
    args = list(path)
    for _ in range(data.draw(st.integers(0, 5))):
        if options and data.draw(st.booleans()):
            args.append(data.draw(st.sampled_from(options)))
        args.append(data.draw(st.sampled_from(VALUES) | st.text(max_size=12).filter(lambda s: "\x00" not in s)))
    runner, env = cli_runner_env
    result = runner.invoke(app, args, env=env)
    assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output


@pytest.fixture
def cli_runner_env(prs_home, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)  # a fuzzed export must not write into the checkout

    return CliRunner(), {"PRS_HOME": str(prs_home), "PRS_TODAY": "2026-08-21", "PRS_BUSY_TIMEOUT": "1"}


def test_a_tilde_user_that_does_not_exist_is_a_sentence(cli):
    # found by the fuzz above: `--db ~0` made Path.expanduser raise RuntimeError (exit 3)
    result = cli("paths", "--db", "~no-such-user-prs")
    assert result.exit_code == 2 and "no such user's home folder" in result.stderr
