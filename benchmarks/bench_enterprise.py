"""Time finops-kg on a whole made-up enterprise: load, validate, query, report and export at 100 k to 10 M triples.

    .venv/bin/python benchmarks/bench_enterprise.py [--sizes 1e5,1e6,1e7] [--keep DIR]
        [--faults 5] [--seed 2026] [--runs 3] [--timeout 900] [--skip STEP,...]
        [--format table|csv|json]

For each size, benchmarks/enterprise_company.py writes a company of about that many triples
(1,400 to 1,500 teams and 20,000 people at a million; see its docstring), deterministically
from --seed, as N-Triples files and an SSSOM set. Then each step runs as a command of its own, a
fresh `python -m finops_kg` process, and is timed with its peak resident memory (the child's
ru_maxrss from wait4, its own descendants included):

    workspace init, workspace load (every file at once), validate --workspace --format json,
    query NAME --workspace --format csv for each report query, assess report --workspace --out,
    workspace export --format nq --out.

A step the installed finops-kg does not offer yet (validate --workspace, assess report) is
skipped with a note, as is any step named in --skip; a step that runs past --timeout seconds is
stopped, and counted at the time it was given. Validation must report exactly --faults results
(one per seeded fault); the table says when it does not. The report queries are then timed again
inside one process, warm, as the median of --runs runs: the time of OxigraphRunner.run (the
engine, reading the rows as terms and sorting them), without start-up and CSV output. The
machine's load average is printed with each size, since other work on it slows every step.

Printed: one row per size and step (triples, seconds, peak MB), the end-to-end total per size
(the sum of the steps; generating the data is not counted), and the growth from one size to the
next: the ratio of times divided by the ratio of triples, which stays near 1 when the cost is
linear. --keep DIR keeps each size's data, workspace and outputs in DIR/SIZE; otherwise they go
to a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import enterprise_company  # noqa: E402

REPORT_QUERIES = ("lens-scores", "assessment-heatmap", "progress-to-target", "score-trend",
                  "weakest-lenses", "org-rollup", "who-should-act")
TARGETS = {1_000_000: (20.0, 1024.0), 10_000_000: (240.0, 4096.0)}  # seconds, MB end to end
QUERY_TARGET = 0.3  # seconds per report query at 1 M


@dataclass
class Step:
    """One timed command of one size."""

    size: str
    triples: int
    step: str
    seconds: float | None
    peak_mb: float | None
    note: str = ""


def say(message: str) -> None:
    """Report progress on stderr."""
    print(f"bench_enterprise: {message}", file=sys.stderr, flush=True)


def finops_kg(*arguments: str) -> list[str]:
    """Return the command line of a finops-kg command, run by this Python."""
    return [sys.executable, "-m", "finops_kg", *arguments]


def timed(command: list[str], stdout: Path, stderr: Path,
          timeout: float) -> tuple[int | None, float, float]:
    """Run a command; return its exit status (None when it ran out of time and was stopped),
    wall seconds and peak resident MB."""
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only what it started

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return None if stopped.is_set() else process.returncode, elapsed, usage.ru_maxrss / 1024


def offers(command: list[str], option: str) -> bool:
    """Return whether a command's --help mentions an option or action."""
    shown = subprocess.run(command + ["--help"], capture_output=True, text=True)
    return shown.returncode == 0 and option in shown.stdout


def parse_size(text: str) -> int:
    """Return a size given as 1e6 or 1000000."""
    try:
        value = int(float(text))
    except ValueError:
        raise SystemExit(f"--sizes: {text!r} is not a number such as 1e6") from None
    if value < 3000:
        raise SystemExit(f"--sizes: {text!r} is too small; give at least 3000 triples")
    return value


def label(size: int) -> str:
    """Return a size as 1e5 when it is a power of ten, else as a number."""
    exponent = len(str(size)) - 1
    return f"1e{exponent}" if size == 10 ** exponent else str(size)


def last_line(path: Path) -> str:
    """Return the last non-empty line of a file, for a failed step's note."""
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def run_size(size: int, root: Path, args: argparse.Namespace, have_validate: bool,
             have_report: bool) -> tuple[list[Step], dict]:
    """Generate one company, run every step on it and return the steps and facts about it."""
    name = label(size)
    data, workspace, outputs = root / "data", root / "workspace", root / "out"
    for folder in (data, outputs):
        folder.mkdir(parents=True, exist_ok=True)
    say(f"{name}: generating the company")
    start = time.perf_counter()
    written = enterprise_company.generate(data, size, seed=args.seed, faults=args.faults)
    generated = time.perf_counter() - start
    triples = written.total
    facts = {"size": name, "requested": size, "triples": triples, "teams": written.teams, "people": written.people,
             "assessments": written.assessments, "faults": written.faults,
             "generate_seconds": round(generated, 2),
             "data_mb": round(sum(f.stat().st_size for f in written.files) / 2 ** 20, 1)}
    say(f"{name}: {triples:,} triples, {written.teams:,} teams, {written.people:,} people, "
        f"{written.assessments:,} assessments, written in {generated:.1f} s")
    facts["load_average_before"] = round(os.getloadavg()[0], 2)
    steps: list[Step] = []

    def step(title: str, command: list[str], ok: tuple[int, ...] = (0,),
             out_name: str | None = None) -> tuple[int | None, Path]:
        say(f"{name}: {title}")
        out = outputs / (out_name or f"{title.replace(' ', '-')}.out")
        code, seconds, peak = timed(command, out, outputs / f"{title.replace(' ', '-')}.err",
                                    args.timeout)
        if code is None:
            note = f"stopped after {args.timeout:.0f} s (--timeout)"
        elif code in ok:
            note = ""
        else:
            note = f"exit {code}: {last_line(outputs / (title.replace(' ', '-') + '.err'))}"
        steps.append(Step(name, triples, title, seconds, peak, note))
        return code, out

    step("workspace init", finops_kg("workspace", "init", str(workspace)))
    step("workspace load", finops_kg("workspace", "load", str(workspace),
                                     *map(str, written.files)))
    def skip(title: str, key: str, available: bool = True, why: str = "") -> bool:
        if key in args.skip or not available:
            steps.append(Step(name, triples, title, None, None,
                              "skipped (--skip)" if key in args.skip else f"skipped: {why}"))
            return True
        return False

    if not skip("validate", "validate", have_validate, "validate has no --workspace yet"):
        _, out = step("validate", finops_kg("validate", "--workspace", str(workspace),
                                            "--format", "json"), ok=(0, 1),
                      out_name="validate.json")
        try:
            found = len(json.loads(out.read_text())["results"])
        except (OSError, ValueError, KeyError, TypeError):
            found = None
        facts["violations"] = found
        if steps[-1].note:
            pass
        elif found is None:
            steps[-1].note = f"no JSON report: {last_line(outputs / 'validate.err')}"
        elif found != args.faults:
            steps[-1].note = f"found {found} results, seeded {args.faults}"
        else:
            steps[-1].note = f"{found} results = {args.faults} seeded"
    finished = {}
    for query in REPORT_QUERIES:
        if skip(f"query {query}", query):
            continue
        code, out = step(f"query {query}", finops_kg("query", query, "--workspace",
                                                     str(workspace), "--format", "csv"),
                         out_name=f"{query}.csv")
        if code == 0:
            rows = max(0, sum(1 for _ in open(out, encoding="utf-8")) - 1)
            steps[-1].note = f"{rows:,} rows"
            finished[query] = steps[-1].seconds
    if not skip("assess report", "report", have_report, "assess has no report action yet"):
        step("assess report", finops_kg("assess", "report", "--workspace", str(workspace),
                                        "--out", str(root / "report")))
    if not skip("workspace export", "export"):
        step("workspace export", finops_kg("workspace", "export", str(workspace), "--format",
                                           "nq", "--out", str(root / "export.nq")))
    if "in-process" not in args.skip and finished:
        say(f"{name}: timing the report queries in one process")
        # A query whose command took long is run once rather than --runs times.
        plan = ",".join(f"{q}:{args.runs if t < 20 else 0}" for q, t in finished.items())
        inside = subprocess.run([sys.executable, __file__, "--time-queries", str(workspace),
                                 "--plan", plan], capture_output=True, text=True)
        if inside.returncode == 0:
            facts["in_process"] = json.loads(inside.stdout)
        else:
            facts["in_process"] = {"error": last_line_of(inside.stderr)}
    facts["disk_mb"] = round(folder_size(root) / 2 ** 20, 1)
    return steps, facts


def last_line_of(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def folder_size(folder: Path) -> int:
    """Return the bytes of every file under folder."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def time_queries(workspace: Path, plan: str) -> dict:
    """Time report queries in this process as the query command runs them on the workspace
    (OxigraphRunner.run: the rows read as terms and sorted, not written): the first run, then the
    median of the warm runs the plan asks for (plan: NAME:RUNS,...). Also times resolving a
    capability's name, as a query command given --param capability=Allocation does."""
    from pyoxigraph import NamedNode

    from finops_kg.graph.iris import edition_iri
    from finops_kg.sparql.binding import graphs_read
    from finops_kg.sparql.catalogue import find
    from finops_kg.sparql.query import runner_for

    runner = runner_for(workspace=workspace)
    start = time.perf_counter()
    runner.labels().resolve("Allocation", "fo:Capability", "capability")
    result: dict = {"labels_seconds": round(time.perf_counter() - start, 4), "queries": {}}
    for item in filter(None, plan.split(",")):
        name, runs = item.rsplit(":", 1)
        bindings = {"edition": NamedNode(edition_iri(runner.edition))}
        text = find(name).text
        graphs = graphs_read(text, bindings)  # the named graphs the query command reads
        times, rows = [], 0
        for _ in range(int(runs) + 1):  # the first run also warms the store's caches
            start = time.perf_counter()
            rows = len(runner.run(text, bindings, graphs).cells)
            times.append(time.perf_counter() - start)
        result["queries"][name] = {"first": round(times[0], 4),
                                   "median": round(statistics.median(times[1:] or times), 4),
                                   "rows": rows}
    return result


def add_totals(steps: list[Step], facts: list[dict]) -> None:
    """Give each size its end-to-end seconds (the sum of its steps) and peak MB."""
    for fact in facts:
        mine = [s for s in steps if s.size == fact["size"] and s.seconds is not None]
        fact["end_to_end_seconds"] = round(sum(s.seconds for s in mine), 2)
        fact["peak_mb"] = round(max(s.peak_mb for s in mine))


def render(steps: list[Step], facts: list[dict], fmt: str) -> str:
    """Return the steps, totals and growth as tables, CSV or JSON."""
    from finops_kg.table import render_table

    if fmt == "json":
        return json.dumps({"steps": [asdict(s) for s in steps], "sizes": facts}, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(("size", "triples", "step", "seconds", "peak_mb", "note"))
        for s in steps:
            writer.writerow((s.size, s.triples, s.step,
                             "" if s.seconds is None else f"{s.seconds:.3f}",
                             "" if s.peak_mb is None else f"{s.peak_mb:.0f}", s.note))
        return buffer.getvalue()
    rows = [(s.size, s.triples, s.step, "-" if s.seconds is None else f"{s.seconds:.2f}",
             "-" if s.peak_mb is None else f"{s.peak_mb:.0f}", s.note) for s in steps]
    parts = [render_table(("size", "triples", "step", "seconds", "peak MB", "note"), rows)]
    totals = []
    for fact in facts:
        seconds, peak = fact["end_to_end_seconds"], fact["peak_mb"]
        target = TARGETS.get(fact["requested"])
        verdict = "" if target is None else \
            f"target {target[0]:.0f} s / {target[1]:.0f} MB: " + \
            ("met" if seconds < target[0] and peak < target[1] else "MISSED")
        skipped = [s.step for s in steps if s.size == fact["size"] and s.seconds is None]
        stopped = [s.step for s in steps if s.size == fact["size"] and "--timeout" in s.note]
        totals.append((fact["size"], fact["triples"], fact["teams"], fact["people"],
                       fact["assessments"], f"{fact['generate_seconds']:.1f}",
                       f"{seconds:.2f}", f"{peak:.0f}", f"{fact['disk_mb']:.0f}",
                       f"{fact['load_average_before']:.1f}",
                       " ".join(filter(None, (
                           verdict, f"(without {', '.join(skipped)})" if skipped else "",
                           f"(stopped: {', '.join(stopped)})" if stopped else "")))))
    parts.append(render_table(("size", "triples", "teams", "people", "assessments",
                               "generate s", "end to end s", "peak MB", "disk MB", "load avg",
                               "verdict"), totals))
    inside = []
    for fact in facts:
        timing = fact.get("in_process", {})
        if "queries" not in timing:
            continue
        inside.append((fact["size"], "(a capability's name)", f"{timing['labels_seconds']:.3f}",
                       "", "", ""))
        for query, t in timing["queries"].items():
            slow = fact["requested"] == 1_000_000 and t["median"] > QUERY_TARGET
            inside.append((fact["size"], query, f"{t['median']:.3f}", f"{t['first']:.3f}",
                           t["rows"], "over 0.3 s" if slow else ""))
    if inside:
        parts.append(render_table(("size", "report query, in process", "median s", "first s",
                                   "rows", "note"), inside))
    growth = []
    for before, after in zip(facts, facts[1:]):
        data = after["triples"] / before["triples"]
        # Only steps that finished at both sizes compare; a stopped one gives no ratio.
        pairs = {s.step: s for s in steps if s.size == before["size"] and s.seconds
                 and "--timeout" not in s.note}
        common = [(pairs[s.step], s) for s in steps if s.size == after["size"] and s.seconds
                  and "--timeout" not in s.note and s.step in pairs]
        for old, new in common:
            ratio = new.seconds / old.seconds
            growth.append((f"{before['size']} -> {after['size']}", new.step, f"{data:.2f}",
                           f"{ratio:.2f}", f"{ratio / data:.2f}"))
        if common:
            ratio = sum(n.seconds for _, n in common) / sum(o.seconds for o, _ in common)
            growth.append((f"{before['size']} -> {after['size']}",
                           f"the {len(common)} steps above together", f"{data:.2f}",
                           f"{ratio:.2f}", f"{ratio / data:.2f}"))
    if growth:
        parts.append(render_table(("sizes", "step", "data x", "time x", "time x / data x"),
                                  growth))
    return "\n".join(parts)


def main() -> int:
    """Run the benchmark at each size and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6",
                        help="comma-separated triple counts, such as 1e5,1e6,1e7 (default 1e5,1e6)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each size's data, workspace and outputs in DIR/SIZE")
    parser.add_argument("--faults", type=int, default=5,
                        help="seeded faults, each one validation result (default 5)")
    parser.add_argument("--seed", type=int, default=2026, help="the generator's seed")
    parser.add_argument("--runs", type=int, default=3,
                        help="warm runs of each query in process (median; default 3)")
    parser.add_argument("--skip", type=lambda text: set(filter(None, text.split(","))),
                        default=set(), metavar="STEP,...",
                        help="steps to leave out: validate, report, export, in-process, or a "
                        "report query's name")
    parser.add_argument("--timeout", type=float, default=900,
                        help="stop a step after this many seconds (default 900)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--time-queries", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plan", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_queries is not None:
        print(json.dumps(time_queries(args.time_queries, args.plan)))
        return 0
    unknown = args.skip - {"validate", "report", "export", "in-process", *REPORT_QUERIES}
    if unknown:
        parser.error(f"--skip: no step is called {sorted(unknown)[0]!r}")
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    have_validate = offers(finops_kg("validate"), "--workspace")
    have_report = offers(finops_kg("assess"), "report")
    for missing, what in ((have_validate, "validate --workspace"),
                          (have_report, "assess report")):
        if not missing:
            say(f"this finops-kg has no {what} yet: that step is skipped")
    scratch = Path(tempfile.mkdtemp(prefix="bench-enterprise-"))
    try:
        # The first workspace init may compile the Framework dataset into the cache; that
        # one-off cost is not the workspace's.
        say("warming the Framework dataset cache")
        subprocess.run(finops_kg("workspace", "init", str(scratch / "warm")), check=True,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(scratch / "warm")
        steps: list[Step] = []
        facts: list[dict] = []
        for size in sizes:
            root = (args.keep / label(size)) if args.keep else scratch / label(size)
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
            done, known = run_size(size, root, args, have_validate, have_report)
            steps += done
            facts.append(known)
            if not args.keep:
                shutil.rmtree(root)
        add_totals(steps, facts)
        text = render(steps, facts, args.format)
        sys.stdout.write(text)
        if args.keep:
            (args.keep / "results.json").write_text(render(steps, facts, "json"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
