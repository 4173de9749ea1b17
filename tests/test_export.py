"""Export: the release files round-trip, are deterministic, and are written all or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import finops_kg
from finops_kg.errors import OutputError
from finops_kg.graph.files import write_atomic
from finops_kg.graph.serialize import serialize

RELEASE_FILES = {"finops-kg.ttl", "finops-kg.jsonld", "finops-kg.nt", "finops-kg-inferred.ttl",
                 "finops-kg-derived.ttl",
                 "validation-report.ttl", "validation-report.txt"}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = finops_kg.build(out, edition="2026")
    assert result.ok, result.problems()
    return out


def test_build_writes_every_release_file(release):
    assert {p.name for p in release.iterdir()} == RELEASE_FILES


@pytest.mark.parametrize(("name", "format"), [("finops-kg.jsonld", "json-ld"),
                                              ("finops-kg.nt", "nt")])
def test_outputs_reparse_isomorphic_to_the_turtle(release, name, format):
    turtle = Graph().parse(release / "finops-kg.ttl", format="turtle")
    other = Graph().parse(release / name, format=format)
    assert len(other) == len(turtle) > 1000
    assert isomorphic(other, turtle)


def test_turtle_output_is_the_asserted_graph(release, framework):
    assert isomorphic(Graph().parse(release / "finops-kg.ttl"), framework)


def test_inferred_output_adds_entailments_and_reparses(release, framework):
    inferred = Graph().parse(release / "finops-kg-inferred.ttl")
    assert len(inferred) == len(framework) + len(finops_kg.entailments(framework))
    # No literal subjects, unlike a raw owlrl closure: every triple survives N-Triples.
    from rdflib import Literal

    assert not any(isinstance(s, Literal) for s in inferred.subjects())
    assert isomorphic(Graph().parse(data=inferred.serialize(format="nt"), format="nt"), inferred)


def test_validation_report_ships_with_the_release(release):
    text = (release / "validation-report.txt").read_text()
    assert text.startswith("Conforms: 0 violations")
    assert "orphan-capability: pass" in text
    report = Graph().parse(release / "validation-report.ttl")
    assert len(report) > 0


def test_serialisation_is_stable_for_blank_nodes(framework):
    # A fresh parse relabels every blank node; the bytes must not change.
    for format in ("turtle", "jsonld", "nt"):
        assert serialize(framework, format) == serialize(finops_kg.load("2026"), format)


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_write_atomic_refuses_an_unwritable_place(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as error:
        write_atomic(blocker / "out.ttl", b"data")
    assert str(error.value) == f"{blocker}: cannot write here (File exists)"


def test_write_atomic_makes_missing_folders_and_a_readable_file(tmp_path):
    target = tmp_path / "a" / "b" / "out.ttl"
    assert write_atomic(target, b"data") == target
    assert target.read_bytes() == b"data"
    assert target.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600


def test_write_atomic_writes_a_hidden_temporary_beside_the_file_and_removes_it_on_failure(
        tmp_path, monkeypatch):
    import os

    target = tmp_path / "out.ttl"
    target.write_bytes(b"previous")
    renamed = []

    def full_disk(source, destination):
        renamed.append((Path(source), Path(destination)))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError) as error:
        write_atomic(target, b"new")
    assert str(error.value) == f"{target}: cannot write (No space left on device)"
    [(temporary, destination)] = renamed
    assert destination == target and temporary.parent == tmp_path
    assert temporary.name.startswith(".out.ttl.") and temporary.name.endswith(".tmp")
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]  # the temporary is gone
    assert target.read_bytes() == b"previous"


def test_write_atomic_whose_temporary_was_removed_under_it_is_still_one_clear_error(
        tmp_path, monkeypatch):
    import os

    target = tmp_path / "out.ttl"

    def swept(source, destination):  # a cleaner of stray temporaries got there first
        os.unlink(source)
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "replace", swept)
    with pytest.raises(OutputError) as error:
        write_atomic(target, b"new")
    assert str(error.value) == f"{target}: cannot write (No such file or directory)"
    assert list(tmp_path.iterdir()) == []


ROUND_TRIPPED = ["turtle", "jsonld", "nt", "xml"]


def test_every_rdf_format_is_round_tripped_below():
    from finops_kg.graph.formats import RDF_FORMATS

    assert sorted(RDF_FORMATS) == sorted(ROUND_TRIPPED)  # a new format needs its round trip


@pytest.mark.parametrize("format", ROUND_TRIPPED)
def test_every_rdf_format_round_trips(framework, format):
    from finops_kg.views.export import export

    parsed = Graph().parse(data=export(format), format={"turtle": "turtle", "jsonld": "json-ld",
                                                        "nt": "nt", "xml": "xml"}[format])
    assert isomorphic(parsed, framework)


@pytest.mark.parametrize("format", ROUND_TRIPPED)
def test_a_file_under_any_extension_of_its_format_reads_back(tmp_path, format):
    # The extensions that export accepts for a format are the ones by which validate, map and
    # parse_file guess a file's format: the one table says both.
    from finops_kg.graph.formats import FORMATS
    from finops_kg.graph.load import load_ontology, parse_file
    from finops_kg.views.export import check_extension

    ontology = load_ontology()
    for extension in FORMATS[format].extensions:
        path = tmp_path / f"ontology{extension}"
        check_extension(path, format)
        write_atomic(path, serialize(ontology, format))
        assert isomorphic(parse_file(Graph(), path), ontology), extension


def test_trig_holds_every_edition_and_mapping_set_as_a_named_graph():
    from rdflib import Dataset, Literal, URIRef

    from finops_kg.views.export import export
    from finops_kg.graph.namespace import FO

    dataset = Dataset()
    dataset.parse(data=export("trig"), format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {"https://w3id.org/finops-kg/id/edition/2025",
            "https://w3id.org/finops-kg/id/edition/2026",
            "https://w3id.org/finops-kg/mappings/cobit.sssom.tsv",
            "https://w3id.org/finops-kg/mappings/focus.sssom.tsv",
            "https://w3id.org/finops-kg/ext/focus/1.2/columns"} <= names
    columns = dataset.graph(URIRef("https://w3id.org/finops-kg/ext/focus/1.2/columns"))
    assert len(set(columns.subjects(FO.focusVersion, Literal("1.2")))) == 57


def test_jsonld_reads_like_plain_json_and_expands_to_the_same_graph(framework):
    import json

    from finops_kg.views.export import export

    document = json.loads(export("jsonld"))
    allocation = next(n for n in document["@graph"]
                      if n.get("id") == "https://w3id.org/finops-kg/id/capability/allocation")
    assert allocation["label"] == "Allocation"
    assert allocation["inDomain"] == "https://w3id.org/finops-kg/id/domain/understand-usage-cost"
    expanded = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(expanded, framework)


def test_export_refuses_a_path_that_does_not_fit_the_format(tmp_path):
    from finops_kg.views.export import check_extension

    with pytest.raises(OutputError, match="a graphml file should end in .graphml"):
        check_extension(tmp_path / "view.ttl", "graphml")


def test_trig_reparses_when_graphs_bind_one_prefix_to_different_namespaces():
    from rdflib import Dataset, Graph, URIRef

    from finops_kg.graph.serialize import serialize_trig

    named = []
    for site in ("a", "b"):
        graph = Graph(bind_namespaces="none")
        graph.bind("mine", f"https://{site}.example.org/")  # one name, two namespaces
        graph.add((URIRef(f"https://{site}.example.org/s"), URIRef(f"https://{site}.example.org/p"),
                   URIRef(f"https://{site}.example.org/o")))
        named.append((URIRef(f"https://example.org/graph/{site}"), graph))
    dataset = Dataset()
    dataset.parse(data=serialize_trig(named), format="trig")
    for name, graph in named:
        assert set(dataset.graph(name)) == set(graph)


# Every format `finops-kg export` offers; a format that drops out of the table fails the test.
EVERY_EXPORT_FORMAT = {"turtle", "jsonld", "nt", "xml", "trig", "graphml", "gexf", "dot", "mermaid",
                       "cytoscape-json", "csv", "archimate"}


def _export_runs() -> list[tuple[str, str]]:
    """Each format on the default view, and every other view as GraphML, which carries each node
    and edge with all its attributes in the order the view built them: a view's own ordering
    shows there, while the other writers' ordering is covered on the default view."""
    from finops_kg.views.export import EXPORT_FORMATS
    from finops_kg.views.network import VIEWS

    return ([(format, "capability-persona") for format in EXPORT_FORMATS]
            + [("graphml", view) for view in VIEWS if view != "capability-persona"])


# Runs the command line's own entry point once per export inside one process, in the order given.
_EXPORT_DRIVER = """
import json, sys
from finops_kg.cli import main
from finops_kg.graph.formats import FORMATS
for index, (format, view) in json.loads(sys.argv[2]):
    out = f"{sys.argv[1]}/{index}{FORMATS[format].extension}"
    if main(["export", "--format", format, "--view", view, "--out", out]) != 0:
        sys.exit(f"export --format {format} --view {view} failed")
"""


@pytest.fixture(scope="module")
def exports_from_two_processes(tmp_path_factory) -> dict[tuple[str, str], tuple[bytes, bytes]]:
    """Every export written by two processes with different hash seeds, which change the
    iteration order of sets and dicts of strings, and so of rdflib's stores. The second process
    runs the exports in reverse, so that no export's bytes may depend on what ran before it."""
    import json
    import os
    import subprocess
    import sys

    from finops_kg.graph.formats import FORMATS

    runs = list(enumerate(_export_runs()))
    orders = {"1": runs, "2": runs[::-1]}
    folders = {seed: tmp_path_factory.mktemp(f"seed-{seed}") for seed in orders}
    processes = [subprocess.Popen([sys.executable, "-c", _EXPORT_DRIVER, str(folders[seed]),
                                   json.dumps(order)],
                                  env={**os.environ, "PYTHONHASHSEED": seed},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for seed, order in orders.items()]
    for process in processes:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors.decode()
    return {run: tuple((folders[seed] / f"{index}{FORMATS[run[0]].extension}").read_bytes()
                       for seed in orders)
            for index, run in runs}


def test_the_determinism_check_covers_every_export_format():
    from finops_kg.views.export import EXPORT_FORMATS
    from finops_kg.views.network import VIEWS

    assert set(EXPORT_FORMATS) == EVERY_EXPORT_FORMAT
    runs = _export_runs()
    assert {format for format, _ in runs} == EVERY_EXPORT_FORMAT
    assert {view for _, view in runs} == set(VIEWS)


@pytest.mark.parametrize(("format", "view"), _export_runs(),
                         ids=[f"{format}-{view}" for format, view in _export_runs()])
def test_every_export_is_byte_identical_from_process_to_process(exports_from_two_processes,
                                                                format, view):
    first, second = exports_from_two_processes[(format, view)]
    assert len(first) > 1000
    assert first == second


def test_generated_prefixes_do_not_depend_on_the_hash_seed():
    # Predicates in namespaces without a prefix make rdflib invent ns1, ns2, ... as it meets them.
    import os
    import subprocess
    import sys

    code = """
import sys
from rdflib import Graph, Literal, URIRef
from finops_kg.graph.serialize import serialize
graph = Graph(bind_namespaces="none")
for number in range(12):
    graph.add((URIRef("https://example.org/s"), URIRef(f"https://example.org/v{number}/p"),
               Literal(number)))
sys.stdout.buffer.write(serialize(graph, "turtle") + serialize(graph, "xml"))
"""
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1
    output = outputs.pop()
    assert b"ns1:p 0" in output and b'xmlns:ns1="https://example.org/v0/"' in output
