"""Answer cards: the catalogue's relations, derived statements marked, cited and attributed."""

from __future__ import annotations

import json

import pyoxigraph
import pytest

import finops_kg
from finops_kg.answer.card import (CROSSWALK, NAMES, PARSED, VIA_GROUP, Card, CardError,
                                   card)
from finops_kg.answer.index import load_index
from finops_kg.answer.kinds import TYPES
from finops_kg.answer.rq import iri, select
from finops_kg.graph.iris import FO_IRI, ID_IRI, ONTOLOGY_IRI, PREFIXES

FID = ID_IRI
SKOS = PREFIXES["skos"]


def rows(name: str, **params: str) -> list[dict[str, str]]:
    return finops_kg.query(name, **params).to_text_dicts()


@pytest.fixture(scope="module")
def allocation() -> Card:
    return card("Allocation")


# --- the relations are the catalogue's answers ----------------------------------------------------

def test_allocation_lists_the_personas_and_activities_of_the_catalogue(allocation):
    expected: dict[str, set[str]] = {}
    for row in rows("personas-in-a-capability", capability="Allocation"):
        expected.setdefault(row["personaLabel"], set()).add(row["activityLabel"])
    personas = allocation.section("personas")
    assert {p.name: {a.name for a in p.entries} for p in personas.entries} == expected
    assert {"Finance", "Engineering", "ITAM"} <= set(expected)


def test_allied_personas_are_marked_entailed(allocation):
    personas = {p.name: p for p in allocation.section("personas").entries}
    group = {r["personaLabel"] for r in rows("personas-in-a-capability", capability="Allocation")
             if r.get("viaGroup")}
    assert group and all(personas[name].derived == VIA_GROUP for name in group)
    assert personas["Finance"].derived is None
    assert all(a.derived is None for a in personas["Finance"].entries)


def test_allocation_lists_the_kpis_with_their_formulas(allocation):
    expected = {(r["label"], r.get("formula")) for r in
                rows("kpis-of-a-capability", capability="Allocation")}
    assert {(k.name, k.detail) for k in allocation.section("kpis").entries} == expected
    assert ("Allocation Accuracy Index (AAI)", "Allocation Accuracy Index (AAI) = (Directly "
            "Attributed Costs / Total Infrastructure Costs) × 100") in expected


def test_allocation_maturity_matches_the_catalogue_level_by_level(allocation):
    expected: dict[str, list[str]] = {}
    for row in rows("maturity-of-a-capability", capability="Allocation"):
        expected.setdefault(row["levelLabel"], []).append(row["label"])
    maturity = allocation.section("maturity")
    assert [level.name for level in maturity.entries] == ["Crawl", "Walk", "Run"]
    assert {level.name: [c.name for c in level.entries] for level in maturity.entries} == expected


def test_allocation_domain_inputs_outputs_principles_and_crosswalks(allocation):
    assert [e.name for e in allocation.section("domain").entries] == ["Understand Usage & Cost"]
    flows = rows("capability-inputs-and-outputs", capability="Allocation")
    assert {e.name for e in allocation.section("inputs").entries} == {
        r["label"] for r in flows if r["direction"] == "input from"}
    assert {e.name for e in allocation.section("outputs").entries} == {
        r["label"] for r in flows if r["direction"] == "output to"}
    assert {e.iri for e in allocation.section("principles").entries} == {
        r["principle"] for r in rows("principles-supported-by-a-capability",
                                     capability="Allocation")}
    crosswalks = allocation.section("crosswalks")
    assert {e.iri for e in crosswalks.entries} == {
        r["target"] for r in rows("crosswalks-of-a-capability", capability="Allocation")}
    assert crosswalks.derived == CROSSWALK


def test_numeric_targets_are_by_level_and_marked_as_parsed():
    budgeting = card("Budgeting")
    levels = {level.name: level for level in budgeting.section("maturity").entries}
    targets = {level: [t for t in levels[level].entries if t.derived] for level in levels}
    assert [t.name for t in targets["Crawl"]] == ["Budget to actual spend variance <= 20 %"]
    assert [t.name for t in targets["Run"]] == ["Budget to actual spend variance <= 12 %"]
    assert all(t.derived == PARSED for ts in targets.values() for t in ts)
    data = card("Data Ingestion")
    every = [level for level in data.section("maturity").entries if level.name == "At every level"]
    assert every and every[0].entries and all(t.derived == PARSED for t in every[0].entries)


def test_card_queries_bind_no_level_or_confidence_that_the_record_lacks():
    # An OPTIONAL on a variable left unbound by an earlier OPTIONAL binds it to anything: a
    # target without a level got every named node as its level, a record without a confidence
    # every labelled term of the ontology.
    store = pyoxigraph.Store()
    store.load(f"""
    @prefix fo: <{FO_IRI}> . @prefix skos: <{SKOS}> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix ed: <{FID}edition/> . @prefix cap: <{FID}capability/> . @prefix x: <{FID}x/> .
    <{ONTOLOGY_IRI}> {{
      fo:Renamed rdfs:label "renamed" . fo:seen rdfs:label "seen" .
      fo:atMost rdfs:label "at most" ; skos:notation "<=" .
    }}
    ed:2026 {{
      ed:2025 skos:prefLabel "2025" . ed:2026 skos:prefLabel "2026" .
      cap:x a fo:Capability ; skos:prefLabel "X" ; fo:nameInEdition x:name-2025 .
      x:name-2025 fo:name "Old X" ; fo:edition ed:2025 .
      x:change a fo:EditionChange ; skos:prefLabel "Old X renamed X" ;
          fo:changeSubject cap:x ; fo:changeType fo:Renamed ;
          fo:fromEdition ed:2025 ; fo:toEdition ed:2026 .
      x:target a fo:MaturityTarget ; fo:characterises cap:x ; skos:prefLabel "X: at most 5" ;
          fo:metric x:metric ; fo:comparator fo:atMost ; fo:targetValue 5 ;
          fo:unit <http://qudt.org/vocab/unit/PERCENT> .
      x:metric skos:prefLabel "M" .
    }}""".encode(), pyoxigraph.RdfFormat.TRIG)
    x = iri(FID + "capability/x")
    changes = select(store, "cards", "changes", element=x)
    assert [(r["summary"], r["changeType"], r.get("confidence")) for r in changes] == [
        ("Old X renamed X", "renamed", None)]
    names = select(store, "cards", "edition-names", element=x)
    assert [(r["name"], r.get("confidence")) for r in names] == [("Old X", None)]
    targets = select(store, "cards", "targets", capability=x, edition=iri(FID + "edition/2026"))
    assert [(r["name"], r.get("level"), r["comparator"], r["value"]) for r in targets] == [
        ("X: at most 5", None, "<=", "5")]


def test_a_persona_card_lists_the_capabilities_it_acts_in():
    finance = card("Finance")
    assert (finance.type, finance.kind) == ("persona", "Core persona")
    assert {e.name for e in finance.section("capabilities").entries} == {
        r["capabilityLabel"] for r in rows("capabilities-of-a-persona", persona="Finance")}
    assert {e.name for e in finance.section("roles").entries} == {
        r["role"] for r in rows("typical-roles-of-personas") if r["label"] == "Finance"}
    assert finance.section("goal").entries


def test_a_kpi_card_gives_formula_data_sources_and_capabilities():
    kpi = card("fid:kpi/active-to-provisioned-user-ratio")
    assert kpi.type == "kpi" and kpi.kind == "KPI"
    assert [e.name for e in kpi.section("formula").entries] == [
        "Active-to-Provisioned User Ratio = (Active Users / Provisioned Users) x 100"]
    assert {e.name for e in kpi.section("data-sources").entries} == {
        "Vendor activity or audit logs", "Identity and access management systems",
        "SaaS usage reports"}
    assert {e.iri for e in kpi.section("capabilities").entries} == {
        FID + "capability/" + c for c in ("data-ingestion", "licensing-saas",
                                          "reporting-analytics", "usage-optimization")}


def test_a_domain_a_principle_and_a_category_list_their_members():
    domain = card("Understand Usage & Cost")
    assert {e.name for e in domain.section("capabilities").entries} == {
        r["label"] for r in rows("capabilities-of-a-domain", domain="Understand Usage & Cost")}
    principle = card("Teams need to collaborate")
    assert principle.section("supported-by").entries
    category = card("AI")
    assert {e.iri for e in category.section("kpis").entries} == {
        r["kpi"] for r in rows("kpis-for-a-technology-category", category="AI")}


def test_every_type_has_a_card_that_renders():
    index = load_index("2026")
    for kind in TYPES:
        sample = next((e for e in index.elements if e.type == kind), None)
        if sample is None:
            continue
        shown = card(sample.iri)
        assert shown.type == kind, sample.iri
        markdown = shown.markdown()
        assert markdown.startswith(f"# {shown.name}\n") and "CC BY 4.0" in markdown
        json.loads(shown.to_json())


def test_a_phase_card_links_its_neighbours():
    inform = card("Inform")
    assert [(e.name, e.note) for e in inform.section("links").entries] == [
        ("Optimize", "next phase")]


# --- editions, changes, shared names --------------------------------------------------------------

def test_a_2025_card_carries_the_2025_name_and_the_change_records():
    old = card("Workload Optimization", edition="2025")
    assert (old.iri, old.name, old.edition) == (FID + "capability/usage-optimization",
                                                "Workload Optimization", "2025")
    changes = old.section("changes")
    assert "Workload Optimization renamed Usage Optimization" in {e.name for e in changes.entries}
    assert changes.derived
    names = {(e.note, e.name) for e in old.section("names").entries}
    assert old.section("names").derived == NAMES
    assert {"changes", "names"} <= {item["section"] for item in old.derived()}
    assert ("FinOps Framework 2025", "Workload Optimization") in names
    assert card("Workload Optimization").name == "Usage Optimization"  # a former name, in 2026


def test_a_withdrawn_capability_names_its_replacement():
    onboarding = card("Onboarding Workloads")
    assert onboarding.deprecated
    assert [e.iri for e in onboarding.replaced_by] == [
        FID + "capability/architecting-workload-placement"]
    assert "**Withdrawn**" in onboarding.markdown()


def test_a_shared_name_shows_the_capability_and_lists_the_others():
    shared = card("sustainability")
    assert shared.iri == FID + "capability/sustainability"
    assert {e.iri for e in shared.also_named} == {FID + "persona/sustainability",
                                                  FID + "intersecting-discipline/sustainability"}
    assert card("Sustainability", type="persona").iri == FID + "persona/sustainability"


def test_names_iris_and_curies_give_the_same_card():
    by_curie = card("fid:capability/allocation").to_dict()
    by_iri = card(FID + "capability/allocation").to_dict()
    assert by_curie == by_iri == card("ALLOCATION").to_dict()


# --- unknown names --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "options", "message"), [
    ("Alocation", {}, "no element is called 'Alocation' in edition 2026; close matches: "
                      "'Allocation'"),
    ("Budgeting", {"type": "persona"}, "no persona is called 'Budgeting' in edition 2026; that "
                                       "name is of a capability"),
    ("fid:kpi/allocation-accuracy-index-aai", {"edition": "2025"},
     "fid:kpi/allocation-accuracy-index-aai is not an element of edition 2025; it is in "
     "edition 2026"),
    ("   ", {}, "give the name, IRI or CURIE of an element"),
])
def test_an_unknown_name_is_an_error_with_close_matches(name, options, message):
    with pytest.raises(CardError) as error:
        card(name, **options)
    assert str(error.value).startswith(message)
    assert error.value.suggestions == (["Allocation", "Automation", "Adoption"]
                                       if name == "Alocation" else [])


def test_show_command_unknown_name_is_one_line_with_suggestions(capsys):
    from finops_kg.cli import main

    assert main(["show", "Alocation"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("finops-kg: error: no element is called 'Alocation' in "
                                   "edition 2026; close matches: 'Allocation'")
    assert captured.err.count("\n") == 1


def test_show_command_prints_markdown_and_json(capsys):
    from finops_kg.cli import main

    assert main(["show", "Allocation"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Allocation\n\n**Capability** · FinOps Framework 2026")
    assert main(["show", "fid:persona/finance", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Finance"


# --- the JSON form, citations, what is derived, attribution ---------------------------------------

def test_the_json_card_has_its_fields_and_types(allocation):
    data = json.loads(allocation.to_json())
    expected = {"iri": str, "curie": str, "name": str, "type": str, "kind": str, "edition": str,
                "definition": list, "source": list, "permalink": list, "confidence": list,
                "alternative_names": list, "deprecated": bool, "replaced_by": list,
                "editorial_notes": list, "content_gaps": list, "relations": dict,
                "also_named": list, "derived": list, "citations": dict, "attribution": str,
                "licence": str}
    for key, kind in expected.items():
        assert isinstance(data[key], kind), key
    assert (data["curie"], data["type"], data["edition"]) == (
        "fid:capability/allocation", "capability", "2026")
    assert data["source"] == ["https://www.finops.org/framework/capabilities/allocation/"]
    for key, relation in data["relations"].items():
        assert relation["title"] and relation["entries"], key
        for entry in relation["entries"]:
            assert isinstance(entry["name"], str) and entry["name"]
            assert set(entry) <= {"name", "iri", "detail", "note", "derived", "source",
                                  "entries"}


def test_the_card_cites_every_iri_and_page_it_uses(allocation):
    cited = allocation.citations()
    assert cited["edition"] == "2026" and cited["edition_iri"] == FID + "edition/2026"
    assert cited["iris"][0] == allocation.iri
    named = {e.iri for s in allocation.sections for e in s.entries if e.iri}
    assert named <= set(cited["iris"])
    assert "https://www.finops.org/framework/capabilities/allocation/" in cited["urls"]
    assert "https://www.finops.org/framework/persona/finance/" in cited["urls"]
    assert "https://www.finops.org/kpi/allocation-accuracy-index-aai/" in cited["urls"]


def test_derived_statements_are_listed_with_their_reason(allocation):
    derived = allocation.derived()
    sections = {item["section"] for item in derived}
    assert {"personas", "crosswalks", "related"} <= sections
    assert all(item["why"] for item in derived)
    markdown = allocation.markdown()
    assert "## What is derived, not official" in markdown
    assert f"*Derived, not official: {CROSSWALK}.*" in markdown


def test_every_card_ends_with_the_cc_by_attribution(allocation):
    assert "licensed under CC BY 4.0" in allocation.attribution
    assert allocation.licence == "https://creativecommons.org/licenses/by/4.0/"
    tail = allocation.markdown().rstrip().splitlines()[-1]
    assert tail.startswith("Content adapted from the FinOps Framework by the FinOps Foundation")
    assert "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)" in tail
    assert json.loads(allocation.to_json())["attribution"] == allocation.attribution


def test_the_public_api_gives_the_card():
    shown = finops_kg.card("Allocation")
    assert isinstance(shown, finops_kg.Card) and shown.iri == FID + "capability/allocation"
