"""Small render helpers shared by several views."""

from __future__ import annotations

import pytest

from prs_cli.render.console import days_phrase
from prs_cli.render.text import visible


@pytest.mark.parametrize(
    "days, agenda, counting",
    [
        (None, "-", "-"),
        (0, "today", "today"),
        (1, "tomorrow", "1 day"),
        (3, "in 3 days", "3 days"),
        (-1, "1 day ago", "closed (1 day ago)"),
        (-2, "2 days ago", "closed (2 days ago)"),
    ],
)
def test_days_phrase_in_the_agenda_and_the_deadlines_table(days, agenda, counting):
    assert days_phrase(days) == agenda
    assert days_phrase(days, counting=True) == counting


def test_visible_shows_control_characters_instead_of_acting_on_them():
    assert visible("Zoë said so") == "Zoë said so"
    assert visible("line\nbreak\x1b[31m\ttab") == "line\u240abreak\u241b[31m\u2409tab"
    assert visible("right\u202eleft") == "right<U+202E>left"
