"""The 2026 content: activities, maturity, measures, KPIs and links match the reference exactly."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from finops_kg.graph.namespace import FID, FO

import reference


def slug(node) -> str:
    return str(node).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def counts(framework) -> dict:
    g = framework
    activities = Counter()
    for activity in g.subjects(RDF.type, FO.FunctionalActivity):
        capability = slug(g.value(activity, FO.activityOf))
        for who in [*g.objects(activity, FO.performedBy), *g.objects(activity, FO.addressedTo)]:
            activities[f"{capability} {slug(who)}"] += 1
    characteristics = Counter()
    for node in g.subjects(RDF.type, FO.MaturityCharacteristic):
        characteristics[f"{slug(g.value(node, FO.characterises))} {slug(g.value(node, FO.atLevel))}"] += 1
    measures = Counter(slug(g.value(n, FO.successMeasureOf))
                       for n in g.subjects(RDF.type, FO.MeasureOfSuccess))
    areas = Counter(slug(g.value(n, FO.areaOf)) for n in g.subjects(RDF.type, FO.CapabilityArea))
    return {"activities": activities, "characteristics": characteristics,
            "measures_of_success": measures, "areas": areas,
            "kpis": len(set(g.subjects(RDF.type, FO.KPI))),
            "capabilities": len(set(g.subjects(FO.inDomain, None)))}


@pytest.mark.parametrize("kind", ["activities", "characteristics", "areas", "kpis", "capabilities"])
def test_counts_equal_the_pinned_reference(counts, kind):
    expected = reference.pinned()[kind]
    if isinstance(expected, dict):
        assert dict(counts[kind]) == {k: v for k, v in expected.items() if v}
    else:
        assert counts[kind] == expected


def test_pinned_counts_equal_the_crawl():
    assert reference.counts_from_crawl() == reference.pinned()


def test_pinned_totals():
    pinned = reference.pinned()
    assert sum(pinned["activities"].values()) == 621
    assert sum(pinned["characteristics"].values()) == 487
    assert pinned["kpis"] == 88 and pinned["capabilities"] == 22


def test_measures_of_success_match_or_say_where_they_come_from(framework, counts):
    expected = reference.pinned()["measures_of_success"]
    for capability, number in expected.items():
        if number:
            assert counts["measures_of_success"][capability] == number, capability
        else:  # the crawl missed them; the fact sheet's list is used and says so
            node = next(framework.subjects(FO.successMeasureOf, FID[f"capability/{capability}"]))
            assert "fact sheet" in " ".join(map(str, framework.objects(node, None))).lower()


def test_involves_persona_is_entailed_for_exactly_the_pairs_with_an_activity(framework,
                                                                            framework_inferred):
    g = framework
    members = {m for m in g.objects(FID["persona-group/allied-personas"], FO.hasMember)}
    expected = set()
    for activity in g.subjects(RDF.type, FO.FunctionalActivity):
        capability = g.value(activity, FO.activityOf)
        expected |= {(capability, p) for p in g.objects(activity, FO.performedBy)}
        if (activity, FO.addressedTo, FID["persona-group/allied-personas"]) in g:
            expected |= {(capability, p) for p in members}
    assert set(framework_inferred.subject_objects(FO.involvesPersona)) == expected


def test_a_query_about_itam_finds_the_activities_addressed_to_the_allied_group(framework_inferred):
    itam = FID["persona/itam"]
    found = set(framework_inferred.subjects(FO.concernsPersona, itam))
    group = set(framework_inferred.subjects(FO.addressedTo, FID["persona-group/allied-personas"]))
    direct = set(framework_inferred.subjects(FO.performedBy, itam))
    assert group and direct and found == group | direct


def test_executive_heading_is_assigned_to_leadership(framework):
    esa = FID["capability/executive-strategy-alignment"]
    led = [a for a in framework.subjects(FO.activityOf, esa)
           if (a, FO.performedBy, FID["persona/leadership"]) in framework]
    assert led
    assert all("Executive" in str(framework.value(a, SKOS.editorialNote)) for a in led)


def test_budgeting_variance_targets_are_numbers(framework):
    rows = sorted(
        (framework.value(t, FO.atLevel), framework.value(t, FO.targetValue).toPython())
        for t in framework.subjects(FO.characterises, FID["capability/budgeting"])
        if (t, RDF.type, FO.MaturityTarget) in framework)
    assert [(slug(level), float(value)) for level, value in rows] == [
        ("crawl", 20.0), ("run", 12.0), ("walk", 15.0)]


def test_data_ingestion_daily_refresh_is_a_queryable_number(framework):
    rows = list(framework.query(
        """SELECT ?value ?unit ?comparator WHERE {
               ?target fo:characterises ?capability ; fo:metric ?metric ; fo:targetValue ?value ;
                       fo:unit ?unit ; fo:comparator ?comparator .
               FILTER NOT EXISTS { ?target fo:atLevel ?level }
           }""",
        initNs={"fo": FO},
        initBindings={"capability": FID["capability/data-ingestion"],
                      "metric": FID["metric/billing-data-refresh-frequency"]}))
    assert [(float(v), str(u).rsplit("/", 1)[-1], c) for v, u, c in rows] == [
        (1.0, "PER-DAY", FO.atLeast)]


def _text(graph, node, predicate) -> str:
    return " ".join(str(value) for value in graph.objects(node, predicate))


def test_paraphrases_keep_the_scope_of_their_source(framework):
    # The source speaks of sustainability in general, of cloud data, and gives no "inference"
    # example for Unit Economics; a paraphrase must neither narrow nor widen that.
    sustainability = _text(framework, FID["functional-activity/sustainability/engineering/2"],
                           RDFS.label).lower()
    assert "sustainability" in sustainability and "carbon" not in sustainability
    truth = _text(framework, FID["functional-activity/data-ingestion/leadership/2"],
                  RDFS.label).lower()
    assert "cloud" in truth and "technology" not in truth
    unit_economics = _text(framework, FID["capability/unit-economics"], SKOS.definition).lower()
    assert "inference" not in unit_economics and "token" in unit_economics


def test_a_domain_move_that_rests_on_the_merge_is_as_uncertain_as_the_merge(framework):
    changes = "edition-change/2025-2026/onboarding-workloads-"
    merge = framework.value(FID[changes + "merged-into"], FO.confidence)
    move = framework.value(FID[changes + "moved-domain"], FO.confidence)
    assert merge == FO.ThirdPartyOnly
    assert move == merge


@pytest.mark.parametrize(("source", "target"), [
    ("architecting-workload-placement", "licensing-saas"),  # "Architecting for Cloud" input
    ("budgeting", "executive-strategy-alignment"),          # budgeting strategy and ownership
    ("forecasting", "executive-strategy-alignment"),        # forecasting models and assumptions
    ("governance-policy-risk", "allocation"),               # align with Policy & Governance
])
def test_links_stated_in_inputs_and_outputs_are_recorded(framework, source, target):
    assert (FID[f"capability/{source}"], FO.providesInputTo, FID[f"capability/{target}"]) in framework


def test_allocation_is_not_said_to_feed_governance(framework):
    # The Allocation page asks Allocation to follow governance; nothing flows the other way.
    allocation, governance = FID["capability/allocation"], FID["capability/governance-policy-risk"]
    assert (allocation, FO.providesInputTo, governance) not in framework
    note = _text(framework, allocation, SKOS.editorialNote)
    assert "Governance, Policy & Risk" in note and "Inputs & Outputs" in note


@pytest.mark.parametrize(("source", "target"), [
    ("data-ingestion", "reporting-analytics"), ("reporting-analytics", "data-ingestion")])
def test_links_taken_from_a_definition_say_so(framework, source, target):
    subject, other = FID[f"capability/{source}"], FID[f"capability/{target}"]
    assert (subject, FO.providesInputTo, other) in framework
    other_name = str(framework.value(other, SKOS.prefLabel))
    notes = [str(n) for n in framework.objects(subject, SKOS.editorialNote)]
    assert any(other_name in n and "definition" in n and "Inputs & Outputs" in n for n in notes)


# Numbers that the 2026 pages give among a capability's measures of success, tied to no level:
# measure -> {(comparator, value, QUDT unit)}.
LEVEL_FREE_TARGETS = {
    "data-ingestion/1": {(FO.atLeast, 1, "PER-DAY")},
    "data-ingestion/8": {(FO.atMost, 1, "DAY"), (FO.atMost, 3, "DAY")},
    "data-ingestion/10": {(FO.atMost, 1, "DAY"), (FO.atMost, 3, "DAY")},
    "rate-optimization/2": {(FO.approximately, 80, "PERCENT")},
    "rate-optimization/3": {(FO.atLeast, 90, "PERCENT")},
    "rate-optimization/9": {(FO.greaterThan, 10, "PERCENT")},
    "rate-optimization/10": {(FO.atMost, 9, "MO")},
    "reporting-analytics/1": {(FO.greaterThan, 90, "PERCENT")},
}


def test_numbers_that_hold_at_every_level_are_level_free_targets(framework):
    found = {}
    for target, measure in framework.subject_objects(FO.quantifies):
        assert framework.value(target, FO.atLevel) is None, target
        capability = framework.value(measure, FO.successMeasureOf)
        assert framework.value(target, FO.characterises) == capability
        assert framework.value(target, DCTERMS.source) == framework.value(measure, DCTERMS.source)
        assert (framework.value(target, FO.metric), RDF.type, FO.Metric) in framework
        found.setdefault(str(measure).split("measure-of-success/")[1], set()).add((
            framework.value(target, FO.comparator),
            framework.value(target, FO.targetValue).toPython(),
            slug(framework.value(target, FO.unit))))
    assert found == LEVEL_FREE_TARGETS


def test_kpi_links_taken_from_a_capability_page_say_so(framework):
    library = {k["slug"]: k for k in reference.crawl("kpis")}
    from_a_page = []
    for kpi, capability in framework.subject_objects(FO.measures):
        if slug(capability) not in library[slug(kpi)]["related_capability_slugs"]:
            assert slug(capability) in library[slug(kpi)]["featured_on"], (kpi, capability)
            from_a_page.append((slug(kpi), slug(capability)))
            name = str(framework.value(capability, SKOS.prefLabel))
            notes = [str(n) for n in framework.objects(kpi, SKOS.editorialNote)]
            assert any("KPI library" in n and name in n and "feature" in n for n in notes), kpi
    assert sorted(from_a_page) == [
        ("cpi-cost-performance-indicator", "planning-estimating"),
        ("data-center-power-usage-effectiveness", "usage-optimization"),
        ("forecast-accuracy-rate-for-carbon-emissions", "forecasting"),
        ("optimizing-electricity-pue-wue-between-regions-or-cloud-service-providers",
         "usage-optimization")]


ASSESSMENT_REPOSITORY = URIRef(
    "https://github.com/finopsfoundation/frameworkassessment/blob/main/README.md")
# The step headings of the Foundation's assessment playbook, score 0 to 4, per lens.
LENS_STEPS = {
    "knowledge": ["No Knowledge", "Partial Knowledge", "Developing Knowledge", "Full Knowledge",
                  "Knowledge Leader"],
    "process": ["No Process", "Implementing Process", "Developing POC Process", "Scaled Process",
                "Mature (Agile) Process"],
    "metrics": ["No Metrics", "Identified Metrics", "Baselined Metrics",
                "Established & collecting Metric Targets data", "Mature, Global KPIs"],
    "adoption": ["No Adoption", "Siloed Adoption", "Initial Standardized Adoption", "Key Adoption",
                 "Full Adoption"],
    "automation": ["No Automation", "Identified Automation Opportunities",
                   "Experimental Automation", "Primary Automation", "Full Automation"],
}


def test_the_lenses_rest_on_the_foundations_assessment_repository(framework):
    lenses = sorted(framework.subjects(RDF.type, FO.AssessmentLens))
    assert [slug(lens) for lens in lenses] == sorted(LENS_STEPS)
    for lens in lenses:
        assert set(framework.objects(lens, DCTERMS.source)) == {ASSESSMENT_REPOSITORY}, lens
        assert set(framework.objects(lens, FO.confidence)) == {FO.SeenInFoundationRepository}
        assert framework.value(lens, SKOS.definition) is not None


def test_each_lens_has_its_five_named_score_steps(framework):
    steps = {}
    for step in framework.subjects(RDF.type, FO.LensScoreStep):
        lens = slug(framework.value(step, FO.lens))
        score = framework.value(step, FO.score).toPython()
        steps.setdefault(lens, {})[score] = str(framework.value(step, SKOS.prefLabel))
        assert step == FID[f"assessment-lens/{lens}/step/{score}"]
        assert set(framework.objects(step, DCTERMS.source)) == {ASSESSMENT_REPOSITORY}
        assert set(framework.objects(step, FO.confidence)) == {FO.SeenInFoundationRepository}
        assert (framework.value(step, SKOS.definition) is not None
                or framework.value(step, FO.contentGap) is not None), step
    assert {lens: [by_score[s] for s in sorted(by_score)] for lens, by_score in steps.items()} \
        == LENS_STEPS
    assert all(sorted(by_score) == [0, 1, 2, 3, 4] for by_score in steps.values())
