"""The build: its Python API, its outputs and the editions it covers."""

from __future__ import annotations

import pytest

import finops_kg
from finops_kg.errors import UnknownEditionError


def test_build_result_counts_individuals_per_class(tmp_path):
    result = finops_kg.build(tmp_path, edition="2026")
    assert result.ok and result.problems() == []
    counts = dict(result.individuals_per_class)
    assert counts["fo:Capability"] == 22
    assert counts["fo:Persona"] == 11  # entailed from fo:CorePersona and fo:AlliedPersona
    assert result.inferred_triples > result.asserted_triples
    assert sorted(p.name for p in result.files) == sorted(p.name for p in tmp_path.iterdir())


def test_build_refuses_an_unknown_edition_before_writing(tmp_path):
    with pytest.raises(UnknownEditionError):
        finops_kg.build(tmp_path / "dist", edition="1999")
    assert not (tmp_path / "dist").exists()


def test_all_editions_writes_a_trig_dataset_with_one_graph_per_edition(tmp_path):
    from rdflib import Dataset, URIRef
    from rdflib.compare import isomorphic

    from finops_kg.graph.load import load_edition_data, load_ontology

    result = finops_kg.build(tmp_path, edition="2026", all_editions=True)
    assert result.ok, result.problems()
    assert [c.edition for c in result.checks] == ["2025", "2026"]
    dataset = Dataset()
    dataset.parse(tmp_path / "finops-kg.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names >= {"https://w3id.org/finops-kg/ontology",
                     "https://w3id.org/finops-kg/id/edition/2025",
                     "https://w3id.org/finops-kg/id/edition/2026",
                     "https://w3id.org/finops-kg/id/graph/derived/2026"}
    for year in ("2025", "2026"):
        named = dataset.graph(URIRef(f"https://w3id.org/finops-kg/id/edition/{year}"))
        assert isomorphic(named, load_edition_data(year)), year
    ontology = dataset.graph(URIRef("https://w3id.org/finops-kg/ontology"))
    assert isomorphic(ontology, load_ontology())


def test_the_2025_edition_builds_on_its_own(tmp_path):
    result = finops_kg.build(tmp_path, edition="2025")
    assert result.ok, result.problems()
    counts = dict(result.individuals_per_class)
    assert counts["fo:Capability"] == 22 and "fo:FunctionalActivity" not in counts


def test_the_examples_conform_with_the_framework():
    from finops_kg.graph import resources
    from finops_kg.release.validate import validate_files

    report = validate_files(sorted((resources.resource_root() / "data" / "examples").rglob("*.ttl")),
                            edition="2026")
    assert report.conforms and report.results == []


def test_a_rebuild_replaces_each_file_whole_and_leaves_readers_of_the_old_one_alone(tmp_path):
    import os

    out, kept = tmp_path / "dist", tmp_path / "kept"
    kept.mkdir()
    first = finops_kg.build(out, edition="2026")
    assert first.ok and first.files
    for path in first.files:
        # A second name for the same file, as a reader (or a web server) holding it open has.
        os.link(path, kept / path.name)
        path.write_bytes(b"the previous release\n")
    again = finops_kg.build(out, edition="2026")
    assert again.ok and sorted(again.files) == sorted(first.files)
    for path in again.files:
        assert (kept / path.name).read_bytes() == b"the previous release\n", path.name
        assert path.read_bytes() != b"the previous release\n" and path.stat().st_size > 100
        assert not path.samefile(kept / path.name)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in again.files)
