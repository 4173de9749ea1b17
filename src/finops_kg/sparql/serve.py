"""A read-only SPARQL 1.1 Protocol endpoint over the query dataset, with the catalogue at hand.

Starlette handles HTTP and uvicorn serves it; queries run on an in-memory Oxigraph store. The
endpoint answers SELECT, ASK, CONSTRUCT and DESCRIBE by GET and POST, refuses updates and
SERVICE (so no request leaves the machine), and stops a query at a time limit and a row limit.
Its default graph is the ontology and the served edition; `default-graph-uri` and
`named-graph-uri` define another dataset (SPARQL 1.1 Protocol 2.1.4). `GET /sparql` without a
query returns its SPARQL 1.1 Service Description. A workspace is served from its own store,
opened read-only by each worker, which opens the newer generation once a load publishes one:
each answer comes from one generation, the one before a load or the one after.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import multiprocessing
import re
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyoxigraph
from rdflib import Variable
from rdflib.query import Result

from finops_kg.graph.terms import to_rdflib
from finops_kg.errors import FinopsKGError
from finops_kg.graph.files import write_atomic
from finops_kg.graph.load import DEFAULT_EDITION
from finops_kg.sparql.query import OxigraphRunner, is_boolean, one_line, oxigraph_error_position
from finops_kg.sparql.catalogue import QueryError, catalogue, find
from finops_kg.sparql.results import QueryResult
from finops_kg.sparql.binding import (bind_parameters, keywords_outside_literals,
                                      refuse_deep_nesting, refuse_service,
                                      with_values)
from finops_kg.release.compiled import cache_dir, default_graph_sources, oxigraph_dataset

RESULT_TYPES = {  # media type -> pyoxigraph QueryResultsFormat name
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",  # an alias: answered only when asked for by name
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",  # an alias too
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


MAX_BODY = 1 << 20  # bytes of a request body (1 MiB): a query far longer than any written by hand


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
    """Refuse SPARQL Update, SERVICE and deep nesting before the query reaches the engine."""
    try:
        refuse_deep_nesting(text)
    except QueryError as error:
        raise Refused(400, str(error)) from None
    try:
        refuse_service(text)
    except QueryError:
        raise Refused(400, "SERVICE is refused: this endpoint sends no request off the "
                           "machine") from None
    bare = keywords_outside_literals(text)
    if _UPDATE_WORDS.search(bare) and not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", bare,
                                                     re.I):
        raise Refused(400, "SPARQL Update is refused: this endpoint is read-only")


@dataclass(frozen=True)
class GraphSelection:
    """The dataset a request names with default-graph-uri and named-graph-uri, if any."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def query_arguments(self) -> dict[str, Any]:
        """Return the pyoxigraph query arguments that make this the query's dataset.

        As the Protocol says, the parameters replace the query's FROM and FROM NAMED, and a graph
        that the request does not name is not in the dataset; an unknown IRI is an empty graph.
        """
        if not self.default and not self.named:
            return {}
        try:
            return {"default_graph": [pyoxigraph.NamedNode(iri) for iri in self.default],
                    "named_graphs": [pyoxigraph.NamedNode(iri) for iri in self.named]}
        except ValueError as error:
            raise Refused(400, f"default-graph-uri or named-graph-uri: not an IRI ({error})") \
                from None


def run_limited(store: Any, text: str, limits: Limits,
                graphs: GraphSelection = GraphSelection()) -> Any:
    """Run a query on the store and return (kind, payload) with at most limits.rows rows."""
    check_read_only(text)
    try:
        answer = store.query(text, **graphs.query_arguments())
        if is_boolean(answer):
            return "boolean", bool(answer)
        if isinstance(answer, pyoxigraph.QueryTriples):
            return "graph", _take(answer, limits.rows)
        return "solutions", (answer.variables, _take(answer, limits.rows))
    except SyntaxError as error:
        raise Refused(400, f"SPARQL syntax error: {oxigraph_error_position(str(error))}") from None
    except (OSError, RuntimeError, ValueError) as error:  # raised while the rows stream
        raise Refused(400, f"the query failed: {one_line(error)}") from None


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
        return serialize_triples(payload, negotiate(accept, GRAPH_TYPES, "text/turtle"))
    media = negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    return _results_body(kind, payload, RESULT_TYPES[media]), media


def serialize_triples(triples: Any, media: str,
                      prefixes: dict[str, str] | None = None) -> tuple[bytes, str]:
    """Serialise pyoxigraph triples in one of GRAPH_TYPES; return body and media type."""
    return pyoxigraph.serialize(triples, format=getattr(pyoxigraph.RdfFormat, GRAPH_TYPES[media]),
                                prefixes=prefixes), media


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


def negotiate(accept: str, offered: dict[str, str], default: str) -> str:
    """Return the offered media type the Accept header prefers (RFC 9110 12.5.1).

    q-values rank the client's ranges; a more specific range overrides a wildcard for the types it
    covers; among equals, the client's order decides. No header gives the default; a header that
    accepts nothing offered is refused with 406 and the list of what is offered. A short name
    (the format parameter: json, csv, turtle...) is taken as it is.
    """
    if not accept or not accept.strip():
        return default
    if accept.strip().lower() in SHORT_NAMES:
        accept = SHORT_NAMES[accept.strip().lower()]
    ranges = []  # (media range, q, the client's order)
    for order, part in enumerate(accept.split(",")):
        media, *parameters = [piece.strip() for piece in part.split(";")]
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q, order))
    best, best_rank = None, None
    for preference, media in enumerate([default] + [m for m in offered if m != default]):
        aliased = media in ("application/json", "application/xml")
        matching = [(_specificity(pattern, media), q, order) for pattern, q, order in ranges
                    if _specificity(pattern, media) >= (2 if aliased else 0)]
        if not matching:
            continue
        specificity, q, order = max(matching, key=lambda match: match[0])
        rank = (q, -order, -preference)
        if q > 0 and (best_rank is None or rank > best_rank):
            best, best_rank = media, rank
    if best is None:
        raise Refused(406, f"none of the media types in Accept ({accept.strip()}) is offered; "
                           f"this answer comes as: {', '.join(offered)}")
    return best


def _specificity(pattern: str, media: str) -> int:
    """Return how closely a media range matches a type: 2 exact, 1 type/*, 0 */*, -1 not at all."""
    if pattern == media:
        return 2
    if pattern == "*/*":
        return 0
    if pattern.endswith("/*") and media.startswith(pattern[:-1]):
        return 1
    return -1


WORKER_PRELOAD = ["rdflib.plugins.sparql.results.jsonresults",
                  "rdflib.plugins.sparql.results.xmlresults"]


class QueryWorkers:
    """Processes that run the queries, so that one past its time limit can really be stopped.

    An Oxigraph query cannot be interrupted from Python, and a thread that runs on after its
    answer was given up still burns a core. Each worker is a process of its own holding its own
    copy of the store (forked from a server process that has imported this module where the
    system has one, else spawned); a worker whose query runs past the limit is killed. A worker
    gets a query only once it has loaded the store, so a replacement's loading is no request's
    wait. A query that runs past `slow` seconds (most likely a runaway) is set aside: a spare
    starts in its place, so the others' short queries do not queue behind it, and its worker is
    retired when the query ends. At most size + spares workers live at once, which bounds the
    memory a flood of runaways takes. Make it inside the running event loop.
    """

    def __init__(self, source: tuple, size: int = 2, slow: float = 0.5,
                 spares: int | None = None) -> None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            # a worker forked from a server that has imported this module starts in a
            # fraction of a second, where a spawned one imports everything again
            self._context = multiprocessing.get_context("forkserver")
            self._context.set_forkserver_preload([__name__] + WORKER_PRELOAD)
        else:
            self._context = multiprocessing.get_context("spawn")
        self._source = source  # ("quads", path) or ("workspace", folder, edition)
        self._slow = slow
        self._most = size + (max(2, size) if spares is None else spares)
        self._idle: asyncio.Queue = asyncio.Queue()  # workers that have loaded the store
        self._all: list = []  # every live worker: loading, idle or busy
        self._aside: set[int] = set()  # process ids of the workers set aside
        self._loads: set = set()  # tasks waiting for a worker to say it is ready
        for _ in range(size):
            self._start()

    def _start(self) -> None:
        """Start a worker; it joins the idle ones when it has loaded the store."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_loop, args=(child, self._source),
                                        daemon=True)
        process.start()
        child.close()
        self._all.append(process)
        task = asyncio.get_running_loop().create_task(self._ready(process, parent))
        self._loads.add(task)
        task.add_done_callback(self._loads.discard)

    async def _ready(self, process: Any, connection: Any) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(None, connection.recv)
        except (EOFError, OSError):
            pass  # it died loading: the request that takes it says so, and a new one starts
        self._idle.put_nowait((process, connection))

    def _set_aside(self, process: Any) -> None:
        """Start a spare in the place of a worker busy with a slow query, if there is room."""
        if len(self._all) >= self._most or process not in self._all:
            return  # no room: it stays one of the pool
        self._aside.add(process.pid)
        self._start()

    def _retire(self, process: Any, connection: Any) -> None:
        process.kill()
        process.join(timeout=10)
        connection.close()
        self._all.remove(process)
        self._aside.discard(process.pid)

    async def run(self, request: tuple, seconds: float) -> tuple:
        """Run one request on a ready worker; stop it when it runs past the time limit."""
        process, connection = await self._idle.get()
        loop = asyncio.get_running_loop()
        aside = loop.call_later(min(self._slow, seconds / 2), self._set_aside, process)
        reply: tuple | None = None
        dead = False
        try:
            connection.send(request)
            if await loop.run_in_executor(None, connection.poll, seconds):
                reply = connection.recv()
        except (EOFError, OSError):
            dead, reply = True, ("refused", 500, "the query worker stopped unexpectedly; try "
                                                 "again")
        finally:
            aside.cancel()
        replaced = process.pid in self._aside
        if reply is None or dead or replaced:
            self._retire(process, connection)
            if not replaced:
                self._start()
        else:
            self._idle.put_nowait((process, connection))
        if reply is None:
            raise Refused(503, f"the query ran past the time limit of {seconds:g} s of this "
                               "endpoint and was stopped")
        return reply

    def close(self) -> None:
        """Stop every worker."""
        for task in list(self._loads):
            task.cancel()
        for process in self._all:
            process.kill()
            process.join(timeout=10)
        self._all.clear()


def _worker_loop(connection: Any, source: tuple) -> None:
    current = _opener(source)
    for media in ("application/sparql-results+json", "application/sparql-results+xml"):
        # rdflib loads its serialisers on first use, which would count in a query's time
        render(*run_limited(current(), "SELECT ?x WHERE { BIND(1 AS ?x) }", Limits()), media)
    connection.send("ready")
    while True:
        try:
            text, accept, rows, graphs = connection.recv()
        except EOFError:
            return
        try:
            kind, payload = run_limited(current(), text, Limits(rows=rows), graphs)
            body, media = render(kind, payload, accept)
            connection.send(("ok", body, media))
        except Refused as refusal:
            connection.send(("refused", refusal.status, str(refusal)))
        except Exception as error:  # reported to the client as a server error, not raised
            connection.send(("refused", 500, f"the query failed: {one_line(error)}"))


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SD_PREFIXES = {"sd": SD, "formats": FORMATS, "void": "http://rdfs.org/ns/void#",
               "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#"}
RESULT_FORMAT_IRIS = {  # media type -> W3C format IRI, for the service description
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle", "application/ld+json": "JSON-LD",
    "application/n-triples": "N-Triples", "application/rdf+xml": "RDF_XML",
}


def _opener(source: tuple) -> Callable[[], Any]:
    """Return a function that gives the store to query now: a workspace's current generation
    (opened anew after a change is published), or the N-Quads file loaded once into memory."""
    if source[0] == "workspace":
        from finops_kg.workspace import Workspace

        workspace = Workspace.open(source[1], warn=False, edition=source[2])
        return workspace.view
    store = pyoxigraph.Store()
    store.bulk_load(path=source[1], format=pyoxigraph.RdfFormat.N_QUADS)
    return lambda: store


def service_description(endpoint: str, store: Any, edition: str,
                        workspace: bool = False) -> list[Any]:
    """Return the SPARQL 1.1 Service Description of the endpoint as pyoxigraph triples.

    It names the default graph's sources and counts the triples of every graph, so a client can
    see the dataset before it asks anything.
    """
    def iri(value: str) -> Any:
        return pyoxigraph.NamedNode(value)

    def integer(value: Any) -> Any:
        return pyoxigraph.Literal(str(value), datatype=iri("http://www.w3.org/2001/XMLSchema#integer"))

    rdf_type = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    void_triples = iri("http://rdfs.org/ns/void#triples")
    dcterms = "http://purl.org/dc/terms/"
    service, dataset, default = (pyoxigraph.BlankNode(name)
                                 for name in ("service", "dataset", "default"))
    counts = {str(row["g"].value): int(row["n"].value) for row in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    default_size = int(next(iter(store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    triples = [
        (service, rdf_type, iri(SD + "Service")),
        (service, iri(SD + "endpoint"), iri(endpoint)),
        (service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        (service, iri(dcterms + "title"), pyoxigraph.Literal("finops-kg SPARQL endpoint")),
        (service, iri(dcterms + "license"),
         iri("https://creativecommons.org/licenses/by/4.0/")),
        (service, iri(SD + "defaultDataset"), dataset),
        (dataset, rdf_type, iri(SD + "Dataset")),
        (dataset, iri(SD + "defaultGraph"), default),
        (default, rdf_type, iri(SD + "Graph")),
        (default, void_triples, integer(default_size)),
        (default, iri(dcterms + "description"), pyoxigraph.Literal(
            f"The union of the ontology and the {edition} edition's graph (with its OWL 2 RL "
            "entailments" + (" and the graphs loaded into the workspace" if workspace else "")
            + "); every graph is also a named graph.", language="en")),
    ]
    triples += [(default, iri("http://www.w3.org/ns/prov#wasDerivedFrom"), iri(str(source)))
                for source in default_graph_sources(edition)]
    triples += [(service, iri(SD + "resultFormat"), iri(FORMATS + name))
                for name in RESULT_FORMAT_IRIS.values()]
    for number, (name, size) in enumerate(sorted(counts.items())):
        entry, graph = pyoxigraph.BlankNode(f"named{number}"), pyoxigraph.BlankNode(f"graph{number}")
        triples += [(dataset, iri(SD + "namedGraph"), entry),
                    (entry, rdf_type, iri(SD + "NamedGraph")),
                    (entry, iri(SD + "name"), iri(name)),
                    (entry, iri(SD + "graph"), graph),
                    (graph, rdf_type, iri(SD + "Graph")),
                    (graph, void_triples, integer(size))]
    return [pyoxigraph.Triple(*triple) for triple in triples]


def create_app(quads_path: str = "", limits: Limits = Limits(), workers: int = 2,
               edition: str = DEFAULT_EDITION, cors: tuple[str, ...] = (),
               workspace: str | Path | None = None, max_body: int = MAX_BODY) -> Any:
    """Return the Starlette application serving the dataset in an N-Quads file, or a workspace.

    cors lists the origins whose browser pages may read the answers ("*" for any); a request
    body over max_body bytes is refused with 413.
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    source = (("workspace", str(workspace), edition) if workspace is not None
              else ("quads", quads_path))
    current = _opener(source)
    labels: dict[str, Any] = {}  # by generation (a workspace changes), computed when first needed
    description: dict[tuple, list[Any]] = {}  # by endpoint URL and generation
    pool: dict[str, QueryWorkers] = {}

    def generation(store: Any) -> str:
        return getattr(store, "generation", "")

    def labels_now() -> Any:
        store = current()
        if generation(store) not in labels:
            labels.clear()
            labels[generation(store)] = OxigraphRunner(store).labels()
        return labels[generation(store)]

    def refused(status: int, message: str) -> Response:
        return PlainTextResponse(message, status_code=status)

    async def answer(text: str, request: Request, graphs: GraphSelection = GraphSelection(),
                     bindings: dict | None = None) -> Response:
        accept = request.query_params.get("format") or request.headers.get("accept", "")
        try:
            check_read_only(text)
            reply = await pool["workers"].run((with_values(text, bindings or {}), accept,
                                               limits.rows, graphs), limits.seconds)
        except Refused as refusal:
            return refused(refusal.status, str(refusal))
        if reply[0] == "refused":
            return refused(reply[1], reply[2])
        return Response(reply[1], media_type=reply[2])

    def describe_service(request: Request) -> Response:
        url, store = str(request.url.replace(query="")), current()
        key = (url, generation(store))
        if key not in description:
            description[key] = service_description(url, store, edition, workspace is not None)
        try:
            body, media = serialize_triples(description[key], negotiate(
                request.query_params.get("format") or request.headers.get("accept", ""),
                GRAPH_TYPES, "text/turtle"), SD_PREFIXES)
        except Refused as refusal:
            return refused(refusal.status, str(refusal))
        return Response(body, media_type=media)

    async def sparql(request: Request) -> Response:
        fields = request.query_params
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/sparql-update":
                return refused(400, "SPARQL Update is refused: this endpoint is read-only")
            if kind == "application/sparql-query":
                try:
                    text = (await request.body()).decode("utf-8")
                except UnicodeDecodeError as error:
                    return refused(400, f"the query is not UTF-8 text (byte {error.start})")
            else:
                fields = await request.form()
                text = str(fields.get("query", ""))
        else:
            if "query" not in fields and "update" not in fields:
                return describe_service(request)
            text = fields.get("query", "")
        if "update" in fields:
            return refused(400, "SPARQL Update is refused: this endpoint is read-only")
        if not text.strip():
            return refused(400, "give a SPARQL query in the query parameter")
        graphs = GraphSelection(tuple(map(str, fields.getlist("default-graph-uri"))),
                                tuple(map(str, fields.getlist("named-graph-uri"))))
        return await answer(text, request, graphs)

    async def catalogue_query(request: Request) -> Response:
        try:
            entry = find(request.path_params["name"])
            values = {k: v for k, v in request.query_params.items() if k != "format"}
            bound = bind_parameters(entry, values, labels_now())
        except FinopsKGError as error:
            return refused(404 if "no catalogue" in str(error) else 400, str(error))
        return await answer(entry.text, request, bindings=bound)

    async def home(request: Request) -> Response:
        return HTMLResponse(_home_page(catalogue()),
                            headers={"Content-Security-Policy": HOME_CSP})

    @asynccontextmanager
    async def lifespan(app: Any):
        pool["workers"] = QueryWorkers(source, workers)
        try:
            yield
        finally:
            pool["workers"].close()

    routes = [Route("/", home), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/queries/{name}", catalogue_query)]
    # Off unless asked: with CORS on, any page the user opens in a browser on an allowed origin
    # can read the endpoint, which serves the user's own data too.
    middleware = [Middleware(CORSMiddleware, allow_origins=list(cors),
                             allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"], max_age=600)] if cors else []
    # outermost, so that refusals and CORS preflight answers carry the header too
    middleware.insert(0, Middleware(NoSniff))
    middleware.append(Middleware(BodyLimit, limit=max_body))
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


class NoSniff:
    """ASGI middleware that adds X-Content-Type-Options: nosniff to every HTTP response.

    A browser then takes each answer as the type it is sent as: a CSV or Turtle answer that holds
    a user's text is never run as a script or shown as a page.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        """Pass the request on; add the header to the start of the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-content-type-options", b"nosniff")]}
            await send(message)

        await self.app(scope, receive, sending)


class BodyLimit:
    """ASGI middleware that refuses a request body over the limit with 413, before the app runs.

    A declared Content-Length over the limit is refused before any of the body is read; a body
    sent in chunks, which declares no length, is read until it passes the limit, so no request
    holds more than the limit in memory.
    """

    def __init__(self, app: Any, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        """Pass on a request whose body is within the limit; answer 413 to any other."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size, first = 0, None
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: the app sees that
                first = message
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        pending = [first] if first is not None else [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> dict:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Callable) -> None:
        body = (f"the request body is larger than {self.limit} bytes, the limit of this "
                "endpoint").encode()
        # close: the rest of the body is never read, so the connection cannot carry another
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


_PAGE_STYLE = """body{font-family:sans-serif;max-width:60em;margin:2em auto}textarea{width:100%}
pre{background:#f4f4f4;padding:1em;overflow:auto}"""
_PAGE_SCRIPT = """
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = new URLSearchParams({query: document.getElementById('q').value});
  const r = await fetch('sparql', {method: 'POST', body, headers: {Accept: 'text/csv'}});
  document.getElementById('out').textContent = await r.text();
});
"""


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The page loads nothing from elsewhere: its one style and one script are inline, allowed by
# their digests, and the script may only fetch this endpoint. Forms post here only, no page may
# frame it, and no <base> may redirect its relative links.
HOME_CSP = (f"default-src 'none'; style-src {_sha256_source(_PAGE_STYLE)}; "
            f"script-src {_sha256_source(_PAGE_SCRIPT)}; connect-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _home_page(entries: dict[str, Any]) -> str:
    items = "\n".join(
        f'<li><a href="queries/{html.escape(q.name)}">{html.escape(q.name)}</a>: '
        f'{html.escape(q.title)}' + (" (" + ", ".join(html.escape(p.name) for p in q.parameters)
                                     + ")" if q.parameters else "") + "</li>"
        for q in entries.values())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>finops-kg SPARQL endpoint</title>
<style>{_PAGE_STYLE}</style></head>
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
<script>{_PAGE_SCRIPT}</script></body></html>
"""


def serve(host: str = "127.0.0.1", port: int = 7878, edition: str = DEFAULT_EDITION,
          data: tuple = (), limits: Limits = Limits(), cors: tuple[str, ...] = (),
          announce: Callable[[str], None] = lambda url: None,
          workspace: str | Path | None = None, max_body: int = MAX_BODY) -> None:
    """Serve the query dataset, or a workspace, until interrupted; announce the URL once it
    really listens."""
    try:
        import uvicorn
    except ImportError:
        raise FinopsKGError("serving needs the serve extra: pip install 'finops-kg[serve]'") from None

    if workspace is not None:
        from finops_kg.workspace import Workspace

        if data:
            raise FinopsKGError("give --workspace or --data, not both; load the files into the "
                                "workspace with finops-kg workspace load")
        Workspace.open(workspace)  # refuses a folder that is no workspace, warns if outdated
        app = create_app(limits=limits, edition=edition, cors=cors, workspace=workspace,
                         max_body=max_body)
    else:
        app = create_app(str(served_quads(edition, data)), limits, edition=edition, cors=cors,
                         max_body=max_body)
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(128)  # a client told the URL may connect before uvicorn accepts
    except OSError as error:
        listener.close()
        raise FinopsKGError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    announce(f"http://{host}:{listener.getsockname()[1]}/sparql")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[listener])


def served_quads(edition: str = DEFAULT_EDITION, data: tuple = ()) -> Path:
    """Return the path of an N-Quads file with the query dataset, the user's data and the
    default graph of the edition."""
    quads = oxigraph_dataset(data, edition).dump(format=pyoxigraph.RdfFormat.N_QUADS)
    path = Path(cache_dir()) / f"served-{hashlib.sha256(quads).hexdigest()[:16]}.nq"
    if not path.exists():
        write_atomic(path, quads)
    return path
