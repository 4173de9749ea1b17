"""A static documentation site of one edition that works offline, straight from file://.

One module per part: layout (the frame, sections and HTML helpers), links (which term has which
page), index (the home and section pages), terms and capability (the term pages), ontology (the
pyLODE reference page) and build (writing it all).
"""

from __future__ import annotations

from finops_kg.views.site.build import build_site, build_site_with_pictures
from finops_kg.views.site.layout import ATTRIBUTION, SECTIONS, Section
from finops_kg.views.site.links import Site
from finops_kg.views.site.ontology import fallback_ontology_html, ontology_page

__all__ = ["ATTRIBUTION", "SECTIONS", "Section", "Site", "build_site", "build_site_with_pictures",
           "fallback_ontology_html", "ontology_page"]
