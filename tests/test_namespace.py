"""Namespaces: the closed fo: namespace matches the ontology, and IRIs shorten predictably."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from finops_kg.graph import resources
from finops_kg.graph.namespace import FO, shorten


def test_the_fo_namespace_has_exactly_the_ontology_terms():
    ontology = Graph().parse(resources.resource_root() / "ontology" / "finops-kg.ttl")
    declared = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(FO))}
    generated = {FO[name] for name in FO.__annotations__}
    assert generated == declared, "run `make namespace` after changing the ontology's terms"


def test_a_misspelt_term_raises():
    with pytest.raises(AttributeError):
        FO.inDomian  # noqa: B018


@pytest.mark.parametrize(("iri", "short"), [
    ("https://w3id.org/finops-kg/id/capability/allocation", "fid:capability/allocation"),
    ("https://w3id.org/finops-kg/ontology#inDomain", "fo:inDomain"),
    ("https://example.org/x", "<https://example.org/x>"),
])
def test_shorten(iri, short):
    assert shorten(iri) == short


@pytest.mark.parametrize(("value", "prefixes", "iri"), [
    ("fid:capability/allocation", None, "https://w3id.org/finops-kg/id/capability/allocation"),
    ("fo:inDomain", None, "https://w3id.org/finops-kg/ontology#inDomain"),
    ("https://example.org/x", None, "https://example.org/x"),
    ("urn:isbn:123", None, "urn:isbn:123"),
    ("nope:x", None, "nope:x"),  # an unknown prefix: left for the caller to report
    ("Allocation", None, "Allocation"),
    ("cobit:APO06", {"cobit": "https://example.org/cobit/"}, "https://example.org/cobit/APO06"),
])
def test_expand_curie(value, prefixes, iri):
    from finops_kg.graph.namespace import expand_curie

    assert (expand_curie(value) if prefixes is None else expand_curie(value, prefixes)) == iri
