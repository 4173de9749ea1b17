"""Every .rq file has one header convention, read by one function, which says what it returns."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from finops_kg.errors import InputError
from finops_kg.graph import resources
from finops_kg.graph.rq import read_query_file

QUERY_FILES = sorted((resources.resource_root() / "queries").rglob("*.rq"))


def _id(path) -> str:
    return str(path.relative_to(resources.resource_root() / "queries"))


def test_the_catalogue_the_checks_the_gaps_and_the_derivations_are_all_read():
    folders = {path.parent.name for path in QUERY_FILES}
    assert {"queries", "qc", "gaps", "derive"} <= folders


@pytest.mark.parametrize("path", QUERY_FILES, ids=_id)
def test_each_query_states_its_title_description_and_result_columns(path):
    query = read_query_file(path)
    assert query.title and query.description
    result = pyoxigraph.Store().query(query.text)
    if isinstance(result, pyoxigraph.QuerySolutions):
        assert query.columns == tuple(v.value for v in result.variables)
    else:  # a CONSTRUCT query returns triples, not columns
        assert query.columns == ()


def test_a_missing_field_names_the_file_and_line(tmp_path):
    path = tmp_path / "no-description.rq"
    path.write_text("# title: A query\n# columns: x\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(InputError, match=rf"^{path}:1: the header has no '# description:' line$"):
        read_query_file(path)


def test_a_malformed_parameter_names_its_line(tmp_path):
    path = tmp_path / "bad-param.rq"
    path.write_text("# title: A query\n# description: one\n# param: x | fo:Capability\n"
                    "SELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(InputError, match=rf"^{path}:3: '# param: x \| fo:Capability' needs"):
        read_query_file(path)


def test_parameters_and_example_data_are_read_in_order(tmp_path):
    path = tmp_path / "two.rq"
    path.write_text("# title: Two\n# description: d\n# param: a | fo:KPI | required | Cost\n"
                    "# param: edition | edition | 2026 | 2025\n# example-data: examples/x.ttl\n"
                    "# columns: a, b\nSELECT ?a ?b WHERE { ?a ?p ?b }\n")
    query = read_query_file(path)
    assert [(p.name, p.required, p.default) for p in query.parameters] == [
        ("a", True, None), ("edition", False, "2026")]
    assert query.example_data == ("examples/x.ttl",) and query.columns == ("a", "b")


def test_the_build_describes_checks_and_derivations_with_the_header_description():
    from finops_kg.release.derive import derive
    from finops_kg.release.hygiene import run_hygiene_checks

    described = {check.description for check in run_hygiene_checks(Graph())}
    assert described == {read_query_file(p).description for p in resources.hygiene_query_files()}
    derived = derive(Graph(), "2026")
    for path in resources.derivation_query_files():
        assert (None, DCTERMS.description, Literal(read_query_file(path).description, lang="en")) \
            in derived
