"""Where each thing sits in the assessment workbook and its CSV form: sheets, rows and columns.

The template, the import and the export all read these constants, so the three cannot drift
apart. The CSV form is the Assessment sheet cell for cell: line n is row n, field k column k.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.utils import get_column_letter

from finops_kg.graph.iris import ID_IRI

SHEET = "Assessment"
FRAMEWORK_SHEET = "Framework"
RUBRIC_SHEET = "Rubric"
TITLE = "FinOps assessment"  # cell A1; also how an assessment CSV is told from other CSVs

# The header block: a label in column A, its value in column B (the weights in B to F).
UNIT_ROW, DATE_ROW, EDITION_ROW, PEOPLE_ROW, WEIGHTS_ROW = 2, 3, 4, 5, 6
HEADER_LABELS = {
    UNIT_ROW: "Unit",
    DATE_ROW: "Date",
    EDITION_ROW: "Edition",
    PEOPLE_ROW: "Assessors and stakeholders",
    WEIGHTS_ROW: "Lens weights (total 100)",
}
GRID_HEADER_ROW = 8
FIRST_ROW = 9

# The five lenses in the Foundation's order: the key names the lens's IRI, the name its column.
LENS_KEYS = ("knowledge", "process", "metrics", "adoption", "automation")
LENS_NAMES = ("Knowledge", "Process", "Metrics", "Adoption", "Automation")
DEFAULT_WEIGHTS = tuple(Decimal(w) for w in (30, 25, 20, 20, 5))  # the playbook's example
MAX_SCORE, MAX_TARGET = 4, 20

CAPABILITY_COL = 1
LENS_COLS = tuple(range(2, 2 + len(LENS_KEYS)))  # B to F, under the weights of the same lens
TARGET_COL, EVIDENCE_COL, ACHIEVED_COL, TARGET_LEVEL_COL = 7, 8, 9, 10
COLUMNS = ("Capability", *LENS_NAMES, "Target", "Evidence", "Achieved level", "Target level")
WIDTH = len(COLUMNS)


def lens_iri(key: str) -> str:
    """Return the IRI of the lens with this key, such as knowledge."""
    return f"{ID_IRI}assessment-lens/{key}"


def cell(row: int, col: int, sheet: str = SHEET) -> str:
    """Return a cell's address as Sheet!A1, the way spreadsheet formulas write it."""
    return f"{sheet}!{get_column_letter(col)}{row}"


def cell_range(row: int, first: int, last: int, sheet: str = SHEET) -> str:
    """Return a range of cells in one row as Sheet!B6:F6."""
    return f"{sheet}!{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
