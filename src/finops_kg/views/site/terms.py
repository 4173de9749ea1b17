"""The page of each term: the parts every page shares around what its section adds."""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from rdflib import RDF, SKOS, URIRef
from rdflib.namespace import DCTERMS

from finops_kg.graph.labels import is_deprecated, texts
from finops_kg.graph.namespace import FO
from finops_kg.views.site.capability import (capability_body, crosswalk_table, formulas,
                                             targets_list)
from finops_kg.views.site.layout import (TERM_RDF, Section, esc, external, items, page_html,
                                         relative, section_html, table_html, term_rdf_file)
from finops_kg.views.site.links import Site, name, slug, statement_order


def term_page(site: Site, section: Section, term: URIRef, here: str) -> str:
    """Return the page of one term: the common parts around its section's own content."""
    g = site.graph
    title = name(g, term)
    specific = _BODIES[section.cls](site, term, here)
    stem = slug(term)
    body = (f"<h1>{esc(title)}</h1>"
            f'<p class="kind">{kind(site, section, term, here)}</p>'
            + deprecation(site, term, here)
            + "".join(f'<p class="definition">{esc(d)}</p>'
                      for d in texts(g, term, SKOS.definition))
            + specific
            + common_tail(site, term, here, stem))
    return page_html(here, title, body, stem)


def kind(site: Site, section: Section, term: URIRef, here: str) -> str:
    """Return the line under the title: the kind of term and, for a capability, its domain."""
    g = site.graph
    shown = esc(section.singular)
    if section.cls == FO.Persona:
        core = (term, RDF.type, FO.CorePersona) in g
        shown = "Core persona" if core else "Allied persona"
    domain = g.value(term, FO.inDomain)
    if domain is not None:
        shown += f" in the domain {site.link(here, domain)}"
    return shown


def deprecation(site: Site, term: URIRef, here: str) -> str:
    """Return a notice for a withdrawn term, naming what replaced it."""
    if not is_deprecated(site.graph, term):
        return ""
    successors = site.links(here, site.graph.objects(term, DCTERMS.isReplacedBy))
    replaced = f" It was replaced by {', '.join(successors)}." if successors else ""
    return f'<p class="deprecated">Withdrawn from the Framework.{replaced}</p>'


def common_tail(site: Site, term: URIRef, here: str, stem: str) -> str:
    """Return what every term page ends with: names, changes, gaps, notes, sources, RDF."""
    g = site.graph
    former = section_html("names", "Former and other names", items(
        esc(n) for n in texts(g, term, SKOS.altLabel)))
    changes = section_html("changes", "Edition changes", items(
        site.links(here, g.subjects(FO.changeSubject, term))))
    gaps = "".join(f'<p class="gap">{esc(t)}</p>' for t in texts(g, term, FO.contentGap))
    notes = section_html("notes", "Editorial notes", items(
        esc(n) for n in texts(g, term, SKOS.editorialNote)))
    sources = [f"finops.org source: {external(s)}"
               for s in sorted(g.objects(term, DCTERMS.source))]
    sources += [f"Permalink: {external(p)}" for p in sorted(g.objects(term, FO.permalink))]
    sources.append(f"IRI: <code>{esc(term)}</code>")
    sources.append("RDF: " + ", ".join(f'<a href="{quote(term_rdf_file(stem, format))}">{title}</a>'
                                       for format, title in TERM_RDF))
    return (names_by_edition(site, term) + former + changes
            + section_html("gaps", "Content gaps", gaps) + notes
            + section_html("source", "Source", items(sources)))


def names_by_edition(site: Site, term: URIRef) -> str:
    """Return the table of names the term carried in each edition, when the graph has one."""
    g = site.graph
    records = []
    for record in g.objects(term, FO.nameInEdition):
        edition = g.value(record, FO.edition)
        records.append((name(g, edition) if edition is not None else "",
                        ", ".join(texts(g, record, FO.name))))
    rows = "".join(f'<tr><th scope="row">{esc(e)}</th><td>{esc(n)}</td></tr>'
                   for e, n in sorted(records))
    return section_html("edition-names", "Names by edition", table_html(("Edition", "Name"), rows))


# ---------------------------------------------------------------------------
# What each section's pages add (the capability page has a module of its own)
# ---------------------------------------------------------------------------

def principle_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a principle page adds: the domains and capabilities that support it."""
    supporters = list(site.graph.subjects(FO.supportsPrinciple, term))
    return section_html("supported-by", "Supported by", items(site.links(here, supporters)))


def persona_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a persona page adds: goal, roles and activities per capability."""
    g = site.graph
    goal = "".join(f"<p>{esc(t)}</p>" for t in texts(g, term, FO.primaryGoal))
    roles = items(esc(r) for r in texts(g, term, FO.typicalRole))
    groups = list(g.subjects(FO.hasMember, term))
    own = list(g.subjects(FO.performedBy, term))
    shared = [a for group in groups for a in g.subjects(FO.addressedTo, group)]
    return (section_html("goal", "Primary goal", goal)
            + section_html("roles", "Typical roles", roles)
            + section_html("activities", "Activities", activities_by_capability(site, here, own))
            + section_html("group-activities", "Activities addressed to all allied personas",
                           activities_by_capability(site, here, shared)))


def activities_by_capability(site: Site, here: str, activities: list[URIRef]) -> str:
    """Return a table of activities grouped by the capability they belong to."""
    g = site.graph
    by_capability: dict[URIRef, list[URIRef]] = {}
    for activity in activities:
        by_capability.setdefault(g.value(activity, FO.activityOf), []).append(activity)
    rows = "".join(
        f'<tr><th scope="row">{site.link(here, c)}</th><td>'
        + items((esc(name(g, a)) for a in sorted(by_capability[c], key=statement_order)), "ol")
        + "</td></tr>"
        for c in site.by_label(c for c in by_capability if c is not None))
    return table_html(("Capability", "Activities"), rows)


def phase_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a phase page adds: its tagline and its neighbours in the cycle."""
    g = site.graph
    tagline = "".join(f"<p><em>{esc(t)}</em></p>" for t in texts(g, term, FO.tagline))
    around = [f"Next phase: {site.link(here, n)}" for n in g.objects(term, FO.nextPhase)]
    around += [f"Previous phase: {site.link(here, p)}" for p in g.subjects(FO.nextPhase, term)]
    return tagline + section_html("cycle", "Cycle", items(sorted(around)))


def level_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a maturity level page adds: rank, neighbours, targets, characteristics."""
    g = site.graph
    facts = [f"Rank: {esc(v)}" for v in g.objects(term, FO.rank)]
    facts += [f"Next level: {site.link(here, n)}" for n in g.objects(term, FO.nextLevel)]
    facts += [f"Previous level: {site.link(here, p)}" for p in g.subjects(FO.nextLevel, term)]
    targets = [t for t in g.subjects(FO.atLevel, term) if (t, RDF.type, FO.MaturityTarget) in g
               and g.value(t, FO.characterises) is None]  # the maturity page's sample goals
    return (items(facts)
            + section_html("targets", "Framework-wide targets", targets_list(site, here, targets))
            + section_html("characteristics", "Characteristics per capability",
                           characteristic_counts(site, term, here)))


def characteristic_counts(site: Site, level: URIRef, here: str) -> str:
    """Return how many characteristics each capability states at one level, linked."""
    g = site.graph
    counts: dict[URIRef, int] = {}
    for statement in g.subjects(FO.atLevel, level):
        capability = g.value(statement, FO.characterises)
        if capability is not None and (statement, RDF.type, FO.MaturityCharacteristic) in g:
            counts[capability] = counts.get(capability, 0) + 1
    rows = []
    for capability in site.by_label(counts):
        count = str(counts[capability])
        if capability in site.paths:  # the number leads to the capability's maturity table
            count = f'<a href="{relative(here, site.paths[capability])}#maturity">{count}</a>'
        rows.append(f'<tr><th scope="row">{site.link(here, capability)}</th>'
                    f"<td>{count}</td></tr>")
    return table_html(("Capability", "Characteristics"), rows)


def domain_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a domain page adds: its capabilities and the principles it supports."""
    g = site.graph
    return (section_html("capabilities", "Capabilities",
                         items(site.links(here, g.subjects(FO.inDomain, term))))
            + section_html("principles", "Supports the principles",
                           items(site.links(here, g.objects(term, FO.supportsPrinciple)))))


def kpi_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a KPI page adds: formula, data sources, capabilities and categories."""
    g = site.graph
    targets = list(g.subjects(FO.metric, term))
    return (section_html("formula", "Formula", formulas(site, term))
            + section_html("data-sources", "Data sources",
                           items(esc(s) for s in texts(g, term, FO.dataSource)))
            + section_html("capabilities", "Measures the capabilities",
                           items(site.links(here, g.objects(term, FO.measures))))
            + section_html("categories", "Technology categories",
                           items(site.links(here, g.objects(term, FO.targetsCategory))))
            + section_html("targets", "Maturity targets", targets_list(site, here, targets))
            + section_html("crosswalks", "Crosswalks", crosswalk_table(site, term)))


def category_body(site: Site, term: URIRef, here: str) -> str:
    """Return what a technology category page adds: the KPIs aimed at it."""
    kpis = site.graph.subjects(FO.targetsCategory, term)
    return section_html("kpis", "KPIs", items(site.links(here, kpis)))


def change_body(site: Site, term: URIRef, here: str) -> str:
    """Return what an edition change page adds: what changed, how, and how sure we are."""
    g = site.graph
    rows = []

    def row(heading: str, values: list[str]) -> None:
        """Add a row of the change table when it has a value."""
        if values:
            rows.append(f'<tr><th scope="row">{esc(heading)}</th>'
                        f'<td>{", ".join(values)}</td></tr>')

    row("Change", [esc(name(g, t)) for t in g.objects(term, FO.changeType)])
    row("Subject", site.links(here, g.objects(term, FO.changeSubject)))
    row("Old name", [esc(t) for t in texts(g, term, FO.oldLabel)])
    row("New name", [esc(t) for t in texts(g, term, FO.newLabel)])
    row("Target", site.links(here, g.objects(term, FO.changeTarget)))
    row("From edition", [esc(name(g, e)) for e in g.objects(term, FO.fromEdition)])
    row("To edition", [esc(name(g, e)) for e in g.objects(term, FO.toEdition)])
    row("Confidence", [esc(name(g, c)) for c in sorted(g.objects(term, FO.confidence))])
    return f'<table class="change"><tbody>{"".join(rows)}</tbody></table>'


_BODIES: dict[URIRef, Callable[[Site, URIRef, str], str]] = {
    FO.Principle: principle_body, FO.Persona: persona_body, FO.Phase: phase_body,
    FO.MaturityLevel: level_body, FO.Domain: domain_body, FO.Capability: capability_body,
    FO.KPI: kpi_body, FO.TechnologyCategory: category_body, FO.EditionChange: change_body,
}
