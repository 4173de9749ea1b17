"""Assemble the query dataset from the sources with rdflib: what release.compiled then keeps.

The ontology, each edition with its OWL 2 RL entailments, and the curated mapping sets with their
vocabularies, each a named graph; also the rdflib Dataset and Graph that the Python API returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from rdflib import Dataset, Graph, URIRef
from rdflib.store import Store

from finops_kg.graph import resources
from finops_kg.graph.formats import rdf_format_of
from finops_kg.graph.guard import check_syntax
from finops_kg.graph.load import (DEFAULT_EDITION, edition_graph_iri, load_edition_data,
                                  load_ontology, parse_file, source_files, target_graph)
from finops_kg.graph.namespace import ONTOLOGY_IRI
from finops_kg.mapping.sssom import apply, curated_graphs
from finops_kg.release.compiled import dataset_quads_file, default_graph_sources
from finops_kg.release.reason import entailments


def dataset_quads() -> bytes:
    """Return the query dataset as N-Quads (compiled once per content hash)."""
    return dataset_quads_file().read_bytes()


def build_dataset_quads() -> bytes:
    """Assemble the query dataset: the ontology, each edition with its OWL 2 RL entailments, and
    the curated mapping sets with their vocabularies, each a named graph; sorted N-Quads."""
    dataset = Dataset()
    ontology = dataset.graph(URIRef(ONTOLOGY_IRI))
    ontology += load_ontology()
    for edition in resources.available_editions():
        graph = dataset.graph(edition_graph_iri(edition))
        graph += load_edition_data(edition)
        graph += entailments(load(edition))
    for name, mapped in curated_graphs():
        graph = dataset.graph(name)
        graph += mapped
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(lines))


def user_data_ntriples(paths: Sequence[str | Path], edition: str = DEFAULT_EDITION) -> bytes:
    """Return a user's files (RDF, or SSSOM sets applied as SKOS) as N-Triples."""
    return parse_user_data(Graph(), paths, edition).serialize(format="nt", encoding="utf-8")


def rdflib_dataset(data: Sequence[str | Path] = (), edition: str = DEFAULT_EDITION) -> Dataset:
    """Return an rdflib Dataset with the query dataset, plus the user's files in the edition's graph.

    Its default graph holds a copy of the ontology and the edition's graph (user data included).
    """
    dataset = Dataset()
    dataset.parse(dataset_quads_file(), format="nquads")
    if data:
        parse_user_data(dataset.graph(edition_graph_iri(edition)), data, edition)
    default = dataset.default_graph
    for source in default_graph_sources(edition):
        default += dataset.graph(URIRef(source))
    return dataset


def load(
    edition: str = DEFAULT_EDITION,
    inferred: bool = False,
    into: Graph | Store | None = None,
) -> Graph:
    """Return the ontology plus one edition's individuals, optionally with their entailments."""
    graph = target_graph(into)
    for path in source_files(edition):
        parse_file(graph, path)
    if inferred:
        graph += entailments(graph)
    return graph


SSSOM_SUFFIX = ".sssom.tsv"


def parse_user_data(graph: Graph, paths: Iterable[str | Path],
                    edition: str = DEFAULT_EDITION) -> Graph:
    """Add a user's files to graph: RDF is parsed, an SSSOM set is checked and applied as SKOS."""
    for path in paths:
        if str(path).endswith(SSSOM_SUFFIX):
            for _, mapped in apply([path], edition=edition):
                graph += mapped
        else:
            fmt = rdf_format_of(Path(path))
            if fmt is not None:  # Oxigraph names the place of an error rdflib would miss
                check_syntax(Path(path), fmt.oxigraph)
            parse_file(graph, path)
    return graph
