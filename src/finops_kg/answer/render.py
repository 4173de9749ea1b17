"""Cards as Markdown for people and as JSON for programs, both ending with citations and licence."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from finops_kg.graph.iris import shorten

if TYPE_CHECKING:
    from finops_kg.answer.card import Card, Entry, Section

OWN_WORDS = ("Definitions and statement texts are finops-kg's own words; names, numbers, "
             "formulas and URLs are as the FinOps Foundation publishes them.")
DERIVED_NOTE = ("Statements marked derived are finops-kg's, not the FinOps Foundation's.")
CODE_SECTIONS = ("kpis", "formula")  # sections whose details are formulas, shown as code


def card_dict(card: Card) -> dict[str, Any]:
    """Return the card as a JSON-ready dict: facts, relations by key, derived, citations."""
    relations: dict[str, Any] = {}
    for section in card.sections:
        relation: dict[str, Any] = {"title": section.title}
        if section.derived:
            relation["derived"] = section.derived
        relation["entries"] = [entry.to_dict() for entry in section.entries]
        relations[section.key] = relation
    return {
        "iri": card.iri, "curie": card.curie, "name": card.name, "type": card.type,
        "kind": card.kind, "edition": card.edition,
        "definition": card.definitions, "source": card.sources, "permalink": card.permalinks,
        "confidence": card.confidence, "alternative_names": card.alternative_names,
        "deprecated": card.deprecated,
        "replaced_by": [entry.to_dict() for entry in card.replaced_by],
        "editorial_notes": card.editorial_notes, "content_gaps": card.content_gaps,
        "relations": relations,
        "also_named": [entry.to_dict() for entry in card.also_named],
        "derived": card.derived(),
        "citations": card.citations(),
        "attribution": card.attribution, "licence": card.licence,
        "notice": f"{OWN_WORDS} {DERIVED_NOTE}",
    }


def card_markdown(card: Card) -> str:
    """Return the card as Markdown: header, facts, one section per relation, then the tail."""
    lines = [f"# {card.name}", "",
             f"**{card.kind}** · FinOps Framework {card.edition} · `{card.curie}`", ""]
    if card.deprecated:
        successors = ", ".join(_link(e) for e in card.replaced_by)
        lines += [f"**Withdrawn** from the Framework" + (f"; replaced by {successors}."
                                                         if successors else "."), ""]
    for definition in card.definitions:
        lines += [definition, ""]
    facts = [f"- finops.org: <{url}>" for url in card.sources]
    facts += [f"- Permalink: <{url}>" for url in card.permalinks]
    if card.confidence:
        facts.append(f"- Source confidence: {', '.join(card.confidence)}")
    if card.alternative_names:
        facts.append(f"- Also called: {', '.join(card.alternative_names)}")
    if facts:
        lines += facts + [""]
    if card.also_named:
        others = "; ".join(f"{e.note} `{shorten(e.iri or '')}`" for e in card.also_named)
        lines += [f"> The name {card.name!r} also names: {others}.", ""]
    for section in card.sections:
        lines += _section(section)
    if card.content_gaps:
        lines += ["## Content gaps", "", *[f"- {gap}" for gap in card.content_gaps], ""]
    if card.editorial_notes:
        lines += ["## Editorial notes", "", *[f"- {note}" for note in card.editorial_notes], ""]
    lines += _derived(card) + _citations(card)
    lines += ["---", "", f"{card.attribution} Licence: [CC BY 4.0]({card.licence}). "
              f"{OWN_WORDS} {DERIVED_NOTE}", ""]
    return "\n".join(lines)


def _section(section: Section) -> list[str]:
    lines = [f"## {section.title}", ""]
    if section.derived:
        lines += [f"*Derived, not official: {section.derived}.*", ""]
    for entry in section.entries:
        lines += _entry(entry, section, 0)
    return lines + [""]


def _entry(entry: Entry, section: Section, depth: int) -> list[str]:
    indent = "  " * depth
    text = _link(entry) + (f" ({entry.note})" if entry.note else "")
    if entry.derived and entry.derived != section.derived:
        text += " *(derived)*"
    if entry.detail:
        if "\n" in entry.detail:
            block = "\n".join(f"{indent}  {line}" for line in entry.detail.splitlines())
            text += f":\n\n{indent}  ```\n{block}\n{indent}  ```\n"
        elif section.key in CODE_SECTIONS:
            text += f": `{entry.detail}`"
        else:
            text += f": {entry.detail}"
    lines = [f"{indent}- {text}"]
    for child in entry.entries:
        lines += _entry(child, section, depth + 1)
    return lines


def _link(entry: Entry) -> str:
    shown = f"[{entry.name}]({entry.source})" if entry.source else entry.name
    return f"{shown} `{shorten(entry.iri)}`" if entry.iri else shown


def _derived(card: Card) -> list[str]:
    found = card.derived()
    if not found:
        return []
    counted = Counter((item["why"], item["section"]) for item in found)
    titles = {section.key: section.title for section in card.sections}
    lines = ["## What is derived, not official", ""]
    for (why, key), count in counted.items():
        what = titles.get(key, key) + (f" ({count} statements)" if count > 1 else "")
        lines.append(f"- {what}: {why}.")
    return lines + [""]


def _citations(card: Card) -> list[str]:
    cited = card.citations()
    edition = f"- Edition: {cited['edition']} (`{shorten(cited['edition_iri'])}`)"
    lines = ["## Citations", "", edition]
    lines.append("- IRIs: " + ", ".join(f"`{shorten(i)}`" for i in cited["iris"]))
    if cited["urls"]:
        lines.append("- Sources: " + ", ".join(f"<{url}>" for url in cited["urls"]))
    return lines + [""]
