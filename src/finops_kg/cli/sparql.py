"""The SPARQL commands: query, serve and publish."""

from __future__ import annotations

import argparse
import sys
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
                  "finops-kg query assessment-matrix --workspace acme-ws"],
        arguments=_query_arguments, run=run_query)
    add_command(
        commands, "serve", summary="serve the graph as a read-only SPARQL endpoint",
        description="""Answer the SPARQL 1.1 Protocol at /sparql, with a query page and the
            catalogue at / and each catalogue query at /queries/NAME. It listens on this machine
            only unless --host says otherwise, refuses updates and SERVICE, and stops a query
            past --timeout or --max-rows. With --workspace DIR it serves a workspace, and
            answers from each change that a workspace load or drop publishes meanwhile. Ctrl-C
            stops it.""",
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
    try:
        result = query(text, engine=args.engine, endpoint=args.endpoint, data=args.data,
                       edition=edition, allow_service=args.allow_service,
                       workspace=chosen_workspace(args), **params)
    except QueryError as error:
        if args.file:  # the error's line and column are in the user's file: name it
            raise QueryError(f"{args.file}: {error}") from None
        raise
    _write_result(result, args.format)
    return EXIT_OK


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
    from finops_kg.sparql.serve import Limits, serve

    serve(args.host, args.port, args.edition, tuple(args.data),
          Limits(seconds=args.timeout, rows=args.max_rows), cors=tuple(args.cors),
          workspace=chosen_workspace(args),
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
