"""Fuzz target: the SPARQL endpoint's request handling (`finops-kg serve`), in process.

The input, cut at NUL bytes, is a request: method, path (/sparql, /queries/NAME or /), query
string, Content-Type, Accept and body. The Starlette application answers it through its ASGI
interface, with no socket: every answer is a status the endpoint documents (200, 400, 404,
405, 406, 413, 415, 503), never a server error, and the application never raises.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import atheris

with atheris.instrument_imports(include=["finops_kg"]):
    from finops_kg.sparql.serve import Limits, create_app

sys.path.insert(0, str(Path(__file__).parent))
from common import fields, fuzz  # noqa: E402

FID = "https://w3id.org/finops-kg/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# A small dataset: two capabilities of a domain in the 2026 edition's graph
QUADS = "\n".join(f"<{s}> <{p}> {o} <{FID}edition/2026> ." for s, p, o in [
    (f"{FID}capability/allocation", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
     "<https://w3id.org/finops-kg/ontology#Capability>"),
    (f"{FID}capability/allocation", SKOS + "prefLabel", '"Allocation"@en'),
    (f"{FID}capability/forecasting", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
     "<https://w3id.org/finops-kg/ontology#Capability>"),
    (f"{FID}capability/forecasting", SKOS + "prefLabel", '"Forecasting \\"quoted\\""@en'),
    (f"{FID}domain/understand", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
     "<https://w3id.org/finops-kg/ontology#Domain>"),
    (f"{FID}domain/understand", SKOS + "prefLabel", '"Understand usage"@en'),
]) + "\n"
DOCUMENTED = {200, 400, 404, 405, 406, 413, 415, 503}
CLIENT = None


def header(value: bytes) -> bytes:
    """A header value as HTTP can carry it: no line breaks or NULs."""
    return bytes(b for b in value if b not in b"\r\n\x00")


def test_one_input(data: bytes) -> None:
    method, path, query, content_type, accept, body = fields(data, 6)
    route = path[0] % 3 if path else 0
    url = ["/sparql", "/queries/" + quote(path[1:].decode("utf-8", "replace"), safe=""), "/"][route]
    if query:
        url += "?" + quote_from_bytes(query, safe="=&+%;")
    headers = {"content-type": header(content_type), "accept": header(accept)}
    response = CLIENT.request("POST" if method[:1] in (b"P", b"p") else "GET", url,
                              content=body, headers={k: v for k, v in headers.items() if v})
    assert response.status_code in DOCUMENTED, (response.status_code, response.text[:500])


if __name__ == "__main__":
    from starlette.testclient import TestClient

    quads = Path(tempfile.mkdtemp(prefix="fuzz-endpoint-")) / "data.nq"
    quads.write_text(QUADS, encoding="utf-8")
    app = create_app(str(quads), Limits(seconds=3.0, rows=100), workers=1)
    with TestClient(app, raise_server_exceptions=True) as CLIENT:
        fuzz(test_one_input)
