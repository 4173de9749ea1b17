"""Assessment workbooks: the template, every kind of bad cell, the CSV form, export round trips, org CSVs."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyoxigraph
import pytest

from finops_kg.cli import main

UNIT = "https://example.org/acme/unit/cloud-platform"
ASSESSMENT = "https://example.org/acme/assessment/cloud-platform/2026-06-30"
FO = "https://w3id.org/finops-kg/ontology#"
CAPABILITIES = ("Allocation", "Anomaly Management", "Budgeting")
# The template lists capabilities by domain, then name: Budgeting (Quantify Business Value) on
# row 9, Allocation and Anomaly Management (Understand Usage & Cost) on rows 10 and 11.
FILLED = {
    "B2": UNIT, "B3": datetime.date(2026, 6, 30), "B5": "Ana Lima; Chen Wei",
    "B9": 2, "C9": 2, "D9": 1, "E9": 1, "F9": 0, "G9": 10,
    "H9": "Budgets are reviewed monthly with Finance.",
    "B10": 3, "C10": 2, "D10": 2, "E10": 2, "F10": 1, "G10": 12,
    "H10": "https://example.org/acme/wiki/finops/tagging-policy",
}  # row 11, Anomaly Management, stays empty: not assessed
ACME = Path(__file__).resolve().parent.parent / "data" / "examples" / "acme"


@pytest.fixture()
def run(capsys):
    """Run the command line in this process; return its exit code, stdout and stderr."""
    def call(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err
    return call


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    assert main(["assess", "template", "--out", str(path),
                 *[arg for name in CAPABILITIES for arg in ("--capability", name)]]) == 0
    return path


def fill(template: Path, target: Path, cells: dict | None = None, edit=None) -> Path:
    """The template filled as FILLED, then the given cells set (None empties one)."""
    book = openpyxl.load_workbook(template)
    sheet = book["Assessment"]
    for ref, value in {**FILLED, **(cells or {})}.items():
        sheet[ref] = value
    if edit is not None:
        edit(book)
    book.save(target)
    return target


def triples(data: bytes) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object))
            for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)}


def imported(run, path: Path, *extra: object) -> bytes:
    out = path.with_name(path.name + ".nt")
    code, _, err = run("assess", "import", path, "--out", out, *extra)
    assert code == 0, err
    return out.read_bytes()


def refused(run, path: Path, *extra: object) -> list[str]:
    """Import and expect a refusal: exit 2, nothing written; return the problem lines."""
    out = path.with_name(path.name + ".nt")
    code, stdout, err = run("assess", "import", path, "--out", out, *extra)
    assert code == 2, err
    assert not out.exists() and stdout == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    if len(lines) == 1:  # one problem: one line
        assert lines[0].startswith(f"finops-kg: error: {path}: ")
        assert lines[0].endswith("; nothing was loaded")
        return [lines[0][len(f"finops-kg: error: {path}: "):-len("; nothing was loaded")]]
    assert lines[0].startswith(f"finops-kg: error: {path}: {len(lines) - 1} problems")
    assert lines[0].endswith("; nothing was loaded:")
    return lines[1:]


# --- the template -------------------------------------------------------------------------------

def test_the_template_has_the_three_sheets_and_the_same_bytes_every_time(run, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("assess", "template", "--out", first, "--unit", "Cloud Platform team")[0] == 0
    assert run("assess", "template", "--out", second, "--unit", "Cloud Platform team")[0] == 0
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(first)
    assert book.sheetnames == ["Assessment", "Framework", "Rubric"]
    sheet = book["Assessment"]
    assert [sheet.cell(row=r, column=1).value for r in range(1, 7)] == [
        "FinOps assessment", "Unit", "Date", "Edition", "Assessors and stakeholders",
        "Lens weights (total 100)"]
    assert sheet["B2"].value == "Cloud Platform team" and sheet["B4"].value == "2026"
    assert [c.value for c in sheet[6]][1:6] == [30, 25, 20, 20, 5]
    assert [c.value for c in sheet[8]] == ["Capability", "Knowledge", "Process", "Metrics",
                                          "Adoption", "Automation", "Target", "Evidence",
                                          "Achieved level", "Target level"]
    names = [sheet.cell(row=r, column=1).value for r in range(9, sheet.max_row + 1)]
    assert len(names) == 22 and names[0] == "Automation, Tools, & Services"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["D9:D30"].formula1 == '"0,1,2,3,4"'
    assert validations["D9:D30"].prompt.startswith("0 No Metrics; 1 Identified Metrics")
    assert (validations["G9:G30"].type, validations["G9:G30"].formula2) == ("whole", "20")
    assert validations["I9:J30"].formula1 == '"Crawl,Walk,Run"'
    framework = book["Framework"]
    assert [c.value for c in framework[3]] == ["Domain", "Capability",
                                              "Definition (finops-kg's summary)",
                                              "finops.org page", "IRI"]
    rows = {row[1]: row for row in framework.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 22
    assert rows["Allocation"][0] == "Understand Usage & Cost"
    assert rows["Allocation"][3] == "https://www.finops.org/framework/capabilities/allocation/"
    assert framework["D4"].hyperlink.target.startswith("https://www.finops.org/framework/")
    rubric = {row[0]: row[2:] for row in book["Rubric"].iter_rows(min_row=2, values_only=True)}
    assert rubric["Knowledge"] == ("No Knowledge", "Partial Knowledge", "Developing Knowledge",
                                   "Full Knowledge", "Knowledge Leader")
    assert rubric["Automation"][4] == "Full Automation"
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_the_template_takes_chosen_capabilities_and_refuses_an_unknown_one(run, template,
                                                                            tmp_path):
    sheet = openpyxl.load_workbook(template)["Assessment"]
    assert [sheet.cell(row=r, column=1).value for r in (9, 10, 11)] == [
        "Budgeting", "Allocation", "Anomaly Management"]
    assert sheet.max_row == 11
    code, _, err = run("assess", "template", "--out", tmp_path / "t.xlsx",
                       "--capability", "Alocation")
    assert code == 2 and not (tmp_path / "t.xlsx").exists()
    assert err == ('finops-kg: error: --capability "Alocation": no such capability in the 2026 '
                   "edition; did you mean Allocation?\n")


def test_the_csv_template_is_the_assessment_sheet_cell_for_cell(run, tmp_path):
    path = tmp_path / "t.csv"
    assert run("assess", "template", "--out", path, "--edition", "2025",
               "--capability", "Allocation")[0] == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows == [
        ["FinOps assessment"] + [""] * 9,
        ["Unit"] + [""] * 9,
        ["Date"] + [""] * 9,
        ["Edition", "2025"] + [""] * 8,
        ["Assessors and stakeholders"] + [""] * 9,
        ["Lens weights (total 100)", "30", "25", "20", "20", "5", "", "", "", ""],
        [""] * 10,
        ["Capability", "Knowledge", "Process", "Metrics", "Adoption", "Automation", "Target",
         "Evidence", "Achieved level", "Target level"],
        ["Allocation"] + [""] * 9,
    ]
    code, _, err = run("assess", "template", "--out", tmp_path / "t.ods")
    assert code == 2 and "must end in .xlsx (a workbook) or .csv" in err


# --- a clean import -----------------------------------------------------------------------------

def test_a_filled_workbook_becomes_the_assessment_model(run, template, tmp_path):
    data = imported(run, fill(template, tmp_path / "q2.xlsx"))
    assert data == imported(run, fill(template, tmp_path / "again.xlsx"))  # stable IRIs and order
    found = triples(data)
    a, budgeting = f"<{ASSESSMENT}>", f"<{ASSESSMENT}/budgeting>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert {
        (a, rdf_type, f"<{FO}Assessment>"),
        (a, f"<{FO}assessedUnit>", f"<{UNIT}>"),
        (a, "<http://purl.org/dc/terms/date>", f'"2026-06-30"^^<{xsd}date>'),
        (a, f"<{FO}inEdition>", "<https://w3id.org/finops-kg/id/edition/2026>"),
        (a, "<http://www.w3.org/ns/prov#wasAssociatedWith>",
         "<https://example.org/acme/person/ana-lima>"),
        ("<https://example.org/acme/person/ana-lima>", "<http://xmlns.com/foaf/0.1/name>",
         '"Ana Lima"'),
        (f"<{ASSESSMENT}/weight/knowledge>", f"<{FO}weight>", f'"30.0"^^<{xsd}decimal>'),
        (f"<{ASSESSMENT}/weight/automation>", f"<{FO}weight>", f'"5.0"^^<{xsd}decimal>'),
        (budgeting, rdf_type, f"<{FO}CapabilityAssessment>"),
        (budgeting, f"<{FO}partOfAssessment>", a),
        (budgeting, f"<{FO}assessedUnit>", f"<{UNIT}>"),
        (budgeting, f"<{FO}assessedCapability>", "<https://w3id.org/finops-kg/id/capability/budgeting>"),
        (budgeting, f"<{FO}hasLensScore>", f"<{ASSESSMENT}/budgeting/metrics>"),
        (f"<{ASSESSMENT}/budgeting/metrics>", f"<{FO}lens>",
         "<https://w3id.org/finops-kg/id/assessment-lens/metrics>"),
        (f"<{ASSESSMENT}/budgeting/metrics>", f"<{FO}score>", f'"1"^^<{xsd}integer>'),
        (budgeting, f"<{FO}targetScore>", f'"10"^^<{xsd}integer>'),
        (budgeting, f"<{FO}evidence>", '"Budgets are reviewed monthly with Finance."'),
        (f"<{ASSESSMENT}/allocation>", f"<{FO}evidence>",
         "<https://example.org/acme/wiki/finops/tagging-policy>"),
    } <= found
    assessed = {s for s, p, o in found if o == f"<{FO}CapabilityAssessment>"}
    assert assessed == {budgeting, f"<{ASSESSMENT}/allocation>"}  # the empty row is skipped
    assert len({s for s, p, o in found if o == f"<{FO}LensScore>"}) == 10


@pytest.mark.parametrize(("cells", "check"), [
    ({"B10": 4, "C10": 4, "D10": 4, "E10": 4, "F10": 4}, ("allocation/knowledge", "4")),
    ({"B10": 0}, ("allocation/knowledge", "0")),
    ({"C10": "3"}, ("allocation/process", "3")),  # a score typed as text
    ({"D10": 3.0}, ("allocation/metrics", "3")),
    ({"G10": 20}, ("allocation", "20")),
    ({"G10": 0}, ("allocation", "0")),
])
def test_scores_and_targets_at_their_limits_are_accepted(run, template, tmp_path, cells, check):
    found = triples(imported(run, fill(template, tmp_path / "ok.xlsx", cells)))
    node, value = check
    predicate = f"<{FO}targetScore>" if "/" not in node else f"<{FO}score>"
    assert (f"<{ASSESSMENT}/{node}>", predicate,
            f'"{value}"^^<http://www.w3.org/2001/XMLSchema#integer>') in found


@pytest.mark.parametrize("date", [
    datetime.datetime(2026, 6, 30),  # a date cell
    46203,  # the same day as an Excel serial number in a General cell
    "2026-06-30",  # ISO text
])
def test_a_date_may_be_a_date_cell_a_serial_number_or_iso_text(run, template, tmp_path, date):
    def general(book):  # the template formats B3 as a date, which openpyxl reads as one
        book["Assessment"]["B3"].number_format = "General"
    found = triples(imported(run, fill(template, tmp_path / "d.xlsx", {"B3": date}, general)))
    assert (f"<{ASSESSMENT}>", "<http://purl.org/dc/terms/date>",
            '"2026-06-30"^^<http://www.w3.org/2001/XMLSchema#date>') in found


def test_weights_may_be_decimals_totalling_100_or_all_empty(run, template, tmp_path):
    decimals = {"B6": 33.33, "C6": 33.33, "D6": "33.34", "E6": 0, "F6": 0}
    found = triples(imported(run, fill(template, tmp_path / "w.xlsx", decimals)))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert (f"<{ASSESSMENT}/weight/metrics>", f"<{FO}weight>", f'"33.34"^^<{xsd}decimal>') in found
    assert (f"<{ASSESSMENT}/weight/adoption>", f"<{FO}weight>", f'"0.0"^^<{xsd}decimal>') in found
    none = {f"{col}6": None for col in "BCDEF"}
    found = triples(imported(run, fill(template, tmp_path / "none.xlsx", none)))
    assert not any(p == f"<{FO}lensWeight>" for _, p, _ in found)


def test_empty_rows_and_other_sheets_are_skipped(run, template, tmp_path):
    def edit(book):
        sheet = book["Assessment"]
        for col, value in zip("ABCDEFG", ("Forecasting", 1, 1, 1, 1, 1, 8)):
            sheet[f"{col}14"] = value  # rows 12 and 13 stay empty
        book.create_sheet("Notes")["A1"] = "Ask Finance for the Q3 budget file."
    found = triples(imported(run, fill(template, tmp_path / "gap.xlsx", edit=edit)))
    assert (f"<{ASSESSMENT}/forecasting>", f"<{FO}targetScore>",
            '"8"^^<http://www.w3.org/2001/XMLSchema#integer>') in found


def test_levels_and_the_unit_option(run, template, tmp_path):
    cells = {"B2": None, "I10": "crawl", "J10": "Walk"}
    found = triples(imported(run, fill(template, tmp_path / "lv.xlsx", cells),
                             "--unit", UNIT))
    level = "<https://w3id.org/finops-kg/id/maturity-level/{}>"
    assert (f"<{ASSESSMENT}/allocation>", f"<{FO}achievedLevel>", level.format("crawl")) in found
    assert (f"<{ASSESSMENT}/allocation>", f"<{FO}targetLevel>", level.format("walk")) in found


# --- every bad cell -----------------------------------------------------------------------------

@pytest.mark.parametrize(("cells", "problem"), [
    ({"D10": 7}, "Assessment!D10: Metrics score must be an integer 0–4, not 7"),
    ({"D10": 5}, "Assessment!D10: Metrics score must be an integer 0–4, not 5"),
    ({"B9": -1}, "Assessment!B9: Knowledge score must be an integer 0–4, not -1"),
    ({"C9": "three"}, 'Assessment!C9: Process score must be an integer 0–4, not "three"'),
    ({"C9": 2.5}, "Assessment!C9: Process score must be an integer 0–4, not 2.5"),
    ({"C9": True}, "Assessment!C9: Process score must be an integer 0–4, not TRUE"),
    ({"E10": None}, "Assessment!E10: Adoption score is missing; a scored row needs all five lens "
                    "scores, each an integer 0–4"),
    ({"G10": 21}, "Assessment!G10: the target must be an integer 0–20, not 21"),
    ({"G10": -1}, "Assessment!G10: the target must be an integer 0–20, not -1"),
    ({"F6": 4}, "Assessment!B6:F6: the lens weights must total 100, not 99"),
    ({"F6": 6}, "Assessment!B6:F6: the lens weights must total 100, not 101"),
    ({"F6": None}, "Assessment!F6: the Automation weight is missing; give all five lens weights, "
                   "or none to count the lenses equally"),
    ({"B6": "thirty"}, 'Assessment!B6: the Knowledge weight must be a number from 0 to 100, '
                       'not "thirty"'),
    ({"B6": -5, "C6": 60}, "Assessment!B6: the Knowledge weight must be a number from 0 to 100, "
                           "not -5"),
    ({"B3": "30/06/2026"}, 'Assessment!B3: the date must be a day such as 2026-06-30, '
                           'not "30/06/2026"'),
    ({"B3": datetime.datetime(2026, 6, 30, 14, 0)},
     "Assessment!B3: the date must be a day such as 2026-06-30, not 2026-06-30T14:00:00"),
    ({"B3": 46203.5}, "Assessment!B3: the date must be a day such as 2026-06-30, not "
                      "2026-06-30T12:00:00"),  # B3 is formatted as a date: openpyxl reads one
    ({"B3": None}, "Assessment!B3: the date is missing; give the day of the assessment, such as "
                   "2026-06-30"),
    ({"B2": None}, "Assessment!B2: the unit is missing; give the IRI or the name of the "
                   "organisation, org unit or scope assessed (or use --unit)"),
    ({"B2": "Cloud Platform team"}, 'Assessment!B2: the unit "Cloud Platform team" is a name; '
                                    "without a workspace to look it up in, give the unit's IRI"),
    ({"B4": "2024"}, "Assessment!B4: unknown edition 2024; the editions are 2025, 2026 (empty: "
                     "the current one)"),
    ({"D8": "Metric"}, 'Assessment!D8: the column header must be "Metrics", not "Metric"'),
    ({"H8": None}, 'Assessment!H8: the column header must be "Evidence"; the cell is empty'),
    ({"A5": "Assessors"}, 'Assessment!A5: the label must be "Assessors and stakeholders", '
                          'not "Assessors"'),
    ({"A9": "Alocation"}, 'Assessment!A9: unknown capability "Alocation"; did you mean '
                          "Allocation?"),
    ({"A9": "Cost Magic"}, 'Assessment!A9: unknown capability "Cost Magic"; the Framework sheet '
                           "lists the 2026 edition's capabilities"),
    ({"A9": None}, "Assessment!A9: the capability is missing; name the capability this row "
                   "scores"),
    ({"A11": "allocation", "B11": 1, "C11": 1, "D11": 1, "E11": 1, "F11": 1},
     'Assessment!A11: duplicate capability "Allocation", already on row 10; give each capability '
     "one row"),
    ({"G11": 12}, "Assessment!B11:F11: Anomaly Management has no lens scores; give all five, or "
                  "an achieved level"),
    ({"I10": "Sprint"}, 'Assessment!I10: the achieved level must be Crawl, Walk or Run, not '
                        '"Sprint"'),
    ({"G10": "=SUM(B10:F10)"}, "Assessment!G10: formulas are not read; type the value instead "
                               "of =SUM(B10:F10)"),
    ({"B5": "Ana Lima; https://example.org/acme/person/x y"},
     "Assessment!B5: \"https://example.org/acme/person/x y\" is not a valid IRI"),
])
def test_each_bad_cell_is_named_and_nothing_is_written(run, template, tmp_path, cells, problem):
    assert refused(run, fill(template, tmp_path / "bad.xlsx", cells)) == [problem]


def test_a_serial_number_with_a_time_of_day_is_refused(run, template, tmp_path):
    def general(book):
        book["Assessment"]["B3"].number_format = "General"
    path = fill(template, tmp_path / "t.xlsx", {"B3": 46203.5}, general)
    assert refused(run, path) == [
        "Assessment!B3: the date must be a day such as 2026-06-30, not 46203.5"]


def test_merged_cells_are_refused_with_their_range(run, template, tmp_path):
    path = fill(template, tmp_path / "merged.xlsx",
                edit=lambda book: book["Assessment"].merge_cells("G9:G10"))
    assert refused(run, path) == ["Assessment!G9:G10: merged cells are not read; unmerge them "
                                  "and type the value into each cell"]


def test_a_second_grid_on_another_sheet_is_refused(run, template, tmp_path):
    def edit(book):
        copy = book.create_sheet("Q3 draft")
        for row in book["Assessment"].iter_rows(min_row=8, max_row=10, values_only=True):
            copy.append(row)
    assert refused(run, fill(template, tmp_path / "two.xlsx", edit=edit)) == [
        'Q3 draft!A1: this sheet looks like a second assessment grid; a workbook holds one '
        'assessment, on the sheet "Assessment": move it to a workbook of its own or delete the '
        "sheet"]


def test_every_problem_is_listed_at_once_in_reading_order(run, template, tmp_path):
    cells = {"A9": "Alocation", "D10": 7, "G10": 21, "F6": 4}
    assert refused(run, fill(template, tmp_path / "many.xlsx", cells)) == [
        "Assessment!B6:F6: the lens weights must total 100, not 99",
        'Assessment!A9: unknown capability "Alocation"; did you mean Allocation?',
        "Assessment!D10: Metrics score must be an integer 0–4, not 7",
        "Assessment!G10: the target must be an integer 0–20, not 21",
    ]


def test_a_file_that_is_not_a_workbook_is_one_line(run, template, tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    code, _, err = run("assess", "import", text, "--out", tmp_path / "x.nt")
    assert code == 2
    assert err == f"finops-kg: error: {text}: not an Excel workbook (.xlsx): it is not a zip file\n"
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    code, _, err = run("assess", "import", other, "--out", tmp_path / "x.nt")
    assert code == 2 and err.startswith(f"finops-kg: error: {other}: not an Excel workbook")
    assert err.count("\n") == 1
    renamed = fill(template, tmp_path / "renamed.xlsx",
                   edit=lambda book: setattr(book["Assessment"], "title", "Scores"))
    code, _, err = run("assess", "import", renamed, "--out", tmp_path / "x.nt")
    assert err == (f'finops-kg: error: {renamed}: no sheet named "Assessment"; the workbook has '
                   "'Scores', 'Framework', 'Rubric'\n")
    assert not (tmp_path / "x.nt").exists()


def test_an_import_needs_a_workspace_or_an_nt_file(run, template, tmp_path, monkeypatch):
    monkeypatch.delenv("FINOPS_KG_WORKSPACE", raising=False)
    path = fill(template, tmp_path / "q.xlsx")
    code, _, err = run("assess", "import", path)
    assert code == 2 and "give --workspace DIR (or set FINOPS_KG_WORKSPACE)" in err
    code, _, err = run("assess", "import", path, "--out", tmp_path / "q.ttl")
    assert code == 2 and "the triples are N-Triples; name the file FILE.nt" in err


# --- the CSV form -------------------------------------------------------------------------------

def _csv_grid(run, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "template.csv"
    assert run("assess", "template", "--out", path,
               *[arg for name in CAPABILITIES for arg in ("--capability", name)])[0] == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for ref, value in FILLED.items():
        col, row = "ABCDEFGHIJ".index(ref[0]), int(ref[1:]) - 1
        rows[row][col] = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return rows


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


def test_a_filled_csv_gives_the_same_triples_as_the_workbook(run, template, tmp_path):
    from_workbook = imported(run, fill(template, tmp_path / "q2.xlsx"))
    rows = _csv_grid(run, tmp_path)
    assert imported(run, _write_csv(tmp_path / "q2.csv", rows)) == from_workbook
    # Excel where the decimal separator is a comma saves with semicolons, often with a BOM
    assert imported(run, _write_csv(tmp_path / "semi.csv", rows, ";", bom=True)) == from_workbook


def test_a_bad_csv_cell_is_named_by_file_and_cell(run, tmp_path):
    rows = _csv_grid(run, tmp_path)
    rows[9][3], rows[8][0] = "7", "Budgetting"
    path = _write_csv(tmp_path / "bad.csv", rows)
    assert refused(run, path) == [
        'bad.csv!A9: unknown capability "Budgetting"; did you mean Budgeting?',
        "bad.csv!D10: Metrics score must be an integer 0–4, not 7"]


# --- the workspace: import, replace, export, round trip -----------------------------------------

@pytest.fixture()
def workspace(tmp_path) -> Path:
    from finops_kg.workspace.workspace import Workspace

    path = tmp_path / "ws"
    workspace = Workspace.init(path)
    workspace.load([ACME / "organization.ttl", ACME / "people.ttl", ACME / "roles.ttl"])
    workspace.close()
    return path


def _graphs(workspace: Path) -> dict[str, int]:
    from finops_kg.workspace.workspace import Workspace

    opened = Workspace.open(workspace)
    try:
        return {record.graph: record.triples for record in opened.list()}
    finally:
        opened.close()


def test_import_into_a_workspace_looks_names_up_and_replaces_on_reimport(run, template, tmp_path,
                                                                        workspace):
    cells = {"B2": "cloud platform TEAM", "B5": "Ben Okafor; Greta Berg; New Person"}
    path = fill(template, tmp_path / "q2.xlsx", cells)
    code, _, err = run("assess", "import", path, "--workspace", workspace)
    assert code == 0, err
    graphs = _graphs(workspace)
    assert graphs[ASSESSMENT] == len(triples(imported(run, path, "--unit", UNIT)))
    again = fill(template, tmp_path / "renamed-file.xlsx", {**cells, "D10": 4})
    assert run("assess", "import", again, "--workspace", workspace)[0] == 0
    assert _graphs(workspace).keys() == graphs.keys()  # the same graph, replaced
    from finops_kg.assess.loader import reading
    from finops_kg.assess.rdf import read_assessments

    with reading(workspace) as (store, names):
        (assessment,) = read_assessments(store, names)
    allocation = next(r for r in assessment.rows if r.capability.endswith("/allocation"))
    assert allocation.scores == (3, 2, 4, 2, 1)
    assert assessment.unit == UNIT
    assert {(p.iri, p.name) for p in assessment.people} == {
        ("https://example.org/acme/person/ben-okafor", "Ben Okafor"),
        ("https://example.org/acme/person/greta-berg", "Greta Berg"),
        ("https://example.org/acme/person/new-person", "New Person")}


def test_a_bad_workbook_loads_nothing_into_the_workspace(run, template, tmp_path, workspace):
    before = _graphs(workspace)
    cells = {"B2": "Cloud Platfrom team", "D10": 9}
    code, _, err = run("assess", "import", fill(template, tmp_path / "bad.xlsx", cells),
                       "--workspace", workspace)
    assert code == 2
    assert err.splitlines()[1:] == [
        'Assessment!B2: unknown unit "Cloud Platfrom team"; did you mean Cloud Platform team?; '
        "load the org chart first, or give the unit's IRI",
        "Assessment!D10: Metrics score must be an integer 0–4, not 9"]
    assert _graphs(workspace) == before
    code, _, err = run("assess", "import", fill(template, tmp_path / "elsewhere.xlsx"),
                       "--workspace", workspace, "--unit", "https://example.org/acme/unit/legal")
    assert code == 2 and err.splitlines() == [
        f"finops-kg: error: {tmp_path / 'elsewhere.xlsx'}: --unit: the workspace has no "
        "organisation, org unit or scope <https://example.org/acme/unit/legal>; load the org "
        "chart first; nothing was loaded"]
    assert _graphs(workspace) == before


def test_template_fill_import_export_import_gives_the_same_triples(run, template, tmp_path,
                                                                  workspace):
    path = fill(template, tmp_path / "q2.xlsx", {"I10": "Crawl", "J10": "Walk",
                                                 "B5": "Ana Lima; https://example.org/acme/person/chen-wei"})
    assert run("assess", "import", path, "--workspace", workspace)[0] == 0
    q3 = fill(template, tmp_path / "q3.xlsx", {"B3": "2026-09-30", "B6": 20, "F6": 15, "D10": 3})
    assert run("assess", "import", q3, "--workspace", workspace)[0] == 0
    first = imported(run, path) + imported(run, q3)
    for fmt in ("xlsx", "csv"):
        folder = tmp_path / f"export-{fmt}"
        code, _, err = run("assess", "export", "--workspace", workspace, "--format", fmt,
                           "--out", f"{folder}/")
        assert code == 0, err
        files = sorted(folder.iterdir())
        assert [f.name for f in files] == [f"cloud-platform-2026-06-30.{fmt}",
                                           f"cloud-platform-2026-09-30.{fmt}"]
        assert triples(b"".join(imported(run, f) for f in files)) == triples(first)
    one = tmp_path / "one.xlsx"
    code, _, err = run("assess", "export", "--workspace", workspace, "--format", "xlsx",
                       "--unit", "Cloud Platform team", "--date", "2026-06-30", "--out", one)
    assert code == 0, err
    assert imported(run, one) == imported(run, path)
    sheet = openpyxl.load_workbook(one)["Assessment"]
    assert sheet["B5"].value == "Ana Lima; https://example.org/acme/person/chen-wei"
    code, _, err = run("assess", "export", "--workspace", workspace, "--format", "csv",
                       "--out", tmp_path / "both.csv")
    assert code == 2 and "2 assessments match" in err


def test_workspace_load_reads_workbooks_through_the_registered_loader(template, tmp_path,
                                                                     workspace):
    import finops_kg.assess.loader  # noqa: F401  registers .xlsx and .csv
    from finops_kg.workspace.loaders import LoadError
    from finops_kg.workspace.workspace import Workspace

    opened = Workspace.open(workspace)
    try:
        (record,) = opened.load([fill(template, tmp_path / "q2.xlsx")])
        assert record.triples == len(triples(imported_nt(template, tmp_path)))
        units = _write_csv(tmp_path / "units.csv", [["unit", "parent", "name"], ["a", "", "A"]])
        with pytest.raises(LoadError, match="load it with finops-kg assess org"):
            opened.load([units])
    finally:
        opened.close()


def imported_nt(template: Path, tmp_path: Path) -> bytes:
    from finops_kg.assess.files import read_assessment
    from finops_kg.assess.rdf import to_ntriples

    return to_ntriples([read_assessment(fill(template, tmp_path / "plain.xlsx"))])


# --- org charts and memberships -----------------------------------------------------------------

BASE = "https://example.org/acme/"
ORG = "http://www.w3.org/ns/org#"


def test_org_chart_and_memberships_become_w3c_org(run, tmp_path):
    units = _write_csv(tmp_path / "units.csv", [
        ["unit", "parent", "name"], ["technology", "", "Technology division"],
        ["cloud-platform", "technology", "Cloud Platform team"],
        ["data-science", "technology", "Data Science team"]], bom=True)
    people = _write_csv(tmp_path / "people.csv", [
        ["person", "unit", "role"], ["Ana Lima", "cloud-platform", "FinOps Lead"],
        ["Ben Okafor", "Data Science team", "Cloud Cost Analyst"],
        ["Ben Okafor", "technology", "Platform Engineer"], ["", "", ""]], delimiter=";")
    out = tmp_path / "org.nt"
    code, _, err = run("assess", "org", people, units, "--base", BASE, "--out", out)
    assert code == 0, err
    found = triples(out.read_bytes())
    unit = f"<{BASE}unit/cloud-platform>"
    assert {
        (unit, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{ORG}OrganizationalUnit>"),
        (unit, "<http://www.w3.org/2004/02/skos/core#prefLabel>", '"Cloud Platform team"'),
        (unit, f"<{ORG}subOrganizationOf>", f"<{BASE}unit/technology>"),
        (f"<{BASE}membership/ana-lima>", f"<{ORG}member>", f"<{BASE}person/ana-lima>"),
        (f"<{BASE}membership/ana-lima>", f"<{ORG}organization>", unit),
        (f"<{BASE}membership/ana-lima>", f"<{ORG}role>", f"<{BASE}def#FinOpsLead>"),
        (f"<{BASE}def#FinOpsLead>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
         '"FinOps Lead"'),
        (f"<{BASE}def#FinOpsLead>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
         f"<{ORG}Role>"),
        (f"<{BASE}person/ana-lima>", "<http://xmlns.com/foaf/0.1/name>", '"Ana Lima"'),
        (f"<{BASE}membership/ben-okafor/data-science-cloud-cost-analyst>", f"<{ORG}organization>",
         f"<{BASE}unit/data-science>"),
    } <= found
    assert not any(s == f"<{BASE}unit/technology>" and p == f"<{ORG}subOrganizationOf>"
                   for s, p, o in found)


def test_memberships_find_the_workspace_units_and_roles(run, tmp_path, workspace):
    people = _write_csv(tmp_path / "people.csv", [
        ["person", "unit", "role", "name"],
        ["E1001", "Cloud Platform team", "Platform Engineer", "Ola Nordmann"],
        ["E1002", "https://example.org/acme/unit/finance", "Treasurer", "Pat Doe"]])
    code, _, err = run("assess", "org", people, "--base", BASE, "--workspace", workspace)
    assert code == 0, err
    from finops_kg.workspace.metadata import file_graph

    graphs = _graphs(workspace)
    assert graphs[file_graph(people)] == 16
    nt = tmp_path / "people.nt"
    assert run("assess", "org", people, "--base", BASE, "--workspace", workspace,
               "--out", nt)[0] == 0
    found = triples(nt.read_bytes())
    engineer = "<https://example.org/acme/def#PlatformEngineer>"
    assert (f"<{BASE}membership/e1001>", f"<{ORG}role>", engineer) in found
    # a known role keeps its own label, so loading the file again states the same triples
    assert (engineer, "<http://www.w3.org/2004/02/skos/core#prefLabel>",
            '"Platform Engineer"@en') in found
    assert len(found) == graphs[file_graph(people)]
    assert (f"<{BASE}def#Treasurer>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
            '"Treasurer"') in found
    assert (f"<{BASE}person/e1001>", "<http://xmlns.com/foaf/0.1/name>", '"Ola Nordmann"') in found


@pytest.mark.parametrize(("files", "problems"), [
    ({"units.csv": [["unit", "parent", "name"], ["a", "", "A"], ["b", "tech", "B"]]},
     ['units.csv:3: parent: unknown unit "tech": it is neither in an org chart of this import '
      "nor in the workspace"]),
    ({"units.csv": [["unit", "parent", "name"], ["a", "", "A"], ["a", "", "Again"],
                    ["", "a", "C"], ["d", "", ""], ["e", "a"]]},
     ['units.csv:3: unit: "a" is already on line 2', "units.csv:4: unit: empty; give the unit's "
      "key or IRI", "units.csv:5: name: empty; give the unit's name",
      "units.csv:6: 2 fields, expected 3 (unit,parent,name)"]),
    ({"units.csv": [["unit", "parent", "name"], ["a", "b", "A"], ["b", "a", "B"]]},
     ['units.csv:2: parent: the parents go round in a circle back to "a"',
      'units.csv:3: parent: the parents go round in a circle back to "b"']),
    ({"people.csv": [["person", "unit", "role"], ["Ana Lima", "nowhere", "FinOps Lead"],
                     ["Ben Okafor", "", "Analyst"]]},
     ['people.csv:2: unit: unknown unit "nowhere": it is neither in an org chart of this import '
      "nor in the workspace", "people.csv:3: unit: empty"]),
    ({"staff.csv": [["name", "team"], ["Ana", "x"]]},
     ['staff.csv:1: the header must be unit,parent,name (an org chart) or person,unit,role[,name] '
      '(memberships), not "name,team"']),
])
def test_each_bad_org_row_is_named_by_line_and_field(run, tmp_path, files, problems):
    paths = [_write_csv(tmp_path / name, rows) for name, rows in files.items()]
    out = tmp_path / "org.nt"
    code, _, err = run("assess", "org", *paths, "--base", BASE, "--out", out)
    assert code == 2 and not out.exists()
    lines = err.splitlines()
    if len(problems) == 1:  # one problem: one line
        assert lines == [f"finops-kg: error: {tmp_path}/{problems[0]}; nothing was loaded"]
        return
    assert lines[0] == f"finops-kg: error: org CSV: {len(problems)} problems; nothing was loaded:"
    assert [line.replace(f"{tmp_path}/", "") for line in lines[1:]] == problems


def test_org_keys_need_a_base_unless_they_are_iris(run, tmp_path):
    units = _write_csv(tmp_path / "units.csv", [["unit", "parent", "name"], ["a", "", "A"],
                                                ["https://example.org/x/unit/b", "", "B"]])
    code, _, err = run("assess", "org", units, "--out", tmp_path / "o.nt")
    assert code == 2
    assert err.splitlines() == [f'finops-kg: error: {units}:2: unit: "a" is not an IRI; give '
                                "--base, the namespace under which to name it; nothing was loaded"]
    code, _, err = run("assess", "org", units, "--base", "not an iri", "--out", tmp_path / "o.nt")
    assert err == ('finops-kg: error: --base "not an iri": not an IRI; give a namespace such as '
                   "https://example.org/acme/\n")


def test_the_model_reads_back_what_it_wrote(template, tmp_path):
    from finops_kg.assess.files import read_assessment
    from finops_kg.assess.rdf import load_ntriples, read_assessments, to_ntriples

    assessment = read_assessment(fill(template, tmp_path / "q.xlsx", {"B6": 29.5, "C6": 25.5}))
    assert assessment.weights == (Decimal("29.5"), Decimal("25.5"), 20, 20, 5)
    assert read_assessments(load_ntriples(to_ntriples([assessment]))) == [assessment]


def test_a_scope_of_the_framework_is_assessed_under_a_local_base(run, template, tmp_path):
    scope = "https://w3id.org/finops-kg/id/scope/public-cloud"
    found = triples(imported(run, fill(template, tmp_path / "s.xlsx", {"B2": scope})))
    local = "<urn:finops-kg:assessment/scope/public-cloud/2026-06-30>"
    assert (local, f"<{FO}assessedUnit>", f"<{scope}>") in found
    assert ("<urn:finops-kg:person/ana-lima>", "<http://xmlns.com/foaf/0.1/name>",
            '"Ana Lima"') in found
    assert not any(s.startswith("<https://w3id.org/finops-kg/") for s, _, _ in found)


def test_an_imported_workbook_conforms_to_the_assessment_shapes(run, template, tmp_path):
    data = imported(run, fill(template, tmp_path / "q2.xlsx", {"I10": "Crawl", "J10": "Walk"}))
    path = tmp_path / "q2.nt"
    path.write_bytes(data)
    code, out, err = run("validate", ACME / "organization.ttl", ACME / "people.ttl", path)
    assert code == 0, out + err
    assert out.startswith("Conforms: 0 violations")
