#!/usr/bin/env python3
"""Every reporting command's output on the benchmark logs, to show a change leaves it as it was
(a script, not a test: it runs a few hundred whole processes).

Builds the logs bench/run.py times (1,000 and 10,000 requests with consents), runs each command
below on five dates across the season, text and --json, and writes stdout, stderr and the exit
code of each run, with the exported CSV and iCalendar files, under OUT (paths and the feed's
timestamp made the same in every run). Run it for two versions and compare:

    git worktree add /tmp/prs-before main        # or any revision
    PYTHONPATH=/tmp/prs-before/src .venv/bin/python bench/outputs.py /tmp/before
    .venv/bin/python bench/outputs.py /tmp/after
    diff -r /tmp/before /tmp/after && echo unchanged

The version run is the one Python imports (PYTHONPATH first): prs runs as `python -m prs_cli`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

DATES = ("2026-08-13", "2026-08-20", "2026-09-01", "2026-09-24", "2027-03-01")  # results day to disposal
COMMANDS = {
    "due": ["due"],
    "due-json": ["due", "--json"],
    "summary": ["summary"],
    "summary-markdown": ["summary", "--format", "markdown", "--days", "30"],
    "summary-json": ["summary", "--format", "json"],
    "status": ["status", "--series", "june-2026"],
    "status-json": ["status", "--series", "june-2026", "--json"],
    "deadlines-json": ["deadlines", "--json", "--all"],
    "list": ["request", "list"],
    "list-json-all": ["request", "list", "--json", "--all"],
    "list-overdue": ["request", "list", "--overdue", "--limit", "20"],
    "list-filtered-json": ["request", "list", "--json", "--status", "submitted", "--ab", "AQA", "--limit", "100"],
    "show-json": ["request", "show", "7", "--json"],
    "history-json": ["request", "history", "7", "--json"],
    "consent-check": ["consent", "check"],
    "consent-check-json-all": ["consent", "check", "--json", "--all"],
    "consent-check-one": ["consent", "check", "3"],
    "disposal-json": ["consent", "due-for-disposal", "--json"],
    "purge-dry-run-json": ["consent", "purge", "--json"],
    "export": ["export", "--csv", "{out}/log.csv", "--ics", "{out}/feed.ics", "--json"],
}


def run(argv: list[str], env: dict, out: Path, name: str) -> None:
    done = subprocess.run([sys.executable, "-m", "prs_cli", *argv], env=env, capture_output=True, text=True)
    home = env["PRS_HOME"]
    for suffix, text in (("out", done.stdout), ("err", done.stderr), ("rc", f"{done.returncode}\n")):
        (out / f"{name}.{suffix}").write_text(text.replace(home, "$PRS_HOME").replace(str(out), "$OUT"), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    bench = Path(__file__).with_name("run.py")
    base = {k: v for k, v in os.environ.items() if not k.startswith("PRS_")}
    base.update(NO_COLOR="1", COLUMNS="100")
    shutil.rmtree(args.out, ignore_errors=True)
    for size in (int(s) for s in args.sizes.split(",")):
        home = args.out / f"home-{size}"
        home.mkdir(parents=True)
        subprocess.run([sys.executable, str(bench), "--build", str(home), str(size)], check=True)
        for day in DATES:
            out = args.out / f"{size}" / day
            out.mkdir(parents=True)
            env = {**base, "PRS_HOME": str(home), "PRS_TODAY": day}
            for name, argv in COMMANDS.items():
                run([a.format(out=out) for a in argv], env, out, name)
            feed = out / "feed.ics"
            if feed.exists():
                feed.write_bytes(re.sub(rb"DTSTAMP:[0-9TZ]+", b"DTSTAMP:-", feed.read_bytes()))
            print(f"{size:,} requests, {day}: {len(COMMANDS)} commands", file=sys.stderr)
        shutil.rmtree(home)


if __name__ == "__main__":
    main()
