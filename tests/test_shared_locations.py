"""No other user can change what prs reads: a PRS_HOME, database, settings file or cache folder
that another user could write to is refused with one sentence (exit 2); a database others can
read is made owner-only with a warning. POSIX modes only (Windows is not checked)."""

from __future__ import annotations

import os
import stat

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")

SUMMER = {"PRS_TODAY": "2026-08-21"}
ADD = ("request", "add", "--candidate", "1234", "--name", "Ada Lovelace", "--ab", "AQA", "-q", "gcse",
       "--component", "8300/1H", "--service", "S2")


def refused(result, start: str):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: refusing to use {start}"), line
    return line


def test_a_world_writable_prs_home_is_refused(cli, prs_home, own_cache):
    prs_home.mkdir(mode=0o700)
    prs_home.chmod(0o777)
    line = refused(cli("deadlines"), f"PRS_HOME {prs_home}: other users can write to it (mode 0777)")
    assert "chmod go-w" in line
    refused(cli(*ADD, env=SUMMER), "PRS_HOME")
    assert not (prs_home / "prs.sqlite3").exists() and not own_cache.exists()


def test_a_group_writable_cache_folder_is_refused(cli, own_cache):
    own_cache.mkdir(mode=0o700, parents=True)
    own_cache.chmod(0o770)
    refused(cli("deadlines"), f"the cache folder {own_cache}: other users can write to it (mode 0770)")


def test_a_shared_cache_dir_given_by_name_is_refused(cli, tmp_path, monkeypatch):
    shared = tmp_path / "shared-cache"
    shared.mkdir(mode=0o700)
    shared.chmod(0o1777)  # the sticky bit guards what is inside, not the folder itself
    monkeypatch.setenv("PRS_CACHE_DIR", str(shared))
    refused(cli("deadlines"), f"PRS_CACHE_DIR {shared}")


def test_a_home_inside_a_folder_anyone_can_change_is_refused(cli, tmp_path, monkeypatch):
    """Another user could rename the home away and put their own in its place."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("PRS_HOME", str(shared / "prs"))
    refused(cli("config", "show"), f"PRS_HOME {shared / 'prs'}: other users can change the folder {shared}")


def test_a_home_in_a_sticky_folder_like_tmp_is_fine(cli, tmp_path, monkeypatch):
    """With the sticky bit (as /tmp has) no one else can rename or remove what is ours."""
    shared = tmp_path / "tmp-like"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("PRS_HOME", str(shared / "prs"))
    result = cli(*ADD, env=SUMMER)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE((shared / "prs").stat().st_mode) == 0o700


def test_a_group_writable_database_is_refused(cli, prs_home):
    assert cli(*ADD, env=SUMMER).exit_code == 0
    database = prs_home / "prs.sqlite3"
    database.chmod(0o660)
    refused(cli("request", "list"), f"the database {database}: other users can write to it (mode 0660)")
    refused(cli("request", "list", "--db", str(database)), "the database")


def test_a_group_writable_settings_file_is_refused(cli, prs_home):
    assert cli("config", "set", "centre_name", "Hill School").exit_code == 0
    (prs_home / "config.yaml").chmod(0o666)
    refused(cli("config", "show"), f"the settings file {prs_home / 'config.yaml'}")


def test_a_database_others_can_read_is_tightened_with_a_warning(cli, prs_home):
    assert cli(*ADD, env=SUMMER).exit_code == 0
    before = cli("request", "list", "--json").stdout
    database = prs_home / "prs.sqlite3"
    database.chmod(0o644)
    result = cli("request", "list", "--json")
    assert result.exit_code == 0 and result.stdout == before
    assert result.stderr == (
        f"Warning: the database {database} was readable by other users (mode 0644); it is now yours alone (0600).\n"
    )
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert cli("request", "list", "--json").stderr == ""  # said once


def test_a_database_owned_by_someone_else_is_refused(cli, prs_home, monkeypatch):
    assert cli(*ADD, env=SUMMER).exit_code == 0
    database = os.path.realpath(prs_home / "prs.sqlite3")
    real_stat = os.stat

    def as_if_another_user_owned_it(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        if os.fspath(path) != database:
            return result
        fields = list(result)
        fields[stat.ST_UID] = os.geteuid() + 1
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", as_if_another_user_owned_it)
    refused(cli("request", "list"), f"the database {prs_home / 'prs.sqlite3'}: it belongs to another user")


def test_a_home_owned_by_someone_else_is_refused(cli, prs_home, monkeypatch):
    prs_home.mkdir(mode=0o700)
    monkeypatch.setattr(os, "geteuid", lambda: 4242)  # as if another user ran prs on this home
    refused(cli("config", "path"), f"PRS_HOME {prs_home}: it belongs to another user")
