"""The 2026 content: activities, maturity, measures, KPIs and links match the reference exactly."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib.namespace import RDF, SKOS

from finops_kg.namespace import FID, FO

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
