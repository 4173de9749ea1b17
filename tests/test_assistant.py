"""The MCP server, driven by the official SDK's own client: in memory, over stdio and over HTTP.

Every tool is called and its structured answer checked against the output schema it publishes;
answers carry citations; bad arguments are tool errors the assistant can read, not crashes;
long lists come in pages that fit the size budget; and tests/data/mcp-eval.yaml's practitioner
questions are answered with the facts they must contain, without any model.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
import yaml

pytest.importorskip("mcp")

from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402

from finops_kg.assistant import make_server  # noqa: E402
from finops_kg.assistant.paging import BUDGET  # noqa: E402
from finops_kg.sparql.serve import Limits  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "data" / "examples" / "acme"
EVAL = Path(__file__).parent / "data" / "mcp-eval.yaml"
FRAMEWORK_TOOLS = {"search", "show", "who_does_what", "maturity", "kpis", "crosswalks",
                   "edition_changes", "catalogue", "run_query"}
WORKSPACE_TOOLS = {"assessment_status", "who_should_act"}
FOOTER = 4_000  # the citations under a page: IRIs, sources, attribution


@pytest.fixture(scope="module")
def server():
    return make_server()


@pytest.fixture(scope="module")
def quiet_server():
    return make_server(allow_sparql=False)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from finops_kg.workspace import Workspace

    folder = tmp_path_factory.mktemp("acme") / "ws"
    Workspace.init(folder).load([ACME / name for name in (
        "organization.ttl", "roles.ttl", "people.ttl", "assessments.ttl", "roles.sssom.tsv")])
    return folder


@pytest.fixture(scope="module")
def workspace_server(workspace):
    return make_server(workspace=workspace, allow_sparql=False)


def session(server: Any, steps: Any, mode: str = "auto") -> Any:
    """Run steps(client) with the SDK's client connected to the server in this process."""
    async def main() -> Any:
        async with Client(server, mode=mode) as client:
            return await steps(client)

    return anyio.run(main)


def text_of(result: Any) -> str:
    return "".join(block.text for block in result.content if block.type == "text")


def check_answer(result: Any, tool: Any) -> dict:
    """The result is no error, its structure fits the tool's output schema, and it cites."""
    assert not result.is_error, text_of(result)
    data = result.structured_content
    jsonschema.validate(data, tool.output_schema)
    cited = data["citations"]
    assert cited["edition"] in ("2025", "2026")
    assert cited["edition_iri"] == f"https://w3id.org/finops-kg/id/edition/{cited['edition']}"
    assert "CC BY 4.0" in cited["attribution"]
    assert cited["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert cited["official"] == (not cited["derived"])
    assert "CC BY 4.0" in text_of(result)
    return data


# ---------------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------------

def test_the_tools_are_listed_with_schemas_and_read_only_hints(server, quiet_server):
    tools = session(server, lambda c: c.list_tools()).tools
    assert {t.name for t in tools} == FRAMEWORK_TOOLS | {"sparql"}
    for tool in tools:
        assert tool.description and tool.title, tool.name
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)
        jsonschema.Draft202012Validator.check_schema(tool.output_schema)
        assert tool.output_schema["properties"]["citations"], tool.name
        hints = tool.annotations
        assert hints.read_only_hint is True and hints.destructive_hint is False, tool.name
        assert hints.open_world_hint is False and hints.idempotent_hint is True, tool.name
    # --no-sparql takes the one tool that runs the assistant's own SPARQL away, and only it
    quiet = session(quiet_server, lambda c: c.list_tools()).tools
    assert {t.name for t in quiet} == FRAMEWORK_TOOLS


def test_run_query_input_schema_comes_from_the_rq_headers(server, monkeypatch, tmp_path):
    from finops_kg.graph import resources
    from finops_kg.sparql.catalogue import catalogue

    tools = {t.name: t for t in session(server, lambda c: c.list_tools()).tools}
    schema = tools["run_query"].input_schema
    assert schema["properties"]["name"]["enum"] == sorted(catalogue())
    params = schema["properties"]["params"]["properties"]
    assert {p.name for q in catalogue().values() for p in q.parameters} == set(params)
    examples = {p.example for q in catalogue().values() for p in q.parameters
                if p.name == "capability"}
    assert params["capability"]["examples"] and set(params["capability"]["examples"]) <= examples
    assert "personas-in-a-capability(capability, edition=2026)" in tools["run_query"].description
    jsonschema.validate({"name": "personas", "params": {"edition": "2025"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "no-such-query"}, schema)

    # a new .rq file is a new question the assistant can ask, without code
    extra = tmp_path / "capabilities-named-like.rq"
    extra.write_text(
        "# title: Capabilities whose name contains a word\n"
        "# description: The capabilities of an edition whose name has the word.\n"
        "# param: word | string | required | cost\n"
        "# param: edition | edition | 2026 | 2026\n"
        "# columns: capability, label\n"
        "PREFIX fo: <https://w3id.org/finops-kg/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?capability ?label WHERE { GRAPH ?edition { ?capability a fo:Capability ;\n"
        "  skos:prefLabel ?name } BIND(STR(?name) AS ?label)\n"
        "  FILTER(CONTAINS(LCASE(?label), LCASE(?word))) } ORDER BY ?label\n", encoding="utf-8")
    files = resources.catalogue_query_files()
    monkeypatch.setattr(resources, "catalogue_query_files", lambda: [*files, extra])
    fresh = make_server(allow_sparql=False)

    async def steps(client):
        listed = {t.name: t for t in (await client.list_tools()).tools}
        answer = await client.call_tool("run_query", {"name": "capabilities-named-like",
                                                      "params": {"word": "optim"}})
        return listed["run_query"], answer

    tool, answer = session(fresh, steps)
    assert "capabilities-named-like" in tool.input_schema["properties"]["name"]["enum"]
    assert "word" in tool.input_schema["properties"]["params"]["properties"]
    data = check_answer(answer, tool)
    assert [r["label"] for r in data["rows"]] == ["Rate Optimization", "Usage Optimization"]


# ---------------------------------------------------------------------------------------------
# Calling every tool
# ---------------------------------------------------------------------------------------------

CALLS = [
    ("search", {"text": "cloud architect", "type": "persona", "limit": 3}, "Engineering"),
    ("show", {"name": "Budgeting"}, "Quantify Business Value"),
    ("who_does_what", {"capability": "Allocation"}, "Decide the percentage split"),
    ("maturity", {"capability": "Budgeting", "current": "Crawl", "target": "Walk"},
     "Budget to actual spend variance <= 15 %"),
    ("kpis", {"capability": "Unit Economics"}, "Cost per API Call"),
    ("crosswalks", {"capability": "Allocation"}, "APO06"),
    ("edition_changes", {"element": "Benchmarking"}, "Benchmarking renamed KPIs & Benchmarking"),
    ("catalogue", {"text": "persona"}, "capabilities-of-a-persona"),
    ("run_query", {"name": "personas-in-a-capability", "params": {"capability": "Budgeting"}},
     "Roll up detailed forecasts into reasonably accurate budgets"),
    # the schema lists edition among the params too: there it sets the edition as well
    ("run_query", {"name": "capabilities-of-a-domain",
                   "params": {"domain": "Optimize Usage & Cost", "edition": "2025"}},
     "| Workload Optimization |"),
    ("sparql", {"query": "PREFIX fo: <https://w3id.org/finops-kg/ontology#> "
                         "ASK { ?p a fo:CorePersona }"}, "**true**"),
]


def test_every_tool_answers_over_json_rpc_with_valid_structure_and_citations(server):
    async def steps(client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        return tools, [await client.call_tool(name, args) for name, args, _ in CALLS]

    # mode="legacy" runs the SDK's in-memory transport: JSON-RPC over memory streams
    tools, results = session(server, steps, mode="legacy")
    for (name, _, fact), result in zip(CALLS, results):
        data = check_answer(result, tools[name])
        assert fact in text_of(result), name
        if name not in ("catalogue", "sparql"):
            assert data["citations"]["iris"], name
            assert any(url.startswith("https://www.finops.org/")
                       for url in data["citations"]["sources"]), name
    by_name = dict(zip([c[0] for c in CALLS], results))
    assert "Usage Optimization" not in text_of(results[CALLS.index(next(
        c for c in CALLS if c[1].get("name") == "capabilities-of-a-domain"))])  # its 2026 name
    # derived statements say so, official ones do not
    assert by_name["crosswalks"].structured_content["citations"]["official"] is False
    assert by_name["kpis"].structured_content["citations"]["official"] is True
    maturity = by_name["maturity"].structured_content
    assert [level["name"] for level in maturity["levels"]] == ["Walk"]
    assert maturity["levels"][0]["targets"][0]["value"] == 15
    assert "split it into metric" in json.dumps(maturity["citations"]["derived"])
    who = by_name["who_does_what"].structured_content
    itam = next(item for item in who["items"] if item["name"] == "ITAM")
    assert itam["derived"] and itam["activities"][0]["via_group"] == "Allied Personas"
    assert "fid:persona/itam" in text_of(by_name["who_does_what"])


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

BAD = [
    ("who_does_what", {"capability": "Alocation"}, "close matches: 'allocation'"),
    ("who_does_what", {}, "give a capability"),
    ("show", {"name": "Alocation"}, "close matches: 'Allocation'"),
    ("search", {"text": "   "}, "the search text is empty"),
    ("search", {"text": "budget", "type": "widget"}, "unknown type 'widget'"),
    ("search", {"text": "budget", "limit": 0}, "greater than or equal to 1"),
    ("kpis", {"capability": "Budgeting", "category": "AI"}, "give exactly one of"),
    ("kpis", {"category": "Mainframe"}, "no fo:TechnologyCategory is called 'Mainframe'"),
    ("maturity", {"capability": "Budgeting", "current": "Run", "target": "Walk"},
     "is not above current"),
    ("maturity", {"capability": "Budgeting", "level": "Sprint"},
     "no fo:MaturityLevel is called 'Sprint'"),
    ("maturity", {}, "Field required"),
    ("maturity", {"capability": "Budgeting", "limit": "many"}, "valid integer"),
    ("crosswalks", {"capability": "Allocation", "vocabulary": "TOGAF"},
     "its crosswalks are to: COBIT"),
    ("edition_changes", {"to_edition": "2031"}, "unknown edition '2031'"),
    ("edition_changes", {"change_type": "exploded"}, "the types here are: added"),
    ("run_query", {"name": "personas-of-a-capability"}, "did you mean"),
    ("run_query", {"name": "personas-in-a-capability"}, "needs parameter capability"),
    ("run_query", {"name": "personas", "params": {"colour": "red"}},
     "has no parameter 'colour'"),
    ("run_query", {"name": "personas", "cursor": "not-a-cursor"}, "is not one this server gave"),
    ("run_query", {"name": "personas", "edition": "2026", "params": {"edition": "2025"}},
     "edition is given twice"),
    ("sparql", {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, "read-only"),
    ("sparql", {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"},
     "SERVICE is refused"),
    ("sparql", {"query": "SELEKT ?x"}, "SPARQL syntax error"),
    ("assessment_status", {}, "Unknown tool"),
]


def test_bad_arguments_are_tool_errors_that_name_the_fix(server):
    async def steps(client):
        results = [await client.call_tool(name, args) for name, args, _ in BAD]
        return results, await client.call_tool("search", {"text": "budget", "limit": 1})

    results, after = session(server, steps)
    for (name, args, message), result in zip(BAD, results):
        assert result.is_error, (name, args)
        assert message in text_of(result), (name, args, text_of(result))
        assert "Traceback" not in text_of(result)
    assert not after.is_error  # the server goes on answering


def test_a_cursor_belongs_to_its_question(server):
    async def steps(client):
        first = await client.call_tool("kpis", {"data_source": "billing", "limit": 3})
        cursor = first.structured_content["page"]["next_cursor"]
        other = await client.call_tool("kpis", {"data_source": "carbon", "cursor": cursor})
        return cursor, other

    cursor, other = session(server, steps)
    assert cursor and other.is_error
    assert "belongs to another question" in text_of(other)


# ---------------------------------------------------------------------------------------------
# Paging and size
# ---------------------------------------------------------------------------------------------

def test_long_lists_come_in_pages_that_fit_the_budget(server):
    async def pages(client, name, args):
        got, cursor = [], None
        while True:
            result = await client.call_tool(name, {**args, **({"cursor": cursor} if cursor
                                                                else {})})
            assert not result.is_error, text_of(result)
            got.append(result)
            cursor = result.structured_content["page"]["next_cursor"]
            if not cursor:
                return got

    async def steps(client):
        return (await pages(client, "kpis", {"data_source": "billing", "limit": 5}),
                await pages(client, "show", {"name": "Allocation"}),
                await client.call_tool("kpis", {"data_source": "billing", "limit": 100}))

    kpis, cards, whole = session(server, steps)
    total = whole.structured_content["page"]["total"]
    assert total == 28 and len(kpis) == 6
    names = [item["name"] for page in kpis for item in page.structured_content["items"]]
    assert names == [item["name"] for item in whole.structured_content["items"]]
    assert [p.structured_content["page"]["offset"] for p in kpis] == [0, 5, 10, 15, 20, 25]
    assert "cursor=" in text_of(kpis[0]) and "cursor=" not in text_of(kpis[-1])
    # the Allocation card (about 30,000 characters whole) is split by sections
    assert len(cards) >= 3
    sections = cards[0].structured_content["sections"]
    assert {s["page"] for s in sections} == set(range(1, len(cards) + 1))
    shown = [key for page in cards for key in page.structured_content["card"]["relations"]]
    assert set(shown) == {s["key"] for s in sections}
    for page in cards + kpis + [whole]:
        assert len(text_of(page)) <= BUDGET + FOOTER
    assert all(page.structured_content["card"]["name"] == "Allocation" for page in cards)


# ---------------------------------------------------------------------------------------------
# SPARQL limits
# ---------------------------------------------------------------------------------------------

def test_sparql_keeps_the_endpoints_row_and_time_limits():
    limited = make_server(limits=Limits(seconds=1.5, rows=50))
    heavy = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ")

    async def steps(client):
        many = await client.call_tool("sparql", {"query": "SELECT ?s WHERE { ?s ?p ?o }"})
        slow = await client.call_tool("sparql", {"query": heavy})
        fine = await client.call_tool("sparql", {
            "query": "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                     "SELECT ?label WHERE { <https://w3id.org/finops-kg/id/capability/budgeting>"
                     " skos:prefLabel ?label }"})
        return many, slow, fine

    many, slow, fine = session(limited, steps)
    assert many.is_error and "more than 50 rows" in text_of(many)
    assert slow.is_error and "time limit of 1.5 s" in text_of(slow)
    assert not fine.is_error and fine.structured_content["rows"] == [{"label": "Budgeting"}]


def test_sparql_answers_while_a_runaway_query_runs():
    """The tool's one worker is busy with a query that runs for ever: a spare takes its place,
    so a short query answers long before the runaway is stopped at the time limit."""
    limited = make_server(limits=Limits(seconds=6, rows=50))
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    short = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?label WHERE { "
             "<https://w3id.org/finops-kg/id/capability/budgeting> skos:prefLabel ?label }")

    async def steps(client):
        await client.call_tool("sparql", {"query": "ASK {}"})  # the worker has loaded the store
        done: dict = {}

        async def call(name: str, query: str) -> None:
            done[name] = (await client.call_tool("sparql", {"query": query}), anyio.current_time())

        async with anyio.create_task_group() as group:
            group.start_soon(call, "runaway", runaway)
            await anyio.sleep(1.0)
            group.start_soon(call, "short", short)
        return done

    done = session(limited, steps)
    assert not done["short"][0].is_error
    assert done["short"][0].structured_content["rows"] == [{"label": "Budgeting"}]
    assert done["runaway"][0].is_error and "time limit of 6 s" in text_of(done["runaway"][0])
    assert done["short"][1] < done["runaway"][1] - 1, "the short query waited for the runaway"


def test_the_sparql_tool_finds_the_served_dataset_once(monkeypatch):
    """Finding the served file dumps and hashes the whole dataset: not on every call."""
    from finops_kg.assistant.backend import Backend
    from finops_kg.assistant.queries import Sparql
    from finops_kg.sparql import serve

    calls = []
    monkeypatch.setattr(serve, "served_quads", lambda edition: calls.append(edition) or
                        Path(f"/served-{edition}.nq"))
    runner = Sparql(Backend())
    sources = [runner._source(edition, False) for edition in ("2026", "2026", "2025", "2026")]
    assert sources[0] == sources[1] == sources[3] == ("quads", "/served-2026.nq")
    assert sources[2] == ("quads", "/served-2025.nq") and calls == ["2026", "2025"]


# ---------------------------------------------------------------------------------------------
# Resources and prompts
# ---------------------------------------------------------------------------------------------

def test_cards_ontology_and_licence_are_resources(quiet_server):
    async def steps(client):
        listed = (await client.list_resources()).resources
        templates = (await client.list_resource_templates()).resource_templates
        card = await client.read_resource("finops://capability/allocation")
        old = await client.read_resource("finops://capability/sustainability?edition=2025")
        kpi = await client.read_resource("finops://kpi/cost-per-api-call")
        ontology = await client.read_resource("finops://ontology")
        licence = await client.read_resource("finops://licence")
        try:
            await client.read_resource("finops://capability/alocation")
        except MCPError as error:
            missing = str(error)
        return listed, templates, card, old, kpi, ontology, licence, missing

    listed, templates, card, old, kpi, ontology, licence, missing = session(quiet_server, steps)
    uris = {str(r.uri) for r in listed}
    assert {"finops://capability/allocation", "finops://persona/finance",
            "finops://domain/understand-usage-cost", "finops://ontology",
            "finops://licence"} <= uris
    assert len([u for u in uris if u.startswith("finops://capability/")]) == 23
    assert "finops://capability/{slug}{?edition}" in {t.uri_template for t in templates}
    assert "finops://kpi/{slug}{?edition}" in {t.uri_template for t in templates}
    text = card.contents[0].text
    assert card.contents[0].mime_type == "text/markdown"
    assert text.startswith("# Allocation") and "## Personas and their activities" in text
    assert "CC BY 4.0" in text and "https://www.finops.org/framework/capabilities/allocation/" \
        in text
    assert "# Cloud Sustainability" in old.contents[0].text
    assert "FinOps Framework 2025" in old.contents[0].text
    assert "Total API Costs / Number of API Calls" in kpi.contents[0].text
    import pyoxigraph

    triples = list(pyoxigraph.parse(ontology.contents[0].text.encode("utf-8"),
                                    format=pyoxigraph.RdfFormat.TURTLE))
    assert ontology.contents[0].mime_type == "text/turtle" and len(triples) > 500
    assert "CC BY 4.0" in licence.contents[0].text and "own words" in licence.contents[0].text
    assert "close matches: finops://capability/allocation" in missing


def test_prompts_carry_the_facts_they_need(quiet_server):
    async def steps(client):
        listed = (await client.list_prompts()).prompts
        explain = await client.get_prompt("explain_capability",
                                          {"capability": "Allocation", "persona": "Finance"})
        plan = await client.get_prompt("plan_maturity_step", {"capability": "Budgeting"})
        roles = await client.get_prompt("map_roles_to_personas",
                                        {"roles": "Cloud Architect\nCFO; Procurement Analyst"})
        try:
            await client.get_prompt("explain_capability", {"capability": "Alocation",
                                                           "persona": "Finance"})
        except MCPError as error:
            bad = str(error)
        return listed, explain, plan, roles, bad

    listed, explain, plan, roles, bad = session(quiet_server, steps)
    assert {p.name for p in listed} == {"explain_capability", "plan_maturity_step",
                                        "map_roles_to_personas"}
    text = explain.messages[0].content.text
    assert "Decide the percentage split for each shared cost item" in text
    assert "Cite the finops.org pages" in text
    text = plan.messages[0].content.text
    assert "from Crawl to Walk" in text and "Budget to actual spend variance <= 15 %" in text
    text = roles.messages[0].content.text
    assert "- Cloud Architect: Engineering" in text and "- CFO: Leadership" in text
    assert "- Procurement Analyst: Procurement" in text and "SSSOM" in text
    assert "close matches: 'allocation'" in bad


# ---------------------------------------------------------------------------------------------
# The organisation's workspace
# ---------------------------------------------------------------------------------------------

def test_workspace_tools_answer_about_the_organisation(workspace_server):
    async def steps(client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        status = await client.call_tool("assessment_status", {})
        unit = await client.call_tool("assessment_status", {"unit": "data science TEAM"})
        act = await client.call_tool("who_should_act", {"capability": "Allocation"})
        lenses = await client.call_tool("run_query", {"name": "lens-scores", "limit": 100})
        wrong = await client.call_tool("who_should_act", {"unit": "Data Sciense"})
        return tools, status, unit, act, lenses, wrong

    tools, status, unit, act, lenses, wrong = session(workspace_server, steps)
    assert WORKSPACE_TOOLS <= set(tools) and "sparql" not in tools
    data = check_answer(status, tools["assessment_status"])
    rows = {(i["unit"]["name"], i["capability"]["name"]): i for i in data["items"]}
    assert len(rows) == 6
    assert rows[("Cloud Platform team", "Allocation")]["progress"] == 86.3
    assert rows[("Corporate Finance", "Budgeting")]["relative_to_target"] == -3
    assert data["citations"]["official"] is False
    assert {w["lens"]["name"] for w in data["weakest_lenses"]} == {"Automation", "Adoption"}
    assert {u["unit"]["name"] for u in check_answer(unit, tools["assessment_status"])[
        "items"]} == {"Data Science team"}
    people = check_answer(act, tools["who_should_act"])["items"]
    assert {(p["person"]["name"], p["role"]["name"]) for p in people} == {
        ("Chen Wei", "Platform Engineer"), ("Dara Nolan", "Platform Engineer")}
    assert len(check_answer(lenses, tools["run_query"])["rows"]) == 60
    assert wrong.is_error and "close matches: 'Data Science team'" in text_of(wrong)


# ---------------------------------------------------------------------------------------------
# The evaluation set
# ---------------------------------------------------------------------------------------------

def test_the_practitioner_questions_get_their_facts(server, workspace_server):
    questions = yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"]
    assert len(questions) >= 30

    def ask(which):
        async def steps(client):
            answers = []
            for question in which:
                texts = []
                for call in question["calls"]:
                    result = await client.call_tool(call["tool"], call.get("arguments", {}))
                    assert not result.is_error, (question["question"], text_of(result))
                    assert result.structured_content["citations"]["attribution"]
                    texts += [text_of(result), json.dumps(result.structured_content,
                                                          ensure_ascii=False)]
                answers.append("\n".join(texts))
            return answers
        return steps

    framework = [q for q in questions if not q.get("workspace")]
    organisation = [q for q in questions if q.get("workspace")]
    answers = dict(zip([q["question"] for q in framework], session(server, ask(framework))))
    answers.update(zip([q["question"] for q in organisation],
                       session(workspace_server, ask(organisation))))
    missing = [(q["question"], fact) for q in questions for fact in q["facts"]
               if fact not in answers[q["question"]]]
    assert not missing, missing


# ---------------------------------------------------------------------------------------------
# The command: stdio, HTTP, and without the SDK
# ---------------------------------------------------------------------------------------------

COMMAND = str(Path(sys.executable).parent / "finops-kg")


def test_the_command_serves_stdio_to_the_sdks_client(workspace):
    params = StdioServerParameters(command=COMMAND, args=["mcp", "--no-sparql", "--workspace",
                                                          str(workspace)],
                                   env=dict(os.environ), cwd=str(ROOT))

    async def steps(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        good = await client.call_tool("who_does_what", {"persona": "Finance",
                                                        "capability": "Budgeting"})
        bad = await client.call_tool("kpis", {"capability": "Nothing Like It"})
        status = await client.call_tool("assessment_status", {"unit": "Corporate Finance"})
        card = await client.read_resource("finops://persona/finance")
        return tools, good, bad, status, card

    tools, good, bad, status, card = session(params, steps)
    assert tools == FRAMEWORK_TOOLS | WORKSPACE_TOOLS
    assert "Roll up detailed forecasts into reasonably accurate budgets" in text_of(good)
    assert good.structured_content["citations"]["official"] is True
    assert bad.is_error and "no fo:Capability is called 'Nothing Like It'" in text_of(bad)
    assert "| Corporate Finance | Budgeting | 2026-09-30 | 13 |" in text_of(status)
    assert card.contents[0].text.startswith("# Finance")


def test_the_command_serves_streamable_http_on_this_machine_only():
    process = subprocess.Popen([COMMAND, "mcp", "--http", "--port", "0", "--no-sparql"],
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = process.stderr.readline()
        assert line.startswith("finops-kg: serving MCP at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split()[0]
        result = session(url, lambda c: c.call_tool("search", {"text": "CFO", "limit": 1}))
        assert result.structured_content["hits"][0]["name"] == "Leadership"
        busy = subprocess.run([COMMAND, "mcp", "--http", "--port", url.rsplit(":", 1)[1]
                               .split("/")[0]], capture_output=True, text=True, timeout=60)
        assert busy.returncode == 2
        assert busy.stderr.startswith("finops-kg: error: cannot listen on 127.0.0.1:")
        assert len(busy.stderr.strip().splitlines()) == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_without_the_sdk_the_command_fails_in_one_line():
    code = ("import sys; sys.modules['mcp'] = None\n"
            "from finops_kg.cli import main\nsys.exit(main(['mcp']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("finops-kg: error: the MCP server needs the official MCP SDK: "
                             "pip install 'finops-kg[mcp]' (or pip install 'mcp>=2.3,<3')\n")


def test_only_the_assistant_package_imports_the_sdk():
    package = ROOT / "src" / "finops_kg"
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "mcp" or n.startswith("mcp.") for n in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"assistant/sdk.py"}
