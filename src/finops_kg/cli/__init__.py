"""The finops-kg command line: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from finops_kg.errors import FinopsKGError
from finops_kg.table import render_table

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the finops-kg command line and return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except FinopsKGError as error:
        print(f"finops-kg: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("finops-kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader, such as `head`, stopped early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finops-kg",
        description="The FinOps Framework as a knowledge graph: build, validate and export it.",
    )
    from finops_kg import __version__

    parser.add_argument("--version", action="version", version=f"finops-kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build", help="validate, reason and export one edition into a folder"
    )
    build.add_argument("--out", default="dist", type=Path, help="output folder (default: dist)")
    _edition_option(build)
    build.add_argument("--all-editions", action="store_true",
                       help="also check every edition and write them all to finops-kg.trig")
    build.set_defaults(run=_run_build)

    validate = commands.add_parser(
        "validate", help="validate RDF files together with the Framework against the shapes"
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE",
                          help="RDF files in any format rdflib reads, guessed from the extension")
    validate.add_argument("--format", choices=("text", "turtle", "json"), default="text",
                          help="report format (default: text)")
    validate.add_argument("--edition", default="2026",
                          help="the Framework edition to validate with (default: 2026)")
    validate.set_defaults(run=_run_validate)
    diff = commands.add_parser("diff", help="the typed changes between two editions")
    diff.add_argument("old", metavar="OLD", help="the earlier edition, such as 2025")
    diff.add_argument("new", metavar="NEW", help="the later edition, such as 2026")
    diff.add_argument("--format", choices=("table", "json", "turtle"), default="table",
                      help="output format (default: table)")
    diff.set_defaults(run=_run_diff)

    stats = commands.add_parser("stats", help="counts, per-capability coverage and content gaps")
    _edition_option(stats)
    stats.add_argument("--format", choices=("table", "json"), default="table",
                       help="output format (default: table)")
    stats.set_defaults(run=_run_stats)
    query = commands.add_parser(
        "query", help="run a catalogue query, a query file or SPARQL text",
        description="Run a catalogue query by NAME (see --list), your own --file or --sparql.")
    query.add_argument("name", nargs="?", metavar="NAME", help="a catalogue query name")
    query.add_argument("--list", action="store_true", help="list the catalogue")
    query.add_argument("--file", type=Path, help="run the SPARQL query in this file")
    query.add_argument("--sparql", help="run this SPARQL query text")
    query.add_argument("--allow-service", action="store_true",
                       help="let SERVICE call other endpoints (refused by default: a query "
                       "would otherwise send requests off this machine)")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a parameter: an IRI, a CURIE such as fid:capability/allocation, "
                            "or a label such as Allocation (repeatable)")
    query.add_argument("--edition", help="the edition to query (sets the edition parameter)")
    _data_option(query)
    query.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                       help="the local SPARQL engine (default: oxigraph)")
    query.add_argument("--endpoint", metavar="URL",
                       help="run against a SPARQL 1.1 endpoint instead of the local graph")
    query.add_argument("--format", default="table",
                       choices=("table", "csv", "tsv", "json", "sparql-json", "turtle"),
                       help="output format (default: table)")
    query.set_defaults(run=_run_query)

    export = commands.add_parser(
        "export", help="write the graph in an RDF, graph or tabular format",
        description="Write one edition as RDF (turtle, jsonld, nt, xml), every edition as TriG, "
                    "one view as a graph (graphml, gexf, dot, mermaid, cytoscape-json), the "
                    "capability by persona matrix as csv, or an ArchiMate 3.1 exchange model "
                    "(archimate).")
    export.add_argument("--format", required=True, metavar="FORMAT",
                        help="one of: turtle, jsonld, nt, xml, trig, graphml, gexf, dot, mermaid, "
                             "cytoscape-json, csv, archimate")
    _edition_option(export)
    export.add_argument("--view", default="capability-persona", metavar="VIEW",
                        help="for graph formats: capability-persona (default), domain-capability, "
                             "capability-flow, kpi-capability or full")
    export.add_argument("--out", type=Path, help="output file (default: standard output)")
    export.set_defaults(run=_run_export)

    viz = commands.add_parser(
        "viz", help="draw the matrix, the network explorer, the domain tree or an ego view",
        description="KIND is matrix (SVG or PNG), network (an interactive HTML explorer), domains "
                    "(SVG or PNG), persona NAME or capability NAME (SVG, PNG or Mermaid .mmd).")
    viz.add_argument("kind", metavar="KIND", help="matrix, network, domains, persona or capability")
    viz.add_argument("name", nargs="?", metavar="NAME", help="for persona and capability: which one")
    viz.add_argument("--out", type=Path, help="output file; its extension picks the format")
    _edition_option(viz)
    viz.set_defaults(run=_run_viz)

    site = commands.add_parser("site", help="write a static documentation site that works offline")
    site.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    _edition_option(site)
    site.set_defaults(run=_run_site)

    serve = commands.add_parser("serve", help="serve the graph as a read-only SPARQL endpoint")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    serve.add_argument("--edition", default="2026",
                       help="the edition of the default graph, which --data files join "
                       "(default: 2026)")
    _data_option(serve)
    serve.add_argument("--timeout", type=float, default=10.0,
                       help="seconds a query may run (default: 10)")
    serve.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                       help="let browser pages from ORIGIN (such as https://yasgui.org, or * for "
                       "any) read the answers; repeatable; off by default, since any page the "
                       "browser opens on an allowed origin could then read your data")
    serve.add_argument("--max-rows", type=int, default=10_000,
                       help="rows a result may have (default: 10000)")
    serve.set_defaults(run=_run_serve)

    publish = commands.add_parser(
        "publish", help="upload the graph to a SPARQL 1.1 store (idempotent)",
        description="Upload the ontology and the edition (with its entailments) as named graphs, "
                    "and their union as the store's default graph. With --graph-store each graph "
                    "is replaced by a Graph Store Protocol PUT; otherwise SPARQL Update replaces "
                    "it in batches.")
    publish.add_argument("--endpoint", metavar="URL", help="the store's SPARQL endpoint")
    publish.add_argument("--graph-store", metavar="URL",
                         help="the store's Graph Store Protocol URL, used when given")
    _edition_option(publish)
    publish.add_argument("--all-editions", action="store_true", help="publish every edition")
    _data_option(publish)
    publish.add_argument("--no-default-graph", action="store_true",
                         help="leave the store's default graph alone: for stores that answer "
                         "from the union of all their graphs, such as Virtuoso and GraphDB")
    publish.add_argument("--user", help="user name (or set FINOPS_KG_USER)")
    publish.add_argument("--password", help="password (or set FINOPS_KG_PASSWORD)")
    publish.set_defaults(run=_run_publish)

    mapping = commands.add_parser(
        "map", help="list, check and apply SSSOM mapping sets",
        description="list: the curated sets and their rows. check: each problem of a mapping "
                    "set, by file, line and field. apply: the mappings of clean sets as TriG, "
                    "one named graph per set, named by its mapping_set_id.")
    mapping.add_argument("action", choices=("list", "check", "apply", "import-csv"))
    mapping.add_argument("files", nargs="*", type=Path, metavar="FILE",
                         help="SSSOM/TSV mapping sets (default: the curated sets in data/mappings)")
    mapping.add_argument("--target", type=Path, metavar="FILE",
                         help="check: the target ontology every object must be in")
    mapping.add_argument("--as", dest="as_", choices=("skos", "owl"), default="skos",
                         help="apply: owl writes exactMatch between classes as "
                              "owl:equivalentClass (default: skos)")
    mapping.add_argument("--out", type=Path,
                         help="apply: the .trig file; import-csv: the .sssom.tsv (default: stdout)")
    mapping.add_argument("--set-id", metavar="IRI",
                         help="import-csv: the new set's mapping_set_id (required)")
    mapping.add_argument("--license", metavar="IRI", help="import-csv: the new set's licence")
    mapping.add_argument("--prefix", action="append", default=[], metavar="NAME=NAMESPACE",
                         help="import-csv: a prefix for your IRIs (repeatable)")
    _edition_option(mapping)
    mapping.set_defaults(run=_run_map)
    return parser


def _run_map(args: argparse.Namespace) -> int:
    from finops_kg.views.export import check_extension
    from finops_kg.graph.serialize import serialize_trig
    from finops_kg.graph.load import check_edition
    from finops_kg.mapping.sssom import apply, check, count_rows
    from finops_kg.graph.resources import mapping_set_files

    check_edition(args.edition)
    if args.action == "import-csv":
        return _import_csv(args)
    files = args.files or mapping_set_files()
    if not files:
        raise FinopsKGError("no mapping set given, and data/mappings holds none")
    if args.action == "list":
        sys.stdout.write(render_table(("mapping set", "rows"),
                                      [(str(path), count_rows(path)) for path in files]))
        return EXIT_OK
    if args.action == "apply":
        if args.out:
            check_extension(args.out, "trig")  # one named graph per set: Turtle cannot hold it
        _write_output(args.out, serialize_trig(apply(files, as_owl=args.as_ == "owl",
                                                     edition=args.edition)))
        return EXIT_OK
    results = [check(path, args.target, args.edition) for path in files]
    for result in results:
        for problem in result.problems:
            print(problem)
    sys.stdout.write(render_table(
        ("mapping set", "rows", "problems", "cardinality"),
        [(str(r.path), r.rows, len(r.problems),
          ", ".join(f"{k} {v}" for k, v in sorted(r.cardinality.items()))) for r in results]))
    return EXIT_OK if all(r.ok for r in results) else EXIT_FINDINGS


def _import_csv(args: argparse.Namespace) -> int:
    from finops_kg.mapping.sssom import UNSPECIFIED_LICENSE, import_csv

    if len(args.files) != 1 or not args.set_id:
        raise FinopsKGError("import-csv needs one CSV file and --set-id IRI")
    prefixes = {}
    for item in args.prefix:
        name, sep, namespace = item.partition("=")
        if not sep or not name or not namespace:
            raise FinopsKGError(f"--prefix {item!r}: write it as NAME=NAMESPACE")
        prefixes[name] = namespace
    text = import_csv(args.files[0], args.set_id, args.license or UNSPECIFIED_LICENSE, prefixes)
    _write_output(args.out, text.encode("utf-8"))
    return EXIT_OK


def _run_publish(args: argparse.Namespace) -> int:
    from finops_kg.graph import resources
    from finops_kg.graph.load import check_edition
    from finops_kg.sparql.publish import publish

    check_edition(args.edition)
    editions = resources.available_editions() if args.all_editions else [args.edition]
    done = publish(args.endpoint, editions, args.graph_store, args.user, args.password,
                   data=args.data, data_edition=args.edition,
                   default_graph=not args.no_default_graph)
    sys.stdout.write(render_table(("graph", "triples", "method"),
                                  [(d.graph, d.triples, d.method) for d in done]))
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    from finops_kg.views.export import check_extension, check_format, export
    from finops_kg.graph.load import check_edition
    from finops_kg.views.network import check_view

    check_format(args.format)
    check_view(args.view)
    check_edition(args.edition)
    if args.out:
        check_extension(args.out, args.format)
    _write_output(args.out, export(args.format, args.edition, args.view))
    return EXIT_OK


def _write_output(out: Path | None, data: bytes) -> None:
    """Write data to the file atomically, or to standard output when no file is given."""
    from finops_kg.graph.serialize import write_atomic

    if out:
        write_atomic(out, data)
        print(f"wrote {out} ({len(data)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)


def _run_viz(args: argparse.Namespace) -> int:
    from finops_kg.graph import resources
    from finops_kg.graph.serialize import write_atomic
    from finops_kg.graph.load import check_edition
    from finops_kg.release.dataset import load
    from finops_kg.views.pictures import FORMATS, KINDS, VizError, check_output, draw

    if args.kind not in KINDS:
        raise VizError(f"unknown kind {args.kind!r}; the kinds are: {', '.join(KINDS)}")
    check_edition(args.edition)
    default_name = args.kind + (f"-{args.name}" if args.name else "")
    out = args.out or Path(default_name.replace(" ", "-").lower() + FORMATS[args.kind][0])
    check_output(args.kind, out)
    editions = ({e: load(e) for e in resources.available_editions()}
                if args.kind == "network" else None)
    data = draw(args.kind, load(args.edition), out, args.name, editions)
    write_atomic(out, data)
    print(f"wrote {out} ({len(data)} bytes)", file=sys.stderr)
    return EXIT_OK


def _run_site(args: argparse.Namespace) -> int:
    from finops_kg.views.site import build_site_with_pictures

    files = build_site_with_pictures(args.out, args.edition)
    print(f"wrote {len(files)} files to {args.out}/; open {args.out / 'index.html'}",
          file=sys.stderr)
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from finops_kg.sparql.serve import Limits, serve

    serve(args.host, args.port, args.edition, tuple(args.data),
          Limits(seconds=args.timeout, rows=args.max_rows), cors=tuple(args.cors),
          announce=lambda url: print(f"finops-kg: serving {url} (Ctrl-C stops)", file=sys.stderr,
                                     flush=True))
    return EXIT_OK


def _edition_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edition", default="2026", help="Framework edition (default: 2026)")


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", action="append", default=[], type=Path, metavar="FILE",
                        help="add your own RDF, or an SSSOM set (.sssom.tsv) applied as SKOS, "
                        "to the edition's graph (repeatable)")


def _run_query(args: argparse.Namespace) -> int:
    from finops_kg.errors import InputError
    from finops_kg.sparql.catalogue import catalogue
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
    else:
        text = args.name or args.sparql
    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"--param {item!r}: write it as NAME=VALUE")
        params[name] = value
    result = query(text, engine=args.engine, endpoint=args.endpoint, data=args.data,
                   edition=args.edition, allow_service=args.allow_service, **params)
    _write_result(result, args.format)
    return EXIT_OK


def _write_result(result: Any, fmt: str) -> None:
    from finops_kg.graph.serialize import serialize

    if result.graph is not None:
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


def _run_diff(args: argparse.Namespace) -> int:
    from finops_kg.diff import diff_editions, to_graph, to_json, to_table
    from finops_kg.graph.serialize import serialize

    changes = diff_editions(args.old, args.new)
    if args.format == "table":
        sys.stdout.write(to_table(changes))
    elif args.format == "json":
        sys.stdout.write(to_json(changes, args.old, args.new))
    else:
        sys.stdout.buffer.write(serialize(to_graph(changes, args.old, args.new), "turtle"))
    return EXIT_OK


def _run_stats(args: argparse.Namespace) -> int:
    from finops_kg.release.build import individuals_per_class
    from finops_kg.release.dataset import load
    from finops_kg.release.reason import entailments
    from finops_kg.stats import coverage, coverage_table, gap_table, gaps, to_json

    graph = load(args.edition)
    counts = individuals_per_class(graph, entailments(graph))
    rows, found = coverage(graph), gaps(graph)
    if args.format == "json":
        sys.stdout.write(to_json(counts, rows, found))
        return EXIT_OK
    sys.stdout.write(render_table(("class", "individuals"), counts))
    print(f"\nCoverage of the {args.edition} capabilities "
          "(activities per persona, characteristics per level, and links)\n")
    sys.stdout.write(coverage_table(rows))
    explained = sum(bool(g.reason) for g in found)
    print(f"\nContent gaps: {len(found)} ({explained} with a stated reason)\n")
    if found:
        sys.stdout.write(gap_table(found))
    return EXIT_OK


def _run_build(args: argparse.Namespace) -> int:
    from finops_kg.release.build import build

    result = build(args.out, edition=args.edition, all_editions=args.all_editions)
    rows = [("triples (asserted)", result.asserted_triples),
            ("triples (with entailments)", result.inferred_triples)]
    rows += result.individuals_per_class
    sys.stdout.write(render_table(("", "count"), rows))
    if not result.ok:
        for line in result.problems():
            print(line, file=sys.stderr)
        print(f"finops-kg: build failed: {len(result.problems())} problems; nothing was written",
              file=sys.stderr)
        return EXIT_FINDINGS
    print(f"\nWrote {len(result.files)} files to {result.out_dir}/: "
          + ", ".join(path.name for path in result.files))
    return EXIT_OK


def _run_validate(args: argparse.Namespace) -> int:
    from finops_kg.graph.serialize import serialize
    from finops_kg.release.validate import validate_files

    report = validate_files(args.files, edition=args.edition)
    if args.format == "text":
        sys.stdout.write(report.text)
    elif args.format == "json":
        sys.stdout.write(report.to_json())
    else:
        sys.stdout.buffer.write(serialize(report.graph, "turtle"))
    return EXIT_OK if report.conforms else EXIT_FINDINGS


if __name__ == "__main__":
    raise SystemExit(main())
