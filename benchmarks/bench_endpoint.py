"""Load the SPARQL endpoint and the MCP HTTP server with concurrent clients: latency, stops, memory.

    .venv/bin/python benchmarks/bench_endpoint.py [--duration 60] [--clients 8,32]
        [--servers sparql,mcp] [--time-limit 2] [--max-rows 10000]
        [--mix catalogue=70,free=20,bad=10] [--runaway-every 10] [--seed 2026]
        [--format table|csv|json]

Each server runs as a command of its own on a free port of this machine, started the way a user
starts it: `finops-kg serve --port 0 --timeout T --max-rows R` and `finops-kg mcp --http --port 0
--timeout T --max-rows R`. For each server and each client count, that many threads send requests
for --duration seconds, each thread on its own keep-alive connection (and, for MCP, its own
session, opened before the clock starts). A thread draws each request from the weighted --mix:

    catalogue  a query of queries/*.rq with the example parameters of its header: GET
               /queries/NAME?param=... on the endpoint, the run_query tool over MCP; expects 200
               (a result that is not a tool error, over MCP)
    free       one of a few hand-written SELECT, ASK, CONSTRUCT and DESCRIBE queries: POST /sparql,
               or the sparql tool (each text made unique, so the tool's result cache is missed)
    bad        a query with a syntax error: expects 400 (a tool error naming it, over MCP)
    runaway    a cross join of all triples in every graph, which runs for ever: expects the
               endpoint's time-limit answer, 503 (a tool error naming the time limit, over MCP)

Runaways are paced rather than drawn: one starts every --runaway-every seconds (the first after a
second), whichever thread is free first sending it, since each holds a worker process and a core
for the whole time limit and a drawn share would, on a small machine, measure nothing but
runaways. Before the clock starts, every catalogue query and every free query is sent once, and
a few requests of each kind on other connections, so that the workers have loaded the store and
the server's caches of names and parsed queries are full when memory is first sampled.

Printed, per server and client count: one row per request kind with its count, throughput,
p50/p95/p99 latency in milliseconds and errors (answers other than the expected status or kind of
answer, and failed connections); the catalogue row again for the requests that overlapped a
runaway (the proof that a runaway does not hold the others up); then a summary with the total
requests and throughput, the runaways stopped at the limit out of those sent and their median and
longest time, and the server's CPU time per request (its whole process tree, and its own process:
the one that holds the GIL) with the share of a core its own process used; then its memory: its
own resident set (VmRSS of the command's process, sampled every second) and that of its whole
process tree (with the query workers, which a runaway's stop replaces), at start, at most and at
the end, with the slope over the second half of the run in MB per minute, which stays near 0
when memory does not grow. The machine's load average at the start and the end is printed too.
The MCP server's own resident set rises for a minute or two after the warm-up (about 20 MB at 8
clients, while its threads' malloc arenas and Python's memory pools reach their working size)
and then stays level, its Python heap flat throughout: judge its memory on runs of 180 s or more.

Latency depends on the machine: on a small one shared with other work (see the load average),
requests wait for a core, not for the server. CPU per request does not, and a main-process share
near 1.0 would mean the server's one Python process is the limit.

The targets of issue 14 are checked and printed as met or MISSED: every runaway stopped within
the time limit plus a second; catalogue p95 under 100 ms at 8 clients, also while a runaway runs;
and memory that does not grow (the process's slope under 5 MB per minute over the second half).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from finops_kg.sparql.catalogue import catalogue  # noqa: E402
from finops_kg.table import render_table  # noqa: E402

KINDS = ("catalogue", "free", "bad", "runaway")
CATALOGUE_P95_MS = 100.0  # the target at 8 clients
SLOPE_LIMIT = 5.0  # MB per minute over the second half: more is growth
PROTOCOL = "2025-06-18"  # the MCP protocol version the client asks for

PREFIXES = """PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
EDITION = "<https://w3id.org/finops-kg/id/edition/2026>"
FREE_QUERIES = (
    PREFIXES + f"SELECT (COUNT(?d) AS ?n) WHERE {{ GRAPH {EDITION} {{ ?d a fo:Domain }} }}",
    PREFIXES + f"SELECT ?capability ?label WHERE {{ GRAPH {EDITION} {{ ?capability a "
               "fo:Capability ; skos:prefLabel ?label }} ORDER BY ?label",
    PREFIXES + "ASK { <https://w3id.org/finops-kg/id/capability/allocation> a fo:Capability }",
    PREFIXES + "CONSTRUCT { ?d a fo:Domain ; skos:prefLabel ?l } WHERE { ?d a fo:Domain ; "
               "skos:prefLabel ?l }",
    "DESCRIBE <https://w3id.org/finops-kg/id/capability/allocation>",
    PREFIXES + "SELECT ?persona (COUNT(?c) AS ?n) WHERE { ?c a fo:Capability . ?persona a "
               "fo:Persona } GROUP BY ?persona ORDER BY DESC(?n) LIMIT 20",
)
BAD_QUERIES = (
    "SELECT * WHERE { ?s ?p }",
    "SELEC ?s WHERE { ?s ?p ?o }",
    PREFIXES + "SELECT ?c WHERE { ?c a fo:Capability ",
    "SELECT * WHERE { ?s ?p ?o } LIMIT ten",
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c . ?d ?e ?f . ?h ?i ?j } }"


def say(message: str) -> None:
    """Report progress on stderr."""
    print(f"bench_endpoint: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The servers
# ---------------------------------------------------------------------------------------------

class Server:
    """A server command running on a free port, its stderr drained so that it never blocks."""

    def __init__(self, kind: str, time_limit: float, max_rows: int) -> None:
        self.kind = kind
        command = [sys.executable, "-m", "finops_kg"]
        if kind == "sparql":
            command += ["serve", "--port", "0"]
        else:
            command += ["mcp", "--http", "--port", "0"]
        command += ["--timeout", f"{time_limit:g}", "--max-rows", str(max_rows)]
        self.command = " ".join(command[2:])
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True, cwd=ROOT)
        self.said: deque[str] = deque(maxlen=200)
        url = ""
        while not url:
            line = self.process.stderr.readline()
            if not line:
                raise RuntimeError(f"{self.command} did not start: " + " | ".join(self.said))
            self.said.append(line.strip())
            if "serving" in line:
                url = next(word for word in line.split() if word.startswith("http://"))
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parsed.hostname or "127.0.0.1", parsed.port or 80, \
            parsed.path
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 60
        while True:  # the URL is announced just before the server accepts connections
            try:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
                connection.connect()
                connection.close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"{self.command} does not accept connections") from None
                time.sleep(0.1)

    def _drain(self) -> None:
        for line in self.process.stderr:
            self.said.append(line.strip())

    def stop(self) -> None:
        """Stop the server and its workers."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def rss_mb(pid: int) -> float | None:
    """Return the resident set of a process in MB, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return 0.0


def descendants(pid: int) -> list[int]:
    """Return the processes started by pid, and theirs, through /proc's children lists."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    kids = [int(word) for word in children.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """Return the CPU time a process has used (with that of its reaped children if asked)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[11:15] are utime, stime, cutime, cstime (fields 14-17 of proc(5))
    used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return used / TICKS


def tree_cpu(pid: int) -> tuple[float, float]:
    """Return the CPU seconds of a process alone and of its tree, stopped workers included."""
    # workers are reaped by the process that started them (the server, or its fork server)
    return cpu_seconds(pid), sum(cpu_seconds(one, reaped=True)
                                 for one in [pid, *descendants(pid)])


class MemorySampler:
    """Samples the server's resident set, and its process tree's, every second."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu_start = tree_cpu(pid)
        self.cpu_end = self.cpu_start
        self.samples: list[tuple[float, float, float]] = []  # (seconds, own MB, tree MB)
        self._stop = threading.Event()
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            own = rss_mb(self.pid)
            if own is None:
                return
            tree = own + sum(filter(None, (rss_mb(kid) for kid in descendants(self.pid))))
            self.samples.append((time.monotonic() - self._start, own, tree))
            self._stop.wait(1.0)

    def stop(self) -> list[tuple[float, float, float]]:
        """Stop sampling and return the samples."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.cpu_end = tree_cpu(self.pid)
        return self.samples


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Return the least-squares slope of (seconds, MB) points in MB per minute."""
    if len(points) < 2:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_m = statistics.fmean(m for _, m in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    return 60 * sum((t - mean_t) * (m - mean_m) for t, m in points) / spread


# ---------------------------------------------------------------------------------------------
# The clients
# ---------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One request: its kind, when it started and ended (seconds into the run), and whether it
    got the answer it should."""

    kind: str
    start: float
    end: float
    ok: bool
    detail: str = ""


class Client:
    """One keep-alive connection to a server, sending requests of each kind."""

    def __init__(self, server: Server, time_limit: float) -> None:
        self.server = server
        self.timeout = time_limit + 60
        self.connection = self._connect()
        self.session = ""
        self.protocol = PROTOCOL
        self.sequence = 0
        if server.kind == "mcp":
            self._open_session()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.server.host, self.server.port, timeout=self.timeout)

    def _send(self, method: str, path: str, body: bytes | None,
              headers: dict[str, str]) -> tuple[int, str, bytes]:
        """Send one request; on a connection the server closed while idle, reconnect once."""
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.getheader("content-type", ""), response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest):
                self.connection.close()
                self.connection = self._connect()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # -- MCP over streamable HTTP: JSON-RPC posted to the one path --------------------------

    def _rpc(self, method: str, params: dict[str, Any] | None = None,
             notify: bool = False) -> tuple[int, dict[str, Any]]:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        if not notify:
            self.sequence += 1
            message["id"] = self.sequence
        headers = {"Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        if self.session:
            headers["mcp-session-id"] = self.session
            headers["mcp-protocol-version"] = self.protocol
        status, media, body = self._send("POST", self.server.path, json.dumps(message).encode(),
                                         headers)
        if notify or status != 200:
            return status, {}
        return status, _json_rpc_reply(body, media)

    def _open_session(self) -> None:
        headers = {"Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        body = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": PROTOCOL, "capabilities": {},
            "clientInfo": {"name": "bench_endpoint", "version": "1"}}}).encode()
        self.connection.request("POST", self.server.path, body=body, headers=headers)
        response = self.connection.getresponse()
        reply = _json_rpc_reply(response.read(), response.getheader("content-type", ""))
        if response.status != 200 or "result" not in reply:
            raise RuntimeError(f"MCP initialize failed: {response.status} {reply}")
        self.session = response.getheader("mcp-session-id", "")
        self.protocol = reply["result"].get("protocolVersion", PROTOCOL)
        self._rpc("notifications/initialized", notify=True)

    def _tool(self, name: str, arguments: dict[str, Any]) -> tuple[bool | None, str]:
        """Call a tool; return whether it was a tool error (None: no result) and its text."""
        status, reply = self._rpc("tools/call", {"name": name, "arguments": arguments})
        if status != 200 or "result" not in reply:
            return None, f"HTTP {status} {json.dumps(reply)[:200]}"
        result = reply["result"]
        text = "".join(block.get("text", "") for block in result.get("content", []))
        return bool(result.get("isError")), text

    # -- the request kinds ------------------------------------------------------------------

    def request(self, kind: str, rng: random.Random) -> tuple[bool, str]:
        """Send one request of the kind; return whether it got the expected answer, and why not."""
        if self.server.kind == "mcp":
            return self._mcp_request(kind, rng)
        if kind == "catalogue":
            name, params = rng.choice(CATALOGUE)
            path = f"/queries/{urllib.parse.quote(name)}?" + urllib.parse.urlencode(params)
            status, _, body = self._send("GET", path, None,
                                         {"Accept": "application/sparql-results+json"})
            return status == 200, f"{status} {body[:160]!r}"
        text = {"free": lambda: rng.choice(FREE_QUERIES), "bad": lambda: rng.choice(BAD_QUERIES),
                "runaway": lambda: RUNAWAY}[kind]()
        status, _, body = self._send(
            "POST", "/sparql", urllib.parse.urlencode({"query": text}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded",
             "Accept": "application/sparql-results+json, text/turtle;q=0.9"})
        expected = {"free": 200, "bad": 400, "runaway": 503}[kind]
        if kind == "runaway" and status == 503:
            return b"time limit" in body, body[:160].decode("utf-8", "replace")
        return status == expected, f"{status} {body[:160]!r}"

    def _mcp_request(self, kind: str, rng: random.Random) -> tuple[bool, str]:
        if kind == "catalogue":
            name, params = rng.choice(CATALOGUE)
            error, text = self._tool("run_query", {"name": name, "params": params})
            return error is False, text[:160]
        if kind == "free":
            # a comment that differs per request: the tool keeps recent results by text
            query = rng.choice(FREE_QUERIES) + f"\n# request {rng.random()}"
            error, text = self._tool("sparql", {"query": query})
            return error is False, text[:160]
        if kind == "bad":
            error, text = self._tool("sparql", {"query": rng.choice(BAD_QUERIES)})
            return error is True and "syntax error" in text, text[:160]
        error, text = self._tool("sparql", {"query": RUNAWAY})
        return error is True and "time limit" in text, text[:160]

    def close(self) -> None:
        """Close the connection (an MCP session ends with it on the server's side)."""
        if self.session:
            try:
                self._send("DELETE", self.server.path, None, {
                    "mcp-session-id": self.session, "mcp-protocol-version": self.protocol})
            except OSError:
                pass
        self.connection.close()


def _json_rpc_reply(body: bytes, media: str) -> dict[str, Any]:
    """Return the JSON-RPC reply of a response, sent as JSON or as server-sent events."""
    text = body.decode("utf-8", "replace")
    if media.startswith("text/event-stream"):
        for line in text.splitlines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if "result" in message or "error" in message:
                    return message
        return {}
    return json.loads(text) if text.strip() else {}


def catalogue_requests() -> list[tuple[str, dict[str, str]]]:
    """Return each catalogue query that reads the Framework alone, with its example parameters."""
    return [(entry.name, {p.name: str(p.example) for p in entry.parameters
                          if p.required or p.example is not None})
            for entry in catalogue().values() if not entry.example_data]


CATALOGUE = catalogue_requests()


class _Fixed(random.Random):
    """A random source whose choice is always the one item given: a warm-up request."""

    def __init__(self, item: Any) -> None:
        super().__init__(0)
        self.item = item

    def choice(self, sequence: Any) -> Any:
        """Return the item given, whatever the sequence."""
        return self.item


@dataclass
class Run:
    """What one server answered to one number of clients."""

    server: str
    clients: int
    duration: float
    outcomes: list[Outcome] = field(default_factory=list)
    memory: list[tuple[float, float, float]] = field(default_factory=list)
    load_average: tuple[float, float] = (0.0, 0.0)
    cpu: tuple[float, float] = (0.0, 0.0)  # CPU seconds of the server process, of its tree
    failures: list[str] = field(default_factory=list)


def drive(server: Server, clients: int, args: argparse.Namespace, rng: random.Random) -> Run:
    """Run the clients against the server for the duration; return what they measured."""
    kinds, weights = zip(*args.mix.items())
    say(f"{server.kind}: opening {clients} connections")
    connections = [Client(server, args.time_limit) for _ in range(clients)]
    # Warm up: every catalogue query and free query once (the server's caches of names and
    # parsed queries fill on first use), then a few of each kind on other connections.
    for name_and_params in CATALOGUE:
        connections[0].request("catalogue", _Fixed(name_and_params))
    for text in FREE_QUERIES:
        connections[0].request("free", _Fixed(text))
    for kind in KINDS[:3]:
        for connection in connections[1:3]:
            connection.request(kind, rng)
    run = Run(server.kind, clients, args.duration)
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + args.duration
    pace = {"next": start + 1.0}
    seeds = [rng.randrange(2**32) for _ in connections]

    def client(connection: Client, seed: int) -> None:
        local = random.Random(seed)
        while True:
            now = time.monotonic()
            if now >= deadline:
                return
            with lock:
                runaway = args.runaway_every > 0 and now >= pace["next"]
                if runaway:
                    pace["next"] = now + args.runaway_every
            kind = "runaway" if runaway else local.choices(kinds, weights)[0]
            began = time.monotonic()
            try:
                ok, detail = connection.request(kind, local)
            except (OSError, http.client.HTTPException, ValueError) as error:
                ok, detail = False, f"{type(error).__name__}: {error}"
            ended = time.monotonic()
            outcome = Outcome(kind, began - start, ended - start, ok, "" if ok else detail)
            with lock:
                run.outcomes.append(outcome)
                if not ok and len(run.failures) < 5:
                    run.failures.append(f"{kind}: {detail}")

    run.load_average = (round(os.getloadavg()[0], 2), 0.0)
    sampler = MemorySampler(server.process.pid)
    threads = [threading.Thread(target=client, args=(c, s), daemon=True)
               for c, s in zip(connections, seeds)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        time.sleep(min(10.0, max(0.5, args.duration / 6)))
        elapsed = time.monotonic() - start
        if elapsed < args.duration:
            say(f"{server.kind} x {clients}: {elapsed:.0f}/{args.duration:.0f} s, "
                f"{len(run.outcomes)} requests")
    for thread in threads:
        thread.join()
    run.memory = sampler.stop()
    run.cpu = (sampler.cpu_end[0] - sampler.cpu_start[0], sampler.cpu_end[1] - sampler.cpu_start[1])
    run.load_average = (run.load_average[0], round(os.getloadavg()[0], 2))
    for connection in connections:
        connection.close()
    return run


# ---------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of the values (share between 0 and 1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def kind_rows(run: Run) -> list[dict[str, Any]]:
    """Return the figures of each request kind of a run, and of catalogue during runaways."""
    runaways = [(o.start, o.end) for o in run.outcomes if o.kind == "runaway"]
    overlapping = [o for o in run.outcomes if o.kind == "catalogue" and any(
        o.start < end and o.end > start for start, end in runaways)]
    groups = [(kind, [o for o in run.outcomes if o.kind == kind]) for kind in KINDS]
    groups.append(("catalogue during runaway", overlapping))
    rows = []
    for kind, outcomes in groups:
        times = [1000 * (o.end - o.start) for o in outcomes]
        rows.append({
            "server": run.server, "clients": run.clients, "kind": kind, "requests": len(outcomes),
            "per_second": round(len(outcomes) / run.duration, 2),
            "p50_ms": round(percentile(times, 0.50), 1) if times else None,
            "p95_ms": round(percentile(times, 0.95), 1) if times else None,
            "p99_ms": round(percentile(times, 0.99), 1) if times else None,
            "errors": sum(not o.ok for o in outcomes)})
    return rows


def summary(run: Run, time_limit: float) -> dict[str, Any]:
    """Return the totals, runaway stops, memory and target verdicts of a run."""
    runaways = [o for o in run.outcomes if o.kind == "runaway"]
    stopped = [o.end - o.start for o in runaways if o.ok]
    half = run.duration / 2
    own = [(t, m) for t, m, _ in run.memory]
    tree = [(t, m) for t, _, m in run.memory]
    second_half = [(t, m) for t, m in own if t >= half]
    rows = {row["kind"]: row for row in kind_rows(run)}
    facts: dict[str, Any] = {
        "server": run.server, "clients": run.clients, "duration_s": run.duration,
        "requests": len(run.outcomes),
        "per_second": round(len(run.outcomes) / run.duration, 2),
        "errors": sum(not o.ok for o in run.outcomes),
        "runaways_sent": len(runaways), "runaways_stopped": len(stopped),
        "runaway_median_s": round(statistics.median(stopped), 2) if stopped else None,
        "runaway_max_s": round(max(stopped), 2) if stopped else None,
        "rss_start_mb": round(own[0][1], 1) if own else None,
        "rss_max_mb": round(max(m for _, m in own), 1) if own else None,
        "rss_end_mb": round(own[-1][1], 1) if own else None,
        "rss_slope_mb_per_min": round(slope_per_minute(second_half), 2),
        "tree_start_mb": round(tree[0][1], 1) if tree else None,
        "tree_max_mb": round(max(m for _, m in tree), 1) if tree else None,
        "tree_end_mb": round(tree[-1][1], 1) if tree else None,
        "tree_slope_mb_per_min": round(slope_per_minute([(t, m) for t, m in tree
                                                          if t >= half]), 2),
        "cpu_ms_per_request": round(1000 * run.cpu[1] / max(1, len(run.outcomes)), 1),
        "main_cpu_ms_per_request": round(1000 * run.cpu[0] / max(1, len(run.outcomes)), 1),
        "main_cpu_share": round(run.cpu[0] / run.duration, 2),
        "load_average_start": run.load_average[0], "load_average_end": run.load_average[1],
        "first_failures": run.failures,
    }
    verdicts = []
    if runaways:
        in_time = len(stopped) == len(runaways) and max(stopped) <= time_limit + 1.0
        verdicts.append("runaways stopped at the limit: " + ("met" if in_time else "MISSED"))
    if run.clients == 8:
        worst = max(filter(None, (rows["catalogue"]["p95_ms"],
                                  rows["catalogue during runaway"]["p95_ms"])), default=None)
        if worst is not None:
            verdicts.append(f"catalogue p95 < {CATALOGUE_P95_MS:.0f} ms: "
                            + ("met" if worst < CATALOGUE_P95_MS else "MISSED"))
    verdicts.append("memory flat: " + ("met" if abs(facts["rss_slope_mb_per_min"]) < SLOPE_LIMIT
                                       else "MISSED"))
    facts["verdict"] = "; ".join(verdicts)
    return facts


def render(runs: list[Run], fmt: str, time_limit: float, command: str) -> str:
    """Return the runs' figures as a table, CSV or JSON."""
    kinds = [row for run in runs for row in kind_rows(run)]
    totals = [summary(run, time_limit) for run in runs]
    if fmt == "json":
        return json.dumps({"command": command, "time_limit_s": time_limit, "kinds": kinds,
                           "runs": totals}, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        columns = [key for key in totals[0] if key != "first_failures"] if totals else []
        writer.writerow(["server", "clients", "kind", "requests", "per_second", "p50_ms",
                         "p95_ms", "p99_ms", "errors"] + [f"run_{key}" for key in columns
                                                          if key not in ("server", "clients")])
        for row in kinds:
            total = next(t for t in totals if (t["server"], t["clients"]) ==
                         (row["server"], row["clients"]))
            writer.writerow([row[key] if row[key] is not None else "" for key in (
                "server", "clients", "kind", "requests", "per_second", "p50_ms", "p95_ms",
                "p99_ms", "errors")] + [total[key] for key in columns
                                        if key not in ("server", "clients")])
        return buffer.getvalue()

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    parts = [f"command: {command}", f"time limit: {time_limit:g} s per query", ""]
    parts.append(render_table(
        ("server", "clients", "kind", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms",
         "errors"),
        [(r["server"], r["clients"], r["kind"], r["requests"], f"{r['per_second']:.1f}",
          ms(r["p50_ms"]), ms(r["p95_ms"]), ms(r["p99_ms"]), r["errors"]) for r in kinds]))
    parts.append(render_table(
        ("server", "clients", "requests", "req/s", "errors", "runaways stopped",
         "stop median s", "stop max s", "CPU ms/req", "main CPU ms/req", "main CPU share",
         "load avg"),
        [(t["server"], t["clients"], t["requests"], f"{t['per_second']:.1f}", t["errors"],
          f"{t['runaways_stopped']}/{t['runaways_sent']}",
          "-" if t["runaway_median_s"] is None else f"{t['runaway_median_s']:.2f}",
          "-" if t["runaway_max_s"] is None else f"{t['runaway_max_s']:.2f}",
          f"{t['cpu_ms_per_request']:.1f}", f"{t['main_cpu_ms_per_request']:.1f}",
          f"{t['main_cpu_share']:.2f}",
          f"{t['load_average_start']:.1f} -> {t['load_average_end']:.1f}") for t in totals]))
    parts.append(render_table(
        ("server", "clients", "RSS start MB", "max", "end", "slope MB/min", "tree start MB",
         "max", "end", "slope MB/min"),
        [(t["server"], t["clients"], f"{t['rss_start_mb']:.0f}", f"{t['rss_max_mb']:.0f}",
          f"{t['rss_end_mb']:.0f}", f"{t['rss_slope_mb_per_min']:+.2f}",
          f"{t['tree_start_mb']:.0f}", f"{t['tree_max_mb']:.0f}", f"{t['tree_end_mb']:.0f}",
          f"{t['tree_slope_mb_per_min']:+.2f}") for t in totals if t["rss_start_mb"] is not None]))
    parts.append(render_table(("server", "clients", "targets"),
                              [(t["server"], t["clients"], t["verdict"]) for t in totals]))
    failures = [(t["server"], t["clients"], failure) for t in totals
                for failure in t["first_failures"]]
    if failures:
        parts.append(render_table(("server", "clients", "first unexpected answers"), failures))
    return "\n".join(parts) + "\n"


def parse_mix(text: str) -> dict[str, float]:
    """Return the weights of --mix, such as catalogue=70,free=20,bad=10."""
    weights = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, _, value = part.partition("=")
        if name not in KINDS[:3]:
            raise argparse.ArgumentTypeError(f"--mix: no request kind is called {name!r} "
                                             "(catalogue, free, bad; runaways are paced by "
                                             "--runaway-every)")
        try:
            weights[name] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--mix: {part!r} is not KIND=WEIGHT") from None
    if not weights or sum(weights.values()) <= 0:
        raise argparse.ArgumentTypeError("--mix: give at least one positive weight")
    return weights


def main() -> int:
    """Start each server, drive it with each number of clients and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds each server is driven per client count (default 60)")
    parser.add_argument("--clients", default="8,32",
                        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
                        help="comma-separated numbers of concurrent clients (default 8,32)")
    parser.add_argument("--servers", default="sparql,mcp",
                        type=lambda text: [s.strip() for s in text.split(",") if s.strip()],
                        help="which servers: sparql (finops-kg serve), mcp (finops-kg mcp --http)")
    parser.add_argument("--time-limit", type=float, default=2.0,
                        help="the servers' --timeout, seconds a query may run (default 2)")
    parser.add_argument("--max-rows", type=int, default=10_000,
                        help="the servers' --max-rows (default 10000)")
    parser.add_argument("--mix", type=parse_mix, default=parse_mix("catalogue=70,free=20,bad=10"),
                        help="weights of the request kinds (default catalogue=70,free=20,bad=10)")
    parser.add_argument("--runaway-every", type=float, default=10.0,
                        help="seconds between runaway queries, 0 for none (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="the clients' random seed")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    args = parser.parse_args()
    unknown = set(args.servers) - {"sparql", "mcp"}
    if unknown:
        parser.error(f"--servers: no server is called {sorted(unknown)[0]!r} (sparql, mcp)")
    if not args.clients or min(args.clients) < 1:
        parser.error("--clients: give positive numbers, such as 8,32")
    rng = random.Random(args.seed)
    runs: list[Run] = []
    for kind in args.servers:
        say(f"starting {kind}")
        server = Server(kind, args.time_limit, args.max_rows)
        try:
            say(f"{server.command} listens on port {server.port}")
            for clients in args.clients:
                runs.append(drive(server, clients, args, rng))
                if server.process.poll() is not None:
                    for line in server.said:
                        say(f"{kind} said: {line}")
                    raise RuntimeError(f"{server.command} stopped with exit status "
                                       f"{server.process.returncode}")
        finally:
            server.stop()
    command = "benchmarks/bench_endpoint.py " + " ".join(sys.argv[1:])
    sys.stdout.write(render(runs, args.format, args.time_limit, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
