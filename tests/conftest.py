"""Shared fixtures: the Framework graph is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

import finops_kg
from finops_kg.graph.load import parse_file

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def framework() -> Graph:
    """The ontology plus the 2026 individuals, asserted triples only."""
    return finops_kg.load("2026")


@pytest.fixture(scope="session")
def empty_workspace(tmp_path_factory) -> Path:
    """A workspace holding only the Framework, made once: copy it (shutil.copytree) to change it."""
    from finops_kg.workspace import Workspace

    path = tmp_path_factory.mktemp("empty-workspace") / "ws"
    Workspace.init(path).close()
    return path


@pytest.fixture(scope="session")
def framework_inferred() -> Graph:
    """The ontology plus the 2026 individuals with their entailments."""
    return finops_kg.load("2026", inferred=True)


# The 2026 files that fixtures refer to; the activities and characteristics are left out to keep
# the tests fast.
CORE_FILES = ("framework", "editions", "principles", "personas", "persona-groups", "phases",
              "maturity-levels", "kpis", "measures-of-success",
              "maturity-targets", "domains", "capabilities", "technology-categories",
              "intersecting-disciplines")


def framework_plus(*fixtures: Path) -> Graph:
    """Return the ontology and the core of the 2026 data, with fixture files added."""
    from finops_kg.graph import resources
    from finops_kg.graph.load import load_ontology

    graph = load_ontology()
    for name in CORE_FILES:
        parse_file(graph, resources.edition_dir("2026") / f"{name}.ttl")
    for fixture in fixtures:
        parse_file(graph, fixture)
    return graph


def example_arguments(name: str) -> dict:
    """The parameters and data a catalogue query's example runs with: required params' EXAMPLE."""
    from finops_kg.graph import resources
    from finops_kg.sparql.catalogue import find

    entry = find(name)
    params = {p.name: p.example for p in entry.parameters if p.required}
    data = [resources.resource_root() / "data" / path for path in entry.example_data]
    return {"data": data, **params}


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _no_browser(reason: str) -> None:
    # On CI a missing browser is a broken environment, not a reason to pass quietly.
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _no_browser(f"the playwright package is not installed: {error}")
    if not Path(CHROMIUM).exists():
        _no_browser(f"no Chromium at {CHROMIUM}")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:  # whatever stops the launch, there is no browser to test with
        playwright.stop()
        _no_browser(f"headless Chromium ({CHROMIUM}) could not start: {error}")
    yield browser
    browser.close()
    playwright.stop()
