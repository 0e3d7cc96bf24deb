"""Loading calendar files: every mistake is one line `file:line:column: what`, exit 2."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from prs_cli.calendar.load import load_calendar
from prs_cli.errors import DataError

GOOD_SERIES = """\
series:
  june-2027:
    name: June 2027
    releases:
      - qualifications: [gce-a-level]
        date: 2027-08-12
        source: test fixture
    deadlines:
      - services: [S1, S2]
        date: 2027-09-23
        source: test fixture
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problem_lines(tmp_path: Path, text: str) -> list[str]:
    folder = tmp_path / "cal"
    write(folder, "series_2027.yaml", text)
    with pytest.raises(DataError) as caught:
        load_calendar(folder, use_cache=False)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "text, where, says",
    [
        # an impossible date: line 7, where the value starts
        (GOOD_SERIES.replace("2027-08-12", "2027-02-30"), ":6:15:", "date"),
        # bad YAML: an unclosed flow sequence
        (GOOD_SERIES.replace("[gce-a-level]", "[gce-a-level"), ":", "expected"),
        # an unknown service code
        (GOOD_SERIES.replace("[S1, S2]", "[S1, S9]"), ":9:24:", "unknown service 'S9'"),
        # an unknown qualification
        (GOOD_SERIES.replace("[gce-a-level]", "[gce-a-levels]"), ":5:26:", "unknown qualification 'gce-a-levels'"),
        # a missing field: the release has no source
        (GOOD_SERIES.replace("        source: test fixture\n    deadlines", "    deadlines"), ":5:9:", "required field 'source'"),
        # a misspelt field
        (GOOD_SERIES.replace("        date: 2027-09-23", "        dat: 2027-09-23"), ":10:9:", "unknown field 'dat'"),
        # a bad series id
        (GOOD_SERIES.replace("june-2027:", "June 2027:"), ":2:3:", "series id"),
        # a duplicate key
        (GOOD_SERIES.replace("    name: June 2027\n", "    name: June 2027\n    name: again\n"), ":", "duplicate"),
        # tabs are not YAML indentation
        (GOOD_SERIES.replace("    name: June 2027", "\tname: June 2027"), ":", ""),
        # a list where a mapping belongs
        ("series:\n  - june-2027\n", ":2:3:", "series"),
        # a provisional date with no note
        (GOOD_SERIES.replace("        source: test fixture\n    deadlines", "        source: test fixture\n        provisional: true\n    deadlines"), ":5:9:", "needs a note"),
    ],
)
def test_each_mistake_is_located(tmp_path, text, where, says):
    lines = problem_lines(tmp_path, text)
    assert lines, "expected at least one problem"
    assert all(line.startswith(str(tmp_path / "cal" / "series_2027.yaml")) for line in lines)
    assert where in lines[0]
    assert says.lower() in lines[0].lower()


def test_empty_and_non_mapping_files(tmp_path):
    assert "must be a mapping" in problem_lines(tmp_path, "")[0]
    assert "must be a mapping" in problem_lines(tmp_path, "- a\n- b\n")[0]


def test_binary_file_is_reported_not_raised(tmp_path):
    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "series_2027.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataError, match="not UTF-8"):
        load_calendar(folder, use_cache=False)


def test_a_new_series_is_a_yaml_file(tmp_path, calendar):
    folder = tmp_path / "cal"
    write(folder, "series_2027.yaml", GOOD_SERIES)
    merged = load_calendar(folder, use_cache=False)
    assert "june-2027" in merged.series and "june-2026" in merged.series
    assert merged.origin["june-2027"].endswith("series_2027.yaml")
    assert merged.holiday_years[1] >= 2030


def test_the_officers_series_replaces_the_bundled_one(tmp_path):
    folder = tmp_path / "cal"
    write(folder, "series_2026.yaml", GOOD_SERIES.replace("june-2027", "june-2026").replace("June 2027", "June 2026 (ours)"))
    merged = load_calendar(folder, use_cache=False)
    assert merged.series["june-2026"].name == "June 2026 (ours)"


def test_two_files_in_one_folder_may_not_define_one_series(tmp_path):
    folder = tmp_path / "cal"
    write(folder, "series_2027.yaml", GOOD_SERIES)
    write(folder, "series_2027b.yaml", GOOD_SERIES)
    with pytest.raises(DataError, match="also defined"):
        load_calendar(folder, use_cache=False)


def test_missing_data_folder(tmp_path):
    with pytest.raises(DataError, match="data folder not found"):
        load_calendar(tmp_path / "nope", use_cache=False)


def test_cache_is_used_and_invalidated(tmp_path, prs_home):
    folder = tmp_path / "cal"
    path = write(folder, "series_2027.yaml", GOOD_SERIES)
    first = load_calendar(folder)
    assert (prs_home / "cache" / "calendar.pickle").exists()
    assert (prs_home / "cache" / "calendar.pickle").stat().st_mode & 0o077 == 0
    again = load_calendar(folder)
    assert again == first
    path.write_text(GOOD_SERIES.replace("June 2027", "June 2027 edited"), encoding="utf-8")
    assert load_calendar(folder).series["june-2027"].name == "June 2027 edited"


def test_damaged_cache_is_rebuilt(prs_home):
    load_calendar(None)
    (prs_home / "cache" / "calendar.pickle").write_bytes(b"garbage")
    assert "june-2026" in load_calendar(None).series


def test_cli_data_check_reports_one_line_and_exit_2(tmp_path, cli):
    folder = tmp_path / "cal"
    path = write(folder, "series_2027.yaml", GOOD_SERIES.replace("2027-08-12", "2027-02-30"))
    result = cli("data", "check", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}:6:15: series.june-2027.releases.0.date:")
    assert "Traceback" not in result.output


def test_cli_data_check_good_files(cli):
    result = cli("data", "check")
    assert result.exit_code == 0
    assert "awarding_bodies.yaml: ok: 9 awarding bodies" in result.stdout
    assert "series_2026.yaml: ok: june-2026, november-2026" in result.stdout


def test_broken_officer_calendar_stops_deadlines_with_exit_2(tmp_path, cli):
    folder = tmp_path / "cal"
    write(folder, "series_2027.yaml", GOOD_SERIES.replace("[S1, S2]", "[S1, S9]"))
    result = cli("deadlines", "--data-dir", str(folder))
    assert result.exit_code == 2
    assert "series_2027.yaml:9:24: unknown service 'S9'" in result.stderr


def test_new_series_shows_in_deadlines_without_code_change(tmp_path, cli):
    folder = tmp_path / "cal"
    write(folder, "series_2027.yaml", GOOD_SERIES)
    result = cli("deadlines", "--json", "--series", "june-2027", "--today", "2027-08-01", env={"PRS_DATA_DIR": str(folder)})
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [(i["date"], i["kind"], i["service"]) for i in items] == [
        ("2027-08-12", "results_day", None),
        ("2027-09-23", "request_deadline", "S1"),
        ("2027-09-23", "request_deadline", "S2"),
    ]
