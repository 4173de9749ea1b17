"""Read the numbers the tests check from the July 2026 crawl in ../shared/reference/.

The crawl is reference material for developers, never shipped with the project. Tests that use
it skip where it is absent; the same numbers are pinned in tests/data/expected/crawl-counts.json.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

CRAWL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "finops-org-2026" / "framework" / "content"
PINNED = Path(__file__).parent / "data" / "expected" / "crawl-counts.json"


def pinned() -> dict:
    """Return the counts pinned as literals."""
    return json.loads(PINNED.read_text())


def crawl(name: str) -> list | dict:
    """Return one crawl file, or skip the test with a clear message where the crawl is absent."""
    path = CRAWL / f"{name}.json"
    if not path.exists():
        pytest.skip(f"the reference crawl is not at {CRAWL}; the pinned counts are still checked")
    return json.loads(path.read_text(encoding="utf-8"))


def performer(block: dict) -> str:
    """Return the persona slug, or 'allied-personas', that a functional-activity block is for."""
    persona = block.get("persona") or {}
    if persona.get("kind") == "allied-group":
        return "allied-personas"
    return persona["persona_slug"]


def counts_from_crawl() -> dict:
    """Return, from the crawl, the counts that the graph must match."""
    capabilities = crawl("capabilities")
    activities = Counter()
    characteristics = Counter()
    measures = Counter()
    areas = Counter()
    for capability in capabilities:
        slug = capability["slug"]
        for block in capability["functional_activities"]:
            activities[f"{slug} {performer(block)}"] += len(block["items"])
        for level, text in (capability["maturity_raw"] or {}).items():
            # Indented sub-bullets belong to the bullet above them.
            bullets = [line for line in text.splitlines() if line.startswith("- ")]
            characteristics[f"{slug} {level}"] += len(bullets)
        measures[slug] = len(capability["kpi_bullets"] or [])
        areas[slug] = len(capability["headline_groups"] or [])
    return {
        "activities": dict(sorted(activities.items())),
        "characteristics": dict(sorted(characteristics.items())),
        "measures_of_success": dict(sorted(measures.items())),
        "areas": dict(sorted(areas.items())),
        "kpis": len(crawl("kpis")),
        "capabilities": len(capabilities),
    }
