"""Derived relationships stay apart from the official graph and say where they come from."""

from __future__ import annotations

from itertools import permutations

from rdflib.namespace import PROV, RDF

from finops_kg.release.derive import derive, derived_graph_iri
from finops_kg.graph.namespace import FID, FO


def test_related_capabilities_are_the_pairs_that_share_a_kpi(framework):
    derived = derive(framework, "2026")
    expected = set()
    for kpi in framework.subjects(RDF.type, FO.KPI):
        expected |= set(permutations(set(framework.objects(kpi, FO.measures)), 2))
    assert expected and set(derived.subject_objects(FO.relatedCapability)) == expected


def test_the_derived_graph_carries_its_provenance(framework):
    derived = derive(framework, "2026")
    graph = derived_graph_iri("2026")
    assert (graph, PROV.wasDerivedFrom, FID["edition/2026"]) in derived
    [activity] = derived.objects(graph, PROV.wasGeneratedBy)
    assert (activity, RDF.type, PROV.Activity) in derived


def test_derived_links_never_enter_the_official_graph(framework):
    assert not list(framework.triples((None, FO.relatedCapability, None)))
