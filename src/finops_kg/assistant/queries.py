"""The tools over the query catalogue and SPARQL: catalogue, run_query and sparql.

run_query takes any catalogue query by name, so a new .rq file under queries/ is a new thing an
assistant can ask without code: its input schema is made here from the .rq headers. sparql runs
the assistant's own read-only query in the endpoint's worker processes, with the endpoint's
row and time limits, so a query past its time is stopped for real.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from finops_kg.assistant.backend import AssistantError, Backend
from finops_kg.assistant.citations import CATALOGUE, QUERY_ROWS, WORKSPACE, Citations
from finops_kg.assistant.markdown import Answer, cell, finish, table
from finops_kg.assistant.paging import BUDGET, DEFAULT_LIMIT, MAX_LIMIT, cut, paginate
from finops_kg.errors import FinopsKGError
from finops_kg.sparql.catalogue import CatalogueQuery, catalogue, find
from finops_kg.sparql.serve import Limits

FID = "https://w3id.org/finops-kg/"
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
KEPT_RESULTS = 8  # SPARQL results kept for paging, newest first
TYPE_HELP = {"edition": "an edition such as 2025 or 2026", "string": "a word or phrase",
             "integer": "a whole number", "decimal": "a number"}


def reads_organisation(entry: CatalogueQuery) -> bool:
    """Return True for a query about the organisation's own data (its example needs data)."""
    return bool(entry.example_data)


def parameter_help(kind: str) -> str:
    """Return how to give a value of a parameter type, in words."""
    if kind in TYPE_HELP:
        return TYPE_HELP[kind]
    return f"a {kind} by name, CURIE or IRI"


# ---------------------------------------------------------------------------------------------
# The catalogue and its input schema
# ---------------------------------------------------------------------------------------------

def query_info(entry: CatalogueQuery) -> dict[str, Any]:
    """Return a catalogue query as the catalogue tool lists it."""
    return {"name": entry.name, "title": entry.title, "description": entry.description,
            "parameters": [{"name": p.name, "type": p.type, "required": p.required,
                            "default": p.default, "example": p.example}
                           for p in entry.parameters],
            "columns": list(entry.columns), "workspace": reads_organisation(entry)}


def signature(entry: CatalogueQuery) -> str:
    """Return a query's name with its parameters, such as personas(edition=2026)."""
    return f"{entry.name}(" + ", ".join(
        p.name + ("" if p.required else f"={p.default}") for p in entry.parameters) + ")"


def run_query_schema() -> dict[str, Any]:
    """Return the input schema of run_query, made from the headers of the catalogue's .rq files."""
    entries = catalogue()
    properties: dict[str, Any] = {}
    for entry in entries.values():
        for p in entry.parameters:
            spec = properties.setdefault(p.name, {
                "type": "string", "description": "", "examples": [], "x-queries": []})
            spec["x-queries"].append(entry.name)
            if p.example not in spec["examples"]:
                spec["examples"].append(p.example)
            kinds = spec.setdefault("x-types", [])
            if p.type not in kinds:
                kinds.append(p.type)
    for name, spec in properties.items():
        kinds = spec.pop("x-types")
        used = len(spec["x-queries"])
        spec["description"] = "; or ".join(parameter_help(k) for k in kinds) + \
            f" (a parameter of {used} {'query' if used == 1 else 'queries'})"
        if set(kinds) & {"integer", "decimal", "edition"}:  # 2025 may come as a number
            spec["type"] = ["string", "number"]
        spec["examples"] = spec["examples"][:3]
        del spec["x-queries"]
    return {
        "type": "object",
        "properties": {
            "name": {"type": "string", "enum": sorted(entries),
                     "description": "the catalogue query to run; call catalogue for what each "
                                    "answers and its parameters"},
            "params": {"type": "object", "properties": dict(sorted(properties.items())),
                       "additionalProperties": False,
                       "description": "the query's parameters by name; an element is given by "
                                      "name (such as Allocation), CURIE or IRI",
                       "default": {}},
            "edition": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None,
                        "description": "sets the query's edition parameter, if it has one"},
            "cursor": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None,
                       "description": "the next_cursor of the previous page"},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                      "default": DEFAULT_LIMIT, "description": "rows per page"},
        },
        "required": ["name"],
        "title": "run_queryArguments",
    }


def run_query_description() -> str:
    """Return run_query's description, listing each catalogue query with its parameters."""
    lines = ["Run a query of the finops-kg catalogue by name and return its rows, with "
             "citations. Parameters that name an element take its name, CURIE or IRI. "
             "The catalogue (call `catalogue` for descriptions):"]
    lines += [f"- {signature(entry)}" + (" [workspace]" if reads_organisation(entry) else "")
              for entry in catalogue().values()]
    return "\n".join(lines)


def catalogue_answer(b: Backend, text: str | None, cursor: str | None, limit: int) -> Answer:
    """List the catalogue queries, or those whose name, title or description has the text."""
    wanted = (text or "").strip().casefold()
    entries = [e for e in catalogue().values() if not wanted or wanted in
               f"{e.name} {e.title} {e.description}".casefold()]
    items = [query_info(e) for e in entries]
    page = paginate(items, lambda item: len(item["description"]) + 200, call="catalogue",
                    arguments={"text": wanted}, cursor=cursor, limit=limit)
    cited = Citations(b, b.edition)
    cited.derive("the list of queries", CATALOGUE)
    lines = ["## The query catalogue" + (f" (matching “{text.strip()}”)" if wanted else ""), ""]
    if not items:
        lines.append("No catalogue query matches; call catalogue without text for all.")
    for item in page.items:
        params = ", ".join(p["name"] + ("" if p["required"] else f"={p['default']}")
                           + f" ({p['type']})" for p in item["parameters"]) or "none"
        lines.append(f"- **{item['name']}**: {item['title']}"
                     + (" *(needs a workspace)*" if item["workspace"] else "")
                     + f"\n  {item['description']}\n  Parameters: {params}. "
                     f"Columns: {', '.join(item['columns'])}.")
    return finish(lines, {"items": page.items}, cited, page)


# ---------------------------------------------------------------------------------------------
# run_query
# ---------------------------------------------------------------------------------------------

def query_answer(b: Backend, name: str, params: dict[str, Any] | None,
                 edition: str | int | None, cursor: str | None, limit: int) -> Answer:
    """Run a catalogue query by name and return a page of its rows."""
    try:
        entry = find(name.strip())
    except FinopsKGError as error:
        raise AssistantError(str(error).replace("see finops-kg query --list",
                                                "call catalogue for the list")) from None
    given = {str(k): _text(v) for k, v in (params or {}).items() if v is not None}
    if "edition" in given:  # the input schema offers edition among params too
        if edition is not None and str(edition).strip() != given["edition"].strip():
            raise AssistantError(f"edition is given twice ({edition} and params.edition "
                                 f"{given['edition']}): give it once")
        edition = given.pop("edition")
    if edition is not None:
        edition = b.check_edition(edition)
    workspace = b.has_workspace
    rows = b.rows(entry.name, workspace=workspace, edition=edition, **given)
    used = {p.name: str(p.default) for p in entry.parameters if p.default is not None}
    if any(p.name == "edition" for p in entry.parameters):
        used["edition"] = edition or b.default_edition(workspace)  # as Backend.rows binds it
    used.update(given)
    about = used.get("edition") or edition or b.default_edition(workspace)
    columns = list(entry.columns) or sorted({k for row in rows for k in row})
    full = [{c: row.get(c) for c in columns} for row in rows]
    arguments = {"name": entry.name, "params": given, "edition": edition}
    page = paginate(full, lambda row: sum(len(cell(v)) + 3 for v in row.values()) + 4,
                    call="run_query", arguments=arguments, cursor=cursor, limit=limit)
    cited = Citations(b, about if about in _editions() else b.edition)
    for row in page.items:
        cited.add(*(v for v in row.values() if isinstance(v, str) and v.startswith(FID)))
    cited.derive(f"the rows of {entry.name}", QUERY_ROWS)
    lines = [f"## {entry.title}", "", f"`{entry.name}` with " + (
        ", ".join(f"{k}={v}" for k, v in sorted(used.items())) or "no parameters"), ""]
    if reads_organisation(entry):
        cited.derive("the organisation's data", WORKSPACE)
        if not workspace:
            lines += ["*This query reads an organisation's own data: start the server with "
                      "`--workspace DIR` for answers about yours.*", ""]
    lines += table(columns, [list(r.values()) for r in page.items]) if page.items else \
        ["No rows."]
    names = _names(b, page.items, str(about), workspace)
    outside = {k: v for k, v in names.items() if not k.startswith(FID)}
    if outside:  # the organisation's IRIs have no label column in the assessment queries
        lines += ["", "Names: " + "; ".join(f"<{k}> = {v}" for k, v in outside.items())]
    data = {"name": entry.name, "edition": str(about), "parameters": used,
            "columns": columns, "rows": page.items, "names": names}
    return finish(lines, data, cited, page)


def _names(b: Backend, rows: list[dict[str, Any]], edition: str,
           workspace: bool) -> dict[str, str]:
    """Return the names of the IRIs in the rows that the edition's graph names."""
    if edition not in _editions():
        return {}
    known = b.elements(edition, workspace=workspace)
    found: dict[str, str] = {}
    for row in rows:
        for value in row.values():
            if isinstance(value, str) and value in known and known[value].get("name"):
                found[value] = known[value]["name"]
    return found


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise AssistantError("a parameter's value is one name, word or number, not a list")
    return str(value)


def _editions() -> list[str]:
    from finops_kg.graph import resources

    return resources.available_editions()


# ---------------------------------------------------------------------------------------------
# sparql
# ---------------------------------------------------------------------------------------------

class Sparql:
    """Runs assistants' SPARQL in the endpoint's worker processes, started when first needed."""

    def __init__(self, backend: Backend, limits: Limits = Limits()) -> None:
        self.backend = backend
        self.limits = limits
        self._workers: dict[tuple, Any] = {}
        self._results: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self._quads: dict[str, str] = {}  # the served N-Quads file of each edition

    def _source(self, edition: str, workspace: bool) -> tuple:
        if workspace:
            return ("workspace", str(self.backend.workspace_path), edition)
        from finops_kg.sparql.serve import served_quads

        if edition not in self._quads:  # finding the file dumps and hashes the dataset: once
            self._quads[edition] = str(served_quads(edition))
        return ("quads", self._quads[edition])

    async def run(self, text: str, edition: str, workspace: bool) -> tuple[str, Any]:
        """Run a read-only query; return its kind with its rows, its boolean or its Turtle.

        The kinds are ("solutions", (columns, rows)), ("boolean", value) and ("graph", turtle).
        """
        from finops_kg.sparql.serve import GraphSelection, QueryWorkers, Refused, check_read_only

        key = json.dumps([text, edition, workspace])
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        try:
            check_read_only(text)
        except Refused as refusal:
            raise AssistantError(str(refusal)) from None
        source = self._source(edition, workspace)
        if source not in self._workers:
            self._workers[source] = QueryWorkers(source, size=1)
        try:
            reply = await self._workers[source].run(
                (text, ACCEPT, self.limits.rows, GraphSelection()), self.limits.seconds)
        except Refused as refusal:
            raise AssistantError(str(refusal)) from None
        if reply[0] == "refused":
            raise AssistantError(reply[2])
        result = _parse(reply[1], reply[2])
        self._results[key] = result
        while len(self._results) > KEPT_RESULTS:
            self._results.popitem(last=False)
        return result

    def close(self) -> None:
        """Stop the worker processes."""
        for workers in self._workers.values():
            workers.close()
        self._workers.clear()


def _parse(body: bytes, media: str) -> tuple[str, Any]:
    if media == "text/turtle":
        return "graph", body.decode("utf-8")
    document = json.loads(body)
    if "boolean" in document:
        return "boolean", bool(document["boolean"])
    columns = list(document["head"]["vars"])
    rows = [{c: _value(binding.get(c)) for c in columns}
            for binding in document["results"]["bindings"]]
    return "solutions", (columns, rows)


NUMERIC = {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger",
           "decimal", "double", "float"}


def _value(term: dict[str, str] | None) -> Any:
    if term is None:
        return None
    datatype = term.get("datatype", "").rsplit("#", 1)[-1]
    if term.get("type") == "literal" and datatype in NUMERIC:
        try:
            number = float(term["value"])
            return int(number) if datatype not in ("decimal", "double", "float") else number
        except ValueError:
            return term["value"]
    if datatype == "boolean":
        return term["value"] == "true"
    return term["value"]


async def sparql_answer(b: Backend, runner: Sparql, text: str, edition: str | int | None,
                        cursor: str | None, limit: int) -> Answer:
    """Run a read-only SPARQL query and return a page of its answer."""
    if not text or not text.strip():
        raise AssistantError("give a SPARQL query: SELECT, ASK, CONSTRUCT or DESCRIBE")
    workspace = b.has_workspace
    edition = b.check_edition(edition) if edition else b.default_edition(workspace)
    kind, payload = await runner.run(text, edition, workspace)
    cited = Citations(b, edition)
    cited.derive("the answer", QUERY_ROWS)
    if workspace:
        cited.derive("what comes from the workspace", WORKSPACE)
    arguments = {"query": text, "edition": edition}
    where = (f"the workspace (edition {edition} as its default graph)" if workspace
             else f"the Framework dataset (edition {edition} as the default graph)")
    lines = ["## SPARQL answer", "", f"Run on {where}; at most {runner.limits.rows} rows and "
             f"{runner.limits.seconds:g} s per query.", ""]
    data: dict[str, Any] = {"kind": kind, "columns": [], "rows": [], "boolean": None,
                            "turtle": None}
    if kind == "boolean":
        data["boolean"] = payload
        lines.append(f"**{'true' if payload else 'false'}**")
        return finish(lines, data, cited, paginate([payload], lambda _: 10, call="sparql",
                                                   arguments=arguments, cursor=cursor,
                                                   limit=limit))
    if kind == "graph":
        data["turtle"] = cut(payload, BUDGET, "Turtle")
        lines += ["```turtle", data["turtle"], "```"]
        return finish(lines, data, cited, paginate([payload], lambda _: 10, call="sparql",
                                                   arguments=arguments, cursor=cursor,
                                                   limit=limit))
    columns, rows = payload
    page = paginate(rows, lambda row: sum(len(cell(v)) + 3 for v in row.values()) + 4,
                    call="sparql", arguments=arguments, cursor=cursor, limit=limit)
    for row in page.items:
        cited.add(*(v for v in row.values() if isinstance(v, str) and v.startswith(FID)))
    data["columns"], data["rows"] = columns, page.items
    lines += table(columns, [[row.get(c) for c in columns] for row in page.items]) \
        if page.items else ["No rows."]
    return finish(lines, data, cited, page)
