"""The MCP prompts: explain a capability to a persona, plan a maturity step, map roles to personas.

Each prompt carries the facts it needs (gathered with the same tools an assistant would call),
so that it works in a client that does not call tools by itself, and asks for an answer that
cites its sources and says what is derived.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from finops_kg.answer.search import search
from finops_kg.assistant import framework
from finops_kg.assistant.backend import Backend
from finops_kg.assistant.sdk import INVALID_PARAMS, MCPError, MCPServer, UserMessage
from finops_kg.errors import FinopsKGError

MAX_ROLES = 30
CITE = ("Cite the finops.org pages and IRIs given in the facts, say which statements are "
        "derived by finops-kg rather than official, and end with the attribution line.")


def _facts(make: Any) -> str:
    try:
        return make().text
    except FinopsKGError as error:
        raise MCPError(code=INVALID_PARAMS, message=str(error)) from None


def register(server: MCPServer, b: Backend) -> None:
    """Add the three prompts to the server."""

    @server.prompt(name="explain_capability", title="Explain a capability to a persona",
                   description="Explain one FinOps capability to someone in one persona: what "
                               "it is for, what they do in it, whom they work with, and how "
                               "it matures.")
    def explain_capability(
            capability: Annotated[str, Field(description="the capability, such as Allocation")],
            persona: Annotated[str, Field(description="the persona, such as Engineering")],
            edition: str | None = None) -> list[UserMessage]:
        card = _facts(lambda: framework.who_answer(b, capability, persona, edition, None, 100))
        everyone = _facts(lambda: framework.who_answer(b, capability, None, edition, None, 100))
        return [UserMessage(
            f"Explain the FinOps capability {capability!r} to a reader in the {persona!r} "
            "persona, in plain words and in this order: what the capability is for (call the "
            "`show` tool for its definition), what this persona does in it (each activity "
            "below, made concrete), which other personas they work with and on what, and what "
            "changes from Crawl to Walk to Run (call `maturity`). Keep it under 400 words. "
            f"{CITE}\n\n# Facts: the persona's activities\n\n{card}\n\n"
            f"# Facts: every persona in the capability\n\n{everyone}")]

    @server.prompt(name="plan_maturity_step", title="Plan a maturity step",
                   description="Plan how one capability moves from its current maturity level "
                               "to a target level: what to put in place, who leads it, and how "
                               "to measure it.")
    def plan_maturity_step(
            capability: Annotated[str, Field(description="the capability, such as Budgeting")],
            current_level: Annotated[str, Field(description="Crawl, Walk or Run")] = "Crawl",
            target_level: Annotated[str, Field(description="Walk or Run")] = "Walk",
            edition: str | None = None) -> list[UserMessage]:
        path = _facts(lambda: framework.maturity_answer(
            b, capability, None, current_level, target_level, edition, None, 100))
        kpis = _facts(lambda: framework.kpis_answer(b, capability, None, None, edition, None,
                                                    25))
        people = _facts(lambda: framework.who_answer(b, capability, None, edition, None, 100))
        return [UserMessage(
            f"Write a plan to take the capability {capability!r} from {current_level} to "
            f"{target_level}. Group the target level's characteristics below into three to six "
            "workstreams; for each give the concrete steps, the persona who leads it and those "
            "who take part (from the activities below), the numeric targets it must meet, and "
            "the KPIs that show progress. Point out characteristics the organisation may "
            f"already meet. {CITE}\n\n# Facts: the maturity path\n\n{path}\n\n"
            f"# Facts: KPIs\n\n{kpis}\n\n# Facts: who does what\n\n{people}")]

    @server.prompt(name="map_roles_to_personas", title="Map the organisation's roles to personas",
                   description="Map the organisation's job roles to the Framework's personas, "
                               "as a table and as an SSSOM mapping set that finops-kg can "
                               "check and load.")
    def map_roles_to_personas(
            roles: Annotated[str, Field(description=(
                "the organisation's job roles, one per line (or separated by ;)"))],
            edition: str | None = None) -> list[UserMessage]:
        names = [r.strip() for r in re.split(r"[\n;]+", roles) if r.strip()]
        if not names:
            raise MCPError(code=INVALID_PARAMS, message="give at least one job role")
        if len(names) > MAX_ROLES:
            raise MCPError(code=INVALID_PARAMS,
                           message=f"give at most {MAX_ROLES} roles at a time, not {len(names)}")
        chosen = b.check_edition(edition) if edition else b.edition
        lines = []
        for name in names:
            hits = search(name, type="persona", edition=chosen, limit=3)
            found = "; ".join(f"{hit.name} `{hit.iri}` (score {hit.score:.1f}, matched "
                              f"{hit.field}: {hit.snippet})" for hit in hits) or "no candidate"
            lines.append(f"- {name}: {found}")
        personas = _facts(lambda: _persona_list(b, chosen))
        return [UserMessage(
            "Map each of the organisation's job roles below to the FinOps Framework persona(s) "
            "it corresponds to. For each role choose the SKOS match (exactMatch, closeMatch, "
            "broadMatch, narrowMatch or relatedMatch), a confidence from 0 to 1 and a one-line "
            "reason; a role may match no persona. Give a table, then an SSSOM TSV (columns "
            "subject_id, subject_label, predicate_id, object_id, object_label, "
            "mapping_justification, confidence; object_id the persona IRIs below) that the "
            "user can check with `finops-kg map check` and load into a workspace. "
            f"{CITE}\n\n# Candidates found by search\n\n" + "\n".join(lines)
            + f"\n\n# Facts: the personas\n\n{personas}")]


def _persona_list(b: Backend, edition: str) -> Any:
    from finops_kg.assistant.queries import query_answer

    return query_answer(b, "typical-roles-of-personas", None, edition, None, 100)
