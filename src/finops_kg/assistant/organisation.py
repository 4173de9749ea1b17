"""The tools that answer about the organisation's own workspace: assessment_status, who_should_act.

They run the catalogue's assessment queries (assessment-heatmap, progress-to-target,
weakest-lenses, unassessed-capabilities, who-should-act) on the workspace given to the server,
so an assistant can say how a unit stands and whom to ask, in the organisation's own names.
"""

from __future__ import annotations

import difflib
from typing import Any

from finops_kg.assistant.backend import AssistantError, Backend, Row
from finops_kg.assistant.citations import WORKSPACE, Citations
from finops_kg.assistant.markdown import Answer, finish, number, table
from finops_kg.assistant.paging import paginate
from finops_kg.graph.iris import expand_curie
from finops_kg.sparql.catalogue import QueryError

NO_ASSESSMENTS = ("The workspace holds no lens-scored assessments yet: load them with "
                  "`finops-kg workspace load DIR assessments.ttl` (or import a workbook with "
                  "`finops-kg assess import`).")


def _ref(b: Backend, element: str) -> dict[str, Any]:
    return {"iri": element, "name": b.name(element, workspace=True),
            "source": b.source(element)}


def _unit_filter(b: Backend, text: str | None, units: set[str]) -> str | None:
    """Return the unit IRI that text names among the units that have rows, or fail."""
    if not text or not text.strip():
        return None
    wanted = text.strip()
    if ":" in wanted and " " not in wanted:
        candidate = expand_curie(wanted)
        if candidate in units:
            return candidate
    names = {b.name(u, workspace=True).casefold(): u for u in units}
    if wanted.casefold() in names:
        return names[wanted.casefold()]
    close = difflib.get_close_matches(wanted.casefold(), list(names), n=3, cutoff=0.4)
    shown = [b.name(names[c], workspace=True) for c in close] or sorted(
        b.name(u, workspace=True) for u in units)[:8]
    raise AssistantError(f"no assessed unit is called {wanted!r}; "
                         + ("close matches: " if close else "the assessed units are: ")
                         + ", ".join(repr(s) for s in shown))


def _capability_filter(b: Backend, text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    try:
        return b.resolve(text, "fo:Capability", "capability", workspace=True)
    except QueryError as error:
        raise AssistantError(str(error)) from None


def _keep(rows: list[Row], unit: str | None, capability: str | None) -> list[Row]:
    return [r for r in rows if (unit is None or r.get("unit") == unit)
            and (capability is None or r.get("capability") == capability)]


def status_answer(b: Backend, unit: str | None, capability: str | None, cursor: str | None,
                  limit: int) -> Answer:
    """Say how each unit stands: latest totals, targets, progress, weakest lenses, gaps."""
    edition = b.default_edition(workspace=True)
    heat = b.rows("assessment-heatmap", workspace=True)
    progress = {(r["unit"], r["capability"]): r
                for r in b.rows("progress-to-target", workspace=True)}
    units = {r["unit"] for r in heat}
    chosen_unit = _unit_filter(b, unit, units)
    chosen_capability = _capability_filter(b, capability)
    items = []
    for r in _keep(heat, chosen_unit, chosen_capability):
        p = progress.get((r["unit"], r["capability"]), {})
        items.append({"unit": _ref(b, r["unit"]), "capability": _ref(b, r["capability"]),
                      "date": r["date"], "total": number(r["total"]),
                      "percent": number(r.get("percent")), "target": number(p.get("target")),
                      "relative_to_target": number(p.get("relativeToTarget")),
                      "progress": number(p.get("progress"))})
    weakest = [{"unit": _ref(b, r["unit"]), "lens": _ref(b, r["lens"]),
                "capabilities": int(r["capabilities"]), "average": number(r["average"]),
                "lowest": number(r["lowest"])}
               for r in _keep(b.rows("weakest-lenses", workspace=True), chosen_unit, None)
               if r.get("weakest") == "true"]
    gaps: dict[str, int] = {}
    for r in _keep(b.rows("unassessed-capabilities", workspace=True), chosen_unit, None):
        gaps[r["unit"]] = gaps.get(r["unit"], 0) + 1
    unassessed = [{"unit": _ref(b, u), "capabilities": n} for u, n in sorted(gaps.items())]
    arguments = {"unit": chosen_unit, "capability": chosen_capability}
    page = paginate(items, lambda item: 160, call="assessment_status", arguments=arguments,
                    cursor=cursor, limit=limit)
    cited = Citations(b, edition)
    cited.derive("the assessments, units and scores", WORKSPACE)
    for item in page.items:
        cited.add(item["capability"]["iri"], item["unit"]["iri"])
    lines = ["## Assessment status" + (f" of {b.name(chosen_unit, workspace=True)}"
                                       if chosen_unit else ""), ""]
    if not heat:
        lines.append(NO_ASSESSMENTS)
    elif not items:
        lines.append("No latest assessment matches.")
    else:
        lines += ["Latest lens-scored assessment of each unit and capability (total of the five "
                  "lens scores, 0 to 20):", ""]
        lines += table(["Unit", "Capability", "Date", "Total", "% of 20", "Target",
                        "Relative to target", "Progress %"],
                       [[i["unit"]["name"], i["capability"]["name"], i["date"], i["total"],
                         i["percent"], i["target"], i["relative_to_target"], i["progress"]]
                        for i in page.items])
    if weakest and page.offset == 0:
        lines += ["", "Weakest lenses (lowest average score, 0 to 4):", ""]
        lines += table(["Unit", "Lens", "Capabilities", "Average", "Lowest"],
                       [[w["unit"]["name"], w["lens"]["name"], w["capabilities"], w["average"],
                         w["lowest"]] for w in weakest])
    if unassessed and page.offset == 0:
        lines += ["", "Current capabilities not yet assessed: " + "; ".join(
            f"{u['unit']['name']}: {u['capabilities']}" for u in unassessed) + "."]
    data = {"edition": edition, "items": page.items,
            "weakest_lenses": weakest if page.offset == 0 else [],
            "unassessed": unassessed if page.offset == 0 else []}
    return finish(lines, data, cited, page)


def act_answer(b: Backend, unit: str | None, capability: str | None, cursor: str | None,
               limit: int) -> Answer:
    """Say who should act on each unit's weakest capability: persona, role and person."""
    edition = b.default_edition(workspace=True)
    rows = b.rows("who-should-act", workspace=True)
    chosen_unit = _unit_filter(b, unit, {r["unit"] for r in rows})
    chosen_capability = _capability_filter(b, capability)
    items = [{"unit": _ref(b, r["unit"]), "capability": _ref(b, r["capability"]),
              "relative_to_target": number(r["relativeToTarget"]),
              "persona": _ref(b, r["persona"]), "role": _ref(b, r["role"]),
              "person": {"iri": r["person"], "name": r.get("personName") or
                         b.name(r["person"], workspace=True), "source": None},
              "activities": int(r["activities"])}
             for r in _keep(rows, chosen_unit, chosen_capability)]
    arguments = {"unit": chosen_unit, "capability": chosen_capability}
    page = paginate(items, lambda item: 200, call="who_should_act", arguments=arguments,
                    cursor=cursor, limit=limit)
    cited = Citations(b, edition)
    cited.derive("the units, roles, people and their mapping to personas", WORKSPACE)
    for item in page.items:
        cited.add(item["capability"]["iri"], item["persona"]["iri"])
    lines = ["## Who should act on the weakest capabilities", "",
             "For each unit, its weakest capability (lowest total relative to its target), the "
             "personas that act in it, the unit's roles mapped to those personas and the people "
             "in those roles.", ""]
    if items:
        lines += table(["Unit", "Capability", "Relative to target", "Persona", "Role", "Person",
                        "Activities"],
                       [[i["unit"]["name"], i["capability"]["name"], i["relative_to_target"],
                         i["persona"]["name"], i["role"]["name"], i["person"]["name"],
                         i["activities"]] for i in page.items])
    else:
        lines.append("No one found: the workspace needs assessments with target scores, the org "
                     "chart, roles, people (W3C ORG memberships) and a mapping set from roles "
                     "to personas.")
    data = {"edition": edition, "items": page.items}
    return finish(lines, data, cited, page)
