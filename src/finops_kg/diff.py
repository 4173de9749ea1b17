"""A typed change report between two editions, computed from their graphs and change records.

Renames, additions, removals and domain moves are read off an rdflib graph_diff of the two
edition graphs. Merges and definition changes cannot be seen that way (the definitions are our
own paraphrases), so they come from the fo:EditionChange records, which also confirm the rest.
Each change says whether the graphs, the records or both support it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from finops_kg.graph.labels import is_deprecated, label
from finops_kg.graph.load import edition_graph_iri, new_graph
from finops_kg.graph.resources import check_edition
from finops_kg.graph.namespace import FID, FO, shorten
from finops_kg.table import render_table

# The kinds of element whose presence, name and domain the diff follows.
TRACKED_CLASSES = {
    FO.Principle: "principle", FO.CorePersona: "persona", FO.AlliedPersona: "persona",
    FO.Phase: "phase", FO.MaturityLevel: "maturity level", FO.Domain: "domain",
    FO.Capability: "capability", FO.TechnologyCategory: "technology category",
    FO.IntersectingDiscipline: "intersecting discipline",
}
CHANGE_TYPES = {
    FO.Renamed: "renamed", FO.Added: "added", FO.Removed: "removed",
    FO.MergedInto: "merged-into", FO.MovedDomain: "moved-domain",
    FO.DefinitionChanged: "definition-changed",
}
_ORDER = list(CHANGE_TYPES.values())


@dataclass(frozen=True)
class Change:
    """One typed change of one element between two editions."""

    change_type: str
    kind: str
    subject: str
    old_label: str
    new_label: str
    target: str
    evidence: str
    confidence: str
    source: str


def diff_editions(old: str, new: str) -> list[Change]:
    """Return the typed changes from edition old to edition new."""
    from finops_kg.release.dataset import load

    check_edition(old)
    check_edition(new)
    before, after = load(old), load(new)
    found = _changes_in_graphs(before, after)
    records = _change_records(before + after, edition_graph_iri(old), edition_graph_iri(new))
    changes = []
    for key in sorted(set(found) | set(records), key=lambda k: (_ORDER.index(k[0]), k[1])):
        seen, recorded = found.get(key), records.get(key)
        base = recorded or seen
        evidence = "graphs and record" if seen and recorded else "graphs" if seen else "record"
        changes.append(Change(
            change_type=key[0],
            kind=_kind(key[1], before, after),
            subject=str(key[1]),
            old_label=base["old_label"] or (seen or {}).get("old_label", ""),
            new_label=base["new_label"] or (seen or {}).get("new_label", ""),
            target=base["target"] or (seen or {}).get("target", ""),
            evidence=evidence,
            confidence=(recorded or {}).get("confidence", ""),
            source=(recorded or {}).get("source", ""),
        ))
    return changes


def _followed(graph: Graph) -> Graph:
    """The triples the diff compares: types, names, domains and deprecation of tracked elements."""
    followed = Graph()
    subjects = {s for cls in TRACKED_CLASSES for s in graph.subjects(RDF.type, cls)}
    for subject in subjects:
        if is_deprecated(graph, subject):
            continue  # kept only for its IRI: not part of the edition
        for predicate in (RDF.type, SKOS.prefLabel, FO.inDomain):
            for obj in graph.objects(subject, predicate):
                followed.add((subject, predicate, obj))
    return followed


def _changes_in_graphs(before: Graph, after: Graph) -> dict[tuple[str, URIRef], dict]:
    _, only_old, only_new = graph_diff(to_isomorphic(_followed(before)),
                                       to_isomorphic(_followed(after)))
    # An edition that models no member of a class says nothing about that class's changes: the
    # 2025 graph, for instance, records no intersecting disciplines.
    modelled = {cls for cls in TRACKED_CLASSES
                if (None, RDF.type, cls) in before and (None, RDF.type, cls) in after}
    followed_old, followed_new = _followed(before), _followed(after)
    old_members = {s for cls in modelled for s in followed_old.subjects(RDF.type, cls)}
    new_members = {s for cls in modelled for s in followed_new.subjects(RDF.type, cls)}
    found: dict[tuple[str, URIRef], dict] = {}
    for subject in sorted(old_members - new_members):
        found[("removed", subject)] = _labels(subject, before, None)
    for subject in sorted(new_members - old_members):
        found[("added", subject)] = _labels(subject, None, after)
    both = old_members & new_members
    for subject in sorted({s for s, p, _ in only_new if p == SKOS.prefLabel} & both):
        found[("renamed", subject)] = _labels(subject, before, after)
    for subject in sorted({s for s, p, _ in only_new if p == FO.inDomain} & both):
        entry = _labels(subject, before, after)
        entry["target"] = str(after.value(subject, FO.inDomain))
        found[("moved-domain", subject)] = entry
    return found


def _change_records(graph: Graph, old: URIRef, new: URIRef) -> dict[tuple[str, URIRef], dict]:
    records = {}
    for record in graph.subjects(RDF.type, FO.EditionChange):
        if graph.value(record, FO.fromEdition) != old or graph.value(record, FO.toEdition) != new:
            continue
        change_type = CHANGE_TYPES.get(graph.value(record, FO.changeType), "")
        subject = graph.value(record, FO.changeSubject)
        confidence = graph.value(record, FO.confidence)
        targets = sorted(graph.objects(record, FO.changeTarget))
        records[(change_type, subject)] = {
            "old_label": str(graph.value(record, FO.oldLabel) or ""),
            "new_label": str(graph.value(record, FO.newLabel) or ""),
            "target": " ".join(str(t) for t in targets),
            "confidence": label(graph, confidence) if confidence else "",
            # The least of a record's sources, so that the report never depends on set order.
            "source": min((str(s) for s in graph.objects(record, DCTERMS.source)), default=""),
        }
    return records


def _labels(subject: URIRef, old: Graph | None, new: Graph | None) -> dict:
    return {"old_label": label(old, subject) if old is not None else "",
            "new_label": label(new, subject) if new is not None else "", "target": ""}


def _kind(subject: URIRef, *graphs: Graph) -> str:
    for graph in graphs:
        for cls in graph.objects(subject, RDF.type):
            if cls in TRACKED_CLASSES:
                return TRACKED_CLASSES[cls]
    return "element"


COLUMNS = ("change_type", "kind", "subject", "old_label", "new_label", "target", "evidence",
           "confidence")


def to_table(changes: list[Change]) -> str:
    """Return the changes as an aligned text table for people to read."""
    headers = [c.replace("_", " ") for c in COLUMNS]
    rows = [[_show(getattr(change, c)) for c in COLUMNS] for change in changes]
    counts = {t: sum(c.change_type == t for c in changes) for t in _ORDER}
    summary = ", ".join(f"{n} {t}" for t, n in counts.items() if n) or "no changes"
    return render_table(headers, rows) + "\n" + summary + "\n"


def to_json(changes: list[Change], old: str, new: str) -> str:
    """Return the changes as JSON."""
    body = {"from": old, "to": new, "changes": [asdict(c) for c in changes]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def to_graph(changes: list[Change], old: str, new: str) -> Graph:
    """Return the changes as fo:EditionChange resources."""
    graph = new_graph()
    types = {name: iri for iri, name in CHANGE_TYPES.items()}
    for change in changes:
        local = change.subject.rsplit("/", 1)[-1]
        node = FID[f"edition-change/{old}-{new}/{local}-{change.change_type}"]
        graph.add((node, RDF.type, FO.EditionChange))
        graph.add((node, FO.changeType, types[change.change_type]))
        graph.add((node, FO.changeSubject, URIRef(change.subject)))
        graph.add((node, FO.fromEdition, edition_graph_iri(old)))
        graph.add((node, FO.toEdition, edition_graph_iri(new)))
        if change.old_label:
            graph.add((node, FO.oldLabel, Literal(change.old_label, lang="en")))
        if change.new_label:
            graph.add((node, FO.newLabel, Literal(change.new_label, lang="en")))
        for target in change.target.split():
            graph.add((node, FO.changeTarget, URIRef(target)))
        graph.add((node, RDFS.comment, Literal(f"Supported by: {change.evidence}.", lang="en")))
    return graph


def _show(value: str) -> str:
    if not value:
        return "-"
    if value.startswith("http"):
        return " ".join(shorten(part) for part in value.split())
    return value
