"""The site's home page and the index page of each section."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import RDF, SKOS, URIRef

from finops_kg.graph.labels import texts
from finops_kg.graph.namespace import FID, FO
from finops_kg.views.site.layout import (SECTIONS, Section, esc, items, page_html, section_html,
                                         table_html)
from finops_kg.views.site.links import Site, name, slug

# Titles for the extra pages the lead is known to pass; any other name is listed as it is.
EXTRA_TITLES = {"explorer.html": "Interactive explorer",
                "matrix.svg": "Capability and persona matrix (image)"}


def home(site: Site, extras: dict[str, bytes]) -> str:
    """Return the home page, which links every section, the ontology and the extra pages."""
    intro = texts(site.graph, FID[f"dataset/{site.edition}"], SKOS.definition)
    rows = [f'<a href="{esc(s.folder)}/index.html">{esc(s.title)}</a> '
            f"({len(site.terms[s])})" for s in SECTIONS]
    rows.append('<a href="ontology.html">Ontology reference</a> (classes and properties)')
    extra_rows = [f'<a href="{quote(page)}">{esc(EXTRA_TITLES.get(page, page))}</a>'
                  for page in extras]
    body = (f"<h1>finops-kg: FinOps Framework {esc(site.edition)}</h1>"
            + "".join(f"<p>{esc(t)}</p>" for t in intro)
            + section_html("sections", "Sections", items(rows))
            + section_html("more", "More", items(extra_rows)))
    return page_html("index.html", f"FinOps Framework {site.edition}", body)


def section_index(site: Site, section: Section, here: str) -> str:
    """Return the index page of one section: each term with its definition."""
    if section.cls == FO.Capability:
        body = capability_index(site, here)
    elif section.cls == FO.Persona:
        body = persona_index(site, here)
    else:
        body = term_table(site, here, site.terms[section])
    return page_html(here, section.title, f"<h1>{esc(section.title)}</h1>{body}")


def term_table(site: Site, here: str, terms: list[URIRef]) -> str:
    """Return a table of terms, linked, with their definitions."""
    rows = "".join(
        f'<tr><th scope="row">{site.link(here, t)}</th>'
        f'<td>{" ".join(esc(d) for d in texts(site.graph, t, SKOS.definition))}</td></tr>'
        for t in terms)
    return table_html(("Name", "Definition"), rows) or "<p>None in this edition.</p>"


def capability_index(site: Site, here: str) -> str:
    """Return the capabilities grouped by domain, as the Framework presents them."""
    g = site.graph
    capabilities = site.terms_of(FO.Capability)
    parts = []
    for domain in site.terms_of(FO.Domain):
        in_domain = [c for c in capabilities if (c, FO.inDomain, domain) in g]
        parts.append(section_html(f"domain-{slug(domain)}", name(g, domain),
                                  term_table(site, here, in_domain)))
    homeless = [c for c in capabilities if g.value(c, FO.inDomain) is None]
    parts.append(section_html("no-domain", "Not in a domain (withdrawn)",
                              term_table(site, here, homeless) if homeless else ""))
    return "".join(parts)


def persona_index(site: Site, here: str) -> str:
    """Return the personas in two groups, core and allied."""
    g = site.graph
    personas = site.terms_of(FO.Persona)
    core = [p for p in personas if (p, RDF.type, FO.CorePersona) in g]
    allied = [p for p in personas if p not in core]
    return (section_html("core-personas", "Core personas", term_table(site, here, core))
            + section_html("allied-personas", "Allied personas", term_table(site, here, allied)))
