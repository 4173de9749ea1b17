"""Time validation at scale: the fast engine at 10 k to 1 M triples, pySHACL beside it at 10 k.

    .venv/bin/python benchmarks/bench_validate.py [--sizes 1e4,1e5,1e6] [--pyshacl-sizes 1e4]
        [--no-workspace] [--seed 7]

For each size a made-up company is written as N-Triples (units under a company, people with
their memberships and roles, quarterly assessments of the units with five lens weights, and
capability assessments with five lens scores and a target) with faults seeded at random: bad
scores, weights and targets, missing or repeated lenses, ill-typed dates, units and capabilities
that do not exist. Each kind of fault gives a known number of results, so the benchmark knows how
many violations validation must find.

Every engine runs in a fresh process, timed with its peak resident memory (ru_maxrss):

- fast: the Framework (ontology and the 2026 edition) and the company loaded into an in-memory
  Oxigraph store (load), then the compiled shapes run on it (validate);
- workspace: `finops-kg validate --workspace DIR --format json` on a workspace holding the
  company, as a user runs it (the workspace is made first and not timed);
- pySHACL: rdflib parses the same files (load) and pySHACL validates them (validate), only at
  --pyshacl-sizes; its results must equal the fast engine's, value for value.

The workspace's results must equal the in-memory engine's, and each engine must find exactly the
violations seeded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BASE = "https://example.org/bench/"
FO = "https://w3id.org/finops-kg/ontology#"
ID = "https://w3id.org/finops-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
ORG = "http://www.w3.org/ns/org#"
LENSES = ("knowledge", "process", "metrics", "adoption", "automation")
WEIGHTS = ("30.0", "25.0", "20.0", "20.0", "5.0")
CAPABILITIES = (  # capabilities of the 2026 edition
    "allocation", "anomaly-management", "budgeting", "forecasting", "rate-optimization",
    "reporting-analytics", "unit-economics", "usage-optimization")
QUARTERS = [f"{year}-{month}" for year in (2023, 2024, 2025, 2026)
            for month in ("03-31", "06-30", "09-30", "12-31")]
FAULT_RATE = 0.02  # of the capability assessments; four times as many of the assessments

# Each fault: how many results validation gives for it, and in which constraint component.
SCORE_FAULTS = {
    "score above 4": ("MaxInclusive", 1),
    "score below 0": ("MinInclusive", 1),
    "score as a decimal": ("Datatype", 1),
    "lens score without a lens": ("MinCount", 1 + 1),  # and that lens has no score
    "lens not scored": ("SPARQL", 1),
    "lens scored twice": ("SPARQL", 2),  # the lens twice, and the lens left out
    "target above 20": ("MaxInclusive", 1),
    "two targets": ("MaxCount", 1),
    "capability that does not exist": ("Class", 1),
    "ill-typed date": ("Datatype", 1),
    "no date": ("MinCount", 1),
    "unit that does not exist": ("Or", 1 + 1),  # and it is not the assessment's unit
}
CAPABILITIES_PER_ASSESSMENT = 4
ASSESSMENT_FAULTS = {  # an assessment with one of these has no other fault
    "weights not adding up": ("SPARQL", 1),
    "weight of a lens that does not exist": ("In", 1 + 1),  # and a lens without a weight
    # and no capability assessed is in that edition:
    "edition that does not exist": ("Class", 1 + CAPABILITIES_PER_ASSESSMENT),
    # and each capability assessment's date is not one of them:
    "two dates": ("MaxCount", 1 + CAPABILITIES_PER_ASSESSMENT),
}


def say(message: str) -> None:
    """Report progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def iri(text: str) -> str:
    """Return the IRI of a node of the made-up company, in N-Triples form."""
    return f"<{BASE}{text}>"


def company(triples: int, seed: int) -> tuple[bytes, Counter]:
    """Return about `triples` triples of a made-up company as N-Triples, and the faults seeded."""
    rng = random.Random(seed)
    lines: list[str] = []
    seeded: Counter = Counter()
    add = lines.append
    per_unit = 3 + 6 * 6 + len(QUARTERS) * (26 + CAPABILITIES_PER_ASSESSMENT * 26)
    units = max(1, triples // per_unit)
    add(f"{iri('org')} {TYPE} <{ORG}FormalOrganization> .")
    add(f'{iri("org")} <http://www.w3.org/2004/02/skos/core#prefLabel> "Bench Corp"@en .')
    for unit in range(units):
        u = iri(f"unit/{unit}")
        add(f"{u} {TYPE} <{ORG}OrganizationalUnit> .")
        add(f'{u} <http://www.w3.org/2004/02/skos/core#prefLabel> "Unit {unit}"@en .')
        add(f"{u} <{ORG}subOrganizationOf> {iri(f'unit/{(unit - 1) // 10}') if unit else iri('org')} .")
        for person in range(6):
            p, m = iri(f"person/{unit}-{person}"), iri(f"membership/{unit}-{person}")
            add(f"{p} {TYPE} <http://xmlns.com/foaf/0.1/Person> .")
            add(f'{p} <http://xmlns.com/foaf/0.1/name> "Person {unit}-{person}" .')
            add(f"{m} {TYPE} <{ORG}Membership> .")
            add(f"{m} <{ORG}member> {p} .")
            add(f"{m} <{ORG}organization> {u} .")
            add(f"{m} <{ORG}role> {iri('def#Role' + str(person % 3))} .")
        for quarter in QUARTERS:
            assessment(add, rng, seeded, unit, quarter)
    return ("\n".join(lines) + "\n").encode(), seeded


def assessment(add, rng: random.Random, seeded: Counter, unit: int, quarter: str) -> None:
    """Write one assessment of a unit and its capability assessments, perhaps with faults."""
    a = iri(f"assessment/{unit}/{quarter}")
    u, date = iri(f"unit/{unit}"), f'"{quarter}"^^<{XSD}date>'
    fault = rng.choice(sorted(ASSESSMENT_FAULTS)) if rng.random() < FAULT_RATE * 4 else None
    if fault:
        seeded[fault] += 1
    add(f"{a} {TYPE} <{FO}Assessment> .")
    add(f'{a} <http://www.w3.org/2000/01/rdf-schema#label> "Unit {unit}, {quarter}"@en .')
    add(f"{a} <{FO}assessedUnit> {u} .")
    add(f"{a} <http://purl.org/dc/terms/date> {date} .")
    if fault == "two dates":
        add(f'{a} <http://purl.org/dc/terms/date> "{quarter[:4]}-01-01"^^<{XSD}date> .')
    edition = "2099" if fault == "edition that does not exist" else "2026"
    add(f"{a} <{FO}inEdition> <{ID}edition/{edition}> .")
    add(f"{a} <http://www.w3.org/ns/prov#wasAssociatedWith> {iri(f'person/{unit}-0')} .")
    for index, (lens, weight) in enumerate(zip(LENSES, WEIGHTS)):
        w = iri(f"assessment/{unit}/{quarter}/weight/{lens}")
        if index == 0 and fault == "weights not adding up":
            weight = "31.0"
        if index == 1 and fault == "weight of a lens that does not exist":
            lens = "cost"
        add(f"{a} <{FO}lensWeight> {w} .")
        add(f"{w} {TYPE} <{FO}LensWeight> .")
        add(f"{w} <{FO}lens> <{ID}assessment-lens/{lens}> .")
        add(f'{w} <{FO}weight> "{weight}"^^<{XSD}decimal> .')
    for capability in rng.sample(CAPABILITIES, CAPABILITIES_PER_ASSESSMENT):
        capability_assessment(add, rng, seeded, unit, quarter, a, capability, fault is None)


def capability_assessment(add, rng: random.Random, seeded: Counter, unit: int, quarter: str,
                          a: str, capability: str, may_fail: bool) -> None:
    """Write one capability assessment with its five lens scores, perhaps with one fault."""
    c = iri(f"assessment/{unit}/{quarter}/{capability}")
    chance = rng.random()
    fault = rng.choice(sorted(SCORE_FAULTS)) if may_fail and chance < FAULT_RATE else None
    if fault:
        seeded[fault] += 1
    add(f"{c} {TYPE} <{FO}CapabilityAssessment> .")
    add(f"{c} <{FO}partOfAssessment> {a} .")
    unit_iri = iri("unit/gone") if fault == "unit that does not exist" else iri(f"unit/{unit}")
    add(f"{c} <{FO}assessedUnit> {unit_iri} .")
    if fault == "capability that does not exist":
        capability = "made-up"
    add(f"{c} <{FO}assessedCapability> <{ID}capability/{capability}> .")
    if fault == "ill-typed date":
        add(f'{c} <http://purl.org/dc/terms/date> "{quarter[:4]}-02-30"^^<{XSD}date> .')
    elif fault != "no date":
        add(f'{c} <http://purl.org/dc/terms/date> "{quarter}"^^<{XSD}date> .')
    target = 21 if fault == "target above 20" else rng.randint(8, 20)
    add(f'{c} <{FO}targetScore> "{target}"^^<{XSD}integer> .')
    if fault == "two targets":
        add(f'{c} <{FO}targetScore> "{max(0, target - 1)}"^^<{XSD}integer> .')
    for index, lens in enumerate(LENSES):
        s = iri(f"assessment/{unit}/{quarter}/{capability}/{lens}")
        if index == 4 and fault == "lens not scored":
            continue
        score = f'"{rng.randint(0, 4)}"^^<{XSD}integer>'
        if index == 0 and fault == "score above 4":
            score = f'"5"^^<{XSD}integer>'
        elif index == 0 and fault == "score below 0":
            score = f'"-1"^^<{XSD}integer>'
        elif index == 0 and fault == "score as a decimal":
            score = f'"2.5"^^<{XSD}decimal>'
        add(f"{c} <{FO}hasLensScore> {s} .")
        add(f"{s} {TYPE} <{FO}LensScore> .")
        if index == 2 and fault == "lens scored twice":
            lens = LENSES[1]
        if not (index == 3 and fault == "lens score without a lens"):
            add(f"{s} <{FO}lens> <{ID}assessment-lens/{lens}> .")
        add(f"{s} <{FO}score> {score} .")


def expected_violations(seeded: Counter) -> int:
    """Return how many violations the seeded faults give."""
    faults = {**SCORE_FAULTS, **ASSESSMENT_FAULTS}
    return sum(faults[kind][1] * n for kind, n in seeded.items())


# -- the engines, each in a process of its own ---------------------------------------------------

FAST = """
import json, sys, time
t0 = time.perf_counter()
from finops_kg.release.shapes.run import data_store, validate_store
store = data_store([sys.argv[1]], "2026")
t1 = time.perf_counter()
report = validate_store(store)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "validate": t2 - t1, "fallback": report.fallback_shapes,
                  "results": [list(r.__dict__.values()) for r in report.results]}))
"""

PYSHACL = """
import json, sys, time
t0 = time.perf_counter()
from finops_kg.graph.load import parse_files
from finops_kg.release.dataset import load
from finops_kg.release.validate import validate
graph = parse_files(load("2026"), [sys.argv[1]])
t1 = time.perf_counter()
report = validate(graph)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "validate": t2 - t1, "fallback": [],
                  "results": [list(r.__dict__.values()) for r in report.results]}))
"""


def child(argv: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """Run a process; return its standard output, wall seconds and peak resident MB."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if code not in (0, 1):  # validate exits 1 when the data does not conform
        raise SystemExit(f"{' '.join(argv[:4])} ... failed with exit status {code}")
    return text, elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def engine(script: str, path: Path) -> dict:
    """Run one engine's script on the company file; return its times, peak MB and results."""
    out, elapsed, peak = child([sys.executable, "-c", script, str(path)])
    found = json.loads(out)
    return {**found, "total": elapsed, "peak": peak}


def workspace(path: Path, folder: Path) -> dict:
    """Load the company into a workspace (not timed), then time validate --workspace."""
    command = [sys.executable, "-m", "finops_kg"]
    for step in (["workspace", "init", str(folder)], ["workspace", "load", str(folder), str(path)]):
        subprocess.run(command + step, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    out, elapsed, peak = child(command + ["validate", "--workspace", str(folder),
                                          "--format", "json"])
    return {"total": elapsed, "peak": peak, "results": json.loads(out)["results"]}


def violations(results: list) -> int:
    """Count the violations of a result list (rows or dicts; severity first)."""
    return sum((r["severity"] if isinstance(r, dict) else r[0]) == "Violation" for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6",
                        help="triples of the company, e.g. 1e4,1e5,1e6")
    parser.add_argument("--pyshacl-sizes", default="1e4",
                        help="the sizes at which pySHACL runs too (slow: its SPARQL constraints "
                             "run once per focus node, some 15 minutes at 1e5 here)")
    parser.add_argument("--no-workspace", action="store_true",
                        help="leave out validate --workspace")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    reference = {int(float(s)) for s in args.pyshacl_sizes.split(",") if s}
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        for size in sizes:
            say(f"generating a company of about {size:,} triples")
            data, seeded = company(size, args.seed)
            path = Path(tmp) / f"company-{size}.nt"
            path.write_bytes(data)
            triples = data.count(b"\n")
            expected = expected_violations(seeded)
            say(f"  {triples:,} triples, {sum(seeded.values())} faults seeded, "
                f"{expected} violations expected; validating with the fast engine")
            fast = engine(FAST, path)
            if fast["fallback"]:
                say(f"  note: pySHACL checked {', '.join(fast['fallback'])}")
            rows.append((size, triples, "fast (in memory)", fast, expected))
            if not args.no_workspace:
                say("  loading a workspace, then validate --workspace")
                done = workspace(path, Path(tmp) / f"ws-{size}")
                rows.append((size, triples, "validate --workspace", done, expected))
                if sorted(tuple(r.values()) for r in done["results"]) != sorted(
                        map(tuple, fast["results"])):
                    raise SystemExit(f"at {size:,} triples validate --workspace and the "
                                     "in-memory fast engine differ")
            if size in reference:
                say("  validating with pySHACL")
                slow = engine(PYSHACL, path)
                rows.append((size, triples, "pySHACL", slow, expected))
                if sorted(map(tuple, slow["results"])) != sorted(map(tuple, fast["results"])):
                    raise SystemExit(f"at {size:,} triples the fast engine and pySHACL differ")
                say("  the fast engine's results equal pySHACL's")
    print(f"{'triples':>10} {'engine':<22} {'load s':>7} {'validate s':>10} {'total s':>8} "
          f"{'peak MB':>8} {'violations':>10} {'seeded':>7}")
    for size, triples, name, found, expected in rows:
        load = f"{found['load']:.2f}" if "load" in found else "-"
        check = f"{found['validate']:.2f}" if "validate" in found else "-"
        print(f"{triples:>10,} {name:<22} {load:>7} {check:>10} {found['total']:>8.2f} "
              f"{found['peak']:>8.0f} {violations(found['results']):>10} {expected:>7}")
    wrong = [(t, n) for _, t, n, f, e in rows if violations(f["results"]) != e]
    if wrong:
        raise SystemExit(f"violations found differ from those seeded: {wrong}")


if __name__ == "__main__":
    main()
