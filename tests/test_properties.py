"""Properties that hold for any input: RDF exports and the workspace round-trip, SSSOM rows
round-trip through import-csv and apply, and parameter text never changes a query's shape.

The generated graphs use the fo: ontology's own classes and properties, labels of random
Unicode text (quotes, line breaks, right-to-left marks), language tags, XSD typed literals and
blank nodes. Each property names a real path of the product: the serialisers behind `export`
and `build`, `workspace load` and `workspace export`, `map import-csv` and `map apply`, and the
VALUES block through which a catalogue query's parameters are bound.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from finops_kg.errors import OutputError
from finops_kg.graph.formats import FORMATS, RDF_FORMATS
from finops_kg.graph.load import load_ontology, new_graph
from finops_kg.graph.serialize import serialize, serialize_trig
from finops_kg.sparql.binding import bind_parameters, with_values
from finops_kg.sparql.catalogue import QueryError, catalogue

FID = "https://w3id.org/finops-kg/id/"
EX = "https://example.org/"
SETTINGS = dict(deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- generated graphs in our vocabulary ----------------------------------------------------------


@lru_cache(maxsize=1)
def vocabulary() -> tuple[list[URIRef], list[URIRef], list[URIRef]]:
    """The ontology's classes, object properties and datatype properties."""
    ontology = load_ontology()

    def named(kind: URIRef) -> list[URIRef]:
        return sorted(s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef))

    return named(OWL.Class), named(OWL.ObjectProperty), named(OWL.DatatypeProperty)


# Pieces that break a careless writer: quotes of every kind, escapes, line breaks of every kind,
# right-to-left text and marks, markup and comment characters.
AWKWARD = ['"', "'", '"""', "'''", "\\", "\\n", "\n", "\r\n", "\r", "\t", "\u2028", "\u0085",
           "\x0b", "\u202e", "\u200f", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
           "<b>", "&amp;", "]]>", "#", "@en", "^^", "}", "{", " ", "", "\U0001f600", "\x00", "\x1f"]
texts = st.lists(st.one_of(st.sampled_from(AWKWARD), st.text(max_size=8)), max_size=6).map("".join)
languages = st.sampled_from(["en", "en-GB", "fr-CA", "de-CH-1901", "ar", "he", "zh-Hant-TW", "x-Ab1"])
# No xsd:double: rdflib's Turtle writer shortens its lexical form (10000000.0 to 1e+07), the
# same value but another term, and the ontology types nothing as a double.
typed_values = st.one_of(
    st.integers(-10 ** 30, 10 ** 30), st.booleans(), st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10 ** 9, max_value=10 ** 9),
    st.datetimes())
local_names = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~\u00e9\u00df\u4e2d",
                      min_size=1, max_size=12).filter(lambda name: not name.endswith("."))


@st.composite
def framework_graphs(draw) -> Graph:
    """A small graph of individuals of our classes, linked by our properties."""
    classes, object_properties, datatype_properties = vocabulary()
    graph = new_graph()
    names = draw(st.lists(local_names, min_size=1, max_size=5, unique=True))
    nodes = [URIRef(f"{FID}generated/{name}") if draw(st.booleans()) else BNode() for name in names]
    for node in nodes:
        graph.add((node, RDF.type, draw(st.sampled_from(classes))))
        for _ in range(draw(st.integers(0, 2))):
            graph.add((node, draw(st.sampled_from([SKOS.prefLabel, SKOS.altLabel, RDFS.label])),
                       Literal(draw(texts), lang=draw(languages))))
        if draw(st.booleans()):
            graph.add((node, SKOS.definition, Literal(draw(texts))))
        for _ in range(draw(st.integers(0, 2))):
            graph.add((node, draw(st.sampled_from(object_properties)), draw(st.sampled_from(nodes))))
        if draw(st.booleans()):
            graph.add((node, draw(st.sampled_from(datatype_properties)), Literal(draw(typed_values))))
    return graph


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def reparsed(data: bytes, format: str) -> Graph:
    """Parse an export back with rdflib, which did not write it in the TriG case."""
    if format == "trig":
        dataset = Dataset()
        dataset.parse(data=data, format="trig")
        return dataset.graph(URIRef("urn:x-test:graph"))
    return Graph().parse(data=data, format=FORMATS[format].rdflib)


@pytest.mark.parametrize("format", [*RDF_FORMATS, "trig"])
def test_every_rdf_export_reads_back_as_the_same_graph(format):
    @settings(max_examples=40, **SETTINGS)
    @given(graph=framework_graphs())
    def round_trip(graph: Graph) -> None:
        if format == "xml" and any(NOT_XML.search(term) for triple in graph for term in triple):
            # XML 1.0 cannot carry these characters at all: refused, not written unreadable
            with pytest.raises(OutputError, match="RDF/XML cannot carry"):
                serialize(graph, format)
            return
        if format == "trig":
            data = serialize_trig([(URIRef("urn:x-test:graph"), graph)])
        else:
            data = serialize(graph, format)
        back = reparsed(data, format)
        assert isomorphic(graph, back), data.decode("utf-8", "replace")

    round_trip()


@pytest.mark.parametrize("characters, format", [
    ("\u2028 and \x0b and \x85", "trig"),  # TriG split lines inside a string at these
    ("\x1c", "trig"),
])
def test_line_separators_inside_a_literal_stay_inside_it(characters, format):
    graph = new_graph()
    graph.add((URIRef(FID + "x"), SKOS.definition, Literal(characters)))
    back = reparsed(serialize_trig([(URIRef("urn:x-test:graph"), graph)]), format)
    assert set(back) == set(graph)


def test_a_blank_node_that_only_blank_nodes_point_at_keeps_its_triples_in_json_ld():
    graph, first, second = new_graph(), BNode(), BNode()
    graph.add((first, SKOS.inScheme, second))  # inScheme is typed @id in our context
    graph.add((second, SKOS.inScheme, second))
    graph.add((second, SKOS.definition, Literal("kept")))
    back = reparsed(serialize(graph, "jsonld"), "jsonld")
    assert len(back) == 3 and isomorphic(graph, back)


def test_rdf_xml_refuses_a_character_xml_cannot_carry():
    graph = new_graph()
    graph.add((URIRef(FID + "x"), SKOS.definition, Literal("bell \x07")))
    with pytest.raises(OutputError, match="U\\+0007"):
        serialize(graph, "xml")


# -- the workspace ---------------------------------------------------------------------------------

def as_oxigraph_keeps_it(graph: Graph) -> Graph:
    """The graph with each decimal in its canonical form and each language tag in lower case,
    as Oxigraph stores them: the same value (1.50 and 1.5) and the same tag (RDF 1.1 compares
    tags regardless of case), which rdflib's isomorphism would count as other terms."""
    def canonical(term):
        if isinstance(term, Literal) and term.language:
            return Literal(str(term), lang=term.language.lower())
        if isinstance(term, Literal) and term.datatype == XSD.decimal:
            value = Decimal(str(term))
            return Literal("0" if value == 0 else format(value.normalize(), "f"),
                           datatype=XSD.decimal)
        return term

    result = Graph()
    for triple in graph:
        result.add(tuple(canonical(term) for term in triple))
    return result


def test_a_graph_loaded_into_a_workspace_exports_unchanged(empty_workspace):
    from finops_kg.workspace import Workspace

    @settings(max_examples=8, **SETTINGS)
    @given(graph=framework_graphs(), suffix=st.sampled_from([".nt", ".ttl"]))
    def round_trip(graph: Graph, suffix: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / f"mine{suffix}"
            source.write_bytes(graph.serialize(format="nt" if suffix == ".nt" else "turtle",
                                               encoding="utf-8"))
            path = Path(folder) / "ws"
            shutil.copytree(empty_workspace, path)
            workspace = Workspace.open(path, warn=False)
            try:
                [record] = workspace.load([source])
                for fmt in ("nq", "trig"):
                    out = io.BytesIO()
                    assert workspace.export(out, fmt) == len(graph)
                    dataset = Dataset()
                    dataset.parse(data=out.getvalue(), format={"nq": "nquads"}.get(fmt, fmt))
                    back = dataset.graph(URIRef(record.graph))
                    assert isomorphic(as_oxigraph_keeps_it(graph), back), out.getvalue().decode()
            finally:
                workspace.close()

    round_trip()


# -- SSSOM rows: import-csv, then apply ----------------------------------------------------------

@lru_cache(maxsize=1)
def framework_subjects() -> list[str]:
    from finops_kg.mapping.sssom import _framework_terms

    return sorted(s for s in _framework_terms("2026")[0] if s.startswith(FID))[::7]


PREDICATES = ["exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"]
JUSTIFICATIONS = ["ManualMappingCuration", "LexicalMatching", "UnspecifiedMatching", None]
comments = texts.filter(lambda text: not re.search(r"[\r\n]", text))


@st.composite
def mapping_rows(draw) -> list[dict]:
    """Rows a user might type: CURIEs or full IRIs, at most one exactMatch per subject."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(framework_subjects()),
                                    st.sampled_from(PREDICATES), local_names),
                          min_size=1, max_size=8, unique=True))
    rows, exact = [], set()
    for subject, predicate, local in pairs:
        if predicate == "exactMatch" and subject in exact:
            continue  # a second exactMatch into one vocabulary is a finding of the check
        exact.add(subject) if predicate == "exactMatch" else None
        rows.append({
            "subject": subject if draw(st.booleans()) else "fid:" + subject[len(FID):],
            "predicate": f"skos:{predicate}" if draw(st.booleans())
            else f"http://www.w3.org/2004/02/skos/core#{predicate}",
            "object": f"ex:{local}" if draw(st.booleans()) else EX + local,
            "justification": (lambda j: f"semapv:{j}" if j else "")(draw(st.sampled_from(JUSTIFICATIONS))),
            "confidence": draw(st.one_of(st.none(), st.floats(0, 1))),
            "comment": draw(st.one_of(st.none(), comments)),
        })
    return rows


def full_iri(value: str) -> str:
    from finops_kg.graph.iris import PREFIXES

    prefix, _, local = value.partition(":")
    return {**PREFIXES, "ex": EX}[prefix] + local if not value.startswith("http") else value


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["subject", "predicate", "object", "justification", "confidence", "comment"])
        for row in rows:
            writer.writerow([row["subject"], row["predicate"], row["object"], row["justification"],
                             "" if row["confidence"] is None else repr(row["confidence"]),
                             row["comment"] or ""])


def test_sssom_rows_round_trip_through_import_csv_and_apply():
    pytest.importorskip("sssom")
    from finops_kg.cli import main
    from finops_kg.mapping.sssom import check

    @settings(max_examples=15, **SETTINGS)
    @given(rows=mapping_rows())
    @example(rows=[{  # the checker split rows at these, as line breaks
        "subject": "fid:persona/finance", "predicate": "skos:closeMatch", "object": "ex:A\u00e9",
        "justification": "semapv:LexicalMatching", "confidence": 1e-07,
        "comment": 'a\u2028b\x85c\x0bd\te "quoted", and # not a header'}])
    def round_trip(rows: list[dict]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            source, tsv, trig = (Path(folder) / name for name in ("m.csv", "m.sssom.tsv", "m.trig"))
            write_csv(source, rows)
            assert main(["map", "import-csv", str(source), "--out", str(tsv), "--set-id",
                         EX + "set", "--prefix", f"ex={EX}"]) == 0
            result = check(tsv, cardinality=False)
            assert result.problems == []
            assert len(result.mappings) == len(rows)
            for given_row, read in zip(rows, result.mappings):
                assert full_iri(read["subject_id"]) == full_iri(given_row["subject"])
                assert read["mapping_justification"] == (given_row["justification"]
                                                         or "semapv:UnspecifiedMatching")
                if given_row["confidence"] is None:
                    assert read.get("confidence", "") == ""
                else:
                    assert float(read["confidence"]) == given_row["confidence"]
                assert read.get("comment", "") == (given_row["comment"] or "")
            assert main(["map", "apply", str(tsv), "--out", str(trig)]) == 0
            dataset = Dataset()
            dataset.parse(trig, format="trig")
            graph = dataset.graph(URIRef(EX + "set"))
            mapped = {(s, p, o) for s, p, o in graph if s != URIRef(EX + "set")}
            assert mapped == {(URIRef(full_iri(r["subject"])), URIRef(full_iri(r["predicate"])),
                               URIRef(full_iri(r["object"]))) for r in rows}
            assert (URIRef(EX + "set"), RDF.type, PROV.Entity) in graph
            assert (URIRef(EX + "set"), DCTERMS.title, Literal("m.sssom.tsv")) in graph

    round_trip()


def test_a_comment_with_a_line_break_is_refused_by_import_csv_naming_line_and_field(tmp_path, capsys):
    pytest.importorskip("sssom")
    from finops_kg.cli import main

    source, out = tmp_path / "m.csv", tmp_path / "m.sssom.tsv"
    write_csv(source, [{"subject": "fid:persona/finance", "predicate": "skos:closeMatch",
                        "object": "ex:A", "justification": "", "confidence": None,
                        "comment": "two\nlines"}])
    assert main(["map", "import-csv", str(source), "--out", str(out), "--set-id", EX + "set",
                 "--prefix", f"ex={EX}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "m.csv:3: comment: a line break" in err
    assert not out.exists()


# -- parameter text never changes a query's shape -----------------------------------------------

INJECTIONS = ["} UNION {", '"', "'", '"""', "'''", "#", "\n", "\r", "\\", '\\"', "}", "{", ".",
              "?s ?p ?o", "SERVICE <http://example.org/>", ")", "(", "VALUES", "> <", "^^<x:y>",
              "@en", "\u2028", "\x00", "$x", "# }"]
hostile = st.lists(st.one_of(st.sampled_from(INJECTIONS), st.text(max_size=6)),
                   min_size=1, max_size=6).map("".join)
PLAIN = "plainvalue"


def string_parameters() -> list[tuple[str, str]]:
    return [(q.name, p.name) for q in catalogue().values() for p in q.parameters
            if p.type == "string"]


def every_parameter() -> list[tuple[str, str]]:
    return [(q.name, p.name) for q in catalogue().values() for p in q.parameters]


@lru_cache(maxsize=None)
def runner():
    from finops_kg.sparql.query import runner_for

    return runner_for()


@lru_cache(maxsize=None)
def labels():
    return runner().labels()


def shape(node, value: str) -> object:
    """The algebra as plain tuples, with the literal value put in place of PLAIN."""
    if isinstance(node, CompValue):
        return (node.name, tuple((key, shape(item, value)) for key, item in node.items()))
    if isinstance(node, dict):
        return tuple((shape(key, value), shape(item, value)) for key, item in node.items())
    if isinstance(node, (list, tuple)):
        return tuple(shape(item, value) for item in node)
    if isinstance(node, (set, frozenset)):
        return frozenset(shape(item, value) for item in node)
    if isinstance(node, Literal) and node.datatype is None and not node.language \
            and str(node) == value:
        return Literal(PLAIN)
    return node


def literals_in(node) -> set[str]:
    if isinstance(node, Literal):
        return {str(node)}
    if isinstance(node, dict):
        return set().union(*(literals_in(v) for v in node.values()))
    if isinstance(node, (list, tuple, set, frozenset)):
        return set().union(*(literals_in(v) for v in node))
    return set()


@lru_cache(maxsize=None)
def plain_algebra(name: str, parameter: str):
    entry = catalogue()[name]
    bound = bind_parameters(entry, {parameter: PLAIN}, labels())
    return translateQuery(parseQuery(with_values(entry.text, bound))).algebra


def test_hostile_parameter_text_binds_as_one_literal_and_never_changes_the_query():
    from finops_kg.sparql.query import query

    assert len(string_parameters()) >= 4  # the free-text parameters of the catalogue

    @settings(max_examples=25, **SETTINGS)
    @given(target=st.sampled_from(string_parameters()), text=hostile)
    def same_shape(target: tuple[str, str], text: str) -> None:
        name, parameter = target
        assume(text not in literals_in(plain_algebra(name, parameter)))
        entry = catalogue()[name]
        bound = bind_parameters(entry, {parameter: text}, labels())
        assert bound[parameter] == pyoxigraph.Literal(text)
        # The mechanism: the query text is kept, a VALUES block opens its WHERE group
        bound_text = with_values(entry.text, bound)
        plain = with_values(entry.text, {**bound, parameter: pyoxigraph.Literal(PLAIN)})
        block = re.search(r"\n  VALUES \([^)]*\) \{ \([^{}]*\) \}", plain)
        assert block and plain.replace(block.group(0), "", 1) == entry.text
        assert f'"{PLAIN}"' not in entry.text
        assert bound_text == plain.replace(f'"{PLAIN}"', str(bound[parameter]))
        algebra = translateQuery(parseQuery(bound_text)).algebra
        assert shape(algebra, text) == shape(plain_algebra(name, parameter), PLAIN)
        # Run for real: no error, and the rows Oxigraph gives when it binds the term itself
        result = query(name, **{parameter: text})
        substituted = runner().store.query(
            entry.text, substitutions={pyoxigraph.Variable(k): v for k, v in bound.items()})
        expected = sorted(tuple(str(cell.value) if cell is not None else None for cell in row)
                          for row in substituted)
        assert sorted(tuple(str(cell) if cell is not None else None for cell in row)
                      for row in result.rows) == expected
        if "} UNION {" in text:
            assert result.rows == []

    same_shape()


NASTY = "".join(INJECTIONS)


@pytest.mark.parametrize("target", every_parameter(), ids="{0[0]}:{0[1]}".format)
def test_any_term_bound_into_any_catalogue_query_only_fills_its_values_block(target):
    """with_values itself, on every catalogue query: even a literal where an IRI belongs (which
    bind_parameters never makes) leaves the query's text as it was, and the query parses."""
    name, parameter = target
    entry = catalogue()[name]
    bound = bind_parameters(entry, {p.name: p.example for p in entry.parameters}, labels())
    plain = with_values(entry.text, {**bound, parameter: pyoxigraph.Literal(PLAIN)})
    nasty = with_values(entry.text, {**bound, parameter: pyoxigraph.Literal(NASTY)})
    assert nasty == plain.replace(f'"{PLAIN}"', str(pyoxigraph.Literal(NASTY)))
    block = re.search(r"\n  VALUES \([^)]*\) \{ \(.*\) \}", nasty)
    assert block and nasty.replace(block.group(0), "", 1) == entry.text
    pyoxigraph.Store().query(nasty)  # Oxigraph parses it, as it parses every query given


def test_hostile_text_for_any_other_parameter_is_refused_before_it_reaches_a_query():
    @settings(max_examples=60, **SETTINGS)
    @given(target=st.sampled_from(every_parameter()), text=hostile)
    def refused_or_a_name(target: tuple[str, str], text: str) -> None:
        name, parameter = target
        entry = catalogue()[name]
        declared = next(p for p in entry.parameters if p.name == parameter)
        try:
            term = bind_parameters(entry, {parameter: text}, labels())[parameter]
        except QueryError as error:
            assert "\n" not in str(error)  # one line: the text is echoed escaped
            return
        if declared.type == "string":
            assert term == pyoxigraph.Literal(text)
        else:  # an edition or an individual the text names exactly: an IRI, never the text
            assert isinstance(term, pyoxigraph.NamedNode)

    refused_or_a_name()
