"""The one query dataset: the ontology, each edition with its entailments and the mapping sets."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from rdflib import Graph, URIRef

from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources
from finops_kg.graph.load import DEFAULT_EDITION
from finops_kg.graph.load import parse_file, source_files, target_graph
from finops_kg.graph.namespace import FID, ONTOLOGY_IRI
from finops_kg.mapping.sssom import apply
from finops_kg.release.reason import entailments
from rdflib.store import Store


# ---------------------------------------------------------------------------
# The dataset the catalogue runs on
# ---------------------------------------------------------------------------

def edition_graph(edition: str) -> URIRef:
    """Return the IRI of an edition's named graph."""
    return FID[f"edition/{edition}"]


def dataset_quads() -> bytes:
    """Return the query dataset as N-Quads, built once and cached on disk by content hash."""
    sources = resources.ontology_files() + [
        path for edition in resources.available_editions()
        for path in sorted(resources.edition_dir(edition).glob("*.ttl"))] + \
        resources.mapping_set_files() + resources.mapping_vocabulary_files()
    # The key covers the sources and the code that turns them into the dataset (the reasoner
    # above all), so that a change to either builds it again.
    code = sorted(Path(__file__).parent.glob("*.py"))
    digest = hashlib.sha256()
    for path in sources + code:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    cache = cache_dir() / f"dataset-{digest.hexdigest()[:16]}.nq"
    if cache.exists():
        return cache.read_bytes()
    quads = _build_dataset_quads()
    try:
        from finops_kg.graph.serialize import write_atomic

        write_atomic(cache, quads)
    except FinopsKGError:
        pass  # an unwritable cache only costs time
    return quads


def cache_dir() -> Path:
    """Return the folder of finops-kg's caches: FINOPS_KG_CACHE, else the XDG cache folder."""
    base = os.environ.get("FINOPS_KG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "finops-kg")
    return Path(base)


def _build_dataset_quads() -> bytes:
    from rdflib import Dataset

    from finops_kg.release.dataset import load
    from finops_kg.graph.load import load_edition_data, load_ontology
    from finops_kg.mapping.sssom import curated_graphs
    from finops_kg.release.reason import entailments

    dataset = Dataset()
    ontology = dataset.graph(URIRef(ONTOLOGY_IRI))
    ontology += load_ontology()
    for edition in resources.available_editions():
        graph = dataset.graph(edition_graph(edition))
        graph += load_edition_data(edition)
        graph += entailments(load(edition))
    for name, mapped in curated_graphs():
        graph = dataset.graph(name)
        graph += mapped
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(lines))


def default_graph_sources(edition: str = DEFAULT_EDITION) -> list[URIRef]:
    """Return the named graphs whose union is the default graph: the ontology and one edition.

    A SPARQL user's first query has no GRAPH clause; it should find the Framework, as it would
    on a store that answers from all its data, without mixing two editions' statements.
    """
    return [URIRef(ONTOLOGY_IRI), edition_graph(edition)]


def oxigraph_dataset(data: Sequence[str | Path] = (), edition: str = DEFAULT_EDITION) -> Any:
    """Return an Oxigraph store with the query dataset, plus the user's files in the edition's graph.

    Its default graph holds a copy of the ontology and the edition's graph (user data included).
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(dataset_quads(), pyoxigraph.RdfFormat.N_QUADS)
    if data:
        from finops_kg.release.dataset import parse_user_data

        extra = parse_user_data(Graph(), data, edition)
        store.bulk_load(extra.serialize(format="nt", encoding="utf-8"),
                        pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(
                            str(edition_graph(edition))))
    default = pyoxigraph.DefaultGraph()
    for source in default_graph_sources(edition):
        store.extend([pyoxigraph.Quad(q.subject, q.predicate, q.object, default) for q in
                      store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(str(source)))])
    return store


def rdflib_dataset(data: Sequence[str | Path] = (), edition: str = DEFAULT_EDITION) -> Any:
    """Return an rdflib Dataset with the query dataset, plus the user's files in the edition's graph.

    Its default graph holds a copy of the ontology and the edition's graph (user data included).
    """
    from rdflib import Dataset

    from finops_kg.release.dataset import parse_user_data

    dataset = Dataset()
    dataset.parse(data=dataset_quads(), format="nquads")
    if data:
        parse_user_data(dataset.graph(edition_graph(edition)), data, edition)
    default = dataset.default_graph
    for source in default_graph_sources(edition):
        default += dataset.graph(source)
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
            parse_file(graph, path)
    return graph
