"""Run the report's catalogue queries on any runner and write the assessment report folder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph

from finops_kg.graph import resources
from finops_kg.graph.folder import check_replaceable, replace_folder
from finops_kg.graph.iris import DEFAULT_EDITION, edition_iri
from finops_kg.graph.rq import read_query_file
from finops_kg.sparql.binding import graphs_read
from finops_kg.sparql.catalogue import find
from finops_kg.sparql.query import Runner
from finops_kg.views.report import REPORT_QUERIES, assessment_report

Table = list[dict[str, str]]
REPORT_FILES = ("index.html",)  # what a report folder holds, and so what may be replaced
MAKER = "the report"  # who makes them, as a refusal of other files says


def report_edition(runner: Runner, edition: str | None = None) -> str:
    """Return the edition given, else the one holding the runner's data, else the current one."""
    return edition or getattr(runner, "edition", None) or DEFAULT_EDITION


def report_tables(runner: Runner, edition: str | None = None,
                  progress: Callable[[str], None] | None = None
                  ) -> tuple[dict[str, Table], dict[str, str]]:
    """Return the rows of every report query, values as plain text, and the labels of all IRIs.

    The runner is a local store's (a workspace, or the compiled dataset with data files) or a
    remote endpoint's: the same queries run on each, with the edition bound as an RDF term.
    """
    edition_term = {"edition": pyoxigraph.NamedNode(edition_iri(report_edition(runner, edition)))}
    tables = {}
    for number, name in enumerate(REPORT_QUERIES, start=1):
        if progress is not None:
            progress(f"running {name} ({number} of {len(REPORT_QUERIES) + 1})")
        text = find(name).text
        tables[name] = runner.run(text, edition_term, graphs_read(text, edition_term)).to_text_dicts()
    if progress is not None:
        progress(f"running labels ({len(REPORT_QUERIES) + 1} of {len(REPORT_QUERIES) + 1})")
    labels_query = read_query_file(resources.resource_root() / "queries" / "report" / "labels.rq")
    labels = {row["term"]: row["label"]
              for row in runner.run(labels_query.text, {}).to_text_dicts() if "label" in row}
    return tables, labels


def write_report(runner: Runner, out_dir: str | Path, edition: str | None = None,
                 progress: Callable[[str], None] | None = None) -> Path:
    """Write the report of the runner's assessments into out_dir/index.html and return its path."""
    check_replaceable(out_dir, _is_report_file, MAKER)  # refuse before the queries run
    tables, labels = report_tables(runner, edition, progress)
    folder = write_folder(out_dir, {"index.html": assessment_report(tables, labels)})
    return folder / "index.html"


def write_folder(out_dir: str | Path, files: Mapping[str, bytes]) -> Path:
    """Make out_dir hold exactly the files, the folder replaced whole (graph.folder); return it.

    An out_dir that exists must be empty or hold only a report's files: a reader sees the old
    report or the new one, never a part of either, and a kill leaves one of the two.
    """
    replace_folder(out_dir, dict(files), _is_report_file, MAKER)
    return Path(out_dir)


def _is_report_file(name: str) -> bool:
    return name in REPORT_FILES
