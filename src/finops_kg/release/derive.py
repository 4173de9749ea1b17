"""Relationships that finops-kg derives itself, kept in their own named graph with provenance.

The FinOps Foundation never states these links. Each comes from a CONSTRUCT query under
queries/derive/, and the graph says so: prov:wasDerivedFrom the edition, prov:wasGeneratedBy
one prov:Activity per query. They never enter an edition's graph.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from finops_kg.graph import resources
from finops_kg.graph.load import edition_graph_iri, new_graph
from finops_kg.graph.namespace import FID
from finops_kg.graph.rq import read_query_file
from finops_kg.graph.terms import construct, oxigraph_store


def derived_graph_iri(edition: str) -> URIRef:
    """Return the IRI of the named graph of relationships derived from one edition."""
    return FID[f"graph/derived/{edition}"]


def derive(graph: Graph, edition: str) -> Graph:
    """Return the relationships derived from one edition's graph, with their provenance."""
    graph_iri = derived_graph_iri(edition)
    derived = new_graph()
    derived.add((graph_iri, RDF.type, PROV.Entity))
    derived.add((graph_iri, RDFS.label, Literal(
        f"Relationships derived by finops-kg from the {edition} edition", lang="en")))
    derived.add((graph_iri, DCTERMS.description, Literal(
        "Not stated by the FinOps Foundation: finops-kg infers these links from the edition's "
        "official content with the queries named by prov:wasGeneratedBy.", lang="en")))
    derived.add((graph_iri, PROV.wasDerivedFrom, edition_graph_iri(edition)))
    store = oxigraph_store(graph)
    for path in resources.derivation_query_files():
        query = read_query_file(path)
        activity = FID[f"derivation/{query.name}"]
        derived.add((graph_iri, PROV.wasGeneratedBy, activity))
        derived.add((activity, RDF.type, PROV.Activity))
        derived.add((activity, RDFS.label, Literal(query.name.replace("-", " "), lang="en")))
        derived.add((activity, DCTERMS.description, Literal(query.description, lang="en")))
        for triple in construct(store, query.text):
            derived.add(triple)
    return derived
