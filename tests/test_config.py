"""Centre settings (config.py, `prs config`): round-trip edits keep the officer's comments."""

from __future__ import annotations

import json
import stat

import pytest

from prs_cli import config
from prs_cli.errors import DataError, InputError, UnknownCode


@pytest.fixture
def config_file(prs_home):
    return prs_home / "config.yaml"


def test_defaults_without_a_file(cli, config_file):
    result = cli("config", "show", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "file": str(config_file),
        "exists": False,
        "settings": {
            "centre_number": None,
            "centre_name": None,
            "lead_days": 2,
            "authorised_staff": [],
            "look_ahead_days": 14,
            "templates_dir": None,
            "triage_within": 5,
            # issue 11 item 17: one centre's 14 days (seed:004), the centre's to change
            "cambridge_english_enquiry_days": 14,
        },
    }


def test_path(cli, config_file):
    assert cli("config", "path").stdout == f"{config_file}\n"


def test_hand_written_comment_survives_set(cli, config_file):
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(
        "# Set up by the exams office, Sept 2026\n"
        "centre_number: 01234  # the DfE number, not the UCAS one\n"
        "lead_days: 3\n"
    )
    result = cli("config", "set", "lead_days", "5")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"lead_days: 5 (saved in {config_file})\n"
    assert config_file.read_text() == (
        "# Set up by the exams office, Sept 2026\n"
        "centre_number: 01234  # the DfE number, not the UCAS one\n"
        "lead_days: 5\n"
    )
    assert config.load(config_file).centre_number == "01234"  # leading zero kept
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600


def test_set_creates_an_owner_only_file_with_a_header(cli, config_file):
    assert cli("config", "set", "centre-number", "01234").exit_code == 0
    assert cli("config", "set", "centre_name", "  Hill   School ").exit_code == 0
    text = config_file.read_text()
    assert text.startswith("# prs centre settings.")
    assert "centre_number: '01234'\n" in text
    assert config.load(config_file) == config.Settings(centre_number="01234", centre_name="Hill School")
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600


def test_authorised_staff_comma_list_and_clear(cli, config_file):
    assert cli("config", "set", "authorised_staff", "Ms A Khan, Mr B Lee ,").exit_code == 0
    assert config.load(config_file).authorised_staff == ("Ms A Khan", "Mr B Lee")
    show = cli("config", "show")
    assert "authorised_staff: Ms A Khan, Mr B Lee\n" in show.stdout
    assert cli("config", "set", "authorised_staff", "").exit_code == 0
    assert config.load(config_file).authorised_staff == ()


def test_may_submit_ignores_case_and_spacing():
    settings = config.Settings(authorised_staff=("Ms A Khan",))
    assert settings.may_submit("ms  a khan")
    assert not settings.may_submit("A Parent")
    assert config.Settings().may_submit("anyone")


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("centre_number", "1234", "centre_number must be 5 digits, for example 12345 (got '1234')"),
        ("centre_number", "12a45", "centre_number must be 5 digits, for example 12345 (got '12a45')"),
        ("lead_days", "31", "lead_days must be a whole number of days from 0 to 30 (got '31')"),
        ("lead_days", "1.5", "lead_days must be a whole number of days from 0 to 30 (got '1.5')"),
        ("lead_days", "two", "lead_days must be a whole number of days from 0 to 30 (got 'two')"),
        ("look_ahead_days", "0", "look_ahead_days must be a whole number of days from 1 to 366 (got '0')"),
    ],
)
def test_bad_values_are_refused_and_nothing_written(cli, config_file, key, value, message):
    result = cli("config", "set", key, value)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert not config_file.exists()


def test_unknown_setting_gets_suggestions(cli):
    result = cli("config", "set", "lead_dayz", "3")
    assert result.exit_code == 2
    assert result.stderr == "Error: unknown setting 'lead_dayz'; did you mean lead_days?\n"
    with pytest.raises(UnknownCode):
        config.parse_value("centre", "x")


def test_malformed_file_points_at_line_and_column(cli, config_file):
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text("centre_number: '12345'\nlead_days: [3\n")
    result = cli("config", "show")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {config_file}:3:1: ")
    assert result.stderr.count("\n") == 1
    # a set on a broken file is refused too: the file is left as the officer wrote it
    assert cli("config", "set", "lead_days", "4").exit_code == 2
    assert config_file.read_text() == "centre_number: '12345'\nlead_days: [3\n"


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("centre_number: 1234\n", "1:16", "centre_number must be 5 digits, for example 12345 (got '1234')"),
        ("lead_days: 3\nlead_dys: 4\n", "2:1", "unknown setting 'lead_dys'; did you mean lead_days?"),
        ("lead_days: 99\n", "1:12", "lead_days must be a whole number of days from 0 to 30 (got '99')"),
        ("authorised_staff: [Ms A Khan, 3]\n", "1:19", "authorised_staff must be a list of names"),
        ("- just\n- a list\n", "1:1", "the settings file must be a mapping of setting: value"),
    ],
)
def test_wrong_values_in_the_file(config_file, text, where, message):
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(text)
    with pytest.raises(DataError) as caught:
        config.load(config_file)
    assert caught.value.message == f"{config_file}:{where}: {message}"


def test_empty_file_is_all_defaults(config_file):
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text("# nothing set yet\n")
    assert config.load(config_file) == config.Settings()


def test_parse_value_types():
    assert config.parse_value("lead_days", " 0 ") == 0
    assert config.parse_value("centre_number", "") is None
    with pytest.raises(InputError):
        config.parse_value("look_ahead_days", "367")
    with pytest.raises(InputError):
        config.parse_value("lead_days", "-1")


def test_only_authorised_staff_may_submit(cli):
    # seed:000: requests for internal candidates are submitted by an authorised member of staff
    day = ("--today", "2026-08-21")
    assert cli("request", "add", "--candidate", "1234", "--ab", "OCR", "-q", "gcse", "--component", "J560/01",
               "--service", "S1", "--series", "june-2026", "--by", "EO", *day).exit_code == 0
    assert cli("consent", "record", "--candidate", "1234", "--on", "2026-08-21", "--method", "form", "--covers", "S1",
               "--acknowledged-outcomes", "--series", "june-2026", *day).exit_code == 0
    assert cli("config", "set", "authorised_staff", "Ms A Khan, Mr B Lee").exit_code == 0
    refused = cli("request", "submit", "1", "--received", "2026-08-21", "--by", "A Parent", *day)
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: 'A Parent' is not one of the centre's authorised staff; only authorised staff may submit "
        "requests, so give --by with one of: Ms A Khan, Mr B Lee (see 'prs config show')\n"
    )
    accepted = cli("request", "submit", "1", "--received", "2026-08-21", "--by", "MS A KHAN", *day)
    assert accepted.exit_code == 0, accepted.stderr
