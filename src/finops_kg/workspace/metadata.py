"""The workspace's record of itself and of each graph loaded, kept in a named graph of its store.

Kept inside the store, the record is written in the same generation as the data it describes,
so the two never disagree. Terms are DCMI, PROV-O and VoID:

    <urn:finops-kg:workspace> a void:Dataset ;
        dcterms:created, dcterms:modified   xsd:dateTime
        dcterms:conformsTo                  the Framework edition the user's graphs join
        void:subset                         the Framework node and each user graph
    <urn:finops-kg:workspace:framework> a void:Dataset ;
        dcterms:identifier                  the dataset key of the Framework graphs
        owl:versionInfo                     the finops-kg version that put them in
        prov:generatedAtTime                when (init or upgrade)
    <a user graph> a void:Dataset ;
        void:triples, dcterms:source (the file), dcterms:identifier ("sha256:..." of the file),
        prov:generatedAtTime (loaded at), dcterms:isPartOf (the file's own graph, for a graph
        that a TriG, N-Quads or JSON-LD file names itself)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, unquote, urlparse

from pyoxigraph import Literal, NamedNode, Quad

NAMESPACE = "urn:finops-kg:workspace:"
WORKSPACE = "urn:finops-kg:workspace"
META_GRAPH = NAMESPACE + "meta"
FRAMEWORK = NAMESPACE + "framework"
FILE_GRAPHS = NAMESPACE + "file:"

_DCTERMS = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET = NamedNode(_VOID + "Dataset")
SUBSET = NamedNode(_VOID + "subset")
TRIPLES = NamedNode(_VOID + "triples")
CREATED = NamedNode(_DCTERMS + "created")
MODIFIED = NamedNode(_DCTERMS + "modified")
CONFORMS_TO = NamedNode(_DCTERMS + "conformsTo")
IDENTIFIER = NamedNode(_DCTERMS + "identifier")
SOURCE = NamedNode(_DCTERMS + "source")
PART_OF = NamedNode(_DCTERMS + "isPartOf")
GENERATED_AT = NamedNode(_PROV + "generatedAtTime")
VERSION_INFO = NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
DATE_TIME = NamedNode(_XSD + "dateTime")
INTEGER = NamedNode(_XSD + "integer")


def framework_copy(edition: str) -> str:
    """Return the graph that keeps the edition's graph as published, without the user's data."""
    return f"{NAMESPACE}framework:{edition}"


def file_graph(path: Path) -> str:
    """Return the graph a file loads into unless told otherwise: one per file name."""
    return FILE_GRAPHS + quote(path.name, safe="")


def now() -> str:
    """Return the time now, in UTC, as xsd:dateTime text to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Info:
    """What a workspace was made with and when."""

    edition: str
    dataset_key: str
    package_version: str
    created: str
    modified: str
    framework_loaded: str


@dataclass(frozen=True)
class GraphRecord:
    """One user graph: how many triples, from which file, that file's SHA-256 and when."""

    graph: str
    triples: int
    source: str
    sha256: str
    loaded_at: str
    part_of: str | None = None

    @property
    def owner(self) -> str:
        """Return the graph of the file this graph came from (itself for a file's own graph)."""
        return self.part_of or self.graph


def info_quads(info: Info, records: Iterable[GraphRecord]) -> list[Quad]:
    """Return the quads that describe the workspace and the Framework in it."""
    from finops_kg.graph.iris import edition_iri

    graph, workspace, framework = NamedNode(META_GRAPH), NamedNode(WORKSPACE), NamedNode(FRAMEWORK)
    triples = [
        (workspace, RDF_TYPE, DATASET),
        (workspace, CREATED, Literal(info.created, datatype=DATE_TIME)),
        (workspace, MODIFIED, Literal(info.modified, datatype=DATE_TIME)),
        (workspace, CONFORMS_TO, NamedNode(edition_iri(info.edition))),
        (workspace, SUBSET, framework),
        (framework, RDF_TYPE, DATASET),
        (framework, IDENTIFIER, Literal(info.dataset_key)),
        (framework, VERSION_INFO, Literal(f"finops-kg {info.package_version}")),
        (framework, GENERATED_AT, Literal(info.framework_loaded, datatype=DATE_TIME)),
    ]
    quads = [Quad(s, p, o, graph) for s, p, o in triples]
    for record in records:
        quads += record_quads(record)
    return quads


def record_quads(record: GraphRecord) -> list[Quad]:
    """Return the quads that describe one user graph."""
    graph, subject = NamedNode(META_GRAPH), NamedNode(record.graph)
    triples = [
        (NamedNode(WORKSPACE), SUBSET, subject),
        (subject, RDF_TYPE, DATASET),
        (subject, TRIPLES, Literal(str(record.triples), datatype=INTEGER)),
        (subject, SOURCE, NamedNode(Path(record.source).absolute().as_uri())),
        (subject, IDENTIFIER, Literal(f"sha256:{record.sha256}")),
        (subject, GENERATED_AT, Literal(record.loaded_at, datatype=DATE_TIME)),
    ]
    if record.part_of:
        triples.append((subject, PART_OF, NamedNode(record.part_of)))
    return [Quad(s, p, o, graph) for s, p, o in triples]


def write(store: Any, info: Info, records: Iterable[GraphRecord]) -> None:
    """Replace the metadata graph of a store being written with this description."""
    store.remove_graph(NamedNode(META_GRAPH))
    store.extend(info_quads(info, records))


def read_info(store: Any) -> Info:
    """Return what the workspace was made with, read from its store."""
    from finops_kg.graph.iris import ID_IRI

    values = _values(store)
    workspace, framework = values.get(WORKSPACE, {}), values.get(FRAMEWORK, {})
    conforms = workspace.get(CONFORMS_TO.value, "")
    return Info(
        edition=conforms.removeprefix(f"{ID_IRI}edition/"),
        dataset_key=framework.get(IDENTIFIER.value, ""),
        package_version=framework.get(VERSION_INFO.value, "").removeprefix("finops-kg "),
        created=workspace.get(CREATED.value, ""),
        modified=workspace.get(MODIFIED.value, ""),
        framework_loaded=framework.get(GENERATED_AT.value, ""))


def read_records(store: Any) -> list[GraphRecord]:
    """Return the record of every user graph: each file's graph, then the graphs it named."""
    values = _values(store)
    subsets = [q.object.value for q in store.quads_for_pattern(
        NamedNode(WORKSPACE), SUBSET, None, NamedNode(META_GRAPH))]
    records = []
    for graph in set(subsets) - {FRAMEWORK}:
        fields = values.get(graph, {})
        records.append(GraphRecord(
            graph=graph,
            triples=int(fields.get(TRIPLES.value, "0")),
            source=_path_of(fields.get(SOURCE.value, "")),
            sha256=fields.get(IDENTIFIER.value, "").removeprefix("sha256:"),
            loaded_at=fields.get(GENERATED_AT.value, ""),
            part_of=fields.get(PART_OF.value)))
    return sorted(records, key=lambda r: (r.owner, r.part_of is not None, r.graph))


def _values(store: Any) -> dict[str, dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    for quad in store.quads_for_pattern(None, None, None, NamedNode(META_GRAPH)):
        if quad.predicate != SUBSET:
            values.setdefault(quad.subject.value, {})[quad.predicate.value] = quad.object.value
    return values


def _path_of(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri
