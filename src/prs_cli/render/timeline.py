"""The season at a glance as one self-contained HTML page: an inline SVG timeline (no scripts,
fonts or images from anywhere), laid out here and drawn by templates/timeline.html.j2.

The SVG is 1100 units wide and scales to the page: the labels on the left, the dates across the
middle with today's line, and on the right each deadline's requests as one bar by state.
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

WIDTH = 1100
LABEL_X = 8
LABEL_CHARS = 62  # a label line of 10-unit sans-serif text fits the 420-unit column
CHART = (440, 840)
BAR = (895, 1010)
COUNT_X = 1016
TOP = 58
LINE = 13
PAD = 9
STATE_COLOURS = {"draft": "#c9302c", "submitted": "#ec971f", "completed": "#449d44"}
MARKERS = {
    "results_day": "circle",
    "restricted_release": "ring",
    "request_deadline": "diamond",
    "internal_deadline": "open-diamond",
}


def layout(timeline) -> dict:
    """Everything the template draws, in SVG units: axis ticks, one entry per dated row (label
    lines, marker, date, bar segments), today's line, and the rows not yet dated."""
    dated = [row for row in timeline.rows if row.date is not None]
    days = [row.date for row in dated] + [timeline.today]
    start = min(days) - timedelta(days=3)
    end = max(days) + timedelta(days=3)
    span = (end - start).days

    def x(day: date) -> float:
        return round(CHART[0] + (day - start).days / span * (CHART[1] - CHART[0]), 1)

    most = max((row.total for row in dated if row.counts), default=0)
    entries, y = [], TOP
    for row in dated:
        lines = textwrap.wrap(row.title + (" (provisional)" if row.provisional else ""), LABEL_CHARS,
                              break_on_hyphens=False) or [""]
        height = len(lines) * LINE + PAD
        middle = y + height / 2
        entry = {
            "y": y,
            "height": height,
            "middle": round(middle, 1),
            "lines": [{"text": text, "y": round(middle - (len(lines) - 1) * LINE / 2 + i * LINE + 3.5, 1)}
                      for i, text in enumerate(lines)],
            "x": x(row.date),
            "shape": MARKERS.get(row.kind, "square"),
            "past": row.date < timeline.today,
            "date": f"{row.date.day} {row.date:%b}",
            "date_left": x(row.date) + 48 > BAR[0],  # no room before the bars: the date goes left
            "bar": None,
        }
        if row.counts is not None:
            segments, left = [], BAR[0]
            for state, count in row.counts.items():
                if count:
                    width = (BAR[1] - BAR[0]) * count / most
                    segments.append({"state": state, "x": round(left, 1), "width": round(width, 1),
                                     "colour": STATE_COLOURS[state], "count": count})
                    left += width
            entry["bar"] = {"segments": segments,
                            "text": " / ".join(str(row.counts[s]) for s in STATE_COLOURS) if row.total else "none"}
        entries.append(entry)
        y += height
    months = []
    first = date(start.year, start.month, 1)
    while first <= end:
        if first >= start and x(first) + 45 < CHART[1]:  # a label that fits before the bars
            months.append({"x": x(first), "label": f"{first:%b %Y}"})
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    weeks = []
    monday = start + timedelta(days=-start.weekday() % 7)
    while monday <= end:
        weeks.append(x(monday))
        monday += timedelta(days=7)
    return {
        "width": WIDTH,
        "height": y + 14,
        "top": TOP,
        "bottom": y,
        "chart": CHART,
        "bar": BAR,
        "count_x": COUNT_X,
        "label_x": LABEL_X,
        "months": months,
        "weeks": weeks,
        "rows": entries,
        "today": {"x": x(timeline.today), "label": f"Today {timeline.today.day} {timeline.today:%b}"},
        "colours": STATE_COLOURS,
        "start": start,
        "end": end,
    }


def page(env, timeline) -> str:
    """The whole page (templates/timeline.html.j2; a centre's own replaces it)."""
    from prs_cli.render.documents import render

    return render(env, "timeline.html.j2", {
        "series": {"id": timeline.series, "name": timeline.series_name},
        "centre": timeline.centre,
        "today": timeline.today,
        "rows": timeline.rows,
        "undated": [row for row in timeline.rows if row.date is None],
        "svg": layout(timeline),
    })
