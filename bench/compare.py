#!/usr/bin/env python3
"""Every reading command's output from two prs installations, compared byte for byte.

A change that must not change what prs says (a refactor, a speed-up, a new storage of the same
facts) is checked against a reference installation, usually the last release:

    git worktree add /tmp/prs-ref c7c9a4e
    python3 -m venv /tmp/prs-ref/.venv && /tmp/prs-ref/.venv/bin/pip install -q /tmp/prs-ref
    .venv/bin/python bench/compare.py --ref /tmp/prs-ref/.venv/bin/python

For each size (1,000 and 10,000 requests by default) bench/run.py's builder makes the same log
with each installation's own Python (so each keeps its keys its own way), and a copy of the
reference's database is also opened by the new prs (which migrates it). Every command below, in
text and --json, on five days across the season, must print the same stdout and stderr and exit
with the same code from the new prs on both databases as from the reference; exports are
compared as files (an iCalendar feed's DTSTAMP, the time it was written, left out). Exit 1 and
the first differences when any output differs.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAYS = ("2026-08-14", "2026-08-24", "2026-09-15", "2026-11-20", "2027-03-05")  # results week to disposal
SHOWN = ("1", "2", "7", "500", "999")  # request ids for show and history


def commands() -> list[list[str]]:
    """Every command that reads the log (and `deadlines`, which reads the calendar), text and JSON."""
    found = []
    for args in (
        ["deadlines"], ["deadlines", "--all"], ["due"], ["due", "--days", "60"], ["status"],
        ["request", "list"], ["request", "list", "--all"], ["request", "list", "--overdue"],
        ["consent", "check"], ["consent", "check", "--all"], ["consent", "due-for-disposal"],
        *(["request", "show", i] for i in SHOWN),
    ):
        found += [args, [*args, "--json"]]
    found += [["summary"], ["summary", "--format", "markdown"], ["summary", "--format", "json"]]
    found += [["request", "history", i] for i in SHOWN]
    found += [["consent", "check", i] for i in SHOWN]
    return found


def prs(python: str) -> list[str]:
    found = Path(python).with_name("prs")
    return [str(found)] if found.exists() else [python, "-m", "prs_cli"]


def run(argv: list[str], home: Path, day: str) -> bytes:
    """stdout, stderr and the exit code of one whole process, as one text."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRS_")}
    env.update(PRS_HOME=str(home), PRS_TODAY=day, NO_COLOR="1", COLUMNS="100", TERM="dumb")
    done = subprocess.run(argv, env=env, capture_output=True, cwd=home)
    return b"exit %d\n--- stdout\n%s\n--- stderr\n%s" % (done.returncode, done.stdout, done.stderr)


def export(argv: list[str], home: Path, day: str) -> bytes:
    """What `prs export --csv --ics` writes, without the feed's DTSTAMP (when it was written)."""
    out = run([*argv, "export", "--csv", "log.csv", "--ics", "log.ics"], home, day)
    files = b""
    for name in ("log.csv", "log.ics"):
        path = home / name
        if path.exists():
            lines = path.read_bytes().splitlines(keepends=True)
            files += b"--- " + name.encode() + b"\n" + b"".join(line for line in lines if not line.startswith(b"DTSTAMP"))
            path.unlink()
    return out + files


def build(python: str, home: Path, size: int) -> None:
    subprocess.run([python, str(HERE / "run.py"), "--build", str(home), str(size)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, help="the reference installation's Python")
    parser.add_argument("--new", default=sys.executable, help="the Python of the prs to check (default: this one)")
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    reference, new = prs(args.ref), prs(args.new)
    failures = checked = 0
    for size in (int(s) for s in args.sizes.split(",")):
        root = Path(tempfile.mkdtemp(prefix=f"prs-compare-{size}-"))
        homes = {name: root / name for name in ("ref", "new", "migrated")}
        for home in homes.values():
            home.mkdir(mode=0o700)
        print(f"building {size:,} requests ...", file=sys.stderr)
        build(args.ref, homes["ref"], size)
        build(args.new, homes["new"], size)
        shutil.copy2(homes["ref"] / "prs.sqlite3", homes["migrated"] / "prs.sqlite3")
        for day in DAYS:
            for argv in [*commands(), None]:
                read = (lambda p, h: export(p, h, day)) if argv is None else (lambda p, h, a=argv: run([*p, *a], h, day))
                expected = read(reference, homes["ref"])
                for name in ("new", "migrated"):
                    got = read(new, homes[name])
                    checked += 1
                    if got != expected:
                        failures += 1
                        if failures <= 5:
                            label = "export --csv --ics" if argv is None else " ".join(argv)
                            print(f"DIFFERS: {size:,} requests, {day}, prs {label} ({name} database)", file=sys.stderr)
                            diff = difflib.unified_diff(expected.decode(errors="replace").splitlines(),
                                                        got.decode(errors="replace").splitlines(), "reference", name, lineterm="", n=1)
                            print("\n".join(list(diff)[:40]), file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
    print(f"{checked} outputs compared ({len(commands()) + 1} commands x {len(DAYS)} days x 2 databases per size): "
          f"{'all the same' if not failures else f'{failures} differ'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
