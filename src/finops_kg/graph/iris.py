"""The project's IRIs and prefixes as plain strings, for code that must start without rdflib."""

from __future__ import annotations

import re

ONTOLOGY_IRI = "https://w3id.org/finops-kg/ontology"
FO_IRI = "https://w3id.org/finops-kg/ontology#"
ID_IRI = "https://w3id.org/finops-kg/id/"
DEFAULT_EDITION = "2026"  # the current edition: the default of every command and function

PREFIXES = {
    "fo": FO_IRI,
    "fid": ID_IRI,
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "unit": "http://qudt.org/vocab/unit/",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
# What RFC 3987 keeps out of an IRI, with every kind of space: N-Triples, Turtle and SPARQL
# cannot write an IRI holding one
NOT_IN_IRI = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")


def edition_iri(edition: str) -> str:
    """Return the IRI of an edition, which also names the edition's graph."""
    return f"{ID_IRI}edition/{edition}"


def expand_curie(value: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """Return prefix:local as a full IRI; an IRI, or a name of unknown prefix, stays as it is."""
    if value.startswith(("http://", "https://", "urn:")):
        return value
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local
    return value


def shorten(iri: str) -> str:
    """Return iri as prefix:local with the project's prefixes, or <iri> when none applies."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"
