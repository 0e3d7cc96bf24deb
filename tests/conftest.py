"""Every test runs with PRS_HOME in a temporary folder: no test can touch a real user's data.

The calendar cache is one folder for the whole session (PRS_CACHE_DIR), so the YAML calendar is
validated once, not once per test; tests of the cache itself ask for `own_cache` instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def pytest_configure(config):
    """Temporary folders in memory where the system has it (/dev/shm) unless TMPDIR or
    --basetemp says otherwise: the suite's databases commit thousands of times, and on a disk
    each commit waits for fsync (most of the suite's time on a busy disk), which no test here is
    about (a killed process loses nothing the disk would have kept)."""
    memory = Path("/dev/shm")
    if config.option.basetemp or "TMPDIR" in os.environ or not memory.is_dir() or not os.access(memory, os.W_OK | os.X_OK):
        return
    os.environ["TMPDIR"] = str(memory)  # for the tests' subprocesses too
    tempfile.tempdir = None  # worked out again from TMPDIR


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("calendar-cache")


@pytest.fixture(autouse=True)
def prs_home(tmp_path, monkeypatch, session_cache) -> Path:
    home = tmp_path / "prs-home"
    monkeypatch.setenv("PRS_HOME", str(home))
    monkeypatch.setenv("PRS_CACHE_DIR", str(session_cache))
    for name in ("PRS_TODAY", "PRS_DATA_DIR", "PRS_DEBUG", "PRS_DB", "NO_COLOR", "PRS_BUSY_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)  # nothing a test writes by a relative path lands in the checkout
    return home


@pytest.fixture
def own_cache(prs_home, monkeypatch) -> Path:
    """The cache where an officer's prs keeps it (PRS_HOME/cache), for tests of the cache itself."""
    monkeypatch.delenv("PRS_CACHE_DIR")
    return prs_home / "cache"


@pytest.fixture(scope="session")
def calendar():
    from prs_cli.calendar.load import load_calendar

    return load_calendar(None, use_cache=False)


@pytest.fixture
def cli():
    """Run `prs` in-process through Typer's CliRunner; returns the Result."""
    from typer.testing import CliRunner

    from prs_cli.cli.app import app

    runner = CliRunner()

    def run(*args: str, env: dict | None = None, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], env=env, input=input, catch_exceptions=False)

    return run


@pytest.fixture
def prs_process(prs_home):
    """Run `prs` as a real subprocess (install, cron and concurrency paths)."""
    import subprocess

    def run(*args: str, env: dict | None = None, timeout: float = 60, **kwargs):
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "prs_cli", *[str(a) for a in args]],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            **kwargs,
        )

    return run
