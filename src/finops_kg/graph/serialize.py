"""Serialise graphs deterministically and write files atomically."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from finops_kg.errors import OutputError
from finops_kg.graph.formats import FORMATS, RDF_FORMATS
from finops_kg.graph.namespace import PREFIXES


def canonical(graph: Graph) -> Graph:
    """Return a copy of graph whose blank nodes have stable, content-derived names."""
    from finops_kg.graph.load import new_graph

    if not any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in graph):
        return graph  # nothing to rename: serialisers sort their output themselves
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
    name = FORMATS[format].rdflib
    if name == "nt11":
        lines = graph.serialize(format=name, encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    if name == "json-ld":
        graph = _RootedGraph(store=graph.store, identifier=graph.identifier,
                             namespace_manager=graph.namespace_manager, base=graph.base)
        return _stable_jsonld(graph.serialize(format=name, context=jsonld_context(),
                                              auto_compact=True))
    if name == "xml":
        _refuse_xml_characters(graph)
    _bind_generated_prefixes(graph, strict=name == "xml")
    if name == "xml":
        # rdflib's RDF/XML writer lists subjects and properties in the store's set order.
        graph = _OrderedGraph(store=graph.store, identifier=graph.identifier,
                              namespace_manager=graph.namespace_manager, base=graph.base)
    return graph.serialize(format=name, encoding="utf-8")


def _bind_generated_prefixes(graph: Graph, strict: bool) -> None:
    """Make rdflib invent its ns1, ns2, ... prefixes in IRI order rather than in set order."""
    manager = graph.namespace_manager
    qname = manager.compute_qname_strict if strict else manager.compute_qname
    predicates = {p for p in graph.predicates() if isinstance(p, URIRef)}
    if not strict:
        predicates.discard(RDF.type)  # Turtle writes it as "a", with no prefix
    for predicate in sorted(predicates):
        try:
            qname(predicate)
        except ValueError:  # no prefixed name: the serialiser decides, as it would without this
            continue


# Characters XML 1.0 cannot carry, even escaped: an RDF/XML file holding one does not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _refuse_xml_characters(graph: Graph) -> None:
    """Refuse a graph whose literals or IRIs hold a character that RDF/XML cannot write."""
    for triple in graph:
        for term in triple:
            found = _NOT_XML.search(term)
            if found:
                raise OutputError(f"{term.n3()[:60]} holds the character U+{ord(found.group()):04X}, "
                                  "which RDF/XML cannot carry; export as Turtle, N-Triples or JSON-LD")


class _RootedGraph(Graph):
    """A graph whose blank nodes rdflib's JSON-LD writer all writes as nodes of their own.

    The writer starts nodes only from IRIs and unreferenced blank nodes, and reaches the others
    through the objects it writes; it writes the object of a property the context types as @id
    by its name alone, so such a blank node (or a cycle of them) lost its own triples.
    """

    def subjects(self, predicate: Node | None = None, object: Node | None = None,
                 unique: bool = False) -> Iterator[Node]:
        if predicate is None and isinstance(object, BNode) and self.value(object, RDF.first) is None:
            return iter(())  # taken as unreferenced, so written as a node; a list stays inline
        return super().subjects(predicate, object, unique)


class _OrderedGraph(Graph):
    """A graph that lists subjects and each subject's properties sorted by their N-Triples form."""

    def subjects(self, predicate: Node | None = None, object: Node | None = None,
                 unique: bool = False) -> Iterator[Node]:
        return iter(sorted(set(super().subjects(predicate, object)), key=lambda s: s.n3()))

    def predicate_objects(self, subject: Node | None = None,
                          unique: bool = False) -> Iterator[tuple[Node, Node]]:
        return iter(sorted(set(super().predicate_objects(subject)),
                           key=lambda pair: (pair[0].n3(), pair[1].n3())))


def jsonld_context() -> dict:
    """Return the project's JSON-LD context: prefixes and plain names such as label, inDomain."""
    import json

    from finops_kg.graph import resources
    from finops_kg.errors import InputError

    path = resources.jsonld_context_file()
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except FileNotFoundError:
        raise InputError(f"{path}: the JSON-LD context is missing") from None
    except (json.JSONDecodeError, KeyError) as error:
        raise InputError(f"{path}: not a JSON-LD context ({error})") from None


def serialize_trig(graphs: list[tuple[URIRef, Graph]]) -> bytes:
    """Return named graphs as one TriG document, in the given order, deterministically."""
    from finops_kg.graph.load import new_graph

    shared = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items())]
    lines = list(shared)
    for name, graph in graphs:
        if any(PREFIXES.get(prefix) != str(namespace) for prefix, namespace in graph.namespaces()):
            # Rebound to the shared prefixes, so that a name keeps one meaning in the document.
            graph, own = new_graph(), graph
            graph += own
        # split("\n"), not splitlines(): a literal may hold \x0b, \x85 or \u2028, which
        # splitlines() would break into two lines inside a one-line string.
        body = serialize(graph, "turtle").decode("utf-8").split("\n")
        # Prefixes the serialiser made up for this graph (ns1, ...) are declared before its block,
        # which TriG allows; any later block that reuses a name declares it again.
        extra = [line for line in body if line.startswith("@prefix ") and line not in shared]
        statements = [line for line in body if not line.startswith("@prefix ")]
        # No indentation inside the braces: it would change multi-line string literals.
        lines += ["", *extra, f"<{name}> {{", *_trim_blank(statements), "}"]
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
    # rdflib writes a graph of one subject as a bare node, without @graph.
    nodes = document.get("@graph", [document])
    for node in nodes:
        for name, value in node.items():
            if isinstance(value, list) and name != "@context":  # property values form a set
                value.sort(key=key)
    if "@graph" in document:
        nodes.sort(key=lambda node: node.get("@id") or node.get("id") or "")  # "id" aliases "@id"
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
