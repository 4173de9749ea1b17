"""Export one edition in an RDF, graph or tabular format, or every graph as TriG."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from finops_kg.errors import OutputError
from finops_kg.graph.serialize import RDF_FORMATS, serialize, serialize_trig

EXPORT_FORMATS = ("turtle", "jsonld", "nt", "xml", "trig", "graphml", "gexf", "dot", "mermaid",
                  "cytoscape-json", "csv", "archimate")
_EXTENSIONS = {"turtle": (".ttl",), "jsonld": (".jsonld", ".json"), "nt": (".nt",),
               "xml": (".rdf", ".xml", ".owl"), "trig": (".trig",), "graphml": (".graphml",),
               "gexf": (".gexf",), "dot": (".dot", ".gv"), "mermaid": (".mmd", ".mermaid", ".md"),
               "cytoscape-json": (".json", ".cyjs"), "csv": (".csv",),
               "archimate": (".xml",)}


def export(format: str, edition: str = "2026", view: str = "capability-persona") -> bytes:
    """Return one edition in an RDF, graph or tabular format; graph formats show one view."""
    from finops_kg.release.dataset import load

    check_format(format)
    if format == "trig":
        return serialize_trig(dataset_graphs())
    graph = load(edition)
    if format in RDF_FORMATS:
        return serialize(graph, format)
    if format == "archimate":
        from finops_kg.views.archimate import archimate_xml

        return archimate_xml(graph)
    from finops_kg.views.network import GRAPH_WRITERS, to_networkx

    return GRAPH_WRITERS[format][1](to_networkx(graph, view))


def check_format(format: str) -> None:
    """Refuse a format that export does not write, listing those it does."""
    if format not in EXPORT_FORMATS:
        raise OutputError(f"unknown format {format!r}; the formats are: {', '.join(EXPORT_FORMATS)}")


def check_extension(path: Path, format: str) -> None:
    """Refuse an output path whose extension does not fit the format."""
    allowed = _EXTENSIONS[format]
    if path.suffix.lower() not in allowed:
        raise OutputError(f"{path}: a {format} file should end in {' or '.join(allowed)}")


def dataset_graphs() -> list[tuple[URIRef, Graph]]:
    """Return the ontology, every edition, every derived graph and the curated mapping sets with
    their vocabularies, as named graphs."""
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


