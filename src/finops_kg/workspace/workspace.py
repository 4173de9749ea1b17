"""The Workspace: an on-disk Oxigraph store with the Framework and the user's own graphs.

Each file loads into a named graph of its own (urn:finops-kg:workspace:file:NAME unless given
another), replacing what that graph held; its triples also join the graph of the workspace's
edition, as `--data` joins them. A quad that a TriG, N-Quads or JSON-LD file puts in a named graph
keeps that graph, recorded as coming from the file, and is replaced or dropped with it. Every
change writes a new generation and publishes it at once (see folder), so a change that fails
leaves the workspace as it was, and readers never see half of one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad

from finops_kg.graph.guard import check_rdf, too_long
from finops_kg.graph.iris import DEFAULT_EDITION, ONTOLOGY_IRI, edition_iri
from finops_kg.workspace import metadata
from finops_kg.workspace.folder import Folder, WorkspaceError, is_empty_folder
from finops_kg.workspace.generation import (SOURCES, GenerationWriter, read_sources,
                                             read_uncompacted, source_format, write_uncompacted)
from finops_kg.workspace.loaders import (
    LoadContext,
    LoadError,
    Straight,
    describe_syntax_error,
    loader_for,
    straight_load,
)
from finops_kg.workspace.metadata import GraphRecord, Info
from finops_kg.workspace.view import DatasetView, Reader, WritingView

# What a long change is doing ("loading FILE", "exporting"), and how many triples it has done
Progress = Callable[[str, int], None]
EXPORT_FORMATS = ("nq", "trig")
# Removing a quad in place costs about five times writing it into a new store (measured on
# Oxigraph 0.5): past that ratio a change writes a new generation without the removed graphs.
REMOVAL_COST = 5
DUMP_BLOCK = 1 << 22  # bytes of a graph's dump read at a time, to write it into the export
PROGRESS_AFTER = 2.0  # seconds a change runs before it reports its progress, then at this interval
# Each load leaves the store as more, smaller, overlapping files, which every read then looks
# through: a million triples loaded file by file queried up to twice as slowly (score-trend 6.2 s
# against 2.9 s, export 9.0 s against 4.4 s) until compacted, which took 3 to 4 s. A change
# compacts the store once the triples changed since it was last compacted reach 1/COMPACT_AFTER
# of the user's triples, so that compacting costs at most that many times the writing.
COMPACT_AFTER = 8
COMPACTING = "compacting the store"  # what progress is told, with the triples the store holds

_warned: set[Path] = set()


@dataclass
class Change:
    """A new generation being written, and the user graphs it will hold when it is published."""

    writer: GenerationWriter
    records: list[GraphRecord] = field(default_factory=list)


class Workspace:
    """A workspace folder: init or open it, then load, list, drop, export, upgrade or query it."""

    def __init__(self, path: str | Path, edition: str | None = None) -> None:
        self.path = Path(path)
        self.folder = Folder(self.path)
        self.folder.check()
        self.created = False
        self._reader = Reader(self.folder, edition)

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, warn: bool = True, edition: str | None = None) -> Workspace:
        """Open an existing workspace; warn once on stderr when its Framework is out of date.

        edition sets the edition of the default graph queries see (default: the workspace's).
        """
        workspace = cls(path, edition)
        if warn:
            workspace.warn_if_outdated()
        return workspace

    @classmethod
    def init(cls, path: str | Path, edition: str = DEFAULT_EDITION) -> Workspace:
        """Create a workspace holding the Framework dataset, or open the one already there."""
        from finops_kg import __version__
        from finops_kg.graph.resources import check_edition
        from finops_kg.release.compiled import dataset_key, dataset_quads_file

        check_edition(edition)
        path = Path(path)
        folder = Folder(path)
        if folder.is_workspace() and folder.is_complete():
            return cls.open(path)
        if path.exists() and not (is_empty_folder(path) or folder.is_workspace()):
            raise WorkspaceError(f"{path}: exists and is neither an empty folder nor a "
                                 "workspace; give a new or an empty folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WorkspaceError(f"{path}: cannot be created ({error.strerror or error})") from None
        folder.write_marker()
        with folder.writing():  # which also removes what a stopped init left
            target = folder.new_generation()
            with _new_generation(folder, target, edition, rebuild=True) as writer:
                writer.framework_from_file(dataset_quads_file())
                stamp = metadata.now()
                metadata.write(writer.store, Info(edition, dataset_key(), __version__, stamp,
                                                  stamp, stamp), [])
        workspace = cls(path)
        workspace.created = True
        return workspace

    # -- reading ----------------------------------------------------------------------------

    @property
    def info(self) -> Info:
        """Return what the workspace was made with: edition, dataset key, version, times."""
        return self.view().info

    def view(self) -> DatasetView:
        """Return the current generation, read-only, queried with the workspace's default graph."""
        return self._reader.current()

    def store(self) -> Any:
        """Return the current generation's pyoxigraph Store, read-only (its default graph is
        empty: view() gives queries the workspace's default graph)."""
        return self.view().store

    def list(self) -> list[GraphRecord]:
        """Return the record of every user graph: triples, source file, SHA-256, loaded at."""
        return metadata.read_records(self.store())

    def data_store(self) -> Any:
        """Return an in-memory pyoxigraph Store whose default graph is what a query's default
        graph sees: the ontology, the edition's graph and every graph the user loaded.

        Reading a million triples out of the on-disk store costs about ten times reading them
        from the files they were loaded from, which each generation keeps (see generation);
        the Framework and the graphs of other files are copied from the store.
        """
        view = self.view()
        store = view.store
        copy = NamedNode(metadata.framework_copy(view.edition))
        memory = pyoxigraph.Store()
        if view.edition != view.info.edition or not store.contains_named_graph(copy):
            # Another edition than the one the user's graphs joined, or an older workspace.
            graphs = [NamedNode(ONTOLOGY_IRI), NamedNode(edition_iri(view.edition))]
            sources: dict[str, dict] = {}
        else:
            sources = read_sources(self.folder.generation(view.generation))
            graphs = [NamedNode(ONTOLOGY_IRI), copy] + [
                NamedNode(r.graph) for r in metadata.read_records(store) if r.graph not in sources]
        # Terms taken from the store as they are keep each blank node one node across graphs.
        memory.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph())
                      for graph in graphs for q in store.quads_for_pattern(None, None, None, graph))
        folder = self.folder.generation(view.generation)
        for entry in sources.values():
            memory.load(path=str(folder / SOURCES / entry["file"]), format=source_format(entry),
                        base_iri=entry["base"], to_graph=DefaultGraph())
        return memory

    def outdated(self) -> str | None:
        """Return why the workspace's Framework is not the current one, or None when it is."""
        from finops_kg import __version__
        from finops_kg.release.compiled import dataset_key

        info = self.info
        if info.dataset_key == dataset_key() and info.package_version == __version__:
            return None
        return (f"{self.path} holds the Framework of finops-kg {info.package_version} (dataset "
                f"{info.dataset_key}); this is finops-kg {__version__} (dataset {dataset_key()}): "
                f"run finops-kg workspace upgrade {self.path} to replace it and keep your graphs")

    def warn_if_outdated(self) -> None:
        """Say once per process on stderr that the workspace's Framework is out of date."""
        key = self.path.resolve()
        if key in _warned:
            return
        reason = self.outdated()
        if reason:
            _warned.add(key)
            print(f"finops-kg: warning: {reason}", file=sys.stderr, flush=True)

    def close(self) -> None:
        """Close the open generation."""
        self._reader.close()

    # -- changing ---------------------------------------------------------------------------

    def load(self, files: Iterable[str | Path], graph: str | None = None,
             progress: Progress | None = None) -> list[GraphRecord]:
        """Load files, each into its own graph (graph names it for a single file), replacing
        what the graph held; all or nothing. Return the records of the graphs written."""
        paths = [Path(f) for f in files]
        if not paths:
            raise WorkspaceError("give at least one file to load")
        if graph is not None and len(paths) > 1:
            raise WorkspaceError("--graph names the graph of one file; load the files one at a "
                                 "time to name each one's graph")
        for path in paths:
            _check_readable(path)
        loaders = [loader_for(path) for path in paths]
        targets = [_checked_iri(graph) if graph is not None else metadata.file_graph(path)
                   for path in paths]
        for index, target in enumerate(targets):
            if target in targets[:index]:
                other = paths[targets.index(target)]
                raise WorkspaceError(f"{other} and {paths[index]} both load into <{target}>; "
                                     "load one of them with --graph IRI")
        digests = [_sha256(path) for path in paths]
        with self.folder.writing():
            old, info, records = self._head()
            framework = {g.value for g in old.named_graphs()} - {r.graph for r in records}
            for target in targets:
                self._check_target(target, framework, records)
            replaced = [r for r in records if r.owner in targets]
            kept = [r for r in records if r.owner not in targets]
            rebuild = _rebuild_is_cheaper(replaced, kept)
            written: list[GraphRecord] = []
            with self._change(old, info, rebuild, kept, progress=progress) as change:
                writer = change.writer
                if not rebuild:
                    writer.remove_user_graphs([r.graph for r in replaced], [r.graph for r in kept])
                # Readers look names up in the generation being written, so that a file sees
                # the files before it on the command line (an org chart, then its assessments).
                context = LoadContext(info.edition, WritingView(writer, info))
                taken = {r.graph for r in kept} | set(targets)
                for path, loader, target, digest in zip(paths, loaders, targets, digests):
                    named: set[str] = set()
                    straight = straight_load(path, loader)
                    if straight is not None:
                        _load_straight(writer, path, straight, target, progress)
                        named.add(target)
                    else:
                        quads = _into_graphs(path, _reported(loader.read(path, context),
                                                             f"loading {path}", progress),
                                             target, forbidden=framework | taken - {target},
                                             named=named)
                        writer.add_user_quads(quads)
                    taken |= named
                    stamp = metadata.now()
                    written += [GraphRecord(name, writer.count(name), str(path.resolve()), digest,
                                            stamp, None if name == target else target)
                                for name in [target, *sorted(named - {target})]]
                change.records = kept + written
        return written

    def drop(self, graph: str, progress: Progress | None = None) -> list[GraphRecord]:
        """Remove one user graph (a file's graph with the graphs that file named); return the
        records of the graphs removed."""
        with self.folder.writing():
            old, info, records = self._head()
            chosen = _find_record(graph, records, {g.value for g in old.named_graphs()}, self.path)
            removed = [r for r in records if r.graph == chosen.graph or r.part_of == chosen.graph]
            kept = [r for r in records if r not in removed]
            rebuild = _rebuild_is_cheaper(removed, kept)
            with self._change(old, info, rebuild, kept, progress=progress) as change:
                if not rebuild:
                    change.writer.remove_user_graphs([r.graph for r in removed],
                                                     [r.graph for r in kept])
                change.records = kept
        return removed

    def upgrade(self, progress: Progress | None = None) -> tuple[Info, Info]:
        """Replace the Framework graphs with the current dataset and keep the user's graphs;
        return the workspace's description before and after (the same when it was current)."""
        from finops_kg import __version__
        from finops_kg.graph.resources import check_edition
        from finops_kg.release.compiled import dataset_key, dataset_quads_file

        with self.folder.writing():
            old, info, records = self._head()
            if info.dataset_key == dataset_key() and info.package_version == __version__:
                return info, info
            check_edition(info.edition)
            stamp = metadata.now()
            new_info = replace(info, dataset_key=dataset_key(), package_version=__version__,
                               framework_loaded=stamp, modified=stamp)
            with self._change(old, new_info, True, records, framework=dataset_quads_file(),
                              progress=progress) as change:
                change.records = records
        return info, new_info

    def export(self, output: str | Path | IO[bytes], fmt: str = "nq", everything: bool = False,
               progress: Progress | None = None) -> int:
        """Write the user's graphs (everything: the whole dataset a query sees, the default graph
        included) as N-Quads or TriG to a file, atomically, or to a binary stream; return the
        number of quads."""
        from finops_kg.graph.iris import PREFIXES

        if fmt not in EXPORT_FORMATS:
            raise WorkspaceError(f"unknown format {fmt!r}; the formats are: "
                                 f"{', '.join(EXPORT_FORMATS)}")
        view = self.view()
        store = view.store
        if everything:
            graphs = sorted((g for g in store.named_graphs() if isinstance(g, NamedNode)),
                            key=lambda g: g.value)
        else:
            graphs = [NamedNode(r.graph) for r in metadata.read_records(store)]
        parts = [(source, None) for source in view.default_graph] if everything else []
        parts += [(graph, graph) for graph in graphs]
        # beside the output file, whose folder the user chose to hold that much
        scratch = Path(output).parent if isinstance(output, (str, Path)) else None

        def write(stream: IO[bytes]) -> int:
            writer = _NQuadsWriter(stream) if fmt == "nq" else _TrigWriter(stream, PREFIXES)
            return _dump_graphs(store, parts, writer, scratch, progress)

        if not isinstance(output, (str, Path)):
            return write(output)
        written: list[int] = []
        _write_atomic_stream(Path(output), lambda stream: written.append(write(stream)))
        return written[0]

    # -- the machinery of a change ----------------------------------------------------------

    def _head(self) -> tuple[Any, Info, list[GraphRecord]]:
        """Open the published generation for a writer, who alone may change HEAD."""
        store = pyoxigraph.Store.read_only(str(self.folder.generation(self.folder.head())))
        return store, metadata.read_info(store), metadata.read_records(store)

    def _check_target(self, target: str, framework: set[str],
                      records: list[GraphRecord]) -> None:
        if target in framework or target.startswith(metadata.NAMESPACE) and \
                not target.startswith(metadata.FILE_GRAPHS):
            raise WorkspaceError(f"<{target}> is a graph of the Framework or of the workspace "
                                 "itself; load your file into a graph of your own")
        for record in records:
            if record.graph == target and record.part_of:
                raise WorkspaceError(f"<{target}> holds quads that {record.source} named; "
                                     f"drop <{record.part_of}> first, or load into another graph")

    @contextmanager
    def _change(self, old: Any, info: Info, rebuild: bool, kept: list[GraphRecord],
                framework: Path | None = None,
                progress: Progress | None = None) -> Iterator[Change]:
        """Write a new generation from the published one, then publish it; or leave no trace.

        Without rebuild, the new generation starts as a checkpoint of the old (hard links, so
        cheap at any size); with it, the Framework and the kept user graphs are copied into an
        empty store. The block sets the change's records: the user graphs the new generation holds.
        """
        old_path = self.folder.generation(self.folder.head())
        target = self.folder.new_generation()
        old_records = metadata.read_records(old)
        with _new_generation(self.folder, target, info.edition, rebuild, old) as writer:
            writer.keep_sources_of(old_path, [r.graph for r in kept])
            if rebuild:
                user = {r.graph for r in metadata.read_records(old)}
                if framework is not None:
                    writer.framework_from_file(framework)
                else:
                    writer.framework_from(old, user)
                writer.add_user_quads(_reported(
                    (quad for record in kept for quad in old.quads_for_pattern(
                        None, None, None, NamedNode(record.graph))),
                    "copying the graphs kept", progress))
            change = Change(writer)
            yield change
            writer.write_sources_index(r.graph for r in change.records)
            metadata.write(writer.store, replace(info, modified=metadata.now()), change.records)
            # what was removed, and what was written (a graph reloaded counts twice)
            changed = sum(r.triples for r in [*old_records, *change.records] if r not in kept)
            uncompacted = 0 if rebuild else read_uncompacted(old_path) + changed
            held = sum(r.triples for r in change.records)
            if rebuild or uncompacted * COMPACT_AFTER >= held:
                if progress is not None and held >= 500_000:  # about 2 s
                    progress(COMPACTING, held)
                writer.store.optimize()
                uncompacted = 0
            write_uncompacted(target, uncompacted)
        # This workspace's own view still holds the generation just replaced; let go of it, so
        # that it goes now unless another reader holds it, rather than at the next change.
        self._reader.close()
        self.folder.collect_garbage()


@contextmanager
def _new_generation(folder: Folder, target: Path, edition: str, rebuild: bool,
                    old: Any = None) -> Iterator[GenerationWriter]:
    """Yield a writer of a new generation folder; publish it when the block succeeds.

    Every write is flushed to the store's files before it is closed, so that a checkpoint
    taken from it later, read-only, holds all of it. The writer holds the only reference to the
    store, so that letting go of it closes the database, before it is published or removed.
    """
    writer = GenerationWriter(None, edition, target)
    try:
        if not rebuild:
            old.backup(str(target))
        writer.store = pyoxigraph.Store(str(target))
        yield writer
        writer.store.flush()
        writer.store = None
    except BaseException as error:
        writer.store = None
        folder.remove_unfinished(target)
        if isinstance(error, OSError):
            raise _write_failure(folder, error) from None
        raise
    folder.publish(target.name)
    folder.collect_garbage()


# The store's writes fail with these (Oxigraph puts them inside a longer RocksDB message)
_WRITE_FAILURES = tuple(os.strerror(code) for code in (errno.ENOSPC, errno.EDQUOT, errno.EROFS))


def _failed_writing(error: OSError) -> bool:
    """Return True when the error is the store failing to write, not a file failing to read."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or \
        any(reason in str(error) for reason in _WRITE_FAILURES)


def _write_failure(folder: Folder, error: OSError) -> Exception:
    """Say in one line that the new generation could not be written and that nothing changed."""
    from finops_kg.errors import OutputError

    text = str(error)
    first_line = text.splitlines()[0] if text else type(error).__name__
    reason = next((known for known in _WRITE_FAILURES if known in text),
                  error.strerror or first_line)
    return OutputError(f"{folder.path}: cannot write the workspace ({reason}); it was left as "
                       "it was")


def _rebuild_is_cheaper(removed: list[GraphRecord], kept: list[GraphRecord]) -> bool:
    removing = sum(r.triples for r in removed)
    return removing > 0 and removing * REMOVAL_COST > sum(r.triples for r in kept)


def _load_straight(writer: GenerationWriter, path: Path, how: Straight, target: str,
                   progress: Progress | None) -> None:
    """Load a file of triples with Oxigraph alone; a syntax error becomes FILE:LINE: message."""
    what = f"loading {path}"
    # Lines are triples in N-Triples only; a file of another format reports its total at the end.
    report = _Throttled(what, progress) if progress and how.format_name == "nt" else None
    try:
        check_rdf(path, how.format_name)  # an XML entity would be expanded without bound
        writer.load_file(path, how, target, report)
    except SyntaxError as error:
        raise LoadError(describe_syntax_error(path, error, how.format_name)) from None
    except MemoryError:
        raise LoadError(str(too_long(path))) from None
    except OSError as error:
        if _failed_writing(error):
            raise  # the store, not the file: _new_generation says so
        raise LoadError(f"{path}: cannot be read ({error.strerror or error})") from None
    if report is not None and report.reported and report.count != report.last_count:
        report.progress(what, report.count)


class _Throttled:
    """Report a count of lines now and then, as _reported does, once the work takes a while."""

    def __init__(self, what: str, progress: Progress) -> None:
        self.what, self.progress = what, progress
        self.started = self.last = time.monotonic()
        self.block, self.reported = 0, False
        self.count = self.last_count = 0

    def __call__(self, count: int) -> None:
        self.count = count
        block = count // 16384
        if block > self.block:
            self.block = block
            now = time.monotonic()
            if now - self.started > PROGRESS_AFTER and now - self.last > PROGRESS_AFTER:
                self.progress(self.what, count)
                self.last, self.reported, self.last_count = now, True, count


def _into_graphs(path: Path, quads: Iterable[Quad], target: str, forbidden: set[str],
                 named: set[str]) -> Iterator[Quad]:
    """Put a file's default graph into its target graph, and check the graphs it names itself."""
    main = NamedNode(target)
    for quad in quads:
        graph = quad.graph_name
        if type(graph) is DefaultGraph:
            yield Quad(quad.subject, quad.predicate, quad.object, main)
        else:
            if not isinstance(graph, NamedNode):
                raise LoadError(f"{path}: names a graph with a blank node ({graph}); name it "
                                "with an IRI")
            if graph.value not in named:
                if graph.value in forbidden or graph.value.startswith(metadata.NAMESPACE) \
                        and not graph.value.startswith(metadata.FILE_GRAPHS):
                    raise LoadError(f"{path}: puts quads into <{graph.value}>, a graph of the "
                                    "Framework, of the workspace or of another file; a file may "
                                    "fill only graphs of its own")
                named.add(graph.value)
            yield quad
    named.add(target)


_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _dump_graphs(store: Any, parts: list[tuple[NamedNode, NamedNode | None]],
                 writer: _NQuadsWriter | _TrigWriter, scratch: Path | None,
                 progress: Progress | None) -> int:
    """Dump each (graph, name) of parts in the writer's format and hand the dumps, in order, to
    writer(dump, name) (name None: the default graph), which writes them out; return the number
    of quads. The dumps go to a temporary folder in scratch (the system's when None), which holds
    at most as much as the output.

    Oxigraph dumps each graph in Rust, on every core at once, where a stream of quads through
    Python took twice as long (N-Quads: 3.6 s against 6.7 s at a million quads on two cores).
    """
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=".finops-kg-export-", dir=scratch) as folder:
        def dump(index: int, graph: NamedNode) -> tuple[Path, int]:
            path = Path(folder) / str(index)
            store.dump(str(path), format=writer.format, from_graph=graph,
                       prefixes=writer.prefixes)
            # Turtle lines are not triples. Counting reads no text and runs beside the dumps
            # (0.4 s a million); counting N-Triples lines in Python instead was no faster.
            return path, int(next(iter(store.query(_COUNT, named_graphs=[graph])))[0].value)

        pool = ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 4))
        try:
            dumped = [pool.submit(dump, index, graph) for index, (graph, _) in enumerate(parts)]
            count = 0
            for (_, name), future in zip(parts, dumped):
                path, triples = future.result()
                with path.open("rb") as lines:
                    writer(lines, name)
                count += triples
                path.unlink()
                if progress is not None and time.monotonic() - started > PROGRESS_AFTER:
                    progress("exporting", count)
        finally:  # on an error or Ctrl-C, no graph waiting its turn is dumped
            pool.shutdown(wait=True, cancel_futures=True)
    return count


class _NQuadsWriter:
    """Writes N-Triples dumps as N-Quads: an N-Triples line ends with " .\n" and nowhere else,
    since a line break inside a literal is escaped, so each gets its graph's name there. The
    bytes are those Oxigraph writes as N-Quads."""

    format, prefixes = pyoxigraph.RdfFormat.N_TRIPLES, None

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def __call__(self, lines: IO[bytes], name: NamedNode | None) -> None:
        """Write the dump's lines under the graph's name."""
        ending = b" .\n" if name is None else f" <{name.value}> .\n".encode()
        for block in _whole_lines(lines):
            self.stream.write(block.replace(b" .\n", ending))


class _TrigWriter:
    """Writes Turtle dumps as one TriG document: the prefixes once, the default graph's
    statements as they are, each named graph's in a block, indented by a tab. The bytes are those
    Oxigraph writes as TriG, since its TriG writer is its Turtle writer inside the blocks and
    writes a line break inside a literal escaped."""

    format = pyoxigraph.RdfFormat.TURTLE

    def __init__(self, stream: IO[bytes], prefixes: dict[str, str]) -> None:
        self.stream, self.prefixes = stream, prefixes
        self.header: bytes | None = None  # the prefixes, in the order Oxigraph writes them

    def __call__(self, lines: IO[bytes], name: NamedNode | None) -> None:
        """Write the dump's statements, in the graph's block unless it is the default graph."""
        head = b"".join(lines.readline() for _ in self.prefixes)
        if not head:
            return  # an empty graph: Oxigraph writes nothing, not even the prefixes
        if self.header is None:
            self.header = head
            self.stream.write(head)
        if head != self.header or head.count(b"@prefix ") != len(self.prefixes):
            # Oxigraph's writing changed: a bug, not a file to blame
            raise RuntimeError(f"a Turtle dump that does not start with its prefixes: {head[:80]!r}")
        if name is not None:
            self.stream.write(f"<{name.value}> {{\n".encode())
        for block in _whole_lines(lines):
            if name is not None:
                block = b"\t" + block[:-1].replace(b"\n", b"\n\t") + b"\n"
            self.stream.write(block)
        if name is not None:
            self.stream.write(b"}\n")


def _whole_lines(lines: IO[bytes]) -> Iterator[bytes]:
    """Yield a dump's bytes in blocks of whole lines, DUMP_BLOCK bytes read at a time."""
    rest = b""
    while block := lines.read(DUMP_BLOCK):
        block = rest + block
        cut = block.rfind(b"\n") + 1
        block, rest = block[:cut], block[cut:]
        if block:
            yield block
    if rest:  # Oxigraph ends every line, so this is a bug, not a file to blame
        raise RuntimeError(f"an unfinished line in Oxigraph's dump: {rest[:80]!r}")


def _reported(items: Iterable[Quad], what: str, progress: Progress | None) -> Iterator[Quad]:
    """Pass items through, reporting how many have passed now and then once it takes a while,
    and the total at the end when anything was reported."""
    if progress is None:
        yield from items
        return
    started = last = time.monotonic()
    count, reported = 0, False
    for item in items:
        yield item
        count += 1
        if not count % 16384:
            now = time.monotonic()
            if now - started > PROGRESS_AFTER and now - last > PROGRESS_AFTER:
                progress(what, count)
                last, reported = now, True
    if reported and count % 16384:
        progress(what, count)


def _find_record(graph: str, records: list[GraphRecord], graphs: set[str],
                 folder: Path) -> GraphRecord:
    for record in records:
        if graph in (record.graph, f"<{record.graph}>"):
            return record
    by_name = metadata.file_graph(Path(graph))
    for record in records:
        if record.graph == by_name:
            return record
    if graph in graphs:
        raise WorkspaceError(f"<{graph}> is a graph of the Framework or of the workspace itself; "
                             "only your own graphs can be dropped")
    raise WorkspaceError(f"{folder} has no graph {graph!r}; finops-kg workspace list {folder} "
                         "lists them")


def _checked_iri(value: str) -> str:
    iri = value.strip().removeprefix("<").removesuffix(">")
    try:
        NamedNode(iri)
    except ValueError as error:
        raise WorkspaceError(f"--graph {value!r} is not an IRI ({error})") from None
    if ":" not in iri:
        raise WorkspaceError(f"--graph {value!r} is not an absolute IRI, such as "
                             "urn:acme:assessments or https://acme.example/graph/assessments")
    return iri


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    if path.is_dir():
        raise LoadError(f"{path}: is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise LoadError(f"{path}: cannot be read (permission denied)")


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError as error:
        raise LoadError(f"{path}: cannot be read ({error.strerror or error})") from None


def _write_atomic_stream(path: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Write a file through a temporary file in the same folder, then rename it into place."""
    from finops_kg.errors import OutputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write here ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
        raise

