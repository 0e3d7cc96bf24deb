"""`prs deadlines` through Typer's CliRunner: the table, the JSON contract, filters and errors."""

from __future__ import annotations

import json

import pytest

JSON_KEYS = {
    "date", "time", "days_left", "status", "series", "kind", "service", "title",
    "qualifications", "awarding_bodies", "provisional", "source", "note",
}


def items(cli, *args, env=None):
    result = cli("deadlines", "--json", *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_priority_service_2_closes_before_the_september_deadline(cli):
    # Issue 2 "done when": on 14 Aug 2026 PS2 closes Thu 20 Aug 2026 (6 days), above 24 Sep (seed:000).
    result = cli("deadlines", env={"PRS_TODAY": "2026-08-14"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    ps2 = out.index("Priority Service 2 (PS2) requests close")
    row = out[out.rfind("\n", 0, ps2) : ps2]
    assert "Thu 20 Aug 2026" in row and "6 days" in row
    assert ps2 < out.index("Thu 24 Sep 2026")


def test_json_says_the_same(cli):
    data = items(cli, "--series", "june-2026", env={"PRS_TODAY": "2026-08-14"})
    assert all(set(i) == JSON_KEYS for i in data)
    ps2 = next(i for i in data if i["service"] == "PS2" and i["awarding_bodies"] != ["NCFE"] and not i["provisional"])
    assert ps2["date"] == "2026-08-20" and ps2["days_left"] == 6 and ps2["status"] == "open"
    assert ps2["qualifications"] == ["gce-a-level", "l3-vtq", "t-level"]
    assert ps2["kind"] == "request_deadline" and ps2["series"] == "june-2026"
    s2 = next(i for i in data if i["service"] == "S2" and "NCFE" not in i["awarding_bodies"])
    assert s2["date"] == "2026-09-24" and s2["days_left"] == 41
    dates = [i["date"] for i in data if i["date"]]
    assert dates == sorted(dates)
    assert data.index(ps2) < data.index(s2)


def test_each_service_is_its_own_item(cli):
    data = items(cli, "--series", "june-2026", "--ab", "ocr", "--today", "2026-08-01")
    sept = sorted(i["service"] for i in data if i["date"] == "2026-09-24")
    assert sept == ["ATS-P", "ATS-TL", "S1", "S2", "S3"]


def test_ps2_does_not_apply_to_gcse_and_says_why(cli):
    # seed:000: Priority Service 2 is for GCE A level, T Level and Level 3 VTQ only.
    result = cli("deadlines", "--qualification", "gcse", "--service", "PS2")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Priority Service 2 (PS2) does not apply to GCSE" in result.stderr
    assert "seed:000" in result.stderr
    as_json = cli("deadlines", "--qualification", "GCSE", "--service", "ps2", "--json")
    assert json.loads(as_json.stdout) == []


def test_filters_by_board_qualification_and_service(cli):
    data = items(cli, "--ab", "aqa", "--qualification", "gcse", "--service", "ATS-TL", "--today", "2026-08-01")
    # AQA-ATS: AQA accepts teaching copies for the June 2026 series until 30 Oct 2026.
    june = [i for i in data if i["series"] == "june-2026"]
    assert [(i["date"], i["awarding_bodies"]) for i in june] == [("2026-10-30", ["AQA"])]


def test_past_dates_hidden_unless_all(cli):
    later = items(cli, "--series", "june-2026", "--today", "2026-09-25")
    assert all(i["date"] is None or i["date"] >= "2026-09-25" for i in later)
    everything = items(cli, "--series", "june-2026", "--today", "2026-09-25", "--all")
    closed = [i for i in everything if i["status"] == "closed"]
    assert any(i["service"] == "PS2" and i["days_left"] == -36 for i in closed)


def test_closed_rows_say_so_in_the_table(cli):
    result = cli("deadlines", "--all", "--series", "june-2026", "--ab", "OCR", "--today", "2026-09-25")
    assert "closed (1 day ago)" in result.stdout


def test_provisional_and_unpublished_dates_are_shown_as_such(cli):
    # reference.md Open questions 2: November 2026 dates are not published.
    data = items(cli, "--series", "november-2026", "--today", "2026-11-23")
    assert data and all(i["date"] is None and i["status"] == "unpublished" for i in data)
    table = cli("deadlines", "--series", "november-2026", "--today", "2026-11-23").stdout
    assert "not yet published" in table
    june = cli("deadlines", "--series", "june-2026", "--today", "2026-06-01").stdout
    assert "(provisional)" in june


def test_unknown_codes_are_suggested(cli):
    result = cli("deadlines", "--qualification", "gce-alevel")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: unknown qualification 'gce-alevel'; did you mean gce-a-level?"
    result = cli("deadlines", "--service", "PS3")
    assert result.exit_code == 2 and "did you mean" in result.stderr


@pytest.mark.parametrize("bad", ["2026-02-30", "14/08/2026", "tomorrow", "2026-8-1"])
def test_impossible_today_is_refused(cli, bad):
    result = cli("deadlines", "--today", bad)
    assert result.exit_code == 2
    assert "is not a real date" in result.stderr
    assert "Traceback" not in result.output


def test_bad_prs_today_is_refused_too(cli):
    result = cli("deadlines", env={"PRS_TODAY": "2026-13-01"})
    assert result.exit_code == 2 and "is not a real date" in result.stderr


def test_no_colour_when_piped(cli):
    result = cli("deadlines", "--today", "2026-08-14")
    assert "\x1b" not in result.stdout


def test_python_dash_m_works(prs_process):
    done = prs_process("deadlines", "--json", "--series", "june-2026", env={"PRS_TODAY": "2026-08-14"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["date"] == "2026-08-19"


def test_the_table_fits_80_columns_without_cutting_a_word(monkeypatch, calendar):
    # the guide: every view fits the width it is given; at 80 columns "What" keeps its room
    # (issue 11: the June 2024 to 2026 tables, read on an officer's terminal)
    import io
    from datetime import date

    from rich.console import Console

    from prs_cli.render import deadlines as render
    from prs_cli.rules.schedule import Filters, calendar_items

    buffer = io.StringIO()
    monkeypatch.setattr(render, "console", lambda: Console(file=buffer, width=80, no_color=True))
    for series_id in ("june-2024", "june-2025", "june-2026"):
        render.deadlines_table(calendar_items(calendar, Filters(series=(series_id,))), date(2026, 11, 28))
    lines = buffer.getvalue().splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "…" not in buffer.getvalue()
