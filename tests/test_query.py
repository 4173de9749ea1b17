"""The query catalogue: every query gives its expected rows on rdflib and on Oxigraph alike."""

from __future__ import annotations

import csv
import io
import re

import pytest

from finops_kg.sparql.catalogue import QueryError, catalogue, find
from finops_kg.sparql.query import query

from conftest import DATA, example_arguments

EXPECTED = DATA / "expected" / "queries"
NAMES = sorted(catalogue())


@pytest.fixture(autouse=True, scope="module")
def rdflib_datasets_built_once():
    """Build each rdflib dataset (sources and data files) once for the module, not per query.

    Parsing the dataset into rdflib takes seconds and the queries only read it; the rows each
    query gives are what this module tests.
    """
    import finops_kg.release.dataset as dataset

    build, built = dataset.rdflib_dataset, {}

    def once(data=(), edition="2026"):
        key = (tuple(str(path) for path in data), edition)
        if key not in built:
            built[key] = build(data, edition)
        return built[key]

    dataset.rdflib_dataset = once
    yield
    dataset.rdflib_dataset = build


def as_rows(result) -> list[list[str]]:
    return list(csv.reader(io.StringIO(result.to_csv())))


def test_the_catalogue_has_at_least_25_documented_queries():
    assert len(NAMES) >= 25
    for name in NAMES:
        entry = find(name)
        assert entry.title and entry.description and entry.columns, name


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_query_gives_the_expected_rows(name, engine):
    expected_file = EXPECTED / f"{name}.csv"
    assert expected_file.exists(), f"no expected result for {name}"
    expected = list(csv.reader(io.StringIO(expected_file.read_text(encoding="utf-8"))))
    result = query(name, engine=engine, **example_arguments(name))
    assert result.columns == list(find(name).columns)
    assert as_rows(result) == expected


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_value_that_looks_like_sparql_is_just_a_literal(engine):
    result = query("persona-for-a-job-title", engine=engine, title='x" } ; DROP ALL ; #')
    assert result.rows == []
    assert query("persona-for-a-job-title", engine=engine, title="architect").rows


def test_a_former_name_finds_the_renamed_capability():
    rows = query("search-labels", text="workload optimization").to_dicts()
    assert {(str(r["element"]).rsplit("/", 1)[-1], str(r["former"])) for r in rows} >= {
        ("usage-optimization", "true")}


def test_labels_curies_and_iris_name_the_same_individual():
    by_label = query("capabilities-of-a-domain", domain="Understand Usage & Cost")
    by_curie = query("capabilities-of-a-domain", domain="fid:domain/understand-usage-cost")
    by_iri = query("capabilities-of-a-domain",
                   domain="https://w3id.org/finops-kg/id/domain/understand-usage-cost")
    assert as_rows(by_label) == as_rows(by_curie) == as_rows(by_iri)
    assert len(by_label.rows) == 4


@pytest.mark.parametrize(("call", "message"), [
    (lambda: query("capabilites-of-a-domain"), "did you mean capabilities-of-a-domain"),
    (lambda: query("capabilities-of-a-domain"), "needs parameter domain"),
    (lambda: query("capabilities-of-a-domain", domain="Understand Use & Cost"),
     "close matches: 'understand usage & cost'"),
    (lambda: query("capabilities-of-a-domain", domain="Allocation"), "no fo:Domain is called"),
    (lambda: query("capabilities-of-a-domain", domain="Allocation", colour="red"),
     "has no parameter 'colour'"),
    (lambda: query("capabilities-of-a-domain", domain="Understand Usage & Cost", edition="2031"),
     "unknown edition '2031'; the editions are: 2025, 2026"),
    (lambda: query("SELECT * WHERE {\n  ?s ?p\n}"), "SPARQL syntax error: line 3, column "),
    (lambda: query("SELECT * WHERE {\n  ?s ?p\n}", engine="rdflib"), "SPARQL syntax error at line"),
])
def test_bad_requests_get_a_clear_message(call, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_results_convert_to_csv_json_and_sparql_json():
    import json

    result = query("capabilities-of-a-domain", domain="Understand Usage & Cost")
    assert result.to_csv().splitlines()[0] == ",".join(result.columns)
    assert len(json.loads(result.to_json())) == 4
    body = json.loads(result.to_sparql_json())
    assert body["head"]["vars"] == result.columns and len(body["results"]["bindings"]) == 4
    assert result.to_dicts()[0].keys() == set(result.columns)


def test_the_package_exports_query():
    import finops_kg

    result = finops_kg.query("capabilities-of-a-domain", domain="Quantify Business Value")
    assert isinstance(result, finops_kg.QueryResult) and len(result.rows) == 5


ALLOCATION = "<https://w3id.org/finops-kg/id/capability/allocation>"
FORMS = [
    ("ASK { " + ALLOCATION + " a <https://w3id.org/finops-kg/ontology#Capability> }",
     lambda r: r.boolean is True),
    ("ASK { " + ALLOCATION + " a <https://w3id.org/finops-kg/ontology#Persona> }",
     lambda r: r.boolean is False),
    ("SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/finops-kg/ontology#Capability> }",
     lambda r: [int(n) for (n,) in r.rows] == [23]),
    ("CONSTRUCT { ?c a <https://w3id.org/finops-kg/ontology#Capability> } WHERE { ?c a "
     "<https://w3id.org/finops-kg/ontology#Capability> }", lambda r: len(r.graph) == 23),
    ("DESCRIBE " + ALLOCATION, lambda r: len(r.graph) > 20 and any(
        str(o) == "Allocation" for o in r.graph.objects())),
]


@pytest.mark.parametrize(("text", "check"), FORMS)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_every_query_form_answers_from_the_default_graph(engine, text, check):
    assert check(query(text, engine=engine))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_default_graph_follows_the_edition_asked_for(engine):
    count = FORMS[2][0]
    assert [int(n) for (n,) in query(count, engine=engine, edition="2025").rows] == [22]
    ontology = query("ASK { <https://w3id.org/finops-kg/ontology#Capability> a "
                     "<http://www.w3.org/2002/07/owl#Class> }", engine=engine, edition="2025")
    assert ontology.boolean is True


def test_users_data_joins_the_default_graph():
    acme = DATA.parent.parent / "data" / "examples" / "acme" / "assessments.ttl"
    text = ("SELECT (COUNT(?a) AS ?n) WHERE { ?a a "
            "<https://w3id.org/finops-kg/ontology#CapabilityAssessment> }")
    assert int(query(text).rows[0][0]) == 0
    assert int(query(text, data=[acme]).rows[0][0]) > 0


def graph_blocks(text: str) -> list[str]:
    """The body of every GRAPH ?var { ... } group of a query, comments and strings blanked out."""
    from finops_kg.sparql.binding import keywords_outside_literals

    bare = keywords_outside_literals(text, keep_length=True)
    blocks = []
    for opening in re.finditer(r"\bGRAPH\s+\?\w+\s*\{", bare, re.I):
        depth, end = 1, opening.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(bare[end], 0)
            end += 1
        blocks.append(bare[opening.end():end - 1])
    return blocks


def test_graph_blocks_finds_a_nested_sub_select():
    nested = "SELECT * WHERE { GRAPH ?g { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } } }"
    own = ("SELECT * WHERE { { SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
           "GROUP BY ?g } }")
    assert [bool(re.search(r"\bSELECT\b", b)) for b in graph_blocks(nested)] == [True]
    assert [bool(re.search(r"\bSELECT\b", b)) for b in graph_blocks(own)] == [False]


@pytest.mark.parametrize("name", NAMES)
def test_no_sub_select_sits_inside_a_graph_variable(name):
    # Oxigraph evaluates a sub-SELECT nested in GRAPH ?g over every named graph at once, so each
    # sub-SELECT must open its own GRAPH ?g and project ?g.
    for block in graph_blocks(find(name).text):
        assert not re.search(r"\bSELECT\b", block, re.I), name


ASSESSED = sorted(name for name in NAMES if find(name).example_data)
# Another graph's assessments: a later one of a unit the example assesses, and one of a unit
# that only this graph knows. Neither may reach the answer for the edition's graph.
ELSEWHERE = """
@prefix fo: <https://w3id.org/finops-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:test:later> fo:assessedUnit <https://example.org/acme/unit/cloud-platform> ;
    fo:assessedCapability <https://w3id.org/finops-kg/id/capability/allocation> ;
    dcterms:date "2099-01-01"^^xsd:date ; fo:targetScore 20 ; fo:hasLensScore <urn:test:score> .
<urn:test:other> fo:assessedUnit <urn:test:unit> ;
    fo:assessedCapability <https://w3id.org/finops-kg/id/capability/allocation> ;
    dcterms:date "2026-01-01"^^xsd:date ; fo:targetScore 0 ; fo:hasLensScore <urn:test:score> .
<urn:test:score> fo:lens <https://w3id.org/finops-kg/id/assessment-lens/knowledge> ;
    fo:score 0 .
"""


@pytest.mark.parametrize("narrowed", [False, True], ids=["all-graphs", "graphs-read"])
@pytest.mark.parametrize("name", ASSESSED)
def test_other_graphs_holding_assessments_change_no_answer(name, narrowed):
    import pyoxigraph

    from finops_kg.release.compiled import oxigraph_dataset
    from finops_kg.release.dataset import user_data_ntriples
    from finops_kg.sparql.binding import bind_parameters, graphs_read
    from finops_kg.sparql.query import OxigraphRunner

    arguments = example_arguments(name)
    data = arguments.pop("data")
    store = oxigraph_dataset(data)
    # As in a workspace, where the user's triples sit in their file's graph and the edition's.
    store.bulk_load(user_data_ntriples(data), pyoxigraph.RdfFormat.N_TRIPLES,
                    to_graph=pyoxigraph.NamedNode("urn:test:copy"))
    store.load(ELSEWHERE.encode(), pyoxigraph.RdfFormat.TURTLE,
               to_graph=pyoxigraph.NamedNode("urn:test:elsewhere"))
    entry = find(name)
    runner = OxigraphRunner(store)
    bindings = bind_parameters(entry, arguments, runner.labels())
    graphs = graphs_read(entry.text, bindings) if narrowed else None
    assert not narrowed or graphs == ["https://w3id.org/finops-kg/id/edition/2026"]
    result = runner.run(entry.text, bindings, graphs)
    expected = list(csv.reader(io.StringIO(
        (EXPECTED / f"{name}.csv").read_text(encoding="utf-8"))))
    assert as_rows(result) == expected


def test_a_label_that_names_two_individuals_is_refused_with_both():
    from finops_kg.sparql.binding import LabelIndex

    persona = "https://w3id.org/finops-kg/ontology#Persona"
    a, b = "https://w3id.org/finops-kg/id/persona/a", "https://w3id.org/finops-kg/id/persona/b"
    index = LabelIndex([(a, persona, "Engineer"), (b, persona, "engineer"),
                        (b, persona, "Engineering")])
    with pytest.raises(QueryError, match=r"^parameter who: 'ENGINEER' names several fo:Persona: "
                                         r"fid:persona/a, fid:persona/b$"):
        index.resolve("ENGINEER", "fo:Persona", "who")
    assert str(index.resolve("Engineering", "fo:Persona", "who").value) == b



@pytest.fixture(scope="module")
def framework_runner():
    from finops_kg.release.compiled import oxigraph_dataset
    from finops_kg.sparql.query import OxigraphRunner

    runner = OxigraphRunner(oxigraph_dataset())
    return runner, runner.labels()


@pytest.mark.parametrize("name", [name for name in NAMES if not find(name).example_data])
def test_reading_only_the_graphs_a_catalogue_query_names_gives_the_same_rows(name, framework_runner):
    from finops_kg.sparql.binding import bind_parameters, graphs_read

    runner, labels = framework_runner
    entry = find(name)
    arguments = {key: value for key, value in example_arguments(name).items() if key != "data"}
    bindings = bind_parameters(entry, arguments, labels)
    narrowed = runner.run(entry.text, bindings, graphs_read(entry.text, bindings))
    assert as_rows(narrowed) == as_rows(runner.run(entry.text, bindings))


def test_text_rows_give_lexical_values_one_string_per_term_and_leave_out_unbound():
    import pyoxigraph

    from finops_kg.sparql.results import QueryResult

    unit = pyoxigraph.NamedNode("urn:unit:a")
    score = pyoxigraph.Literal("3", datatype=pyoxigraph.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))
    rows = QueryResult(columns=["unit", "score"],
                       cells=[(unit, score), (pyoxigraph.NamedNode("urn:unit:a"), None)]
                       ).to_text_dicts()
    assert rows == [{"unit": "urn:unit:a", "score": "3"}, {"unit": "urn:unit:a"}]
    assert rows[0]["unit"] is rows[1]["unit"]  # equal terms share their text
