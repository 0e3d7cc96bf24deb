"""Issue 3 "done when": carry a real summer through fifty requests across boards, checked
against dates worked out here by hand (seed:000: S1 10, PS2 15, S2 20 calendar days)."""

from __future__ import annotations

import json
from datetime import date, timedelta

BOARDS = ["AQA", "OCR", "PEARSON", "WJEC", "CCEA"]
SERVICES = {"S1": 10, "PS2": 15, "S2": 20}


def plan():
    """Fifty requests: 10 candidates x 5 components, boards and services in rotation."""
    rows = []
    for n in range(50):
        service = list(SERVICES)[n % 3]
        received = date(2026, 8, 14) + timedelta(days=n % 7)
        rows.append({
            "id": n + 1,
            "candidate": f"{1000 + n // 5:04d}",
            "board": BOARDS[n % 5],
            "component": f"P{n:02d}",
            "service": service,
            "received": received,
            "due": received + timedelta(days=SERVICES[service]),
            "answered": n % 4 == 0,
        })
    return rows


def test_a_summer_of_fifty_requests(cli, tmp_path):
    rows = plan()
    lines = ["candidate number,candidate name,awarding body,qualification,subject,component,service,series,original grade"]
    lines += [f"{r['candidate']},Candidate {r['id']},{r['board']},gce-a-level,Subject,{r['component']},{r['service']},june-2026,C" for r in rows]
    (tmp_path / "form.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = cli("request", "import", str(tmp_path / "form.csv"), "--json", env={"PRS_TODAY": "2026-08-14"})
    assert imported.exit_code == 0, imported.stderr
    data = json.loads(imported.stdout)
    assert (data["imported"], data["ids"], data["columns_ignored"]) == (50, list(range(1, 51)), [])

    for candidate in sorted({r["candidate"] for r in rows}):
        done = cli("consent", "record", "--candidate", candidate, "--on", "2026-08-13T10:00", "--method", "form",
                   "--covers", "S1,S2,PS2", "--acknowledged-outcomes", "--series", "june-2026", "--today", "2026-08-14")
        assert done.exit_code == 0, done.stderr
    for r in rows:
        day = r["received"].isoformat()
        done = cli("request", "submit", str(r["id"]), "--received", day, "--today", day)
        assert done.exit_code == 0, done.stderr
    for r in rows:
        if r["answered"]:
            on = (r["due"] - timedelta(days=1)).isoformat()
            done = cli("request", "outcome", str(r["id"]), "--on", on, "--grade-after", "B", "--today", on)
            assert done.exit_code == 0, done.stderr

    listed = json.loads(cli("request", "list", "--json", "--today", "2026-09-01").stdout)
    assert [(x["id"], x["completion_due"]) for x in listed] == [(r["id"], r["due"].isoformat()) for r in rows]

    for today in (date(2026, 8, 25), date(2026, 9, 1), date(2026, 9, 6), date(2026, 9, 20)):
        expected = [r["id"] for r in rows if not r["answered"] and r["due"] < today]
        result = cli("request", "list", "--overdue", "--json", "--today", today.isoformat())
        assert [x["id"] for x in json.loads(result.stdout)] == expected, today
        agenda = json.loads(cli("due", "--json", "--today", today.isoformat()).stdout)
        chased = sorted(i for item in agenda if item["kind"] == "chase_board" for i in item["request_ids"])
        assert chased == expected, today
