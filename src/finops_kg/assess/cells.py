"""Read the cells of an assessment workbook or its CSV form, each with its address, as they are typed.

A workbook is read with openpyxl in read-only mode and data_only=False, so that a formula shows
as a formula. Formulas are refused where the import reads a cell, never evaluated: a workbook that
openpyxl or another program wrote has no cached result to read, and one that Excel saved has the
result of Excel's last calculation, which need not match the cells beside it.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import join as zip_join
from typing import Any
from xml.etree import ElementTree

from finops_kg.assess.layout import (
    FRAMEWORK_SHEET,
    LENS_NAMES,
    RUBRIC_SHEET,
    SHEET,
    TITLE,
    WIDTH,
)
from finops_kg.errors import InputError


class Formula(str):
    """The text of a formula found in a cell, such as =SUM(B9:F9)."""


@dataclass
class Cells:
    """The non-empty cells of the Assessment sheet (or CSV), and what was wrong before parsing."""

    source: str  # the file, for the summary line of the problems
    sheet: str  # the name cell addresses start with: Assessment, or the CSV file's name
    values: dict[tuple[int, int], Any]  # (row, column) -> value; empty cells are absent
    max_row: int
    epoch: datetime.datetime | None = None  # the workbook's day 0, for dates typed as numbers
    problems: list[str] = field(default_factory=list)

    def get(self, row: int, col: int) -> Any:
        """Return the value of a cell, or None when it is empty."""
        return self.values.get((row, col))


def read_cells(path: Path) -> Cells:
    """Read an assessment from a workbook (.xlsx) or its CSV form (.csv)."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    return _read_workbook(path)


def _read_workbook(path: Path) -> Cells:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path}: not an Excel workbook (.xlsx): it is not a zip file")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, *_BROKEN) as error:
        raise InputError(f"{path}: not an Excel workbook (.xlsx): {_one_line(error)}") from None
    try:
        if SHEET not in book.sheetnames:
            raise InputError(f"{path}: no sheet named \"{SHEET}\"; the workbook has "
                             + ", ".join(repr(name) for name in book.sheetnames))
        cells = Cells(str(path), SHEET, {}, 0, epoch=book.epoch)
        cells.problems += _merged_problems(path)
        for name in book.sheetnames:
            if name not in (SHEET, FRAMEWORK_SHEET, RUBRIC_SHEET):
                row = _grid_header_row(book[name].iter_rows(max_row=40, max_col=WIDTH + 5,
                                                            values_only=True))
                if row is not None:
                    cells.problems.append(
                        f"{name}!A{row}: this sheet looks like a second assessment grid; a workbook "
                        f"holds one assessment, on the sheet \"{SHEET}\": move it to a workbook of "
                        "its own or delete the sheet")
        sheet = book[SHEET]
        sheet.reset_dimensions()  # the stored dimension may be missing or wrong: read every row
        for row in sheet.iter_rows(max_col=WIDTH):
            for cell in row:
                value = getattr(cell, "value", None)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if cell.data_type == "f":
                    value = Formula(getattr(value, "text", value))  # an array formula keeps its text
                cells.values[(cell.row, cell.column)] = value
                cells.max_row = max(cells.max_row, cell.row)
        return cells
    except _BROKEN as error:  # read-only mode parses each part only when it is read
        raise InputError(f"{path}: not a readable Excel workbook (.xlsx): "
                         f"{_one_line(error)}") from None
    finally:
        book.close()


# What openpyxl and zipfile raise on a workbook whose zip or XML parts are damaged; the XML
# parsers' errors (ElementTree's and lxml's) are SyntaxErrors.
_BROKEN = (KeyError, ValueError, TypeError, OSError, EOFError, zipfile.BadZipFile, zlib.error,
           SyntaxError)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _grid_header_row(rows: Any) -> int | None:
    """Return the number of the first row that reads like the grid's header, if any."""
    wanted = {name.casefold() for name in LENS_NAMES}
    for number, values in enumerate(rows, start=1):
        texts = {str(v).strip().casefold() for v in values if isinstance(v, str)}
        if "capability" in texts and len(texts & wanted) >= 3:
            return number
    return None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _merged_problems(path: Path) -> list[str]:
    """Return one problem per merged range of the Assessment sheet that touches columns A to J.

    openpyxl's read-only mode does not report merged cells, so the sheet's XML is read for them.
    """
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{_PACKAGE_REL}Relationship")}
        sheet_id = next((s.get(f"{_REL}id") for s in workbook.iter(f"{_MAIN}sheet")
                         if s.get("name") == SHEET), None)
        target = targets.get(sheet_id)
        if target is None:
            return []
        member = target.lstrip("/") if target.startswith("/") else zip_join("xl", target)
        problems = []
        with archive.open(member) as stream:
            for _, element in ElementTree.iterparse(stream):
                if element.tag == f"{_MAIN}mergeCell":
                    ref = element.get("ref", "")
                    if range_boundaries(ref)[0] <= WIDTH:
                        problems.append(f"{SHEET}!{ref}: merged cells are not read; unmerge them "
                                        "and type the value into each cell")
                element.clear()
    return problems


def _read_csv(path: Path) -> Cells:
    rows = read_csv_rows(path)
    cells = Cells(str(path), path.name, {}, 0)
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row[:WIDTH], start=1):
            if value.strip():
                cells.values[(number, col)] = value
                cells.max_row = number
    return cells


def read_csv_rows(path: Path) -> list[list[str]]:
    """Return a CSV file's rows; a byte-order mark is dropped, semicolons or tabs are sniffed."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte {error.start}); save it as CSV "
                         "UTF-8") from None
    first = text.split("\n", 1)[0]
    # Excel writes semicolons where the decimal separator is a comma: accept what the first line uses.
    delimiter = max((",", ";", "\t"), key=first.count)  # a tie (none at all) keeps the comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise InputError(f"{path}:{reader.line_num}: not a readable CSV file ({error})") from None


def is_assessment_csv(path: Path) -> bool:
    """Return whether a CSV file is an assessment grid: its first cell is the template's title."""
    try:
        head = path.read_bytes()[:200].decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return re.match(rf'\s*"?{re.escape(TITLE)}"?\s*([,;\t\r\n]|$)', head) is not None
