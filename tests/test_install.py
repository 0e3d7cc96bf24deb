"""The installed command, run as a new user would: from any folder, as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import prs_cli
from prs_cli import paths
from tests_support import REPO


def test_the_calendar_ships_inside_the_installed_package():
    installed = Path(prs_cli.__file__).resolve().parent
    if REPO / "src" in installed.parents:
        # an editable install during development: the checkout's data/ is used
        assert paths.bundled_data_dir() == REPO / "data"
    else:
        assert paths.bundled_data_dir() == installed / "data"
    for name in ("awarding_bodies.yaml", "series_2026.yaml"):
        assert (paths.bundled_data_dir() / name).is_file()


def test_console_script_runs_from_another_folder(tmp_path, prs_home):
    script = shutil.which("prs", path=str(Path(sys.executable).parent))
    assert script, "pip install should put a prs command beside python"
    env = {**os.environ, "PRS_HOME": str(prs_home), "PRS_TODAY": "2026-08-14", "NO_COLOR": "1"}
    done = subprocess.run([script, "deadlines", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert any(i["service"] == "PS2" and i["date"] == "2026-08-20" for i in json.loads(done.stdout))
    table = subprocess.run([script, "deadlines"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert "Thu 20 Aug 2026" in table.stdout and "\x1b" not in table.stdout


def test_bad_input_in_a_real_process_is_one_sentence(prs_process):
    done = prs_process("request", "add", "--candidate", "12", "--ab", "AQA", "-q", "gcse", "--component", "8300/1H", "--service", "S2")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: ")
    assert "Traceback" not in done.stderr


def test_a_folder_given_as_the_database_is_one_sentence(prs_process, prs_home):
    prs_home.mkdir(parents=True, exist_ok=True)
    done = prs_process("request", "list", "--db", str(prs_home))  # a folder where the file should be
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr
