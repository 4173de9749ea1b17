"""The ontology reference page: pyLODE's, made repeatable and framed as a site page."""

from __future__ import annotations

import importlib
import logging
import re
import sys
import types
from html.parser import HTMLParser
from typing import Iterable

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS

from finops_kg.graph.labels import texts
from finops_kg.graph.namespace import FO, ONTOLOGY_IRI, shorten
from finops_kg.graph.serialize import canonical
from finops_kg.views.site.layout import esc, page_html, section_html, table_html, with_site_frame
from finops_kg.views.site.links import name, slug


def ontology_page(ontology: Graph) -> str:
    """Return ontology.html: pyLODE's reference page, or our own if pyLODE is not installed."""
    try:
        pylode_html = _pylode_html(ontology)
    except ImportError:
        # pyLODE is not a dependency of finops-kg; without it the page lists the same classes
        # and properties with their labels and definitions.
        return fallback_ontology_html(ontology)
    return with_site_frame(pylode_html)


def _pylode_html(ontology: Graph) -> str:
    """Return pyLODE's HTML for the ontology, made deterministic."""
    OntPub = _import_pylode()
    return unique_ids(OntPub(ontology=_pylode_input(ontology)).make_html())


def _import_pylode() -> type:
    """Import pyLODE's OntPub, working round two defects of pyLODE 3.4.1."""
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


def fallback_ontology_html(ontology: Graph) -> str:
    """Return a reference page of the fo: classes and properties without pyLODE."""
    iri = URIRef(ONTOLOGY_IRI)
    intro = "".join(f"<p>{esc(t)}</p>" for t in texts(ontology, iri, DCTERMS.description))
    kinds = (("classes", "Classes", (OWL.Class,)),
             ("object-properties", "Object properties", (OWL.ObjectProperty,)),
             ("datatype-properties", "Datatype properties", (OWL.DatatypeProperty,)),
             ("annotation-properties", "Annotation properties", (OWL.AnnotationProperty,)))
    parts = []
    for anchor, title, classes in kinds:
        terms = sorted({t for k in classes for t in ontology.subjects(RDF.type, k)
                        if isinstance(t, URIRef) and str(t).startswith(str(FO))}, key=str)
        table = table_html(("Term", "Label", "Definition", "Domain, range, superclass"),
                           (_fallback_row(ontology, t) for t in terms))
        parts.append(section_html(anchor, title, table))
    title = next(iter(texts(ontology, iri, DCTERMS.title)), "finops-kg ontology")
    body = f"<h1>{esc(title)}</h1><p><code>{esc(iri)}</code></p>{intro}{''.join(parts)}"
    return page_html("ontology.html", "Ontology reference", body)


def _fallback_row(ontology: Graph, term: URIRef) -> str:
    """Return one table row of the fallback ontology page."""
    related = []
    for prop, relation in ((RDFS.subClassOf, "subclass of"), (RDFS.subPropertyOf, "subproperty of"),
                           (RDFS.domain, "domain"), (RDFS.range, "range")):
        for value in sorted(ontology.objects(term, prop), key=str):
            shown = "a union" if isinstance(value, BNode) else shorten(str(value))
            related.append(f"{relation} {esc(shown)}")
    definition = " ".join(esc(d) for d in texts(ontology, term, SKOS.definition))
    return (f'<tr id="{esc(slug(term))}"><th scope="row">'
            f"<code>{esc(shorten(str(term)))}</code></th>"
            f"<td>{esc(name(ontology, term))}</td><td>{definition}</td>"
            f'<td>{"; ".join(related)}</td></tr>')
