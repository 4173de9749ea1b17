"""The Framework as an ArchiMate 3.1 model, in the Open Group Model Exchange File Format.

`archimate_xml(graph)` writes one exchange document (namespace
http://www.opengroup.org/xsd/archimate/3.0/, which the 3.1 schemas keep), the format in which
ArchiMate tools such as Archi exchange models. The mapping:

| finops-kg | ArchiMate 3.1 |
|---|---|
| fo:Domain | Grouping |
| fo:Capability | Capability |
| fo:CorePersona, fo:AlliedPersona | BusinessRole |
| fo:FunctionalActivity | BusinessFunction |
| fo:Principle | Principle |
| fo:KPI | Meaning |
| fo:inDomain | Composition, Grouping to Capability |
| fo:performedBy, fo:addressedTo/fo:hasMember | Assignment, BusinessRole to BusinessFunction |
| fo:activityOf | Realization, BusinessFunction to Capability |
| fo:measures | directed Association, Meaning to Capability |
| fo:supportsPrinciple | Realization, Grouping or Capability to Principle |

Every relationship above is permitted by the relationship tables of ArchiMate 3.1 (Appendix B);
`ALLOWED` records the table cells that were checked. Deprecated individuals (owl:deprecated) are
left out, as in the property-graph views of `finops_kg.views.network`.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, SKOS

from finops_kg.graph.labels import current, label
from finops_kg.graph.namespace import FO

ARCHIMATE_NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The 3.1 schemas are referenced by their public address only: the Open Group does not allow them
# to be redistributed, so none is shipped or downloaded.
SCHEMA_LOCATION = (f"{ARCHIMATE_NS} "
                   "http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd")

# Property definitions, in the order they are declared.
SOURCE = "finops.org source"
IRI = "IRI"
RDF_PATH = "RDF property path"
LICENCE = "licence"
PROPERTY_NAMES = (SOURCE, IRI, RDF_PATH, LICENCE)

# Which element type each class becomes, in the order the elements are written. Personas are
# typed by their asserted subclasses, so that the asserted graph needs no reasoning; fo:Persona
# is listed too so that an inferred graph gives the same elements.
ELEMENT_TYPES: tuple[tuple[str, tuple[URIRef, ...]], ...] = (
    ("Capability", (FO.Capability,)),
    ("BusinessRole", (FO.CorePersona, FO.AlliedPersona, FO.Persona)),
    ("BusinessFunction", (FO.FunctionalActivity,)),
    ("Principle", (FO.Principle,)),
    # A KPI is a Meaning: ArchiMate 3.1 defines a meaning as the interpretation given to a core
    # element in a context, and a KPI is exactly that for measured cost and usage data (a formula
    # and its data sources). It is neither an Outcome (an end result achieved) nor a Goal (a desired
    # end state): the KPI library gives no target value, and Capability-to-Outcome realization
    # would claim that the capability achieves the KPI, where fo:measures only says it is measured.
    ("Meaning", (FO.KPI,)),
    ("Grouping", (FO.Domain,)),
)

# The cells of the ArchiMate 3.1 relationship tables (Appendix B) that this export relies on:
# (source type, target type) -> the relationships allowed there. Letters as in the tables:
# c composition, i assignment, o association, r realization. Checked against the tables as Archi
# encodes them (com.archimatetool.model/model/relationships.xml, versions 3.0 and 3.2, which agree
# on these cells) and against pyArchimate's checker_rules.yml.
ALLOWED: dict[tuple[str, str], str] = {
    ("Grouping", "Capability"): "cfgiorstv",
    ("BusinessRole", "BusinessFunction"): "fiotv",
    ("BusinessFunction", "Capability"): "or",
    # Composition from a capability to a business function is not allowed: only association.
    ("Capability", "BusinessFunction"): "o",
    ("Meaning", "Capability"): "o",
    ("Capability", "Principle"): "nor",
    ("Grouping", "Principle"): "cgnors",
}
LETTERS = {"Composition": "c", "Assignment": "i", "Association": "o", "Realization": "r"}
RELATIONSHIP_ORDER = ("Composition", "Assignment", "Realization", "Association")

# Layout of the domain views: capabilities in a grid inside their domain's Grouping.
COLUMNS, NODE_W, NODE_H, GAP, PAD, TOP = 3, 160, 60, 20, 20, 40


@dataclass(frozen=True)
class Element:
    """One ArchiMate element: its IRI, xsi:type, name, documentation and finops.org page."""

    iri: URIRef
    kind: str
    name: str
    documentation: str | None
    source: str | None


@dataclass(frozen=True)
class Relationship:
    """One ArchiMate relationship between two elements, with the RDF path it comes from."""

    kind: str
    source: URIRef
    target: URIRef
    path: str
    directed: bool = False


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------

def identifier(*parts: str) -> str:
    """A stable xs:ID for what the parts name: "id-" and 16 hex digits of their SHA-256."""
    # xs:ID must not start with a digit, hence the prefix; hashing the IRIs keeps the identifier
    # the same from one export to the next, so tools can merge a re-import into an edited model.
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"id-{digest[:16]}"


def relationship_id(rel: Relationship) -> str:
    """The identifier of a relationship, from its type and its two ends."""
    return identifier(rel.kind, str(rel.source), str(rel.target))


def check_unique(identifiers: Iterable[str]) -> None:
    """Refuse a document in which two things share an identifier (a hash collision)."""
    seen: set[str] = set()
    for ident in identifiers:
        if ident in seen:
            raise ValueError(f"identifier collision on {ident}; lengthen the hash in identifier()")
        seen.add(ident)


# ---------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------

def _text(graph: Graph, subject: URIRef, *predicates: URIRef) -> str | None:
    """The English value of the first predicate that has one, else any value; the least wins."""
    for predicate in predicates:
        values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
        english = [str(v) for v in values if v.language == "en"]
        if english or values:
            return min(english or [str(v) for v in values])
    return None


def collect_elements(graph: Graph) -> list[Element]:
    """Every element of the export, in the order of ELEMENT_TYPES and then by IRI."""
    elements: list[Element] = []
    for kind, classes in ELEMENT_TYPES:
        for iri in current(graph, classes):
            name = label(graph, iri, iri.rsplit("/", 1)[-1])
            source = graph.value(iri, DCTERMS.source)
            elements.append(Element(iri, kind, name, _text(graph, iri, SKOS.definition),
                                    str(source) if source is not None else None))
    return elements


def _path(*predicates: URIRef) -> str:
    """A SPARQL property path naming where a relationship comes from."""
    return "/".join(f"<{p}>" for p in predicates)


def _either_way(graph: Graph, forward: URIRef, inverse: URIRef) -> Iterator[tuple]:
    """Yield the pairs of a property, whether the data states it or its inverse."""
    yield from graph.subject_objects(forward)
    yield from ((o, s) for s, o in graph.subject_objects(inverse))


def _domain_links(graph: Graph) -> Iterator[Relationship]:
    # Composition, not aggregation: a current capability belongs to exactly one domain
    # (fo:inDomain is functional and SHACL requires one), and composition says a part has one whole.
    for capability, domain in _either_way(graph, FO.inDomain, FO.hasCapability):
        yield Relationship("Composition", domain, capability, _path(FO.inDomain))


def _performer_links(graph: Graph) -> Iterator[Relationship]:
    # An activity addressed to the Allied Personas group concerns each member (fo:concernsPersona),
    # so each member's role is assigned to it; the path says so.
    for activity, persona in graph.subject_objects(FO.performedBy):
        yield Relationship("Assignment", persona, activity, _path(FO.performedBy))
    for activity, group in graph.subject_objects(FO.addressedTo):
        for member in graph.objects(group, FO.hasMember):
            yield Relationship("Assignment", member, activity, _path(FO.addressedTo, FO.hasMember))


def _activity_links(graph: Graph) -> Iterator[Relationship]:
    # Realization, not composition: ArchiMate 3.1 lets behaviour (a business function) realize a
    # capability, while from a capability to a business function it allows only association.
    for activity, capability in _either_way(graph, FO.activityOf, FO.hasActivity):
        yield Relationship("Realization", activity, capability, _path(FO.activityOf))


def _kpi_links(graph: Graph) -> Iterator[Relationship]:
    # Association is the only relationship from a Meaning to a Capability; it is directed to keep
    # the reading "KPI measures capability".
    for kpi, capability in graph.subject_objects(FO.measures):
        yield Relationship("Association", kpi, capability, _path(FO.measures), directed=True)


def _principle_links(graph: Graph) -> Iterator[Relationship]:
    # A capability realizes the principle it puts into effect, as core and strategy elements
    # realize motivation elements; the tables allow it from a grouping (a domain) too. Influence
    # would be the weaker alternative.
    for subject, principle in graph.subject_objects(FO.supportsPrinciple):
        yield Relationship("Realization", subject, principle, _path(FO.supportsPrinciple))


def collect_relationships(graph: Graph, elements: list[Element]) -> list[Relationship]:
    """Every relationship between two exported elements, one per type and pair, sorted."""
    kinds = {e.iri: e.kind for e in elements}
    found: dict[tuple[str, URIRef, URIRef], Relationship] = {}
    for builder in (_domain_links, _performer_links, _activity_links, _kpi_links, _principle_links):
        for rel in builder(graph):
            if rel.source not in kinds or rel.target not in kinds:
                continue  # an end is deprecated or not exported
            check_allowed(rel.kind, kinds[rel.source], kinds[rel.target])
            # The first found wins: a direct performer is found before the same persona reached
            # through the group.
            found.setdefault((rel.kind, rel.source, rel.target), rel)
    return sorted(found.values(),
                  key=lambda r: (RELATIONSHIP_ORDER.index(r.kind), r.source, r.target))


def check_allowed(kind: str, source_type: str, target_type: str) -> None:
    """Refuse a relationship the ArchiMate 3.1 tables do not permit, or one that was not checked."""
    if LETTERS[kind] not in ALLOWED.get((source_type, target_type), ""):
        raise ValueError(f"ArchiMate 3.1 does not allow {kind} from {source_type} to {target_type}")


# ---------------------------------------------------------------------------
# Writing XML
# ---------------------------------------------------------------------------

# Tags are written unqualified and the root declares the ArchiMate namespace as the default with a
# plain xmlns attribute: ElementTree's default_namespace option refuses unqualified attributes
# (identifier, source…), and the exchange format's attributes are all unqualified.

def _sub(parent: ET.Element, name: str, **attributes: str) -> ET.Element:
    """A child element in the ArchiMate namespace; attributes keep the order given."""
    return ET.SubElement(parent, name, attributes)


def _lang_text(parent: ET.Element, name: str, text: str) -> None:
    """A <name>, <documentation> or <label> child in English."""
    ET.SubElement(parent, name, {XML_LANG: "en"}).text = text


def _properties(parent: ET.Element, values: list[tuple[str, str]]) -> None:
    """A <properties> block: one <property> per (definition name, value), if there are any."""
    if not values:
        return
    block = _sub(parent, "properties")
    for name, value in values:
        prop = _sub(block, "property", propertyDefinitionRef=identifier("propertyDefinition", name))
        _sub(prop, "value").text = value  # URLs and IRIs: no language tag


def _element_xml(parent: ET.Element, element: Element) -> None:
    """One <element>: name, documentation, then its finops.org page and IRI as properties."""
    node = _sub(parent, "element", identifier=identifier(str(element.iri)))
    node.set(f"{{{XSI_NS}}}type", element.kind)
    _lang_text(node, "name", element.name)
    if element.documentation:
        _lang_text(node, "documentation", element.documentation)
    values = [(SOURCE, element.source)] if element.source else []
    _properties(node, values + [(IRI, str(element.iri))])


def _relationship_xml(parent: ET.Element, rel: Relationship) -> None:
    """One <relationship> between two element identifiers, with its RDF path as a property."""
    node = _sub(parent, "relationship", identifier=relationship_id(rel),
                source=identifier(str(rel.source)), target=identifier(str(rel.target)))
    node.set(f"{{{XSI_NS}}}type", rel.kind)
    if rel.directed:
        node.set("isDirected", "true")
    _properties(node, [(RDF_PATH, rel.path)])


def _sorted_ids(items: Iterable[Element]) -> list[str]:
    """The identifiers of elements, sorted by name as a folder lists them."""
    return [identifier(str(e.iri)) for e in sorted(items, key=lambda e: (e.name, e.iri))]


def _labelled_item(parent: ET.Element, label: str) -> ET.Element:
    """An organization <item> with an English label."""
    item = _sub(parent, "item")
    _lang_text(item, "label", label)
    return item


def _folder(parent: ET.Element, label: str, refs: list[str]) -> None:
    """An organization <item> with a label holding references, or nothing if it would be empty."""
    if not refs:
        return
    item = _labelled_item(parent, label)
    for ref in refs:
        _sub(item, "item", identifierRef=ref)


def _organizations_xml(parent: ET.Element, elements: list[Element], rels: list[Relationship],
                       views: list[str]) -> None:
    """Folders as Archi names them: capabilities by domain, activities by capability, and so on."""
    by_kind: dict[str, list[Element]] = {kind: [] for kind, _ in ELEMENT_TYPES}
    for element in elements:
        by_kind[element.kind].append(element)
    organizations = _sub(parent, "organizations")
    domain_of = {r.target: r.source for r in rels if r.kind == "Composition"}
    capability_of = {r.source: r.target for r in rels
                     if r.kind == "Realization" and r.path == _path(FO.activityOf)}
    names = {e.iri: e.name for e in elements}
    strategy = _labelled_item(organizations, "Strategy")
    _grouped(strategy, by_kind["Capability"], domain_of, names)
    business = _labelled_item(organizations, "Business")
    _folder(business, "Personas", _sorted_ids(by_kind["BusinessRole"]))
    activities = _labelled_item(business, "Functional activities")
    _grouped(activities, by_kind["BusinessFunction"], capability_of, names)
    motivation = _labelled_item(organizations, "Motivation")
    _folder(motivation, "Principles", _sorted_ids(by_kind["Principle"]))
    _folder(motivation, "KPIs", _sorted_ids(by_kind["Meaning"]))
    _folder(organizations, "Other", _sorted_ids(by_kind["Grouping"]))
    _folder(organizations, "Relations", [relationship_id(r) for r in rels])
    _folder(organizations, "Views", views)


def _grouped(parent: ET.Element, members: list[Element], owner: dict[URIRef, URIRef],
             names: dict[URIRef, str]) -> None:
    """Sub-folders named after each member's owner; members without one stay in the parent."""
    groups: dict[URIRef | None, list[Element]] = {}
    for member in members:
        groups.setdefault(owner.get(member.iri), []).append(member)
    for key in sorted((k for k in groups if k is not None), key=lambda k: (names[k], k)):
        _folder(parent, names[key], _sorted_ids(groups[key]))
    for ref in _sorted_ids(groups.get(None, [])):
        _sub(parent, "item", identifierRef=ref)


def view_id(domain: URIRef) -> str:
    """The identifier of a domain's view."""
    return identifier("view", str(domain))


def _view_xml(parent: ET.Element, domain: Element, capabilities: list[Element],
              rels: dict[URIRef, Relationship]) -> None:
    """A domain's diagram: its Grouping, its capabilities nested in a grid, and the compositions."""
    view = _sub(parent, "view", identifier=view_id(domain.iri))
    view.set(f"{{{XSI_NS}}}type", "Diagram")
    view.set("viewpoint", "Capability Map")
    _lang_text(view, "name", f"{domain.name}: capabilities")
    rows = max(1, -(-len(capabilities) // COLUMNS))
    outer = _node(view, domain.iri, domain.iri, PAD, PAD,
                  2 * PAD + COLUMNS * NODE_W + (COLUMNS - 1) * GAP,
                  TOP + rows * NODE_H + (rows - 1) * GAP + PAD)
    # Exchange-format coordinates are absolute (from the diagram's top-left corner), even nested.
    for index, capability in enumerate(capabilities):
        row, column = divmod(index, COLUMNS)
        _node(outer, domain.iri, capability.iri, 2 * PAD + column * (NODE_W + GAP),
              PAD + TOP + row * (NODE_H + GAP), NODE_W, NODE_H)
    for capability in capabilities:
        rel = rels[capability.iri]
        ident = identifier("connection", view_id(domain.iri), relationship_id(rel))
        connection = _sub(view, "connection", identifier=ident)
        connection.set(f"{{{XSI_NS}}}type", "Relationship")
        connection.set("relationshipRef", relationship_id(rel))
        connection.set("source", node_id(domain.iri, domain.iri))
        connection.set("target", node_id(domain.iri, capability.iri))


def node_id(domain: URIRef, element: URIRef) -> str:
    """The identifier of an element's node in a domain's view."""
    return identifier("node", str(domain), str(element))


def _node(parent: ET.Element, domain: URIRef, element: URIRef, x: int, y: int, w: int,
          h: int) -> ET.Element:
    """An Element node of a domain view, at absolute coordinates."""
    node = _sub(parent, "node", identifier=node_id(domain, element))
    node.set(f"{{{XSI_NS}}}type", "Element")
    node.set("elementRef", identifier(str(element)))
    for key, value in (("x", x), ("y", y), ("w", w), ("h", h)):
        node.set(key, str(value))
    return node


def _views_xml(parent: ET.Element, elements: list[Element], rels: list[Relationship]) -> None:
    """One diagram per domain, in the order of the domains' IRIs."""
    capabilities = {e.iri: e for e in elements if e.kind == "Capability"}
    compositions = [r for r in rels if r.kind == "Composition"]
    diagrams = _sub(_sub(parent, "views"), "diagrams")
    for domain in (e for e in elements if e.kind == "Grouping"):
        own = {r.target: r for r in compositions if r.source == domain.iri}
        members = sorted((capabilities[iri] for iri in own), key=lambda e: (e.name, e.iri))
        _view_xml(diagrams, domain, members, own)


def _dataset(graph: Graph) -> URIRef | None:
    """The dataset node that carries the title, licence and attribution, if the graph has one."""
    datasets = sorted(s for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef))
    return datasets[0] if datasets else None


def _model_header(root: ET.Element, graph: Graph, dataset: URIRef | None) -> None:
    """The model's name, documentation (what it is, and the CC BY 4.0 attribution), properties."""
    name = _text(graph, dataset, SKOS.prefLabel, DCTERMS.title) if dataset else None
    _lang_text(root, "name", name or "finops-kg: FinOps Framework")
    if dataset is not None:
        parts = [_text(graph, dataset, SKOS.definition), _text(graph, dataset, DCTERMS.rights)]
        if any(parts):
            _lang_text(root, "documentation", "\n\n".join(p for p in parts if p))
        origin = graph.value(dataset, PROV.wasDerivedFrom) or graph.value(dataset, DCTERMS.source)
        licence = graph.value(dataset, DCTERMS.license)
        values = [(SOURCE, str(origin))] if origin is not None else []
        values.append((IRI, str(dataset)))
        if licence is not None:
            values.append((LICENCE, str(licence)))
        _properties(root, values)


def _property_definitions_xml(root: ET.Element) -> None:
    """The property definitions that element, relationship and model properties refer to."""
    definitions = _sub(root, "propertyDefinitions")
    for name in PROPERTY_NAMES:
        definition = _sub(definitions, "propertyDefinition",
                          identifier=identifier("propertyDefinition", name), type="string")
        _lang_text(definition, "name", name)


def archimate_xml(graph: Graph) -> bytes:
    """Return the graph as an ArchiMate 3.1 Model Exchange File Format document (UTF-8 bytes)."""
    elements = collect_elements(graph)
    rels = collect_relationships(graph, elements)
    dataset = _dataset(graph)
    root = ET.Element("model", {
        "xmlns": ARCHIMATE_NS,
        "identifier": identifier("model", str(dataset or "finops-kg")),
        f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION,
    })
    # The order of the model's children is fixed by ModelType in archimate3_Model.xsd (name,
    # documentation, properties, metadata, elements, relationships, organizations,
    # propertyDefinitions), with views appended by archimate3_View.xsd.
    _model_header(root, graph, dataset)
    if elements:  # each container, if present, must hold at least one item
        element_block = _sub(root, "elements")
        for element in elements:
            _element_xml(element_block, element)
    if rels:
        relationship_block = _sub(root, "relationships")
        for rel in rels:
            _relationship_xml(relationship_block, rel)
    views = [view_id(e.iri) for e in elements if e.kind == "Grouping"]
    _organizations_xml(root, elements, rels, views)
    _property_definitions_xml(root)
    if views:
        _views_xml(root, elements, rels)
    check_unique(el.get("identifier") for el in root.iter() if el.get("identifier"))
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
