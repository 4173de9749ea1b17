"""The release commands: build, validate, diff and stats."""

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
    format_option,
)


def register(commands: Any) -> None:
    """Add build, validate, diff and stats to the command line."""
    add_command(
        commands, "build", summary="validate, reason and write one edition's release files",
        description="""Load the ontology and one edition, check them against the SHACL shapes and
            the hygiene queries, add the OWL 2 RL entailments and the derived links, and write
            the release into a folder: Turtle, JSON-LD and N-Triples, the inferred and the
            derived graph, and the validation report. Prints the triples and the individuals
            per class.

            A failed check prints one line per problem, exits 1 and writes nothing: the previous
            release in the folder stays as it was. Two builds of the same sources are
            byte-identical.

            The folder changes as a whole: the new release is written into a hidden folder
            beside it (.NAME.finops-kg-new-*) and the two are swapped with one rename, so a
            reader, or a kill at any moment, finds the previous release or the new one, never a
            mix; the next build removes what a killed one left. The folder must therefore hold
            nothing but the files a build writes (any other file is refused, exit 2, and nothing
            is touched), its parent must be writable, and it cannot be the current folder or a
            mount point.""",
        examples=["finops-kg build                               # the current edition into dist/",
                  "finops-kg build --out release --all-editions  # also every edition as TriG"],
        arguments=_build_arguments, run=run_build)
    add_command(
        commands, "validate", summary="check your own RDF, with the Framework, against the shapes",
        description="""Read your RDF files (any format rdflib reads, chosen by each file's
            extension) together with the Framework edition and validate them against the SHACL
            shapes. With --workspace DIR (or FINOPS_KG_WORKSPACE) and no FILE, validate the
            graphs loaded into that workspace with the Framework edition it holds, without
            reading any file again. The text report has one line per result: severity | focus
            node (label) | path | value | message. Exits 0 when the data conforms and 1 when it
            does not.

            The shapes run as whole-graph SPARQL queries on an in-memory Oxigraph store (the
            fast engine); --engine pyshacl runs pySHACL on rdflib instead, the reference, which
            reports the same results far more slowly. See docs/performance.md.""",
        examples=["finops-kg validate data/examples/acme/assessments.ttl",
                  "finops-kg validate mine.ttl more.jsonld --format json --edition 2025",
                  "finops-kg validate --workspace acme-ws"],
        arguments=_validate_arguments, run=run_validate)
    add_command(
        commands, "diff", summary="the typed changes between two editions",
        description="""List what changed between two editions, one change per line: renamed,
            added, removed, merged-into, moved-domain and definition-changed. Each change says
            whether the two graphs, an edition-change record or both support it, and how
            confident the sources are.""",
        examples=["finops-kg diff 2025 2026",
                  "finops-kg diff 2025 2026 --format json                # the same, for programs"],
        arguments=_diff_arguments, run=run_diff)
    add_command(
        commands, "stats", summary="counts, per-capability coverage and content gaps",
        description="""Count the individuals of each class, show how completely each capability
            is described (activities per persona, characteristics per level, areas, measures of
            success, KPIs, inputs and outputs) and list the content gaps, each with the reason
            the graph gives for it.""",
        examples=["finops-kg stats",
                  "finops-kg stats --edition 2025 --format json"],
        arguments=_stats_arguments, run=run_stats)


def _build_arguments(parser: Command) -> None:
    parser.add_argument("--out", default="dist", type=Path, help="output folder (default: dist)")
    edition_option(parser)
    parser.add_argument("--all-editions", action="store_true",
                        help="also check every edition and write them all to finops-kg.trig")


def _validate_arguments(parser: Command) -> None:
    from finops_kg.cli.workspace import workspace_option

    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="RDF files in any format rdflib reads, guessed from the extension")
    format_option(parser, ("text", "turtle", "json"), "text", "report format")
    edition_option(parser, workspace=True)
    parser.add_argument("--engine", choices=("fast", "pyshacl"), default=None,
                        help="fast: the shapes compiled to SPARQL, run on Oxigraph (default); "
                             "pyshacl: pySHACL on rdflib, the reference; both report the same")
    workspace_option(parser)


def _diff_arguments(parser: Command) -> None:
    parser.add_argument("old", metavar="OLD", help="the earlier edition, such as 2025")
    parser.add_argument("new", metavar="NEW", help="the later edition, such as 2026")
    format_option(parser, ("table", "json", "turtle"), "table")


def _stats_arguments(parser: Command) -> None:
    edition_option(parser)
    format_option(parser, ("table", "json"), "table")


def run_build(args: argparse.Namespace) -> int:
    """Build the release and print its summary; exit 1 when a check fails."""
    from finops_kg.release.build import build

    from finops_kg.table import render_table

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


def run_validate(args: argparse.Namespace) -> int:
    """Validate the user's files, or a workspace, and print the report; exit 1 when they do not
    conform."""
    from finops_kg.cli.workspace import chosen_workspace
    from finops_kg.errors import InputError

    if args.workspace is not None and args.files:
        raise InputError("give FILE... or --workspace, not both; load the files into the "
                         "workspace with finops-kg workspace load")
    workspace = chosen_workspace(argparse.Namespace(workspace=args.workspace, data=args.files,
                                                    endpoint=None))
    if workspace is not None:
        report = _validate_workspace(workspace, args.edition, args.engine)
    elif not args.files:
        raise InputError("give the FILEs to validate, or --workspace DIR (or set "
                         "FINOPS_KG_WORKSPACE)")
    else:
        from finops_kg.graph.iris import DEFAULT_EDITION
        from finops_kg.release.validate import validate_files

        report = validate_files(args.files, edition=args.edition or DEFAULT_EDITION,
                                engine=args.engine or "fast", progress=_progress())
    for shape in report.fallback_shapes:
        print(f"finops-kg: note: {shape} was checked by pySHACL", file=sys.stderr)
    if args.format == "text":
        sys.stdout.write(report.text)
    elif args.format == "json":
        sys.stdout.write(report.to_json())
    else:
        from finops_kg.graph.serialize import serialize

        sys.stdout.buffer.write(serialize(report.graph, "turtle"))
    return EXIT_OK if report.conforms else EXIT_FINDINGS


def _validate_workspace(folder: Path, edition: str | None, engine: str | None) -> Any:
    """Validate the Framework and the user's graphs in a workspace with the fast engine."""
    from finops_kg.errors import InputError
    from finops_kg.release.shapes.run import validate_store
    from finops_kg.workspace import Workspace

    if engine == "pyshacl":
        raise InputError("a workspace is validated by the fast engine; leave out --engine")
    workspace = Workspace.open(folder)
    view = workspace.view()
    if edition is not None and edition != view.edition:
        raise InputError(f"{folder} holds your graphs with the {view.edition} edition, not "
                         f"{edition}; leave out --edition")
    triples = sum(record.triples for record in workspace.list())
    if triples >= 500_000:  # about 2 s to read
        print(f"finops-kg: reading the {triples:,} triples of your graphs into memory",
              file=sys.stderr, flush=True)
    return validate_store(workspace.data_store(), progress=_progress())


def _progress() -> Any:
    """Return a progress callback that reports on stderr once validation has taken 2 s."""
    import time

    start = last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - start >= 2 and (now - last >= 2 or done == total):
            last = now
            print(f"finops-kg: validating: {done} of {total} queries run", file=sys.stderr,
                  flush=True)
    return report


def run_diff(args: argparse.Namespace) -> int:
    """Print the typed changes between two editions."""
    from finops_kg.graph.resources import check_edition
    from finops_kg.release.memo import memoised

    check_edition(args.old)
    check_edition(args.new)
    sys.stdout.buffer.write(memoised("diff", (args.old, args.new, args.format),
                                     lambda: _diff_output(args.old, args.new, args.format)))
    return EXIT_OK


def _diff_output(old: str, new: str, format: str) -> bytes:
    from finops_kg.diff import diff_editions, to_graph, to_json, to_table
    from finops_kg.graph.serialize import serialize

    changes = diff_editions(old, new)
    if format == "table":
        return to_table(changes).encode()
    if format == "json":
        return to_json(changes, old, new).encode()
    return serialize(to_graph(changes, old, new), "turtle")


def run_stats(args: argparse.Namespace) -> int:
    """Print the counts, the coverage table and the content gaps of one edition."""
    from finops_kg.graph.resources import check_edition
    from finops_kg.release.memo import memoised

    check_edition(args.edition)
    sys.stdout.buffer.write(memoised("stats", (args.edition, args.format),
                                     lambda: _stats_output(args.edition, args.format)))
    return EXIT_OK


def _stats_output(edition: str, format: str) -> bytes:
    from finops_kg.stats import coverage_table, gap_table, summary, to_json
    from finops_kg.table import render_table

    counts, rows, found = summary(edition)
    if format == "json":
        return to_json(counts, rows, found).encode()
    explained = sum(bool(g.reason) for g in found)
    parts = [render_table(("class", "individuals"), counts),
             f"\nCoverage of the {edition} capabilities "
             "(activities per persona, characteristics per level, and links)\n\n",
             coverage_table(rows),
             f"\nContent gaps: {len(found)} ({explained} with a stated reason)\n\n"]
    if found:
        parts.append(gap_table(found))
    return "".join(parts).encode()
