"""The read-only SPARQL endpoint, started for real and queried over HTTP."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from finops_kg.serve import Limits, create_app, served_quads

COUNT_DOMAINS = """PREFIX fo: <https://w3id.org/finops-kg/ontology#>
SELECT (COUNT(?d) AS ?n) WHERE { GRAPH <https://w3id.org/finops-kg/id/edition/2026> { ?d a fo:Domain } }"""
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c . ?d ?e ?f . ?h ?i ?j } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    import uvicorn

    port = free_port()
    app = create_app(str(served_quads()), Limits(seconds=1.0, rows=500), workers=1)
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


def test_home_page_works_offline(endpoint):
    page = httpx.get(f"{endpoint}/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert "src=\"http" not in page.text and "href=\"http" not in page.text


def test_remote_queries_equal_local_ones(endpoint):
    from finops_kg.query import query

    local = query(COUNT_DOMAINS)
    remote = query(COUNT_DOMAINS, endpoint=f"{endpoint}/sparql")
    assert remote.rows == local.rows and remote.columns == local.columns


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
