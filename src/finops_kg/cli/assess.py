"""The assess commands: workbook template, import, export, org charts from CSV, and the report."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import Any

from finops_kg.cli.common import EXIT_OK, Command, add_command, edition_option, write_output
from finops_kg.errors import InputError

WORKSPACE_ENV = "FINOPS_KG_WORKSPACE"


def register(commands: Any) -> None:
    """Add assess and its subcommands to the command line."""
    add_command(
        commands, "assess",
        summary="assessment workbooks: template, import, export, org charts, report",
        description="""Run a FinOps assessment with the Foundation's five lenses in a spreadsheet:
            write a template, fill it in, import it into a workspace, and export it back. Org
            charts and memberships come in from CSV. The report draws where each unit stands.
            Each action has its own options: see
            finops-kg assess ACTION --help, and docs/assess.md.""",
        examples=["finops-kg assess template --out q3.xlsx --unit 'Cloud Platform team'",
                  "finops-kg assess import q3.xlsx --workspace ws",
                  "finops-kg assess report --workspace ws --out report/"],
        arguments=_actions)


def _actions(parser: Command) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_command(
        actions, "template", summary="an empty assessment workbook (or its CSV form)",
        description="""Write an assessment workbook: the Assessment sheet (the unit, date, edition,
            assessors and lens weights on top, then one row per capability with a 0-4 drop-down
            for each lens, the target total 0-20 and the evidence), the Framework sheet
            (capabilities by domain, with our definitions and the finops.org links) and the
            Rubric sheet (the name of each lens's steps 0 to 4). With --out FILE.csv, the
            Assessment sheet alone, cell for cell. The bytes are the same on every run.""",
        examples=["finops-kg assess template --out q3.xlsx",
                  ("finops-kg assess template --out q3.xlsx --unit 'Cloud Platform team' "
                   "--capability Allocation --capability 'Anomaly Management'"),
                  "finops-kg assess template --out q3.csv --edition 2025"],
        arguments=_template_arguments, run=run_template)
    add_command(
        actions, "import", summary="a filled workbook or CSV into a workspace",
        description="""Read a filled assessment (.xlsx or .csv) and load it into a workspace as
            RDF, in its own named graph, replacing an earlier import of the same unit and day.
            Every bad cell is reported as Sheet!CELL: problem, and when there is any, nothing is
            loaded (exit 2). Units and people may be given by name when the workspace knows
            them. With --out FILE.nt the triples are written to a file instead.""",
        examples=["finops-kg assess import q3.xlsx --workspace ws",
                  ("finops-kg assess import q3.csv --unit https://example.org/acme/unit/finance "
                   "--out q3.nt")],
        arguments=_import_arguments, run=run_import)
    add_command(
        actions, "export", summary="assessments of a workspace back into the template's layout",
        description="""Write the assessments of a workspace as workbooks or CSV in the template's
            layout, so that a re-import gives the same triples. When one assessment matches,
            --out is a file; when several match, --out must be a folder, which gets one file
            per assessment, named after the unit and the day.""",
        examples=[("finops-kg assess export --workspace ws --format xlsx --unit "
                   "'Cloud Platform team' --date 2026-09-30 --out cloud-q3.xlsx"),
                  "finops-kg assess export --workspace ws --format csv --out exported/"],
        arguments=_export_arguments, run=run_export)
    add_command(
        actions, "org", summary="org charts and memberships from CSV into W3C ORG",
        description="""Read org charts (header unit,parent,name: an org:OrganizationalUnit per
            row, org:subOrganizationOf its parent) and memberships (header person,unit,role, and
            optionally name: an org:Membership per row, with the role as an org:Role) and load
            them into a workspace, one graph per file, or write them as N-Triples. Keys that
            are not IRIs are named under --base, as the Acme example does. A byte-order mark,
            semicolons and tabs are accepted.""",
        examples=[("finops-kg assess org units.csv people.csv --base https://example.org/acme/ "
                   "--workspace ws"),
                  "finops-kg assess org units.csv --base https://example.org/acme/ --out org.nt"],
        arguments=_org_arguments, run=run_org)
    add_command(
        actions, "report", summary="an offline HTML report of the assessments, with SVG charts",
        description="""Write DIR/index.html: one page that opens offline, with the scores of each
            unit by capability and lens, the lens make-up of each capability, the progress to
            target, a lens profile per unit, the change since the previous assessment, the
            roll-up through the org hierarchy, and who should act on each unit's weakest
            capabilities. Every number on the page is a row of a catalogue query (lens-scores,
            assessment-heatmap, progress-to-target, score-trend, weakest-lenses, org-rollup,
            who-should-act), run on a workspace, on the Framework with --data files, or on a
            SPARQL endpoint that holds your published data (finops-kg publish --data). The page
            is written to a new folder that replaces DIR whole, so a failure leaves the earlier
            report as it was; DIR must be new, empty, or an earlier report's folder. An
            endpoint that cannot be reached exits 3.""",
        examples=["finops-kg assess report --workspace ws --out report/",
                  ("finops-kg assess report --data assessments.ttl --data people.ttl "
                   "--out report/"),
                  ("finops-kg assess report --endpoint http://localhost:8890/sparql "
                   "--edition 2026 --out report/")],
        arguments=_report_arguments, run=run_report)


def _workspace_option(parser: Command, required: bool = False) -> None:
    parser.add_argument("--workspace", type=Path, metavar="DIR",
                        default=os.environ.get(WORKSPACE_ENV) or None,
                        help=f"the workspace folder (or set {WORKSPACE_ENV})"
                        + ("" if required else "; it also looks up units and people by name"))


def _template_arguments(parser: Command) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the .xlsx workbook or .csv grid to write")
    parser.add_argument("--capability", action="append", default=[], metavar="NAME",
                        help="list only this capability (repeatable; default: all of the edition)")
    parser.add_argument("--unit", metavar="NAME", help="the unit assessed, filled into the sheet")
    edition_option(parser)


def _import_arguments(parser: Command) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the filled .xlsx or .csv")
    _workspace_option(parser)
    parser.add_argument("--unit", metavar="IRI|NAME",
                        help="the unit assessed, instead of the sheet's Unit cell")
    parser.add_argument("--out", type=Path, metavar="FILE.nt",
                        help="write the triples as N-Triples instead of loading them")


def _export_arguments(parser: Command) -> None:
    from finops_kg.assess.files import FORMATS
    from finops_kg.cli.common import format_option

    _workspace_option(parser, required=True)
    format_option(parser, FORMATS, None, "xlsx (workbooks) or csv (the Assessment sheet)")
    # a string, not a Path, which would drop the trailing slash that marks a folder to be made
    parser.add_argument("--out", required=True, metavar="FILE|DIR",
                        help="the file to write, or a folder (an existing one, or a name ending "
                        "in /) for one file per assessment")
    parser.add_argument("--unit", action="append", default=[], metavar="IRI|NAME",
                        help="only this unit's assessments (repeatable)")
    parser.add_argument("--date", type=_day, metavar="DAY",
                        help="only the assessments of this day, such as 2026-09-30")


def _org_arguments(parser: Command) -> None:
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE.csv",
                        help="org charts (unit,parent,name) and memberships (person,unit,role)")
    parser.add_argument("--base", metavar="IRI",
                        help="the namespace for keys that are not IRIs, such as "
                        "https://example.org/acme/")
    _workspace_option(parser)
    parser.add_argument("--out", type=Path, metavar="FILE.nt",
                        help="write the triples as N-Triples instead of loading them")


def _report_arguments(parser: Command) -> None:
    from finops_kg.cli.common import data_option
    from finops_kg.cli.workspace import workspace_option

    workspace_option(parser)
    data_option(parser)
    parser.add_argument("--endpoint", metavar="URL",
                        help="run the queries on this SPARQL 1.1 endpoint instead")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the report's folder: new, empty, or an earlier report's")
    edition_option(parser, workspace=True)


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day such as 2026-09-30") from None


def run_template(args: argparse.Namespace) -> int:
    """Write the empty workbook or CSV."""
    from finops_kg.assess.files import format_of, template_bytes

    data = template_bytes(format_of(args.out), args.edition, args.capability, args.unit)
    write_output(args.out, data)
    return EXIT_OK


def _target(args: argparse.Namespace) -> None:
    if args.out is None and args.workspace is None:
        raise InputError(f"give --workspace DIR (or set {WORKSPACE_ENV}) to load into, or --out "
                         "FILE.nt to write the triples")
    if args.out is not None and args.out.suffix.lower() != ".nt":
        raise InputError(f"{args.out}: the triples are N-Triples; name the file FILE.nt")


def run_import(args: argparse.Namespace) -> int:
    """Read a filled assessment and load it, or write its triples."""
    from finops_kg.assess.files import read_assessment
    from finops_kg.assess.iris import assessment_iri
    from finops_kg.assess.rdf import to_ntriples

    _target(args)
    use_workspace = args.out is None
    directory = _directory(args.workspace) if args.workspace is not None else None
    assessment = read_assessment(args.file, directory, args.unit)
    data = to_ntriples([assessment])
    graph = assessment_iri(assessment.unit, assessment.date)
    if use_workspace:
        from finops_kg.assess.loader import load_prepared

        load_prepared(args.workspace, {args.file: data}, graph)
        print(f"loaded {args.file} into {args.workspace} as the graph {graph} "
              f"({_count(data)} triples)", file=sys.stderr)
    else:
        write_output(args.out, data)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """Write assessments of a workspace in the template's layout."""
    from finops_kg.assess.directory import Directory
    from finops_kg.assess.files import export_bytes, export_name, resolve_units
    from finops_kg.assess.iris import is_iri
    from finops_kg.assess.loader import reading
    from finops_kg.assess.rdf import read_assessments
    from finops_kg.graph.files import write_atomic

    if args.workspace is None:
        raise InputError(f"give --workspace DIR (or set {WORKSPACE_ENV})")
    with reading(args.workspace) as (store, graphs):
        directory = None if all(is_iri(u) for u in args.unit) else Directory(store)
        units = [iri for value in args.unit for iri in resolve_units(value, directory)]
        chosen = read_assessments(store, graphs, units, args.date)
    if not chosen:
        raise InputError(f"{args.workspace}: no assessment matches")
    folder = Path(args.out).is_dir() or args.out.endswith(("/", os.sep))
    out = Path(args.out)
    if len(chosen) > 1 and not folder:
        raise InputError(f"{len(chosen)} assessments match; narrow them with --unit and --date, "
                         "or give a folder as --out to write one file each")
    if folder:
        # all files are made before the first is written, so a failure leaves none half-done
        outputs = [(out / export_name(a, args.format), export_bytes(a, args.format))
                   for a in chosen]
        for path, data in outputs:
            write_atomic(path, data)
        print(f"wrote {len(outputs)} files into {out}", file=sys.stderr)
    else:
        if out.suffix.lower() != f".{args.format}":
            raise InputError(f"{out}: --format {args.format} writes a .{args.format} file")
        write_output(out, export_bytes(chosen[0], args.format))
    return EXIT_OK


def run_org(args: argparse.Namespace) -> int:
    """Turn org-chart and membership CSVs into W3C ORG, then load or write them."""
    from finops_kg.assess.org import org_ntriples

    _target(args)
    directory = _directory(args.workspace) if args.workspace is not None else None
    payloads = org_ntriples(args.files, args.base, directory)
    if args.out is None:
        from finops_kg.assess.loader import load_prepared

        load_prepared(args.workspace, payloads)
        for path, data in payloads.items():
            print(f"loaded {path} into {args.workspace} ({_count(data)} triples)", file=sys.stderr)
    else:
        lines = {line for data in payloads.values() for line in data.splitlines(keepends=True)}
        write_output(args.out, b"".join(sorted(lines)))
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    """Run the report's queries on the workspace, the data or the endpoint and write the pages."""
    import time

    from finops_kg.assess.report import write_report
    from finops_kg.cli.workspace import chosen_workspace
    from finops_kg.graph.resources import check_edition
    from finops_kg.sparql.query import runner_for

    workspace = chosen_workspace(args)
    if args.data and args.endpoint:
        raise InputError("give --data or --endpoint, not both; to report on your files at an "
                         "endpoint, publish them there first with finops-kg publish --data")
    if workspace is None and not args.data and not args.endpoint:
        raise InputError(f"give --workspace DIR (or set {WORKSPACE_ENV}), --data FILE or "
                         "--endpoint URL: the assessments to report on")
    if args.edition is not None:
        check_edition(args.edition)
    started = time.monotonic()

    def progress(message: str) -> None:
        if time.monotonic() - started > 1:  # quiet when it is quick
            print(f"finops-kg: report: {message}", file=sys.stderr, flush=True)

    runner = runner_for(endpoint=args.endpoint, data=args.data, edition=args.edition,
                        workspace=workspace)
    pages = write_report(runner, args.out, args.edition, progress)
    size = sum(page.stat().st_size for page in pages)
    others = len(pages) - 1
    print(f"wrote {pages[0]} and {others} unit page{'' if others == 1 else 's'} beside it "
          f"({size} bytes); open it in a browser", file=sys.stderr)
    return EXIT_OK


def _count(ntriples: bytes) -> int:
    return ntriples.count(b"\n")


def _directory(workspace: Path) -> Any:
    from finops_kg.assess.directory import Directory
    from finops_kg.assess.loader import reading

    with reading(workspace) as (store, _):
        return Directory(store)
