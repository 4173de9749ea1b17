"""Hostile input on every surface that reads it: one error line naming the file and the place.

Each file of tests/data/bad (and a few made here: big ones, and workbooks made from the template)
goes to every command and API that reads its kind: the workspace loader, assess import and org,
map check, apply and import-csv, validate, query (--data, --file, --sparql), the SPARQL endpoint
and the MCP sparql tool. Each pair must end with exactly one line on stderr that names the file
and the line (or row and field, or sheet!cell), exit 2, no traceback, nothing written or changed
and no connection off this machine; the big files run in a child process whose address space is
capped at 2 GB, under a time limit. A few hostile-looking files are valid, and are read as the
documentation says (a byte-order mark or semicolons in a CSV, owl:imports, an extra sheet).
"""

from __future__ import annotations

import os
import re
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from finops_kg.cli import main

from test_assess import CAPABILITIES, fill

BAD = Path(__file__).parent / "data" / "bad"
ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "data" / "examples" / "acme"
SECRET = (BAD / "xxe-secret.txt").read_text().split(":")[0]  # what an expanded entity would show
MEMORY = 2 << 30  # bytes of address space a child process may take
ONE_LINE = re.compile(r"finops-kg: error: [^\n]+\n")


# ---------------------------------------------------------------------------------------------
# No network: every connection and name lookup off this machine is refused and recorded
# ---------------------------------------------------------------------------------------------

LOCAL = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    attempts: list[str] = []
    connect, lookup = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOCAL and self.family != socket.AF_UNIX:
            attempts.append(f"connect {address}")
            raise OSError("the network is off in this test")
        return connect(self, address)

    def guarded_lookup(host, *args, **kwargs):
        if host not in LOCAL and host is not None:
            attempts.append(f"lookup {host}")
            raise socket.gaierror("the network is off in this test")
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    yield attempts
    assert attempts == [], "a hostile file made finops-kg reach the network"


# ---------------------------------------------------------------------------------------------
# The surfaces, run in this process
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "ws"
    assert main(["workspace", "init", str(folder)]) == 0
    # the unit the template's workbooks name, so that only the hostile part of one is refused
    assert main(["workspace", "load", str(folder), str(ACME / "organization.ttl")]) == 0
    return folder


def snapshot(folder: Path) -> tuple:
    """What must not change: the graphs listed and every file of the folder, with its size."""
    import contextlib
    import io

    listing = io.StringIO()
    with contextlib.redirect_stdout(listing):
        assert main(["workspace", "list", str(folder), "--format", "json"]) == 0
    files = sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in folder.rglob("*") if p.is_file())
    return listing.getvalue(), files


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, out: str, err: str, path: Path, place: str | None) -> None:
    """Exit 2 and one line naming the file, and the place when the problem has one."""
    assert "Traceback" not in out + err
    assert code == 2, (code, err)
    assert ONE_LINE.fullmatch(err), err
    assert str(path) in err, err
    if place is not None:
        assert re.search(place, err), (place, err)
    assert SECRET not in out + err and "root:x:0:0" not in out + err


# Where each file's first problem is, as every reader of its kind reports it: the line, or the
# line and field (None: a problem of the whole file, such as not being a zip file).
PLACE = {
    "truncated.ttl": r":3: column 17: ", "binary.ttl": r":1: column 1: ",
    "utf16.ttl": r":1: column 1: ", "latin1.ttl": r":3: ", "undeclared-prefix.ttl": r":3: ",
    "invalid-iri.ttl": r":3: ", "truncated.nt": r":2: ", "truncated.jsonld": r":4: column 16: ",
    "truncated.rdf": r":6: column 1: ", "xxe.rdf": r":3: the external entity secret",
    "xml-bomb.rdf": r":17: column \d+: XML error: limit on input amplification",
    "remote-context.jsonld": r":2: column 3: a remote @context is refused",
    "binary.sssom.tsv": r":1: ", "broken-header.sssom.tsv": r":\d+: metadata: ",
    "latin1.sssom.tsv": r":9: ", "spaces-for-tabs.sssom.tsv": r":10: table: columns are "
                                                                r"separated by spaces",
    "org-latin1.csv": r":2: not UTF-8", "org-binary.csv": r":1: not UTF-8",
    "org-unterminated-quote.csv": r":\d+: not a readable CSV file",
    "map-latin1.csv": r":2: ", "map-unterminated-quote.csv": r":2: comment: ",
    "not-a-zip.xlsx": None, "zip-not-workbook.xlsx": None,
}
RDF = ["truncated.ttl", "binary.ttl", "utf16.ttl", "latin1.ttl", "undeclared-prefix.ttl",
       "invalid-iri.ttl", "truncated.nt", "truncated.jsonld", "truncated.rdf", "xxe.rdf",
       "xml-bomb.rdf", "remote-context.jsonld"]
SSSOM = ["binary.sssom.tsv", "broken-header.sssom.tsv", "latin1.sssom.tsv",
         "spaces-for-tabs.sssom.tsv"]
CSV = ["org-latin1.csv", "org-binary.csv", "org-unterminated-quote.csv"]
WORKBOOKS = ["not-a-zip.xlsx", "zip-not-workbook.xlsx"]
PREFIX = ["--prefix", "bad=https://example.org/bad/"]


def surfaces_of(name: str) -> list[str]:
    """The surfaces that read a file of this kind; others are no pair at all."""
    if name in RDF:
        return ["workspace load", "validate", "query --data", "map check --target"]
    if name in SSSOM:
        return ["workspace load", "map check", "map apply", "query --data"]
    if name in CSV:
        return ["assess org", "assess import", "map import-csv"]
    if name.startswith("map-"):
        return ["map import-csv"]
    return ["assess import", "workspace load"]


PAIRS = [(name, surface) for name in [*RDF, *SSSOM, *CSV, "map-latin1.csv",
                                      "map-unterminated-quote.csv", *WORKBOOKS]
         for surface in surfaces_of(name)]


def test_the_corpus_is_small_and_every_file_has_a_pair():
    files = {p.name for p in BAD.iterdir()} - {"xxe-secret.txt"}
    paired = {name for name, _ in PAIRS} | {name for name in files if name.endswith(".rq")} \
        | set(VALID)
    assert files == paired
    assert sum(p.stat().st_size for p in BAD.iterdir()) < 20_000


@pytest.mark.parametrize(("name", "surface"), PAIRS, ids=[f"{s}:{n}" for n, s in PAIRS])
def test_a_bad_file_is_one_line_naming_its_place_and_changes_nothing(
        capsys, tmp_path, workspace, name, surface):
    path = BAD / name
    place = PLACE[name]
    if surface == "map import-csv" and name.startswith("org-"):
        place = r":\d+: "  # not a mapping CSV: its first problem depends on what is missing
    out = tmp_path / {"map apply": "out.trig", "map import-csv": "out.sssom.tsv"}.get(
        surface, "out.nt")
    if surface == "workspace load":
        before = snapshot(workspace)
        code, stdout, err = run(capsys, "workspace", "load", workspace, path)
        if name.endswith(".csv"):
            place = None  # a CSV that is no grid, chart or membership list is refused whole
        assert_refused(code, stdout, err, path, place)
        assert snapshot(workspace) == before
        return
    args = {
        "validate": ["validate", path],
        "query --data": ["query", "--sparql", "ASK {}", "--data", path],
        "map check --target": ["map", "check", ACME / "roles.sssom.tsv", "--target", path],
        "map check": ["map", "check", path],
        "map apply": ["map", "apply", path, "--out", out],
        "assess org": ["assess", "org", path, "--base", "https://example.org/bad/", "--out", out],
        "assess import": ["assess", "import", path, "--out", out],
        "map import-csv": ["map", "import-csv", path, "--set-id", "https://example.org/bad/set",
                           *PREFIX, "--out", out],
    }[surface]
    code, stdout, err = run(capsys, *args)
    if surface == "map check" and code == 1:
        # the documented report of a set with problems: FILE:LINE: field: message, exit 1
        assert err == "" and re.search(re.escape(str(path)) + place, stdout), stdout
        assert "Traceback" not in stdout
        return
    assert_refused(code, stdout, err, path, place)
    assert stdout == "" and not out.exists()


# ---------------------------------------------------------------------------------------------
# Files that look hostile but are valid: read as documented
# ---------------------------------------------------------------------------------------------

VALID = ["org-bom.csv", "org-semicolons.csv", "members-bom.csv", "members-semicolons.csv",
         "map-bom.csv", "map-semicolons.csv", "owl-imports.ttl"]


@pytest.mark.parametrize(("chart", "members"), [("org-bom.csv", "members-bom.csv"),
                                                ("org-semicolons.csv", "members-semicolons.csv")])
def test_a_csv_with_a_byte_order_mark_or_semicolons_is_read(capsys, tmp_path, chart, members):
    out = tmp_path / "org.nt"
    code, _, err = run(capsys, "assess", "org", BAD / chart, BAD / members,
                       "--base", "https://example.org/bad/", "--out", out)
    assert code == 0, err
    text = out.read_text()
    assert "<https://example.org/bad/unit/bad-finance>" in text and "\ufeff" not in text
    assert "Bad Finance" in text or "Finance; Planning" in text
    assert "<https://example.org/bad/person/" in text


@pytest.mark.parametrize("name", ["map-bom.csv", "map-semicolons.csv"])
def test_a_mapping_csv_with_a_byte_order_mark_or_semicolons_is_read(capsys, tmp_path, name):
    out = tmp_path / "set.sssom.tsv"
    code, _, err = run(capsys, "map", "import-csv", BAD / name, "--set-id",
                       "https://example.org/bad/set", *PREFIX, "--out", out)
    assert code == 0, err
    row = [line for line in out.read_text().splitlines() if line.startswith("fid:")]
    assert row and row[0].split("\t")[:3] == ["fid:persona/finance", "skos:exactMatch",
                                              "bad:Controller"]


def test_owl_imports_of_an_address_is_kept_as_a_triple_and_not_fetched(capsys, no_network):
    code, out, err = run(capsys, "query", "--data", BAD / "owl-imports.ttl", "--sparql",
                         "ASK { <https://example.org/bad/ontology> "
                         "<http://www.w3.org/2002/07/owl#imports> ?imported }")
    assert code == 0 and out == "True\n", err
    code, out, err = run(capsys, "validate", BAD / "owl-imports.ttl")
    assert code == 0 and out.startswith("Conforms"), err
    assert no_network == []


# ---------------------------------------------------------------------------------------------
# Workbooks made from the template: merged cells, formulas, extra sheets
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    assert main(["assess", "template", "--out", str(path),
                 *[arg for name in CAPABILITIES for arg in ("--capability", name)]]) == 0
    return path


def _second_grid(book) -> None:
    copy = book.create_sheet("Q3 draft")
    for row in book["Assessment"].iter_rows(min_row=8, max_row=10, values_only=True):
        copy.append(row)


WORKBOOK_EDITS = {
    "merged": (lambda book: book["Assessment"].merge_cells("G9:G10"), r"Assessment!G9:G10: "),
    "formula": (lambda book: book["Assessment"].__setitem__("G10", "=SUM(B10:F10)"),
                r"Assessment!G10: formulas are not read"),
    "second-grid": (_second_grid, r"Q3 draft!A1: this sheet looks like a second assessment"),
}


@pytest.mark.parametrize("surface", ["assess import", "workspace load"])
@pytest.mark.parametrize("kind", list(WORKBOOK_EDITS))
def test_a_workbook_with_merged_cells_formulas_or_a_second_grid_is_refused(
        capsys, tmp_path, template, workspace, kind, surface):
    edit, place = WORKBOOK_EDITS[kind]
    path = fill(template, tmp_path / f"{kind}.xlsx", edit=edit)
    out = tmp_path / "out.nt"
    before = snapshot(workspace)
    if surface == "assess import":
        code, stdout, err = run(capsys, "assess", "import", path, "--out", out)
    else:
        code, stdout, err = run(capsys, "workspace", "load", workspace, path)
    assert_refused(code, stdout, err, path, place)
    assert not out.exists() and snapshot(workspace) == before


def test_a_workbook_with_an_extra_sheet_of_notes_is_read(capsys, tmp_path, template):
    def notes(book):
        book.create_sheet("Notes")["A1"] = "Reviewed with Finance on 30 June."
    out = tmp_path / "out.nt"
    code, _, err = run(capsys, "assess", "import", fill(template, tmp_path / "notes.xlsx",
                                                         edit=notes), "--out", out)
    assert code == 0, err
    assert "Budgets are reviewed monthly" in out.read_text()


# ---------------------------------------------------------------------------------------------
# SPARQL: query --file and --sparql, the endpoint and the MCP tool
# ---------------------------------------------------------------------------------------------

DEEP = 5_000


def deep_query() -> str:
    return "SELECT * WHERE { " + "{ " * DEEP + "?s ?p ?o" + " }" * DEEP + " }\n"


# The file, and the message every surface gives (the runaway with a time limit of 1 s).
QUERIES = {
    "service.rq": r"SERVICE is refused",
    "syntax-error.rq": r"SPARQL syntax error: line 5, column \d+",
    "update.rq": r"SPARQL syntax error: line 1|SPARQL Update is refused",
    "binary.rq": r":1: not UTF-8 text",
    "runaway.rq": r"the query was stopped after 1 s \(--timeout 1\)",
}


def _limit(name: str) -> list[str]:
    return ["--timeout", "1"] if name == "runaway.rq" else []


@pytest.mark.parametrize("name", list(QUERIES))
def test_a_bad_query_file_is_one_line_naming_the_file(capsys, name):
    path = BAD / name
    code, out, err = run(capsys, "query", "--file", path, *_limit(name))
    assert_refused(code, out, err, path, QUERIES[name])
    assert out == ""


@pytest.mark.parametrize("name", ["service.rq", "syntax-error.rq", "update.rq", "runaway.rq"])
def test_bad_query_text_is_one_line(capsys, name):
    code, out, err = run(capsys, "query", "--sparql", (BAD / name).read_text(), *_limit(name))
    assert "Traceback" not in err and code == 2 and ONE_LINE.fullmatch(err), err
    assert re.search(QUERIES[name], err) and out == ""


@pytest.fixture(scope="module")
def endpoint():
    from finops_kg.sparql.serve import Limits, create_app, served_quads
    from test_serve import running

    with running(create_app(str(served_quads()), Limits(seconds=1.0, rows=500),
                            workers=1)) as url:
        yield f"{url}/sparql"


ENDPOINT_ANSWERS = {  # the file: its status and message at the endpoint and the MCP tool
    "service.rq": (400, r"SERVICE is refused"),
    "syntax-error.rq": (400, r"SPARQL syntax error: line 5, column \d+"),
    "update.rq": (400, r"SPARQL syntax error: line 1|SPARQL Update is refused"),
    "runaway.rq": (503, r"time limit of 1 s"),
    "deep": (400, r"SPARQL syntax error: line 1, column \d+: nested more than \d+ levels"),
}


def _query_text(name: str) -> str:
    return deep_query() if name == "deep" else (BAD / name).read_text()


def test_the_endpoint_answers_bad_queries_in_one_line_and_goes_on(endpoint):
    import httpx

    for name, (status, message) in ENDPOINT_ANSWERS.items():
        reply = httpx.post(endpoint, content=_query_text(name).encode(), timeout=30,
                           headers={"Content-Type": "application/sparql-query"})
        assert reply.status_code == status, (name, reply.text)
        assert re.search(message, reply.text) and reply.text.count("\n") <= 1, (name, reply.text)
        assert "Traceback" not in reply.text
    binary = httpx.post(endpoint, content=(BAD / "binary.rq").read_bytes(), timeout=30,
                        headers={"Content-Type": "application/sparql-query"})
    assert binary.status_code == 400 and "Traceback" not in binary.text
    fine = httpx.post(endpoint, data={"query": "ASK {}"}, timeout=30)
    assert fine.status_code == 200 and fine.json()["boolean"] is True


def test_the_mcp_sparql_tool_answers_bad_queries_as_tool_errors():
    pytest.importorskip("mcp")
    from finops_kg.assistant import make_server
    from finops_kg.sparql.serve import Limits
    from test_assistant import session, text_of

    server = make_server(limits=Limits(seconds=1.0, rows=50))

    async def steps(client):
        return [await client.call_tool("sparql", {"query": _query_text(name)})
                for name in ENDPOINT_ANSWERS if name != "deep"] + \
            [await client.call_tool("sparql", {"query": deep_query()[:20_000]})]

    results = session(server, steps)
    messages = [m for n, (_, m) in ENDPOINT_ANSWERS.items() if n != "deep"] + \
        [r"nested more than \d+ levels|at most 20000"]
    for result, message in zip(results, messages):
        assert result.is_error and re.search(message, text_of(result)), text_of(result)
        assert "Traceback" not in text_of(result)


# ---------------------------------------------------------------------------------------------
# Big files, made here: a child process with 2 GB of address space and a time limit
# ---------------------------------------------------------------------------------------------

def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def cli(*args: object, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONFAULTHANDLER="")
    return subprocess.run([sys.executable, "-m", "finops_kg", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          preexec_fn=_cap_memory)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    files = {}
    files["long-line.nt"] = folder / "long-line.nt"
    with files["long-line.nt"].open("w") as stream:  # one unterminated 200 MB literal
        stream.write('<https://example.org/bad/a> <https://example.org/bad/p> "')
        chunk = "a" * (1 << 20)
        for _ in range(200):
            stream.write(chunk)
    files["deep.jsonld"] = folder / "deep.jsonld"
    files["deep.jsonld"].write_text(
        '{"@id": "https://example.org/bad/a", ' + '"https://example.org/bad/p": {' * DEEP
        + '"@value": "bottom"' + "}" * DEEP + "}\n")
    files["deep.ttl"] = folder / "deep.ttl"
    files["deep.ttl"].write_text("@prefix ex: <https://example.org/bad/> .\nex:a ex:p "
                                 + "[ ex:p " * DEEP + '"bottom"' + " ]" * DEEP + " .\n")
    files["deep.rq"] = folder / "deep.rq"
    files["deep.rq"].write_text(deep_query())
    return files


BIG = [  # file, surface, place of the error (None: read, as the documentation says)
    ("long-line.nt", "workspace load", r":1: a line longer than 16 MiB cannot be read"),
    ("long-line.nt", "validate", r":1: a line longer than 16 MiB cannot be read"),
    ("long-line.nt", "query --data", r":1: a line longer than 16 MiB cannot be read"),
    ("deep.jsonld", "workspace load", r":1: column \d+: nested more than 200 levels deep"),
    ("deep.jsonld", "validate", r":1: column \d+: nested more than 200 levels deep"),
    ("deep.jsonld", "query --data", r":1: column \d+: nested more than 200 levels deep"),
    ("deep.ttl", "query --data", r":2: column \d+: nested more than 200 levels deep"),
    ("deep.ttl", "validate", None),
    ("deep.rq", "query --file", r"SPARQL syntax error: line 1, column \d+: nested more than"),
]


@pytest.mark.parametrize(("name", "surface", "place"), BIG,
                         ids=[f"{s}:{n}" for n, s, _ in BIG])
def test_a_big_or_deep_file_is_refused_in_bounded_memory_and_time(
        big, workspace, name, surface, place):
    path = big[name]
    if surface == "workspace load":
        before = snapshot(workspace)
        result = cli("workspace", "load", workspace, path)
        assert snapshot(workspace) == before
    else:
        result = cli(*{"validate": ["validate", path],
                       "query --data": ["query", "--sparql", "ASK {}", "--data", path],
                       "query --file": ["query", "--file", path]}[surface])
    assert "Traceback" not in result.stderr
    if place is None:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert ONE_LINE.fullmatch(result.stderr) and str(path) in result.stderr, result.stderr
    assert re.search(place, result.stderr), result.stderr
    assert result.stdout == ""
