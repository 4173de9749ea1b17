"""One assessment as plain values, between the workbook and the triples, and the error that lists its bad cells."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from finops_kg.errors import InputError


@dataclass(frozen=True)
class Evidence:
    """What supports a row's scores: a link (an IRI) or a text."""

    value: str
    is_iri: bool


@dataclass(frozen=True)
class CapabilityRow:
    """One row of the grid: a capability's five lens scores, target, evidence and levels."""

    capability: str  # IRI
    scores: tuple[int, ...] | None  # the five lens scores in the lenses' order, or None
    target: int | None = None
    evidence: Evidence | None = None
    achieved_level: str | None = None  # IRI of a maturity level
    target_level: str | None = None


@dataclass(frozen=True)
class Person:
    """Someone associated with an assessment; a name given in the workbook is kept with the IRI."""

    iri: str
    name: str | None = None


@dataclass(frozen=True)
class Assessment:
    """One assessment of one unit on one day, with its capability rows."""

    unit: str  # IRI
    date: datetime.date
    edition: str | None  # None: the current edition
    people: tuple[Person, ...]
    weights: tuple[Decimal, ...] | None  # the five lens weights in the lenses' order, or None
    rows: tuple[CapabilityRow, ...]


class AssessmentError(InputError):
    """A workbook or CSV with bad cells: every problem, one per line; nothing was loaded."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:  # one line, as every other bad input is reported
            super().__init__(f"{source}: {problems[0]}; nothing was loaded")
            return
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__("\n".join([f"{source}: {count}; nothing was loaded:", *problems]))
