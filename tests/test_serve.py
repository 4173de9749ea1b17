"""The read-only SPARQL endpoint, started for real and queried over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import httpx
import pytest

from finops_kg.sparql.serve import Limits, create_app, served_quads

COUNT_DOMAINS = """PREFIX fo: <https://w3id.org/finops-kg/ontology#>
SELECT (COUNT(?d) AS ?n) WHERE { GRAPH <https://w3id.org/finops-kg/id/edition/2026> { ?d a fo:Domain } }"""
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c . ?d ?e ?f . ?h ?i ?j } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(app):
    """Serve the app on a free port of this machine in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("the SPARQL endpoint did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def endpoint():
    with running(create_app(str(served_quads()), Limits(seconds=1.0, rows=500), workers=1)) as url:
        yield url


def test_select_by_get_and_post_in_every_results_format(endpoint):
    url = f"{endpoint}/sparql"
    got = httpx.get(url, params={"query": COUNT_DOMAINS})
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/sparql-results+json")
    assert got.json()["results"]["bindings"][0]["n"]["value"] == "4"
    integer = '"4"^^<http://www.w3.org/2001/XMLSchema#integer>'
    for accept, expected in [("text/csv", "n\r\n4\r\n"),
                             ("text/tab-separated-values", f"?n\n{integer}\n")]:
        posted = httpx.post(url, data={"query": COUNT_DOMAINS}, headers={"Accept": accept})
        assert posted.status_code == 200 and posted.text == expected
    xml = httpx.post(url, content=COUNT_DOMAINS, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"})
    assert xml.status_code == 200 and "<literal" in xml.text


def test_construct_in_turtle_and_json_ld(endpoint):
    construct = """PREFIX fo: <https://w3id.org/finops-kg/ontology#>
CONSTRUCT { ?d a fo:Domain } WHERE { GRAPH <https://w3id.org/finops-kg/id/edition/2026> { ?d a fo:Domain } }"""
    turtle = httpx.post(f"{endpoint}/sparql", data={"query": construct},
                        headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.text.count("Domain") == 4
    jsonld = httpx.post(f"{endpoint}/sparql", data={"query": construct},
                        headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and len(jsonld.json()) == 4


@pytest.mark.parametrize(("request_kwargs", "status", "message"), [
    ({"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "SPARQL syntax error: line 1"),
    ({"params": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "read-only"),
    ({"data": {"update": "DROP ALL"}, "method": "POST"}, 400, "read-only"),
    ({"content": "CLEAR ALL", "method": "POST",
      "headers": {"Content-Type": "application/sparql-update"}}, 400, "read-only"),
    ({"data": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"},
      "method": "POST"}, 400, "SERVICE is refused"),
    ({"params": {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}}, 413, "more than 500 rows"),
    ({"params": {"query": HEAVY}}, 503, "time limit of 1 s"),
])
def test_bad_or_costly_requests_get_a_clear_error(endpoint, request_kwargs, status, message):
    method = request_kwargs.pop("method", "GET")
    response = httpx.request(method, f"{endpoint}/sparql", timeout=30, **request_kwargs)
    assert response.status_code == status
    assert message in response.text


def test_a_stopped_query_leaves_the_endpoint_serving(endpoint):
    httpx.get(f"{endpoint}/sparql", params={"query": HEAVY}, timeout=30)
    after = httpx.get(f"{endpoint}/sparql", params={"query": COUNT_DOMAINS}, timeout=30)
    assert after.status_code == 200


def test_a_runaway_query_does_not_hold_up_the_others():
    """With one worker busy on a query that runs for ever, a spare takes its place: catalogue
    queries answer while the runaway runs, and it is stopped at the time limit."""
    app = create_app(str(served_quads()), Limits(seconds=6.0, rows=500), workers=1)
    with running(app) as url:
        assert httpx.get(f"{url}/sparql", params={"query": COUNT_DOMAINS}).status_code == 200
        stopped: dict = {}

        def runaway() -> None:
            began = time.monotonic()
            stopped["response"] = httpx.get(f"{url}/sparql", params={"query": HEAVY}, timeout=60)
            stopped["seconds"], stopped["at"] = time.monotonic() - began, time.monotonic()

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(1.0)  # the runaway has been set aside and its spare is loading
        answers = [httpx.get(f"{url}/queries/capabilities-of-a-domain", timeout=60,
                             params={"domain": "Understand Usage & Cost"},
                             headers={"Accept": "text/csv"}) for _ in range(3)]
        answered = time.monotonic()
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answered < stopped["at"] - 1, "the catalogue queries waited for the runaway"
    response = stopped["response"]
    assert response.status_code == 503 and "time limit of 6 s" in response.text
    assert 6 <= stopped["seconds"] < 12


def test_home_page_works_offline(endpoint):
    page = httpx.get(f"{endpoint}/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert "src=\"http" not in page.text and "href=\"http" not in page.text


def test_remote_queries_equal_local_ones(endpoint):
    from rdflib.compare import isomorphic

    from finops_kg.sparql.query import query
    from test_query import FORMS

    for text in [COUNT_DOMAINS] + [text for text, _ in FORMS]:
        local = query(text)
        remote = query(text, endpoint=f"{endpoint}/sparql")
        assert (remote.rows, remote.columns, remote.boolean) == (
            local.rows, local.columns, local.boolean), text
        assert (remote.graph is None) == (local.graph is None), text
        assert remote.graph is None or isomorphic(remote.graph, local.graph), text


def test_a_catalogue_query_by_its_url_with_a_label_parameter(endpoint):
    response = httpx.get(f"{endpoint}/queries/capabilities-of-a-domain",
                         params={"domain": "Understand Usage & Cost"},
                         headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == 5  # the header and four capabilities
    unknown = httpx.get(f"{endpoint}/queries/capabilities-of-a-domian")
    assert unknown.status_code == 404 and "did you mean" in unknown.text
    missing = httpx.get(f"{endpoint}/queries/capabilities-of-a-domain")
    assert missing.status_code == 400 and "needs parameter domain" in missing.text


PREFIXES = """PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX fid: <https://w3id.org/finops-kg/id/>
"""
COUNT_CAPABILITIES = PREFIXES + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a fo:Capability }"
EDITION = "https://w3id.org/finops-kg/id/edition/"


def sparql_json(endpoint: str, query: str, **params) -> dict:
    response = httpx.get(f"{endpoint}/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return response.json()


def count(endpoint: str, query: str = COUNT_CAPABILITIES, **params) -> int:
    return int(sparql_json(endpoint, query, **params)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(("query", "media", "check"), [
    (PREFIXES + "ASK { <https://w3id.org/finops-kg/id/capability/allocation> a fo:Capability }",
     "application/sparql-results+json", lambda r: r.json() == {"head": {}, "boolean": True}),
    (PREFIXES + "ASK { <https://w3id.org/finops-kg/id/capability/allocation> a fo:Persona }",
     "application/sparql-results+json", lambda r: r.json()["boolean"] is False),
    (PREFIXES + "ASK { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+xml",
     lambda r: "<boolean>true</boolean>" in r.text),
    (COUNT_CAPABILITIES, "application/sparql-results+json",
     lambda r: r.json()["results"]["bindings"][0]["n"]["value"] == "23"),
    (PREFIXES + "CONSTRUCT { ?c a fo:Capability } WHERE { ?c a fo:Capability }", "text/turtle",
     lambda r: r.text.count("Capability") == 23),
    ("DESCRIBE <https://w3id.org/finops-kg/id/capability/allocation>", "text/turtle",
     lambda r: '"Allocation"@en' in r.text),
])
def test_every_query_form_answers_from_the_default_graph(endpoint, query, media, check):
    response = httpx.post(f"{endpoint}/sparql", data={"query": query}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert check(response)


def test_standard_clients_see_the_default_graph(endpoint):
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    graph = Graph(store=SPARQLStore(f"{endpoint}/sparql"))
    capability = URIRef("https://w3id.org/finops-kg/ontology#Capability")
    assert len(set(graph.subjects(RDF.type, capability))) == 23
    wrapper = SPARQLWrapper(f"{endpoint}/sparql")
    wrapper.setQuery(PREFIXES + "ASK { <https://w3id.org/finops-kg/id/persona/finance> a fo:Persona }")
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True
    wrapper.setQuery("DESCRIBE <https://w3id.org/finops-kg/id/capability/allocation>")
    wrapper.setReturnFormat(TURTLE)
    described = Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert (URIRef("https://w3id.org/finops-kg/id/capability/allocation"), RDF.type,
            capability) in described


def test_the_default_graph_is_the_ontology_and_the_current_edition_only(endpoint):
    # The ontology's classes are in it; the 2025 edition's name for a renamed capability is not.
    assert count(endpoint, PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { "
                 "fo:Capability a <http://www.w3.org/2002/07/owl#Class> }") == 1
    assert count(endpoint, PREFIXES + 'SELECT (COUNT(*) AS ?n) WHERE { ?c '
                 '<http://www.w3.org/2004/02/skos/core#prefLabel> "Workload Optimization"@en }') == 0
    # The catalogue's named graphs are unchanged.
    assert count(endpoint, PREFIXES + "SELECT (COUNT(?c) AS ?n) WHERE { GRAPH <" + EDITION +
                 "2025> { ?c a fo:Capability } }") == 22


def test_protocol_dataset_parameters_define_the_dataset(endpoint):
    assert count(endpoint, **{"default-graph-uri": EDITION + "2025"}) == 22
    posted = httpx.post(f"{endpoint}/sparql", data={
        "query": COUNT_CAPABILITIES, "default-graph-uri": EDITION + "2025"})
    assert posted.json()["results"]["bindings"][0]["n"]["value"] == "22"
    direct = httpx.post(f"{endpoint}/sparql", content=COUNT_CAPABILITIES,
                        params={"default-graph-uri": EDITION + "2025"},
                        headers={"Content-Type": "application/sparql-query"})
    assert direct.json()["results"]["bindings"][0]["n"]["value"] == "22"
    # Two default graphs are merged; the parameters override FROM in the query.
    names = ("SELECT (COUNT(DISTINCT ?name) AS ?n) WHERE { <https://w3id.org/finops-kg/id/"
             "capability/usage-optimization> <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }")
    assert count(endpoint, names) == 1  # Usage Optimization, its 2026 name
    assert count(endpoint, names, **{"default-graph-uri": [EDITION + "2025", EDITION + "2026"]}) == 2
    with_from = COUNT_CAPABILITIES.replace("WHERE", f"FROM <{EDITION}2026> WHERE")
    assert count(endpoint, with_from) == 23
    assert count(endpoint, with_from, **{"default-graph-uri": EDITION + "2025"}) == 22
    # named-graph-uri alone: only those graphs are named, and the default graph is empty.
    graphs = PREFIXES + "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(endpoint, graphs, **{"named-graph-uri": EDITION + "2025"}) == 1
    assert count(endpoint, **{"named-graph-uri": EDITION + "2025"}) == 0
    # An unknown graph is an empty graph, not an error.
    assert count(endpoint, **{"default-graph-uri": "https://example.org/no-such-graph"}) == 0
    bad = httpx.get(f"{endpoint}/sparql", params={"query": COUNT_CAPABILITIES,
                                                   "default-graph-uri": "not an iri"})
    assert bad.status_code == 400 and "default-graph-uri" in bad.text


def test_the_service_description_names_the_dataset(endpoint):
    from rdflib import Graph, Literal, Namespace, URIRef

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    response = httpx.get(f"{endpoint}/sparql")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = graph.value(predicate=sd.endpoint, object=URIRef(f"{endpoint}/sparql"))
    assert service is not None
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = set(graph.objects(service, sd.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats and len(formats) == 8
    dataset = graph.value(service, sd.defaultDataset)
    names = {str(graph.value(entry, sd.name)) for entry in graph.objects(dataset, sd.namedGraph)}
    assert {EDITION + "2025", EDITION + "2026", "https://w3id.org/finops-kg/ontology"} <= names
    default = graph.value(dataset, sd.defaultGraph)
    size = graph.value(default, URIRef("http://rdfs.org/ns/void#triples"))
    assert size == Literal(count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    jsonld = httpx.get(f"{endpoint}/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+xml;q=0.1, text/csv", "text/csv"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
    ("text/*;q=0.3, text/tab-separated-values;q=0.8", "text/tab-separated-values"),
    ("text/*, text/csv;q=0", "text/tab-separated-values"),
    ("application/sparql-results+json;q=0.5, */*;q=0.9", "application/sparql-results+xml"),
])
def test_content_negotiation_honours_q_values_and_wildcards(endpoint, accept, expected):
    response = httpx.get(f"{endpoint}/sparql", params={"query": COUNT_DOMAINS},
                         headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected


def test_an_unacceptable_type_gets_406_with_the_offered_types(endpoint):
    response = httpx.get(f"{endpoint}/sparql", params={"query": COUNT_DOMAINS},
                         headers={"Accept": "image/png, text/csv;q=0"})
    assert response.status_code == 406
    assert "text/csv" in response.text and "application/sparql-results+json" in response.text
    graph = httpx.get(f"{endpoint}/sparql", params={"query": "DESCRIBE <urn:x>"},
                      headers={"Accept": "text/csv"})
    assert graph.status_code == 406 and "text/turtle" in graph.text
    default = httpx.get(f"{endpoint}/sparql", params={"query": "DESCRIBE <urn:x>"},
                        headers={"Accept": ""})
    assert default.status_code == 200 and default.headers["content-type"].startswith("text/turtle")


def test_cors_is_off_by_default_and_on_for_the_origins_given(endpoint):
    origin = "https://yasgui.example"
    preflight = {"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "Content-Type"}
    plain = httpx.get(f"{endpoint}/sparql", params={"query": COUNT_DOMAINS},
                      headers={"Origin": origin})
    assert "access-control-allow-origin" not in plain.headers
    assert httpx.options(f"{endpoint}/sparql", headers=preflight).status_code == 405
    app = create_app(str(served_quads()), Limits(), workers=1, cors=(origin,))
    with running(app) as url:
        allowed = httpx.options(f"{url}/sparql", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == origin
        assert "POST" in allowed.headers["access-control-allow-methods"]
        answer = httpx.post(f"{url}/sparql", data={"query": COUNT_DOMAINS},
                            headers={"Origin": origin})
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == origin
        other = httpx.get(f"{url}/sparql", params={"query": COUNT_DOMAINS},
                          headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


# --- a workspace: served while a load commits ----------------------------------------------------

def _triples_file(path, count: int):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.writelines(f"<https://example.org/served/{i}> <https://example.org/p> \"{i}\" .\n"
                       for i in range(count))
    return path


def test_serve_workspace_answers_a_running_query_while_a_load_commits(tmp_path):
    """A query that runs while `workspace load` replaces its graph answers from the generation it
    started on; both succeed; the next query sees the load."""
    import os
    import subprocess
    import sys

    from finops_kg.workspace import Workspace
    from finops_kg.workspace.metadata import file_graph

    folder = tmp_path / "ws"
    Workspace.init(folder).close()
    first = _triples_file(tmp_path / "served.nt", 5000)
    command = [sys.executable, "-m", "finops_kg"]
    environment = {k: v for k, v in os.environ.items() if k != "FINOPS_KG_WORKSPACE"}
    loaded = subprocess.run([*command, "workspace", "load", str(folder), str(first)],
                            capture_output=True, text=True, env=environment, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    graph = file_graph(first)
    pairs = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?a ?b ?c }} "
             f"GRAPH <{graph}> {{ ?d ?e ?f }} }}")
    port = free_port()
    server = subprocess.Popen([*command, "serve", "--workspace", str(folder), "--port", str(port),
                               "--timeout", "300"], stderr=subprocess.PIPE, text=True,
                              env=environment)

    def load(path) -> float:
        done = subprocess.run([*command, "workspace", "load", str(folder), str(path)],
                              capture_output=True, text=True, env=environment, timeout=300)
        assert done.returncode == 0, done.stderr
        return time.monotonic()

    try:
        said = [server.stderr.readline()]  # a warning line may come before it
        while "serving" not in said[-1] and said[-1] and len(said) < 5:
            said.append(server.stderr.readline())
        assert "serving" in said[-1], said
        url = f"http://127.0.0.1:{port}/sparql"

        def count(query: str) -> int:
            reply = httpx.get(url, params={"query": query}, headers={"Accept": "text/csv"},
                              timeout=300)
            assert reply.status_code == 200, reply.text
            return int(reply.text.splitlines()[1])

        assert count(COUNT_DOMAINS) > 0  # the workers have opened the workspace
        # The query must outlast the load; how long either takes depends on the machine, so a
        # query that ends first is run again, made 4 and then 16 times longer by a VALUES
        # block. A load that waited for the query would lose every round.
        for times in (1, 4, 16):
            if times > 1:
                load(first)  # the 5,000 triples again
            longer = pairs.replace("WHERE {", "WHERE { VALUES ?k { %s }" % " ".join(
                str(k) for k in range(times)), 1)
            answered: dict = {}

            def slow() -> None:
                answered["pairs"] = count(longer)
                answered["at"] = time.monotonic()

            thread = threading.Thread(target=slow)
            thread.start()
            time.sleep(0.5)  # the query is running
            committed = load(_triples_file(tmp_path / "next" / "served.nt", 10))
            thread.join(timeout=300)
            assert answered["pairs"] == 5000 * 5000 * times  # the generation it started on
            assert count(pairs) == 10 * 10  # the next query sees the load
            if answered["at"] > committed:
                break
        else:
            raise AssertionError("each query ended before the load committed")
    finally:
        server.terminate()
        server.wait(timeout=30)
