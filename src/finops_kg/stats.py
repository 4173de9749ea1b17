"""Counts and coverage of an edition: what each capability holds, and which content is missing."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from finops_kg.graph import resources
from finops_kg.graph.labels import current, label
from finops_kg.graph.namespace import FID, FO, shorten
from finops_kg.graph.rq import read_query_file
from finops_kg.graph.terms import oxigraph_store, select
from finops_kg.graph.iris import DEFAULT_EDITION
from finops_kg.release.build import individuals_per_class
from finops_kg.release.compiled import compiled_graph
from finops_kg.release.dataset import load
from finops_kg.table import render_table

CORE_PERSONAS = ("finops-practitioner", "engineering", "finance", "leadership", "procurement",
                 "product")
LEVELS = ("crawl", "walk", "run")


@dataclass(frozen=True)
class CapabilityCoverage:
    """How much content the graph holds for one capability."""

    capability: str
    domain: str
    activities_by_persona: dict[str, int]
    characteristics_by_level: dict[str, int]
    areas: int
    measures_of_success: int
    kpis: int
    inputs: int
    outputs: int


@dataclass(frozen=True)
class Gap:
    """Content an element is expected to have but lacks, and the reason the graph gives."""

    check: str
    subject: str
    detail: str
    reason: str


def summary(edition: str = DEFAULT_EDITION) -> tuple[list[tuple[str, int]],
                                                     list[CapabilityCoverage], list[Gap]]:
    """Return the individuals per class, the coverage and the gaps of one edition.

    Counts and coverage read the compiled dataset, whose entailments spare reasoning again; the
    gap queries are written for the asserted graph (an entailed type would match them wrongly).
    """
    graph = compiled_graph(edition)
    return individuals_per_class(graph), coverage(graph), gaps(load(edition))


def coverage(graph: Graph) -> list[CapabilityCoverage]:
    """Return the coverage of every current capability, ordered by domain and name."""
    rows = []
    for capability in current(graph, FO.Capability):
        activities = set(graph.subjects(FO.activityOf, capability))
        by_persona: dict[str, int] = {}
        for activity in activities:
            for who in [*graph.objects(activity, FO.performedBy),
                        *graph.objects(activity, FO.addressedTo)]:
                key = str(who).rsplit("/", 1)[-1]
                by_persona[key] = by_persona.get(key, 0) + 1
        characteristics = [c for c in graph.subjects(FO.characterises, capability)
                           if (c, RDF.type, FO.MaturityCharacteristic) in graph]
        by_level = {level: sum(graph.value(c, FO.atLevel) == FID[f"maturity-level/{level}"]
                               for c in characteristics) for level in LEVELS}
        rows.append(CapabilityCoverage(
            capability=_label(graph, capability),
            domain=_label(graph, graph.value(capability, FO.inDomain)),
            activities_by_persona=dict(sorted(by_persona.items())),
            characteristics_by_level=by_level,
            areas=len(set(graph.subjects(FO.areaOf, capability))),
            measures_of_success=len(set(graph.subjects(FO.successMeasureOf, capability))),
            kpis=len(set(graph.subjects(FO.measures, capability))),
            inputs=len(set(graph.subjects(FO.providesInputTo, capability))),
            outputs=len(set(graph.objects(capability, FO.providesInputTo))),
        ))
    return sorted(rows, key=lambda row: (row.domain, row.capability))


def gaps(graph: Graph) -> list[Gap]:
    """Return every gap that the queries under queries/gaps/ find, with its stated reason."""
    store = oxigraph_store(graph)
    found = []
    for path in resources.gap_query_files():
        query = read_query_file(path)
        columns, rows = select(store, query.text)
        for row in rows:
            values = dict(zip(columns, row))
            detail = " ".join(_label(graph, values[c]) for c in columns
                              if c not in ("subject", "reason") and values[c] is not None)
            found.append(Gap(check=query.name, subject=shorten(values["subject"]), detail=detail,
                             reason=str(values.get("reason") or "")))
    return found


def coverage_table(rows: list[CapabilityCoverage]) -> str:
    """Return the coverage as an aligned text table."""
    allied = sorted({k for r in rows for k in r.activities_by_persona} - set(CORE_PERSONAS))
    personas = [*CORE_PERSONAS, *allied]
    short = {"finops-practitioner": "FP", "engineering": "Eng", "finance": "Fin",
             "leadership": "Lead", "procurement": "Proc", "product": "Prod",
             "allied-personas": "Allied", "itam": "ITAM", "sustainability": "Sust"}
    headers = ["capability", "domain", *(short.get(p, p) for p in personas),
               "Crawl", "Walk", "Run", "areas", "MoS", "KPIs", "in", "out"]
    body = [[r.capability, r.domain, *(r.activities_by_persona.get(p, 0) for p in personas),
             *r.characteristics_by_level.values(), r.areas, r.measures_of_success, r.kpis,
             r.inputs, r.outputs] for r in rows]
    return render_table(headers, body)


def gap_table(found: list[Gap]) -> str:
    """Return the gaps as an aligned text table."""
    body = [[g.check, g.subject, g.detail or "-", _shorten_text(g.reason) or "NO REASON STATED"]
            for g in found]
    return render_table(["gap", "element", "detail", "reason"], body)


def to_json(counts: list[tuple[str, int]], rows: list[CapabilityCoverage], found: list[Gap]) -> str:
    """Return counts, coverage and gaps as JSON."""
    body = {"individuals_per_class": dict(counts), "coverage": [asdict(r) for r in rows],
            "gaps": [asdict(g) for g in found]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _shorten_text(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _label(graph: Graph, node: URIRef | None) -> str:
    return label(graph, node, shorten(node)) if node is not None else ""
