"""Run the report's catalogue queries on any runner and write the assessment report folder."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pyoxigraph

from finops_kg.graph import resources
from finops_kg.graph.folder import Content, check_replaceable, replace_folder
from finops_kg.graph.iris import DEFAULT_EDITION, edition_iri
from finops_kg.graph.rq import read_query_file
from finops_kg.sparql.binding import graphs_read
from finops_kg.sparql.catalogue import find
from finops_kg.sparql.query import OxigraphRunner, Runner
from finops_kg.views.report import INDEX, REPORT_QUERIES, UNIT_PAGE, report_pages

Table = list[dict[str, str]]
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
    labels_query = read_query_file(resources.resource_root() / "queries" / "report" / "labels.rq")
    texts = {name: find(name).text for name in REPORT_QUERIES}

    def rows(name: str) -> Table:
        if name == "labels":
            return runner.run(labels_query.text, {}).to_text_dicts()
        text = texts[name]
        return runner.run(text, edition_term, graphs_read(text, edition_term)).to_text_dicts()

    # pyoxigraph lets go of the GIL while it evaluates, so a local store answers the queries on
    # every core at once (19 s → 12 s at a million triples on two); an endpoint gets them in turn.
    workers = min(os.cpu_count() or 1, 4) if isinstance(runner, OxigraphRunner) else 1
    names = [*REPORT_QUERIES, "labels"]
    tables: dict[str, Table] = {}
    for done, (name, table) in enumerate(_in_threads(rows, names, workers), start=1):
        tables[name] = table
        if progress is not None:
            progress(f"ran {name} ({done} of {len(names)})")
    labels = {row["term"]: row["label"] for row in tables.pop("labels") if "label" in row}
    return {name: tables[name] for name in REPORT_QUERIES}, labels


def _in_threads(work: Callable[[str], Table], names: list[str],
                workers: int) -> Iterator[tuple[str, Table]]:
    """Yield (name, work(name)) for every name as each is done, worked on by daemon threads.

    Daemon threads, unlike a ThreadPoolExecutor's, do not hold the process at Ctrl-C until the
    queries they run have finished: it stops at once, as a single query would.
    """
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for name in names:
        todo.put(name)
    done: queue.SimpleQueue[tuple[str, Table | None, BaseException | None]] = queue.SimpleQueue()

    def worker() -> None:
        while True:
            try:
                name = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((name, work(name), None))
            except BaseException as error:  # handed to the caller, who raises it
                done.put((name, None, error))

    for _ in range(min(workers, len(names))):
        threading.Thread(target=worker, daemon=True).start()
    for _ in names:
        name, table, error = done.get()
        if error is not None:
            raise error
        yield name, table


def write_report(runner: Runner, out_dir: str | Path, edition: str | None = None,
                 progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the report of the runner's assessments into out_dir, the index first, and return
    the paths of its pages."""
    check_replaceable(out_dir, _is_report_file, MAKER)  # refuse before the queries run
    tables, labels = report_tables(runner, edition, progress)
    return write_folder(out_dir, report_pages(tables, labels))


def write_folder(out_dir: str | Path, files: Mapping[str, Content]) -> list[Path]:
    """Make out_dir hold exactly the files, the folder replaced whole (graph.folder); return
    their paths.

    An out_dir that exists must be empty or hold only a report's files: a reader sees the old
    report or the new one, never a part of either, and a kill leaves one of the two.
    """
    return replace_folder(out_dir, files, _is_report_file, MAKER)


def _is_report_file(name: str) -> bool:
    return name == INDEX or UNIT_PAGE.fullmatch(name) is not None
