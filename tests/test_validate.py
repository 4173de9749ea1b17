"""Validation: the Framework conforms, each shape fires on a fixture made to break it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal

import finops_kg
from finops_kg.release.validate import load_shapes, validate_files

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


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_a_broken_fixture_is_reported(fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    report = finops_kg.validate(framework_plus(fixture))
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
