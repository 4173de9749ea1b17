"""Graph views and graph formats: what the RDF says, as a clean property graph."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

import finops_kg
from finops_kg.views.network import VIEWS, WRITERS, ViewError, to_networkx


@pytest.fixture(scope="module")
def matrix(framework):
    return to_networkx(framework, "capability-persona")


def test_capability_persona_view_weights_are_the_activity_counts(framework, matrix):
    expected = {(str(r[1]), str(r[3])): int(r[5]) for r in
                finops_kg.query("capability-persona-matrix").rows}
    found = {(s, t): d["weight"] for s, t, d in matrix.edges(data=True)}
    assert found == expected
    itam = [d for s, t, d in matrix.edges(data=True) if t.endswith("/persona/itam")]
    assert any(d["reached_through_group"] and d["via_group"] > 0 for d in itam)
    assert all(d["direct"] + d["via_group"] == d["weight"] for _, _, d in matrix.edges(data=True))


def test_only_edges_through_a_persona_group_are_marked_so(matrix):
    edges = [d for _, _, d in matrix.edges(data=True)]
    assert all(d["reached_through_group"] == (d["via_group"] > 0) for d in edges)
    # A core persona performs activities itself; none is reached through the Allied Personas.
    core = [d for s, t, d in matrix.edges(data=True)
            if matrix.nodes[t]["type"] == "CorePersona"]
    assert core and not any(d["reached_through_group"] for d in core)


def test_nodes_carry_iri_label_type_domain_and_edition(matrix):
    allocation = matrix.nodes["https://w3id.org/finops-kg/id/capability/allocation"]
    assert allocation == {"iri": "https://w3id.org/finops-kg/id/capability/allocation",
                          "label": "Allocation", "type": "Capability",
                          "domain": "Understand Usage & Cost", "edition": "2026"}
    types = {d["type"] for _, d in matrix.nodes(data=True)}
    assert types == {"Capability", "CorePersona", "AlliedPersona"}


@pytest.mark.parametrize(("view", "nodes", "edges"), [
    ("domain-capability", 26, 22), ("capability-flow", 22, None), ("kpi-capability", None, None),
    ("full", None, None)])
def test_every_view_builds(framework, view, nodes, edges):
    network = to_networkx(framework, view)
    assert network.number_of_nodes() > 0 and network.number_of_edges() > 0
    if nodes:
        assert network.number_of_nodes() == nodes
    if edges:
        assert network.number_of_edges() == edges


def test_unknown_view_lists_the_views(framework):
    with pytest.raises(ViewError, match="the views are: " + ", ".join(VIEWS)):
        to_networkx(framework, "pie")


def test_graphml_reads_back_with_the_same_nodes_edges_and_typed_attributes(matrix):
    back = nx.read_graphml(io.BytesIO(WRITERS["graphml"](matrix)),
                           force_multigraph=True)
    assert dict(back.nodes(data=True)) == dict(matrix.nodes(data=True))
    original = sorted((s, t, d["weight"], d["reached_through_group"])
                      for s, t, d in matrix.edges(data=True))
    assert sorted((s, t, d["weight"], d["reached_through_group"])
                  for s, t, d in back.edges(data=True)) == original
    assert all(isinstance(d["weight"], int) for _, _, d in back.edges(data=True))


def test_gexf_and_cytoscape_read_back(matrix):
    gexf = nx.read_gexf(io.BytesIO(WRITERS["gexf"](matrix)))
    assert gexf.number_of_nodes() == matrix.number_of_nodes()
    assert gexf.number_of_edges() == matrix.number_of_edges()
    cytoscape = json.loads(WRITERS["cytoscape-json"](matrix))
    assert len(cytoscape["elements"]["nodes"]) == matrix.number_of_nodes()
    assert len(cytoscape["elements"]["edges"]) == matrix.number_of_edges()


def test_dot_and_mermaid_name_every_node_and_edge(matrix):
    dot = WRITERS["dot"](matrix).decode()
    assert dot.startswith('digraph "capability-persona" {') and dot.count(" -> ") == 174
    mermaid = WRITERS["mermaid"](matrix).decode()
    assert mermaid.startswith("flowchart LR") and mermaid.count("-->|") == 174
    assert '"Allocation"' in dot and '["Allocation"]' in mermaid


def test_csv_matrix_has_a_row_per_capability_and_core_personas_first(matrix):
    rows = list(csv.reader(io.StringIO(WRITERS["csv"](matrix).decode())))
    header = rows[0]
    assert header[:2] == ["capability", "domain"] and len(rows) == 23
    assert header[2:8] == sorted(header[2:8])  # the six core personas, then the allied ones
    allocation = next(r for r in rows if r[0] == "Allocation")
    assert int(allocation[header.index("FinOps Practitioner")]) == 6
