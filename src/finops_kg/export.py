"""Serialise graphs deterministically and write files atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from finops_kg.errors import OutputError
from finops_kg.namespace import PREFIXES

# File extension and rdflib serializer name of each RDF format the build writes.
RDF_FORMATS = {
    "turtle": ("ttl", "turtle"),
    "jsonld": ("jsonld", "json-ld"),
    "nt": ("nt", "nt11"),
}


def canonical(graph: Graph) -> Graph:
    """Return a copy of graph whose blank nodes have stable, content-derived names."""
    from finops_kg.load import new_graph

    result = new_graph()
    with_blank_nodes = Graph()
    for triple in graph:
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
            with_blank_nodes.add(triple)
        else:
            result.add(triple)
    # Only the triples that touch a blank node decide its canonical name, so the rest of the
    # graph, by far the larger part, need not be hashed.
    for triple in to_canonical_graph(with_blank_nodes):
        result.add(triple)
    return result


def serialize(graph: Graph, format: str) -> bytes:
    """Return graph in one of RDF_FORMATS as bytes; the same graph always gives the same bytes."""
    return serialize_canonical(canonical(graph), format)


def serialize_canonical(graph: Graph, format: str) -> bytes:
    """Return a graph that canonical() produced in one of RDF_FORMATS, without copying it again."""
    if format not in RDF_FORMATS:
        raise OutputError(f"unknown RDF format {format!r}; the formats are: {', '.join(RDF_FORMATS)}")
    name = RDF_FORMATS[format][1]
    if name == "nt11":
        lines = graph.serialize(format=name, encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    if name == "json-ld":
        return _stable_jsonld(graph.serialize(format=name, context=dict(PREFIXES)))
    return graph.serialize(format=name, encoding="utf-8")


def serialize_trig(graphs: list[tuple[URIRef, Graph]]) -> bytes:
    """Return named graphs as one TriG document, in the given order, deterministically."""
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items())]
    for name, graph in graphs:
        body = serialize(graph, "turtle").decode("utf-8")
        statements = [line for line in body.splitlines() if not line.startswith("@prefix ")]
        # No indentation inside the braces: it would change multi-line string literals.
        lines += ["", f"<{name}> {{", *_trim_blank(statements), "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _stable_jsonld(text: str) -> bytes:
    """Order rdflib's JSON-LD, whose node and value order follows the store, by content."""
    import json

    def key(item: object) -> str:
        return json.dumps(item, sort_keys=True, ensure_ascii=False)

    document = json.loads(text)
    nodes = document.get("@graph", [])
    for node in nodes:
        for name, value in node.items():
            if isinstance(value, list):  # values of a property form a set; an @list stays put
                value.sort(key=key)
    nodes.sort(key=lambda node: node.get("@id", ""))
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write data to path through a temporary file in the same folder, then rename it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write here ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
    return path
