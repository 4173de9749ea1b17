"""Shared fixtures: the Framework graph is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

import finops_kg
from finops_kg.load import parse_file

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def framework() -> Graph:
    """The ontology plus the 2026 individuals, asserted triples only."""
    return finops_kg.load("2026")


@pytest.fixture(scope="session")
def framework_inferred() -> Graph:
    """The ontology plus the 2026 individuals with their entailments."""
    return finops_kg.load("2026", inferred=True)


def framework_plus(*fixtures: Path) -> Graph:
    """Return a fresh copy of the 2026 graph with fixture files added."""
    graph = finops_kg.load("2026")
    for fixture in fixtures:
        parse_file(graph, fixture)
    return graph
