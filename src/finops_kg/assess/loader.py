"""The workspace's loaders for assessment workbooks (.xlsx) and CSV files, and loading prepared triples.

Importing this module registers them with finops_kg.workspace.loaders, so that `workspace load`
reads a workbook or an assessment CSV as `assess import` does, looking units and people up in the
workspace. An org chart CSV needs a base IRI that `workspace load` has no option for: it is
refused there with a pointer to `assess org`, which prepares its triples and loads them through
`load_prepared`.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph

from finops_kg.assess.cells import is_assessment_csv
from finops_kg.assess.directory import Directory
from finops_kg.assess.org import is_org_csv
from finops_kg.workspace.loaders import LOADERS, LoadContext, LoadError, Loader, register
from finops_kg.workspace.workspace import Workspace


def read_workbook(path: Path, context: LoadContext) -> Iterable[pyoxigraph.Quad]:
    """Read a filled assessment workbook or CSV; AssessmentError lists every bad cell."""
    from finops_kg.assess.files import read_assessment
    from finops_kg.assess.rdf import to_ntriples

    assessment = read_assessment(path, Directory(context.store))
    return _quads(to_ntriples([assessment]))


def read_csv(path: Path, context: LoadContext) -> Iterable[pyoxigraph.Quad]:
    """Read an assessment CSV; refuse an org chart (it needs --base) and any other CSV."""
    if is_assessment_csv(path):
        return read_workbook(path, context)
    if is_org_csv(path):
        raise LoadError(f"{path}: an org chart or membership CSV; load it with finops-kg assess "
                        f"org {path} --base IRI --workspace DIR, which names its keys under IRI")
    raise LoadError(f"{path}: neither an assessment grid (its first cell is \"FinOps "
                    "assessment\") nor an org chart (unit,parent,name) or membership CSV "
                    "(person,unit,role)")


def _quads(ntriples: bytes) -> Iterator[pyoxigraph.Quad]:
    return pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)


WORKBOOK = Loader("assessment-workbook", (".xlsx",), read_workbook,
                  "a filled assessment workbook (finops-kg assess template)")
CSV = Loader("assessment-csv", (".csv",), read_csv, "a filled assessment grid as CSV")
register(WORKBOOK)
register(CSV)


@contextmanager
def reading(folder: Path) -> Iterator[tuple[Any, list[str]]]:
    """Open a workspace for reading; yield its query view and the names of the user's graphs."""
    workspace = Workspace.open(folder)
    try:
        yield workspace.view(), [record.graph for record in workspace.list()]
    finally:
        workspace.close()


def load_prepared(folder: Path, files: dict[Path, bytes], graph: str | None = None) -> list[Any]:
    """Load N-Triples already made from files, each file's into its graph, all or nothing.

    The workspace records each graph as coming from its file (path and SHA-256), as a plain
    `workspace load` does; graph names the graph when there is one file. The loaders of the
    files' kinds are swapped for ones that hand over the prepared triples while the load runs.
    """
    def prepared(path: Path, context: LoadContext) -> Iterable[pyoxigraph.Quad]:
        return _quads(files[path])

    saved = {kind: LOADERS[kind] for kind in (WORKBOOK.kind, CSV.kind)}
    register(Loader(WORKBOOK.kind, WORKBOOK.suffixes, prepared, WORKBOOK.summary))
    register(Loader(CSV.kind, CSV.suffixes, prepared, CSV.summary))
    workspace = Workspace.open(folder)
    try:
        return workspace.load(list(files), graph=graph)
    finally:
        workspace.close()
        for loader in saved.values():
            register(loader)
