"""A read-only SPARQL 1.1 Protocol endpoint over the query dataset, with the catalogue at hand.

Starlette handles HTTP and uvicorn serves it; queries run on an in-memory Oxigraph store. The
endpoint answers SELECT, ASK, CONSTRUCT and DESCRIBE by GET and POST, refuses updates and
SERVICE (so no request leaves the machine), and stops a query at a time limit and a row limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import multiprocessing
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Dataset, Variable
from rdflib.query import Result

from finops_kg.engine import to_rdflib
from finops_kg.errors import FinopsKGError
from finops_kg.export import write_atomic
from finops_kg.load import parse_user_data
from finops_kg.query import (OxigraphRunner, QueryResult, bind_parameters, cache_dir, catalogue,
                             dataset_quads, edition_graph, find, keywords_outside_literals,
                             oxigraph_error_position, with_values)

RESULT_TYPES = {  # media type -> pyoxigraph QueryResultsFormat name
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {  # media type -> pyoxigraph RdfFormat name
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}
SHORT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
               "jsonld": "application/ld+json", "nt": "application/n-triples"}
_UPDATE_WORDS = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.I)


@dataclass(frozen=True)
class Limits:
    """How long one query may run and how many rows it may return."""

    seconds: float = 10.0
    rows: int = 10_000


class Refused(FinopsKGError):
    """A request the endpoint will not run, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_read_only(text: str) -> None:
    """Refuse SPARQL Update and SERVICE before the query reaches the engine."""
    bare = keywords_outside_literals(text)
    if re.search(r"\bSERVICE\b", bare, re.I):
        raise Refused(400, "SERVICE is refused: this endpoint sends no request off the machine")
    if _UPDATE_WORDS.search(bare) and not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", bare,
                                                     re.I):
        raise Refused(400, "SPARQL Update is refused: this endpoint is read-only")


def run_limited(store: Any, text: str, limits: Limits) -> Any:
    """Run a query on the store and return (kind, payload) with at most limits.rows rows."""
    check_read_only(text)
    try:
        answer = store.query(text)
    except SyntaxError as error:
        raise Refused(400, f"SPARQL syntax error: {oxigraph_error_position(str(error))}") from None
    if isinstance(answer, bool):
        return "boolean", answer
    if isinstance(answer, pyoxigraph.QueryTriples):
        triples = _take(answer, limits.rows)
        return "graph", triples
    variables = answer.variables
    return "solutions", (variables, _take(answer, limits.rows))


def _take(rows: Any, limit: int) -> list:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) > limit:
            raise Refused(413, f"the result has more than {limit} rows, the limit of this "
                               "endpoint; add a LIMIT or ask for fewer rows")
    return taken


def render(kind: str, payload: Any, accept: str) -> tuple[bytes, str]:
    """Serialise a result in the media type the client asked for; return body and media type."""
    if kind == "graph":
        media = _negotiate(accept, GRAPH_TYPES, "text/turtle")
        body = pyoxigraph.serialize(payload, format=getattr(pyoxigraph.RdfFormat,
                                                            GRAPH_TYPES[media]))
        return body, media
    media = _negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    return _results_body(kind, payload, RESULT_TYPES[media]), media


def _results_body(kind: str, payload: Any, fmt: str) -> bytes:
    if kind == "boolean":
        result = Result("ASK")
        result.askAnswer = payload
    else:
        variables, rows = payload
        if fmt == "TSV":  # rdflib has no TSV results serializer
            return QueryResult(columns=[v.value for v in variables], rows=[
                tuple(to_rdflib(row[i]) for i in range(len(variables))) for row in rows
            ]).to_tsv().encode("utf-8")
        result = Result("SELECT")
        result.vars = [Variable(v.value) for v in variables]
        result.bindings = [{Variable(v.value): to_rdflib(row[i]) for i, v in enumerate(variables)
                            if row[i] is not None} for row in rows]
    body = result.serialize(format=fmt.lower())
    return body if isinstance(body, bytes) else body.encode("utf-8")


def _negotiate(accept: str, offered: dict[str, str], default: str) -> str:
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in offered:
            return media
        if media in SHORT_NAMES and SHORT_NAMES[media] in offered:
            return SHORT_NAMES[media]
    return default


class QueryWorkers:
    """Processes that run the queries, so that one past its time limit can really be stopped.

    An Oxigraph query cannot be interrupted from Python, and a thread that runs on after its
    answer was given up still burns a core. Each worker is a spawned process holding its own
    copy of the store; a worker whose query runs past the limit is killed and replaced.
    """

    def __init__(self, quads_path: str, size: int = 2) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._quads_path = quads_path
        self._idle: asyncio.Queue = asyncio.Queue()
        self._all: list = []
        for _ in range(size):
            self._idle.put_nowait(self._start())

    def _start(self) -> tuple[Any, Any]:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_loop, args=(child, self._quads_path),
                                        daemon=True)
        process.start()
        child.close()
        self._all.append(process)
        return process, parent

    async def run(self, request: tuple, seconds: float) -> tuple:
        """Run one request on an idle worker; kill and replace it when it takes too long."""
        process, connection = await self._idle.get()
        loop = asyncio.get_running_loop()
        try:
            connection.send(request)
            ready = await loop.run_in_executor(None, connection.poll, seconds)
            if not ready:
                process.kill()
                process.join()
                self._all.remove(process)
                process, connection = self._start()
                raise Refused(503, f"the query ran past the time limit of {seconds:g} s of this "
                                   "endpoint and was stopped")
            return connection.recv()
        finally:
            self._idle.put_nowait((process, connection))

    def close(self) -> None:
        """Stop every worker."""
        for process in self._all:
            process.kill()
            process.join()


def _worker_loop(connection: Any, quads_path: str) -> None:
    store = pyoxigraph.Store()
    store.bulk_load(path=quads_path, format=pyoxigraph.RdfFormat.N_QUADS)
    while True:
        try:
            text, accept, rows = connection.recv()
        except EOFError:
            return
        try:
            kind, payload = run_limited(store, text, Limits(rows=rows))
            body, media = render(kind, payload, accept)
            connection.send(("ok", body, media))
        except Refused as refusal:
            connection.send(("refused", refusal.status, str(refusal)))
        except Exception as error:  # reported to the client as a server error, not raised
            connection.send(("refused", 500, f"the query failed: {error}"))


def create_app(quads_path: str, limits: Limits = Limits(), workers: int = 2) -> Any:
    """Return the Starlette application serving the dataset in an N-Quads file."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    label_store = pyoxigraph.Store()
    label_store.bulk_load(path=quads_path, format=pyoxigraph.RdfFormat.N_QUADS)
    labels = OxigraphRunner(label_store).labels()
    del label_store
    pool: dict[str, QueryWorkers] = {}

    async def answer(text: str, request: Request, bindings: dict | None = None) -> Response:
        accept = request.query_params.get("format") or request.headers.get("accept", "")
        try:
            check_read_only(text)
            reply = await pool["workers"].run((with_values(text, bindings or {}), accept,
                                               limits.rows), limits.seconds)
        except Refused as refusal:
            return PlainTextResponse(str(refusal), status_code=refusal.status)
        if reply[0] == "refused":
            return PlainTextResponse(reply[2], status_code=reply[1])
        return Response(reply[1], media_type=reply[2])

    async def sparql(request: Request) -> Response:
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/sparql-update":
                return PlainTextResponse("SPARQL Update is refused: this endpoint is read-only",
                                         status_code=400)
            if kind == "application/sparql-query":
                text = (await request.body()).decode("utf-8")
            else:
                form = await request.form()
                if "update" in form:
                    return PlainTextResponse("SPARQL Update is refused: this endpoint is "
                                             "read-only", status_code=400)
                text = str(form.get("query", ""))
        else:
            if "update" in request.query_params:
                return PlainTextResponse("SPARQL Update is refused: this endpoint is read-only",
                                         status_code=400)
            text = request.query_params.get("query", "")
        if not text.strip():
            return PlainTextResponse("give a SPARQL query in the query parameter",
                                     status_code=400)
        return await answer(text, request)

    async def catalogue_query(request: Request) -> Response:
        try:
            entry = find(request.path_params["name"])
            values = {k: v for k, v in request.query_params.items() if k != "format"}
            bound = bind_parameters(entry, values, labels)
        except FinopsKGError as error:
            return PlainTextResponse(str(error), status_code=404 if "no catalogue" in str(error)
                                     else 400)
        return await answer(entry.text, request, bound)

    async def home(request: Request) -> Response:
        return HTMLResponse(_home_page(catalogue()))

    @asynccontextmanager
    async def lifespan(app: Any):
        pool["workers"] = QueryWorkers(quads_path, workers)
        try:
            yield
        finally:
            pool["workers"].close()

    routes = [Route("/", home), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/queries/{name}", catalogue_query)]
    return Starlette(routes=routes, lifespan=lifespan)


def _home_page(entries: dict[str, Any]) -> str:
    items = "\n".join(
        f'<li><a href="queries/{html.escape(q.name)}">{html.escape(q.name)}</a>: '
        f'{html.escape(q.title)}' + (" (" + ", ".join(html.escape(p.name) for p in q.parameters)
                                     + ")" if q.parameters else "") + "</li>"
        for q in entries.values())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>finops-kg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}textarea{{width:100%}}
pre{{background:#f4f4f4;padding:1em;overflow:auto}}</style></head>
<body><h1>finops-kg SPARQL endpoint</h1>
<p>The FinOps Framework (adapted from the FinOps Foundation's Framework, CC BY 4.0) as a
read-only SPARQL 1.1 endpoint at <code>/sparql</code>. Each edition is a named graph, such as
<code>&lt;https://w3id.org/finops-kg/id/edition/2026&gt;</code>.</p>
<form id="f"><textarea id="q" rows="10">PREFIX fo: &lt;https://w3id.org/finops-kg/ontology#&gt;
PREFIX skos: &lt;http://www.w3.org/2004/02/skos/core#&gt;
SELECT ?capability ?label WHERE {{
  GRAPH &lt;https://w3id.org/finops-kg/id/edition/2026&gt; {{
    ?capability a fo:Capability ; skos:prefLabel ?label }}
}} ORDER BY ?label</textarea>
<button>Run</button></form><pre id="out"></pre>
<h2>Catalogue</h2><ul>{items}</ul>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {{
  e.preventDefault();
  const body = new URLSearchParams({{query: document.getElementById('q').value}});
  const r = await fetch('sparql', {{method: 'POST', body, headers: {{Accept: 'text/csv'}}}});
  document.getElementById('out').textContent = await r.text();
}});
</script></body></html>
"""


def serve(host: str = "127.0.0.1", port: int = 7878, edition: str = "2026",
          data: tuple = (), limits: Limits = Limits()) -> None:
    """Serve the query dataset until interrupted."""
    try:
        import uvicorn
    except ImportError:
        raise FinopsKGError("serving needs the serve extra: pip install 'finops-kg[serve]'") from None

    app = create_app(str(served_quads(edition, data)), limits)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def served_quads(edition: str = "2026", data: tuple = ()) -> Any:
    """Return the path of an N-Quads file with the query dataset and the user's data."""
    quads = dataset_quads()
    if data:
        extra = Dataset()
        parse_user_data(extra.graph(edition_graph(edition)), data, edition)
        quads += extra.serialize(format="nquads", encoding="utf-8")
    path = Path(cache_dir()) / f"served-{hashlib.sha256(quads).hexdigest()[:16]}.nq"
    if not path.exists():
        write_atomic(path, quads)
    return path
