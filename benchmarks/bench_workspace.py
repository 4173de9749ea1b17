"""Time the workspace commands on made-up org data of 100 k to 10 M triples, with peak memory.

    .venv/bin/python benchmarks/bench_workspace.py [--sizes 1e5,1e6] [--keep DIR]
        [--format table|csv]

For each size N, an N-Triples file of exactly N triples is written: a tree of org units (W3C ORG,
eight sub-units each), about thirteen people per unit with a name, and one membership each with
one of forty roles. Then each step runs as a command of its own, a fresh `python -m finops_kg`
process (start-up and imports included, as a user sees it), timed with its peak resident memory
(the child's ru_maxrss, read from resource usage that os.wait4 returns for that child alone)
and its CPU time (user and system, all its threads), which a busy machine inflates less:

    workspace init          a new workspace with the Framework dataset
    workspace load          the file, into a graph of its own and the edition's graph
    workspace load again    the same file, replacing its graph (a new generation is written)
    workspace list          the graphs with their triples, source, SHA-256 and time
    query --workspace       members per unit, the ten largest (one GROUP BY over the memberships)
    workspace export        the user's graphs as N-Quads to a file

Also printed: the workspace's size on disk after the load. --keep DIR keeps each size's data and
workspace in DIR/SIZE; otherwise a temporary folder is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
BASE = "https://example.org/bench/"
PEOPLE_PER_UNIT = 13
ROLES = 40
QUERY = f"""PREFIX org: <{ORG}>
SELECT ?unit (COUNT(?membership) AS ?members)
WHERE {{ ?membership org:organization ?unit }}
GROUP BY ?unit ORDER BY DESC(?members) ?unit LIMIT 10"""


def org_triples() -> Iterator[str]:
    """Yield N-Triples lines of an org without end: roles, then units each with its people."""
    for role in range(ROLES):
        yield f"<{BASE}role/{role}> {TYPE} <{ORG}Role> .\n"
        yield f"<{BASE}role/{role}> <{SKOS}prefLabel> \"Role {role}\"@en .\n"
    unit = person = 0
    while True:
        subject = f"<{BASE}unit/{unit}>"
        yield f"{subject} {TYPE} <{ORG}OrganizationalUnit> .\n"
        yield f"{subject} <{SKOS}prefLabel> \"Unit {unit}\"@en .\n"
        if unit:
            yield f"{subject} <{ORG}subOrganizationOf> <{BASE}unit/{(unit - 1) // 8}> .\n"
        for _ in range(PEOPLE_PER_UNIT):
            who, membership = f"<{BASE}person/{person}>", f"<{BASE}membership/{person}>"
            yield f"{who} {TYPE} <{FOAF}Person> .\n"
            yield f"{who} <{FOAF}name> \"Person {person}\" .\n"
            yield f"{membership} {TYPE} <{ORG}Membership> .\n"
            yield f"{membership} <{ORG}member> {who} .\n"
            yield f"{membership} <{ORG}organization> {subject} .\n"
            yield f"{membership} <{ORG}role> <{BASE}role/{person % ROLES}> .\n"
            person += 1
        unit += 1


def write_org(path: Path, size: int) -> None:
    """Write exactly size triples of the org to path."""
    lines = org_triples()
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < size:
            batch = [next(lines) for _ in range(min(100_000, size - written))]
            out.writelines(batch)
            written += len(batch)


def run_step(args: list[str]) -> tuple[float, float, float, str]:
    """Run one finops-kg command; return its seconds, CPU seconds, peak MB and first line."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "finops_kg", *args],
                                   stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own resource use
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, errors = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(f"finops-kg {' '.join(args)} failed ({process.returncode}):\n"
                         f"{errors.decode(errors='replace')}")
    first = (printed or errors).decode(errors="replace").strip().splitlines()
    return (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            first[0] if first else "")


def folder_mb(path: Path) -> float:
    """Return the size of the files under path in MB (hard links counted once)."""
    seen, total = set(), 0
    for file in path.rglob("*"):
        if file.is_file():
            stat = file.stat()
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_size
    return total / 1e6


def bench(size: int, root: Path) -> list[tuple]:
    """Run every step at one size; return the table's rows."""
    root.mkdir(parents=True, exist_ok=True)
    data, ws, export = root / "org.nt", root / "ws", root / "export.nq"
    shutil.rmtree(ws, ignore_errors=True)
    print(f"size {size:,}: writing {data}", file=sys.stderr, flush=True)
    write_org(data, size)
    steps = [
        ("workspace init", ["workspace", "init", str(ws)]),
        ("workspace load", ["workspace", "load", str(ws), str(data)]),
        ("workspace load again", ["workspace", "load", str(ws), str(data)]),
        ("workspace list", ["workspace", "list", str(ws)]),
        ("query --workspace", ["query", "--workspace", str(ws), "--sparql", QUERY,
                               "--format", "csv"]),
        ("workspace export nq", ["workspace", "export", str(ws), "--format", "nq",
                                 "--out", str(export)]),
    ]
    rows = []
    for name, args in steps:
        print(f"size {size:,}: {name}", file=sys.stderr, flush=True)
        seconds, cpu, peak, _ = run_step(args)
        note = ""
        if name == "workspace load":
            note = f"workspace {folder_mb(ws):,.0f} MB on disk"
        if name == "workspace export nq":
            with export.open("rb") as stream:
                note = f"{sum(1 for _ in stream):,} quads"
        rows.append((f"{size:,}", name, f"{seconds:.2f}", f"{cpu:.2f}", f"{peak:,.0f}", note))
    return rows


def main() -> None:
    """Parse the options, run each size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6",
                        help="triples per run, comma-separated (default: 1e5,1e6)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep data and workspaces in DIR/SIZE")
    parser.add_argument("--format", choices=("table", "csv"), default="table")
    options = parser.parse_args()
    sizes = [int(float(s)) for s in options.sizes.split(",")]
    root = options.keep or Path(tempfile.mkdtemp(prefix="bench-workspace-"))
    try:
        rows = [row for size in sizes for row in bench(size, root / str(size))]
    finally:
        if options.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    headers = ("triples", "step", "seconds", "CPU s", "peak MB", "note")
    if options.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        from finops_kg.table import render_table

        sys.stdout.write(render_table(headers, rows))


if __name__ == "__main__":
    main()
