"""Issue 13, item 1: every view fits the width it is given (COLUMNS, else the terminal, else
80): no line wider, no word from the data split across lines, each command at 80 and 120."""

from __future__ import annotations

import io
import json
import re

import pytest
from typer.testing import CliRunner

from prs_cli.cli.app import app
from prs_cli.render.console import cells

TODAY = "2026-09-01"
LONG_NAME = "Featherstonehaugh-Smythe"


@pytest.fixture(scope="module")
def summer(tmp_path_factory):
    """A season's log in a home of its own (built once): boards and services in rotation,
    long names, submitted, answered, withdrawn and late requests, consent good, early and
    missing, a June 2025 consent due for disposal, a centre with long settings, and a
    broadsheet of results a few marks below a boundary (for triage)."""
    home = tmp_path_factory.mktemp("summer")
    env = {"PRS_HOME": str(home), "COLUMNS": "200"}
    runner = CliRunner()

    def ok(*args):
        result = runner.invoke(app, [*args, "--by", "EO"] if args[0] != "config" else list(args), env=env)
        assert result.exit_code == 0, (args, result.stderr)

    boards = ("AQA", "OCR", "PEARSON", "WJEC", "CCEA")
    services = ("S1", "PS2", "S2")
    for n in range(12):
        ok("request", "add", "--candidate", f"{1000 + n // 3:04d}", "--name", f"Candidate {n} {LONG_NAME}",
           "--ab", boards[n % 5], "-q", "gce-a-level", "--subject", "English Literature",
           "--component", f"P{n:02d}", "--service", services[n % 3], "--series", "june-2026",
           "--grade", "C", "--today", "2026-08-14")
    for candidate, on in (("1000", "2026-08-13T10:00"), ("1001", "2026-08-12"), ("1002", "2026-08-14")):
        ok("consent", "record", "--candidate", candidate, "--on", on, "--method", "form", "--covers", "S1,PS2,S2",
           "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-14")
    for n in (1, 2, 3, 7):
        ok("request", "submit", str(n), "--received", "2026-08-14", "--today", "2026-08-14")
    ok("request", "outcome", "1", "--on", "2026-08-22", "--grade-after", "B", "--today", "2026-08-22")
    ok("request", "withdraw", "12", "--reason", "The candidate changed their mind after talking it over with "
       "the subject teacher and their parents", "--today", "2026-08-20")
    ok("request", "add", "--candidate", "0042", "--ab", "AQA", "-q", "gcse", "--component", "8300/2H",
       "--service", "S1", "--series", "june-2025", "--grade", "4", "--today", "2025-08-22")
    ok("consent", "record", "--candidate", "0042", "--on", "2025-08-22", "--method", "form", "--covers", "S1", "--acknowledged-outcomes",
       "--series", "june-2025", "--today", "2025-08-22")
    ok("request", "submit", "13", "--received", "2025-08-22", "--today", "2025-08-22")
    ok("request", "outcome", "13", "--on", "2025-08-29", "--grade-after", "5", "--today", "2025-08-29")
    (home / "boundaries.csv").write_text(
        "Awarding Body,Qualification,Subject,Component,Grade,Mark,Max Mark\n"
        + "".join(f"AQA,gce-a-level,Mathematics,7357/1,{grade},{mark},100\n" for grade, mark in (("A*", 80), ("A", 70), ("B", 60), ("C", 50))),
        encoding="utf-8",
    )
    (home / "results.csv").write_text(
        "Candidate No,Candidate Name,Awarding Body,Qualification,Subject,Component,Mark,Grade,Max Mark\n"
        + "".join(f"{2000 + n},Candidate {n} {LONG_NAME},AQA,gce-a-level,Mathematics,7357/1,{mark},{grade},100\n"
                  for n, (mark, grade) in enumerate(((69, "B"), (58, "C"), (49, "D"), (78, "A")))),
        encoding="utf-8",
    )
    ok("boundaries", "import", str(home / "boundaries.csv"), "--series", "june-2026", "--today", "2026-08-14")
    ok("results", "import", str(home / "results.csv"), "--series", "june-2026", "--today", "2026-08-14")
    ok("config", "set", "centre_number", "12345")
    ok("config", "set", "centre_name", "St Example's Church of England Academy and Sixth Form College")
    ok("config", "set", "authorised_staff", "alice.anderson,bob.brown,carol.long-name,dave.davies,eve.evans")
    return home


def split_words(text: str, words) -> list[str]:
    """The words of `words` that are broken across two lines of `text`: the start of one at the
    end of a line (or of a table cell) and the rest at the start of the next."""
    found = []
    lines = text.splitlines()
    for line, following in zip(lines, lines[1:]):
        here, there = re.split("[│┃]", line), re.split("[│┃]", following)
        if len(here) != len(there):
            here, there = [line], [following]
        for end, start in zip(here, there):
            end, start = end.rstrip(), start.strip().removeprefix("- ")
            for word in words:
                for cut in range(1, len(word)):
                    rest = word[cut:]
                    if (end.endswith(word[:cut]) and (len(end) == cut or not end[-cut - 1].isalnum())
                            and start.startswith(rest) and (len(start) == len(rest) or not start[len(rest)].isalnum())):
                        found.append(word)
    return found


def data_words(value) -> set[str]:
    """Every word in a JSON answer's text: the words the view must not split."""
    if isinstance(value, dict):
        return set().union(*map(data_words, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(data_words, value)) if value else set()
    if isinstance(value, str):
        return {w.strip(",;:.()'\"") for w in value.split()} - {""}
    return set()


def check_fits(args, width: int, home, *, whole=(), words=(), today=TODAY, as_json=None) -> str:
    """Run `prs ARGS` with COLUMNS=width; assert no line of stdout or stderr is wider, no word
    of `words` nor of the command's JSON answer (`as_json`: its arguments, default ARGS
    --json; () for none) is split across lines, and each of `whole` appears whole. Returns stdout."""
    runner = CliRunner()
    env = {"PRS_HOME": str(home), "COLUMNS": str(width), "PRS_TODAY": today}
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code in (0, 1), result.stderr
    for stream in (result.stdout, result.stderr):
        widest = max((cells(line) for line in stream.splitlines()), default=0)
        assert widest <= width, (args, width, widest)
    vocabulary = set(words)
    if as_json != ():  # (): the command has no --json; `words` are the words to keep whole
        answer = runner.invoke(app, list(as_json or (*args, "--json")), env=env)
        vocabulary |= data_words(json.loads(answer.stdout))
    text = result.stdout + result.stderr
    assert split_words(text, sorted(w for w in vocabulary if len(w) > 1)) == [], (args, width)
    for word in whole:
        assert word in text, (args, width, word)
    return result.stdout


WIDTHS = (80, 120)
BOARDS = ("AQA", "OCR", "PEARSON", "WJEC", "CCEA")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", [("deadlines",), ("deadlines", "--all"), ("deadlines", "--ab", "PEARSON", "-q", "gce-a-level")])
def test_deadlines_fit(summer, width, args):
    out = check_fits(args, width, summer, whole=("PEARSON", "seed:000", "june-2026", "Review of marking"),
                     today="2026-08-14")
    rows = [line for line in out.splitlines() if line.startswith("│")]
    firsts = [line for line in rows if re.match(r"│ (\w{3} \d+ \w{3} \d{4}|not yet published)", line)]
    assert len(rows) <= 8 * len(firsts)  # a row takes a few lines, not dozens


@pytest.mark.parametrize("width", WIDTHS)
def test_request_views_fit(summer, width):
    listed = check_fits(("request", "list"), width, summer, whole=(*BOARDS, LONG_NAME, "OVERDUE", "june-2025"))
    assert all(f"P{n:02d}" in listed for n in range(12))
    check_fits(("request", "list", "--all"), width, summer, whole=BOARDS)
    shown = check_fits(("request", "show", "1"), width, summer, whole=(LONG_NAME, "seed:000"))
    assert shown.startswith("Request 1: completed\n")
    check_fits(("request", "show", "12"), width, summer, whole=("parents",))
    check_fits(("request", "history", "12"), width, summer, whole=("withdrawn", "EO"))


@pytest.mark.parametrize("width", WIDTHS)
def test_consent_views_fit(summer, width):
    check_fits(("consent", "check"), width, summer, whole=("before_results", "missing", "1001"))
    check_fits(("consent", "check", "--all"), width, summer, whole=("ok", "1000"))
    check_fits(("consent", "due-for-disposal"), width, summer, whole=("0042", "june-2025"))
    check_fits(("consent", "check", "-q", "gce-a-level", "--on", "2026-08-12"), width, summer, whole=("seed:000",))


@pytest.mark.parametrize("width", WIDTHS)
def test_agenda_views_fit(summer, width):
    text = check_fits(("summary",), width, summer, whole=("12345", "OVERDUE"), words=("Academy", "College"),
                      as_json=("summary", "--format", "json"))
    assert text.startswith("Post-results summary for 12345 St Example's")
    check_fits(("due",), width, summer, whole=("Chase",))


@pytest.mark.parametrize("width", WIDTHS)
def test_status_and_config_fit(summer, width):
    check_fits(("status",), width, summer, whole=(*BOARDS, "PS2", "Fees:"), words=("submitted", "completed"))
    check_fits(("config", "show"), width, summer, whole=("carol.long-name", "Academy"))


@pytest.mark.parametrize("width", WIDTHS)
def test_checklist_and_triage_fit(summer, width):
    check_fits(("checklist",), width, summer, whole=("key-dates", "seed:000", "[!]"), today="2026-08-20")
    listed = check_fits(("triage",), width, summer, whole=(LONG_NAME, "7357/1", "S1"), today="2026-08-14")
    assert "1 short of A at 70" in listed
    check_fits(("boundaries", "list"), width, summer, whole=("7357/1",))
    check_fits(("results", "import", str(summer / "results.csv"), "--series", "june-2026", "--by", "EO"), width, summer,
               whole=("Imported", "purge"), words=("June", "personal"), today="2026-08-14")
    check_fits(("boundaries", "import", str(summer / "boundaries.csv"), "--series", "june-2026", "--by", "EO"), width,
               summer, whole=("Imported",), today="2026-08-14")


@pytest.mark.parametrize("width", WIDTHS)
def test_documents_remarks_fit(summer, width, tmp_path):
    """The commands that write documents say on stderr what they wrote: wrapped to the width."""
    words = ("Wrote", "timeline", "published", "consent", "letter")
    check_fits(("timeline", "--out", str(tmp_path / "season.html")), width, summer, as_json=(), words=words,
               whole=("June 2026",))
    check_fits(("letters", "--out", str(tmp_path / "letters")), width, summer, as_json=(), words=words)
    check_fits(("consent", "form", "--missing", "--out", str(tmp_path / "forms")), width, summer, as_json=(), words=words)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_agenda_table_on_a_terminal_fits(summer, width, monkeypatch):
    """`prs due` on a terminal draws a table: drawn here to a fake terminal of that width."""
    from datetime import date

    from prs_cli import config
    from prs_cli.cli import common
    from prs_cli.render import agenda as render
    from prs_cli.service.agenda import agenda

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("PRS_HOME", str(summer))
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    day = date.fromisoformat(TODAY)
    found = agenda(common.database(None), common.calendar(None), config.load(), today=day)
    window, items = found.days, found.items
    out = Terminal()
    monkeypatch.setattr("sys.stdout", out)
    render.agenda_table(items, day, window)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # NO_COLOR: still bold and dim
    assert max(cells(line) for line in text.splitlines()) <= width
    assert split_words(text, sorted(data_words([render.record(i) for i in items]))) == []
    assert "Chase" in text


def test_the_width_is_columns_else_the_terminal_else_80(monkeypatch):
    from prs_cli.render.console import width

    class Terminal(io.StringIO):
        def isatty(self):
            return True

        def fileno(self):
            raise OSError("no real terminal here")

    monkeypatch.setenv("COLUMNS", "97")
    assert width(io.StringIO()) == 97 and width(Terminal()) == 97
    monkeypatch.delenv("COLUMNS")
    assert width(io.StringIO()) == 80
    monkeypatch.setenv("COLUMNS", "wide")
    assert width(io.StringIO()) == 80


def test_split_words_finds_a_word_broken_in_a_cell_or_a_line():
    table = "│ 1 │ AQA, OCR, PEARS │\n│   │ ON, WJEC        │\n"
    assert split_words(table, ["PEARSON", "WJEC"]) == ["PEARSON"]
    assert split_words("Candidate Featherstonehaugh-\nSmythe", [LONG_NAME]) == [LONG_NAME]
    assert split_words("AQA\nOB26 and PEARSON", ["AQA-OB26", "PEARSON"]) == []
    assert split_words("copies may be kept by a\nrequest", ["are"]) == []  # "a" then "re...": two words
