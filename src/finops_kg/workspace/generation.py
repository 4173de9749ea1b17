"""Writing one generation of a workspace's store: the Framework, the edition's union, user graphs.

Every user graph is stored twice: as itself, and as part of the graph of the workspace's edition,
which so becomes the union of the Framework's edition and everything the user loaded. That union
is what `--data` makes of the user's files, and what catalogue queries reading `GRAPH ?edition`
need; a graph name cannot be an alias in SPARQL, so the union has to be stored. A user triple the
ontology graph already holds is left out of the union, so that a default graph made of the
ontology and the union never holds a triple twice. The edition as published is kept in a graph of
its own, to tell which triples of the union the Framework states.

A file of triples (N-Triples, Turtle, RDF/XML) is loaded by Oxigraph straight from the file, into
its graph and again into the union, with no quad passing through Python: about the same CPU time
as parsing it in Python, but Oxigraph writes on every core and in half the memory (measured at a
million triples). The file is first copied into the generation (sources/),
and loaded from that copy, which is kept: validation reads the user's data back from these copies
into memory, since reading a million triples out of the on-disk store costs ten times as much.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pyoxigraph
from pyoxigraph import NamedNode, Quad

from finops_kg.graph.iris import ONTOLOGY_IRI, edition_iri
from finops_kg.workspace.loaders import Straight, may_have_blank_nodes
from finops_kg.workspace.metadata import META_GRAPH, framework_copy

# Quads parsed per bulk write: it bounds the memory of a load (about 0.5 GB at this size) at a
# small cost in speed; Oxigraph's bulk loader keeps a whole batch in memory.
CHUNK = 200_000
SOURCES = "sources"  # the folder of a generation that keeps the files loaded straight from disk
SOURCES_INDEX = "index.json"  # which graph each kept file fills, in which format, with which base
UNCOMPACTED = "uncompacted.txt"  # triples changed since the store was last compacted


class GenerationWriter:
    """Writes a new generation of a workspace's store, opened read-write and seen by no reader."""

    def __init__(self, store: Any, edition: str, path: Path | None = None) -> None:
        self.store = store
        self.path = path
        self.union = NamedNode(edition_iri(edition))
        self.copy = NamedNode(framework_copy(edition))
        self._ontology: set[tuple] | None = None
        # graph -> the kept copy of the file that fills it: {"file", "format", "base"}
        self.sources: dict[str, dict] = {}

    def framework_from_file(self, path: Path) -> None:
        """Load the compiled Framework dataset, and keep a copy of the edition as published."""
        self.store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
        self.store.bulk_extend(Quad(q.subject, q.predicate, q.object, self.copy)
                               for q in self.store.quads_for_pattern(None, None, None, self.union))

    def framework_from(self, old: Any, user_graphs: set[str]) -> None:
        """Copy the Framework graphs of an older generation, without its user graphs or record."""
        skip = user_graphs | {META_GRAPH, self.union.value}
        self.store.bulk_extend(
            quad for graph in old.named_graphs() if graph.value not in skip
            for quad in old.quads_for_pattern(None, None, None, graph))
        self.store.bulk_extend(Quad(q.subject, q.predicate, q.object, self.union)
                               for q in self.store.quads_for_pattern(None, None, None, self.copy))

    def ontology_triples(self) -> set[tuple]:
        """Return the triples of the ontology graph, which the union leaves out."""
        if self._ontology is None:
            self._ontology = {(q.subject, q.predicate, q.object) for q in
                              self.store.quads_for_pattern(None, None, None, NamedNode(ONTOLOGY_IRI))}
        return self._ontology

    def add_user_quads(self, quads: Iterable[Quad]) -> None:
        """Write quads already named with their user graph, and each triple into the union too."""
        ontology, union = self.ontology_triples(), self.union

        def with_union(batch: list[Quad]) -> Iterator[Quad]:
            for quad in batch:
                yield quad
                subject, predicate, obj = quad.subject, quad.predicate, quad.object
                if (subject, predicate, obj) not in ontology:
                    yield Quad(subject, predicate, obj, union)

        quads = iter(quads)
        while batch := list(islice(quads, CHUNK)):
            self.store.bulk_extend(with_union(batch))

    def load_file(self, path: Path, how: Straight, target: str,
                  progress: Callable[[int], None] | None = None) -> None:
        """Bulk-load a file of triples into its graph and into the union, parsed by Oxigraph.

        Each bulk load names a file's blank nodes afresh, so a file that may have any is loaded
        once and its graph copied into the union, which keeps them the same node in both.
        progress, if given, is called with the number of lines read so far.
        """
        graph, rdf_format, base_iri = NamedNode(target), how.format, how.base_iri
        kept = self._keep_source(path, target, rdf_format, base_iri)
        with kept.open("rb") as raw:
            stream = io.BufferedReader(_CountingReader(raw, progress), 1 << 18) \
                if progress is not None else raw
            self.store.bulk_load(stream, format=rdf_format, base_iri=base_iri, to_graph=graph)
        if may_have_blank_nodes(kept, how.format_name):
            quads = (Quad(q.subject, q.predicate, q.object, self.union)
                     for q in self.store.quads_for_pattern(None, None, None, graph))
            while batch := list(islice(quads, CHUNK)):
                self.store.bulk_extend(batch)
        else:
            # The same bytes again, checked by the first load: lenient skips checking them.
            self.store.bulk_load(path=str(kept), format=rdf_format, base_iri=base_iri,
                                 to_graph=self.union, lenient=True)
        self._leave_ontology_out(graph)

    def _leave_ontology_out(self, graph: NamedNode) -> None:
        """Remove from the union the ontology's triples a bulk-loaded graph put there (the
        union holds such a triple only where the edition as published states it)."""
        store = self.store
        for subject, predicate, obj in self.ontology_triples():
            if Quad(subject, predicate, obj, graph) in store \
                    and Quad(subject, predicate, obj, self.copy) not in store:
                store.remove(Quad(subject, predicate, obj, self.union))

    def _keep_source(self, path: Path, target: str, rdf_format: Any, base_iri: str) -> Path:
        """Copy a file into the generation's sources, and note which graph it fills."""
        assert self.path is not None, "a writer of a generation folder keeps sources"
        folder = self.path / SOURCES
        folder.mkdir(exist_ok=True)
        kept = folder / f"{len(os.listdir(folder))}{path.suffix.lower()}"
        shutil.copyfile(path, kept)
        self.sources[target] = {"file": kept.name, "format": _format_name(rdf_format),
                                "base": base_iri}
        return kept

    def keep_sources_of(self, old: Path, graphs: Iterable[str]) -> None:
        """Carry the kept files of graphs from an older generation over (hard links: the
        files never change once written)."""
        assert self.path is not None, "a writer of a generation folder keeps sources"
        index = read_sources(old)
        wanted = [graph for graph in graphs if graph in index]
        if not wanted:
            return
        folder = self.path / SOURCES
        folder.mkdir(exist_ok=True)
        for graph in wanted:
            entry = dict(index[graph])
            kept = folder / f"{len(os.listdir(folder))}{Path(entry['file']).suffix}"
            source = old / SOURCES / entry["file"]
            try:
                os.link(source, kept)
            except OSError:  # a file system without hard links
                shutil.copyfile(source, kept)
            entry["file"] = kept.name
            self.sources[graph] = entry

    def write_sources_index(self, graphs: Iterable[str]) -> None:
        """Write the index of the kept files of the graphs the generation holds."""
        if self.path is None:
            return
        wanted = set(graphs)
        index = {graph: entry for graph, entry in self.sources.items() if graph in wanted}
        folder = self.path / SOURCES
        if not index and not folder.exists():
            return
        folder.mkdir(exist_ok=True)
        (folder / SOURCES_INDEX).write_text(json.dumps(index, indent=1, sort_keys=True),
                                            encoding="utf-8")

    def remove_user_graphs(self, graphs: Iterable[str], kept: Iterable[str]) -> None:
        """Remove user graphs, and from the union each triple that no kept graph states.

        Removing costs several times what writing costs, so a caller removes in place only what is
        small beside the rest, and otherwise writes a new generation without it.
        """
        supporters = {NamedNode(name) for name in kept} | {self.copy}
        ontology, store = self.ontology_triples(), self.store
        for name in graphs:
            graph = NamedNode(name)
            orphans = []
            for quad in store.quads_for_pattern(None, None, None, graph):
                triple = (quad.subject, quad.predicate, quad.object)
                if triple in ontology:
                    continue
                if not any(other.graph_name in supporters
                           for other in store.quads_for_pattern(*triple, None)):
                    orphans.append(Quad(*triple, self.union))
            for quad in orphans:
                store.remove(quad)
            store.remove_graph(graph)

    def count(self, graph: str) -> int:
        """Return the number of triples in one graph."""
        answer = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  named_graphs=[NamedNode(graph)])
        return int(next(iter(answer))[0].value)


def read_uncompacted(generation: Path) -> int:
    """Return how many user triples changed in a generation's store since it was last compacted
    (every one, for a generation that does not say)."""
    try:
        return int((generation / UNCOMPACTED).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return 1 << 62


def write_uncompacted(generation: Path, triples: int) -> None:
    """Record in a generation being written how many user triples changed since its store was
    last compacted."""
    (generation / UNCOMPACTED).write_text(str(triples), encoding="ascii")


def read_sources(generation: Path) -> dict[str, dict]:
    """Return the index of the files a generation keeps: graph -> {"file", "format", "base"};
    empty for a generation that keeps none (or was written before they were kept)."""
    try:
        index = json.loads((generation / SOURCES / SOURCES_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {graph: entry for graph, entry in index.items()
            if isinstance(entry, dict) and {"file", "format", "base"} <= set(entry)
            and entry["format"] in _FORMAT_NAMES
            and (generation / SOURCES / str(entry["file"])).is_file()}


def source_format(entry: dict) -> Any:
    """Return the pyoxigraph RdfFormat of a kept file's index entry."""
    return getattr(pyoxigraph.RdfFormat, entry["format"])


_FORMAT_NAMES = ("N_TRIPLES", "TURTLE", "RDF_XML")  # the formats a file loaded straight is in


def _format_name(rdf_format: Any) -> str:
    return next(name for name in _FORMAT_NAMES if getattr(pyoxigraph.RdfFormat, name) == rdf_format)


class _CountingReader(io.RawIOBase):
    """A file read by Oxigraph, counting the lines read so far for the progress report."""

    def __init__(self, raw: Any, progress: Callable[[int], None] | None) -> None:
        super().__init__()
        self._raw, self._progress, self.lines = raw, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)
        if count:
            self.lines += bytes(buffer[:count]).count(b"\n")
            if self._progress is not None:
                self._progress(self.lines)
        return count or 0
