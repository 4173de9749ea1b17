"""Write the assessment workbook (Framework, Rubric and Assessment sheets) or its CSV form, empty or filled.

The template and the export share this code: the export is the template with an assessment's
values filled in. The bytes are the same on every run: the workbook's creation and change dates
are fixed, and so are the timestamps of the files inside its zip container.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from typing import Any, Sequence

from finops_kg.assess.framework import Capability, Terms
from finops_kg.assess.layout import (
    ACHIEVED_COL,
    CAPABILITY_COL,
    COLUMNS,
    DATE_ROW,
    DEFAULT_WEIGHTS,
    EDITION_ROW,
    EVIDENCE_COL,
    FIRST_ROW,
    FRAMEWORK_SHEET,
    GRID_HEADER_ROW,
    HEADER_LABELS,
    LENS_COLS,
    MAX_SCORE,
    MAX_TARGET,
    PEOPLE_ROW,
    RUBRIC_SHEET,
    SHEET,
    TARGET_COL,
    TARGET_LEVEL_COL,
    TITLE,
    UNIT_ROW,
    WEIGHTS_ROW,
    WIDTH,
)
from finops_kg.assess.model import Assessment

FIXED_TIME = datetime.datetime(2026, 1, 1)  # the workbook's dates, so two runs give the same bytes
ATTRIBUTION = ("The capabilities, lenses and step names are those of the FinOps Framework and the "
               "FinOps Foundation's assessment (© FinOps Foundation, CC BY 4.0, "
               "https://www.finops.org/framework/), adapted by finops-kg: the definitions are "
               "finops-kg's own summaries. Follow the links for the Foundation's pages.")


def assessment_grid(terms: Terms, capabilities: Sequence[Capability],
                    assessment: Assessment | None = None, unit: str | None = None) -> list[list[Any]]:
    """Return the Assessment sheet as rows of WIDTH values (None for an empty cell).

    Without an assessment it is the template: the unit given, the edition, the default weights
    and one empty row per capability. With one, the rows of the capabilities it assessed are
    filled, and those it assessed outside the list are added at the end under their IRIs.
    """
    grid: list[list[Any]] = [[None] * WIDTH for _ in range(FIRST_ROW - 1)]
    grid[0][0] = TITLE
    for row, label in HEADER_LABELS.items():
        grid[row - 1][0] = label
    for col, header in enumerate(COLUMNS, start=1):
        grid[GRID_HEADER_ROW - 1][col - 1] = header
    if assessment is None:
        grid[UNIT_ROW - 1][1] = unit
        grid[EDITION_ROW - 1][1] = terms.edition
        weights: Sequence[Decimal] | None = DEFAULT_WEIGHTS
        grid.extend(_row(c.name) for c in capabilities)
    else:
        grid[UNIT_ROW - 1][1] = assessment.unit
        grid[DATE_ROW - 1][1] = assessment.date
        grid[EDITION_ROW - 1][1] = assessment.edition
        grid[PEOPLE_ROW - 1][1] = "; ".join(p.name or p.iri for p in assessment.people) or None
        weights = assessment.weights
        by_capability = {row.capability: row for row in assessment.rows}
        listed = {c.iri for c in capabilities}
        for capability in capabilities:
            grid.append(_row(capability.name, by_capability.get(capability.iri), terms))
        grid.extend(_row(row.capability, row, terms) for row in assessment.rows
                    if row.capability not in listed)
    for col, weight in zip(LENS_COLS, weights or ()):
        grid[WEIGHTS_ROW - 1][col - 1] = weight
    return grid


def _row(name: str, row: Any = None, terms: Terms | None = None) -> list[Any]:
    values: list[Any] = [None] * WIDTH
    values[CAPABILITY_COL - 1] = name
    if row is None or terms is None:
        return values
    for col, score in zip(LENS_COLS, row.scores or ()):
        values[col - 1] = score
    values[TARGET_COL - 1] = row.target
    values[EVIDENCE_COL - 1] = row.evidence.value if row.evidence else None
    values[ACHIEVED_COL - 1] = terms.level_name(row.achieved_level) if row.achieved_level else None
    values[TARGET_LEVEL_COL - 1] = terms.level_name(row.target_level) if row.target_level else None
    return values


def csv_bytes(grid: list[list[Any]]) -> bytes:
    """Return the Assessment sheet as CSV: line n is row n, field k is column k."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in grid:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return out.getvalue().encode("utf-8")


def _text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def workbook_bytes(terms: Terms, capabilities: Sequence[Capability],
                   grid: list[list[Any]]) -> bytes:
    """Return the .xlsx workbook: the Assessment sheet of the grid, then Framework and Rubric."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _assessment_sheet(sheet, grid, terms)
    _framework_sheet(book.create_sheet(FRAMEWORK_SHEET), capabilities)
    _rubric_sheet(book.create_sheet(RUBRIC_SHEET), terms)
    book.properties.creator = "finops-kg"
    book.properties.title = TITLE
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue())


def _assessment_sheet(sheet: Any, grid: list[list[Any]], terms: Terms) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for number, values in enumerate(grid, start=1):
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral() else float(value)
            cell = sheet.cell(row=number, column=col, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            if col == EVIDENCE_COL and number >= FIRST_ROW:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    for row in HEADER_LABELS:
        sheet.cell(row=row, column=1).font = bold
    for col in range(1, WIDTH + 1):
        header = sheet.cell(row=GRID_HEADER_ROW, column=col)
        header.font, header.fill = bold, fill
    sheet.cell(row=DATE_ROW, column=2).number_format = "yyyy-mm-dd"
    sheet.cell(row=EDITION_ROW, column=2).number_format = "@"
    for letter, width in zip("ABCDEFGHIJ", (38, 12, 12, 12, 12, 12, 9, 60, 15, 15)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=2)

    last = max(len(grid), FIRST_ROW)
    weights = DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                             allow_blank=True, showErrorMessage=True, errorTitle="Lens weight",
                             error="A lens weight is a number from 0 to 100; the five total 100.")
    weights.add(f"B{WEIGHTS_ROW}:F{WEIGHTS_ROW}")
    sheet.add_data_validation(weights)
    for col, lens in zip(LENS_COLS, terms.lenses):
        letter = "ABCDEFGHIJ"[col - 1]
        steps = "; ".join(f"{score} {name}" for score, name in enumerate(lens.steps))
        scores = DataValidation(type="list", formula1=f'"{",".join(map(str, range(MAX_SCORE + 1)))}"',
                                allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                errorTitle=f"{lens.name} score",
                                error=f"A {lens.name} score is a whole number from 0 to {MAX_SCORE}.",
                                promptTitle=f"{lens.name} score"[:32], prompt=steps[:255])
        scores.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        sheet.add_data_validation(scores)
    target = DataValidation(type="whole", operator="between", formula1="0",
                            formula2=str(MAX_TARGET), allow_blank=True, showErrorMessage=True,
                            errorTitle="Target",
                            error=f"The target is the total aimed for, a whole number from 0 to {MAX_TARGET}.")
    target.add(f"G{FIRST_ROW}:G{last}")
    sheet.add_data_validation(target)
    levels = DataValidation(type="list", formula1='"' + ",".join(n for n, _ in terms.levels) + '"',
                            allow_blank=True, showErrorMessage=True, errorTitle="Maturity level",
                            error="A maturity level is one of " + ", ".join(n for n, _ in terms.levels))
    levels.add(f"I{FIRST_ROW}:J{last}")
    sheet.add_data_validation(levels)


def _framework_sheet(sheet: Any, capabilities: Sequence[Capability]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([ATTRIBUTION])
    sheet.append([])
    sheet.append(["Domain", "Capability", "Definition (finops-kg's summary)", "finops.org page",
                  "IRI"])
    for col in range(1, 6):
        sheet.cell(row=3, column=col).font = Font(bold=True)
    for capability in capabilities:
        sheet.append([capability.domain, capability.name, capability.definition,
                      capability.source or None, capability.iri])
        if capability.source:
            link = sheet.cell(row=sheet.max_row, column=4)
            link.hyperlink, link.style = capability.source, "Hyperlink"
        sheet.cell(row=sheet.max_row, column=3).alignment = Alignment(wrap_text=True,
                                                                      vertical="top")
    for letter, width in zip("ABCDE", (28, 34, 80, 60, 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"


def _rubric_sheet(sheet: Any, terms: Terms) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append(["Lens", "What it asks (finops-kg's summary)",
                  *(str(score) for score in range(MAX_SCORE + 1))])
    for col in range(1, MAX_SCORE + 4):
        sheet.cell(row=1, column=col).font = Font(bold=True)
    for lens in terms.lenses:
        sheet.append([lens.name, lens.definition, *lens.steps])
        for col in range(2, MAX_SCORE + 4):
            sheet.cell(row=sheet.max_row, column=col).alignment = Alignment(wrap_text=True,
                                                                            vertical="top")
    for letter, width in zip("ABCDEFG", (14, 60, 18, 18, 18, 22, 22)):
        sheet.column_dimensions[letter].width = width


def _fixed_times(data: bytes) -> bytes:
    """Return the zip with every member dated FIXED_TIME and the document's change date fixed."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets the change date on saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp + rb"\g<2>", content)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return out.getvalue()
