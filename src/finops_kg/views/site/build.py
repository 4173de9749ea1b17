"""Write the site: every page and per-term RDF file, the ontology page and the extra pages."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef

from finops_kg.errors import OutputError
from finops_kg.graph import resources
from finops_kg.graph.iris import DEFAULT_EDITION
from finops_kg.graph.load import load_ontology, new_graph
from finops_kg.graph.resources import check_edition
from finops_kg.graph.files import write_atomic
from finops_kg.graph.serialize import serialize
from finops_kg.mapping.sssom import curated_rows_by_subject
from finops_kg.release.dataset import load
from finops_kg.views.explorer import explorer_html
from finops_kg.views.pictures import domains, matrix
from finops_kg.views.site.index import home, section_index
from finops_kg.views.site.layout import SECTIONS, TERM_RDF, term_rdf_file
from finops_kg.views.site.links import Site
from finops_kg.views.site.ontology import ontology_page
from finops_kg.views.site.terms import term_page


def build_site(out_dir: Path, edition: str = DEFAULT_EDITION,
               extra_pages: dict[str, bytes] | None = None) -> list[Path]:
    """Write the documentation site of one edition into out_dir and return the files written."""
    return _write(Path(out_dir), site_files(edition, extra_pages))


def site_files(edition: str = DEFAULT_EDITION,
               extra_pages: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Return every file of the documentation site of one edition, by path inside the site."""
    extras = dict(sorted((extra_pages or {}).items()))
    _check_extra_names(extras)  # before any work, so a bad name costs nothing
    # The sets are curated against the newest edition; a term of an older one keeps its IRI.
    site = Site(load(edition), edition, curated_rows_by_subject())
    files = render(site, extras)
    files["ontology.html"] = ontology_page(load_ontology()).encode("utf-8")
    files.update(extras)
    return files


def build_site_with_pictures(out_dir: Path, edition: str = DEFAULT_EDITION) -> list[Path]:
    """Build the site with the network explorer, the matrix and the domain tree as extra pages.

    A site of unchanged sources and code is read from the cache (release.memo), not made again.
    """
    from finops_kg.release.memo import memoised_files

    check_edition(edition)

    def make() -> dict[str, bytes]:
        graph = load(edition)
        editions = {year: load(year) for year in resources.available_editions()}
        extra = {"explorer.html": explorer_html(editions), "matrix.svg": matrix(graph),
                 "domains.svg": domains(graph)}
        return site_files(edition, extra)

    return _write(Path(out_dir), memoised_files("site", (edition,), make))


def _write(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
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


def render(site: Site, extras: dict[str, bytes]) -> dict[str, bytes]:
    """Return every page and per-term RDF file of the site, by path inside the site."""
    files: dict[str, bytes] = {"index.html": home(site, extras).encode("utf-8")}
    for section, terms in site.terms.items():
        index = f"{section.folder}/index.html"
        files[index] = section_index(site, section, index).encode("utf-8")
        for term in terms:
            path = site.paths[term]
            stem = path[:-len(".html")]
            own = own_triples(site.graph, term)
            for format, _ in TERM_RDF:
                files[term_rdf_file(stem, format)] = serialize(own, format)
            files[path] = term_page(site, section, term, path).encode("utf-8")
    return files


def own_triples(graph: Graph, term: URIRef) -> Graph:
    """Return the asserted triples that have the term as subject."""
    own = new_graph()
    for p, o in graph.predicate_objects(term):
        own.add((term, p, o))
    return own
