"""Labels and deprecation are read one way: every view names and skips a term alike."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from finops_kg.graph.labels import current, deprecated_terms, is_deprecated, label, texts
from finops_kg.graph.load import load_ontology
from finops_kg.graph.namespace import FID, FO

# A capability whose only preferred label is German, beside an English rdfs:label; a domain with
# an English and a French name; and a withdrawn capability.
DATA = """
@prefix fo: <https://w3id.org/finops-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://w3id.org/finops-kg/id/capability/allocation> a fo:Capability ;
    skos:prefLabel "Zuweisung"@de ;
    rdfs:label "Allocation"@en ;
    fo:inDomain <https://w3id.org/finops-kg/id/domain/understand> .
<https://w3id.org/finops-kg/id/domain/understand> a fo:Domain ;
    skos:prefLabel "Comprendre"@fr, "Understand Usage & Cost"@en .
<https://w3id.org/finops-kg/id/capability/withdrawn> a fo:Capability ;
    skos:prefLabel "Withdrawn"@en ;
    owl:deprecated true ;
    fo:inDomain <https://w3id.org/finops-kg/id/domain/understand> .
"""


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_ontology() + Graph().parse(data=DATA, format="turtle")


def test_every_view_shows_the_english_label(graph):
    from finops_kg.stats import coverage
    from finops_kg.views.archimate import collect_elements
    from finops_kg.views.network import to_networkx
    from finops_kg.views.site.links import name

    capability, domain = FID["capability/allocation"], FID["domain/understand"]
    network = to_networkx(graph, "domain-capability")
    assert network.nodes[str(capability)]["label"] == "Allocation"
    assert network.nodes[str(capability)]["domain"] == "Understand Usage & Cost"
    [row] = coverage(graph)
    assert (row.capability, row.domain) == ("Allocation", "Understand Usage & Cost")
    names = {e.iri: e.name for e in collect_elements(graph)}
    assert names[capability] == "Allocation"
    assert name(graph, capability) == "Allocation" and name(graph, domain) == names[domain]


def test_a_withdrawn_term_is_left_out_everywhere(graph):
    from finops_kg.stats import coverage
    from finops_kg.views.archimate import collect_elements
    from finops_kg.views.network import to_networkx

    withdrawn = FID["capability/withdrawn"]
    assert is_deprecated(graph, withdrawn) and deprecated_terms(graph) == {withdrawn}
    assert current(graph, FO.Capability) == [FID["capability/allocation"]]
    assert str(withdrawn) not in to_networkx(graph, "domain-capability")
    assert [row.capability for row in coverage(graph)] == ["Allocation"]
    assert withdrawn not in {e.iri for e in collect_elements(graph)}


def test_label_takes_the_least_english_value_then_the_default():
    graph = Graph().parse(data="""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <urn:a> skos:prefLabel "Beta"@en, "Alpha", "Aardvark"@nl .
        """, format="turtle")
    assert texts(graph, FID["nothing"], FO.formula) == []
    assert label(graph, FID["nothing"], "fallback") == "fallback"
    assert label(graph, None) == ""
    assert label(graph, URIRef("urn:a")) == "Alpha"


def test_texts_and_label_read_only_the_property_asked_for():
    from rdflib import Literal
    from rdflib.namespace import OWL, SKOS

    graph = Graph().parse(data="""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix fo: <https://w3id.org/finops-kg/ontology#> .
        <urn:a> skos:prefLabel "Zeta"@en ; skos:definition "Alpha comes first."@en ;
            fo:isRequired true ; owl:deprecated false .
        <urn:b> owl:deprecated true .
        """, format="turtle")
    assert texts(graph, URIRef("urn:a"), SKOS.definition) == ["Alpha comes first."]
    assert label(graph, URIRef("urn:a")) == "Zeta"
    # Only owl:deprecated true withdraws a term: not another property's true, not false.
    assert deprecated_terms(graph) == {URIRef("urn:b")}
    assert deprecated_terms(graph, Graph()) == {URIRef("urn:b")}
    assert not is_deprecated(graph, URIRef("urn:a"))
    assert (URIRef("urn:a"), OWL.deprecated, Literal(False)) in graph
