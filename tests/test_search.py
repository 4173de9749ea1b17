"""Ranked search: relevance on the evaluation set, typos, job titles, filters, editions, limits."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

import finops_kg
from finops_kg.answer import index as search_index
from finops_kg.answer.kinds import TYPES, UnknownTypeError
from finops_kg.answer.index import load_index
from finops_kg.answer.search import (MAX_LIMIT, MAX_QUERY_CHARS, Hit, SearchError, is_job_title,
                                     search)
from finops_kg.answer.text import tokens, words
from finops_kg.errors import UnknownEditionError
from finops_kg.graph.iris import ID_IRI, expand_curie

from conftest import DATA

EVAL = yaml.safe_load((DATA / "search-eval.yaml").read_text(encoding="utf-8"))
# Measured with benchmarks/bench_search.py: recall@1 0.846 (66), recall@3 0.936 (73) over 78
# questions. The floors are those figures: one question lost is a failure to look into.
RECALL_AT_1_FLOOR = 0.84
RECALL_AT_3_FLOOR = 0.93


def first(text: str, **options) -> Hit:
    hits = search(text, **options)
    assert hits, text
    return hits[0]


# --- relevance ------------------------------------------------------------------------------------

def test_the_evaluation_set_has_forty_questions_whose_answers_exist():
    assert len(EVAL) >= 40
    for case in EVAL:
        edition = case.get("edition", "2026")
        elements = {e.iri for e in search_index.load_index(edition).elements}
        assert expand_curie(case["expected"]) in elements, case


def test_recall_at_1_and_at_3_stay_above_their_floors():
    at1 = at3 = 0
    for case in EVAL:
        hits = [h.iri for h in search(case["question"], type=case.get("type"),
                                      edition=case.get("edition"), limit=3)]
        expected = expand_curie(case["expected"])
        at1 += hits[:1] == [expected]
        at3 += expected in hits
    assert at1 / len(EVAL) >= RECALL_AT_1_FLOOR, at1
    assert at3 / len(EVAL) >= RECALL_AT_3_FLOOR, at3


@pytest.mark.parametrize(("text", "expected"), [
    ("alocation", "capability/allocation"),
    ("forcasting", "capability/forecasting"),
    ("anomaly managment", "capability/anomaly-management"),
])
def test_a_misspelt_word_finds_the_element(text, expected):
    hit = first(text)
    assert hit.iri == ID_IRI + expected and hit.type == "capability"
    assert "**" in hit.snippet  # the corrected word is marked in the snippet


@pytest.mark.parametrize(("title", "persona", "role"), [
    ("cloud architect", "engineering", "Architect"),
    ("CFO", "leadership", "CFO"),
    ("procurement analyst", "procurement", "Procurement Analyst"),
    ("software asset manager", "itam", "Software Asset Manager"),
])
def test_a_job_title_finds_its_persona(title, persona, role):
    hit = first(title)
    assert (hit.type, hit.iri) == ("persona", f"{ID_IRI}persona/{persona}")
    assert hit.field == "role" and role in hit.snippet.replace("**", "")


def test_a_question_that_ends_like_a_job_title_is_not_read_as_one():
    # "Security Assessment" is a job title of Security's, but this asks about the capability
    assert is_job_title(load_index("2026"), "run a FinOps maturity assessment")
    hits = search("run a FinOps maturity assessment", limit=3)
    assert hits[0].iri == ID_IRI + "capability/finops-assessment"
    assert ID_IRI + "persona/security" not in [h.iri for h in hits]


def test_an_acronym_in_capitals_is_a_word_not_a_stopword():
    assert words("IT is US-based") == ["IT", "is", "US", "based"]
    assert tokens("it is") == [] and tokens("IT Asset Manager") == ["IT", "asset", "manag"]
    hit = first("IT financial management", type="intersecting-discipline")
    assert hit.iri == ID_IRI + "intersecting-discipline/it-financial-management"
    assert hit.snippet.startswith("**IT** **Financial** **Management**")
    assert first("IT asset manager").iri == ID_IRI + "persona/itam"


def test_a_practitioners_question_finds_the_capability_and_says_why():
    hit = first("how do we split the shared Kubernetes bill across teams")
    assert hit.iri == ID_IRI + "capability/allocation"
    assert hit.source == "https://www.finops.org/framework/capabilities/allocation/"
    assert "**shared**" in hit.snippet


def test_an_activity_hit_names_its_capability_and_persona():
    hits = search("percentage split for each shared cost item", type="activity", limit=1)
    assert hits[0].iri == ID_IRI + "functional-activity/allocation/finance/2"
    assert (hits[0].capability, hits[0].capability_name) == (
        ID_IRI + "capability/allocation", "Allocation")
    assert (hits[0].persona_name, hits[0].field) == ("Finance", "statement")


def test_the_capability_ranks_high_when_its_statements_match():
    # no capability is named so: the words are in Allocation's activities and characteristics
    capabilities = search("untagged accounts owners metadata compliance", type="capability")
    assert capabilities[0].iri == ID_IRI + "capability/allocation"


def test_former_names_and_the_2025_edition():
    renamed = first("Workload Optimization")
    assert (renamed.iri, renamed.name, renamed.field) == (
        ID_IRI + "capability/usage-optimization", "Usage Optimization", "alt")
    old = first("Workload Optimization", edition="2025")
    assert (old.iri, old.name, old.field, old.edition) == (
        ID_IRI + "capability/usage-optimization", "Workload Optimization", "name", "2025")
    assert first("Cloud Sustainability", edition="2025").name == "Cloud Sustainability"


def test_kpi_formulas_data_sources_and_crosswalk_targets_are_searched():
    formula = search("Active Users / Provisioned Users", type="kpi", limit=1)[0]
    assert formula.iri == ID_IRI + "kpi/active-to-provisioned-user-ratio"
    source = search("identity and access management systems", type="kpi", limit=3)
    assert ID_IRI + "kpi/active-to-provisioned-user-ratio" in [h.iri for h in source]
    crosswalk = first("Managed Availability and Capacity")
    assert (crosswalk.iri, crosswalk.field) == (ID_IRI + "capability/usage-optimization",
                                                "crosswalk")


# --- filters and limits ---------------------------------------------------------------------------

def test_the_type_filter_keeps_one_type_and_takes_aliases():
    hits = search("Sustainability", type="persona")
    assert hits and {h.type for h in hits} == {"persona"}
    assert hits[0].iri == ID_IRI + "persona/sustainability"
    assert {h.type for h in search("allocation", type="characteristic")} == {
        "maturity-characteristic"}
    assert search("Sustainability")[0].type == "capability"  # unfiltered, the name ranks first


def test_an_unknown_type_lists_the_types():
    with pytest.raises(UnknownTypeError, match=r"^unknown type 'personas'; the types are: "
                                               r"capability, persona, "):
        search("x", type="personas")
    assert "maturity-level" in TYPES and "technology-category" in TYPES


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_query_is_refused(text):
    with pytest.raises(SearchError, match="^the search text is empty"):
        search(text)


@pytest.mark.parametrize(("limit", "ok"), [(0, False), (1, True), (MAX_LIMIT, True),
                                           (MAX_LIMIT + 1, False)])
def test_the_limit_is_bounded(limit, ok):
    if ok:
        assert 1 <= len(search("cost", limit=limit)) <= limit
    else:
        with pytest.raises(SearchError, match=f"^limit must be between 1 and {MAX_LIMIT}"):
            search("cost", limit=limit)


def test_a_10_kb_query_is_cut_and_stays_fast():
    long = "allocation " + "zqxj " * 2600
    assert len(long) > 10_000
    start = time.perf_counter()
    hits = search(long)
    assert time.perf_counter() - start < 1.0
    assert hits[0].iri == ID_IRI + "capability/allocation"
    word = "Allocation"
    inside = " " * (MAX_QUERY_CHARS - len(word)) + word  # the last word that is read
    assert first(inside).iri == ID_IRI + "capability/allocation"
    assert search(" " * MAX_QUERY_CHARS + word) == []  # the first word past the cut


def test_words_the_index_does_not_know_give_no_hits():
    assert search("zqxjv wvkpq") == []


def test_an_unknown_edition_is_refused():
    with pytest.raises(UnknownEditionError, match="unknown edition '2031'"):
        search("allocation", edition="2031")


def test_results_are_deterministic_and_the_public_api_finds_them():
    assert finops_kg.search("budget owner", limit=5) == search("budget owner", limit=5)
    hit = finops_kg.search("Allocation", limit=1)[0]
    assert isinstance(hit, finops_kg.Hit) and hit.to_dict()["iri"] == hit.iri


def test_the_public_api_exports_search_and_card_with_stable_signatures():
    import inspect

    from finops_kg.answer.card import card

    assert {"search", "Hit", "card", "Card"} <= set(finops_kg.__all__)
    assert finops_kg.search is search and finops_kg.card is card
    # the MCP server and other callers rely on these parameters
    assert list(inspect.signature(search).parameters) == ["text", "type", "edition", "limit"]
    assert list(inspect.signature(card).parameters) == ["name_or_iri", "edition", "type"]
    assert inspect.signature(card).parameters["type"].kind is inspect.Parameter.KEYWORD_ONLY
    for function in (search, card):
        assert function.__doc__ and function.__doc__.splitlines()[0].endswith(".")
        assert all(p.annotation is not inspect.Parameter.empty
                   for p in inspect.signature(function).parameters.values())


# --- the cached index -----------------------------------------------------------------------------

def test_the_index_is_saved_and_read_back_whole(tmp_path):
    from finops_kg.release.compiled import open_dataset

    built = search_index.build_index(open_dataset(), "2025")
    search_index.save_index(built, tmp_path)
    read = search_index.read_index(tmp_path)
    assert read.elements == built.elements and read.doc_text == built.doc_text
    assert read.retriever.vocab_dict == built.retriever.vocab_dict
    assert search_index.index_folder("2025").name.startswith("search-2025-")


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(search_index, "cache_dir", lambda: blocker / "cache")
    search_index.forget_loaded()
    try:
        index = search_index.load_index("2025")
        assert index.elements and not (blocker / "cache").exists()
    finally:
        search_index.forget_loaded()


def test_the_command_says_when_it_builds_the_index(tmp_path, monkeypatch, capsys):
    from finops_kg.cli import main

    monkeypatch.setattr(search_index, "cache_dir", lambda: tmp_path)
    search_index.forget_loaded()
    try:
        assert not search_index.index_is_ready("2025")
        assert main(["search", "Cloud Sustainability", "--edition", "2025", "--limit", "1"]) == 0
        assert capsys.readouterr().err == ("finops-kg: building the search index of edition "
                                           "2025 (once per dataset, a few seconds)\n")
        assert search_index.index_is_ready("2025")
        assert (search_index.index_folder("2025") / "index.json").is_file()
        search_index.forget_loaded()
        assert main(["search", "Cloud Sustainability", "--edition", "2025", "--limit", "1"]) == 0
        assert capsys.readouterr().err == ""  # read from the cache folder this time
    finally:
        search_index.forget_loaded()


# --- the command ----------------------------------------------------------------------------------

def test_search_command_prints_table_csv_and_json(capsys):
    from finops_kg.cli import main

    assert main(["search", "CFO", "--limit", "2"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["score", "type", "name", "capability", "match"]
    assert table[2].split()[1:3] == ["persona", "Leadership"]
    assert main(["search", "cloud", "architect", "--format", "csv", "--limit", "1"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split(",")[:4] == ["type", "iri", "name", "snippet"]
    assert row.startswith(f"persona,{ID_IRI}persona/engineering,Engineering,")
    assert main(["search", "alocation", "--type", "kpi", "--format", "json", "--limit", "1"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["query"], document["type"]) == ("alocation", "kpi")
    assert document["hits"][0]["iri"] == ID_IRI + "kpi/allocation-accuracy-index-aai"


def test_the_table_cuts_long_matches_without_breaking_their_marks(capsys):
    from finops_kg.cli import main

    assert main(["search", "how do we split the shared Kubernetes bill across teams"]) == 0
    lines = capsys.readouterr().out.splitlines()[2:]
    assert len(lines) == 10 and any(line.endswith("…") for line in lines)
    for line in lines:
        assert line.count("**") % 2 == 0 and not line.endswith("*…"), line


@pytest.mark.parametrize(("args", "message"), [
    (["search", " "], "the search text is empty: give a name, a job title or a question"),
    (["search", "x", "--limit", "0"], "limit must be between 1 and 100, not 0"),
    (["search", "x", "--limit", "-5"], "limit must be between 1 and 100, not -5"),
    (["search", "x", "--type", "personas"], "unknown type 'personas'; the types are: "
                                            + ", ".join(TYPES)),
    (["search", "x", "--edition", "2031"], "unknown edition '2031'; the editions are: 2025, 2026"),
])
def test_search_command_bad_input_is_one_line(args, message, capsys):
    from finops_kg.cli import main

    assert main(args) == 2
    assert capsys.readouterr().err == f"finops-kg: error: {message}\n"


def test_no_match_says_so_on_stderr(capsys):
    from finops_kg.cli import main

    load_index("2026")  # built already: no note that it is being built
    assert main(["search", "zqxjv"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "finops-kg: no element matches 'zqxjv' in edition 2026\n"
    assert len(captured.out.splitlines()) == 2  # the header and its rule


def test_the_search_path_loads_no_rdflib():
    import subprocess
    import sys

    code = ("import sys; from finops_kg.answer.search import search; search('allocation'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rdflib'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).parent, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr
