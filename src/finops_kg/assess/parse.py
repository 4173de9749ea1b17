"""Turn the cells of an assessment sheet into an Assessment, with every bad cell a problem naming its address.

Each problem reads `Sheet!CELL: what is wrong`. All of them are collected and raised together as
one AssessmentError, so the user fixes the workbook in one pass; nothing is returned when any cell
is bad. A row whose cells after the capability are all empty is skipped: the template lists every
capability, and the ones not assessed stay empty.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from finops_kg.assess.cells import Cells, Formula
from finops_kg.assess.directory import Directory
from finops_kg.assess.framework import Terms, framework_terms
from finops_kg.assess.iris import is_iri, person_iri, valid_iri
from finops_kg.assess.layout import (
    ACHIEVED_COL,
    CAPABILITY_COL,
    COLUMNS,
    DATE_ROW,
    EDITION_ROW,
    EVIDENCE_COL,
    FIRST_ROW,
    GRID_HEADER_ROW,
    HEADER_LABELS,
    LENS_COLS,
    LENS_NAMES,
    MAX_SCORE,
    MAX_TARGET,
    PEOPLE_ROW,
    TARGET_COL,
    TARGET_LEVEL_COL,
    UNIT_ROW,
    WEIGHTS_ROW,
    WIDTH,
    cell,
    cell_range,
)
from finops_kg.assess.model import (
    Assessment,
    AssessmentError,
    CapabilityRow,
    Evidence,
    Person,
)
from finops_kg.graph.iris import DEFAULT_EDITION
from finops_kg.graph.resources import available_editions

_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
_NUMBER = re.compile(r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*")


def parse_assessment(cells: Cells, *, directory: Directory | None = None,
                     unit: str | None = None) -> Assessment:
    """Return the assessment the cells hold, or raise AssessmentError listing every bad cell.

    directory looks up units and people given by name; unit (an IRI or a name) overrides the
    sheet's unit cell, as --unit does.
    """
    return _Parser(cells, directory).parse(unit)


class _Parser:
    def __init__(self, cells: Cells, directory: Directory | None) -> None:
        self.cells = cells
        self.directory = directory
        self.problems: list[str] = list(cells.problems)

    def at(self, row: int, col: int) -> str:
        return cell(row, col, self.cells.sheet)

    def problem(self, row: int, col: int, text: str) -> None:
        self.problems.append(f"{self.at(row, col)}: {text}")

    def value(self, row: int, col: int) -> Any:
        """Return a cell's value; a formula is a problem, and then counts as no usable value."""
        value = self.cells.get(row, col)
        if isinstance(value, Formula):
            self.problem(row, col, f"formulas are not read; type the value instead of {value}")
            return _BAD
        return value

    def parse(self, unit_option: str | None) -> Assessment:
        for row, label in HEADER_LABELS.items():
            self.label(row, 1, label, "label")
        edition = self.edition()
        terms = framework_terms(edition or DEFAULT_EDITION)
        unit = self.unit(unit_option)
        date = self.date()
        people = self.people(unit)
        weights = self.weights()
        rows = self.rows(terms) if self.grid_header() else ()
        if self.problems:
            raise AssessmentError(self.cells.source, self.problems)
        assert unit is not None and date is not None
        return Assessment(unit, date, edition, people, weights, rows)

    def label(self, row: int, col: int, expected: str, what: str) -> bool:
        found = self.value(row, col)
        if found is _BAD:
            return False
        if found is None:
            self.problem(row, col, f"the {what} must be \"{expected}\"; the cell is empty")
            return False
        if _normal(str(found)) != _normal(expected):
            self.problem(row, col, f"the {what} must be \"{expected}\", not {_show(found)}")
            return False
        return True

    def grid_header(self) -> bool:
        """Check the grid's column headers; the rows are read only when they are all right."""
        results = [self.label(GRID_HEADER_ROW, col, COLUMNS[col - 1], "column header")
                   for col in range(1, WIDTH + 1)]
        return all(results)

    def edition(self) -> str | None:
        value = self.value(EDITION_ROW, 2)
        if value is None or value is _BAD:
            return None
        text = str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and float(value).is_integer() else str(value).strip()
        if text not in available_editions():
            self.problem(EDITION_ROW, 2, f"unknown edition {_show(value)}; the editions are "
                         + ", ".join(available_editions()) + " (empty: the current one)")
            return None
        return text

    def unit(self, option: str | None) -> str | None:
        if option is not None:
            return self.resolve_unit(option, "--unit")
        value = self.value(UNIT_ROW, 2)
        if value is _BAD:
            return None
        if value is None:
            self.problem(UNIT_ROW, 2, "the unit is missing; give the IRI or the name of the "
                         "organisation, org unit or scope assessed (or use --unit)")
            return None
        return self.resolve_unit(str(value).strip(), self.at(UNIT_ROW, 2))

    def resolve_unit(self, text: str, where: str) -> str | None:
        if is_iri(text):
            if not valid_iri(text):
                self.problems.append(f"{where}: \"{text}\" is not a valid IRI")
                return None
            if self.directory is not None and text not in self.directory.unit_iris:
                self.problems.append(f"{where}: the workspace has no organisation, org unit or "
                                     f"scope <{text}>; load the org chart first")
                return None
            return text
        if self.directory is None:
            self.problems.append(f"{where}: the unit \"{text}\" is a name; without a workspace to "
                                 "look it up in, give the unit's IRI")
            return None
        found = self.directory.units(text)
        if len(found) == 1:
            return found[0]
        if found:
            self.problems.append(f"{where}: the name \"{text}\" is shared by {len(found)} units ("
                                 + ", ".join(found) + "); give the IRI of the one assessed")
        else:
            self.problems.append(f"{where}: unknown unit \"{text}\""
                                 + _did_you_mean(self.directory.close_units(text))
                                 + "; load the org chart first, or give the unit's IRI")
        return None

    def date(self) -> datetime.date | None:
        value = self.value(DATE_ROW, 2)
        if value is _BAD:
            return None
        if value is None:
            self.problem(DATE_ROW, 2, "the date is missing; give the day of the assessment, "
                         "such as 2026-06-30")
            return None
        day = _as_date(value, self.cells.epoch)
        if day is None:
            self.problem(DATE_ROW, 2, f"the date must be a day such as 2026-06-30, not {_show(value)}")
        return day

    def people(self, unit: str | None) -> tuple[Person, ...]:
        value = self.value(PEOPLE_ROW, 2)
        if value is None or value is _BAD:
            return ()
        if not isinstance(value, str):
            self.problem(PEOPLE_ROW, 2, f"list the assessors and stakeholders by name or IRI, "
                         f"separated by semicolons, not {_show(value)}")
            return ()
        people: dict[str, Person] = {}
        for entry in (e.strip() for e in re.split(r"[;\n]", value)):
            if not entry:
                continue
            if is_iri(entry):
                if valid_iri(entry):
                    people.setdefault(entry, Person(entry))
                else:
                    self.problem(PEOPLE_ROW, 2, f"\"{entry}\" is not a valid IRI")
                continue
            found = self.directory.people(entry) if self.directory else []
            if len(found) > 1:
                self.problem(PEOPLE_ROW, 2, f"the name \"{entry}\" is shared by {len(found)} people ("
                             + ", ".join(iri for iri, _ in found) + "); give the IRI of the one meant")
            elif found:
                people.setdefault(found[0][0], Person(*found[0]))
            elif unit is not None:
                iri = person_iri(unit, entry)
                people.setdefault(iri, Person(iri, entry))
        return tuple(people[iri] for iri in sorted(people))

    def weights(self) -> tuple[Decimal, ...] | None:
        values = [self.value(WEIGHTS_ROW, col) for col in LENS_COLS]
        if all(v is None for v in values):
            return None  # the queries then count the five lenses equally
        weights = []
        for col, name, value in zip(LENS_COLS, LENS_NAMES, values):
            if value is _BAD:
                continue
            if value is None:
                self.problem(WEIGHTS_ROW, col, f"the {name} weight is missing; give all five lens "
                             "weights, or none to count the lenses equally")
                continue
            weight = _as_decimal(value)
            if weight is None or not 0 <= weight <= 100:
                self.problem(WEIGHTS_ROW, col, f"the {name} weight must be a number from 0 to "
                             f"100, not {_show(value)}")
                continue
            weights.append(weight)
        if len(weights) != len(LENS_COLS):
            return None
        if sum(weights) != 100:
            self.problems.append(f"{cell_range(WEIGHTS_ROW, LENS_COLS[0], LENS_COLS[-1], self.cells.sheet)}"
                                 f": the lens weights must total 100, not {_number(sum(weights))}")
            return None
        return tuple(weights)

    def rows(self, terms: Terms) -> tuple[CapabilityRow, ...]:
        rows: list[CapabilityRow] = []
        seen: dict[str, int] = {}
        for row in range(FIRST_ROW, self.cells.max_row + 1):
            if all(self.cells.get(row, col) is None for col in range(CAPABILITY_COL + 1, WIDTH + 1)):
                continue  # an empty row, or a capability left unassessed
            capability = self.capability(row, terms)
            scores = self.scores(row)
            target = self.integer(row, TARGET_COL, "the target", MAX_TARGET)
            evidence = self.evidence(row)
            achieved = self.level(row, ACHIEVED_COL, "achieved", terms)
            target_level = self.level(row, TARGET_LEVEL_COL, "target", terms)
            if capability is None:
                continue
            if capability.iri in seen:
                self.problem(row, CAPABILITY_COL, f"duplicate capability \"{capability.name}\", "
                             f"already on row {seen[capability.iri]}; give each capability one row")
                continue
            seen[capability.iri] = row
            if scores is _NONE and achieved is None:
                self.problems.append(
                    f"{cell_range(row, LENS_COLS[0], LENS_COLS[-1], self.cells.sheet)}: "
                    f"{capability.name} has no lens scores; give all five, or an achieved level")
                continue
            if scores is _BAD:
                continue
            rows.append(CapabilityRow(capability.iri, None if scores is _NONE else scores, target,
                                      evidence, achieved, target_level))
        if not rows and not self.problems:
            self.problems.append(f"{self.cells.sheet}: no capability is assessed; fill the lens "
                                 f"scores of at least one row from row {FIRST_ROW} on")
        return tuple(sorted(rows, key=lambda r: r.capability))  # as read back from RDF

    def capability(self, row: int, terms: Terms) -> Any:
        value = self.value(row, CAPABILITY_COL)
        if value is _BAD:
            return None
        if value is None:
            self.problem(row, CAPABILITY_COL, "the capability is missing; name the capability "
                         "this row scores")
            return None
        text = str(value).strip()
        found = next((c for c in terms.capabilities if c.iri == text), None) if is_iri(text) \
            else terms.find_capability(text)
        if found is None:
            close = terms.close_capabilities(text)
            self.problem(row, CAPABILITY_COL, f"unknown capability {_show(value)}" + (
                _did_you_mean(close) if close else
                f"; the Framework sheet lists the {terms.edition} edition's capabilities"))
        return found

    def scores(self, row: int) -> Any:
        """Return the five scores, _NONE when all are empty, or _BAD when one is bad."""
        values = [self.cells.get(row, col) for col in LENS_COLS]
        if all(v is None for v in values):
            return _NONE
        scores = []
        for col, name in zip(LENS_COLS, LENS_NAMES):
            if self.cells.get(row, col) is None:
                self.problem(row, col, f"{name} score is missing; a scored row needs all five "
                             f"lens scores, each an integer 0–{MAX_SCORE}")
                continue
            score = self.integer(row, col, f"{name} score", MAX_SCORE)
            if score is not None:
                scores.append(score)
        return tuple(scores) if len(scores) == len(LENS_COLS) else _BAD

    def integer(self, row: int, col: int, what: str, maximum: int) -> int | None:
        value = self.value(row, col)
        if value is None or value is _BAD:
            return None
        number = _as_integer(value)
        if number is None or not 0 <= number <= maximum:
            self.problem(row, col, f"{what} must be an integer 0–{maximum}, not {_show(value)}")
            return None
        return number

    def evidence(self, row: int) -> Evidence | None:
        value = self.value(row, EVIDENCE_COL)
        if value is None or value is _BAD:
            return None
        text = value.isoformat() if isinstance(value, (datetime.date, datetime.time)) else str(value)
        text = text.strip()
        return Evidence(text, valid_iri(text))

    def level(self, row: int, col: int, what: str, terms: Terms) -> str | None:
        value = self.value(row, col)
        if value is None or value is _BAD:
            return None
        iri = terms.find_level(str(value))
        if iri is None:
            names = [name for name, _ in terms.levels]
            self.problem(row, col, f"the {what} level must be {', '.join(names[:-1])} or "
                         f"{names[-1]}, not {_show(value)}")
        return iri


_BAD = object()  # a cell already reported
_NONE = object()  # a row without any lens score


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    return "; did you mean " + (names[0] if len(names) == 1
                                else ", ".join(names[:-1]) + " or " + names[-1]) + "?"


def _show(value: Any) -> str:
    """Return a cell's value as the message shows it: numbers bare, text in quotes."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return value.strip()  # a number typed as text, or read from a CSV file
    return '"' + str(value) + '"'


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral() \
            else str(int(value))
    return str(value)


def _as_integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the float: 33.33, not 33.3299999…
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _as_date(value: Any, epoch: datetime.datetime | None) -> datetime.date | None:
    """Return the day a cell holds: a date cell, an Excel serial number, or ISO text."""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer() or not 1 <= value <= 2958465:  # 9999-12-31
            return None
        from openpyxl.utils.datetime import from_excel

        day = from_excel(value, epoch) if epoch is not None else from_excel(value)
        return day.date() if isinstance(day, datetime.datetime) else day
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
