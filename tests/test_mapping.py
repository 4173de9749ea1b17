"""Mapping: SSSOM sets are checked line by line and applied as named graphs with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, PROV, RDF, SKOS

pytest.importorskip("sssom")

from finops_kg.cli import main  # noqa: E402
from finops_kg.mapping.sssom import MappingError, apply, check
from finops_kg.graph.resources import mapping_set_files, mapping_vocabulary_files

DATA = Path(__file__).parent / "data" / "mappings"
FID = "https://w3id.org/finops-kg/id/"
EX = "https://example.org/"


def test_a_clean_set_passes_and_its_cardinality_is_inferred():
    result = check(DATA / "good.sssom.tsv")
    assert result.problems == []
    assert result.rows == 3
    # Finance maps to Controller and, negated, to Treasurer: sssom-py counts both pairs
    assert result.cardinality == {"1:1": 1, "1:n": 2}


def test_a_set_wide_literal_subject_type_counts_labels_not_ids(tmp_path):
    literal = tmp_path / "literal.sssom.tsv"
    literal.write_text(
        "# mapping_set_id: https://example.org/literal\n"
        "# license: https://creativecommons.org/licenses/by/4.0/\n"
        "# subject_type: rdfs literal\n"
        "# curie_map:\n"
        f"#   fid: {FID}\n"
        "#   skos: http://www.w3.org/2004/02/skos/core#\n"
        "#   semapv: https://w3id.org/semapv/vocab/\n"
        f"#   ex: {EX}\n"
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tmapping_justification\n"
        "fid:persona/finance\tA\tskos:relatedMatch\tex:1\tsemapv:ManualMappingCuration\n"
        "fid:persona/finance\tB\tskos:relatedMatch\tex:2\tsemapv:ManualMappingCuration\n"
        "fid:persona/finance\tA\tskos:closeMatch\tex:3\tsemapv:ManualMappingCuration\n",
        encoding="utf-8")
    result = check(literal)
    assert result.problems == []
    # the subject_type is propagated to each row, so the label A, not the id, maps to 2 objects
    assert result.cardinality == {"1:1": 1, "1:n": 2}


def test_each_bad_row_is_named_by_line_and_field():
    problems = check(DATA / "bad.sssom.tsv").problems
    path = str(DATA / "bad.sssom.tsv")
    assert all(p.startswith(path + ":") for p in problems)
    found = {p[len(path) + 1:] for p in problems}
    expected = {
        "11: subject_id": "not in the Framework graph",
        "12: predicate_id": "neither a SKOS nor an OWL",
        "13: mapping_justification": "justification is missing",
        "14: confidence": "not a number from 0 to 1",
        "15: row": "duplicates line 14",
        "17: predicate_modifier": "contradicts line 16",
        "19: object_id": "exactMatch of 2 terms",
        "20: object_id": "prefix 'other' is not declared",
        "21: predicate_modifier": "'Nope' is not a modifier",
        "22: mapping_justification": "not a SEMAPV justification",
    }
    for where, phrase in expected.items():
        assert any(f.startswith(where) and phrase in f for f in found), (where, found)


@pytest.mark.parametrize("name, where, phrase", [
    ("bad-yaml.sssom.tsv", "metadata", "YAML header is malformed"),
    ("missing-column.sssom.tsv", "mapping_justification", "required column is missing"),
    ("spaces.sssom.tsv", "table", "separated by spaces"),
])
def test_an_unreadable_table_gets_one_clear_problem(name, where, phrase):
    problems = check(DATA / name).problems
    assert len(problems) == 1
    assert f": {where}: " in problems[0] and phrase in problems[0]


def test_objects_are_checked_against_a_target_ontology():
    problems = check(DATA / "good.sssom.tsv", target=DATA / "target.ttl").problems
    assert len(problems) == 1
    assert "org:Role is not in the target ontology" in problems[0]


def test_a_missing_file_is_an_error():
    with pytest.raises(MappingError, match="cannot be read"):
        check(DATA / "absent.sssom.tsv")


def test_apply_writes_one_named_graph_with_provenance():
    [(set_id, graph)] = apply([DATA / "good.sssom.tsv"])
    assert set_id == URIRef("https://w3id.org/finops-kg/mappings/test-good.sssom.tsv")
    assert (set_id, RDF.type, PROV.Entity) in graph
    assert (URIRef(FID + "persona/finance"), SKOS.exactMatch, URIRef(EX + "Controller")) in graph
    # a negative mapping states what is not so: it must not become a triple
    assert not list(graph.triples((None, None, URIRef(EX + "Treasurer"))))


def test_apply_as_owl_turns_class_exact_matches_into_equivalences(tmp_path):
    mapped = tmp_path / "class.sssom.tsv"
    text = (DATA / "good.sssom.tsv").read_text(encoding="utf-8")
    mapped.write_text(text.replace("fo:Persona\tPersona\tskos:narrowMatch",
                                   "fo:Persona\tPersona\tskos:exactMatch"), encoding="utf-8")
    [(_, graph)] = apply([mapped], as_owl=True)
    persona = URIRef("https://w3id.org/finops-kg/ontology#Persona")
    assert (persona, OWL.equivalentClass, URIRef("http://www.w3.org/ns/org#Role")) in graph
    # individuals keep skos:exactMatch: owl:sameAs would merge them with the target's
    assert (URIRef(FID + "persona/finance"), SKOS.exactMatch, URIRef(EX + "Controller")) in graph


def test_apply_refuses_a_failing_set():
    with pytest.raises(MappingError, match="fails its check"):
        apply([DATA / "bad.sssom.tsv"])


def test_cli_check_lists_problems_and_exits_one(capsys):
    assert main(["map", "check", str(DATA / "bad.sssom.tsv")]) == 1
    out = capsys.readouterr().out
    assert "bad.sssom.tsv:12: predicate_id:" in out


def test_cli_check_passes_a_clean_set(capsys):
    assert main(["map", "check", str(DATA / "good.sssom.tsv")]) == 0
    assert "good.sssom.tsv" in capsys.readouterr().out


def test_cli_apply_writes_trig_that_reparses(tmp_path, capsys):
    from rdflib import Dataset

    out = tmp_path / "mappings.trig"
    assert main(["map", "apply", str(DATA / "good.sssom.tsv"), "--out", str(out)]) == 0
    reparsed = Dataset()
    reparsed.parse(out, format="trig")
    assert (URIRef(FID + "persona/finance"), SKOS.exactMatch, URIRef(EX + "Controller"),
            URIRef("https://w3id.org/finops-kg/mappings/test-good.sssom.tsv")) in reparsed


def test_cli_list_counts_rows(capsys):
    assert main(["map", "list", str(DATA / "good.sssom.tsv")]) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    assert row == [str(DATA / "good.sssom.tsv"), "3"]


def test_cli_apply_refuses_a_turtle_file_name(tmp_path, capsys):
    out = tmp_path / "bridged.ttl"
    assert main(["map", "apply", str(DATA / "good.sssom.tsv"), "--out", str(out)]) == 2
    assert not out.exists()
    assert "should end in .trig" in capsys.readouterr().err


def test_cli_apply_of_a_failing_set_writes_nothing(tmp_path, capsys):
    out = tmp_path / "mappings.trig"
    assert main(["map", "apply", str(DATA / "bad.sssom.tsv"), "--out", str(out)]) == 2
    assert not out.exists()
    assert "fails its check" in capsys.readouterr().err
    # an earlier result and the user's set are left exactly as they were
    out.write_bytes(b"<urn:earlier> <urn:result> <urn:kept> {}\n")
    bad_set = (DATA / "bad.sssom.tsv").read_bytes()
    assert main(["map", "apply", str(DATA / "good.sssom.tsv"), str(DATA / "bad.sssom.tsv"),
                 "--out", str(out)]) == 2
    assert out.read_bytes() == b"<urn:earlier> <urn:result> <urn:kept> {}\n"
    assert (DATA / "bad.sssom.tsv").read_bytes() == bad_set


@pytest.fixture(scope="module")
def vocabularies(tmp_path_factory):
    """The minted target vocabularies (COBIT, ITIL, NIST CSF, ArchiMate, FOCUS) as one file."""
    from rdflib import Graph

    union = Graph()
    for path in mapping_vocabulary_files():
        union.parse(path, format="turtle")
    out = tmp_path_factory.mktemp("vocab") / "vocabularies.ttl"
    union.serialize(out, format="turtle")
    return out


def test_every_curated_set_passes_its_check(vocabularies):
    files = mapping_set_files()
    assert {f.name for f in files} >= {"structure.sssom.tsv", "archimate.sssom.tsv",
                                        "cobit.sssom.tsv", "itil.sssom.tsv",
                                        "nist-csf.sssom.tsv", "focus.sssom.tsv"}
    for path in files:
        # structure maps to published vocabularies; the others to our minted ones
        target = None if path.name == "structure.sssom.tsv" else vocabularies
        result = check(path, target=target)
        assert result.problems == [], path.name
        assert result.rows > 0


def test_structure_set_agrees_with_the_alignments(framework):
    from rdflib.namespace import RDFS

    [(_, graph)] = apply([f for f in mapping_set_files() if f.name == "structure.sssom.tsv"])
    for subclass, superclass in framework.subject_objects(RDFS.subClassOf):
        if str(subclass).startswith("https://w3id.org/finops-kg/ontology#") and \
                not str(superclass).startswith("https://w3id.org/finops-kg/"):
            assert (subclass, SKOS.broadMatch, superclass) in graph, (subclass, superclass)


def test_import_csv_gives_a_set_that_passes_the_check(tmp_path, capsys):
    out = tmp_path / "roles.sssom.tsv"
    assert main(["map", "import-csv", str(DATA / "roles.csv"), "--out", str(out),
                 "--set-id", "https://example.org/roles", "--prefix", f"ex={EX}"]) == 0
    result = check(out)
    assert result.problems == [] and result.rows == 2
    assert result.metadata["curie_map"]["ex"] == EX
    [(set_id, graph)] = apply([out])
    assert set_id == URIRef("https://example.org/roles")
    assert (URIRef(FID + "persona/finance"), SKOS.exactMatch, URIRef(EX + "Controller")) in graph


def test_import_csv_names_the_line_and_field_of_an_unknown_namespace(tmp_path, capsys):
    out = tmp_path / "roles.sssom.tsv"
    assert main(["map", "import-csv", str(DATA / "unknown-namespace.csv"), "--out", str(out),
                 "--set-id", "https://example.org/roles"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown-namespace.csv:2: object:" in err
    assert "--prefix" in err and not out.exists()


def test_a_large_set_split_into_parts_gets_the_cardinality_of_the_whole():
    from finops_kg.mapping.sssom import _cardinality, _independent_parts

    # persona i maps to objects i and i+1 (chains that join), and objects share a few labels
    rows = [{"subject_id": f"fid:persona/p{i % 40}", "predicate_id": "skos:relatedMatch",
             "object_id": f"ex:{i % 55}", "object_label": f"L{i % 7}" if i % 3 else "",
             "mapping_justification": "semapv:ManualMappingCuration"} for i in range(300)]
    rows += [{"subject_id": f"fid:kpi/k{i}", "predicate_id": "skos:exactMatch",
              "object_id": f"ex:solo{i}", "mapping_justification": "semapv:ManualMappingCuration"}
             for i in range(30)]
    metadata = {"curie_map": {"fid": FID, "ex": EX, "skos": str(SKOS),
                              "semapv": "https://w3id.org/semapv/vocab/"}}
    parts = _independent_parts(rows, 2)
    assert len(parts) == 2 and sum(map(len, parts)) == len(rows)
    terms = [{r[c] for r in part for c in ("subject_id", "object_id", "object_label") if r.get(c)}
             for part in parts]
    assert not terms[0] & terms[1]
    whole = _cardinality(rows, metadata, parallel_from=len(rows) + 1)
    assert _cardinality(rows, metadata, parallel_from=0) == whole
    assert whole["1:1"] == 30 and sum(whole.values()) == len(rows)
