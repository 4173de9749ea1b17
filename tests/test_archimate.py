"""The ArchiMate 3.1 exchange export: structure checked by hand, then read back by pyArchimate."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from rdflib import Graph

from conftest import framework_plus
from finops_kg.views.archimate import archimate_xml, check_allowed

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# An xs:ID is an NCName; the export uses ASCII only.
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
# ModelType in archimate3_Model.xsd (3.1), with views added by archimate3_View.xsd.
MODEL_SEQUENCE = ("name", "documentation", "properties", "metadata", "elements", "relationships",
                  "organizations", "propertyDefinitions", "views")

PREFIXES = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
CURRENT = "FILTER NOT EXISTS { ?%s owl:deprecated true }"


def q(name: str) -> str:
    """The qualified tag of an exchange-format element."""
    return f"{{{NS}}}{name}"


def count(graph: Graph, pattern: str) -> int:
    """The number of distinct solutions of a SPARQL pattern over ?a and ?b (or ?a alone)."""
    variables = "?a ?b" if "?b" in pattern else "?a"
    query = (f"{PREFIXES} SELECT (COUNT(*) AS ?n) "
             f"WHERE {{ SELECT DISTINCT {variables} WHERE {{ {pattern} }} }}")
    return int(next(iter(graph.query(query)))[0])


@pytest.fixture(scope="module")
def document(framework: Graph) -> bytes:
    """The export of the 2026 edition."""
    return archimate_xml(framework)


@pytest.fixture(scope="module")
def root(document: bytes) -> ET.Element:
    """The parsed export."""
    return ET.fromstring(document)


@pytest.fixture(scope="module")
def elements(root: ET.Element) -> dict[str, ET.Element]:
    """The <element>s by identifier."""
    return {e.get("identifier"): e for e in root.iter(q("element"))}


@pytest.fixture(scope="module")
def relationships(root: ET.Element) -> dict[str, ET.Element]:
    """The <relationship>s by identifier."""
    return {r.get("identifier"): r for r in root.iter(q("relationship"))}


@pytest.fixture(scope="module")
def expected_elements(framework: Graph) -> Counter:
    """Element counts per xsi:type, counted in the graph."""
    return Counter({
        "Capability": count(framework, f"?a a fo:Capability . {CURRENT % 'a'}"),
        "BusinessRole": count(framework, "{ ?a a fo:CorePersona } UNION { ?a a fo:AlliedPersona }"),
        "BusinessFunction": count(framework, "?a a fo:FunctionalActivity ."),
        "Principle": count(framework, "?a a fo:Principle ."),
        "Meaning": count(framework, "?a a fo:KPI ."),
        "Grouping": count(framework, "?a a fo:Domain ."),
    })


@pytest.fixture(scope="module")
def expected_relationships(framework: Graph) -> Counter:
    """Relationship counts per xsi:type, counted in the graph."""
    return Counter({
        "Composition": count(framework, f"?b fo:inDomain ?a . {CURRENT % 'b'}"),
        # Performers, and every member of a group an activity is addressed to (fo:concernsPersona).
        "Assignment": count(framework, "{ ?b fo:performedBy ?a } UNION "
                                       "{ ?b fo:addressedTo/fo:hasMember ?a }"),
        "Realization": count(framework, "?a fo:activityOf ?b .")
        + count(framework, "?a fo:supportsPrinciple ?b ."),
        "Association": count(framework, f"?a fo:measures ?b . {CURRENT % 'b'}"),
    })


def types(items: dict[str, ET.Element]) -> Counter:
    """Counts per xsi:type."""
    return Counter(item.get(XSI_TYPE) for item in items.values())


def test_root_is_an_archimate_model(root: ET.Element) -> None:
    assert root.tag == q("model")
    assert NCNAME.match(root.get("identifier"))
    assert root.find(q("name")).get(XML_LANG) == "en"
    assert "CC BY 4.0" in root.find(q("documentation")).text


def test_model_children_follow_the_schema_order(root: ET.Element) -> None:
    children = [child.tag.removeprefix(f"{{{NS}}}") for child in root]
    assert children == ["name", "documentation", "properties", "elements", "relationships",
                        "organizations", "propertyDefinitions", "views"]
    positions = [MODEL_SEQUENCE.index(tag) for tag in children]
    assert positions == sorted(positions)


def test_element_children_follow_the_schema_order(root: ET.Element) -> None:
    order = ("name", "documentation", "properties")
    for element in root.iter(q("element")):
        tags = [child.tag.removeprefix(f"{{{NS}}}") for child in element]
        assert [order.index(t) for t in tags] == sorted(order.index(t) for t in tags)


def test_identifiers_are_unique_xml_ids(root: ET.Element) -> None:
    identifiers = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(identifiers) == len(set(identifiers))
    assert all(NCNAME.match(i) for i in identifiers)


def test_element_counts_match_the_graph(elements: dict, expected_elements: Counter) -> None:
    assert types(elements) == expected_elements
    assert expected_elements == Counter({"BusinessFunction": 621, "Meaning": 88, "Capability": 22,
                                         "BusinessRole": 11, "Principle": 6, "Grouping": 4})


def test_relationship_counts_match_the_graph(relationships: dict,
                                             expected_relationships: Counter) -> None:
    assert types(relationships) == expected_relationships


def test_relationships_join_existing_elements(elements: dict, relationships: dict) -> None:
    for rel in relationships.values():
        assert rel.get("source") in elements, rel.get("identifier")
        assert rel.get("target") in elements, rel.get("identifier")


def test_relationships_are_the_mapped_types(elements: dict, relationships: dict) -> None:
    mapped = {
        "Composition": {("Grouping", "Capability")},
        "Assignment": {("BusinessRole", "BusinessFunction")},
        "Realization": {("BusinessFunction", "Capability"), ("Capability", "Principle"),
                        ("Grouping", "Principle")},
        "Association": {("Meaning", "Capability")},
    }
    for rel in relationships.values():
        ends = tuple(elements[rel.get(end)].get(XSI_TYPE) for end in ("source", "target"))
        assert ends in mapped[rel.get(XSI_TYPE)]
        assert (rel.get("isDirected") == "true") == (rel.get(XSI_TYPE) == "Association")


def test_a_relationship_archimate_forbids_is_refused() -> None:
    # ArchiMate 3.1 allows only association from a capability to a business function.
    with pytest.raises(ValueError, match="does not allow"):
        check_allowed("Composition", "Capability", "BusinessFunction")
    check_allowed("Realization", "BusinessFunction", "Capability")


def property_values(item: ET.Element, definitions: dict[str, str]) -> dict[str, str]:
    """An item's properties by definition name."""
    return {definitions[p.get("propertyDefinitionRef")]: p.find(q("value")).text
            for p in item.iterfind(f"{q('properties')}/{q('property')}")}


def test_every_element_carries_its_source_and_iri(framework: Graph, root: ET.Element,
                                                  elements: dict) -> None:
    definitions = {d.get("identifier"): d.find(q("name")).text
                   for d in root.iter(q("propertyDefinition"))}
    assert {"finops.org source", "IRI"} <= set(definitions.values())
    sources = {str(s): str(o) for s, o in framework.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?s ?o WHERE { ?s dcterms:source ?o }")}
    for element in elements.values():
        values = property_values(element, definitions)
        assert values["finops.org source"] == sources[values["IRI"]]
        assert values["finops.org source"].startswith("https://www.finops.org/")


def test_names_and_documentation_are_english(framework: Graph, elements: dict) -> None:
    documented = 0
    for element in elements.values():
        assert element.find(q("name")).get(XML_LANG) == "en"
        assert element.find(q("name")).text.strip()
        doc = element.find(q("documentation"))
        if doc is not None:
            assert doc.get(XML_LANG) == "en"
            documented += 1
    # Everything but the activities, which RDF names by rdfs:label alone, has a skos:definition.
    assert documented == len(elements) - 621


def test_one_view_per_domain_with_its_capabilities(root: ET.Element, elements: dict,
                                                   relationships: dict) -> None:
    views = list(root.iter(q("view")))
    domains = {i for i, e in elements.items() if e.get(XSI_TYPE) == "Grouping"}
    assert len(views) == len(domains) == 4
    shown = Counter()
    for view in views:
        assert view.get(XSI_TYPE) == "Diagram"
        (outer,) = view.findall(q("node"))
        assert outer.get("elementRef") in domains
        inner = outer.findall(q("node"))
        nodes = {n.get("identifier"): n.get("elementRef") for n in view.iter(q("node"))}
        assert all(ref in elements for ref in nodes.values())
        composed = {r.get("target") for r in relationships.values() if r.get(XSI_TYPE)
                    == "Composition" and r.get("source") == outer.get("elementRef")}
        assert {n.get("elementRef") for n in inner} == composed
        for node in inner:  # absolute coordinates, inside the grouping
            x, y, w, h = (int(node.get(k)) for k in "xywh")
            assert int(outer.get("x")) <= x and x + w <= int(outer.get("x")) + int(outer.get("w"))
            assert int(outer.get("y")) <= y and y + h <= int(outer.get("y")) + int(outer.get("h"))
        connections = view.findall(q("connection"))
        assert len(connections) == len(inner)
        for connection in connections:
            rel = relationships[connection.get("relationshipRef")]
            assert nodes[connection.get("source")] == rel.get("source")
            assert nodes[connection.get("target")] == rel.get("target")
        shown.update(nodes[n.get("identifier")] for n in inner)
    assert sum(shown.values()) == 22 and max(shown.values()) == 1


def test_organizations_file_everything_once(root: ET.Element, elements: dict,
                                            relationships: dict) -> None:
    refs = Counter(i.get("identifierRef") for i in root.iter(q("item")) if i.get("identifierRef"))
    views = {v.get("identifier") for v in root.iter(q("view"))}
    assert set(refs) == set(elements) | set(relationships) | views
    assert max(refs.values()) == 1


def test_the_same_graph_gives_the_same_bytes(framework: Graph, document: bytes) -> None:
    shuffled = Graph()
    for triple in sorted(framework, reverse=True):
        shuffled.add(triple)
    assert archimate_xml(shuffled) == document


def test_identifiers_depend_only_on_the_iris(document: bytes) -> None:
    smaller = ET.fromstring(archimate_xml(framework_plus()))  # no activities
    full = {e.get("identifier") for e in ET.fromstring(document).iter(q("element"))}
    ids = {e.get("identifier") for e in smaller.iter(q("element"))}
    assert ids and ids <= full
    assert Counter(e.get(XSI_TYPE) for e in smaller.iter(q("element")))["BusinessFunction"] == 0


def test_pyarchimate_reads_the_same_model(document: bytes, elements: dict, relationships: dict,
                                          expected_elements: Counter,
                                          expected_relationships: Counter, tmp_path) -> None:
    pytest.importorskip("pyArchimate", reason="pyArchimate is not installed, so the export is not "
                                              "read back by an independent reader")
    from pyArchimate import Model
    from pyArchimate.relationship import check_valid_relationship

    path = tmp_path / "finops-kg.xml"
    path.write_bytes(document)
    model = Model("read back")
    model.read(str(path))
    assert Counter(e.type for e in model.elements) == types(elements) == expected_elements
    assert Counter(r.type for r in model.relationships) == types(relationships) \
        == expected_relationships
    assert len(model.views) == 4 and len(model.conns) == 22
    for rel in model.relationships:  # pyArchimate's own copy of the relationship tables
        assert check_valid_relationship(rel.type, rel.source.type, rel.target.type, raise_flg=True)
    allocation = next(e for e in model.elements if e.name == "Allocation")
    assert allocation.props == {
        "finops.org source": "https://www.finops.org/framework/capabilities/allocation/",
        "IRI": "https://w3id.org/finops-kg/id/capability/allocation"}


def test_cli_export_writes_an_archimate_model(tmp_path):
    from finops_kg.cli import main

    out = tmp_path / "finops.xml"
    assert main(["export", "--format", "archimate", "--out", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.opengroup.org/xsd/archimate/3.0/}model"
    assert len(root.find("{http://www.opengroup.org/xsd/archimate/3.0/}elements")) > 0
