"""The endpoint's own checks at their edges: the row limit at and beside it, updates refused."""

from __future__ import annotations

import httpx
import pytest

from test_serve import endpoint, running  # noqa: F401 - the module's endpoint, with 500 rows

ROWS = 500  # the row limit of test_serve's endpoint


def numbers(count: int) -> str:
    """A query of exactly count rows that needs no data."""
    return "SELECT ?n WHERE { VALUES ?n { " + " ".join(map(str, range(count))) + " } }"


@pytest.mark.parametrize("count", [0, 1, ROWS - 1, ROWS])
def test_a_result_up_to_the_row_limit_is_answered_whole(endpoint, count):  # noqa: F811
    response = httpx.get(f"{endpoint}/sparql", params={"query": numbers(count)},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == count


@pytest.mark.parametrize("count", [ROWS + 1, ROWS + 2])
def test_a_result_past_the_row_limit_is_refused(endpoint, count):  # noqa: F811
    response = httpx.get(f"{endpoint}/sparql", params={"query": numbers(count)}, timeout=30)
    assert response.status_code == 413
    assert f"the result has more than {ROWS} rows" in response.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_update_beside_a_query_is_refused_and_not_run(endpoint, method):  # noqa: F811
    fields = {"query": numbers(1), "update": "DROP ALL"}
    if method == "GET":
        response = httpx.get(f"{endpoint}/sparql", params=fields, timeout=30)
    else:
        response = httpx.post(f"{endpoint}/sparql", data=fields, timeout=30)
    assert (response.status_code, response.text.strip()) == (
        400, "SPARQL Update is refused: this endpoint is read-only")
    after = httpx.get(f"{endpoint}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert after.json()["boolean"] is True  # nothing was dropped
