"""The command line, run as a user runs it: exit codes, tables, reports and one-line errors."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from finops_kg.graph import resources

from conftest import DATA

CLI = [sys.executable, "-m", "finops_kg"]


def run(*args: str, resources_dir: Path | None = None, seed: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    if resources_dir is not None:
        env["FINOPS_KG_RESOURCES"] = str(resources_dir)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode == 2
    assert result.stderr == f"finops-kg: error: {expected}\n"
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture()
def sources(tmp_path) -> Path:
    """A private copy of the ontology, shapes, data and queries that a test may break."""
    copy = tmp_path / "sources"
    for part in ("ontology", "shapes", "data", "queries", "context"):
        shutil.copytree(resources.resource_root() / part, copy / part)
    return copy


def test_build_prints_a_summary_table_and_writes_the_release(tmp_path):
    result = run("build", "--out", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["count"]
    table = {" ".join(line.split()[:-1]): line.split()[-1] for line in lines[2:] if line.strip()}
    assert table["fo:Capability"] == "22"
    assert table["fo:Persona"] == "11"
    assert table["fo:CorePersona"] == "6"
    assert int(table["triples (with entailments)"]) > int(table["triples (asserted)"])
    assert "Wrote 7 files" in result.stdout


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert run("build", "--out", str(first), seed="1").returncode == 0
    assert run("build", "--out", str(second), seed="2").returncode == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) == 7
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_unknown_edition_lists_the_editions(tmp_path):
    result = run("build", "--edition", "2031", "--out", str(tmp_path))
    assert_one_line_error(result, "unknown edition '2031'; the editions are: 2025, 2026")


def test_unwritable_out_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run("build", "--out", str(blocker / "dist"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"finops-kg: error: {blocker / 'dist'}: output folder is not writable")
    assert result.stderr.count("\n") == 1


def test_malformed_turtle_in_a_data_file_names_file_and_line(sources, tmp_path):
    phases = sources / "data" / "2026" / "phases.ttl"
    lines = phases.read_text().splitlines()
    lines[9] = lines[9] + " this is not turtle"
    phases.write_text("\n".join(lines) + "\n")
    result = run("build", "--out", str(tmp_path / "dist"), resources_dir=sources)
    assert result.returncode == 2
    assert result.stderr.startswith(f"finops-kg: error: {phases}:10: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_a_failed_build_names_each_problem_and_leaves_dist_untouched(sources, tmp_path):
    shutil.copy(DATA / "shapes" / "capability-in-two-domains.ttl",
                sources / "data" / "2026" / "zz-broken.ttl")
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "finops-kg.ttl").write_text("the previous release")
    result = run("build", "--out", str(dist), resources_dir=sources)
    assert result.returncode == 1
    assert ("Violation | fid:capability/test-split (Test Split) | fo:inDomain | - | "
            "A capability belongs to exactly one domain.") in result.stderr.splitlines()
    assert "nothing was written" in result.stderr
    assert [p.name for p in dist.iterdir()] == ["finops-kg.ttl"]
    assert (dist / "finops-kg.ttl").read_text() == "the previous release"


def test_validate_a_conforming_user_file(tmp_path):
    user = tmp_path / "mine.nt"
    user.write_text("<https://example.org/team> <http://www.w3.org/2000/01/rdf-schema#label> "
                    '"Cloud team" .\n')
    result = run("validate", str(user))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "Conforms: 0 violations, 0 warnings, 0 infos.\n"


def test_validate_reports_one_line_per_result(tmp_path):
    result = run("validate", str(DATA / "shapes" / "persona-core-and-allied.ttl"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "Does not conform: 1 violation, 0 warnings, 0 infos.",
        "Violation | fid:persona/test-both (Test Both) | - | fid:persona/test-both | "
        "A persona must be either a core persona or an allied persona, and not both.",
    ]


def test_validate_json_and_turtle_formats():
    fixture = str(DATA / "shapes" / "capability-in-two-domains.ttl")
    as_json = json.loads(run("validate", fixture, "--format", "json").stdout)
    assert as_json["conforms"] is False
    assert [r["focus"] for r in as_json["results"]] == ["fid:capability/test-split"]
    turtle = run("validate", fixture, "--format", "turtle").stdout
    assert "sh:ValidationReport" in turtle and "sh:conforms false" in turtle


def test_validate_malformed_user_file_names_file_and_line(tmp_path):
    user = tmp_path / "mine.ttl"
    user.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n")
    result = run("validate", str(user))
    assert result.returncode == 2
    assert result.stderr.startswith(f"finops-kg: error: {user}:2: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_validate_missing_file(tmp_path):
    result = run("validate", str(tmp_path / "nowhere.ttl"))
    assert_one_line_error(result, f"{tmp_path / 'nowhere.ttl'}: no such file")


def test_diff_names_the_editions_there_are():
    assert_one_line_error(run("diff", "2025", "2031"),
                          "unknown edition '2031'; the editions are: 2025, 2026")


def test_diff_prints_the_typed_table():
    result = run("diff", "2025", "2026")
    assert result.returncode == 0
    assert result.stdout == (DATA / "expected" / "diff-2025-2026.txt").read_text()


def test_stats_prints_counts_coverage_and_explained_gaps():
    result = run("stats")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^fo:FunctionalActivity +621$", result.stdout, flags=re.M)
    assert "Content gaps: " in result.stdout and "NO REASON STATED" not in result.stdout
    body = json.loads(run("stats", "--format", "json").stdout)
    assert len(body["coverage"]) == 22 and all(g["reason"] for g in body["gaps"])


def test_query_list_prints_the_catalogue():
    result = run("query", "--list")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split() == ["name", "title", "parameters"]
    assert "maturity-gaps" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["query", "maturity-gapz"], "no catalogue query named 'maturity-gapz'; did you mean maturity-gaps,"),
    (["query", "--sparql", "SELECT * WHERE {\n ?s ?p\n}"],
     "SPARQL syntax error: line 3, column "),
    (["query", "maturity-gaps", "--param", "edition"], "--param 'edition': write it as NAME=VALUE"),
    (["query", "maturity-gaps", "--edition", "1999"],
     "parameter edition: unknown edition '1999'; the editions are: 2025, 2026"),
    (["query", "--file", "/nonexistent/q.rq"], "/nonexistent/q.rq: cannot be read"),
])
def test_query_bad_input_is_one_line(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"finops-kg: error: {message}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_query_param_edition_is_the_edition_option():
    by_param = run("query", "capabilities-by-domain", "--param", "edition=2025", "--format", "csv")
    by_option = run("query", "capabilities-by-domain", "--edition", "2025", "--format", "csv")
    both = run("query", "capabilities-by-domain", "--edition", "2025", "--param", "edition=2025",
               "--format", "csv")
    assert by_param.returncode == by_option.returncode == both.returncode == 0, by_param.stderr
    assert by_param.stdout == by_option.stdout == both.stdout
    assert "/edition/2025," in by_param.stdout and "/edition/2026," not in by_param.stdout
    assert_one_line_error(run("query", "capabilities-by-domain", "--edition", "2026",
                              "--param", "edition=2025"),
                          "--edition 2026 and --param edition=2025 disagree: give the edition once")


def test_query_with_users_data_as_csv():
    result = run("query", "maturity-gaps", "--data",
                 str(resources.resource_root() / "data" / "examples" / "acme" / "assessments.ttl"),
                 "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "unit,capability,achieved,target,levels"
    assert "https://example.org/acme/unit/data-science,https://w3id.org/finops-kg/id/capability/unit-economics,Crawl,Run,2" in result.stdout


def test_export_writes_a_view_atomically_and_refuses_bad_choices(tmp_path):
    out = tmp_path / "flow.graphml"
    result = run("export", "--format", "graphml", "--view", "capability-flow", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("<graphml") and [p.name for p in tmp_path.iterdir()] == [
        "flow.graphml"]
    # formats and views are choices: argparse refuses them, listing what there is
    for args, message in ((("--format", "png"), "argument --format: invalid choice: 'png' "
                           "(choose from 'turtle', 'jsonld', 'nt', 'xml', 'trig', 'graphml', "
                           "'gexf', 'dot', 'mermaid', 'cytoscape-json', 'csv', 'archimate')"),
                          (("--format", "dot", "--view", "pie"), "argument --view: invalid "
                           "choice: 'pie' (choose from 'capability-persona', 'domain-capability', "
                           "'capability-flow', 'kpi-capability', 'full')")):
        refused = run("export", *args)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert refused.stderr.splitlines()[-1] == f"finops-kg export: error: {message}"
    assert_one_line_error(run("export", "--format", "csv", "--out", str(tmp_path / "m.json")),
                          f"{tmp_path / 'm.json'}: a csv file should end in .csv")


def test_export_to_standard_output():
    result = run("export", "--format", "mermaid", "--view", "domain-capability")
    assert result.returncode == 0 and result.stdout.startswith("flowchart LR")


def test_site_and_viz_commands(tmp_path):
    site = run("site", "--out", str(tmp_path / "site"))
    assert site.returncode == 0, site.stderr
    for page in ("index.html", "explorer.html", "matrix.svg", "capabilities/allocation.html"):
        assert (tmp_path / "site" / page).exists(), page
    assert_one_line_error(run("viz", "persona", "Finanse", "--out", str(tmp_path / "p.svg")),
                          "no persona is called 'Finanse'; close matches: 'finance'")
    assert_one_line_error(run("viz", "matrix", "--out", str(tmp_path / "m.html")),
                          f"{tmp_path / 'm.html'}: matrix is drawn as .svg or .png")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ask_prints_its_answer(engine):
    result = run("query", "--engine", engine, "--sparql", "ASK { GRAPH ?g { ?s ?p ?o } }")
    assert (result.returncode, result.stdout) == (0, "True\n"), result.stderr
    as_json = run("query", "--engine", engine, "--format", "sparql-json", "--sparql",
                  "ASK { <urn:nothing> ?p ?o }")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": False}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_is_refused_unless_allowed_and_then_fails_in_one_line(engine):
    import socket

    with socket.socket() as listener:  # a remote endpoint that records whether it was called
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        service = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.getsockname()[1]}/sparql> {{ ?s ?p ?o }} }}"
        refused = run("query", "--engine", engine, "--sparql", service)
        assert_one_line_error(refused, "SERVICE is refused: it would send a request off this "
                                       "machine (pass --allow-service to permit it)")
        with pytest.raises(socket.timeout):
            listener.accept()  # nobody called
        listener.close()  # now the call is refused by the operating system
        allowed = run("query", "--engine", engine, "--allow-service", "--sparql", service)
    assert allowed.returncode == 2 and "Traceback" not in allowed.stderr
    assert allowed.stderr.startswith("finops-kg: error: the query failed: ")
    assert allowed.stderr.count("\n") == 1


def test_serve_checks_everything_before_it_announces():
    import socket

    # The serve extra missing: uvicorn cannot be imported.
    no_extra = subprocess.run([sys.executable, "-c", "import sys; sys.modules['uvicorn'] = None; "
                               "from finops_kg.cli import main; sys.exit(main(['serve', '--port', '0']))"],
                              capture_output=True, text=True, timeout=120)
    assert no_extra.returncode == 2
    assert no_extra.stderr == ("finops-kg: error: serving needs the serve extra: "
                               "pip install 'finops-kg[serve]'\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = run("serve", "--port", str(port))
    assert busy.returncode == 2
    assert busy.stderr.startswith(f"finops-kg: error: cannot listen on 127.0.0.1:{port}: ")
    assert "serving" not in busy.stderr and busy.stderr.count("\n") == 1


# --- the command line explains itself -----------------------------------------------------------

def _commands(parser, path=()):
    """Every subcommand as (its words, its parser), map's actions included."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                sub.format_help()  # a command adds its arguments when first used
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def _examples(epilog: str) -> list[list[str]]:
    import shlex

    return [shlex.split(line, comments=True) for line in epilog.splitlines()
            if line.startswith("  finops-kg ")]


def test_every_command_has_a_description_and_examples_that_parse():
    from finops_kg.cli import make_parser

    commands = dict(_commands(make_parser()))
    assert {("map", "list"), ("map", "check"), ("map", "apply"), ("map", "import-csv"),
            ("build",), ("site",), ("serve",), ("stats",), ("diff",)} <= set(commands)
    examples = _examples(make_parser().epilog)
    for words, parser in commands.items():
        assert parser.description, " ".join(words)
        assert "finops-kg " in (parser.epilog or ""), " ".join(words)
        assert all(example[1:len(words) + 1] == list(words)
                   for example in _examples(parser.epilog)), " ".join(words)
        examples += _examples(parser.epilog)
    for example in examples:  # an example names only options that exist, with valid values
        args = make_parser().parse_args(example[1:])
        assert callable(args.run), example


def test_every_format_is_a_choice_and_edition_reads_the_same_everywhere(monkeypatch):
    from finops_kg.cli import make_parser
    from finops_kg.graph import iris

    # the default comes from the data layer: change it there and every command follows
    monkeypatch.setattr(iris, "DEFAULT_EDITION", "2025")
    editions, formats = {}, {}
    for words, parser in _commands(make_parser()):
        for action in parser._actions:
            if "--edition" in action.option_strings:
                editions[" ".join(words)] = action
            if "--format" in action.option_strings:
                formats[" ".join(words)] = action
    assert set(formats) == {"validate", "diff", "stats", "query", "export", "assess export",
                            "search", "show", "workspace list", "workspace export"}
    for name, action in formats.items():
        assert action.choices and (action.required or action.default in action.choices), name
    assert {"build", "validate", "stats", "query", "export", "viz", "site", "serve", "publish",
            "map check", "map apply", "search", "show"} <= set(editions)
    wording = editions["build"].help
    assert wording.endswith("(default: 2025)")
    for name, action in editions.items():
        assert action.help.startswith(wording), name
        # query's --edition also fills a catalogue query's edition parameter, and a workspace
        # has its own edition, so those stay unset
        assert action.default == (None if name in {"query", "validate", "assess report"}
                                  else "2025"), name


@pytest.mark.parametrize(("args", "refused"), [
    # the value after an option that is not there reads as one more FILE
    (["map", "list", "--target", "roles.ttl"], "unrecognized arguments: --target"),
    (["map", "list", "--edition", "2025"], "unrecognized arguments: --edition"),
    (["map", "check", "--as", "owl"], "unrecognized arguments: --as"),
    (["map", "check", "--set-id", "https://example.org/s"], "unrecognized arguments: --set-id"),
    (["map", "apply", "--target", "roles.ttl"], "unrecognized arguments: --target"),
    (["map", "import-csv", "roles.csv", "--set-id", "https://example.org/s", "--as", "owl"],
     "unrecognized arguments: --as owl"),
    (["map", "import-csv", "roles.csv"], "the following arguments are required: --set-id"),
])
def test_map_subcommands_refuse_options_that_are_not_theirs(args, refused, capsys):
    from finops_kg.cli import main

    with pytest.raises(SystemExit) as exit:
        main(args)
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"error: {refused}")


@pytest.mark.parametrize("args", [
    ["query", "--sparql", "ASK { ?s ?p ?o }", "--endpoint", "http://127.0.0.1:9/sparql"],
    ["publish", "--endpoint", "http://127.0.0.1:9/sparql"],
])
def test_a_remote_store_that_fails_exits_3_in_one_line(args):
    result = run(*args)  # nothing listens on the discard port
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("finops-kg: error: http://127.0.0.1:9/sparql: unreachable")
    assert result.stderr.count("\n") == 1


def test_help_readme_and_cli_doc_list_the_same_exit_codes():
    from finops_kg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_REMOTE, EXIT_USAGE

    assert (EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_REMOTE) == (0, 1, 2, 3)
    result = run("--help")
    section = result.stdout.split("exit codes:\n")[1].split("\n\n")[0]
    in_help = {int(line.split()[0]) for line in section.splitlines()
               if not line.startswith("     ")}  # a code's line, not its continuation
    assert in_help == {0, 1, 2, 3, 130}
    root = Path(__file__).resolve().parent.parent
    for document in (root / "README.md", root / "docs" / "cli.md"):
        text = document.read_text(encoding="utf-8")
        codes = re.findall(r"^\| `(\d+)` \|", text, flags=re.MULTILINE)
        assert {int(code) for code in codes} == in_help, document.name


def test_the_cli_package_runs_as_a_module():
    # benchmarks/bench_mapping.py runs `python -m finops_kg.cli map ...`
    result = subprocess.run([sys.executable, "-m", "finops_kg.cli", "map", "list"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "focus.sssom.tsv" in result.stdout


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = dict(os.environ, FINOPS_KG_CACHE=str(blocker / "cache"))
    result = subprocess.run([*CLI, "query", "capabilities-of-a-domain", "--param",
                             "domain=Understand Usage & Cost", "--format", "csv"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5  # the header and four capabilities
