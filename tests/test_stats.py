"""Stats: coverage per capability equals the reference, and every content gap has a reason."""

from __future__ import annotations

import pytest

from finops_kg.stats import coverage, coverage_table, gap_table, gaps

import reference


@pytest.fixture(scope="module")
def rows(framework):
    return coverage(framework)


def test_coverage_has_every_current_capability(rows):
    assert len(rows) == 22


def test_coverage_counts_equal_the_reference(rows):
    pinned = reference.pinned()
    activities = sum(sum(r.activities_by_persona.values()) for r in rows)
    characteristics = sum(sum(r.characteristics_by_level.values()) for r in rows)
    assert activities == sum(pinned["activities"].values())
    assert characteristics == sum(pinned["characteristics"].values())
    assert sum(r.areas for r in rows) == sum(pinned["areas"].values())


def test_every_gap_has_a_stated_reason(framework):
    found = gaps(framework)
    assert found, "the KPI library has known gaps: the query should list them"
    assert [g for g in found if not g.reason] == []
    assert "NO REASON STATED" not in gap_table(found)


def test_known_gaps_are_listed(framework):
    found = {(g.check, g.subject) for g in gaps(framework)}
    assert ("kpi-without-formula", "fid:kpi/cache-hit-rate") in found
    assert ("persona-without-primary-goal", "fid:persona/security") in found


def test_coverage_table_is_aligned(rows):
    lines = coverage_table(rows).splitlines()
    assert lines[0].startswith("capability") and len(lines) == 24
    assert len({len(line) for line in lines[:2]}) == 1


@pytest.mark.parametrize("edition", ["2025", "2026"])
def test_the_summary_read_from_the_compiled_dataset_equals_one_from_the_sources(edition):
    import finops_kg
    from finops_kg.release.build import individuals_per_class
    from finops_kg.stats import coverage, gaps, summary

    counts, rows, found = summary(edition)
    asserted = finops_kg.load(edition)
    assert counts == individuals_per_class(finops_kg.load(edition, inferred=True))
    assert rows == coverage(asserted) and found == gaps(asserted)
