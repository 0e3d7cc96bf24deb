#!/usr/bin/env python3
"""Whole-process benchmarks for prs (a script, not a test).

Builds databases of 1,000, 10,000 and 100,000 requests (with consents) in temporary PRS_HOME
folders, then times complete `prs` processes, interleaved with `python -c "import typer"` in
the same loop so every figure is a ratio against that floor on the same machine at the same
moment. Reports medians, the growth from the smallest to the largest database, and each
command's peak memory (max RSS of the child process).

    python bench/run.py                       # 1k, 10k, 100k; 7 runs each; writes bench/RESULTS.md
    python bench/run.py --sizes 1000 --runs 3 --out -    # quick look, print only

Run it with the Python of the venv prs is installed in.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

TODAY = "2026-09-01"  # mid-season: drafts, submissions awaiting answers, outcomes, appeals
COMMANDS = {
    "prs --help": ["--help"],
    "prs deadlines": ["deadlines"],
    "prs due": ["due"],
    "prs request list --json": ["request", "list", "--json"],
    "prs summary": ["summary"],
    "prs status": ["status"],
    "prs consent check --json": ["consent", "check", "--json"],
}


def build_database(home: Path, size: int, seed: int = 2026) -> None:
    """A realistic June 2026 log: valid codes only, every state, consents for most candidates
    (half tied to their request with --request, the rest one per candidate and series)."""
    from prs_cli.calendar.load import load_calendar
    from prs_cli.rules.deadlines import availability
    from prs_cli.store.db import connect, transaction

    try:
        from prs_cli.service.agenda_keys import rebuild
    except ImportError:  # a prs from before schema 4 (bench/compare.py's reference): its triggers count the keys
        rebuild = None

    calendar = load_calendar(None, use_cache=False)
    combos = [
        (body, qual, service)
        for body, info in calendar.awarding_bodies.items()
        if info.follows_jcq
        for qual in info.qualifications
        for service in ("S1", "S2", "PS2", "S3", "ATS-P", "ATS-TL")
        if availability(calendar, body, qual, service).status == "available"
    ]
    rng = random.Random(seed)
    results_day = {"gce-as": date(2026, 8, 13), "gce-a-level": date(2026, 8, 13), "l3-vtq": date(2026, 8, 13),
                   "t-level": date(2026, 8, 13), "extended-project": date(2026, 8, 13)}
    rows, consents, links, untied = [], [], [], set()
    for index in range(size):
        body, qual, service = rng.choice(combos)
        candidate = None if service == "S3" else f"{rng.randrange(1, 10000):04d}"
        released = results_day.get(qual, date(2026, 8, 20))
        state = rng.choices(["draft", "submitted", "completed", "withdrawn"], [20, 40, 35, 5])[0]
        received = released + timedelta(days=rng.randrange(1, 12)) if state in ("submitted", "completed") else None
        outcome_on = received + timedelta(days=rng.randrange(3, 10)) if state == "completed" else None
        outcome = rng.choice(["up", "down", "unchanged"]) if outcome_on else None
        rows.append((
            index + 1, state, "june-2026", body, qual, service, f"P{index:06d}", candidate,
            None if candidate is None else f"Candidate {index}", "Subject", "43.45",
            f"{released.isoformat()}T09:00:00",
            received.isoformat() if received else None,
            received.isoformat() if received and service == "S3" else None,
            outcome_on.isoformat() if outcome_on else None,
            outcome,
        ))
        if candidate is not None and rng.random() < 0.9:
            tied = rng.random() < 0.5
            if tied or candidate not in untied:
                consents.append((len(consents) + 1, candidate, "june-2026", released.isoformat(), "form", "candidate",
                                 "S1,S2,PS2,ATS-P,ATS-TL", 1, 1, 0, f"{released.isoformat()}T10:00:00"))
            if tied:  # recorded with --request for this request
                links.append((len(consents), index + 1))
            else:  # one consent for the candidate's series, as an officer records it
                untied.add(candidate)
    path = home / "prs.sqlite3"
    conn = connect(path)
    with transaction(conn):
        conn.executemany(
            "INSERT INTO requests (id, status, series, awarding_body, qualification, service, component,"
            " candidate, name, subject, fee, created_at, received_on, sample_received_on, outcome_on, outcome)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO consents (id, candidate, series, given_on, method, given_by, covers,"
            " acknowledged_outcomes, classroom_use, anonymise, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            consents,
        )
        conn.executemany("INSERT INTO consent_requests (consent_id, request_id) VALUES (?,?)", links)
        if rebuild is not None:
            rebuild(conn)  # rows written directly, not by the commands: the agenda keys counted afresh
    conn.close()


TRIAGE_RESULTS = 10_000
TRIAGE_COMMANDS = {
    "prs triage": ["triage"],
    "prs triage --json": ["triage", "--json"],
}


def build_results(home: Path, size: int, seed: int = 15) -> None:
    """A centre's June 2026 broadsheet of `size` component results (40 components of three
    boards, A level and GCSE) with grade boundaries for all but four components, as `prs results
    import` and `prs boundaries import` store them."""
    from prs_cli.store.db import connect, transaction

    rng = random.Random(seed)
    a_level = ("A*", "A", "B", "C", "D", "E")
    gcse = ("9", "8", "7", "6", "5", "4", "3", "2", "1")
    components = []
    for index in range(40):
        body = ("AQA", "OCR", "PEARSON")[index % 3]
        qualification, grades = (("gce-a-level", a_level), ("gcse", gcse))[index % 2]
        top = rng.choice((80, 100, 120))
        marks = sorted(rng.sample(range(10, top), len(grades)), reverse=True)
        components.append((body, qualification, f"Subject {index}", f"C{index:03d}/1", top, list(zip(grades, marks))))
    results, boundaries = [], []
    for number in range(size):
        body, qualification, subject, component, top, bounds = components[number % len(components)]
        mark = rng.randrange(0, top + 1)
        grade = next((g for g, m in bounds if mark >= m), "U")
        candidate = f"{number // len(components) + 1:04d}"
        results.append(("june-2026", candidate, f"Candidate {number}", body, qualification, subject, component,
                        component.casefold(), "", mark, top, grade, "2026-08-13T09:00:00"))
    for body, qualification, subject, component, top, bounds in components[4:]:
        for rank, (grade, mark) in enumerate(bounds):
            boundaries.append(("june-2026", body, qualification, subject, component, component.casefold(),
                               subject.casefold(), rank, grade, mark, top, "2026-08-13T09:00:00"))
    conn = connect(home / "prs.sqlite3")
    with transaction(conn):
        conn.executemany(
            "INSERT INTO results (series, candidate, name, awarding_body, qualification, subject, component, component_key,"
            " subject_key, mark, max_mark, grade, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            results,
        )
        conn.executemany(
            "INSERT INTO boundaries (series, awarding_body, qualification, subject, component, component_key, subject_key,"
            " rank, grade, mark, max_mark, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            boundaries,
        )
    conn.close()


def measure_triage(runs: int, size: int = TRIAGE_RESULTS) -> dict:
    """`prs triage` on a broadsheet of `size` results (and 1,000 requests), against the floor."""
    import prs_cli

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(prs_cli.__file__).parent)], check=True)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PRS_") and k != "PYTHONDONTWRITEBYTECODE"}
    base_env.update(PRS_TODAY=TODAY, NO_COLOR="1")
    home = Path(tempfile.mkdtemp(prefix="prs-bench-triage-"))
    subprocess.run([sys.executable, __file__, "--build", str(home), "1000"], check=True)
    subprocess.run([sys.executable, __file__, "--build-results", str(home), str(size)], check=True)
    env = {**base_env, "PRS_HOME": str(home)}
    prs = prs_argv()
    run_once([*prs, "deadlines"], env)  # warm the calendar cache and the OS file cache
    results: dict = {"floor": [], "size": size}
    for name, args in TRIAGE_COMMANDS.items():
        times, peaks = [], []
        for _ in range(runs):
            results["floor"].append(run_once([sys.executable, "-c", "import typer"], base_env)[0])
            elapsed, peak = run_once([*prs, *args], env)
            times.append(elapsed)
            peaks.append(peak)
        results[name] = (statistics.median(times), max(peaks))
        print(f"{size:>7,} results {name:<20} {statistics.median(times) * 1000:7.1f} ms", file=sys.stderr)
    shutil.rmtree(home, ignore_errors=True)
    return results


TRIAGE_HEADING = "## prs triage (issue 15)"


def triage_report(results: dict, runs: int) -> str:
    floor = statistics.median(results["floor"])
    size = results["size"]
    lines = [
        TRIAGE_HEADING,
        "",
        f"- when: {datetime.now():%Y-%m-%d %H:%M}; runs per figure: {runs} (medians); PRS_TODAY={TODAY}",
        f"- {size:,} results (40 components, boundaries for 36) and 1,000 requests; output to /dev/null",
        f"- load average when it finished: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows the floor and prs alike)",
        f"- floor: `python -c \"import typer\"` = {floor * 1000:.1f} ms (interleaved)",
        "- reproduce: `python bench/run.py --part triage`",
        "",
        "| command | time | peak memory |",
        "|---|---|---|",
    ]
    for name in TRIAGE_COMMANDS:
        seconds, peak = results[name]
        lines.append(f"| `{name}` on {size:,} results | {seconds * 1000:.0f} ms ({seconds / floor:.2f}x) | {peak / 1024:.0f} MiB |")
    ratio = results["prs triage"][0] / floor
    lines += ["", f"Target: `prs triage` on {size:,} results within 2x the floor: {ratio:.2f}x, {'met' if ratio <= 2 else 'NOT met'}", ""]
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    """RESULTS.md with the triage section replaced (or added at the end)."""
    start = text.find(TRIAGE_HEADING)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(TRIAGE_HEADING))
    return text[:start] + section + (text[end + 1:] if end >= 0 else "")


def run_once(argv: list[str], env: dict) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one whole child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode() if child.stderr else ""
    child.stderr.close()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}): {err.strip()}")
    return elapsed, usage.ru_maxrss


def prs_argv() -> list[str]:
    found = shutil.which("prs", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "prs_cli"]


def measure(sizes: list[int], runs: int) -> dict:
    # As installed by pip: bytecode compiled once and kept (some shells set
    # PYTHONDONTWRITEBYTECODE, which would make every process recompile prs).
    import prs_cli

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(prs_cli.__file__).parent)], check=True)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PRS_") and k != "PYTHONDONTWRITEBYTECODE"}
    base_env.update(PRS_TODAY=TODAY, NO_COLOR="1")
    floor_argv = [sys.executable, "-c", "import typer"]
    results: dict = {"floor": [], "cold_calendar": [], "warm_calendar": []}
    homes = {}
    for size in sizes:
        home = Path(tempfile.mkdtemp(prefix=f"prs-bench-{size}-"))
        print(f"building {size:,} requests in {home} ...", file=sys.stderr)
        # In a child: a parent grown large by building would inflate every later child's peak
        # memory (Linux keeps the pre-exec peak of a forked child in ru_maxrss).
        subprocess.run([sys.executable, __file__, "--build", str(home), str(size)], check=True)
        homes[size] = home
    prs = prs_argv()
    for size, home in homes.items():
        env = {**base_env, "PRS_HOME": str(home)}
        run_once([*prs, "deadlines"], env)  # warm the calendar cache and the OS file cache
        for name, args in COMMANDS.items():
            times, peaks = [], []
            for _ in range(runs):
                results["floor"].append(run_once(floor_argv, base_env)[0])
                elapsed, peak = run_once([*prs, *args], env)
                times.append(elapsed)
                peaks.append(peak)
            results[(name, size)] = (statistics.median(times), max(peaks))
            print(f"{size:>7,} {name:<26} {statistics.median(times) * 1000:7.1f} ms", file=sys.stderr)
    # The calendar cache: a run that must re-parse YAML against one that need not.
    env = {**base_env, "PRS_HOME": str(homes[sizes[0]])}
    for _ in range(runs):
        shutil.rmtree(homes[sizes[0]] / "cache", ignore_errors=True)
        results["cold_calendar"].append(run_once([*prs, "deadlines"], env)[0])
        results["warm_calendar"].append(run_once([*prs, "deadlines"], env)[0])
    for home in homes.values():
        shutil.rmtree(home, ignore_errors=True)
    return results


def report(results: dict, sizes: list[int], runs: int) -> str:
    floor = statistics.median(results["floor"])
    lines = [
        "# prs benchmark results",
        "",
        f"- when: {datetime.now():%Y-%m-%d %H:%M}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"- python: {platform.python_version()}",
        f"- runs per figure: {runs} (medians); PRS_TODAY={TODAY}; output to /dev/null",
        f"- floor: `python -c \"import typer\"` = {floor * 1000:.1f} ms (median of {len(results['floor'])} runs interleaved with the commands)",
        "- reproduce: `python bench/run.py` with the venv's Python (see the top of bench/run.py)",
        "- PRS_HOME and PRS_TODAY are set, as a benchmark must; an officer's own run also imports platformdirs "
        "and zoneinfo to find their folders and today in London (about 5 ms more)",
        "",
        "| command | " + " | ".join(f"{s:,} requests" for s in sizes) + f" | growth {sizes[0]:,} -> {sizes[-1]:,} | peak memory at {sizes[-1]:,} |",
        "|---|" + "---|" * len(sizes) + "---|---|",
    ]
    for name in COMMANDS:
        cells = []
        for size in sizes:
            seconds, _ = results[(name, size)]
            cells.append(f"{seconds * 1000:.0f} ms ({seconds / floor:.2f}x)")
        growth = results[(name, sizes[-1])][0] / results[(name, sizes[0])][0]
        peak = results[(name, sizes[-1])][1] / 1024
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {growth:.2f}x | {peak:.0f} MiB |")
    cold = statistics.median(results["cold_calendar"])
    warm = statistics.median(results["warm_calendar"])
    big, small, middle = sizes[-1], sizes[0], (10_000 if 10_000 in sizes else sizes[len(sizes) // 2])

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    due_10k = results[("prs due", middle)][0] / floor
    help_ratio = results[("prs --help", small)][0] / floor
    lines += ["", "Targets (issue 6):", ""]
    lines.append(f"- `prs due` at {middle:,} within 2x the floor: {due_10k:.2f}x, {verdict(due_10k <= 2)}")
    lines.append(f"- `prs --help` within 1.5x: {help_ratio:.2f}x, {verdict(help_ratio <= 1.5)}")
    for name in COMMANDS:
        growth = results[(name, big)][0] / results[(name, small)][0]
        lines.append(f"- `{name}` at {big:,} within 1.5x of its time at {small:,}: {growth:.2f}x, {verdict(growth <= 1.5)}")
    peak = max(results[(name, big)][1] for name in COMMANDS) / 1024
    lines.append(f"- peak memory under 150 MiB at {big:,}: {peak:.0f} MiB at most, {verdict(peak < 150)}")
    lines += [
        "",
        f"Calendar cache: `prs deadlines` re-parsing the YAML (cache removed) {cold * 1000:.0f} ms "
        f"({cold / floor:.2f}x); with the cache {warm * 1000:.0f} ms ({warm / floor:.2f}x).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")), help="file, or - for stdout")
    parser.add_argument("--part", choices=("all", "triage"), default="all", help="triage: only `prs triage` on 10,000 results")
    parser.add_argument("--build", nargs=2, metavar=("HOME", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--build-results", nargs=2, metavar=("HOME", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_database(Path(args.build[0]), int(args.build[1]))
        return
    if args.build_results:
        build_results(Path(args.build_results[0]), int(args.build_results[1]))
        return
    if args.part == "triage":
        section = triage_report(measure_triage(args.runs), args.runs)
        print(section)
        if args.out != "-":
            out = Path(args.out)
            out.write_text(replace_section(out.read_text(encoding="utf-8") if out.exists() else "", section), encoding="utf-8")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    text = report(measure(sizes, args.runs), sizes, args.runs)
    text += "\n" + triage_report(measure_triage(args.runs), args.runs)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(text)


if __name__ == "__main__":
    main()
