"""`prs results`, `prs boundaries` and `prs triage` end to end (issue 15's "done when"): a
broadsheet of a few hundred results, the triage list, drafts from it, refused boundaries,
revised results recorded as outcomes, disposal once the series is over."""

from __future__ import annotations

import json
import random
import stat

import pytest

TODAY = "2026-08-14"  # the day after A level results day (seed:000)
KEYS = {
    "candidate", "name", "awarding_body", "qualification", "subject", "component", "mark", "grade", "next_grade",
    "next_boundary", "marks_short", "margin_above", "open_services", "logged",
}
# (board, qualification, subject, component, boundaries highest first, max mark)
COMPONENTS = [
    ("AQA", "gce-a-level", "Mathematics", "7357/1", [("A*", 80), ("A", 70), ("B", 60), ("C", 50), ("D", 40), ("E", 30)], 100),
    ("AQA", "gce-a-level", "Mathematics", "7357/2", [("A*", 75), ("A", 66), ("B", 57), ("C", 48), ("D", 39), ("E", 30)], 100),
    ("AQA", "gce-a-level", "Physics", "7408/1", [("A*", 70), ("A", 62), ("B", 52), ("C", 43), ("D", 34), ("E", 25)], 85),
    ("AQA", "gcse", "Physics", "8463/1H", [("9", 80), ("8", 72), ("7", 64), ("6", 56), ("5", 48), ("4", 40)], 100),
]
NO_BOUNDARIES = ("OCR", "gce-a-level", "Chemistry", "H432/01")


def grade_of(bounds, mark):
    return next((g for g, m in bounds if mark >= m), "U")


def broadsheet(path, *, seed=15, per_component=70, changes: dict | None = None):
    """A few hundred results (CSV as an MIS exports it), with their expected triage facts."""
    rng = random.Random(seed)
    lines = ["Candidate No,Candidate Name,Awarding Body,Qualification,Subject,Component,Mark,Grade,Max Mark"]
    facts = []
    number = 1
    for body, qual, subject, component, bounds, top in COMPONENTS:
        for _ in range(per_component):
            candidate = f"{number:04d}"
            number += 1
            mark = rng.randrange(15, top + 1)
            mark = (changes or {}).get((candidate, component), mark)
            lines.append(f"{candidate},Pupil {candidate},{body},{qual},{subject},{component},{mark},{grade_of(bounds, mark)},{top}")
            facts.append((candidate, body, qual, subject, component, mark, bounds))
    for _ in range(10):
        candidate = f"{number:04d}"
        number += 1
        lines.append(f"{candidate},Pupil {candidate},{NO_BOUNDARIES[0]},{NO_BOUNDARIES[1]},{NO_BOUNDARIES[2]},{NO_BOUNDARIES[3]},50,C,100")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return facts


def boundaries_csv(path):
    lines = ["Awarding Body,Qualification,Subject,Component,Grade,Mark,Max Mark"]
    for body, qual, subject, component, bounds, top in COMPONENTS:
        lines += [f"{body},{qual},{subject},{component},{grade},{mark},{top}" for grade, mark in bounds]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ok(result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def expected_within(facts, within):
    """The issue's rule written plainly: 1 to `within` marks below the next grade's boundary."""
    listed = []
    for candidate, body, qual, subject, component, mark, bounds in facts:
        higher = [m for _, m in bounds if m > mark]
        if higher and min(higher) - mark <= within:
            listed.append((min(higher) - mark, body, qual, subject.casefold(), component.casefold(), candidate))
    return [(row[5], row[4]) for row in sorted(listed)]


@pytest.fixture
def loaded(cli, tmp_path):
    facts = broadsheet(tmp_path / "results.csv")
    boundaries_csv(tmp_path / "boundaries.csv")
    assert "Imported 290 results" in ok(cli("results", "import", tmp_path / "results.csv", "--today", TODAY))
    ok(cli("boundaries", "import", tmp_path / "boundaries.csv", "--today", TODAY))
    return facts


def triage_json(cli, *args):
    return json.loads(ok(cli("triage", "--json", "--today", TODAY, *args)))


def test_triage_within_3_lists_exactly_the_results_1_to_3_below_a_boundary_closest_first(cli, loaded):
    rows = triage_json(cli, "--within", "3")
    assert [(r["candidate"], r["component"].casefold()) for r in rows] == expected_within(loaded, 3)
    assert len(rows) > 20
    assert [r["marks_short"] for r in rows] == sorted(r["marks_short"] for r in rows)
    for row in rows:
        assert set(row) == KEYS
        assert 1 <= row["marks_short"] <= 3
        assert row["next_boundary"] - row["mark"] == row["marks_short"]
        assert row["logged"] == []
    a_level = next(r for r in rows if r["qualification"] == "gce-a-level")
    services = {s["service"]: s for s in a_level["open_services"]}
    assert services["PS2"]["deadline"] == "2026-08-20" and services["S2"] == {"service": "S2", "deadline": "2026-09-24", "fee": "48.65"}


def test_unknown_boundaries_are_counted_in_a_remark(cli, loaded):
    result = cli("triage", "--today", TODAY)
    assert result.exit_code == 0
    assert "10 results not listed: no grade boundary known" in result.stderr
    assert "OCR" not in result.stdout


def test_the_centre_setting_is_the_default_window(cli, loaded):
    ok(cli("config", "set", "triage_within", "2"))
    assert [(r["candidate"], r["component"].casefold()) for r in triage_json(cli)] == expected_within(loaded, 2)
    assert len(triage_json(cli, "--within", "5")) > len(triage_json(cli))


def test_filters_by_board_and_subject(cli, loaded):
    physics = triage_json(cli, "--subject", "physics")
    assert physics and {r["subject"] for r in physics} == {"Physics"}
    assert triage_json(cli, "--ab", "OCR") == []


def test_log_s2_yes_turns_the_list_into_drafts_that_prs_due_shows_needing_consent(cli, loaded):
    chosen = triage_json(cli, "--within", "3", "--subject", "mathematics")
    dry = cli("triage", "--within", "3", "--subject", "mathematics", "--log", "S2", "--today", TODAY)
    assert f"Would log {len(chosen)} draft requests" in ok(dry)
    assert "Dry run" in dry.stderr
    assert json.loads(ok(cli("request", "list", "--json"))) == []
    done = json.loads(ok(cli("triage", "--within", "3", "--subject", "mathematics", "--log", "S2", "--yes", "--json", "--today", TODAY)))
    assert done["dry_run"] is False and done["skipped"] == [] and len(done["logged"]) == len(chosen)
    drafts = json.loads(ok(cli("request", "list", "--json", "--all")))
    assert {(d["candidate"], d["component"], d["service"], d["status"]) for d in drafts} == {
        (r["candidate"], r["component"], "S2", "draft") for r in chosen
    }
    assert all(d["mark_before"] is not None and d["fee"] == "48.65" for d in drafts)
    # consent is needed by the internal deadline, two working days before 24 Sep (seed:000)
    due = json.loads(ok(cli("due", "--json", "--days", "45", "--today", TODAY)))
    needing = {i for item in due if item["kind"] == "consent_missing" for i in item["request_ids"]}
    assert needing == set(done["logged"])
    # logged requests now show in the list, and a second --log skips them as duplicates
    again = triage_json(cli, "--within", "3", "--subject", "mathematics")
    assert all(len(r["logged"]) == 1 for r in again)
    twice = json.loads(ok(cli("triage", "--within", "3", "--subject", "mathematics", "--log", "S2", "--yes", "--json", "--today", TODAY)))
    assert twice["logged"] == [] and {s["reason"].split(" as ")[0] for s in twice["skipped"]} == {"already logged"}


def test_log_refuses_what_request_add_refuses_and_says_why(cli, loaded):
    """seed:000: Priority Service 2 is not for GCSE; it closes on 20 Aug 2026."""
    gcse = json.loads(ok(cli("triage", "--within", "3", "--subject", "physics", "--log", "PS2", "--yes", "--json", "--today", TODAY)))
    reasons = {s["qualification"]: s["reason"] for s in gcse["skipped"]}
    assert "does not apply to GCSE" in reasons["gcse"]
    late = json.loads(ok(cli("triage", "--within", "3", "--subject", "mathematics", "--log", "PS2", "--json", "--today", "2026-08-21")))
    assert late["drafts"] == [] and late["skipped"] and all("closed on Thu 20 Aug 2026" in s["reason"] for s in late["skipped"])
    assert cli("triage", "--yes", "--today", TODAY).exit_code == 2


@pytest.mark.parametrize(
    "rows, message",
    [
        (["AQA,gce-a-level,7357/1,A*,80", "AQA,gce-a-level,7357/1,B,60", "AQA,gce-a-level,7357/1,A,70"],
         "bad.csv:4: grade A comes after B: list grades in the order A*, A, B, C, D, E"),
        (["AQA,gce-a-level,7357/1,A,60", "AQA,gce-a-level,7357/1,B,65"], "bad.csv:3: the mark for B (65) must be below the mark for A (60)"),
        (["AQA,gce-a-level,7357/1,A,60", "AQA,gce-a-level,7357/1,B,sixty"], "bad.csv:3: mark: not a whole number of marks"),
    ],
)
def test_a_bad_boundaries_file_is_refused_naming_the_line(cli, tmp_path, rows, message):
    (tmp_path / "bad.csv").write_text("\n".join(["awarding body,qualification,component,grade,mark", *rows]) + "\n")
    result = cli("boundaries", "import", tmp_path / "bad.csv", "--today", TODAY)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "nothing was imported" in result.stderr
    assert json.loads(ok(cli("boundaries", "list", "--json"))) == []


def test_results_import_is_all_or_none_and_never_echoes_a_cell(cli, tmp_path):
    (tmp_path / "r.csv").write_text(
        "candidate number,candidate name,awarding body,qualification,subject,component,mark,grade\n"
        "0001,Ada Lovelace,AQA,gce-a-level,Maths,7357/1,68,B\n"
        "0002,Bertha Swirles,AQA,gce-a-level,Maths,7357/1,sixty-eight,B\n"
        "0003,Carl Quill,XYZ,gce-a-level,Maths,7357/1,55,C\n"
        "0004,Dora Quill,AQA,gce-a-level,Maths,7357/1,55,Q\n"
        "0001,Ada Lovelace,AQA,gce-a-level,Maths,7357/1,70,A\n"
    )
    result = cli("results", "import", tmp_path / "r.csv", "--today", TODAY)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert f"{tmp_path / 'r.csv'}:3: mark: not a whole number of marks" in lines
    assert any(line.startswith(f"{tmp_path / 'r.csv'}:4: awarding body: not a awarding body code") for line in lines)
    assert any(line.startswith(f"{tmp_path / 'r.csv'}:5: grade: not a GCE A level grade") for line in lines)
    assert f"{tmp_path / 'r.csv'}:6: the same candidate and component (or subject) as line 2" in lines
    for secret in ("Bertha", "sixty-eight", "XYZ", "Ada"):
        assert secret not in result.stderr
    assert "No results held" in cli("triage", "--today", TODAY).stderr


def test_results_are_owner_only(cli, loaded, prs_home):
    assert stat.S_IMODE((prs_home / "prs.sqlite3").stat().st_mode) == 0o600


def test_the_table_fits_80_columns_and_a_wide_terminal_gets_one_line_each(cli, loaded):
    narrow = ok(cli("triage", "--within", "3", "--today", TODAY, env={"COLUMNS": "80"}))
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "short of" in narrow and "Open services" in narrow
    wide = ok(cli("triage", "--within", "3", "--today", TODAY, env={"COLUMNS": "200"}))
    assert max(len(line) for line in wide.splitlines()) <= 200
    assert "Short  Above  Cand" in wide


def submitted(cli, candidate, component, subject="Mathematics"):
    """An S2 request received by AQA on 17 Aug, with valid consent (seed:000)."""
    ok(cli("consent", "record", "--candidate", candidate, "--on", TODAY, "--method", "form", "--covers", "S2",
           "--acknowledged-outcomes", "--series", "june-2026", "--today", TODAY))
    request_id = int(ok(cli("request", "add", "--candidate", candidate, "--ab", "AQA", "-q", "gce-a-level", "--subject", subject,
                            "--component", component, "--service", "S2", "--grade", "B", "--mark", "58", "--today", TODAY)))
    ok(cli("request", "submit", request_id, "--received", "2026-08-17", "--today", "2026-08-17"))
    return request_id


def test_revised_results_report_changes_and_record_outcomes_counted_by_status(cli, tmp_path):
    facts = broadsheet(tmp_path / "results.csv")
    ok(cli("results", "import", tmp_path / "results.csv", "--today", TODAY))
    first, second = facts[0], facts[1]
    up = submitted(cli, first[0], first[4])
    untouched = submitted(cli, second[0], second[4])
    bounds = dict(COMPONENTS[0][4])
    new_mark = bounds["A*"] if first[5] < bounds["A*"] else first[5] - 1  # a change either way
    broadsheet(tmp_path / "revised.csv", changes={(first[0], first[4]): new_mark})
    result = cli("results", "import", tmp_path / "revised.csv", "--record-outcomes", "--json", "--today", "2026-09-01")
    report = json.loads(ok(result))
    assert report["added"] == 0 and report["imported"] == 290
    assert [(c["candidate"], c["mark_before"], c["mark_after"]) for c in report["changed"]] == [(first[0], first[5], new_mark)]
    assert [o["request_id"] for o in report["outcomes"]] == [up]
    shown = json.loads(ok(cli("request", "show", up, "--json", "--today", "2026-09-01")))
    assert shown["status"] == "completed" and shown["mark_after"] == new_mark and shown["outcome_on"] == "2026-09-01"
    assert json.loads(ok(cli("request", "show", untouched, "--json")))["status"] == "submitted"
    history = json.loads(ok(cli("request", "history", up, "--json")))
    assert history[-1]["action"] == "outcome" and history[-1]["details"]["via"] == "revised results"
    status = json.loads(ok(cli("status", "--series", "june-2026", "--json", "--today", "2026-09-01")))
    assert sum(status["outcomes"].values()) == 1
    assert status["by_status"]["completed"] == 1


def test_revised_results_without_record_outcomes_name_the_requests(cli, tmp_path):
    facts = broadsheet(tmp_path / "results.csv")
    ok(cli("results", "import", tmp_path / "results.csv", "--today", TODAY))
    request_id = submitted(cli, facts[0][0], facts[0][4])
    broadsheet(tmp_path / "revised.csv", changes={(facts[0][0], facts[0][4]): facts[0][5] + 1 if facts[0][5] < 100 else 99})
    result = cli("results", "import", tmp_path / "revised.csv", "--today", "2026-09-01")
    assert "Changed (1):" in ok(result)
    assert f"outcomes of submitted request {request_id}, not recorded" in result.stderr
    assert json.loads(ok(cli("request", "show", request_id, "--json")))["status"] == "submitted"


def test_results_are_purged_only_once_the_series_is_over_and_show_in_due(cli, tmp_path):
    """Kept until 28 Nov 2026 (reviews close 24 Sep, seed:000; S3 35 days; appeals 30 days, PEA-APP25)."""
    broadsheet(tmp_path / "results.csv", per_component=5)
    ok(cli("results", "import", tmp_path / "results.csv", "--today", TODAY))
    assert not [i for i in json.loads(ok(cli("due", "--json", "--today", "2026-11-28"))) if i["kind"] == "results_disposal"]
    due = [i for i in json.loads(ok(cli("due", "--json", "--today", "2026-11-30"))) if i["kind"] == "results_disposal"]
    assert len(due) == 1 and due[0]["date"] == "2026-11-29" and "30 results of June 2026" in due[0]["title"]
    early = cli("results", "purge", "--yes", "--today", "2026-11-28")
    assert "Keeping 30 results of June 2026 until Sat 28 Nov 2026" in ok(early)
    dry = cli("results", "purge", "--today", "2026-11-30")
    assert "Would purge 30 results of June 2026" in ok(dry) and "Dry run" in dry.stderr
    assert json.loads(ok(cli("results", "purge", "--yes", "--json", "--today", "2026-11-30")))["series"][0]["purged"] is True
    assert "No results held" in cli("triage", "--today", "2026-11-30").stderr
    assert not [i for i in json.loads(ok(cli("due", "--json", "--today", "2026-11-30"))) if i["kind"] == "results_disposal"]


def test_boundaries_kept_as_yaml_in_the_data_folder(cli, tmp_path):
    broadsheet(tmp_path / "results.csv", per_component=20)
    ok(cli("results", "import", tmp_path / "results.csv", "--today", TODAY))
    folder = tmp_path / "centre-data"
    folder.mkdir()
    grades = ", ".join(f'"{g}": {m}' for g, m in COMPONENTS[0][4])
    (folder / "boundaries_2026.yaml").write_text(
        "boundaries:\n"
        f"  - {{series: june-2026, awarding_body: AQA, qualification: gce-a-level, component: \"7357/1\", max_mark: 100, grades: {{{grades}}}}}\n"
    )
    rows = triage_json(cli, "--within", "10", "--data-dir", folder)
    assert rows and {r["component"] for r in rows} == {"7357/1"}
    (folder / "boundaries_2026.yaml").write_text(
        "boundaries:\n"
        "  - series: june-2026\n    awarding_body: AQA\n    qualification: gce-a-level\n    component: \"7357/1\"\n"
        "    grades:\n      A: 60\n      B: 65\n"
    )
    result = cli("triage", "--data-dir", folder, "--today", TODAY)
    assert result.exit_code == 2
    assert "boundaries_2026.yaml:8:7: the mark for B (65) must be below the mark for A (60)" in result.stderr


def test_json_holds_names_with_quotes_backslashes_and_accents_as_they_are(cli, tmp_path, prs_home):
    """`prs triage --json` (render.jsonout.write_array over record): every listed result, its
    name exactly as imported."""
    (tmp_path / "r.csv").write_text(
        "candidate number,candidate name,awarding body,qualification,subject,component,mark,grade\n"
        '0001,"Zoë ""Zed"" O\\Brien",AQA,gce-a-level,Maths,7357/1,68,B\n'
        "0002,,AQA,gce-a-level,Maths,7357/1,28,U\n",
        encoding="utf-8",
    )
    ok(cli("results", "import", tmp_path / "r.csv", "--today", TODAY))
    boundaries_csv(tmp_path / "b.csv")
    ok(cli("boundaries", "import", tmp_path / "b.csv", "--today", TODAY))
    rows = json.loads(ok(cli("triage", "--json", "--within", "5", "--today", TODAY)))
    assert [row["candidate"] for row in rows] == ["0001", "0002"]
    assert rows[0]["name"] == 'Zoë "Zed" O\\Brien' and rows[1]["name"] is None
