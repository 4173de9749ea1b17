"""Build a static documentation site of one edition that works offline, straight from file://."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from finops_kg.errors import OutputError
from finops_kg.graph.namespace import FID, FO

ATTRIBUTION = ("adapted from the FinOps Framework by the FinOps Foundation, "
               "https://www.finops.org/framework/, CC BY 4.0; "
               "descriptions rewritten in our own words")
FRAMEWORK_URL = "https://www.finops.org/framework/"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Section:
    """One kind of term that gets a folder of pages and an index."""

    cls: URIRef
    folder: str
    title: str
    singular: str


SECTIONS: tuple[Section, ...] = (
    Section(FO.Principle, "principles", "Principles", "Principle"),
    Section(FO.Persona, "personas", "Personas", "Persona"),
    Section(FO.Phase, "phases", "Phases", "Phase"),
    Section(FO.MaturityLevel, "maturity-levels", "Maturity levels", "Maturity level"),
    Section(FO.Domain, "domains", "Domains", "Domain"),
    Section(FO.Capability, "capabilities", "Capabilities", "Capability"),
    Section(FO.KPI, "kpis", "KPIs", "KPI"),
    Section(FO.TechnologyCategory, "technology-categories", "Technology categories",
            "Technology category"),
    Section(FO.EditionChange, "edition-changes", "Edition changes", "Edition change"),
)

# Titles for the extra pages the lead is known to pass; any other name is listed as it is.
EXTRA_TITLES = {"explorer.html": "Interactive explorer",
                "matrix.svg": "Capability and persona matrix (image)"}

# The graph names QUDT units without describing them; these are the units the data uses.
UNIT_LABELS = {"PERCENT": ("%", "%"), "MO": ("month", "months"), "PER-DAY": ("per day", "per day")}

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f23;background:#fff}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
header{border-bottom:1px solid #d0d7de;padding-top:.5rem;padding-bottom:.5rem}
header a{margin-right:.8rem}
a{color:#0550ae}
h1{font-size:1.7rem;margin-bottom:.2rem}
.kind{color:#57606a;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
pre.formula{white-space:pre-wrap;background:#f6f8fa;padding:.4rem;margin:0;font-size:.9rem}
.note{color:#57606a;font-size:.9rem}
.gap{border-left:4px solid #bf8700;padding-left:.6rem}
.deprecated{border-left:4px solid #cf222e;padding-left:.6rem}
ul.targets{margin:0;padding-left:1rem}
table.change th,table.activities tbody th{width:14rem}
footer{border-top:1px solid #d0d7de;margin-top:2rem;padding-top:.5rem;padding-bottom:1rem;
color:#57606a;font-size:.9rem}
"""


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

def build_site(out_dir: Path, edition: str = "2026",
               extra_pages: dict[str, bytes] | None = None) -> list[Path]:
    """Write the documentation site of one edition into out_dir and return the files written."""
    from finops_kg.graph.serialize import write_atomic
    from finops_kg.release.dataset import load
    from finops_kg.graph.load import load_ontology
    from finops_kg.mapping.sssom import curated_rows_by_subject

    extras = dict(sorted((extra_pages or {}).items()))
    _check_extra_names(extras)  # before any work, so a bad name costs nothing
    # The sets are curated against the newest edition; a term of an older one keeps its IRI.
    site = Site(load(edition), edition, curated_rows_by_subject())
    files = site.render(extras)
    files["ontology.html"] = ontology_page(load_ontology()).encode("utf-8")
    files.update(extras)
    out_dir = Path(out_dir)
    return [write_atomic(out_dir / name, data) for name, data in sorted(files.items())]


def _check_extra_names(extras: dict[str, bytes]) -> None:
    """Refuse extra pages that are not plain top-level file names or clash with the site's own."""
    reserved = {"index.html", "ontology.html"} | {section.folder for section in SECTIONS}
    for name in extras:
        if (not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or name in reserved):
            raise OutputError(f"extra page {name!r}: give a plain file name that the site "
                              f"does not use itself")
        if not isinstance(extras[name], bytes):
            raise OutputError(f"extra page {name!r}: the content must be bytes")


# ---------------------------------------------------------------------------
# HTML helpers
# ---------------------------------------------------------------------------

def esc(value: object) -> str:
    """Return text escaped for HTML content and attribute values."""
    return html.escape(str(value), quote=True)


def relative(here: str, target: str) -> str:
    """Return the relative URL from the site file here to the site file target."""
    path = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return quote(path, safe="/#.-_~")


def external(url: object, text: object | None = None) -> str:
    """Return a link to a page outside the site."""
    return f'<a href="{esc(url)}">{esc(url if text is None else text)}</a>'


def items(values: Iterable[str], tag: str = "ul", attrs: str = "") -> str:
    """Return already-built HTML fragments as a list, or nothing for no fragments."""
    values = list(values)
    if not values:
        return ""
    body = "".join(f"<li>{value}</li>" for value in values)
    return f"<{tag}{attrs}>{body}</{tag}>"


def section_html(anchor: str, title: str, body: str) -> str:
    """Return a titled section, or nothing when it has no content."""
    if not body:
        return ""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def table_html(headers: Iterable[str], rows: Iterable[str], attrs: str = "") -> str:
    """Return a table with one column heading per header over already-built rows, or nothing."""
    body = "".join(rows)
    if not body:
        return ""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page_html(here: str, title: str, body: str, alternates: tuple[str, str] | None = None) -> str:
    """Return a whole page: head with the inline stylesheet, navigation, body and attribution."""
    head_links = ""
    if alternates:
        turtle, jsonld = alternates
        head_links = (f'<link rel="alternate" type="text/turtle" href="{esc(turtle)}">'
                      f'<link rel="alternate" type="application/ld+json" href="{esc(jsonld)}">')
    nav = [f'<a href="{relative(here, "index.html")}">Home</a>']
    nav += [f'<a href="{relative(here, s.folder + "/index.html")}">{esc(s.title)}</a>'
            for s in SECTIONS]
    nav.append(f'<a href="{relative(here, "ontology.html")}">Ontology</a>')
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)} · finops-kg</title>{head_links}<style>{STYLE}</style></head>"
            f'<body><header><nav>{" ".join(nav)}</nav></header>'
            f"<main>{body}</main>{footer_html()}</body></html>\n")


def footer_html() -> str:
    """Return the CC BY 4.0 attribution that every page carries."""
    return ('<footer class="attribution"><p>Content adapted from the FinOps Framework by the '
            f'FinOps Foundation, {external(FRAMEWORK_URL)}, '
            f'<a href="{LICENCE_URL}" rel="license">CC BY 4.0</a>; descriptions rewritten in '
            "our own words. Built by finops-kg.</p></footer>")


# ---------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------

def slug(term: URIRef) -> str:
    """Return the last segment of an IRI, which names the term's page."""
    return str(term).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _english(value: object) -> bool:
    """Tell whether a value is an English or untagged literal."""
    return isinstance(value, Literal) and value.language in (None, "en")


def texts(graph: Graph, term: URIRef, prop: URIRef) -> list[str]:
    """Return the English or untagged literal values of a property, sorted."""
    return sorted(str(v) for v in graph.objects(term, prop) if _english(v))


def label(graph: Graph, term: URIRef) -> str:
    """Return a term's preferred label, its rdfs:label, or its IRI's last segment."""
    for prop in (SKOS.prefLabel, RDFS.label):
        values = texts(graph, term, prop)
        if values:
            return values[0]
    return slug(term)


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


# ---------------------------------------------------------------------------
# The site
# ---------------------------------------------------------------------------

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
                name = slug(term)
                if name == "index" or name in seen:  # two terms would share one page
                    raise OutputError(f"{term}: page name {section.folder}/{name}.html is taken")
                seen[name] = term
                self.paths[term] = f"{section.folder}/{name}.html"
            self.terms[section] = terms

    # -- ordering -----------------------------------------------------------------------------

    def by_label(self, terms: Iterable[URIRef]) -> list[URIRef]:
        """Return terms sorted by label, then IRI, so that output order never depends on hashing."""
        return sorted(terms, key=lambda t: (label(self.graph, t).casefold(), str(t)))

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

        return sorted(set(performers), key=lambda t: (rank(t), label(g, t).casefold(), str(t)))

    # -- links --------------------------------------------------------------------------------

    def link(self, here: str, term: URIRef, text: str | None = None) -> str:
        """Return a link to a term's page, or its escaped label when it has none."""
        shown = esc(text if text is not None else label(self.graph, term))
        if term in self.paths:
            return f'<a href="{relative(here, self.paths[term])}">{shown}</a>'
        return shown

    def links(self, here: str, terms: Iterable[URIRef]) -> list[str]:
        """Return links to several terms, sorted by label."""
        return [self.link(here, t) for t in self.by_label(terms)]

    # -- rendering ----------------------------------------------------------------------------

    def render(self, extras: dict[str, bytes]) -> dict[str, bytes]:
        """Return every page and per-term RDF file of the site, by path inside the site."""
        from finops_kg.graph.serialize import serialize

        files: dict[str, bytes] = {"index.html": self.home(extras).encode("utf-8")}
        for section, terms in self.terms.items():
            index = f"{section.folder}/index.html"
            files[index] = self.index(section, index).encode("utf-8")
            for term in terms:
                path = self.paths[term]
                stem = path[:-len(".html")]
                own = self.own_triples(term)
                files[f"{stem}.ttl"] = serialize(own, "turtle")
                files[f"{stem}.jsonld"] = stable_single_node(serialize(own, "jsonld"))
                files[path] = self.term_page(section, term, path).encode("utf-8")
        return files

    def own_triples(self, term: URIRef) -> Graph:
        """Return the asserted triples that have the term as subject."""
        from finops_kg.graph.load import new_graph

        own = new_graph()
        for p, o in self.graph.predicate_objects(term):
            own.add((term, p, o))
        return own

    def home(self, extras: dict[str, bytes]) -> str:
        """Return the home page, which links every section, the ontology and the extra pages."""
        intro = texts(self.graph, FID[f"dataset/{self.edition}"], SKOS.definition)
        rows = [f'<a href="{esc(s.folder)}/index.html">{esc(s.title)}</a> '
                f"({len(self.terms[s])})" for s in SECTIONS]
        rows.append('<a href="ontology.html">Ontology reference</a> (classes and properties)')
        extra_rows = [f'<a href="{quote(name)}">{esc(EXTRA_TITLES.get(name, name))}</a>'
                      for name in extras]
        body = (f"<h1>finops-kg: FinOps Framework {esc(self.edition)}</h1>"
                + "".join(f"<p>{esc(t)}</p>" for t in intro)
                + section_html("sections", "Sections", items(rows))
                + section_html("more", "More", items(extra_rows)))
        return page_html("index.html", f"FinOps Framework {self.edition}", body)

    def index(self, section: Section, here: str) -> str:
        """Return the index page of one section: each term with its definition."""
        if section.cls == FO.Capability:
            body = self.capability_index(here)
        elif section.cls == FO.Persona:
            body = self.persona_index(here)
        else:
            body = self.term_table(here, self.terms[section])
        return page_html(here, section.title, f"<h1>{esc(section.title)}</h1>{body}")

    def term_table(self, here: str, terms: list[URIRef]) -> str:
        """Return a table of terms, linked, with their definitions."""
        rows = "".join(
            f'<tr><th scope="row">{self.link(here, t)}</th>'
            f'<td>{" ".join(esc(d) for d in texts(self.graph, t, SKOS.definition))}</td></tr>'
            for t in terms)
        return table_html(("Name", "Definition"), rows) or "<p>None in this edition.</p>"

    def capability_index(self, here: str) -> str:
        """Return the capabilities grouped by domain, as the Framework presents them."""
        g = self.graph
        capabilities = self.terms[_section(FO.Capability)]
        parts = []
        for domain in self.terms[_section(FO.Domain)]:
            in_domain = [c for c in capabilities if (c, FO.inDomain, domain) in g]
            parts.append(section_html(f"domain-{slug(domain)}", label(g, domain),
                                      self.term_table(here, in_domain)))
        homeless = [c for c in capabilities if g.value(c, FO.inDomain) is None]
        parts.append(section_html("no-domain", "Not in a domain (withdrawn)",
                                  self.term_table(here, homeless) if homeless else ""))
        return "".join(parts)

    def persona_index(self, here: str) -> str:
        """Return the personas in two groups, core and allied."""
        g = self.graph
        personas = self.terms[_section(FO.Persona)]
        core = [p for p in personas if (p, RDF.type, FO.CorePersona) in g]
        allied = [p for p in personas if p not in core]
        return (section_html("core-personas", "Core personas", self.term_table(here, core))
                + section_html("allied-personas", "Allied personas",
                               self.term_table(here, allied)))

    # -- term pages ---------------------------------------------------------------------------

    def term_page(self, section: Section, term: URIRef, here: str) -> str:
        """Return the page of one term: the common parts around its section's own content."""
        g = self.graph
        title = label(g, term)
        specific = {
            FO.Principle: self.principle_body, FO.Persona: self.persona_body,
            FO.Phase: self.phase_body, FO.MaturityLevel: self.level_body,
            FO.Domain: self.domain_body, FO.Capability: self.capability_body,
            FO.KPI: self.kpi_body, FO.TechnologyCategory: self.category_body,
            FO.EditionChange: self.change_body,
        }[section.cls](term, here)
        stem = slug(term)
        body = (f"<h1>{esc(title)}</h1>"
                f'<p class="kind">{self.kind(section, term, here)}</p>'
                + self.deprecation(term, here)
                + "".join(f'<p class="definition">{esc(d)}</p>'
                          for d in texts(g, term, SKOS.definition))
                + specific
                + self.common_tail(term, here, stem))
        return page_html(here, title, body, (f"{quote(stem)}.ttl", f"{quote(stem)}.jsonld"))

    def kind(self, section: Section, term: URIRef, here: str) -> str:
        """Return the line under the title: the kind of term and, for a capability, its domain."""
        g = self.graph
        kind = esc(section.singular)
        if section.cls == FO.Persona:
            core = (term, RDF.type, FO.CorePersona) in g
            kind = "Core persona" if core else "Allied persona"
        domain = g.value(term, FO.inDomain)
        if domain is not None:
            kind += f" in the domain {self.link(here, domain)}"
        return kind

    def deprecation(self, term: URIRef, here: str) -> str:
        """Return a notice for a withdrawn term, naming what replaced it."""
        if (term, OWL.deprecated, Literal(True)) not in self.graph:
            return ""
        successors = self.links(here, self.graph.objects(term, DCTERMS.isReplacedBy))
        replaced = f" It was replaced by {', '.join(successors)}." if successors else ""
        return f'<p class="deprecated">Withdrawn from the Framework.{replaced}</p>'

    def common_tail(self, term: URIRef, here: str, stem: str) -> str:
        """Return what every term page ends with: names, changes, gaps, notes, sources, RDF."""
        g = self.graph
        former = section_html("names", "Former and other names", items(
            esc(n) for n in texts(g, term, SKOS.altLabel)))
        changes = section_html("changes", "Edition changes", items(
            self.links(here, g.subjects(FO.changeSubject, term))))
        gaps = "".join(f'<p class="gap">{esc(t)}</p>' for t in texts(g, term, FO.contentGap))
        notes = section_html("notes", "Editorial notes", items(
            esc(n) for n in texts(g, term, SKOS.editorialNote)))
        sources = [f"finops.org source: {external(s)}"
                   for s in sorted(g.objects(term, DCTERMS.source))]
        sources += [f"Permalink: {external(p)}" for p in sorted(g.objects(term, FO.permalink))]
        sources.append(f"IRI: <code>{esc(term)}</code>")
        sources.append(f'RDF: <a href="{quote(stem)}.ttl">Turtle</a>, '
                       f'<a href="{quote(stem)}.jsonld">JSON-LD</a>')
        return (self.names_by_edition(term) + former + changes
                + section_html("gaps", "Content gaps", gaps) + notes
                + section_html("source", "Source", items(sources)))

    def names_by_edition(self, term: URIRef) -> str:
        """Return the table of names the term carried in each edition, when the graph has one."""
        g = self.graph
        records = []
        for record in g.objects(term, FO.nameInEdition):
            edition = g.value(record, FO.edition)
            records.append((label(g, edition) if edition is not None else "",
                            ", ".join(texts(g, record, FO.name))))
        rows = "".join(f'<tr><th scope="row">{esc(e)}</th><td>{esc(n)}</td></tr>'
                       for e, n in sorted(records))
        return section_html("edition-names", "Names by edition",
                            table_html(("Edition", "Name"), rows))

    def principle_body(self, term: URIRef, here: str) -> str:
        """Return what a principle page adds: the domains and capabilities that support it."""
        supporters = list(self.graph.subjects(FO.supportsPrinciple, term))
        return section_html("supported-by", "Supported by", items(self.links(here, supporters)))

    def persona_body(self, term: URIRef, here: str) -> str:
        """Return what a persona page adds: goal, roles and activities per capability."""
        g = self.graph
        goal = "".join(f"<p>{esc(t)}</p>" for t in texts(g, term, FO.primaryGoal))
        roles = items(esc(r) for r in texts(g, term, FO.typicalRole))
        groups = list(g.subjects(FO.hasMember, term))
        own = list(g.subjects(FO.performedBy, term))
        shared = [a for group in groups for a in g.subjects(FO.addressedTo, group)]
        return (section_html("goal", "Primary goal", goal)
                + section_html("roles", "Typical roles", roles)
                + section_html("activities", "Activities", self.activities_by_capability(here, own))
                + section_html("group-activities", "Activities addressed to all allied personas",
                               self.activities_by_capability(here, shared)))

    def activities_by_capability(self, here: str, activities: list[URIRef]) -> str:
        """Return a table of activities grouped by the capability they belong to."""
        g = self.graph
        by_capability: dict[URIRef, list[URIRef]] = {}
        for activity in activities:
            by_capability.setdefault(g.value(activity, FO.activityOf), []).append(activity)
        rows = "".join(
            f'<tr><th scope="row">{self.link(here, c)}</th><td>'
            + items((esc(label(g, a)) for a in sorted(by_capability[c], key=statement_order)),
                    "ol")
            + "</td></tr>"
            for c in self.by_label(c for c in by_capability if c is not None))
        return table_html(("Capability", "Activities"), rows)

    def phase_body(self, term: URIRef, here: str) -> str:
        """Return what a phase page adds: its tagline and its neighbours in the cycle."""
        g = self.graph
        tagline = "".join(f"<p><em>{esc(t)}</em></p>" for t in texts(g, term, FO.tagline))
        around = [f"Next phase: {self.link(here, n)}" for n in g.objects(term, FO.nextPhase)]
        around += [f"Previous phase: {self.link(here, p)}" for p in g.subjects(FO.nextPhase, term)]
        return tagline + section_html("cycle", "Cycle", items(sorted(around)))

    def level_body(self, term: URIRef, here: str) -> str:
        """Return what a maturity level page adds: rank, neighbours, targets, characteristics."""
        g = self.graph
        facts = [f"Rank: {esc(v)}" for v in g.objects(term, FO.rank)]
        facts += [f"Next level: {self.link(here, n)}" for n in g.objects(term, FO.nextLevel)]
        facts += [f"Previous level: {self.link(here, p)}" for p in g.subjects(FO.nextLevel, term)]
        targets = [t for t in g.subjects(FO.atLevel, term) if (t, RDF.type, FO.MaturityTarget) in g
                   and g.value(t, FO.characterises) is None]  # the maturity page's sample goals
        return (items(facts)
                + section_html("targets", "Framework-wide targets",
                               self.targets_list(here, targets))
                + section_html("characteristics", "Characteristics per capability",
                               self.characteristic_counts(term, here)))

    def characteristic_counts(self, level: URIRef, here: str) -> str:
        """Return how many characteristics each capability states at one level, linked."""
        g = self.graph
        counts: dict[URIRef, int] = {}
        for statement in g.subjects(FO.atLevel, level):
            capability = g.value(statement, FO.characterises)
            if capability is not None and (statement, RDF.type, FO.MaturityCharacteristic) in g:
                counts[capability] = counts.get(capability, 0) + 1
        rows = []
        for capability in self.by_label(counts):
            count = str(counts[capability])
            if capability in self.paths:  # the number leads to the capability's maturity table
                count = f'<a href="{relative(here, self.paths[capability])}#maturity">{count}</a>'
            rows.append(f'<tr><th scope="row">{self.link(here, capability)}</th>'
                        f"<td>{count}</td></tr>")
        return table_html(("Capability", "Characteristics"), rows)

    def domain_body(self, term: URIRef, here: str) -> str:
        """Return what a domain page adds: its capabilities and the principles it supports."""
        g = self.graph
        return (section_html("capabilities", "Capabilities",
                             items(self.links(here, g.subjects(FO.inDomain, term))))
                + section_html("principles", "Supports the principles",
                               items(self.links(here, g.objects(term, FO.supportsPrinciple)))))

    def kpi_body(self, term: URIRef, here: str) -> str:
        """Return what a KPI page adds: formula, data sources, capabilities and categories."""
        g = self.graph
        targets = list(g.subjects(FO.metric, term))
        return (section_html("formula", "Formula", self.formulas(term))
                + section_html("data-sources", "Data sources",
                               items(esc(s) for s in texts(g, term, FO.dataSource)))
                + section_html("capabilities", "Measures the capabilities",
                               items(self.links(here, g.objects(term, FO.measures))))
                + section_html("categories", "Technology categories",
                               items(self.links(here, g.objects(term, FO.targetsCategory))))
                + section_html("targets", "Maturity targets", self.targets_list(here, targets))
                + section_html("crosswalks", "Crosswalks", self.crosswalk_table(term)))

    def formulas(self, kpi: URIRef) -> str:
        """Return a KPI's formulas exactly as published, line breaks kept."""
        return "".join(f'<pre class="formula">{esc(f)}</pre>'
                       for f in texts(self.graph, kpi, FO.formula))

    def category_body(self, term: URIRef, here: str) -> str:
        """Return what a technology category page adds: the KPIs aimed at it."""
        kpis = self.graph.subjects(FO.targetsCategory, term)
        return section_html("kpis", "KPIs", items(self.links(here, kpis)))

    def change_body(self, term: URIRef, here: str) -> str:
        """Return what an edition change page adds: what changed, how, and how sure we are."""
        g = self.graph
        rows = []

        def row(name: str, values: list[str]) -> None:
            """Add a row of the change table when it has a value."""
            if values:
                rows.append(f'<tr><th scope="row">{esc(name)}</th>'
                            f'<td>{", ".join(values)}</td></tr>')

        row("Change", [esc(label(g, t)) for t in g.objects(term, FO.changeType)])
        row("Subject", self.links(here, g.objects(term, FO.changeSubject)))
        row("Old name", [esc(t) for t in texts(g, term, FO.oldLabel)])
        row("New name", [esc(t) for t in texts(g, term, FO.newLabel)])
        row("Target", self.links(here, g.objects(term, FO.changeTarget)))
        row("From edition", [esc(label(g, e)) for e in g.objects(term, FO.fromEdition)])
        row("To edition", [esc(label(g, e)) for e in g.objects(term, FO.toEdition)])
        row("Confidence", [esc(label(g, c)) for c in sorted(g.objects(term, FO.confidence))])
        return f'<table class="change"><tbody>{"".join(rows)}</tbody></table>'

    # -- the capability page ------------------------------------------------------------------

    def capability_body(self, term: URIRef, here: str) -> str:
        """Return a capability's areas, activities, maturity, measures, KPIs and links."""
        g = self.graph
        principles = items(self.links(here, g.objects(term, FO.supportsPrinciple)))
        return (self.areas(term)
                + section_html("activities", "Functional activities by persona",
                               self.activity_table(term, here))
                + section_html("maturity", "Maturity: Crawl, Walk, Run",
                               self.maturity_table(term, here))
                + section_html("measures", "Measures of success", self.measures(term))
                + section_html("kpis", "KPIs", self.kpi_table(term, here))
                + section_html("inputs", "Inputs from", items(
                    self.links(here, g.subjects(FO.providesInputTo, term))))
                + section_html("outputs", "Outputs to", items(
                    self.links(here, g.objects(term, FO.providesInputTo))))
                + section_html("principles", "Supports the principles", principles)
                + section_html("crosswalks", "Crosswalks", self.crosswalk_table(term)))

    def areas(self, term: URIRef) -> str:
        """Return the capability's areas, each with its definition."""
        g = self.graph
        areas = self.by_label(g.subjects(FO.areaOf, term))
        entries = [f"<strong>{esc(label(g, a))}</strong>: "
                   + " ".join(esc(d) for d in texts(g, a, SKOS.definition)) for a in areas]
        return section_html("areas", "Capability areas", items(entries))

    def activity_table(self, term: URIRef, here: str) -> str:
        """Return one row per persona, or the allied group, with its activities in page order."""
        g = self.graph
        by_performer: dict[URIRef, list[URIRef]] = {}
        for activity in g.subjects(FO.activityOf, term):
            # An activity is performed by one persona or addressed to the allied group as a whole.
            for prop in (FO.performedBy, FO.addressedTo):
                for performer in g.objects(activity, prop):
                    by_performer.setdefault(performer, []).append(activity)
        rows = []
        for performer in self.personas_in_order(by_performer):
            activities = sorted(by_performer[performer], key=statement_order)
            rows.append(f'<tr data-persona="{esc(slug(performer))}"><th scope="row">'
                        f"{self.performer_link(performer, here)}</th><td>"
                        + items((esc(label(g, a)) for a in activities), "ol")
                        + "</td></tr>")
        return table_html(("Persona", "Activities"), rows,
                          ' id="activity-table" class="activities"')

    def performer_link(self, performer: URIRef, here: str) -> str:
        """Link a persona to its page and the allied group to the allied personas' list."""
        if performer in self.paths:
            return self.link(here, performer)
        g = self.graph
        names = ", ".join(label(g, m) for m in self.by_label(g.objects(performer, FO.hasMember)))
        target = relative(here, "personas/index.html") + "#allied-personas"
        return f'<a href="{target}" title="{esc(names)}">{esc(label(g, performer))}</a>'

    def levels(self) -> list[URIRef]:
        """Return the maturity levels by rank."""
        return self.terms[_section(FO.MaturityLevel)]

    def maturity_table(self, term: URIRef, here: str) -> str:
        """Return the Crawl/Walk/Run table: characteristics and numeric targets per level."""
        g = self.graph
        levels = self.levels()
        described = list(g.subjects(FO.characterises, term))
        statements = [c for c in described if (c, RDF.type, FO.MaturityCharacteristic) in g]
        targets = [t for t in described if (t, RDF.type, FO.MaturityTarget) in g]
        if not statements and not targets:
            return ""
        head = "".join(f'<th scope="col">{self.link(here, level)}</th>' for level in levels)
        rows = self.level_row("characteristics", "Characteristics", [
            items(esc(label(g, c)) for c in sorted(self.at(statements, level), key=statement_order))
            for level in levels])
        levelled = [t for t in targets if g.value(t, FO.atLevel) is not None]
        if levelled:
            rows += self.level_row("targets", "Targets", [
                self.targets_list(here, self.at(levelled, level)) for level in levels])
        everywhere = [t for t in targets if g.value(t, FO.atLevel) is None]
        if everywhere:  # a target that holds whatever the level, such as a daily data refresh
            rows += ('<tr class="targets all-levels"><th scope="row">At every level</th>'
                     f'<td colspan="{len(levels)}">{self.targets_list(here, everywhere)}</td></tr>')
        return ('<table id="maturity-table" class="maturity"><thead><tr><td></td>'
                f"{head}</tr></thead><tbody>{rows}</tbody></table>")

    def at(self, statements: list[URIRef], level: URIRef) -> list[URIRef]:
        """Return the statements or targets that are at one maturity level."""
        return [s for s in statements if (s, FO.atLevel, level) in self.graph]

    @staticmethod
    def level_row(css_class: str, title: str, cells: list[str]) -> str:
        """Return one row of the maturity table: a heading and one cell per level."""
        body = "".join(f"<td>{cell}</td>" for cell in cells)
        return f'<tr class="{css_class}"><th scope="row">{esc(title)}</th>{body}</tr>'

    def targets_list(self, here: str, targets: list[URIRef]) -> str:
        """Return numeric targets as 'metric comparator value unit', sorted by text."""
        rendered = sorted((self.target(here, t) for t in targets),
                          key=lambda markup: (re.sub("<[^>]+>", "", markup), markup))
        return items(rendered, "ul", ' class="targets"')

    def target(self, here: str, target: URIRef) -> str:
        """Return one target, such as 'Budget to actual spend variance <= 20 %'."""
        g = self.graph
        metric = g.value(target, FO.metric)
        comparator = g.value(target, FO.comparator)
        value = g.value(target, FO.targetValue)
        unit = g.value(target, FO.unit)
        notation = g.value(comparator, SKOS.notation) if comparator is not None else None
        parts = [self.link(here, metric) if metric is not None else ""]
        if comparator is not None:
            name = label(g, comparator)
            shown = esc(notation if notation is not None else name)
            parts.append(f'<span class="comparator" title="{esc(name)}">{shown}</span>')
        if value is not None:
            parts.append(f'<span class="value">{esc(number(value))}</span>')
        if unit is not None:
            shown = esc(self.unit(unit, value))
            parts.append(f'<span class="unit" title="{esc(unit)}">{shown}</span>')
        return f'<span class="target" title="{esc(label(g, target))}">{" ".join(parts)}</span>'

    @staticmethod
    def unit(unit: URIRef, value: object) -> str:
        """Return a unit's display name, singular for a value of one."""
        singular, plural = UNIT_LABELS.get(slug(unit), (slug(unit), slug(unit)))
        return singular if number(value) == "1" else plural

    def measures(self, term: URIRef) -> str:
        """Return the capability's measures of success in page order, with their notes."""
        g = self.graph
        entries = []
        for measure in sorted(g.subjects(FO.successMeasureOf, term), key=statement_order):
            notes = "".join(f'<br><span class="note">{esc(n)}</span>'
                            for n in texts(g, measure, SKOS.editorialNote))
            entries.append(esc(label(g, measure)) + notes)
        return items(entries, "ol")

    def crosswalk_table(self, term: URIRef) -> str:
        """Return the curated mappings of a term to other frameworks, with match and reason."""
        rows = []
        for row in sorted(self.crosswalks.get(term, []), key=lambda r: (
                r["mapping_set"], r["object_id"], r.get("predicate_modifier", ""))):
            match = row["predicate_id"].rpartition(":")[2]
            if row.get("predicate_modifier", "").strip() == "Not":
                match = f"not {match}"
            target = esc(row["object_id"]) + (f" {esc(row['object_label'])}"
                                              if row.get("object_label") else "")
            rows.append(f'<tr><td>{esc(row["mapping_set"])}</td><th scope="row">{target}</th>'
                        f'<td>{esc(match)}</td><td>{esc(row.get("confidence", ""))}</td>'
                        f'<td>{esc(row.get("comment", ""))}</td></tr>')
        return table_html(("Mapping set", "Term", "Match", "Confidence", "Why"), rows,
                          ' id="crosswalk-table"')

    def kpi_table(self, term: URIRef, here: str) -> str:
        """Return the KPIs that measure the capability, with their formulas as published."""
        g = self.graph
        rows = []
        for kpi in self.by_label(g.subjects(FO.measures, term)):
            formulas = self.formulas(kpi) or '<span class="note">No formula published.</span>'
            rows.append(f'<tr><th scope="row">{self.link(here, kpi)}</th><td>{formulas}</td></tr>')
        return table_html(("KPI", "Formula"), rows, ' id="kpi-table"')


def stable_single_node(document: bytes) -> bytes:
    """Sort the values of a JSON-LD document that holds one node, as export does for @graph."""
    import json

    # rdflib writes a one-subject graph as a bare node, without @graph, and export's sorting
    # only looks inside @graph; its values would otherwise keep the store's hash order.
    data = json.loads(document)
    if "@graph" in data:
        return document
    for value in data.values():
        if isinstance(value, list):
            value.sort(key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _section(cls: URIRef) -> Section:
    """Return the section of a class."""
    return next(s for s in SECTIONS if s.cls == cls)


# ---------------------------------------------------------------------------
# The ontology reference page
# ---------------------------------------------------------------------------

def ontology_page(ontology: Graph) -> str:
    """Return ontology.html: pyLODE's reference page, or our own if pyLODE is not installed."""
    try:
        pylode_html = _pylode_html(ontology)
    except ImportError:
        # pyLODE is not a dependency of finops-kg; without it the page lists the same classes
        # and properties with their labels and definitions.
        return fallback_ontology_html(ontology)
    return _with_site_frame(pylode_html)


def _pylode_html(ontology: Graph) -> str:
    """Return pyLODE's HTML for the ontology, made deterministic."""
    OntPub = _import_pylode()
    return unique_ids(OntPub(ontology=_pylode_input(ontology)).make_html())


def _import_pylode() -> type:
    """Import pyLODE's OntPub, working round two defects of pyLODE 3.4.1."""
    import importlib
    import logging
    import sys
    import types

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        try:
            pylode = importlib.import_module("pylode")
        except FileNotFoundError:
            # pyLODE 3.4.1's version.py reads a pyproject.toml that its wheel does not ship
            # (RDFLib/pyLODE#256, #260); a stand-in module lets the rest of it import.
            stub = types.ModuleType("pylode.version")
            stub.__version__ = "3.4.1"
            sys.modules["pylode.version"] = stub
            pylode = importlib.import_module("pylode")
    finally:
        # Importing pyLODE calls logging.basicConfig(level=DEBUG), which would make every
        # library in the caller's process log at debug level to stderr.
        root.handlers[:] = handlers
        root.setLevel(level)
    utils = importlib.import_module("pylode.utils")
    # pyLODE joins the members of an owl:unionOf from a set of HTML elements, whose order
    # follows their memory addresses; sorting them by their markup makes the page repeatable.
    utils.intersperse = _sorted_intersperse
    return pylode.OntPub


def _sorted_intersperse(values: Iterable, separator: object) -> list:
    """pyLODE's intersperse, with the values sorted by their markup."""
    ordered = sorted(values, key=str)
    result = [separator] * (len(ordered) * 2 - 1) if ordered else []
    result[0::2] = ordered
    return result


def _pylode_input(ontology: Graph) -> Graph:
    """Return the ontology as one owl:Ontology in a store that iterates in insertion order."""
    from finops_kg.graph.serialize import canonical
    from finops_kg.graph.namespace import ONTOLOGY_IRI

    # pyLODE documents one ontology: the alignments' own header would compete for the title,
    # so only their axioms are kept.
    headers = {s for s in ontology.subjects(RDF.type, OWL.Ontology) if str(s) != ONTOLOGY_IRI}
    fixed = canonical(ontology)  # blank nodes get content-derived names
    # rdflib's default store iterates in hash order, which changes between processes; the
    # SimpleMemory store keeps insertion order, so sorted insertion gives a repeatable page.
    result = Graph(store="SimpleMemory", bind_namespaces="none")
    for prefix, namespace in ontology.namespaces():
        result.bind(prefix, namespace, override=True)
    for triple in sorted(fixed, key=lambda t: tuple(n.n3() for n in t)):
        if triple[0] not in headers:
            result.add(triple)
    return result


class _StartTags(HTMLParser):
    """The start tags of a document: offset, name, attributes and source text of each."""

    def __init__(self, document: str) -> None:
        """Read the whole document."""
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str, dict[str, str | None], str]] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", document)]
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record a start tag where it begins in the document."""
        line, column = self.getpos()
        self.tags.append((self._line_starts[line - 1] + column, tag, dict(attrs),
                          self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def _set_attribute(tag: str, name: str, value: str) -> str:
    """Return a start tag's source with one attribute's value replaced."""
    return re.sub(rf"(\s{name}\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>]+)",
                  lambda m: f'{m.group(1)}"{esc(value)}"', tag, count=1)


def unique_ids(document: str) -> str:
    """Rename the repeated ids of a pyLODE page, pointing its table of contents at the new ones."""
    # pyLODE 3.4.1 documents a functional property twice, under its own kind and again under
    # Functional Properties, both times with the property's name as id. A repeat becomes
    # "<block>-<id>", the block being the enclosing section; other links keep reaching the
    # first entry, which describes the same property.
    tags = _StartTags(document).tags
    taken = {str(attrs["id"]) for _, _, attrs, _ in tags if attrs.get("id")}
    seen: set[str] = set()
    renamed: dict[tuple[str, str], str] = {}
    edits: list[tuple[int, str, str]] = []
    block = ""
    for offset, tag, attrs, text in tags:
        ident = attrs.get("id")
        if not ident:
            continue
        if tag == "div" and attrs.get("class") in (None, "section"):
            block = ident
        if ident not in seen:
            seen.add(ident)
            continue
        new, n = f"{block}-{ident}", 2
        while new in taken:
            new, n = f"{block}-{ident}-{n}", n + 1
        taken.add(new)
        renamed[(block, ident)] = new
        edits.append((offset, text, _set_attribute(text, "id", new)))
    heading, previous = "", ""
    for offset, tag, attrs, text in tags:
        target = attrs.get("href") or ""
        if tag == "a" and target.startswith("#"):
            if previous == "h4":  # a contents heading: the links under it are to its section
                heading = target[1:]
            elif (heading, target[1:]) in renamed:
                edits.append((offset, text,
                              _set_attribute(text, "href", "#" + renamed[heading, target[1:]])))
        previous = tag
    parts, end = [], 0
    for offset, old, new in sorted(edits):
        parts += [document[end:offset], new]
        end = offset + len(old)
    return "".join(parts) + document[end:]


def _with_site_frame(document: str) -> str:
    """Add the site's navigation and attribution to a page that another tool generated."""
    nav = ('<nav style="font:16px system-ui,sans-serif;padding:.5rem 1rem">'
           '<a href="index.html">Home</a></nav>')
    frame_style = ("<style>footer.attribution{font:14px/1.5 system-ui,sans-serif;color:#57606a;"
                   "max-width:72rem;margin:2rem auto;padding:.5rem 1rem;"
                   "border-top:1px solid #d0d7de}</style>")
    # The site is in English; pyLODE's <html> says nothing of its language.
    document = re.sub(r"<html(?![^>]*\slang\s*=)", '<html lang="en"', document, count=1)
    document = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, document, count=1)
    head_end = document.rfind("</head>")
    if head_end >= 0:
        document = document[:head_end] + frame_style + document[head_end:]
    body_end = document.rfind("</body>")
    if body_end < 0:
        return document + footer_html()
    return document[:body_end] + footer_html() + document[body_end:]


def fallback_ontology_html(ontology: Graph) -> str:
    """Return a reference page of the fo: classes and properties without pyLODE."""
    from finops_kg.graph.namespace import ONTOLOGY_IRI

    iri = URIRef(ONTOLOGY_IRI)
    intro = "".join(f"<p>{esc(t)}</p>" for t in texts(ontology, iri, DCTERMS.description))
    kinds = (("classes", "Classes", (OWL.Class,)),
             ("object-properties", "Object properties", (OWL.ObjectProperty,)),
             ("datatype-properties", "Datatype properties", (OWL.DatatypeProperty,)),
             ("annotation-properties", "Annotation properties", (OWL.AnnotationProperty,)))
    parts = []
    for anchor, title, types in kinds:
        terms = sorted({t for k in types for t in ontology.subjects(RDF.type, k)
                        if isinstance(t, URIRef) and str(t).startswith(str(FO))}, key=str)
        table = table_html(("Term", "Label", "Definition", "Domain, range, superclass"),
                           (_fallback_row(ontology, t) for t in terms))
        parts.append(section_html(anchor, title, table))
    title = next(iter(texts(ontology, iri, DCTERMS.title)), "finops-kg ontology")
    body = f"<h1>{esc(title)}</h1><p><code>{esc(iri)}</code></p>{intro}{''.join(parts)}"
    return page_html("ontology.html", "Ontology reference", body)


def _fallback_row(ontology: Graph, term: URIRef) -> str:
    """Return one table row of the fallback ontology page."""
    from finops_kg.graph.namespace import shorten

    related = []
    for prop, name in ((RDFS.subClassOf, "subclass of"), (RDFS.subPropertyOf, "subproperty of"),
                       (RDFS.domain, "domain"), (RDFS.range, "range")):
        for value in sorted(ontology.objects(term, prop), key=str):
            shown = "a union" if isinstance(value, BNode) else shorten(str(value))
            related.append(f"{name} {esc(shown)}")
    definition = " ".join(esc(d) for d in texts(ontology, term, SKOS.definition))
    return (f'<tr id="{esc(slug(term))}"><th scope="row">'
            f"<code>{esc(shorten(str(term)))}</code></th>"
            f"<td>{esc(label(ontology, term))}</td><td>{definition}</td>"
            f'<td>{"; ".join(related)}</td></tr>')


def build_site_with_pictures(out_dir: Path, edition: str = "2026") -> list[Path]:
    """Build the site with the network explorer, the matrix and the domain tree as extra pages."""
    from finops_kg.graph import resources
    from finops_kg.views.explorer import explorer_html
    from finops_kg.graph.load import check_edition
    from finops_kg.release.dataset import load
    from finops_kg.views.pictures import domains, matrix

    check_edition(edition)
    graph = load(edition)
    editions = {year: load(year) for year in resources.available_editions()}
    extra = {"explorer.html": explorer_html(editions), "matrix.svg": matrix(graph),
             "domains.svg": domains(graph)}
    return build_site(Path(out_dir), edition, extra_pages=extra)
