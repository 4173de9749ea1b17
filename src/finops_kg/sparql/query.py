"""The SPARQL query catalogue: find a query, bind its parameters as RDF terms, run it anywhere.

Catalogue queries live under queries/ as one .rq file each, with a header that names their
title, description, parameters and columns. They run on a dataset of named graphs: the ontology,
and one graph per edition holding its individuals and their OWL 2 RL entailments. The default
engine is an in-memory Oxigraph store; rdflib and any SPARQL 1.1 endpoint give the same rows.
"""


from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol, Sequence

import pyoxigraph

from finops_kg.graph.iris import DEFAULT_EDITION

from finops_kg.release.compiled import oxigraph_dataset
from finops_kg.sparql.binding import (LabelIndex, bind_parameters, refuse_deep_nesting,
                                      graphs_read, refuse_service, with_values)
from finops_kg.sparql.catalogue import CatalogueQuery, QueryError, find
from finops_kg.sparql.ordering import lift_order, sort_rows
from finops_kg.sparql.results import QueryResult

ENGINES = ("oxigraph", "rdflib")


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def query(name_or_text: str, *, engine: str = "oxigraph", endpoint: str | None = None,
          data: Sequence[str | Path] = (), edition: str | None = None,
          allow_service: bool = False, workspace: str | Path | None = None,
          timeout: float | None = None, **params: str) -> QueryResult:
    """Run a catalogue query by name, or SPARQL text, with parameters given as text values.

    The default graph is the union of the ontology and the edition's graph (the current edition
    unless edition is given); every edition, derived graph and mapping set is a named graph.
    With workspace, the query reads that workspace folder, whose edition's graph holds the
    user's graphs too, instead of the compiled dataset and data files.
    SERVICE, which makes the engine call another endpoint, is refused unless allow_service.
    With timeout, the query runs in a process of its own, killed (raising forked.TimedOut) once
    it has run that many seconds; loading the dataset and resolving labels do not count.
    """
    arguments = (name_or_text, engine, endpoint, data, edition, allow_service, workspace, params)
    if timeout is None:
        return _query(lambda: None, *arguments)
    from finops_kg.forked import run_with_time_limit

    return run_with_time_limit(_query, timeout, *arguments)


def _query(started: Any, name_or_text: str, engine: str, endpoint: str | None,
           data: Sequence[str | Path], edition: str | None, allow_service: bool,
           workspace: str | Path | None, params: dict[str, str]) -> QueryResult:
    """Run the query as query() says; call started() once only its evaluation is left."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name_or_text):  # not a name: SPARQL text
        entry = CatalogueQuery("(text)", "", "", (), (), name_or_text)
    else:
        entry = find(name_or_text)
    refuse_deep_nesting(entry.text)
    if not allow_service:
        refuse_service(entry.text)
    if edition is not None and any(p.name == "edition" for p in entry.parameters):
        params.setdefault("edition", edition)
    runner = runner_for(engine=engine, endpoint=endpoint, data=data, edition=edition,
                        workspace=workspace)
    bindings = bind_parameters(entry, params, runner.labels()) if entry.parameters else {}
    started()
    return runner.run(entry.text, bindings,
                      graphs_read(entry.text, bindings) if entry.name != "(text)" else None)


def runner_for(*, engine: str = "oxigraph", endpoint: str | None = None,
               data: Sequence[str | Path] = (), edition: str | None = None,
               workspace: str | Path | None = None) -> Runner:
    """Return the runner that reads an endpoint, a workspace, or the compiled dataset and data.

    The edition picks the compiled dataset's (or the workspace's) default graph; a runner that
    knows which edition's graph holds the user's data keeps it as its edition attribute.
    """
    if workspace is not None and (endpoint or data or engine != "oxigraph"):
        raise QueryError("a workspace is read alone, by the oxigraph engine: give it without "
                         "data, endpoint or another engine")
    if endpoint:
        from finops_kg.sparql.remote import RemoteStore

        return RemoteStore(endpoint)
    if workspace is not None:
        from finops_kg.workspace import Workspace

        view = Workspace.open(workspace, edition=edition).view()
        return OxigraphRunner(view, edition=view.edition)
    if engine == "oxigraph":
        return OxigraphRunner(oxigraph_dataset(data, edition or DEFAULT_EDITION),
                              edition=edition or DEFAULT_EDITION)
    if engine == "rdflib":
        from finops_kg.release.dataset import rdflib_dataset

        return RdflibRunner(rdflib_dataset(data, edition or DEFAULT_EDITION),
                            edition=edition or DEFAULT_EDITION)
    raise QueryError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")


class Runner(Protocol):
    """What runs queries: a local engine over a dataset, or a remote endpoint."""

    def labels(self) -> LabelIndex:
        """Return the names of the individuals, to resolve parameter labels."""

    def run(self, text: str, bindings: dict[str, Any],
            graphs: Sequence[str] | None = None) -> QueryResult:
        """Run a query with its parameters bound by a VALUES block; an engine that can use them
        reads only the named graphs given."""


class _SyntaxError(QueryError):
    """A query Oxigraph cannot parse: found at once, so parsing the query again costs nothing,
    where a failure while it runs is not retried."""


class OxigraphRunner:
    """Runs queries on a pyoxigraph Store; rows stay Oxigraph terms until read as rdflib ones."""

    def __init__(self, store: Any, edition: str | None = None) -> None:
        self.store = store
        self.edition = edition  # the edition whose graph holds the user's data, when known

    def labels(self) -> LabelIndex:
        """Return the names of the store's individuals, read a class at a time as needed."""
        return LabelIndex(read=lambda cls: (
            (row[0].value, row[1].value) for row in self.store.query(
                with_values(LabelIndex.QUERY, {"class": pyoxigraph.NamedNode(cls)}))))

    def run(self, text: str, bindings: dict[str, Any],
            graphs: Sequence[str] | None = None) -> QueryResult:
        """Run a query with its parameters bound by a VALUES block, reading only the named
        graphs given (graphs_read's answer for a catalogue query), or all of them."""
        options = {} if graphs is None else {
            "named_graphs": [pyoxigraph.NamedNode(graph) for graph in graphs]}
        # Sorting here is faster than Oxigraph's ORDER BY on disk (see sparql.ordering).
        lifted = lift_order(text)
        if lifted is not None:
            try:
                result = self._run(lifted.text, bindings, options)
            except _SyntaxError:  # reported below, of the query as the user wrote it
                result = None
            if result is not None:
                kept = [i for i, name in enumerate(result.columns) if name not in lifted.added]
                ordered = sort_rows(result.columns, result.cells or [], lifted.keys, kept)
                if ordered is not None:
                    return QueryResult(columns=[result.columns[i] for i in kept], cells=ordered)
            # an error, or values Python does not order as SPARQL does: the engine sorts them
        return self._run(text, bindings, options)

    def _run(self, text: str, bindings: dict[str, Any], options: dict[str, Any]) -> QueryResult:
        try:
            answer = self.store.query(with_values(text, bindings), **options)
            if is_boolean(answer):
                return QueryResult(boolean=bool(answer))
            if isinstance(answer, pyoxigraph.QueryTriples):
                from rdflib import Graph

                from finops_kg.graph.terms import to_rdflib

                graph = Graph()
                for triple in answer:
                    graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                               to_rdflib(triple.object)))
                return QueryResult(graph=graph)
            columns = [v.value for v in answer.variables]
            # A value repeats from row to row (a unit, a lens, a date); each row read from
            # Oxigraph is a new object holding its own copy of the text. One object per value
            # keeps the rows in less memory (a quarter, for lens-scores at a million triples).
            shared: dict[Any, Any] = {}
            share = shared.setdefault
            cells = [tuple([share(term, term) for term in row]) for row in answer]
        except SyntaxError as error:
            raise _SyntaxError(f"SPARQL syntax error: {oxigraph_error_position(str(error))}") \
                from None
        except (OSError, RuntimeError, ValueError) as error:
            # Results stream lazily: a failing SERVICE call or a type error surfaces while
            # iterating, so the rows are read inside this block.
            raise QueryError(f"the query failed: {one_line(error)}") from None
        return QueryResult(columns=columns, cells=cells)


class RdflibRunner:
    """Runs queries on an rdflib Dataset."""

    def __init__(self, dataset: Any, edition: str | None = None) -> None:
        self.dataset = dataset
        self.edition = edition  # the edition whose graph holds the user's data, when known

    def labels(self) -> LabelIndex:
        """Return the names of the dataset's individuals, read a class at a time as needed."""
        from rdflib import URIRef

        return LabelIndex(read=lambda cls: self.dataset.query(
            LabelIndex.QUERY, initBindings={"class": URIRef(cls)}))

    def run(self, text: str, bindings: dict[str, Any],
            graphs: Sequence[str] | None = None) -> QueryResult:
        """Run a query with its parameters bound by a VALUES block (graphs is a hint it needs not)."""
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(with_values(text, bindings))
            if answer.type == "ASK":
                return QueryResult(boolean=bool(answer.askAnswer))
            if answer.type in ("CONSTRUCT", "DESCRIBE"):
                return QueryResult(graph=answer.graph)
            columns = [str(v) for v in answer.vars]
            rows = [tuple(row) for row in answer]  # evaluated lazily: errors surface here
        except ParseException as error:
            raise QueryError(f"SPARQL syntax error at line {error.lineno}, column {error.col}: "
                             f"{error.msg}") from None
        except Exception as error:  # rdflib raises bare Exceptions, e.g. from a SERVICE call
            raise QueryError(f"the query failed: {one_line(error)}") from None
        return QueryResult(columns=columns, rows=rows)


def is_boolean(answer: Any) -> bool:
    """Return True for the answer of an ASK query (a QueryBoolean since pyoxigraph 0.5)."""
    return isinstance(answer, (bool, pyoxigraph.QueryBoolean))


def one_line(error: BaseException) -> str:
    """Return the first line of an engine's error message, or the error's type."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def oxigraph_error_position(message: str) -> str:
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if match:
        return f"line {match.group(1)}, column {match.group(2)}: {match.group(3)}"
    return message


