"""The answer commands: search (ranked search) and show (an element's card)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from finops_kg.cli.common import EXIT_OK, Command, add_command, edition_option, format_option

SEARCH_FORMATS = ("table", "csv", "json")
SHOW_FORMATS = ("markdown", "json")


def register(commands: Any) -> None:
    """Add search and show to the command line."""
    add_command(
        commands, "search", summary="find elements by name, job title or question (ranked)",
        description="""Rank the Framework's elements for TEXT: names, former and alternative
            names, definitions, activities, maturity characteristics, measures of success, KPI
            names, formulas and data sources, typical job titles, and the terms the curated
            mapping sets match. A job title finds its persona; a question in your own words
            finds the capability it is about; a misspelt word is read as the closest indexed
            one. Each hit gives its type, IRI, name, the text that matched, its finops.org page
            and a score; an activity or characteristic also names its capability.

            The index is built from the compiled dataset on first use and kept in the cache.""",
        examples=["finops-kg search how do we split the shared Kubernetes bill across teams",
                  "finops-kg search cloud architect --type persona",
                  "finops-kg search 'Workload Optimization' --edition 2025 --format json",
                  "finops-kg search alocation --limit 3 --format csv"],
        arguments=_search_arguments, run=run_search)
    add_command(
        commands, "show", summary="print the card of an element, with relations and citations",
        description="""Print everything the graph says about one element: its name, type,
            definition (in our own words), finops.org page, edition, source confidence,
            editorial notes and content gaps, and its relations; for a capability its domain,
            personas with their activities, maturity by level with numeric targets, KPIs with
            formulas, inputs and outputs, principles, crosswalks and edition changes. The card
            says which statements are derived rather than official, lists the IRIs and URLs
            it cites, and ends with the CC BY 4.0 attribution.

            NAME is a name (any case; former and alternative names count), an IRI or a CURIE
            such as fid:capability/allocation. An unknown name is an error that offers the
            closest names.""",
        examples=["finops-kg show Allocation",
                  "finops-kg show fid:persona/finance --format json",
                  "finops-kg show Sustainability --type persona",
                  "finops-kg show 'Workload Optimization' --edition 2025"],
        arguments=_show_arguments, run=run_show)


def _search_arguments(parser: Command) -> None:
    parser.add_argument("text", nargs="+", metavar="TEXT",
                        help="what to look for; several words need no quotes")
    from finops_kg.answer.kinds import TYPES

    parser.add_argument("--type", metavar="TYPE",
                        help=f"only elements of this type: {', '.join(TYPES)}")
    edition_option(parser)
    parser.add_argument("--limit", type=int, default=10, metavar="N",
                        help="how many hits at most, 1 to 100 (default: %(default)s)")
    format_option(parser, SEARCH_FORMATS, "table")


def _show_arguments(parser: Command) -> None:
    parser.add_argument("name", nargs="+", metavar="NAME",
                        help="a name, IRI or CURIE; several words need no quotes")
    parser.add_argument("--type", metavar="TYPE",
                        help="when the name is shared, the type to show, such as persona")
    edition_option(parser)
    format_option(parser, SHOW_FORMATS, "markdown")


def run_search(args: argparse.Namespace) -> int:
    """Search and print the hits in the format asked for."""
    from finops_kg.answer.index import index_is_ready
    from finops_kg.answer.search import check_search, search

    text = " ".join(args.text)
    check_search(text, args.type, args.limit)  # bad input fails before any work is announced
    if not index_is_ready(args.edition):
        print(f"finops-kg: building the search index of edition {args.edition} "
              "(once per dataset, a few seconds)", file=sys.stderr, flush=True)
    hits = search(text, type=args.type, edition=args.edition, limit=args.limit)
    if args.format == "json":
        import json

        document = {"query": text, "edition": args.edition, "type": args.type,
                    "hits": [hit.to_dict() for hit in hits]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        import csv
        from dataclasses import fields

        from finops_kg.answer.search import Hit

        columns = [f.name for f in fields(Hit)]
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for hit in hits:
            writer.writerow(["" if v is None else v for v in hit.to_dict().values()])
    else:
        from finops_kg.table import render_table

        rows = [(f"{hit.score:.2f}", hit.type, _cut(hit.name, 48),
                 _cut(hit.capability_name or "", 28), _cut(f"{hit.field}: {hit.snippet}", 72))
                for hit in hits]
        sys.stdout.write(render_table(("score", "type", "name", "capability", "match"), rows))
    if not hits:
        print(f"finops-kg: no element matches {text!r} in edition {args.edition}",
              file=sys.stderr)
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    """Print one element's card."""
    from finops_kg.answer.card import card

    shown = card(" ".join(args.name), edition=args.edition, type=args.type)
    sys.stdout.write(shown.to_json() if args.format == "json" else shown.markdown())
    return EXIT_OK


def _cut(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[:width - 1].rstrip("*")
    if cut.count("**") % 2:  # cut inside a marked word: close its mark after the ellipsis
        return cut[:width - 3] + "…**"
    return cut + "…"
