"""A bridge to Oxigraph: run SPARQL on a copy of an rdflib graph, with results as rdflib terms.

rdflib's own engine parses a query in tens of milliseconds and evaluates joins in Python;
Oxigraph does both natively. The build uses it for the checks and derivations it runs itself.
"""

from __future__ import annotations

from typing import Any, Iterator

from rdflib import BNode, Graph, Literal, Node, URIRef


def oxigraph_store(graph: Graph) -> Any:
    """Return an in-memory pyoxigraph Store holding a copy of graph in its default graph."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def select(store: Any, query: str, **bindings: Node) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Run a SELECT query with variables bound to RDF terms; return its columns and rows."""
    import pyoxigraph

    substitutions = {pyoxigraph.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
    solutions = store.query(query, substitutions=substitutions)
    columns = [variable.value for variable in solutions.variables]
    rows = [tuple(to_rdflib(row[i]) for i in range(len(columns))) for row in solutions]
    return columns, rows


def construct(store: Any, query: str, **bindings: Node) -> Iterator[tuple[Node, Node, Node]]:
    """Run a CONSTRUCT query with variables bound to RDF terms; yield rdflib triples."""
    import pyoxigraph

    substitutions = {pyoxigraph.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
    for triple in store.query(query, substitutions=substitutions):
        yield to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)


def to_rdflib(term: Any) -> Node | None:
    """Convert a pyoxigraph term to the equal rdflib term."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)  # rdflib tells a plain literal from an xsd:string one
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term: Node) -> Any:
    """Convert an rdflib term to the equal pyoxigraph term."""
    import pyoxigraph

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")
