"""OWL 2 RL entailments of the graph, keeping only those worth publishing.

The Rust reasoner ``reasonable`` computes the OWL 2 RL closure in milliseconds where owlrl
needs about a second, but it does not implement rule prp-spo2 (property chains). Each chain
declared in the ontology is therefore evaluated as an rdflib sequence path, alternating with
``reasonable`` until nothing new appears. A test compares the result with owlrl's closure.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.paths import SequencePath

# Types that every individual or term has under OWL 2 RL; they tell a reader nothing.
_TRIVIAL_TYPES = frozenset({OWL.Thing, OWL.NamedIndividual, RDFS.Resource})
_SAME_AS, _TYPE = OWL.sameAs, RDF.type  # DefinedNamespace lookups are slow in a hot loop
_CARDINALITY_TYPES = frozenset({OWL.FunctionalProperty, OWL.InverseFunctionalProperty})
_BUILT_IN_NAMESPACES = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")
_SCHEMA_TYPES = frozenset({
    OWL.Class, RDFS.Class, OWL.Restriction, OWL.Ontology, RDF.Property, OWL.ObjectProperty,
    OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty,
    OWL.AsymmetricProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty, RDFS.Datatype,
})


def entailments(graph: Graph) -> Graph:
    """Return the OWL 2 RL entailments of graph about its individuals, without the input."""
    import reasonable

    # Literals take part in no rule we rely on, and reasonable would retype them as xsd:string.
    asserted = {t for t in graph if not isinstance(t[2], Literal)}
    reasoner_input = [t for t in asserted if not _equality_axiom(t)]
    chains = _property_chains(graph)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(reasoner_input)
    closure = set(asserted)
    while True:
        before = len(closure)
        closure |= {t for t in reasoner.reason() if not isinstance(t[2], Literal)}
        if len(closure) == before and before != len(asserted):
            break  # the chains' results gave reasonable nothing more to derive
        chained = _chains_to_fixpoint(closure, chains)
        if not chained:
            break
        closure |= chained
        reasoner.from_graph(list(chained))  # appends, so the next round is incremental

    schema_terms = {s for s, _, o in graph.triples((None, RDF.type, None)) if o in _SCHEMA_TYPES}
    result = Graph()
    for triple in closure - asserted:
        if _worth_publishing(triple, schema_terms):
            result.add(triple)
    return result


def _equality_axiom(triple: tuple) -> bool:
    """Tell whether a triple would only make the reasoner derive owl:sameAs.

    reasonable 0.4.4 applies rule prp-ifp wrongly: from `a p b . b p c` with p inverse-functional
    it derives `a owl:sameAs b`, which then merges distinct individuals (found by the owlrl
    comparison test). Cardinalities are checked by SHACL before reasoning, and the Framework
    names each thing once, so equality reasoning has nothing worth publishing to add.
    """
    _, predicate, obj = triple
    return predicate == _SAME_AS or (predicate == _TYPE and obj in _CARDINALITY_TYPES)


def _worth_publishing(triple: tuple, schema_terms: set) -> bool:
    subject, predicate, obj = triple
    if not isinstance(subject, URIRef) or isinstance(obj, BNode) or subject in schema_terms:
        return False
    if str(subject).startswith(_BUILT_IN_NAMESPACES):
        return False
    if predicate == RDF.type:
        return obj not in _TRIVIAL_TYPES and obj not in _SCHEMA_TYPES
    return predicate != OWL.sameAs


def _property_chains(graph: Graph) -> list[tuple[URIRef, list[URIRef]]]:
    chains = []
    for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
        chains.append((prop, list(Collection(graph, head))))
    return sorted(chains)


def _chains_to_fixpoint(closure: set[tuple], chains: list) -> set[tuple]:
    """Apply the chains until they add nothing, since one chain may feed another."""
    added: set[tuple] = set()
    while True:
        new = _apply_chains(closure | added, chains) - closure - added
        if not new:
            return added
        added |= new


def _apply_chains(triples: set[tuple], chains: list[tuple[URIRef, list[URIRef]]]) -> set[tuple]:
    """Evaluate each chain as an rdflib sequence path (OWL 2 RL rule prp-spo2)."""
    steps_used = {step for _, steps in chains for step in steps}
    graph = Graph()
    for triple in triples:
        if triple[1] in steps_used:
            graph.add(triple)
    found: set[tuple] = set()
    for prop, steps in chains:
        for start, end in graph.subject_objects(SequencePath(*steps)):
            found.add((start, prop, end))
    return found
