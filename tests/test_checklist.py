"""The dated checklist (data/checklist.yaml), its ticks, the retention log, and `prs due`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from prs_cli.calendar.checklist import load_checklist
from prs_cli.errors import DataError
from prs_cli.rules.checklist import current_series, dated_tasks, due_tasks

SUMMER = {"PRS_TODAY": "2026-08-14"}


@pytest.fixture(scope="module")
def tasks(calendar):
    return load_checklist(calendar, None, use_cache=False).tasks


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_june_2026_tasks_are_dated_from_the_seed(calendar, tasks):
    """seed:000: GCE results 13 Aug 2026 (restricted release 12 Aug, AQA-OB26), GCSE results
    20 Aug, Priority Service 2 deadline 20 Aug, reviews deadline 24 Sep 2026."""
    dated = {t.key: t.date for t in dated_tasks(calendar, tasks, "june-2026", lead_days=2)}
    assert dated["collect-results-gce"] == date(2026, 8, 12)
    assert dated["publish-results-gce"] == date(2026, 8, 13)
    assert dated["priority-reviews"] == date(2026, 8, 13)
    assert dated["collect-results-gcse"] == date(2026, 8, 19)
    assert dated["publish-results-gcse"] == date(2026, 8, 20)
    assert dated["priority-reviews-sent"] == date(2026, 8, 18)  # 20 Aug minus the 2-day lead time
    assert dated["reviews-sent"] == date(2026, 9, 22)  # 24 Sep minus 2 days
    assert dated["file-consent"] == date(2026, 9, 24)
    assert dated["tell-candidates"] == date(2026, 7, 30)  # two weeks before results day
    assert all(d is not None for d in dated.values())
    assert len(dated) == len(tasks)


def test_a_series_without_the_date_leaves_the_task_out_or_undated(calendar, tasks):
    """November 2026: GCSE only (no Priority Service 2, no GCE results day); its results day and
    deadlines are not yet published (reference.md §4, open question 2)."""
    dated = {t.key: t for t in dated_tasks(calendar, tasks, "november-2026", lead_days=2)}
    assert "priority-reviews-sent" not in dated and "collect-results-gce" not in dated
    assert dated["publish-results-gcse"].date is None
    assert "not yet published" in dated["publish-results-gcse"].rule


def test_the_series_in_hand(calendar, tasks):
    assert current_series(calendar, tasks, 2, date(2026, 3, 1)) == "june-2026"
    assert current_series(calendar, tasks, 2, date(2026, 8, 14)) == "june-2026"
    assert current_series(calendar, tasks, 2, date(2025, 8, 14)) == "june-2025"
    # after every dated task of every series: the last series that has one
    assert current_series(calendar, tasks, 2, date(2027, 6, 1)) == "june-2026"


def test_due_tasks_stay_until_ticked(calendar, tasks):
    dated = dated_tasks(calendar, tasks, "june-2026", 2)
    due = due_tasks(dated, {"collect-results-gce"}, date(2026, 8, 14))
    keys = {d.detail.split("'prs checklist done ")[1].split("'")[0] for d in due}
    assert keys == {d.key for d in dated if d.date <= date(2026, 8, 14)} - {"collect-results-gce"}
    assert "key-dates" in keys  # 2 Jul: overdue, still shown
    assert "publish-results-gcse" not in keys  # 20 Aug: after the horizon


def test_a_centres_own_tasks_add_to_and_replace_the_bundled_ones(calendar, tmp_path):
    (tmp_path / "checklist.yaml").write_text(
        "tasks:\n"
        "  - key: governors-report\n"
        "    title: Results report to governors\n"
        "    date: 2026-09-30\n"
        "    series: [june-2026]\n"
        "    source: centre calendar\n"
        "  - key: tell-candidates\n"
        "    title: Assembly on post-results services\n"
        "    relative_to: results_day\n"
        "    qualification: gcse\n"
        "    days: -21\n"
        "    source: centre calendar\n",
        encoding="utf-8",
    )
    checklist = load_checklist(calendar, tmp_path, use_cache=False)
    dated = {t.key: t for t in dated_tasks(calendar, checklist.tasks, "june-2026", 2)}
    assert dated["governors-report"].date == date(2026, 9, 30)
    assert dated["tell-candidates"].title == "Assembly on post-results services"
    assert dated["tell-candidates"].date == date(2026, 7, 30)  # 21 days before 20 Aug
    assert "governors-report" not in {t.key for t in dated_tasks(calendar, checklist.tasks, "june-2025", 2)}


@pytest.mark.parametrize(
    "body, message",
    [
        ("tasks:\n  - key: x\n    title: T\n    source: S\n    relative_to: request_deadline\n    service: S9\n", ":6:14: unknown service 'S9'"),
        ("tasks:\n  - key: x\n    title: T\n    source: S\n    date: 2026-09-01\n", "must name its series"),
        ("tasks:\n  - key: x\n    title: T\n    source: S\n", "either a date or relative_to"),
        ("tasks:\n  - key: Bad Key\n    title: T\n    source: S\n    date: 2026-09-01\n    series: [june-2026]\n", "must be lower-case"),
        ("tasks:\n  - key: x\n    title: T\n    source: S\n    relative_to: results_dya\n", ":5:18:"),
        ("tasks:\n  - key: x\n    title: T\n    source: S\n    date: 2026-02-30\n    series: [june-2026]\n", ":5:11:"),
        ("tasks: [\n", "checklist.yaml:"),
    ],
)
def test_a_mistake_in_a_centres_checklist_names_file_line_and_column(calendar, tmp_path, body, message):
    (tmp_path / "checklist.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_checklist(calendar, tmp_path, use_cache=False)
    assert message in caught.value.message


def test_checklist_json_tick_and_undo_and_prs_due(cli):
    rows = json.loads(ok(cli("checklist", "--json", env=SUMMER)).stdout)
    assert {"key", "date", "title", "done", "done_at", "source"} <= set(rows[0])
    tasks = [r for r in rows if r["kind"] == "task"]
    assert tasks[0]["series"] == "june-2026" and not any(r["done"] for r in tasks)
    due = json.loads(ok(cli("due", "--json", env=SUMMER)).stdout)
    assert any("collect-results-gce" in item["detail"] for item in due if item["kind"] == "checklist_task")

    ticked = ok(cli("checklist", "done", "collect-results-gce", "--note", "by <b>EO</b>", "--by", "EO", env=SUMMER))
    assert "collect-results-gce" in ticked.stdout
    row = next(r for r in json.loads(ok(cli("checklist", "--json", env=SUMMER)).stdout) if r["key"] == "collect-results-gce")
    assert row["done"] is True and row["done_at"]
    due = json.loads(ok(cli("due", "--json", env=SUMMER)).stdout)
    assert not any("collect-results-gce" in item["detail"] for item in due)

    again = cli("checklist", "done", "collect-results-gce", env=SUMMER)
    assert again.exit_code == 2 and "already done" in again.stderr
    ok(cli("checklist", "undo", "collect-results-gce", "--by", "EO", env=SUMMER))
    due = json.loads(ok(cli("due", "--json", env=SUMMER)).stdout)
    assert any("collect-results-gce" in item["detail"] for item in due)

    from prs_cli import paths
    from prs_cli.store import checklist as store
    from prs_cli.store.db import connect

    trail = store.history(connect(paths.database_path()), "june-2026", "collect-results-gce")
    assert [e["action"] for e in trail] == ["checklist_done", "checklist_undone"]
    assert all(e["by"] == "EO" and "<b>" not in json.dumps(e) for e in trail)  # the note stays out of the trail


@pytest.mark.parametrize(
    "args, message",
    [
        (("done", "colect-results-gce"), "did you mean collect-results-gce"),
        (("done", "keep-consent-forms"), "prs consent purge"),
        (("done", "priority-reviews-sent", "--series", "november-2026"), "not part of the November 2026"),
        (("undo", "key-dates"), "nothing to undo"),
        (("done", "key-dates", "--series", "june-2099"), "unknown series"),
    ],
)
def test_ticking_refuses_what_cannot_be_ticked(cli, args, message):
    result = cli("checklist", *args, env=SUMMER)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_checklist_text_fits_80_columns(cli):
    result = ok(cli("checklist", env={**SUMMER, "COLUMNS": "80"}))
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[0].startswith("June 2026 checklist on Fri 14 Aug 2026: 0 of")
    assert "[!] Wed 12 Aug 2026  collect-results-gce" in lines
    assert "What to keep, and until when" in lines


def _kept(cli, today):
    rows = json.loads(ok(cli("checklist", "--json", "--series", "june-2026", env={"PRS_TODAY": today})).stdout)
    return next(r for r in rows if r["key"] == "keep-moderated-work")


def test_moderated_work_is_kept_until_reviews_of_moderation_and_appeals_are_over(cli):
    """seed:000 and AQA-MOD: keep moderated work until the review of moderation deadline
    (24 Sep 2026) and any review of moderation and its appeal (30 days, PEA-APP25) are over."""
    row = _kept(cli, "2026-08-14")
    assert row["date"] == "2026-09-24" and not row["still_open"]
    disposal = [i for i in json.loads(ok(cli("due", "--json", env={"PRS_TODAY": "2026-09-26"})).stdout)
                if i["kind"] == "retention_disposal"]
    assert disposal and disposal[0]["date"] == "2026-09-25" and "keep-moderated-work" in disposal[0]["detail"]

    ok(cli("request", "add", "--ab", "AQA", "-q", "gcse", "--component", "8702C", "--service", "S3", env={"PRS_TODAY": "2026-08-21"}))
    assert _kept(cli, "2026-08-21")["still_open"] is True
    ok(cli("request", "submit", "1", "--received", "2026-08-24", "--sample-received", "2026-08-28", env={"PRS_TODAY": "2026-08-28"}))
    ok(cli("request", "outcome", "1", "--on", "2026-09-20", "--unchanged", env={"PRS_TODAY": "2026-09-20"}))
    row = _kept(cli, "2026-09-26")
    assert row["date"] == "2026-10-20" and not row["still_open"]  # 20 Sep + 30 days
    due = json.loads(ok(cli("due", "--json", env={"PRS_TODAY": "2026-09-26"})).stdout)
    assert not [i for i in due if i["kind"] == "retention_disposal"]
    ok(cli("checklist", "done", "keep-moderated-work", env={"PRS_TODAY": "2026-10-22"}))
    due = json.loads(ok(cli("due", "--json", env={"PRS_TODAY": "2026-10-22"})).stdout)
    assert not [i for i in due if i["kind"] == "retention_disposal"]


def test_overdue_tasks_are_one_agenda_line_and_a_task_due_today_its_own():
    # An officer who starts prs on results day: a month of preparation tasks (seed:000's
    # checklists) past their day is one line naming their keys, not a screenful above the requests.
    from prs_cli.rules.agenda import _task_items
    from prs_cli.rules.checklist import DUE_KIND, DueItem

    today = date(2026, 8, 13)
    tasks = [
        DueItem(date(2026, 7, 2), DUE_KIND, "Collect dates", "d", "seed:000", "key-dates"),
        DueItem(date(2026, 7, 9), DUE_KIND, "Appeals procedure", "d", "seed:000", "appeals-procedure"),
        DueItem(date(2026, 8, 13), DUE_KIND, "Publish results", "d", "seed:000", "publish-results-gce"),
    ]
    items = _task_items(tasks, today, date(2026, 8, 27))
    assert [(i.title, i.severity) for i in items] == [
        ("Publish results", "due"),
        ("2 checklist tasks past their day and not ticked", "overdue"),
    ]
    assert "key-dates, appeals-procedure" in items[1].detail and items[1].date == date(2026, 7, 2)
    assert [i.title for i in _task_items(tasks[1:], today, date(2026, 8, 27))] == ["Appeals procedure", "Publish results"]


def test_the_checklist_is_read_from_its_cache_after_the_first_run(calendar, own_cache, monkeypatch):
    # `prs due` must not parse YAML on every run (the cache's record had postponed annotations,
    # which the reader did not resolve, so every run re-parsed the checklist: half a second)
    from prs_cli.calendar import checklist

    first = checklist.load_checklist(calendar)
    monkeypatch.setattr(checklist, "_parse", lambda path: (_ for _ in ()).throw(AssertionError("parsed again")))
    assert checklist.load_checklist(calendar) == first
