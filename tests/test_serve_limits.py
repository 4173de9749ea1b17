"""The endpoint's own checks at their edges: the row and body limits at and beside them, updates
refused."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from finops_kg.sparql.serve import MAX_BODY

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


# ---------------------------------------------------------------------------------------------
# The request body limit: a Content-Length over it is refused unread, a chunked body as it
# passes it; the endpoint goes on serving
# ---------------------------------------------------------------------------------------------

def post_raw(url: str, body: bytes, content_type: str, *, chunked: bool = False,
             declared_only: int | None = None, headers: dict | None = None) -> tuple[int, str]:
    """POST body to url with http.client, whole, in 64 KiB chunks, or only a declared length.

    A server may answer before it has read the body and close the connection: the rest of the
    body then finds the connection gone, which is what the test wants, and the answer is read.
    """
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("POST", parts.path)
        connection.putheader("Content-Type", content_type)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
        else:
            connection.putheader("Content-Length", str(declared_only or len(body)))
        connection.endheaders()
        try:
            if chunked:
                for start in range(0, len(body), 1 << 16):
                    piece = body[start:start + (1 << 16)]
                    connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                connection.send(b"0\r\n\r\n")
            elif declared_only is None:
                connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the end of the body
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def assert_body_limit(url: str, limit: int, fill: Callable[[int], bytes], content_type: str,
                      refusal: str, headers: dict | None = None) -> None:
    """A body of limit bytes is answered; one byte more, declared or chunked, gets 413."""
    for chunked in (False, True):
        status, text = post_raw(url, fill(limit), content_type, chunked=chunked, headers=headers)
        assert status == 200, (chunked, status, text[:300])
    for size, chunked, declared_only in [(limit + 1, False, None),
                                         (0, False, limit + 1),  # declared, and nothing sent
                                         (limit + 1, True, None), (4 * limit, True, None)]:
        status, text = post_raw(url, fill(size) if size else b"", content_type, chunked=chunked,
                                declared_only=declared_only, headers=headers)
        assert (status, text) == (413, refusal), (size, chunked, declared_only, status, text)
    status, text = post_raw(url, fill(limit - 1), content_type, headers=headers)
    assert status == 200, (status, text[:300])  # and it goes on serving


def padded_query(size: int) -> bytes:
    """ASK {} padded with spaces to exactly size bytes."""
    return b"ASK {}".ljust(size, b" ")


def padded_form(size: int) -> bytes:
    """A form holding the query ASK {} and padding, of exactly size bytes."""
    head = b"query=ASK%20%7B%7D&pad="
    return head.ljust(size, b"x")


@pytest.mark.parametrize(("fill", "content_type"), [
    (padded_query, "application/sparql-query"),
    (padded_form, "application/x-www-form-urlencoded")])
def test_a_body_up_to_the_limit_is_answered_and_one_byte_more_is_refused(
        endpoint, fill, content_type):  # noqa: F811
    assert_body_limit(f"{endpoint}/sparql", MAX_BODY, fill, content_type,
                      "the request body is larger than 1048576 bytes, the limit of this endpoint")
    after = httpx.post(f"{endpoint}/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30,
                       headers={"Accept": "application/sparql-results+json"})
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_serve_passes_max_body_on_and_refuses_a_bad_one(monkeypatch, capsys):
    import finops_kg.sparql.serve as serve
    from finops_kg.cli import main

    given = {}
    monkeypatch.setattr(serve, "serve", lambda *args, **kwargs: given.update(kwargs))
    assert main(["serve", "--max-body", "4096"]) == 0
    assert given["max_body"] == 4096
    assert main(["serve"]) == 0 and given["max_body"] == MAX_BODY == 1 << 20
    assert main(["serve", "--max-body", "0"]) == 2
    assert capsys.readouterr().err == ("finops-kg: error: --max-body 0: give the bytes a request "
                                       "body may have, at least 1\n")


def mcp_message(size: int) -> bytes:
    """An MCP initialize request padded with spaces to exactly size bytes."""
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "body-limit-test", "version": "1"}}}).encode().ljust(size, b" ")


def test_the_mcp_http_server_has_the_same_body_limit():
    import subprocess
    import sys
    from pathlib import Path

    process = subprocess.Popen([str(Path(sys.executable).parent / "finops-kg"), "mcp", "--http",
                                "--port", "0", "--no-sparql"], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert line.startswith("finops-kg: serving MCP at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split()[0]
        assert_body_limit(url, MAX_BODY, mcp_message, "application/json",
                          "Request body too large",
                          headers={"Accept": "application/json, text/event-stream"})
    finally:
        process.terminate()
        process.wait(timeout=10)
