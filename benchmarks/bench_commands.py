"""Time the everyday commands as fresh processes, beside `python -c "import rdflib"` in the same run.

Each command runs --runs times with a warm cache; "first query" runs with an empty cache folder,
as after a fresh install. The last column is the median over the median of importing rdflib,
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


def commands(out: Path) -> list[tuple[str, list[str], bool]]:
    """(label, command, whether it starts with an empty cache) for every timed command."""
    return [
        ('python -c "import rdflib"', [sys.executable, "-c", "import rdflib"], False),
        ("finops-kg --help", [*CLI, "--help"], False),
        ("query (warm)", [*CLI, "query", "personas-in-a-capability", "--param",
                          "capability=Allocation"], False),
        ("query (first, empty cache)", [*CLI, "query", "personas-in-a-capability", "--param",
                                        "capability=Allocation"], True),
        ("export graphml", [*CLI, "export", "--format", "graphml", "--view",
                            "capability-persona"], False),
        ("stats", [*CLI, "stats"], False),
        ("diff 2025 2026", [*CLI, "diff", "2025", "2026"], False),
        ("validate (small file)", [*CLI, "validate", str(SMALL_FILE)], False),
        ("viz matrix", [*CLI, "viz", "matrix", "--out", str(out / "m.svg")], False),
        ("build (all outputs)", [*CLI, "build", "--out", str(out / "dist")], False),
    ]


def time_once(command: list[str], cache: str) -> float:
    """Run one command as a fresh process with the given cache folder; return its wall time."""
    env = dict(os.environ, FINOPS_KG_CACHE=cache)
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
        for label, command, empty_cache in commands(out):
            times = []
            for run in range(args.runs):
                cache = tempfile.mkdtemp(dir=scratch) if empty_cache else warm
                times.append(time_once(command, cache))
                print(f"  {label}: run {run + 1}/{args.runs} {times[-1]:.3f} s", file=sys.stderr)
            medians[label] = (statistics.median(times), min(times), max(times))
    rdflib_median = medians['python -c "import rdflib"'][0]
    print(f"{'command':<30} {'median s':>9} {'min s':>7} {'max s':>7} {'x import rdflib':>16}")
    for label, (median, low, high) in medians.items():
        print(f"{label:<30} {median:>9.3f} {low:>7.3f} {high:>7.3f} {median / rdflib_median:>16.2f}")


if __name__ == "__main__":
    main()
