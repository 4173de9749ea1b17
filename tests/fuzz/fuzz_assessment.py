"""Fuzz target: reading a filled assessment workbook (.xlsx) or its CSV form (`assess import`).

The first byte picks the form: a CSV file of the bytes that follow; an .xlsx file of them; or
a well-formed workbook one of whose parts (the sheet, workbook or relationship XML...) is
replaced by the bytes after the second, which picks the part. read_assessment returns an
Assessment or raises InputError (AssessmentError lists bad cells); nothing else.
"""

from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["finops_kg"]):
    from finops_kg.assess.files import read_assessment, template_bytes
    from finops_kg.errors import InputError

sys.path.insert(0, str(Path(__file__).parent))
from common import fuzz  # noqa: E402

FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-assessment-"))


def filled_workbook() -> bytes:
    """The template for two capabilities, filled in as a user would."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template_bytes(
        "xlsx", capabilities=["Allocation", "Forecasting"], unit="https://example.org/units/cloud")))
    sheet = book["Assessment"]
    sheet["B3"] = "2026-06-30"
    sheet["B5"] = "https://example.org/people/ana; https://example.org/people/bo"
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, 1).value in ("Allocation", "Forecasting"):
            for column, value in zip(range(2, 11), (3, 2, 4, 1, 0, 3, "https://example.org/ev",
                                                    "Crawl", "Walk")):
                sheet.cell(row, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = filled_workbook()
with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as archive:
    PARTS = {info.filename: archive.read(info.filename) for info in archive.infolist()}
NAMES = sorted(PARTS)


def with_part(index: int, content: bytes) -> bytes:
    """The filled workbook with one part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in NAMES:
            archive.writestr(name, content if name == NAMES[index % len(NAMES)] else PARTS[name])
    return out.getvalue()


def test_one_input(data: bytes) -> None:
    form = data[0] % 3 if data else 0
    if form == 0:
        path, content = FOLDER / "filled.csv", data[1:]
    elif form == 1:
        path, content = FOLDER / "filled.xlsx", data[1:]
    else:
        path, content = FOLDER / "filled.xlsx", with_part(data[1] if len(data) > 1 else 0, data[2:])
    path.write_bytes(content)
    try:
        read_assessment(path)
    except InputError as error:
        assert str(error).startswith(str(path)) or f"{path.name}!" in str(error) \
            or "Assessment!" in str(error), error  # names the file, or the cell


if __name__ == "__main__":
    fuzz(test_one_input)
