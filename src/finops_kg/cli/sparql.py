"""The SPARQL commands: query, serve and publish."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from finops_kg.cli.common import (
    EXIT_OK,
    Command,
    add_command,
    data_option,
    edition_option,
    format_option,
    key_values,
)
from finops_kg.cli.workspace import chosen_workspace, workspace_option
from finops_kg.errors import FinopsKGError
from finops_kg.table import render_table

QUERY_FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "turtle")
TIMEOUT_ENV = "FINOPS_KG_QUERY_TIMEOUT"


def register(commands: Any) -> None:
    """Add query, serve and publish to the command line."""
    add_command(
        commands, "query", summary="run a catalogue query, a query file or SPARQL text",
        description="""Run a catalogue query by NAME (--list shows them, with their parameters),
            the query in a --file, or --sparql text. A parameter is an IRI, a CURIE such as
            fid:capability/allocation, or a label such as Allocation. The dataset holds the
            ontology, every edition with its entailments and the mapping sets with their
            vocabularies as named graphs; its default graph is the union of the ontology and the
            edition, which --data files join. With --workspace DIR it reads a workspace instead,
            whose edition's graph holds the graphs you loaded into it.

            With --endpoint the same query runs on a SPARQL 1.1 endpoint instead; a store that
            cannot be reached or refuses the request exits 3.""",
        examples=["finops-kg query --list",
                  ("finops-kg query personas-in-a-capability --param capability=Allocation "
                   "--format csv"),
                  "finops-kg query assessment-matrix --workspace acme-ws",
                  "finops-kg query --file my.rq --timeout 30"],
        arguments=_query_arguments, run=run_query)
    add_command(
        commands, "serve", summary="serve the graph as a read-only SPARQL endpoint",
        description="""Answer the SPARQL 1.1 Protocol at /sparql, with a query page and the
            catalogue at / and each catalogue query at /queries/NAME. It listens on this machine
            only unless --host says otherwise, refuses updates and SERVICE, stops a query
            past --timeout or --max-rows, and refuses a request body over --max-body. With
            --workspace DIR it serves a workspace, and answers from each change that a workspace
            load or drop publishes meanwhile. Ctrl-C stops it.""",
        examples=["finops-kg serve                       # http://127.0.0.1:7878/sparql",
                  ("finops-kg serve --port 8080 --data my-assessments.ttl "
                   "--cors https://yasgui.org"),
                  "finops-kg serve --workspace acme-ws"],
        arguments=_serve_arguments, run=run_serve)
    add_command(
        commands, "publish", summary="upload the graph to a SPARQL 1.1 store (idempotent)",
        description="""Upload the ontology and the edition (with its entailments) as named graphs,
            and their union as the store's default graph. With --graph-store each graph is
            replaced by a Graph Store Protocol PUT; otherwise SPARQL Update at --endpoint
            replaces it in batches. Publishing twice leaves one copy. A store that cannot be
            reached, or refuses the credentials or the request, exits 3.""",
        examples=["finops-kg publish --graph-store http://localhost:7878/store --all-editions",
                  ("finops-kg publish --graph-store http://localhost:8890/sparql-graph-crud-auth "
                   "--user dba --no-default-graph")],
        arguments=_publish_arguments, run=run_publish)


def _query_arguments(parser: Command) -> None:
    from finops_kg.sparql.query import ENGINES

    parser.add_argument("name", nargs="?", metavar="NAME", help="a catalogue query name")
    parser.add_argument("--list", action="store_true", help="list the catalogue")
    parser.add_argument("--file", type=Path, help="run the SPARQL query in this file")
    parser.add_argument("--sparql", help="run this SPARQL query text")
    parser.add_argument("--allow-service", action="store_true",
                        help="let SERVICE call other endpoints (refused by default: a query "
                        "would otherwise send requests off this machine)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter: an IRI, a CURIE such as fid:capability/allocation, "
                             "or a label such as Allocation (repeatable)")
    edition_option(parser, query=True)
    data_option(parser)
    workspace_option(parser)
    parser.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                        help="the local SPARQL engine (default: %(default)s)")
    parser.add_argument("--endpoint", metavar="URL",
                        help="run against a SPARQL 1.1 endpoint instead of the local graph")
    parser.add_argument("--timeout", metavar="SECONDS",
                        help="stop the query once it has run SECONDS, loading the data not "
                        "counted, with one error line and exit 2 (default: no limit, or "
                        f"${TIMEOUT_ENV} when set; 0: no limit)")
    format_option(parser, QUERY_FORMATS, "table")


def _serve_arguments(parser: Command) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    edition_option(parser)
    data_option(parser)
    workspace_option(parser)
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds a query may run (default: 10)")
    parser.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                        help="let browser pages from ORIGIN (such as https://yasgui.org, or * for "
                        "any) read the answers; repeatable; off by default, since any page the "
                        "browser opens on an allowed origin could then read your data")
    parser.add_argument("--max-rows", type=int, default=10_000,
                        help="rows a result may have (default: 10000)")
    parser.add_argument("--max-body", type=int, default=1 << 20, metavar="BYTES",
                        help="bytes a request body (a POSTed query or form) may have; a larger "
                        "one is refused with 413 (default: 1048576, 1 MiB)")


def _publish_arguments(parser: Command) -> None:
    parser.add_argument("--endpoint", metavar="URL", help="the store's SPARQL endpoint")
    parser.add_argument("--graph-store", metavar="URL",
                        help="the store's Graph Store Protocol URL, used when given")
    edition_option(parser)
    parser.add_argument("--all-editions", action="store_true", help="publish every edition")
    data_option(parser)
    parser.add_argument("--no-default-graph", action="store_true",
                        help="leave the store's default graph alone: for stores that answer "
                        "from the union of all their graphs, such as Virtuoso and GraphDB")
    parser.add_argument("--user", help="user name (or set FINOPS_KG_USER)")
    parser.add_argument("--password", help="password (or set FINOPS_KG_PASSWORD)")


def run_query(args: argparse.Namespace) -> int:
    """Run one query and print its result in the format asked for."""
    from finops_kg.errors import InputError
    from finops_kg.forked import TimedOut
    from finops_kg.sparql.catalogue import QueryError, catalogue
    from finops_kg.sparql.query import query

    if args.list:
        rows = [(q.name, q.title, ", ".join(
            p.name + ("" if p.required else f"={p.default}") for p in q.parameters))
            for q in catalogue().values()]
        sys.stdout.write(render_table(("name", "title", "parameters"), rows))
        return EXIT_OK
    sources = [x for x in (args.name, args.file, args.sparql) if x]
    if len(sources) != 1:
        raise InputError("give exactly one of NAME, --file or --sparql (or --list)")
    if args.file:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as error:
            raise InputError(f"{args.file}: cannot be read ({error.strerror})") from None
        except UnicodeDecodeError as error:
            line = error.object.count(b"\n", 0, error.start) + 1
            raise InputError(f"{args.file}:{line}: not UTF-8 text (byte {error.start}); save it "
                             "as UTF-8") from None
    else:
        text = args.name or args.sparql
    params = key_values(args.param, "--param", "NAME=VALUE", InputError)
    edition = args.edition
    if "edition" in params:
        # --param edition=X means --edition X: the edition picks the dataset as well as the value.
        given = params.pop("edition").rsplit("/", 1)[-1]
        if edition is not None and edition != given:
            raise InputError(f"--edition {edition} and --param edition={given} disagree: "
                             "give the edition once")
        edition = given
    timeout, given = _timeout(args.timeout)
    try:
        with _ctrl_c_ends_at_once(timeout is None):
            result = query(text, engine=args.engine, endpoint=args.endpoint, data=args.data,
                           edition=edition, allow_service=args.allow_service,
                           workspace=chosen_workspace(args), timeout=timeout, **params)
    except QueryError as error:
        if args.file:  # the error's line and column are in the user's file: name it
            raise QueryError(f"{args.file}: {error}") from None
        raise
    except TimedOut:
        raise FinopsKGError((f"{args.file}: " if args.file else "") +
                            f"the query was stopped after {timeout:g} s ({given}); narrow it, "
                            "add a LIMIT, or give it more time") from None
    _write_result(result, args.format)
    return EXIT_OK


@contextmanager
def _ctrl_c_ends_at_once(wanted: bool) -> Iterator[None]:
    """Let Ctrl-C end the process at once (exit 130) inside the block, when wanted.

    Oxigraph does not hand control back to Python while it evaluates a query, so Python's own
    handler would wait for the end of a query that may never end. Nothing is printed before the
    query ends, so there is nothing to tidy. With a time limit the query runs in a process of
    its own, and Ctrl-C reaches the waiting parent as usual.
    """
    import signal
    import threading

    if not wanted or threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield  # a caller that ignores Ctrl-C, or handles it itself, keeps it so
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _timeout(option: str | None) -> tuple[float | None, str]:
    """Return the query's time limit in seconds (None: none) and where it was given."""
    import math
    import os

    from finops_kg.errors import InputError

    given, text = (f"--timeout {option}", option) if option is not None else (
        f"{TIMEOUT_ENV}={os.environ.get(TIMEOUT_ENV, '')}", os.environ.get(TIMEOUT_ENV, ""))
    if not text.strip():
        return None, given
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise InputError(f"{given}: give the seconds the query may run, such as 30 (0: no "
                         "limit)")
    return (seconds or None), given


def _write_result(result: Any, fmt: str) -> None:
    if result.graph is not None:
        from finops_kg.graph.serialize import serialize

        if fmt not in ("turtle", "table"):
            raise FinopsKGError("a CONSTRUCT or DESCRIBE result is a graph: use --format turtle")
        sys.stdout.buffer.write(serialize(result.graph, "turtle"))
        return
    if result.boolean is not None:
        sys.stdout.write(result.to_sparql_json() if fmt != "table" else f"{result.boolean}\n")
        return
    if fmt == "turtle":
        raise FinopsKGError("a SELECT result is a table: use --format table, csv, tsv, json or "
                            "sparql-json")
    writers = {"table": result.to_table, "csv": result.to_csv, "tsv": result.to_tsv,
               "json": result.to_json, "sparql-json": result.to_sparql_json}
    sys.stdout.write(writers[fmt]())


def run_serve(args: argparse.Namespace) -> int:
    """Serve the dataset until interrupted."""
    from finops_kg.errors import InputError
    from finops_kg.sparql.serve import Limits, serve

    if args.max_body < 1:
        raise InputError(f"--max-body {args.max_body}: give the bytes a request body may have, "
                         "at least 1")
    serve(args.host, args.port, args.edition, tuple(args.data),
          Limits(seconds=args.timeout, rows=args.max_rows), cors=tuple(args.cors),
          workspace=chosen_workspace(args), max_body=args.max_body,
          announce=lambda url: print(f"finops-kg: serving {url} (Ctrl-C stops)", file=sys.stderr,
                                     flush=True))
    return EXIT_OK


def run_publish(args: argparse.Namespace) -> int:
    """Upload the graphs and print what went where."""
    from finops_kg.graph import resources
    from finops_kg.sparql.publish import publish

    resources.check_edition(args.edition)
    editions = resources.available_editions() if args.all_editions else [args.edition]
    done = publish(args.endpoint, editions, args.graph_store, args.user, args.password,
                   data=args.data, data_edition=args.edition,
                   default_graph=not args.no_default_graph)
    sys.stdout.write(render_table(("graph", "triples", "method"),
                                  [(d.graph, d.triples, d.method) for d in done]))
    return EXIT_OK
