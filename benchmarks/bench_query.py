"""Time the query catalogue: latency per query, endpoint throughput, and scaling to 1 M triples.

    .venv/bin/python benchmarks/bench_query.py [--runs 20] [--requests 2000] [--sizes 10000,100000,1000000]

1. Each catalogue query, warm and in-process, on Oxigraph (the default engine) and on rdflib:
   the median of --runs runs.
2. `finops-kg serve` started as its own process on 127.0.0.1; one client sends --requests
   simple queries over one keep-alive connection: requests per second.
3. The gap, matrix and unassessed queries on synthetic assessment data of each size (made here:
   units assessed in capabilities at a level, with a target), on Oxigraph: the time at each
   size and its ratio to the growth of the data, which stays near 1 when the cost is linear.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import time

from finops_kg.sparql.query import OxigraphRunner, RdflibRunner
from finops_kg.sparql.catalogue import catalogue
from finops_kg.release.compiled import oxigraph_dataset
from finops_kg.release.dataset import rdflib_dataset


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_ms(run, runs: int) -> float:
    run()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def example_bindings(entry, runner) -> dict:
    from finops_kg.sparql.binding import bind_parameters

    values = {p.name: p.example for p in entry.parameters if p.required}
    return bind_parameters(entry, values, runner.labels())


def latency(runs: int) -> None:
    from finops_kg.graph import resources

    say("loading the query dataset into Oxigraph and rdflib")
    examples = sorted({resources.resource_root() / "data" / path
                       for entry in catalogue().values() for path in entry.example_data})
    engines = {"oxigraph": OxigraphRunner(oxigraph_dataset(examples)),
               "rdflib": RdflibRunner(rdflib_dataset(examples))}
    print(f"{'query':<52} {'oxigraph ms':>12} {'rdflib ms':>10}")
    worst = 0.0
    for name, entry in sorted(catalogue().items()):
        row = []
        for engine, runner in engines.items():
            bindings = example_bindings(entry, runner)
            row.append(median_ms(lambda: runner.run(entry.text, bindings),
                                 runs if engine == "oxigraph" else max(3, runs // 4)))
        worst = max(worst, row[0])
        print(f"{name:<52} {row[0]:>12.2f} {row[1]:>10.1f}")
    print(f"slowest catalogue query on the default engine (oxigraph): {worst:.2f} ms median")


def throughput(requests: int) -> None:
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "finops_kg", "serve", "--port", str(port)],
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    simple = ("PREFIX fo: <https://w3id.org/finops-kg/ontology#> SELECT ?d WHERE { GRAPH "
              "<https://w3id.org/finops-kg/id/edition/2026> { ?d a fo:Domain } }")
    try:
        with httpx.Client(timeout=10) as client:
            deadline = time.time() + 60
            while True:
                try:
                    if client.get(url, params={"query": simple}).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.time() > deadline:
                    raise SystemExit("the endpoint did not start within 60 s")
                time.sleep(0.2)
            say(f"sending {requests} requests to {url}")
            start = time.perf_counter()
            for _ in range(requests):
                assert client.get(url, params={"query": simple}).status_code == 200
            elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"endpoint throughput: {requests / elapsed:.0f} requests/s "
          f"({requests} sequential requests on one connection, {elapsed:.2f} s)")


def synthetic_assessments(triples: int, seed: int = 7) -> bytes:
    """Return N-Quads of about `triples` triples of assessments in the 2026 edition's graph."""
    rng = random.Random(seed)
    graph = "<https://w3id.org/finops-kg/id/edition/2026>"
    fo = "https://w3id.org/finops-kg/ontology#"
    capabilities = [c.rsplit("/", 1)[-1] for c in _capabilities()]
    levels = ["crawl", "walk", "run"]
    lines, count, unit = [], 0, 0
    while count < triples:
        unit += 1
        unit_iri = f"<https://example.org/synthetic/unit/{unit}>"
        for capability in rng.sample(capabilities, k=rng.randint(8, len(capabilities))):
            node = f"<https://example.org/synthetic/assessment/{unit}/{capability}>"
            achieved = rng.randrange(3)
            target = min(2, achieved + rng.randrange(2))
            for predicate, obj in (
                    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{fo}CapabilityAssessment>"),
                    (f"{fo}assessedUnit", unit_iri),
                    (f"{fo}assessedCapability",
                     f"<https://w3id.org/finops-kg/id/capability/{capability}>"),
                    (f"{fo}achievedLevel",
                     f"<https://w3id.org/finops-kg/id/maturity-level/{levels[achieved]}>"),
                    (f"{fo}targetLevel",
                     f"<https://w3id.org/finops-kg/id/maturity-level/{levels[target]}>")):
                lines.append(f"{node} <{predicate}> {obj} {graph} .")
                count += 1
    return ("\n".join(lines) + "\n").encode()


def _capabilities() -> list[str]:
    from finops_kg.sparql.query import query

    result = query("PREFIX fo: <https://w3id.org/finops-kg/ontology#> SELECT ?c WHERE { GRAPH "
                   "<https://w3id.org/finops-kg/id/edition/2026> { ?c fo:inDomain ?d } }")
    return sorted(str(row[0]) for row in result.rows)


def scaling(sizes: list[int]) -> None:
    import pyoxigraph

    from finops_kg.release.dataset import dataset_quads

    names = ["maturity-gaps", "assessment-matrix", "unassessed-capabilities"]
    entries = catalogue()
    print(f"{'triples':>9} " + " ".join(f"{n + ' s':>28}" for n in names))
    previous: dict[str, float] = {}
    previous_size = None
    for size in sizes:
        say(f"generating and loading {size} triples of synthetic assessments")
        store = pyoxigraph.Store()
        store.bulk_load(dataset_quads(), pyoxigraph.RdfFormat.N_QUADS)
        store.bulk_load(synthetic_assessments(size), pyoxigraph.RdfFormat.N_QUADS)
        runner = OxigraphRunner(store)
        cells = []
        for name in names:
            entry = entries[name]
            bindings = example_bindings(entry, runner)
            seconds = median_ms(lambda: runner.run(entry.text, bindings), 3) / 1000
            ratio = ""
            if previous_size:
                growth = (seconds / previous[name]) / (size / previous_size)
                ratio = f" (x{growth:.2f} per x data)"
            cells.append(f"{seconds:>8.3f}{ratio:>20}")
            previous[name] = seconds
        previous_size = size
        print(f"{size:>9} " + " ".join(f"{c:>28}" for c in cells))
    print("A ratio near 1 or below means the time grows no faster than the data.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    latency(args.runs)
    print()
    throughput(args.requests)
    print()
    scaling([int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
