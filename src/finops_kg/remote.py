"""A client for SPARQL 1.1 endpoints: run catalogue queries remotely, with parameters as VALUES."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from finops_kg.errors import FinopsKGError

ATTEMPTS = 3  # a refused connection is tried this many times, with a short pause between


class EndpointError(FinopsKGError):
    """The endpoint cannot be reached, refuses the credentials, or rejects the request."""


def credentials(user: str | None = None, password: str | None = None) -> tuple[str | None, str | None]:
    """Return the user and password given, or those of FINOPS_KG_USER and FINOPS_KG_PASSWORD."""
    return (user or os.environ.get("FINOPS_KG_USER"),
            password or os.environ.get("FINOPS_KG_PASSWORD"))


def opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    """Return a urllib opener that answers Basic and Digest challenges with the credentials."""
    handlers: list[Any] = []
    if user:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                     urllib.request.HTTPBasicAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


def send(request: urllib.request.Request, open_url: urllib.request.OpenerDirector,
         timeout: float = 60) -> bytes:
    """Send a request, retrying a refused connection, and turn failures into EndpointError."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with open_url.open(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0][:300] if detail else error.reason
            if error.code == 401:
                raise EndpointError(f"{request.full_url}: wrong credentials "
                                    f"(HTTP 401); give --user and --password") from None
            raise EndpointError(f"{request.full_url}: HTTP {error.code}: {reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if attempt == ATTEMPTS:
                raise EndpointError(f"{request.full_url}: unreachable after {ATTEMPTS} attempts "
                                    f"({reason})") from None
            time.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


class RemoteStore:
    """Runs queries on a SPARQL 1.1 Protocol endpoint."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None,
                 timeout: float = 60) -> None:
        self.endpoint = endpoint
        user, password = credentials(user, password)
        self._open = opener(endpoint, user, password)
        self.timeout = timeout

    def labels(self) -> Any:
        """Return the label index of the remote dataset."""
        from finops_kg.query import LabelIndex

        result = self.run(LabelIndex._QUERY, {})
        return LabelIndex(result.rows)

    def run(self, text: str, bindings: dict[str, Any]) -> Any:
        """Run a query with its parameters appended as a VALUES clause."""
        from finops_kg.query import QueryResult, with_values

        text = with_values(text, bindings)
        accept = ("application/sparql-results+json, text/turtle;q=0.9, "
                  "application/n-triples;q=0.8")
        request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode({"query": text}).encode(),
            headers={"Accept": accept,
                     "Content-Type": "application/x-www-form-urlencoded"})
        body = send(request, self._open, self.timeout)
        if body.lstrip().startswith(b"{"):
            answer = json.loads(body)
            if "boolean" in answer:
                return QueryResult(boolean=bool(answer["boolean"]))
            columns = answer["head"]["vars"]
            rows = [tuple(_term(binding.get(c)) for c in columns)
                    for binding in answer["results"]["bindings"]]
            return QueryResult(columns=columns, rows=rows)
        return QueryResult(graph=Graph().parse(data=body, format="turtle"))


def _term(value: dict | None) -> Any:
    if value is None:
        return None
    kind = value["type"]
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
