"""The file-level operations the command line calls: write a template, read a filled one, write an export."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from finops_kg.assess.cells import read_cells
from finops_kg.assess.directory import Directory
from finops_kg.assess.framework import Capability, Terms, framework_terms
from finops_kg.assess.iris import local_key
from finops_kg.assess.model import Assessment
from finops_kg.assess.parse import parse_assessment
from finops_kg.assess.write import assessment_grid, csv_bytes, workbook_bytes
from finops_kg.errors import InputError
from finops_kg.graph.iris import DEFAULT_EDITION

FORMATS = ("xlsx", "csv")


def format_of(path: Path) -> str:
    """Return xlsx or csv from a file's extension, or refuse any other extension."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError(f"{path}: the file must end in .xlsx (a workbook) or .csv (the "
                         "Assessment sheet alone)")
    return suffix


def choose_capabilities(terms: Terms, names: Sequence[str]) -> list[Capability]:
    """Return the capabilities named (all of the edition's when none is), or refuse an unknown one."""
    if not names:
        return list(terms.capabilities)
    chosen: list[Capability] = []
    for name in names:
        found = terms.find_capability(name)
        if found is None:
            close = terms.close_capabilities(name)
            raise InputError(f"--capability \"{name}\": no such capability in the {terms.edition} "
                             "edition" + (f"; did you mean {' or '.join(close)}?" if close else ""))
        if found not in chosen:
            chosen.append(found)
    order = {c.iri: i for i, c in enumerate(terms.capabilities)}
    return sorted(chosen, key=lambda c: order[c.iri])


def template_bytes(fmt: str, edition: str = DEFAULT_EDITION, capabilities: Sequence[str] = (),
                   unit: str | None = None) -> bytes:
    """Return an empty assessment as a workbook or as CSV, for an edition's capabilities."""
    terms = framework_terms(edition)
    chosen = choose_capabilities(terms, capabilities)
    grid = assessment_grid(terms, chosen, unit=unit)
    return workbook_bytes(terms, chosen, grid) if fmt == "xlsx" else csv_bytes(grid)


def read_assessment(path: Path, directory: Directory | None = None,
                    unit: str | None = None) -> Assessment:
    """Return the assessment a filled workbook or CSV holds; AssessmentError lists its bad cells."""
    format_of(path)
    return parse_assessment(read_cells(path), directory=directory, unit=unit)


def export_bytes(assessment: Assessment, fmt: str) -> bytes:
    """Return an assessment in the template's layout, as a workbook or as CSV."""
    terms = framework_terms(assessment.edition or DEFAULT_EDITION)
    grid = assessment_grid(terms, terms.capabilities, assessment)
    return workbook_bytes(terms, terms.capabilities, grid) if fmt == "xlsx" else csv_bytes(grid)


def export_name(assessment: Assessment, fmt: str) -> str:
    """Return the file name of one assessment in an export folder: unit key and day."""
    return f"{local_key(assessment.unit)}-{assessment.date.isoformat()}.{fmt}"


def resolve_units(value: str, directory: Directory | None) -> list[str]:
    """Return the unit IRIs that --unit names: an IRI, or a name the workspace knows."""
    from finops_kg.assess.iris import is_iri

    if is_iri(value):
        return [value]
    found = directory.units(value) if directory is not None else []
    if not found:
        close = directory.close_units(value) if directory is not None else []
        raise InputError(f"--unit \"{value}\": no unit of that name"
                         + (f"; did you mean {' or '.join(close)}?" if close else ""))
    return found
