"""Parameter binding: each kind of value becomes one RDF term, and no value can change a query."""

from __future__ import annotations

import pyoxigraph
import pytest

from finops_kg.graph.rq import Parameter
from finops_kg.sparql.binding import (
    LabelIndex,
    bind_parameters,
    keywords_outside_literals,
    refuse_service,
    with_values,
)
from finops_kg.sparql.catalogue import QueryError, find

XSD = "http://www.w3.org/2001/XMLSchema#"
FO = "https://w3id.org/finops-kg/ontology#"
DOMAIN = "https://w3id.org/finops-kg/id/domain/"
LABELS = LabelIndex([(DOMAIN + "understand", FO + "Domain", "Understand Usage & Cost"),
                     (DOMAIN + "quantify", FO + "Domain", "Quantify Business Value")])


def query_with(*parameters: Parameter):
    """The domain catalogue query, with the parameters given instead of its own."""
    from dataclasses import replace

    return replace(find("capabilities-of-a-domain"), parameters=parameters)


def parameter(name: str, kind: str, default: str | None = None) -> Parameter:
    return Parameter(name=name, type=kind, default=default, example="x")


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("integer", "7", pyoxigraph.Literal("7", datatype=pyoxigraph.NamedNode(XSD + "integer"))),
    ("integer", " -3 ", pyoxigraph.Literal("-3", datatype=pyoxigraph.NamedNode(XSD + "integer"))),
    ("integer", "4.0", pyoxigraph.Literal("4", datatype=pyoxigraph.NamedNode(XSD + "integer"))),
    ("decimal", "2.50", pyoxigraph.Literal("2.50", datatype=pyoxigraph.NamedNode(XSD + "decimal"))),
    ("decimal", "1E2", pyoxigraph.Literal("100", datatype=pyoxigraph.NamedNode(XSD + "decimal"))),
    ("string", 'x" } ; DROP ALL ; #', pyoxigraph.Literal('x" } ; DROP ALL ; #')),
    ("edition", "2025", pyoxigraph.NamedNode("https://w3id.org/finops-kg/id/edition/2025")),
    ("edition", "https://w3id.org/finops-kg/id/edition/2026",
     pyoxigraph.NamedNode("https://w3id.org/finops-kg/id/edition/2026")),
    ("fo:Domain", "understand usage & cost", pyoxigraph.NamedNode(DOMAIN + "understand")),
    ("fo:Domain", "fid:domain/quantify", pyoxigraph.NamedNode(DOMAIN + "quantify")),
])
def test_each_kind_of_value_becomes_one_term(kind, raw, expected):
    bound = bind_parameters(query_with(parameter("p", kind)), {"p": raw}, LABELS)
    assert bound == {"p": expected}


NOT_A = "parameter p of query capabilities-of-a-domain must be an"


@pytest.mark.parametrize(("kind", "raw", "message"), [
    ("integer", "4.5", f"{NOT_A} integer, not '4.5'"),
    ("integer", "four", f"{NOT_A} integer, not 'four'"),
    ("integer", "inf", f"{NOT_A} integer, not 'inf'"),
    ("decimal", "nan", f"{NOT_A} decimal, not 'nan'"),
    ("edition", "1999", "parameter p: unknown edition '1999'; the editions are: 2025, 2026"),
    ("fo:Domain", "fid:domain/nowhere", "parameter p: fid:domain/nowhere is not a fo:Domain of "
                                        "the graph"),
    ("fo:Domain", "Understand Usage", "parameter p: no fo:Domain is called 'Understand Usage'; "
                                      "close matches: 'understand usage & cost'"),
    ("fo:Domain", "zzzz", "parameter p: no fo:Domain is called 'zzzz'"),
])
def test_a_bad_value_is_one_clear_error(kind, raw, message):
    with pytest.raises(QueryError) as error:
        bind_parameters(query_with(parameter("p", kind)), {"p": raw}, LABELS)
    assert str(error.value) == message


def test_defaults_apply_and_unknown_or_missing_parameters_are_named():
    query = query_with(parameter("n", "integer", default="3"), parameter("s", "string"))
    assert bind_parameters(query, {"s": "a"}, LABELS)["n"].value == "3"
    with pytest.raises(QueryError, match=r"^query capabilities-of-a-domain has no parameter "
                                         r"'colour'; its parameters are: n, s$"):
        bind_parameters(query, {"s": "a", "colour": "red"}, LABELS)
    with pytest.raises(QueryError, match=r"^query capabilities-of-a-domain needs parameter s "
                                         r"\(string\), for example --param s='x'$"):
        bind_parameters(query, {}, LABELS)
    with pytest.raises(QueryError, match="its parameters are: none$"):
        bind_parameters(query_with(), {"x": "1"}, LABELS)


def test_values_open_the_outermost_where_group():
    text = 'SELECT ?x WHERE { ?x <urn:p> "WHERE {" . # WHERE {\n ?x <urn:q> ?n }'
    bound = with_values(text, {"n": pyoxigraph.Literal("a\"b"), "m": pyoxigraph.NamedNode("urn:m")})
    assert bound == ('SELECT ?x WHERE {\n  VALUES (?n ?m) { ("a\\"b" <urn:m>) } ?x <urn:p> '
                     '"WHERE {" . # WHERE {\n ?x <urn:q> ?n }')
    assert with_values(text, {}) == text
    assert with_values("ASK {}\n\n", {"n": pyoxigraph.Literal("1")}) == \
        'ASK {}\nVALUES (?n) { ("1") }\n'
    assert with_values("  ASK {}", {"n": pyoxigraph.Literal("1")}).startswith("  ASK {}\n")
    lower = with_values("select * where{?s ?p ?n}", {"n": pyoxigraph.Literal("1")})
    assert lower == 'select * where{\n  VALUES (?n) { ("1") }?s ?p ?n}'


def test_a_value_cannot_change_the_querys_shape():
    hostile = '"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o'
    text = with_values("SELECT ?s WHERE { ?s <urn:p> ?v }", {"v": pyoxigraph.Literal(hostile)})
    store = pyoxigraph.Store()
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"),
                              pyoxigraph.Literal(hostile)))
    assert [row["s"] for row in store.query(text)] == [pyoxigraph.NamedNode("urn:s")]


def test_service_is_refused_only_as_a_keyword():
    with pytest.raises(QueryError, match=r"^SERVICE is refused: it would send a request off this "
                                         r"machine \(pass --allow-service to permit it\)$"):
        refuse_service("SELECT * WHERE { service <http://x/> { ?s ?p ?o } }")
    for harmless in ('SELECT * WHERE { ?s ?p "SERVICE" }', "SELECT * WHERE { ?s <urn:SERVICE> ?o }",
                     "# SERVICE <http://x/>\nSELECT * WHERE { ?s ?p ?o }",
                     "SELECT * WHERE { ?s ?p '''\nSERVICE''' }", "SELECT ?services WHERE {}"):
        refuse_service(harmless)


def test_keywords_outside_literals_keeps_positions_when_asked():
    text = 'SELECT "a" <urn:b> # c\n?x'
    assert keywords_outside_literals(text, keep_length=True) == "SELECT " + " " * 3 + " " + \
        " " * 7 + " " + " " * 3 + "\n?x"
    assert keywords_outside_literals(text) == "SELECT" + "  " * 3 + "\n?x"
    assert len(keywords_outside_literals(text, keep_length=True)) == len(text)


def test_a_class_without_members_names_nothing():
    with pytest.raises(QueryError, match=r"^parameter p: fid:x is not a fo:Phase of the graph$"):
        LABELS.resolve("fid:x", "fo:Phase", "p")
    with pytest.raises(QueryError, match=r"^parameter p: no fo:Phase is called 'Understand'$"):
        LABELS.resolve("Understand", "fo:Phase", "p")


def test_a_label_with_a_colon_and_a_space_is_a_label_not_a_curie():
    index = LabelIndex([(DOMAIN + "a", FO + "Domain", "Cost: Allocation")])
    assert index.resolve("cost: allocation", "fo:Domain", "p") == pyoxigraph.NamedNode(DOMAIN + "a")


def test_close_matches_are_the_three_closest_above_half_alike():
    index = LabelIndex([(DOMAIN + name, FO + "Domain", name) for name in
                        ("planning", "planting", "plankton", "plans", "zzzz")])
    with pytest.raises(QueryError) as error:
        index.resolve("planing", "fo:Domain", "p")
    assert str(error.value) == ("parameter p: no fo:Domain is called 'planing'; close matches: "
                                "'planting', 'planning', 'plans'")
    # "abcdef" and "abcxyz" are half alike (0.5): close enough here, not at difflib's 0.6.
    index = LabelIndex([(DOMAIN + "x", FO + "Domain", "abcxyz")])
    with pytest.raises(QueryError, match="close matches: 'abcxyz'$"):
        index.resolve("abcdef", "fo:Domain", "p")


def test_a_catalogue_file_without_its_header_fields_is_refused(tmp_path):
    from finops_kg.sparql.catalogue import parse_catalogue_file

    good = tmp_path / "good.rq"
    good.write_text("# title: Good\n# description: A query for a test.\n# columns: x\n"
                    "SELECT ?x WHERE { ?x ?p ?o }\n")
    query = parse_catalogue_file(good)
    assert (query.name, query.title, query.columns) == ("good", "Good", ("x",))
    for field in ("title", "description", "columns"):
        bad = tmp_path / f"no-{field}.rq"
        bad.write_text("".join(line + "\n" for line in good.read_text().splitlines()
                               if not line.startswith(f"# {field}:")))
        with pytest.raises(QueryError) as error:
            parse_catalogue_file(bad)
        assert str(bad) in str(error.value) and field in str(error.value)


def test_rdflib_terms_are_written_in_their_n_triples_form_too():
    from rdflib import Literal, URIRef

    bound = with_values("SELECT * WHERE { }", {"a": Literal('say "hi"', lang="en"),
                                               "b": URIRef("urn:x"), "c": Literal(2)})
    assert 'VALUES (?a ?b ?c) { ("say \\"hi\\""@en <urn:x> '  \
        '"2"^^<http://www.w3.org/2001/XMLSchema#integer>) }' in bound


@pytest.mark.parametrize(("name", "message"), [
    ("zzzzqqq", "no catalogue query named 'zzzzqqq'; see finops-kg query --list"),
    # 0.56 alike: a hint at difflib's cutoff of 0.6 would miss it
    ("heatmap", "no catalogue query named 'heatmap'; did you mean assessment-heatmap?"),
    ("capabilities", "no catalogue query named 'capabilities'; did you mean "
                     "capabilities-by-domain, unassessed-capabilities, capabilities-of-a-domain?"),
])
def test_an_unknown_catalogue_query_gets_at_most_three_hints(name, message):
    with pytest.raises(QueryError) as error:
        find(name)
    assert str(error.value) == message


def test_a_query_may_nest_up_to_the_limit_and_braces_in_strings_do_not_count():
    from finops_kg.sparql.binding import refuse_deep_nesting

    refuse_deep_nesting("SELECT * WHERE " + "{" * 200 + "}" * 200)
    refuse_deep_nesting('SELECT * WHERE { ?s ?p "' + "{" * 300 + '" }')
    with pytest.raises(QueryError) as error:
        refuse_deep_nesting("SELECT * WHERE\n " + "{" * 201 + "}" * 201)
    assert str(error.value) == ("SPARQL syntax error: line 2, column 202: nested more than 200 "
                                "levels deep")
    # A string before the deep point keeps its length, so the column is the one in the text.
    with pytest.raises(QueryError, match=r"line 1, column 229: nested more than 200 levels"):
        refuse_deep_nesting('SELECT * WHERE { ?s ?p "abc" ' + "{" * 201 + "}" * 202)


EDITION_2026 = "https://w3id.org/finops-kg/id/edition/2026"


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { GRAPH ?edition { ?s ?p ?o } }", [EDITION_2026]),
    ("SELECT * WHERE { GRAPH $edition { ?s ?p ?o } GRAPH <urn:g> { ?s ?p ?o } }",
     [EDITION_2026, "urn:g"]),
    ("SELECT * WHERE { { SELECT ?edition ?s WHERE { GRAPH ?edition { ?s ?p ?o } } } }",
     [EDITION_2026]),
    ('SELECT * WHERE { GRAPH ?edition { ?s ?p "GRAPH ?other" } } # GRAPH ?other', [EDITION_2026]),
    ("SELECT * WHERE { ?s ?p ?o }", None),  # no GRAPH: nothing to narrow
    ("SELECT * WHERE { GRAPH ?other { ?s ?p ?o } }", None),  # not bound
    ("SELECT * WHERE { GRAPH ?edition { ?s ?p ?o } GRAPH ?g { ?s ?p ?o } }", None),
    ("PREFIX g: <urn:> SELECT * WHERE { GRAPH g:x { ?s ?p ?o } }", None),  # a prefixed name
    ("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?edition { ?s ?p ?o } }", None),
    # The inner ?edition is the sub-SELECT's own variable: the outer binding does not reach it.
    ("SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?edition { ?s ?p ?o } } } }",
     None),
    ("SELECT ?n WHERE { { SELECT ?s WHERE { GRAPH ?editionX { ?s ?p ?o } } } "
     "GRAPH ?edition { ?s ?p ?o } }", None),
    # Keywords in any case; positions kept past the IRIs and strings blanked before GRAPH.
    ('PREFIX fo: <urn:fo#> select * where { ?s fo:p "{" . graph <urn:g> { ?s ?p ?o } '
     "graph ?edition { ?s ?p ?o } }", [EDITION_2026, "urn:g"]),
    ("select * from named <urn:g> where { graph ?edition { ?s ?p ?o } }", None),
    ("select ?n where { { select (count(*) as ?n) where { graph ?edition { ?s ?p ?o } } } }",
     None),
    # Only the sub-SELECT's own group is its body: the GRAPH after it is the outer query's.
    ("SELECT ?n WHERE { { SELECT ?s WHERE { ?s ?p ?o } } GRAPH ?edition { ?s ?p ?o } }",
     [EDITION_2026]),
    ("SELECT * WHERE { { select distinct * where { GRAPH ?edition { ?s ?p ?o } } } "
     "{ SELECT ?s WHERE { GRAPH ?edition { ?s ?p ?o } } } }", None),
    ("SELECT * WHERE { { SELECT * { GRAPH ?edition { ?s ?p ?o } } } }", [EDITION_2026]),
    ("SELECT * WHERE { { select distinct * where { GRAPH ?edition { ?s ?p ?o } } } }",
     [EDITION_2026]),
    ("SELECT ?n WHERE { { SELECT ?s WHERE { { ?s ?p ?o } } } GRAPH ?edition { ?s ?p ?o } }",
     [EDITION_2026]),
])
def test_graphs_read_names_the_graphs_only_when_every_graph_pattern_is_bound(text, expected):
    from finops_kg.sparql.binding import graphs_read

    bindings = {"edition": pyoxigraph.NamedNode(EDITION_2026), "other": pyoxigraph.Literal("x")}
    assert graphs_read(text, bindings) == expected


def test_a_sub_select_hiding_the_bound_variable_would_count_other_graphs():
    from finops_kg.sparql.binding import graphs_read, with_values

    store = pyoxigraph.Store()
    for graph in (EDITION_2026, "urn:other"):
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"),
                                  pyoxigraph.NamedNode("urn:o"), pyoxigraph.NamedNode(graph)))
    text = "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?edition { ?s ?p ?o } } } }"
    bindings = {"edition": pyoxigraph.NamedNode(EDITION_2026)}
    bound = with_values(text, bindings)
    counted = [int(row["n"].value) for row in store.query(bound)]
    narrowed = [int(row["n"].value) for row in store.query(
        bound, named_graphs=[pyoxigraph.NamedNode(EDITION_2026)])]
    assert (counted, narrowed) == ([2], [1])  # so narrowing it would change the answer
    assert graphs_read(text, bindings) is None


def test_graphs_read_takes_rdflib_iris_as_bound_graphs():
    from rdflib import Literal, URIRef

    from finops_kg.sparql.binding import graphs_read

    text = "SELECT * WHERE { GRAPH ?edition { ?s ?p ?o } }"
    assert graphs_read(text, {"edition": URIRef(EDITION_2026)}) == [EDITION_2026]
    assert graphs_read(text, {"edition": Literal(EDITION_2026)}) is None


def test_the_index_reads_each_class_once_and_only_when_a_parameter_needs_it():
    read = []

    def names(cls: str):
        read.append(cls)
        return [(DOMAIN + "understand", "Understand Usage & Cost")] if cls == FO + "Domain" else []

    index = LabelIndex(read=names)
    assert read == []
    for _ in range(2):
        assert index.resolve("understand usage & cost", "fo:Domain", "domain").value == \
            DOMAIN + "understand"
    with pytest.raises(QueryError, match="no fo:Persona is called 'Engineer'"):
        index.resolve("Engineer", "fo:Persona", "persona")
    assert read == [FO + "Domain", FO + "Persona"]


SAME_LABEL = """
@prefix fo: <https://w3id.org/finops-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<urn:x:domain> a fo:Domain ; skos:prefLabel "Shared" .
<urn:x:persona> a fo:Persona ; skos:prefLabel "Shared" ; skos:altLabel "Other" .
"""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_each_engine_reads_the_names_of_the_class_asked_for_only(engine):
    from rdflib import Dataset

    from finops_kg.sparql.query import OxigraphRunner, RdflibRunner

    if engine == "oxigraph":
        store = pyoxigraph.Store()
        store.load(SAME_LABEL.encode(), pyoxigraph.RdfFormat.TURTLE,
                   to_graph=pyoxigraph.NamedNode("urn:x:g"))
        runner = OxigraphRunner(store)
    else:
        dataset = Dataset()
        dataset.graph("urn:x:g").parse(data=SAME_LABEL, format="turtle")
        runner = RdflibRunner(dataset)
    labels = runner.labels()
    assert labels.resolve("shared", "fo:Persona", "p").value == "urn:x:persona"
    assert labels.resolve("Other", "fo:Persona", "p").value == "urn:x:persona"
    assert labels.resolve("Shared", "fo:Domain", "d").value == "urn:x:domain"
    with pytest.raises(QueryError, match="no fo:Domain is called 'Other'"):
        labels.resolve("Other", "fo:Domain", "d")
