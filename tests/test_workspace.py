"""The workspace: the Framework and the user's graphs in an on-disk store, changed all or nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from pyoxigraph import NamedNode
from rdflib import Dataset, Graph

from finops_kg.graph import resources
from finops_kg.graph.iris import ONTOLOGY_IRI, edition_iri
from finops_kg.workspace import LoadError, Workspace, WorkspaceError, workspace as module
from finops_kg.workspace.metadata import FRAMEWORK, IDENTIFIER, META_GRAPH, file_graph

from conftest import DATA

FILES = DATA / "workspace"
ACME = resources.resource_root() / "data" / "examples" / "acme"
EDITION = NamedNode(edition_iri("2026"))
CLI = [sys.executable, "-m", "finops_kg"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "FINOPS_KG_WORKSPACE"}
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True,
                          env={**environment, **(env or {})}, timeout=300)


def triples(store, graph: str) -> set[tuple[str, str, str]]:
    """The triples of one graph of a store, as N-Triples terms."""
    return {(str(q.subject), str(q.predicate), str(q.object))
            for q in store.quads_for_pattern(None, None, None, NamedNode(graph))}


def without_blank_nodes(found: set[tuple]) -> set[tuple]:
    return {t for t in found if not any(term.startswith("_:") for term in t)}


def rdflib_triples(path: Path) -> set[tuple[str, str, str]]:
    """A file's triples read by rdflib, the other parser, as N-Triples terms."""
    return {tuple(term.n3() for term in triple) for triple in Graph().parse(path)}


def quads_in_file(path: Path) -> set[tuple[str, str, str, str]]:
    """The quads of an N-Quads or TriG file, as N-Quads terms."""
    fmt = pyoxigraph.RdfFormat.TRIG if path.suffix == ".trig" else pyoxigraph.RdfFormat.N_QUADS
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
            for q in pyoxigraph.parse(path=str(path), format=fmt)}


def in_union(workspace: Workspace, triple: tuple[str, str, str]) -> bool:
    store = workspace.store()
    return any(True for _ in store.quads_for_pattern(
        *(pyoxigraph.NamedNode(t[1:-1]) if t.startswith("<") else _literal(t) for t in triple),
        EDITION))


def _literal(text: str):
    return next(pyoxigraph.parse(f"<urn:s> <urn:p> {text} .",
                                 format=pyoxigraph.RdfFormat.N_TRIPLES)).object


def snapshot(workspace: Workspace) -> tuple:
    """Everything a failed change must leave as it was."""
    store = workspace.store()
    quads = {str(q) for q in store}
    return (workspace.folder.head(), workspace.list(), workspace.info, len(quads), hash(frozenset(quads)))


def nt_file(path: Path, count: int, name: str = "bulk") -> Path:
    """Write count N-Triples about made-up people and their units."""
    with path.open("w") as out:
        for i in range(count):
            out.write(f"<https://example.org/{name}/person/{i // 2}> "
                      f"<https://example.org/{name}/p{i % 2}> \"{i}\" .\n")
    return path


@pytest.fixture()
def folder(empty_workspace, tmp_path) -> Path:
    path = tmp_path / "ws"
    shutil.copytree(empty_workspace, path)
    return path


@pytest.fixture()
def ws(folder) -> Workspace:
    workspace = Workspace.open(folder)
    yield workspace
    workspace.close()


# --- init ---------------------------------------------------------------------------------------

def test_init_holds_the_framework_and_records_what_made_it(ws):
    from finops_kg import __version__
    from finops_kg.release.compiled import dataset_key, open_dataset

    compiled, store = open_dataset(), ws.store()
    for graph in compiled.named_graphs():  # blank nodes get new names in each store
        mine, theirs = triples(store, graph.value), triples(compiled, graph.value)
        assert len(mine) == len(theirs) and without_blank_nodes(mine) == \
            without_blank_nodes(theirs), graph
    framework = triples(store, EDITION.value)
    assert framework == triples(store, "urn:finops-kg:workspace:framework:2026")
    info = ws.info
    assert (info.edition, info.dataset_key, info.package_version) == \
        ("2026", dataset_key(), __version__)
    assert info.created.endswith("Z") and info.created == info.framework_loaded
    assert ws.list() == []
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = len(triples(store, ONTOLOGY_IRI)) + len(framework)
    assert int(next(iter(ws.view().query(count)))[0].value) == expected


def test_init_refuses_a_folder_in_use_and_leaves_a_workspace_as_it_is(tmp_path, folder):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    refused = run("workspace", "init", used)
    assert refused.returncode == 2
    assert refused.stderr == (f"finops-kg: error: {used}: exists and is neither an empty folder "
                              "nor a workspace; give a new or an empty folder\n")
    assert sorted(p.name for p in used.iterdir()) == ["notes.txt"]
    head = (folder / "HEAD").read_text()
    again = run("workspace", "init", folder)
    assert again.returncode == 0 and "is already a workspace" in again.stderr
    assert (folder / "HEAD").read_text() == head
    empty = tmp_path / "empty"
    empty.mkdir()
    assert Workspace.init(empty).created
    with pytest.raises(WorkspaceError, match="not a finops-kg workspace"):
        Workspace.open(used)


# --- load ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["org.ttl", "people.nt", "units.rdf", "units.jsonld"])
def test_each_rdf_format_loads_into_a_graph_of_its_own_and_joins_the_edition(ws, name):
    path = FILES / name
    [record] = ws.load([path])
    graph = file_graph(path)
    expected = rdflib_triples(path)
    assert record.graph == graph == f"urn:finops-kg:workspace:file:{name}"
    assert triples(ws.store(), graph) == expected
    assert record.triples == len(expected) and record.part_of is None
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record.source == str(path.resolve())
    assert expected <= triples(ws.store(), EDITION.value)
    assert ws.list() == [record]


@pytest.mark.parametrize("name", ["memberships.nq", "roles.trig"])
def test_quads_that_name_their_graph_keep_it_recorded_as_from_their_file(ws, name):
    path = FILES / name
    records = ws.load([path])
    main = file_graph(path)
    expected = {(s, p, o, f"<{main}>" if g == "DEFAULT" else g)
                for s, p, o, g in quads_in_file(path)}
    loaded = {(s, p, o, f"<{r.graph}>") for r in records
              for s, p, o in triples(ws.store(), r.graph)}
    assert loaded == expected
    assert [r.part_of for r in records] == [None, main]
    assert {(s, p, o) for s, p, o, _ in expected} <= triples(ws.store(), EDITION.value)
    dataset = Dataset()
    dataset.parse(path)
    assert len(expected) == len(list(dataset.quads()))


def test_a_reload_replaces_the_graph(ws, tmp_path):
    org = tmp_path / "org.ttl"
    shutil.copy(FILES / "org.ttl", org)
    ws.load([org, FILES / "people.nt"])
    shutil.copy(FILES / "org-v2.ttl", org)
    [record] = ws.load([org])
    assert triples(ws.store(), record.graph) == rdflib_triples(FILES / "org-v2.ttl")
    assert record.sha256 == hashlib.sha256((FILES / "org-v2.ttl").read_bytes()).hexdigest()
    assert [r.graph for r in ws.list()] == [file_graph(org), file_graph(FILES / "people.nt")]
    data_team = ("<https://example.org/ws/data>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
                 '"Data team"@en')
    finance = ("<https://example.org/ws/finance>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
               '"Finance team"@en')
    assert not in_union(ws, data_team) and in_union(ws, finance)
    assert rdflib_triples(FILES / "people.nt") <= triples(ws.store(), EDITION.value)


@pytest.mark.parametrize("cost", [0, 10**9], ids=["rebuilt", "removed-in-place"])
def test_a_triple_leaves_the_union_when_nothing_else_states_it(ws, tmp_path, monkeypatch, cost):
    monkeypatch.setattr(module, "REMOVAL_COST", cost)
    shared = ('<https://example.org/ws/acme> <https://example.org/ws/says> "both" .\n'
              '<https://w3id.org/finops-kg/id/capability/allocation> '
              '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
              '<https://w3id.org/finops-kg/ontology#Capability> .\n')
    (tmp_path / "a.nt").write_text(shared + '<https://example.org/ws/a> <https://example.org/ws/says> "a" .\n')
    (tmp_path / "b.nt").write_text(shared)
    ws.load([tmp_path / "a.nt", tmp_path / "b.nt"])
    both = ("<https://example.org/ws/acme>", "<https://example.org/ws/says>", '"both"')
    only_a = ("<https://example.org/ws/a>", "<https://example.org/ws/says>", '"a"')
    framework = ("<https://w3id.org/finops-kg/id/capability/allocation>",
                 "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                 "<https://w3id.org/finops-kg/ontology#Capability>")
    ws.drop("a.nt")
    assert in_union(ws, both) and not in_union(ws, only_a) and in_union(ws, framework)
    ws.drop(file_graph(tmp_path / "b.nt"))
    assert not in_union(ws, both) and in_union(ws, framework)
    assert ws.list() == []
    pristine = triples(ws.store(), "urn:finops-kg:workspace:framework:2026")
    assert triples(ws.store(), EDITION.value) == pristine


def test_the_store_is_compacted_once_an_eighth_of_it_changed_since_it_last_was(ws, folder, tmp_path,
                                                                              monkeypatch):
    import pyoxigraph

    from finops_kg.workspace.generation import UNCOMPACTED, read_uncompacted

    compacted = []
    real_store = pyoxigraph.Store

    class Watched:  # the store a change writes, with its compactions counted
        read_only = staticmethod(real_store.read_only)

        def __init__(self, *args):
            self.store = real_store(*args)

        def optimize(self):
            compacted.append(True)
            self.store.optimize()

        def __getattr__(self, name):
            return getattr(self.store, name)

        def __contains__(self, quad):
            return quad in self.store

        def __len__(self):
            return len(self.store)

    monkeypatch.setattr(module.pyoxigraph, "Store", Watched)

    def load(count: int, name: str) -> tuple[int, int]:
        compacted.clear()
        ws.load([nt_file(tmp_path / f"{name}.nt", count, name)])
        return len(compacted), read_uncompacted(ws.folder.generation(ws.folder.head()))

    assert load(800, "first") == (1, 0)  # everything changed
    assert load(99, "second") == (0, 99)  # 99 of 899: under an eighth
    assert load(14, "third") == (0, 113)  # 113 of 913: still under
    assert load(18, "fourth") == (1, 0)  # 131 of 931: past
    compacted.clear()
    ws.drop("second.nt")  # 99 removed of 832
    assert compacted == [] and read_uncompacted(ws.folder.generation(ws.folder.head())) == 99
    assert load(18, "fourth") == (1, 0)  # replaced: 18 out, 18 in, 135 of 832
    # a generation that does not say (made before this was counted) is compacted at its next change
    (ws.folder.generation(ws.folder.head()) / UNCOMPACTED).unlink()
    assert load(1, "fifth") == (1, 0)


def test_blank_nodes_belong_to_their_file(ws):
    ws.load([FILES / "blank-a.ttl", FILES / "blank-b.ttl"])
    rows = ws.view().query("""SELECT ?x (COUNT(?name) AS ?names) WHERE {
        ?x <https://example.org/ws/has> ?b . ?b <https://example.org/ws/name> ?name } GROUP BY ?x""")
    assert sorted((row[0].value, int(row[1].value)) for row in rows) == \
        [("https://example.org/ws/a", 1), ("https://example.org/ws/b", 1)]


def all_triples(store, graph: str) -> set[tuple[str, str, str]]:
    """The triples of one graph, blank nodes kept as the store names them."""
    return {(str(q.subject), str(q.predicate), str(q.object))
            for q in store.quads_for_pattern(None, None, None, NamedNode(graph))}


def test_a_file_of_triples_loads_straight_as_the_general_path_would(folder, tmp_path, monkeypatch):
    # Oxigraph loads these straight from the file; the general path parses them in Python.
    ontology_triple = next(
        q for q in pyoxigraph.Store.read_only(str(folder / "generations" /
                                                  (folder / "HEAD").read_text().strip()))
        .quads_for_pattern(None, None, None, NamedNode(ONTOLOGY_IRI))
        if not isinstance(q.subject, pyoxigraph.BlankNode)
        and not isinstance(q.object, pyoxigraph.BlankNode))
    stated = tmp_path / "states-the-ontology.nt"
    stated.write_text(f"{ontology_triple.subject} {ontology_triple.predicate} "
                      f"{ontology_triple.object} .\n<https://example.org/ws/x> "
                      "<https://example.org/ws/says> \"x\" .\n")
    files = [FILES / "org.ttl", FILES / "people.nt", FILES / "units.rdf", FILES / "blank-a.ttl",
             FILES / "blank-b.ttl", stated]
    general = tmp_path / "general"
    shutil.copytree(folder, general)
    straight = Workspace.open(folder)
    assert all(module.straight_load(f, module.loader_for(f)) for f in files)
    straight_records = straight.load(files)
    monkeypatch.setattr(module, "straight_load", lambda path, loader: None)
    other = Workspace.open(general)
    other_records = other.load(files)
    assert [(r.graph, r.triples) for r in straight_records] == \
        [(r.graph, r.triples) for r in other_records]
    for record in straight_records:
        mine = all_triples(straight.store(), record.graph)
        assert without_blank_nodes(mine) == without_blank_nodes(
            all_triples(other.store(), record.graph))
        # a blank node is one node in the file's graph and in the edition's graph
        assert mine - {(str(ontology_triple.subject), str(ontology_triple.predicate),
                        str(ontology_triple.object))} <= all_triples(straight.store(), EDITION.value)
    union = all_triples(straight.store(), EDITION.value)
    assert len(union) == len(all_triples(other.store(), EDITION.value))
    assert without_blank_nodes(union) == without_blank_nodes(
        all_triples(other.store(), EDITION.value))
    # the union leaves out what the ontology states, as the general path does
    assert (str(ontology_triple.subject), str(ontology_triple.predicate),
            str(ontology_triple.object)) not in union
    rows = straight.view().query("""SELECT ?x ?name WHERE {
        ?x <https://example.org/ws/has> ?b . ?b <https://example.org/ws/name> ?name }""")
    assert sorted((row[0].value, row[1].value) for row in rows) == \
        [("https://example.org/ws/a", "from file a"), ("https://example.org/ws/b", "from file b")]
    straight.close()
    other.close()


def data_graph_as_stored(workspace: Workspace) -> tuple[int, set]:
    """The ontology and the edition's graph as the store holds them: count, and the triples
    without blank nodes."""
    store = workspace.store()
    found = all_triples(store, ONTOLOGY_IRI) | all_triples(store, EDITION.value)
    return len(found), without_blank_nodes(found)


def data_store_triples(workspace: Workspace) -> tuple[int, set]:
    found = {(str(q.subject), str(q.predicate), str(q.object)) for q in workspace.data_store()}
    return len(found), without_blank_nodes(found)


@pytest.mark.parametrize("cost", [0, 10**9], ids=["rebuilt", "removed-in-place"])
def test_validation_reads_the_files_a_generation_keeps_as_the_store_holds_them(ws, tmp_path,
                                                                               monkeypatch, cost):
    monkeypatch.setattr(module, "REMOVAL_COST", cost)
    org = tmp_path / "org.ttl"
    shutil.copy(FILES / "org.ttl", org)
    ws.load([org, FILES / "people.nt", FILES / "roles.trig", FILES / "blank-a.ttl",
             FILES / "roles.sssom.tsv"])
    generation = ws.folder.generation(ws.folder.head())
    kept = module.read_sources(generation)
    assert set(kept) == {file_graph(org), file_graph(FILES / "people.nt"),
                         file_graph(FILES / "blank-a.ttl")}
    assert data_store_triples(ws) == data_graph_as_stored(ws)
    org.write_text("")  # the copy kept is what was loaded, whatever becomes of the file
    assert data_store_triples(ws) == data_graph_as_stored(ws)
    # another load keeps the copies of the graphs it keeps; a drop lets its copy go
    ws.load([FILES / "blank-b.ttl"])
    ws.drop("people.nt")
    kept = module.read_sources(ws.folder.generation(ws.folder.head()))
    assert set(kept) == {file_graph(org), file_graph(FILES / "blank-a.ttl"),
                         file_graph(FILES / "blank-b.ttl")}
    assert data_store_triples(ws) == data_graph_as_stored(ws)
    assert not rdflib_triples(FILES / "people.nt") & data_store_triples(ws)[1]


def test_a_failed_load_changes_nothing_and_names_file_and_line(ws, folder):
    ws.load([FILES / "org.ttl"])
    before = snapshot(ws)
    bad = FILES / "bad.ttl"
    with pytest.raises(LoadError) as error:
        ws.load([FILES / "people.nt", bad])
    assert str(error.value) == \
        f"{bad}:3: column 31: Line jumps are not allowed in string literals, use \\n"
    assert snapshot(ws) == before
    # nothing is left of the failed generation (the one before HEAD went, as after any change)
    assert [p.name for p in (folder / "generations").iterdir() if p.is_dir()] == [before[0]]
    result = run("workspace", "load", folder, FILES / "people.nt", FILES / "bad.rdf")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"finops-kg: error: {FILES / 'bad.rdf'}:4: ")
    assert result.stderr.count("\n") == 1
    assert snapshot(ws) == before


def test_an_sssom_set_is_checked_first_then_applied(ws):
    before = snapshot(ws)
    bad = FILES / "bad-row.sssom.tsv"
    with pytest.raises(LoadError, match=f"^{bad}:10: subject_id: fid:persona/no-such-persona "):
        ws.load([FILES / "org.ttl", bad])
    assert snapshot(ws) == before
    [record] = ws.load([FILES / "roles.sssom.tsv"])
    narrow = ("<https://w3id.org/finops-kg/id/persona/finops-practitioner>",
              "<http://www.w3.org/2004/02/skos/core#narrowMatch>", "<https://example.org/ws/role-lead>")
    assert narrow in triples(ws.store(), record.graph) and in_union(ws, narrow)


UNIT = "https://example.org/acme/unit/cloud-platform"
LENS_SCORES = {  # capability: the five lens scores and the target, as a person would fill them
    "Budgeting": (2, 2, 1, 1, 0, 10), "Allocation": (3, 2, 2, 2, 1, 12)}


def filled_assessment(path: Path, unit: str, day: str, bad: dict | None = None) -> Path:
    """A template from `assess template`, filled as LENS_SCORES; bad sets cells (A1 refs)."""
    template = path.with_name(f"template{path.suffix}")
    made = run("assess", "template", "--out", template,
               *[arg for name in LENS_SCORES for arg in ("--capability", name)])
    assert made.returncode == 0, made.stderr
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(template)
        sheet = book["Assessment"]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    else:
        import csv

        rows = list(csv.reader(template.read_text(encoding="utf-8").splitlines()))
    cells = {"B2": unit, "B3": day, **{
        f"{column}{number}": value
        for number, row in enumerate(rows, 1) if row[0] in LENS_SCORES
        for column, value in zip("BCDEFG", LENS_SCORES[row[0]])}, **(bad or {})}
    if path.suffix == ".xlsx":
        for ref, value in cells.items():
            sheet[ref] = value
        book.save(path)
    else:
        for ref, value in cells.items():
            rows[int(ref[1:]) - 1]["ABCDEFGHIJ".index(ref[0])] = str(value)
        path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


def test_assessment_workbooks_and_csv_load_as_assess_import_reads_them(folder, tmp_path):
    org = ACME / "organization.ttl"
    # the workbook names its unit, which the workspace's org chart resolves; the CSV gives the IRI
    workbook = filled_assessment(tmp_path / "q2.xlsx", "Cloud Platform team", "2026-06-30")
    grid = filled_assessment(tmp_path / "q3.csv", UNIT, "2026-09-30")
    loaded = run("workspace", "load", folder, org, workbook, grid)
    assert loaded.returncode == 0, loaded.stderr
    # the generation replaced went at once: no reader held it, the loading command's own view
    # of it included
    head = (folder / "HEAD").read_text().strip()
    assert [p.name for p in (folder / "generations").iterdir() if p.is_dir()] == [head]
    workspace = Workspace.open(folder)
    records = {Path(r.source).name: r for r in workspace.list()}
    assert records.keys() == {"organization.ttl", "q2.xlsx", "q3.csv"}
    for path in (workbook, grid):
        expected = tmp_path / f"{path.name}.nt"
        imported = run("assess", "import", path, "--unit", UNIT, "--out", expected)
        assert imported.returncode == 0, imported.stderr
        record = records[path.name]
        assert record.graph == file_graph(path)
        assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        # through a store, as the workspace's are: Oxigraph writes the decimal 30.0 as 30
        same = pyoxigraph.Store()
        same.bulk_load(path=str(expected), format=pyoxigraph.RdfFormat.N_TRIPLES,
                       to_graph=NamedNode(record.graph))
        assert triples(workspace.store(), record.graph) == triples(same, record.graph)
    scores = run("query", "lens-scores", "--workspace", folder, "--format", "csv")
    assert scores.returncode == 0, scores.stderr
    rows = [line.split(",") for line in scores.stdout.splitlines()[1:]]
    budgeting = [int(score) for unit, capability, date, _, score in rows
                 if capability.endswith("/budgeting") and date == "2026-09-30" and unit == UNIT]
    assert budgeting == list(LENS_SCORES["Budgeting"][:5])
    assert {date for *_, date, _, _ in rows} == {"2026-06-30", "2026-09-30"}
    workspace.close()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_bad_assessment_cell_loads_nothing_and_is_named(folder, tmp_path, suffix):
    assert run("workspace", "load", folder, ACME / "organization.ttl").returncode == 0
    before = snapshot(Workspace.open(folder))
    bad = filled_assessment(tmp_path / f"bad{suffix}", "Cloud Platfrom team", "2026-06-30",
                            {"D10": 7})
    refused = run("workspace", "load", folder, FILES / "people.nt", bad)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    sheet = "Assessment" if suffix == ".xlsx" else bad.name
    assert refused.stderr.splitlines() == [
        f"finops-kg: error: {bad}: 2 problems; nothing was loaded:",
        f'{sheet}!B2: unknown unit "Cloud Platfrom team"; did you mean Cloud Platform team?; '
        "load the org chart first, or give the unit's IRI",
        f"{sheet}!D10: Metrics score must be an integer 0–4, not 7"]
    assert snapshot(Workspace.open(folder)) == before
    assert [p.name for p in (folder / "generations").iterdir() if p.is_dir()] == [before[0]]
    import finops_kg.assess.loader  # noqa: F401  registers workbooks and CSV, as the CLI does
    from finops_kg.errors import InputError

    in_process = Workspace.open(folder)  # the refused generation is closed and removed here too
    with pytest.raises(InputError, match="2 problems; nothing was loaded"):
        in_process.load([bad])
    assert [p.name for p in (folder / "generations").iterdir() if p.is_dir()] == [before[0]]


@pytest.mark.parametrize(("files", "graph", "message"), [
    (["into-the-edition.trig"], None, "into-the-edition.trig: puts quads into "
     "<https://w3id.org/finops-kg/id/edition/2026>, a graph of the Framework"),
    (["org.ttl"], "https://w3id.org/finops-kg/id/edition/2026",
     "<https://w3id.org/finops-kg/id/edition/2026> is a graph of the Framework"),
    (["org.ttl"], META_GRAPH, f"<{META_GRAPH}> is a graph of the Framework or of the workspace"),
    (["org.ttl", "people.nt"], "urn:acme:g", "--graph names the graph of one file"),
    (["org.ttl"], "no iri", "--graph 'no iri' is not an IRI"),
    (["notes.txt"], None, "notes.txt: a workspace cannot load this kind of file; it loads "),
    (["missing.ttl"], None, "missing.ttl: no such file"),
])
def test_a_load_that_would_overwrite_or_cannot_read_is_refused(ws, tmp_path, files, graph,
                                                               message):
    (tmp_path / "notes.txt").write_text("not RDF")
    paths = [FILES / name if (FILES / name).exists() else tmp_path / name for name in files]
    before = snapshot(ws)
    with pytest.raises((LoadError, WorkspaceError), match=message.replace("(", r"\(")
                       .replace(")", r"\)").replace("?", r"\?")):
        ws.load(paths, graph=graph)
    assert snapshot(ws) == before


def test_two_files_of_one_name_need_a_graph_each(ws, tmp_path):
    (tmp_path / "org.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(WorkspaceError, match="both load into <urn:finops-kg:workspace:file:org.ttl>"):
        ws.load([FILES / "org.ttl", tmp_path / "org.ttl"])
    [record] = ws.load([tmp_path / "org.ttl"], graph="urn:acme:other-org")
    assert record.graph == "urn:acme:other-org"


def test_progress_is_reported_while_a_change_or_an_export_runs(ws, folder, tmp_path,
                                                               monkeypatch, capsys):
    from finops_kg.cli import main

    monkeypatch.setattr(module, "PROGRESS_AFTER", 0.0)
    reports = []
    many = nt_file(tmp_path / "many.nt", 70_000)
    more = nt_file(tmp_path / "more.nt", 20_000, "more")
    ws.load([many, more], progress=lambda what, count: reports.append((what, count)))
    assert {what for what, _ in reports} == {f"loading {many}", f"loading {more}"}
    counts = [count for what, count in reports if what == f"loading {many}"]
    assert counts == sorted(counts) and counts[-1] == 70_000 and len(counts) >= 5
    reports.clear()
    # replacing most of the workspace writes a new generation, copying the graphs kept into it
    ws.load([many], progress=lambda what, count: reports.append((what, count)))
    assert ("copying the graphs kept", 16_384) in reports
    for fmt in ("nq", "trig"):
        assert main(["workspace", "export", str(folder), "--format", fmt, "--out",
                     str(tmp_path / f"all.{fmt}")]) == 0
        err = capsys.readouterr().err.splitlines()
        # graphs are dumped one by one, so the count grows a graph at a time
        assert err == ["finops-kg: exporting: 70,000 triples so far",
                       "finops-kg: exporting: 90,000 triples so far",
                       f"finops-kg: wrote {tmp_path / f'all.{fmt}'} (90000 quads)"]


# --- list, drop, export ---------------------------------------------------------------------------

def test_list_drop_and_export_round_trip(ws, folder, tmp_path):
    names = ["org.ttl", "people.nt", "memberships.nq", "roles.trig"]
    ws.load([FILES / name for name in names])
    expected = set()
    for name in names:
        path = FILES / name
        if path.suffix in (".nq", ".trig"):
            expected |= {(s, p, o, f"<{file_graph(path)}>" if g == "DEFAULT" else g)
                         for s, p, o, g in quads_in_file(path)}
        else:
            expected |= {(*t, f"<{file_graph(path)}>") for t in rdflib_triples(path)}
    for fmt in ("nq", "trig"):
        out = tmp_path / f"mine.{fmt}"
        assert ws.export(out, fmt) == len(expected)
        assert quads_in_file(out) == expected, fmt
    listed = run("workspace", "list", folder, "--format", "json")
    rows = json.loads(listed.stdout)
    assert [row["graph"] for row in rows] == [r.graph for r in ws.list()]
    assert {row["graph"]: row["part_of"] for row in rows}["https://example.org/ws/graph-history"] \
        == file_graph(FILES / "roles.trig")
    csv = run("workspace", "list", folder, "--format", "csv").stdout.splitlines()
    assert csv[0] == "graph,triples,source,sha256,loaded_at,part_of" and len(csv) == 7
    dropped = run("workspace", "drop", folder, "memberships.nq")
    assert dropped.returncode == 0 and dropped.stderr.count("dropped <") == 2
    ws_after = Workspace.open(folder)
    kept = {q for q in expected if "memberships" not in q[3]}
    assert len(ws_after.list()) == 4
    exported = run("workspace", "export", folder, "--format", "nq", "--out", tmp_path / "kept.nq")
    assert exported.returncode == 0 and quads_in_file(tmp_path / "kept.nq") == kept
    framework = run("workspace", "drop", folder, ONTOLOGY_IRI)
    assert framework.returncode == 2 and "only your own graphs can be dropped" in framework.stderr
    unknown = run("workspace", "drop", folder, "nothing.ttl")
    assert unknown.stderr == (f"finops-kg: error: {folder} has no graph 'nothing.ttl'; "
                              f"finops-kg workspace list {folder} lists them\n")


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_export_all_is_the_dataset_a_query_sees(ws, tmp_path, fmt):
    ws.load([FILES / "org.ttl"])
    out = tmp_path / f"all.{fmt}"
    count = ws.export(out, fmt, everything=True)
    quads = quads_in_file(out)
    assert len(quads) == count
    store = ws.store()
    default = {q for q in quads if q[3] == "DEFAULT"}
    assert {q[:3] for q in default} == triples(store, ONTOLOGY_IRI) | triples(store, EDITION.value)
    graphs = {q[3] for q in quads} - {"DEFAULT"}
    assert graphs == {str(g) for g in store.named_graphs()}


# --- reading it: query, serve -------------------------------------------------------------------

def test_query_on_a_workspace_gives_the_rows_of_data(folder):
    assessments = ACME / "assessments.ttl"
    assert run("workspace", "load", folder, assessments).returncode == 0
    on_workspace = run("query", "assessment-matrix", "--workspace", folder, "--format", "csv")
    with_data = run("query", "assessment-matrix", "--data", assessments, "--format", "csv")
    assert on_workspace.returncode == with_data.returncode == 0, on_workspace.stderr
    assert on_workspace.stdout == with_data.stdout
    assert len(on_workspace.stdout.splitlines()) > 1
    from_environment = run("query", "assessment-matrix", "--format", "csv",
                           env={"FINOPS_KG_WORKSPACE": str(folder)})
    assert from_environment.stdout == with_data.stdout
    nothing = run("query", "assessment-matrix", "--format", "csv")
    assert len(nothing.stdout.splitlines()) == 1  # the header: the compiled dataset has none
    data_wins = run("query", "assessment-matrix", "--format", "csv", "--data", FILES / "org.ttl",
                    env={"FINOPS_KG_WORKSPACE": str(folder)})
    assert data_wins.stdout == nothing.stdout
    both = run("query", "assessment-matrix", "--workspace", folder, "--data", assessments)
    assert both.returncode == 2 and both.stderr.startswith(
        "finops-kg: error: give --workspace or --data, not both")


def test_viz_draws_the_framework_with_the_graphs_of_a_workspace(folder, tmp_path):
    nickname = tmp_path / "nickname.ttl"
    nickname.write_text("<https://w3id.org/finops-kg/id/capability/allocation> "
                        "<http://www.w3.org/2004/02/skos/core#altLabel> \"Chargeback\"@en .\n")
    assert run("workspace", "load", folder, nickname).returncode == 0
    plain = run("viz", "capability", "Allocation", "--out", tmp_path / "plain.mmd")
    assert plain.returncode == 0, plain.stderr
    unknown = run("viz", "capability", "Chargeback", "--out", tmp_path / "no.mmd")
    assert unknown.returncode == 2 and "no capability is called 'Chargeback'" in unknown.stderr
    for option, env in ((["--workspace", folder], None), ([], {"FINOPS_KG_WORKSPACE": str(folder)})):
        out = tmp_path / "mine.mmd"
        mine = run("viz", "capability", "Chargeback", *option, "--out", out, env=env)
        assert mine.returncode == 0, mine.stderr
        assert out.read_bytes() == (tmp_path / "plain.mmd").read_bytes()
        out.unlink()
    other_edition = run("viz", "capability", "Chargeback", "--edition", "2025", "--workspace",
                        folder, "--out", tmp_path / "2025.mmd")
    # the user's graphs join the workspace's edition (2026) only
    assert other_edition.returncode == 2 and "no capability is called 'Chargeback'" in \
        other_edition.stderr


def test_every_catalogue_query_with_example_data_answers_alike(empty_workspace, tmp_path):
    from finops_kg.sparql.catalogue import catalogue
    from finops_kg.sparql.query import query

    by_data: dict[tuple, list] = {}
    for entry in catalogue().values():
        if entry.example_data:
            by_data.setdefault(tuple(sorted(entry.example_data)), []).append(entry)
    for number, (paths, entries) in enumerate(by_data.items()):
        data = [resources.resource_root() / "data" / path for path in paths]
        folder = shutil.copytree(empty_workspace, tmp_path / f"ws{number}")
        Workspace.open(folder).load(data)
        for entry in entries:
            params = {p.name: p.example for p in entry.parameters if p.required}
            expected = query(entry.name, data=data, **params)
            answer = query(entry.name, workspace=folder, **params)
            assert answer.columns == expected.columns, entry.name
            assert sorted(map(repr, answer.rows)) == sorted(map(repr, expected.rows)), entry.name
            assert answer.rows, entry.name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(app):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started:
        assert time.time() < deadline and thread.is_alive(), "the endpoint did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/sparql"
    server.should_exit = True
    thread.join(timeout=10)


def test_serve_answers_from_one_generation_while_a_load_commits(folder, tmp_path):
    from finops_kg.sparql.serve import Limits, create_app

    size = 150_000
    bulk = nt_file(tmp_path / "bulk.nt", size)
    graph = file_graph(bulk)
    counts = (f"SELECT ?mine ?union WHERE {{ "
              f"{{ SELECT (COUNT(*) AS ?mine) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }} "
              f"{{ SELECT (COUNT(*) AS ?union) WHERE {{ GRAPH <{EDITION.value}> {{ ?s ?p ?o }} }} }} }}")
    base = len(triples(Workspace.open(folder).store(), EDITION.value))
    app = create_app(limits=Limits(seconds=30, rows=10), workers=1, workspace=folder)
    answers, failures = set(), []
    with running(app) as url:
        def ask() -> tuple[int, int]:
            reply = httpx.get(url, params={"query": counts}, headers={"Accept": "text/csv"},
                              timeout=60)
            if reply.status_code != 200:
                failures.append((reply.status_code, reply.text))
                return (-1, -1)
            mine, union = reply.text.splitlines()[1].split(",")
            return int(mine), int(union)

        assert ask() == (0, base)
        load = subprocess.Popen([*CLI, "workspace", "load", str(folder), str(bulk)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while load.poll() is None:
            answers.add(ask())
        assert load.returncode == 0, load.stderr
        deadline = time.time() + 30
        while ask() != (size, base + size):
            assert time.time() < deadline, "the endpoint never opened the new generation"
            time.sleep(0.1)
    assert not failures, failures
    assert answers <= {(0, base), (size, base + size)}


def test_a_killed_load_leaves_the_workspace_as_it_was(ws, folder, tmp_path):
    ws.load([FILES / "org.ttl"])
    before = snapshot(ws)
    head = before[0]
    bulk = nt_file(tmp_path / "bulk.nt", 400_000)
    load = subprocess.Popen([*CLI, "workspace", "load", str(folder), str(bulk)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    generations = folder / "generations"
    deadline = time.time() + 120
    while not any(p.is_dir() and p.name > head for p in generations.iterdir()):
        assert load.poll() is None and time.time() < deadline, "the load never started writing"
        time.sleep(0.01)
    time.sleep(0.3)
    load.send_signal(signal.SIGKILL)
    load.wait()
    assert snapshot(ws) == before
    leftovers = [p for p in generations.iterdir() if p.is_dir() and p.name > head]
    assert leftovers
    ws.load([FILES / "people.nt"])  # the next change removes what the killed one left
    assert not any(p.exists() for p in leftovers)


# --- upgrade ------------------------------------------------------------------------------------

def fake_an_older_framework(folder: Path, field: NamedNode, value: str) -> None:
    """Write an older dataset key or package version into the published generation, as an
    older finops-kg would have."""
    store = pyoxigraph.Store(str(folder / "generations" / (folder / "HEAD").read_text().strip()))
    graph, subject = NamedNode(META_GRAPH), NamedNode(FRAMEWORK)
    for quad in list(store.quads_for_pattern(subject, field, None, graph)):
        store.remove(quad)
    store.add(pyoxigraph.Quad(subject, field, pyoxigraph.Literal(value), graph))
    store.flush()
    del store


@pytest.mark.parametrize("older", ["dataset", "package"])
def test_an_outdated_workspace_says_so_once_and_upgrade_keeps_the_users_graphs(folder, older):
    from finops_kg import __version__
    from finops_kg.release.compiled import dataset_key
    from finops_kg.workspace.metadata import VERSION_INFO

    assessments = ACME / "assessments.ttl"
    workspace = Workspace.open(folder)
    workspace.load([FILES / "org.ttl", assessments])
    before = {r.graph: (r.triples, r.sha256, triples(workspace.store(), r.graph))
              for r in workspace.list()}
    workspace.close()
    if older == "dataset":
        fake_an_older_framework(folder, IDENTIFIER, "0123456789abcdef")
        made_with, change = "dataset 0123456789abcdef", f"dataset 0123456789abcdef -> {dataset_key()}"
    else:
        fake_an_older_framework(folder, VERSION_INFO, "finops-kg 0.0.1")
        made_with, change = "finops-kg 0.0.1 (dataset", f"finops-kg 0.0.1 -> {__version__}"
    upgrade = f"run finops-kg workspace upgrade {folder} to replace it and keep your graphs"
    for command in (["workspace", "list", folder],
                    ["query", "assessment-matrix", "--workspace", folder, "--format", "csv"],
                    ["viz", "matrix", "--workspace", folder, "--out", folder.parent / "m.svg"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1 and made_with in warnings[0]
        assert warnings[0].endswith(upgrade)
    upgraded = run("workspace", "upgrade", folder)
    assert upgraded.returncode == 0, upgraded.stderr
    assert change in upgraded.stderr
    workspace = Workspace.open(folder)
    assert workspace.info.dataset_key == dataset_key() and workspace.outdated() is None
    after = {r.graph: (r.triples, r.sha256, triples(workspace.store(), r.graph))
             for r in workspace.list()}
    assert after == before
    on_workspace = run("query", "assessment-matrix", "--workspace", folder, "--format", "csv")
    with_data = run("query", "assessment-matrix", "--data", assessments, "--data",
                    FILES / "org.ttl", "--format", "csv")
    assert on_workspace.stderr == "" and on_workspace.stdout == with_data.stdout
    again = run("workspace", "upgrade", folder)
    assert "already holds the current Framework" in again.stderr


@pytest.mark.parametrize("block", [1, 7, 1 << 22])
@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_an_export_is_the_bytes_oxigraph_writes_whatever_the_block_read(ws, tmp_path, monkeypatch,
                                                                         block, fmt):
    import pyoxigraph

    from finops_kg.graph.iris import PREFIXES

    monkeypatch.setattr(module, "DUMP_BLOCK", block)
    tricky = tmp_path / "tricky.ttl"  # line ends, ` . ` and ` , ` inside literals; blank nodes
    tricky.write_text('<urn:a> <urn:says> "ends with .\\n and \\" .\\n" , " , " , """two\nlines ;""" .\n'
                      '<urn:a> <urn:has> [ <urn:p> "inner" ] , [ <urn:p> "other" ] .\n'
                      '<urn:b> <urn:p> <urn:a> .\n', encoding="utf-8")
    ws.load([FILES / "org.ttl", tricky, FILES / "roles.trig"])
    store = ws.store()
    records = ws.list()
    expected = pyoxigraph.serialize(
        [q for r in records for q in store.quads_for_pattern(None, None, None, NamedNode(r.graph))],
        format=pyoxigraph.RdfFormat.N_QUADS if fmt == "nq" else pyoxigraph.RdfFormat.TRIG,
        prefixes=None if fmt == "nq" else PREFIXES)
    out = tmp_path / f"mine.{fmt}"
    assert ws.export(out, fmt) == sum(r.triples for r in records)
    assert out.read_bytes() == expected
    assert not list(tmp_path.glob(".finops-kg-export-*"))  # the dumps went with the export
