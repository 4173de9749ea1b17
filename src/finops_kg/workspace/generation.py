"""Writing one generation of a workspace's store: the Framework, the edition's union, user graphs.

Every user graph is stored twice: as itself, and as part of the graph of the workspace's edition,
which so becomes the union of the Framework's edition and everything the user loaded. That union
is what `--data` makes of the user's files, and what catalogue queries reading `GRAPH ?edition`
need; a graph name cannot be an alias in SPARQL, so the union has to be stored. A user triple the
ontology graph already holds is left out of the union, so that a default graph made of the
ontology and the union never holds a triple twice. The edition as published is kept in a graph of
its own, to tell which triples of the union the Framework states.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph
from pyoxigraph import NamedNode, Quad

from finops_kg.graph.iris import ONTOLOGY_IRI, edition_iri
from finops_kg.workspace.metadata import META_GRAPH, framework_copy

# Quads parsed per bulk write: it bounds the memory of a load (about 0.5 GB at this size) at a
# small cost in speed; Oxigraph's bulk loader keeps a whole batch in memory.
CHUNK = 200_000


class GenerationWriter:
    """Writes a new generation of a workspace's store, opened read-write and seen by no reader."""

    def __init__(self, store: Any, edition: str) -> None:
        self.store = store
        self.union = NamedNode(edition_iri(edition))
        self.copy = NamedNode(framework_copy(edition))
        self._ontology: set[tuple] | None = None

    def framework_from_file(self, path: Path) -> None:
        """Load the compiled Framework dataset, and keep a copy of the edition as published."""
        self.store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
        self.store.bulk_extend(Quad(q.subject, q.predicate, q.object, self.copy)
                               for q in self.store.quads_for_pattern(None, None, None, self.union))

    def framework_from(self, old: Any, user_graphs: set[str]) -> None:
        """Copy the Framework graphs of an older generation, without its user graphs or record."""
        skip = user_graphs | {META_GRAPH, self.union.value}
        self.store.bulk_extend(
            quad for graph in old.named_graphs() if graph.value not in skip
            for quad in old.quads_for_pattern(None, None, None, graph))
        self.store.bulk_extend(Quad(q.subject, q.predicate, q.object, self.union)
                               for q in self.store.quads_for_pattern(None, None, None, self.copy))

    def ontology_triples(self) -> set[tuple]:
        """Return the triples of the ontology graph, which the union leaves out."""
        if self._ontology is None:
            self._ontology = {(q.subject, q.predicate, q.object) for q in
                              self.store.quads_for_pattern(None, None, None, NamedNode(ONTOLOGY_IRI))}
        return self._ontology

    def add_user_quads(self, quads: Iterable[Quad]) -> None:
        """Write quads already named with their user graph, and each triple into the union too."""
        ontology, union = self.ontology_triples(), self.union

        def with_union(batch: list[Quad]) -> Iterator[Quad]:
            for quad in batch:
                yield quad
                subject, predicate, obj = quad.subject, quad.predicate, quad.object
                if (subject, predicate, obj) not in ontology:
                    yield Quad(subject, predicate, obj, union)

        quads = iter(quads)
        while batch := list(islice(quads, CHUNK)):
            self.store.bulk_extend(with_union(batch))

    def remove_user_graphs(self, graphs: Iterable[str], kept: Iterable[str]) -> None:
        """Remove user graphs, and from the union each triple that no kept graph states.

        Removing costs several times what writing costs, so a caller removes in place only what is
        small beside the rest, and otherwise writes a new generation without it.
        """
        supporters = {NamedNode(name) for name in kept} | {self.copy}
        ontology, store = self.ontology_triples(), self.store
        for name in graphs:
            graph = NamedNode(name)
            orphans = []
            for quad in store.quads_for_pattern(None, None, None, graph):
                triple = (quad.subject, quad.predicate, quad.object)
                if triple in ontology:
                    continue
                if not any(other.graph_name in supporters
                           for other in store.quads_for_pattern(*triple, None)):
                    orphans.append(Quad(*triple, self.union))
            for quad in orphans:
                store.remove(quad)
            store.remove_graph(graph)

    def count(self, graph: str) -> int:
        """Return the number of triples in one graph."""
        answer = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  named_graphs=[NamedNode(graph)])
        return int(next(iter(answer))[0].value)
