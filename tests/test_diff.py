"""The edition diff: typed changes computed from the edition graphs and the change records."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from finops_kg.diff import diff_editions, to_graph, to_json, to_table
from finops_kg.errors import UnknownEditionError
from finops_kg.graph.namespace import FO

from conftest import DATA


@pytest.fixture(scope="module")
def changes():
    return diff_editions("2025", "2026")


def test_the_table_matches_the_golden_file(changes):
    assert to_table(changes) == (DATA / "expected" / "diff-2025-2026.txt").read_text()


def test_capability_changes_are_six_renames_one_removal_one_addition(changes):
    capability = Counter(c.change_type for c in changes if c.kind == "capability"
                         and c.change_type in ("renamed", "removed", "added"))
    assert capability == {"renamed": 6, "removed": 1, "added": 1}
    renames = {(c.old_label, c.new_label) for c in changes if c.change_type == "renamed"}
    assert ("Workload Optimization", "Usage Optimization") in renames
    assert ("FinOps Tools & Services", "Automation, Tools, & Services") in renames


def test_graph_changes_are_backed_by_records(changes):
    for change in changes:
        if change.change_type in ("renamed", "removed") or change.kind == "capability" and \
                change.change_type == "added":
            assert change.evidence == "graphs and record", change


def test_merge_and_definition_changes_come_from_records(changes):
    merged = [c for c in changes if c.change_type == "merged-into"]
    assert [(c.subject.rsplit("/", 1)[-1], c.target.rsplit("/", 1)[-1]) for c in merged] == [
        ("onboarding-workloads", "architecting-workload-placement")]
    assert merged[0].confidence == "third-party only"
    assert all(c.evidence == "record" for c in changes if c.change_type == "definition-changed")


def test_the_diff_is_computed_not_stored(changes):
    """Diffing an edition with itself finds nothing: no change is hard-coded."""
    assert diff_editions("2026", "2026") == []


def test_json_and_turtle_outputs(changes):
    body = json.loads(to_json(changes, "2025", "2026"))
    assert body["from"] == "2025" and len(body["changes"]) == len(changes)
    graph = Graph().parse(data=to_graph(changes, "2025", "2026").serialize(format="turtle"))
    assert len(set(graph.subjects(RDF.type, FO.EditionChange))) == len(changes)


def test_a_record_with_two_sources_reports_the_same_one_in_every_process():
    import os
    import subprocess
    import sys

    # Executive Strategy Alignment's record cites two pages; string hashing, and so the order in
    # which rdflib lists them, changes with the hash seed of the process.
    code = ("from finops_kg.diff import diff_editions, to_json; "
            "print(to_json(diff_editions('2025', '2026'), '2025', '2026'))")
    outputs = {seed: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
               for seed in ("1", "3")}
    assert outputs["1"] == outputs["3"]
    [added] = [c for c in json.loads(outputs["1"])["changes"] if c["change_type"] == "added"
               and c["subject"].endswith("/capability/executive-strategy-alignment")]
    assert added["source"] == \
        "https://www.finops.org/framework/capabilities/executive-strategy-alignment/"


def test_unknown_edition_names_the_editions():
    with pytest.raises(UnknownEditionError, match="the editions are: 2025, 2026"):
        diff_editions("2025", "2031")
