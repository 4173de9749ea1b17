"""ROBOT-style hygiene checks: SPARQL queries under queries/qc/ that must return no rows.

The queries run on an in-memory Oxigraph store: parsing and running all of them there takes
about 10 ms, against about 250 ms on rdflib's engine, which matters for the build's budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Node, URIRef

from finops_kg import resources
from finops_kg.namespace import shorten


@dataclass(frozen=True)
class HygieneCheck:
    """One hygiene query and the rows it returned; a check passes when there are none."""

    name: str
    description: str
    rows: tuple[tuple[Node | None, ...], ...]

    @property
    def passed(self) -> bool:
        """Return True when the query found nothing."""
        return not self.rows

    def lines(self) -> list[str]:
        """Return one line per offending row, naming the check."""
        return [f"{self.name}: {' '.join(_show(term) for term in row)}" for row in self.rows]


def run_hygiene_checks(graph: Graph, query_files: list[Path] | None = None) -> list[HygieneCheck]:
    """Run every hygiene query on graph and return one HygieneCheck per query."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    checks = []
    for path in query_files if query_files is not None else resources.hygiene_query_files():
        text = path.read_text(encoding="utf-8")
        solutions = store.query(text)
        width = len(solutions.variables)
        rows = tuple(tuple(_to_rdflib(row[i]) for i in range(width)) for row in solutions)
        checks.append(HygieneCheck(path.name.removesuffix("-violation.rq"), _header(text), rows))
    return checks


def _header(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return first.lstrip("# ").split(": ", 1)[-1]


def _to_rdflib(term) -> Node | None:
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _show(term: Node | None) -> str:
    if term is None:
        return "-"
    if isinstance(term, URIRef):
        return shorten(term)
    return term.n3()
