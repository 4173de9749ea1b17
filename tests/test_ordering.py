"""Sorting a local query's rows in Python: the same order as Oxigraph's ORDER BY, or no lifting."""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from finops_kg.sparql.ordering import lift_order, sort_rows
from finops_kg.sparql.query import OxigraphRunner

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_a_final_order_by_of_variables_is_lifted():
    lifted = lift_order("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY ?a DESC(?b) asc($a)\n")
    assert lifted.keys == (("a", False), ("b", True), ("a", False))
    assert lifted.added == ()
    assert "ORDER" not in lifted.text and lifted.text.startswith("SELECT ?a ?b WHERE")


def test_a_key_not_projected_becomes_a_column_then_is_dropped():
    lifted = lift_order("SELECT ?a WHERE { ?a ?p ?position } ORDER BY ?position ?a")
    assert lifted.added == ("position",)
    assert lifted.text == "SELECT ?a ?position WHERE { ?a ?p ?position } "
    two = lift_order("SELECT ?a WHERE { ?a ?c ?d } ORDER BY ?c ?d ?c")
    assert two.added == ("c", "d") and two.text.startswith("SELECT ?a ?c ?d WHERE")
    # a prefix named like a keyword does not end the projection
    named = lift_order("PREFIX from: <urn:x#>\nSELECT ?a WHERE { ?a from:p ?b } ORDER BY ?b")
    assert named.text.startswith("PREFIX from: <urn:x#>\nSELECT ?a ?b WHERE")


def test_select_star_projects_every_key_already():
    lifted = lift_order("SELECT * WHERE { ?a ?p ?b } ORDER BY ?b")
    assert lifted.added == () and lifted.text == "SELECT * WHERE { ?a ?p ?b } "
    assert lift_order("SELECT DISTINCT * WHERE { ?a ?p ?b } ORDER BY ?b").added == ()


def test_an_alias_counts_as_projected_and_its_inner_variables_do_not():
    lifted = lift_order("SELECT ?a (STR(?name) AS ?label) WHERE { ?a ?p ?name } ORDER BY ?label")
    assert lifted is not None and lifted.added == ()
    # ?name is only inside an expression: adding it beside one is left to the engine
    assert lift_order("SELECT ?a (STR(?name) AS ?label) WHERE { ?a ?p ?name } ORDER BY ?name") \
        is None
    nested = lift_order("SELECT (CONCAT(STR(?x), STR(?y)) as ?both) ?z (COUNT(?w) AS ?n) "
                        "WHERE { ?x ?y ?z } GROUP BY ?x ?y ?z ORDER BY ?both ?z ?n")
    assert nested is not None and nested.added == ()
    tight = lift_order("SELECT ?b(STR(?x) AS ?y) WHERE { ?b ?p ?x } ORDER BY ?b ?y")
    assert tight is not None and tight.added == ()


@pytest.mark.parametrize("text", [
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a LIMIT 3",          # LIMIT picks from the order
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a OFFSET 1",
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY STR(?a)",             # an expression
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a + 1",
    "SELECT DISTINCT ?a WHERE { ?a ?p ?b } ORDER BY ?b",         # a column more: more rows
    "SELECT REDUCED ?a WHERE { ?a ?p ?b } ORDER BY ?b",
    "SELECT ?a WHERE { ?a ?p ?b } GROUP BY ?a ORDER BY ?b",      # not grouped: refused
    "SELECT ?a WHERE { { SELECT ?a (MAX(?b) AS ?m) WHERE { ?a ?p ?b } GROUP BY ?a } } ORDER BY ?m",
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a VALUES ?a { <urn:a> }",
    "SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a ORDER BY ?b",
    "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a LIMIT 1 } }",  # inner only
    "SELECT ?a WHERE { ?a ?p ?b }",
    "ASK { ?a ?p ?b }",
    "CONSTRUCT { ?a ?p ?b } WHERE { { SELECT ?a ?p ?b WHERE { ?a ?p ?b } } } ORDER BY ?a",
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY",
])
def test_what_python_cannot_sort_alike_stays_with_the_engine(text):
    assert lift_order(text) is None


def test_order_by_in_a_string_or_comment_is_not_a_clause():
    assert lift_order('SELECT ?a WHERE { ?a ?p "ORDER BY ?a" } # ORDER BY ?a\n') is None
    lifted = lift_order('SELECT ?a WHERE { ?a ?p "}" } ORDER BY ?a # LIMIT 1\n')
    assert lifted is not None and lifted.keys == (("a", False),)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def test_numbers_sort_by_value_and_unbound_first():
    rows = [(integer(10),), (None,), (integer(9),),
            (Literal("9.5", datatype=NamedNode(XSD + "decimal")),)]
    ordered = sort_rows(["n"], rows, [("n", False)])
    assert [row[0] and row[0].value for row in ordered] == [None, "9", "9.5", "10"]
    assert [row[0] and row[0].value for row in sort_rows(["n"], rows, [("n", True)])] == \
        ["10", "9.5", "9", None]


@pytest.mark.parametrize("values", [
    [NamedNode("urn:a"), Literal("a")],                                  # an IRI beside a literal
    [Literal("a", language="en"), Literal("b", language="fr")],          # language tags
    [Literal("a"), integer(1)],                                          # a string beside a number
    [Literal("0.1", datatype=NamedNode(XSD + "decimal")),                # compared as doubles
     Literal("0.1", datatype=NamedNode(XSD + "double"))],
    [Literal("2026-01-01Z", datatype=NamedNode(XSD + "date"))],          # a time zone
    [Literal("NaN", datatype=NamedNode(XSD + "double"))],
    [Literal("1_0", datatype=NamedNode(XSD + "decimal"))],               # not a decimal
    [pyoxigraph.BlankNode("b1")],
    [Literal("P1D", datatype=NamedNode(XSD + "duration"))],              # a type not ordered here
])
def test_values_of_mixed_or_unknown_kinds_are_left_to_the_engine(values):
    assert sort_rows(["v"], [(v,) for v in values], [("v", False)]) is None


def literal(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + datatype))


@pytest.mark.parametrize(("values", "expected"), [
    ([literal("INF", "double"), literal("1.5E2", "double"), literal("-INF", "double"),
      literal("+INF", "double"), literal(".5", "double"), literal("-1E0", "double")],
     ["-INF", "-1E0", ".5", "1.5E2", "INF", "+INF"]),
    ([literal("10", "integer"), literal("9.50", "decimal"), literal("-1", "int"),
      literal("+9", "long")], ["-1", "+9", "9.50", "10"]),
    ([literal("true", "boolean"), literal("false", "boolean")], ["false", "true"]),
    ([literal("2026-06-30T10:00:00", "dateTime"), literal("2026-06-30T09:59:59", "dateTime")],
     ["2026-06-30T09:59:59", "2026-06-30T10:00:00"]),
    ([literal("2026-06-30", "date"), literal("2025-12-31", "date")], ["2025-12-31", "2026-06-30"]),
    ([Literal("b"), Literal("B"), Literal("a")], ["B", "a", "b"]),          # by code point
])
def test_each_kind_sorts_by_value(values, expected):
    assert [row[0].value for row in sort_rows(["v"], [(v,) for v in values], [("v", False)])] \
        == expected


@pytest.mark.parametrize("value", [
    literal("1E3", "decimal"),                 # an exponent is no decimal
    literal("1_0", "double"),                  # Python would read it; XSD does not
    literal("1_0", "integer"),
    literal("NaN", "double"),
    literal("0.1", "float"),                   # compared as a 32-bit number
    literal("1", "boolean"),                   # a boolean Python does not read as SPARQL does
    literal("2026-06-30T10:00:00Z", "dateTime"),
    literal("2026-06-30", "gYear"),
])
def test_a_lexical_form_python_would_misread_is_left_to_the_engine(value):
    assert sort_rows(["v"], [(value,), (value,)], [("v", False)]) is None


def test_unbound_sorts_first_among_every_kind():
    for value in (literal("1", "integer"), NamedNode("urn:a"), Literal("a"),
                  literal("true", "boolean")):
        assert sort_rows(["v"], [(value,), (None,)], [("v", False)]) == [(None,), (value,)]


def test_a_syntax_error_is_reported_of_the_query_as_written():
    from finops_kg.sparql.catalogue import QueryError

    runner = OxigraphRunner(pyoxigraph.Store())
    text = "SELECT ?a WHERE { ?a ?p ?b FILTER(?a = ) } ORDER BY ?b ?c"
    with pytest.raises(QueryError) as as_written:
        runner._run(text, {}, {})
    with pytest.raises(QueryError) as lifted:  # the lifted text, with ?c added, errs elsewhere
        runner.run(text, {})
    assert str(lifted.value) == str(as_written.value) == \
        "SPARQL syntax error: line 1, column 54: expected ENCODE_FOR_URI"


def test_a_key_that_is_no_column_is_left_to_the_engine():
    assert sort_rows(["a"], [(integer(1),)], [("b", False)]) is None


# Values of every kind Python sorts, drawn so that ties, unbound values and equal numbers in
# different lexical forms occur.
EXACT = st.one_of(
    st.none(),
    st.integers(-3, 12).map(integer),
    st.decimals(-3, 12, places=1).map(
        lambda d: Literal(str(d), datatype=NamedNode(XSD + "decimal"))),
)
DOUBLE = st.one_of(st.none(), st.floats(-3, 12, allow_nan=False).map(
    lambda f: Literal(repr(f), datatype=NamedNode(XSD + "double"))))
TEXT = st.one_of(st.none(), st.text("aAbé_ 1", max_size=3).map(Literal))
IRI = st.one_of(st.none(), st.sampled_from(["urn:x:a", "urn:x:B", "urn:x:a1", "urn:x:é", "urn:y"])
                .map(NamedNode))
DATE = st.one_of(st.none(), st.dates().map(
    lambda d: Literal(d.isoformat(), datatype=NamedNode(XSD + "date"))).filter(
    lambda lit: lit is None or len(lit.value) == 10))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(EXACT, DOUBLE, TEXT, IRI, DATE), min_size=1, max_size=25),
       st.lists(st.tuples(st.sampled_from(["n", "f", "s", "i", "d", "row"]), st.booleans()),
                min_size=1, max_size=4))
def test_python_sorts_rows_as_oxigraph_does(rows, keys):
    """The lifted query gives the rows in the engine's own order, ties broken by a final key."""
    store = pyoxigraph.Store()
    predicates = [NamedNode(f"urn:p:{name}") for name in "nfsid"]
    for number, row in enumerate(rows):
        subject = NamedNode(f"urn:row:{number:03}")
        store.add(pyoxigraph.Quad(subject, NamedNode("urn:p:row"), integer(number)))
        for predicate, value in zip(predicates, row):
            if value is not None:
                store.add(pyoxigraph.Quad(subject, predicate, value))
    order = " ".join(f"DESC(?{name})" if descending else f"?{name}" for name, descending in keys)
    text = ("SELECT ?row ?n ?s ?i WHERE { ?x <urn:p:row> ?row "
            + " ".join(f"OPTIONAL {{ ?x <urn:p:{name}> ?{name} }}" for name in "nfsid")
            + f" }} ORDER BY {order} ?row")
    runner = OxigraphRunner(store)
    lifted = lift_order(text)
    unsorted = runner._run(lifted.text, {}, {})
    assert sort_rows(unsorted.columns, unsorted.cells, lifted.keys) is not None  # Python sorted
    engine_order = runner._run(text, {}, {})
    assert runner.run(text, {}).cells == engine_order.cells


def test_variables_named_like_keywords_are_variables():
    lifted = lift_order(
        "SELECT ?from ?where ?select WHERE { ?from ?where ?select } ORDER BY ?from ?order")
    assert lifted.keys == (("from", False), ("order", False))
    assert lifted.text.startswith("SELECT ?from ?where ?select ?order WHERE")


def test_the_columns_kept_are_the_ones_asked_for_in_their_order():
    rows = [(integer(2), NamedNode("urn:b")), (integer(1), NamedNode("urn:a"))]
    assert sort_rows(["n", "i"], rows, [("n", False)], keep=[1]) == \
        [(NamedNode("urn:a"),), (NamedNode("urn:b"),)]
    assert sort_rows(["n", "i"], rows, [("i", True)], keep=[1, 0]) == \
        [(NamedNode("urn:b"), integer(2)), (NamedNode("urn:a"), integer(1))]


def test_a_failure_while_the_query_runs_is_not_run_again(monkeypatch):
    from finops_kg.sparql.catalogue import QueryError

    runner = OxigraphRunner(pyoxigraph.Store())
    runs = []

    def failing(text, bindings, options):
        runs.append(text)
        raise QueryError("the query failed: out of memory")

    monkeypatch.setattr(runner, "_run", failing)
    with pytest.raises(QueryError, match="out of memory"):
        runner.run("SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?b", {})
    assert len(runs) == 1  # a syntax error alone is parsed again, to name its place as written
