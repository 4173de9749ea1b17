"""Export one edition in an RDF, graph or tabular format, or every graph as TriG."""

from __future__ import annotations

from typing import TYPE_CHECKING

# The command line checks formats and paths through this module before it exports.
from finops_kg.graph.formats import (EXPORT_FORMATS, RDF_FORMATS, check_extension,  # noqa: F401
                                     check_format)
from finops_kg.graph.iris import DEFAULT_EDITION

if TYPE_CHECKING:
    from rdflib import Graph, URIRef


def export(format: str, edition: str = DEFAULT_EDITION,
           view: str = "capability-persona") -> bytes:
    """Return one edition in an RDF, graph or tabular format; graph formats show one view."""
    from finops_kg.release.memo import memoised

    check_format(format)
    return memoised("export", (format, edition, view), lambda: _export(format, edition, view))


def _export(format: str, edition: str, view: str) -> bytes:
    from finops_kg.graph.serialize import serialize, serialize_trig
    from finops_kg.release.dataset import load

    if format == "trig":
        return serialize_trig(dataset_graphs())
    graph = load(edition)
    if format in RDF_FORMATS:
        return serialize(graph, format)
    if format == "archimate":
        from finops_kg.views.archimate import archimate_xml

        return archimate_xml(graph)
    from finops_kg.views.network import WRITERS, to_networkx

    return WRITERS[format](to_networkx(graph, view))


def dataset_graphs() -> list[tuple[URIRef, Graph]]:
    """Return the ontology, every edition, every derived graph and the curated mapping sets with
    their vocabularies, as named graphs."""
    from rdflib import URIRef

    from finops_kg.graph import resources
    from finops_kg.release.derive import derive, derived_graph_iri
    from finops_kg.graph.load import edition_graph_iri, load_edition_data, load_ontology
    from finops_kg.mapping.sssom import curated_graphs
    from finops_kg.graph.namespace import ONTOLOGY_IRI

    ontology = load_ontology()
    named = [(URIRef(ONTOLOGY_IRI), ontology)]
    for edition in resources.available_editions():
        data = load_edition_data(edition)
        named.append((edition_graph_iri(edition), data))
        named.append((derived_graph_iri(edition), derive(data, edition)))
    return named + curated_graphs()


