"""The Acme enterprise example: org units reach capabilities through roles, a mapping and personas."""

from __future__ import annotations

import pytest

from finops_kg.graph import resources
from finops_kg.errors import FinopsKGError
from finops_kg.mapping.sssom import check
from finops_kg.sparql.query import query

from conftest import example_arguments

ACME = resources.resource_root() / "data" / "examples" / "acme"
UNIT = "https://example.org/acme/unit/"
ROLE = "https://example.org/acme/def#"
PERSONA = "https://w3id.org/finops-kg/id/persona/"
CAPABILITY = "https://w3id.org/finops-kg/id/capability/"


@pytest.fixture(scope="module")
def bridge() -> list[dict]:
    rows = query("org-units-by-capability", **example_arguments("org-units-by-capability"))
    return [{key: str(value) for key, value in row.items()} for row in rows.to_dicts()]


def test_the_role_mapping_passes_its_check_against_the_role_vocabulary():
    result = check(ACME / "roles.sssom.tsv", target=ACME / "roles.ttl")
    assert result.problems == []
    assert result.rows == 14


def test_a_unit_reaches_a_capability_through_each_role_its_people_hold(bridge):
    finance_budgeting = {row["role"].removeprefix(ROLE) for row in bridge
                         if row["unit"] == UNIT + "finance" and row["capability"] == CAPABILITY + "budgeting"}
    assert finance_budgeting == {"Controller", "FinancialPlanningAnalyst"}
    platform = [row for row in bridge if row["unit"] == UNIT + "cloud-platform"
                and row["capability"] == CAPABILITY + "allocation"]
    assert [(r["persona"], r["role"], r["match"], r["people"]) for r in platform] == [
        (PERSONA + "engineering", ROLE + "PlatformEngineer", "narrowMatch", "2")]


def test_the_activity_count_is_the_personas_activities_in_the_capability(bridge):
    activities = query("activities-of-a-persona-in-a-capability", persona="Engineering",
                       capability="Allocation").rows
    platform = next(row for row in bridge if row["unit"] == UNIT + "cloud-platform"
                    and row["capability"] == CAPABILITY + "allocation")
    assert int(platform["activities"]) == len(activities) > 0


def test_related_and_negative_matches_build_no_bridge(bridge):
    roles = {row["role"].removeprefix(ROLE) for row in bridge}
    assert "SecurityEngineer" not in roles  # only skos:relatedMatch to Security
    cfo_personas = {row["persona"] for row in bridge if row["role"] == ROLE + "ChiefFinancialOfficer"}
    assert cfo_personas == {PERSONA + "leadership"}  # "Not narrowMatch" to Finance


def test_an_allied_persona_reaches_the_activities_addressed_to_its_group(bridge):
    itam = {row["capability"].removeprefix(CAPABILITY) for row in bridge
            if row["persona"] == PERSONA + "itam"}
    performed = query("""
        PREFIX fo: <https://w3id.org/finops-kg/ontology#>
        SELECT DISTINCT ?capability WHERE { GRAPH ?g {
          ?activity fo:performedBy <https://w3id.org/finops-kg/id/persona/itam> ;
                    fo:activityOf ?capability } }""").rows
    assert {str(row[0]).removeprefix(CAPABILITY) for row in performed} < itam


def test_every_unit_with_a_mapped_role_appears_and_no_other(bridge):
    assert {row["unit"].removeprefix(UNIT) for row in bridge} == {
        "cloud-platform", "data-science", "executive-board", "finance", "finops-office",
        "online-store", "strategic-sourcing"}


def test_a_mapping_set_that_fails_its_check_is_refused_as_data(tmp_path):
    broken = tmp_path / "roles.sssom.tsv"
    text = (ACME / "roles.sssom.tsv").read_text(encoding="utf-8")
    broken.write_text(text.replace("fid:persona/product\t", "fid:persona/no-such-persona\t"),
                      encoding="utf-8")
    with pytest.raises(FinopsKGError, match="fails its check"):
        query("org-units-by-capability", data=[ACME / "people.ttl", broken])


def test_the_readme_commands_run_end_to_end(capsys):
    from finops_kg.cli import main

    assert main(["map", "check", str(ACME / "roles.sssom.tsv"), "--target",
                 str(ACME / "roles.ttl")]) == 0
    data = [arg for name in ("organization.ttl", "roles.ttl", "people.ttl", "roles.sssom.tsv")
            for arg in ("--data", str(ACME / name))]
    capsys.readouterr()
    assert main(["query", "org-units-by-capability", *data, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unit,unitName,capability,capabilityName,persona,role,match,people,activities"
    assert (f"{UNIT}finance,Corporate Finance,{CAPABILITY}budgeting,Budgeting,{PERSONA}finance,"
            f"{ROLE}Controller,narrowMatch,1,5") in lines
