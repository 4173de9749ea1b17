"""Mapping: SSSOM sets are checked line by line and applied as named graphs with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS

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
    # and each problem in full, one per line and field, in line order
    assert [p[len(path) + 1:] for p in problems] == [
        "11: subject_id: fid:capability/no-such-thing is not in the Framework graph",
        "12: predicate_id: rdfs:seeAlso is neither a SKOS nor an OWL mapping predicate",
        "13: mapping_justification: the justification is missing",
        "14: confidence: '1.5' is not a number from 0 to 1",
        "15: confidence: '1.5' is not a number from 0 to 1",
        "15: row: duplicates line 14",
        "17: predicate_modifier: contradicts line 16: exactMatch and Not exactMatch on the same "
        "pair",
        "19: object_id: fid:persona/leadership is an exactMatch of 2 terms of ex (lines 18, 19)",
        "20: object_id: the prefix 'other' is not declared in the curie_map",
        "21: predicate_modifier: 'Nope' is not a modifier; SSSOM has only 'Not'",
        "22: mapping_justification: ex:MyHunch is not a SEMAPV justification, such as "
        "semapv:ManualMappingCuration"]


@pytest.mark.parametrize("object_id, held", [
    ("org:Re>>>vision", "'>'"),  # found by the fuzzer: rdflib refused to write it, uncaught
    ("https://example.org/a<b>", "'<'"),
    ("org:Re vision", "' '"),
    ("org:Re\u00a0vision", "'\\xa0'"),
    ("org:Re{vision}", "'{'"),
    ("https://example.org/a|b", "'|'"),
])
def test_an_id_an_iri_cannot_hold_is_a_problem_of_its_line_and_column(tmp_path, object_id, held):
    header = (DATA / "good.sssom.tsv").read_text().split("subject_id")[0]
    table = tmp_path / "bad-iri.sssom.tsv"
    table.write_text(header + "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
                     f"fid:persona/finance\tskos:relatedMatch\t{object_id}\t"
                     "semapv:ManualMappingCuration\n", encoding="utf-8")
    line = header.count("\n") + 2
    assert check(table, cardinality=False).problems == [
        f"{table}:{line}: object_id: {object_id} holds {held}, which an IRI cannot hold"]


def test_the_columns_after_an_id_an_iri_cannot_hold_are_still_checked(tmp_path):
    header = (DATA / "good.sssom.tsv").read_text().split("subject_id")[0]
    table = tmp_path / "bad-iri.sssom.tsv"
    table.write_text(header + "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
                     "fid:persona/fin ance\tskos:relatedMatch\torg:Role\tskos:Concept\n",
                     encoding="utf-8")
    line = header.count("\n") + 2
    assert check(table, cardinality=False).problems == [
        f"{table}:{line}: subject_id: fid:persona/fin ance holds ' ', which an IRI cannot hold",
        f"{table}:{line}: mapping_justification: skos:Concept is not a SEMAPV justification, "
        "such as semapv:ManualMappingCuration"]


CONFIDENCES = {"0": True, "1": True, "0.5": True, "1.0": True, "0.0": True, "-0.0": True,
               "-0.01": False, "-1": False, "1.01": False, "1.0001": False, "2": False,
               "nan": False, "inf": False, "-inf": False, "high": False, "": True}


def test_a_confidence_is_checked_at_and_beside_both_ends_of_0_to_1(tmp_path):
    header = (DATA / "good.sssom.tsv").read_text().split("subject_id")[0]
    rows = "".join(f"fid:persona/finance\tskos:relatedMatch\tex:c{index}\t"
                   f"semapv:ManualMappingCuration\t{value}\n"
                   for index, value in enumerate(CONFIDENCES))
    table = tmp_path / "confidence.sssom.tsv"
    table.write_text(header + "subject_id\tpredicate_id\tobject_id\tmapping_justification\t"
                     "confidence\n" + rows, encoding="utf-8")
    first = header.count("\n") + 2  # the line of the first row
    refused = {first + index for index, ok in enumerate(CONFIDENCES.values()) if not ok}
    problems = check(table).problems
    assert sorted(problems) == sorted(
        f"{table}:{first + index}: confidence: {value!r} is not a number from 0 to 1"
        for index, value in enumerate(CONFIDENCES) if first + index in refused)


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
    assert problems == [f"{DATA / 'good.sssom.tsv'}:16: object_id: org:Role is not in the "
                        "target ontology"]


def test_a_missing_file_is_an_error():
    with pytest.raises(MappingError, match="cannot be read"):
        check(DATA / "absent.sssom.tsv")


def test_apply_writes_one_named_graph_with_provenance():
    [(set_id, graph)] = apply([DATA / "good.sssom.tsv"])
    assert set_id == URIRef("https://w3id.org/finops-kg/mappings/test-good.sssom.tsv")
    assert (set_id, RDF.type, PROV.Entity) in graph
    assert (set_id, DCTERMS.title, Literal("good.sssom.tsv")) in graph
    assert (set_id, DCTERMS.license,
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
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
    [(_, plain)] = apply([mapped])  # SKOS unless asked for OWL
    assert (persona, SKOS.exactMatch, URIRef("http://www.w3.org/ns/org#Role")) in plain
    assert not list(plain.triples((None, OWL.equivalentClass, None)))
    # individuals keep skos:exactMatch: owl:sameAs would merge them with the target's
    assert (URIRef(FID + "persona/finance"), SKOS.exactMatch, URIRef(EX + "Controller")) in graph


def test_apply_refuses_a_failing_set(tmp_path):
    bad = DATA / "bad.sssom.tsv"
    with pytest.raises(MappingError) as error:
        apply([bad])
    assert str(error.value) == (
        f"{bad}:11: subject_id: fid:capability/no-such-thing is not in the Framework graph (and "
        f"10 more; finops-kg map check {bad} lists them); the set fails its check, and nothing "
        "was written")
    one = tmp_path / "one.sssom.tsv"  # one problem: nothing more to count
    one.write_text("".join(line + "\n" for line in bad.read_text().splitlines()[:11]))
    with pytest.raises(MappingError) as error:
        apply([one])
    assert str(error.value) == (f"{one}:11: subject_id: fid:capability/no-such-thing is not in "
                                "the Framework graph; the set fails its check, and nothing was "
                                "written")
    assert check(bad).cardinality == {}  # not inferred for a failing set


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


def import_rows(tmp_path, text: str) -> list[dict]:
    """Import a CSV with import_csv and read its table back, one dict per mapping."""
    import csv as csv_module
    import io

    from finops_kg.mapping.sssom import import_csv

    source = tmp_path / "mappings.csv"
    source.write_text(text, encoding="utf-8")
    table = import_csv(source, "https://example.org/set", prefixes={"ex": EX})
    body = "".join(line + "\n" for line in table.splitlines() if not line.startswith("#"))
    return list(csv_module.DictReader(io.StringIO(body), delimiter="\t"))


def test_import_csv_keeps_justification_comment_and_confidence_and_fills_the_default(tmp_path):
    rows = import_rows(tmp_path, "subject,predicate,object,justification,comment,confidence\n"
                       "fid:persona/finance,skos:exactMatch,ex:A,semapv:LexicalMatching,"
                       "Said by both.,0.8\n"
                       f"{FID}persona/product,skos:closeMatch,{EX}B,,,\n"
                       "fid:persona/engineering,http://www.w3.org/2004/02/skos/core#relatedMatch,"
                       "ex:C,,,1\n")
    assert [(r["subject_id"], r["predicate_id"], r["object_id"], r["mapping_justification"],
             r.get("comment", ""), r.get("confidence", "")) for r in rows] == [
        ("fid:persona/finance", "skos:exactMatch", "ex:A", "semapv:LexicalMatching",
         "Said by both.", "0.8"),
        ("fid:persona/product", "skos:closeMatch", "ex:B", "semapv:UnspecifiedMatching", "", ""),
        ("fid:persona/engineering", "skos:relatedMatch", "ex:C", "semapv:UnspecifiedMatching", "",
         "1.0")]


@pytest.mark.parametrize(("text", "message"), [
    ("subject,object\nfid:persona/finance,ex:A\n",
     ":1: predicate: this required column is missing (the header must name subject, predicate, "
     "object)"),
    ("subject,predicate,object,comment\n"
     'fid:persona/finance,skos:exactMatch,ex:A,"two\nlines"\n',
     ":3: comment: a line break is not allowed; SSSOM/TSV holds one mapping per line"),
    ("subject,predicate,object,confidence\nfid:persona/finance,skos:exactMatch,ex:A,high\n",
     ":2: confidence: 'high' is not a number"),
    ("subject,predicate,object,justification\n"
     "fid:persona/finance,skos:exactMatch,ex:A,nope:Guess\n",
     ":2: justification: the prefix of 'nope:Guess' is not known; declare it with "
     "--prefix NAME=NAMESPACE"),
    ("subject,predicate,object\nfid:persona/finance,,ex:A\n",
     ":2: predicate: the value is missing"),
    ("subject,predicate,object\nfid:persona/finance,skos:exactMatch,https://nowhere.example/x\n",
     ":2: object: https://nowhere.example/x is under no known namespace; declare one with "
     "--prefix NAME=NAMESPACE"),
])
def test_import_csv_names_the_line_and_field_of_a_bad_cell(tmp_path, text, message):
    with pytest.raises(MappingError) as error:
        import_rows(tmp_path, text)
    assert str(error.value) == f"{tmp_path / 'mappings.csv'}{message}"


def test_rows_that_share_a_term_stay_in_one_part_and_the_parts_are_balanced():
    from finops_kg.mapping.sssom import _independent_parts

    def row(subject: str, obj: str) -> dict:
        return {"subject_id": subject, "object_id": obj}

    a, b = row("fid:persona/s1", "ex:o1"), row("fid:persona/s2", "ex:o1")  # joined by ex:o1
    c, d = row("fid:persona/s3", "ex:o3"), row("fid:persona/s4", "ex:o4")
    assert _independent_parts([a, b, c, d], 2) == [[a, b], [c, d]]
    assert _independent_parts([c, a, d, b], 2) == [[a, b], [c, d]]  # the largest group first
    assert _independent_parts([a, b], 2) == [[a, b]]  # no empty part


@pytest.mark.parametrize(("parallel_from", "forked"), [(0, True), (4, True), (5, False)])
def test_a_set_is_split_from_its_size_limit_on(monkeypatch, parallel_from, forked):
    import finops_kg.forked
    from finops_kg.mapping.sssom import _cardinality

    started = []

    class Recorded(finops_kg.forked.ForkedTask):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(finops_kg.forked, "ForkedTask", Recorded)
    rows = [{"subject_id": f"fid:persona/s{i}", "predicate_id": "skos:closeMatch",
             "object_id": f"ex:o{i}", "mapping_justification": "semapv:ManualMappingCuration"}
            for i in range(4)]
    metadata = {"curie_map": {"fid": FID, "ex": EX, "skos": str(SKOS),
                              "semapv": "https://w3id.org/semapv/vocab/"}}
    assert _cardinality(rows, metadata, parallel_from=parallel_from) == {"1:1": 4}
    assert len(started) == (1 if forked else 0)


def test_every_empty_required_cell_of_a_row_is_named_and_a_local_name_may_hold_a_colon(tmp_path):
    header = (DATA / "good.sssom.tsv").read_text().split("subject_id")[0]
    table = tmp_path / "cells.sssom.tsv"
    table.write_text(header + "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
                     "fid:persona/finance\t\tex:A\t\n"
                     "fid:persona/product\tskos:relatedMatch\tex:B:C\t"
                     "semapv:ManualMappingCuration\n"
                     "fid:persona/product\tskos:relatedMatch\thttps://example.org/D\t"
                     "semapv:ManualMappingCuration\n"
                     "fid:persona/product\tskos:relatedMatch\thttp://example.org/E\t"
                     "semapv:ManualMappingCuration\n"
                     "fid:persona/product\tnope:relatedMatch\tother:F\t"
                     "semapv:ManualMappingCuration\n"
                     + "".join(f"fid:persona/leadership\tskos:exactMatch\tex:{local}\t"
                               "semapv:ManualMappingCuration\n" for local in ("A:1", "B:2", "C")),
                     encoding="utf-8")
    first = header.count("\n") + 2
    assert check(table).problems == [
        f"{table}:{first}: predicate_id: the predicate_id is missing",
        f"{table}:{first}: mapping_justification: the justification is missing",
        f"{table}:{first + 4}: predicate_id: the prefix 'nope' is not declared in the curie_map",
        f"{table}:{first + 4}: object_id: the prefix 'other' is not declared in the curie_map",
        # three objects under one prefix, whatever their local names hold: named on the last
        f"{table}:{first + 7}: object_id: fid:persona/leadership is an exactMatch of 3 terms of ex "
        f"(lines {first + 5}, {first + 6}, {first + 7})"]


def test_the_curated_graphs_are_each_set_then_each_vocabulary_by_its_scheme():
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from finops_kg.mapping.sssom import curated_graphs

    found = curated_graphs()
    sets, vocabularies = mapping_set_files(), mapping_vocabulary_files()
    assert len(found) == len(sets) + len(vocabularies)
    for (name, graph), path in zip(found, sets):
        [(expected_name, expected)] = apply([path])
        assert name == expected_name and isomorphic(graph, expected), path.name
    for (name, graph), path in zip(found[len(sets):], vocabularies):
        expected = Graph().parse(path, format="turtle")
        assert (name, RDF.type, SKOS.ConceptScheme) in expected
        assert isomorphic(graph, expected), path.name


def test_curated_rows_are_grouped_by_their_subject_with_their_set():
    from finops_kg.graph.iris import expand_curie
    from finops_kg.mapping.sssom import curated_rows_by_subject

    by_subject = curated_rows_by_subject()
    sets = {path.name.removesuffix(".sssom.tsv"): check(path, cardinality=False)
            for path in mapping_set_files()}
    assert sum(map(len, by_subject.values())) == sum(len(r.mappings) for r in sets.values())
    for subject, rows in by_subject.items():
        for row in rows:
            curie_map = sets[row["mapping_set"]].metadata.get("curie_map") or {}
            assert URIRef(expand_curie(row["subject_id"], curie_map)) == subject
    assert {row["mapping_set"] for row in by_subject[URIRef(FID + "capability/allocation")]} \
        >= {"cobit"}


@pytest.mark.parametrize("text", [
    "subject,predicate,object\nfid:persona/finance,skos:exactMatch,ex:A\n",
    "\ufeffsubject;predicate;object\r\nfid:persona/finance;skos:exactMatch;ex:A\r\n",
    "subject\tpredicate\tobject\nfid:persona/finance\tskos:exactMatch\tex:A\n",
])
def test_import_csv_reads_excels_byte_order_mark_and_semicolons_and_tabs(tmp_path, text):
    from finops_kg.mapping.sssom import UNSPECIFIED_LICENSE, import_csv

    source = tmp_path / "mappings.csv"
    source.write_text(text, encoding="utf-8")
    table = import_csv(source, "https://example.org/set", prefixes={"ex": EX})
    assert f"# license: {UNSPECIFIED_LICENSE}\n" in table
    assert [(r["subject_id"], r["predicate_id"], r["object_id"])
            for r in import_rows(tmp_path, text)] == [
        ("fid:persona/finance", "skos:exactMatch", "ex:A")]


def test_import_csv_of_a_header_alone_is_an_error(tmp_path):
    with pytest.raises(MappingError) as error:
        import_rows(tmp_path, "subject,predicate,object\n")
    assert str(error.value) == f"{tmp_path / 'mappings.csv'}: the CSV has a header but no mapping"


HEADER = ("# mapping_set_id: https://example.org/s\n"
          "# license: https://creativecommons.org/licenses/by/4.0/\n# curie_map:\n"
          f"#   fid: {FID}\n#   skos: {SKOS}\n#   semapv: https://w3id.org/semapv/vocab/\n"
          f"#   ex: {EX}\n")
COLUMNS = "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
ROW = "fid:persona/finance\tskos:closeMatch\tex:A\tsemapv:ManualMappingCuration\n"


@pytest.mark.parametrize(("text", "problem"), [
    ("# mapping_set_id: [unclosed\n# license: x\n" + COLUMNS + ROW,
     "2: metadata: the YAML header is malformed (expected ',' or ']', but got ':')"),
    ("# - just\n# - a list\n" + COLUMNS + ROW,
     "1: metadata: the YAML header is not a mapping of keys to values"),
    ("# mapping_set_id: https://example.org/s\n# curie_map:\n#   - fid\n" + COLUMNS + ROW,
     "2: curie_map: must map each prefix to its namespace IRI, such as 'ex: https://example.org/'"),
    (HEADER, "8: table: the file has no table after its header"),
    (HEADER + "subject_id\tpredicate_id\tobject_id\nfid:persona/finance\tskos:closeMatch\tex:A\n",
     "8: mapping_justification: this required column is missing"),
    (HEADER + COLUMNS + ROW.replace("\t", "  "),
     "9: table: columns are separated by spaces, not tabs"),
    (HEADER + COLUMNS + ROW.replace("\t", " ", 1),
     "9: table: columns are separated by spaces, not tabs"),
    (HEADER + COLUMNS + "fid:persona/finance\tskos:closeMatch\tex:A\n",
     "9: table: 3 fields where the header has 4"),
    # a control character has no mark in YAML's error, only a position: its line is counted
    ("# mapping_set_id: https://example.org/s\n# license: x\n# a: \x07\n" + COLUMNS + ROW,
     "3: metadata: the YAML header is malformed (special characters are not allowed)"),
    (HEADER.replace(f"#   ex: {EX}", "#   ex: 5") + COLUMNS + ROW,
     "3: curie_map: must map each prefix to its namespace IRI, such as 'ex: https://example.org/'"),
    # a quoted key: no line starts with curie_map, so the header's first line is named
    ('# "curie_map": [fid]\n# mapping_set_id: https://example.org/s\n' + COLUMNS + ROW,
     "1: curie_map: must map each prefix to its namespace IRI, such as 'ex: https://example.org/'"),
    # a blank line ends no table: the rows after it are read too
    (HEADER + COLUMNS + ROW + "\n" + "fid:persona/finance\tskos:closeMatch\tex:B\n",
     "11: table: 3 fields where the header has 4"),
    # too many fields: a stray tab, not spaces, even where a label holds two spaces
    (HEADER + COLUMNS + ROW.replace("ex:A", "ex:A\tA  label"),
     "9: table: 5 fields where the header has 4"),
], ids=["yaml", "not-a-mapping", "curie-map", "no-table", "column", "spaces", "a-space", "fields",
        "control-character", "curie-map-value", "curie-map-quoted", "blank-line", "extra-field"])
def test_a_broken_table_is_one_problem_naming_its_line_and_field(tmp_path, text, problem):
    table = tmp_path / "broken.sssom.tsv"
    table.write_text(text, encoding="utf-8")
    assert check(table).problems == [f"{table}:{problem}"]


def test_every_row_with_the_wrong_number_of_fields_is_named(tmp_path):
    table = tmp_path / "broken.sssom.tsv"
    table.write_text(HEADER + COLUMNS + "fid:persona/finance\tskos:closeMatch\n" + ROW
                     + "fid:persona/finance\n", encoding="utf-8")
    assert check(table).problems == [f"{table}:9: table: 2 fields where the header has 4",
                                     f"{table}:11: table: 1 fields where the header has 4"]


def test_a_table_ending_in_an_empty_column_as_spreadsheets_save_it_passes(tmp_path):
    table = tmp_path / "spreadsheet.sssom.tsv"
    table.write_text(HEADER + COLUMNS.replace("\n", "\t\n") + ROW.replace("\n", "\t\n"),
                     encoding="utf-8")
    result = check(table, cardinality=False)
    assert result.problems == [] and result.rows == 1


def test_a_quoted_cell_may_hold_a_tab_and_loses_its_quotes(tmp_path):
    table = tmp_path / "quoted.sssom.tsv"
    table.write_text(HEADER + "subject_id\tsubject_label\t" + COLUMNS[len("subject_id\t"):]
                     + ROW.replace("\t", '\t"Fin\tance"\t', 1), encoding="utf-8")
    result = check(table, cardinality=False)
    assert result.problems == []
    assert result.mappings[0]["subject_label"] == "Fin\tance"
    assert result.mappings[0]["predicate_id"] == "skos:closeMatch"


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_windows_and_old_mac_line_endings_keep_the_line_numbers(tmp_path, ending):
    table = tmp_path / "endings.sssom.tsv"
    text = HEADER + COLUMNS + ROW + "fid:persona/finance\tskos:closeMatch\tex:B\n"
    table.write_bytes(text.replace("\n", ending).encode("utf-8"))
    assert check(table).problems == [f"{table}:10: table: 3 fields where the header has 4"]


def test_import_csv_reads_old_mac_line_endings(tmp_path):
    rows = import_rows(tmp_path, "subject,predicate,object\rfid:persona/finance,skos:exactMatch,"
                                 "ex:A\rfid:persona/finance,skos:closeMatch,ex:B\r")
    assert [r["object_id"] for r in rows] == ["ex:A", "ex:B"]


def test_a_set_that_is_not_utf8_names_the_line_and_byte(tmp_path):
    table = tmp_path / "latin1.sssom.tsv"
    text = (HEADER + COLUMNS).encode("utf-8")
    table.write_bytes(text + "fid:persona/finance\tskos:closeMatch\tex:Caf\xe9\t".encode("latin-1")
                      + b"semapv:ManualMappingCuration\n")
    with pytest.raises(MappingError) as error:
        check(table)
    byte = len(text) + len("fid:persona/finance\tskos:closeMatch\tex:Caf")
    assert str(error.value) == f"{table}:9: not UTF-8 text (byte {byte}); save it as UTF-8"


def test_without_sssom_py_a_check_says_what_to_install_and_apply_still_works(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sssom.util", None)  # as if the mapping extra were absent
    with pytest.raises(MappingError) as error:
        check(DATA / "good.sssom.tsv")
    assert str(error.value) == ("this needs sssom-py, in the mapping extra: "
                                "pip install 'finops-kg[mapping]'")
    # applying a set neither infers nor needs its cardinality
    [(_, graph)] = apply([DATA / "good.sssom.tsv"])
    assert (URIRef(FID + "persona/finance"), SKOS.exactMatch, URIRef(EX + "Controller")) in graph


def test_a_target_is_read_strictly_and_one_of_unknown_extension_as_turtle(tmp_path):
    from finops_kg.errors import InputError

    good = DATA / "good.sssom.tsv"
    spaced = tmp_path / "target.ttl"  # rdflib would take the IRI with a space; Oxigraph refuses it
    spaced.write_text(f"@prefix ex: <{EX}> .\nex:Controller a <{EX}a b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{spaced}:2: "):
        check(good, target=spaced)
    plain = tmp_path / "target.txt"
    plain.write_text((DATA / "target.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    assert check(good, target=plain).problems == check(good, target=DATA / "target.ttl").problems


def test_apply_checks_a_set_against_the_edition_it_is_given(tmp_path):
    scoped = tmp_path / "scope.sssom.tsv"  # scope/saas is a term of the 2025 edition only
    scoped.write_text(HEADER + COLUMNS + ROW.replace("persona/finance", "scope/saas"),
                      encoding="utf-8")
    [(_, graph)] = apply([scoped], edition="2025")
    assert (URIRef(FID + "scope/saas"), SKOS.closeMatch, URIRef(EX + "A")) in graph
    with pytest.raises(MappingError, match="fid:scope/saas is not in the Framework graph"):
        apply([scoped])  # the default edition


def test_curated_rows_expand_subjects_with_their_sets_own_prefixes(tmp_path, monkeypatch):
    from finops_kg.graph import resources
    from finops_kg.mapping.sssom import curated_rows_by_subject

    own = tmp_path / "own.sssom.tsv"  # "fk" is this set's name for the id namespace
    own.write_text(HEADER.replace("#   fid:", "#   fk:") + COLUMNS
                   + ROW.replace("fid:", "fk:"), encoding="utf-8")
    monkeypatch.setattr(resources, "mapping_set_files", lambda: [own])
    assert list(curated_rows_by_subject()) == [URIRef(FID + "persona/finance")]


def test_a_vocabulary_graph_is_named_by_its_concept_scheme_alone(tmp_path, monkeypatch):
    from finops_kg.graph import resources
    from finops_kg.mapping.sssom import curated_graphs

    vocabulary = tmp_path / "vocab.ttl"  # a term that points at the class is not the scheme
    vocabulary.write_text(
        f"@prefix ex: <{EX}> .\n@prefix skos: <{SKOS}> .\n"
        "ex:note <http://www.w3.org/2000/01/rdf-schema#seeAlso> skos:ConceptScheme .\n"
        "ex:scheme a skos:ConceptScheme .\n",
        encoding="utf-8")
    monkeypatch.setattr(resources, "mapping_set_files", lambda: [])
    monkeypatch.setattr(resources, "mapping_vocabulary_files", lambda: [vocabulary])
    [(name, graph)] = curated_graphs()
    assert name == URIRef(EX + "scheme") and len(graph) == 2


def test_import_csv_takes_the_delimiter_from_the_header_alone(tmp_path):
    # a comment with more semicolons than the file has commas leaves the separator a comma
    comment = "one; two; three; four; five; six; seven; eight"
    rows = import_rows(tmp_path, "subject,predicate,object,comment\nfid:persona/finance,"
                                 f"skos:exactMatch,ex:A,{comment}\n")
    assert rows[0]["comment"] == comment


def test_import_csv_declares_the_prefix_of_a_local_name_that_holds_a_colon(tmp_path):
    from finops_kg.mapping.sssom import import_csv

    source = tmp_path / "mappings.csv"
    source.write_text(f"subject,predicate,object\nfid:persona/finance,skos:exactMatch,{EX}a:b\n",
                      encoding="utf-8")
    table = tmp_path / "colon.sssom.tsv"
    table.write_text(import_csv(source, "https://example.org/set", prefixes={"ex": EX}),
                     encoding="utf-8")
    result = check(table, cardinality=False)
    assert result.problems == [] and result.mappings[0]["object_id"] == "ex:a:b"
    assert result.metadata["curie_map"]["ex"] == EX
