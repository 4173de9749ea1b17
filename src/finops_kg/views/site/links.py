"""The site's index of terms: which term has which page, in which order, and links to them."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from rdflib import RDF, RDFS, Graph, URIRef

from finops_kg.errors import OutputError
from finops_kg.graph.labels import label
from finops_kg.graph.namespace import FO
from finops_kg.views.site.layout import SECTIONS, Section, esc, relative, section_of


def slug(term: URIRef) -> str:
    """Return the last segment of an IRI, which names the term's page."""
    return str(term).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def name(graph: Graph, term: URIRef) -> str:
    """Return a term's label, or its IRI's last segment when it has none."""
    return label(graph, term, slug(term))


def statement_order(term: URIRef) -> tuple[str, int, str]:
    """Sort statements numbered in page order (…/engineering/10 after …/engineering/9)."""
    head, _, last = str(term).rpartition("/")
    return (head, int(last), "") if last.isdigit() else (head, -1, last)


def members(graph: Graph, cls: URIRef) -> set[URIRef]:
    """Return the IRIs typed with cls or one of its subclasses, as OWL 2 RL would entail."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


def number(value: object) -> str:
    """Return a decimal without trailing zeros (20.0 as 20) for display."""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:  # not a number after all: show it as the graph has it
        return str(value)


class Site:
    """One edition's graph with the page path of every term that gets a page."""

    def __init__(self, graph: Graph, edition: str,
                 crosswalks: dict[URIRef, list[dict]] | None = None) -> None:
        """Index the terms of every section and check that their page names are unique."""
        self.graph = graph
        self.edition = edition
        self.crosswalks = crosswalks or {}  # the curated SSSOM rows, by subject
        self.paths: dict[URIRef, str] = {}
        self.terms: dict[Section, list[URIRef]] = {}
        for section in SECTIONS:
            terms = self.ordered(section, members(graph, section.cls))
            seen: dict[str, URIRef] = {}
            for term in terms:
                page = slug(term)
                if page == "index" or page in seen:  # two terms would share one page
                    raise OutputError(f"{term}: page name {section.folder}/{page}.html is taken")
                seen[page] = term
                self.paths[term] = f"{section.folder}/{page}.html"
            self.terms[section] = terms

    def terms_of(self, cls: URIRef) -> list[URIRef]:
        """Return the terms of the section of a class, in reading order."""
        return self.terms[section_of(cls)]

    # -- ordering -----------------------------------------------------------------------------

    def by_label(self, terms: Iterable[URIRef]) -> list[URIRef]:
        """Return terms sorted by label, then IRI, so that output order never depends on hashing."""
        return sorted(terms, key=lambda t: (name(self.graph, t).casefold(), str(t)))

    def ordered(self, section: Section, terms: set[URIRef]) -> list[URIRef]:
        """Return a section's terms in reading order: levels by rank, phases round the cycle."""
        if section.cls == FO.MaturityLevel:
            return sorted(terms, key=lambda t: (int(self.graph.value(t, FO.rank) or 0), str(t)))
        if section.cls == FO.Phase:
            return self.cycle(self.by_label(terms))
        return self.by_label(terms)

    def cycle(self, phases: list[URIRef]) -> list[URIRef]:
        """Follow fo:nextPhase from the first phase by label; the lifecycle has no set start."""
        order: list[URIRef] = []
        current = phases[0] if phases else None
        while current in phases and current not in order:
            order.append(current)
            current = self.graph.value(current, FO.nextPhase)
        return order + [p for p in phases if p not in order]

    def personas_in_order(self, performers: Iterable[URIRef]) -> list[URIRef]:
        """Return core personas, then allied personas, then persona groups, each by label."""
        g = self.graph

        def rank(term: URIRef) -> int:
            """Order core before allied personas, and a group after both."""
            if (term, RDF.type, FO.CorePersona) in g:
                return 0
            return 1 if (term, RDF.type, FO.AlliedPersona) in g else 2

        return sorted(set(performers), key=lambda t: (rank(t), name(g, t).casefold(), str(t)))

    # -- links --------------------------------------------------------------------------------

    def link(self, here: str, term: URIRef, text: str | None = None) -> str:
        """Return a link to a term's page, or its escaped label when it has none."""
        shown = esc(text if text is not None else name(self.graph, term))
        if term in self.paths:
            return f'<a href="{relative(here, self.paths[term])}">{shown}</a>'
        return shown

    def links(self, here: str, terms: Iterable[URIRef]) -> list[str]:
        """Return links to several terms, sorted by label."""
        return [self.link(here, t) for t in self.by_label(terms)]
