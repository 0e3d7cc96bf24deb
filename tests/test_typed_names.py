"""Issue 13, item 6: the board names officers type (EDEXCEL, EDUQAS, C&G...) and dates typed
the UK way (DD/MM/YYYY) are accepted everywhere, and shown under their code / as ISO dates."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from prs_cli.clock import parse_date, parse_date_or_datetime
from prs_cli.errors import DataError, InputError


@pytest.mark.parametrize("typed, code", [
    ("EDEXCEL", "PEARSON"), ("btec", "PEARSON"), ("Eduqas", "WJEC"), ("C&G", "CG"),
    ("city-and-guilds", "CG"), ("City and Guilds", "CG"), ("pearson", "PEARSON"), ("AQA", "AQA"),
])
def test_a_board_alias_resolves_to_its_code(calendar, typed, code):
    """The aliases are data (awarding_bodies.yaml): Pearson's qualifications are branded
    Edexcel and BTEC, WJEC's English ones Eduqas (reference.md board table)."""
    from prs_cli import codes

    assert codes.resolve("awarding body", typed, calendar.awarding_bodies) == code


def test_a_misspelt_alias_suggests_the_board_and_a_code_list_has_no_aliases(calendar):
    from prs_cli import codes

    with pytest.raises(InputError) as caught:
        codes.resolve("awarding body", "edexcl", calendar.awarding_bodies)
    assert (caught.value.message, caught.value.hint) == ("unknown awarding body 'edexcl'", "did you mean PEARSON?")
    with pytest.raises(InputError):
        codes.resolve("service", "EDEXCEL", calendar.services)  # aliases belong to boards only


def test_a_request_logged_under_an_alias_is_kept_and_shown_under_the_code(cli):
    result = cli("request", "add", "--candidate", "0042", "--ab", "Edexcel", "-q", "gce-a-level",
                 "--component", "9MA0/01", "--service", "S1", "--series", "june-2026", "--today", "20/08/2026", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["awarding_body"] == "PEARSON"
    listed = cli("request", "list", "--ab", "btec", "--json")
    assert [r["awarding_body"] for r in json.loads(listed.stdout)] == ["PEARSON"]
    shown = cli("deadlines", "--ab", "eduqas", "--series", "june-2026", "--all", "--json", "--today", "2026-08-14")
    assert shown.exit_code == 0 and all("WJEC" in item["awarding_bodies"] for item in json.loads(shown.stdout)
                                        if item["awarding_bodies"])


def test_an_alias_that_names_two_boards_is_refused_with_its_place(tmp_path):
    from prs_cli.calendar.load import check_files
    from prs_cli.paths import bundled_data_dir

    text = (bundled_data_dir() / "awarding_bodies.yaml").read_text(encoding="utf-8")
    clash = text.replace('aliases: ["EDUQAS"]', 'aliases: ["EDUQAS", "Edexcel", "aqa", ""]')
    assert clash != text
    path = tmp_path / "awarding_bodies.yaml"
    path.write_text(clash, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        check_files([path])
    found = [p.message for p in caught.value.problems]
    assert found == ["alias 'Edexcel' is already an alias of PEARSON", "alias 'aqa' is already awarding body AQA",
                     "an alias is empty"]
    assert all(p.line is not None for p in caught.value.problems)


@pytest.mark.parametrize("typed, day", [
    ("2026-08-13", date(2026, 8, 13)), ("13/08/2026", date(2026, 8, 13)), ("3/9/2026", date(2026, 9, 3)),
    (" 29/02/2028 ", date(2028, 2, 29)),
])
def test_dates_are_read_the_uk_way_and_the_iso_way(typed, day):
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed", ["20260813", "13/08/26", "2026-8-13", "31/02/2026", "13.08.2026", "08/13/2026",
                                   "tomorrow", "", "١٣/٠٨/٢٠٢٦"])
def test_any_other_date_gets_one_sentence_naming_both_forms(typed):
    with pytest.raises(InputError) as caught:
        parse_date(typed, "--on")
    assert caught.value.message == (f"--on {typed!r} is not a real date; write it as DD/MM/YYYY or YYYY-MM-DD, "
                                    "for example 20/08/2026 or 2026-08-20")


@pytest.mark.parametrize("typed, moment", [
    ("13/08/2026 09:15", datetime(2026, 8, 13, 9, 15)), ("2026-08-13T09:15", datetime(2026, 8, 13, 9, 15)),
    ("2026-08-13 09:15", datetime(2026, 8, 13, 9, 15)), ("13/08/2026", None),
])
def test_a_time_may_follow_either_date_form(typed, moment):
    assert parse_date_or_datetime(typed) == (date(2026, 8, 13), moment)


@pytest.mark.parametrize("typed", ["20260813", "20260813T0915", "13/08/2026 9am", "13/08/2026 25:00", "32/08/2026 09:15"])
def test_a_date_and_time_in_neither_form_is_refused(typed):
    with pytest.raises(InputError, match="write DD/MM/YYYY HH:MM or YYYY-MM-DDTHH:MM"):
        parse_date_or_datetime(typed)


def test_consent_on_a_uk_date_and_time_is_kept_as_iso(cli):
    cli("request", "add", "--candidate", "0042", "--ab", "WJEC", "-q", "gce-a-level", "--component", "A1",
        "--service", "S2", "--series", "june-2026", "--today", "2026-08-14")
    result = cli("consent", "record", "--candidate", "0042", "--on", "13/08/2026 10:30", "--method", "form",
                 "--covers", "S2", "--acknowledged-outcomes", "--today", "14/08/2026", "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["given_on"], answer["given_at"]) == ("2026-08-13", "2026-08-13T10:30:00")


def test_an_imported_form_may_name_boards_as_schools_do(cli, tmp_path):
    form = tmp_path / "form.csv"
    form.write_text("candidate number,awarding body,qualification,component,service,series\n"
                    "0042,Eduqas,gce-a-level,A100U10-1,S1,june-2026\n0043,City & Guilds,l3-vtq,7908-012,S2,june 2026\n",
                    encoding="utf-8")
    result = cli("request", "import", str(form), "--today", "2026-08-20", "--json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(cli("request", "list", "--json").stdout)
    assert [(r["candidate"], r["awarding_body"], r["series"]) for r in listed] == [
        ("0042", "WJEC", "june-2026"), ("0043", "CG", "june-2026")]
