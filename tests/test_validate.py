"""Validation: the Framework conforms, each shape fires on a fixture made to break it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal

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


@lru_cache(maxsize=None)
def validated(fixture: Path, engine: str = "pyshacl") -> ValidationReport:
    """Validate the core Framework plus one fixture with one engine, once per test session."""
    return validate_with(framework_plus(fixture), engine)


def validate_with(graph: Graph, engine: str) -> ValidationReport:
    """Validate a graph with pySHACL, or with the compiled shapes on an Oxigraph store."""
    if engine == "pyshacl":
        return finops_kg.validate(graph)
    import pyoxigraph

    from finops_kg.release.shapes.run import validate_store

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    return validate_store(store)


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
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
        found.add((str(graph.value(node, SH.focusNode)),
                   _show(graph.value(node, SH.resultPath)) or "-",
                   _show(graph.value(node, SH.value)) or "-",
                   _show(graph.value(node, SH.sourceConstraintComponent)),
                   _show(graph.value(node, SH.resultSeverity))))
    return found


def test_every_assessment_fixture_declares_its_results():
    assert len(ASSESSMENT_FIXTURES) == 12
    assert [f.name for f in ASSESSMENT_FIXTURES if f not in RESULT_FIXTURES] == []
    assert all(declared_results(f) for f in RESULT_FIXTURES)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", RESULT_FIXTURES, ids=lambda p: p.stem)
def test_an_assessment_fixture_gives_exactly_the_results_it_declares(fixture, engine):
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

