"""Run the report's catalogue queries on any runner and write the assessment report folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph

from finops_kg.errors import OutputError
from finops_kg.graph import resources
from finops_kg.graph.iris import DEFAULT_EDITION, edition_iri
from finops_kg.graph.rq import read_query_file
from finops_kg.sparql.catalogue import find
from finops_kg.sparql.query import Runner
from finops_kg.views.report import REPORT_QUERIES, assessment_report

Table = list[dict[str, str]]
REPORT_FILES = ("index.html",)  # what a report folder holds, and so what may be replaced


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
        tables[name] = runner.run(find(name).text, edition_term).to_text_dicts()
    if progress is not None:
        progress(f"running labels ({len(REPORT_QUERIES) + 1} of {len(REPORT_QUERIES) + 1})")
    labels_query = read_query_file(resources.resource_root() / "queries" / "report" / "labels.rq")
    labels = {row["term"]: row["label"]
              for row in runner.run(labels_query.text, {}).to_text_dicts() if "label" in row}
    return tables, labels


def write_report(runner: Runner, out_dir: str | Path, edition: str | None = None,
                 progress: Callable[[str], None] | None = None) -> Path:
    """Write the report of the runner's assessments into out_dir/index.html and return its path."""
    tables, labels = report_tables(runner, edition, progress)
    folder = write_folder(out_dir, {"index.html": assessment_report(tables, labels)})
    return folder / "index.html"


def write_folder(out_dir: str | Path, files: Mapping[str, bytes]) -> Path:
    """Write the files into a new folder beside out_dir, then rename it to out_dir.

    An out_dir that exists must be empty or hold only a report's files: it is swapped for the
    new folder, so a reader sees the old report or the new one, never a part of either.
    """
    shown = Path(out_dir)
    out = Path(os.path.abspath(shown))  # "." has no name to put a sibling folder beside
    _check_replaceable(out, shown)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as error:
        raise OutputError(f"{out.parent}: cannot write here ({error.strerror or error})") from None
    old: Path | None = None
    try:
        for name, data in files.items():
            (building / name).write_bytes(data)
            os.chmod(building / name, 0o644)
        os.chmod(building, 0o755)
        if out.exists():
            # A folder cannot be renamed over a folder that has files: move the old one aside.
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
        os.replace(building, out)
    except OSError as error:
        if old is not None and not out.exists():
            os.replace(old / out.name, out)  # put the previous report back
        raise OutputError(f"{shown}: cannot write ({error.strerror or error})") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return shown


def _check_replaceable(out: Path, shown: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{shown}: is not a folder; give a folder for the report")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if p.name not in REPORT_FILES)
        if others:
            raise OutputError(f"{shown}: holds files that are not the report's ({others[0]}"
                              f"{', ...' if len(others) > 1 else ''}); give a new folder, an "
                              "empty one, or an earlier report's")
