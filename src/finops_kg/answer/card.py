"""Answer cards: what the graph says about one element, its relations, what is derived, citations.

A card is gathered with SPARQL on the compiled dataset: the catalogue's own queries where one
answers the question (personas in a capability, its KPIs, its crosswalks...) and the queries
under queries/cards/ for the rest. Every statement that the FinOps Foundation did not make
itself carries the reason it is derived: an entailment, a number split into parts by
finops-kg, a crosswalk or a change record curated by finops-kg.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import pyoxigraph

from finops_kg.answer.kinds import KINDS, TYPES, element_type, kind_of
from finops_kg.answer.rq import iri, select
from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources
from finops_kg.graph.iris import DEFAULT_EDITION, FO_IRI, PREFIXES, edition_iri, shorten
from finops_kg.release.compiled import dataset_key, open_dataset

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
FRAMEWORK = "https://www.finops.org/framework/"
# Used only if an edition's dataset node states no rights, which the SHACL checks prevent.
ATTRIBUTION = ("Content adapted from the FinOps Framework by the FinOps Foundation "
               f"({FRAMEWORK}), licensed under CC BY 4.0; descriptions rewritten in our own "
               "words and restructured as RDF.")
MAX_ENTRIES = 60  # a generic list of links is cut here, saying how many more there are

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]

# Why a statement is not the FinOps Foundation's own.
VIA_GROUP = ("entailed: the activity is addressed to the Allied Personas group, and "
             "fo:concernsPersona gives it to each member")
BY_CHAIN = "entailed by a property chain of the ontology, not stated as such by the Foundation"
PARSED = ("the number is finops.org's; finops-kg split it into metric, comparator, value "
          "and unit")
CROSSWALK = ("curated by finops-kg in an SSSOM mapping set; the FinOps Foundation states no "
             "such mapping")
SHARED_KPI = ("derived by finops-kg from KPIs that measure both capabilities (the basis of "
              "fo:relatedCapability); the Foundation states no such link")
CHANGE = ("recorded by finops-kg from the pages of both editions; the confidence says how well "
          "the sources support each record")
NAMES = ("recorded by finops-kg from the pages of both editions: the names are finops.org's, "
         "the finding that they name one element is finops-kg's")
COUNTED = ("counted by finops-kg from the functional activities; those addressed to the Allied "
           "Personas group count for each member by entailment (fo:concernsPersona)")

UNITS = {"PERCENT": "%", "MO": "months", "PER-DAY": "per day"}


class CardError(FinopsKGError):
    """No element has that name, IRI or CURIE in the edition."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []  # the closest names, best first, for a caller to offer


@dataclass
class Entry:
    """One related element or statement on a card, possibly with entries of its own."""

    name: str
    iri: str | None = None
    detail: str | None = None  # a formula, a definition, a target's number
    note: str | None = None  # how it relates: "stated for the domain ...", "output to"
    derived: str | None = None  # why it is not an official statement, when it is not
    source: str | None = None  # its finops.org page
    entries: list[Entry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict, empty fields left out."""
        data: dict[str, Any] = {"name": self.name}
        for key in ("iri", "detail", "note", "derived", "source"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.entries:
            data["entries"] = [entry.to_dict() for entry in self.entries]
        return data


@dataclass
class Section:
    """One group of relations on a card, such as the personas of a capability."""

    key: str
    title: str
    entries: list[Entry]
    derived: str | None = None  # why the whole section is not official, when it is not


@dataclass
class Card:
    """Everything a card shows about one element of one edition."""

    iri: str
    name: str
    type: str  # the search type, such as capability or persona
    kind: str  # the class's own name, such as Core persona
    edition: str
    definitions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    permalinks: list[str] = field(default_factory=list)
    confidence: list[str] = field(default_factory=list)
    alternative_names: list[str] = field(default_factory=list)
    editorial_notes: list[str] = field(default_factory=list)
    content_gaps: list[str] = field(default_factory=list)
    deprecated: bool = False
    replaced_by: list[Entry] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    also_named: list[Entry] = field(default_factory=list)  # other elements of the same name
    attribution: str = ATTRIBUTION
    licence: str = LICENCE

    @property
    def curie(self) -> str:
        """Return the element's IRI as a CURIE, such as fid:capability/allocation."""
        return shorten(self.iri)

    def section(self, key: str) -> Section | None:
        """Return the section of that key, or None when the card has none."""
        return next((s for s in self.sections if s.key == key), None)

    def derived(self) -> list[dict[str, str]]:
        """Return what on the card is derived rather than official, and why."""
        found = []
        for section in self.sections:
            if section.derived:
                found.append({"section": section.key, "statement": section.title,
                              "why": section.derived})
            for entry in _walk(section.entries):
                if entry.derived and entry.derived != section.derived:
                    found.append({"section": section.key, "statement": entry.name,
                                  "why": entry.derived})
        return found

    def citations(self) -> dict[str, Any]:
        """Return what the card rests on: the edition, every IRI and every source URL."""
        iris = [self.iri] + [e.iri for s in self.sections for e in _walk(s.entries) if e.iri]
        iris += [e.iri for e in self.replaced_by if e.iri]
        urls = self.sources + self.permalinks + [
            e.source for s in self.sections for e in _walk(s.entries) if e.source]
        return {"edition": self.edition, "edition_iri": edition_iri(self.edition),
                "iris": list(dict.fromkeys(iris)), "urls": list(dict.fromkeys(urls))}

    def to_dict(self) -> dict[str, Any]:
        """Return the card as a JSON-ready dict."""
        from finops_kg.answer.render import card_dict

        return card_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """Return the card as JSON."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def markdown(self) -> str:
        """Return the card as Markdown, ending with its citations and the attribution."""
        from finops_kg.answer.render import card_markdown

        return card_markdown(self)


def _walk(entries: list[Entry]) -> list[Entry]:
    return [x for entry in entries for x in [entry, *_walk(entry.entries)]]


# ---------------------------------------------------------------------------
# Finding the element
# ---------------------------------------------------------------------------

def card(name_or_iri: str, edition: str | None = None, *, type: str | None = None) -> Card:
    """Return the card of the element named name_or_iri (a name, IRI or CURIE) in the edition.

    A name is matched ignoring case against names, alternative and former names; where it
    names several elements, the card is of the first kind in kinds.TYPES (or of type, when
    given) and lists the others in also_named. An unknown name is a CardError that offers the
    closest names.
    """
    edition = edition or DEFAULT_EDITION
    resources.check_edition(edition)
    kind = element_type(type) if type else None
    store = _dataset(dataset_key())
    graph = iri(edition_iri(edition))
    found = resolve(store, name_or_iri, edition, kind)
    facts = {element: _facts(store, element, graph) for element in found}
    chosen = found[0]
    result = _base_card(chosen, facts[chosen], edition)
    result.also_named = [Entry(_name(facts[other]), other, note=_kind(facts[other])[1])
                         for other in found[1:]]
    context = Context(store, chosen, graph, edition, facts[chosen])
    for gather in [*_SECTIONS.get(result.type, (_links,)), _crosswalks, _changes,
                   _edition_names]:
        result.sections.extend(section for section in gather(context) if section.entries)
    sources = _sources(store, edition)
    for section in result.sections:
        for entry in _walk(section.entries):
            if entry.iri and entry.source is None:
                entry.source = sources.get(entry.iri)
    result.attribution, result.licence = _attribution(store, edition)
    return result


@lru_cache(maxsize=1)
def _dataset(key: str) -> Any:
    # a compiled dataset never changes under its key: one opened store serves every card
    return open_dataset()


def resolve(store: Any, text: str, edition: str, kind: str | None = None) -> list[str]:
    """Return the IRIs that text names in the edition, the one to show first; or fail."""
    wanted = text.strip()
    if not wanted:
        raise CardError("give the name, IRI or CURIE of an element")
    graph = iri(edition_iri(edition))
    if _looks_like_iri(wanted):
        element = _expand(wanted)
        facts = _facts(store, element, graph)
        if not facts:
            raise CardError(f"{wanted} is not an element of edition {edition}"
                            + _elsewhere(store, element, edition))
        if kind and _kind(facts)[0] != kind:
            raise CardError(f"{wanted} is a {_kind(facts)[0]}, not a {kind}")
        return [element]
    rows = select(store, "cards", "resolve", wanted=pyoxigraph.Literal(wanted), edition=graph)
    candidates = sorted({row["element"] for row in rows})
    kinds = {c: _kind(_facts(store, c, graph))[0] for c in candidates}
    chosen = [c for c in candidates if kinds[c] is not None and (kind is None or kinds[c] == kind)]
    if not chosen:
        if candidates and kind:
            named = ", ".join(sorted({k for k in kinds.values() if k}))
            raise CardError(f"no {kind} is called {wanted!r} in edition {edition}; "
                            f"that name is of a {named}")
        close = close_names(store, wanted, edition)
        hint = f"; close matches: {', '.join(repr(c) for c in close)}" if close else ""
        raise CardError(f"no element is called {wanted!r} in edition {edition}{hint}", close)
    return sorted(chosen, key=lambda c: (TYPES.index(kinds[c]), c))


def close_names(store: Any, text: str, edition: str, n: int = 3) -> list[str]:
    """Return up to n names of the edition closest to text (difflib), best first."""
    names = _names(store, edition)
    folded = {name.casefold(): name for name in sorted(names)}
    close = difflib.get_close_matches(text.casefold(), list(folded), n=n, cutoff=0.6)
    return [folded[c] for c in close]


def _looks_like_iri(text: str) -> bool:
    if text.startswith(("http://", "https://", "urn:")):
        return True
    prefix, colon, local = text.partition(":")
    return bool(colon) and prefix in PREFIXES and " " not in text and bool(local)


def _expand(text: str) -> str:
    from finops_kg.graph.iris import expand_curie

    return expand_curie(text)


def _elsewhere(store: Any, element: str, edition: str) -> str:
    others = [e for e in resources.available_editions()
              if e != edition and _facts(store, element, iri(edition_iri(e)))]
    return f"; it is in edition {', '.join(others)}" if others else ""


def _names(store: Any, edition: str) -> set[str]:
    return {row["name"] for row in select(store, "cards", "names",
                                          edition=iri(edition_iri(edition)))}


def _sources(store: Any, edition: str) -> dict[str, str]:
    return _edition_sources(store, dataset_key(), edition)


@lru_cache(maxsize=4)
def _edition_sources(store: Any, key: str, edition: str) -> dict[str, str]:
    # every element's page, read once per dataset and edition rather than once per card
    rows = select(store, "cards", "sources", edition=iri(edition_iri(edition)))
    found: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (r["element"], r["source"])):
        found.setdefault(row["element"], row["source"])
    return found


def _attribution(store: Any, edition: str) -> tuple[str, str]:
    rows = select(store, "cards", "attribution", edition=iri(edition_iri(edition)))
    for row in sorted(rows, key=lambda r: r["dataset"]):
        return row["rights"], row["license"]
    return ATTRIBUTION, LICENCE


# ---------------------------------------------------------------------------
# The element's own statements
# ---------------------------------------------------------------------------

Facts = list[dict[str, str]]


def _facts(store: Any, element: str, graph: Any) -> Facts:
    return select(store, "cards", "element", element=iri(element), edition=graph)


def _values(facts: Facts, prefix: str, local: str) -> list[str]:
    wanted = PREFIXES[prefix] + local
    return sorted({row["value"] for row in facts if row["property"] == wanted})


def _linked(facts: Facts, prefix: str, local: str) -> list[Entry]:
    wanted = PREFIXES[prefix] + local
    rows = sorted((r for r in facts if r["property"] == wanted),
                  key=lambda r: (r.get("label", r["value"]), r["value"]))
    return [Entry(r.get("label", shorten(r["value"])), r["value"]) for r in rows]


def _name(facts: Facts) -> str:
    names = _values(facts, "skos", "prefLabel") or _values(facts, "rdfs", "label")
    return names[0] if names else ""


def _kind(facts: Facts) -> tuple[str | None, str]:
    """Return the element's search type and the name of its most specific known class."""
    classes = {r["value"].removeprefix(FO_IRI): r.get("label", "")
               for r in facts if r["property"] == RDF_TYPE and r["value"].startswith(FO_IRI)}
    kind = kind_of(set(classes))
    local = next((c for c in KINDS if c in classes), None)
    label = classes.get(local or "", "") or (kind or "element")
    return kind, label[:1].upper() + label[1:]


def _base_card(element: str, facts: Facts, edition: str) -> Card:
    kind, label = _kind(facts)
    return Card(
        iri=element, name=_name(facts), type=kind or "element", kind=label, edition=edition,
        definitions=_values(facts, "skos", "definition"),
        sources=_values(facts, "dcterms", "source"),
        permalinks=_values(facts, "fo", "permalink"),
        confidence=sorted({r.get("label", r["value"]) for r in facts
                           if r["property"] == FO_IRI + "confidence"}),
        alternative_names=_values(facts, "skos", "altLabel"),
        editorial_notes=_values(facts, "skos", "editorialNote"),
        content_gaps=_values(facts, "fo", "contentGap"),
        deprecated="true" in _values(facts, "owl", "deprecated"),
        replaced_by=_linked(facts, "dcterms", "isReplacedBy"))


# ---------------------------------------------------------------------------
# Relations, by kind of element
# ---------------------------------------------------------------------------

@dataclass
class Context:
    """What the gathering functions share: the store, the element, its edition and facts."""

    store: Any
    element: str
    graph: Any  # the edition's graph IRI as an Oxigraph term
    edition: str
    facts: Facts

    def catalogue(self, name: str, parameter: str, edition: bool = True) -> list[dict[str, str]]:
        """Run a catalogue query with the element as its one parameter, in the edition."""
        bindings = {parameter: iri(self.element)}
        if edition:
            bindings["edition"] = self.graph
        return select(self.store, "", name, **bindings)

    def cards(self, name: str, **bindings: Any) -> list[dict[str, str]]:
        """Run a query of queries/cards/."""
        return select(self.store, "cards", name, **bindings)


def _capability(c: Context) -> list[Section]:
    domain = [Entry(r["label"], r["domain"]) for r in c.catalogue("domain-of-a-capability",
                                                                   "capability")]
    areas = [Entry(r["label"], r["area"], detail=r.get("definition"))
             for r in c.catalogue("capability-areas-of-a-capability", "capability")]
    return [Section("domain", "Domain", domain), Section("areas", "Capability areas", areas),
            _personas_with_activities(c), _maturity(c),
            Section("measures", "Measures of success", [
                Entry(r["label"], r["measure"], note="quantified by a numeric target"
                      if r.get("target") else None)
                for r in c.catalogue("measures-of-success-of-a-capability", "capability")]),
            Section("kpis", "KPIs", [
                Entry(r["label"], r["kpi"], detail=r.get("formula"),
                      note=None if r.get("formula") else "no formula published")
                for r in c.catalogue("kpis-of-a-capability", "capability")]),
            *_inputs_and_outputs(c),
            Section("principles", "Principles it supports", [
                Entry(r["label"], r["principle"], note=None if r["statedFor"] == c.element
                      else f"stated for its domain, {r['statedForLabel']}")
                for r in c.catalogue("principles-supported-by-a-capability", "capability")]),
            Section("related", "Related capabilities (sharing a KPI)", [
                Entry(r["label"], r["other"], note=f"{r['sharedKpis']} shared KPI"
                      + ("" if r["sharedKpis"] == "1" else "s"))
                for r in c.catalogue("capabilities-sharing-kpis", "capability")],
                derived=SHARED_KPI)]


def _personas_with_activities(c: Context) -> Section:
    personas: dict[str, Entry] = {}
    for row in c.catalogue("personas-in-a-capability", "capability"):
        persona = personas.setdefault(row["persona"], Entry(row["personaLabel"], row["persona"]))
        via = row.get("viaGroup") or None
        persona.entries.append(Entry(row["activityLabel"], row["activity"],
                                     note=f"addressed to {via}" if via else None,
                                     derived=VIA_GROUP if via else None))
    entries = sorted(personas.values(), key=lambda e: (e.name, e.iri or ""))
    for entry in entries:  # a persona that only the group's activities bring in is entailed
        if entry.entries and all(a.derived for a in entry.entries):
            entry.derived = VIA_GROUP
    return Section("personas", "Personas and their activities", entries)


def _maturity(c: Context) -> Section:
    levels = {r["level"]: Entry(r["label"], r["level"])
              for r in c.cards("levels", edition=c.graph)}
    for row in c.catalogue("maturity-of-a-capability", "capability"):
        levels[row["level"]].entries.append(Entry(row["label"], row["characteristic"]))
    every = Entry("At every level")
    targets = c.cards("targets", capability=iri(c.element), edition=c.graph)
    for row in sorted(targets, key=lambda r: (r["metricLabel"], r["target"])):
        entry = Entry(_target_text(row), row["target"], note="numeric target", derived=PARSED)
        (levels[row["level"]] if "level" in row else every).entries.append(entry)
    entries = [level for level in levels.values() if level.entries]
    return Section("maturity", "Maturity by level", entries + ([every] if every.entries else []))


def _target_text(row: dict[str, str]) -> str:
    unit = UNITS.get(row["unit"].rsplit("/", 1)[-1], row["unit"].rsplit("/", 1)[-1])
    return f"{row['metricLabel']} {row['comparator']} {row['value']} {unit}"


def _inputs_and_outputs(c: Context) -> list[Section]:
    rows = c.catalogue("capability-inputs-and-outputs", "capability")
    return [Section("inputs", "Takes input from", [
                Entry(r["label"], r["other"]) for r in rows if r["direction"] == "input from"]),
            Section("outputs", "Provides input to", [
                Entry(r["label"], r["other"]) for r in rows if r["direction"] == "output to"])]


def _persona(c: Context) -> list[Section]:
    capabilities = [Entry(r["capabilityLabel"], r["capability"],
                          note=f"{r['domainLabel']}; {r['activities']} "
                          + ("activity" if r["activities"] == "1" else "activities"))
                    for r in c.catalogue("capabilities-of-a-persona", "persona")]
    groups = [Entry(r["label"], r["subject"]) for r in _incoming(c)
              if r["property"] == FO_IRI + "hasMember"]
    return [Section("goal", "Primary goal", [Entry(t) for t in _values(c.facts, "fo",
                                                                     "primaryGoal")]),
            Section("roles", "Typical job titles", [Entry(t) for t in _values(c.facts, "fo",
                                                                            "typicalRole")]),
            Section("groups", "Member of", groups),
            Section("capabilities", "Capabilities it acts in", capabilities, derived=COUNTED)]


def _metric(c: Context) -> list[Section]:
    targets = [Entry(f"{r['scopeLabel']}: {r['comparator']} {r['value']} "
                     f"{UNITS.get(r['unit'].rsplit('/', 1)[-1], r['unit'])}", r["scope"],
                     note=r.get("levelLabel") or "at every level", derived=PARSED)
               for r in c.catalogue("numeric-targets-on-a-metric", "metric")]
    return [Section("formula", "Formula (as published)",
                    [Entry(t) for t in _values(c.facts, "fo", "formula")]),
            Section("data-sources", "Data sources",
                    [Entry(t) for t in _values(c.facts, "fo", "dataSource")]),
            Section("capabilities", "Capabilities it measures", _linked(c.facts, "fo",
                                                                        "measures")),
            Section("categories", "Technology categories", _linked(c.facts, "fo",
                                                                   "targetsCategory")),
            Section("targets", "Numeric maturity targets", targets)]


def _domain(c: Context) -> list[Section]:
    principles = [Entry(r["label"], r["principle"], note=None if r["statedFor"] == c.element
                        else f"stated for its capability {r['statedForLabel']}")
                  for r in c.catalogue("principles-supported-by-a-domain", "domain")]
    return [Section("capabilities", "Capabilities", [
                Entry(r["label"], r["capability"])
                for r in c.catalogue("capabilities-of-a-domain", "domain")]),
            Section("principles", "Principles it supports", principles)]


def _principle(c: Context) -> list[Section]:
    return [Section("supported-by", "Domains and capabilities that support it", [
        Entry(r["label"], r["element"], note=r["kind"])
        for r in c.catalogue("capabilities-supporting-a-principle", "principle")])]


def _category(c: Context) -> list[Section]:
    return [Section("kpis", "KPIs for this category", [
        Entry(r["label"], r["kpi"], detail=r.get("formula"))
        for r in c.catalogue("kpis-for-a-technology-category", "category")])]


SKIPPED = {RDF_TYPE, SKOS + "inScheme", SKOS + "topConceptOf", FO_IRI + "inEdition",
           DCTERMS + "source", FO_IRI + "permalink", FO_IRI + "confidence",
           DCTERMS + "isReplacedBy", FO_IRI + "nameInEdition",
           PREFIXES["owl"] + "sameAs"}


def _incoming(c: Context) -> list[dict[str, str]]:
    rows = c.cards("incoming", element=iri(c.element), edition=c.graph)
    unique = {(r["property"], r["subject"]): r for r in rows}
    return sorted(unique.values(), key=lambda r: (r.get("propertyLabel", r["property"]),
                                                  r["label"], r["subject"]))


def _links(c: Context) -> list[Section]:
    """Return the element's links to and from other elements, for kinds without their own."""
    out = {(r["property"], r["value"]): r for r in c.facts
           if r["property"] not in SKIPPED and "label" in r and
           r["value"].startswith(("http://", "https://"))}
    outgoing = [Entry(r["label"], r["value"], note=r.get("propertyLabel"),
                      derived=BY_CHAIN if r.get("entailed") == "true" else None)
                for r in sorted(out.values(), key=lambda r: (r.get("propertyLabel", ""),
                                                             r["label"], r["value"]))]
    incoming = [Entry(r["label"], r["subject"], note=r.get("propertyLabel"),
                      derived=BY_CHAIN if r.get("entailed") == "true" else None)
                for r in _incoming(c) if r["property"] not in SKIPPED]
    own = [Entry(t, note=label) for local, label in (
               ("formula", "formula"), ("dataSource", "data source"), ("tagline", "tagline"),
               ("rank", "rank"), ("primaryGoal", "primary goal"), ("typicalRole", "job title"),
               ("oldLabel", "old name"), ("newLabel", "new name"), ("targetValue", "value"),
               ("score", "score"))
           for t in _values(c.facts, "fo", local)]
    return [Section("facts", "Facts", own), Section("links", "Links", _cut(outgoing)),
            Section("linked-from", "Linked from", _cut(incoming))]


def _cut(entries: list[Entry]) -> list[Entry]:
    if len(entries) <= MAX_ENTRIES:
        return entries
    return entries[:MAX_ENTRIES] + [Entry(f"… and {len(entries) - MAX_ENTRIES} more")]


def _crosswalks(c: Context) -> list[Section]:
    rows = c.catalogue("crosswalks-of-a-capability", "capability", edition=False)
    return [Section("crosswalks", "Crosswalks to other frameworks", [
        Entry(f"{r['vocabulary']}: {r.get('notation', '') + ' ' if r.get('notation') else ''}"
              f"{r['targetName']}", r["target"], note=f"{r['match']}, {_set_name(r)}")
        for r in rows], derived=CROSSWALK)]


def _set_name(row: dict[str, str]) -> str:
    return row["mappingSet"].rsplit("/", 1)[-1]


def _changes(c: Context) -> list[Section]:
    rows = c.cards("changes", element=iri(c.element))
    return [Section("changes", "Edition changes", [
        Entry(r["summary"], r["change"],
              detail=", ".join(x for x in (r.get("oldLabel"), r.get("newLabel")) if x) or None,
              note=f"{r.get('changeType', '')}, {r.get('fromLabel', '')} to "
                   f"{r.get('toLabel', '')}; confidence: {r.get('confidence', 'not stated')}",
              source=r.get("source"))
        for r in rows], derived=CHANGE)]


def _edition_names(c: Context) -> list[Section]:
    rows = c.cards("edition-names", element=iri(c.element))
    return [Section("names", "Names by edition", [
        Entry(r["name"], note=r.get("editionLabel", shorten(r["edition"])))
        for r in rows], derived=NAMES)]


_SECTIONS: dict[str, tuple[Callable[[Context], list[Section]], ...]] = {
    "capability": (_capability,),
    "persona": (_persona,),
    "kpi": (_metric,),
    "metric": (_metric,),
    "domain": (_domain,),
    "principle": (_principle,),
    "technology-category": (_category,),
}
