"""Hygiene queries: none fires on the Framework, and each fires on a fixture made to break it."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from finops_kg.graph import resources
from finops_kg.graph.rq import read_query_file
from finops_kg.release.hygiene import run_hygiene_checks

from conftest import DATA

QUERIES = {path.name.removesuffix("-violation.rq"): path for path in resources.hygiene_query_files()}
EXPECTED_CHECKS = {
    "missing-label", "duplicate-label", "missing-definition", "missing-source",
    "missing-ontology-license", "missing-ontology-description", "deprecated-term-in-use",
    "orphan-capability",
}


def test_the_robot_checks_are_all_there_with_a_header():
    assert set(QUERIES) == EXPECTED_CHECKS
    for path in QUERIES.values():
        query = read_query_file(path)
        assert query.title and query.description and query.columns


def test_no_check_fires_on_the_framework(framework):
    failures = [line for check in run_hygiene_checks(framework) for line in check.lines()]
    assert failures == []


@pytest.mark.parametrize("name", sorted(EXPECTED_CHECKS))
def test_each_check_fires_on_its_fixture(name):
    fixture = DATA / "hygiene" / f"{name}.ttl"
    expected = set(re.findall(r"^# expect: (\S+)$", fixture.read_text(), flags=re.M))
    [check] = run_hygiene_checks(Graph().parse(fixture), [QUERIES[name]])
    assert not check.passed
    assert (check.name, check.description) == (name, read_query_file(QUERIES[name]).description)
    assert {str(row[0]) for row in check.rows} == expected
    assert all(line.startswith(f"{name}: ") for line in check.lines())


def test_a_failed_check_shows_each_row_on_one_line():
    from rdflib import Literal, URIRef

    from finops_kg.release.hygiene import HygieneCheck

    check = HygieneCheck("missing-label", "a description", (
        (URIRef("https://w3id.org/finops-kg/id/capability/allocation"),
         Literal("Allocation", lang="en"), None),
        (URIRef("urn:x"), Literal(2), URIRef("urn:y"))))
    assert not check.passed and HygieneCheck("x", "", ()).passed
    assert check.lines() == [
        'missing-label: fid:capability/allocation "Allocation"@en -',
        "missing-label: <urn:x> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:y>"]
