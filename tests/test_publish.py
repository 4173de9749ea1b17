"""Publishing to a real Virtuoso server, and the whole catalogue run on it against the local rows."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from finops_kg.graph import resources
from finops_kg.sparql.publish import publish
from finops_kg.sparql.catalogue import catalogue, find
from finops_kg.sparql.query import query
from finops_kg.sparql.remote import EndpointError

from conftest import example_arguments

# Every catalogue query's example data, so that the published store can answer each of them.
EXAMPLES = sorted((resources.resource_root() / "data" / "examples" / "acme").glob("*.*"))
# Engine differences that cannot be written away, each documented in the README.
VIRTUOSO_EXCEPTIONS: dict[str, str] = {}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    import virtuoso as server

    try:
        url, _, process = server.start(tmp_path_factory.mktemp("virtuoso"))
    except server.VirtuosoError as error:
        message = f"Virtuoso could not start: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing server is a failure there
        pytest.skip(message)
    yield url
    server.stop(process)


@pytest.fixture(scope="module")
def published(virtuoso):
    # Virtuoso has no default graph of its own: a query without GRAPH reads every graph.
    done = publish(None, ["2025", "2026"], graph_store=f"{virtuoso}/sparql-graph-crud-auth",
                   user="dba", password="dba", progress=lambda _: None, data=EXAMPLES,
                   default_graph=False)
    return virtuoso, done


def count_in(endpoint: str, graph: str) -> int:
    result = query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                   endpoint=f"{endpoint}/sparql")
    return int(result.rows[0][0])


def test_publishing_twice_leaves_one_copy(published):
    endpoint, done = published
    assert not any(d.graph == "default" for d in done)
    # Without a default graph of its own, Virtuoso answers a query without GRAPH from all graphs.
    assert query("ASK { <https://w3id.org/finops-kg/id/capability/allocation> a "
                 "<https://w3id.org/finops-kg/ontology#Capability> }",
                 endpoint=f"{endpoint}/sparql").boolean is True
    edition = next(d for d in done if d.graph.endswith("/edition/2026"))
    assert count_in(endpoint, edition.graph) == edition.triples
    publish(None, ["2026"], graph_store=f"{endpoint}/sparql-graph-crud-auth", user="dba",
            password="dba", progress=lambda _: None, data=EXAMPLES, default_graph=False)
    assert count_in(endpoint, edition.graph) == edition.triples


def normalised(rows) -> list[tuple]:
    """Rows as sorted tuples of text, numbers compared by value (Virtuoso canonicalises them)."""
    def cell(term):
        if term is None:
            return ""
        try:
            return repr(float(str(term)))
        except ValueError:
            return str(term)
    return sorted(tuple(cell(t) for t in row) for row in rows)


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_the_catalogue_gives_the_same_rows_on_virtuoso(published, name):
    endpoint, _ = published
    if name in VIRTUOSO_EXCEPTIONS:
        pytest.xfail(VIRTUOSO_EXCEPTIONS[name])
    arguments = example_arguments(name)
    local = query(name, **arguments)
    arguments.pop("data")
    remote = query(name, endpoint=f"{endpoint}/sparql", **arguments)
    assert remote.columns == list(find(name).columns)
    assert normalised(remote.rows) == normalised(local.rows)


def test_wrong_credentials_are_refused(virtuoso):
    with pytest.raises(EndpointError, match="wrong credentials"):
        publish(None, ["2026"], graph_store=f"{virtuoso}/sparql-graph-crud-auth", user="dba",
                password="not-the-password", progress=lambda _: None, default_graph=False)


def test_an_unreachable_endpoint_names_the_url_and_the_reason():
    with pytest.raises(EndpointError, match=r"http://127.0.0.1:9/sparql: unreachable after 3 "
                                            r"attempts \(.*refused"):
        query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", endpoint="http://127.0.0.1:9/sparql")


def test_publishing_by_sparql_update_in_batches(virtuoso):
    messages = []
    done = publish(f"{virtuoso}/sparql-auth", ["2025"], user="dba", password="dba",
                   progress=messages.append, default_graph=False)
    edition = next(d for d in done if d.graph.endswith("/edition/2025"))
    assert edition.method == "SPARQL Update"
    assert count_in(virtuoso, edition.graph) == edition.triples
    assert any(f"{edition.triples}/{edition.triples} triples" in m for m in messages)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server (the oxigraph package on PyPI), a store with a default graph."""
    import shutil
    import socket
    import subprocess
    import time

    import httpx

    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.fail("the oxigraph server is part of the test extra; install it")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("ox")),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            httpx.get(f"{url}/query", params={"query": "ASK {}"}, trust_env=False)
            break
        except httpx.TransportError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the Oxigraph server did not start within 30 s")
            time.sleep(0.1)
    yield url
    process.kill()
    process.wait()


@pytest.mark.parametrize("method", ["graph store", "update"])
def test_the_default_graph_is_published_where_the_store_has_one(oxigraph_server, method):
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    from test_query import FORMS

    url = oxigraph_server
    for _ in range(2):  # publishing twice leaves one copy
        done = publish(None if method == "graph store" else f"{url}/update", ["2025", "2026"],
                       graph_store=f"{url}/store" if method == "graph store" else None,
                       progress=lambda _: None)
    default = next(d for d in done if d.graph == "default")
    assert int(query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                     endpoint=f"{url}/query").rows[0][0]) == default.triples
    assert default.triples == int(query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])
    graph = Graph(store=SPARQLStore(f"{url}/query"))
    capability = URIRef("https://w3id.org/finops-kg/ontology#Capability")
    assert len(set(graph.subjects(RDF.type, capability))) == 23
    for text, check in FORMS:
        assert check(query(text, endpoint=f"{url}/query")), text
