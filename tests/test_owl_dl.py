"""OWL 2 DL: the ontology plus the data is consistent under HermiT, with no unsatisfiable class."""

from __future__ import annotations

import os
import shutil

import pytest
from rdflib import Graph

import finops_kg

from conftest import DATA, framework_plus

# HermiT runs on Java. A developer machine without it skips; CI, where .ci/run installs Java,
# never does, so a missing Java fails there instead of passing silently.
pytestmark = pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("CI"),
                                reason="HermiT needs Java; `.ci/run` installs it in CI")


def hermit(graph: Graph, tmp_path):
    """Run HermiT on graph; return the unsatisfiable classes, or raise if inconsistent."""
    import owlready2

    path = tmp_path / "graph.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return [cls.iri for cls in world.inconsistent_classes()]


@pytest.mark.parametrize("edition", ["2025", "2026"])
def test_each_edition_is_consistent_with_no_unsatisfiable_class(edition, tmp_path):
    assert hermit(finops_kg.load(edition), tmp_path) == []


def test_hermit_really_reasons_a_persona_cannot_be_core_and_allied(tmp_path):
    import owlready2

    graph = framework_plus(DATA / "shapes" / "persona-core-and-allied.ttl")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(graph, tmp_path)
