"""The finops-kg command line: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from finops_kg.table import render_table

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the finops-kg command line and return its exit code."""
    from finops_kg.errors import FinopsKGError

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
    build.add_argument("--edition", default="2026", help="Framework edition (default: 2026)")
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
    stats.add_argument("--edition", default="2026", help="Framework edition (default: 2026)")
    stats.add_argument("--format", choices=("table", "json"), default="table",
                       help="output format (default: table)")
    stats.set_defaults(run=_run_stats)
    return parser


def _run_diff(args: argparse.Namespace) -> int:
    from finops_kg.diff import diff_editions, to_graph, to_json, to_table
    from finops_kg.export import serialize

    changes = diff_editions(args.old, args.new)
    if args.format == "table":
        sys.stdout.write(to_table(changes))
    elif args.format == "json":
        sys.stdout.write(to_json(changes, args.old, args.new))
    else:
        sys.stdout.buffer.write(serialize(to_graph(changes, args.old, args.new), "turtle"))
    return EXIT_OK


def _run_stats(args: argparse.Namespace) -> int:
    from finops_kg.build import individuals_per_class
    from finops_kg.load import load
    from finops_kg.reason import entailments
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
    from finops_kg.build import build

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
    from finops_kg.export import serialize
    from finops_kg.validate import validate_files

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
