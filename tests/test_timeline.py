"""`prs timeline`: one self-contained page with every date of the series, parsed as HTML and SVG."""

from __future__ import annotations

import re
import stat
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

from prs_cli.rules.schedule import Filters, calendar_items
from prs_cli.rules.timeline import rows

SVG = "{http://www.w3.org/2000/svg}"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


class _Page(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.cells = [], [], []
        self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _svg(page: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", page, re.S).group(0))


def test_rows_count_requests_at_their_deadlines(calendar):
    """seed:000: S2 requests close 24 Sep 2026, PS2 20 Aug 2026; the internal deadline is two
    days before (the default lead time), moved off weekends."""
    from prs_cli.records import RequestRecord

    def request(id, status, service, qualification="gcse"):
        return RequestRecord(id, status, "june-2026", "AQA", qualification, service, "C1", "1234", None)

    found = rows(calendar, "june-2026", [request(1, "draft", "S2"), request(2, "submitted", "S2"),
                                         request(3, "completed", "PS2", "gce-a-level"), request(4, "withdrawn", "S2")], 2)
    s2 = next(r for r in found if r.title == "Review of marking (S2) requests close")
    assert s2.date == date(2026, 9, 24) and s2.counts == {"draft": 1, "submitted": 1, "completed": 0}
    internal = next(r for r in found if r.kind == "internal_deadline" and "24 Sep" in r.title)
    assert internal.date == date(2026, 9, 22) and internal.counts == {"draft": 1, "submitted": 1, "completed": 0}
    ps2 = next(r for r in found if r.title.startswith("Priority Service 2 (PS2) requests close for GCE A level"))
    assert ps2.counts["completed"] == 1
    assert [r.date for r in found if r.date] == sorted(r.date for r in found if r.date)
    assert found[-1].date is None  # unpublished dates last


def test_the_page_has_every_date_and_needs_no_network(cli, calendar, tmp_path):
    env = {"PRS_TODAY": "2026-08-29"}
    ok(cli("config", "set", "centre_name", "<b>Hill</b> & Dale"))
    ok(cli("request", "add", "--candidate", "1234", "--name", "<script>x</script>", "--ab", "AQA", "-q", "gcse",
           "--component", "8300/1H", "--service", "S2", env=env))
    out = tmp_path / "season.html"
    result = ok(cli("timeline", "--out", str(out), "--series", "june-2026", env=env))
    assert "June 2026" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    page = _Page(text)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not [v for k, v in page.attributes if k in ("src", "href", "xlink:href")]
    assert "url(" not in text and "@import" not in text
    assert "size: A4 landscape" in text
    assert "&lt;b&gt;Hill&lt;/b&gt; &amp; Dale" in text and "<b>Hill" not in text
    assert "<script>x" not in text and "script&gt;x" not in text  # names are not on the page at all

    svg = _svg(text)
    labels = " ".join("".join(t.itertext()) for t in svg.iter(f"{SVG}text"))
    table = " ".join(page.cells)
    deadlines = [i for i in calendar_items(calendar, Filters(series=("june-2026",))) if i.kind == "request_deadline"]
    for item in deadlines:
        assert item.title in table
        if item.date is not None:
            words = " ".join(item.title.split())
            assert all(word in labels for word in words.split()), item.title
    assert "Today 29 Aug" in labels
    today = svg.find(f".//{SVG}g[@class='today']/{SVG}line")
    assert today is not None and float(today.get("x1")) > 0
    drafts = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "draft"]
    assert len(drafts) == 2  # the S2 deadline and the internal deadline before it
    assert "not yet published" in text


def test_default_series_and_bad_series(cli, tmp_path):
    out = tmp_path / "t.html"
    ok(cli("timeline", "--out", str(out), env={"PRS_TODAY": "2026-03-01"}))
    assert "June 2026: the season at a glance" in out.read_text(encoding="utf-8")
    bad = cli("timeline", "--out", str(out), "--series", "june-2099")
    assert bad.exit_code == 2 and "unknown series" in bad.stderr
