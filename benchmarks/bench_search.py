"""Time ranked search and measure its relevance on the questions of tests/data/search-eval.yaml.

    .venv/bin/python benchmarks/bench_search.py [--runs 20] [--builds 3]

1. Index build: building each edition's index from the compiled dataset (the median of --builds
   builds, in process, the dataset already compiled), and loading a built index from the cache
   in a fresh process (imports included).
2. Latency: each question of the evaluation set, warm and in process, the median of --runs
   runs; the slowest and the median over the set, against the target of 20 ms per query, and a
   10 kB query.
3. Relevance: recall at 1 and at 3 (the expected element is the first hit, or among the first
   three), over the set and per kind of question, and each question that misses at 3.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

from finops_kg.answer.index import build_index, load_index
from finops_kg.answer.search import search
from finops_kg.graph import resources
from finops_kg.graph.iris import expand_curie
from finops_kg.release.compiled import open_dataset

EVAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "search-eval.yaml"
TARGET_MS = 20.0


def median_ms(run, runs: int) -> float:
    """Return the median time of run in milliseconds, after one warm-up run."""
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def build_times(builds: int) -> None:
    store = open_dataset()
    for edition in resources.available_editions():
        ms = median_ms(lambda: build_index(store, edition), builds)
        index = build_index(store, edition)
        print(f"build index {edition}: {ms:8.1f} ms  ({len(index.elements)} elements, "
              f"{len(index.doc_text)} texts)")
    load_index("2026")  # into the cache, so that the fresh process only reads it
    code = ("import time; t = time.perf_counter(); from finops_kg.answer.index import load_index;"
            " load_index('2026'); print((time.perf_counter() - t) * 1000)")
    loads = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(4)][1:]  # the first warms
    print(f"load index 2026 in a fresh process (imports included): "
          f"{statistics.median(loads):8.1f} ms")


def latency(cases: list[dict], runs: int) -> None:
    times = [(median_ms(lambda: search(case["question"], type=case.get("type"),
                                       edition=case.get("edition")), runs), case["question"])
             for case in cases]
    slowest, question = max(times)
    print(f"query latency over {len(times)} questions: median "
          f"{statistics.median(t for t, _ in times):.2f} ms, slowest {slowest:.2f} ms "
          f"({question!r}); target {TARGET_MS:.0f} ms: "
          f"{'met' if slowest < TARGET_MS else 'MISSED'}")
    long = ("how do we split the shared Kubernetes bill across teams " * 200)[:10_240]
    print(f"a 10 kB query: {median_ms(lambda: search(long), runs):.2f} ms")


def relevance(cases: list[dict]) -> tuple[float, float]:
    at1, at3 = 0, 0
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        hits = [hit.iri for hit in search(case["question"], type=case.get("type"),
                                          edition=case.get("edition"), limit=3)]
        expected = expand_curie(case["expected"])
        first, top3 = hits[:1] == [expected], expected in hits
        at1, at3 = at1 + first, at3 + top3
        counts = kinds[case.get("kind", "other")]
        counts[0], counts[1], counts[2] = counts[0] + 1, counts[1] + first, counts[2] + top3
        if not top3:
            print(f"  missed at 3: {case['question']!r} -> {case['expected']} "
                  f"(got {', '.join(hits) or 'nothing'})")
    for kind, (n, one, three) in sorted(kinds.items()):
        print(f"  {kind:<12} {n:3d} questions  recall@1 {one / n:.3f}  recall@3 {three / n:.3f}")
    n = len(cases)
    print(f"relevance over {n} questions: recall@1 {at1 / n:.3f}, recall@3 {at3 / n:.3f}")
    return at1 / n, at3 / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--builds", type=int, default=3)
    args = parser.parse_args()
    cases = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    build_times(args.builds)
    latency(cases, args.runs)
    relevance(cases)


if __name__ == "__main__":
    main()
