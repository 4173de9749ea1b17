"""Reading terms one way everywhere: their English texts, their label, whether they are current."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

_TRUE = Literal(True)


def texts(graph: Graph, term: Node | None, prop: URIRef) -> list[str]:
    """Return the English or untagged literal values of a property, sorted."""
    if term is None:
        return []
    return sorted(str(value) for value in graph.objects(term, prop)
                  if isinstance(value, Literal) and value.language in (None, "en"))


def label(graph: Graph, term: Node | None, default: str = "") -> str:
    """Return a term's skos:prefLabel, else its rdfs:label, else default.

    Of several English or untagged values the least wins, so the answer never depends on the
    order in which a store happens to list them."""
    for prop in (SKOS.prefLabel, RDFS.label):
        values = texts(graph, term, prop)
        if values:
            return values[0]
    return default


def is_deprecated(graph: Graph, term: Node) -> bool:
    """Tell whether a term is owl:deprecated: kept only so that its IRI still resolves."""
    return (term, OWL.deprecated, _TRUE) in graph


def deprecated_terms(*graphs: Graph) -> set[Node]:
    """Return every term that one of the graphs marks owl:deprecated."""
    return {term for graph in graphs for term in graph.subjects(OWL.deprecated, _TRUE)}


def current(graph: Graph, classes: URIRef | Iterable[URIRef]) -> list[URIRef]:
    """Return the IRIs typed with any of the classes that are not deprecated, sorted."""
    classes = (classes,) if isinstance(classes, URIRef) else tuple(classes)
    found = {s for cls in classes for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return sorted(s for s in found if not is_deprecated(graph, s))
