"""The tools that answer about the Framework itself, from search to edition changes.

Search, cards, who does what, maturity, KPIs, crosswalks and edition changes: each function
takes the Backend and the tool's arguments and returns an Answer. The facts come from the
catalogue's queries (personas-in-a-capability, maturity-of-a-capability,
kpis-of-a-capability...) and from the answer layer's search and cards; what is derived rather
than official is said with the same reasons the cards give.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from finops_kg.answer.card import (CHANGE, COUNTED, CROSSWALK, PARSED, UNITS, VIA_GROUP, Card,
                                   Section, card, resolve)
from finops_kg.answer.search import search
from finops_kg.assistant.backend import AssistantError, Backend, Row
from finops_kg.assistant.citations import Citations
from finops_kg.assistant.markdown import Answer, finish, link, number, paging_note, table
from finops_kg.assistant.paging import BUDGET, MAX_LIMIT, cut, paginate
from finops_kg.errors import FinopsKGError
from finops_kg.sparql.catalogue import QueryError

SEARCH_LIMIT = 50
FORMULA_CHARS = 600  # a formula longer than this is cut in the Markdown (JSON keeps it whole)


def _ref(b: Backend, element: str, edition: str) -> dict[str, Any]:
    return {"iri": element, "name": b.name(element, edition), "source": b.source(element, edition)}


def _named(b: Backend, text: str, class_curie: str, parameter: str, kind: str,
           edition: str) -> str:
    """Return the IRI text names, or fail with close names, or else with what search finds."""
    try:
        return b.resolve(text, class_curie, parameter)
    except QueryError as error:
        message = str(error)
    if "close matches" not in message:
        try:
            hits = search(text, type=kind, edition=edition, limit=3)
        except FinopsKGError:
            hits = []
        if hits:
            message += "; search suggests " + ", ".join(repr(hit.name) for hit in hits)
    raise AssistantError(message)


# ---------------------------------------------------------------------------------------------
# search and show
# ---------------------------------------------------------------------------------------------

def search_answer(b: Backend, text: str, type: str | None, edition: str | int | None,
                  limit: int) -> Answer:
    """Rank the Framework's elements for a name, a job title or a question."""
    edition = b.check_edition(edition)
    if not 1 <= limit <= SEARCH_LIMIT:
        raise AssistantError(f"limit must be between 1 and {SEARCH_LIMIT}, not {limit}")
    hits = search(text, type=type or None, edition=edition, limit=limit)
    cited = Citations(b, edition)
    lines = [f"## Search: {text.strip()[:200]}", ""]
    if not hits:
        lines.append(f"No element of edition {edition} matches; try other words or no type.")
    for number_, hit in enumerate(hits, start=1):
        cited.add(hit.iri)
        where = f" in {hit.capability_name}" if hit.capability_name else ""
        lines.append(f"{number_}. **{link(hit.name, hit.iri, hit.source)}** ({hit.type}{where}), "
                     f"matched in {hit.field}: {hit.snippet}")
    if hits:
        lines += ["", "Use `show` with a name or IRI for the whole card."]
    data = {"query": text, "type": type or None, "edition": edition,
            "hits": [hit.to_dict() for hit in hits]}
    return finish(lines, data, cited)


def show_answer(b: Backend, name: str, type: str | None, edition: str | int | None,
                cursor: str | None, budget: int = BUDGET) -> Answer:
    """Return an element's card, one page of its sections at a time."""
    edition = b.check_edition(edition)
    whole = card(name, edition, type=type or None)
    units = _section_units(whole, budget)
    base = len(dataclasses.replace(whole, sections=[]).markdown())
    size = {id(unit): len(dataclasses.replace(whole, sections=[unit]).markdown()) - base + 40
            for unit in units}
    arguments = {"name": name, "type": type, "edition": edition}
    page = paginate(units, lambda unit: size[id(unit)], call="show", arguments=arguments,
                    cursor=cursor, limit=MAX_LIMIT, budget=max(budget - base, 1000))
    numbers = _page_numbers(units, lambda unit: size[id(unit)], arguments,
                            max(budget - base, 1000))
    shown = dataclasses.replace(whole, sections=list(page.items))
    cited = Citations(b, edition)
    facts = shown.citations()
    cited.add(*facts["iris"])
    cited.url(*facts["urls"])
    for item in shown.derived():
        cited.derive(f"{item['statement']} ({item['section']})", item["why"])
    data = {"card": shown.to_dict(),
            "sections": [{"key": unit.key, "title": unit.title, "entries": len(unit.entries),
                          "page": numbers[i]} for i, unit in enumerate(units)],
            "page": page.to_dict(), "citations": cited.to_dict()}
    text = shown.markdown()
    note = paging_note(page)
    if note:
        text += "\n" + "\n".join(note) + "\n"
    return Answer(text, data)


def _section_units(whole: Card, budget: int) -> list[Section]:
    """Return the card's sections, those too long for one page split into parts."""
    units = []
    for section in whole.sections:
        alone = len(dataclasses.replace(whole, sections=[section]).markdown())
        parts = max(1, math.ceil(alone / (budget * 0.8)))
        if parts == 1 or len(section.entries) < 2:
            units.append(section)
            continue
        step = math.ceil(len(section.entries) / parts)
        chunks = [section.entries[i:i + step] for i in range(0, len(section.entries), step)]
        units += [Section(section.key, f"{section.title} (part {n} of {len(chunks)})", chunk,
                          section.derived) for n, chunk in enumerate(chunks, start=1)]
    return units


def _page_numbers(units: list[Section], size: Callable[[Section], int],
                  arguments: dict[str, Any], budget: int) -> list[int]:
    numbers, cursor, page_number = [], None, 1
    while len(numbers) < len(units):
        page = paginate(units, size, call="show", arguments=arguments, cursor=cursor,
                        limit=MAX_LIMIT, budget=budget)
        numbers += [page_number] * len(page.items)
        cursor, page_number = page.next_cursor, page_number + 1
    return numbers


# ---------------------------------------------------------------------------------------------
# who does what
# ---------------------------------------------------------------------------------------------

def who_answer(b: Backend, capability: str | None, persona: str | None,
               edition: str | int | None, cursor: str | None, limit: int) -> Answer:
    """Say which personas act in a capability, where a persona acts, or both: its activities."""
    edition = b.check_edition(edition)
    if not (capability or persona):
        raise AssistantError("give a capability (who acts in it), a persona (where it acts), "
                             "or both (its activities there)")
    cap = _named(b, capability, "fo:Capability", "capability", "capability", edition) \
        if capability else None
    per = _named(b, persona, "fo:Persona", "persona", "persona", edition) if persona else None
    cited = Citations(b, edition)
    cited.add(cap, per)
    arguments = {"capability": cap, "persona": per, "edition": edition}
    if cap and per:
        rows = b.rows("activities-of-a-persona-in-a-capability", capability=cap, persona=per,
                      edition=edition)
        items = [{"type": "activity", "iri": r["activity"], "name": r["label"],
                  "via_group": r.get("viaGroup") or None,
                  "derived": VIA_GROUP if r.get("viaGroup") else None} for r in rows]
        title = f"## What {b.name(per, edition)} does in {b.name(cap, edition)} ({edition})"
        empty = (f"{b.name(per, edition)} has no functional activity in "
                 f"{b.name(cap, edition)} in edition {edition}.")
    elif cap:
        items = _personas_of(b, cap, edition)
        title = f"## Who does what in {b.name(cap, edition)} ({edition})"
        empty = (f"Edition {edition} gives no functional activities for "
                 f"{b.name(cap, edition)}; see `show` for its content gaps.")
    else:
        rows = b.rows("capabilities-of-a-persona", persona=per, edition=edition)
        items = [{"type": "capability", "iri": r["capability"], "name": r["capabilityLabel"],
                  "source": b.source(r["capability"], edition),
                  "domain": {"iri": r["domain"], "name": r["domainLabel"],
                             "source": b.source(r["domain"], edition)},
                  "activity_count": int(r["activities"]), "derived": COUNTED} for r in rows]
        title = f"## Capabilities {b.name(per, edition)} acts in ({edition})"
        empty = f"{b.name(per, edition)} has no functional activity in edition {edition}."
    page = paginate(items, lambda item: len(_who_lines(item)) + 80, call="who_does_what",
                    arguments=arguments, cursor=cursor, limit=limit)
    lines = [title, ""]
    if not items:
        lines.append(empty)
    if per and not cap:
        lines += table(["Domain", "Capability", "Activities"],
                       [[i["domain"]["name"], i["name"], i["activity_count"]]
                        for i in page.items])
        cited.derive("the number of activities per capability", COUNTED)
    else:
        lines += [_who_lines(item) for item in page.items]
    for item in page.items:
        cited.add(item["iri"], *(a["iri"] for a in item.get("activities", ())))
        if item.get("domain"):
            cited.add(item["domain"]["iri"])
        if item.get("derived") == VIA_GROUP:
            cited.derive(f"{item['name']} (reached through the group it belongs to)", VIA_GROUP)
    data = {"edition": edition, "capability": _ref(b, cap, edition) if cap else None,
            "persona": _ref(b, per, edition) if per else None, "items": page.items}
    return finish(lines, data, cited, page)


def _personas_of(b: Backend, cap: str, edition: str) -> list[dict[str, Any]]:
    personas: dict[str, dict[str, Any]] = {}
    for r in b.rows("personas-in-a-capability", capability=cap, edition=edition):
        entry = personas.setdefault(r["persona"], {
            "type": "persona", "iri": r["persona"], "name": r["personaLabel"],
            "source": b.source(r["persona"], edition), "activities": []})
        entry["activities"].append({"iri": r["activity"], "text": r["activityLabel"],
                                    "via_group": r.get("viaGroup") or None})
    for entry in personas.values():
        entry["activity_count"] = len(entry["activities"])
        if all(a["via_group"] for a in entry["activities"]):
            entry["derived"] = VIA_GROUP
    return sorted(personas.values(), key=lambda e: (e["name"], e["iri"]))


def _who_lines(item: dict[str, Any]) -> str:
    if item["type"] == "activity":
        via = f" (addressed to {item['via_group']})" if item.get("via_group") else ""
        return f"- {item['name']}{via}"
    if item["type"] == "capability":
        return f"- {item['name']} ({item['domain']['name']}): {item['activity_count']}"
    lines = [f"- **{link(item['name'], item['iri'], item.get('source'))}**"
             + (" *(derived: through its group)*" if item.get("derived") else "")
             + f": {item['activity_count']} "
             + ("activity" if item["activity_count"] == 1 else "activities")]
    for activity in item["activities"]:
        via = f" (addressed to {activity['via_group']})" if activity["via_group"] else ""
        lines.append(f"  - {activity['text']}{via}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# maturity
# ---------------------------------------------------------------------------------------------

def maturity_answer(b: Backend, capability: str, level: str | None, current: str | None,
                    target: str | None, edition: str | int | None, cursor: str | None,
                    limit: int) -> Answer:
    """Say what a capability looks like at each level, at one level, or on the way to a target."""
    edition = b.check_edition(edition)
    cap = _named(b, capability, "fo:Capability", "capability", "capability", edition)
    levels = {r["level"]: r for r in b.rows("maturity-levels", edition=edition)}

    def level_of(text: str | None, what: str) -> str | None:
        return _named(b, text, "fo:MaturityLevel", what, "maturity-level", edition) \
            if text else None

    one, start, goal = level_of(level, "level"), level_of(current, "current"), \
        level_of(target, "target")
    if one and (start or goal):
        raise AssistantError("give either level, or current and target, not both")
    rank = {iri_: int(r["rank"]) for iri_, r in levels.items()}
    if start and goal and rank[goal] <= rank[start]:
        raise AssistantError(f"target {b.name(goal, edition)} is not above current "
                             f"{b.name(start, edition)}: the levels are "
                             + ", ".join(r["label"] for r in _by_rank(levels)))
    if one:
        chosen = [one]
    elif start or goal:
        low = rank[start] if start else 0
        high = rank[goal] if goal else low + 1
        chosen = [i for i in rank if low < rank[i] <= high]
        if not chosen:
            raise AssistantError(f"{b.name(start or '', edition)} is the highest level: "
                                 "there is no step above it")
    else:
        chosen = list(rank)
    chosen.sort(key=lambda i: rank[i])
    characteristics = [r for r in b.rows("maturity-of-a-capability", capability=cap,
                                         edition=edition) if r["level"] in chosen]
    targets: dict[str, Row] = {}
    for each in chosen:
        for r in b.rows("numeric-targets-of-a-capability-at-a-level", capability=cap,
                        level=each, edition=edition):
            targets.setdefault(r["target"], r)
    items: list[tuple[str | None, str, Any]] = []
    for each in chosen:
        items += [(each, "characteristic", r) for r in characteristics if r["level"] == each]
        items += [(each, "target", r) for r in targets.values()
                  if r["everyLevel"] != "true" and r["level"] == each]
    items += [(None, "target", r) for r in targets.values() if r["everyLevel"] == "true"]
    arguments = {"capability": cap, "level": one, "current": start, "target": goal,
                 "edition": edition}
    page = paginate(items, lambda item: len(_item_text(item)) + 80, call="maturity",
                    arguments=arguments, cursor=cursor, limit=limit)
    cited = Citations(b, edition)
    cited.add(cap, *chosen)
    name = b.name(cap, edition)
    if start or goal:
        head = (f"## {name}: from {b.name(start, edition) if start else 'the start'} to "
                f"{b.name(goal, edition) if goal else b.name(chosen[-1], edition)} ({edition})")
        intro = ["What the capability looks like at each level on the way; reaching a level "
                 "means showing its characteristics and meeting its targets.", ""]
    else:
        head, intro = f"## Maturity of {name} ({edition})", []
    lines, shown_levels, every = [head, "", *intro], {}, []
    current_heading = ""
    for level_iri, kind, row in page.items:
        heading = f"### {b.name(level_iri, edition)}" if level_iri else "### At every level"
        if heading != current_heading:
            lines += ([] if lines[-1] == "" else [""]) + [heading, ""]
            current_heading = heading
        lines.append(f"- {_item_text((level_iri, kind, row))}")
        if kind == "target":
            target_ = _target(row)
            cited.derive("numeric targets (metric, comparator, value, unit)", PARSED)
            cited.add(row["target"], row["metric"])
            (every if level_iri is None else shown_levels.setdefault(
                level_iri, _level(levels[level_iri]))["targets"]).append(target_)
        else:
            cited.add(row["characteristic"])
            shown_levels.setdefault(level_iri, _level(levels[level_iri]))[
                "characteristics"].append({"iri": row["characteristic"], "text": row["label"]})
    if not items:
        lines.append(f"Edition {edition} states no maturity characteristics or targets for "
                     f"{name} at {'these levels' if len(chosen) > 1 else 'this level'}.")
    data = {"edition": edition, "capability": _ref(b, cap, edition),
            "current": _ref(b, start, edition) if start else None,
            "target": _ref(b, goal, edition) if goal else None,
            "levels": list(shown_levels.values()), "every_level": every}
    return finish(lines, data, cited, page)


def _by_rank(levels: dict[str, Row]) -> list[Row]:
    return sorted(levels.values(), key=lambda r: int(r["rank"]))


def _level(row: Row) -> dict[str, Any]:
    return {"iri": row["level"], "name": row["label"], "rank": int(row["rank"]),
            "characteristics": [], "targets": []}


def _unit(unit: str) -> str:
    local = unit.rsplit("/", 1)[-1]
    return UNITS.get(local, local)


def _target(row: Row) -> dict[str, Any]:
    value = number(row["value"])
    return {"iri": row["target"], "metric": row["metric"], "metric_name": row["metricLabel"],
            "comparator": row["comparator"], "value": value, "unit": _unit(row["unit"]),
            "every_level": row["everyLevel"] == "true",
            "text": f"{row['metricLabel']} {row['comparator']} {value} {_unit(row['unit'])}"}


def _item_text(item: tuple[str | None, str, Any]) -> str:
    _, kind, row = item
    if kind == "target":
        return f"**Target:** {_target(row)['text']} *(numbers as published, split by finops-kg)*"
    return row["label"]


# ---------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------

def kpis_answer(b: Backend, capability: str | None, category: str | None,
                data_source: str | None, edition: str | int | None, cursor: str | None,
                limit: int) -> Answer:
    """List the KPIs that measure a capability, suit a technology category or use some data."""
    edition = b.check_edition(edition)
    given = [(k, v) for k, v in (("capability", capability), ("category", category),
                                 ("data_source", data_source)) if v and v.strip()]
    if len(given) != 1:
        raise AssistantError("give exactly one of capability, category (a technology category "
                             "such as AI or SaaS) or data_source (a word such as billing)")
    by, value = given[0]
    subject = None
    if by == "capability":
        subject = _named(b, value, "fo:Capability", "capability", "capability", edition)
        rows = b.rows("kpis-of-a-capability", capability=subject, edition=edition)
        title = f"## KPIs that measure {b.name(subject, edition)} ({edition})"
    elif by == "category":
        subject = _named(b, value, "fo:TechnologyCategory", "category", "technology-category",
                         edition)
        rows = b.rows("kpis-for-a-technology-category", category=subject, edition=edition)
        title = f"## KPIs for {b.name(subject, edition)} ({edition})"
    else:
        rows = b.rows("kpis-using-a-data-source", text=value.strip(), edition=edition)
        title = f"## KPIs whose data sources mention “{value.strip()}” ({edition})"
    items = [{"iri": r["kpi"], "name": r["label"], "source": b.source(r["kpi"], edition),
              "formula": r.get("formula") or None, "data_source": r.get("dataSource")}
             for r in rows]
    arguments = {"by": by, "value": subject or value.strip().casefold(), "edition": edition}
    page = paginate(items, lambda item: len(_kpi_line(item)) + 80, call="kpis",
                    arguments=arguments, cursor=cursor, limit=limit)
    cited = Citations(b, edition)
    cited.add(subject, *(item["iri"] for item in page.items))
    lines = [title, ""] + [_kpi_line(item) for item in page.items]
    if not items:
        lines.append("No KPI of the KPI library matches.")
    data = {"edition": edition, "by": by,
            "subject": _ref(b, subject, edition) if subject else None,
            "text": value.strip() if by == "data_source" else None, "items": page.items}
    return finish(lines, data, cited, page)


def _kpi_line(item: dict[str, Any]) -> str:
    line = f"- **{link(item['name'], item['iri'], item['source'])}**"
    if item.get("formula"):
        formula = cut(item["formula"], FORMULA_CHARS, "the formula")
        line += ("\n  ```\n  " + formula.replace("\n", "\n  ") + "\n  ```") if "\n" in formula \
            else f": `{formula}`"
    if item.get("data_source"):
        line += f"\n  - data source: {item['data_source']}"
    return line


# ---------------------------------------------------------------------------------------------
# crosswalks
# ---------------------------------------------------------------------------------------------

def crosswalks_answer(b: Backend, capability: str, vocabulary: str | None,
                      cursor: str | None, limit: int) -> Answer:
    """List the terms of other frameworks that the curated mapping sets match to a capability."""
    edition = b.edition
    cap = _named(b, capability, "fo:Capability", "capability", "capability", edition)
    rows = b.rows("crosswalks-of-a-capability", capability=cap)
    if vocabulary and vocabulary.strip():
        wanted = vocabulary.strip().casefold()
        kept = [r for r in rows if wanted in r["vocabulary"].casefold()
                or wanted in r["mappingSet"].rsplit("/", 1)[-1].casefold()]
        if not kept:
            present = sorted({r["vocabulary"] for r in rows})
            raise AssistantError(f"no crosswalk of {b.name(cap, edition)} is to a vocabulary "
                                 f"matching {vocabulary!r}; its crosswalks are to: "
                                 + (", ".join(present) or "none"))
        rows = kept
    items = [{"iri": r["target"], "name": r["targetName"], "notation": r.get("notation") or None,
              "vocabulary": r["vocabulary"], "match": r["match"],
              "mapping_set": r["mappingSet"]} for r in rows]
    arguments = {"capability": cap, "vocabulary": (vocabulary or "").strip().casefold()}
    page = paginate(items, lambda item: 160, call="crosswalks", arguments=arguments,
                    cursor=cursor, limit=limit)
    cited = Citations(b, edition)
    cited.add(cap, *(item["iri"] for item in page.items))
    cited.derive("every crosswalk", CROSSWALK)
    lines = [f"## Crosswalks of {b.name(cap, edition)}", "",
             "*Curated by finops-kg in SSSOM mapping sets, not by the FinOps Foundation.*", ""]
    lines += table(["Vocabulary", "Term", "Code", "Match", "Mapping set"],
                   [[i["vocabulary"], i["name"], i["notation"] or "", i["match"],
                     i["mapping_set"].rsplit("/", 1)[-1]] for i in page.items])
    if not items:
        lines = lines[:2] + [f"No curated mapping set matches {b.name(cap, edition)}."]
    data = {"capability": _ref(b, cap, edition), "items": page.items}
    return finish(lines, data, cited, page)


# ---------------------------------------------------------------------------------------------
# edition changes
# ---------------------------------------------------------------------------------------------

def changes_answer(b: Backend, element: str | None, from_edition: str | int,
                   to_edition: str | int, change_type: str | None, cursor: str | None,
                   limit: int) -> Answer:
    """List the recorded changes between two editions, of one element or of all."""
    old, new = b.check_edition(from_edition), b.check_edition(to_edition)
    if old == new:
        raise AssistantError("from_edition and to_edition are the same edition")
    subject = None
    if element and element.strip():
        store = b.framework()
        try:
            subject = resolve(store, element, new)[0]
        except FinopsKGError as error:
            try:
                subject = resolve(store, element, old)[0]
            except FinopsKGError:
                raise AssistantError(str(error)) from None
    rows = b.rows("edition-changes", **{"from": old, "to": new})
    if subject:
        rows = [r for r in rows if subject in (r["subject"], r.get("target"))]
    if change_type and change_type.strip():
        wanted = change_type.strip().casefold().replace("-", " ")
        kinds = sorted({r["changeType"] for r in rows})
        rows = [r for r in rows if r["changeType"].casefold() == wanted]
        if not rows:
            raise AssistantError(f"no change of type {change_type!r}; the types here are: "
                                 + (", ".join(kinds) or "none"))

    def named(value: str | None) -> dict[str, Any] | None:
        if not value:
            return None
        name = b.name(value, new) if value in b.elements(new) else b.name(value, old)
        return {"iri": value, "name": name, "source": b.source(value, new) or
                b.source(value, old)}

    items = [{"iri": r["change"], "summary": r["summary"], "change_type": r["changeType"],
              "subject": named(r["subject"]), "old_name": r.get("oldLabel") or None,
              "new_name": r.get("newLabel") or None, "target": named(r.get("target")),
              "confidence": r.get("confidence")} for r in rows]
    content = _content(b, subject, (old, new)) if subject else []
    arguments = {"element": subject, "from": old, "to": new,
                 "type": (change_type or "").strip().casefold()}
    page = paginate(items, lambda item: len(item["summary"]) + 160, call="edition_changes",
                    arguments=arguments, cursor=cursor, limit=limit)
    cited = Citations(b, new)
    cited.add(subject, *(item["iri"] for item in page.items))
    if items:
        cited.derive("the change records", CHANGE)
    what = named(subject)["name"] if subject else "the Framework"
    lines = [f"## What changed in {what} from {old} to {new}", ""]
    if items:
        lines += table(["Change", "Type", "Old name", "New name", "Confidence"],
                       [[i["summary"], i["change_type"], i["old_name"] or "",
                         i["new_name"] or "", i["confidence"] or ""] for i in page.items])
    else:
        lines.append(f"No change of {what} from {old} to {new} is recorded"
                     + (" of that type." if change_type else "."))
    if content:
        lines += ["", "How much each edition says about it:", ""]
        lines += table(["Edition", "Name", "Activities", "Personas", "Maturity characteristics",
                        "Measures of success", "Capability areas", "KPIs"],
                       [[c["edition"], c["name"], c["activities"], c["personas"],
                         c["characteristics"], c["measures"], c["areas"], c["kpis"]]
                        for c in content])
        counts = [c for c in content if c["edition"] == old]
        if counts and not any(counts[0][k] for k in ("activities", "characteristics",
                                                     "measures", "kpis")):
            lines += ["", f"Edition {old} gives none of this content for it: a gap of the "
                          f"sources finops-kg read, not a change of the Framework "
                          f"(see `run_query` content-gaps)."]
    data = {"from_edition": old, "to_edition": new,
            "element": named(subject) if subject else None, "items": page.items,
            "content": content}
    return finish(lines, data, cited, page)


def _content(b: Backend, capability: str, editions: tuple[str, ...]) -> list[dict[str, Any]]:
    found = []
    for edition in editions:
        for r in b.rows("capability-coverage", edition=edition):
            if r["capability"] == capability:
                found.append({"edition": edition, "name": r["label"],
                              "domain": r.get("domainLabel"),
                              **{k: int(r[k]) for k in ("activities", "personas",
                                                        "characteristics", "measures", "areas",
                                                        "kpis")}})
    return found
