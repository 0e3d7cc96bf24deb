"""Consent forms and outcome letters for a summer of requests: the right facts for the right
candidates, nothing for those who need none, owner-only files, escaped names, centre templates."""

from __future__ import annotations

import csv
import stat
from html.parser import HTMLParser

import pytest

HOSTILE = "<script>alert(1)</script>"
FORMULA = "=HYPERLINK(\"http://x\",\"y\")"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """June 2026, built once for the module: 1234 (hostile name) two PS2 and an ATS-P with valid
    consent, one PS2 outcome up; 2345 S2 with no consent; 3456 S1 with valid consent, an outcome
    up; 4567 S2 with consent given before GCSE results (20 Aug); a Service 3 sample."""
    from typer.testing import CliRunner

    from prs_cli.cli.app import app

    home = tmp_path_factory.mktemp("summer")
    runner = CliRunner()

    def run(today, *args):
        env = {"PRS_HOME": str(home), "PRS_TODAY": today, "PRS_DATA_DIR": None, "PRS_DB": None, "PRS_TEMPLATES": None}
        ok(runner.invoke(app, list(args), env=env, catch_exceptions=False))

    def add(today, number, name, board, qual, subject, component, service, *extra):
        run(today, "request", "add", "--candidate", number, "--name", name, "--ab", board, "-q", qual,
            "--subject", subject, "--component", component, "--service", service, "--series", "june-2026", *extra)

    run("2026-08-14", "config", "set", "centre_number", "12345")
    run("2026-08-14", "config", "set", "centre_name", "Hilltop & <Co> Academy")
    add("2026-08-14", "1234", HOSTILE, "AQA", "gce-a-level", "Mathematics", "7357/1", "PS2", "--grade", "B", "--mark", "58", "--fee", "57.85")
    add("2026-08-14", "1234", HOSTILE, "AQA", "gce-a-level", "Mathematics", "7357/2", "ATS-P")
    add("2026-08-14", "1234", HOSTILE, "AQA", "gce-a-level", "Mathematics", "7357/3", "PS2", "--fee", "57.85")
    add("2026-08-14", "2345", "Bob O'Neil", "OCR", "gce-a-level", "Physics", "H556/01", "S2", "--grade", "C", "--fee", "50.00")
    add("2026-08-14", "3456", FORMULA, "PEARSON", "gce-a-level", "History", "9HI0/01", "S1", "--grade", "D", "--mark", "70", "--fee", "12.50")
    add("2026-08-21", "4567", "Dee Four", "AQA", "gcse", "English", "8700/1F", "S2", "--fee", "42.00")
    run("2026-08-21", "request", "add", "--ab", "AQA", "-q", "gcse", "--component", "8702C", "--service", "S3", "--series", "june-2026")
    # ids: 1 PS2 (completed below), 2 ATS-P, 3 PS2, 4 S2, 5 S1 (completed below), 6 S2, 7 S3
    for number, on, covers, extra in (
        ("1234", "2026-08-13T09:10", "PS2,ATS-P,APP1", ("--no-classroom-use",)),
        ("3456", "2026-08-13T10:00", "S1", ()),
        ("4567", "2026-08-19", "S2", ()),
    ):
        run("2026-08-21", "consent", "record", "--candidate", number, "--on", on, "--method", "form", "--covers", covers,
            "--acknowledged-outcomes", "--series", "june-2026", *extra)
    run("2026-08-14", "request", "submit", "1", "--received", "2026-08-14")
    run("2026-08-21", "request", "submit", "5", "--received", "2026-08-21")
    run("2026-08-28", "request", "outcome", "1", "--on", "2026-08-28", "--grade-after", "A", "--mark-after", "64")
    run("2026-08-28", "request", "outcome", "5", "--on", "2026-08-27", "--grade-after", "C", "--mark-after", "75")
    return home


@pytest.fixture
def summer(built, prs_home):
    """A copy of the module's summer in this test's PRS_HOME."""
    import shutil

    shutil.copytree(built, prs_home, dirs_exist_ok=True)
    return prs_home


class _Page(HTMLParser):
    """Elements and text of an HTML page, parsed as a browser would read them."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.text = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


def _owner_only(path):
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_consent_form_for_one_candidate(cli, summer):
    text = ok(cli("consent", "form", "--candidate", "1234", env={"PRS_TODAY": "2026-08-21"})).stdout
    assert "Centre number 12345" in text and "Hilltop & <Co> Academy" in text
    assert "Candidate number: 1234" in text and HOSTILE in text and "June 2026" in text
    assert "Priority Service 2 (PS2)" in text and "Access to scripts: priority copy to support a review (ATS-P)" in text
    assert "Component 7357/3; fee £57.85" in text and "Component 7357/2; fee not logged" in text
    assert "7357/1" not in text  # completed: its consent was given already
    assert "may go down" in text
    # issue 11 item 3 (seed:000 scripts row): a priority copy (ATS-P) needs the candidate's
    # permission only; the classroom-use and anonymity choices are for teaching copies (ATS-TL)
    assert "used in class" not in text and "must be removed first" not in text
    # seed:000 and JCQ-RES: consent only after results, from 08:00 on results day
    assert "not valid if signed before\nThu 13 Aug 2026 at 08:00" in text
    assert max(map(len, text.splitlines())) <= 80


def test_missing_forms_one_per_candidate_who_needs_one(cli, summer, tmp_path):
    out = tmp_path / "forms"
    result = ok(cli("consent", "form", "--missing", "--out", str(out), env={"PRS_TODAY": "2026-08-21"}))
    assert "Wrote 2 consent forms" in result.stderr
    # 2345 has none; 4567's was given before GCSE results; 1234 and 3456 are valid; S3 needs none
    assert sorted(p.name for p in out.iterdir()) == ["consent-june-2026-2345.txt", "consent-june-2026-4567.txt"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    bob = (out / "consent-june-2026-2345.txt").read_text(encoding="utf-8")
    assert "Bob O'Neil" in bob and "Review of marking (S2)" in bob and "OCR, GCE A level, Physics" in bob
    assert "COPIES OF MY SCRIPTS" not in bob  # no script request, so no script choices
    dee = (out / "consent-june-2026-4567.txt").read_text(encoding="utf-8")
    assert "Thu 20 Aug 2026 at 08:00" in dee  # GCSE results day
    for path in out.iterdir():
        _owner_only(path)
        assert max(map(len, path.read_text(encoding="utf-8").splitlines())) <= 80


def test_html_form_escapes_every_name(cli, summer, tmp_path):
    out = tmp_path / "forms"
    ok(cli("consent", "form", "--candidate", "1234", "--format", "html", "--out", str(out), env={"PRS_TODAY": "2026-08-21"}))
    raw = (out / "consent-june-2026-1234.html").read_text(encoding="utf-8")
    page = _Page(raw)
    assert "script" not in page.tags
    assert HOSTILE in "".join(page.text) and "Hilltop & <Co> Academy" in "".join(page.text)
    assert "&lt;script&gt;" in raw and "Hilltop &amp; &lt;Co&gt; Academy" in raw
    assert not [value for name, value in page.attributes if name in ("src", "href")]  # nothing fetched
    markdown = ok(cli("consent", "form", "--candidate", "1234", "--format", "markdown", env={"PRS_TODAY": "2026-08-21"})).stdout
    assert HOSTILE not in markdown and "&lt;script&gt;" in markdown
    assert "| 2 | Priority Service 2 (PS2) | AQA | GCE A level | Mathematics | 7357/3 | £57.85 |" in markdown


def test_outcome_letters_and_merge_file(cli, summer, tmp_path):
    out, merge = tmp_path / "letters", tmp_path / "merge.csv"
    result = ok(cli("letters", "--out", str(out), "--merge", str(merge), env={"PRS_TODAY": "2026-08-29"}))
    assert "Wrote 2 letters" in result.stderr and "Wrote 2 outcomes" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["letter-1234.txt", "letter-3456.txt"]  # no outcome, no letter
    ada = (out / "letter-1234.txt").read_text(encoding="utf-8")
    assert HOSTILE in ada and "candidate number 1234" in ada and "Priority Service 2 (PS2), June 2026" in ada
    assert "Mark:  58 before, 64 after" in ada and "Grade: B before, A after" in ada and "went up" in ada
    assert "£57.85, refunded because the grade changed" in ada  # AQA-ROM2: no charge if the grade changes
    # PEA-APP25: appeal within 30 days of the outcome (28 Aug -> 27 Sep); ask 2 working days earlier
    assert "tell the exams office by Fri 25 Sep 2026" in ada and "AQA must\n   receive it by Sun 27 Sep 2026" in ada
    history = (out / "letter-3456.txt").read_text(encoding="utf-8")
    assert "Clerical re-check (S1)" in history and "HOW TO ASK FOR AN APPEAL" not in history  # no appeal after S1
    for path in [*out.iterdir(), merge]:
        _owner_only(path)
    for path in out.iterdir():
        assert max(map(len, path.read_text(encoding="utf-8").splitlines())) <= 80
    rows = list(csv.DictReader(merge.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["candidate_number"] for r in rows] == ["1234", "3456"]
    assert rows[1]["candidate_name"] == "'" + FORMULA  # neutralised for spreadsheets
    assert rows[0]["grade_before"] == "B" and rows[0]["grade_after"] == "A" and rows[0]["appeal_deadline"] == "2026-09-27"


def test_letters_since_and_html(cli, summer):
    page = ok(cli("letters", "--candidate", "1234", "--format", "html", "--since", "2026-08-28", env={"PRS_TODAY": "2026-08-29"})).stdout
    parsed = _Page(page)
    assert "script" not in parsed.tags and HOSTILE in "".join(parsed.text)
    late = cli("letters", "--candidate", "3456", "--since", "2026-08-28", env={"PRS_TODAY": "2026-08-29"})
    assert late.exit_code == 2 and "3456" not in late.stderr and "no outcome" in late.stderr


def test_a_centres_own_template_replaces_the_bundled_one(cli, summer, tmp_path, monkeypatch):
    own = tmp_path / "own"
    own.mkdir()
    (own / "letterhead.txt.j2").write_text("HILLTOP LETTERHEAD {{ centre.number }}\n", encoding="utf-8")
    (own / "outcome_letter.txt.j2").write_text("Dear {{ candidate.name }}: {{ outcomes|length }} outcome(s)\n", encoding="utf-8")
    ok(cli("config", "set", "templates_dir", str(own)))
    form = ok(cli("consent", "form", "--candidate", "2345", env={"PRS_TODAY": "2026-08-21"})).stdout
    assert form.startswith("HILLTOP LETTERHEAD 12345\n") and "Review of marking (S2)" in form  # the rest is prs's
    letter = ok(cli("letters", "--candidate", "1234", env={"PRS_TODAY": "2026-08-29"})).stdout
    assert letter == f"Dear {HOSTILE}: 1 outcome(s)\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "outcome_letter.txt.j2").write_text("PRS_TEMPLATES wins\n", encoding="utf-8")
    monkeypatch.setenv("PRS_TEMPLATES", str(other))
    assert ok(cli("letters", "--candidate", "1234", env={"PRS_TODAY": "2026-08-29"})).stdout == "PRS_TEMPLATES wins\n"


@pytest.mark.parametrize(
    "template, message",
    [
        ("{% for x in %}", "line 1"),
        ("{{ candidate.shoe_size }}", "uses something prs does not provide"),
    ],
)
def test_a_broken_centre_template_is_one_sentence(cli, summer, tmp_path, monkeypatch, template, message):
    (tmp_path / "consent_form.txt.j2").write_text(template, encoding="utf-8")
    monkeypatch.setenv("PRS_TEMPLATES", str(tmp_path))
    result = cli("consent", "form", "--candidate", "2345", env={"PRS_TODAY": "2026-08-21"})
    assert result.exit_code == 2 and result.stderr.startswith("Error: template") and message in result.stderr
    assert "2345" not in result.stderr and "Bob" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (("consent", "form"), "give --candidate N"),
        (("consent", "form", "--missing"), "give --out DIR"),
        (("consent", "form", "--candidate", "9999"), "no open request needing consent"),
        (("consent", "form", "--candidate", "12"), "4 digits"),
        (("consent", "form", "--candidate", "2345", "--format", "pdf"), "unknown format"),
        (("letters",), "give --candidate N"),
        (("letters", "--candidate", "2345"), "no outcome is recorded for that candidate"),
    ],
)
def test_bad_requests_for_documents_name_no_candidate(cli, summer, args, message):
    result = cli(*args, env={"PRS_TODAY": "2026-08-29"})
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "9999" not in result.stderr and "2345" not in result.stderr and "Bob" not in result.stderr


def test_documents_into_a_folder_that_cannot_be_made(cli, summer, tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = cli("letters", "--out", str(tmp_path / "a-file" / "letters"), env={"PRS_TODAY": "2026-08-29"})
    assert result.exit_code == 2 and result.stderr.startswith("Error: cannot create the folder")
