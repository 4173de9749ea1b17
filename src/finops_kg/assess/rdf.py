"""An Assessment as N-Triples in the finops-kg assessment model, and the assessments of a store read back.

The triples are sorted, so the same workbook always gives the same bytes. Nothing computed is
stored: totals, percentages and the gap to the target are left to the catalogue queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable, Sequence

import pyoxigraph
from pyoxigraph import Literal, NamedNode

from finops_kg.assess.iris import assessment_iri, local_key
from finops_kg.assess.layout import LENS_KEYS, lens_iri
from finops_kg.assess.model import Assessment, CapabilityRow, Evidence, Person
from finops_kg.graph.iris import FO_IRI, PREFIXES, edition_iri

FOAF = "http://xmlns.com/foaf/0.1/"
_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD = PREFIXES["xsd"]


def _fo(name: str) -> NamedNode:
    return NamedNode(FO_IRI + name)


def to_ntriples(assessments: Iterable[Assessment]) -> bytes:
    """Return the assessments as sorted N-Triples."""
    lines: set[str] = set()
    for assessment in assessments:
        lines.update(f"{s} {p} {o} ." for s, p, o in _triples(assessment))
    return "".join(line + "\n" for line in sorted(lines)).encode("utf-8")


def _triples(a: Assessment) -> Iterable[tuple[Any, Any, Any]]:
    node = NamedNode(assessment_iri(a.unit, a.date))
    unit, date = NamedNode(a.unit), Literal(a.date.isoformat(), datatype=NamedNode(_XSD + "date"))
    rdf_type, assessed_unit = NamedNode(_RDF_TYPE), _fo("assessedUnit")
    dcterms_date = NamedNode(PREFIXES["dcterms"] + "date")
    yield node, rdf_type, _fo("Assessment")
    yield node, assessed_unit, unit
    yield node, dcterms_date, date
    if a.edition is not None:
        yield node, _fo("inEdition"), NamedNode(edition_iri(a.edition))
    for person in a.people:
        yield node, NamedNode(PREFIXES["prov"] + "wasAssociatedWith"), NamedNode(person.iri)
        if person.name is not None:  # kept, so that an export writes the name back
            yield NamedNode(person.iri), rdf_type, NamedNode(FOAF + "Person")
            yield NamedNode(person.iri), NamedNode(FOAF + "name"), Literal(person.name)
    for key, weight in zip(LENS_KEYS, a.weights or ()):
        part = NamedNode(f"{node.value}/weight/{key}")
        yield node, _fo("lensWeight"), part
        yield part, rdf_type, _fo("LensWeight")
        yield part, _fo("lens"), NamedNode(lens_iri(key))
        yield part, _fo("weight"), Literal(_decimal(weight), datatype=NamedNode(_XSD + "decimal"))
    for row in a.rows:
        yield from _row_triples(node, unit, date, row)


def _row_triples(assessment: Any, unit: Any, date: Any, row: CapabilityRow) -> Iterable[tuple]:
    node = NamedNode(f"{assessment.value}/{local_key(row.capability)}")
    rdf_type, integer = NamedNode(_RDF_TYPE), NamedNode(_XSD + "integer")
    yield node, rdf_type, _fo("CapabilityAssessment")
    yield node, _fo("partOfAssessment"), assessment
    yield node, _fo("assessedUnit"), unit
    yield node, _fo("assessedCapability"), NamedNode(row.capability)
    yield node, NamedNode(PREFIXES["dcterms"] + "date"), date
    for key, score in zip(LENS_KEYS, row.scores or ()):
        part = NamedNode(f"{node.value}/{key}")
        yield node, _fo("hasLensScore"), part
        yield part, rdf_type, _fo("LensScore")
        yield part, _fo("lens"), NamedNode(lens_iri(key))
        yield part, _fo("score"), Literal(str(score), datatype=integer)
    if row.target is not None:
        yield node, _fo("targetScore"), Literal(str(row.target), datatype=integer)
    if row.evidence is not None:
        yield node, _fo("evidence"), (NamedNode(row.evidence.value) if row.evidence.is_iri
                                      else Literal(row.evidence.value))
    if row.achieved_level is not None:
        yield node, _fo("achievedLevel"), NamedNode(row.achieved_level)
    if row.target_level is not None:
        yield node, _fo("targetLevel"), NamedNode(row.target_level)


def _decimal(value: Decimal) -> str:
    """Return a weight as an xsd:decimal's text with a point, as 30.0 or 33.33."""
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


_ASSESSMENTS = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?g ?a ?unit ?date ?edition WHERE {
  GRAPH ?g { ?a a fo:Assessment ; fo:assessedUnit ?unit ; dcterms:date ?date .
             OPTIONAL { ?a fo:inEdition ?edition } }
}
"""
_PEOPLE = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?a ?person ?name WHERE {
  GRAPH ?g { ?a prov:wasAssociatedWith ?person . OPTIONAL { ?person foaf:name ?name } }
}
"""
_WEIGHTS = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
SELECT ?a ?lens ?weight WHERE { GRAPH ?g { ?a fo:lensWeight [ fo:lens ?lens ; fo:weight ?weight ] } }
"""
_ROWS = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
SELECT ?a ?c ?capability ?target ?evidence ?achieved ?targetLevel WHERE {
  GRAPH ?g {
    ?c fo:partOfAssessment ?a ; fo:assessedCapability ?capability .
    OPTIONAL { ?c fo:targetScore ?target }
    OPTIONAL { ?c fo:evidence ?evidence }
    OPTIONAL { ?c fo:achievedLevel ?achieved }
    OPTIONAL { ?c fo:targetLevel ?targetLevel }
  }
}
"""
_SCORES = """
PREFIX fo: <https://w3id.org/finops-kg/ontology#>
SELECT ?a ?c ?lens ?score WHERE {
  GRAPH ?g { ?c fo:partOfAssessment ?a ; fo:hasLensScore [ fo:lens ?lens ; fo:score ?score ] }
}
"""


def read_assessments(store: Any, graphs: Sequence[str] | None = None,
                     units: Sequence[str] = (), date: datetime.date | None = None) -> list[Assessment]:
    """Return the assessments in the store's named graphs (or in the graphs given), by unit and
    date: all of them, or those of the given units and day.

    A person's name is read from the assessment's own graph only: it is there when the workbook
    named the person, and an export writes the name back; otherwise it writes the IRI. In a
    workspace, graphs are the user's graphs, so that the edition's graph, which holds a copy of
    them all, does not lend a person the name another file gives.
    """
    options: dict[str, Any] = {} if graphs is None else {
        "named_graphs": [NamedNode(g) for g in graphs]}
    heads = {}
    for row in store.query(_ASSESSMENTS, **options):
        day = datetime.date.fromisoformat(row["date"].value)
        if (units and row["unit"].value not in units) or (date is not None and day != date):
            continue
        edition = row["edition"].value.rsplit("/", 1)[-1] if row["edition"] is not None else None
        heads[row["a"].value] = (row["unit"].value, day, edition)
    chosen = units or date is not None

    def query(text: str) -> Any:
        """Yield the rows of a query: at once for every assessment, or one chosen one at a time."""
        if not chosen:
            yield from store.query(text, **options)
            return
        for iri in sorted(heads):
            yield from store.query(text, substitutions={pyoxigraph.Variable("a"): NamedNode(iri)},
                                   **options)

    people: dict[str, dict[str, str | None]] = defaultdict(dict)
    for row in query(_PEOPLE):
        name = row["name"].value if row["name"] is not None else None
        known = people[row["a"].value]
        known[row["person"].value] = min(filter(None, (known.get(row["person"].value), name)),
                                         default=None)
    weights: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in query(_WEIGHTS):
        weights[row["a"].value][row["lens"].value] = Decimal(row["weight"].value)
    scores: dict[str, dict[str, int]] = defaultdict(dict)
    for row in query(_SCORES):
        scores[row["c"].value][row["lens"].value] = int(row["score"].value)
    rows: dict[str, dict[str, CapabilityRow]] = defaultdict(dict)
    for row in query(_ROWS):
        c = row["c"].value
        lens_scores = scores.get(c, {})
        evidence = row["evidence"]
        if row["a"].value not in heads:
            continue
        rows[row["a"].value][row["capability"].value] = CapabilityRow(
            row["capability"].value,
            tuple(lens_scores[lens_iri(k)] for k in LENS_KEYS)
            if all(lens_iri(k) in lens_scores for k in LENS_KEYS) else None,
            int(row["target"].value) if row["target"] is not None else None,
            None if evidence is None else Evidence(evidence.value, isinstance(evidence, NamedNode)),
            row["achieved"].value if row["achieved"] is not None else None,
            row["targetLevel"].value if row["targetLevel"] is not None else None)
    found = []
    for iri, (unit, date, edition) in heads.items():
        lens_weights = weights.get(iri, {})
        found.append(Assessment(
            unit, date, edition,
            tuple(Person(p, n) for p, n in sorted(people.get(iri, {}).items())),
            tuple(lens_weights[lens_iri(k)] for k in LENS_KEYS)
            if all(lens_iri(k) in lens_weights for k in LENS_KEYS) else None,
            tuple(row for _, row in sorted(rows.get(iri, {}).items()))))
    return sorted(found, key=lambda a: (a.unit, a.date))


def load_ntriples(data: bytes) -> Any:
    """Return an in-memory store with N-Triples in one named graph, as a workspace holds them."""
    store = pyoxigraph.Store()
    store.load(data, pyoxigraph.RdfFormat.N_TRIPLES, to_graph=NamedNode("urn:finops-kg:import"))
    return store
