"""The kinds of element that search reports and cards show, named after their classes."""

from __future__ import annotations

from finops_kg.errors import FinopsKGError

# Most specific class first: an element is of the first kind whose class it has (a KPI is also
# a metric, a core persona also a persona).
KINDS: dict[str, str] = {
    "Capability": "capability",
    "CorePersona": "persona",
    "AlliedPersona": "persona",
    "Persona": "persona",
    "PersonaGroup": "persona-group",
    "KPI": "kpi",
    "Metric": "metric",
    "FunctionalActivity": "activity",
    "MaturityCharacteristic": "maturity-characteristic",
    "MeasureOfSuccess": "measure-of-success",
    "MaturityTarget": "maturity-target",
    "CapabilityArea": "capability-area",
    "Domain": "domain",
    "Principle": "principle",
    "Phase": "phase",
    "MaturityLevel": "maturity-level",
    "TechnologyCategory": "technology-category",
    "IntersectingDiscipline": "intersecting-discipline",
    "AssessmentLens": "assessment-lens",
    "LensScoreStep": "lens-score-step",
    "EditionChange": "edition-change",
    "Scope": "scope",
    "Framework": "framework",
    "Edition": "edition",
}
TYPES: tuple[str, ...] = tuple(dict.fromkeys(KINDS.values()))

# The statements that belong to one capability: a match on them also counts for the capability.
CHILD_TYPES = frozenset({"activity", "maturity-characteristic", "measure-of-success",
                         "capability-area", "maturity-target"})

# Kinds whose skos:prefLabel reads as a sentence rather than a name.
SENTENCE_NAMED = frozenset({"edition-change", "maturity-target", "lens-score-step"})

ALIASES = {"functional-activity": "activity", "characteristic": "maturity-characteristic",
           "measure": "measure-of-success", "target": "maturity-target",
           "area": "capability-area", "level": "maturity-level",
           "category": "technology-category", "discipline": "intersecting-discipline",
           "lens": "assessment-lens", "change": "edition-change"}


class UnknownTypeError(FinopsKGError):
    """A type was asked for that no element has."""


def kind_of(classes: set[str]) -> str | None:
    """Return the kind of an element from the local names of its fo: classes, or None."""
    return next((KINDS[c] for c in KINDS if c in classes), None)


def element_type(name: str) -> str:
    """Return the type that name means (aliases allowed), or fail listing the types."""
    kind = ALIASES.get(name, name)
    if kind not in TYPES:
        raise UnknownTypeError(f"unknown type {name!r}; the types are: {', '.join(TYPES)}")
    return kind
