"""Loading: the 2026 Framework is complete, exact, and loads into the store the caller gives."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

import finops_kg
from finops_kg.errors import InputError, UnknownEditionError
from finops_kg.graph.load import parse_file
from finops_kg.graph.namespace import FID, FO

# The 2026 capabilities by domain, exactly as finops.org names them (fact sheet §6 and §8.1).
CAPABILITIES_2026 = {
    "Understand Usage & Cost": [
        "Data Ingestion", "Allocation", "Reporting & Analytics", "Anomaly Management",
    ],
    "Quantify Business Value": [
        "Planning & Estimating", "Forecasting", "Budgeting", "KPIs & Benchmarking",
        "Unit Economics",
    ],
    "Optimize Usage & Cost": [
        "Architecting & Workload Placement", "Usage Optimization", "Rate Optimization",
        "Licensing & SaaS", "Sustainability",
    ],
    "Manage the FinOps Practice": [
        "FinOps Practice Operations", "Governance, Policy & Risk", "FinOps Assessment",
        "Automation, Tools, & Services", "FinOps Education & Enablement",
        "Invoicing & Chargeback", "Intersecting Disciplines", "Executive Strategy Alignment",
    ],
}

CORE_PERSONAS = {"FinOps Practitioner", "Engineering", "Finance", "Leadership", "Procurement",
                 "Product"}
ALLIED_PERSONAS = {"ITAM", "ITFM", "ITSM / ITIL", "Security", "Sustainability"}


def labels_of(graph: Graph, cls: URIRef) -> set[str]:
    return {str(graph.value(s, SKOS.prefLabel)) for s in graph.subjects(RDF.type, cls)}


@pytest.mark.parametrize(
    ("cls", "expected"),
    [(FO.Principle, 6), (FO.CorePersona, 6), (FO.AlliedPersona, 5), (FO.Phase, 3),
     (FO.MaturityLevel, 3), (FO.Domain, 4), (FO.Capability, 22), (FO.TechnologyCategory, 5)],
)
def test_2026_counts_are_exact(framework, cls, expected):
    current = {s for s in framework.subjects(RDF.type, cls)
               if (s, OWL.deprecated, Literal(True)) not in framework}
    assert len(current) == expected


def test_personas_are_the_named_core_and_allied_ones(framework):
    assert labels_of(framework, FO.CorePersona) == CORE_PERSONAS
    assert labels_of(framework, FO.AlliedPersona) == ALLIED_PERSONAS


def test_each_capability_is_in_its_reference_domain(framework):
    found: dict[str, set[str]] = {}
    for capability, domain in framework.subject_objects(FO.inDomain):
        domain_label = str(framework.value(domain, SKOS.prefLabel))
        found.setdefault(domain_label, set()).add(str(framework.value(capability, SKOS.prefLabel)))
    assert found == {domain: set(names) for domain, names in CAPABILITIES_2026.items()}
    assert [len(found[d]) for d in CAPABILITIES_2026] == [4, 5, 5, 8]


def test_technology_categories_are_the_five_pages(framework):
    assert labels_of(framework, FO.TechnologyCategory) == {
        "Public Cloud", "SaaS", "Data Center", "Data Cloud Platforms", "AI"}


def test_individuals_use_finops_org_slugs(framework):
    allocation = FID["capability/allocation"]
    assert (allocation, RDF.type, FO.Capability) in framework
    assert (FID["persona/finops-practitioner"], RDF.type, FO.CorePersona) in framework
    assert framework.value(allocation, FO.inDomain) == FID["domain/understand-usage-cost"]


def test_maturity_levels_are_ranked_and_ordered(framework):
    ranks = {str(framework.value(level, SKOS.prefLabel)): framework.value(level, FO.rank).toPython()
             for level in framework.subjects(RDF.type, FO.MaturityLevel)}
    assert ranks == {"Crawl": 1, "Walk": 2, "Run": 3}
    assert framework.value(FID["maturity-level/crawl"], FO.nextLevel) == FID["maturity-level/walk"]
    assert framework.value(FID["maturity-level/walk"], FO.nextLevel) == FID["maturity-level/run"]
    assert framework.value(FID["maturity-level/run"], FO.nextLevel) is None


def test_phases_form_a_cycle(framework):
    start = FID["phase/inform"]
    seen, phase = [], start
    for _ in range(3):
        seen.append(str(framework.value(phase, SKOS.prefLabel)))
        phase = framework.value(phase, FO.nextPhase)
    assert seen == ["Inform", "Optimize", "Operate"] and phase == start


def test_crawl_allocation_target_is_structured_data(framework):
    rows = list(framework.query(
        """SELECT ?comparator ?value ?unit WHERE {
               ?target fo:atLevel ?level ; fo:metric ?metric ; fo:comparator ?comparator ;
                       fo:targetValue ?value ; fo:unit ?unit .
           }""",
        initNs={"fo": FO},
        initBindings={"level": FID["maturity-level/crawl"],
                      "metric": FID["metric/cost-allocated-to-known-owner"]},
    ))
    assert rows == [(FO.atLeast, Literal("70.0", datatype=rows[0][1].datatype),
                     URIRef("http://qudt.org/vocab/unit/PERCENT"))]
    assert rows[0][1].toPython() == 70


def test_dataset_carries_licence_attribution_and_derivation(framework):
    dataset = FID["dataset/2026"]
    dcterms = "http://purl.org/dc/terms/"
    assert framework.value(dataset, URIRef(dcterms + "license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    rights = str(framework.value(dataset, URIRef(dcterms + "rights")))
    assert "FinOps Foundation" in rights and "adapted" in rights.lower()
    assert framework.value(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(
        "https://www.finops.org/framework/")


def test_load_fills_the_graph_it_is_given():
    target = Graph()
    returned = finops_kg.load("2026", into=target)
    assert returned is target and len(target) > 1000


def test_load_fills_a_store_it_is_given():
    from rdflib.plugins.stores.memory import Memory

    store = Memory()
    graph = finops_kg.load("2026", into=store)
    assert graph.store is store and len(graph) > 1000


def test_unknown_edition_lists_the_editions():
    with pytest.raises(UnknownEditionError, match=r"unknown edition '2031'; the editions are: 2025, 2026$"):
        finops_kg.load("2031")


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("broken.ttl", "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n    ex:d .\n", 4),
        ("broken.nt", "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
                      "<http://example.org/a> <http://example.org/b> oops .\n", 2),
        ("broken.jsonld", '{\n  "@id": "http://example.org/a",\n  "x": ]\n}\n', 3),
        ("broken.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                       '02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDF>\n', 4),
    ],
)
def test_malformed_files_fail_with_path_and_line(tmp_path, name, content, line):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        parse_file(Graph(), path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ")
    assert "\n" not in message
