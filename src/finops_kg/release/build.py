"""Build a release: load, validate, check hygiene, reason, derive and export."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from finops_kg.forked import ForkedTask
from finops_kg.graph.iris import DEFAULT_EDITION
from finops_kg.graph.labels import deprecated_terms
from finops_kg.graph.namespace import FO, ONTOLOGY_IRI, shorten
from finops_kg.release.hygiene import HygieneCheck
from finops_kg.release.validate import ValidationReport

RELEASE_NAME = "finops-kg"
INFERRED_NAME = "finops-kg-inferred"
DERIVED_NAME = "finops-kg-derived"


@dataclass
class EditionCheck:
    """What validating and checking one edition found."""

    edition: str
    report: ValidationReport
    hygiene: list[HygieneCheck]

    @property
    def ok(self) -> bool:
        """Return True when the edition conforms and every hygiene query returned no rows."""
        return self.report.conforms and all(check.passed for check in self.hygiene)

    def problems(self) -> list[str]:
        """Return one line per SHACL violation and per hygiene row."""
        lines = [r.line() for r in self.report.violations]
        for check in self.hygiene:
            lines.extend(check.lines())
        return lines


@dataclass
class BuildResult:
    """What a build produced and found."""

    edition: str
    out_dir: Path
    asserted_triples: int
    inferred_triples: int
    individuals_per_class: list[tuple[str, int]]
    checks: list[EditionCheck]
    files: list[Path] = field(default_factory=list)

    @property
    def report(self) -> ValidationReport:
        """Return the validation report of the main edition."""
        return next(c.report for c in self.checks if c.edition == self.edition)

    @property
    def hygiene(self) -> list[HygieneCheck]:
        """Return the hygiene checks of the main edition."""
        return next(c.hygiene for c in self.checks if c.edition == self.edition)

    @property
    def ok(self) -> bool:
        """Return True when every checked edition conforms and passes every hygiene query."""
        return all(check.ok for check in self.checks)

    def problems(self) -> list[str]:
        """Return one line per problem, prefixed with the edition when several were checked."""
        several = len(self.checks) > 1
        return [f"{c.edition}: {line}" if several else line
                for c in self.checks for line in c.problems()]


def build(out_dir: str | Path = "dist", edition: str = DEFAULT_EDITION,
          all_editions: bool = False) -> BuildResult:
    """Build the edition (and, with all_editions, check every edition and write a TriG dataset).

    A release of unchanged sources and code is read from the cache (release.memo), not made again.
    The folder is replaced whole (graph.folder): it must hold nothing but a previous release.
    """
    from finops_kg.graph.folder import check_replaceable, replace_folder
    from finops_kg.graph.resources import check_edition
    from finops_kg.release.memo import memoised_files

    out_dir = Path(out_dir)
    check_edition(edition)
    check_replaceable(out_dir, is_release_file, "build")
    failed: list[BuildResult] = []

    def make() -> dict[str, bytes] | None:
        result, outputs = _build_outputs(out_dir, edition, all_editions)
        if not result.ok:
            failed.append(result)
            return None
        return {**outputs, SUMMARY: _summary(result)}

    outputs = memoised_files("build", (edition, str(all_editions)), make)
    if outputs is None:
        return failed[0]
    result = _result_from_summary(out_dir, outputs.pop(SUMMARY))
    result.files = replace_folder(out_dir, outputs, is_release_file, "build")
    return result


RELEASE_FILES = frozenset([f"{RELEASE_NAME}.ttl", f"{RELEASE_NAME}.nt", f"{RELEASE_NAME}.jsonld",
                           f"{RELEASE_NAME}.trig", f"{INFERRED_NAME}.ttl", f"{DERIVED_NAME}.ttl",
                           "validation-report.ttl", "validation-report.txt"])
# What builds before the whole-folder swap could leave when killed: a file's temporary copy, or
# the probe of the folder's permissions.
_EARLIER_LEFTOVER = re.compile(r"\.(?:%s)\.[^.]+\.tmp|\.write-test\..+"
                               % "|".join(re.escape(name) for name in sorted(RELEASE_FILES)))


def is_release_file(name: str) -> bool:
    """Return True for the name of a file that a build writes, or that an earlier build left."""
    return name in RELEASE_FILES or _EARLIER_LEFTOVER.fullmatch(name) is not None


def _build_outputs(out_dir: Path, edition: str,
                   all_editions: bool) -> tuple[BuildResult, dict[str, bytes]]:
    import gc

    # A build allocates many small objects and keeps nearly all of them until it ends, so the
    # cyclic garbage collector would only rescan them: pausing it saves about a tenth of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _make_outputs(out_dir, edition, all_editions)
    finally:
        if collecting:
            gc.enable()


def _make_outputs(out_dir: Path, edition: str,
                  all_editions: bool) -> tuple[BuildResult, dict[str, bytes]]:
    from finops_kg.graph import resources
    from finops_kg.release.derive import derive, derived_graph_iri
    from finops_kg.graph.serialize import (canonical, serialize, serialize_canonical,
                                           serialize_trig)
    from finops_kg.release.hygiene import run_hygiene_checks
    from finops_kg.graph.load import edition_graph_iri, load_edition_data, load_ontology
    from finops_kg.release.dataset import load
    from finops_kg.mapping.sssom import curated_graphs
    from finops_kg.release.reason import entailments

    editions = resources.available_editions() if all_editions else [edition]

    # The work is split between the two cores. A forked process validates every edition (the
    # longest step, which also imports pySHACL and rdflib's SPARQL engine) and renders the main
    # edition's JSON-LD; this one checks hygiene, derives, reasons and writes the other formats.
    second_core = ForkedTask(_validate_and_render_jsonld, editions, edition)
    try:
        graphs = {year: load(year) for year in editions}
        hygiene = {year: run_hygiene_checks(graphs[year]) for year in editions}
        derived = {year: derive(graphs[year], year) for year in editions}
        asserted = graphs[edition]
        entailed = entailments(asserted)
        stable = canonical(asserted)
        asserted_turtle = serialize_canonical(stable, "turtle")
        outputs = {
            f"{RELEASE_NAME}.ttl": asserted_turtle,
            f"{RELEASE_NAME}.nt": serialize_canonical(stable, "nt"),
            # N-Triples lines are Turtle too, so the entailments follow the asserted triples as a
            # plain, sorted list that is quick to write and easy to read apart from the rest.
            f"{INFERRED_NAME}.ttl": asserted_turtle + _ENTAILMENTS_BANNER
            + serialize(entailed, "nt"),
            f"{DERIVED_NAME}.ttl": serialize(derived[edition], "turtle"),
        }
        if all_editions:
            named = [(URIRef(ONTOLOGY_IRI), load_ontology())]
            for year in editions:
                named.append((edition_graph_iri(year), load_edition_data(year)))
                named.append((derived_graph_iri(year), derived[year]))
            outputs[f"{RELEASE_NAME}.trig"] = serialize_trig(named + curated_graphs())
        found, outputs[f"{RELEASE_NAME}.jsonld"] = second_core.result()
        reports = {year: _report_from_child(*results) for year, results in found.items()}
    finally:
        second_core.cancel()

    result = BuildResult(
        edition=edition,
        out_dir=out_dir,
        asserted_triples=len(asserted),
        inferred_triples=len(asserted) + len(entailed),
        individuals_per_class=individuals_per_class(asserted, entailed),
        checks=[EditionCheck(year, reports[year], hygiene[year]) for year in editions],
    )
    if not result.ok:
        return result, {}
    report_graph = Graph()
    for check in result.checks:
        report_graph += check.report.graph
    outputs["validation-report.ttl"] = serialize(report_graph, "turtle")
    outputs["validation-report.txt"] = _report_text(result.checks).encode("utf-8")
    return result, outputs


SUMMARY = "summary.json"  # what the command line prints about a kept build; not written out


def _summary(result: BuildResult) -> bytes:
    checks = [{"edition": check.edition,
               "report": check.report.graph.serialize(format="nt", encoding="utf-8").decode(),
               "hygiene": [[h.name, h.description] for h in check.hygiene]}
              for check in result.checks]
    return json.dumps({"edition": result.edition, "asserted": result.asserted_triples,
                       "inferred": result.inferred_triples,
                       "classes": result.individuals_per_class, "checks": checks}).encode()


def _result_from_summary(out_dir: Path, summary: bytes) -> BuildResult:
    """Return the BuildResult of a build that passed every check, from its summary."""
    kept = json.loads(summary)
    checks = [EditionCheck(check["edition"],
                           _report_from_child(True, [], check["report"].encode()),
                           [HygieneCheck(name, description, ()) for name, description in
                            check["hygiene"]])
              for check in kept["checks"]]
    return BuildResult(edition=kept["edition"], out_dir=out_dir,
                       asserted_triples=kept["asserted"], inferred_triples=kept["inferred"],
                       individuals_per_class=[tuple(pair) for pair in kept["classes"]],
                       checks=checks)


_ENTAILMENTS_BANNER = (
    b"\n# ---------------------------------------------------------------------------\n"
    b"# Entailments: OWL 2 RL consequences of the triples above, computed by finops-kg,\n"
    b"# one per line in N-Triples form.\n"
    b"# ---------------------------------------------------------------------------\n\n"
)


def individuals_per_class(*graphs: Graph) -> list[tuple[str, int]]:
    """Return (class CURIE, number of current individuals) for each fo: class in graphs.

    Deprecated individuals, kept only so that their IRIs resolve, are left out of the counts.
    """
    deprecated = deprecated_terms(*graphs)
    members: dict[URIRef, set] = {}
    for graph in graphs:
        for individual, cls in graph.subject_objects(RDF.type):
            if (isinstance(cls, URIRef) and str(cls).startswith(str(FO))
                    and individual not in deprecated):
                members.setdefault(cls, set()).add(individual)
    classes = {cls for graph in graphs for cls in graph.subjects(RDF.type, OWL.Class)}
    return [(shorten(cls), len(members[cls])) for cls in sorted(members) if cls in classes]


def _validate_and_render_jsonld(editions: list[str], main: str) -> tuple[dict, bytes]:
    from finops_kg.graph.serialize import serialize
    from finops_kg.release.dataset import load
    from finops_kg.release.validate import validate

    found, jsonld = {}, b""
    for edition in editions:
        graph = load(edition)
        report = validate(graph)
        found[edition] = (report.conforms, report.results,
                          report.graph.serialize(format="nt", encoding="utf-8"))
        if edition == main:
            jsonld = serialize(graph, "jsonld")
    return found, jsonld


def _report_from_child(conforms: bool, results: list, report_ntriples: bytes) -> ValidationReport:
    return ValidationReport(conforms, results, Graph().parse(data=report_ntriples, format="nt"))


def _report_text(checks: list[EditionCheck]) -> str:
    lines = []
    for check in checks:
        if len(checks) > 1:
            lines.append(f"Edition {check.edition}")
        lines += [check.report.text, "Hygiene queries:"]
        for hygiene in check.hygiene:
            verdict = "pass" if hygiene.passed else f"FAIL ({len(hygiene.rows)} rows)"
            lines.append(f"  {hygiene.name}: {verdict}")
        lines.append("")
    return "\n".join(lines)
