"""Loading calendar files: every mistake is one line `file:line:column: what`, exit 2."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest

from prs_cli.calendar.load import load_calendar
from prs_cli.errors import DataError
from tests_support import REPO

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


def test_cache_is_used_and_invalidated(tmp_path, own_cache):
    folder = tmp_path / "cal"
    path = write(folder, "series_2027.yaml", GOOD_SERIES)
    first = load_calendar(folder)
    assert (own_cache / "calendar.json").exists()
    assert (own_cache / "calendar.json").stat().st_mode & 0o077 == 0
    again = load_calendar(folder)
    assert again == first
    path.write_text(GOOD_SERIES.replace("June 2027", "June 2027 edited"), encoding="utf-8")
    assert load_calendar(folder).series["june-2027"].name == "June 2027 edited"


def same_records(a, b) -> bool:
    """Equal, and of the same classes all the way down (a NamedTuple equals a bare tuple)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_records(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same_records(x, y) for x, y in zip(a, b))
    if isinstance(a, frozenset):
        return a == b and all(type(x) is date for x in a)
    return a == b


def test_cache_reads_back_the_very_records_it_was_given(own_cache, calendar):
    """Every record class, date, time, tuple and the series' order survive JSON."""
    from prs_cli.calendar import cache

    key = ["a key"]
    cache.write(key, calendar)
    assert (own_cache / "calendar.json").read_bytes().startswith(b'{"key": ["a key"]')
    assert same_records(cache.read(key), calendar)
    assert cache.read(["another key"]) is None


def test_cache_is_keyed_on_the_loaders_code(tmp_path, monkeypatch):
    """A change to any source file of the calendar package (its checks, its model) makes a new
    key, so a warm cache never bypasses it."""
    import shutil

    from prs_cli.calendar import cache

    copy = tmp_path / "calendar-package"
    shutil.copytree(Path(cache.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", copy)
    files = [REPO / "data" / "awarding_bodies.yaml"]
    before = cache.key(files)
    assert cache.key(files) == before
    for name in ("model.py", "load.py", "cache.py"):
        source = copy / name
        source.write_text(source.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
        changed = cache.key(files)
        assert changed != before, name
        before = changed


@pytest.fixture
def warm_own_cache(own_cache, session_cache, monkeypatch) -> Path:
    """The officer's cache folder holding the bundled calendar, copied from the session's cache
    (validated once for the whole run) rather than built again."""
    import shutil

    monkeypatch.setenv("PRS_CACHE_DIR", str(session_cache))
    load_calendar(None)
    monkeypatch.delenv("PRS_CACHE_DIR")
    own_cache.mkdir(mode=0o700, parents=True)
    shutil.copy2(session_cache / "calendar.json", own_cache / "calendar.json")
    return own_cache


def test_a_cache_from_other_code_is_rebuilt(warm_own_cache, monkeypatch):
    from prs_cli.calendar import cache, load

    assert load_calendar(None) is not None
    monkeypatch.setattr(cache, "_code_checksum", lambda: "new code")
    built = []
    monkeypatch.setattr(load, "build_calendar", lambda *args: built.append(args) or "rebuilt")
    assert load_calendar(None) == "rebuilt"
    assert built


def cache_file(header: dict, calendar_json) -> bytes:
    """A cache file as prs writes it: a header line (key, checksum), then the calendar."""
    import zlib

    body = json.dumps(calendar_json).encode()
    return json.dumps({**header, "checksum": zlib.crc32(body)}).encode() + b"\n" + body


def cache_breakers(raw: bytes) -> dict[str, bytes]:
    header_line, _, body = raw.partition(b"\n")
    header = json.loads(header_line)
    stored = json.loads(body)
    wrong_shape = json.loads(body)
    wrong_shape[3] = {"june-2026": {}}  # a series: an object where a record's list belongs
    short_record = json.loads(body)
    next(iter(short_record[3].values())).pop()  # a Series one field short
    long_record = json.loads(body)
    next(iter(long_record[3].values())).append(None)  # and one field too many
    bad_date = json.loads(body)
    bad_date[5][0] = "not-a-date"
    edited = json.loads(body)
    edited[3] = {}  # well formed, but not what was written: the checksum tells
    return {
        "garbage": b"garbage",
        "truncated": raw[: len(raw) // 2],
        "body cut": raw[:-10],
        "empty": b"",
        "no header": body,
        "foreign json": b'{"calendar": [1, 2, 3]}',
        "edited": header_line + b"\n" + json.dumps(edited).encode(),
        "wrong shape": cache_file(header, wrong_shape),
        "short record": cache_file(header, short_record),
        "long record": cache_file(header, long_record),
        "bad date": cache_file(header, bad_date),
        "not a list": cache_file(header, {"calendar": stored}),
    }


@pytest.mark.parametrize("damage", ["garbage", "truncated", "body cut", "empty", "no header", "foreign json",
                                    "edited", "wrong shape", "short record", "long record", "bad date", "not a list"])
def test_a_damaged_cache_is_never_trusted(warm_own_cache, damage):
    from prs_cli.calendar import cache
    from prs_cli.calendar.load import calendar_files

    rules, series = calendar_files(None)
    key = cache.key([rules, *series])
    target = warm_own_cache / "calendar.json"
    assert cache.read(key) is not None
    target.write_bytes(cache_breakers(target.read_bytes())[damage])
    assert cache.read(key) is None


def test_a_damaged_cache_is_rebuilt_and_written_again(warm_own_cache, calendar):
    target = warm_own_cache / "calendar.json"
    target.write_bytes(target.read_bytes()[:-10])
    assert same_records(load_calendar(None), calendar)
    assert cache_breakers(target.read_bytes())  # written again, whole
    assert same_records(load_calendar(None), calendar)


def test_a_cache_file_another_user_wrote_is_not_trusted(warm_own_cache, calendar, monkeypatch):
    from prs_cli.calendar import cache

    monkeypatch.setattr(cache, "_me", lambda: -2)  # the file now belongs to someone else
    built = []
    monkeypatch.setattr("prs_cli.calendar.load.build_calendar", lambda *args: built.append(args) or calendar)
    load_calendar(None)
    assert built


def test_the_cache_never_runs_code(own_cache, tmp_path, calendar, monkeypatch):
    """The old pickle, or a pickle put where the JSON belongs, is never unpickled."""
    monkeypatch.setattr("prs_cli.calendar.load.build_calendar", lambda *args: calendar)
    import pickle

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    own_cache.mkdir(mode=0o700, parents=True)
    for name in ("calendar.pickle", "calendar.json"):
        (own_cache / name).write_bytes(pickle.dumps(Payload()))
        (own_cache / name).chmod(0o600)
    assert "june-2026" in load_calendar(None).series
    assert not marker.exists()
    assert not (own_cache / "calendar.pickle").exists()  # the old format's file is removed


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
