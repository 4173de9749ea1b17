"""Publish the query dataset to a SPARQL 1.1 store, idempotently.

With a Graph Store Protocol URL, each named graph is replaced by one HTTP PUT. Without one,
each graph is dropped and inserted again with SPARQL Update, in batches small enough for
Virtuoso (which rejected batches of 2,000 triples), with blank nodes skolemised so that a
statement split across batches keeps its nodes. Publishing twice leaves one copy. The store's
default graph gets the same union as the local default graph (the ontology and the edition),
unless the store has no default graph of its own to fill (Virtuoso answers from all its graphs).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from rdflib import Dataset, Graph, URIRef

from finops_kg.graph.load import DEFAULT_EDITION
from finops_kg.sparql.remote import client, credentials, send

BATCH_TRIPLES = 500


@dataclass(frozen=True)
class Published:
    """One graph that was uploaded."""

    graph: str
    triples: int
    method: str


def dataset_graphs(editions: list[str], data: Sequence[str | Path] = (),
                   data_edition: str = DEFAULT_EDITION,
                   default_graph: bool = True) -> list[tuple[URIRef | None, Graph]]:
    """Return the graphs to publish: the default graph (named None), the ontology, each edition
    with its entailments, and the curated mapping sets with their vocabularies.

    The user's data files, if any, join the graph of data_edition, as with `query --data`; the
    default graph is the union of the ontology and that edition's graph, as for `query`.
    """
    from finops_kg.release.dataset import parse_user_data
    from finops_kg.graph.namespace import ONTOLOGY_IRI
    from finops_kg.release.compiled import default_graph_sources
    from finops_kg.graph.load import edition_graph_iri as edition_graph
    from finops_kg.release.dataset import dataset_quads
    from finops_kg.graph.resources import available_editions

    dataset = Dataset()
    dataset.parse(data=dataset_quads(), format="nquads")
    if data:
        parse_user_data(dataset.graph(edition_graph(data_edition)), data, data_edition)
    every_edition = {edition_graph(e) for e in available_editions()}
    shared = sorted(c.identifier for c in dataset.graphs()
                    if c.identifier not in every_edition and c.identifier != URIRef(ONTOLOGY_IRI)
                    and len(c))  # the mapping sets and their target vocabularies
    names = [URIRef(ONTOLOGY_IRI)] + [edition_graph(e) for e in editions] + shared
    graphs: list[tuple[URIRef | None, Graph]] = [(name, dataset.graph(name)) for name in names]
    if default_graph:
        union = Graph()
        for source in default_graph_sources(data_edition):
            union += dataset.graph(URIRef(source))
        graphs.insert(0, (None, union))
    return graphs


def publish(endpoint: str | None, editions: list[str], graph_store: str | None = None,
            user: str | None = None, password: str | None = None,
            progress: Callable[[str], None] | None = None,
            data: Sequence[str | Path] = (), data_edition: str = DEFAULT_EDITION,
            default_graph: bool = True) -> list[Published]:
    """Upload the default graph, the ontology and the editions' graphs; return what was sent
    where. default_graph=False leaves the store's default graph alone."""
    from finops_kg.errors import InputError

    if not endpoint and not graph_store:
        raise InputError("give --endpoint (SPARQL Update) or --graph-store (Graph Store Protocol)")
    say = progress or (lambda message: print(message, file=sys.stderr))
    done = []
    with client(*credentials(user, password), timeout=300) as http:
        for name, graph in dataset_graphs(editions, data, data_edition, default_graph):
            shown = "the default graph" if name is None else f"<{name}>"
            if graph_store:
                _put_graph(http, graph_store, name, graph)
                done.append(Published("default" if name is None else str(name), len(graph),
                                      "graph store PUT"))
                say(f"published {len(graph)} triples to {shown} by Graph Store PUT")
            else:
                _update_graph(http, endpoint, name, graph, say)
                done.append(Published("default" if name is None else str(name), len(graph),
                                      "SPARQL Update"))
    return done


def _put_graph(http: Any, graph_store: str, name: URIRef | None, graph: Graph) -> None:
    # Virtuoso names the parameter graph-uri; the W3C protocol names it graph.
    key = "graph-uri" if "graph-crud" in graph_store else "graph"
    send(http, "PUT", graph_store, params={"default": ""} if name is None else {key: str(name)},
         content=graph.serialize(format="nt", encoding="utf-8"),
         headers={"Content-Type": "application/n-triples"})


def _update_graph(http: Any, endpoint: str, name: URIRef | None, graph: Graph,
                  say: Callable[[str], None]) -> None:
    _update(http, endpoint, "DROP SILENT DEFAULT" if name is None else f"DROP SILENT GRAPH <{name}>")
    triples = sorted(graph.skolemize(authority="https://w3id.org/finops-kg/.well-known/genid/"))
    batches = range(0, len(triples), BATCH_TRIPLES)
    for number, start in enumerate(batches, start=1):
        lines = " ".join(f"{s.n3()} {p.n3()} {o.n3()} ."
                         for s, p, o in triples[start:start + BATCH_TRIPLES])
        _update(http, endpoint, f"INSERT DATA {{ {lines} }}" if name is None else
                f"INSERT DATA {{ GRAPH <{name}> {{ {lines} }} }}")
        if number == len(batches) or number % 10 == 0:
            shown = "the default graph" if name is None else f"<{name}>"
            say(f"{shown}: {min(start + BATCH_TRIPLES, len(triples))}/{len(triples)} triples")


def _update(http: Any, endpoint: str, text: str) -> None:
    send(http, "POST", endpoint, data={"update": text})
