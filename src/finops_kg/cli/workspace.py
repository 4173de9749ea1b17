"""The workspace commands: init, load, list, drop, export and upgrade; and the --workspace option."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from finops_kg.cli.common import EXIT_OK, Command, add_command, edition_option, format_option
from finops_kg.table import render_table

ENVIRONMENT = "FINOPS_KG_WORKSPACE"
LIST_FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("trig", "nq")


def register(commands: Any) -> None:
    """Add workspace and its actions to the command line."""
    add_command(
        commands, "workspace", summary="keep the Framework and your own graphs in an on-disk store",
        description="""A workspace is a folder with an Oxigraph store that holds the Framework
            dataset and your own graphs: load your org chart, roles, people, mapping sets and
            assessments once, then give --workspace DIR (or set FINOPS_KG_WORKSPACE) to query,
            serve, viz and assess to read them from there. Each file goes to a named graph of its
            own and replaces what that graph held; a load that fails changes nothing. Each action
            has its own options: see finops-kg workspace ACTION --help. See docs/workspace.md.""",
        examples=["finops-kg workspace init acme-ws",
                  "finops-kg workspace load acme-ws data/examples/acme/assessments.ttl"],
        arguments=_actions)


def _actions(parser: Command) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_command(
        actions, "init", summary="create a workspace holding the Framework dataset",
        description="""Create DIR (or fill an empty folder) with an on-disk store holding the
            Framework dataset: the ontology, every edition with its entailments and the curated
            mapping sets. It records the finops-kg version, the dataset's key, the edition your
            graphs join and the time. A DIR that is already a workspace is left as it is; any
            other DIR that exists and is not empty is refused.""",
        examples=["finops-kg workspace init acme-ws",
                  "finops-kg workspace init acme-ws --edition 2025"],
        arguments=_init_arguments, run=run_init)
    add_command(
        actions, "load", summary="load files into their own graphs, all or nothing",
        description="""Load RDF (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD: the kind
            follows the extension) with Oxigraph's own parsers, and SSSOM sets (.sssom.tsv),
            checked first as map check does, then applied as SKOS, and filled assessment
            workbooks (.xlsx) or grids (.csv) from finops-kg assess template, read as assess
            import reads them, every bad cell named. Each file goes to the graph
            urn:finops-kg:workspace:file:NAME, or to --graph IRI, and replaces what that graph
            held; its triples also join the edition's graph, as --data joins them. Quads that a
            file puts in named graphs of its own keep those graphs, recorded as coming from the
            file. If any file fails (a syntax error, a bad mapping row), nothing changes and the
            error names the file and line. A long load reports its progress on stderr.""",
        examples=["finops-kg workspace load acme-ws data/examples/acme/organization.ttl "
                  "data/examples/acme/people.ttl data/examples/acme/roles.sssom.tsv",
                  "finops-kg workspace load acme-ws q3.ttl --graph https://acme.example/graph/q3"],
        arguments=_load_arguments, run=run_load)
    add_command(
        actions, "list", summary="your graphs: triples, source file, SHA-256, loaded at",
        description="""List the graphs you loaded, one line each, with the number of triples, the
            file each came from, that file's SHA-256 and when it was loaded.""",
        examples=["finops-kg workspace list acme-ws",
                  "finops-kg workspace list acme-ws --format json"],
        arguments=_list_arguments, run=run_list)
    add_command(
        actions, "drop", summary="remove one of your graphs",
        description="""Remove one of your graphs, named by its IRI or by the file name it was
            loaded from; a file's graph goes with the graphs that file named itself. The
            Framework's graphs cannot be dropped.""",
        examples=["finops-kg workspace drop acme-ws assessments.ttl",
                  "finops-kg workspace drop acme-ws urn:finops-kg:workspace:file:people.ttl"],
        arguments=_drop_arguments, run=run_drop)
    add_command(
        actions, "export", summary="write your graphs, or everything, as TriG or N-Quads",
        description="""Write your graphs as TriG or N-Quads, to --out (written whole or not at
            all) or to standard output. With --all, write the whole dataset a query sees: the
            default graph, the Framework's graphs, the edition's graph with your data, your
            graphs and the workspace's own record.""",
        examples=["finops-kg workspace export acme-ws --format trig --out acme.trig",
                  "finops-kg workspace export acme-ws --format nq --all --out everything.nq"],
        arguments=_export_arguments, run=run_export)
    add_command(
        actions, "upgrade", summary="bring in the current Framework, keeping your graphs",
        description="""Replace the Framework graphs of a workspace made by another finops-kg
            version, or with another Framework dataset, by the current ones; your graphs are
            kept and join the current edition's graph again.""",
        examples=["finops-kg workspace upgrade acme-ws"],
        arguments=_folder_argument, run=run_upgrade)


def workspace_option(parser: argparse.ArgumentParser) -> None:
    """Add --workspace: read a workspace instead of the compiled dataset and --data files."""
    parser.add_argument("--workspace", type=Path, metavar="DIR",
                        help=f"read the workspace in DIR: the Framework and the graphs you loaded "
                        f"(default: ${ENVIRONMENT} when set and no --data or --endpoint is given)")


def chosen_workspace(args: argparse.Namespace) -> Path | None:
    """Return the workspace a command reads: --workspace, else $FINOPS_KG_WORKSPACE unless the
    command was given --data or --endpoint, which say to read something else."""
    from finops_kg.errors import InputError

    given = getattr(args, "workspace", None)
    data, endpoint = getattr(args, "data", None), getattr(args, "endpoint", None)
    if given is not None:
        if data:
            raise InputError("give --workspace or --data, not both; load the files into the "
                             "workspace with finops-kg workspace load")
        if endpoint:
            raise InputError("give --workspace or --endpoint, not both")
        if getattr(args, "engine", "oxigraph") != "oxigraph":
            raise InputError("a workspace is read by the oxigraph engine; leave out --engine")
        return given
    environment = os.environ.get(ENVIRONMENT)
    if environment and not data and not endpoint and getattr(args, "engine", "oxigraph") == \
            "oxigraph":
        return Path(environment)
    return None


def _folder_argument(parser: Command) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the workspace folder")


def _init_arguments(parser: Command) -> None:
    _folder_argument(parser)
    edition_option(parser)


def _load_arguments(parser: Command) -> None:
    _folder_argument(parser)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="RDF files, SSSOM sets (.sssom.tsv) and assessment workbooks "
                        "(.xlsx, .csv) to load")
    parser.add_argument("--graph", metavar="IRI",
                        help="the graph to load a single FILE into (default: "
                        "urn:finops-kg:workspace:file:NAME, one per file name)")


def _list_arguments(parser: Command) -> None:
    _folder_argument(parser)
    format_option(parser, LIST_FORMATS, "table")


def _drop_arguments(parser: Command) -> None:
    _folder_argument(parser)
    parser.add_argument("graph", metavar="GRAPH",
                        help="the graph's IRI, or the name of the file it was loaded from")


def _export_arguments(parser: Command) -> None:
    _folder_argument(parser)
    format_option(parser, EXPORT_FORMATS, None)
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="the file to write (default: standard output)")
    parser.add_argument("--all", dest="everything", action="store_true",
                        help="write the Framework and the workspace's record too")


def _say(message: str) -> None:
    print(f"finops-kg: {message}", file=sys.stderr, flush=True)


def _progress(what: str, count: int) -> None:
    from finops_kg.workspace.workspace import COMPACTING

    _say(f"{what}: {count:,} triples" + ("" if what == COMPACTING else " so far"))


def run_init(args: argparse.Namespace) -> int:
    """Create the workspace, or say that it exists."""
    from finops_kg.workspace import Workspace

    workspace = Workspace.init(args.folder, args.edition)
    info = workspace.info
    what = f"created the workspace {args.folder}" if workspace.created else \
        f"{args.folder} is already a workspace"
    _say(f"{what}: the {info.edition} edition, Framework dataset {info.dataset_key}, "
         f"finops-kg {info.package_version}")
    return EXIT_OK


def run_load(args: argparse.Namespace) -> int:
    """Load the files and print a table of the graphs written."""
    # The assessment loaders live above the workspace layer and register themselves on import.
    import finops_kg.assess.loader  # noqa: F401
    from finops_kg.workspace import Workspace

    workspace = Workspace.open(args.folder)
    records = workspace.load(args.files, graph=args.graph, progress=_progress)
    sys.stdout.write(render_table(("graph", "triples", "source"),
                                  [(r.graph, r.triples, r.source) for r in records]))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """Print the user's graphs as a table, CSV or JSON."""
    import csv
    import io
    import json

    from finops_kg.workspace import Workspace

    records = Workspace.open(args.folder).list()
    columns = ("graph", "triples", "source", "sha256", "loaded_at", "part_of")
    rows = [(r.graph, r.triples, r.source, r.sha256, r.loaded_at, r.part_of or "")
            for r in records]
    if args.format == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, row), part_of=row[-1] or None)
                                     for row in rows], indent=2) + "\n")
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        sys.stdout.write(render_table(("graph", "triples", "source", "sha256", "loaded at"),
                                      [(g, n, s, h[:12], t) for g, n, s, h, t, _ in rows]))
    return EXIT_OK


def run_drop(args: argparse.Namespace) -> int:
    """Remove a graph and say what went."""
    from finops_kg.workspace import Workspace

    for record in Workspace.open(args.folder).drop(args.graph, progress=_progress):
        noun = "triple" if record.triples == 1 else "triples"
        _say(f"dropped <{record.graph}> ({record.triples} {noun} from {record.source})")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """Write the graphs to a file or to standard output."""
    from finops_kg.workspace import Workspace

    workspace = Workspace.open(args.folder)
    if args.out:
        count = workspace.export(args.out, args.format, everything=args.everything,
                                 progress=_progress)
        _say(f"wrote {args.out} ({count} quads)")
    else:
        workspace.export(sys.stdout.buffer, args.format, everything=args.everything,
                         progress=_progress)
        sys.stdout.buffer.flush()
    return EXIT_OK


def run_upgrade(args: argparse.Namespace) -> int:
    """Replace the Framework graphs and say from what to what."""
    from finops_kg.workspace import Workspace

    before, after = Workspace.open(args.folder, warn=False).upgrade(progress=_progress)
    if before == after:
        _say(f"{args.folder} already holds the current Framework (dataset {after.dataset_key}, "
             f"finops-kg {after.package_version})")
    else:
        _say(f"upgraded {args.folder}: Framework dataset {before.dataset_key} -> "
             f"{after.dataset_key}, finops-kg {before.package_version} -> {after.package_version};"
             " your graphs are kept")
    return EXIT_OK
