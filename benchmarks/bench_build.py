"""Time `finops-kg build` against a naive pipeline on the same files, each as a fresh process.

The naive pipeline parses with rdflib, expands the full owlrl OWL 2 RL closure and validates
with pySHACL using RDFS inference; it writes nothing. `finops-kg build` also writes all outputs.

    .venv/bin/python benchmarks/bench_build.py [--runs 7] [--edition 2026]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

NAIVE = """
import sys
import owlrl, pyshacl
from rdflib import Graph
from finops_kg.graph.load import source_files
from finops_kg.graph.resources import shape_files
graph = Graph()
for path in source_files(sys.argv[1]):
    graph.parse(path, format="turtle")
shapes = Graph()
for path in shape_files():
    shapes.parse(path, format="turtle")
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="rdfs", advanced=True)
print(len(graph), conforms)
"""


def time_command(command: list[str], runs: int, label: str) -> list[float]:
    """Run command `runs` times as a fresh process and return the wall times."""
    times = []
    for run in range(1, runs + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        print(f"  {label}: run {run}/{runs} {times[-1]:.3f} s", file=sys.stderr)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--edition", default="2026")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        build = time_command(
            [sys.executable, "-m", "finops_kg", "build", "--out", out, "--edition", args.edition],
            args.runs, "finops-kg build")
    naive = time_command([sys.executable, "-c", NAIVE, args.edition], args.runs, "naive pipeline")

    build_median, naive_median = statistics.median(build), statistics.median(naive)
    print(f"{'pipeline':<42} {'median s':>9} {'min s':>7} {'max s':>7}")
    print(f"{'finops-kg build (all outputs written)':<42} {build_median:>9.3f} {min(build):>7.3f} {max(build):>7.3f}")
    print(f"{'naive: parse + owlrl full + pyshacl rdfs':<42} {naive_median:>9.3f} {min(naive):>7.3f} {max(naive):>7.3f}")
    print(f"speed-up: {naive_median / build_median:.1f}x ({args.runs} fresh processes each, edition {args.edition})")


if __name__ == "__main__":
    main()
