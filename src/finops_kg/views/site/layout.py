"""The site's frame: its sections, the HTML helpers, and the page every file is wrapped in."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote

from rdflib import URIRef

from finops_kg.graph.formats import FORMATS
from finops_kg.graph.namespace import FO

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

# Each term page comes with its own triples in these formats of graph.formats, with their names
# as the page shows them.
TERM_RDF = (("turtle", "Turtle"), ("jsonld", "JSON-LD"))

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


def section_of(cls: URIRef) -> Section:
    """Return the section of a class."""
    return next(s for s in SECTIONS if s.cls == cls)


def term_rdf_file(stem: str, format: str) -> str:
    """Return the file name of a term's own triples in one of TERM_RDF's formats."""
    return stem + FORMATS[format].extension


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


# ---------------------------------------------------------------------------
# The frame of every page
# ---------------------------------------------------------------------------

def page_html(here: str, title: str, body: str, rdf_stem: str | None = None) -> str:
    """Return a whole page: head with the inline stylesheet, navigation, body and attribution.

    rdf_stem, for a term page, names the files of its own triples, which the head announces."""
    head_links = "".join(
        f'<link rel="alternate" type="{esc(FORMATS[format].media_type)}" '
        f'href="{esc(quote(term_rdf_file(rdf_stem, format)))}">'
        for format, _ in TERM_RDF) if rdf_stem is not None else ""
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


def with_site_frame(document: str) -> str:
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
