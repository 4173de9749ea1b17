"""Reasoning: the entailments the project relies on are there, and they match owlrl's."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

import finops_kg
from finops_kg.graph.namespace import FID, FO
from finops_kg.release.reason import _SCHEMA_TYPES

from conftest import DATA, framework_plus

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")


@pytest.fixture(scope="module")
def with_activities():
    graph = framework_plus(DATA / "activities.ttl")
    return graph, finops_kg.entailments(graph)


def test_inverse_properties_are_entailed(framework, framework_inferred):
    for capability, domain in framework.subject_objects(FO.inDomain):
        assert (domain, FO.hasCapability, capability) in framework_inferred
    assert len(set(framework_inferred.subject_objects(FO.hasCapability))) == 22
    esa = FID["capability/executive-strategy-alignment"]
    assert len(set(framework_inferred.objects(esa, FO.hasArea))) == 4
    assert (FID["framework/finops-framework"], FO.hasEdition, FID["edition/2026"]) in framework_inferred


def test_the_property_chain_gives_involves_persona_for_exactly_the_active_pairs(with_activities):
    _, entailed = with_activities  # the core data has no activities: only the fixture's count
    assert set(entailed.subject_objects(FO.involvesPersona)) == {
        (FID["capability/allocation"], FID["persona/finance"]),
        (FID["capability/allocation"], FID["persona/engineering"]),
        (FID["capability/budgeting"], FID["persona/finance"]),
    }
    assert (FID["capability/budgeting"], FO.hasActivity,
            FID["functional-activity/test-budgeting-finance"]) in entailed


def test_subclass_types_are_entailed(framework_inferred):
    finance = FID["persona/finance"]
    for cls in (FO.CorePersona, FO.Persona, ORG.Role, FO.FrameworkElement):
        assert (finance, RDF.type, cls) in framework_inferred
    allocation = FID["capability/allocation"]
    for cls in (SKOS.Concept, SCHEMA.DefinedTerm, FO.FrameworkElement):
        assert (allocation, RDF.type, cls) in framework_inferred
    assert len(set(framework_inferred.subjects(RDF.type, ORG.Role))) == 11


def test_entailments_are_clean(with_activities):
    _, entailed = with_activities
    for subject, predicate, obj in entailed:
        assert isinstance(subject, URIRef) and not isinstance(obj, (BNode, Literal))
        assert not (predicate == RDF.type and obj in (OWL.Thing, OWL.NamedIndividual))
        assert predicate != OWL.sameAs


def test_entailments_equal_owlrl_on_what_is_kept(with_activities):
    """owlrl is the reference: its full OWL 2 RL closure, filtered the same way, is identical."""
    import owlrl

    graph, entailed = with_activities
    closure = framework_plus(DATA / "activities.ttl")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    # What is kept, said here on its own rather than through the code under test: statements
    # about the Framework's individuals, none about the ontology's classes and properties or the
    # W3C vocabularies, no owl:sameAs, and no type that everything or every term has.
    schema = {OWL.Class, RDFS.Class, OWL.Restriction, OWL.Ontology, RDF.Property,
              OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
              OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
              OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
              OWL.IrreflexiveProperty, RDFS.Datatype}
    trivial = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}
    w3c = (str(OWL), str(RDF), str(RDFS), str(XSD))
    terms = {s for s, o in graph.subject_objects(RDF.type) if o in schema}
    new = {t for t in closure if t not in graph and not isinstance(t[2], Literal)}
    reference = {(s, p, o) for s, p, o in new
                 if isinstance(s, URIRef) and not isinstance(o, BNode) and s not in terms
                 and not str(s).startswith(w3c) and p != OWL.sameAs
                 and not (p == RDF.type and (o in trivial or o in schema))}
    assert set(entailed) == reference
    assert _SCHEMA_TYPES == schema  # the code keeps out the same kinds of term
    # The filter had work to do, and what is left has the entailments the project relies on.
    assert len(new) > 2 * len(reference) > 1600
    assert (FID["capability/allocation"], FO.involvesPersona, FID["persona/finance"]) in reference
