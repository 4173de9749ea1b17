"""Property-graph views of the Framework for networkx, Gephi, Cytoscape, Graphviz and Mermaid.

Each view turns the RDF into plain nodes and weighted edges. Nodes carry their IRI, label, type,
domain and edition; edges carry the predicate's label and a weight. Functional activities,
which RDF models as nodes, become the weight of a capability-persona edge.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from finops_kg.errors import FinopsKGError
from finops_kg.graph.labels import current, label
from finops_kg.graph.namespace import FID, FO
from finops_kg.views import VIEWS


class ViewError(FinopsKGError):
    """An unknown view was asked for."""


def check_view(view: str) -> None:
    """Refuse an unknown view, listing the views there are."""
    if view not in VIEWS:
        raise ViewError(f"unknown view {view!r}; the views are: {', '.join(VIEWS)}")


def to_networkx(graph: Graph, view: str = "capability-persona") -> nx.MultiDiGraph:
    """Return one view of an edition's graph (asserted or inferred) as a networkx MultiDiGraph."""
    check_view(view)
    builders: dict[str, Callable[[Graph, nx.MultiDiGraph], None]] = {
        "capability-persona": _capability_persona,
        "domain-capability": _domain_capability,
        "capability-flow": _capability_flow,
        "kpi-capability": _kpi_capability,
        "full": _full,
    }
    network = nx.MultiDiGraph(view=view)
    builders[view](graph, network)
    return network


def _add_node(graph: Graph, network: nx.MultiDiGraph, node: URIRef, kind: str) -> str:
    key = str(node)
    if key not in network:
        domain = graph.value(node, FO.inDomain)
        editions = sorted(str(e).rsplit("/", 1)[-1] for e in graph.objects(node, FO.inEdition))
        network.add_node(key, iri=key, label=label(graph, node, key), type=kind,
                         domain=label(graph, domain), edition=" ".join(editions))
    return key


def _predicate_label(graph: Graph, predicate: URIRef) -> str:
    return label(graph, predicate, predicate.rsplit("#", 1)[-1])


def _capability_persona(graph: Graph, network: nx.MultiDiGraph) -> None:
    direct: Counter = Counter()
    through_group: Counter = Counter()
    for activity in graph.subjects(RDF.type, FO.FunctionalActivity):
        capability = graph.value(activity, FO.activityOf)
        for persona in graph.objects(activity, FO.performedBy):
            direct[(capability, persona)] += 1
        for group in graph.objects(activity, FO.addressedTo):
            for member in graph.objects(group, FO.hasMember):
                through_group[(capability, member)] += 1
    for capability in current(graph, FO.Capability):
        _add_node(graph, network, capability, "Capability")
    for persona in _personas(graph):
        kind = "CorePersona" if (persona, RDF.type, FO.CorePersona) in graph else "AlliedPersona"
        _add_node(graph, network, persona, kind)
    for capability, persona in sorted(set(direct) | set(through_group)):
        own, shared = direct[(capability, persona)], through_group[(capability, persona)]
        network.add_edge(str(capability), str(persona), key="involves", predicate="involves persona",
                         weight=own + shared, direct=own, via_group=shared,
                         reached_through_group=shared > 0)


def _personas(graph: Graph) -> list[URIRef]:
    """Personas by their asserted subclasses, so that no reasoning is needed."""
    return current(graph, (FO.CorePersona, FO.AlliedPersona))


def _domain_capability(graph: Graph, network: nx.MultiDiGraph) -> None:
    for capability in current(graph, FO.Capability):
        domain = graph.value(capability, FO.inDomain)
        _add_node(graph, network, domain, "Domain")
        _add_node(graph, network, capability, "Capability")
        network.add_edge(str(domain), str(capability), key="hasCapability",
                         predicate=_predicate_label(graph, FO.hasCapability), weight=1)


def _capability_flow(graph: Graph, network: nx.MultiDiGraph) -> None:
    for capability in current(graph, FO.Capability):
        _add_node(graph, network, capability, "Capability")
    for source, target in sorted(graph.subject_objects(FO.providesInputTo)):
        network.add_edge(str(source), str(target), key="providesInputTo",
                         predicate=_predicate_label(graph, FO.providesInputTo), weight=1)


def _kpi_capability(graph: Graph, network: nx.MultiDiGraph) -> None:
    for kpi in current(graph, FO.KPI):
        _add_node(graph, network, kpi, "KPI")
        for capability in sorted(graph.objects(kpi, FO.measures)):
            _add_node(graph, network, capability, "Capability")
            network.add_edge(str(kpi), str(capability), key="measures",
                             predicate=_predicate_label(graph, FO.measures), weight=1)


def _full(graph: Graph, network: nx.MultiDiGraph) -> None:
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    individuals = {s for s, o in graph.subject_objects(RDF.type)
                   if isinstance(s, URIRef) and str(s).startswith(str(FID))}
    for individual in sorted(individuals):
        kinds = sorted(str(o).rsplit("#", 1)[-1] for o in graph.objects(individual, RDF.type)
                       if str(o).startswith(str(FO)))
        _add_node(graph, network, individual, kinds[0] if kinds else "")
    for subject in sorted(individuals):
        for predicate, obj in sorted(graph.predicate_objects(subject)):
            if predicate in object_properties and obj in individuals:
                local = predicate.rsplit("#", 1)[-1]
                network.add_edge(str(subject), str(obj), key=local,
                                 predicate=_predicate_label(graph, predicate), weight=1)


# ---------------------------------------------------------------------------
# Writers, one per graph format of graph.formats
# ---------------------------------------------------------------------------

def write_graphml(network: nx.MultiDiGraph) -> bytes:
    """Return the network as GraphML, every attribute typed."""
    return "\n".join(nx.generate_graphml(network)).encode("utf-8") + b"\n"


def write_gexf(network: nx.MultiDiGraph) -> bytes:
    """Return the network as GEXF 1.2, every attribute typed."""
    return "\n".join(nx.generate_gexf(network)).encode("utf-8") + b"\n"


def write_cytoscape(network: nx.MultiDiGraph) -> bytes:
    """Return the network in Cytoscape.js JSON (elements with nodes and edges)."""
    import json

    return (json.dumps(nx.cytoscape_data(network), indent=2, ensure_ascii=False,
                       sort_keys=True) + "\n").encode("utf-8")


def _dot_text(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dot(network: nx.MultiDiGraph) -> bytes:
    """Return the network in Graphviz DOT, with labels and weights."""
    lines = [f"digraph {_dot_text(network.graph.get('view', 'finops-kg'))} {{",
             "  rankdir=LR;"]
    for node, data in network.nodes(data=True):
        lines.append(f"  {_dot_text(node)} [label={_dot_text(data['label'])}, "
                     f"type={_dot_text(data['type'])}];")
    for source, target, data in network.edges(data=True):
        lines.append(f"  {_dot_text(source)} -> {_dot_text(target)} "
                     f"[label={_dot_text(data.get('weight', ''))}, weight={data.get('weight', 1)}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_mermaid(network: nx.MultiDiGraph) -> bytes:
    """Return the network as a Mermaid flowchart for Markdown, edges labelled by weight."""
    ids = {node: f"n{number}" for number, node in enumerate(network.nodes)}

    def text(value: object) -> str:  # Mermaid's entity code for a double quote
        return str(value).replace('"', "#quot;")

    lines = ["flowchart LR"]
    for node, data in network.nodes(data=True):
        lines.append(f'  {ids[node]}["{text(data["label"])}"]')
    for source, target, data in network.edges(data=True):
        lines.append(f"  {ids[source]} -->|{text(data.get('weight', ''))}| {ids[target]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_matrix_csv(network: nx.MultiDiGraph) -> bytes:
    """Return the capability by persona view as CSV: a row per capability, core personas first."""
    import csv
    import io

    if network.graph.get("view") != "capability-persona":
        raise ViewError("the CSV matrix is the capability-persona view; use --view capability-persona")
    nodes = dict(network.nodes(data=True))
    capabilities = sorted((n for n, d in nodes.items() if d["type"] == "Capability"),
                          key=lambda n: (nodes[n]["domain"], nodes[n]["label"]))
    personas = sorted((n for n, d in nodes.items() if d["type"] != "Capability"),
                      key=lambda n: (nodes[n]["type"] != "CorePersona", nodes[n]["label"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["capability", "domain", *(nodes[p]["label"] for p in personas)])
    for capability in capabilities:
        counts = [sum(d["weight"] for d in network.get_edge_data(capability, p, default={}).values())
                  for p in personas]
        writer.writerow([nodes[capability]["label"], nodes[capability]["domain"], *counts])
    return buffer.getvalue().encode("utf-8")


WRITERS: dict[str, Callable[[nx.MultiDiGraph], bytes]] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "dot": write_dot,
    "mermaid": write_mermaid,
    "cytoscape-json": write_cytoscape,
    "csv": write_matrix_csv,
}
