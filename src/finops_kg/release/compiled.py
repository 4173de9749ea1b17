"""The dataset compiled once per content hash into an on-disk Oxigraph store that opens at once.

Every command that reads the Framework reads this store: building it parses the Turtle sources
with rdflib and reasons (seconds), opening it takes milliseconds and needs neither. The key is
the SHA-256 of the sources and of the code that turns them into the dataset, so a change to
either compiles it anew. A wheel carries the N-Quads of its own sources, so a fresh install
answers its first query without reasoning.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import pyoxigraph

from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources
from finops_kg.graph.iris import DEFAULT_EDITION, ONTOLOGY_IRI, edition_iri

PACKAGE = Path(__file__).resolve().parent.parent
CODE = ("graph", "mapping", "release")  # the subpackages whose code shapes the dataset
BUNDLED = "dataset.nq"  # in the resource folder of a wheel, with its key in dataset.key


def cache_dir() -> Path:
    """Return the folder of finops-kg's caches: FINOPS_KG_CACHE, else the XDG cache folder."""
    base = os.environ.get("FINOPS_KG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "finops-kg")
    return Path(base)


def source_files() -> list[Path]:
    """Return every file the dataset is made of: ontology, editions, mapping sets, vocabularies."""
    return resources.ontology_files() + [
        path for edition in resources.available_editions()
        for path in sorted(resources.edition_dir(edition).glob("*.ttl"))] + \
        resources.mapping_set_files() + resources.mapping_vocabulary_files()


@lru_cache(maxsize=1)
def dataset_key() -> str:
    """Return the content hash of the dataset's sources and of the code that compiles them."""
    digest = hashlib.sha256()
    code = sorted(path for package in CODE for path in (PACKAGE / package).glob("*.py"))
    for path in source_files() + code:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def dataset_quads_file() -> Path:
    """Return the N-Quads file of the dataset: the wheel's own, the cached one, or a new one."""
    bundled = resources.resource_root() / BUNDLED
    key_file = bundled.with_suffix(".key")
    if bundled.exists() and key_file.exists() and key_file.read_text().strip() == dataset_key():
        return bundled
    cached = cache_dir() / f"dataset-{dataset_key()}.nq"
    if not cached.exists():
        from finops_kg.graph.files import write_atomic
        from finops_kg.release.dataset import build_dataset_quads

        quads = build_dataset_quads()
        try:
            write_atomic(cached, quads)
        except FinopsKGError:  # an unwritable cache only costs time: keep the quads in a temp file
            handle, name = tempfile.mkstemp(suffix=".nq")
            os.write(handle, quads)
            os.close(handle)
            return Path(name)
    return cached


def default_graph_sources(edition: str = DEFAULT_EDITION) -> list[str]:
    """Return the named graphs whose union is the default graph: the ontology and one edition.

    A SPARQL user's first query has no GRAPH clause; it should find the Framework, as it would
    on a store that answers from all its data, without mixing two editions' statements.
    """
    return [ONTOLOGY_IRI, edition_iri(edition)]


def fill_default_graph(store: Any, edition: str = DEFAULT_EDITION) -> None:
    """Copy the ontology and the edition's graph into the store's default graph."""
    default = pyoxigraph.DefaultGraph()
    for source in default_graph_sources(edition):
        store.extend([pyoxigraph.Quad(q.subject, q.predicate, q.object, default) for q in
                      store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(source))])


def open_dataset() -> Any:
    """Return the compiled dataset, the current edition in its default graph, read-only.

    Where the cache folder cannot be written, the store is made in memory: that costs time only.
    """
    folder = cache_dir() / f"dataset-{dataset_key()}.oxigraph"
    if not folder.is_dir():
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        except OSError:
            return _filled_store(pyoxigraph.Store())
        store = _filled_store(pyoxigraph.Store(str(building)))
        store.flush()
        del store  # closes the database before it is renamed into place
        try:
            building.rename(folder)
        except OSError:  # another process got there first: use its copy
            shutil.rmtree(building, ignore_errors=True)
    return pyoxigraph.Store.read_only(str(folder))


def _filled_store(store: Any) -> Any:
    store.bulk_load(path=str(dataset_quads_file()), format=pyoxigraph.RdfFormat.N_QUADS)
    fill_default_graph(store)
    return store


def oxigraph_dataset(data: Sequence[str | Path] = (), edition: str = DEFAULT_EDITION) -> Any:
    """Return an Oxigraph store with the query dataset, plus the user's files in the edition's graph.

    Its default graph holds a copy of the ontology and the edition's graph (user data included).
    Without user data, for the current edition, that is the compiled store itself.
    """
    if not data and edition == DEFAULT_EDITION:
        return open_dataset()
    store = pyoxigraph.Store()
    store.bulk_load(path=str(dataset_quads_file()), format=pyoxigraph.RdfFormat.N_QUADS)
    if data:
        from finops_kg.release.dataset import user_data_ntriples

        store.bulk_load(user_data_ntriples(data, edition), pyoxigraph.RdfFormat.N_TRIPLES,
                        to_graph=pyoxigraph.NamedNode(edition_iri(edition)))
    fill_default_graph(store, edition)
    return store


def compiled_graph(edition: str = DEFAULT_EDITION) -> Any:
    """Return the ontology and one edition with its entailments as an rdflib Graph, read from the
    compiled dataset: the same graph as `load(edition, inferred=True)`, without parsing or reasoning."""
    from finops_kg.graph.load import new_graph
    from finops_kg.graph.resources import check_edition
    from finops_kg.graph.terms import to_rdflib

    check_edition(edition)
    store, graph = open_dataset(), new_graph()
    for source in default_graph_sources(edition):
        graph.addN((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), graph)
                   for q in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(source)))
    return graph
