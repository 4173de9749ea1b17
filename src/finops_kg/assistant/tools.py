"""The MCP tools: their names, descriptions, input and output schemas, and read-only hints.

Each tool is a thin function over framework, queries or organisation: it turns the answer into
a CallToolResult (Markdown text for the assistant, structured content checked against the
output schema) and an error the user can fix (an unknown name, a bad edition) into a tool error
whose message names the closest names, which the assistant reads and corrects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from finops_kg.assistant import framework, organisation, queries
from finops_kg.assistant.backend import Backend
from finops_kg.assistant.markdown import Answer
from finops_kg.assistant.models import (ActOutput, CatalogueOutput, ChangesOutput,
                                        CrosswalkOutput, KPIOutput, MaturityOutput, QueryOutput,
                                        SearchOutput, ShowOutput, SparqlOutput, StatusOutput,
                                        WhoOutput)
from finops_kg.assistant.paging import DEFAULT_LIMIT, MAX_LIMIT
from finops_kg.assistant.sdk import (CallToolResult, TextContent, Tool, ToolAnnotations,
                                     ToolError)
from finops_kg.errors import FinopsKGError

Edition = Annotated[str | int | None, Field(description="the Framework edition, such as 2025 or "
                                                        "2026 (default: the server's)")]
Cursor = Annotated[str | None, Field(description="the next_cursor of the previous page, to "
                                                 "continue a long list")]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="items per page at most")]
Capability = Annotated[str, Field(min_length=1, max_length=300,
                                  description="a capability by name (such as Allocation; former "
                                              "names count), CURIE or IRI")]
OptionalCapability = Annotated[str | None, Field(max_length=300, description=(
    "a capability by name (such as Allocation), CURIE or IRI"))]
Unit = Annotated[str | None, Field(max_length=300, description=(
    "only this org unit, by name (such as Cloud Platform team), CURIE or IRI"))]
TYPES = ("capability, persona, kpi, metric, activity, maturity-characteristic, "
         "measure-of-success, maturity-target, capability-area, domain, principle, phase, "
         "maturity-level, technology-category, intersecting-discipline, persona-group, "
         "assessment-lens, edition-change")


def read_only(title: str) -> ToolAnnotations:
    """Return the annotations of a tool that only reads: safe to call, and to call again."""
    return ToolAnnotations(title=title, read_only_hint=True, destructive_hint=False,
                           idempotent_hint=True, open_world_hint=False)


def result(make: Callable[[], Answer]) -> CallToolResult:
    """Return the tool result of an answer; an error the user can fix becomes a tool error."""
    try:
        answer = make()
    except FinopsKGError as error:
        raise ToolError(str(error)) from None
    return CallToolResult(content=[TextContent(type="text", text=answer.text)],
                          structured_content=answer.data)


def framework_tools(b: Backend) -> list[tuple[Callable[..., Any], str, str]]:
    """Return the tools about the Framework, each with its title and description."""

    def search(text: Annotated[str, Field(min_length=1, max_length=2000, description=(
                   "a name, a job title (cloud architect, CFO) or a question in your own words"))],
               type: Annotated[str | None, Field(description=f"only this type: {TYPES}")] = None,
               edition: Edition = None,
               limit: Annotated[int, Field(ge=1, le=framework.SEARCH_LIMIT)] = 10,
               ) -> Annotated[CallToolResult, SearchOutput]:
        return result(lambda: framework.search_answer(b, text, type, edition, limit))

    def show(name: Annotated[str, Field(min_length=1, max_length=300, description=(
                 "the element's name (any case; former and alternative names count), CURIE such "
                 "as fid:capability/allocation, or IRI"))],
             type: Annotated[str | None, Field(description=(
                 "when the name is shared (Sustainability is a capability and a persona), "
                 f"the type to show: {TYPES}"))] = None,
             edition: Edition = None, cursor: Cursor = None,
             ) -> Annotated[CallToolResult, ShowOutput]:
        return result(lambda: framework.show_answer(b, name, type, edition, cursor))

    def who_does_what(capability: OptionalCapability = None,
                      persona: Annotated[str | None, Field(max_length=300, description=(
                          "a persona by name (Engineering, Finance, FinOps Practitioner...), "
                          "CURIE or IRI"))] = None,
                      edition: Edition = None, cursor: Cursor = None,
                      limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, WhoOutput]:
        return result(lambda: framework.who_answer(b, capability, persona, edition, cursor,
                                                   limit))

    def maturity(capability: Capability,
                 level: Annotated[str | None, Field(description=(
                     "one level only: Crawl, Walk or Run"))] = None,
                 current: Annotated[str | None, Field(description=(
                     "the level reached now, for the path to target"))] = None,
                 target: Annotated[str | None, Field(description=(
                     "the level to reach; with current, the levels above current up to it"))]
                 = None,
                 edition: Edition = None, cursor: Cursor = None,
                 limit: Limit = 60) -> Annotated[CallToolResult, MaturityOutput]:
        return result(lambda: framework.maturity_answer(b, capability, level, current, target,
                                                        edition, cursor, limit))

    def kpis(capability: OptionalCapability = None,
             category: Annotated[str | None, Field(description=(
                 "a technology category: Public Cloud, SaaS, Data Center, AI, Data Cloud "
                 "Platforms"))] = None,
             data_source: Annotated[str | None, Field(max_length=200, description=(
                 "a word or phrase of the KPIs' data sources, such as billing or utilization"))]
             = None,
             edition: Edition = None, cursor: Cursor = None,
             limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, KPIOutput]:
        return result(lambda: framework.kpis_answer(b, capability, category, data_source,
                                                    edition, cursor, limit))

    def crosswalks(capability: Capability,
                   vocabulary: Annotated[str | None, Field(description=(
                       "only terms of this framework: COBIT, ITIL, NIST, FOCUS..."))] = None,
                   cursor: Cursor = None,
                   limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, CrosswalkOutput]:
        return result(lambda: framework.crosswalks_answer(b, capability, vocabulary, cursor,
                                                          limit))

    def edition_changes(element: Annotated[str | None, Field(max_length=300, description=(
                            "only changes of this element (old or new name, CURIE or IRI); for "
                            "a capability, also how much each edition says about it"))] = None,
                        from_edition: Annotated[str | int, Field(
                            description="the older edition")] = "2025",
                        to_edition: Annotated[str | int, Field(
                            description="the newer edition")] = "2026",
                        change_type: Annotated[str | None, Field(description=(
                            "only this kind: added, removed, renamed, merged into, moved "
                            "domain, definition changed"))] = None,
                        cursor: Cursor = None,
                        limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, ChangesOutput]:
        return result(lambda: framework.changes_answer(b, element, from_edition, to_edition,
                                                       change_type, cursor, limit))

    return [
        (search, "Search the Framework",
         "Find elements of the FinOps Framework by name, job title or question, ranked: "
         "capabilities, personas, KPIs, activities, maturity characteristics and more. "
         "Misspellings are forgiven. Each hit has its IRI, finops.org page and the text "
         "that matched."),
        (show, "Show an element's card",
         "Everything the graph says about one element: definition (finops-kg's own words), "
         "finops.org page, edition, relations (for a capability: domain, personas and "
         "activities, maturity by level, KPIs with formulas, inputs and outputs, principles, "
         "crosswalks, edition changes), what is derived rather than official, citations. "
         "A long card comes in pages."),
        (who_does_what, "Who does what",
         "Which personas act in a capability and their functional activities; or which "
         "capabilities a persona acts in (by domain, with activity counts); or, given both, "
         "what that persona does in that capability."),
        (maturity, "Maturity of a capability",
         "What a capability looks like at Crawl, Walk and Run: maturity characteristics and "
         "numeric targets, for every level, one level, or the path from a current level to a "
         "target level."),
        (kpis, "KPIs",
         "The KPIs of the KPI library, with formulas as published, that measure a capability, "
         "suit a technology category, or use a kind of data (give exactly one)."),
        (crosswalks, "Crosswalks to other frameworks",
         "Terms of COBIT 2019, ITIL 4, NIST CSF 2.0 and FOCUS that finops-kg's curated SSSOM "
         "mapping sets match to a capability, with the SKOS match (derived, not official)."),
        (edition_changes, "Edition changes",
         "What changed between two editions of the Framework (added, removed, renamed, merged, "
         "moved, redefined), for everything or one element; for a capability also how much "
         "each edition says about it."),
    ]


def catalogue_tools(b: Backend, sparql: queries.Sparql | None) -> list[tuple[Callable[..., Any],
                                                                             str, str]]:
    """Return catalogue, run_query and, unless SPARQL is off, sparql."""

    def catalogue(text: Annotated[str | None, Field(description=(
                      "only queries whose name, title or description contains this"))] = None,
                  cursor: Cursor = None,
                  limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, CatalogueOutput]:
        return result(lambda: queries.catalogue_answer(b, text, cursor, limit))

    def run_query(name: str, params: dict[str, str | int | float | bool] | None = None,
                  edition: str | int | None = None, cursor: str | None = None,
                  limit: int = DEFAULT_LIMIT) -> Annotated[CallToolResult, QueryOutput]:
        return result(lambda: queries.query_answer(b, name, params, edition, cursor, limit))

    tools: list[tuple[Callable[..., Any], str, str]] = [
        (catalogue, "The query catalogue",
         "List the catalogue of questions finops-kg answers with SPARQL: each query's name, "
         "what it answers, its parameters (with types, defaults and examples) and columns. "
         "Run one with run_query."),
        (run_query, "Run a catalogue query", queries.run_query_description()),
    ]
    if sparql is not None:
        async def sparql_tool(query: Annotated[str, Field(min_length=1, max_length=20_000,
                                                          description=(
                                  "a SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE query"))],
                              edition: Edition = None, cursor: Cursor = None,
                              limit: Limit = DEFAULT_LIMIT,
                              ) -> Annotated[CallToolResult, SparqlOutput]:
            try:
                answer = await queries.sparql_answer(b, sparql, query, edition, cursor, limit)
            except FinopsKGError as error:
                raise ToolError(str(error)) from None
            return CallToolResult(content=[TextContent(type="text", text=answer.text)],
                                  structured_content=answer.data)

        sparql_tool.__name__ = "sparql"
        tools.append((sparql_tool, "Read-only SPARQL",
                      "Run your own read-only SPARQL query on the graph: prefixes fo: "
                      "(https://w3id.org/finops-kg/ontology#), fid: "
                      "(https://w3id.org/finops-kg/id/), skos:, rdfs:; each edition is the named "
                      "graph fid:edition/YEAR and the default graph is the server's edition. "
                      f"Updates and SERVICE are refused; at most {sparql.limits.rows} rows and "
                      f"{sparql.limits.seconds:g} s. Prefer the other tools or run_query."))
    return tools


def workspace_tools(b: Backend) -> list[tuple[Callable[..., Any], str, str]]:
    """Return the tools about the organisation's own workspace."""
    def assessment_status(unit: Unit = None, capability: OptionalCapability = None,
                          cursor: Cursor = None,
                          limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, StatusOutput]:
        return result(lambda: organisation.status_answer(b, unit, capability, cursor, limit))

    def who_should_act(unit: Unit = None, capability: OptionalCapability = None,
                       cursor: Cursor = None,
                       limit: Limit = DEFAULT_LIMIT) -> Annotated[CallToolResult, ActOutput]:
        return result(lambda: organisation.act_answer(b, unit, capability, cursor, limit))

    return [
        (assessment_status, "Assessment status of the organisation",
         "How the organisation's units stand in the capabilities they assessed: latest total "
         "of the five lens scores, target, progress to target, each unit's weakest lenses and "
         "how many capabilities are not yet assessed. Reads the server's workspace."),
        (who_should_act, "Who should act",
         "For each unit's weakest capability: the personas that act in it, the unit's roles "
         "mapped to those personas and the people in those roles. Reads the server's "
         "workspace."),
    ]


def build(b: Backend, sparql: queries.Sparql | None) -> list[Any]:
    """Return every tool of the server as the SDK's Tool objects."""
    made = []
    groups = framework_tools(b) + catalogue_tools(b, sparql)
    if b.has_workspace:
        groups += workspace_tools(b)
    for fn, title, description in groups:
        name = fn.__name__
        tool = Tool.from_function(fn, name=name, title=title, description=description,
                                  annotations=read_only(title))
        if name == "run_query":
            # the schema is made from the .rq headers: a new query file is a new capability
            tool.parameters = queries.run_query_schema()
        made.append(tool)
    return made
