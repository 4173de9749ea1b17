"""Time `finops-kg map check` and `map apply` on the curated sets and on generated sets of growing size.

Each run is a fresh process, so the figures include start-up and loading the Framework graph.
The generated sets map real Framework subjects to made-up objects with skos:relatedMatch, so
every row passes the check and the whole set is applied.

    .venv/bin/python benchmarks/bench_mapping.py [--runs 3] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = """# mapping_set_id: https://w3id.org/finops-kg/mappings/bench.sssom.tsv
# license: https://creativecommons.org/licenses/by/4.0/
# curie_map:
#   skos: http://www.w3.org/2004/02/skos/core#
#   semapv: https://w3id.org/semapv/vocab/
#   ex: https://example.org/
subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence
"""


def generated_set(path: Path, rows: int) -> Path:
    """Write a mapping set of `rows` rows whose subjects are all in the Framework graph."""
    from finops_kg.release.dataset import load
    from rdflib import URIRef

    subjects = sorted({str(s) for s in load("2026").subjects() if isinstance(s, URIRef)})
    lines = [subjects[i % len(subjects)] + f"\tskos:relatedMatch\tex:T{i}"
             "\tsemapv:ManualMappingCuration\t0.5" for i in range(rows)]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def time_command(command: list[str], runs: int) -> float:
    """Run command `runs` times as a fresh process and return the median wall time."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed: {done.stderr.decode()[-400:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "finops_kg.cli", "map"]
    from finops_kg.mapping.sssom import count_rows
    from finops_kg.graph.resources import mapping_set_files

    curated = mapping_set_files()
    print(f"{'mapping set':<24} {'rows':>7} {'check s':>8} {'apply s':>8} {'apply µs/row':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        sets = [(f"curated ({len(curated)} sets)", sum(map(count_rows, curated)), curated)]
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"generating {size} rows…", file=sys.stderr)
            sets.append(("generated", size, [generated_set(Path(tmp) / f"g{size}.sssom.tsv", size)]))
        for label, rows, paths in sets:
            print(f"timing {label} ({rows} rows)…", file=sys.stderr)
            files = [str(path) for path in paths]
            checked = time_command(cli + ["check", *files], args.runs)
            applied = time_command(cli + ["apply", *files, "--out",
                                          str(Path(tmp) / "out.trig")], args.runs)
            print(f"{label:<24} {rows:>7} {checked:>8.2f} {applied:>8.2f} "
                  f"{applied / rows * 1e6:>13.1f}")


if __name__ == "__main__":
    main()
