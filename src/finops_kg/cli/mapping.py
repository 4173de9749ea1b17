"""The map commands: list, check, apply and import SSSOM mapping sets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from finops_kg.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Command,
    add_command,
    edition_option,
    key_values,
    write_output,
)
from finops_kg.errors import FinopsKGError
from finops_kg.table import render_table


def register(commands: Any) -> None:
    """Add map and its subcommands to the command line."""
    add_command(
        commands, "map", summary="list, check, apply and import SSSOM mapping sets",
        description="""Work with SSSOM/TSV mapping sets that link the Framework's terms to your
            own (roles, org units, an ontology) or to other frameworks. Without FILE, list, check
            and apply use the curated sets in data/mappings. Each action has its own options:
            see finops-kg map ACTION --help.""",
        examples=["finops-kg map check my-roles.sssom.tsv --target my-ontology.ttl",
                  "finops-kg map list"],
        arguments=_map_actions)


def _map_actions(parser: Command) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_command(
        actions, "list", summary="the mapping sets and the rows in each",
        description="List mapping sets with the number of mapping rows in each, without checking "
                    "them.",
        examples=["finops-kg map list                               # the curated sets"],
        arguments=_files_argument, run=run_list)
    add_command(
        actions, "check", summary="each problem of a mapping set, by file, line and field",
        description="""Check mapping sets and print each problem as FILE:LINE: field: message,
            then a table with each set's rows, problems and the cardinality of its pairs. Every
            subject must be in the Framework edition and, with --target, every object in your
            ontology. Exits 1 when a set has a problem.""",
        examples=[("finops-kg map check data/examples/acme/roles.sssom.tsv "
                   "--target data/examples/acme/roles.ttl")],
        arguments=_check_arguments, run=run_check)
    add_command(
        actions, "apply", summary="the mappings of clean sets as TriG",
        description="""Turn mapping sets into triples: TriG with one named graph per set, named by
            its mapping_set_id. A set that fails its check is refused and nothing is written.
            Negative mappings add no triple.""",
        examples=["finops-kg map apply my-roles.sssom.tsv --as owl --out bridged.trig"],
        arguments=_apply_arguments, run=run_apply)
    add_command(
        actions, "import-csv", summary="turn a plain CSV into an SSSOM/TSV mapping set",
        description="""Read a CSV with the columns subject, predicate and object (and optionally
            justification, confidence and comment) and write it as an SSSOM/TSV set. Full IRIs
            are shortened with the Framework's prefixes and those given with --prefix.""",
        examples=[("finops-kg map import-csv roles.csv --set-id https://acme.example/roles "
                   "--prefix acme=https://acme.example/ --out roles.sssom.tsv")],
        arguments=_import_arguments, run=run_import_csv)


def _files_argument(parser: Command) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="SSSOM/TSV mapping sets (default: the curated sets in data/mappings)")


def _check_arguments(parser: Command) -> None:
    _files_argument(parser)
    parser.add_argument("--target", type=Path, metavar="FILE",
                        help="the target ontology every object must be in")
    edition_option(parser)


def _apply_arguments(parser: Command) -> None:
    _files_argument(parser)
    parser.add_argument("--as", dest="as_", choices=("skos", "owl"), default="skos",
                        help="owl writes an exactMatch between classes as owl:equivalentClass; "
                        "individuals keep skos:exactMatch (default: %(default)s)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="the .trig file to write (default: standard output)")
    edition_option(parser)


def _import_arguments(parser: Command) -> None:
    parser.add_argument("csv", type=Path, metavar="CSV", help="the CSV file to import")
    parser.add_argument("--set-id", required=True, metavar="IRI",
                        help="the new set's mapping_set_id")
    parser.add_argument("--license", metavar="IRI",
                        help="the new set's licence (default: SSSOM's unspecified licence)")
    parser.add_argument("--prefix", action="append", default=[], metavar="NAME=NAMESPACE",
                        help="a prefix for your IRIs (repeatable)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="the .sssom.tsv file to write (default: standard output)")


def _mapping_sets(files: list[Path]) -> list[Path]:
    from finops_kg.graph.resources import mapping_set_files

    files = files or mapping_set_files()
    if not files:
        raise FinopsKGError("no mapping set given, and data/mappings holds none")
    return files


def run_list(args: argparse.Namespace) -> int:
    """Print each mapping set with its number of rows."""
    from finops_kg.mapping.sssom import count_rows

    sys.stdout.write(render_table(("mapping set", "rows"),
                                  [(str(path), count_rows(path))
                                   for path in _mapping_sets(args.files)]))
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """Print each problem and a summary table; exit 1 when a set has a problem."""
    from finops_kg.graph.resources import check_edition
    from finops_kg.mapping.sssom import check

    check_edition(args.edition)
    results = [check(path, args.target, args.edition) for path in _mapping_sets(args.files)]
    for result in results:
        for problem in result.problems:
            print(problem)
    sys.stdout.write(render_table(
        ("mapping set", "rows", "problems", "cardinality"),
        [(str(r.path), r.rows, len(r.problems),
          ", ".join(f"{k} {v}" for k, v in sorted(r.cardinality.items()))) for r in results]))
    return EXIT_OK if all(r.ok for r in results) else EXIT_FINDINGS


def run_apply(args: argparse.Namespace) -> int:
    """Write the mappings of clean sets as TriG."""
    from finops_kg.graph.resources import check_edition
    from finops_kg.graph.serialize import serialize_trig
    from finops_kg.mapping.sssom import apply
    from finops_kg.views.export import check_extension

    check_edition(args.edition)
    files = _mapping_sets(args.files)
    if args.out:
        check_extension(args.out, "trig")  # one named graph per set: Turtle cannot hold it
    write_output(args.out, serialize_trig(apply(files, as_owl=args.as_ == "owl",
                                                edition=args.edition)))
    return EXIT_OK


def run_import_csv(args: argparse.Namespace) -> int:
    """Write a plain CSV as an SSSOM/TSV mapping set."""
    from finops_kg.mapping.sssom import UNSPECIFIED_LICENSE, MappingError, import_csv

    prefixes = key_values(args.prefix, "--prefix", "NAME=NAMESPACE", MappingError,
                          empty_value=False)
    text = import_csv(args.csv, args.set_id, args.license or UNSPECIFIED_LICENSE, prefixes)
    write_output(args.out, text.encode("utf-8"))
    return EXIT_OK
