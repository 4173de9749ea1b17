"""The fast SHACL engine (release.shapes): pySHACL's results on every fixture and on generated graphs.

The engine runs the shapes as whole-graph SPARQL queries on Oxigraph; pySHACL is the reference.
Every comparison here is of full results: focus node, path, value, constraint component,
severity and source shape, counted. The engine has three ways to run a check (the focus nodes
named in VALUES when they are few; narrowed down by node tests when they are many; the focus
query joined in when node tests cannot say), and each comparison runs all three.

Known differences, kept out of the generated data: Oxigraph stores literals in canonical form,
so "01"^^xsd:integer and "1"^^xsd:integer are one value there and two in rdflib; it follows the
XSD lexical rules where rdflib is lenient ("1e5"^^xsd:decimal, " 5"^^xsd:integer) or strict
(years before 1 or after 9999); and pySHACL reports an ill-typed boolean such as
"maybe"^^xsd:boolean as "false"^^xsd:boolean, a term the data does not hold.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, SKOS, XSD

from finops_kg.graph.terms import to_rdflib
from finops_kg.release.shapes import run as engine
from finops_kg.release.shapes.compile import compile_shapes, compiled_plan
from finops_kg.release.shapes.sparql_text import (
    Unsupported,
    check_scopes,
    not_exists_to_minus,
    parse,
    render,
    rewrite_constraint,
)
from finops_kg.release.validate import load_shapes, validate

from conftest import CORE_FILES, DATA

SHAPE_FIXTURES = sorted((DATA / "shapes").glob("*.ttl"))
FO = "https://w3id.org/finops-kg/ontology#"
FID = "https://w3id.org/finops-kg/id/"
GEN = "https://example.org/generated/"
DCT = "http://purl.org/dc/terms/"
CLI = [sys.executable, "-m", "finops_kg"]


# -- comparing results ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def plan_and_shapes() -> tuple[dict, Graph]:
    """The compiled plan, and its shapes graph with the plan's blank node labels, so that both
    engines name a blank node path or shape alike."""
    plan = compiled_plan()
    shapes = Graph()
    for triple in ox.parse(plan["shapes"].encode(), format=ox.RdfFormat.N_TRIPLES):
        shapes.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                    to_rdflib(triple.object)))
    for prefix, namespace in plan["namespaces"]:
        shapes.bind(prefix, namespace)
    return plan, shapes


def term_key(term) -> tuple | None:
    """A term as both engines must agree on it: a literal by datatype and value, as Oxigraph
    keeps only the canonical form of a well-typed literal."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language:
            return ("literal", str(term), term.language.lower())
        datatype = str(term.datatype or XSD.string)
        if term.datatype is not None and not term.ill_typed and term.value is not None:
            value = term.value
            return ("literal", datatype, str(value.normalize() if isinstance(value, Decimal)
                                             else value))
        return ("literal", datatype, str(term))
    return (type(term).__name__, str(term))


def path_key(graph: Graph, path) -> str | None:
    """A result path as text: an IRI, or the SHACL path expression a blank node describes."""
    if path is None or isinstance(path, URIRef):
        return None if path is None else str(path)
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(path_key(graph, step) for step in Collection(graph, path)) + ")"
    for name, template in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"),
                           ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
        inner = graph.value(path, SH[name])
        if inner is not None:
            return template.format(path_key(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    return "(" + "|".join(path_key(graph, m) for m in Collection(graph, alternatives)) + ")"


def pyshacl_results(data: Graph) -> Counter:
    """pySHACL's results on data, as comparable keys."""
    _, shapes = plan_and_shapes()
    report = validate(data, shapes).graph
    found = Counter()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(node, SH.resultPath)
        found[(term_key(report.value(node, SH.focusNode)),
               path_key(report if (path, None, None) in report else shapes, path),
               term_key(report.value(node, SH.value)),
               str(report.value(node, SH.sourceConstraintComponent)),
               str(report.value(node, SH.resultSeverity)),
               term_key(report.value(node, SH.sourceShape)))] += 1
    return found


def store_of(data: Graph) -> ox.Store:
    """An Oxigraph store holding data, its blank nodes keeping their labels."""
    store = ox.Store()
    store.bulk_extend(ox.parse(data.serialize(format="nt", encoding="utf-8"),
                               format=ox.RdfFormat.N_TRIPLES))
    return store


def fast_results(store: ox.Store, plan: dict) -> Counter:
    """The fast engine's results on the store, as comparable keys."""
    _, shapes = plan_and_shapes()
    results, fallback = engine.run_checks(store, plan=plan)
    assert fallback == []
    found = Counter()
    for r in results:
        if isinstance(r.path, dict):
            path = URIRef(r.path["id"]) if not r.path["id"].startswith("_:") \
                else BNode(r.path["id"][2:])
        else:
            path = to_rdflib(r.path)
        shape = BNode(r.shape[2:]) if r.shape.startswith("_:") else URIRef(r.shape)
        found[(term_key(to_rdflib(r.focus)), path_key(shapes, path),
               term_key(to_rdflib(r.value)), r.component, r.severity, term_key(shape))] += 1
    return found


def every_way(store: ox.Store, monkeypatch) -> dict[str, Counter]:
    """The fast engine's results run each of its three ways."""
    plan, _ = plan_and_shapes()
    untested = {**plan, "checks": [{k: v for k, v in c.items() if k != "node_test"}
                                   for c in plan["checks"]]}
    found = {"few focus nodes, named": fast_results(store, plan)}
    with monkeypatch.context() as patch:
        patch.setattr(engine, "SMALL_FOCUS", 0)
        found["many, narrowed down by node tests"] = fast_results(store, plan)
        found["many, the focus query joined in"] = fast_results(store, untested)
    return found


def assert_same_results(data: Graph, monkeypatch) -> Counter:
    """Assert that each way of the fast engine gives pySHACL's results; return them."""
    expected = pyshacl_results(data)
    for way, found in every_way(store_of(data), monkeypatch).items():
        assert found == expected, (f"{way}:\n only pySHACL: {expected - found}\n"
                                   f" only the fast engine: {found - expected}")
    return expected


# -- the plan --------------------------------------------------------------------------------------

def test_every_project_shape_compiles_and_none_is_left_to_pyshacl():
    plan, _ = plan_and_shapes()
    assert [(f["show"], f["reason"]) for f in plan["fallback"]] == []
    shapes = {c["shape"] for c in plan["checks"]}
    named = {str(s) for s in load_shapes().subjects(RDF.type, SH.PropertyShape)
             if isinstance(s, URIRef)}
    assert named <= shapes


CLOSED_SHAPE = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix fo: <https://w3id.org/finops-kg/ontology#> .
    <urn:test:ClosedLens> a sh:NodeShape ; sh:targetClass fo:AssessmentLens ; sh:closed true ;
        sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
        sh:message "closed" ; sh:severity sh:Warning .
"""


def test_a_shape_the_compiler_cannot_express_is_left_to_pyshacl_and_named(monkeypatch, capsys):
    shapes = load_shapes().parse(data=CLOSED_SHAPE, format="turtle")
    plan = compile_shapes(shapes)
    assert [(f["show"], f["reason"]) for f in plan["fallback"]] == [
        ("<urn:test:ClosedLens>", "sh:closed is not compiled")]
    store = ox.Store()
    store.load(b"<urn:x> a <https://w3id.org/finops-kg/ontology#AssessmentLens> ; "
               b"<urn:p> 1 .", ox.RdfFormat.TURTLE)
    report = engine.validate_store(store, plan=plan)
    assert report.fallback_shapes == ["<urn:test:ClosedLens>"]
    assert [(r.severity, r.focus, r.path, r.shape) for r in report.results
            if r.shape == "<urn:test:ClosedLens>"] == [
        ("Warning", "<urn:x>", "<urn:p>", "<urn:test:ClosedLens>")]
    # The command says which shapes pySHACL checked.
    from finops_kg.cli import release
    from finops_kg.release.shapes import compile as compiler

    monkeypatch.setattr(compiler, "compiled_plan", lambda: plan)
    data = Path(DATA / "shapes" / "capability-without-label.ttl")
    args = argparse.Namespace(files=[data], workspace=None, edition=None, engine=None,
                              format="text")
    monkeypatch.delenv("FINOPS_KG_WORKSPACE", raising=False)
    release.run_validate(args)
    assert "finops-kg: note: <urn:test:ClosedLens> was checked by pySHACL\n" in \
        capsys.readouterr().err


# -- reading the shapes' SPARQL --------------------------------------------------------------------

def where(text: str):
    return parse(text)[1].where


@pytest.mark.parametrize(("query", "minus"), [
    # ?this and ?value are bound in every solution: the same test.
    ("SELECT ?this ?value WHERE { ?this <urn:p> ?s . { BIND (<urn:a> AS ?value) } UNION "
     "{ BIND (<urn:b> AS ?value) } FILTER NOT EXISTS { ?this <urn:q> ?x . ?x <urn:r> ?value } }",
     True),
    # ?value may be unbound: NOT EXISTS then matches any value, MINUS nothing.
    ("SELECT ?this WHERE { ?this <urn:p> ?s OPTIONAL { ?s <urn:q> ?value } "
     "FILTER NOT EXISTS { ?this <urn:r> ?value } }", False),
    # No variable in common: MINUS would never remove anything.
    ("SELECT ?this WHERE { ?this <urn:p> ?s FILTER NOT EXISTS { ?a <urn:r> ?b } }", False),
    # A BIND that may fail leaves its variable unbound.
    ("SELECT ?this WHERE { ?this <urn:p> ?s BIND (?s + 1 AS ?n) "
     "FILTER NOT EXISTS { ?this <urn:r> ?n } }", False),
    # Not only triples inside.
    ("SELECT ?this WHERE { ?this <urn:p> ?s FILTER NOT EXISTS { ?this <urn:r> ?n FILTER (?n > 1) } }",
     False),
])
def test_filter_not_exists_becomes_minus_only_where_the_two_are_equal(query, minus):
    group = where(query)
    not_exists_to_minus(group)
    text = render(group)
    assert ("MINUS" in text) is minus and ("NOT EXISTS" in text) is not minus


def test_a_filter_reading_a_variable_of_an_enclosing_group_is_left_to_pyshacl():
    # SPARQL evaluates the inner group first, where ?lens is unbound; rdflib passes it in.
    with pytest.raises(Unsupported, match=r"reads \?lens"):
        check_scopes(where("SELECT ?this WHERE { ?this <urn:lens> ?lens . "
                           "{ VALUES ?n { 1 2 } FILTER NOT EXISTS { ?s <urn:l> ?lens ; <urn:n> ?n } } }"))
    check_scopes(where("SELECT ?this WHERE { ?this <urn:lens> ?lens . OPTIONAL { ?this <urn:n> ?n "
                       "FILTER (?n != ?lens) } }"))  # an OPTIONAL's filter sees the left side
    rewritten = rewrite_constraint("SELECT $this WHERE { { ?x <urn:p> ?y FILTER (?y != $this) } }",
                                   {}, "%FOCUS%")  # $this is bound everywhere, as pySHACL binds it
    assert rewritten.query.count("%FOCUS%") == 2


# -- the fixtures ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def core() -> Graph:
    """The ontology and the core of the 2026 data that the fixtures build on."""
    from finops_kg.graph import resources
    from finops_kg.graph.load import load_ontology, parse_file

    graph = load_ontology()
    for name in CORE_FILES:
        parse_file(graph, resources.edition_dir("2026") / f"{name}.ttl")
    return graph


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_a_fixture_gives_pyshacls_results(fixture, monkeypatch):
    data = Graph()
    data += core()
    data.parse(fixture)
    assert assert_same_results(data, monkeypatch), "a fixture breaks at least one shape"


def test_the_whole_edition_with_every_fixture_gives_pyshacls_results(monkeypatch):
    from finops_kg.release.dataset import load

    data = load("2026")  # every lens step, activity and characteristic beside the fixtures
    for fixture in SHAPE_FIXTURES:
        data.parse(fixture)
    found = assert_same_results(data, monkeypatch)
    assert len({key[-1] for key in found}) > 40  # the fixtures break many shapes at once


# -- generated graphs --------------------------------------------------------------------------

LENSES = [URIRef(f"{FID}assessment-lens/{name}")
          for name in ("knowledge", "process", "metrics", "adoption", "automation")]
EDITIONS = [URIRef(f"{FID}edition/2026"), URIRef(f"{FID}edition/2099")]
LITERALS = [
    Literal(-1), Literal(0), Literal(3), Literal(4), Literal(5), Literal(20), Literal(21),
    Literal("2.5", datatype=XSD.decimal), Literal("20.0", datatype=XSD.decimal),
    Literal("100.1", datatype=XSD.decimal), Literal("four"), Literal("4", datatype=XSD.string),
    Literal("2026-06-30", datatype=XSD.date), Literal("2026-02-30", datatype=XSD.date),
    Literal("2026-06-30"), Literal("2026-06-30T00:00:00", datatype=XSD.dateTime),
    Literal(True), Literal("false", datatype=XSD.boolean),
    Literal("A name", lang="en"), Literal("A name", lang="en-GB"), Literal("Ein Name", lang="de"),
    Literal("Another", lang="en"), Literal("https://www.finops.org/framework/x/"),
    Literal("Mandatory"),
]


@lru_cache(maxsize=1)
def vocabulary() -> tuple[list[URIRef], list[URIRef]]:
    """The classes and paths the shapes name, so that generated data meets every shape."""
    shapes = load_shapes()
    classes = {o for p in (SH.targetClass, SH["class"]) for o in shapes.objects(None, p)}
    paths = {o for o in shapes.objects(None, SH.path) if isinstance(o, URIRef)}
    paths |= {o for p in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.inversePath)
              for o in shapes.objects(None, p)}
    return sorted(c for c in classes if isinstance(c, URIRef)), sorted(paths)


@st.composite
def loose_graphs(draw) -> list[tuple]:
    """Nodes of the shapes' classes with values of the shapes' paths, good and bad, at random."""
    classes, paths = vocabulary()
    nodes = [URIRef(f"{GEN}node/{i}") for i in range(draw(st.integers(2, 7)))]
    objects = st.sampled_from(nodes + LENSES + EDITIONS + LITERALS
                              + [URIRef(f"{GEN}missing"), URIRef(f"{FID}capability/allocation")])
    triples = []
    for node in nodes:
        for cls in draw(st.lists(st.sampled_from(classes), min_size=1, max_size=2, unique=True)):
            triples.append((node, RDF.type, cls))
        for path in draw(st.lists(st.sampled_from(paths), max_size=6)):
            triples.append((node, path, draw(objects)))
    return triples


@st.composite
def assessments(draw) -> list[tuple]:
    """An assessment with its lens weights and capability assessments, each perhaps broken."""
    a = URIRef(f"{GEN}assessment")
    unit = URIRef(f"{GEN}unit")
    triples = [(a, RDF.type, URIRef(FO + "Assessment")), (unit, RDF.type, URIRef(
        "http://www.w3.org/ns/org#OrganizationalUnit"))]
    if draw(st.booleans()):
        triples.append((a, URIRef(FO + "assessedUnit"), draw(st.sampled_from(
            [unit, URIRef(f"{GEN}ghost"), Literal("unit")]))))
    for date in draw(st.lists(st.sampled_from(LITERALS[12:16]), max_size=2)):
        triples.append((a, URIRef(DCT + "date"), date))
    for edition in draw(st.lists(st.sampled_from(EDITIONS), max_size=2)):
        triples.append((a, URIRef(FO + "inEdition"), edition))
    weights = draw(st.lists(st.tuples(st.sampled_from(LENSES + [URIRef(f"{FID}assessment-lens/cost")]),
                                      st.sampled_from(["20.0", "10", "30.5", "-5", "120"])),
                            max_size=6))
    for index, (lens, weight) in enumerate(weights):
        w = URIRef(f"{GEN}assessment/weight/{index}")
        triples += [(a, URIRef(FO + "lensWeight"), w), (w, URIRef(FO + "lens"), lens),
                    (w, URIRef(FO + "weight"), Literal(weight, datatype=XSD.decimal))]
    for c in range(draw(st.integers(0, 3))):
        ca = URIRef(f"{GEN}assessment/{c}")
        triples += [(ca, RDF.type, URIRef(FO + "CapabilityAssessment"))]
        if draw(st.booleans()):
            triples.append((ca, URIRef(FO + "partOfAssessment"), a))
        for unit_value in draw(st.lists(st.sampled_from([unit, URIRef(f"{GEN}ghost")]),
                                        max_size=2)):
            triples.append((ca, URIRef(FO + "assessedUnit"), unit_value))
        capability = draw(st.sampled_from(["allocation", "forecasting", "made-up"]))
        triples.append((ca, URIRef(FO + "assessedCapability"),
                        URIRef(f"{FID}capability/{capability}")))
        for date in draw(st.lists(st.sampled_from(LITERALS[12:15]), max_size=2)):
            triples.append((ca, URIRef(DCT + "date"), date))
        for target in draw(st.lists(st.sampled_from(LITERALS[:7] + [LITERALS[7]]), max_size=2)):
            triples.append((ca, URIRef(FO + "targetScore"), target))
        scores = draw(st.lists(st.tuples(st.sampled_from(LENSES), st.sampled_from(LITERALS[:9])),
                               max_size=6))
        for index, (lens, score) in enumerate(scores):
            s = URIRef(f"{ca}/score/{index}")
            triples += [(ca, URIRef(FO + "hasLensScore"), s), (s, URIRef(FO + "lens"), lens),
                        (s, URIRef(FO + "score"), score)]
        if draw(st.booleans()):
            triples.append((ca, URIRef(FO + "achievedLevel"), draw(st.sampled_from(
                [URIRef(f"{FID}maturity-level/walk"), URIRef(f"{GEN}level")]))))
    return triples


@lru_cache(maxsize=1)
def small_framework() -> Graph:
    """The ontology, the 2026 edition's framework, maturity levels, two capabilities and the
    lenses: what the generated assessments refer to."""
    from finops_kg.graph import resources
    from finops_kg.graph.load import load_ontology, parse_file

    graph = load_ontology()
    for name in ("framework", "editions", "maturity-levels"):
        parse_file(graph, resources.edition_dir("2026") / f"{name}.ttl")
    full = Graph()
    parse_file(full, resources.edition_dir("2026") / "capabilities.ttl")
    for name in ("allocation", "forecasting"):
        graph += full.triples((URIRef(f"{FID}capability/{name}"), None, None))
    for lens in LENSES:
        graph.add((lens, RDF.type, URIRef(FO + "AssessmentLens")))
        graph.add((lens, SKOS.prefLabel, Literal(str(lens).rsplit("/", 1)[-1], lang="en")))
    return graph


def test_generated_graphs_give_pyshacls_results(monkeypatch):
    met: Counter = Counter()

    @settings(max_examples=50, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(loose=loose_graphs(), assessment=assessments())
    def check(loose: list[tuple], assessment: list[tuple]) -> None:
        data = Graph()
        data += small_framework()
        for triple in loose + assessment:
            data.add(triple)
        met.update({(key[-1], key[3]) for key in assert_same_results(data, monkeypatch)})

    check()
    # The graphs met many shapes, in many ways: not a comparison of empty reports.
    assert len({shape for shape, _ in met}) >= 30, met
    assert len({component for _, component in met}) >= 12, met


def test_every_query_of_the_plan_parses_in_each_form():
    plan, _ = plan_and_shapes()
    store = ox.Store()
    named = "{ VALUES ?this { <urn:x> } }"
    for check in plan["checks"]:
        joined = check["query"].replace(engine.FOCUS, plan["focus"][check["focus"]])
        assert list(store.query(joined.replace(engine.ANTI, "MINUS"))) == []  # no focus nodes
        list(store.query(check["query"].replace(engine.FOCUS, named)
                         .replace(engine.ANTI, "FILTER NOT EXISTS")))
        if "node_test" in check:
            list(store.query(f"SELECT ?this WHERE {{ {named} BIND (({check['node_test']}) AS ?c) }}"))


# -- validate --workspace --------------------------------------------------------------------------

ACME = Path(__file__).resolve().parent.parent / "data" / "examples" / "acme"
USER_FILES = [ACME / "organization.ttl", ACME / "people.ttl", ACME / "assessments.ttl",
              DATA / "shapes" / "lens-score-out-of-range.ttl",
              DATA / "shapes" / "capability-without-label.ttl"]


def cli(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "FINOPS_KG_WORKSPACE"}
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True,
                          env={**environment, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from finops_kg.workspace import Workspace

    path = tmp_path_factory.mktemp("validate") / "ws"
    loaded = Workspace.init(path)
    loaded.load(USER_FILES)
    loaded.close()
    return path


def test_validate_workspace_reports_what_pyshacl_reports_on_the_same_files(workspace):
    fast = cli("validate", "--workspace", workspace, "--format", "json")
    reference = cli("validate", *USER_FILES, "--engine", "pyshacl", "--format", "json")
    assert fast.returncode == reference.returncode == 1, fast.stderr + reference.stderr
    found = json.loads(fast.stdout)
    assert found == json.loads(reference.stdout)
    assert found["conforms"] is False
    assert {(r["focus"], r["path"]) for r in found["results"]} >= {
        ("<https://example.org/test/five>", "fo:score"),
        ("fid:capability/test-unnamed", "skos:prefLabel")}


def test_validate_reads_the_workspace_named_in_the_environment(workspace):
    given = cli("validate", "--workspace", workspace)
    from_environment = cli("validate", env={"FINOPS_KG_WORKSPACE": str(workspace)})
    assert given.returncode == from_environment.returncode == 1
    assert given.stdout == from_environment.stdout
    assert given.stdout.startswith("Does not conform: ")
    # Files given on the command line are read instead of the workspace.
    files = cli("validate", ACME / "organization.ttl", env={"FINOPS_KG_WORKSPACE": str(workspace)})
    assert (files.returncode, files.stdout) == (0, "Conforms: 0 violations, 0 warnings, 0 infos.\n")


def test_validate_workspace_writes_the_report_graph_as_turtle(workspace):
    found = cli("validate", "--workspace", workspace, "--format", "turtle")
    assert found.returncode == 1, found.stderr
    report = Graph().parse(data=found.stdout, format="turtle")
    results = set(report.subjects(RDF.type, SH.ValidationResult))
    expected = json.loads(cli("validate", "--workspace", workspace, "--format", "json").stdout)
    assert len(results) == len(expected["results"])
    assert (None, SH.conforms, Literal(False)) in report


def test_validate_workspace_parses_nothing_with_rdflib(workspace):
    script = ("import sys; from finops_kg.cli import main; code = main(sys.argv[1:]); "
              "print(code, any(m == 'rdflib' or m.startswith('rdflib.') for m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", script, "validate", "--workspace",
                            str(workspace), "--format", "json"], capture_output=True, text=True,
                           timeout=300)
    assert found.stdout.splitlines()[-1] == "1 False", found.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((), "give the FILEs to validate, or --workspace DIR (or set FINOPS_KG_WORKSPACE)"),
    (("--workspace", "{ws}", "x.ttl"), "give FILE... or --workspace, not both; load the files "
                                       "into the workspace with finops-kg workspace load"),
    (("--workspace", "{ws}", "--engine", "pyshacl"),
     "a workspace is validated by the fast engine; leave out --engine"),
    (("--workspace", "{ws}", "--edition", "2025"),
     "{ws} holds your graphs with the 2026 edition, not 2025; leave out --edition"),
])
def test_validate_workspace_bad_input_is_one_line(workspace, args, message):
    found = cli("validate", *(a.format(ws=workspace) for a in args))
    assert (found.returncode, found.stdout) == (2, "")
    assert found.stderr == f"finops-kg: error: {message.format(ws=workspace)}\n"
