"""The commands that show the graph: export, viz and site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from finops_kg.cli.common import (
    EXIT_OK,
    Command,
    add_command,
    edition_option,
    format_option,
    write_output,
)
from finops_kg.cli.workspace import chosen_workspace, workspace_option


def register(commands: Any) -> None:
    """Add export, viz and site to the command line."""
    add_command(
        commands, "export", summary="write the graph in an RDF, graph or tabular format",
        description="""Write one edition as RDF (turtle, jsonld, nt, xml), every edition as TriG,
            one view as a graph for Gephi, Cytoscape or yEd (graphml, gexf, dot, mermaid,
            cytoscape-json), the capability by persona matrix as csv, or an ArchiMate 3.1
            exchange model (archimate). The output file's extension must fit the format; without
            --out the result goes to standard output.""",
        examples=[("finops-kg export --format graphml --view capability-persona "
                   "--out finops.graphml"),
                  "finops-kg export --format mermaid --view domain-capability"],
        arguments=_export_arguments, run=run_export)
    add_command(
        commands, "viz",
        summary="draw the matrix, the network explorer, the domains or an ego view",
        description="""Draw one picture. KIND is matrix (the capability by persona matrix, SVG or
            PNG), network (an interactive explorer in one HTML file that works offline), domains
            (SVG or PNG), or persona NAME or capability NAME (the neighbourhood of one, as SVG,
            PNG or Mermaid .mmd). The extension of --out picks the format. With --workspace DIR
            the graphs you loaded into it join the workspace's edition in the picture.""",
        examples=["finops-kg viz network --out explorer.html",
                  "finops-kg viz persona Finance --out finance.svg",
                  "finops-kg viz matrix --workspace acme-ws --out acme-matrix.svg"],
        arguments=_viz_arguments, run=run_viz)
    add_command(
        commands, "site", summary="write a static documentation site that works offline",
        description="""Write a page for every principle, persona, phase, maturity level, domain,
            capability, KPI, technology category and edition change, with indexes, the
            explorer, the matrix and the ontology reference. All links are relative, so the site
            works from file:// as well as from any web server.""",
        examples=["finops-kg site --out site",
                  "finops-kg site --out site-2025 --edition 2025"],
        arguments=_site_arguments, run=run_site)


def _export_arguments(parser: Command) -> None:
    from finops_kg.views.export import EXPORT_FORMATS
    from finops_kg.views import VIEWS

    format_option(parser, EXPORT_FORMATS, None)
    edition_option(parser)
    parser.add_argument("--view", choices=VIEWS, default=VIEWS[0], metavar="VIEW",
                        help="for the graph formats, which nodes and edges: %(choices)s "
                        "(default: %(default)s)")
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")


def _viz_arguments(parser: Command) -> None:
    from finops_kg.views.pictures import KINDS

    parser.add_argument("kind", choices=KINDS, metavar="KIND", help="%(choices)s")
    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="for persona and capability: which one")
    parser.add_argument("--out", type=Path,
                        help="output file; its extension picks the format (default: named "
                        "after KIND and NAME, such as matrix.svg or persona-finance.svg)")
    edition_option(parser)
    workspace_option(parser)


def _site_arguments(parser: Command) -> None:
    parser.add_argument("--out", type=Path, default=Path("site"),
                        help="output folder (default: site)")
    edition_option(parser)


def run_export(args: argparse.Namespace) -> int:
    """Write one export to its file or to standard output."""
    from finops_kg.graph.resources import check_edition
    from finops_kg.views.export import check_extension, export

    check_edition(args.edition)
    if args.out:
        check_extension(args.out, args.format)
    write_output(args.out, export(args.format, args.edition, args.view))
    return EXIT_OK


def run_viz(args: argparse.Namespace) -> int:
    """Draw one picture into its file."""
    from finops_kg.graph import resources
    from finops_kg.graph.resources import check_edition
    from finops_kg.release.dataset import load
    from finops_kg.release.memo import memoised
    from finops_kg.views.pictures import FORMATS, check_output, draw

    check_edition(args.edition)
    default_name = args.kind + (f"-{args.name}" if args.name else "")
    out = args.out or Path(default_name.replace(" ", "-").lower() + FORMATS[args.kind][0])
    check_output(args.kind, out)
    workspace = chosen_workspace(args)
    users = _workspace_graph(workspace) if workspace is not None else None

    def picture() -> bytes:
        editions = ({e: load(e) for e in resources.available_editions()}
                    if args.kind == "network" else None)
        graph = editions[args.edition] if editions else load(args.edition)
        if users is not None and users[0] == args.edition:
            graph += users[1]
        return draw(args.kind, graph, out, args.name, editions)

    if users is not None:  # a workspace changes under the same name: its pictures are not kept
        write_output(out, picture())
        return EXIT_OK
    key = (args.kind, args.name or "", args.edition, out.suffix.lower())
    write_output(out, memoised("viz", key, picture))
    return EXIT_OK


def _workspace_graph(folder: Path) -> tuple[str, Any]:
    """Return a workspace's edition and the triples of the graphs the user loaded into it."""
    from pyoxigraph import NamedNode
    from rdflib import Graph

    from finops_kg.graph.terms import to_rdflib
    from finops_kg.workspace import Workspace

    workspace = Workspace.open(folder)
    try:
        store, graph = workspace.store(), Graph()
        for record in workspace.list():
            for quad in store.quads_for_pattern(None, None, None, NamedNode(record.graph)):
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                           to_rdflib(quad.object)))
        return workspace.info.edition, graph
    finally:
        workspace.close()


def run_site(args: argparse.Namespace) -> int:
    """Write the site into its folder."""
    from finops_kg.views.site import build_site_with_pictures

    files = build_site_with_pictures(args.out, args.edition)
    print(f"wrote {len(files)} files to {args.out}/; open {args.out / 'index.html'}",
          file=sys.stderr)
    return EXIT_OK
