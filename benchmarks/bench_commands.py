"""Time the everyday commands as fresh processes, beside `python -c "import rdflib"` in the same run.

Each command runs --runs times with a warm cache, after one untimed run: the compiled dataset and
the kept outputs (release.memo) are there, as when nothing changed since the last run. "made
anew" runs turn the kept outputs off (FINOPS_KG_NO_MEMO=1), as after an edit to the sources;
"first query" runs with an empty cache folder, as after a fresh install. The last column is the median over the median of importing rdflib,
so figures from a slower machine compare.

    .venv/bin/python benchmarks/bench_commands.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_FILE = ROOT / "data" / "examples" / "acme" / "assessments.ttl"
CLI = [sys.executable, "-m", "finops_kg"]


NO_MEMO = {"FINOPS_KG_NO_MEMO": "1"}


def commands(out: Path) -> list[tuple[str, list[str], bool, dict[str, str]]]:
    """(label, command, whether it starts with an empty cache, extra environment) per command."""
    return [
        ('python -c "import rdflib"', [sys.executable, "-c", "import rdflib"], False, {}),
        ("finops-kg --help", [*CLI, "--help"], False, {}),
        ("query (warm)", [*CLI, "query", "personas-in-a-capability", "--param",
                          "capability=Allocation"], False, {}),
        ("query (first, empty cache)", [*CLI, "query", "personas-in-a-capability", "--param",
                                        "capability=Allocation"], True, {}),
        ("export graphml", [*CLI, "export", "--format", "graphml", "--view",
                            "capability-persona"], False, {}),
        ("stats", [*CLI, "stats"], False, {}),
        ("diff 2025 2026", [*CLI, "diff", "2025", "2026"], False, {}),
        ("validate (small file)", [*CLI, "validate", str(SMALL_FILE)], False, {}),
        ("viz matrix", [*CLI, "viz", "matrix", "--out", str(out / "m.svg")], False, {}),
        ("build (all outputs)", [*CLI, "build", "--out", str(out / "dist")], False, {}),
        ("export graphml (made anew)", [*CLI, "export", "--format", "graphml", "--view",
                                        "capability-persona"], False, NO_MEMO),
        ("stats (made anew)", [*CLI, "stats"], False, NO_MEMO),
        ("diff 2025 2026 (made anew)", [*CLI, "diff", "2025", "2026"], False, NO_MEMO),
        ("build (made anew)", [*CLI, "build", "--out", str(out / "dist")], False, NO_MEMO),
    ]


def time_once(command: list[str], cache: str, extra: dict[str, str]) -> float:
    """Run one command as a fresh process with the given cache folder; return its wall time."""
    env = dict(os.environ, FINOPS_KG_CACHE=cache, **extra)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out, warm = Path(scratch), str(Path(scratch) / "cache")
        subprocess.run([*CLI, "query", "capabilities-by-domain"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, FINOPS_KG_CACHE=warm))  # fill the cache once
        medians = {}
        for label, command, empty_cache, extra in commands(out):
            if not empty_cache:
                time_once(command, warm, extra)  # keeps the command's output, as a user's run would
            times = []
            for run in range(args.runs):
                cache = tempfile.mkdtemp(dir=scratch) if empty_cache else warm
                times.append(time_once(command, cache, extra))
                print(f"  {label}: run {run + 1}/{args.runs} {times[-1]:.3f} s", file=sys.stderr)
            medians[label] = (statistics.median(times), min(times), max(times))
    rdflib_median = medians['python -c "import rdflib"'][0]
    print(f"{'command':<30} {'median s':>9} {'min s':>7} {'max s':>7} {'x import rdflib':>16}")
    for label, (median, low, high) in medians.items():
        print(f"{label:<30} {median:>9.3f} {low:>7.3f} {high:>7.3f} {median / rdflib_median:>16.2f}")


if __name__ == "__main__":
    main()
