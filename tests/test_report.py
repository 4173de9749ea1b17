"""The assessment report: every mark is a row of its query; an index and a page per unit, offline,
tried in Chromium; the same from a workspace, from --data files and from a Virtuoso endpoint."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from finops_kg.assess.report import report_tables, write_folder, write_report
from finops_kg.graph import folder as swap
from finops_kg.release.compiled import oxigraph_dataset
from finops_kg.sparql.query import OxigraphRunner, runner_for
from finops_kg.views.report import INDEX, LENSES, REPORT_QUERIES, report_pages, unit_page_names

ACME = Path(__file__).parent.parent / "data" / "examples" / "acme"
ACME_FILES = [ACME / name for name in ("assessments.ttl", "organization.ttl", "roles.ttl",
                                        "people.ttl", "roles.sssom.tsv")]


class Marks(HTMLParser):
    """Collects the data- attributes of every element that names its query."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {name[5:]: value for name, value in attrs if name.startswith("data-")}
        if "query" in found:
            self.marks.append(found)


@pytest.fixture(scope="module")
def acme_runner():
    return OxigraphRunner(oxigraph_dataset(ACME_FILES))


@pytest.fixture(scope="module")
def tables(acme_runner):
    return report_tables(acme_runner, "2026")


def pages_of(tables, labels) -> dict[str, bytes]:
    return {name: b"".join(chunks) for name, chunks in report_pages(tables, labels).items()}


def folder_of(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir()}


@pytest.fixture(scope="module")
def pages(tables) -> dict[str, bytes]:
    return pages_of(*tables)


@pytest.fixture(scope="module")
def page(pages) -> str:
    """Every page of the report, one after another."""
    return b"".join(pages.values()).decode("utf-8")


def marks_of(page: str, query: str) -> list[dict[str, str]]:
    parser = Marks()
    parser.feed(page)
    return [{k: v for k, v in mark.items() if k != "query"} for mark in parser.marks
            if mark["query"] == query]


def latest(rows):
    newest = {}
    for row in rows:
        key = (row["unit"], row["capability"])
        newest[key] = max(newest.get(key, ""), row["date"])
    return [row for row in rows if row["date"] == newest[(row["unit"], row["capability"])]]


def test_the_example_gives_every_query_rows(tables):
    rows, labels = tables
    assert all(rows[name] for name in REPORT_QUERIES), {n: len(r) for n, r in rows.items()}
    assert labels["https://example.org/acme/unit/finance"] == "Corporate Finance"
    assert labels["https://w3id.org/finops-kg/id/capability/allocation"] == "Allocation"


def test_heatmaps_and_stacked_bars_show_the_latest_lens_scores(tables, page):
    rows, _ = tables
    expected = Counter((r["unit"], r["capability"], r["lens"], r["score"])
                       for r in latest(rows["lens-scores"]) if r["score"] != "0")
    shown = Counter((m["unit"], m["capability"], m["lens"], m["value"])
                    for m in marks_of(page, "lens-scores"))
    # Each non-zero score is drawn twice, as a heatmap cell and as a bar segment; a zero only as a
    # cell, since a bar segment of length 0 is not drawn.
    zeros = Counter((r["unit"], r["capability"], r["lens"], r["score"])
                    for r in latest(rows["lens-scores"]) if r["score"] == "0")
    assert shown == expected + expected + zeros
    assert len(latest(rows["lens-scores"])) == 5 * len(rows["assessment-heatmap"])


@pytest.mark.parametrize("query, fields, columns", [
    ("assessment-heatmap", ("unit", "capability", "value"), ("unit", "capability", "total")),
    ("progress-to-target", ("unit", "capability", "value"), ("unit", "capability", "progress")),
    ("weakest-lenses", ("unit", "lens", "value"), ("unit", "lens", "average")),
    ("org-rollup", ("unit", "capability", "value"), ("unit", "capability", "average")),
    ("who-should-act", ("unit", "capability", "value"),
     ("unit", "capability", "relativeToTarget")),
])
def test_each_chart_shows_exactly_its_query_rows(tables, page, query, fields, columns):
    rows, _ = tables
    expected = Counter(tuple(row[c] for c in columns) for row in rows[query])
    shown = Counter(tuple(mark[f] for f in fields) for mark in marks_of(page, query))
    assert shown == expected


def test_the_change_grid_shows_every_lens_and_total_change(tables, page):
    rows, _ = tables
    expected = Counter((r["unit"], r["capability"], field, r[field])
                       for r in rows["score-trend"] for field in (*LENSES, "change"))
    shown = Counter((m["unit"], m["capability"], m["field"], m["value"])
                    for m in marks_of(page, "score-trend"))
    assert shown == expected


def test_the_same_data_gives_the_same_bytes_and_the_files_are_written(acme_runner, pages,
                                                                       tmp_path):
    paths = write_report(acme_runner, tmp_path / "report", "2026")
    assert paths[0] == tmp_path / "report" / INDEX
    assert folder_of(tmp_path / "report") == pages == pages_of(*report_tables(acme_runner, "2026"))
    assert sorted(pages) == [INDEX, "unit-cloud-platform.html", "unit-data-science.html",
                             "unit-finance.html"]


def test_the_index_links_every_unit_with_rows_to_its_page_and_each_page_back(tables, pages):
    rows, labels = tables
    units = set().union(*({row["unit"] for row in rows[name]} for name in REPORT_QUERIES
                          if name not in ("assessment-heatmap", "org-rollup")))
    files = unit_page_names(units)
    index = pages[INDEX].decode()
    for unit in units:
        assert f'<a href="{files[unit]}">{labels[unit]}</a>' in index
        unit_page = pages[files[unit]].decode()
        assert f"<title>{labels[unit]}: FinOps assessment report</title>" in unit_page
        assert '<a href="index.html">' in unit_page
        # a unit's page shows that unit's rows and no other's
        assert {mark["unit"] for mark in marks_of(unit_page, "lens-scores")} == {unit}
        assert {mark["unit"] for mark in marks_of(unit_page, "who-should-act")} <= {unit}
    # a unit above the teams, in the roll-up, has no page and so no link
    assert "Acme Corporation</a>" not in index and "<td>Acme Corporation</td>" in index


@pytest.mark.parametrize("units, expected", [
    (["https://a.example/unit/finance"], ["unit-finance.html"]),
    (["https://a.example/unit/", "https://a.example/unit#x y"], ["unit-unit.html", "unit-x-y.html"]),
    (["https://a.example/é", "https://a.example/..."], ["unit-unit.html", "unit-unit.html"]),
    (["https://a.example/unit/Ops", "https://b.example/unit/ops"], None),
])
def test_unit_pages_have_safe_names_and_never_share_one(units, expected):
    names = unit_page_names(units)
    assert all(re.fullmatch(r"unit-[A-Za-z0-9._-]+\.html", name) for name in names.values())
    if expected is not None and len(set(expected)) == len(expected):
        assert [names[unit] for unit in units] == expected
    else:  # the same name, or one that differs only in case: each gets its IRI's hash
        assert len({name.lower() for name in names.values()}) == len(units)
        assert all(re.fullmatch(r"unit-[a-zA-Z0-9._-]+-[0-9a-f]{10}\.html", name)
                   for name in names.values())


def test_labels_and_values_are_escaped():
    unit = "https://example.org/u/<x>"
    tables = {name: [] for name in REPORT_QUERIES}
    tables["assessment-heatmap"] = [{"unit": unit, "capability": "https://example.org/c",
                                     "date": "2026-01-01", "total": "7", "percent": "35.0"}]
    page = b"".join(pages_of(tables, {unit: '<script>alert("x")</script>'}).values()).decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert 'data-unit="https://example.org/u/&lt;x&gt;"' in page


def test_no_assessments_give_an_index_that_says_so():
    pages = pages_of({name: [] for name in REPORT_QUERIES}, {})
    assert list(pages) == [INDEX]
    page = pages[INDEX].decode()
    assert "No unit has a lens-scored assessment" in page
    assert page.count("No rows: the query found nothing") == 2
    assert "CC BY 4.0" in page


def test_the_pages_open_offline_in_chromium_and_draw_every_chart(browser, pages, tables,
                                                                     tmp_path):
    for name, data in pages.items():
        (tmp_path / name).write_bytes(data)
    context = browser.new_context()
    opened = context.new_page()
    errors, requests = [], []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: message.type == "error" and errors.append(message.text))
    opened.on("request", lambda request: requests.append(request.url))
    counts = {"charts": 0, "drawn": 0, "progress": 0, "cells": []}
    uris = [(tmp_path / INDEX).as_uri()]
    for uri in uris:  # the index, then each page it links to
        opened.goto(uri)
        if len(uris) == 1:
            uris += opened.evaluate("() => [...document.querySelectorAll('ul.units a')]"
                                    ".map(a => a.href)")
        seen = opened.evaluate("""() => ({
            charts: document.querySelectorAll('svg.chart').length,
            drawn: [...document.querySelectorAll('svg')].filter(s => s.getBBox().width > 0).length,
            progress: document.querySelectorAll('[data-query="progress-to-target"]').length,
            cells: [...document.querySelectorAll('g[data-query="lens-scores"] text')]
                   .map(t => t.textContent)})""")
        for key, value in seen.items():
            counts[key] += value
    context.close()
    rows, _ = tables
    units = {row["unit"] for row in rows["lens-scores"]}
    assert errors == []
    assert sorted(requests) == sorted(p.as_uri() for p in tmp_path.iterdir())  # every page, once
    with_progress = {row["unit"] for row in rows["progress-to-target"]}
    # A heatmap, bars and a radar per unit, progress bars per unit that has them; the totals once.
    assert counts["charts"] == counts["drawn"] == 3 * len(units) + len(with_progress) + 1
    assert counts["progress"] == len(rows["progress-to-target"])
    assert sorted(counts["cells"]) == sorted(r["score"] for r in latest(rows["lens-scores"]))


# -- the command line: a workspace, data files or an endpoint, written whole or not at all -------

CLI = [sys.executable, "-m", "finops_kg"]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "FINOPS_KG_WORKSPACE"}
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


def data_options() -> list[str]:
    return [part for path in ACME_FILES for part in ("--data", str(path))]


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, expected: str) -> None:
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith("finops-kg: error: ") and result.stderr.count("\n") == 1
    assert expected in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def acme_workspace(tmp_path_factory):
    from finops_kg.workspace import Workspace

    path = tmp_path_factory.mktemp("ws") / "acme-ws"
    Workspace.init(path).load(ACME_FILES)
    return path


def test_a_workspace_and_the_same_data_files_give_the_same_pages(acme_workspace, pages,
                                                                 tmp_path):
    from_workspace = cli("assess", "report", "--workspace", acme_workspace,
                         "--out", tmp_path / "ws-report")
    from_files = cli("assess", "report", *data_options(), "--out", tmp_path / "data-report")
    assert from_workspace.returncode == 0, from_workspace.stderr
    assert from_files.returncode == 0, from_files.stderr
    assert from_workspace.stderr.startswith(
        f"wrote {tmp_path / 'ws-report' / 'index.html'} and 3 unit pages beside it (")
    assert folder_of(tmp_path / "ws-report") == folder_of(tmp_path / "data-report") == pages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data-report", "ws-report"]


def test_the_runner_of_a_workspace_reads_its_edition(acme_workspace, tables):
    runner = runner_for(workspace=acme_workspace)
    assert runner.edition == "2026"
    assert report_tables(runner) == tables


def test_a_report_replaces_the_last_whole_and_a_failed_one_leaves_it(acme_workspace, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("the last report")
    (out / "unit-gone.html").write_text("a team since merged into another")
    failed = cli("assess", "report", "--endpoint", "http://127.0.0.1:9/sparql", "--out", out)
    assert_one_line_error(failed, 3, "http://127.0.0.1:9/sparql: unreachable")
    assert folder_of(out) == {"index.html": b"the last report",
                              "unit-gone.html": b"a team since merged into another"}
    done = cli("assess", "report", "--workspace", acme_workspace, "--out", out)
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary folder left
    assert sorted(p.name for p in out.iterdir()) == [  # the page of a unit now gone goes too
        "index.html", "unit-cloud-platform.html", "unit-data-science.html", "unit-finance.html"]


@pytest.mark.parametrize("arguments, expected", [
    ([], "give --workspace DIR (or set FINOPS_KG_WORKSPACE), --data FILE or --endpoint URL"),
    (["--workspace", "{ws}", "--data", "{acme}/people.ttl"],
     "give --workspace or --data, not both"),
    (["--data", "{acme}/people.ttl", "--endpoint", "http://127.0.0.1:9/sparql"],
     "give --data or --endpoint, not both"),
    (["--workspace", "{tmp}/no-such-workspace"], "no-such-workspace"),
    (["--data", "{tmp}/missing.ttl"], "missing.ttl"),
    (["--workspace", "{ws}", "--edition", "1999"], "unknown edition '1999'"),
])
def test_bad_input_is_one_line_and_exit_2(acme_workspace, tmp_path, arguments, expected):
    values = {"ws": acme_workspace, "acme": ACME, "tmp": tmp_path}
    result = cli("assess", "report", *[a.format(**values) for a in arguments],
                 "--out", tmp_path / "report")
    assert_one_line_error(result, 2, expected)
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("kind", ["file", "folder of other files"])
def test_an_out_that_is_not_a_report_folder_is_left_alone(acme_workspace, tmp_path, kind):
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("mine")
        expected = f"{out}: is a file, not a folder; give --out a folder"
    else:
        out.mkdir()
        (out / "index.html").write_text("the last report")
        (out / "notes.txt").write_text("mine")
        expected = (f"{out}: holds files the report does not make (notes.txt); the folder is "
                    "replaced whole, so move them out or give --out another folder")
    result = cli("assess", "report", "--workspace", acme_workspace, "--out", out)
    assert_one_line_error(result, 2, expected)
    if kind == "file":
        assert out.read_text() == "mine"
    else:
        assert {p.name: p.read_text() for p in out.iterdir()} == {
            "index.html": "the last report", "notes.txt": "mine"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_other_files_are_refused_before_the_endpoint_is_asked(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = cli("assess", "report", "--endpoint", "http://127.0.0.1:9/sparql", "--out", out)
    assert_one_line_error(result, 2, f"{out}: holds files the report does not make (notes.txt)")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_link_to_an_earlier_report_is_followed_and_stays(tmp_path):
    target = tmp_path / "reports" / "q3"
    target.mkdir(parents=True)
    (target / "index.html").write_text("the last report")
    link = tmp_path / "report"
    link.symlink_to(target, target_is_directory=True)
    assert write_folder(link, {"index.html": b"the new report"}) == [link / "index.html"]
    assert link.is_symlink() and link.resolve() == target
    assert [p.name for p in target.iterdir()] == ["index.html"]
    assert (target / "index.html").read_bytes() == b"the new report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "reports"]
    assert [p.name for p in target.parent.iterdir()] == ["q3"]  # nothing left beside it


def test_a_report_killed_mid_swap_is_put_back_then_replaced(tmp_path):
    """What a kill between renaming the last report aside and the new one in leaves behind."""
    out = tmp_path / "report"
    aside = tmp_path / f".report.{swap.OLD}-0123456789ab"
    aside.mkdir()
    (aside / "index.html").write_text("the last report")
    unfinished = tmp_path / f".report.{swap.NEW}-0123456789ab"
    unfinished.mkdir()
    (unfinished / "index.html").write_text("the new rep")

    class Gone:
        def run(self, *args):
            raise RuntimeError("the endpoint stopped answering")

    with pytest.raises(RuntimeError):
        write_report(Gone(), out, "2026")  # the next run puts the last report back first
    assert [p.name for p in tmp_path.iterdir()] == ["report"]
    assert {p.name: p.read_text() for p in out.iterdir()} == {"index.html": "the last report"}
    assert write_folder(out, {"index.html": b"the new report"}) == [out / "index.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"index.html": b"the new report"}



# -- the README's walkthrough, run line by line as written, in a fresh folder --------------------

README = Path(__file__).parent.parent / "README.md"
VALIDATE_LINE = "finops-kg validate --workspace"


def walkthrough() -> list[str]:
    """The command lines of the README's Acme walkthrough: its first sh block."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Your organisation: the Acme walkthrough"):]
    block = section[section.index("```sh\n") + 6:]
    return [line for line in block[:block.index("```")].splitlines() if line.strip()]


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """Run each line in a new folder whose data/ is the project's; assignments carry over."""
    folder = tmp_path_factory.mktemp("walkthrough")
    (folder / "data").symlink_to(ACME.parent.parent, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k != "FINOPS_KG_WORKSPACE"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    assignments, results = [], {}
    for line in walkthrough():
        if "=" in line.split()[0] and " " not in line.strip():
            assignments.append(line)
            continue
        results[line] = subprocess.run(["bash", "-e", "-c", "\n".join([*assignments, line])],
                                       cwd=folder, env=env, capture_output=True, text=True,
                                       timeout=300)
    return folder, results


def test_the_walkthrough_covers_every_step():
    commands = [" ".join(line.split()[:3]) for line in walkthrough()]
    for step in ("finops-kg assess template", "finops-kg workspace init",
                 "finops-kg workspace load",
                 "finops-kg validate --workspace", "finops-kg assess report",
                 "finops-kg query who-should-act"):
        assert any(c.startswith(step) for c in commands), step
    assert any("finops-kg assess import" in line for line in walkthrough())
    assert len(walkthrough()) <= 10


def test_every_line_of_the_walkthrough_works_and_gives_the_examples_report(walked, tables):
    import csv

    import openpyxl

    folder, results = walked
    failed = {line: r.stderr for line, r in results.items() if r.returncode != 0}
    assert failed == {}
    template = openpyxl.load_workbook(folder / "cloud-q4.xlsx")
    assert template.sheetnames == ["Assessment", "Framework", "Rubric"]
    assert template["Assessment"]["B2"].value == "Cloud Platform team"
    imports = next(r for line, r in results.items() if "assess import" in line)
    assert imports.stderr.count("loaded ") == 6  # three teams, two quarters
    # The six filled sheets hold the assessments of assessments.ttl: the report is the same.
    assert folder_of(folder / "acme-report") == pages_of(*tables)
    who = next(r for line, r in results.items() if "who-should-act" in line).stdout
    expected = list(csv.DictReader(Path(__file__).parent.joinpath(
        "data", "expected", "queries", "who-should-act.csv").open(encoding="utf-8")))
    assert f"({len(expected)} rows)" in who
    assert all(row["personName"] in who for row in expected)


def test_the_walkthrough_validates_the_workspace(walked):
    _, results = walked
    (result,) = [r for line, r in results.items() if line.startswith(VALIDATE_LINE)]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms: 0 violations" in result.stdout


# -- past one machine: the report from a Virtuoso endpoint that the Acme data was published to ---

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    import virtuoso as server

    try:
        url, _, process = server.start(tmp_path_factory.mktemp("virtuoso"))
    except server.VirtuosoError as error:
        message = f"Virtuoso could not start: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing server is a failure there
        pytest.skip(message)
    yield url
    server.stop(process)


@pytest.fixture(scope="module")
def acme_endpoint(virtuoso):
    # Every edition, as locally; Virtuoso has no default graph of its own: it reads all graphs.
    published = cli("publish", "--graph-store", f"{virtuoso}/sparql-graph-crud-auth",
                    "--all-editions", "--no-default-graph", "--user", "dba", "--password", "dba",
                    *data_options())
    assert published.returncode == 0, published.stderr
    return f"{virtuoso}/sparql"


def normalised(rows: list[dict[str, str]]) -> list[tuple]:
    """Rows as sorted tuples, numbers compared by value: Virtuoso types and writes them its way."""
    def value(text: str) -> str:
        try:
            return repr(float(text))
        except ValueError:
            return text
    return sorted(tuple(sorted((column, value(text)) for column, text in row.items()))
                  for row in rows)


def test_the_report_from_virtuoso_has_the_local_rows(acme_endpoint, tables, tmp_path):
    from finops_kg.sparql.remote import RemoteStore

    result = cli("assess", "report", "--endpoint", acme_endpoint, "--out", tmp_path / "report")
    assert result.returncode == 0, result.stderr
    remote_rows, remote_labels = report_tables(RemoteStore(acme_endpoint), "2026")
    local_rows, local_labels = tables
    for name in REPORT_QUERIES:
        assert normalised(remote_rows[name]) == normalised(local_rows[name]), name
    named = {row[column] for rows in local_rows.values() for row in rows for column in row
             if row[column].startswith("http")}
    assert {iri: remote_labels.get(iri) for iri in named} == \
        {iri: local_labels.get(iri) for iri in named}
    # The queries are written so that Virtuoso gives the same values: the pages are the same too.
    assert folder_of(tmp_path / "report") == pages_of(*tables)


def test_report_queries_run_on_daemon_threads_and_a_failure_reaches_the_caller():
    import threading

    from finops_kg.assess.report import _in_threads

    seen = []

    def work(name):
        seen.append(threading.current_thread().daemon)
        return [{"name": name}]

    names = ["a", "b", "c", "d", "e"]
    assert sorted(_in_threads(work, names, 2)) == [(n, [{"name": n}]) for n in names]
    assert seen == [True] * 5  # Ctrl-C is not held up by a query still running

    def fails(name):
        if name == "c":
            raise ValueError("no such graph")
        return []

    with pytest.raises(ValueError, match="no such graph"):
        list(_in_threads(fails, names, 2))
