"""Publish the query dataset to a SPARQL 1.1 store, idempotently.

With a Graph Store Protocol URL, each named graph is replaced by one HTTP PUT. Without one,
each graph is dropped and inserted again with SPARQL Update, in batches small enough for
Virtuoso (which rejected batches of 2,000 triples), with blank nodes skolemised so that a
statement split across batches keeps its nodes. Publishing twice leaves one copy.
"""

from __future__ import annotations

import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable

from rdflib import Dataset, Graph, URIRef

from finops_kg.remote import credentials, opener, send

BATCH_TRIPLES = 500


@dataclass(frozen=True)
class Published:
    """One graph that was uploaded."""

    graph: str
    triples: int
    method: str


def dataset_graphs(editions: list[str]) -> list[tuple[URIRef, Graph]]:
    """Return the named graphs to publish: the ontology and each edition with its entailments."""
    from finops_kg.namespace import ONTOLOGY_IRI
    from finops_kg.query import dataset_quads, edition_graph

    dataset = Dataset()
    dataset.parse(data=dataset_quads(), format="nquads")
    names = [URIRef(ONTOLOGY_IRI)] + [edition_graph(e) for e in editions]
    return [(name, dataset.graph(name)) for name in names]


def publish(endpoint: str | None, editions: list[str], graph_store: str | None = None,
            user: str | None = None, password: str | None = None,
            progress: Callable[[str], None] | None = None) -> list[Published]:
    """Upload the ontology and the editions' graphs; return what was sent where."""
    from finops_kg.errors import InputError

    if not endpoint and not graph_store:
        raise InputError("give --endpoint (SPARQL Update) or --graph-store (Graph Store Protocol)")
    say = progress or (lambda message: print(message, file=sys.stderr))
    user, password = credentials(user, password)
    done = []
    for name, graph in dataset_graphs(editions):
        if graph_store:
            open_url = opener(graph_store, user, password)
            _put_graph(graph_store, name, graph, open_url)
            done.append(Published(str(name), len(graph), "graph store PUT"))
            say(f"published {len(graph)} triples to <{name}> by Graph Store PUT")
        else:
            open_url = opener(endpoint, user, password)
            _update_graph(endpoint, name, graph, open_url, say)
            done.append(Published(str(name), len(graph), "SPARQL Update"))
    return done


def _put_graph(graph_store: str, name: URIRef, graph: Graph,
               open_url: urllib.request.OpenerDirector) -> None:
    separator = "&" if "?" in graph_store else "?"
    # Virtuoso names the parameter graph-uri; the W3C protocol names it graph.
    key = "graph-uri" if "graph-crud" in graph_store else "graph"
    url = f"{graph_store}{separator}{urllib.parse.urlencode({key: str(name)})}"
    body = graph.serialize(format="nt", encoding="utf-8")
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    send(request, open_url, timeout=300)


def _update_graph(endpoint: str, name: URIRef, graph: Graph,
                  open_url: urllib.request.OpenerDirector, say: Callable[[str], None]) -> None:
    _update(endpoint, f"DROP SILENT GRAPH <{name}>", open_url)
    triples = sorted(graph.skolemize(authority="https://w3id.org/finops-kg/.well-known/genid/"))
    batches = range(0, len(triples), BATCH_TRIPLES)
    for number, start in enumerate(batches, start=1):
        lines = " ".join(f"{s.n3()} {p.n3()} {o.n3()} ."
                         for s, p, o in triples[start:start + BATCH_TRIPLES])
        _update(endpoint, f"INSERT DATA {{ GRAPH <{name}> {{ {lines} }} }}", open_url)
        if number == len(batches) or number % 10 == 0:
            say(f"<{name}>: {min(start + BATCH_TRIPLES, len(triples))}/{len(triples)} triples")


def _update(endpoint: str, text: str, open_url: urllib.request.OpenerDirector) -> None:
    request = urllib.request.Request(
        endpoint, data=urllib.parse.urlencode({"update": text}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    send(request, open_url, timeout=300)
