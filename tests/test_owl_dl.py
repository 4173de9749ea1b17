"""OWL 2 DL: the ontology plus the data is consistent under HermiT, with no unsatisfiable class."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph

from conftest import DATA, framework_plus

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None and not __import__("os").environ.get("CI"),
    reason="HermiT needs Java; `.ci/run` installs it in CI",
)


def hermit(graph: Graph, tmp_path):
    """Run HermiT on graph; return the unsatisfiable classes, or raise if inconsistent."""
    import owlready2

    path = tmp_path / "graph.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return [cls.iri for cls in world.inconsistent_classes()]


def test_framework_is_consistent_with_no_unsatisfiable_class(framework, tmp_path):
    graph = framework_plus(DATA / "activities.ttl")
    assert hermit(graph, tmp_path) == []


def test_hermit_really_reasons_a_persona_cannot_be_core_and_allied(tmp_path):
    import owlready2

    graph = framework_plus(DATA / "shapes" / "persona-core-and-allied.ttl")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(graph, tmp_path)
