"""A client for SPARQL 1.1 endpoints: run catalogue queries remotely, with parameters as VALUES."""

from __future__ import annotations

import json
import os
import time
from typing import Any, Iterator

import httpx
from rdflib import BNode, Graph, Literal, URIRef

from finops_kg.errors import FinopsKGError

ATTEMPTS = 3  # a refused connection is tried this many times, with a short pause between


class EndpointError(FinopsKGError):
    """The endpoint cannot be reached, refuses the credentials, or rejects the request."""


def credentials(user: str | None = None, password: str | None = None) -> tuple[str | None, str | None]:
    """Return the user and password given, or those of FINOPS_KG_USER and FINOPS_KG_PASSWORD."""
    return (user or os.environ.get("FINOPS_KG_USER"),
            password or os.environ.get("FINOPS_KG_PASSWORD"))


class ChallengeAuth(httpx.Auth):
    """Answer the server's challenge with Basic or Digest authentication, whichever it asks for."""

    def __init__(self, user: str, password: str) -> None:
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        """Send the request; on a 401, send it again with the scheme the server named."""
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        scheme = self.digest if challenge.startswith("digest") else self.basic
        flow = scheme.auth_flow(request)
        retried = next(flow)
        if scheme is self.digest:  # digest needs the challenge's nonce first
            retried = flow.send(response)
        yield retried


def client(user: str | None, password: str | None, timeout: float) -> httpx.Client:
    """Return an httpx client that authenticates with the credentials, if any are given."""
    auth = ChallengeAuth(user, password or "") if user else None
    # trust_env=False: a proxy from the environment must never see requests to this machine.
    return httpx.Client(auth=auth, timeout=timeout, trust_env=False)


def send(http: httpx.Client, method: str, url: str, **kwargs: Any) -> bytes:
    """Send a request, retrying a refused connection, and turn failures into EndpointError."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = http.request(method, url, **kwargs)
        except httpx.TransportError as error:
            if attempt == ATTEMPTS:
                raise EndpointError(f"{url}: unreachable after {ATTEMPTS} attempts "
                                    f"({error or type(error).__name__})") from None
            time.sleep(0.5 * attempt)
            continue
        if response.status_code == 401:
            raise EndpointError(f"{url}: wrong credentials (HTTP 401); give --user and "
                                "--password") from None
        if response.status_code >= 400:
            lines = response.text.strip().splitlines()
            reason = lines[0][:300] if lines else response.reason_phrase
            raise EndpointError(f"{url}: HTTP {response.status_code}: {reason}")
        if "X-SPARQL-MaxRows" in response.headers:  # Virtuoso cuts results without failing
            raise EndpointError(f"{url}: the store cut the result at "
                                f"{response.headers['X-SPARQL-MaxRows']} rows")
        return response.content
    raise AssertionError("unreachable")


class RemoteStore:
    """Runs queries on a SPARQL 1.1 Protocol endpoint."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None,
                 timeout: float = 60) -> None:
        self.endpoint = endpoint
        self._http = client(*credentials(user, password), timeout)

    def labels(self) -> Any:
        """Return the label index of the remote dataset, read a class at a time as needed."""
        import pyoxigraph

        from finops_kg.sparql.binding import LabelIndex

        return LabelIndex(read=lambda cls: self.run(
            LabelIndex.QUERY, {"class": pyoxigraph.NamedNode(cls)}).rows)

    def run(self, text: str, bindings: dict[str, Any], graphs: Any = None) -> Any:
        """Run a query with its parameters appended as a VALUES clause (graphs is not needed)."""
        from finops_kg.sparql.results import QueryResult
        from finops_kg.sparql.binding import with_values

        text = with_values(text, bindings)
        accept = ("application/sparql-results+json, text/turtle;q=0.9, "
                  "application/n-triples;q=0.8")
        # A form POST: no limit on the query's length, and Virtuoso hangs on a direct POST.
        body = send(self._http, "POST", self.endpoint, data={"query": text},
                    headers={"Accept": accept})
        if body.lstrip().startswith(b"{"):
            answer = json.loads(body)
            if "boolean" in answer:
                return QueryResult(boolean=bool(answer["boolean"]))
            columns = answer["head"]["vars"]
            if columns == ["__ASK_RETVAL"]:  # Virtuoso 7.2 answers ASK as a one-column SELECT
                values = [b.get("__ASK_RETVAL", {}).get("value") for b in
                          answer["results"]["bindings"]]
                return QueryResult(boolean="1" in values)
            rows = [tuple(_term(binding.get(c)) for c in columns)
                    for binding in answer["results"]["bindings"]]
            return QueryResult(columns=columns, rows=rows)
        return QueryResult(graph=Graph().parse(data=body, format="turtle"))


def _term(value: dict | None) -> Any:
    if value is None:
        return None
    kind = value["type"]
    if kind == "typed-literal":  # the SPARQL 1.0 form, which Virtuoso still sends
        kind = "literal"
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype in (None, "http://www.w3.org/2001/XMLSchema#string"):
        return Literal(value["value"])
    return Literal(value["value"], datatype=URIRef(datatype))
