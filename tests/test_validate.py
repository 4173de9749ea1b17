"""Validation: the Framework conforms, each shape fires on a fixture made to break it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal

import finops_kg
from finops_kg.release.validate import ValidationReport, _show, load_shapes, validate_files

from conftest import DATA, framework_plus

SHAPE_FIXTURES = sorted((DATA / "shapes").glob("*.ttl"))
_CURIES = {
    "cap:": "https://w3id.org/finops-kg/id/capability/",
    "per:": "https://w3id.org/finops-kg/id/persona/",
    "lvl:": "https://w3id.org/finops-kg/id/maturity-level/",
    "ed:": "https://w3id.org/finops-kg/id/edition/",
}


def expectations(fixture: Path) -> set[tuple[str, str]]:
    """Read the fixture's `# expect: FOCUS | MESSAGE PART` header lines."""
    found = set()
    for line in fixture.read_text().splitlines():
        match = re.match(r"# expect: (\S+) \| (.+)", line)
        if match:
            focus = match.group(1)
            for prefix, namespace in _CURIES.items():
                if focus.startswith(prefix):
                    focus = namespace + focus[len(prefix):]
            found.add((focus.strip("<>"), match.group(2)))
    return found


def test_the_framework_conforms(framework):
    report = finops_kg.validate(framework)
    assert report.conforms, report.text
    assert report.violations == []


def test_the_shapes_are_valid_shacl():
    import pyshacl

    data = Graph().parse(data="<urn:x> <urn:p> <urn:y> .", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=load_shapes(), meta_shacl=True,
                                         advanced=True)
    assert conforms, text


def test_every_shape_has_a_message_and_a_severity():
    shapes = load_shapes()
    missing = list(shapes.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?shape WHERE {
            { ?shape a sh:NodeShape } UNION { ?node sh:property ?shape }
            { ?shape sh:path ?any } UNION { ?shape sh:targetClass ?any } UNION { ?shape sh:target ?any }
            FILTER NOT EXISTS { ?shape sh:message ?m ; sh:severity ?s }
            FILTER NOT EXISTS { ?shape sh:sparql ?c . ?c sh:message ?m ; sh:severity ?s }
            FILTER NOT EXISTS { ?shape sh:property ?p }
        }"""))
    assert missing == []


ENGINES = ("pyshacl", "fast")


def validated(fixture: Path, engine: str = "pyshacl") -> ValidationReport:
    """Validate the core Framework plus one fixture with one engine, once per test session."""
    return _validated(fixture, engine)  # one cache key, however the engine is given


@lru_cache(maxsize=None)
def _validated(fixture: Path, engine: str) -> ValidationReport:
    if engine == "pyshacl":
        return validate_with(framework_plus(fixture), engine)
    import pyoxigraph

    from finops_kg.release.shapes.run import validate_store

    # The core is parsed once; Oxigraph reads each fixture's Turtle itself, in milliseconds.
    store = pyoxigraph.Store()
    store.load(core_ntriples(), pyoxigraph.RdfFormat.N_TRIPLES)
    store.load(fixture.read_bytes(), pyoxigraph.RdfFormat.TURTLE)
    return validate_store(store)


@lru_cache(maxsize=1)
def core_ntriples() -> bytes:
    """The ontology and the core of the 2026 data, as N-Triples."""
    return framework_plus().serialize(format="nt", encoding="utf-8")


def validate_with(graph: Graph, engine: str) -> ValidationReport:
    """Validate a graph with pySHACL, or with the compiled shapes on an Oxigraph store."""
    if engine == "pyshacl":
        return finops_kg.validate(graph)
    import pyoxigraph

    from finops_kg.release.shapes.run import validate_store

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    return validate_store(store)


EXPECT_FIXTURES = [f for f in SHAPE_FIXTURES if "# expect: " in f.read_text()]


@pytest.mark.parametrize("fixture", EXPECT_FIXTURES, ids=lambda p: p.stem)
def test_a_broken_fixture_is_reported(fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    report = validated(fixture)
    assert not report.conforms
    found = {(r.focus, r.message) for r in report.violations}
    for focus, message_part in expected:
        shown = focus
        matches = [m for f, m in found if message_part in m and _same_node(f, shown)]
        assert matches, f"no violation on {focus} mentioning {message_part!r}:\n{report.text}"
    # Nothing else breaks: every violation is on one of the fixture's expected focus nodes.
    focus_nodes = {f for f, _ in expected}
    assert all(any(_same_node(f, e) for e in focus_nodes) for f, _ in found), report.text


def _same_node(shown: str, iri: str) -> bool:
    """A report shows a node as a CURIE or as <IRI>; compare it with a full IRI."""
    if shown.strip("<>") == iri:
        return True
    prefix, _, local = shown.partition(":")
    return prefix == "fid" and iri == "https://w3id.org/finops-kg/id/" + local


def test_text_report_has_one_line_per_result():
    fixture = DATA / "shapes" / "capability-in-two-domains.ttl"
    report = finops_kg.validate(framework_plus(fixture))
    lines = report.text.splitlines()
    assert lines[0].startswith("Does not conform: 1 violation")
    assert lines[1] == (
        "Violation | fid:capability/test-split (Test Split) | fo:inDomain | - | "
        "A capability belongs to exactly one domain."
    )


def test_validate_files_reads_a_users_file_with_the_framework():
    report = validate_files([DATA / "shapes" / "persona-core-and-allied.ttl"], edition="2026")
    assert [r.focus for r in report.violations] == ["fid:persona/test-both"]
    assert report.violations[0].focus_label == "Test Both"


def test_the_focus_columns_conform_and_match_the_specification_counts():
    from finops_kg.graph import resources
    from finops_kg.graph.namespace import FO

    vocabulary = resources.resource_root() / "data" / "mappings" / "vocab" / "focus-1.2.ttl"
    report = validate_files([vocabulary], edition="2026")
    assert report.conforms, report.text
    columns = Graph().parse(vocabulary)
    required = {str(c) for c in columns.subjects(FO.isRequired, Literal(True))}
    assert len(set(columns.subjects(FO.focusVersion, Literal("1.2")))) == 57
    assert len(required) == 21  # the Mandatory columns of FOCUS 1.2


def test_shapes_that_pyshacl_cannot_use_are_one_clear_error(framework):
    from rdflib import Graph

    from finops_kg.errors import InputError
    from finops_kg.release.validate import validate

    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:NodeShape ; sh:targetNode <urn:x> ;
          sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .""", format="turtle")
    with pytest.raises(InputError, match="^the SHACL shapes cannot be used: "):
        validate(framework, shapes)


# ---------------------------------------------------------------------------
# Assessments: every result of a fixture, exactly (focus, path, value, component, severity)
# ---------------------------------------------------------------------------

RESULT_FIXTURES = [f for f in SHAPE_FIXTURES if "# result: " in f.read_text()]
ASSESSMENT_FIXTURES = [f for f in SHAPE_FIXTURES if f.name.startswith(
    ("assessment-", "capability-assessment-", "lens-score-", "lens-weight"))]
VALID_ASSESSMENT = DATA / "assessments" / "valid-assessment.ttl"
T = "https://example.org/test/"
Row = tuple[str, str, str, str, str]


def declared_results(fixture: Path) -> set[Row]:
    """Read the fixture's `# result: FOCUS | PATH | VALUE | COMPONENT | SEVERITY` lines."""
    found = set()
    for line in fixture.read_text().splitlines():
        if line.startswith("# result: "):
            focus, path, value, component, severity = (p.strip() for p in line[10:].split(" | "))
            found.add((focus.strip("<>"), path, value, component, severity))
    return found


def reported_results(report: ValidationReport) -> set[Row]:
    """Each result of the report graph, of any severity, as (focus IRI, path, value, constraint
    component, severity)."""
    from rdflib.namespace import RDF, SH

    graph = report.graph
    found = set()
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        focus = graph.value(node, SH.focusNode)
        found.add(("_:" if isinstance(focus, BNode) else str(focus),  # labels differ per parse
                   _show(graph.value(node, SH.resultPath)) or "-",
                   _show(graph.value(node, SH.value)) or "-",
                   _show(graph.value(node, SH.sourceConstraintComponent)),
                   _show(graph.value(node, SH.resultSeverity))))
    return found


def test_every_fixture_declares_its_results():
    assert len(ASSESSMENT_FIXTURES) == 12
    assert [f.name for f in SHAPE_FIXTURES if f not in RESULT_FIXTURES] == []
    assert all(declared_results(f) for f in RESULT_FIXTURES)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", RESULT_FIXTURES, ids=lambda p: p.stem)
def test_a_fixture_gives_exactly_the_results_it_declares(fixture, engine):
    report = validated(fixture, engine)
    assert reported_results(report) == declared_results(fixture), report.text
    assert not report.conforms


@pytest.mark.parametrize("engine", ENGINES)
def test_every_assessment_shape_has_a_fixture_that_breaks_it(engine):
    from finops_kg.graph import resources

    shapes = Graph().parse(resources.resource_root() / "shapes" / "assessment-shapes.ttl")
    named = {_show(s) for s in shapes.subjects()
             if str(s).startswith("https://w3id.org/finops-kg/shapes#")}
    broken = {r.shape for fixture in RESULT_FIXTURES for r in validated(fixture, engine).results}
    assert named - broken == set()


# The SHACL Core parameters the shapes use, each with its constraint component; a shape that
# starts using another parameter fails the test below until it is added here.
PARAMETERS = {"minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype",
              "class": "Class", "nodeKind": "NodeKind", "pattern": "Pattern",
              "languageIn": "LanguageIn", "uniqueLang": "UniqueLang", "in": "In",
              "minInclusive": "MinInclusive", "maxInclusive": "MaxInclusive", "or": "Or",
              "and": "And", "xone": "Xone", "qualifiedMinCount": "QualifiedMinCount",
              "qualifiedMaxCount": "QualifiedMaxCount", "sparql": "SPARQL"}
NOT_CONSTRAINTS = {"path", "message", "severity", "property", "targetClass", "target",
                   "targetSubjectsOf", "targetObjectsOf", "qualifiedValueShape", "prefixes"}


def shape_name(shapes: Graph, shape) -> str:
    """A shape as people find it in shapes/*.ttl: its name, or its node shape and path."""
    from rdflib.namespace import SH

    if not isinstance(shape, BNode):
        return str(shape).replace("https://w3id.org/finops-kg/shapes#", "fosh:")
    parent = shapes.value(predicate=SH.property, object=shape)
    return (f"{shape_name(shapes, parent)} sh:property "
            f"[ sh:path {_show(shapes.value(shape, SH.path))} ]")


def test_every_constraint_of_every_shape_has_a_fixture_that_breaks_it():
    """Each constraint (a shape's sh:minCount, sh:class, sh:or, each of its sh:sparql...) is
    broken by a fixture whose results are declared exactly (the test above), so a constraint
    added without a fixture fails here."""
    import pyoxigraph
    from rdflib.compare import isomorphic
    from rdflib.namespace import RDF, SH

    from finops_kg.graph.terms import to_rdflib
    from finops_kg.release.shapes.compile import compiled_plan
    from finops_kg.release.shapes.run import run_checks

    # The plan's copy of the shapes keeps the blank node labels that results name.
    plan = compiled_plan()
    shapes = Graph()
    for triple in pyoxigraph.parse(plan["shapes"].encode(), format=pyoxigraph.RdfFormat.N_TRIPLES):
        shapes.add(tuple(to_rdflib(term) for term in (triple.subject, triple.predicate,
                                                      triple.object)))
    assert isomorphic(shapes, load_shapes())  # the very shapes of shapes/*.ttl
    every_shape = (set(shapes.subjects(RDF.type, SH.NodeShape))
                   | set(shapes.subjects(RDF.type, SH.PropertyShape))
                   | set(shapes.objects(None, SH.property)))
    constraints = {}
    unknown = set()
    for shape in every_shape:
        for predicate, value in shapes.predicate_objects(shape):
            local = str(predicate).removeprefix(str(SH))
            if not str(predicate).startswith(str(SH)) or local in NOT_CONSTRAINTS:
                continue
            if local not in PARAMETERS:
                unknown.add(local)
                continue
            component = str(SH[PARAMETERS[local] + "ConstraintComponent"])
            key = (str(shape), component, str(value) if local == "sparql" else None)
            text = shapes.value(value, SH.message) if local == "sparql" else None
            constraints[key] = (f"{shape_name(shapes, shape)} sh:{local}"
                                + (f" ({text})" if text else ""))
    assert unknown == set()
    assert len(constraints) > 190
    broken = set()
    store_bytes = core_ntriples()
    for fixture in RESULT_FIXTURES:
        store = pyoxigraph.Store()
        store.load(store_bytes, pyoxigraph.RdfFormat.N_TRIPLES)
        store.load(fixture.read_bytes(), pyoxigraph.RdfFormat.TURTLE)
        results, _ = run_checks(store, plan=plan)
        sparql = str(SH.SPARQLConstraintComponent)
        broken |= {(r.shape.removeprefix("_:"), r.component,
                    r.constraint.removeprefix("_:") if r.component == sparql else None)
                   for r in results}
    unbroken = sorted(name for key, name in constraints.items() if key not in broken)
    assert unbroken == [], f"{len(unbroken)} constraints no fixture breaks"


# Every shape is a Violation but these three, which name what is only worth a look.
WARNINGS = {"fosh:AlliedPersona-representsDiscipline", "fosh:Domain-capabilities",
            "fosh:DeprecatedCapability-isReplacedBy"}


def test_every_shape_has_the_expected_severity():
    from rdflib.namespace import RDF, SH

    shapes = load_shapes()
    every_shape = (set(shapes.subjects(RDF.type, SH.NodeShape))
                   | set(shapes.subjects(RDF.type, SH.PropertyShape))
                   | set(shapes.objects(None, SH.property))
                   | set(shapes.objects(None, SH.sparql)))
    found, expected = {}, {}
    for shape in every_shape:
        owner = shapes.value(predicate=SH.sparql, object=shape)
        name = shape_name(shapes, owner if owner is not None else shape)
        name += f" sh:sparql {shapes.value(shape, SH.message)}" if owner is not None else ""
        severities = list(shapes.objects(shape, SH.severity))
        assert len(severities) <= 1, name
        # SHACL's default is sh:Violation; every shape of ours that holds a constraint itself
        # says its severity, and one that only groups others (sh:property, sh:sparql) says none.
        found[name] = _show(severities[0]) if severities else "(none)"
        own = owner is not None or any(
            str(p).removeprefix(str(SH)) in PARAMETERS and p != SH.sparql
            for p in shapes.predicates(shape))
        expected[name] = ("(none)" if not own else
                          "sh:Warning" if name in WARNINGS else "sh:Violation")
    assert len(found) > 90 and sum(v == "sh:Violation" for v in expected.values()) > 80
    assert found == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_a_complete_assessment_at_every_boundary_conforms(engine):
    # Scores 4 and 0, a target of 20 and weights adding up to exactly 100.
    report = validated(VALID_ASSESSMENT, engine)
    assert report.conforms and report.results == [], report.text


def violation(focus: str, path: str, value: str, component: str) -> set[Row]:
    """The one Violation a changed value should give."""
    return {(T + focus, path, value, f"sh:{component}ConstraintComponent", "sh:Violation")}


SCORE_4 = "fo:lens lens:knowledge ; fo:score 4 ."
SCORE_0 = "fo:lens lens:automation ; fo:score 0 ."
TARGET_20 = "fo:targetScore 20 ;"
WEIGHT_5 = "fo:lens lens:automation ; fo:weight 5.0 ."
WEIGHT_20 = "fo:lens lens:metrics ; fo:weight 20.0 ."
WEIGHT_30 = "fo:lens lens:knowledge ; fo:weight 30.0 ."


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("changes", "expected"), [
    ({SCORE_4: SCORE_4.replace("4", "5")},
     violation("s-knowledge", "fo:score", '"5"^^xsd:integer', "MaxInclusive")),
    ({SCORE_4: SCORE_4.replace("4", "3")}, set()),
    ({SCORE_0: SCORE_0.replace("0", "-1")},
     violation("s-automation", "fo:score", '"-1"^^xsd:integer', "MinInclusive")),
    ({SCORE_0: SCORE_0.replace("0", "1")}, set()),
    ({TARGET_20: "fo:targetScore 21 ;"},
     violation("allocation", "fo:targetScore", '"21"^^xsd:integer', "MaxInclusive")),
    ({TARGET_20: "fo:targetScore 19 ;"}, set()),
    ({TARGET_20: "fo:targetScore 0 ;"}, set()),
    ({TARGET_20: "fo:targetScore -1 ;"},
     violation("allocation", "fo:targetScore", '"-1"^^xsd:integer', "MinInclusive")),
    ({WEIGHT_5: WEIGHT_5.replace("5.0", "4.99")},
     violation("assessment", "fo:lensWeight", '"99.99"^^xsd:decimal', "SPARQL")),
    ({WEIGHT_5: WEIGHT_5.replace("5.0", "5.01")},
     violation("assessment", "fo:lensWeight", '"100.01"^^xsd:decimal', "SPARQL")),
    ({WEIGHT_5: WEIGHT_5.replace("5.0", "4.9")},
     violation("assessment", "fo:lensWeight", '"99.9"^^xsd:decimal', "SPARQL")),
    ({WEIGHT_5: WEIGHT_5.replace("5.0", "5.1")},
     violation("assessment", "fo:lensWeight", '"100.1"^^xsd:decimal', "SPARQL")),
    # Weights that add up to 100 in another way, or with a weight of 0, still conform.
    ({WEIGHT_5: WEIGHT_5.replace("5.0", "4.95"), WEIGHT_20: WEIGHT_20.replace("20.0", "20.05")},
     set()),
    ({WEIGHT_5: WEIGHT_5.replace("5.0", "0.0"), WEIGHT_30: WEIGHT_30.replace("30.0", "35.0")},
     set()),
], ids=lambda value: (",".join(new.split()[-2] for new in value.values())
                     if isinstance(value, dict) else "violation" if value else "conforms"))
def test_one_value_at_or_beside_a_boundary(tmp_path, changes, expected, engine):
    text = VALID_ASSESSMENT.read_text()
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    fixture = tmp_path / "assessment.ttl"
    fixture.write_text(text)
    report = validate_with(framework_plus(fixture), engine)
    assert reported_results(report) == expected, report.text


@pytest.mark.parametrize(("weight", "expected"), [
    ("5.0", set()),
    ("4.99", violation("assessment", "fo:lensWeight", '"99.99"^^xsd:decimal', "SPARQL")),
])
def test_weights_stated_in_two_graphs_of_a_union_add_up_once(weight, expected):
    import pyoxigraph

    from finops_kg.release.shapes.run import validate_store

    # As a workspace validates its default graph with each file's graph, which repeat triples.
    text = VALID_ASSESSMENT.read_text().replace(WEIGHT_5, WEIGHT_5.replace("5.0", weight))
    store = pyoxigraph.Store()
    store.load(framework_plus().serialize(format="nt", encoding="utf-8"),
               pyoxigraph.RdfFormat.N_TRIPLES)
    for graph in (pyoxigraph.DefaultGraph(), pyoxigraph.NamedNode("urn:test:file")):
        store.load(text.encode(), pyoxigraph.RdfFormat.TURTLE, to_graph=graph)
    report = validate_store(store, graphs=["urn:test:file"])
    assert reported_results(report) == expected, report.text


def test_the_acme_assessments_conform_on_their_own_against_the_current_edition():
    acme = DATA.parent.parent / "data" / "examples" / "acme" / "assessments.ttl"
    report = validate_files([acme], edition="2026")
    assert report.conforms and report.results == [], report.text

