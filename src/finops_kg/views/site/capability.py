"""The capability page, and the targets, formulas and crosswalks that KPI and level pages share."""

from __future__ import annotations

import re

from rdflib import RDF, SKOS, URIRef

from finops_kg.graph.labels import texts
from finops_kg.graph.namespace import FO
from finops_kg.views.site.layout import esc, items, relative, section_html, table_html
from finops_kg.views.site.links import Site, name, number, slug, statement_order

# The graph names QUDT units without describing them; these are the units the data uses.
UNIT_LABELS = {"PERCENT": ("%", "%"), "MO": ("month", "months"), "PER-DAY": ("per day", "per day")}


def capability_body(site: Site, term: URIRef, here: str) -> str:
    """Return a capability's areas, activities, maturity, measures, KPIs and links."""
    g = site.graph
    principles = items(site.links(here, g.objects(term, FO.supportsPrinciple)))
    return (areas(site, term)
            + section_html("activities", "Functional activities by persona",
                           activity_table(site, term, here))
            + section_html("maturity", "Maturity: Crawl, Walk, Run",
                           maturity_table(site, term, here))
            + section_html("measures", "Measures of success", measures(site, term))
            + section_html("kpis", "KPIs", kpi_table(site, term, here))
            + section_html("inputs", "Inputs from", items(
                site.links(here, g.subjects(FO.providesInputTo, term))))
            + section_html("outputs", "Outputs to", items(
                site.links(here, g.objects(term, FO.providesInputTo))))
            + section_html("principles", "Supports the principles", principles)
            + section_html("crosswalks", "Crosswalks", crosswalk_table(site, term)))


def areas(site: Site, term: URIRef) -> str:
    """Return the capability's areas, each with its definition."""
    g = site.graph
    entries = [f"<strong>{esc(name(g, a))}</strong>: "
               + " ".join(esc(d) for d in texts(g, a, SKOS.definition))
               for a in site.by_label(g.subjects(FO.areaOf, term))]
    return section_html("areas", "Capability areas", items(entries))


def activity_table(site: Site, term: URIRef, here: str) -> str:
    """Return one row per persona, or the allied group, with its activities in page order."""
    g = site.graph
    by_performer: dict[URIRef, list[URIRef]] = {}
    for activity in g.subjects(FO.activityOf, term):
        # An activity is performed by one persona or addressed to the allied group as a whole.
        for prop in (FO.performedBy, FO.addressedTo):
            for performer in g.objects(activity, prop):
                by_performer.setdefault(performer, []).append(activity)
    rows = []
    for performer in site.personas_in_order(by_performer):
        activities = sorted(by_performer[performer], key=statement_order)
        rows.append(f'<tr data-persona="{esc(slug(performer))}"><th scope="row">'
                    f"{performer_link(site, performer, here)}</th><td>"
                    + items((esc(name(g, a)) for a in activities), "ol")
                    + "</td></tr>")
    return table_html(("Persona", "Activities"), rows, ' id="activity-table" class="activities"')


def performer_link(site: Site, performer: URIRef, here: str) -> str:
    """Link a persona to its page and the allied group to the allied personas' list."""
    if performer in site.paths:
        return site.link(here, performer)
    g = site.graph
    names = ", ".join(name(g, m) for m in site.by_label(g.objects(performer, FO.hasMember)))
    target = relative(here, "personas/index.html") + "#allied-personas"
    return f'<a href="{target}" title="{esc(names)}">{esc(name(g, performer))}</a>'


# ---------------------------------------------------------------------------
# Maturity: characteristics and targets per level
# ---------------------------------------------------------------------------

def maturity_table(site: Site, term: URIRef, here: str) -> str:
    """Return the Crawl/Walk/Run table: characteristics and numeric targets per level."""
    g = site.graph
    levels = site.terms_of(FO.MaturityLevel)
    described = list(g.subjects(FO.characterises, term))
    statements = [c for c in described if (c, RDF.type, FO.MaturityCharacteristic) in g]
    targets = [t for t in described if (t, RDF.type, FO.MaturityTarget) in g]
    if not statements and not targets:
        return ""
    head = "".join(f'<th scope="col">{site.link(here, level)}</th>' for level in levels)
    rows = level_row("characteristics", "Characteristics", [
        items(esc(name(g, c)) for c in sorted(at(site, statements, level), key=statement_order))
        for level in levels])
    levelled = [t for t in targets if g.value(t, FO.atLevel) is not None]
    if levelled:
        rows += level_row("targets", "Targets", [
            targets_list(site, here, at(site, levelled, level)) for level in levels])
    everywhere = [t for t in targets if g.value(t, FO.atLevel) is None]
    if everywhere:  # a target that holds whatever the level, such as a daily data refresh
        rows += ('<tr class="targets all-levels"><th scope="row">At every level</th>'
                 f'<td colspan="{len(levels)}">{targets_list(site, here, everywhere)}</td></tr>')
    return ('<table id="maturity-table" class="maturity"><thead><tr><td></td>'
            f"{head}</tr></thead><tbody>{rows}</tbody></table>")


def at(site: Site, statements: list[URIRef], level: URIRef) -> list[URIRef]:
    """Return the statements or targets that are at one maturity level."""
    return [s for s in statements if (s, FO.atLevel, level) in site.graph]


def level_row(css_class: str, title: str, cells: list[str]) -> str:
    """Return one row of the maturity table: a heading and one cell per level."""
    body = "".join(f"<td>{cell}</td>" for cell in cells)
    return f'<tr class="{css_class}"><th scope="row">{esc(title)}</th>{body}</tr>'


def targets_list(site: Site, here: str, targets: list[URIRef]) -> str:
    """Return numeric targets as 'metric comparator value unit', sorted by text."""
    rendered = sorted((target(site, here, t) for t in targets),
                      key=lambda markup: (re.sub("<[^>]+>", "", markup), markup))
    return items(rendered, "ul", ' class="targets"')


def target(site: Site, here: str, term: URIRef) -> str:
    """Return one target, such as 'Budget to actual spend variance <= 20 %'."""
    g = site.graph
    metric = g.value(term, FO.metric)
    comparator = g.value(term, FO.comparator)
    value = g.value(term, FO.targetValue)
    unit = g.value(term, FO.unit)
    notation = g.value(comparator, SKOS.notation) if comparator is not None else None
    parts = [site.link(here, metric) if metric is not None else ""]
    if comparator is not None:
        comparator_name = name(g, comparator)
        shown = esc(notation if notation is not None else comparator_name)
        parts.append(f'<span class="comparator" title="{esc(comparator_name)}">{shown}</span>')
    if value is not None:
        parts.append(f'<span class="value">{esc(number(value))}</span>')
    if unit is not None:
        parts.append(f'<span class="unit" title="{esc(unit)}">{esc(unit_name(unit, value))}</span>')
    return f'<span class="target" title="{esc(name(g, term))}">{" ".join(parts)}</span>'


def unit_name(unit: URIRef, value: object) -> str:
    """Return a unit's display name, singular for a value of one."""
    singular, plural = UNIT_LABELS.get(slug(unit), (slug(unit), slug(unit)))
    return singular if number(value) == "1" else plural


# ---------------------------------------------------------------------------
# Measures, KPIs and crosswalks
# ---------------------------------------------------------------------------

def measures(site: Site, term: URIRef) -> str:
    """Return the capability's measures of success in page order, with their notes."""
    g = site.graph
    entries = []
    for measure in sorted(g.subjects(FO.successMeasureOf, term), key=statement_order):
        notes = "".join(f'<br><span class="note">{esc(n)}</span>'
                        for n in texts(g, measure, SKOS.editorialNote))
        entries.append(esc(name(g, measure)) + notes)
    return items(entries, "ol")


def kpi_table(site: Site, term: URIRef, here: str) -> str:
    """Return the KPIs that measure the capability, with their formulas as published."""
    rows = []
    for kpi in site.by_label(site.graph.subjects(FO.measures, term)):
        shown = formulas(site, kpi) or '<span class="note">No formula published.</span>'
        rows.append(f'<tr><th scope="row">{site.link(here, kpi)}</th><td>{shown}</td></tr>')
    return table_html(("KPI", "Formula"), rows, ' id="kpi-table"')


def formulas(site: Site, kpi: URIRef) -> str:
    """Return a KPI's formulas exactly as published, line breaks kept."""
    return "".join(f'<pre class="formula">{esc(f)}</pre>'
                   for f in texts(site.graph, kpi, FO.formula))


def crosswalk_table(site: Site, term: URIRef) -> str:
    """Return the curated mappings of a term to other frameworks, with match and reason."""
    rows = []
    for row in sorted(site.crosswalks.get(term, []), key=lambda r: (
            r["mapping_set"], r["object_id"], r.get("predicate_modifier", ""))):
        match = row["predicate_id"].rpartition(":")[2]
        if row.get("predicate_modifier", "").strip() == "Not":
            match = f"not {match}"
        shown = esc(row["object_id"]) + (f" {esc(row['object_label'])}"
                                         if row.get("object_label") else "")
        rows.append(f'<tr><td>{esc(row["mapping_set"])}</td><th scope="row">{shown}</th>'
                    f'<td>{esc(match)}</td><td>{esc(row.get("confidence", ""))}</td>'
                    f'<td>{esc(row.get("comment", ""))}</td></tr>')
    return table_html(("Mapping set", "Term", "Match", "Confidence", "Why"), rows,
                      ' id="crosswalk-table"')
